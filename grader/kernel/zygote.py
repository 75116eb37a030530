"""The fork server: one pre-imported Python process per worker that forks a fresh, sandboxed kernel per
submission (``python -m grader.kernel.zygote``; driven by :class:`grader.kernel.executor.Zygote`).

Why: a stock kernel costs ≈ 0.7 s to start plus its imports for every submission (nbgrader 0.9.6, measured).
Here IPython and a clean ``InteractiveShell`` are built once; each submission runs in a forked copy of that
clean state (copy-on-write: nothing is shared between learners), behind :mod:`grader.kernel.sandbox`.

Protocol (JSON lines): the worker writes one request ``{"policy": ..., "cells": [{"index", "source",
"checks"}]}`` to stdin and reads one result from stdout. The server feeds the kernel ONE cell at a time, so
learner code never holds a later cell (hidden tests) in its memory; before a question's first test cell it
asks
the kernel for the values the grader checks itself (``checks``), so the answer is recorded before any hidden
test of that question runs. A cell that outlives its time limit or kills the kernel is marked and the kernel
is replayed from a fresh fork without it (at most ``MAX_REPLAYS`` times).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import time
import traceback
from typing import TYPE_CHECKING, Any

from grader.kernel import sandbox
from grader.protocol import (
    CellOutputs,
    CellRun,
    Encoded,
    ErrorResult,
    Event,
    Output,
    Probe,
    ProbeRequest,
    ProbeResult,
    RunRequest,
    RunResult,
)

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

MAX_REPLAYS = 3
GRACE_S = 3.0
_type, _repr, _str, _len = type, repr, str, len
_STR, _INT, _FLOAT, _BOOL, _NONE = (
    "".__class__,
    (0).__class__,
    (0.0).__class__,
    True.__class__,
    None.__class__,
)
_dumps = json.dumps


class CellTimeout(BaseException):
    """Raised in the kernel when a cell runs past its time limit (a BaseException: `except Exception` in
    learner code does not swallow it)."""


# --- the kernel side (runs in the forked, sandboxed child) ------------------------------------------------


class _Capture:
    """A stdout/stderr stand-in that keeps at most ``cap`` bytes per cell and counts the rest."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, cap: int) -> None:
        self.cap, self.kept, self.dropped = cap, 0, 0
        self.parts: list[str] = []

    def write(self, text: Any) -> int:
        text = text if _type(text) is _STR else _str(text)
        size = _len(text.encode("utf-8", "replace"))
        room = self.cap - self.kept
        if size <= room:
            self.parts.append(text)
            self.kept += size
        else:
            if room > 0:
                head = text.encode("utf-8", "replace")[:room].decode("utf-8", "ignore")
                self.parts.append(head)
                self.kept += room
            self.dropped += size - max(room, 0)
        return _len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[... {self.dropped} more bytes of output dropped by the grader's byte cap]\n"
        return out


def _encode(value: Any) -> Encoded:
    kind = _type(value)
    if kind is _STR:
        return ["str", value[:10_000]]
    if kind is _BOOL:
        return ["bool", value]
    if kind is _INT:
        return ["int", value if -(2**63) < value < 2**63 else float(value)]
    if kind is _FLOAT:
        return ["float", value]
    if kind is _NONE:
        return ["none", None]
    return ["other", kind.__name__ if _type(kind.__name__) is _STR else "?"]


def _alarm(signum, frame):
    raise CellTimeout("the cell ran past its time limit")


def _checks(shell: InteractiveShell, checks: list[Probe], timeout_s: float) -> list[Encoded]:
    values: list[Encoded] = []
    for check in checks:
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            if check["kind"] == "name":
                ns = shell.user_ns
                values.append(_encode(ns[check["name"]]) if check["name"] in ns else ["missing", None])
            else:
                values.append(_encode(eval(check["expr"], shell.user_ns)))  # literals only: see grader.checks
        except BaseException as exc:  # learner code: anything can be raised
            values.append(["error", _type(exc).__name__])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return values


def _run_cell(shell: InteractiveShell, source: str, limits: sandbox.Limits) -> CellRun:
    out, err = _Capture(limits.output_bytes), _Capture(limits.output_bytes)
    sys.stdout, sys.stderr = out, err
    signal.setitimer(signal.ITIMER_REAL, limits.cell_timeout_s)
    try:
        result = shell.run_cell(source, store_history=False)
        error = result.error_before_exec or result.error_in_exec
    except BaseException as exc:  # CellTimeout arriving outside run_cell's own handler
        error = exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    outputs: list[Output] = []
    for name, capture in (("stdout", out), ("stderr", err)):
        if capture.parts or capture.dropped:
            outputs.append({"output_type": "stream", "name": name, "text": capture.text()})
    if error is not None:
        try:
            tb = traceback.format_exception(error)[-20:]
            evalue = _str(error)[: limits.output_bytes]
        except BaseException:
            tb, evalue = [], "(unprintable)"
        outputs.append(
            {"output_type": "error", "ename": _type(error).__name__, "evalue": evalue, "traceback": tb}
        )
    return {"outputs": outputs, "dropped_bytes": out.dropped + err.dropped}


def kernel_loop(
    shell: InteractiveShell, policy: sandbox.Policy, cmd_fd: int, out_fd: int, report: dict[str, str]
) -> None:
    """Serve cells one at a time until told to stop (or killed)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    commands = os.fdopen(cmd_fd, "rb")

    def emit(obj: dict[str, Any]) -> None:
        data = (_dumps(obj) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data) :]

    emit({"sandbox": report})
    for line in commands:
        cmd = json.loads(line)
        if cmd["op"] == "checks":
            emit(
                {
                    "checks": cmd["index"],
                    "values": _checks(shell, cmd["checks"], policy.limits.cell_timeout_s),
                }
            )
        elif cmd["op"] == "run":
            emit({"done": cmd["index"], **_run_cell(shell, cmd["source"], policy.limits)})
        else:
            break


def _child(
    shell: InteractiveShell, policy: sandbox.Policy, cmd_r: int, out_w: int, keep_fds: tuple[int, ...]
) -> None:
    """In the forked process: sandbox, then (as PID-namespace init where possible) serve cells."""
    report: dict[str, str] = {}
    try:
        who = sandbox.grader_identity()  # before the namespaces: inside a user namespace all look like root
        pid_ns = sandbox.enter_namespaces(report, who)
        sandbox.hide_paths(policy, report)
        if pid_ns:
            pid = os.fork()
            if pid:
                os.close(cmd_r)
                os.close(out_w)
                _, status = os.waitpid(pid, 0)
                os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
            sandbox.mount_proc(report)
        sandbox.drop_privileges(policy, report, who)
        _close_fds_except(keep_fds)
        kernel_loop(shell, policy, cmd_r, out_w, report)
    except BaseException:
        traceback.print_exc()
        os._exit(70)
    os._exit(0)


def _close_fds_except(keep: tuple[int, ...]) -> None:
    """Close every descriptor the kernel inherited above stderr except ``keep`` (up to the process's limit),
    then point stdin, stdout and stderr at /dev/null."""
    low = 3
    for fd in sorted(k for k in keep if k >= low):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, max(os.sysconf("SC_OPEN_MAX"), 1024))
    devnull = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)


# --- the server side --------------------------------------------------------------------------------------


class _Died(Exception):
    """The kernel died, hung or sent nonsense; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Kernel:
    """One forked, sandboxed kernel and the pipes to it."""

    def __init__(self, shell: InteractiveShell, policy: sandbox.Policy) -> None:
        self.policy = policy
        cmd_r, self.cmd_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            sandbox.die_with_parent()  # the fork server killed (its worker gone): so is this kernel
            sandbox.name_process(sandbox.KERNEL_NAME)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # the server ignores it; learners not
            os.close(self.cmd_w)
            os.close(self.out_r)
            _child(shell, policy, cmd_r, out_w, (cmd_r, out_w))
        os.close(cmd_r)
        os.close(out_w)
        self.buffer = b""
        self.max_line = 4 * policy.limits.output_bytes + 1_000_000

    def send(self, obj: dict[str, Any]) -> None:
        try:
            os.write(self.cmd_w, (json.dumps(obj) + "\n").encode())
        except OSError as exc:
            raise _Died("the kernel died") from exc

    def receive(self, deadline: float) -> dict[str, Any]:
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Died("time limit")
            ready, _, _ = select.select([self.out_r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.out_r, 1 << 20)
            if not chunk:
                raise _Died("the kernel died (it exited or was killed: memory or CPU limit, os._exit, crash)")
            self.buffer += chunk
            if len(self.buffer) > self.max_line:
                raise _Died("the kernel sent more output than the byte cap allows")
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError as exc:
            raise _Died("the kernel sent unreadable output") from exc

    def stop(self) -> None:
        for fd in (self.cmd_w, self.out_r):
            with contextlib.suppress(OSError):
                os.close(fd)
        for target in (-self.pid, self.pid):  # its process group, then itself (PID-namespace init follows)
            with contextlib.suppress(OSError):
                os.kill(target, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def serve(shell: InteractiveShell, request: RunRequest) -> RunResult:
    """Run one submission's cells; return outputs per cell index, check values and events."""
    policy = sandbox.Policy.from_json(request["policy"])
    limits = policy.limits
    cells = request["cells"]
    outputs: dict[int, CellOutputs] = {}
    values: dict[int, list[Encoded]] = {}
    events: list[Event] = []
    skip: set[int] = set()
    report: dict[str, str] = {}
    start = time.monotonic()
    for _attempt in range(MAX_REPLAYS + 1):
        kernel = _Kernel(shell, policy)
        current = None
        try:
            report = kernel.receive(time.monotonic() + 30.0).get("sandbox", {})
            for cell in cells:
                index = cell["index"]
                if index in skip:
                    continue
                current = index
                cell_deadline = time.monotonic() + limits.cell_timeout_s + GRACE_S
                deadline = min(cell_deadline, start + limits.wall_s)
                if cell.get("checks") and index not in values:
                    kernel.send({"op": "checks", "index": index, "checks": cell["checks"]})
                    reply = kernel.receive(deadline)
                    if reply.get("checks") != index:
                        raise _Died("the kernel answered out of turn")
                    values[index] = reply["values"]
                kernel.send({"op": "run", "index": index, "source": cell["source"]})
                reply = kernel.receive(deadline)
                if reply.get("done") != index:
                    raise _Died("the kernel answered out of turn")
                outputs[index] = {"outputs": reply["outputs"]}
                if any(o.get("ename") == "CellTimeout" for o in reply["outputs"]):
                    skip.add(index)  # a replay (after a later kill) does not wait for it again
                    detail = f"cell time limit ({limits.cell_timeout_s:g} s), interrupted"
                    events.append({"kind": "stopped", "cell": index, "detail": detail})
                if reply.get("dropped_bytes"):
                    dropped = str(reply["dropped_bytes"])
                    events.append({"kind": "output_cap", "cell": index, "detail": dropped})
            kernel.send({"op": "end"})
            current = None
            break
        except _Died as died:
            if current is None:
                events.append({"kind": "kernel_failed", "cell": -1, "detail": died.reason})
                break
            skip.add(current)
            wall = time.monotonic() - start >= limits.wall_s
            reason = "wall-clock limit for the submission" if wall else died.reason
            if died.reason == "time limit" and not wall:
                reason = f"cell time limit ({limits.cell_timeout_s:g} s), interrupt ignored"
            outputs[current] = {
                "outputs": [
                    {
                        "output_type": "error",
                        "ename": "CellTimeoutError" if "time limit" in reason else "KernelDied",
                        "evalue": f"stopped by the grader: {reason}",
                        "traceback": [],
                    }
                ]
            }
            events.append({"kind": "stopped", "cell": current, "detail": reason})
            if wall:
                break
        finally:
            kernel.stop()
    return {
        "outputs": {str(k): v for k, v in outputs.items()},
        "values": {str(k): v for k, v in values.items()},
        "events": events,
        "sandbox": report,
        "elapsed_s": time.monotonic() - start,
    }


def make_shell() -> InteractiveShell:
    """A clean IPython shell, built once; every kernel is a fork of it."""
    from IPython.core.interactiveshell import InteractiveShell

    class QuietShell(InteractiveShell):
        """Prints no traceback of its own: :func:`_run_cell` turns the error into the cell's output."""

        def showtraceback(self, *args: Any, **kwargs: Any) -> None:
            pass

        def showsyntaxerror(self, *args: Any, **kwargs: Any) -> None:
            pass

        def showindentationerror(self) -> None:
            pass

    shell = QuietShell.instance(colors="NoColor")
    if shell.history_manager is not None:
        shell.history_manager.enabled = False
    return shell


def probe(request: ProbeRequest) -> ProbeResult:
    """What the sandbox isolates here: each step tried in a throw-away child (see sandbox.probe_child)."""

    def steps() -> dict[str, str]:
        sandbox.name_process(sandbox.PROBE_NAME)
        return sandbox.probe_child(sandbox.Policy.from_json(request["policy"]))

    return {"sandbox": sandbox.run_forked(steps)}


def main() -> None:
    # Ctrl-C in the grader's terminal reaches this process too: the worker that owns it decides what stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    proto_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    shell = make_shell()
    import numpy  # noqa: F401  (pre-imported: learners' answers may use it)

    proto_out.write(json.dumps({"ready": os.getpid()}) + "\n")
    proto_out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            result: RunResult | ProbeResult | ErrorResult = (
                probe(request) if request.get("probe") else serve(shell, request)
            )
        except Exception as exc:  # report, keep serving
            result = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-4000:]}
        proto_out.write(json.dumps(result) + "\n")
        proto_out.flush()


if __name__ == "__main__":
    main()
