"""The scenario quizzes: their data, the notebooks built from it, and real nbgrader runs on every quiz.

For each quiz in course/quiz/bank/: the committed source notebook equals a fresh build; at least 40% of its
points are on judgment items and no content-free strategy (longest, most specific, most words shared with the
question, always the same letter) beats guessing by more than one item; the release has no solution, no
hidden test and no hidden expected value (asserted on the file text), and its visible checks read like
ordinary Python; the source solutions autograde to full marks; the blank release scores 0; exactly one wrong
answer loses exactly that question's points; a submission that shadows builtins, patches library functions
and answers with objects equal to everything gains nothing. nbgrader runs through its Python API in one
temporary course folder (one release per quiz, one kernel per submission).
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
from course.quiz import leaks, run_cells, strategies
from course.quiz.build import QUIZZES_DIR, check_bank, checked_text, discover, notebook_path, strategy_table
from course.quiz.grading import LocalCourse
from course.quiz.model import (
    MIN_PER_KIND,
    MIN_QUESTIONS,
    MultipleAnswer,
    Numeric,
    Option,
    Ordering,
    Quiz,
    QuizError,
    choice_items,
    judgment_share,
    read_ideas,
    validate,
)
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
        assert cell.metadata["course"]["kind"] in ("mc", "multi", "order", "numeric", "code")
        assert cell.metadata["course"]["article"].startswith("article ")
        assert cell.metadata["course"]["ideas"] and set(cell.metadata["course"]["ideas"]) <= set(read_ideas())
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


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_points_go_to_judgment_and_options_do_not_give_themselves_away(quiz_id: str) -> None:
    """Issue 23: at least 40% of the points on judgment items; no content-free strategy above guessing + 1."""
    quiz = QUIZZES[quiz_id]
    assert judgment_share(quiz) >= strategies.MIN_JUDGMENT_SHARE
    scores = strategies.play(choice_items(quiz))
    assert scores.items >= 5
    for name in strategies.STRATEGIES:
        assert scores.scores[name] - scores.chance <= strategies.QUIZ_MARGIN_ITEMS, (name, scores)
    assert strategies.quiz_problems(scores, where=quiz_id) == []


def test_the_bank_as_a_whole_cannot_be_gamed(capsys: pytest.CaptureFixture[str]) -> None:
    check_bank(QUIZZES)  # raises when a strategy beats guessing by more than 5 points over every choice item
    every = strategies.play(i for q in QUIZZES.values() for i in choice_items(q))
    assert all(
        every.share(name) - every.chance_share <= strategies.BANK_MARGIN_SHARE for name in every.scores
    )
    table = strategy_table(QUIZZES)
    assert all(quiz_id in table for quiz_id in QUIZ_IDS) and "all quizzes" in table


def test_the_content_free_strategies_do_what_they_say() -> None:
    """The definitions the build enforces, on items built to trip each one."""
    longest = strategies.ChoiceItem(
        "q01", "mc", "Which GPU?", ("short", "a much longer option", "mid one"), "B"
    )
    assert strategies.score("longest", longest) == 1.0 and strategies.chance(longest) == pytest.approx(1 / 3)
    tie = strategies.ChoiceItem("q02", "mc", "Pick", ("abcd", "wxyz", "ab"), "A")
    assert strategies.score("longest", tie) == 0.5  # two longest options: half a hit
    specific = strategies.ChoiceItem(
        "q03", "mc", "Pick", ("it depends on things", "Llama 3 70B at USD 2.20 on an H100", "maybe so"), "B"
    )
    assert strategies.score("specific", specific) == 1.0 and strategies.specific_tokens("Use the GPU") == 1
    overlap = strategies.ChoiceItem(
        "q04", "mc", "The clinic sends patient records to an API", ("patient records API", "a VPC", "x"), "C"
    )
    assert strategies.score("overlap", overlap) == 0.0
    multi = strategies.ChoiceItem("q05", "multi", "Pick", ("aaaa", "bb", "cccc", "d", "e"), "AC")
    assert strategies.score("longest", multi) == 1.0 and strategies.chance(multi) == pytest.approx(0.4)
    assert strategies.score("letter", multi, letter="C") == 1.0
    order = strategies.ChoiceItem("q06", "order", "Order", ("a", "bb", "ccc", "dddd"), "DCBA")
    assert strategies.score("longest", order) == 1.0 and strategies.score("letter", order) == 0.0
    scores = strategies.play([longest, longest, longest])
    assert scores.scores["longest"] == 3 and strategies.quiz_problems(scores, where="x")


def test_choose_all_and_ordering_score_by_their_stated_rules() -> None:
    """The rule the hidden tests apply in the kernel equals the rule the grader applies outside it
    (``accepts``), for every answer a learner could give: all subsets of letters, all orders."""
    from itertools import combinations, permutations

    multi = MultipleAnswer(
        qid="q01",
        title="t",
        outcome="L03.1",
        article="article 003",
        ideas=("003-39",),
        scenario="s",
        options=tuple(Option(x, why="w", correct=x in "BD") for x in "ABCDE"),
        explanation="e",
    )
    order = Ordering(
        qid="q02",
        title="t",
        outcome="L03.1",
        article="article 003",
        ideas=("003-39",),
        scenario="s",
        options=tuple(Option(x, why="w") for x in "ABCD"),
        order="CADB",
        explanation="e",
        points=3,
    )
    quiz = Quiz(quiz_id="quiz-03-cost", title="t", intro="i", questions=(multi, order))
    answers = {
        multi.qid: [
            "",
            "x",
            "AB",
            "BD",
            "DB",
            "BDA",
            "ABCDE",
            "bd",
            *("".join(c) for c in combinations("ABCDE", 2)),
        ],
        order.qid: [
            "CADB",
            "CABD",
            "ABCD",
            "BDAC",
            "CAD",
            "CADBA",
            "cadb",
            *("".join(p) for p in permutations("ABCD")),
        ],
    }
    for q in (multi, order):
        for value in answers[q.qid]:
            passed = run_cells.run(quiz, bodies={q.qid: f"{q.qid} = {value!r}"})
            kernel = [passed[c.grade_id] for c in graded_cells(q)]
            assert kernel == [q.accepts(i, value) for i in range(q.total_points)], (q.qid, value)
    assert (
        sum(multi.accepts(i, "BD") for i in range(2)) == 2
        and sum(multi.accepts(i, "BDA") for i in range(2)) == 1
    )
    assert sum(multi.accepts(i, "ABCDE") for i in range(2)) == 0  # choosing everything scores nothing
    assert [sum(order.accepts(i, v) for i in range(3)) for v in ("CADB", "ACDB", "BDAC")] == [3, 2, 0]


def test_the_leak_scan_finds_an_answer_shown_anywhere() -> None:
    """A hidden value written in a visible cell, rounded as people round it, is found; so is a worked
    example equal to another question's answer."""
    import dataclasses

    from course.quiz.model import Case, Code
    from course.quiz.render import render_text

    quiz = QUIZZES["quiz-03-cost"]
    value = next(v for v in leaks.hidden_values(quiz) if v.value > 1000)
    shown = dataclasses.replace(quiz, intro=quiz.intro + f" (For scale: about {value.value:,.0f} a month.)")
    assert any(value.qid in p for p in leaks.leaks(shown, leaks.visible_text(render_text(shown))))
    numeric = next(q for q in quiz.questions if isinstance(q, Numeric))
    code = next(q for q in quiz.questions if isinstance(q, Code))
    example = Case(code.tests[0].cases[0].call, numeric.parts[0].answer, hidden=False)
    test = dataclasses.replace(code.tests[0], cases=(example, *code.tests[0].cases[1:]))
    leaky = dataclasses.replace(code, tests=(test, *code.tests[1:]))
    quiz = dataclasses.replace(quiz, questions=tuple(leaky if q is code else q for q in quiz.questions))
    assert any("gives away" in p for p in leaks.leaks(quiz, ""))


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_every_question_names_the_ideas_it_tests(quiz_id: str) -> None:
    ideas = read_ideas()
    for q in QUIZZES[quiz_id].questions:
        assert q.ideas and all(ideas.get(i) for i in q.ideas), q.qid
        assert "seed" not in (q.scenario + q.explanation + q.article).lower(), q.qid


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
            # the hidden checks repeat a worked example's call in their own form: those lines are visible
            shown = set(leaks.visible_text_of(cell.source).splitlines())
            for line in "\n".join(hidden).splitlines():
                if line not in shown:
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
def test_release_shows_no_graded_value_and_reads_like_python(quiz_id: str, released: dict[str, str]) -> None:
    """What learners get: no hidden expected value (or a common rounding of it) in any cell, no worked
    example equal to another question's answer, and form checks without ``().__class__`` tricks."""
    text = released[quiz_id]
    visible = leaks.visible_text(text)
    assert visible == "\n\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
    assert leaks.leaks(QUIZZES[quiz_id], visible) == []
    assert leaks.hidden_values(QUIZZES[quiz_id]), "the scan must have values to look for"
    assert "__class__" not in visible and "isinstance(" in visible


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


def test_quiz_list_counts_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert course_main(["quiz", "list"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("quiz-")]
    assert [row[0] for row in rows] == QUIZ_IDS
    for row in rows:
        quiz = QUIZZES[row[0]]
        questions, *kinds, points = (int(x) for x in row[1:8])
        assert questions == len(quiz.questions) == sum(kinds), row  # every question in one kind column
        assert points == quiz.total_points
