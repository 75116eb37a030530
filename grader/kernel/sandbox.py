"""The sandbox around each submission's kernel: Linux namespaces, an unprivileged user, rlimits, a clean
environment.

Applied inside the forked child (see :mod:`grader.kernel.zygote`), in this order: a new session (process
group); new mount, network and PID namespaces (``unshare``; a user namespace too when the grader is not
root); the mount tree made private, then a tmpfs laid over every hidden path (the course folder, the
repository with its quiz sources, ``$HOME``, ``/tmp``, ``/dev/shm``) and the paths the kernel needs bound
back (the Python prefix read-only, the learner's own folder); a fresh ``/proc``; rlimits (CPU seconds,
address space, file size, processes, no core files); the environment replaced by a minimal one; finally the
``nobody`` user.

Whatever fails is reported, never silently skipped: :func:`probe` runs the same steps in a throw-away child
and :func:`warnings` turns what is missing into sentences naming what is not isolated.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import resource
import signal
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
NOBODY_UID = NOBODY_GID = 65534

#: environment variables the kernel keeps (everything else, API keys included, is dropped)
KEPT_ENV = ("LANG", "LC_ALL", "TZ")

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission (units in the names)."""

    cell_timeout_s: float = 30.0
    wall_s: float = 300.0
    cpu_s: int = 120
    memory_mb: int = 2048
    file_mb: int = 16
    output_bytes: int = 100_000
    processes: int = 256


@dataclass(frozen=True)
class Policy:
    """What to hide from the kernel and what to give back; ``cwd`` is the learner's own folder."""

    cwd: str
    hide: tuple[str, ...] = ()
    keep_ro: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Policy:
        return cls(
            cwd=data["cwd"],
            hide=tuple(data["hide"]),
            keep_ro=tuple(data["keep_ro"]),
            limits=Limits(**data["limits"]),
        )


#: the isolation steps, in the words the warnings use
STEPS = {
    "session": "process group (kill everything the kernel started)",
    "mount_ns": "mount namespace (hiding the course folder, quiz sources, gradebook, other learners, $HOME)",
    "net_ns": "network namespace (no network)",
    "pid_ns": "PID namespace (no process left behind, other processes invisible)",
    "user": "unprivileged user (nobody)",
    "rlimits": "rlimits (CPU time, memory, file size, processes)",
    "env": "clean environment (no API keys)",
}


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def enter_namespaces(report: dict[str, str]) -> bool:
    """Unshare mount, network and PID namespaces (plus a user namespace when not root). Returns whether a
    PID namespace was made (the caller must then fork: the child is its init)."""
    os.setsid()
    report["session"] = "ok"
    root = os.geteuid() == 0
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | (0 if root else CLONE_NEWUSER)
    if _libc.unshare(flags) != 0:
        # try the pieces one by one, so the report says exactly what is missing
        for name, flag in (("mount_ns", CLONE_NEWNS), ("net_ns", CLONE_NEWNET), ("pid_ns", CLONE_NEWPID)):
            extra = 0 if root else CLONE_NEWUSER
            ok = _libc.unshare(flag | extra) == 0
            report[name] = "ok" if ok else f"failed: {os.strerror(ctypes.get_errno())}"
    else:
        report.update(mount_ns="ok", net_ns="ok", pid_ns="ok")
    if not root and report.get("mount_ns") == "ok":
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
    return report.get("pid_ns") == "ok"


def hide_paths(policy: Policy, report: dict[str, str]) -> None:
    """Lay tmpfs over the hidden paths and bind back what the kernel needs (in the mount namespace)."""
    if report.get("mount_ns") != "ok":
        return
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        keep = {
            p: os.open(p, os.O_PATH | os.O_DIRECTORY)
            for p in (*policy.keep_ro, policy.cwd)
            if Path(p).is_dir()
        }
        for path in sorted(set(policy.hide), key=lambda p: p.count("/")):
            if os.path.isdir(path):
                _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
            elif os.path.isfile(path):
                _mount("/dev/null", path, None, MS_BIND)
        for path, fd in keep.items():
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            if path != policy.cwd:
                _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
            os.close(fd)
        report["mount_ns"] = "ok"
    except OSError as exc:
        report["mount_ns"] = f"failed: {exc}"


def mount_proc(report: dict[str, str]) -> None:
    """A /proc of the new PID namespace (called as its init)."""
    if report.get("pid_ns") == "ok" and report.get("mount_ns") == "ok":
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError as exc:
            report["pid_ns"] = f"ok, but /proc not remounted: {exc}"


def die_with_parent() -> None:
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def drop_privileges(policy: Policy, report: dict[str, str]) -> None:
    """rlimits, a minimal environment, the learner's folder as cwd and home, then the nobody user."""
    lim = policy.limits
    try:
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_CPU, (lim.cpu_s, lim.cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_AS, (lim.memory_mb * mb, lim.memory_mb * mb))
        resource.setrlimit(resource.RLIMIT_FSIZE, (lim.file_mb * mb, lim.file_mb * mb))
        resource.setrlimit(resource.RLIMIT_NPROC, (lim.processes, lim.processes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        report["rlimits"] = "ok"
    except (OSError, ValueError) as exc:
        report["rlimits"] = f"failed: {exc}"
    kept = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    os.environ.clear()
    os.environ.update(
        kept,
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
        HOME=policy.cwd,
        NBGRADER_EXECUTION="autograde",
        MPLBACKEND="Agg",
    )
    report["env"] = "ok"
    os.chdir(policy.cwd)
    if os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY_GID)
            os.setuid(NOBODY_UID)
            report["user"] = "ok"
        except OSError as exc:
            report["user"] = f"failed: {exc}"
    else:
        report["user"] = "not available: the grader is not root, so the kernel runs as the grader's own user"
    die_with_parent()  # cleared by setuid, so set after it


def run_forked(work: Callable[[], dict]) -> dict:
    """``work()`` run in a forked child, its dict sent back as JSON through a pipe.

    For steps that must not touch the calling process (namespaces, rlimits, another user): the child always
    ends with ``os._exit``, so it never returns into the caller's code, and whatever it raises comes back as
    ``{"error": repr(exc)}``. A child killed before it wrote anything gives ``{}``."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            try:
                data = json.dumps(work()).encode()
            except BaseException as exc:  # reported to the parent, never raised into the copy of its stack
                data = json.dumps({"error": repr(exc)}).encode()
            while data:
                data = data[os.write(w, data) :]
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        data = pipe.read()  # until the child's end closes (it exited)
    os.waitpid(pid, 0)
    return json.loads(data or b"{}")


def probe_child(policy: Policy) -> dict[str, str]:
    """Run every step in this (forked) process and return the report (used by :func:`probe`)."""
    report: dict[str, str] = {}
    pid_ns = enter_namespaces(report)
    hide_paths(policy, report)
    if pid_ns:

        def as_init() -> dict[str, str]:  # the new PID namespace's first process
            mount_proc(report)
            drop_privileges(policy, report)
            return report

        return run_forked(as_init)
    drop_privileges(policy, report)
    return report


def warnings(report: dict[str, str]) -> list[str]:
    """One sentence per isolation step that is not in force."""
    out = []
    for step, meaning in STEPS.items():
        state = report.get(step, "not attempted")
        if state != "ok":
            out.append(f"NOT ISOLATED: {meaning}: {state}.")
    return out
