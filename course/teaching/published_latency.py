"""Published API latency and speed figures, to set beside what you measured (lab 02).

Rows come from ``course/data/published_latency.json``; each is dated and sourced, and its ``note``
says how sure the figure is (the bundled rows were written from memory of a public leaderboard
and are marked so). :func:`published_latency_frame` returns them as a table;
:func:`beside_measured` puts a learner's own medians in the same columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pandas as pd

from course.datafiles import Day, Fact, Positive, Source, Text, data_row, load_rows

FILE = "published_latency.json"


@data_row
class PublishedLatency(Fact):
    """One published figure: median TTFT (s) and output tokens/s of one stream, dated and sourced."""

    provider: Text
    model: Text
    ttft_s: Positive
    output_tokens_per_s: Positive
    as_of: Day
    source: Source
    note: str = ""
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


def published_latency(*, data_dir: Path | None = None) -> tuple[PublishedLatency, ...]:
    """Every row of the data file, checked (positive numbers, a date, a source)."""
    return load_rows(FILE, PublishedLatency, data_dir=data_dir)


def published_latency_frame(*, data_dir: Path | None = None) -> pd.DataFrame:
    """The published rows as a table with units in the column names."""
    return pd.DataFrame(
        {
            "model": f"{r.model} ({r.provider})",
            "TTFT (ms)": 1000 * r.ttft_s,
            "output tok/s (one stream)": r.output_tokens_per_s,
            "as of": r.as_of.isoformat(),
            "source": r.source,
            "note": r.note,
        }
        for r in published_latency(data_dir=data_dir)
    )


def beside_measured(
    measured: Mapping[str, tuple[float, float]], *, data_dir: Path | None = None
) -> pd.DataFrame:
    """Published rows, then ``measured`` (label -> (median TTFT s, median output tok/s)) marked as yours."""
    table = published_latency_frame(data_dir=data_dir)
    table.insert(0, "whose figure", "published")
    mine = pd.DataFrame(
        {
            "whose figure": "measured by you",
            "model": label,
            "TTFT (ms)": 1000 * ttft_s,
            "output tok/s (one stream)": tok_s,
            "as of": date.today().isoformat(),
            "source": "this notebook",
            "note": "this machine, the course's prompts",
        }
        for label, (ttft_s, tok_s) in measured.items()
    )
    return pd.concat([mine, table], ignore_index=True)
