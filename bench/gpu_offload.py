"""GPU offload: tokens/s of a model fully on the GPU, and its roofline ratio against GPU bandwidth.

NOT RUN YET: written on a CPU-only machine (see bench/README.md). bench/gpu_offload.sh builds
what it needs and calls it; it can also run alone once llama-cpp-python has CUDA support.

For each variant (default; flash attention; CUDA graphs disabled) a child process loads the model
with every layer offloaded (``n_gpu_layers=-1``) and times decode tokens/s (after the first token,
EOS ignored, median of repetitions). Variants run in separate processes because llama.cpp reads
``GGML_CUDA_DISABLE_GRAPHS`` once per process.

Bandwidth: a device-to-device ``cudaMemcpy`` of 1 GiB through the CUDA runtime (ctypes), bytes
read + written ÷ time, median; the vendor's figure for the GPU is printed next to it.
RATIO = tokens/s ÷ (bandwidth ÷ bytes read per token), bytes per token = tensor bytes minus
``token_embd``. Target ≥ 0.40.

    python bench/gpu_offload.py --model PATH.gguf [--quick]
    python bench/gpu_offload.py --model synthetic:roofline-90m:Q4_0 --allow-cpu --quick   # plumbing check
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import decode_tokens_per_s, machine, parser, table, verdict

from course.measure.roofline import bytes_per_token, gpu_bandwidths

TARGET = 0.40
COPY_BYTES = 2**30
CUDA_MEMCPY_DEVICE_TO_DEVICE = 3
PROMPT = [{"role": "user", "content": "Write a long story about a lighthouse keeper and a storm."}]

#: vendor peak memory bandwidth, GB/s, by the words nvidia-smi prints for the card: the rows of
#: course/data/gpu_bandwidth.json that have an ``nvidia_smi_name`` (dated; sourced or marked unverified).
#: Keys are matched as whole words of the nvidia-smi name, longest key first (see spec_bandwidth_gb_s).
SPEC_BANDWIDTH_GB_S = {
    row.nvidia_smi_name: row.memory_bandwidth_gb_s for row in gpu_bandwidths().values() if row.nvidia_smi_name
}

#: nvidia-smi names and the figure each must get: ``--self-test`` (run by ``gpu_offload.sh check``)
SPEC_LOOKUP_CASES = {
    "NVIDIA H200": 4800.0,
    "NVIDIA H100 80GB HBM3": 3350.0,
    "NVIDIA H100 PCIe": 2000.0,
    "NVIDIA A100-PCIE-40GB": 1555.0,
    "NVIDIA A100-SXM4-80GB": 2039.0,
    "NVIDIA A100 80GB PCIe": 1935.0,
    "NVIDIA A10G": 600.0,
    "NVIDIA A10": 600.0,
    "NVIDIA L40S": 864.0,
    "NVIDIA L4": 300.0,
    "NVIDIA GeForce RTX 4090": 1008.0,
    "NVIDIA A100": None,  # memory size unknown: no figure, rather than the A10's
    "Tesla T4": None,
    "": None,
}

VARIANTS = (
    ("default (CUDA graphs on)", {"flash_attn": False}, {}),
    ("flash attention", {"flash_attn": True}, {}),
    ("CUDA graphs off", {"flash_attn": False}, {"GGML_CUDA_DISABLE_GRAPHS": "1"}),
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def spec_bandwidth_gb_s(gpu_name: str) -> float | None:
    """The vendor figure whose key appears as whole words in ``gpu_name`` (the longest key wins).

    Whole words, so "A10" does not match "A100-PCIE-40GB" nor "L4" match "L40S".
    """
    name = _words(gpu_name)
    for key in sorted(SPEC_BANDWIDTH_GB_S, key=lambda k: (len(_words(k)), len(k)), reverse=True):
        want = _words(key)
        if any(name[i : i + len(want)] == want for i in range(len(name) - len(want) + 1)):
            return SPEC_BANDWIDTH_GB_S[key]
    return None


def self_test() -> int:
    """Check the bandwidth lookup against :data:`SPEC_LOOKUP_CASES`; 0 when all pass."""
    wrong = {
        name: (spec_bandwidth_gb_s(name), want)
        for name, want in SPEC_LOOKUP_CASES.items()
        if spec_bandwidth_gb_s(name) != want
    }
    for name, (got, want) in wrong.items():
        print(f"error: bandwidth lookup for {name!r}: got {got}, expected {want}", file=sys.stderr)
    if not wrong:
        print(f"self-test: bandwidth lookup right for {len(SPEC_LOOKUP_CASES)} GPU names")
    return 1 if wrong else 0


def gpu_name() -> str:
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return out.stdout.strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return ""


def _cudart() -> ctypes.CDLL | None:
    candidates = [ctypes.util.find_library("cudart")]
    patterns = [
        os.path.join(p, sub, "**", "libcudart.so*") for p in sys.path for sub in ("nvidia", "llama_cpp")
    ]
    patterns += ["/usr/local/cuda/lib64/libcudart.so*", "/usr/local/cuda/targets/*/lib/libcudart.so*"]
    for pattern in patterns:
        candidates += sorted(glob.glob(pattern, recursive=True))[:3]
    for name in filter(None, candidates):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def gpu_copy_bandwidth_gb_s(*, reps: int = 10, copies: int = 10) -> float | None:
    """Median (read + write) GB/s of device-to-device copies; None without a CUDA runtime or GPU."""
    lib = _cudart()
    if lib is None:
        return None
    src, dst = ctypes.c_void_p(), ctypes.c_void_p()
    if lib.cudaMalloc(ctypes.byref(src), ctypes.c_size_t(COPY_BYTES)) != 0:
        return None
    if lib.cudaMalloc(ctypes.byref(dst), ctypes.c_size_t(COPY_BYTES)) != 0:
        lib.cudaFree(src)
        return None
    try:
        lib.cudaMemset(src, 1, ctypes.c_size_t(COPY_BYTES))

        def copy_batch() -> float:
            lib.cudaDeviceSynchronize()
            start = time.perf_counter()
            for _ in range(copies):
                lib.cudaMemcpy(dst, src, ctypes.c_size_t(COPY_BYTES), CUDA_MEMCPY_DEVICE_TO_DEVICE)
            lib.cudaDeviceSynchronize()
            return 2 * COPY_BYTES * copies / (time.perf_counter() - start) / 1e9

        copy_batch()  # warm-up
        return statistics.median(copy_batch() for _ in range(reps))
    finally:
        lib.cudaFree(src)
        lib.cudaFree(dst)


def child(args: argparse.Namespace) -> int:
    """One variant, in a fresh process; prints one JSON line."""
    from course.backends.base import GenerationOptions
    from course.backends.inprocess import InProcessBackend

    backend = InProcessBackend(
        args.model_path, n_ctx=1024, n_gpu_layers=-1, flash_attn=args.flash_attn, n_threads=args.threads
    )
    opts = GenerationOptions(max_tokens=args.tokens, ignore_eos=True)
    try:
        backend.chat(PROMPT, options=GenerationOptions(max_tokens=16, ignore_eos=True))  # warm-up
        rates = []
        for _ in range(args.reps):
            stream = backend.chat(PROMPT, options=opts)
            first, last = stream.chunks[0], stream.chunks[-1]
            rates.append(
                decode_tokens_per_s(
                    args.tokens, first_s=first.t_s, last_s=last.t_s, first_tokens=first.n_tokens
                )
            )
        info = backend.info()
    finally:
        backend.close()
    print(json.dumps({"rates": rates, "device": info.device, "gpu_layers": info.gpu_layers}))
    return 0


def main() -> int:
    p = parser(__doc__ or "")
    p.add_argument("--model", default="synthetic:llama-8b:Q4_K_M", help="GGUF path or synthetic:NAME:QUANT")
    p.add_argument("--allow-cpu", action="store_true", help="run even without GPU offload (plumbing check)")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    p.add_argument("--self-test", action="store_true", help="check the GPU bandwidth lookup and exit")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model-path", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--flash-attn", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tokens", type=int, default=128, help=argparse.SUPPRESS)
    p.add_argument("--reps", type=int, default=5, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args)
    if args.self_test:
        return self_test()

    import llama_cpp

    from course.models.resolve import resolve_model

    offload = bool(llama_cpp.llama_supports_gpu_offload())
    if not offload and not args.allow_cpu:
        print(
            "error: this llama-cpp-python build cannot offload to a GPU. Build it with CUDA first: "
            "bench/gpu_offload.sh wheel (or run with --allow-cpu to check the plumbing on the CPU).",
            file=sys.stderr,
        )
        return 2
    path = resolve_model(args.model)
    tokens, reps = (32, 2) if args.quick else (128, 5)
    name = gpu_name()
    measured = gpu_copy_bandwidth_gb_s() if offload else None
    spec = spec_bandwidth_gb_s(name) if name else None
    roof = measured or spec
    per_token = bytes_per_token(path)
    print(
        f"GPU offload, {machine()}; GPU: {name or 'none'}; "
        f"model {path.name} ({per_token / 1e9:.2f} GB read/token)"
    )
    print(
        f"bandwidth: measured {measured or float('nan'):.0f} GB/s (D2D copy), "
        f"vendor {spec or float('nan'):.0f} GB/s"
    )
    rows, results = [], {}
    for label, kwargs, env in VARIANTS:
        cmd = [sys.executable, __file__, "--child", "--model-path", str(path), "--tokens", str(tokens),
               "--reps", str(reps), "--threads", str(args.threads)]  # fmt: skip
        if kwargs["flash_attn"]:
            cmd.append("--flash-attn")
        done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, check=False)
        if done.returncode != 0:
            rows.append({"variant": label, "tok/s (median)": "failed", "note": done.stderr.strip()[-200:]})
            continue
        out = json.loads(done.stdout.strip().splitlines()[-1])
        tps = statistics.median(out["rates"])
        ratio = tps / (roof * 1e9 / per_token) if roof else None
        results[label] = {"tokens_per_s": tps, "rates": out["rates"], "ratio": ratio, "device": out["device"]}
        rows.append({
            "variant": label,
            "device": out["device"][:40],
            "layers on GPU": out["gpu_layers"],
            "tok/s (median)": f"{tps:.1f}",
            "min-max": f"{min(out['rates']):.1f}-{max(out['rates']):.1f}",
            "achieved GB/s": f"{tps * per_token / 1e9:.0f}",
            "ratio": f"{ratio:.3f}" if ratio is not None else "-",
        })  # fmt: skip
    print(table(rows))
    scored = {k: v["ratio"] for k, v in results.items() if v["ratio"] is not None}
    if scored:
        best = max(scored, key=scored.__getitem__)
        print(verdict(f"tok/s ÷ (GPU bandwidth ÷ bytes/token), {path.stem}, {best}", scored[best], TARGET))
    else:
        print("RATIO not computed: no GPU bandwidth (no CUDA runtime found, GPU not in the spec table)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "gpu": name,
            "model": str(path),
            "bytes_per_token": per_token,
            "bandwidth_measured_gb_s": measured,
            "bandwidth_spec_gb_s": spec,
            "variants": results,
            "date": time.strftime("%Y-%m-%d"),
        }
        args.json.write_text(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
