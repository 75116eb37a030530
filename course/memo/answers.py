"""The learner's answers to both decision frameworks, saved by lab 07 as results/lab07-frameworks.json.

The answers reuse :mod:`course.teaching.decision`'s own types (:class:`FlowAnswers` for article 003's six
questions, :class:`MatrixScores` for article 004's six dimensions), so the file is checked by the same
rules as the lesson's cells: strict types (``true``, not ``1``; a score of ``3``, not ``"3"``) and
the frameworks' own range checks. :func:`load_answers` never raises: a problem comes back as a line.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WrapValidator, field_validator

from course.errors import ConfigError, CourseError
from course.teaching.decision import TREE_KEYS, FlowAnswers, MatrixScores

ANSWERS_FILE = "lab07-frameworks.json"


def _course_checks(value: Any, handler: Any) -> Any:
    """Run the dataclass's own checks; their ConfigError becomes a validation error naming the field."""
    try:
        return handler(value)
    except CourseError as exc:
        raise ValueError(exc.message) from None


def _now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class FrameworkAnswers(BaseModel):
    """One workload described for article 003's flow, article 004's matrix and article 002's tree."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    workload: str = Field(min_length=1)
    flow: Annotated[FlowAnswers, WrapValidator(_course_checks)]
    matrix: Annotated[MatrixScores, WrapValidator(_course_checks)]
    tree_tasks: tuple[str, ...] = Field(min_length=1, strict=False)  # a list is fine too
    data_cannot_leave_vpc: bool = False
    own_recommendation: str = ""  # the learner's own words for the team (optional)
    answered_at_utc: datetime = Field(default_factory=_now_utc)

    @field_validator("tree_tasks")
    @classmethod
    def _known_tasks(cls, tasks: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in tasks if t not in TREE_KEYS]
        if unknown:
            raise ValueError(f"unknown tree task(s) {unknown}; use some of: {', '.join(TREE_KEYS)}")
        return tasks


def answers_file(folder: Path) -> Path:
    return folder / ANSWERS_FILE


def save_answers(answers: FrameworkAnswers, folder: Path | None = None) -> Path:
    """Write ``answers`` to ``folder`` (default: the results folder) atomically; returns the path."""
    from course.io import write_text_atomically
    from course.labs.results import results_dir

    return write_text_atomically(answers_file(folder or results_dir()), answers.model_dump_json(indent=1))


def framework_answers(**fields: Any) -> FrameworkAnswers:
    """:class:`FrameworkAnswers` from keywords, with a course error (field named, how to fix) when invalid."""
    try:
        return FrameworkAnswers(**fields)
    except ValidationError as exc:
        raise ConfigError(
            f"The framework answers do not fit: {_first_error(exc)}.",
            fix="Correct that answer (lesson 08, section 2, says what each score means) and run again.",
        ) from None


def load_answers(path: Path) -> tuple[FrameworkAnswers | None, str | None]:
    """(answers, None) when ``path`` holds valid answers, else (None, a line saying what is wrong)."""
    if not path.exists():
        return None, f"{path.name}: not saved yet (answer the frameworks in lab 07, which saves this file)"
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
    except UnicodeDecodeError:
        return None, f"{path.name}: not text (is it really lab 07's answers file?)"
    except json.JSONDecodeError as exc:
        return None, f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno}); {_FIX}"
    except OSError as exc:
        return None, f"{path.name}: cannot be read ({exc.strerror})"
    try:
        return FrameworkAnswers.model_validate_json(text), None
    except ValidationError as exc:
        return None, f"{path.name}: {_first_error(exc)}; {_FIX}"


_FIX = "run lab 07's answer cell again to rewrite it"


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ").rstrip(".")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {message}{more}"
