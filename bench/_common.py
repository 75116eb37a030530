"""Helpers shared by the bench/ scripts: medians of repetitions, tables, verdict lines."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from collections.abc import Sequence


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a fast smoke run (fewer repetitions and tokens)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads for llama.cpp (default: 2)")
    return p


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """``median [min–max]`` for a table cell."""
    return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]"


def table(rows: Sequence[dict[str, object]]) -> str:
    """A plain fixed-width table (no pandas needed)."""
    if not rows:
        return "(no rows)"
    cols = list(rows[0])
    cells = [[str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def verdict(name: str, ratio: float, target: float) -> str:
    mark = "meets" if ratio >= target else "BELOW"
    return f"RATIO {name}: {ratio:.3f} (target ≥ {target:g}: {mark} target)"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
