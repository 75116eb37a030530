"""Readable tables: units from field names, currency safe from JupyterLab's maths."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from course.errors import ConfigError
from course.tables import fields_table, label, rows_table, usd_text


@dataclass(frozen=True)
class Result:
    tokens_per_day: float
    gpu_usd_per_month: float
    usd_per_mtok: float
    replicas: int
    note: str
    parts: tuple = ()


def test_usd_text_leaves_no_dollar() -> None:
    assert usd_text("$450/month vs $180") == "USD 450/month vs USD 180"
    assert usd_text("$.5 and $/h") == "USD .5 and USD/h"


@pytest.mark.parametrize(
    "field, text",
    [
        ("gpu_usd_per_month", "gpu (USD/month)"),
        ("usd_per_month", "USD/month"),
        ("tokens_per_day", "tokens/day"),
        ("load_share", "load (share)"),
        ("total_gb", "total (GB)"),
        ("ttft_s", "ttft (s)"),
        ("replicas", "replicas"),
        ("usd_per_correct_answer", "USD per correct answer"),
        ("data_usd", "data (USD)"),
        ("usd_per_month_at_10m_tokens_per_day", "USD per month at 10m tokens per day"),
        ("usd_per_mtok_input", "USD per 1M tokens input"),
    ],
)
def test_labels_carry_units(field: str, text: str) -> None:
    assert label(field) == text


def test_fields_table_formats_values() -> None:
    table = fields_table(Result(1e7, 2615.04, 8.6, 1, "at $2.50/h", (1, 2)))
    assert list(table.index) == ["tokens/day", "gpu (USD/month)", "USD per 1M tokens", "replicas", "note"]
    assert list(table["value"]) == ["10,000,000", "2,615", "8.60", "1", "at USD 2.50/h"]
    with pytest.raises(ConfigError):
        fields_table({"a": 1})


def test_rows_table() -> None:
    frame = rows_table([Result(1.0, 2.0, 3.0, 1, "$5")], columns=("tokens_per_day", "note"))
    assert list(frame.columns) == ["tokens/day", "note"] and frame["note"][0] == "USD 5"
