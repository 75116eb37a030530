"""Module-scoped local servers for tests; import the fixtures explicitly where needed.

One thread each: llama.cpp's threads spin-wait, and on a busy 2-core CI box two would fight.
"""

from __future__ import annotations

from collections.abc import Iterator

import psutil
import pytest

from course.backends.loopback import LoopbackServer, llama_cpp_server, llama_server, llama_server_available
from course.models.embedded import ensure_embedded_model

needs_llama_server = pytest.mark.needs_llama_server


def require_llama_server() -> None:
    """Skip the calling test when llama.cpp's llama-server is not built."""
    if not llama_server_available():
        pytest.skip("llama-server is not built: run make llama-server")


def assert_gone(pid: int) -> None:
    """The process is gone: neither running nor a zombie."""
    if psutil.pid_exists(pid):
        status = psutil.Process(pid).status()
        raise AssertionError(f"server pid {pid} is still there ({status})")


@pytest.fixture(scope="module")
def lcs_server() -> Iterator[LoopbackServer]:
    """A real ``llama_cpp.server`` serving the embedded model (one per test module)."""
    with llama_cpp_server(ensure_embedded_model(), n_ctx=1024, n_threads=1) as server:
        yield server
    assert_gone(server.pid)


@pytest.fixture(scope="module")
def llama_server_4() -> Iterator[LoopbackServer]:
    """A real llama.cpp ``llama-server`` with 4 slots serving the embedded model."""
    require_llama_server()
    with llama_server(ensure_embedded_model(), parallel=4, ctx_per_slot=256, n_threads=1) as server:
        yield server
    assert_gone(server.pid)
