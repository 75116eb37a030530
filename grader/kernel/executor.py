"""The worker's side of the fork server, and the nbgrader preprocessor that executes through it.

:class:`SandboxExecute` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``; everything
else (restoring locked cells, the gradebook, the autograded/ folder) stays nbgrader's own, so formgrader
works on the result. It is configured the nbgrader way: its policy, limits, checks, fork server and
gradebook lock are traits set through nbgrader's config (``config.SandboxExecute.policy = ...``), nothing
travels through module globals. Cell outputs come back from the sandboxed kernel; cells the grader's own
check refutes get an error output (so nbgrader scores them 0); what happened (a :class:`RunRecord`) goes
into ``resources["grader_run"]`` and to the ``on_run`` callback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Any as AnyTrait
from traitlets import Callable as CallableTrait
from traitlets import Dict, Instance

from grader import checks as checks_mod
from grader.kernel import sandbox
from grader.protocol import CellRequest, Encoded, Event, ProbeRequest, RunRequest, RunResult

REPO_ROOT = Path(__file__).resolve().parents[2]
#: how much of the fork server's log an error quotes
LOG_TAIL_CHARS = 3000


class ZygoteError(RuntimeError):
    """The fork server failed (it is restarted for the next submission); the message quotes its log."""


class Zygote:
    """A ``python -m grader.kernel.zygote`` process started with a clean environment (nothing secret to
    inherit), run by ``python`` (default: this interpreter). Its stderr goes to ``log`` (a file in the
    course's ``.grader/`` folder; a temporary file when none is given), truncated at each start, and every
    error quotes the end of it."""

    def __init__(self, log: Path | None = None, *, python: str | None = None) -> None:
        env = {k: os.environ[k] for k in sandbox.KEPT_ENV if k in os.environ}
        env.update(PATH=os.environ.get("PATH", "/usr/bin:/bin"), PYTHONPATH=str(REPO_ROOT), MPLBACKEND="Agg")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.log_path = log
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            self._log: IO[bytes] = log.open("wb")
        else:
            self._log = tempfile.TemporaryFile(prefix="fork-server-")  # noqa: SIM115 (likewise)
        self.proc = subprocess.Popen(
            [python or sys.executable, "-m", "grader.kernel.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            cwd="/",
            text=True,
            preexec_fn=sandbox.die_with_parent,
        )
        self.lock = threading.Lock()
        ready = self._stdout.readline()
        if not ready.startswith('{"ready"'):
            self.proc.wait(timeout=10)
            tail = self.log_tail()
            self.close(kill=True)
            raise ZygoteError(f"the fork server did not start (said {ready!r}).{tail}")

    def __deepcopy__(self, memo: dict) -> Zygote:
        """A handle on a process: nbgrader's config (traitlets deep-copies its values) shares it."""
        return self

    def log_tail(self) -> str:
        """The end of the fork server's stderr, as a paragraph for an error message ('' when empty)."""
        try:
            if self.log_path is not None:
                data = self.log_path.read_bytes()[-LOG_TAIL_CHARS:]
            else:
                data = os.pread(
                    self._log.fileno(),
                    LOG_TAIL_CHARS,
                    max(0, self._log.seek(0, os.SEEK_END) - LOG_TAIL_CHARS),
                )
            text = data.decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        where = f" ({self.log_path})" if self.log_path else ""
        return f"\nThe end of its log{where}:\n{text}" if text else ""

    @property
    def _stdin(self) -> IO[str]:
        assert self.proc.stdin is not None  # started with stdin=PIPE
        return self.proc.stdin

    @property
    def _stdout(self) -> IO[str]:
        assert self.proc.stdout is not None  # started with stdout=PIPE
        return self.proc.stdout

    def call(self, request: RunRequest | ProbeRequest) -> Any:
        """One request, one answer (a :class:`~grader.kernel.zygote.RunResult` or ``ProbeResult``)."""
        with self.lock:
            try:
                self._stdin.write(json.dumps(request) + "\n")
                self._stdin.flush()
                line = self._stdout.readline()
            except OSError as exc:
                raise ZygoteError(f"the fork server died: {exc}.{self.log_tail()}") from exc
        if not line:
            self.proc.wait()
            raise ZygoteError(f"the fork server died (exit status {self.proc.returncode}).{self.log_tail()}")
        result = json.loads(line)
        if "error" in result:
            raise ZygoteError(result["error"] + "\n" + result.get("trace", ""))
        return result

    def run(self, request: RunRequest) -> RunResult:
        result: RunResult = self.call(request)
        return result

    def probe(self, policy: sandbox.Policy) -> dict[str, str]:
        sandbox_report: dict[str, str] = self.call({"probe": True, "policy": policy.to_json()})["sandbox"]
        return sandbox_report

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, *, kill: bool = False) -> None:
        """Stop the server: at once with ``kill`` (an interrupted batch: it may be running a kernel), else
        by closing its input (it exits when idle)."""
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                try:
                    self._stdin.close()
                    self.proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()
        self._log.close()


