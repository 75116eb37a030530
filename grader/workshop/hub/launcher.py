"""Start the room's JupyterHub from the shipped config, wait until it answers, and stop it with everything it
started (the proxy, every user's server and their kernels), even when the hub itself has died.

The hub runs in its own session, so a Ctrl-C reaches the launcher only, which then stops the hub in order:
SIGTERM (JupyterHub stops the user servers and the proxy itself), then any process of its tree still alive.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from grader.workshop.hub.settings import (
    ENV_INSTRUCTOR_PASSWORD,
    ENV_PASSWORD,
    ENV_SETTINGS,
    HubError,
    HubSettings,
    Passwords,
)

CONFIG_FILE = Path(__file__).resolve().parent / "jupyterhub_config.py"
LOG_TAIL_LINES = 40


def free_port(ip: str = "127.0.0.1") -> int:
    """A TCP port free on ``ip`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


def check_port_free(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((ip, port))
        except OSError as exc:
            raise HubError(
                f"cannot listen on {ip}:{port}: {exc.strerror or exc}.",
                fix="Stop what uses that port, or choose another with --port (0: any free port).",
            ) from exc


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process (``ps``: Linux and macOS)."""
    out = subprocess.run(
        ["ps", "-ww", "-A", "-o", "pid=,ppid=,args="], capture_output=True, text=True, timeout=30
    )
    table: dict[int, tuple[int, str]] = {}
    for line in out.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            table[int(parts[0])] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return table


def descendants(pid: int, table: dict[int, tuple[int, str]] | None = None) -> dict[int, str]:
    """Every process below ``pid``: pid -> command line."""
    table = process_table() if table is None else table
    children: dict[int, list[int]] = {}
    for child, (parent, _args) in table.items():
        children.setdefault(parent, []).append(child)
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        if child not in found:
            found[child] = table[child][1]
            todo.extend(children.get(child, []))
    return found


@dataclass
class RunningHub:
    """A hub started by :func:`start`; ``tree`` is its last known process tree (pid -> command line)."""

    settings: HubSettings
    process: subprocess.Popen
    ready_s: float = 0.0
    tree: dict[int, str] = field(default_factory=dict)

    def remember_tree(self) -> None:
        if self.process.poll() is None:
            self.tree.update(descendants(self.process.pid))


def _hub_env(settings: HubSettings, passwords: Passwords) -> dict[str, str]:
    env = dict(os.environ)
    env[ENV_SETTINGS] = str(settings.settings_path)
    env[ENV_PASSWORD] = passwords.learner
    env[ENV_INSTRUCTOR_PASSWORD] = passwords.instructor
    env["PATH"] = os.pathsep.join([str(Path(settings.python).parent), env.get("PATH", "")])
    return env


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(settings: HubSettings, passwords: Passwords, *, ready_timeout_s: float = 90.0) -> RunningHub:
    """Start ``jupyterhub -f jupyterhub_config.py`` for a prepared room; return once it answers through its
    proxy. Its log goes to ``settings.log_path``. On failure everything started is stopped again."""
    check_port_free(settings.ip, settings.port)
    settings.log_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with open(settings.log_path, "ab") as log:
        process = subprocess.Popen(
            [settings.python, "-m", "jupyterhub", "-f", str(CONFIG_FILE)],
            cwd=settings.state_dir,
            env=_hub_env(settings, passwords),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = RunningHub(settings=settings, process=process)
    health = f"{settings.url}hub/health"
    try:
        while not _answers(health):
            hub.remember_tree()
            if process.poll() is not None:
                raise HubError(
                    f"JupyterHub exited ({process.returncode}) before it answered. Its log "
                    f"({settings.log_path}) ends with:\n{log_tail(settings.log_path)}",
                    fix="Read the log above; rerun once the cause is fixed.",
                )
            if time.perf_counter() - t0 > ready_timeout_s:
                raise HubError(
                    f"JupyterHub did not answer at {health} within {ready_timeout_s:.0f} s. "
                    f"Its log ends with:\n{log_tail(settings.log_path)}",
                    fix="Read the log above (a busy machine may just need more time).",
                )
            time.sleep(0.2)
    except BaseException:
        stop(hub)
        raise
    hub.ready_s = time.perf_counter() - t0
    hub.remember_tree()
    return hub


def _alive(pid: int, args: str, table: dict[int, tuple[int, str]]) -> bool:
    """Still running as the same program (a reused pid runs another command line)."""
    return pid in table and table[pid][1] == args


def stop(hub: RunningHub, *, timeout_s: float = 30.0) -> dict[int, str]:
    """Stop the hub (SIGTERM: it stops the user servers and the proxy), then whatever of its tree survived.
    Returns the processes that had to be killed after the hub had gone (pid -> command line)."""
    hub.remember_tree()
    if hub.process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(hub.process.pid, signal.SIGTERM)
        try:
            hub.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(hub.process.pid, signal.SIGKILL)
            hub.process.wait(timeout=10)
    survivors: dict[int, str] = {}
    for sig in (signal.SIGTERM, signal.SIGKILL):
        table = process_table()
        left = {p: a for p, a in hub.tree.items() if _alive(p, a, table)}
        if not left:
            break
        survivors.update(left)
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and any(_alive(p, a, process_table()) for p, a in left.items()):
            time.sleep(0.2)
    return survivors
