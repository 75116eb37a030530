"""Parallel, sandboxed, resumable autograde of one quiz over nbgrader's gradebook.

The scheduler: the gradebook exists once the quiz is released; every learner is created in it here, once,
before any worker starts. Learners are handed out one at a time, each to one worker process, so workers
always hold disjoint learners and no learner is graded twice at once; the scheduler knows which learner
each worker holds, so a worker that dies costs exactly that learner (recorded as a grader error) and a new
worker takes over. Each worker runs nbgrader's own Autograde converter with
:class:`grader.kernel.executor.SandboxExecute` in place of its Execute step (a fresh sandboxed kernel forked
per submission), configured through nbgrader's config; gradebook writes are serialised by a file lock that
is released while a kernel runs.

Each finished submission is one line in ``.grader/<quiz>/ledger.jsonl`` (written by the scheduler alone,
with Ctrl-C held off while it writes). A rerun skips learners whose latest line matches their submission's
hash and was graded; a grader error (nbgrader failed, the fork server or the worker died) or a kernel that
never started is not done, so a rerun without ``--force`` grades exactly those again. After a kill -9 or
Ctrl-C every submission is graded exactly once in the end.

``--jobs 1`` grades in the calling process and leaves it as it was: the speed-ups below (a SQLite
listener, nbgrader's schema check, silenced warnings) are undone when the batch ends.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sqlite3
import sys
import threading
import time
import warnings as pywarnings
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.io import TornTail, append_jsonl, read_jsonl
from grader.course_dir import CourseFolder, GradebookLock, GraderError, load_config, scripts_on_path
from grader.intake import Finding
from grader.kernel import sandbox

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess

    from grader.kernel.executor import RunRecord, Zygote

#: finding codes that mean "not graded": a rerun grades the submission again
RETRY_CODES = frozenset({"grader_error", "kernel_failed"})
#: the nbgrader version whose schema validation :func:`fast_metadata_checks` replaces
NBGRADER_VERSION = "0.9.6"


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

    @property
    def done(self) -> bool:
        """Graded (well or badly); False: the grader failed on it, and a rerun grades it again."""
        return not any(f.code in RETRY_CODES for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

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

    @property
    def failed(self) -> list[Record]:
        """Submissions the grader could not grade this time (a rerun retries them)."""
        return [r for r in self.graded if not r.done]


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
    """One ledger line, on disk before the next learner starts; Ctrl-C waits until it is written whole."""
    in_main = threading.current_thread() is threading.main_thread()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if in_main else None
    try:
        append_jsonl(path, [record.to_json()], fsync=True)
    finally:
        if held is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


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


def fork_server_log(folder: CourseFolder, name: str) -> Path:
    """Where a fork server's stderr goes: ``.grader/logs/fork-server-<name>.log`` (new at each start)."""
    return folder.state_dir / "logs" / f"fork-server-{name}.log"


# --- speed-ups for the time a batch runs (undone afterwards) ----------------------------------------------


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy's connect listener of :func:`fast_sqlite`."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()


