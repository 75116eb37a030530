"""Which API models still answer: the lifecycle table, and a warning for models that retire soon.

A price list is not a list of callable models: genai-prices keeps retired models so old bills can be
priced, and a snapshot copied from it once showed GPT-5 as "current" four days before OpenAI shut it
down. The course therefore keeps its own small table, ``course/data/model_lifecycle.json``: for each API
model it names, ``current``, ``deprecated`` (a shutdown is announced) or ``retired``, the day
(``retires_on``) and the provider's deprecation page, each row read from a source and quoted.

- :func:`retirement_warnings` (and :func:`warn_if_retiring`, which prints them) is what a lesson, lab or
  the memo calls for the models it uses: a model that has retired, or retires within 90 days, gets a line
  that says when and what the provider recommends instead.
- :func:`apply_lifecycle` marks the API rows of a price file (``python -m course prices refresh``), so
  a retired model is never presented as current.

Dates are compared with the day the caller passes (today by default) when a function is called, never
when the table is loaded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator

from course.datafiles import Day, Fact, HttpsUrl, RowsFile, Text, data_row, load_data, problem

FILE = "model_lifecycle.json"
#: a model that retires within this many days gets a warning
WARN_WITHIN_DAYS = 90
Lifecycle = Literal["current", "deprecated", "retired"]


@data_row
class ModelLifecycle(Fact):
    """Where one API model stands: current, deprecated (shutdown announced) or retired, and when.

    ``source`` is the page the row was read in (the provider's deprecation page, or a page that copies
    it, said so in ``note``); ``deprecation_page`` is always the provider's own page.
    """

    provider: Text
    model: Text  # the id the provider's API takes
    status: Lifecycle
    retires_on: Day | None  # the shutdown day (past for a retired model); None: none announced
    replacement: str | None  # what the provider recommends instead
    deprecation_page: HttpsUrl
    source: HttpsUrl
    as_of: Day  # the date the source states for this entry (the notice, or the page's date)
    aliases: tuple[str, ...] = ()  # other ids of the same model (dated snapshots)
    note: str = ""
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    @model_validator(mode="after")
    def _dates_follow_status(self) -> ModelLifecycle:
        if self.status == "retired" and self.retires_on is None:
            raise problem(
                "is missing for a retired model.", "Give the day it was shut down.", field="retires_on"
            )
        if self.status == "current" and self.retires_on is not None:
            raise problem(
                f"is {self.retires_on.isoformat()} for a current model.",
                "A model with an announced shutdown is 'deprecated'.",
                field="retires_on",
            )
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.model, *self.aliases)

    def status_on(self, day: date) -> Lifecycle:
        """The status on ``day``: a deprecated model whose shutdown day has come is retired."""
        if self.retires_on is not None and self.retires_on <= day:
            return "retired"
        return self.status


class LifecycleFile(RowsFile[ModelLifecycle]):
    """``course/data/model_lifecycle.json``: one row per provider and model id."""

    @model_validator(mode="after")
    def _one_row_per_id(self) -> LifecycleFile:
        seen: set[tuple[str, str]] = set()
        for i, row in enumerate(self.rows):
            for model_id in row.ids:
                key = (_norm(row.provider), _norm(model_id))
                if key in seen:
                    raise problem(
                        f"repeats {row.provider}/{model_id}.",
                        "Keep one row per model id.",
                        at=("rows", i, "model"),
                    )
                seen.add(key)
        return self


def model_lifecycles(*, data_dir: Path | None = None) -> tuple[ModelLifecycle, ...]:
    """Every row of the lifecycle table (the bundled one is read once)."""
    return _bundled() if data_dir is None else load_data(FILE, LifecycleFile, data_dir=data_dir).rows


@functools.cache
def _bundled() -> tuple[ModelLifecycle, ...]:
    return load_data(FILE, LifecycleFile).rows


def lifecycle_of(
    model: str, *, provider: str | None = None, rows: Iterable[ModelLifecycle] | None = None
) -> ModelLifecycle | None:
    """The row for ``model`` (its API id, a dated alias, or its readable name in the price snapshot);
    None when the course knows of no deprecation for it."""
    table = tuple(rows if rows is not None else model_lifecycles())
    wanted = _norm(model)
    for row in table:
        if provider is not None and _norm(row.provider) != _norm(provider):
            continue
        if wanted in {_norm(i) for i in row.ids}:
            return row
    model_id = _id_from_name(model, provider=provider)
    if model_id and _norm(model_id) != wanted:
        return lifecycle_of(model_id, provider=provider, rows=table)
    return None


def retirement_warning(
    model: str,
    *,
    today: date | None = None,
    within_days: int = WARN_WITHIN_DAYS,
    provider: str | None = None,
    rows: Iterable[ModelLifecycle] | None = None,
) -> str | None:
    """One line if ``model`` has retired, retires within ``within_days`` or is marked deprecated with no
    date; else None."""
    row = lifecycle_of(model, provider=provider, rows=rows)
    if row is None or row.status == "current":
        return None
    day = today or date.today()
    instead = f" {row.provider} recommends {row.replacement}." if row.replacement else ""
    where = f" ({row.deprecation_page})"
    if row.retires_on is None:
        return (
            f"{model}: {row.provider} gives no shutdown date, but the course treats it as deprecated; "
            f"do not build on it.{instead}{where}"
        )
    days = (row.retires_on - day).days
    if days <= 0:
        return f"{model} was shut down on {row.retires_on.isoformat()}: requests to it fail.{instead}{where}"
    if days <= within_days:
        when = f"{row.retires_on.isoformat()}, in {days} days"
        return f"{model} shuts down on {when}: plan the move now.{instead}{where}"
    return None


def retirement_warnings(
    models: Iterable[str], *, today: date | None = None, within_days: int = WARN_WITHIN_DAYS
) -> tuple[str, ...]:
    """A warning line for each of ``models`` that has retired or retires soon (:func:`retirement_warning`)."""
    lines = (retirement_warning(m, today=today, within_days=within_days) for m in dict.fromkeys(models))
    return tuple(line for line in lines if line)


def warn_if_retiring(*models: str, today: date | None = None) -> tuple[str, ...]:
    """Print a warning for each model that has retired or retires within 90 days (for a notebook cell);
    returns the lines printed."""
    lines = retirement_warnings(models, today=today)
    for line in lines:
        print(f"Warning: {line}")
    return lines


# --- the price file ----------------------------------------------------------------------------------


def apply_lifecycle(
    api_rows: Iterable[MutableMapping[str, Any]], *, day: date, rows: Iterable[ModelLifecycle] | None = None
) -> list[str]:
    """Mark the raw API rows of a price file from the lifecycle table, as on ``day``: ``status``,
    ``retires_on`` and ``lifecycle_source``. A ``legacy`` row (a past price) keeps its status and gets
    the dates. Returns a line per row whose status changed."""
    table = tuple(rows if rows is not None else model_lifecycles())
    changes: list[str] = []
    for api_row in api_rows:
        found = lifecycle_of(api_row["model"], provider=api_row["provider"], rows=table)
        before = api_row.get("status")
        if found is None or found.status == "current":
            status = "current" if before != "legacy" else "legacy"
            api_row.pop("retires_on", None)
            api_row.pop("lifecycle_source", None)
        else:
            status = "legacy" if before == "legacy" else found.status_on(day)
            api_row["retires_on"] = found.retires_on.isoformat() if found.retires_on else None
            api_row["lifecycle_source"] = found.deprecation_page
        api_row["status"] = status
        if status != before:
            changes.append(f"{api_row['provider']}/{api_row['model']}: {before} -> {status}")
    return changes


def _id_from_name(name: str, *, provider: str | None) -> str | None:
    from course.economics.prices import load_prices

    wanted = _norm(name)
    for row in load_prices().api_prices:
        if provider is not None and _norm(row.provider) != _norm(provider):
            continue
        if _norm(row.name) == wanted:
            return row.model
    return None


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", text.casefold())


def lifecycle_by_id(rows: Iterable[ModelLifecycle]) -> Mapping[tuple[str, str], ModelLifecycle]:
    """(provider, id) -> row, every alias included (normalised ids)."""
    return {(_norm(r.provider), _norm(i)): r for r in rows for i in r.ids}
