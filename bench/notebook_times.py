"""Time budget: how long every lesson and lab takes to execute headless, and the total.

The course promises that all lessons and labs execute headless (as ``tests/test_notebooks.py`` runs
them: ``COURSE_HEADLESS=1``, no API key, the Agg backend) in at most 180 s on the 2-core build box
in offline mode. This script executes each notebook in a fresh kernel, one after another, and prints
its wall time, a table, the total, and a final line

    RATIO notebook_time: total ÷ budget (target ≤ 1)

A notebook that fails is timed up to its failure and reported as FAILED (the script exits 1).

    python bench/notebook_times.py                    # every notebook under lessons/ and labs/
    python bench/notebook_times.py labs/05-*.ipynb    # some of them
    python bench/notebook_times.py --budget-s 240
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _common import machine, table

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 180.0
API_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


@dataclass(frozen=True)
class NotebookTime:
    path: Path
    wall_s: float
    error: str | None


def all_notebooks() -> list[Path]:
    return sorted(p for folder in ("lessons", "labs") for p in (ROOT / folder).glob("*.ipynb"))


def headless_env() -> dict[str, str]:
    """The environment the notebook tests use: headless, Agg plots, no API key or URL."""
    env = {k: v for k, v in os.environ.items() if k not in API_VARIABLES}
    env.update(COURSE_HEADLESS="1", MPLBACKEND="Agg")
    return env


def time_notebook(path: Path, *, timeout_s: int) -> NotebookTime:
    """Execute ``path`` in a fresh kernel (working folder: its own) and time it, kernel start included."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute(env=headless_env())
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:160]}"
    return NotebookTime(path, time.perf_counter() - start, error)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Execute every lesson and lab headless and time each against the course's budget.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    p.add_argument("notebooks", nargs="*", type=Path, help="notebooks to time (default: lessons/ and labs/)")
    p.add_argument(
        "--budget-s", type=float, default=BUDGET_S, help="the budget for the total (%(default)s s)"
    )
    p.add_argument("--timeout-s", type=int, default=300, help="per-cell timeout (%(default)s s)")
    p.add_argument("--quick", action="store_true", help="time only the labs (a smoke run)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or all_notebooks()
    if args.quick and not args.notebooks:
        paths = [p for p in paths if p.parent.name == "labs"]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    print(f"machine: {machine()}; {len(paths)} notebooks, budget {args.budget_s:g} s")
    times = []
    for path in paths:
        t = time_notebook(path, timeout_s=args.timeout_s)
        times.append(t)
        status = "ok" if t.error is None else f"FAILED ({t.error})"
        print(
            f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {t.wall_s:.1f} s {status}",
            flush=True,
        )
    total = sum(t.wall_s for t in times)
    rows = [
        {
            "notebook": str(t.path.relative_to(ROOT) if t.path.is_relative_to(ROOT) else t.path),
            "seconds": f"{t.wall_s:.1f}",
            "share": f"{t.wall_s / total:.0%}" if total else "-",
            "status": "ok" if t.error is None else "FAILED",
        }
        for t in times
    ]
    print(table(rows))
    print(f"total: {total:.1f} s for {len(times)} notebooks (budget {args.budget_s:g} s)")
    ratio = total / args.budget_s
    mark = "within budget" if ratio <= 1 else "OVER budget"
    print(f"RATIO notebook_time: {ratio:.3f} (total ÷ budget; target ≤ 1: {mark})")
    return 1 if any(t.error for t in times) else 0


if __name__ == "__main__":
    sys.exit(main())
