"""Run a backend over evaluation items and score every answer; summarise by backend and difficulty.

:func:`run_eval` sends each item once (temperature 0), times it on the course's clock, scores the
answer (:mod:`course.evals.scoring`) and returns one :class:`ItemResult` per item. With
``constrained=True`` each request asks the backend to decode under the task's JSON schema
(``GenerationOptions(json_schema=...)``), so any backend that declares ``supports_json_schema`` can
run it: the in-process model (llama.cpp compiles the schema into a grammar that masks every token
that would break it), a llama-server or llama_cpp.server on loopback, a real API's structured
outputs. The runner itself never reaches into llama.cpp. :func:`summary_frame` turns results into
the lab's table.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course.backends.base import Backend, GenerationOptions, clock
from course.errors import ConfigError, CourseError
from course.evals.items import EvalItem, few_shot_examples
from course.evals.scoring import score_answer
from course.measure.summary import percentile

MAX_TOKENS = 96  # the longest right answer is about 80 tokens with the course tokenizer


@dataclass(frozen=True)
class ItemResult:
    """One item, one backend: the answer, how it scored, how long it took, how many tokens it used."""

    item_id: str
    task: str
    difficulty: str
    backend: str  # the label shown in tables
    constrained: bool
    answer: str
    json_valid: bool
    schema_ok: bool
    correct: bool
    fields_correct: int
    fields_expected: int
    e2e_s: float
    ttft_s: float | None
    prompt_tokens: int
    output_tokens: int
    error: str | None = None
    shots: int = 0  # worked examples sent before the item (a generic model's prompt; 0: zero-shot)


def run_eval(
    backend: Backend,
    items: Sequence[EvalItem],
    *,
    label: str,
    constrained: bool = False,
    max_tokens: int = MAX_TOKENS,
    progress: bool = True,
    on_result: Callable[[ItemResult], None] | None = None,
    shots: int = 0,
) -> list[ItemResult]:
    """Send every item to ``backend`` once and score it; an item whose request fails is kept as wrong.

    ``constrained`` decodes every answer under its task's JSON schema; it needs a backend that
    declares ``supports_json_schema`` and is refused before anything is sent otherwise (a refusal per
    item would be scored as a column of wrong answers). ``shots`` worked examples of the item's task
    (:func:`course.evals.items.few_shot_examples`, from the train split) go before each item.
    """
    if constrained and not getattr(backend, "supports_json_schema", False):
        raise ConfigError(
            "run_eval(constrained=True) decodes under each task's JSON schema; "
            f"{type(backend).__name__} cannot (its supports_json_schema is not True).",
            fix="Pass a backend that can (InProcessBackend, the backend() of a llama-server or "
            "llama_cpp.server on loopback, an OpenAI chat model), or run with constrained=False and let "
            "scoring check the schema.",
        )
    plain = GenerationOptions(max_tokens=max_tokens, temperature=0.0)
    by_schema: dict[str, GenerationOptions] = {}  # one checked copy of each schema

    def examples(task: str) -> tuple[EvalItem, ...]:
        return few_shot_examples(task, shots) if shots else ()

    results = []
    for item in _bar(items, progress, desc=label):
        error = None
        try:
            options = _schema_options(plain, item, by_schema) if constrained else plain
            answer, e2e, ttft, n_in, n_out = _timed(backend, item, options, examples(item.task))
        except CourseError as exc:
            answer, e2e, ttft, n_in, n_out, error = (
                "",
                0.0,
                None,
                0,
                0,
                f"{type(exc).__name__}: {exc.message}",
            )
        s = score_answer(item, answer)
        result = ItemResult(
            item.id, item.task, item.difficulty, label, constrained, answer,
            s.json_valid, s.schema_ok, s.correct, s.fields_correct, s.fields_expected,
            e2e, ttft, n_in, n_out, error, shots,
        )  # fmt: skip
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _schema_options(
    plain: GenerationOptions, item: EvalItem, cache: dict[str, GenerationOptions]
) -> GenerationOptions:
    """``plain`` with ``item``'s schema, built once per schema (building checks and copies it)."""
    key = json.dumps(item.schema, sort_keys=True)
    if key not in cache:
        cache[key] = dataclasses.replace(plain, json_schema=item.schema)
    return cache[key]


def _timed(backend: Backend, item: EvalItem, options: GenerationOptions, shots: Sequence[EvalItem] = ()):
    stream = backend.stream_chat(item.messages(shots=shots), options=options)
    first = None
    parts = []
    for chunk in stream:
        if chunk.text and first is None:
            first = chunk.t_s
        parts.append(chunk.text)
    start = stream.started_s or 0.0
    e2e = (stream.finished_s or clock()) - start
    usage = stream.usage
    n_in = usage.prompt_tokens if usage else 0
    n_out = usage.completion_tokens if usage else 0
    return "".join(parts), e2e, (first - start) if first else None, n_in, n_out


def _bar(items: Sequence[EvalItem], progress: bool, *, desc: str) -> Iterable[EvalItem]:
    if not progress:
        return items
    from course.progress import progress_bar

    return progress_bar(items, desc=desc, unit="item")


def results_frame(results: Iterable[ItemResult]) -> pd.DataFrame:
    """One row per item and backend."""
    return pd.DataFrame([dataclasses.asdict(r) for r in results])


def summary_frame(
    results: Iterable[ItemResult], *, usd_per_mtok: dict[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Accuracy (all, easy, hard), JSON validity, schema conformance, latency percentiles and cost.

    ``usd_per_mtok`` maps a backend label to its (input, output) price in USD per 1M tokens; with it,
    the table gains USD per 1k requests and USD per 1k *correct* answers.
    """
    frame = results_frame(results)
    if frame.empty:
        raise ConfigError("No results to summarise.", fix="Run run_eval() on at least one item first.")
    rows = []
    for (backend, constrained), g in frame.groupby(["backend", "constrained"], sort=False):
        e2e = g["e2e_s"].tolist()
        row = {
            "backend": backend,
            "constrained": constrained,
            "items": len(g),
            "accuracy %": 100 * g["correct"].mean(),
            "easy %": 100 * g.loc[g["difficulty"] == "easy", "correct"].mean(),
            "hard %": 100 * g.loc[g["difficulty"] == "hard", "correct"].mean(),
            "fields right %": 100 * g["fields_correct"].sum() / g["fields_expected"].sum(),
            "valid JSON %": 100 * g["json_valid"].mean(),
            "schema OK %": 100 * g["schema_ok"].mean(),
            "E2E p50 (ms)": 1000 * percentile(e2e, 50),
            "E2E p90 (ms)": 1000 * percentile(e2e, 90),
            "E2E p99 (ms)": 1000 * percentile(e2e, 99),
        }
        if usd_per_mtok and backend in usd_per_mtok:
            usd_in, usd_out = usd_per_mtok[backend]
            usd = (g["prompt_tokens"].sum() * usd_in + g["output_tokens"].sum() * usd_out) / 1e6
            n_right = int(g["correct"].sum())
            row["USD per 1k requests"] = 1000 * usd / len(g)
            row["USD per 1k correct"] = 1000 * usd / n_right if n_right else float("inf")
        rows.append(row)
    return pd.DataFrame(rows)


def save_results(results: Iterable[ItemResult], path: str | Path, *, machine: dict[str, object]) -> Path:
    """Write one JSON line per result, each carrying ``machine`` (so a workshop can pool files)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps({**dataclasses.asdict(r), "machine": machine}, ensure_ascii=False) + "\n")
    return path
