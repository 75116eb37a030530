"""The worker's side of the fork server, and the nbgrader preprocessor that executes through it.

:class:`SandboxExecute` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``; everything
else (restoring locked cells, the gradebook, the autograded/ folder) stays nbgrader's own, so formgrader
works on the result. Cell outputs come back from the sandboxed kernel; cells the grader's own check refutes
get an error output (so nbgrader scores them 0), and :attr:`SandboxExecute.last_run` says what happened.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from grader import checks as checks_mod
from grader.kernel import sandbox
from grader.protocol import CellRequest, Encoded, ProbeRequest, RunRequest, RunResult

REPO_ROOT = Path(__file__).resolve().parents[2]


class ZygoteError(RuntimeError):
    """The fork server failed (it is restarted for the next submission)."""


class Zygote:
    """A ``python -m grader.kernel.zygote`` process started with a clean environment (nothing secret to
    inherit)."""

    def __init__(self) -> None:
        env = {k: os.environ[k] for k in sandbox.KEPT_ENV if k in os.environ}
        env.update(PATH=os.environ.get("PATH", "/usr/bin:/bin"), PYTHONPATH=str(REPO_ROOT), MPLBACKEND="Agg")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader.kernel.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd="/",
            text=True,
            preexec_fn=sandbox.die_with_parent,
        )
        self.lock = threading.Lock()
        ready = self._stdout.readline()
        if not ready.startswith('{"ready"'):
            raise ZygoteError(f"the fork server did not start (said {ready!r})")

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
                raise ZygoteError(f"the fork server died: {exc}") from exc
        if not line:
            raise ZygoteError("the fork server died")
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

    def close(self) -> None:
        if self.proc.poll() is None:
            self._stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_zygote: Zygote | None = None


def zygote() -> Zygote:
    """This process's fork server (started on first use, restarted if it died)."""
    global _zygote
    if _zygote is None or _zygote.proc.poll() is not None:
        _zygote = Zygote()
    return _zygote


@dataclass
class RunRecord:
    """What happened while one notebook ran: events, refuted cells, the sandbox's report."""

    events: list[str] = field(default_factory=list)
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


@dataclass
class RunSettings:
    """Set by the scheduler before each submission: the policy and the quiz's own checks."""

    policy: sandbox.Policy | None = None
    checks: dict[str, checks_mod.CellChecks] | None = None
    db_lock: DbLock | None = None  # released while the kernel runs, so other workers may use the gradebook


SETTINGS = RunSettings()


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
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


#: error names the grader itself puts in a cell (reported as "stopped", not as the learner's exception)
GRADER_STOPS = ("CellTimeout", "CellTimeoutError", "KernelDied", "NotRun")


class SandboxExecute(NbGraderPreprocessor):
    """nbgrader's Execute, through the sandboxed fork server."""

    last_run: RunRecord = RunRecord()

    def preprocess(self, nb, resources):
        policy = SETTINGS.policy
        if policy is None:
            raise ZygoteError("SandboxExecute needs grader.kernel.executor.SETTINGS.policy")
        info = resources.get("nbgrader", {})
        if info.get(
            "student"
        ):  # the learner's own folder: autograded/<learner>/<quiz> (policy.cwd: the course)
            own = Path(policy.cwd) / "autograded" / info["student"] / info["assignment"]
            own.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:  # the kernel runs as nobody and may write in its own folder only
                os.chown(own, sandbox.NOBODY_UID, sandbox.NOBODY_GID)
            policy = sandbox.Policy(
                cwd=str(own), hide=policy.hide, keep_ro=policy.keep_ro, limits=policy.limits
            )
        cells, owner = build_cells(nb, SETTINGS.checks)
        lock = SETTINGS.db_lock
        if lock is not None:
            lock.release()
        try:
            result = zygote().run({"policy": policy.to_json(), "cells": cells})
        finally:
            if lock is not None:
                lock.acquire()
        record = RunRecord(events=result["events"], sandbox=result["sandbox"], elapsed_s=result["elapsed_s"])
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
            cell.outputs = [nbformat.v4.new_output(**o) for o in ran["outputs"]]
            gid = _grade_id(cell)
            errors = [o.ename for o in cell.outputs if o.output_type == "error"]
            if errors == ["NotImplementedError"] and gid.endswith("-answer"):
                record.unanswered.append(gid.removesuffix("-answer"))
            elif errors and not _is_graded(cell) and errors[0] not in GRADER_STOPS:
                record.raised.append(f"{gid or f'cell {index}'}: {errors[0]}")
            if SETTINGS.checks and _is_graded(cell) and gid in SETTINGS.checks:
                failed_in_kernel = any(
                    o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")
                    for o in cell.outputs
                )
                if not checks_mod.cell_passes(SETTINGS.checks[gid], values.get(gid)) and not failed_in_kernel:
                    cell.outputs.append(
                        _error(
                            "IndependentCheckFailed",
                            "the grader's own check of this answer (run outside the test cell) did not pass",
                        )
                    )
                    record.refuted.append(gid)
        SandboxExecute.last_run = record
        return nb, resources
