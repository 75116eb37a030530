"""The sandbox around each kernel, exercised through the real fork server (grader.kernel.zygote), no nbgrader.

A learner cell tries to read the gradebook, the quiz sources and another learner's file, the grader's API key
(environment and /proc), to reach a server on loopback, to write outside its folder and to leave a process
behind; another tries to undo the sandbox (unmount the tmpfs over the course, become root, write to the host,
a nested user namespace); others loop forever (with and without ignoring interrupts), print 50 MB on one line,
allocate 8 GiB. Each is stopped or denied, and the cells after it still run. Passes as root (the kernel runs
as nobody) and as a normal user (the kernel runs as that user without capabilities); the one difference is
reported by name. Skips where the host lacks namespaces (the grader then warns, which is tested too).
"""

from __future__ import annotations

import os
import resource
import socket
import sys
import time
from pathlib import Path

import psutil
import pytest
from hostile_submissions import SNOOP

from grader.kernel import sandbox
from grader.kernel import zygote as fork_server
from grader.kernel.executor import Zygote

SECRET = "sk-test-grader-sandbox-0123456789"
ROOT = os.getuid() == 0
#: the one step a normal user cannot have: its report, and the warning it becomes
NOT_ROOT_USER = "not available: the grader is not root, so the kernel runs as the grader's own user"


@pytest.fixture(scope="module")
def zygote():
    old = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = SECRET  # the grader's own environment holds a key...
    z = Zygote()
    yield z
    z.close()
    if old is None:
        os.environ.pop("OPENAI_API_KEY", None)
    else:
        os.environ["OPENAI_API_KEY"] = old


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    (root / "autograded" / "alice" / "quiz").mkdir(parents=True)
    (root / "submitted" / "bob" / "quiz").mkdir(parents=True)
    (root / "submitted" / "bob" / "quiz" / "quiz.ipynb").write_text("bob's answers")
    (root / "gradebook.db").write_text("scores")
    (root / "source").mkdir()
    (root / "source" / "hidden.ipynb").write_text("assert q01 == 'B'")
    return root


def _policy(course: Path, **limits) -> sandbox.Policy:
    repo = str(Path(__file__).resolve().parents[1])
    return sandbox.Policy(
        cwd=str(course / "autograded" / "alice" / "quiz"),
        hide=(str(course), repo, "/tmp", "/dev/shm", os.environ.get("HOME", "/root")),
        keep_ro=tuple(sorted({sys.prefix, sys.base_prefix})),
        limits=sandbox.Limits(**({"cell_timeout_s": 2.0, "wall_s": 60.0} | limits)),
    )


def _run(z: Zygote, policy: sandbox.Policy, sources: list[str]) -> dict:
    cells = [{"index": i, "source": s, "checks": None} for i, s in enumerate(sources)]
    return z.call({"policy": policy.to_json(), "cells": cells})


def _text(result: dict, index: int) -> str:
    outs = result["outputs"].get(str(index), {}).get("outputs", [])
    return "".join(o.get("text", "") + o.get("ename", "") + o.get("evalue", "") for o in outs)


def test_probe_reports_every_step(zygote: Zygote, course: Path) -> None:
    report = zygote.probe(_policy(course))
    if report.get("mount_ns") != "ok":
        pytest.skip(f"no mount namespace on this host: {report}")
    if ROOT:
        assert sandbox.warnings(report) == [], report
    else:  # everything but nobody: the one warning, naming what a normal user cannot do
        assert report["user"].startswith(NOT_ROOT_USER), report
        assert sandbox.warnings(report) == [f"NOT ISOLATED: {sandbox.STEPS['user']}: {report['user']}."]
        assert {k for k, v in report.items() if v != "ok"} == {"user"}, report
    # what a host without the features would be told, by name
    lines = sandbox.warnings({**report, "net_ns": "failed: EPERM", "user": "not available"})
    assert any("network namespace" in line and "EPERM" in line for line in lines)
    assert any("unprivileged user" in line for line in lines)


