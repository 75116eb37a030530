"""The scenario quizzes: their data, the notebooks built from it, and real nbgrader runs on every quiz.

For each quiz in course/quiz/bank/: the committed source notebook equals a fresh build; the release has no
solution and no hidden test (asserted on the file text); the source solutions autograde to full marks; the
blank release scores 0; exactly one wrong answer loses exactly that question's points; a submission that
shadows builtins, patches library functions and answers with objects equal to everything gains nothing.
nbgrader runs through its Python API in one temporary course folder (one release per quiz, one kernel per
submission).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from quiz_submissions import FAKES, TAMPER_IN_KERNEL, TAMPER_IN_PROCESS, fake_body, solution_body, submission

from course.__main__ import main as course_main
from course.quiz import run_cells
from course.quiz.build import QUIZZES_DIR, checked_text, discover, notebook_path
from course.quiz.grading import LocalCourse
from course.quiz.model import MIN_PER_KIND, MIN_QUESTIONS, Numeric, QuizError, validate
from course.quiz.render import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, graded_cells

QUIZZES = discover()
QUIZ_IDS = sorted(QUIZZES)
EXPECTED_QUIZ_IDS = [
    "quiz-01-open",
    "quiz-02-capability",
    "quiz-03-cost",
    "quiz-04-privacy",
    "quiz-05-operations",
    "quiz-06-customisation",
    "quiz-07-hybrid",
    "quiz-08-decision",
]


def test_quiz_ids_are_the_lessons_quizzes() -> None:
    assert QUIZ_IDS, "no quiz found in course/quiz/bank/"
    assert set(QUIZ_IDS) <= set(EXPECTED_QUIZ_IDS)
    on_disk = sorted(p.name for p in QUIZZES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert on_disk == QUIZ_IDS, "every folder of quizzes/ must be a built quiz (nbgrader treats each as one)"


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_committed_notebook_is_the_fresh_build(quiz_id: str) -> None:
    """Also runs every static rule and the in-process check of the tests (checked_text)."""
    path = notebook_path(quiz_id)
    assert path.exists(), f"{path} missing: run python quizzes/build.py"
    assert path.read_text(encoding="utf-8") == checked_text(QUIZZES[quiz_id]), (
        "rebuild: python quizzes/build.py"
    )


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_quiz_size_and_metadata(quiz_id: str) -> None:
    quiz = QUIZZES[quiz_id]
    assert len(quiz.questions) >= MIN_QUESTIONS
    assert all(quiz.count(kind) >= MIN_PER_KIND for kind in ("mc", "numeric", "code"))
    nb = nbformat.read(notebook_path(quiz_id), as_version=4)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
    assert len(ids) == len(set(ids))
    graded = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    assert sum(c.metadata["nbgrader"]["points"] for c in graded) == quiz.total_points
    for cell in graded:
        meta = cell.metadata["nbgrader"]
        assert meta["locked"] and not meta["solution"] and meta["schema_version"] == 3
        assert re.fullmatch(r"L\d\d\.\d+", cell.metadata["course"]["outcome"])
        assert (
            cell.metadata["course"]["kind"] in ("mc", "numeric", "code") and cell.metadata["course"]["seed"]
        )
        assert BEGIN_HIDDEN in cell.source, "every test cell hides its explanation and its correctness checks"
    for cell in nb.cells:
        assert not cell.get("outputs")
        assert cell.cell_type == "markdown" or not re.search(r"\b(import|from)\s+course\b", cell.source)


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_tamper_in_process_gains_nothing(quiz_id: str) -> None:
    """The same attack as the nbgrader test, for every question, in milliseconds."""
    quiz = QUIZZES[quiz_id]
    # in-process: names shadowed in the namespace only (patching this process's builtins would break pytest)
    bodies = {q.qid: fake_body(q) for q in quiz.questions}
    passed = run_cells.run(quiz, bodies=bodies, prelude=TAMPER_IN_PROCESS)
    assert not any(passed.values()), [gid for gid, ok in passed.items() if ok]


def test_validate_names_the_broken_rule() -> None:
    quiz = QUIZZES[QUIZ_IDS[0]]
    broken = quiz.__class__(
        quiz_id=quiz.quiz_id, title=quiz.title, intro="Costs USD 5 or $5 and $6.", questions=()
    )
    with pytest.raises(QuizError) as info:
        validate(broken)
    message = str(info.value)
    assert "at least 10" in message and "unescaped `$`" in message and "tested by no question" in message


# --- real nbgrader runs ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCourse]:
    """One course folder for every quiz, in memory where the system has /dev/shm (nbgrader commits its
    SQLite gradebook after each submission; on disk each commit waits for the disk)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        root = Path(tempfile.mkdtemp(prefix="course-quiz-tests-", dir=shm))
        yield LocalCourse(root)
        shutil.rmtree(root, ignore_errors=True)
    else:
        yield LocalCourse(tmp_path_factory.mktemp("nbgrader-course"))


