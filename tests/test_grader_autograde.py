"""The grader end to end: one course folder, every quiz released, generated submissions, one parallel run.

For every quiz: the solutions (full marks), a wrong set (the points the in-process check of the same answers
predicts), the blank release (0), F's tampering submission (builtins and math patched, objects equal to
everything: gains what the in-process run predicts) and a submission that patches IPython so hidden tests'
failures vanish (about 0, FLAGGED). For one quiz (quiz-03-cost):
every hostile kind of hostile_submissions.HOSTILE gets its report line. Then feedback pages (no hidden test,
no assert line, no secret, no external resource), the CSV export, the CLI's exit status, and a kill -9 in the
middle of a batch followed by a rerun: every submission graded exactly once. Failures are retried: a worker
killed mid-batch costs exactly its learner (a grader error a rerun grades again), Ctrl-C stops the batch with
nothing half-written; `--jobs 1` leaves the caller's process as it was.
"""

from __future__ import annotations

import csv
import html
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
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
            assert line not in html.unescape(text)
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


def _slow_batch(
    tmp_path: Path, count: int, sleep_s: float
) -> tuple[course_dir.CourseFolder, list[str], list[str]]:
    """quiz-01 for ``count`` learners (good and wrong alternately), each submission slowed by a sleeping cell;
    and the CLI command that grades them with two workers."""
    quiz_id = "quiz-01-open"
    quiz = QUIZZES[quiz_id]
    folder = course_dir.init(tmp_path / "course")
    release = course_dir.release(folder, quiz_id).read_text(encoding="utf-8")
    learners = [f"learner{i:02d}" for i in range(count)]
    for i, name in enumerate(learners):
        nb = submissions.good(release, quiz) if i % 2 == 0 else submissions.wrong(release, quiz, seed=i)
        nb.cells.insert(1, nbformat.v4.new_code_cell(f"import time\ntime.sleep({sleep_s})"))
        _write(folder, name, quiz_id, submissions.notebook_bytes(nb))
    cmd = [sys.executable, "-m", "grader", "--course", str(folder.root), "autograde", quiz_id]
    return folder, learners, [*cmd, "--jobs", "2", "--no-progress"]


def _scores_right(folder: course_dir.CourseFolder, learners: list[str]) -> None:
    from nbgrader.api import Gradebook

    quiz = QUIZZES["quiz-01-open"]
    with course_dir.scripts_on_path(), Gradebook(folder.db_url, course_dir.COURSE_ID) as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment(quiz.quiz_id).submissions}
    assert all(scores[name] == quiz.total_points for name in learners[::2]), scores
    assert all(scores[name] < quiz.total_points for name in learners[1::2]), scores


def _busy_worker(proc: subprocess.Popen, deadline: float) -> psutil.Process:
    """A worker process of the batch that is running a learner's kernel now. A kernel (named
    sandbox.KERNEL_NAME) exists only while its worker grades a learner; a worker's sandbox probe at start-up
    (named sandbox.PROBE_NAME) does not count: a worker killed then holds no learner and is replaced."""
    while time.monotonic() < deadline and proc.poll() is None:
        for child in psutil.Process(proc.pid).children():
            try:
                if any(p.name() == sandbox.KERNEL_NAME for p in child.children(recursive=True)):
                    return child
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.02)
    raise AssertionError("no worker was seen running a kernel")


@pytest.mark.slow
def test_a_worker_killed_mid_batch_costs_its_learner_and_a_rerun_grades_exactly_it(tmp_path: Path) -> None:
    folder, learners, cmd = _slow_batch(tmp_path, 4, 1.5)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worker = _busy_worker(proc, time.monotonic() + 120)
    worker.kill()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, out + err  # done, but one learner needs attention: it was not graded
    first = autograde.read_ledger(folder, "quiz-01-open")
    failed = [r for r in first.values() if not r.done]
    assert len(first) == len(learners) and len(failed) == 1, first
    assert "died (killed by signal 9)" in failed[0].findings[0].message
    assert "NOT GRADED (1)" in out and failed[0].learner in out
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "graded 1, already graded 3" in rerun.stdout
    again = autograde.read_ledger(folder, "quiz-01-open")
    assert all(r.done for r in again.values())
    assert {n: r.graded_at for n, r in again.items() if n != failed[0].learner} == {
        n: r.graded_at for n, r in first.items() if n != failed[0].learner
    }, "the others were not graded again"
    _scores_right(folder, learners)