def test_learner_code_sees_nothing_it_should_not(zygote: Zygote, course: Path) -> None:
    if zygote.probe(_policy(course)).get("mount_ns") != "ok":
        pytest.skip("no namespaces here")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    repo = Path(__file__).resolve().parents[1]
    paths = [
        str(course / "gradebook.db"),
        str(course / "source" / "hidden.ipynb"),
        str(course / "submitted" / "bob" / "quiz" / "quiz.ipynb"),
        str(repo / "quizzes" / "quiz-03-cost" / "quiz-03-cost.ipynb"),
        str(repo / "course" / "quiz" / "bank" / "__init__.py"),
    ]
    code = SNOOP.replace("SNOOP_PATHS", repr(paths)).replace("SNOOP_PORT", str(port))
    code = code.replace("SNOOP_WRITE", repr(str(course / "pwned.txt")))
    before = {p.pid for p in psutil.process_iter()}
    try:
        result = _run(zygote, _policy(course), [code, "print('after')"])
    finally:
        server.close()
    seen = _text(result, 0)
    assert "SNOOP" in seen, seen
    assert "READ" not in seen and "CONNECTED" not in seen and "WROTE" not in seen, seen
    assert SECRET not in seen and "OPENAI_API_KEY" not in seen
    assert not (course / "pwned.txt").exists()
    assert _text(result, 1).strip() == "after"
    assert result["sandbox"]["user"] == "ok" if ROOT else result["sandbox"]["user"].startswith(NOT_ROOT_USER)
    assert result["sandbox"]["privileges"] == result["sandbox"]["read_only"] == "ok", result["sandbox"]
    time.sleep(0.5)
    left = [
        p
        for p in psutil.process_iter(["pid", "cmdline"])
        if p.pid not in before and (p.info["cmdline"] or [])[-2:] == ["sleep", "987"]
    ]
    assert not left, f"the learner's `sleep 987` outlived its kernel: {left}"


UNDO = """
import ctypes, os, shutil, subprocess
libc = ctypes.CDLL(None, use_errno=True)
seen = {}
seen['umount'] = 'UNMOUNTED' if libc.umount2(b'/tmp', 2) == 0 else os.strerror(ctypes.get_errno())
try:
    os.setuid(0)
    seen['setuid'] = 'ROOT'
except OSError as exc:
    seen['setuid'] = type(exc).__name__
for path in ('/pwned', PYTHON_DIR + '/pwned'):
    try:
        open(path, 'w').write('x')
        seen[path] = 'WROTE'
    except OSError as exc:
        seen[path] = type(exc).__name__
status = dict(line.split(':', 1) for line in open('/proc/self/status') if ':' in line)
seen['caps'] = [k for k in ('CapEff', 'CapPrm', 'CapBnd', 'CapAmb') if int(status[k], 16)]
seen['no_new_privs'] = status['NoNewPrivs'].strip()
if shutil.which('unshare'):
    nested = subprocess.run(['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c',
                             'umount -l /tmp; ls -a ' + COURSE], capture_output=True, text=True)
    seen['nested'] = nested.stdout + nested.stderr
print('UNDO', seen)
"""


def test_the_kernel_cannot_undo_its_sandbox(zygote: Zygote, course: Path) -> None:
    """No capability, no new privileges, a read-only host: the tmpfs over the course stays (also from a
    nested user namespace, where the kernel's mounts are locked), root stays out of reach."""
    if zygote.probe(_policy(course)).get("mount_ns") != "ok":
        pytest.skip("no namespaces here")
    assert str(course).startswith("/tmp/")  # the test's course lies under the tmpfs laid over /tmp
    python_dir = str(Path(sys.executable).parent)
    code = UNDO.replace("COURSE", repr(str(course))).replace("PYTHON_DIR", repr(python_dir))
    seen = _text(_run(zygote, _policy(course), [code]), 0)
    assert seen.startswith("UNDO"), seen
    assert "UNMOUNTED" not in seen and "'setuid': 'ROOT'" not in seen, seen
    assert "WROTE" not in seen and "'caps': []" in seen and "'no_new_privs': '1'" in seen, seen
    assert "gradebook.db" not in seen and "submitted" not in seen, seen  # the course stays hidden
    assert not (Path(python_dir) / "pwned").exists()


