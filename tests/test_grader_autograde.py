"""The grader end to end: one course folder, every quiz released, generated submissions, one parallel run.

For every quiz: the solutions (full marks), a wrong set (the points the in-process check of the same answers
predicts), the blank release (0), F's tampering submission (builtins and math patched, objects equal to
everything: gains what the in-process run predicts) and a submission that patches IPython so hidden tests'
failures vanish (about 0, FLAGGED). For one quiz (quiz-03-cost):
every hostile kind of hostile_submissions.HOSTILE gets its report line. Then feedback pages (no hidden test,
no assert line, no secret, no external resource), the CSV export, the CLI's exit status, and a kill -9 in the
middle of a batch followed by a rerun: every submission graded exactly once.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import hostile_submissions as submissions
import nbformat
import psutil
import pytest
from quiz_submissions import FAKES, TAMPER_IN_KERNEL, fake_body
from quiz_submissions import submission as tamper_submission

from course.quiz import run_cells
from course.quiz.build import discover
from course.quiz.render import BEGIN_HIDDEN, END_HIDDEN, graded_cells
from grader import autograde, course_dir, feedback
from grader.cli import main as grader_main
from grader.export import export
from grader.kernel import sandbox

QUIZZES = discover()
HOSTILE_QUIZ = "quiz-03-cost"
SECRET = "sk-test-grader-e2e-0123456789abcdef"
REPO = Path(__file__).resolve().parents[1]
LIMITS = sandbox.Limits(cell_timeout_s=2.0, wall_s=60.0)
#: hostile kinds graded for every other quiz (one each), besides every kind for HOSTILE_QUIZ
ROTATING = [
    "invalid_json",
    "not_utf8",
    "deleted_cells",
    "cell_type",
    "locked_edited",
    "exception",
    "huge_output",
]


def _points(quiz, passed: dict[str, bool]) -> float:
    points = {c.grade_id: c.points for q in quiz.questions for c in graded_cells(q)}
    return float(sum(points[gid] for gid, ok in passed.items() if ok))


def _write(folder: course_dir.CourseFolder, learner: str, quiz_id: str, data: bytes, name: str = "") -> None:
    dest = folder.submitted(learner, quiz_id) / (name or f"{quiz_id}.ipynb")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    """Release every quiz, write every submission, autograde them all in one run of 2 workers."""
    old = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = SECRET
    folder = course_dir.init(tmp_path_factory.mktemp("grader-course") / "course")
    expected: dict[tuple[str, str], float] = {}
    for quiz_id, quiz in QUIZZES.items():
        release = course_dir.release(folder, quiz_id).read_text(encoding="utf-8")
        full = float(quiz.total_points)
        _write(folder, "good", quiz_id, submissions.notebook_bytes(submissions.good(release, quiz)))
        expected["good", quiz_id] = full
        bodies = submissions.wrong_answers(quiz, seed=int(quiz_id[5:7]))
        _write(
            folder, "wrong", quiz_id, submissions.notebook_bytes(submissions.answered(release, quiz, bodies))
        )
        expected["wrong", quiz_id] = _points(quiz, run_cells.run(quiz, bodies=bodies))
        assert expected["wrong", quiz_id] < full
        _write(folder, "blank", quiz_id, release.encode())
        expected["blank", quiz_id] = 0.0
        tamper = {
            q.qid: (fake_body(q) if i % 2 == 0 else submissions.solution_body(q))
            for i, q in enumerate(quiz.questions)
        }
        _write(
            folder,
            "tamper",
            quiz_id,
            tamper_submission(release, quiz, tamper, prelude=TAMPER_IN_KERNEL).encode(),
        )
        expected["tamper", quiz_id] = _points(quiz, run_cells.run(quiz, bodies=tamper, prelude=FAKES))
        _write(folder, "swallow", quiz_id, submissions.hostile("swallow_errors", release, quiz))
        if quiz_id != HOSTILE_QUIZ:  # one more hostile kind per quiz, a different one each
            kind = ROTATING[int(quiz_id[5:7]) % len(ROTATING)]
            _write(folder, "hostile", quiz_id, submissions.hostile(kind, release, quiz))
        if quiz_id == HOSTILE_QUIZ:
            other = (REPO / "quizzes" / "quiz-05-operations" / "quiz-05-operations.ipynb").read_text(
                encoding="utf-8"
            )
            snoop = {
                "paths": [str(folder.db_path), str(folder.submitted("good", quiz_id) / f"{quiz_id}.ipynb")],
                "write": str(folder.root / "pwned.txt"),
            }
            for kind in submissions.HOSTILE:
                if kind != "swallow_errors":
                    data = submissions.hostile(kind, release, quiz, other_text=other, snoop=snoop)
                    _write(folder, kind.replace("_", "-"), quiz_id, data)
            _write(
                folder,
                "renamed",
                quiz_id,
                submissions.notebook_bytes(submissions.good(release, quiz)),
                name="my copy (2).ipynb",
            )
    summaries = {}
    start = time.perf_counter()
    for quiz_id in QUIZZES:
        # two workers where the batch is big enough to pay for starting them; in-process otherwise
        options = autograde.Options(jobs=2 if quiz_id == HOSTILE_QUIZ else 1, limits=LIMITS, progress=False)
        summaries[quiz_id] = autograde.run(folder, quiz_id, options, on_warning=lambda line: None)
    elapsed = time.perf_counter() - start
    yield folder, summaries, expected, elapsed
    if old is None:
        os.environ.pop("OPENAI_API_KEY", None)
    else:
        os.environ["OPENAI_API_KEY"] = old


def _record(summaries, quiz_id: str, learner: str) -> autograde.Record:
    return next(r for r in summaries[quiz_id].graded if r.learner == learner)


def _codes(record: autograde.Record) -> set[str]:
    return {f.code for f in record.findings}


@pytest.mark.slow
@pytest.mark.parametrize("quiz_id", sorted(QUIZZES))
def test_good_wrong_blank_and_tampered_submissions_score_as_expected(batch, quiz_id: str) -> None:
    _folder, summaries, expected, _elapsed = batch
    for learner in ("good", "wrong", "blank", "tamper"):
        record = _record(summaries, quiz_id, learner)
        assert record.score == expected[learner, quiz_id], (learner, record)
        assert not any(f.attention for f in record.findings), (learner, record.findings)
    swallow = _record(summaries, quiz_id, "swallow")
    assert "tamper_suspected" in _codes(swallow), swallow.findings
    assert swallow.score < QUIZZES[quiz_id].total_points / 4
    if quiz_id != HOSTILE_QUIZ:
        kind = ROTATING[int(quiz_id[5:7]) % len(ROTATING)]
        record = _record(summaries, quiz_id, "hostile")
        assert submissions.HOSTILE[kind] in _codes(record), (kind, record.findings)


@pytest.mark.slow
@pytest.mark.parametrize("kind", [*sorted(submissions.HOSTILE), "renamed"])
def test_each_hostile_kind_gets_its_report_line_and_the_batch_goes_on(batch, kind: str) -> None:
    folder, summaries, _expected, _elapsed = batch
    if kind == "swallow_errors":
        return  # graded for every quiz above
    learner = kind.replace("_", "-")
    record = _record(summaries, HOSTILE_QUIZ, learner)
    want = submissions.HOSTILE.get(kind, "renamed")
    full = float(QUIZZES[HOSTILE_QUIZ].total_points)
    if want:
        assert want in _codes(record), record.findings
    if kind in ("invalid_json", "other_quiz"):
        assert record.score == 0.0
    elif kind == "deleted_cells":
        assert 0 < record.score < full
    else:  # graded in full despite the damage (restored cells, stopped loops, capped output, ...)
        assert record.score == full, record
    attention = {"invalid_json", "other_quiz", "locked_edited"}
    assert record.attention == (kind in attention), record.findings
    isolated = summaries[HOSTILE_QUIZ].sandbox.get("mount_ns") == "ok"  # else the grader warned (status)
    if kind == "snoop" and isolated:
        nb = nbformat.read(folder.autograded(learner, HOSTILE_QUIZ) / f"{HOSTILE_QUIZ}.ipynb", as_version=4)
        text = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert "SNOOP" in text and "READ" not in text and "WROTE" not in text and SECRET not in text
        assert not (folder.root / "pwned.txt").exists()
    if kind in ("invalid_json", "not_utf8", "renamed"):
        originals = list((folder.submitted(learner, HOSTILE_QUIZ) / ".original").iterdir())
        assert originals, "the learner's original file is kept"


@pytest.mark.slow
def test_batch_time_and_exit_status(batch, capsys: pytest.CaptureFixture[str]) -> None:
    folder, summaries, _expected, elapsed = batch
    count = sum(len(s.graded) for s in summaries.values())
    print(f"\n{count} submissions autograded in {elapsed:.1f} s")
    assert count == 6 * len(QUIZZES) - 1 + len(submissions.HOSTILE)
    # a rerun grades nothing again; status says the instructor still has flagged work
    argv = ["--course", str(folder.root), "autograde", HOSTILE_QUIZ, "--no-progress", "--jobs", "1"]
    assert grader_main(argv) == 0
    out = capsys.readouterr().out
    assert "graded 0, already graded" in out and "NEEDS ATTENTION" not in out
    assert grader_main(["--course", str(folder.root), "status"]) == 1
    assert "quiz-03-cost" in capsys.readouterr().out


@pytest.mark.slow
def test_feedback_leaks_nothing_and_renders_offline(batch) -> None:
    folder, _summaries, _expected, _elapsed = batch
    quiz_id = HOSTILE_QUIZ
    result = feedback.generate(folder, quiz_id)
    assert len(result.pages) >= 5
    source = (REPO / "quizzes" / quiz_id / f"{quiz_id}.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(source, as_version=4)
    hidden_lines = set()
    for cell in nb.cells:
        for block in cell.source.split(BEGIN_HIDDEN)[1:]:
            for line in block.split(END_HIDDEN)[0].splitlines():
                if line.strip().startswith("assert"):
                    hidden_lines.add(line.strip())
    assert hidden_lines
    for page in result.pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "http://" not in text and "https://" not in text
        assert "BEGIN HIDDEN" not in text and "Traceback" not in text and SECRET not in text
        for line in hidden_lines:
            assert line not in text and line.replace("'", "&#x27;") not in text
    good = (folder.feedback("good", quiz_id) / f"{quiz_id}.html").read_text(encoding="utf-8")
    quiz = QUIZZES[quiz_id]
    assert f"Score: {quiz.total_points} / {quiz.total_points} points" in good
    assert quiz.questions[0].title.split()[0] in good
    blank = (folder.feedback("blank", quiz_id) / f"{quiz_id}.html").read_text(encoding="utf-8")
    assert "not right" in blank and f"Score: 0 / {quiz.total_points}" in blank


@pytest.mark.slow
def test_export_has_a_column_per_question(batch, tmp_path: Path) -> None:
    folder, _summaries, expected, _elapsed = batch
    out = tmp_path / "grades.csv"
    rows = export(folder, out)
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows == len(table) >= 5 * len(QUIZZES)
    good = next(r for r in table if r["learner"] == "good" and r["quiz"] == HOSTILE_QUIZ)
    assert float(good["score"]) == expected["good", HOSTILE_QUIZ]
    questions = [q.qid for q in QUIZZES[HOSTILE_QUIZ].questions]
    assert sum(float(good[q]) for q in questions) == float(good["score"])
    # what formgrader lists: nbgrader's own API over the same gradebook and autograded/ folder
    listed = course_dir.nbgrader_api(folder).get_notebook_submissions(HOSTILE_QUIZ, HOSTILE_QUIZ)
    by_learner = {s["student"]: s for s in listed}
    assert by_learner["good"]["score"] == expected["good", HOSTILE_QUIZ]
    assert by_learner["wrong"]["score"] == expected["wrong", HOSTILE_QUIZ]
    assert not by_learner["good"]["failed_tests"] and by_learner["wrong"]["failed_tests"]
    assert not by_learner["good"]["needs_manual_grade"]


@pytest.mark.slow
def test_kill_9_mid_batch_then_rerun_grades_each_submission_exactly_once(tmp_path: Path) -> None:
    quiz_id = "quiz-01-open"
    quiz = QUIZZES[quiz_id]
    folder = course_dir.init(tmp_path / "course")
    release = course_dir.release(folder, quiz_id).read_text(encoding="utf-8")
    learners = [f"learner{i:02d}" for i in range(8)]
    for i, name in enumerate(learners):
        nb = submissions.good(release, quiz)
        cell = nbformat.v4.new_code_cell("import time\ntime.sleep(0.8)")  # slow enough to be caught mid-batch
        nb.cells.insert(1, cell)
        if i % 2:
            nb = submissions.wrong(release, quiz, seed=i)
        _write(folder, name, quiz_id, submissions.notebook_bytes(nb))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [
        sys.executable,
        "-m",
        "grader",
        "--course",
        str(folder.root),
        "autograde",
        quiz_id,
        "--jobs",
        "2",
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ledger = autograde.ledger_path(folder, quiz_id)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if ledger.exists() and len(ledger.read_text().splitlines()) >= 3:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the batch finished before it could be killed (make the submissions slower)"
    family = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = autograde.read_ledger(folder, quiz_id)
    assert 3 <= len(first) < len(learners)
    _gone, alive = psutil.wait_procs(family, timeout=60)
    assert not alive, f"left running after kill -9: {[p.pid for p in alive]}"
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    lines = [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
    assert sorted(r["learner"] for r in lines) == learners, "every submission graded exactly once"
    for line in lines[: len(first)]:
        assert first[line["learner"]].graded_at == line["graded_at"], "finished ones were not graded again"
    from nbgrader.api import Gradebook

    with course_dir.scripts_on_path(), Gradebook(folder.db_url, course_dir.COURSE_ID) as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment(quiz_id).submissions}
    assert sorted(scores) == learners
    assert all(scores[name] == quiz.total_points for name in learners[::2])
    assert all(scores[name] < quiz.total_points for name in learners[1::2])


def test_the_ledger_skips_a_torn_last_line_and_names_a_bad_line(tmp_path: Path) -> None:
    folder = course_dir.CourseFolder(tmp_path)
    path = autograde.ledger_path(folder, "quiz-x")
    record = autograde.Record("ada", "abc", 3.0, 4.0, [], 1.5, "2026-12-02T10:00:00+00:00")
    autograde._append(path, record)
    with path.open("a") as fh:
        fh.write('{"learner": "bob", "sha2')  # the batch was killed while writing bob's line
    told: list[str] = []
    assert list(autograde.read_ledger(folder, "quiz-x", on_torn_tail=told.append)) == ["ada"]
    assert "incomplete last line" in told[0]
    with pytest.warns(UserWarning, match="cut off"):  # the next append removes the fragment first
        autograde._append(path, autograde.Record("bob", "def", 4.0, 4.0, [], 1.0, "2026-12-02T10:01:00"))
    assert sorted(autograde.read_ledger(folder, "quiz-x")) == ["ada", "bob"]
    path.write_text(path.read_text().replace('"learner": "ada"', '"learner": ada'))
    with pytest.raises(course_dir.GraderError, match=r"ledger\.jsonl line 1 is not valid JSON") as info:
        autograde.read_ledger(folder, "quiz-x")
    assert "--force" in info.value.fix
