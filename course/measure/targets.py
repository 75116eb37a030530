"""What a timing run talks to: the in-process backend, an API, or a loopback server the run starts and stops.

:func:`bench_target` is a context manager yielding a :class:`Target` whose ``source`` is what
:func:`~course.measure.sweep.sweep_concurrency` takes (a backend, or a factory making one client
per in-flight stream). Servers are stopped when the block ends, even on errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from course.backends.base import Backend
from course.backends.inprocess import InProcessBackend, round_n_ctx
from course.errors import ConfigError
from course.models.resolve import resolve_model

#: ``inprocess``: llama.cpp in this process; ``api``: an OpenAI-compatible URL; ``server`` and
#: ``llama-server``: a loopback server the run starts (llama_cpp.server, llama.cpp's llama-server).
TargetKind = Literal["inprocess", "api", "server", "llama-server"]
TARGET_KINDS: tuple[TargetKind, ...] = ("inprocess", "api", "server", "llama-server")
PROMPT_ALLOWANCE_TOKENS = 448  # the longest bundled prompt is 442 tokens with the embedded tokenizer


@dataclass(frozen=True)
class Target:
    """A backend (or a factory of backends) to time, and how to describe it in reports."""

    kind: TargetKind
    source: Backend | Callable[[], Backend]
    label: str
    model: str
    details: dict[str, object] = field(default_factory=dict)


def context_for(max_tokens: int, *, prompt_tokens: int = PROMPT_ALLOWANCE_TOKENS) -> int:
    """A context size (a multiple of 256, ≥ 512) for the longest bundled prompt plus ``max_tokens``."""
    return max(512, round_n_ctx(prompt_tokens + max_tokens))


def backend_class(kind: TargetKind) -> type[Backend]:
    """The backend class a kind times (its ``serves_concurrently`` says whether levels above 1 work)."""
    if kind == "inprocess":
        return InProcessBackend
    if kind in TARGET_KINDS:
        from course.backends.api import ApiBackend

        return ApiBackend
    raise ConfigError(f"Unknown backend kind {kind!r}.", fix=f"Use one of {', '.join(TARGET_KINDS)}.")


@contextlib.contextmanager
def bench_target(
    kind: TargetKind,
    *,
    model: str | Path | None = None,
    api_model: str | None = None,
    max_tokens: int = 64,
    n_threads: int | None = None,
    threads_batch: int | None = None,
    parallel: int = 4,
    ctx_per_slot: int | None = None,
) -> Iterator[Target]:
    """Open what ``kind`` names, yield it as a :class:`Target`, and close/stop it afterwards.

    ``model`` is a GGUF (a path, a catalogue name, ``embedded[:QUANT]``, ``synthetic:NAME[:QUANT]``;
    None: ``COURSE_MODEL``, else SmolLM2) for the three kinds that run one; ``api_model`` is
    the API's model id, for ``kind="api"`` only. Passing the other one is an error, not ignored.

    - ``inprocess``: an in-process :class:`~course.backends.inprocess.InProcessBackend` (concurrency 1 only).
    - ``api``: :class:`~course.backends.api.ApiBackend` from OPENAI_BASE_URL / OPENAI_API_KEY;
      ``api_model`` (else COURSE_API_MODEL).
    - ``server``: llama-cpp-python's ``llama_cpp.server`` on loopback (serves one request at a time).
    - ``llama-server``: llama.cpp's ``llama-server`` with ``parallel`` slots (``make llama-server``).
    """
    if kind == "api" and model is not None:
        raise ConfigError(
            f"model={str(model)!r} names a GGUF to run; kind='api' runs none.",
            fix=f"Pass the API's model id as api_model={str(model)!r}.",
        )
    if kind != "api" and api_model is not None:
        raise ConfigError(
            f"api_model={api_model!r} is for kind='api'; kind={kind!r} runs a GGUF.",
            fix="Pass the GGUF as model= (a path, a catalogue name, embedded[:QUANT], synthetic:NAME).",
        )
    if kind == "inprocess":
        path = resolve_model(model)
        backend = InProcessBackend(
            path, n_ctx=context_for(max_tokens), n_threads=n_threads, n_threads_batch=threads_batch
        )
        info = backend.info()
        try:
            yield Target(kind, backend, f"in-process ({info.device}, {info.n_threads} threads)", path.stem)
        finally:
            backend.close()
    elif kind == "api":
        from course.backends.api import ApiBackend

        probe = ApiBackend(api_model)  # raises MissingKeyError / ConfigError now, before any timing
        probe.close()

        def make_api() -> Backend:
            return ApiBackend(api_model)

        yield Target(kind, make_api, f"api ({probe.info().base_url})", probe.model)
    elif kind == "server":
        from course.backends.loopback import llama_cpp_server

        path = resolve_model(model)
        with llama_cpp_server(path, n_ctx=context_for(max_tokens), n_threads=n_threads) as srv:
            yield Target(
                kind, srv.backend, "llama_cpp.server (loopback, serial)", path.stem, {"pid": srv.pid}
            )
    elif kind == "llama-server":
        from course.backends.loopback import find_llama_server, llama_server

        find_llama_server()  # a clear "run make llama-server" before building any model
        path = resolve_model(model)
        with llama_server(
            path,
            parallel=parallel,
            ctx_per_slot=ctx_per_slot or context_for(max_tokens),
            n_threads=n_threads,
            threads_batch=threads_batch,
        ) as srv:
            label = f"llama-server (loopback, {parallel} slots)"
            yield Target(kind, srv.backend, label, path.stem, {"pid": srv.pid, "parallel": parallel})
    else:
        raise ConfigError(f"Unknown backend kind {kind!r}.", fix=f"Use one of {', '.join(TARGET_KINDS)}.")
