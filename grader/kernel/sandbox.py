"""The sandbox around each submission's kernel: Linux namespaces, no privileges, rlimits, a clean environment.

Two modes, decided from the grader's *real* uid before any namespace exists (inside a user namespace every
process looks like root, so asking there would be wrong):

* **root**: new mount, network, PID and IPC namespaces; the kernel ends as ``nobody``.
* **not root** (an instructor's own account): the same namespaces inside a new user namespace that maps the
  grader's uid to itself; the kernel ends as the grader's own user with every capability dropped (so it
  cannot undo a mount), which is all an unprivileged process can do. What that leaves open is reported.

Applied inside the forked child (see :mod:`grader.kernel.zygote`), in this order: a new session (process
group); the namespaces; the mount tree made private, an empty tmpfs laid over every hidden path (the course
folder, the repository with its quiz sources, ``$HOME``, ``/tmp``, ``/dev/shm``, ``/var/tmp``) and the paths
the kernel needs bound back (the Python prefix read-only, the learner's own folder); a hidden folder in
which those paths had to be recreated is made read-only, and so is every other file system of the host, so
the kernel writes only in its own folder and in throw-away tmpfs; a fresh ``/proc``; rlimits (CPU seconds,
address space, file size, processes, no core files); the environment replaced by a minimal one; the user
(``nobody``, or no capabilities); ``PR_SET_NO_NEW_PRIVS`` (a setuid program gains nothing).

Whatever fails is reported, never silently skipped: :func:`probe_child` runs the same steps in a throw-away
child and :func:`warnings` turns what is missing into sentences naming what is not isolated.
"""

from __future__ import annotations

import contextlib
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
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = 32, 1024, 2048, 4096, 16384
MS_NOSYMFOLLOW, MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 256, 1 << 18, 1 << 21, 1 << 24
PR_SET_PDEATHSIG, PR_SET_NAME, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 15, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
NOBODY_UID = NOBODY_GID = 65534
#: per-mount options that a remount must repeat (a user namespace may not clear those the host set)
MOUNT_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
    "nosymfollow": MS_NOSYMFOLLOW,
}

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


@dataclass(frozen=True)
class Identity:
    """Who the grader is, read before any namespace: ``root`` decides the mode."""

    root: bool
    uid: int
    gid: int


def grader_identity() -> Identity:
    """The grader's real uid and gid (the mode: root or not), as the host sees them."""
    return Identity(root=os.getuid() == 0, uid=os.getuid(), gid=os.getgid())


#: the isolation steps, in the words the warnings use
STEPS = {
    "session": "process group (kill everything the kernel started)",
    "mount_ns": "mount namespace (hiding the course folder, quiz sources, gradebook, other learners, $HOME)",
    "read_only": "read-only host (writes only in the learner's own folder and throw-away tmpfs)",
    "net_ns": "network namespace (no network)",
    "pid_ns": "PID namespace (no process left behind, other processes invisible)",
    "ipc_ns": "IPC namespace (no shared memory or message queues with the host)",
    "user": "unprivileged user (nobody)",
    "privileges": "no capabilities, no new privileges (a setuid program gains nothing)",
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


def _unshare(flags: int) -> str:
    """``"ok"`` or ``"failed: <reason>"``."""
    return "ok" if _libc.unshare(flags) == 0 else f"failed: {os.strerror(ctypes.get_errno())}"


def enter_namespaces(report: dict[str, str], who: Identity) -> bool:
    """Unshare mount, network, PID and IPC namespaces (inside a new user namespace when not root). Returns
    whether a PID namespace was made (the caller must then fork: the child is its init)."""
    os.setsid()
    report["session"] = "ok"
    parts = (
        ("mount_ns", CLONE_NEWNS),
        ("net_ns", CLONE_NEWNET),
        ("pid_ns", CLONE_NEWPID),
        ("ipc_ns", CLONE_NEWIPC),
    )
    if not who.root:
        state = _unshare(CLONE_NEWUSER)
        if state != "ok":
            why = f"{state} (no unprivileged user namespaces here: run the grader as root, or enable them)"
            report.update({name: why for name, _ in parts})
            return False
        # the grader's uid and gid mapped to themselves: the kernel keeps its own identity, never root
        try:
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{who.uid} {who.uid} 1")
            Path("/proc/self/gid_map").write_text(f"{who.gid} {who.gid} 1")
        except OSError as exc:
            report.update({name: f"failed: the user namespace's id map: {exc}" for name, _ in parts})
            return False
    if _unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC) == "ok":
        report.update({name: "ok" for name, _ in parts})
    else:  # the pieces one by one, so the report says exactly what is missing
        report.update({name: _unshare(flag) for name, flag in parts})
    return report.get("pid_ns") == "ok"


def _owner(path: str, mounted: list[str]) -> str | None:
    """The deepest mounted hidden folder that holds ``path`` (None: none does)."""
    holders = [h for h in mounted if path == h or path.startswith(h.rstrip("/") + "/")]
    return max(holders, key=len) if holders else None


