"""Parallel, sandboxed, resumable autograde of one quiz over nbgrader's gradebook.

The scheduler: the gradebook exists once the quiz is released; every learner is created in it here, once,
before any worker starts. Learners are handed out one at a time from one queue, so workers always hold
disjoint learners and no learner is graded twice at once. Each worker runs nbgrader's own Autograde converter
with :class:`grader.kernel.executor.SandboxExecute` in place of its Execute step (a fresh sandboxed kernel
forked per submission); gradebook writes are serialised by a file lock that is released while a kernel runs.
Each finished submission is one line in ``.grader/<quiz>/ledger.jsonl`` (written by the scheduler alone);
a rerun skips learners whose line matches their submission's hash, so after a kill -9 every submission is
graded exactly once.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import warnings as pywarnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.io import TornTail, append_jsonl, read_jsonl
from grader.course_dir import CourseFolder, GradebookLock, GraderError, load_config, scripts_on_path
from grader.intake import Finding
from grader.kernel import sandbox

if TYPE_CHECKING:
    from grader.kernel.executor import RunRecord


@dataclass(frozen=True)
class Options:
    """How to autograde: workers, limits, regrade everything or resume."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # one worker per CPU
    force: bool = False
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    progress: bool = True


@dataclass
class Record:
    """One graded submission, as one ledger line."""

    learner: str
    sha256: str
    score: float | None
    max_score: float | None
    findings: list[Finding]
    elapsed_s: float
    graded_at: str
    worker: int = 0
    kernel_s: float = 0.0

    @property
    def attention(self) -> bool:
        return any(f.attention for f in self.findings)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        """A ledger line back as a record (its findings as :class:`~grader.intake.Finding`); a line that is
        not one raises TypeError."""
        fields = dict(data)
        if "findings" in fields:
            fields["findings"] = [Finding(**f) for f in fields["findings"]]
        return cls(**fields)


@dataclass(frozen=True)
class Summary:
    """A batch's outcome."""

    quiz_id: str
    graded: tuple[Record, ...]
    skipped: tuple[str, ...]
    sandbox: dict[str, str]
    wall_s: float

    @property
    def attention(self) -> list[Record]:
        return [r for r in self.graded if r.attention]


def ledger_path(folder: CourseFolder, quiz_id: str) -> Path:
    return folder.state_dir / quiz_id / "ledger.jsonl"


def read_ledger(folder: CourseFolder, quiz_id: str, *, on_torn_tail: TornTail = "warn") -> dict[str, Record]:
    """The latest record per learner. A torn last line (a batch killed mid-write) is skipped and reported
    (``on_torn_tail``: a warning, or a function given the sentence); the next append cuts it off, and its
    learner is graded again. A damaged line anywhere else is an error naming it: resuming past it could
    grade a learner twice or never."""
    path = ledger_path(folder, quiz_id)
    records: dict[str, Record] = {}
    if not path.exists():
        return records
    fix = f"Delete that line from {path} (its learner is graded again), or regrade all with --force."
    for line in read_jsonl(path, on_torn_tail=on_torn_tail, error=GraderError, fix=fix):
        try:
            record = Record.from_json(line.data)
        except TypeError as exc:
            raise GraderError(
                f"{path.name} line {line.line} is not a ledger record ({exc}).", fix=fix
            ) from None
        records[record.learner] = record
    return records


def _append(path: Path, record: Record) -> None:
    append_jsonl(path, [asdict(record)], fsync=True)  # on disk before the next learner starts


def hidden_paths(folder: CourseFolder) -> tuple[str, ...]:
    """What a kernel must not see: the course folder (gradebook, sources, other learners), the quiz sources
    and the repository (the quiz bank holds the answers), $HOME, the shared temporary folders."""
    from course.quiz.build import QUIZZES_DIR

    paths = {
        str(folder.root),
        str(folder.source_dir()),
        str(QUIZZES_DIR.parent),
        "/tmp",
        "/dev/shm",
        "/var/tmp",
    }
    home = os.environ.get("HOME")
    if home and home != "/":
        paths.add(home)
    return tuple(sorted(paths))


def policy_for(folder: CourseFolder, limits: sandbox.Limits) -> sandbox.Policy:
    keep = tuple(sorted({sys.prefix, sys.base_prefix, sys.exec_prefix}))
    return sandbox.Policy(cwd=str(folder.root), hide=hidden_paths(folder), keep_ro=keep, limits=limits)


# --- the worker ---------------------------------------------------------------------------------------------

_worker: dict = {}