@pytest.fixture(scope="module")
def released(course: LocalCourse) -> dict[str, str]:
    """Each quiz's release text, generated once (lazily) per test module."""

    class Releases(dict):
        def __missing__(self, quiz_id: str) -> str:
            self[quiz_id] = course.release(quiz_id).read_text(encoding="utf-8")
            return self[quiz_id]

    return Releases()


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_release_has_no_solution_and_no_hidden_test(quiz_id: str, released: dict[str, str]) -> None:
    text = released[quiz_id]
    for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN, "print("):
        assert marker not in text
    quiz = QUIZZES[quiz_id]
    for q in quiz.questions:
        for cell in graded_cells(q):
            hidden = re.findall(rf"{BEGIN_HIDDEN}\n(.*?)\n{END_HIDDEN}", cell.source, flags=re.S)
            for line in "\n".join(hidden).splitlines():
                assert json.dumps(line)[1:-1] not in text, f"hidden line leaked: {line[:80]}"
        assert json.dumps(q.explanation.strip()[:60])[1:-1] not in text, f"{q.qid}: explanation leaked"
    nb = nbformat.reads(text, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if c.metadata.get("nbgrader")}
    for q in quiz.questions:
        solution_lines = {line.strip() for line in solution_body(q).splitlines()} - {""}
        released_lines = {line.strip() for line in answers[f"{q.qid}-answer"].splitlines()}
        assert not solution_lines & released_lines, f"{q.qid}: solution leaked"
        assert "raise NotImplementedError()" in released_lines
    assert nb.metadata["course"]["quiz_id"] == quiz_id
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(c.metadata["course"]["outcome"] for c in graded)


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_solutions_score_full_marks(quiz_id: str, course: LocalCourse, released: dict[str, str]) -> None:
    assert released[quiz_id]  # released in this course folder first (the gradebook knows the quiz)
    result = course.autograde(quiz_id, "solutions", notebook_path(quiz_id))
    assert result.max_score == QUIZZES[quiz_id].total_points
    assert result.score == result.max_score, [c.grade_id for c in result.cells if c.score < c.max_score]
    assert all(c.explanation for c in result.cells), "every test cell prints its explanation after grading"


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_blank_release_scores_zero(quiz_id: str, course: LocalCourse, released: dict[str, str]) -> None:
    result = course.autograde(quiz_id, "blank", released[quiz_id])
    assert result.score == 0 and result.max_score == QUIZZES[quiz_id].total_points
    assert all(c.explanation for c in result.cells), "explanations show even when the answer is missing"


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_one_wrong_answer_loses_its_points_and_tampering_gains_nothing(
    quiz_id: str, course: LocalCourse, released: dict[str, str]
) -> None:
    """One nbgrader run per quiz covers both claims: the kernel's builtins.abs/round and math.isclose/isnan/
    fabs are patched and type/print/AssertionError shadowed, and every answer is right except exactly one,
    a plausible slip (odd quiz numbers) or an object equal to everything (even ones). It loses exactly that
    question's points: no more (no test relies on a name the learner broke), no less (tampering gains
    nothing). The in-process test above covers every question with more names shadowed."""
    quiz = QUIZZES[quiz_id]
    number = int(quiz_id[5:7])
    if number % 2:
        qid, label, body = run_cells.wrong_bodies(quiz)[number * 7 % len(run_cells.wrong_bodies(quiz))]
    else:
        target = quiz.questions[number * 5 % len(quiz.questions)]
        qid, label, body = target.qid, "an object equal to everything", fake_body(target)
    bodies = {q.qid: solution_body(q) for q in quiz.questions} | {qid: body}
    expected_lost = {
        gid for gid, ok in run_cells.run(quiz, bodies={qid: body}, prelude=FAKES).items() if not ok
    }
    assert expected_lost and all(gid.startswith(qid) for gid in expected_lost)
    result = course.autograde(
        quiz_id, "one-wrong-tamper", submission(released[quiz_id], quiz, bodies, prelude=TAMPER_IN_KERNEL)
    )
    lost = {c.grade_id for c in result.cells if c.score < c.max_score}
    assert lost == expected_lost, f"{qid}: {label}"
    assert all(c.score == 0 for c in result.cells if c.grade_id in lost), "no partial credit inside a cell"
    points = {c.grade_id: c.max_score for c in result.cells}
    assert result.score == quiz.total_points - sum(points[gid] for gid in lost)


