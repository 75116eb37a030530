"""Cross-check: the course's concurrency sweep and AIPerf, an independent serving benchmark, on one server.

One llama.cpp ``llama-server`` (P slots, roofline-90m Q4_0 by default) is started pinned to one CPU
core (``taskset``); both clients run pinned to another. Against that same server, in turn:

1. the course's sweep (:func:`course.measure.sweep_concurrency`) in the FIXED prompt order (the
   course's behaviour before prompts were drawn at random: short, medium, long, in file order);
2. the course's sweep in its default seeded RANDOM order;
3. AIPerf (NVIDIA's serving benchmark, ``aiperf profile``) sending the SAME prompts in the SAME order
   as the course's random-order sweep (its input file is that drawn sequence, read with
   ``--dataset-sampling-strategy sequential``), at each level.

Both tools then send an identical workload, so a difference left between them is the tools' own. With
``--aiperf-order shuffle`` AIPerf draws its own order instead (the first cross-check did): at
concurrency 4 the TTFT median then depends on which prompts happen to prefill together, and moves by
tens of percent from one draw to another even with the same tool.

All three send the bundled prompt set with a unique tag in front of each prompt (so no prompt cache
helps), the same fixed number of output tokens (``ignore_eos``, temperature 1) and count tokens from
the server's ``usage``. The table prints each metric side by side with course ÷ AIPerf, and where the
tools define a metric differently it says so. The script ends with ``RATIO`` lines (target: within 10%).

AIPerf is never a course dependency: ``--install`` puts it in its own virtual environment
(default ``bench/.venv``, git-ignored) from PyPI; ``--aiperf PATH`` uses an existing one.

    python bench/crosscheck.py --install          # first time: installs AIPerf (about 1.5 GB)
    python bench/crosscheck.py                    # levels 1 and 4, 12 requests a level (the set once)
    python bench/crosscheck.py --quick            # 32 output tokens instead of 128
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _common import machine, parser, table

from course.backends.base import GenerationOptions
from course.backends.loopback import find_llama_server, llama_server
from course.backends.tokens import gguf_token_counter
from course.errors import ServerStartError
from course.measure import LatencySummary, Prompt, draw_prompts, load_prompts, sweep_concurrency
from course.measure.targets import context_for
from course.models.resolve import resolve_model

HERE = Path(__file__).resolve().parent
DEFAULT_VENV = HERE / ".venv"
AIPERF_SPEC = "aiperf==0.13.0"
TOLERANCE = 0.10  # course ÷ AIPerf within 1 ± this counts as agreement
# Greedy decoding of random weights can loop on a control token, which llama-server streams as empty
# text: AIPerf then drops the whole response as an error. Sampling keeps answers textual; speed is the same.
TEMPERATURE = 1.0
SALT_ALLOWANCE_TOKENS = len("[aiperf-4-0123456789ab-999] ")  # the longest tag put before a prompt


@dataclass(frozen=True)
class Figures:
    """The four compared metrics of one tool at one level (tokens/s and seconds; NaN when missing)."""

    output_tokens_per_s: float
    tpot_p50_s: float  # (E2E − TTFT) / (output tokens − 1): course TPOT, AIPerf "inter_token_latency"
    ttft_p50_s: float
    chunk_gap_p50_s: float  # gaps between streamed content chunks: course ITL, AIPerf "inter_chunk_latency"
    n_ok: int
    n_failed: int = 0


def median_figures(runs: Sequence[Figures]) -> Figures:
    """Each metric's median over repeated runs of one tool (counts are summed)."""

    def med(attr: str) -> float:
        values = [v for v in (getattr(r, attr) for r in runs) if not math.isnan(v)]
        return statistics.median(values) if values else math.nan

    return Figures(
        med("output_tokens_per_s"), med("tpot_p50_s"), med("ttft_p50_s"), med("chunk_gap_p50_s"),
        sum(r.n_ok for r in runs), sum(r.n_failed for r in runs),
    )  # fmt: skip


def course_figures(s: LatencySummary) -> Figures:
    return Figures(s.output_tokens_per_s, s.tpot_p50_s, s.ttft_p50_s, s.itl_p50_s, s.n_ok, s.n_failed)