def fast_sqlite() -> None:
    """Gradebook connections in this process use WAL with synchronous=NORMAL: a commit no longer waits for an
    fsync (nbgrader commits about 50 times per submission: ≈ 1 s on a busy disk). A crashed process loses
    nothing; an OS crash may lose the last commits, which the ledger (fsynced) then regrades."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def _pragmas(dbapi_connection, _record) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

    if not event.contains(Engine, "connect", _pragmas):
        event.listen(Engine, "connect", _pragmas)


def fast_metadata_checks() -> None:
    """nbgrader validates every cell's metadata with ``jsonschema.validate``, which re-checks the schema
    on each call (≈ 0.25 s a submission); the same validation with one validator built per schema."""
    from types import SimpleNamespace

    import jsonschema
    from nbgrader.nbgraderformat import common

    validators: dict[int, Any] = {}  # jsonschema validators (jsonschema is untyped here)

    def validate(instance, schema) -> None:
        validator = validators.get(id(schema))
        if validator is None:
            validator = validators[id(schema)] = jsonschema.validators.validator_for(schema)(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = SimpleNamespace(validate=validate)


def _init_worker(root: str, quiz_id: str, limits: dict) -> None:
    """Per worker process: the fork server, the lock, the quiz's checks (once)."""
    from grader import checks
    from grader.kernel import executor

    pywarnings.filterwarnings("ignore")
    fast_sqlite()
    fast_metadata_checks()
    folder = CourseFolder(Path(root))
    executor.SETTINGS.policy = policy_for(folder, sandbox.Limits(**limits))
    executor.SETTINGS.checks = checks.checks_for(quiz_id)
    lock = GradebookLock(folder)
    executor.SETTINGS.db_lock = lock
    executor.zygote()
    _worker.update(folder=folder, quiz_id=quiz_id, lock=lock)
    _exit_with_parent()


def _exit_with_parent() -> None:
    """A pool worker whose scheduler was killed (kill -9) exits too, taking its fork server with it (a
    worker blocked on the task queue would otherwise wait forever)."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _autograde_config(folder: CourseFolder):
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from grader.kernel.executor import SandboxExecute

    config = load_config(folder)
    config.Autograde.autograde_preprocessors = [
        SandboxExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        # (CheckCellMetadata already ran in nbgrader's sanitize pass; SandboxExecute changes outputs only)
    ]
    config.OverwriteCells.add_missing_cells = True
    return config


def grade_one(learner: str) -> Record:
    """Intake, nbgrader's Autograde through the sandbox, scores from the gradebook (in a worker)."""
    import logging

    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from grader import intake
    from grader.kernel import executor

    folder: CourseFolder = _worker["folder"]
    quiz_id: str = _worker["quiz_id"]
    lock: GradebookLock = _worker["lock"]
    start = time.perf_counter()
    release_nb = nbformat.read(folder.release_notebook(quiz_id), as_version=4)
    taken = intake.prepare(folder=folder.submitted(learner, quiz_id), quiz_id=quiz_id, release_nb=release_nb)
    findings = list(taken.findings)
    score = max_score = None
    kernel_s = 0.0
    if taken.gradable:
        executor.SandboxExecute.last_run = executor.RunRecord()
        config = _autograde_config(folder)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id, coursedir.student_id = quiz_id, learner
        app = Autograde(coursedir=coursedir, config=config)
        app.force, app.create_student = True, True
        app.log.setLevel(logging.CRITICAL)
        error = ""
        with scripts_on_path(), lock:
            try:
                app.start()
            except BaseException as exc:  # nbgrader raises its own and others; report, go on
                error = f"{type(exc).__name__}: {exc}"
            run = executor.SandboxExecute.last_run
            try:
                with Gradebook(folder.db_url, coursedir.course_id) as gb:
                    sub = gb.find_submission(quiz_id, learner)
                    score, max_score = float(sub.score), float(sub.max_score)
            except Exception as exc:
                error = error or f"{type(exc).__name__}: {exc}"
        kernel_s = run.elapsed_s
        findings += _run_findings(run) if not error else []
        if error:
            findings.append(Finding("grader_error", f"nbgrader could not grade it: {error[:500]}", True))
    return Record(
        learner=learner,
        sha256=taken.sha256,
        score=score,
        max_score=max_score,
        findings=findings,
        elapsed_s=round(time.perf_counter() - start, 3),
        graded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        worker=os.getpid(),
        kernel_s=round(kernel_s, 3),
    )


