"""Compare quantizations of one model: file size, load time, speed and the answer itself.

Two questions, two kinds of file, because one file cannot answer both honestly:

- **Does speed follow size?** :func:`quant_speed_table` times files of a real model's *shape*
  (``synthetic:smollm2-135m:F16`` / ``Q8_0`` / ``Q4_0``: random weights, 270 / 145 / 91 MB) with interleaved
  repeats: decode reads every weight once per token, so on a model that does not fit in the CPU's caches the
  tokens/s should follow the bytes. Random weights make the answers noise, and speed does not depend on them.
- **Do the answers change?** :func:`compare_answers` asks the *real* model's files the same questions at
  temperature 0 and marks every answer that differs from the reference file's.

:func:`compare_quants` (load time, TTFT, decode speed and one answer per file) is the older one-table view.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from course.backends.base import GenerationOptions, Message
from course.backends.inprocess import InProcessBackend
from course.errors import BackendError
from course.measure.metrics import metrics_from_stream
from course.measure.repeats import MIN_REPEATS
from course.measure.speed import SpeedComparison, compare_speed
from course.models.embedded import ensure_embedded_model
from course.models.quantize import BITS_PER_WEIGHT, Quant
from course.progress import progress_bar


@dataclass(frozen=True)
class QuantRun:
    """One quantization's figures (medians over the repeats)."""

    quant: str
    bits_per_weight: float
    file_size_mb: float
    load_s: float
    ttft_s: float
    decode_tokens_per_s: float
    answer: str


def compare_quants(
    quants: tuple[Quant, ...] = ("F16", "Q8_0", "Q4_0", "Q4_K_M"),
    *,
    question: str = "What is TTFT?",
    speed_tokens: int = 128,
    repeats: int = 3,
    n_threads: int | None = None,
    paths: dict[str, Path] | None = None,
) -> pd.DataFrame:
    """Load each quant of the embedded model (or ``paths``), answer ``question``, time a fixed decode.

    Speed runs generate exactly ``speed_tokens`` tokens (end-of-text ignored) so every quant does
    the same work; the answer is the model's own, at temperature 0.
    """
    if speed_tokens < 2 or repeats < 1:
        raise ValueError("speed_tokens must be ≥ 2 (speed is measured after the first token), repeats ≥ 1")
    messages: list[Message] = [{"role": "user", "content": question}]
    runs: list[QuantRun] = []
    for quant in progress_bar(quants, desc="quantizations"):
        path = (paths or {}).get(quant) or ensure_embedded_model(quant)
        start = time.perf_counter()
        backend = InProcessBackend(path, n_threads=n_threads)
        load_s = time.perf_counter() - start
        with backend:
            answer = backend.chat(messages, options=GenerationOptions(max_tokens=64)).text
            ttfts: list[float] = []
            speeds: list[float] = []
            for _ in range(repeats):
                stream = backend.chat(
                    messages, options=GenerationOptions(max_tokens=speed_tokens, ignore_eos=True)
                )
                metrics = metrics_from_stream(stream)
                if metrics.ttft_s is None or metrics.tpot_s is None:  # fewer than 2 tokens came back
                    raise BackendError(
                        f"The {quant} model returned {metrics.output_tokens} token(s) where "
                        f"{speed_tokens} were asked for: no speed to measure.",
                        fix="Check that the model file loads and generates (course.models.embedded).",
                    )
                ttfts.append(metrics.ttft_s)
                speeds.append(1.0 / metrics.tpot_s)
        runs.append(
            QuantRun(
                quant=quant,
                bits_per_weight=BITS_PER_WEIGHT[quant],
                file_size_mb=path.stat().st_size / 1e6,
                load_s=load_s,
                ttft_s=statistics.median(ttfts),
                decode_tokens_per_s=statistics.median(speeds),
                answer=answer.strip(),
            )
        )
    return pd.DataFrame([asdict(r) for r in runs]).set_index("quant")