# --- the learner's commands --------------------------------------------------------------------------------


def test_fetch_then_check_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "results"))
    quiz_id = QUIZ_IDS[0]
    quiz = QUIZZES[quiz_id]
    assert course_main(["quiz", "fetch", quiz_id, "--dest", str(tmp_path)]) == 0
    copy = tmp_path / quiz_id / f"{quiz_id}.ipynb"
    assert BEGIN_SOLUTION not in copy.read_text(encoding="utf-8")
    # the learner answers the first numeric question right and nothing else
    first_numeric = next(q for q in quiz.questions if isinstance(q, Numeric))
    copy.write_text(
        submission(copy.read_text(encoding="utf-8"), quiz, {first_numeric.qid: solution_body(first_numeric)}),
        encoding="utf-8",
    )
    before = copy.read_bytes()
    capsys.readouterr()
    assert course_main(["quiz", "check", str(copy), "--explain", "all"]) == 0
    out = capsys.readouterr().out
    assert f"{first_numeric.total_points} / {quiz.total_points} points" in out
    assert first_numeric.explanation.strip()[:40] in out, "the explanation is shown after grading"
    assert copy.read_bytes() == before, "check never changes the learner's file"
    saved = json.loads((tmp_path / "results" / f"{quiz_id}.json").read_text(encoding="utf-8"))
    assert saved["points"] == first_numeric.total_points, "the score is saved for the workshop's pool"
    # fetching again would overwrite the learner's answers: refused, file untouched
    assert course_main(["quiz", "fetch", quiz_id, "--dest", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert copy.read_bytes() == before


def test_check_rejects_what_is_not_a_quiz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "quiz-03-cost.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    assert course_main(["quiz", "check", str(broken)]) == 2
    assert "not a readable notebook" in capsys.readouterr().err
    assert course_main(["quiz", "check", str(tmp_path / "missing.ipynb")]) == 2
    assert "no notebook at" in capsys.readouterr().err
    other = tmp_path / "notes.ipynb"
    other.write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
    assert course_main(["quiz", "check", str(other)]) == 2
    assert "not one of the course's quizzes" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["quiz", "--help"], ["quiz", "fetch", "--help"], ["quiz", "check", "--help"]]
)
def test_quiz_commands_have_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        course_main(argv)
    assert exit_info.value.code == 0 and "usage:" in capsys.readouterr().out


# --- stock nbgrader, configured by nbgrader_config.py ------------------------------------------------------


def _nbgrader_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    scripts = Path(sys.executable).parent
    env = os.environ | {"PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [str(scripts / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_nbgrader_sees_exactly_the_quizzes_as_assignments() -> None:
    """nbgrader_config.py makes quizzes/ the source folder, and every folder there is a quiz (the formgrader
    lists each folder as an assignment)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(QUIZZES_DIR.parent)).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    assert config.CourseDirectory.source_directory == "quizzes"
    assert sorted(api.get_source_assignments()) == QUIZ_IDS


@pytest.mark.slow
def test_stock_nbgrader_cli_generate_autograde_feedback(tmp_path: Path) -> None:
    """nbgrader's own commands with the repository's nbgrader_config.py (Lab's Validate button on a released
    quiz is exercised in a real browser by tests/test_browser.py)."""
    quiz_id = QUIZ_IDS[-1]
    shutil.copy(QUIZZES_DIR.parent / "nbgrader_config.py", tmp_path)
    shutil.copytree(QUIZZES_DIR / quiz_id, tmp_path / "quizzes" / quiz_id)
    generated = _nbgrader_cli("generate_assignment", quiz_id, cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr[-2000:]
    release = tmp_path / "release" / quiz_id / f"{quiz_id}.ipynb"
    assert BEGIN_SOLUTION not in release.read_text(encoding="utf-8")
    submitted = tmp_path / "submitted" / "ada" / quiz_id
    submitted.mkdir(parents=True)
    shutil.copy(notebook_path(quiz_id), submitted)
    graded = _nbgrader_cli("autograde", quiz_id, cwd=tmp_path)
    assert graded.returncode == 0, graded.stderr[-2000:]
    feedback = _nbgrader_cli("generate_feedback", quiz_id, cwd=tmp_path)
    assert feedback.returncode == 0, feedback.stderr[-2000:]
    html = (tmp_path / "feedback" / "ada" / quiz_id / f"{quiz_id}.html").read_text(encoding="utf-8")
    first = QUIZZES[quiz_id].questions[0]
    assert f"{QUIZZES[quiz_id].total_points}" in html and first.explanation.strip()[:30] in html
