"""pooled.html: the room's table, its warnings and its plots (embedded) on one page to open offline.

Money is written "USD" (never a dollar sign: JupyterLab would typeset two of them as maths), and every
text a participant's file supplied is escaped.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from course.tables import usd_text
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
_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;max-width:110em}
table{border-collapse:collapse;font-size:0.8em;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:0.2em 0.45em;text-align:right;white-space:nowrap}
th{background:#eee;position:sticky;top:0} td.text{text-align:left}
.warn{color:#9a3b00} figure{margin:1.5em 0} img{max-width:100%} figcaption{font-size:0.85em}"""


def _text(value: Any) -> str:
    return html.escape(usd_text(str(value)))


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _cell(column: str, value: Any, row: pd.Series) -> str:
    if _missing(value) or value == "":
        return "<td></td>"
    if column == "cpu":
        return f"<td class='text'>{_text(short_cpu(value))}</td>"
    if column == "gpu":
        return f"<td class='text'>{_text(short_gpu(value))}</td>"
    if column == "quiz_points":
        return f"<td>{value:g} / {row['quiz_max_points']:g} ({_text(row['quiz_sources'])})</td>"
    if column.endswith("_points") and not column.endswith("_max_points"):
        top = row.get(column.removesuffix("_points") + "_max_points")
        return f"<td>{value:g} / {top:g}</td>"
    if isinstance(value, str):
        return f"<td class='text'>{_text(value)}</td>"
    if column.endswith("_ttft_p50_s"):
        return f"<td>{value * 1000:.3g}</td>"
    if "usd_per" in column:
        return f"<td>USD {value:.3g}</td>"
    if column.endswith("_accuracy"):
        return f"<td>{value:.0%}</td>"
    if column.endswith("tokens_per_day"):
        return f"<td>{value:,.0f}</td>"
    return (
        f"<td>{value:.4g}</td>"
        if isinstance(value, float) and not value.is_integer()
        else f"<td>{value:g}</td>"
    )


def _heading(column: str) -> str:
    if column in HEADINGS:
        return HEADINGS[column]
    if column.startswith("c") and column.endswith("_output_tokens_per_s"):
        return f"at concurrency {column[1:].split('_')[0]} (tokens/s)"
    return column.removesuffix("_points")  # a quiz id


def _table(table: pd.DataFrame) -> str:
    columns = [c for c in table.columns if c not in HIDDEN and not c.endswith("_max_points")]
    rows = ["<table>", "<tr>" + "".join(f"<th>{_text(_heading(c))}</th>" for c in columns) + "</tr>"]
    for _, row in table.iterrows():
        rows.append("<tr>" + "".join(_cell(c, row[c], row) for c in columns) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def render_page(pool: Pool, table: pd.DataFrame, *, pngs: Mapping[str, bytes]) -> str:
    """The whole page: summary, warnings, the table, the plots (PNG embedded), and where it came from."""
    n = len(pool.participants)
    with_labs = int((table["labs_saved"] != "").sum())
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Pooled results</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Pooled results: {n} participant(s)</h1>",
        f"<p>{with_labs} with lab results, {len({s.participant for s in pool.quiz_scores})} with quiz scores."
        f" Written {stamp} by <code>python -m grader pool</code> from each participant's saved lab figures "
        "(results/labNN.json) and quiz scores. Every figure was measured on that participant's own machine: "
        "compare machines, not people.</p>",
        f"<h2>Warnings ({len(pool.warnings)})</h2>",
    ]
    if pool.warnings:
        parts.append("<ul>" + "".join(f"<li class='warn'>{_text(w)}</li>" for w in pool.warnings) + "</ul>")
    else:
        parts.append("<p>None: every file read was complete and well formed.</p>")
    parts += ["<h2>One row per participant</h2>", _table(table)]
    parts.append("<p>Also in pooled.csv (every figure unrounded, TTFT in seconds) and quiz-scores.csv.</p>")
    for name, caption in CAPTIONS.items():
        if name in pngs:
            data = base64.b64encode(pngs[name]).decode("ascii")
            parts.append(
                f"<figure><img alt='{_text(caption)}' src='data:image/png;base64,{data}'>"
                f"<figcaption>{_text(caption)} (also {name}.png beside this page)</figcaption></figure>"
            )
    parts.append("<h2>Where each row came from</h2><ul>")
    parts += [f"<li>{_text(p.name)}: {_text(p.source)}</li>" for p in pool.participants]
    parts.append("</ul></body></html>\n")
    return "\n".join(parts)
