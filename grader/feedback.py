"""Feedback pages that leak nothing: each question's result and explanation, rendered offline.

Written to nbgrader's place, ``feedback/<learner>/<quiz>/<quiz>.html``. Scores come from the gradebook; the
explanation is read from the quiz's SOURCE test cell (the literal its hidden region prints), never from the
learner's outputs (which learner code controls); a failed check shows only a visible form message (one that
also appears in the released notebook), never a hidden test's source, assert line or traceback. Known secret
values from the environment are redacted. The page comes from a jinja2 template that escapes every text
(``grader/templates/feedback.html``); no script, no CDN, no external link: it renders offline.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from grader.course_dir import CourseFolder, load_config, scripts_on_path
from grader.pages import render

SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.I)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


@dataclass(frozen=True)
class FeedbackResult:
    """Pages written (one per learner) and learners skipped (not autograded yet)."""

    pages: tuple[Path, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class PartResult:
    """One graded cell of a question as the page shows it (texts already redacted)."""

    part: str  # the part's label ("" for a question of one part)
    ok: bool
    message: str  # the failed check's visible message, or ""
    why: str  # the explanation from the source test cell


@dataclass
class QuestionResult:
    """One question on the page: points summed over its graded cells, and the learner's answer."""

    title: str
    answer: str
    score: float = 0.0
    max_score: float = 0.0
    parts: list[PartResult] = field(default_factory=list)


def secrets() -> list[str]:
    """Values of environment variables whose names look secret (8+ characters), longest first."""
    values = [v for k, v in os.environ.items() if SECRET_NAME.search(k) and len(v) >= 8]
    return sorted(set(values), key=len, reverse=True)


def redact(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, "[redacted]")
    return text


def explanation_of(source: str) -> str:
    """The text a source test cell prints in its hidden region (``print('...')`` of a literal)."""
    for block in HIDDEN.findall(source):
        try:
            tree = ast.parse(block)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                return node.args[0].value
    return ""


def _gid(cell: NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _visible_message(cell: dict[str, Any], released_text: str) -> str:
    """The failed check's message when the learner could already see it in the release, else ''."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            message = str(out.get("evalue", ""))
            if message and message in released_text and out.get("ename") == "AssertionError":
                return message
            return ""
    return ""


def _pts(x: float) -> str:
    return f"{x:g}"


def render_page(
    *, quiz_id: str, learner: str, title: str, questions: list[QuestionResult], total: float, top: float
) -> str:
    """The HTML of one learner's feedback page (every text already redacted; escaped by the template)."""
    return render(
        "feedback.html",
        quiz_id=quiz_id,
        learner=learner,
        title=title,
        questions=questions,
        total=total,
        top=top,
    )


def _question_title(source_cells: list[NotebookNode], qid: str) -> str:
    for cell in source_cells:
        if _gid(cell) == f"{qid}-scenario":
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else qid
            return first.lstrip("# ").strip()
    return qid


def _clean_answer(source: str, limit: int = 3000) -> str:
    return source if len(source) <= limit else source[:limit] + "\n[... truncated]"


def generate(folder: CourseFolder, quiz_id: str, *, learners: list[str] | None = None) -> FeedbackResult:
    """Write a feedback page for every autograded learner of ``quiz_id`` (or those given)."""
    from nbgrader.api import Gradebook, MissingEntry

    folder.check_quiz(quiz_id)
    source_nb = nbformat.read(folder.source_dir() / quiz_id / f"{quiz_id}.ipynb", as_version=4)
    released_text = (
        folder.release_notebook(quiz_id).read_text(encoding="utf-8")
        if folder.release_notebook(quiz_id).exists()
        else ""
    )
    title = source_nb.metadata.get("course", {}).get("title") or quiz_id
    source_by_id = {_gid(c): c for c in source_nb.cells if _gid(c)}
    hidden_values = secrets()
    pages: list[Path] = []
    skipped: list[str] = []
    course_id = load_config(folder).CourseDirectory.course_id
    names = learners if learners is not None else folder.learners(quiz_id)
    with scripts_on_path(), Gradebook(folder.db_url, course_id) as gb:
        for learner in names:
            path = folder.autograded(learner, quiz_id) / f"{quiz_id}.ipynb"
            try:
                sub = gb.find_submission_notebook(quiz_id, quiz_id, learner)
            except MissingEntry:
                skipped.append(learner)
                continue
            if not path.exists():
                skipped.append(learner)
                continue
            nb = nbformat.read(path, as_version=4)
            cells = {_gid(c): c for c in nb.cells if _gid(c)}
            grades = {g.name: (float(g.score or 0.0), float(g.max_score)) for g in sub.grades}
            questions: dict[str, QuestionResult] = {}
            for gid, (score, top) in grades.items():
                src = source_by_id.get(gid)
                if src is None or src.cell_type != "code":
                    continue
                meta = src.metadata.get("course", {})
                qid = meta.get("question") or gid.split("-")[0]
                q = questions.setdefault(
                    qid,
                    QuestionResult(
                        title=_question_title(source_nb.cells, qid),
                        answer=redact(
                            _clean_answer(cells.get(f"{qid}-answer", {}).get("source", "")), hidden_values
                        ),
                    ),
                )
                q.score += score
                q.max_score += top
                ok = score == top
                message = "" if ok else _visible_message(cells.get(gid, {}), released_text)
                q.parts.append(
                    PartResult(
                        part=meta.get("part", ""),
                        ok=ok,
                        message=redact(message, hidden_values),
                        why=redact(explanation_of(src.source), hidden_values),
                    )
                )
            order = [_gid(c).split("-")[0] for c in source_nb.cells if _gid(c).endswith("-scenario")]
            ordered = [questions[q] for q in order if q in questions]
            page = render_page(
                quiz_id=quiz_id,
                learner=learner,
                title=title,
                questions=ordered,
                total=float(sub.score),
                top=float(sub.max_score),
            )
            out = folder.feedback(learner, quiz_id) / f"{quiz_id}.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, encoding="utf-8")
            # nbgrader's Release feedback (formgrader, the exchange) names the learner's copy after the
            # submission's timestamp and secret: keep them by the page, as nbgrader's generate_feedback does
            for name in ("timestamp.txt", "submission_secret.txt"):
                if (folder.autograded(learner, quiz_id) / name).is_file():
                    shutil.copyfile(folder.autograded(learner, quiz_id) / name, out.parent / name)
            pages.append(out)
    return FeedbackResult(tuple(pages), tuple(skipped))
