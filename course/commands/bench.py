"""`python -m course bench`: time a backend at one or more concurrency levels.

Prints a table (one row per level) and writes, under --out: results.jsonl (one line per request,
appended as each finishes), summary.csv (one row per level) and latency.png.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import pandas as pd

from course.backends.base import GenerationOptions
from course.errors import ConfigError
from course.measure.prompts import DEFAULT_PROMPT_SEED, PROMPT_ORDERS, load_prompts
from course.measure.summary import Slo
from course.measure.sweep import SweepResult, check_concurrency, sweep_concurrency
from course.measure.targets import TARGET_KINDS, backend_class, bench_target

EPILOG = """\
backends:
  inprocess     the model in this process (llama-cpp-python); concurrency 1 only
  api           an OpenAI-compatible API: OPENAI_BASE_URL (default OpenAI), OPENAI_API_KEY,
                --model or COURSE_API_MODEL
  server        llama-cpp-python's llama_cpp.server on loopback (serves one request at a time)
  llama-server  llama.cpp's llama-server on loopback with parallel slots (build: make llama-server)

models (inprocess, server, llama-server): a GGUF path, a catalogue name, embedded[:QUANT], or
  synthetic:NAME[:QUANT] (random weights in a real shape, e.g. synthetic:roofline-90m:Q4_0)

examples:
  python -m course bench --requests 8 --max-tokens 32
  python -m course bench --backend llama-server --model synthetic:roofline-90m --concurrency 1,2,4
  python -m course bench --backend api --model gpt-4o-mini --requests 4 --slo-ttft-ms 800

