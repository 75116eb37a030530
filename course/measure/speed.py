"""Single-stream speed of one or more loaded models: TTFT and decode tokens/s, repeated and interleaved.

Each repeat sends one request that must generate exactly ``speed_tokens`` tokens (end-of-text ignored), so
every contender does the same work; the prompt carries a fresh tag so no server reuses an earlier prompt
(only the chat template's fixed opening, such as SmolLM2's default system prompt, can come from a cache).
Contenders take turns (:func:`course.measure.repeats.interleave`) after one untimed warm-up each (the first
request after loading pays for page faults and cold caches: it is not what a user sees twice). Before the
first timed request and after the last, the machine's load is sampled (:mod:`course.measure.machine_load`)
and kept with the result, so a table can say whether it was measured on a quiet machine.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from course.backends.base import Backend, GenerationOptions, Message
from course.errors import BackendError
from course.measure.machine_load import MachineLoad, check_machine_load, combine_loads
from course.measure.metrics import metrics_from_stream
from course.measure.repeats import MIN_REPEATS, Spread, interleave, spread

DEFAULT_QUESTION = "Explain in a few sentences why a quantized model file is smaller."


@dataclass(frozen=True)
class Trial:
    """One timed request: time to first token, and decode speed after it (1 ÷ TPOT)."""

    ttft_s: float
    decode_tokens_per_s: float
    prompt_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class SpeedResult:
    """One contender's repeats."""

    label: str
    trials: tuple[Trial, ...]

    @property
    def ttft_s(self) -> Spread:
        return spread(t.ttft_s for t in self.trials)

    @property
    def decode_tokens_per_s(self) -> Spread:
        return spread(t.decode_tokens_per_s for t in self.trials)


@dataclass(frozen=True)
class SpeedComparison:
    """Every contender's repeats, the tokens each request generated, and the load before timing."""

    results: dict[str, SpeedResult]
    speed_tokens: int
    load: MachineLoad | None

    def __getitem__(self, label: str) -> SpeedResult:
        return self.results[label]

    @property
    def result(self) -> SpeedResult:
        """The one contender's result (what :func:`measure_speed` timed)."""
        if len(self.results) != 1:
            raise ValueError(f"{len(self.results)} contenders were timed: pick one with comparison[label]")
        return next(iter(self.results.values()))

    def frame(self) -> pd.DataFrame:
        """One row per contender: medians, min–max ranges and the number of repeats."""
        rows = []
        for label, r in self.results.items():
            ttft, decode = r.ttft_s.scaled(1000), r.decode_tokens_per_s
            rows.append(
                {
                    "model": label,
                    "decode tok/s (median)": decode.median,
                    "decode tok/s (min–max)": f"{decode.low:,.0f}–{decode.high:,.0f}",
                    "TTFT ms (median)": ttft.median,
                    "TTFT ms (min–max)": f"{ttft.low:,.0f}–{ttft.high:,.0f}",
                    "repeats": decode.n,
                }
            )
        return pd.DataFrame(rows).set_index("model")

    def note(self) -> str:
        """The load line to print beside the table."""
        base = f"Each repeat generated {self.speed_tokens} tokens; contenders took turns."
        return f"{self.load.describe()} {base}" if self.load else base


def compare_speed(
    backends: Mapping[str, Backend],
    *,
    question: str = DEFAULT_QUESTION,
    speed_tokens: int = 64,
    repeats: int = MIN_REPEATS,
    warmup: bool = True,
    check_load: bool = True,
    min_repeats: int = MIN_REPEATS,
) -> SpeedComparison:
    """Time every backend ``repeats`` times, interleaved (see the module docstring)."""
    if speed_tokens < 2:
        raise ValueError("speed_tokens must be at least 2 (decode speed is measured after the first token)")
    options = GenerationOptions(max_tokens=speed_tokens, temperature=0.0, ignore_eos=True)
    if warmup:
        for backend in backends.values():
            backend.chat(_messages(question), options=GenerationOptions(max_tokens=4, temperature=0.0))
    load = check_machine_load() if check_load else None
    runs = {label: _runner(backend, question, options, label) for label, backend in backends.items()}
    trials = interleave(runs, repeats=repeats, minimum=min_repeats)
    if load is not None:
        load = combine_loads(load, check_machine_load())
    results = {label: SpeedResult(label, tuple(ts)) for label, ts in trials.items()}
    return SpeedComparison(results, speed_tokens, load)


def measure_speed(
    backend: Backend,
    *,
    label: str | None = None,
    question: str = DEFAULT_QUESTION,
    speed_tokens: int = 64,
    repeats: int = MIN_REPEATS,
    check_load: bool = True,
) -> SpeedComparison:
    """:func:`compare_speed` with one contender (its label: ``label``, else the backend's model name)."""
    name = label or backend.info().model
    return compare_speed(
        {name: backend}, question=question, speed_tokens=speed_tokens, repeats=repeats, check_load=check_load
    )


def _messages(question: str) -> list[Message]:
    return [{"role": "user", "content": f"[{uuid.uuid4().hex[:8]}] {question}"}]


def _runner(backend: Backend, question: str, options: GenerationOptions, label: str) -> Callable[[], Trial]:
    return lambda: _trial(backend, question, options, label)


def _trial(backend: Backend, question: str, options: GenerationOptions, label: str) -> Trial:
    metrics = metrics_from_stream(backend.chat(_messages(question), options=options))
    n_out = metrics.output_tokens or 0
    ttft, tpot = metrics.ttft_s, metrics.tpot_s
    if (ttft is None or tpot is None) and n_out >= 2 and metrics.e2e_s is not None:
        # No visible text came back (a random-weight model's tokens may all be unused ids, which print as
        # nothing): time the first token alone with a prompt of the same length, and decode from the rest.
        first = backend.chat(_messages(question), options=dataclasses.replace(options, max_tokens=1))
        if first.started_s is not None and first.finished_s is not None:
            ttft = first.finished_s - first.started_s
            tpot = (metrics.e2e_s - ttft) / (n_out - 1) if metrics.e2e_s > ttft else None
    if ttft is None or tpot is None:
        raise BackendError(
            f"{label} returned {n_out} token(s) where {options.max_tokens} were asked for: nothing to time.",
            fix="Check that the model loads and generates (ask it one question with show_stream).",
        )
    return Trial(ttft, 1.0 / tpot, metrics.prompt_tokens or 0, n_out)
