"""Strip outputs and execution counts from notebooks, KEEPING cell metadata (nbgrader needs it).

Usage: python scripts/strip_notebooks.py [--check] [PATHS...]   (default: lessons labs quizzes)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

DEFAULT_DIRS = ("lessons", "labs", "quizzes")


def strip(nb: nbformat.NotebookNode) -> bool:
    """Remove outputs in place; True if anything changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            cell["outputs"], cell["execution_count"] = [], None
            changed = True
    for key in ("widgets",):  # saved widget state is output too
        if key in nb.metadata:
            del nb.metadata[key]
            changed = True
    return changed


def notebooks(paths: list[str]) -> list[Path]:
    """Notebooks under ``paths``; missing default folders are skipped, missing named paths are errors."""
    found: list[Path] = []
    for raw in paths or DEFAULT_DIRS:
        path = Path(raw)
        if path.is_dir():
            found += sorted(path.rglob("*.ipynb"))
        elif path.is_file():
            found.append(path)
        elif paths:
            raise SystemExit(f"error: {raw} does not exist (give a notebook or a folder of notebooks).")
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (default: lessons labs quizzes)")
    parser.add_argument("--check", action="store_true", help="only report notebooks that carry outputs")
    args = parser.parse_args(argv)
    dirty = []
    for path in notebooks(args.paths):
        nb = nbformat.read(path, as_version=4)
        if strip(nb):
            dirty.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "carry outputs" if args.check else "stripped"
    for path in dirty:
        print(f"{verb}: {path}")
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    sys.exit(main())
