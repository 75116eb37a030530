"""Harness overhead: the course's streaming InProcessBackend vs a bare llama-cpp-python decode loop.

Both sides run the same model, prompt and number of tokens (end-of-text ignored, temperature 0)
on the same ``llama_cpp.Llama`` object, alternating A/B in each repetition; figures are medians.

- raw:    ``Llama.generate(prompt_ids, temp=0)`` counted to N tokens, nothing else.
- course: ``InProcessBackend.stream_chat(...)``: chat template, per-token detokenizing, UTF-8 joins,
          StreamChunk timestamps and usage, i.e. everything a learner's timing goes through.

RATIO = course decode tokens/s ÷ raw decode tokens/s (decode: after the first token, so the
prompt's prefill, identical on both sides, does not dilute the overhead), taken per repetition
(the two runs of a pair are back to back) and then the median: this cancels the slow drift of a
shared machine, which is larger (±5-10 %) than the effect measured. Target ≥ 0.97 on
roofline-90m Q4_0 (92 M params: a token costs milliseconds, as with real models). The tiny embedded
model (3 M params, ~0.2 ms a token) is reported too: there the per-token Python work shows.

    python bench/harness_overhead.py            # full run
    python bench/harness_overhead.py --quick    # smoke run
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from _common import decode_tokens_per_s, machine, parser, table, verdict

from course.backends.base import GenerationOptions, clock
from course.backends.inprocess import InProcessBackend
from course.backends.tokens import gguf_token_counter
from course.measure.targets import context_for
from course.models.embedded import ensure_embedded_model
from course.models.synthetic import ensure_synthetic_model

TARGET = 0.97
PROMPT = [{"role": "user", "content": "Explain in two sentences why a GPU speeds up token generation."}]


@dataclass(frozen=True)
class Timing:
    total_tokens_per_s: float  # N / (request start .. last token)
    decode_tokens_per_s: float  # tokens after the first / (first token .. last token)


def time_course(backend: InProcessBackend, n: int) -> Timing:
    stream = backend.stream_chat(PROMPT, options=GenerationOptions(max_tokens=n, ignore_eos=True))
    stream.consume()
    assert stream.usage is not None and stream.usage.completion_tokens == n, stream.usage
    first, last = stream.chunks[0], stream.chunks[-1]
    total = last.t_s - stream.started_s  # type: ignore[operator]
    decode = decode_tokens_per_s(n, first_s=first.t_s, last_s=last.t_s, first_tokens=first.n_tokens)
    return Timing(n / total, decode)


def time_raw(backend: InProcessBackend, n: int) -> Timing:
    llm = backend.llama
    prompt_ids = backend.prompt_tokens(PROMPT)  # the same ids the course sends (not timed)
    llm.reset()  # as the course does: no prompt-cache reuse on either side
    start = clock()
    first_s = last_s = start
    for count, _token in enumerate(llm.generate(prompt_ids, temp=0.0), start=1):
        if count == 1:
            first_s = clock()
        if count == n:
            last_s = clock()
            break
    return Timing(n / (last_s - start), decode_tokens_per_s(n, first_s=first_s, last_s=last_s))


def measure(path: Path, *, n: int, reps: int, threads: int) -> dict[str, object]:
    n_ctx = context_for(n, prompt_tokens=gguf_token_counter(path).count_prompt(PROMPT))
    backend = InProcessBackend(path, n_ctx=n_ctx, n_threads=threads)
    try:
        time_course(backend, 8)  # warm-up both paths
        time_raw(backend, 8)
        course: list[Timing] = []
        raw: list[Timing] = []
        for rep in range(reps):
            pair = (lambda: course.append(time_course(backend, n)), lambda: raw.append(time_raw(backend, n)))
            for run in pair if rep % 2 == 0 else pair[::-1]:  # alternate order against drift
                run()
    finally:
        backend.close()
    c_dec = statistics.median([t.decode_tokens_per_s for t in course])
    r_dec = statistics.median([t.decode_tokens_per_s for t in raw])
    # each repetition's course/raw pair ran back to back: their ratio cancels the machine's slow drift
    paired = statistics.median(
        [c.decode_tokens_per_s / r.decode_tokens_per_s for c, r in zip(course, raw, strict=True)]
    )
    c_tot = statistics.median([t.total_tokens_per_s for t in course])
    r_tot = statistics.median([t.total_tokens_per_s for t in raw])
    return {
        "model": path.stem,
        "tokens": n,
        "reps": reps,
        "course tok/s": f"{c_dec:.1f}",
        "raw tok/s": f"{r_dec:.1f}",
        "decode ratio (paired)": f"{paired:.3f}",
        "course e2e tok/s": f"{c_tot:.1f}",
        "raw e2e tok/s": f"{r_tot:.1f}",
        "e2e ratio": f"{c_tot / r_tot:.3f}",
        "_ratio": paired,
    }


def main() -> int:
    args = parser(__doc__ or "").parse_args()
    n, reps = (64, 5) if args.quick else (256, 15)
    models = [
        ensure_synthetic_model("roofline-90m", quant="Q4_0", progress=False),
        ensure_embedded_model("Q8_0"),
    ]
    print(f"Harness overhead, {args.threads} threads, {machine()}; medians of {reps} alternating repetitions")
    rows = [measure(path, n=n, reps=reps, threads=args.threads) for path in models]
    print(table([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]))
    big, tiny = float(rows[0]["_ratio"]), float(rows[1]["_ratio"])  # type: ignore[arg-type]
    print(verdict("course ÷ raw decode tokens/s, roofline-90m Q4_0", big, TARGET))
    print(f"(embedded tiny model, for contrast: {tiny:.3f}; no target there: Python work per token shows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
