"""Run a backend over evaluation items and score every answer; summarise by backend and difficulty.

:func:`run_eval` sends each item once (temperature 0), times it on the course's clock, scores the
answer (:mod:`course.evals.scoring`) and returns one :class:`ItemResult` per item. With
``constrained=True`` the local model may only emit JSON that follows the task's schema: llama.cpp
compiles the schema into a grammar and masks every token that would break it
(:func:`constrained_answer`). :func:`summary_frame` turns results into the lab's table.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course.backends.base import Backend, GenerationOptions, clock
from course.backends.inprocess import InProcessBackend
from course.errors import ConfigError, CourseError
from course.evals.items import EvalItem
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


def _grammar_for(item: EvalItem, cache: dict[str, object]):
    from llama_cpp import LlamaGrammar

    if item.task not in cache:
        cache[item.task] = LlamaGrammar.from_json_schema(json.dumps(item.schema), verbose=False)
    return cache[item.task]


def constrained_answer(
    backend: InProcessBackend, item: EvalItem, *, max_tokens: int = MAX_TOKENS, grammar=None
) -> tuple[str, float, float | None, int, int]:
    """(answer, e2e_s, ttft_s, prompt_tokens, output_tokens) with JSON-schema-constrained decoding.

    The same prompt tokens as an unconstrained request; llama.cpp's grammar sampler allows only
    tokens that keep the output a prefix of JSON matching ``item.schema``.
    """
    import llama_cpp

    llm = backend.llama
    grammar = grammar or _grammar_for(item, {})
    tokens = backend.prompt_tokens(item.messages())
    llm.reset()
    start, first = clock(), None
    out: list[int] = []
    vocab = llm._model.vocab
    for token in llm.generate(tokens, temp=0.0, grammar=grammar):
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            break
        out.append(token)
        if first is None:
            first = clock()
        if len(out) >= max_tokens:
            break
    text = llm.detokenize(out).decode("utf-8", errors="replace")
    return text, clock() - start, (first - start) if first else None, len(tokens), len(out)


def run_eval(
    backend: Backend,
    items: Sequence[EvalItem],
    *,
    label: str,
    constrained: bool = False,
    max_tokens: int = MAX_TOKENS,
    progress: bool = True,
    on_result: Callable[[ItemResult], None] | None = None,
) -> list[ItemResult]:
    """Send every item to ``backend`` once and score it; an item whose request fails is kept as wrong.

    ``constrained`` needs an :class:`InProcessBackend` (llama.cpp grammars run inside the sampler).
    """
    if constrained and not isinstance(backend, InProcessBackend):
        raise ConfigError(
            "Constrained decoding here runs inside llama.cpp's sampler, so it needs an InProcessBackend.",
            fix="Pass the local InProcessBackend; for an API, ask for response_format=json_schema instead.",
        )
    grammars: dict[str, object] = {}
    options = GenerationOptions(max_tokens=max_tokens, temperature=0.0)
    results = []
    for item in _bar(items, progress, desc=label):
        error = None
        try:
            if constrained:
                answer, e2e, ttft, n_in, n_out = constrained_answer(
                    backend,  # type: ignore[arg-type]
                    item,
                    max_tokens=max_tokens,
                    grammar=_grammar_for(item, grammars),
                )
            else:
                answer, e2e, ttft, n_in, n_out = _timed(backend, item, options)
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
            e2e, ttft, n_in, n_out, error,
        )  # fmt: skip
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _timed(backend: Backend, item: EvalItem, options: GenerationOptions):
    stream = backend.stream_chat(item.messages(), options=options)
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
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="item")


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
