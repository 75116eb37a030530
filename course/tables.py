"""Readable tables for notebooks: a result dataclass as a two-column table with units, currency made safe.

JupyterLab typesets text between two ``$`` signs in Markdown and HTML outputs as maths, so text shown
in a table writes money as ``USD 450`` (:func:`usd_text`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import TYPE_CHECKING, Any

from course.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

# Longest first: a field name's unit suffix -> how a reader says it.
_UNITS = (
    ("usd_per_mtok", "USD per 1M tokens"),
    ("usd_per_month", "USD/month"),
    ("usd_per_request", "USD/request"),
    ("tokens_per_day", "tokens/day"),
    ("tokens_per_s", "tokens/s"),
    ("hours_per_month", "hours/month"),
    ("_share", "share"),
    ("_gb", "GB"),
    ("_s", "s"),
)
_DOLLAR_AMOUNT = re.compile(r"\$(?=[\d.])")


def usd_text(text: str) -> str:
    """``"$1.20/h"`` → ``"USD 1.20/h"``: no ``$`` left for JupyterLab to read as maths."""
    return _DOLLAR_AMOUNT.sub("USD ", text).replace("$", "USD")


def label(field: str) -> str:
    """``"gpu_usd_per_month"`` → ``"gpu (USD/month)"``, ``"usd_per_x"`` → ``"USD per x"``."""
    for suffix, unit in _UNITS:
        if field == suffix:
            return unit
    if field.startswith("usd_per_"):
        return "USD per " + re.sub(r"\bmtok\b", "1M tokens", field[len("usd_per_") :].replace("_", " "))
    for suffix, unit in _UNITS:
        if field.endswith(suffix):
            return f"{field[: -len(suffix)].strip('_').replace('_', ' ')} ({unit})"
    if field.endswith("_usd"):
        return f"{field[:-4].replace('_', ' ')} (USD)"
    return field.replace("_", " ")


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isinf(value):
            return "∞"
        return (
            f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}"
        )
    return usd_text(str(value))


def fields_table(result: Any, *, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per field of a dataclass instance: readable name with its unit, formatted value."""
    import pandas as pd

    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        raise ConfigError(
            f"{type(result).__name__} is not a dataclass instance.", fix="Pass a result object."
        )
    rows = [
        (label(f.name), _fmt(getattr(result, f.name)))
        for f in dataclasses.fields(result)
        if f.name not in skip and not isinstance(getattr(result, f.name), tuple | list | dict)
    ]
    return pd.DataFrame(rows, columns=["quantity", "value"]).set_index("quantity")


def rows_table(results: Any, *, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A table of dataclass instances, one row each, headers with units, text made currency-safe."""
    import pandas as pd

    frame = pd.DataFrame([dataclasses.asdict(r) for r in results])
    if columns:
        frame = frame[list(columns)]
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: usd_text(v) if isinstance(v, str) else v)
    return frame.rename(columns=label)
