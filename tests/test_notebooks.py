"""Every lesson and lab executes headless on the embedded model; committed notebooks are stripped."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from notebook_checks import check_memo_after_all_labs

ROOT = Path(__file__).resolve().parents[1]
PLOT_CALL = re.compile(r"\b(plot_\w+|\w+_figure)\(")
NOTEBOOKS = sorted(p for folder in ("lessons", "labs") for p in (ROOT / folder).glob("*.ipynb"))


def test_there_are_notebooks_to_run():
    assert any(p.parent.name == "lessons" for p in NOTEBOOKS)
    assert any(p.parent.name == "labs" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_committed_stripped(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: strip outputs"


@pytest.fixture(scope="module")
def shared_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One results folder for the whole run, as a learner has: labs run in order, so lab 07 reads 01-06."""
    return tmp_path_factory.mktemp("results")


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_executes_headless(
    path: Path,
    shared_results: Path,
    executed_in_lab: dict[str, tuple[Path, Path]],
    browser_runs_notebooks: bool,
    monkeypatch: pytest.MonkeyPatch,
):
    """Run All with no error, something shown, a figure wherever one is drawn.

    When tests/test_browser.py already ran this notebook to the end in JupyterLab (headless Chromium, a
    real kernel) in this session, its saved outputs are checked instead of executing it a second time;
    when it runs them on another pytest-xdist worker, it makes these checks itself (and more).
    """
    relpath = str(path.relative_to(ROOT))
    if relpath not in executed_in_lab and browser_runs_notebooks and os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("run and checked in JupyterLab by tests/test_browser.py on another worker")
    if relpath in executed_in_lab:
        saved, results = executed_in_lab[relpath]
        nb = nbformat.read(saved, as_version=4)
    else:
        results = shared_results
        monkeypatch.setenv("COURSE_RESULTS_DIR", str(shared_results))
        monkeypatch.setenv("COURSE_HEADLESS", "1")
        monkeypatch.setenv("MPLBACKEND", "Agg")
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):  # labs must skip API cells cleanly
            monkeypatch.delenv(name, raising=False)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        )
        client.execute(env=dict(os.environ))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip() and not c.outputs
             and c.get("execution_count") is None]  # fmt: skip
    assert not unrun, f"{path.name}: cells {unrun} never ran"
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert shown, f"{path.name} executed but showed nothing"
    draws = any(PLOT_CALL.search(c.source) for c in nb.cells if c.cell_type == "code")
    images = [o for o in shown if "image/png" in o.get("data", {})]
    assert images or not draws, f"{path.name} builds figures but none was displayed (%matplotlib inline?)"
    if path.name.startswith("07-"):
        check_memo_after_all_labs(results)