# -- CPU pinning -------------------------------------------------------------------------------------


def cpu_plan() -> tuple[set[int], set[int]]:
    """(server cores, client cores): the first usable core for the server, the rest for clients."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return set(cores), set(cores)
    return {cores[0]}, set(cores[1:])


@contextmanager
def affinity(cores: set[int]):
    """Run the block (and every process it starts) on ``cores``, then restore the old affinity."""
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(0, old)


def taskset(pid: int, cores: set[int]) -> str:
    """Pin every thread of ``pid`` to ``cores`` with taskset; returns taskset's report."""
    spec = ",".join(str(c) for c in sorted(cores))
    if shutil.which("taskset") is None:
        return "taskset not found (affinity inherited from the launcher only)"
    done = subprocess.run(["taskset", "-a", "-p", "-c", spec, str(pid)], capture_output=True, text=True)
    report = subprocess.run(["taskset", "-p", "-c", str(pid)], capture_output=True, text=True)
    return (report.stdout or done.stderr).strip()


# -- AIPerf ------------------------------------------------------------------------------------------


def aiperf_path(args: argparse.Namespace) -> Path:
    if args.aiperf:
        return Path(args.aiperf)
    return Path(args.venv) / "bin" / "aiperf"


def install_aiperf(venv: Path) -> None:
    print(f"Installing {AIPERF_SPEC} into {venv} (its own environment, not the course's) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", AIPERF_SPEC], check=True)


TOKENIZER_SCRIPT = """
import json, sys
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

v = json.load(open(sys.argv[1]))
tok = Tokenizer(models.Unigram(list(zip(v["tokens"], v["scores"])), unk_id=0, byte_fallback=True))
tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first")
space = decoders.Metaspace(replacement="\u2581", prepend_scheme="first")
tok.decoder = decoders.Sequence([space, decoders.ByteFallback(), decoders.Fuse()])
tok.add_special_tokens([AddedToken(t, special=True) for t, ty in zip(v["tokens"], v["types"]) if ty == 3])
PreTrainedTokenizerFast(tokenizer_object=tok, unk_token=v["tokens"][0]).save_pretrained(sys.argv[2])
"""


def local_tokenizer(venv_python: Path, gguf_path: Path, out: Path) -> Path:
    """A Hugging Face tokenizer folder from the GGUF's SentencePiece vocabulary (AIPerf needs one).

    AIPerf loads a tokenizer even with ``--use-server-token-count`` (its 'builtin' one downloads an
    encoding: no good offline). Built as a Unigram model over the GGUF's pieces and scores, it
    splits text much like llama.cpp's SPM tokenizer but not token for token: it only feeds AIPerf's
    input-length statistics, never the compared figures, which use the server's counts.
    """
    import gguf

    fields = gguf.GGUFReader(gguf_path).fields

    def values(key: str) -> list:
        field = fields[key]
        return [field.parts[i] for i in field.data]

    vocab = {
        "tokens": [bytes(part).decode("utf-8") for part in values("tokenizer.ggml.tokens")],
        "scores": [float(part[0]) for part in values("tokenizer.ggml.scores")],
        "types": [int(part[0]) for part in values("tokenizer.ggml.token_type")],
    }
    (out.parent / "vocab.json").write_text(json.dumps(vocab))
    subprocess.run(
        [str(venv_python), "-c", TOKENIZER_SCRIPT, str(out.parent / "vocab.json"), str(out)],
        check=True,
        capture_output=True,
    )
    return out


def salted_prompt_file(path: Path, sequence: Sequence[Prompt], *, tag: str) -> None:
    """AIPerf's single-turn JSONL: ``sequence`` in order, each line with its own tag (no prompt cache)."""
    with path.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(sequence):
            fh.write(json.dumps({"text": f"[{tag}-{i:03d}] {p.text}"}) + "\n")


