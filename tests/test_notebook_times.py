"""bench/notebook_times.py: executes notebooks headless, times each, ends with a RATIO line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "notebook_times.py"


def _notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def _run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_help_describes_the_budget() -> None:
    out = _run("--help", timeout=30)
    assert out.returncode == 0 and "budget" in out.stdout


@pytest.mark.slow
def test_times_notebooks_headless_and_reports_a_ratio(tmp_path: Path) -> None:
    ok = _notebook(
        tmp_path / "ok.ipynb",
        "import os\n"
        "assert os.environ['COURSE_HEADLESS'] == '1' and 'OPENAI_API_KEY' not in os.environ\n"
        "print('hi')",
    )
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('boom')")
    out = _run(str(ok), str(bad), "--budget-s", "1000")
    assert out.returncode == 1, out.stderr  # one notebook failed
    assert "ok.ipynb" in out.stdout and "bad.ipynb" in out.stdout
    assert "FAILED (CellExecutionError" in out.stdout and "boom" in out.stdout
    ratio_line = out.stdout.strip().splitlines()[-1]
    assert ratio_line.startswith("RATIO notebook_time: ") and "within budget" in ratio_line
    total = float(out.stdout.split("total: ")[1].split(" s")[0])
    assert float(ratio_line.split()[2]) == pytest.approx(total / 1000, abs=1e-3)


def test_a_missing_notebook_is_an_error(tmp_path: Path) -> None:
    out = _run(str(tmp_path / "nope.ipynb"), timeout=30)
    assert out.returncode == 2 and "no such notebook" in out.stderr
