"""Shared fixtures: the real embedded model (built once, < 2 s) and a loaded local backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from course.backends.llama_cpp import LocalBackend
from course.models.embedded import ensure_all_variants


@pytest.fixture(scope="session")
def embedded_paths() -> dict[str, Path]:
    """quant -> path of every embedded variant, in the course's cache (built if missing)."""
    return ensure_all_variants()


@pytest.fixture(scope="session")
def local_backend(embedded_paths: dict[str, Path]) -> Iterator[LocalBackend]:
    backend = LocalBackend(embedded_paths["Q8_0"], n_threads=2)
    yield backend
    backend.close()
