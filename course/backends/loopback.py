"""Loopback servers: start and stop an OpenAI-compatible server on a free port of this machine.

"Loopback" as opposed to the in-process backend (:mod:`course.backends.inprocess`, no HTTP) and a
remote API (:mod:`course.backends.api`). Two servers, both serving a local GGUF named as everywhere
in the course (a path, a catalogue name, ``embedded[:QUANT]``, ``synthetic:NAME[:QUANT]``; the
embedded model by default):

- :func:`llama_cpp_server` runs ``python -m llama_cpp.server`` (llama-cpp-python's server): always
  installed, serves ONE request at a time.
- :func:`llama_server` runs llama.cpp's own ``llama-server`` (``make llama-server`` builds it):
  parallel slots with continuous batching, which is what makes self-hosted cost per token fall
  with concurrency.

Both are context managers that wait until the server answers ``/v1/models`` and always stop it
(terminate, then kill, the whole process group), with an ``atexit`` safety net and, on Linux, a
parent-death signal (a killed kernel leaves no server behind). They do not inherit the learner's
API keys or other secrets from the environment. Usage::

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

from course.backends.api import LOOPBACK_DUMMY_KEY, ApiBackend
from course.backends.base import clock
from course.backends.offload import decide_gpu_layers
from course.backends.tokens import GgufTokenCounter, gguf_token_counter
from course.config import ENV_OPENAI_API_KEY, load_settings
from course.errors import ConfigError, ServerStartError
from course.models.resolve import check_gguf_file, resolve_model

ServerKind = Literal["llama_cpp.server", "llama-server"]
ENV_LLAMA_SERVER = "COURSE_LLAMA_SERVER"
STOP_GRACE_S = 5.0  # how long a server gets to exit after SIGTERM before SIGKILL
LOG_TAIL_LINES = 25
#: Environment variables a server is not given: the learner's API keys, tokens and passwords.
SECRET_ENV_MARKERS = ("API_KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL")


@dataclass(frozen=True)
class LoopbackServer:
    """A running loopback server; ``base_url`` ends in ``/v1``.

    ``returns_logprobs``: whether it can send token log-probabilities (llama-server always; a
    llama_cpp.server only when its model was loaded with ``logits_all``). Its :meth:`backend` declares
    that, and asks for log-probabilities and JSON schemas in the shape this kind of server understands.
    """

    base_url: str
    model_alias: str
    pid: int
    kind: ServerKind
    log_path: Path
    model_path: Path
    returns_logprobs: bool = True

    def tokenizer(self) -> GgufTokenCounter:
        """The served model's own tokenizer, counting as this server does (shared, thread-safe)."""
        bos = self.kind == "llama-server"  # it adds BOS to templated prompts; llama_cpp.server does not
        return gguf_token_counter(self.model_path, add_bos_with_template=bos)

    def backend(self, **options: Any) -> ApiBackend:
        """An :class:`ApiBackend` for this server, counting tokens with the served model's tokenizer."""
        options.setdefault("tokenizer", self.tokenizer())
        options.setdefault("server", self.kind)
        options.setdefault("supports_logprobs", self.returns_logprobs)
        return ApiBackend(self.model_alias, base_url=self.base_url, api_key=LOOPBACK_DUMMY_KEY, **options)


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


# Linux: run the server through a launcher that asks the kernel to SIGKILL it when this process dies,
# so even a killed Jupyter kernel (no atexit) leaves no server behind. The request survives exec.
# It fires when the *thread* that started the server exits: start servers from a long-lived thread.
# SIGKILL, not SIGTERM: an orphaned server has nothing to save, and a llama-server whose parent died while
# it was still loading outlived the SIGTERM (seen on a loaded 2-core box: still running 60 s later).
_LAUNCHER = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
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
    returns_logprobs: bool = True,
) -> Iterator[LoopbackServer]:
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
        yield LoopbackServer(base_url, model_alias, proc.pid, kind, log_path, model_path, returns_logprobs)
    finally:
        _stop(proc)


