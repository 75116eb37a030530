"""Evaluation items: the course's own set (two splits) and a learner's CSV or JSONL file.

An item is one prompt with a known right answer: a support ticket to classify
(``task="classify"``, answer ``{"category": ...}``) or a message to extract fields from
(``task="extract"``, answer ``{"order_id": ..., "email": ..., "amount_usd": ...}``). Items are
marked ``easy`` or ``hard``. The course's set has a **train** split (what the course models were
trained on) and an **eval** split (what the labs score); the labs score the eval split only.

A learner's file has one item per line (JSONL) or per row (CSV) with the fields ``input``,
``expected`` (a JSON object, as text in a CSV) and optionally ``id``, ``task`` (default
``classify``), ``difficulty`` (default ``easy``). A malformed file raises :class:`EvalSetError`
naming the line and what to change; nothing is half-loaded.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from course.backends.base import Message
from course.data import DATA_DIR
from course.errors import DataError
from course.io import read_jsonl

Task = Literal["classify", "extract"]
Difficulty = Literal["easy", "hard"]
Split = Literal["train", "eval"]
TASKS: tuple[Task, ...] = ("classify", "extract")
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "hard")
CATEGORIES = ("billing", "technical", "account", "shipping")

#: The instruction line put before each item's input (the course models were trained on exactly these).
INSTRUCTIONS: dict[str, str] = {
    "classify": "Category (billing, technical, account or shipping) as JSON:\n",
    "extract": "Extract order_id, email, amount_usd as JSON:\n",
}

#: The JSON schema each task's answer must follow (what "schema conformance" checks, and what
#: constrained decoding enforces).
SCHEMAS: dict[str, dict[str, Any]] = {
    "classify": {
        "type": "object",
        "properties": {"category": {"type": "string", "enum": list(CATEGORIES)}},
        "required": ["category"],
        "additionalProperties": False,
    },
    "extract": {
        "type": "object",
        "properties": {
            "order_id": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{4}$"},
            "email": {"type": "string", "pattern": "^[a-z]{1,20}@[a-z]{1,20}[.][a-z]{2,6}$"},
            "amount_usd": {"type": ["number", "null"]},
        },
        "required": ["order_id", "email", "amount_usd"],
        "additionalProperties": False,
    },
}


JSONL_FIX = 'Write one JSON object per line, e.g. {"input": "...", "expected": {"category": "billing"}}.'


class EvalSetError(DataError):
    """An evaluation file is missing or malformed."""


@dataclass(frozen=True)
class EvalItem:
    """One prompt with its right answer."""

    id: str
    task: Task
    difficulty: Difficulty
    input: str
    expected: dict[str, Any] = field(hash=False)
    split: str = "eval"

    def messages(self, *, shots: Sequence[EvalItem] = ()) -> list[Message]:
        """The chat the model is sent: the task's instruction line, then the input.

        ``shots`` (worked examples, :func:`few_shot_examples`) go first as earlier turns of the chat, each
        the same instruction and its right answer: how a *generic* model is shown the format it must
        follow. The course's task-trained models need none (they learned the format).
        """
        turns: list[Message] = []
        for shot in shots:
            turns.append({"role": "user", "content": INSTRUCTIONS[shot.task] + shot.input})
            turns.append({"role": "assistant", "content": shot.answer_text()})
        return [*turns, {"role": "user", "content": INSTRUCTIONS[self.task] + self.input}]

    def answer_text(self) -> str:
        """The right answer as the course models were trained to write it (compact JSON)."""
        return json.dumps(self.expected, ensure_ascii=False)

    @property
    def schema(self) -> dict[str, Any]:
        return SCHEMAS[self.task]


def _data_dir() -> Path:
    return DATA_DIR / "evals"


def load_eval_set(split: Split = "eval") -> list[EvalItem]:
    """The course's evaluation set: ``"eval"`` (240 items, what the labs score) or ``"train"``."""
    if split not in ("train", "eval"):
        raise EvalSetError(f"Unknown split {split!r}.", fix='Use "eval" (scored by the labs) or "train".')
    return load_items(_data_dir() / f"{split}.jsonl")


@cache
def _train_split() -> tuple[EvalItem, ...]:
    return tuple(load_eval_set("train"))