Metrics follow vLLM: TTFT to the first chunk with text; TPOT = (E2E - TTFT) / (output tokens - 1);
ITL = gaps between chunks; token counts from the server's usage or the model's tokenizer.
"""


def _levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of integers") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("concurrency levels must be positive integers, e.g. 1,2,4")
    return levels


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="time a backend (TTFT, TPOT, ITL, E2E, tokens/s) at several concurrency levels",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = parser.add_argument_group("what to time")
    what.add_argument("--backend", choices=TARGET_KINDS, default="inprocess", help="default: inprocess")
    what.add_argument(
        "--model",
        help="model to serve/load (default: COURSE_MODEL), or with --backend api the API's model id "
        "(default: COURSE_API_MODEL)",
    )
    what.add_argument(
        "--threads", type=_positive, help="CPU threads for generation (default: COURSE_THREADS)"
    )
    what.add_argument(
        "--threads-batch", type=_positive, help="CPU threads for prompt processing (default: --threads)"
    )
    what.add_argument(
        "--parallel", type=_positive, help="llama-server slots (default: the highest concurrency)"
    )
    load = parser.add_argument_group("workload")
    load.add_argument("--concurrency", type=_levels, default=[1], help="levels, e.g. 1,2,4,8 (default: 1)")
    load.add_argument("--requests", type=_positive, default=8, help="timed requests per level (default: 8)")
    load.add_argument(
        "--max-tokens", type=_positive, default=64, help="output tokens per request (default: 64)"
    )
    load.add_argument("--warmup", type=int, default=1, help="untimed requests before each level (default: 1)")
    load.add_argument("--prompts", type=Path, help="a prompts JSON file (default: the bundled set)")
    load.add_argument(
        "--order",
        choices=PROMPT_ORDERS,
        default="random",
        help="prompt order: random (seeded, a fair length mix in flight; default) or fixed "
        "(file order: short, then medium, then long prompts, which arrive together)",
    )
    load.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_PROMPT_SEED,
        help=f"seed of the random prompt order, recorded in summary.csv (default: {DEFAULT_PROMPT_SEED})",
    )
    load.add_argument(
        "--stop-at-eos",
        action="store_true",
        help="let answers end early at end-of-text (default: ignore EOS, fixed lengths)",
    )
    slo = parser.add_argument_group("service-level objective (goodput)")
    slo.add_argument("--slo-ttft-ms", type=float, help="a good request's TTFT is at most this")
    slo.add_argument("--slo-tpot-ms", type=float, help="a good request's TPOT is at most this")
    out = parser.add_argument_group("output")
    out.add_argument("--out", type=Path, help="results folder (default: results/bench-<backend>-<time>)")
    out.add_argument("--no-plot", action="store_true", help="skip latency.png")
    out.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    levels: list[int] = args.concurrency
    for level in levels:
        check_concurrency(backend_class(args.backend), level)  # before loading anything
    if args.requests < 1 or args.max_tokens < 1 or args.warmup < 0:
        raise ConfigError("--requests and --max-tokens must be ≥ 1, --warmup ≥ 0.", fix="Fix the arguments.")
    out: Path = args.out or Path("results") / f"bench-{args.backend}-{time.strftime('%Y%m%d-%H%M%S')}"
    prompts = load_prompts(args.prompts)
    options = GenerationOptions(max_tokens=args.max_tokens, temperature=0.0, ignore_eos=not args.stop_at_eos)
    slo = None
    if args.slo_ttft_ms is not None or args.slo_tpot_ms is not None:
        slo = Slo(
            ttft_s=args.slo_ttft_ms / 1000 if args.slo_ttft_ms is not None else None,
            tpot_s=args.slo_tpot_ms / 1000 if args.slo_tpot_ms is not None else None,
        )
    api = args.backend == "api"
    with bench_target(
        args.backend,
        model=None if api else args.model,
        api_model=args.model if api else None,
        max_tokens=args.max_tokens,
        n_threads=args.threads,
        threads_batch=args.threads_batch,
        parallel=args.parallel or max(levels),
    ) as target:
        out.mkdir(parents=True, exist_ok=True)  # only once the backend is up: no empty folders on errors
        length = "fixed" if options.ignore_eos else "at most"
        print(
            f"Timing {target.label}, model {target.model}: levels {levels}, {args.requests} requests each, "
            f"{args.max_tokens} output tokens ({length})."
        )
        result = sweep_concurrency(
            target.source,
            levels=levels,
            requests_per_level=args.requests,
            prompts=prompts,
            options=options,
            warmup=args.warmup,
            slo=slo,
            jsonl_path=out / "results.jsonl",
            label=target.kind,
            progress=not args.no_progress,
            order=args.order,
            seed=args.seed,
        )
    write_outputs(result, out, title=f"{target.label} — {target.model}", plot=not args.no_plot)
    print(format_table(result))
    if slo is not None:
        print(f"SLO: {slo.describe()}")
    failed = sum(not m.ok for m in result.requests)
    if failed:
        first = next(m for m in result.requests if not m.ok)
        print(f"{failed} request(s) failed; the first said:\n  {first.error}")
    print(
        f"Wrote {out / 'results.jsonl'}, {out / 'summary.csv'}"
        + ("" if args.no_plot else f", {out / 'latency.png'}")
    )
    return 1 if failed == len(result.requests) else 0


def write_outputs(result: SweepResult, out: Path, *, title: str, plot: bool = True) -> None:
    """summary.csv (one row per level) and latency.png next to the JSONL the sweep wrote."""
    result.levels_frame.to_csv(out / "summary.csv", index=False)
    if plot:
        from course.plots.latency import plot_concurrency

        fig = plot_concurrency(result.levels, title=title)
        fig.savefig(out / "latency.png", dpi=110)


def _ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value * 1000:.1f}"


def format_table(result: SweepResult) -> str:
    """The per-level table printed by the command (latencies in ms)."""
    rows = []
    for s in result.levels:
        row = {
            "conc": s.concurrency,
            "ok": f"{s.n_ok}/{s.n_requests}",
            "out tok/s": f"{s.output_tokens_per_s:.1f}",
            "req/s": f"{s.requests_per_s:.2f}",
            "TTFT p50": _ms(s.ttft_p50_s),
            "TTFT p90": _ms(s.ttft_p90_s),
            "TTFT p99": _ms(s.ttft_p99_s),
            "TPOT p50": _ms(s.tpot_p50_s),
            "TPOT p90": _ms(s.tpot_p90_s),
            "ITL p50": _ms(s.itl_p50_s),
            "E2E p50": _ms(s.e2e_p50_s),
            "E2E p90": _ms(s.e2e_p90_s),
            "prompt mix": s.prompt_mix or "-",
        }
        if s.goodput_requests_per_s is not None:
            row["goodput req/s"] = f"{s.goodput_requests_per_s:.2f}"
        rows.append(row)
    table = pd.DataFrame(rows).to_string(index=False)
    first = result.levels[0]
    if len(result.levels) > 1 and first.output_tokens_per_s > 0:
        gains = ", ".join(
            f"{s.concurrency}: {s.output_tokens_per_s / first.output_tokens_per_s:.2f}×"
            for s in result.levels[1:]
        )
        table += f"\naggregate output tok/s vs concurrency {first.concurrency}: {gains}"
    order = f"random order, seed {result.prompt_seed}" if result.prompt_order == "random" else "fixed order"
    return table + f"\n(latencies in ms; prompts in {order})"