def _run_findings(run: RunRecord) -> list[Finding]:
    out = []
    for event in run.events:
        kind, index, detail = event.split(":", 2)
        if kind == "output_cap":
            out.append(
                Finding("output_cap", f"cell {index}: output over the byte cap, {detail} bytes dropped")
            )
        elif kind == "stopped":
            out.append(Finding("stopped", f"cell {index} stopped: {detail}; the rest was graded"))
        elif kind == "kernel_failed":
            out.append(Finding("kernel_failed", f"the kernel could not start: {detail}", attention=True))
    if run.refuted:
        out.append(
            Finding(
                "tamper_suspected",
                "FLAGGED: test cells passed in the learner's kernel but the grader's own check refutes them: "
                f"{', '.join(run.refuted)} (scored 0)",
                attention=True,
            )
        )
    if run.unanswered:
        out.append(Finding("unanswered", f"{len(run.unanswered)} answer cell(s) left blank"))
    if run.raised:
        shown = ", ".join(run.raised[:6]) + (
            f" and {len(run.raised) - 6} more" if len(run.raised) > 6 else ""
        )
        out.append(Finding("exceptions", f"cells raised: {shown}"))
    if run.not_run:
        out.append(Finding("not_run", f"graded cells never ran: {', '.join(run.not_run)} (scored 0)"))
    return out


def _grade_safely(learner: str) -> Record:
    try:
        return grade_one(learner)
    except Exception as exc:  # never lose the batch to one submission
        return Record(
            learner=learner,
            sha256="",
            score=None,
            max_score=None,
            findings=[Finding("grader_error", f"{type(exc).__name__}: {str(exc)[:500]}", True)],
            elapsed_s=0.0,
            graded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )


# --- the scheduler ------------------------------------------------------------------------------------------


def submission_hash(folder: CourseFolder, quiz_id: str, learner: str) -> str:
    import hashlib

    from grader.intake import input_file

    path, _ = input_file(folder.submitted(learner, quiz_id), quiz_id)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else ""


def probe_sandbox(folder: CourseFolder, limits: sandbox.Limits) -> dict[str, str]:
    from grader.kernel.executor import Zygote

    z = Zygote()
    try:
        return z.probe(policy_for(folder, limits))
    finally:
        z.close()


def run(
    folder: CourseFolder,
    quiz_id: str,
    options: Options,
    *,
    on_warning: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> Summary:
    """Autograde every learner's submission of ``quiz_id`` not graded yet (all with ``force``)."""
    from nbgrader.api import Gradebook, MissingEntry

    folder.check_quiz(quiz_id)
    start = time.perf_counter()
    if not folder.release_notebook(quiz_id).exists():
        raise GraderError(
            f"{quiz_id} has not been released in {folder.root}.", fix=f"python -m grader release {quiz_id}"
        )
    learners = folder.learners(quiz_id)
    report_torn = lambda line: on_warning(f"WARNING {line}")  # noqa: E731
    done = {} if options.force else read_ledger(folder, quiz_id, on_torn_tail=report_torn)
    todo = [
        name
        for name in learners
        if not (name in done and done[name].sha256 == submission_hash(folder, quiz_id, name))
    ]
    skipped = tuple(name for name in learners if name not in todo)
    report = probe_sandbox(folder, options.limits)
    for line in sandbox.warnings(report):
        on_warning(f"WARNING {line}")
    # the gradebook exists since release; create every learner in it once, before any worker starts
    with (
        scripts_on_path(),
        GradebookLock(folder),
        Gradebook(folder.db_url, load_config(folder).CourseDirectory.course_id) as gb,
    ):
        try:
            gb.find_assignment(quiz_id)
        except MissingEntry as exc:
            raise GraderError(
                f"{quiz_id} is not in the gradebook.", fix=f"python -m grader release {quiz_id}"
            ) from exc
        for name in todo:
            gb.update_or_create_student(name)
    ledger = ledger_path(folder, quiz_id)
    graded: list[Record] = []
    args = (str(folder.root), quiz_id, asdict(options.limits))
    bar = _progress(len(todo), quiz_id, options.progress)
    jobs = max(1, min(options.jobs, len(todo) or 1))
    results: Iterator[Record]
    try:
        if jobs == 1:
            _init_worker(*args)
            results = map(_grade_safely, todo)
            pool = None
        else:
            pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_init_worker, initargs=args)
            results = pool.imap_unordered(_grade_safely, todo)
        for record in results:
            _append(ledger, record)
            graded.append(record)
            bar.update(1)
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        bar.close()
        if jobs == 1:
            from grader.kernel import executor

            if executor._zygote is not None:
                executor._zygote.close()
                executor._zygote = None
    return Summary(quiz_id, tuple(graded), skipped, report, time.perf_counter() - start)


def _progress(total: int, quiz_id: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"autograde {quiz_id}", unit="sub", disable=not enabled or total == 0)