def run_aiperf(
    exe: Path,
    *,
    base_url: str,
    model: str,
    prompts: Sequence[Prompt],
    level: int,
    requests: int,
    max_tokens: int,
    seed: int,
    work: Path,
    tokenizer: Path,
    order: str = "sequential",
) -> tuple[Figures, dict[str, object]]:
    """One ``aiperf profile`` run at ``level`` in flight; returns its figures and raw summary JSON.

    ``sequential``: the file is the course's random-order draw (``draw_prompts`` with the same seed),
    sent in file order, so both tools send the same prompts in the same order. ``shuffle``: the file
    holds each prompt ``ceil(requests / len(prompts))`` times and AIPerf draws its own order. Every
    line is tagged apart (never a cached prompt). No AIPerf warm-up (it would use up entries); the
    course's sweeps have just warmed the same server.
    """
    tag = f"aiperf-{level}-{uuid.uuid4().hex[:12]}"
    if order == "sequential":
        sequence = draw_prompts(prompts, requests, order="random", seed=seed)
    else:
        sequence = list(prompts) * math.ceil(requests / len(prompts))
    data = work / f"prompts-{level}.jsonl"
    salted_prompt_file(data, sequence, tag=tag)
    out = work / f"aiperf-{level}"
    server = base_url.removesuffix("/v1")
    cmd = [
        str(exe), "profile",
        "--model", model, "--url", server, "--endpoint-type", "chat", "--streaming",
        "--input-file", str(data), "--custom-dataset-type", "single_turn",
        "--dataset-sampling-strategy", order, "--random-seed", str(seed),
        "--concurrency", str(level), "--request-count", str(requests),
        "--osl", str(max_tokens), "--osl-stddev", "0", "--use-legacy-max-tokens",
        "--extra-inputs", "ignore_eos:true", "--extra-inputs", f"temperature:{TEMPERATURE:g}",
        "--use-server-token-count", "--tokenizer", str(tokenizer),
        "--ui-type", "none", "--no-server-metrics", "--workers-max", "1", "--record-processors", "1",
        "--artifact-dir", str(out),
    ]  # fmt: skip
    # not HF_HUB_OFFLINE: in that mode AIPerf reads every tokenizer name as a hub id, even a local folder
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    log = work / f"aiperf-{level}.log"
    with log.open("w") as fh:
        done = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, timeout=1800)
    found = [path for path in (out / "profile_export_aiperf.json",) if path.exists()]  # not phases/warmup
    if done.returncode != 0 or not found:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"aiperf exited with {done.returncode}; its log ({log}) ends:\n{tail}")
    raw = json.loads(found[-1].read_text())
    return aiperf_figures(raw), raw


def _metric(raw: dict[str, object], name: str, stat: str) -> float:
    """A statistic of AIPerf's summary JSON in base units (seconds, tokens/s); NaN when absent."""
    block = raw.get(name)
    if block is None and isinstance(raw.get("records"), dict):
        block = raw["records"].get(name)  # type: ignore[union-attr]
    if not isinstance(block, dict) or block.get(stat) is None:
        return math.nan
    value = float(block[stat])
    unit = str(block.get("unit", ""))
    return value / 1000 if unit == "ms" else value / 1e9 if unit == "ns" else value


def aiperf_figures(raw: dict[str, object]) -> Figures:
    count = _metric(raw, "request_count", "avg")
    errors = _metric(raw, "error_request_count", "avg")
    return Figures(
        output_tokens_per_s=_metric(raw, "output_token_throughput", "avg"),
        tpot_p50_s=_metric(raw, "inter_token_latency", "p50"),
        ttft_p50_s=_metric(raw, "time_to_first_token", "p50"),
        chunk_gap_p50_s=_metric(raw, "inter_chunk_latency", "p50"),
        n_ok=0 if math.isnan(count) else int(count),
        n_failed=0 if math.isnan(errors) else int(errors),
    )


# -- the report --------------------------------------------------------------------------------------

METRICS: tuple[tuple[str, str, float, str], ...] = (
    (
        "output tok/s",
        "output_tokens_per_s",
        1.0,
        "same: all output tokens ÷ (first request sent → last response done)",
    ),
    (
        "TPOT p50 ms",
        "tpot_p50_s",
        1000.0,
        "same formula, (E2E − TTFT) ÷ (tokens − 1): AIPerf calls it 'inter_token_latency'",
    ),
    (
        "TTFT p50 ms",
        "ttft_p50_s",
        1000.0,
        "course: first chunk with text; AIPerf: first response chunk (llama-server's first has text)",
    ),
    (
        "ITL (chunk gap) p50 ms",
        "chunk_gap_p50_s",
        1000.0,
        "per CHUNK in both: course 'ITL', AIPerf 'inter_chunk_latency' (not per token)",
    ),
)
COMPARED = ("output_tokens_per_s", "tpot_p50_s", "ttft_p50_s")  # the RATIO lines (issue 8)