def fast_sqlite() -> Callable[[], None]:
    """Gradebook connections use WAL with synchronous=NORMAL: a commit no longer waits for an fsync (nbgrader
    commits about 50 times per submission: ≈ 1 s on a busy disk). A crashed process loses nothing; an OS
    crash may lose the last commits, which the ledger (fsynced) then regrades. Returns the undo."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", sqlite_pragmas)
    return lambda: event.remove(Engine, "connect", sqlite_pragmas)


def check_nbgrader_version() -> None:
    """Refuse to grade with an nbgrader other than the one :func:`fast_metadata_checks` was written for."""
    import nbgrader

    if nbgrader.__version__ != NBGRADER_VERSION:
        raise GraderError(
            f"nbgrader {nbgrader.__version__} is installed, but the grader replaces the schema validation of "
            f"nbgrader {NBGRADER_VERSION} (nbgrader.nbgraderformat.common) and was tested with that "
            "version only.",
            fix=f"Install the pinned version: pip install nbgrader=={NBGRADER_VERSION} (make setup does), or "
            "review grader.autograde.fast_metadata_checks against the new version, then NBGRADER_VERSION.",
        )


def fast_metadata_checks() -> Callable[[], None]:
    """nbgrader validates every cell's metadata with ``jsonschema.validate``, which re-checks the schema
    on each call (≈ 0.25 s a submission); the same validation with one validator built per schema. Written
    for nbgrader 0.9.6 (checked). Returns the undo."""
    from types import SimpleNamespace

    import jsonschema
    from nbgrader.nbgraderformat import common

    check_nbgrader_version()
    validators: dict[int, Any] = {}  # jsonschema validators (jsonschema is untyped here)

    def validate(instance, schema) -> None:
        validator = validators.get(id(schema))
        if validator is None:
            validator = validators[id(schema)] = jsonschema.validators.validator_for(schema)(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    original = common.jsonschema
    common.jsonschema = SimpleNamespace(validate=validate)

    def undo() -> None:
        common.jsonschema = original

    return undo


def shared_engines() -> Callable[[], None]:
    """nbgrader opens a new SQLAlchemy engine for every ``Gradebook`` (about ten per submission), so every
    statement is compiled again each time; one engine per database URL keeps SQLAlchemy's compiled-statement
    cache. ``Gradebook.close`` still disposes of the engine's connections: nothing stays open between two
    uses of the gradebook, so the lock around them keeps its meaning. Written for nbgrader 0.9.6 (checked).
    Returns the undo."""
    from nbgrader import api

    check_nbgrader_version()
    original = api.create_engine
    engines: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}

    def create_engine(url: Any, **kwargs: Any) -> Any:
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = original(url, **kwargs)
        return engines[key]

    api.create_engine = create_engine

    def undo() -> None:
        api.create_engine = original
        for engine in engines.values():
            engine.dispose()

    return undo


@contextlib.contextmanager
def grading_session() -> Iterator[None]:
    """The speed-ups and quiet a batch needs, for as long as it runs: nbgrader's warnings silenced, the
    SQLite pragmas, the fast schema check, one database engine. Everything is undone on the way out."""
    check_nbgrader_version()
    with pywarnings.catch_warnings(), contextlib.ExitStack() as undo:
        pywarnings.simplefilter("ignore")
        for speed_up in (fast_sqlite, fast_metadata_checks, shared_engines):
            undo.callback(speed_up())
        yield


# --- the worker ---------------------------------------------------------------------------------------------


class _ErrorLog(logging.Handler):
    """Keeps the error lines nbgrader logs while it grades (its exceptions only say "see the log")."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class Worker:
    """Grades one learner at a time: a fork server, the gradebook lock, the quiz's checks and nbgrader's
    config with :class:`SandboxExecute` in it, built once."""

    def __init__(
        self, folder: CourseFolder, quiz_id: str, limits: sandbox.Limits, *, name: str = "1"
    ) -> None:
        import nbformat

        from grader import checks

        self.folder, self.quiz_id, self.limits = folder, quiz_id, limits
        self.log_path = fork_server_log(folder, f"{quiz_id}-{name}")
        self.lock = GradebookLock(folder)
        self.checks = checks.checks_for(quiz_id)
        self.policy = policy_for(folder, limits)
        self.release_nb = nbformat.read(folder.release_notebook(quiz_id), as_version=4)
        self.runs: list[RunRecord] = []
        self.zygote: Zygote = self._start_zygote()
        # An idle connection held open for the worker's life: closing the last connection of a WAL database
        # checkpoints and deletes its WAL file (fsyncs: ≈ 4 ms), and nbgrader closes its own about ten times
        # per submission. Idle, it holds no lock.
        self._keep_db = sqlite3.connect(folder.db_path)
        self._keep_db.execute("SELECT count(*) FROM sqlite_master").fetchall()  # opens it: WAL index mapped
        self._config = self._base_config()

    def probe(self) -> dict[str, str]:
        """What the sandbox isolates here, asked of this worker's fork server."""
        return self.zygote.probe(self.policy)

    def _start_zygote(self) -> Zygote:
        from grader.kernel.executor import Zygote

        return Zygote(log=self.log_path)

    def config(self):
        """nbgrader's config for one submission: a copy (nbgrader may change the one it is given)."""
        import copy

        self._config.SandboxExecute.fork_server = self.zygote  # restarted after a crash: the new one
        return copy.deepcopy(self._config)  # the fork server, lock and checks are shared, not copied

    def _base_config(self):
        """The folder's nbgrader config (read once), with the sandbox in place of Execute."""
        from nbconvert.preprocessors import ClearMetadataPreprocessor
        from nbgrader.preprocessors import AssignLatePenalties, IgnorePattern, LimitOutput, SaveAutoGrades

        from grader.kernel.executor import SandboxExecute

        config = load_config(self.folder)
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
        config.SandboxExecute.policy = self.policy
        config.SandboxExecute.limits = self.limits
        config.SandboxExecute.checks = self.checks
        config.SandboxExecute.fork_server = self.zygote
        config.SandboxExecute.db_lock = self.lock
        config.SandboxExecute.on_run = self.runs.append
        return config

    def grade(self, learner: str) -> Record:
        """Intake, nbgrader's Autograde through the sandbox, scores from the gradebook."""
        from nbgrader.api import Gradebook
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory

        from grader import intake
        from grader.kernel.executor import RunRecord

        start = time.perf_counter()
        folder = self.folder.submitted(learner, self.quiz_id)
        taken = intake.prepare(folder=folder, quiz_id=self.quiz_id, release_nb=self.release_nb)
        findings = list(taken.findings)
        score = max_score = None
        kernel_s = 0.0
        if taken.gradable:
            if not self.zygote.alive:  # it died with the last submission: a fresh one for this
                self.zygote.close()
                self.zygote = self._start_zygote()
            self.runs.clear()
            config = self.config()
            coursedir = CourseDirectory(config=config)
            coursedir.assignment_id, coursedir.student_id = self.quiz_id, learner
            errors = _ErrorLog()
            log = logging.Logger("grader.autograde.nbgrader", logging.ERROR)  # this app's own, not global
            log.propagate = False
            log.addHandler(errors)
            app = Autograde(coursedir=coursedir, config=config, log=log)
            app.force, app.create_student = True, True
            error = ""
            with scripts_on_path(), self.lock:
                try:
                    app.start()
                except (Exception, SystemExit) as exc:  # nbgrader raises its own and others; report, go on
                    error = f"{type(exc).__name__}: {exc}"
                    if errors.lines:
                        error += " (nbgrader: " + " | ".join(errors.lines[-3:]) + ")"
                    if not self.zygote.alive:
                        error += f"; the fork server died.{self.zygote.log_tail()}"
                try:
                    with Gradebook(self.folder.db_url, coursedir.course_id) as gb:
                        sub = gb.find_submission(self.quiz_id, learner)
                        score, max_score = float(sub.score), float(sub.max_score)
                except Exception as exc:
                    error = error or f"{type(exc).__name__}: {exc}"
            run = self.runs[-1] if self.runs else RunRecord()
            kernel_s = run.elapsed_s
            if error:
                score = max_score = None
                findings.append(Finding("grader_error", f"nbgrader could not grade it: {error[:1500]}", True))
            else:
                findings += run_findings(run)
        return Record(
            learner=learner,
            sha256=taken.sha256,
            score=score,
            max_score=max_score,
            findings=findings,
            elapsed_s=round(time.perf_counter() - start, 3),
            graded_at=_now(),
            worker=os.getpid(),
            kernel_s=round(kernel_s, 3),
        )

    def close(self, *, kill: bool = False) -> None:
        try:
            self.zygote.close(kill=kill)
        finally:
            self._keep_db.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_findings(run: RunRecord) -> list[Finding]:
    """The report lines of one kernel run."""
    out = []
    for event in run.events:
        if event.kind == "output_cap":
            message = f"cell {event.cell}: output over the byte cap, {event.detail} bytes dropped"
            out.append(Finding("output_cap", message))
        elif event.kind == "stopped":
            out.append(Finding("stopped", f"cell {event.cell} stopped: {event.detail}; the rest was graded"))
        elif event.kind == "kernel_failed":
            message = f"the kernel could not start: {event.detail}"
            out.append(Finding("kernel_failed", message, attention=True))
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


