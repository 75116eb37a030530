"""Shared fixtures: the real embedded model (built once, < 2 s) and a loaded local backend."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.backends.inprocess import InProcessBackend
from course.backends.loopback import ENV_LLAMA_SERVER
from course.config import ENV_CACHE_DIR, load_settings
from course.models.embedded import ensure_all_variants
from course.models.smollm2 import smollm2_path

# No test reaches the internet: huggingface_hub (and the course's fetch) take the offline path at once.
os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture(scope="session", autouse=True)
def hermetic_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Models that tests build go to a temporary COURSE_CACHE_DIR, not the learner's ~/.cache.

    A llama-server built by `make llama-server` is still found in the real cache (through
    COURSE_LLAMA_SERVER) unless that variable is already set, and SmolLM2 (the default local model, which
    `make model` installs there) is linked in. Subprocesses and notebook kernels inherit both variables.
    """
    real_server = load_settings().cache_dir / "llama.cpp" / "bin" / "llama-server"
    real_smollm2 = smollm2_path(load_settings().models_dir)
    cache = tmp_path_factory.mktemp("course-cache")
    if real_smollm2.is_file():
        (cache / "models").mkdir()
        (cache / "models" / real_smollm2.name).symlink_to(real_smollm2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_CACHE_DIR, str(cache))
        if not os.environ.get(ENV_LLAMA_SERVER, "").strip():
            patch.setenv(ENV_LLAMA_SERVER, str(real_server))
        yield cache


BROWSER_RUNS_NOTEBOOKS = pytest.StashKey[bool]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note whether tests/test_browser.py will run every notebook in JupyterLab in this session (collected:
    Chromium is there and it was not deselected). Under pytest-xdist every worker collects everything."""
    session.config.stash[BROWSER_RUNS_NOTEBOOKS] = any(
        item.nodeid.startswith("tests/test_browser.py::test_notebook_in_lab") for item in session.items
    )


@pytest.fixture(scope="session")
def browser_runs_notebooks(request: pytest.FixtureRequest) -> bool:
    return request.config.stash.get(BROWSER_RUNS_NOTEBOOKS, False)


@pytest.fixture(scope="session")
def executed_in_lab() -> dict[str, tuple[Path, Path]]:
    """Notebooks tests/test_browser.py ran to the end in JupyterLab this session: relpath -> (the copy Lab
    saved, with its outputs; the results folder its labs wrote). tests/test_notebooks.py checks those
    outputs instead of running the notebook a second time (nbclient runs it when the browser test did not)."""
    return {}


@pytest.fixture(scope="session")
def embedded_paths(hermetic_cache: Path) -> dict[str, Path]:
    """quant -> path of every embedded variant, in the tests' temporary cache (built once, < 2 s)."""
    return ensure_all_variants()


@pytest.fixture(scope="session")
def local_backend(embedded_paths: dict[str, Path]) -> Iterator[InProcessBackend]:
    backend = InProcessBackend(embedded_paths["Q8_0"], n_threads=2)
    yield backend
    backend.close()