def test_loops_are_stopped_and_the_rest_still_runs(zygote: Zygote, course: Path) -> None:
    ignore = (
        "import signal\nfor s in (signal.SIGINT, signal.SIGALRM, signal.SIGTERM):\n"
        "    signal.signal(s, signal.SIG_IGN)\n"
        "while True:\n    try:\n        pass\n    except BaseException:\n        pass"
    )
    sources = ["x = 1", "while True:\n    pass", "y = x + 1", ignore, "print(x, y)"]
    result = _run(zygote, _policy(course, cell_timeout_s=1.5), sources)
    assert "CellTimeout" in _text(result, 1)
    assert "stopped by the grader" in _text(result, 3)
    assert _text(result, 4).strip() == "1 2", "the kernel is replayed without the looping cell"
    kinds = [e["kind"] for e in result["events"]]
    assert kinds.count("stopped") == 2, result["events"]


def test_output_cap_memory_and_exceptions(zygote: Zygote, course: Path) -> None:
    sources = ["print('x' * 50_000_000)", "hog = bytearray(8 * 1024 ** 3)", "1 / 0", "print('fine')"]
    result = _run(zygote, _policy(course, output_bytes=10_000, memory_mb=1024), sources)
    assert len(_text(result, 0)) < 11_000 and "dropped by the grader's byte cap" in _text(result, 0)
    assert ("output_cap", 0) in [(e["kind"], e["cell"]) for e in result["events"]]
    assert "MemoryError" in _text(result, 1)
    assert "ZeroDivisionError" in _text(result, 2)
    assert _text(result, 3).strip() == "fine"


def test_a_fork_per_submission_is_fresh_and_fast(zygote: Zygote, course: Path) -> None:
    first = _run(zygote, _policy(course), ["leak = 'from the last learner'"])
    assert first["outputs"]["0"]["outputs"] == []
    second = _run(zygote, _policy(course), ["print('leak' in dir())"])
    assert _text(second, 0).strip() == "False"
    assert second["elapsed_s"] < 5.0  # a fork, not a kernel start (≈ 0.1-0.2 s idle; generous for a busy box)


def test_the_probe_reports_the_isolation_steps_and_nothing_else(zygote: Zygote, course: Path) -> None:
    report = zygote.probe(_policy(course))
    if report.get("pid_ns") != "ok":
        pytest.skip(f"no PID namespace on this host: {report}")
    assert set(report) == set(sandbox.STEPS), report  # every step, each in the words the warnings use


def test_work_run_forked_comes_back_and_leaves_this_process_alone() -> None:
    def work() -> dict:
        os.environ["GRADER_FORKED_WORK"] = "child only"
        return {"pid": os.getpid(), "text": "x" * 300_000}  # more than a pipe holds at once

    result = sandbox.run_forked(work)
    assert result["pid"] != os.getpid() and len(result["text"]) == 300_000
    assert "GRADER_FORKED_WORK" not in os.environ

    def fails() -> dict:
        raise PermissionError("unshare: operation not permitted")

    assert sandbox.run_forked(fails) == {"error": "PermissionError('unshare: operation not permitted')"}
    assert sandbox.run_forked(lambda: os._exit(9)) == {}  # died before it wrote: nothing to report


def test_a_kernel_keeps_only_the_descriptors_it_is_given(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft <= 1500 and (hard > 1500 or hard == resource.RLIM_INFINITY):  # a normal user's 1024: raise it
        raised = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        request.addfinalizer(lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] <= 1500:
        pytest.skip("the open-files limit is too low to open descriptor 1500")
    r, w = os.pipe()
    kept = os.open(tmp_path / "kept", os.O_CREAT | os.O_WRONLY)
    other = os.open(os.devnull, os.O_RDONLY)
    high = os.dup2(other, 1500)  # above the 1024 the server used to stop at
    pid = os.fork()
    if pid == 0:
        try:
            fork_server._close_fds_except((w, kept))
            is_open = {}
            for name, fd in (("kept", kept), ("other", other), ("high", high)):
                try:
                    os.fstat(fd)
                    is_open[name] = True
                except OSError:
                    is_open[name] = False
            null = os.path.samestat(os.fstat(1), os.stat(os.devnull))
            os.write(w, repr((is_open, null)).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        seen = pipe.read().decode()
    os.waitpid(pid, 0)
    for fd in (kept, other, high):
        os.close(fd)
    assert seen == repr(({"kept": True, "other": False, "high": False}, True))