def failure_record(
    folder: CourseFolder, quiz_id: str, learner: str, message: str, *, worker: int = 0
) -> Record:
    """A submission the grader failed on (not the learner's fault): a rerun grades it again."""
    try:
        sha256 = submission_hash(folder, quiz_id, learner)
    except OSError:
        sha256 = ""
    return Record(
        learner=learner,
        sha256=sha256,
        score=None,
        max_score=None,
        findings=[Finding("grader_error", f"{message[:1500]}; a rerun grades it again", True)],
        elapsed_s=0.0,
        graded_at=_now(),
        worker=worker,
    )


def grade_safely(worker: Worker, learner: str) -> Record:
    """One learner; whatever goes wrong becomes a grader_error record (Ctrl-C is not caught: it stops)."""
    try:
        return worker.grade(learner)
    except Exception as exc:  # never lose the batch to one submission
        return failure_record(worker.folder, worker.quiz_id, learner, f"{type(exc).__name__}: {exc}")


def _worker_main(conn: Connection, index: int, parent: int, root: str, quiz_id: str, limits: dict) -> None:
    """A worker process: says it is ready (with its sandbox's report), then takes learners from ``conn`` and
    sends their records back, until told to stop or its scheduler dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the scheduler's to handle
    sandbox.die_with_parent()  # a scheduler killed with -9 takes its workers (and their fork servers) along
    if os.getppid() != parent:
        os._exit(0)
    try:
        with grading_session():
            worker = Worker(CourseFolder(Path(root)), quiz_id, sandbox.Limits(**limits), name=str(index))
            try:
                conn.send(("ready", worker.probe()))
                while True:
                    try:
                        learner = conn.recv()
                    except EOFError:
                        break
                    if learner is None:
                        break
                    conn.send(("record", grade_safely(worker, learner).to_json()))
            finally:
                worker.close()
    except GraderError as exc:
        conn.send(("fatal", (str(exc), exc.fix)))
    except Exception as exc:  # the worker cannot start (its fork server, nbgrader): the batch cannot go on
        conn.send(("fatal", (f"{type(exc).__name__}: {exc}", "Read the message above; then rerun.")))
    finally:
        conn.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # everything is closed and written: skip the interpreter's slow teardown


@dataclass
class _Slot:
    """One worker process and the learner it holds (None: idle)."""

    index: int
    proc: SpawnProcess
    conn: Connection
    learner: str | None = None
    ready: bool = False


class _InProcess:
    """``--jobs 1``: one worker in this process, inside a grading session that is undone afterwards."""

    def __init__(self, folder: CourseFolder, quiz_id: str, limits: sandbox.Limits) -> None:
        self.stack = contextlib.ExitStack()
        self.stack.enter_context(grading_session())
        try:
            self.worker = Worker(folder, quiz_id, limits)
        except BaseException:
            self.stack.close()
            raise

    def probe(self) -> dict[str, str]:
        return self.worker.probe()

    def results(self, todo: list[str]) -> Iterator[Record]:
        for learner in todo:
            yield grade_safely(self.worker, learner)

    def close(self, *, kill: bool = False) -> None:
        try:
            self.worker.close(kill=kill)
        finally:
            self.stack.close()


class _WorkerPool:
    """``--jobs N``: N spawned worker processes, each handed one learner at a time. They start at once, so
    their imports and fork servers overlap with the scheduler's own set-up."""

    #: a batch stops after this many workers died (something is wrong with the machine, not a submission)
    MAX_DEATHS = 3

    def __init__(self, folder: CourseFolder, quiz_id: str, limits: sandbox.Limits, jobs: int) -> None:
        self.folder, self.quiz_id = folder, quiz_id
        self.args = (str(folder.root), quiz_id, asdict(limits))
        self.ctx = multiprocessing.get_context("spawn")
        self.deaths = 0
        self.slots = [self._start(i + 1) for i in range(jobs)]

    def _start(self, index: int) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(
            target=_worker_main,
            args=(child, index, os.getpid(), *self.args),
            name=f"grader-worker-{index}",
            daemon=True,
        )
        proc.start()
        child.close()
        return _Slot(index, proc, parent)

    def _send(self, slot: _Slot, learner: str | None) -> None:
        slot.learner = learner
        with contextlib.suppress(OSError):  # it died: its sentinel says so
            slot.conn.send(learner)

    def _receive(self, slot: _Slot) -> tuple[str, Any] | None:
        """The slot's next message (None: it died); a worker that could not start stops the batch."""
        try:
            kind, payload = slot.conn.recv()
        except (EOFError, OSError):
            return None
        if kind == "fatal":
            text, fix = payload
            raise GraderError(f"a grading worker could not start: {text}", fix=fix)
        return kind, payload

    def _replace(self, slot: _Slot) -> _Slot:
        """A new worker in a dead one's place (a batch stops after MAX_DEATHS)."""
        slot.proc.join()
        self.deaths += 1
        if self.deaths >= self.MAX_DEATHS:
            raise GraderError(
                f"{self.deaths} grading workers died; the batch stopped.",
                fix="Look at the machine (memory, the OOM killer: dmesg), then rerun: finished submissions "
                "are kept.",
            )
        fresh = self._start(slot.index)
        self.slots[self.slots.index(slot)] = fresh
        return fresh

    def probe(self) -> dict[str, str]:
        """The sandbox's report, from the first worker that is ready (each probes its own fork server)."""
        while True:
            ready = wait([s.conn for s in self.slots] + [s.proc.sentinel for s in self.slots])
            for slot in list(self.slots):
                if slot.conn in ready or slot.proc.sentinel in ready:
                    message = self._receive(slot) if slot.conn.poll() else None
                    if message is not None and message[0] == "ready":
                        slot.ready = True
                        return message[1]
                    if not slot.proc.is_alive():
                        self._replace(slot)

    def results(self, todo: list[str]) -> Iterator[Record]:
        pending = deque(todo)
        for slot in self.slots:
            self._send(slot, pending.popleft() if pending else None)
        while any(s.learner is not None for s in self.slots):
            busy = [s for s in self.slots if s.learner is not None]
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy])
            for slot in busy:
                if slot.conn not in ready and slot.proc.sentinel not in ready:
                    continue
                message = self._receive(slot) if slot.conn.poll() else None
                if message is not None and message[0] == "ready":
                    continue  # a worker that started late: its learner is on its way
                if message is not None:
                    yield Record.from_json(message[1])
                    self._send(slot, pending.popleft() if pending else None)
                elif not slot.proc.is_alive() or slot.proc.sentinel in ready:  # died holding its learner
                    slot.proc.join()
                    code = slot.proc.exitcode or 0
                    how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
                    learner = slot.learner
                    assert learner is not None
                    yield failure_record(
                        self.folder,
                        self.quiz_id,
                        learner,
                        f"the worker grading it (pid {slot.proc.pid}) died ({how})",
                        worker=slot.proc.pid or 0,
                    )
                    slot.learner = None
                    fresh = self._replace(slot)
                    self._send(fresh, pending.popleft() if pending else None)

    def close(self, *, kill: bool = False) -> None:
        for slot in self.slots:
            if kill and slot.proc.is_alive():
                slot.proc.terminate()  # its fork server and kernel follow (parent-death signals)
            else:
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
        for slot in self.slots:
            slot.proc.join(timeout=10)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join()
            slot.conn.close()


