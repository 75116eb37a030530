"""The pooled room's plots: speed per machine, the spread of break-even volume, quiz score distributions.

Built without pyplot (no global state), colours from :mod:`course.plots.palette`. Each function takes the
pool and its table (:func:`grader.workshop.participants.pooled_table`) and returns None when no participant
saved what it would draw.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from course.plots.palette import BLACK, BLUE, OKABE_ITO, ORANGE, SKY_BLUE, VERMILION
from grader.workshop.participants import GRADES, SELF_CHECK, Pool

FIGURE_DPI = 110
LOCAL, API = BLUE, ORANGE


def short_gpu(gpu: object) -> str:
    """``machine_info()``'s GPU sentence, shortened for a label: ``no GPU`` or the GPU's name."""
    text = "" if gpu is None or gpu != gpu else str(gpu)  # gpu != gpu: NaN
    if not text or text.startswith("no GPU"):
        return "no GPU"
    name = text.split(";")[0]
    return name.split(" present, but")[0] + " (CPU-only build)" if " present, but" in name else name


def short_cpu(cpu: object) -> str:
    """``AMD EPYC 7B13 (2 logical cores)`` -> ``AMD EPYC 7B13, 2 cores``."""
    text = "" if cpu is None or cpu != cpu else str(cpu)
    return re.sub(r"\s*\((\d+) logical cores\)$", r", \1 cores", text) or "CPU unknown"


def machine_label(row: pd.Series, *, width: int = 34) -> str:
    """``name`` over ``CPU · GPU``, wrapped for a tick label."""
    machine = f"{short_cpu(row['cpu'])} · {short_gpu(row['gpu'])}"
    return f"{row['participant']}\n" + textwrap.shorten(machine, width * 2, placeholder="…")


def _tokens(x: float, _pos: object = None) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def speed_figure(pool: Pool, table: pd.DataFrame) -> Figure | None:
    """Per participant (labelled with CPU and GPU): decode tokens/s (lab 01), TTFT p50 local and API
    (lab 02), and aggregate output tokens/s against concurrency (lab 03), where saved."""
    has_decode = table["decode_tokens_per_s"].notna()
    has_ttft = table["local_ttft_p50_s"].notna() | table["api_ttft_p50_s"].notna()
    level_columns = [c for c in table.columns if re.match(r"^c\d+_output_tokens_per_s$", c)]
    has_levels = table[level_columns].notna().any(axis=1) if level_columns else has_decode & False
    rows = table[has_decode | has_ttft | has_levels].reset_index(drop=True)
    if rows.empty:
        return None
    panels = [name for name, present in (("decode", has_decode), ("ttft", has_ttft), ("levels", has_levels))
              if present.any()]  # fmt: skip
    fig = Figure(figsize=(4.3 * len(panels) + 1.6, 1.0 + 0.55 * len(rows)), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    labels = [machine_label(row) for _, row in rows.iterrows()]
    y = np.arange(len(rows))
    for ax, panel in zip(axes, panels):
        if panel == "decode":
            values = rows["decode_tokens_per_s"].to_numpy(dtype=float)
            bars = ax.barh(y, np.nan_to_num(values), color=LOCAL)
            ax.bar_label(bars, labels=["" if np.isnan(v) else f"{v:.0f}" for v in values], fontsize="x-small")
            ax.set_xlim(0, np.nanmax(values) * 1.15)
            ax.set_xlabel("tokens/s (one stream)")
            ax.set_title("Decode speed, lab 01", fontsize="small")
        elif panel == "ttft":
            local = rows["local_ttft_p50_s"].to_numpy(dtype=float) * 1000
            api = rows["api_ttft_p50_s"].to_numpy(dtype=float) * 1000
            ax.barh(y - 0.2, np.nan_to_num(local), height=0.4, color=LOCAL, label="local")
            ax.barh(y + 0.2, np.nan_to_num(api), height=0.4, color=API, label="API side")
            positive = np.concatenate([local[local > 0], api[api > 0]])
            if positive.size and positive.max() / positive.min() > 30:
                ax.set_xscale("log")
            ax.set_xlabel("ms (p50)")
            ax.set_title("Time to first token, lab 02", fontsize="small")
            ax.legend(fontsize="x-small", loc="lower right")
        else:
            levels = [int(c[1:].split("_")[0]) for c in level_columns]
            for i, (_, row) in enumerate(rows.iterrows()):
                values = row[level_columns].to_numpy(dtype=float)
                if np.isnan(values).all():
                    continue
                ax.plot(
                    levels, values, marker="o", color=OKABE_ITO[i % len(OKABE_ITO)], label=row["participant"]
                )
            ax.set_xscale("log", base=2)
            ax.set_xticks(levels, [str(c) for c in levels])
            ax.set_xlabel("concurrent requests")
            ax.set_ylabel("output tokens/s, all streams")
            ax.set_title("Throughput under load, lab 03", fontsize="small")
            ax.legend(fontsize="x-small", ncols=1 + len(rows) // 12)
            ax.grid(alpha=0.3)
            continue
        ax.set_yticks(y, labels if ax is axes[0] else [r.split("\n")[0] for r in labels], fontsize="x-small")
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Speed per machine ({len(rows)} participants)", fontsize="medium")
    return fig


def break_even_figure(pool: Pool, table: pd.DataFrame) -> Figure | None:
    """The room's break-even volumes (lab 04) on a log axis: one dot per participant over a box plot."""
    saved = table[table["self_usd_per_mtok"].notna()]
    rows = saved[saved["break_even_tokens_per_day"].notna() & (saved["break_even_tokens_per_day"] > 0)]
    if saved.empty:
        return None
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    ax = fig.subplots()
    values = rows["break_even_tokens_per_day"].to_numpy(dtype=float)
    if len(values) >= 3:
        ax.boxplot(values, orientation="horizontal", widths=0.5, showfliers=False,
                   medianprops={"color": BLACK}, boxprops={"color": SKY_BLUE})  # fmt: skip
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, len(values))
    ax.scatter(values, 1 + jitter, color=BLUE, zorder=3, s=28)
    if len(values) <= 15:
        for value, dy, name in zip(values, jitter, rows["participant"]):
            ax.annotate(name, (value, 1 + dy), xytext=(4, 4), textcoords="offset points", fontsize="x-small")
    if len(values):
        median = float(np.median(values))
        ax.axvline(median, color=VERMILION, ls="--", lw=1, label=f"median {_tokens(median)} tokens/day")
        ax.legend(fontsize="x-small", loc="upper right")
        ax.set_xscale("log")
        ax.set_xlim(values.min() / 2, values.max() * 2)
        ax.xaxis.set_major_formatter(FuncFormatter(_tokens))
    never = saved[~saved.index.isin(rows.index)]
    note = f"no break-even (self-hosting never cheaper at their prices): {', '.join(never['participant'])}"
    ax.set_ylim(0.5, 1.5)
    ax.set_yticks([])
    ax.set_xlabel(
        "tokens per day where self-hosting costs the same as the API" + ("\n" + note if len(never) else "")
    )
    ax.set_title(f"Break-even volume across the room, lab 04 ({len(values)} of {len(saved)} participants)",
                 fontsize="small")  # fmt: skip
    ax.grid(axis="x", alpha=0.3, which="both")
    return fig