def quant_speed_table(
    paths: Mapping[str, Path],
    *,
    speed_tokens: int = 32,
    repeats: int = MIN_REPEATS,
    n_threads: int | None = None,
    reference: str | None = None,
) -> tuple[pd.DataFrame, SpeedComparison]:
    """Decode speed and TTFT of each file (quant -> path), interleaved repeats, beside its size.

    The column "speed the bytes predict" is ``reference``'s median speed (default: the largest file) times
    its size ÷ this file's size: what a purely memory-bound decode would give. Every file is loaded at
    once (a few hundred MB) so the repeats can take turns.
    """
    with ExitStack() as stack:  # a file that fails to load closes the ones loaded before it
        backends = {
            quant: stack.enter_context(InProcessBackend(path, n_threads=n_threads))
            for quant, path in paths.items()
        }
        comparison = compare_speed(backends, speed_tokens=speed_tokens, repeats=repeats)
    sizes = {quant: Path(path).stat().st_size / 1e6 for quant, path in paths.items()}
    ref = reference or max(sizes, key=lambda q: sizes[q])
    ref_speed = comparison[ref].decode_tokens_per_s.median
    table = comparison.frame()
    table.insert(0, "file MB", [round(sizes[q], 1) for q in table.index])
    table.insert(1, "bits/weight", [BITS_PER_WEIGHT.get(str(q)) for q in table.index])
    table.insert(
        3, "speed the bytes predict (tok/s)", [round(ref_speed * sizes[ref] / sizes[q]) for q in table.index]
    )
    table.index.name = "quantization"
    return table, comparison


def compare_answers(
    paths: Mapping[str, Path],
    questions: Sequence[str],
    *,
    max_tokens: int = 48,
    n_threads: int | None = None,
    reference: str | None = None,
) -> pd.DataFrame:
    """Each file's answer to each question (temperature 0), and whether it differs from ``reference``'s.

    ``reference`` defaults to the first file. One row per question; one answer column per file, then
    ``"same as <reference>"`` columns for the others.
    """
    ref = reference or next(iter(paths))
    answers: dict[str, list[str]] = {}
    options = GenerationOptions(max_tokens=max_tokens, temperature=0.0)
    for label, path in paths.items():
        with InProcessBackend(path, n_threads=n_threads, n_ctx=1024) as backend:
            answers[label] = [
                backend.chat([{"role": "user", "content": q}], options=options).text.strip()
                for q in questions
            ]
    table = pd.DataFrame({"question": list(questions), **answers})
    for label in paths:
        if label != ref:
            table[f"{label} same as {ref}?"] = [
                "same" if a == b else "changed" for a, b in zip(answers[label], answers[ref], strict=True)
            ]
    return table.set_index("question")


def speed_vs_size_sentences(comparison: SpeedComparison, sizes_mb: Mapping[str, float]) -> list[str]:
    """What the speed table says, computed from it: each file against the largest, in size and in speed.

    A speed-up counts only when the repeats' ranges do not overlap; the last sentence says how much of the
    speed-up the bytes predict was measured (all of it: memory-bound; little: the weights fit in a cache, or
    arithmetic is the limit on this machine), from the clear comparisons only; with none, it says the
    repeats cannot tell.
    """
    ref = max(sizes_mb, key=lambda q: sizes_mb[q])
    ref_speed = comparison[ref].decode_tokens_per_s
    out = []
    shares = []
    for quant, size in sizes_mb.items():
        if quant == ref:
            continue
        speed = comparison[quant].decode_tokens_per_s
        size_ratio, speed_ratio = sizes_mb[ref] / size, speed.median / ref_speed.median
        clear = not speed.overlaps(ref_speed)
        if clear and size_ratio > 1 and speed_ratio > 0:  # only a clear gap to a smaller file says how far
            shares.append(math.log(speed_ratio) / math.log(size_ratio))
        verdict = (
            f"decoded {speed_ratio:.2f}× as fast"
            if clear
            else f"decoded at {speed_ratio:.2f}× the speed, within the repeats' noise (ranges overlap)"
        )
        out.append(f"{quant}: a file {size_ratio:.1f}× smaller than {ref}'s {verdict}.")
    if shares:
        share = statistics.median(shares)
        if share >= 0.7:
            reading = "speed followed the bytes: decode is limited by reading the weights from memory"
        elif share >= 0.3:
            reading = (
                "speed followed the bytes part of the way: reading weights matters, and so does arithmetic "
                "(dequantizing 4-bit blocks costs work a GPU hides better than a laptop CPU)"
            )
        else:
            reading = (
                "speed hardly followed the bytes: on this machine the weights fit in a cache or the "
                "arithmetic, not memory, sets the pace"
            )
        out.append(
            f"Measured against predicted (on a log scale, median of the clear comparisons): {share:.0%} of "
            f"the way, so {reading}."
        )
    elif len(out) > 0:
        out.append(
            f"No smaller file decoded clearly faster or slower than {ref}: these repeats cannot say how far "
            "speed followed the bytes (run more repeats, or on a quieter machine)."
        )
    return out
