"""Roofline: how close token generation gets to the memory-bandwidth limit of this machine.

Generating one token reads every weight once (batch 1), so tokens/s can be at most
bandwidth ÷ bytes read per token. This script measures both sides in one run:

1. Bandwidth, in-process, two ways (each the best of 1 and ``--threads`` threads, medians):
   *copy*: numpy copies of 256 MiB, bytes read + written ÷ time (the course's headline roof);
   *read-only*: integer sums over 256 MiB, bytes read ÷ time. Generation mostly reads, and a read
   stream runs faster than a copy, so the read-only ratio is the stricter one; both are printed.
2. Generation tokens/s of the synthetic roofline-90m model (92 M params, random weights) at F16,
   Q8_0 and Q4_0 with ``--threads`` threads (decode after the first token, median of repetitions).
3. Bytes per token = the file's tensor bytes minus ``token_embd`` (a row lookup, not a full read).

RATIO = tokens/s ÷ (copy bandwidth ÷ bytes per token) for each quantization: the fraction of the
roof reached. Target ≥ 0.45. When quantized formats reach fewer GB/s than F16, generation is
limited by the arithmetic of unpacking the weights (few cores), not by memory. Caveat: Q4_0's
~52 MB is close to a 32 MB L3 cache, so part of it may be served from cache.

    python bench/roofline.py            # full run
    python bench/roofline.py --quick    # smoke run
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _common import decode_tokens_per_s, machine, parser, table, verdict

from course.backends.base import GenerationOptions
from course.backends.inprocess import InProcessBackend
from course.measure.roofline import bytes_per_token, measure_bandwidth_gb_s
from course.models.synthetic import ensure_synthetic_model

TARGET = 0.45
AGREEMENT_TARGET = 0.67  # a byte count off by 2 (read-only, or counted twice) gives 0.5
BUFFER_BYTES = 256 * 2**20
QUANTS = ("F16", "Q8_0", "Q4_0")
PROMPT = [{"role": "user", "content": "Write a long story about a lighthouse."}]


def _parallel_gb_s(work: Callable[[int, int], None], nbytes: int, *, threads: int, reps: int) -> float:
    """Median GB/s of ``work(lo, hi)`` over ``threads`` threads splitting [0, n) (numpy drops the GIL)."""
    n = BUFFER_BYTES // 8
    step = -(-n // threads)
    bounds = [(i, min(i + step, n)) for i in range(0, n, step)]
    samples = []
    for _ in range(reps):
        workers = [threading.Thread(target=work, args=b) for b in bounds]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        samples.append(nbytes / (time.perf_counter() - start) / 1e9)
    return statistics.median(samples)


def copy_bandwidth_gb_s(*, threads: int, reps: int) -> float:
    """(bytes read + bytes written) ÷ time for numpy copies of 256 MiB."""
    src = np.ones(BUFFER_BYTES // 8, dtype=np.int64)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # touch every page first

    def copy(lo: int, hi: int) -> None:
        np.copyto(dst[lo:hi], src[lo:hi])

    return _parallel_gb_s(copy, 2 * src.nbytes, threads=threads, reps=reps)


def read_bandwidth_gb_s(*, threads: int, reps: int) -> float:
    """Bytes read ÷ time for integer sums over 256 MiB: reads only, like streaming weights."""
    src = np.ones(BUFFER_BYTES // 8, dtype=np.int64)

    def read(lo: int, hi: int) -> None:
        src[lo:hi].sum()

    return _parallel_gb_s(read, src.nbytes, threads=threads, reps=reps)


def decode_rates(path: Path, *, threads: int, n: int, reps: int) -> list[float]:
    """Decode tokens/s of each of ``reps`` generations of ``n`` tokens (after a warm-up)."""
    backend = InProcessBackend(path, n_ctx=512, n_threads=threads)
    opts = GenerationOptions(max_tokens=n, ignore_eos=True)
    try:
        backend.chat(PROMPT, options=GenerationOptions(max_tokens=8, ignore_eos=True))  # warm-up
        rates = []
        for _ in range(reps):
            stream = backend.chat(PROMPT, options=opts)
            first, last = stream.chunks[0], stream.chunks[-1]
            rates.append(
                decode_tokens_per_s(n, first_s=first.t_s, last_s=last.t_s, first_tokens=first.n_tokens)
            )
        return rates
    finally:
        backend.close()


def main() -> int:
    args = parser(__doc__ or "").parse_args()
    n, reps, copy_reps = (48, 3, 5) if args.quick else (128, 5, 15)
    print(f"Roofline, {args.threads} threads, {machine()}")
    copy_bw = max(copy_bandwidth_gb_s(threads=t, reps=copy_reps) for t in {1, args.threads})
    read_bw = max(read_bandwidth_gb_s(threads=t, reps=copy_reps) for t in {1, args.threads})
    print(f"memory bandwidth, best of 1 and {args.threads} threads, medians of {copy_reps}: "
          f"copy (read + write) {copy_bw:.1f} GB/s; read-only {read_bw:.1f} GB/s")  # fmt: skip
    # The course's own figure (lab 01's roof), one thread, against this script's 1-thread copy, interleaved.
    course_bw = max(measure_bandwidth_gb_s(repeats=3) for _ in range(3))
    bench_bw = copy_bandwidth_gb_s(threads=1, reps=copy_reps)
    print(f"course.measure.roofline.measure_bandwidth_gb_s (lab 01's roof, 1 thread): {course_bw:.1f} GB/s; "
          f"this script's 1-thread copy: {bench_bw:.1f} GB/s")  # fmt: skip
    agreement = min(course_bw, bench_bw) / max(course_bw, bench_bw)
    print(verdict("course bandwidth vs this script's copy (smaller ÷ larger)", agreement, AGREEMENT_TARGET))
    rows, ratios, strict = [], {}, {}
    for quant in QUANTS:
        path = ensure_synthetic_model("roofline-90m", quant=quant, progress=False)
        per_token = bytes_per_token(path)
        rates = decode_rates(path, threads=args.threads, n=n, reps=reps)
        tps = statistics.median(rates)
        achieved = tps * per_token / 1e9
        ratios[quant], strict[quant] = achieved / copy_bw, achieved / read_bw
        rows.append({
            "quant": quant,
            "file MB": f"{path.stat().st_size / 1e6:.0f}",
            "read/token MB": f"{per_token / 1e6:.1f}",
            "tok/s (median)": f"{tps:.1f}",
            "tok/s min-max": f"{min(rates):.1f}-{max(rates):.1f}",
            "roof tok/s (copy)": f"{copy_bw * 1e9 / per_token:.1f}",
            "achieved GB/s": f"{achieved:.1f}",
            "ratio vs copy": f"{ratios[quant]:.3f}",
            "ratio vs read": f"{strict[quant]:.3f}",
        })  # fmt: skip
    print(table(rows))
    for quant in QUANTS:
        print(
            verdict(f"tok/s ÷ (copy bandwidth ÷ bytes/token), roofline-90m {quant}", ratios[quant], TARGET)
            + f"; against read-only bandwidth: {strict[quant]:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