def quiz_figure(pool: Pool, table: pd.DataFrame) -> Figure | None:
    """Per quiz: a histogram of the room's scores (share of the points), graded and self-checked stacked."""
    quizzes = sorted({s.quiz_id for s in pool.quiz_scores})
    if not quizzes:
        return None
    columns = min(4, len(quizzes))
    n_rows = -(-len(quizzes) // columns)
    fig = Figure(figsize=(3.2 * columns + 0.4, 2.4 * n_rows + 0.5), layout="constrained")
    axes = fig.subplots(n_rows, columns, squeeze=False).ravel()
    bins = np.linspace(0, 100, 11)
    for ax, quiz in zip(axes, quizzes):
        groups = []
        for source, colour in ((GRADES, BLUE), (SELF_CHECK, ORANGE)):
            shares = [
                100 * s.points / s.max_points
                for s in pool.quiz_scores
                if s.quiz_id == quiz and s.source == source
            ]
            groups.append((shares, colour, f"{source} ({len(shares)})"))
        used = [g for g in groups if g[0]]
        ax.hist([g[0] for g in used], bins=bins, stacked=True, color=[g[1] for g in used],
                label=[g[2] for g in used], edgecolor="white")  # fmt: skip
        ax.set_title(quiz, fontsize="small")
        ax.set_xlabel("score (% of points)", fontsize="x-small")
        ax.set_ylabel("participants", fontsize="x-small")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize="xx-small", loc="upper left")
    for ax in axes[len(quizzes) :]:
        ax.set_visible(False)
    fig.suptitle("Quiz scores across the room", fontsize="medium")
    return fig


#: file stem -> drawing function (the order of the page)
PLOTS: dict[str, Callable[[Pool, pd.DataFrame], Figure | None]] = {
    "pool-speed": speed_figure,
    "pool-break-even": break_even_figure,
    "pool-quiz-scores": quiz_figure,
}


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return buffer.getvalue()