@pytest.mark.slow
def test_ctrl_c_stops_the_batch_cleanly_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    folder, learners, cmd = _slow_batch(tmp_path, 6, 1.0)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # its own process group, as a terminal's foreground job: Ctrl-C reaches the CLI, its workers, fork servers
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    family = [psutil.Process(proc.pid)]
    ledger = autograde.ledger_path(folder, "quiz-01-open")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (ledger.exists() and len(ledger.read_text().splitlines()) >= 2):
        time.sleep(0.05)
    family += psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Interrupted" in err and "Traceback" not in err, err
    _gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, f"left running after Ctrl-C: {alive}"
    text = ledger.read_text()
    assert text.endswith("\n"), "no half-written line"
    first = autograde.read_ledger(folder, "quiz-01-open")
    assert 2 <= len(first) < len(learners) and all(r.done for r in first.values()), first
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    lines = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert sorted(r["learner"] for r in lines) == learners, "every submission graded exactly once"
    _scores_right(folder, learners)


def _process_state() -> dict:
    import jsonschema
    from nbgrader.nbgraderformat import common
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    return {
        "warning filters": list(warnings.filters),
        "sqlite listener": event.contains(Engine, "connect", autograde.sqlite_pragmas),
        "nbgrader's jsonschema": common.jsonschema is jsonschema,
        "threads": sorted(t.name for t in threading.enumerate()),
        "SIGINT handler": signal.getsignal(signal.SIGINT),
        "blocked signals": signal.pthread_sigmask(signal.SIG_BLOCK, []),
        "Autograde logger": (
            logging.getLogger("Autograde").level,
            len(logging.getLogger("Autograde").handlers),
        ),
        "children": sorted(p.pid for p in psutil.Process().children()),
    }


@pytest.mark.slow
def test_jobs_1_leaves_the_callers_process_as_it_was(tmp_path: Path) -> None:
    quiz_id = "quiz-01-open"
    folder = course_dir.init(tmp_path / "course")
    release = course_dir.release(folder, quiz_id).read_text(encoding="utf-8")
    _write(folder, "ada", quiz_id, submissions.notebook_bytes(submissions.good(release, QUIZZES[quiz_id])))
    before = _process_state()
    summary = autograde.run(folder, quiz_id, autograde.Options(jobs=1, limits=LIMITS, progress=False))
    assert [r.score for r in summary.graded] == [float(QUIZZES[quiz_id].total_points)]
    assert _process_state() == before


def test_a_fork_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    """A real fault: an interpreter without the course's packages (Debian's own python3, no venv)."""
    from grader.kernel.executor import Zygote, ZygoteError

    system = "/usr/bin/python3"
    probe = (
        subprocess.run([system, "-c", "import IPython"], capture_output=True)
        if Path(system).exists()
        else None
    )
    if probe is None or probe.returncode == 0:
        pytest.skip(f"needs a {system} without IPython")
    log = tmp_path / ".grader" / "logs" / "fork-server-x.log"
    with pytest.raises(ZygoteError) as info:
        Zygote(log=log, python=system)
    assert "did not start" in str(info.value) and "No module named" in str(info.value), info.value
    assert str(log) in str(info.value) and "No module named" in log.read_text()


def test_an_nbgrader_other_than_the_patched_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """FAKE (a fault that cannot be caused otherwise here: one nbgrader is installed): another version."""
    import nbgrader
    from nbgrader.nbgraderformat import common

    monkeypatch.setattr(nbgrader, "__version__", "0.9.7")
    original = common.jsonschema
    refused = pytest.raises(course_dir.GraderError, match=r"nbgrader 0\.9\.7 is installed.*0\.9\.6")
    with refused as info, autograde.grading_session():
        pass
    assert "pip install nbgrader==0.9.6" in info.value.fix
    assert common.jsonschema is original, "nothing was patched"


def test_a_feedback_page_escapes_what_the_learner_wrote() -> None:
    """The page is a jinja2 template with autoescape: an answer that closes the <pre> stays text."""
    part = feedback.PartResult(part="a", ok=False, message="<b>form</b>", why="x < y & z")
    question = feedback.QuestionResult(
        title="Q1", answer='q01 = "</pre><script>alert(1)</script>"', score=0.0, max_score=1.0, parts=[part]
    )
    page = feedback.render_page(
        quiz_id="quiz-01-open", learner="ada", title="Quiz <1>", questions=[question], total=0.0, top=1.0
    )
    assert "<script" not in page and "</pre><script>" not in page and "<b>form</b>" not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page and "x &lt; y &amp; z" in page
    assert "Quiz &lt;1&gt;" in page and "Score: 0 / 1 points" in page
