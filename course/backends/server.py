"""Start and stop a local OpenAI-compatible server on a free loopback port.

Two servers, both serving a local GGUF (the embedded model by default):

- :func:`llama_cpp_server` runs ``python -m llama_cpp.server`` (llama-cpp-python's server): always
  installed, serves ONE request at a time.
- :func:`llama_server` runs llama.cpp's own ``llama-server`` (``make llama-server`` builds it):
  parallel slots with continuous batching, which is what makes self-hosted cost per token fall
  with concurrency.

Both are context managers that wait until the server answers ``/v1/models`` and always stop it
(terminate, then kill, the whole process group), with an ``atexit`` safety net and, on Linux, a
parent-death signal (a killed kernel leaves no server behind). Usage::

    with llama_server(parallel=4) as srv:
        backend = srv.backend()
        print(backend.ask("What is a GPU?"))
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from course.backends.base import clock
from course.backends.openai_compat import (
    LOCAL_DUMMY_KEY,
    ApiBackend,
    gguf_token_counter,
    register_local_model,
    unregister_local_model,
)
from course.config import load_settings
from course.errors import ModelNotFoundError, ServerStartError

ServerKind = Literal["llama_cpp.server", "llama-server"]
ENV_LLAMA_SERVER = "COURSE_LLAMA_SERVER"
STOP_GRACE_S = 5.0  # how long a server gets to exit after SIGTERM before SIGKILL
LOG_TAIL_LINES = 25


@dataclass(frozen=True)
class LocalServer:
    """A running local server; ``base_url`` ends in ``/v1``."""

    base_url: str
    model_alias: str
    pid: int
    kind: ServerKind
    log_path: Path
    model_path: Path

    def backend(self, **options: Any) -> ApiBackend:
        """An :class:`ApiBackend` for this server, counting tokens with the served model's tokenizer."""
        bos = self.kind == "llama-server"  # it adds BOS to templated prompts; llama_cpp.server does not
        options.setdefault("tokenizer", gguf_token_counter(self.model_path, add_bos_with_template=bos))
        return ApiBackend(self.model_alias, base_url=self.base_url, api_key=LOCAL_DUMMY_KEY, **options)


# --- processes --------------------------------------------------------------------------------------

_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_LIVE_LOCK = threading.Lock()
_ATEXIT_REGISTERED = False


def _stop_all_at_exit() -> None:
    """Safety net: stop every server still running when the interpreter exits."""
    with _LIVE_LOCK:
        procs = list(_LIVE.values())
    for proc in procs:
        _stop(proc)


def _track(proc: subprocess.Popen[bytes]) -> None:
    global _ATEXIT_REGISTERED
    with _LIVE_LOCK:
        _LIVE[proc.pid] = proc
        if not _ATEXIT_REGISTERED:
            atexit.register(_stop_all_at_exit)
            _ATEXIT_REGISTERED = True


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, sig)  # the server leads its own process group (start_new_session)
        elif sig == signal.SIGTERM:
            proc.terminate()
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server's process group, kill it if it lingers, and reap it (no zombie)."""
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=STOP_GRACE_S)
    _signal_group(proc, signal.SIGKILL)  # any child left behind in the group
    with _LIVE_LOCK:
        _LIVE.pop(proc.pid, None)


