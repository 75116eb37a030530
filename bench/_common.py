"""Helpers shared by the bench/ scripts: argument parser, tables, verdict lines, decode rates.

Bytes read per token: :func:`course.measure.roofline.bytes_per_token`.
"""

from __future__ import annotations

import argparse
import os
import platform
from collections.abc import Sequence


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a fast smoke run (fewer repetitions and tokens)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads for llama.cpp (default: 2)")
    return p


def decode_tokens_per_s(
    n_tokens: int, *, first_s: float, last_s: float, first_tokens: int | None = 1
) -> float:
    """Decode rate: the tokens after the first chunk ÷ (last token's time − first chunk's time).

    ``first_tokens`` is how many tokens the first chunk held (``StreamChunk.n_tokens``; None counts
    as 1). This is about 1 / TPOT of :mod:`course.measure.metrics`, where
    TPOT = (E2E − TTFT) / (output_tokens − 1), with two differences that keep fixed per-request costs
    out of a rate: the interval ends at the last token, not at the stream's end (the backend's
    wrap-up after it), and the first chunk's own token count is taken off instead of 1 (a chunk may
    hold several tokens). With one-token chunks and no wrap-up the two are exact reciprocals.
    """
    return (n_tokens - (first_tokens or 1)) / (last_s - first_s)


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
