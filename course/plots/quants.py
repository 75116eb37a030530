"""Figures for the quantization comparison."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure


def quant_tradeoff_figure(table: pd.DataFrame) -> Figure:
    """File size and decode speed side by side, one bar per quantization."""
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    size_ax, speed_ax = fig.subplots(1, 2)
    quants = list(table.index)
    size_ax.bar(quants, table["file_size_mb"], color="#4c72b0")
    size_ax.set_title("File size (MB)")
    speed_ax.bar(quants, table["decode_tokens_per_s"], color="#dd8452")
    speed_ax.set_title("Decode speed (tokens/s, median)")
    for ax in (size_ax, speed_ax):
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Fewer bits: smaller files, and usually faster generation")
    return fig
