"""A learner's self-check: release a quiz into a folder of their own, then score their copy and explain it.

Everything runs locally through nbgrader's Python API in a temporary course folder: no instructor, no
exchange, no network. The learner's notebook is only read, never changed. :func:`save_check` keeps the
score in ``results/<quiz_id>.json``, where the workshop's pooled results (``python -m grader pool``) find it.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course.labs.results import Problem
from course.quiz.build import discover
from course.quiz.grading import GradeResult, LocalCourse
from course.quiz.model import QuizError

DEFAULT_DEST = Path("my-quizzes")
STUDENT_ID = "learner"


def fetch(quiz_id: str, *, dest: Path = DEFAULT_DEST, force: bool = False) -> Path:
    """Write the learner's version of ``quiz_id`` to ``dest/<quiz_id>/<quiz_id>.ipynb`` and return its path.

    An existing copy (the learner's answers) is kept unless ``force``; then it is first saved as ``.bak``."""
    known = discover()
    if quiz_id not in known:
        raise QuizError(f"no quiz {quiz_id!r}.", fix=f"Use one of: {', '.join(known)}.")
    target = Path(dest) / quiz_id / f"{quiz_id}.ipynb"
    if target.exists() and not force:
        raise QuizError(
            f"{target} already exists (your answers may be in it); nothing was changed.",
            fix=f"Check it with `python -m course quiz check {target}`, or add --force to start over "
            "(the old copy is kept as .ipynb.bak).",
        )
    with tempfile.TemporaryDirectory(prefix="course-quiz-") as tmp:
        released = LocalCourse(Path(tmp)).release(quiz_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.copyfile(target, target.with_suffix(".ipynb.bak"))
        shutil.copyfile(released, target)
    return target


def quiz_id_of(path: Path) -> str:
    """The quiz a notebook belongs to: its ``metadata.course.quiz_id``, else its file name."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise QuizError(f"no notebook at {path}.", fix="Give the path of your copy of the quiz.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise QuizError(
            f"{path} is not a readable notebook ({exc}).",
            fix="Open it in JupyterLab and save it again, or fetch a fresh copy with --force.",
        ) from exc
    quiz_id = (data.get("metadata", {}).get("course", {}) or {}).get("quiz_id") or Path(path).stem
    if quiz_id not in discover():
        raise QuizError(
            f"{path} is not one of the course's quizzes (quiz id {quiz_id!r}).",
            fix="Give a notebook fetched with `python -m course quiz fetch QUIZ`, or pass --quiz QUIZ.",
        )
    return quiz_id


def check(path: Path, *, quiz_id: str | None = None) -> GradeResult:
    """Autograde the learner's notebook at ``path`` in a temporary course folder."""
    path = Path(path)
    quiz_id = quiz_id or quiz_id_of(path)
    with tempfile.TemporaryDirectory(prefix="course-quiz-") as tmp:
        course = LocalCourse(Path(tmp))
        course.release(quiz_id)
        result = course.autograde(quiz_id, STUDENT_ID, path)
    return result


def report(result: GradeResult, *, explain: str = "all") -> str:
    """Plain text: the score per question, then the explanations (``all``, ``missed`` or ``none``)."""
    quiz = discover()[result.quiz_id]
    lines = [f"{result.quiz_id} · {quiz.title}: {_pts(result.score)} / {_pts(result.max_score)} points", ""]
    for q in quiz.questions:
        cells = [c for c in result.cells if c.question == q.qid]
        got, top = sum(c.score for c in cells), sum(c.max_score for c in cells)
        mark = "ok" if got == top else ("part" if got else "--")
        score = f"{_pts(got):>4}/{_pts(top):<3}"
        lines.append(f"  {mark:4} Q{int(q.qid[1:]):<2} {score} {q.kind:<7} {q.outcome:<6} {q.title}")
    if explain == "none":
        return "\n".join(lines) + "\n"
    lines += ["", "Explanations" + (" (questions not at full marks)" if explain == "missed" else ""), ""]
    for q in quiz.questions:
        cells = [c for c in result.cells if c.question == q.qid]
        if explain == "missed" and all(c.score == c.max_score for c in cells):
            continue
        for c in cells:
            head = f"Q{int(q.qid[1:])}" + (f" ({c.part})" if c.part else "")
            head += ": right" if c.score == c.max_score else ": not right"
            if c.error and c.score < c.max_score:
                head += f" [{_short(c.error)}]"
            lines.append(head)
            body = c.explanation or "(no explanation: the test cell did not run)"
            lines += [
                textwrap.fill(par, 106, initial_indent="    ", subsequent_indent="    ")
                for par in body.splitlines()
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _pts(x: float) -> str:
    return f"{x:g}"


def _short(error: str) -> str:
    return error if len(error) <= 160 else error[:157] + "..."


# --- a check's score, saved for the workshop's pooled results (python -m grader pool) -----------------------

CHECK_SCHEMA_VERSION = 1
#: ``results/quiz-03-cost.json``: one file per quiz, the latest check replacing the one before
QUIZ_FILE = re.compile(r"^quiz-\d\d(-[a-z0-9-]+)?\.json$")


class SavedQuizCheck(BaseModel):
    """One ``results/<quiz_id>.json``: the score of the learner's latest ``course quiz check``."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    schema_version: int = Field(alias="schema")
    quiz_id: str
    checked_at_utc: datetime
    points: float = Field(ge=0)
    max_points: float = Field(gt=0)
    points_by_question: dict[str, float] = Field(default_factory=dict)


def save_check(result: GradeResult, *, folder: Path | None = None) -> Path:
    """Write ``result``'s score to ``folder/<quiz_id>.json`` (default: the labs' results/), atomically."""
    from course.io import write_text_atomically
    from course.labs.results import results_dir

    folder = Path(folder) if folder is not None else results_dir()
    record = SavedQuizCheck(
        schema=CHECK_SCHEMA_VERSION,
        quiz_id=result.quiz_id,
        checked_at_utc=datetime.now(timezone.utc).replace(microsecond=0),
        points=result.score,
        max_points=result.max_score,
        points_by_question={q: got for q, (got, _) in result.by_question().items()},
    )
    return write_text_atomically(
        folder / f"{result.quiz_id}.json", record.model_dump_json(by_alias=True, indent=1)
    )


def read_checks(folder: Path) -> tuple[dict[str, SavedQuizCheck], list[Problem]]:
    """The checks saved in ``folder`` by quiz id, and a problem per unreadable file (never raises)."""
    checks: dict[str, SavedQuizCheck] = {}
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("quiz-*.json")) if Path(folder).is_dir() else []:
        if not QUIZ_FILE.match(path.name):
            continue
        try:
            saved = SavedQuizCheck.model_validate_json(path.read_bytes())
        except OSError as exc:
            problems.append(Problem(path.name, f"cannot be read ({exc.strerror})"))
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(top level)"
            problems.append(Problem(path.name, f"{where}: {first['msg']}; run `course quiz check` again"))
            continue
        if saved.schema_version != CHECK_SCHEMA_VERSION or saved.quiz_id != path.stem:
            problems.append(
                Problem(
                    path.name,
                    f"schema {saved.schema_version} for quiz {saved.quiz_id!r}; this course reads "
                    f"schema {CHECK_SCHEMA_VERSION}, named after its quiz",
                )
            )
            continue
        checks[saved.quiz_id] = saved
    return checks, problems
