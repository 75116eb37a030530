"""Figures for the quantization comparison."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

RANGE_COLUMN = "decode tok/s (min–max)"
PREDICTED_COLUMN = "speed the bytes predict (tok/s)"


def quant_tradeoff_figure(table: pd.DataFrame) -> Figure:
    """File size and decode speed side by side, one bar per quantization.

    Takes :func:`course.measure.quant_compare.quant_speed_table`'s table (medians with min–max whiskers, and
    a marker for the speed the file's bytes predict) or :func:`~course.measure.quant_compare.compare_quants`'
    (``file_size_mb``, ``decode_tokens_per_s``).
    """
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    size_ax, speed_ax = fig.subplots(1, 2)
    quants = [str(q) for q in table.index]
    repeated = "decode tok/s (median)" in table.columns
    sizes = table["file MB"] if repeated else table["file_size_mb"]
    speeds = table["decode tok/s (median)"] if repeated else table["decode_tokens_per_s"]
    size_ax.bar(quants, sizes, color="#0072B2")
    size_ax.set_title("File size (MB)")
    error = None
    if repeated and RANGE_COLUMN in table.columns:
        lows, highs = zip(*(_range(text) for text in table[RANGE_COLUMN]), strict=True)
        error = [  # the range is printed rounded: never a whisker of negative length
            [max(0.0, m - lo) for m, lo in zip(speeds, lows, strict=True)],
            [max(0.0, h - m) for m, h in zip(speeds, highs, strict=True)],
        ]
    speed_ax.bar(quants, speeds, color="#E69F00", yerr=error, capsize=4, label="measured (median, min–max)")
    if repeated and PREDICTED_COLUMN in table.columns:
        speed_ax.scatter(quants, table[PREDICTED_COLUMN], color="black", marker="_", s=400, zorder=3,
                         label="if speed followed the bytes")  # fmt: skip
        speed_ax.legend(fontsize="x-small", loc="upper left")
    speed_ax.set_title("Decode speed (tokens/s)")
    for ax in (size_ax, speed_ax):
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(
        "Fewer bits: smaller files, and faster generation where reading the weights is the bottleneck"
    )
    return fig


def _range(text: str) -> tuple[float, float]:
    low, high = str(text).replace(",", "").split("–")
    return float(low), float(high)
