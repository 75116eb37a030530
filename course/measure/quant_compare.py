"""Compare quantizations of one model: file size, load time, speed and the answer itself."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from course.backends.base import GenerationOptions, Message
from course.backends.inprocess import InProcessBackend
from course.errors import BackendError
from course.measure.metrics import metrics_from_stream
from course.models.embedded import ensure_embedded_model
from course.models.quantize import BITS_PER_WEIGHT, Quant


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
    for quant in tqdm(quants, desc="quantizations"):
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