@dataclass(frozen=True)
class RunEvent:
    """What the fork server did to one cell (see :class:`grader.protocol.Event`)."""

    kind: Literal["stopped", "output_cap", "kernel_failed"]
    cell: int
    detail: str

    @classmethod
    def from_protocol(cls, event: Event) -> RunEvent:
        return cls(kind=event["kind"], cell=int(event["cell"]), detail=str(event["detail"]))


@dataclass
class RunRecord:
    """What happened while one notebook ran: events, refuted cells, the sandbox's report."""

    events: list[RunEvent] = field(default_factory=list)
    refuted: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    sandbox: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0


class DbLock(Protocol):
    """The gradebook's lock (:class:`grader.course_dir.GradebookLock`), as the executor uses it."""

    def acquire(self) -> object: ...

    def release(self) -> object: ...


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _is_graded(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade")) and cell.cell_type == "code"


def build_cells(
    nb: nbformat.NotebookNode, quiz_checks: dict[str, checks_mod.CellChecks] | None
) -> tuple[list[CellRequest], dict[int, list[checks_mod.CellChecks]]]:
    """The cells to send (code only), with each question's probes on its first test cell, and which cells'
    checks each probing cell answers for (by cell index)."""
    cells: list[CellRequest] = []
    owner: dict[int, list[checks_mod.CellChecks]] = {}
    seen_questions: set[str] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        entry: CellRequest = {"index": index, "source": cell.source, "checks": None}
        gid = _grade_id(cell)
        if quiz_checks and _is_graded(cell) and gid in quiz_checks:
            question = quiz_checks[gid].question
            if question not in seen_questions:
                seen_questions.add(question)
                group = [c for c in quiz_checks.values() if c.question == question]
                probes = [p for c in group for p in c.probes]
                entry["checks"] = probes
                owner[index] = group
        cells.append(entry)
    return cells, owner


def _error(ename: str, evalue: str) -> nbformat.NotebookNode:
    return _output(
        {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}
    )


def _output(raw: Any) -> nbformat.NotebookNode:
    """A cell output from what the kernel sent, rebuilt from the known fields only (learner code can write to
    the kernel's pipe: nothing else is taken, every value is coerced to its type). Valid by construction,
    so nbformat's per-output schema check (a jsonschema run per output) is not needed."""
    raw = raw if isinstance(raw, dict) else {}
    if raw.get("output_type") == "stream":
        name = raw.get("name") if raw.get("name") in ("stdout", "stderr") else "stdout"
        return nbformat.NotebookNode(output_type="stream", name=name, text=str(raw.get("text", "")))
    trace = raw.get("traceback")
    return nbformat.NotebookNode(
        output_type="error",
        ename=str(raw.get("ename", "KernelError")),
        evalue=str(raw.get("evalue", "")),
        traceback=[str(line) for line in trace] if isinstance(trace, list) else [],
    )


#: error names the grader itself puts in a cell (reported as "stopped", not as the learner's exception)
GRADER_STOPS = ("CellTimeout", "CellTimeoutError", "KernelDied", "NotRun")


class SandboxExecute(NbGraderPreprocessor):
    """nbgrader's Execute, through the sandboxed fork server. Configure it through nbgrader's config:
    ``policy`` (what to hide; ``cwd`` the course folder), ``limits``, ``checks``, ``fork_server``,
    ``db_lock`` and ``on_run``."""

    policy = Instance(
        sandbox.Policy, allow_none=True, help="what the kernel must not see; cwd: the course folder"
    ).tag(config=True)
    limits = Instance(sandbox.Limits, args=(), help="time, memory, output, process limits").tag(config=True)
    checks = Dict(help="the quiz's own checks by grade id (grader.checks.CellChecks)").tag(config=True)
    fork_server = Instance(Zygote, allow_none=True, help="the worker's fork server").tag(config=True)
    db_lock = AnyTrait(
        None, allow_none=True, help="the gradebook lock, released while the kernel runs (a DbLock)"
    ).tag(config=True)
    on_run = CallableTrait(None, allow_none=True, help="called with each RunRecord").tag(config=True)

    def preprocess(self, nb, resources):
        if self.policy is None or self.fork_server is None:
            raise ZygoteError("SandboxExecute needs config.SandboxExecute.policy and .fork_server")
        policy = dataclasses.replace(self.policy, limits=self.limits)
        info = resources.get("nbgrader", {})
        if info.get("student"):  # the learner's own folder: autograded/<learner>/<quiz> of the course
            own = Path(policy.cwd) / "autograded" / info["student"] / info["assignment"]
            own.mkdir(parents=True, exist_ok=True)
            if sandbox.grader_identity().root:  # the kernel runs as nobody: only its own folder is writable
                os.chown(own, sandbox.NOBODY_UID, sandbox.NOBODY_GID)
            policy = dataclasses.replace(policy, cwd=str(own))
        quiz_checks: dict[str, checks_mod.CellChecks] = dict(self.checks)
        cells, owner = build_cells(nb, quiz_checks)
        lock: DbLock | None = self.db_lock
        if lock is not None:
            lock.release()
        try:
            result = self.fork_server.run({"policy": policy.to_json(), "cells": cells})
        finally:
            if lock is not None:
                lock.acquire()
        record = RunRecord(
            events=[RunEvent.from_protocol(e) for e in result["events"]],
            sandbox=result["sandbox"],
            elapsed_s=result["elapsed_s"],
        )
        values: dict[str, list[Encoded]] = {}
        for index_text, got in result["values"].items():
            offset = 0
            for cc in owner.get(int(index_text), []):
                values[cc.grade_id] = got[offset : offset + len(cc.probes)]
                offset += len(cc.probes)
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            ran = result["outputs"].get(str(index))
            if ran is None:
                cell.outputs = [_error("NotRun", "the grader stopped before this cell (see the report)")]
                if _is_graded(cell):
                    record.not_run.append(_grade_id(cell))
                continue
            count += 1
            cell.execution_count = count
            cell.outputs = [_output(o) for o in ran["outputs"]]
            gid = _grade_id(cell)
            errors = [o.ename for o in cell.outputs if o.output_type == "error"]
            if errors == ["NotImplementedError"] and gid.endswith("-answer"):
                record.unanswered.append(gid.removesuffix("-answer"))
            elif errors and not _is_graded(cell) and errors[0] not in GRADER_STOPS:
                record.raised.append(f"{gid or f'cell {index}'}: {errors[0]}")
            if _is_graded(cell) and gid in quiz_checks:
                failed_in_kernel = any(
                    o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")
                    for o in cell.outputs
                )
                if not checks_mod.cell_passes(quiz_checks[gid], values.get(gid)) and not failed_in_kernel:
                    cell.outputs.append(
                        _error(
                            "IndependentCheckFailed",
                            "the grader's own check of this answer (run outside the test cell) did not pass",
                        )
                    )
                    record.refuted.append(gid)
        resources["grader_run"] = record
        if self.on_run is not None:
            self.on_run(record)
        return nb, resources
