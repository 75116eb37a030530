"""Release and autograde quizzes in a private nbgrader course folder, through nbgrader's Python API.

No instructor set-up, no exchange, no network: a course folder (``source/``, ``release/``, ``submitted/``,
``autograded/``, ``gradebook.db``) is made under a directory you give (a temporary one by default), the quiz's
source notebook is copied in from quizzes/, and nbgrader's own GenerateAssignment and Autograde run on it.
The API avoids the CLI's ~2 s start per call; each autograde still starts one kernel (~1 s).
"""

from __future__ import annotations

import logging
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.io import scripts_on_path
from course.quiz.build import QUIZZES_DIR, notebook_path
from course.quiz.model import QuizError

COURSE_ID = "open-vs-frontier"
#: seconds a single cell may run when grading (nbgrader's default is 30)
CELL_TIMEOUT_S = 30


@dataclass(frozen=True)
class CellScore:
    """The score of one graded test cell, with what it printed (the explanation) and its error, if any."""

    grade_id: str
    question: str
    part: str
    outcome: str
    kind: str
    score: float
    max_score: float
    explanation: str
    error: str


@dataclass(frozen=True)
class GradeResult:
    """One autograded submission."""

    quiz_id: str
    student_id: str
    cells: tuple[CellScore, ...]
    autograded_path: Path

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    def by_question(self) -> dict[str, tuple[float, float]]:
        """(score, max score) per question id, in order."""
        totals: dict[str, tuple[float, float]] = {}
        for c in self.cells:
            got, top = totals.get(c.question, (0.0, 0.0))
            totals[c.question] = (got + c.score, top + c.max_score)
        return totals


class LocalCourse:
    """A private nbgrader course folder at ``root`` holding copies of the quizzes' source notebooks."""

    def __init__(self, root: Path, *, quizzes_dir: Path = QUIZZES_DIR) -> None:
        self.root = Path(root).resolve()
        self.quizzes_dir = quizzes_dir
        self._api = None

    @property
    def api(self):  # nbgrader.apps.NbGraderAPI (imported lazily: it is slow to import)
        if self._api is None:
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory
            from traitlets.config import Config

            config = Config()
            config.CourseDirectory.root = str(self.root)
            config.CourseDirectory.course_id = COURSE_ID
            config.Execute.timeout = CELL_TIMEOUT_S
            # quiet kernels: ipykernel's start-up warnings would only clutter a learner's terminal
            config.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
            config.Exchange.root = str(self.root / "exchange")  # never used; keeps nbgrader off /srv
            (self.root / "exchange").mkdir(parents=True, exist_ok=True)
            api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
            api.log.setLevel(logging.ERROR)
            self._api = api
        return self._api

    def _source(self, quiz_id: str) -> None:
        src = notebook_path(quiz_id, root=self.quizzes_dir)
        if not src.exists():
            raise QuizError(
                f"no source notebook {src}.",
                fix="Build it: `python quizzes/build.py`; list the ids: `python -m course quiz list`.",
            )
        dest = self.root / "source" / quiz_id / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)

    def release(self, quiz_id: str) -> Path:
        """Generate the learner's version (no solutions, no hidden tests); return its path."""
        self._source(quiz_id)
        with scripts_on_path():
            result = self.api.generate_assignment(quiz_id, force=True, create=True)
        _raise_unless_ok(result, f"nbgrader could not generate the release of {quiz_id}")
        return self.root / "release" / quiz_id / f"{quiz_id}.ipynb"

    def autograde(self, quiz_id: str, student_id: str, notebook: Path | str) -> GradeResult:
        """Autograde ``notebook`` (a path, or the notebook's JSON text) as ``student_id``'s submission.

        The quiz must have been released in this course folder first (:meth:`release`)."""
        if not (self.root / "release" / quiz_id).exists():
            self.release(quiz_id)
        dest = self.root / "submitted" / student_id / quiz_id / f"{quiz_id}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(notebook, Path):
            shutil.copyfile(notebook, dest)
        else:
            dest.write_text(notebook, encoding="utf-8")
        with scripts_on_path(), warnings.catch_warnings():
            # nbgrader's gradebook trips SQLAlchemy's autoflush warnings on every new submission: harmless
            warnings.filterwarnings("ignore", module="nbgrader")
            result = self.api.autograde(quiz_id, student_id, force=True, create=True)
        _raise_unless_ok(result, f"nbgrader could not autograde {dest}")
        autograded = self.root / "autograded" / student_id / quiz_id / f"{quiz_id}.ipynb"
        return GradeResult(
            quiz_id, student_id, _scores(self.api, quiz_id, student_id, autograded), autograded
        )


def _raise_unless_ok(result: dict, what: str) -> None:
    if not result.get("success"):
        detail = (result.get("error") or "") + (result.get("log") or "")
        raise QuizError(f"{what}:\n{detail.strip()[-3000:]}", fix="Read nbgrader's message above.")


def _scores(api, quiz_id: str, student_id: str, autograded: Path) -> tuple[CellScore, ...]:
    from nbgrader.api import Gradebook

    nb = nbformat.read(autograded, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    with scripts_on_path(), Gradebook(api.coursedir.db_url) as gradebook:
        submission = gradebook.find_submission_notebook(quiz_id, quiz_id, student_id)
        grades = {g.name: (g.score, g.max_score) for g in submission.grades}
    scores = []
    for grade_id, cell in cells.items():
        if grade_id not in grades or cell.cell_type != "code":
            continue
        course = cell.metadata.get("course", {})
        score, max_score = grades[grade_id]
        scores.append(
            CellScore(
                grade_id=grade_id,
                question=course.get("question", grade_id.split("-")[0]),
                part=course.get("part", ""),
                outcome=course.get("outcome", ""),
                kind=course.get("kind", ""),
                score=float(score or 0.0),
                max_score=float(max_score),
                explanation=_stream_text(cell),
                error=_error_text(cell),
            )
        )
    return tuple(scores)


def _stream_text(cell) -> str:
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    ).strip()


def _error_text(cell) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename', '')}: {output.get('evalue', '')}".strip()
    return ""
