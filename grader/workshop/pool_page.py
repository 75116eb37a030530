"""pooled.html: the room's table, its warnings and its plots (embedded) on one page to open offline.

Money is written "USD" (never a dollar sign: JupyterLab would typeset two of them as maths). The page comes
from a jinja2 template (``grader/templates/pooled.html``) that escapes every text a participant's file
supplied.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from grader.pages import embedded_figures, render
from grader.workshop.participants import Pool
from grader.workshop.pool_plots import short_cpu, short_gpu

HEADINGS = {
    "participant": "participant",
    "cpu": "CPU",
    "gpu": "GPU",
    "logical_cores": "cores",
    "memory_gib": "memory (GiB)",
    "model": "model (lab 01)",
    "quant": "quant",
    "decode_tokens_per_s": "decode (tokens/s)",
    "local_ttft_p50_s": "TTFT p50 local (ms)",
    "api_ttft_p50_s": "TTFT p50 API side (ms)",
    "real_api_ttft_p50_s": "TTFT p50 real API (ms)",
    "api_label": "API side",
    "api_mode": "mode",
    "concurrency_server": "server (lab 03)",
    "rented_gpu": "rented GPU (lab 04)",
    "self_usd_per_mtok": "self-hosted (USD per 1M tokens)",
    "api_blended_usd_per_mtok": "API (USD per 1M tokens)",
    "break_even_tokens_per_day": "break-even (tokens/day)",
    "break_even_reason": "break-even note",
    "workload": "workload (lab 05)",
    "local_accuracy": "accuracy local",
    "local_constrained_accuracy": "accuracy local, constrained",
    "api_accuracy": "accuracy API",
    "quiz_points": "quiz points",
    "labs_saved": "labs saved",
}
HIDDEN = {"source", "quiz_max_points", "quiz_sources"}  # in pooled.csv; on the page inside other cells
CAPTIONS = {
    "pool-speed": "Speed per machine: decode tokens/s of one stream (lab 01), time to first token, p50, "
    "local and API side (lab 02), and output tokens/s of all streams against concurrency (lab 03).",
    "pool-break-even": "Break-even volume per participant (lab 04): the tokens per day at which self-hosting "
    "costs the same as the API, log scale; the box spans the middle half of the room.",
    "pool-quiz-scores": "Quiz scores across the room, share of each quiz's points: the instructor's grades "
    "(grades.csv) and learners' own checks (course quiz check) stacked.",
}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _cell(column: str, value: Any, row: pd.Series) -> tuple[str, str]:
    """One table cell as (CSS class, text): the template escapes the text."""
    if _missing(value) or value == "":
        return "", ""
    if column == "cpu":
        return "text", short_cpu(value)
    if column == "gpu":
        return "text", short_gpu(value)
    if column == "quiz_points":
        return "", f"{value:g} / {row['quiz_max_points']:g} ({row['quiz_sources']})"
    if column.endswith("_points") and not column.endswith("_max_points"):
        top = row.get(column.removesuffix("_points") + "_max_points")
        return "", f"{value:g} / {top:g}"
    if isinstance(value, str):
        return "text", value
    if column.endswith("_ttft_p50_s"):
        return "", f"{value * 1000:.3g}"
    if "usd_per" in column:
        return "", f"USD {value:.3g}"
    if column.endswith("_accuracy"):
        return "", f"{value:.0%}"
    if column.endswith("tokens_per_day"):
        return "", f"{value:,.0f}"
    return "", f"{value:.4g}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


def _heading(column: str) -> str:
    if column in HEADINGS:
        return HEADINGS[column]
    if column.startswith("c") and column.endswith("_output_tokens_per_s"):
        return f"at concurrency {column[1:].split('_')[0]} (tokens/s)"
    return column.removesuffix("_points")  # a quiz id


def render_page(pool: Pool, table: pd.DataFrame, *, pngs: Mapping[str, bytes]) -> str:
    """The whole page (``grader/templates/pooled.html``, every text escaped): summary, warnings, the table,
    the plots (PNG embedded), and where it came from."""
    columns = [c for c in table.columns if c not in HIDDEN and not c.endswith("_max_points")]
    rows = [[_cell(c, row[c], row) for c in columns] for _, row in table.iterrows()]
    figures = embedded_figures(CAPTIONS, pngs)
    return render(
        "pooled.html",
        participants=pool.participants,
        with_labs=int((table["labs_saved"] != "").sum()),
        with_quizzes=len({s.participant for s in pool.quiz_scores}),
        stamp=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        warnings=pool.warnings,
        headings=[_heading(c) for c in columns],
        rows=rows,
        figures=figures,
    )