def hide_paths(policy: Policy, report: dict[str, str]) -> None:
    """Lay tmpfs over the hidden paths, bind back what the kernel needs, then make the rest read-only (in
    the mount namespace)."""
    if report.get("mount_ns") != "ok":
        report["read_only"] = "not attempted: no mount namespace"
        return
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        keep = {
            p: os.open(p, os.O_PATH | os.O_DIRECTORY)
            for p in (*policy.keep_ro, policy.cwd)
            if Path(p).is_dir()
        }
        mounted: list[str] = []
        for path in sorted(set(policy.hide), key=lambda p: p.count("/")):
            if os.path.isdir(path):
                _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
                mounted.append(path)
            elif os.path.isfile(path):
                _mount("/dev/null", path, None, MS_BIND)
        # a hidden folder in which the kept paths are recreated is read-only: nothing there to write
        scaffolded = {owner for p in keep if (owner := _owner(p, mounted)) is not None}
        for path in keep:
            os.makedirs(path, exist_ok=True)
        for path in scaffolded:
            _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        for path, fd in keep.items():
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            if path != policy.cwd:
                _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
            os.close(fd)
        report["mount_ns"] = "ok"
    except OSError as exc:
        report["mount_ns"] = f"failed: {exc}"
        report["read_only"] = "not attempted: the mount namespace failed"
        return
    report["read_only"] = read_only_host(writable={policy.cwd, *(set(mounted) - scaffolded)})


def _unescape(field_text: str) -> str:
    """A path as /proc/self/mountinfo writes it (space, tab, newline and backslash as octal escapes)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field_text = field_text.replace(code, char)
    return field_text


def read_only_host(*, writable: set[str]) -> str:
    """Remount every mount of this namespace read-only except ``writable`` ones (and /proc, replaced later).

    A user namespace may add ``ro`` to the host's mounts but not clear their other flags, so each remount
    repeats them. Returns the step's report."""
    tops: dict[str, int] = {}  # mount point -> its flags; the last line of a point is the mount on top
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        point, options = _unescape(fields[4]), fields[5].split(",")
        tops[point] = sum(MOUNT_FLAGS.get(o, 0) for o in options) | (MS_RDONLY if "ro" in options else 0)
    failed = []
    for point, flags in tops.items():
        if point in writable or flags & MS_RDONLY or point == "/proc" or point.startswith("/proc/"):
            continue
        if not os.path.lexists(point):
            continue  # under a hidden folder: out of reach already
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
        except OSError as exc:
            failed.append(f"{point} ({os.strerror(exc.errno or 0)})")
    if failed:
        return f"failed for {len(failed)} mount(s): {', '.join(failed[:5])}"
    return "ok"


def mount_proc(report: dict[str, str]) -> None:
    """A /proc of the new PID namespace (called as its init)."""
    if report.get("pid_ns") == "ok" and report.get("mount_ns") == "ok":
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError as exc:
            report["pid_ns"] = f"ok, but /proc not remounted: {exc}"


def die_with_parent() -> None:
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


#: the process names (``ps -o comm``) of a forked learner kernel and of a sandbox probe: a fork keeps its
#: parent's command line, so without them both look like the fork server
KERNEL_NAME, PROBE_NAME = "grader-kernel", "grader-probe"


def name_process(name: str) -> None:
    """Set this process's name as ``ps`` and ``/proc/PID/comm`` show it (at most 15 bytes kept)."""
    _libc.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_bounding_set() -> None:
    """No capability can come back through an exec (needs CAP_SETPCAP: call while still privileged)."""
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def _drop_capabilities() -> None:
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def privileges_state() -> str:
    """``"ok"`` when this process holds no capability (effective, permitted, bounding, ambient) and has
    no_new_privs set; else what is left."""
    status = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    left = [k for k in ("CapEff", "CapPrm", "CapBnd", "CapAmb") if int(status.get(k, "0").strip(), 16)]
    if status.get("NoNewPrivs", "0").strip() != "1":
        left.append("no_new_privs not set")
    return "ok" if not left else f"failed: still held: {', '.join(left)}"


def drop_privileges(policy: Policy, report: dict[str, str], who: Identity) -> None:
    """rlimits, a minimal environment, the learner's folder as cwd and home, then the user (nobody, or the
    grader's own without capabilities) and no new privileges."""
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
    with contextlib.suppress(OSError):  # what is left is checked below, with the rest
        _drop_bounding_set()
    if who.root:
        try:
            os.setgroups([])
            os.setgid(NOBODY_GID)
            os.setuid(NOBODY_UID)  # clears every capability
            report["user"] = "ok"
        except OSError as exc:
            report["user"] = f"failed: {exc}"
    else:
        report["user"] = (
            f"not available: the grader is not root, so the kernel runs as the grader's own user (uid "
            f"{who.uid}), without capabilities; it can read what that user can read outside the hidden paths"
        )
        try:
            _drop_capabilities()
        except OSError as exc:
            report["privileges"] = f"failed: {exc}"
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    die_with_parent()  # cleared by setuid, so set after it
    report.setdefault("privileges", privileges_state())


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
    who = grader_identity()  # before the namespaces: inside a user namespace everyone looks like root
    report: dict[str, str] = {}
    pid_ns = enter_namespaces(report, who)
    hide_paths(policy, report)
    if pid_ns:

        def as_init() -> dict[str, str]:  # the new PID namespace's first process
            mount_proc(report)
            drop_privileges(policy, report, who)
            return report

        return run_forked(as_init)
    drop_privileges(policy, report, who)
    return report


def warnings(report: dict[str, str]) -> list[str]:
    """One sentence per isolation step that is not in force."""
    out = []
    for step, meaning in STEPS.items():
        state = report.get(step, "not attempted")
        if state != "ok":
            out.append(f"NOT ISOLATED: {meaning}: {state}.")
    return out
