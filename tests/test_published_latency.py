"""Published API latency figures (lab 02): dated, sourced, marked when unchecked, shown beside yours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.errors import DataError
from course.teaching.published_latency import beside_measured, published_latency, published_latency_frame


def test_rows_are_dated_sourced_and_say_how_sure_they_are() -> None:
    rows = published_latency()
    assert len(rows) >= 4
    assert len({r.provider for r in rows}) >= 3
    for r in rows:
        assert 0 < r.ttft_s < 10 and 0 < r.output_tokens_per_s < 2000
        assert r.source.startswith("https://") and r.as_of.year >= 2024
        assert r.quote or r.unverified  # each row says how sure it is: its source's words, or why not


def test_table_has_units_in_its_columns() -> None:
    table = published_latency_frame()
    assert {"TTFT (ms)", "output tok/s (one stream)", "as of", "source"} <= set(table.columns)
    assert (table["TTFT (ms)"] >= 100).all()


def test_your_figures_come_first_and_are_marked_yours() -> None:
    table = beside_measured({"local": (0.012, 250.0)})
    first = table.iloc[0]
    assert first["whose figure"] == "measured by you" and first["TTFT (ms)"] == pytest.approx(12.0)
    assert (table["whose figure"] == "published").sum() == len(published_latency())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"provider": "p", "model": "m", "ttft_s": 0.4, "output_tokens_per_s": 90,
          "source": "https://x.org"}, "as_of"),
        ({"provider": "p", "model": "m", "ttft_s": -1, "output_tokens_per_s": 90, "as_of": "2025-01-01",
          "source": "https://x.org"}, "'ttft_s' is -1"),
        ({"provider": "p", "model": "m", "ttft_s": 0.4, "output_tokens_per_s": "fast", "as_of": "2025-01-01",
          "source": "https://x.org"}, "output_tokens_per_s"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused(tmp_path: Path, row: dict, message: str) -> None:
    (tmp_path / "published_latency.json").write_text(json.dumps({"rows": [row]}), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        published_latency(data_dir=tmp_path)