# Linux: run the server through a launcher that asks the kernel to SIGTERM it when this process dies,
# so even a killed Jupyter kernel (no atexit) leaves no server behind. The request survives exec.
# It fires when the *thread* that started the server exits: start servers from a long-lived thread.
_LAUNCHER = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit("parent exited before the server started")
os.execvp(sys.argv[2], sys.argv[2:])
"""


def _with_launcher(cmd: Sequence[str]) -> list[str]:
    if sys.platform.startswith("linux"):
        return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *cmd]
    return list(cmd)


def running_server_pids() -> list[int]:
    """Pids of servers started by this process and not yet stopped."""
    with _LIVE_LOCK:
        return sorted(_LIVE)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False  # not listening yet, or 503 while loading


@contextmanager
def _serve(
    cmd: Sequence[str],
    *,
    kind: ServerKind,
    port: int,
    model_path: Path,
    model_alias: str,
    start_timeout_s: float,
    env: dict[str, str] | None = None,
) -> Iterator[LocalServer]:
    log_dir = load_settings().cache_dir / "servers"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{kind}-{port}.log"
    base_url = f"http://127.0.0.1:{port}/v1"
    with open(log_path, "wb") as log:
        popen_kwargs: dict[str, Any] = {"start_new_session": True} if os.name == "posix" else {}
        proc = subprocess.Popen(
            _with_launcher(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            **popen_kwargs,
        )
    _track(proc)
    try:
        deadline = clock() + start_timeout_s
        while not _healthy(f"{base_url}/models"):
            if proc.poll() is not None:
                raise ServerStartError(
                    f"{kind} exited with code {proc.returncode} before it was ready. Its log ends:\n"
                    f"{_log_tail(log_path)}",
                    fix=f"Read the log above (full log: {log_path}); check the model file and the options.",
                )
            if clock() > deadline:
                raise ServerStartError(
                    f"{kind} did not answer {base_url}/models within {start_timeout_s:g} s. Its log ends:\n"
                    f"{_log_tail(log_path)}",
                    fix="Pass a larger start_timeout_s= (big models load slowly) or read the log: "
                    f"{log_path}",
                )
            time.sleep(0.1)
        register_local_model(base_url, model_path, add_bos_with_template=kind == "llama-server")
        yield LocalServer(base_url, model_alias, proc.pid, kind, log_path, model_path)
    finally:
        unregister_local_model(base_url)
        _stop(proc)


def _model(model_path: str | Path | None) -> Path:
    if model_path is None:
        from course.models.embedded import ensure_embedded_model

        return ensure_embedded_model()
    path = Path(model_path).expanduser()
    if not path.is_file():
        raise ModelNotFoundError(f"No model file at {path}.", fix="Pass the path of a GGUF file.")
    return path


def _threads(n_threads: int | None) -> int:
    return n_threads if n_threads is not None else load_settings().n_threads


# --- llama_cpp.server -------------------------------------------------------------------------------


def _llama_cpp_server_env() -> dict[str, str]:
    """This environment minus variables llama_cpp.server would read as settings (API_KEY, PORT, ...)."""
    from llama_cpp.server.settings import Settings

    fields = {name.lower() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.lower() not in fields}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def llama_cpp_server(
    model_path: str | Path | None = None,
    *,
    n_ctx: int = 2048,
    n_threads: int | None = None,
    n_gpu_layers: int | None = None,
    model_alias: str | None = None,
    start_timeout_s: float = 60.0,
    extra_args: Sequence[str] = (),
) -> Iterator[LocalServer]:
    """Run ``python -m llama_cpp.server`` on a free loopback port (ready in about 3-6 s).

    It serves ONE request at a time: concurrent requests queue. ``--interrupt_requests False`` keeps
    its default from killing a running stream when another request arrives. The chat format comes
    from the GGUF's template. ``n_gpu_layers=None``: ``COURSE_GPU_LAYERS``, else all layers when
    this llama-cpp-python build can offload, else none.
    """
    path = _model(model_path)
    alias = model_alias or path.stem
    if n_gpu_layers is None:
        n_gpu_layers = load_settings().gpu_layers
    if n_gpu_layers is None:
        import llama_cpp

        n_gpu_layers = -1 if llama_cpp.llama_supports_gpu_offload() else 0
    threads = _threads(n_threads)
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(path), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx), "--n_threads", str(threads), "--n_threads_batch", str(threads),
        "--n_gpu_layers", str(n_gpu_layers),
        "--interrupt_requests", "False",
        *extra_args,
    ]  # fmt: skip
    with _serve(
        cmd,
        kind="llama_cpp.server",
        port=port,
        model_path=path,
        model_alias=alias,
        start_timeout_s=start_timeout_s,
        env=_llama_cpp_server_env(),
    ) as server:
        yield server


# --- llama-server -----------------------------------------------------------------------------------


def llama_server_path() -> Path:
    """Where the ``llama-server`` binary is expected: ``COURSE_LLAMA_SERVER``, else the course cache."""
    override = os.environ.get(ENV_LLAMA_SERVER, "").strip()
    if override:
        return Path(override).expanduser()
    return load_settings().cache_dir / "llama.cpp" / "bin" / "llama-server"


def llama_server_available() -> bool:
    """True when an executable ``llama-server`` is where :func:`llama_server_path` says."""
    path = llama_server_path()
    return path.is_file() and os.access(path, os.X_OK)


def find_llama_server() -> Path:
    """The ``llama-server`` binary; raises :class:`ServerStartError` saying how to build it."""
    path = llama_server_path()
    if not llama_server_available():
        raise ServerStartError(
            f"llama.cpp's llama-server is not at {path}.",
            fix="Run `make llama-server` (about 3-4 min; it builds it from the vendored llama.cpp source), "
            f"or point {ENV_LLAMA_SERVER} at an existing binary.",
        )
    return path


def _llama_server_env() -> dict[str, str]:
    """This environment minus variables llama-server reads as options (LLAMA_ARG_*, LLAMA_API_KEY)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LLAMA_ARG_") and k != "LLAMA_API_KEY"}


