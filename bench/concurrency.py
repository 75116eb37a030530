"""Concurrency: aggregate output tokens/s with P streams in flight ÷ with one stream.

llama.cpp's ``llama-server`` (``--parallel P`` slots, continuous batching) decodes the P streams
in one batch: each step reads the weights once for all of them, so aggregate throughput rises
with concurrency until compute, not memory, is the limit. This script runs the course's
concurrency sweep (levels 1 and P, fixed output lengths with EOS ignored, salted prompts so no
prompt cache helps) against llama-server on the synthetic roofline-90m Q4_0 model, for two thread
settings, and against llama-cpp-python's ``llama_cpp.server`` for contrast (it serves one request
at a time, so its ratio stays near 1).

RATIO = aggregate output tok/s at P streams ÷ at 1 stream (median over repetitions).
Targets: ≥ 1.5 on a 2-core CPU (measured before: 1.06–1.45 with -t 2, 1.59 with -t 1 -tb 2);
≥ 3 on a GPU (``--gpu``: all layers offloaded, e.g. P = 8 with the llama-8b shape).

    python bench/concurrency.py                 # full run (needs `make llama-server`)
    python bench/concurrency.py --quick         # smoke run
    python bench/concurrency.py --gpu --parallel 8 --model synthetic:llama-8b:Q4_K_M
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from _common import machine, parser, table, verdict

from course.backends.base import GenerationOptions
from course.backends.loopback import LoopbackServer, find_llama_server, llama_cpp_server, llama_server
from course.backends.tokens import gguf_token_counter
from course.errors import ServerStartError
from course.measure import Prompt, load_prompts, sweep_concurrency
from course.measure.targets import context_for
from course.models.resolve import resolve_model

CPU_TARGET, GPU_TARGET = 1.5, 3.0
PROMPT_LENGTHS = ("short", "medium")
# The sweep puts a tag before each prompt against prompt caches: "[warm-up 3f2a9b] " or
# "[17:3f2a9b1c] " (course.measure.runner). It is ASCII, so at most one token a character.
SALT_ALLOWANCE_TOKENS = len("[warm-up 3f2a9b] ")


def longest_prompt_tokens(path: Path, prompts: list[Prompt]) -> int:
    """Tokens of the longest prompt as llama-server builds it (chat template, BOS), salt included."""
    counter = gguf_token_counter(path, add_bos_with_template=True)  # llama-server's count: one more
    return max(counter.count_prompt(p.messages()) for p in prompts) + SALT_ALLOWANCE_TOKENS


def server_variants(
    args: argparse.Namespace, path: Path, ctx: int
) -> Iterator[tuple[str, Callable[[], AbstractContextManager[LoopbackServer]]]]:
    gpu = {"n_gpu_layers": -1} if args.gpu else {}
    t = args.threads
    yield (
        f"llama-server -t {t}",
        lambda: llama_server(
            path, parallel=args.parallel, ctx_per_slot=ctx, n_threads=t, threads_batch=t, **gpu
        ),
    )
    if not args.gpu and t > 1:
        yield (
            f"llama-server -t 1 -tb {t}",
            lambda: llama_server(
                path, parallel=args.parallel, ctx_per_slot=ctx, n_threads=1, threads_batch=t
            ),
        )
    yield "llama_cpp.server (serial)", lambda: llama_cpp_server(path, n_ctx=ctx, n_threads=t, **gpu)


def main() -> int:
    p = parser(__doc__ or "")
    p.add_argument(
        "--model", default="synthetic:roofline-90m:Q4_0", help="default: synthetic:roofline-90m:Q4_0"
    )
    p.add_argument("--parallel", type=int, default=4, help="streams in flight and server slots (default: 4)")
    p.add_argument("--max-tokens", type=int, help="output tokens per request (default: 128; 64 with --quick)")
    p.add_argument("--reps", type=int, help="repetitions of each sweep (default: 3; 2 with --quick)")
    p.add_argument("--gpu", action="store_true", help="offload all layers; target ≥ 3")
    args = p.parse_args()
    args.max_tokens = args.max_tokens or (64 if args.quick else 128)
    reps = args.reps or (2 if args.quick else 3)
    n_requests = args.parallel if args.quick else 2 * args.parallel
    target = GPU_TARGET if args.gpu else CPU_TARGET
    try:
        find_llama_server()
    except ServerStartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    prompts = load_prompts(lengths=PROMPT_LENGTHS)
    path = resolve_model(args.model)
    prompt_tokens = longest_prompt_tokens(path, prompts)
    ctx = context_for(args.max_tokens, prompt_tokens=prompt_tokens)
    options = GenerationOptions(max_tokens=args.max_tokens, temperature=0.0, ignore_eos=True)
    print(
        f"Concurrency, {machine()}: model {args.model}, {args.max_tokens} output tokens (fixed), "
        f"levels 1 and {args.parallel}, {n_requests} requests a level, {reps} repetitions; "
        f"longest prompt ≤ {prompt_tokens} tokens, {ctx} context a slot"
    )
    rows, best = [], {}
    for name, start in server_variants(args, path, ctx):
        with start() as srv:
            runs = [
                sweep_concurrency(
                    srv.backend, levels=(1, args.parallel), requests_per_level=n_requests, prompts=prompts,
                    options=options, warmup=1, progress=False, label=name,
                )
                for _ in range(reps)
            ]  # fmt: skip
        ratios = [r.speedup(args.parallel) for r in runs]
        one = [r.levels[0] for r in runs]
        many = [r.levels[1] for r in runs]
        failed = sum(s.n_failed for r in runs for s in r.levels)
        rows.append({
            "server": name,
            "tok/s @1": f"{statistics.median([s.output_tokens_per_s for s in one]):.1f}",
            f"tok/s @{args.parallel}": f"{statistics.median([s.output_tokens_per_s for s in many]):.1f}",
            "ratio (median)": f"{statistics.median(ratios):.2f}",
            "ratios": " ".join(f"{x:.2f}" for x in ratios),
            f"TTFT p50 @{args.parallel} ms": f"{statistics.median([s.ttft_p50_s for s in many]) * 1000:.0f}",
            f"TPOT p50 @{args.parallel} ms": f"{statistics.median([s.tpot_p50_s for s in many]) * 1000:.1f}",
            "failed": failed,
        })  # fmt: skip
        if name.startswith("llama-server"):
            best[name] = statistics.median(ratios)
    print(table(rows))
    name = max(best, key=best.__getitem__)
    print(verdict(f"aggregate tok/s at {args.parallel} streams ÷ 1 stream, {name}", best[name], target))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