def _model(model: str | Path | None) -> Path:
    """A GGUF for ``model``, named as everywhere in the course (None: ``COURSE_MODEL``, else SmolLM2)."""
    path = resolve_model(model)
    check_gguf_file(path)
    return path


def server_env(*, drop: Sequence[str] = ()) -> dict[str, str]:
    """This environment for a server subprocess, minus secrets (``OPENAI_API_KEY`` and alike) and ``drop``."""
    dropped = {name.lower() for name in drop}
    return {
        k: v
        for k, v in os.environ.items()
        if k != ENV_OPENAI_API_KEY
        and not any(marker in k.upper() for marker in SECRET_ENV_MARKERS)
        and k.lower() not in dropped
    }


def _threads(n_threads: int | None) -> int:
    if n_threads is not None and n_threads < 1:
        raise ConfigError(
            f"n_threads={n_threads} asks for no CPU threads.",
            fix="Pass a positive count, or leave it unset (COURSE_THREADS, else every logical core).",
        )
    return n_threads if n_threads is not None else load_settings().n_threads


# --- llama_cpp.server -------------------------------------------------------------------------------


def _llama_cpp_server_env() -> dict[str, str]:
    """The server environment minus variables llama_cpp.server would read as settings (PORT, ...)."""
    from llama_cpp.server.settings import Settings

    env = server_env(drop=list(Settings.model_fields))
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def llama_cpp_server(
    model: str | Path | None = None,
    *,
    n_ctx: int = 2048,
    n_threads: int | None = None,
    n_gpu_layers: int | None = None,
    model_alias: str | None = None,
    start_timeout_s: float = 60.0,
    logits_all: bool = True,
    extra_args: Sequence[str] = (),
) -> Iterator[LoopbackServer]:
    """Run ``python -m llama_cpp.server`` on a free loopback port (ready in about 3-6 s).

    It serves ONE request at a time: concurrent requests queue. ``--interrupt_requests False`` keeps
    its default from killing a running stream when another request arrives. The chat format comes
    from the GGUF's template. ``n_gpu_layers=None``: ``COURSE_GPU_LAYERS``, else all layers when
    this llama-cpp-python build can offload, else none (:func:`~course.backends.offload.decide_gpu_layers`).
    ``logits_all`` (llama_cpp.server's default, True) keeps every token's logits, which it needs to
    return log-probabilities; False saves that memory and work, and the server then cannot return them.
    """
    path = _model(model)
    alias = model_alias or path.stem
    offload = decide_gpu_layers(n_gpu_layers)
    threads = _threads(n_threads)
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(path), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx), "--n_threads", str(threads), "--n_threads_batch", str(threads),
        "--n_gpu_layers", str(offload.gpu_layers),
        "--interrupt_requests", "False",
        "--logits_all", str(bool(logits_all)),
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
        returns_logprobs=bool(logits_all),
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
    """The server environment minus variables llama-server reads as options (LLAMA_ARG_*)."""
    return {k: v for k, v in server_env().items() if not k.startswith("LLAMA_ARG_")}


@contextmanager
def llama_server(
    model: str | Path | None = None,
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
) -> Iterator[LoopbackServer]:
    """Run llama.cpp's ``llama-server`` with ``parallel`` slots on a free loopback port.

    ``--parallel N`` splits the context between slots, so ``-c`` is ``parallel * ctx_per_slot``.
    Continuous batching (on by default) lets streams join a running batch. It caches prompts per
    slot: vary prompts when timing. ``n_gpu_layers=None``: ``COURSE_GPU_LAYERS``, else all layers when
    this llama-cpp-python build can offload, else none (the same decision as the in-process backend).
    """
    if parallel < 1 or ctx_per_slot < 1:
        raise ValueError("parallel and ctx_per_slot must be at least 1")
    binary = find_llama_server()
    path = _model(model)
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
        "--n-gpu-layers", decide_gpu_layers(n_gpu_layers).llama_server_arg(),
        *extra_args,
    ]  # fmt: skip
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
    "LoopbackServer",
    "ServerKind",
    "find_llama_server",
    "free_port",
    "llama_cpp_server",
    "llama_server",
    "llama_server_available",
    "llama_server_path",
    "running_server_pids",
    "server_env",
]