def ratio(a: float, b: float) -> float:
    return a / b if b and not (math.isnan(a) or math.isnan(b)) else math.nan


def fmt(value: float, scale: float) -> str:
    return "-" if math.isnan(value) else f"{value * scale:.1f}"


def report(runs: dict[int, dict[str, list[Figures]]]) -> list[str]:
    """The side-by-side table (medians over repeats), each repeat's compared figures, and RATIO lines."""
    results = {level: {k: median_figures(v) for k, v in tools.items()} for level, tools in runs.items()}
    rows, notes, lines, spread = [], {}, [], []
    for level, tools in results.items():
        ref = tools["aiperf"]
        for label, attr, scale, note in METRICS:
            fixed, rand, ind = (getattr(tools[k], attr) for k in ("course fixed", "course random", "aiperf"))
            rows.append({
                "level": level,
                "metric": label,
                "course fixed": fmt(fixed, scale),
                "course random": fmt(rand, scale),
                "AIPerf": fmt(ind, scale),
                "fixed ÷ AIPerf": f"{ratio(fixed, ind):.2f}",
                "random ÷ AIPerf": f"{ratio(rand, ind):.2f}",
            })  # fmt: skip
            notes[label] = note
            if attr in COMPARED and len(runs[level]["aiperf"]) > 1:
                each = {k: ", ".join(fmt(getattr(f, attr), scale) for f in runs[level][k])
                        for k in ("course random", "aiperf")}  # fmt: skip
                mine, theirs = each["course random"], each["aiperf"]
                spread.append(f"  level {level} {label}: course random {mine} | AIPerf {theirs}")
        for attr in COMPARED:
            r = ratio(getattr(tools["course random"], attr), getattr(ref, attr))
            ok = not math.isnan(r) and abs(r - 1) <= TOLERANCE
            name = next(label for label, a, _, _ in METRICS if a == attr)
            lines.append(
                f"RATIO {name} at concurrency {level}, course (random order) ÷ AIPerf: {r:.3f} "
                f"(target 0.90–1.10: {'meets' if ok else 'OUTSIDE'} target)"
            )
    if spread:
        repeats = len(next(iter(runs.values()))["aiperf"])
        lines = ["", f"Each of the {repeats} interleaved repeats (the table shows their medians):", *spread,
                 "", *lines]  # fmt: skip
    out = [table(rows), "", "Definitions:"]
    out += [f"  {label}: {note}" for label, note in notes.items()]
    out.append(
        "  errors: AIPerf counts a response with no text in any chunk as an error and leaves its tokens out "
        "of tok/s; the course times it (no TTFT) and counts its tokens. Both sample at temperature 1, so "
        "random weights do not loop on a control token that streams as empty text"
    )
    return [*out, *([""] if lines[0] else []), *lines]


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> int:
    p = parser(__doc__ or "")
    p.set_defaults(threads=1)
    p.add_argument(
        "--model", default="synthetic:roofline-90m:Q4_0", help="default: synthetic:roofline-90m:Q4_0"
    )
    p.add_argument("--parallel", type=int, default=4, help="server slots and the top level (default: 4)")
    p.add_argument(
        "--requests", type=int, default=12, help="timed requests a level (default: 12, the set once)"
    )
    p.add_argument("--max-tokens", type=int, help="output tokens a request (default: 128; 32 with --quick)")
    p.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="course (random order) and AIPerf runs a level, interleaved; the table shows medians "
        "(default: 1)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the course's random order and AIPerf's")
    p.add_argument(
        "--aiperf-order",
        choices=("sequential", "shuffle"),
        default="sequential",
        help="sequential: AIPerf sends the course's drawn sequence (default); shuffle: its own order",
    )
    p.add_argument("--venv", default=str(DEFAULT_VENV), help=f"AIPerf's own venv (default: {DEFAULT_VENV})")
    p.add_argument("--aiperf", help="an existing aiperf executable (default: VENV/bin/aiperf)")
    p.add_argument("--install", action="store_true", help=f"install {AIPERF_SPEC} into --venv if missing")
    p.add_argument("--keep", action="store_true", help="keep AIPerf's artifacts and logs (path printed)")
    p.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="an extra llama-server argument, repeatable (e.g. --server-arg=--no-repack)",
    )
    args = p.parse_args()
    requests = args.requests
    max_tokens = args.max_tokens or (32 if args.quick else 128)
    levels = (1, args.parallel)
    exe = aiperf_path(args)
    if not exe.exists():
        if not args.install:
            print(
                f"error: no aiperf at {exe}; rerun with --install (own venv) or pass --aiperf PATH",
                file=sys.stderr,
            )
            return 2
        install_aiperf(Path(args.venv))
    try:
        find_llama_server()
    except ServerStartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    prompts = load_prompts()
    path = resolve_model(args.model)
    counter = gguf_token_counter(path, add_bos_with_template=True)
    longest = max(counter.count_prompt(pr.messages()) for pr in prompts) + SALT_ALLOWANCE_TOKENS
    ctx = context_for(max_tokens, prompt_tokens=longest)
    server_cores, client_cores = cpu_plan()
    options = GenerationOptions(max_tokens=max_tokens, temperature=TEMPERATURE, ignore_eos=True)
    print(
        f"Cross-check, {machine()}: model {args.model}, llama-server with {args.parallel} slots "
        f"(-t {args.threads}, {ctx} context a slot), {max_tokens} output tokens (fixed), "
        f"{requests} requests a level, levels {levels}, bundled prompts ({len(prompts)}), seed {args.seed}, "
        f"AIPerf order {args.aiperf_order}"
        + (f", server args {' '.join(args.server_arg)}." if args.server_arg else ".")
    )
    print(f"At start: {load_note()}.", flush=True)
    work = Path(tempfile.mkdtemp(prefix="crosscheck-"))
    tokenizer = local_tokenizer(exe.parent / "python", path, work / "tokenizer")
    results: dict[int, dict[str, list[Figures]]] = {
        level: {"course fixed": [], "course random": [], "aiperf": []} for level in levels
    }

    def run_course(srv, level: int, order: str) -> None:
        sweep = sweep_concurrency(
            srv.backend, levels=(level,), requests_per_level=requests, prompts=prompts, options=options,
            warmup=1, progress=False, order=order, seed=args.seed, label=f"course {order}",
        )  # fmt: skip
        s = sweep.levels[0]
        results[level][f"course {order}"].append(course_figures(s))
        print(f"  course {order:6} @{level}: {s.n_ok}/{s.n_requests} ok, mix {s.prompt_mix}", flush=True)

    started = time.monotonic()
    with affinity(server_cores):
        server = llama_server(
            path,
            parallel=args.parallel,
            ctx_per_slot=ctx,
            n_threads=args.threads,
            threads_batch=args.threads,
            extra_args=args.server_arg,
        )
        srv = server.__enter__()
    try:
        print(
            f"server pid {srv.pid}: {taskset(srv.pid, server_cores)}; clients on cores {sorted(client_cores)}"
        )
        with affinity(client_cores):
            for level in levels:  # a level's runs back to back and interleaved, so they share the load
                run_course(srv, level, "fixed")
                for _ in range(max(1, args.repeats)):
                    run_course(srv, level, "random")
                    figures, _ = run_aiperf(
                        exe, base_url=srv.base_url, model=srv.model_alias, prompts=prompts, level=level,
                        requests=requests, max_tokens=max_tokens, seed=args.seed, work=work,
                        tokenizer=tokenizer, order=args.aiperf_order,
                    )  # fmt: skip
                    results[level]["aiperf"].append(figures)
                    print(
                        f"  AIPerf        @{level}: {figures.n_ok} ok, {figures.n_failed} counted as errors",
                        flush=True,
                    )
    finally:
        server.__exit__(None, None, None)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nAt end: {load_note()}; {time.monotonic() - started:.0f} s.")
    if args.keep:
        print(f"AIPerf artifacts and logs: {work}")
    print("\n".join(report(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