@contextmanager
def llama_server(
    model_path: str | Path | None = None,
    *,
    parallel: int = 4,
    ctx_per_slot: int = 512,
    n_threads: int | None = None,
    threads_batch: int | None = None,
    cont_batching: bool = True,
    n_gpu_layers: int | None = None,
    model_alias: str | None = None,
    start_timeout_s: float = 60.0,
    extra_args: Sequence[str] = (),
) -> Iterator[LocalServer]:
    """Run llama.cpp's ``llama-server`` with ``parallel`` slots on a free loopback port.

    ``--parallel N`` splits the context between slots, so ``-c`` is ``parallel * ctx_per_slot``.
    Continuous batching (on by default) lets streams join a running batch. It caches prompts per
    slot: vary prompts when timing. ``n_gpu_layers=None``: ``COURSE_GPU_LAYERS``, else the binary's
    default.
    """
    if parallel < 1 or ctx_per_slot < 1:
        raise ValueError("parallel and ctx_per_slot must be at least 1")
    binary = find_llama_server()
    path = _model(model_path)
    alias = model_alias or path.stem
    threads = _threads(n_threads)
    port = free_port()
    cmd = [
        str(binary),
        "--model", str(path), "--alias", alias,
        "--host", "127.0.0.1", "--port", str(port),
        "--ctx-size", str(parallel * ctx_per_slot), "--parallel", str(parallel),
        "--threads", str(threads), "--threads-batch", str(threads_batch or threads),
        "--cont-batching" if cont_batching else "--no-cont-batching",
        "--no-webui",
    ]  # fmt: skip
    if n_gpu_layers is None:
        n_gpu_layers = load_settings().gpu_layers
    if n_gpu_layers is not None:
        cmd += ["--n-gpu-layers", str(n_gpu_layers)]
    cmd += list(extra_args)
    with _serve(
        cmd,
        kind="llama-server",
        port=port,
        model_path=path,
        model_alias=alias,
        start_timeout_s=start_timeout_s,
        env=_llama_server_env(),
    ) as server:
        yield server


__all__ = [
    "ENV_LLAMA_SERVER",
    "LocalServer",
    "ServerKind",
    "find_llama_server",
    "free_port",
    "llama_cpp_server",
    "llama_server",
    "llama_server_available",
    "llama_server_path",
    "running_server_pids",
]