def few_shot_examples(task: str, n: int = 2) -> tuple[EvalItem, ...]:
    """``n`` worked examples for ``task``: the first easy items of the TRAIN split (never an eval item).

    A generic model (SmolLM2, a real API) is shown these before each item; the same ones every time, so
    every item is asked the same way and a server can reuse the shared prefix.
    """
    if task not in TASKS:
        raise EvalSetError(f"Unknown task {task!r}.", fix=f"Use one of {', '.join(TASKS)}.")
    return tuple(i for i in _train_split() if i.task == task and i.difficulty == "easy")[:n]


def load_items(path: str | Path) -> list[EvalItem]:
    """Items from a ``.jsonl`` or ``.csv`` file (see the module docstring for the fields)."""
    path = Path(path)
    if not path.is_file():
        raise EvalSetError(
            f"No evaluation file at {path}.", fix="Check the path; the file must be .jsonl or .csv."
        )
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = list(_jsonl_rows(path))
    elif suffix == ".csv":
        rows = list(_csv_rows(path))
    else:
        raise EvalSetError(
            f"{path.name}: unknown file type {suffix or '(none)'!r}.",
            fix="Save the items as JSON Lines (.jsonl, one object a line) or CSV (.csv) with the columns "
            "input, expected (a JSON object) and optionally id, task, difficulty.",
        )
    if not rows:
        raise EvalSetError(f"{path.name} has no items.", fix="Add at least one item (one a line or row).")
    items = [_item(row, where=f"{path.name} {where}") for where, row in rows]
    ids = [i.id for i in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise EvalSetError(
            f"{path.name}: the ids {', '.join(duplicates[:5])} appear more than once.",
            fix="Give every item its own id (or leave the id column out: items are then numbered).",
        )
    return items


def _jsonl_rows(path: Path):
    # a hand-written file, never appended to by a run that could be killed: a broken last line is an error
    for line in read_jsonl(path, on_torn_tail="error", fix=JSONL_FIX, error=EvalSetError):
        line.data.setdefault("id", f"line-{line.line}")
        yield f"line {line.line}", line.data


def _csv_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"input", "expected"} - set(reader.fieldnames or ())
        if missing:
            raise EvalSetError(
                f"{path.name} has no column {', '.join(sorted(missing))} (its header is "
                f"{', '.join(reader.fieldnames or ['empty'])}).",
                fix="The first row must name the columns: input, expected and optionally id, task, "
                "difficulty.",
            )
        for n, row in enumerate(reader, start=2):
            if None in row:
                raise EvalSetError(
                    f"{path.name} row {n} has more cells than the header has columns.",
                    fix="Quote cells that contain commas (a JSON object does): "
                    '"{""category"": ""billing""}" in CSV.',
                )
            text = row.get("expected") or ""
            try:
                row["expected"] = json.loads(text)
            except json.JSONDecodeError as exc:
                raise EvalSetError(
                    f"{path.name} row {n}: the expected cell {text[:60]!r} is not JSON ({exc.msg}).",
                    fix='Write the right answer as a JSON object, e.g. {"category": "billing"}, '
                    "quoted for CSV.",
                ) from exc
            row["id"] = row.get("id") or f"row-{n}"
            yield f"row {n}", row


def _item(row: dict[str, Any], *, where: str) -> EvalItem:
    task = row.get("task") or "classify"
    difficulty = row.get("difficulty") or "easy"
    text, expected = row.get("input"), row.get("expected")
    if task not in TASKS:
        raise EvalSetError(f"{where}: unknown task {task!r}.", fix=f"Use one of {', '.join(TASKS)}.")
    if difficulty not in DIFFICULTIES:
        raise EvalSetError(
            f"{where}: unknown difficulty {difficulty!r}.", fix=f"Use one of {', '.join(DIFFICULTIES)}."
        )
    if not isinstance(text, str) or not text.strip():
        raise EvalSetError(f"{where}: the input is missing or empty.", fix="Give every item its input text.")
    if not isinstance(expected, dict) or not expected:
        raise EvalSetError(
            f"{where}: expected must be a JSON object with the right answer, not {expected!r}.",
            fix='For classify: {"category": "billing"}; for extract: {"order_id": ..., "email": ..., '
            '"amount_usd": ...}.',
        )
    return EvalItem(
        id=str(row["id"]),
        task=task,
        difficulty=difficulty,
        input=text,
        expected=expected,
        split=str(row.get("split") or "eval"),
    )