# --- the scheduler ------------------------------------------------------------------------------------------


def submission_hash(folder: CourseFolder, quiz_id: str, learner: str) -> str:
    import hashlib

    from grader.intake import input_file

    path, _ = input_file(folder.submitted(learner, quiz_id), quiz_id)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else ""


def probe_sandbox(folder: CourseFolder, limits: sandbox.Limits) -> dict[str, str]:
    from grader.kernel.executor import Zygote

    z = Zygote(log=fork_server_log(folder, "probe"))
    try:
        return z.probe(policy_for(folder, limits))
    finally:
        z.close()


def to_grade(folder: CourseFolder, quiz_id: str, learners: list[str], done: dict[str, Record]) -> list[str]:
    """The learners whose current submission has no finished record (new, changed, or failed last time)."""
    return [
        name
        for name in learners
        if not (
            name in done and done[name].done and done[name].sha256 == submission_hash(folder, quiz_id, name)
        )
    ]


def _create_learners(folder: CourseFolder, quiz_id: str, learners: list[str]) -> None:
    """Every learner in the gradebook (it exists since release), once, before any worker grades."""
    from nbgrader.api import Gradebook, MissingEntry

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
        for name in learners:
            gb.update_or_create_student(name)


def run(
    folder: CourseFolder,
    quiz_id: str,
    options: Options,
    *,
    on_warning: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> Summary:
    """Autograde every learner's submission of ``quiz_id`` not graded yet (all with ``force``).

    Ctrl-C stops the batch: the workers and their kernels are stopped, nothing half-written stays in the
    ledger, and KeyboardInterrupt is raised again; a rerun goes on from there. The sandbox's report (its
    warnings go to ``on_warning``) comes from the workers' own fork servers; nothing to grade, no report."""
    folder.check_quiz(quiz_id)
    start = time.perf_counter()
    if not folder.release_notebook(quiz_id).exists():
        raise GraderError(
            f"{quiz_id} has not been released in {folder.root}.", fix=f"python -m grader release {quiz_id}"
        )
    learners = folder.learners(quiz_id)
    report_torn = lambda line: on_warning(f"WARNING {line}")  # noqa: E731
    done = {} if options.force else read_ledger(folder, quiz_id, on_torn_tail=report_torn)
    todo = to_grade(folder, quiz_id, learners, done)
    skipped = tuple(name for name in learners if name not in todo)
    graded: list[Record] = []
    report: dict[str, str] = {}
    if todo:
        jobs = max(1, min(options.jobs, len(todo)))
        # the workers start now: their start-up overlaps with the gradebook's set-up below
        pool: _InProcess | _WorkerPool = (
            _WorkerPool(folder, quiz_id, options.limits, jobs)
            if jobs > 1
            else _InProcess(folder, quiz_id, options.limits)
        )
        bar = _progress(len(todo), quiz_id, options.progress)
        try:
            _create_learners(folder, quiz_id, todo)
            report = pool.probe()
            for line in sandbox.warnings(report):
                on_warning(f"WARNING {line}")
            ledger = ledger_path(folder, quiz_id)
            for record in pool.results(todo):
                _append(ledger, record)
                graded.append(record)
                bar.update(1)
        except BaseException:
            pool.close(kill=True)
            raise
        else:
            pool.close()
        finally:
            bar.close()
    return Summary(quiz_id, tuple(graded), skipped, report, time.perf_counter() - start)


class _NoProgress:
    """No bar (and none of tqdm's monitor thread)."""

    def update(self, _n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, quiz_id: str, enabled: bool):
    if not enabled or total == 0:
        return _NoProgress()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"autograde {quiz_id}", unit="sub")
