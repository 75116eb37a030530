"""Score one answer against its item: valid JSON? does it follow the task's schema? is it right?

Three separate questions, because they fail separately: a model can write valid JSON with a
misspelt category (valid, not conforming), or conforming JSON with the wrong category (conforming,
wrong). An answer is correct only if it parses and every expected field is equal (numbers within a
cent), so broken JSON is never counted right by accident.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import jsonschema

from course.evals.items import EvalItem


@dataclass(frozen=True)
class AnswerScore:
    """What one answer got right; ``fields_correct`` of ``fields_expected`` for partial credit."""

    json_valid: bool
    schema_ok: bool
    correct: bool
    fields_correct: int
    fields_expected: int
    parsed: dict[str, Any] | None


def parse_json_answer(text: str) -> Any:
    """The JSON value in ``text``: the whole text, else the first ``{...}`` block (models add prose).

    Raises ``ValueError`` when there is none.
    """
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    start, end = stripped.find("{"), stripped.rfind("}")
    if start == -1 or end <= start:
        raise ValueError("no JSON object in the answer")
    try:
        return json.loads(stripped[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg}") from exc


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return expected.strip().lower() == got.strip().lower()
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(expected, got, abs_tol=0.005)
    return expected == got


def score_answer(item: EvalItem, text: str) -> AnswerScore:
    """Score ``text`` (a model's whole answer) against ``item``."""
    n_fields = len(item.expected)
    try:
        parsed = parse_json_answer(text)
    except ValueError:
        return AnswerScore(False, False, False, 0, n_fields, None)
    if not isinstance(parsed, dict):
        return AnswerScore(True, False, False, 0, n_fields, None)
    schema_ok = jsonschema.Draft202012Validator(item.schema).is_valid(parsed)
    right = sum(1 for k, v in item.expected.items() if k in parsed and _same(v, parsed[k]))
    return AnswerScore(True, schema_ok, right == n_fields, right, n_fields, parsed)
