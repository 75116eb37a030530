"""The price snapshot: API token prices and GPU rental rates, dated and sourced.

The data lives in ``course/data/prices.json`` and is read on first use (never at import, never from
the network). Every row is checked by a pydantic dataclass (:class:`ApiPrice`, :class:`GpuRate`:
each field type says what is wrong with a value and how to fix it); a bad row raises
:class:`~course.errors.DataError` naming the file, the row and the field. docs/refresh-prices.md explains
how to refresh the snapshot (``python -m course prices refresh``).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, model_validator

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, Day, Fact, HttpsUrl, data_row, load_data, problem
from course.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_PRICES_PATH = DATA_DIR / "prices.json"
SCHEMA_VERSION = 1
EXPECTED_UNITS = {
    "api_price": "USD per 1M tokens",
    "gpu_rate": "USD per GPU-hour",
    "context_window": "tokens",
    "vram": "GB",
}
# A USD-per-1M-token price below this is almost surely a per-token price (litellm stores 2.5e-06).
_MIN_NONZERO_USD_PER_MTOK = 1e-3
_MAX_USD_PER_MTOK = 1_000.0
_MAX_USD_PER_GPU_HOUR = 200.0
_REFRESH_HINT = "See docs/refresh-prices.md for the format and how to refresh the snapshot."

#: current: callable, no shutdown announced; deprecated: a shutdown is announced (retires_on), or the provider
#: calls it deprecated; retired: shut down; legacy: a past price, kept so the source articles' figures
#: can be reproduced (its model's lifecycle is in retires_on). The statuses and their dates come from the
#: course's lifecycle table, course/data/model_lifecycle.json (course.economics.lifecycle).
Status = Literal["current", "deprecated", "retired", "legacy"]
STATUSES: tuple[Status, ...] = ("current", "deprecated", "retired", "legacy")

# --- field types: each checks one kind of value and says how to fix it ---------------------------
# A bad value raises course.datafiles.problem(...); course.datafiles.load_data turns the first error
# into a DataError naming file, row and field.

_bad = problem


def _text(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str) or (not value.strip() and info.field_name != "notes"):
        raise _bad(f"must be a non-empty text, got {value!r}.", "Write the value as a JSON string.")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _bad(f"must be true or false, got {value!r}.", "Write true or false (no quotes).")
    return value


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise _bad(f"is {value!r}.", f"Use one of: {', '.join(STATUSES)}.")
    return value


#: the parts a reference API model plays in the course's comparisons (lessons, labs, calculators, memo):
#: "frontier", a flagship a team compares against; "frontier-small", a small, cheap frontier model.
#: Which rows play them is data (the ``role`` field of course/data/prices.json), read by reference_models().
ReferenceRole = Literal["frontier", "frontier-small"]
REFERENCE_ROLES: tuple[ReferenceRole, ...] = ("frontier", "frontier-small")


def _role(value: Any) -> str | None:
    if value is not None and value not in REFERENCE_ROLES:
        raise _bad(f"is {value!r}.", f"Use one of: {', '.join(REFERENCE_ROLES)}, or leave it out.")
    return value


def _number(value: Any, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        kind = "a number or null" if optional else "a number"
        raise _bad(f"must be {kind}, got {value!r}.", "Write a plain JSON number (no quotes, no $).")
    if value < 0:
        raise _bad(f"is negative ({value}).", "Prices, rates and sizes are never negative.")
    return value


def _checked(check: Callable[[float], str], *, optional: bool = False) -> Callable[[Any], float | None]:
    def validate(value: Any) -> float | None:
        number = _number(value, optional=optional)
        problem = "" if number is None else check(number)
        if problem:
            raise _bad(f"is {number}: {problem}", _REFRESH_HINT)
        return number

    return validate


def _mtok_problem(value: float) -> str:
    if 0 < value < _MIN_NONZERO_USD_PER_MTOK:
        return "far too small for USD per 1M tokens (a per-token price? multiply by 1,000,000)."
    if value > _MAX_USD_PER_MTOK:
        return f"above ${_MAX_USD_PER_MTOK:,.0f} per 1M tokens (a per-1K or per-token unit mix-up?)."
    return ""


def _hourly_problem(value: float) -> str:
    if value > _MAX_USD_PER_GPU_HOUR:
        return "too high for one GPU-hour (a whole multi-GPU instance? divide by its GPU count)."
    return ""


def _window_problem(value: float) -> str:
    return "" if isinstance(value, int) and value >= 1 else "must be a whole number of tokens, at least 1."


def _vram_problem(value: float) -> str:
    return "" if value > 0 else "must be above 0 GB."


Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
UsdPerMtok = Annotated[float, BeforeValidator(_checked(_mtok_problem))]
UsdPerMtokOrNone = Annotated[float | None, BeforeValidator(_checked(_mtok_problem, optional=True))]
UsdPerHour = Annotated[float, BeforeValidator(_checked(_hourly_problem))]
UsdPerHourOrNone = Annotated[float | None, BeforeValidator(_checked(_hourly_problem, optional=True))]
Tokens = Annotated[int, BeforeValidator(_checked(_window_problem))]
Gigabytes = Annotated[float, BeforeValidator(_checked(_vram_problem))]


@data_row
class ApiPrice(Fact):
    """List price of one model behind one provider's API (USD per 1M tokens), checked on creation.

    ``source`` is where the price was read (the genai-prices package for refreshed rows, else the
    provider's page), ``pricing_page`` the provider's own page; ``retires_on`` and ``lifecycle_source``
    say when the provider shuts the model down and which deprecation page says so.
    """

    provider: Text
    model: Text  # the id the provider's API takes
    name: Text  # a readable name
    open_weights: Flag
    status: Annotated[Status, BeforeValidator(_status)]
    usd_per_mtok_input: UsdPerMtok
    usd_per_mtok_output: UsdPerMtok
    usd_per_mtok_cached_input: UsdPerMtokOrNone  # None: the provider gives no cache discount
    context_window_tokens: Tokens
    as_of: Day
    source: HttpsUrl
    notes: Text = ""
    retires_on: Day | None = None  # the day the provider shuts the model down (or did)
    lifecycle_source: HttpsUrl | None = None  # the provider's deprecation page that gives retires_on
    pricing_page: HttpsUrl | None = None  # the provider's pricing page, when source is not it
    role: Annotated[ReferenceRole | None, BeforeValidator(_role)] = None  # see reference_models()
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    @model_validator(mode="after")
    def _lifecycle_is_sourced(self) -> ApiPrice:
        if self.status in ("deprecated", "retired") and self.lifecycle_source is None:
            raise problem(
                f"is missing for a {self.status} model.",
                "Give the provider's deprecation page (course/data/model_lifecycle.json has it).",
                field="lifecycle_source",
            )
        if self.status == "retired" and self.retires_on is None:
            raise problem(
                "is missing for a retired model.",
                "Give the day the provider shut it down (course/data/model_lifecycle.json).",
                field="retires_on",
            )
        if self.status == "current" and self.retires_on is not None:
            raise problem(
                f"is {self.retires_on.isoformat()}, but status is 'current'.",
                "A model with an announced shutdown is 'deprecated' (or 'retired' once the day has passed).",
                field="retires_on",
            )
        return self

    @model_validator(mode="after")
    def _cached_is_a_discount(self) -> ApiPrice:
        cached = self.usd_per_mtok_cached_input
        if cached is not None and cached > self.usd_per_mtok_input:
            raise problem(
                f"({cached}) is above the input price ({self.usd_per_mtok_input}).",
                "Cached input is a discount on input: check the two values are not swapped.",
                field="usd_per_mtok_cached_input",
            )
        return self


@data_row
class GpuRate(Fact):
    """Rental rate of one GPU at one provider (USD per GPU-hour), checked on creation."""

    provider: Text
    gpu: Text
    instance: Text
    vram_gb: Gigabytes
    usd_per_hour_on_demand: UsdPerHour
    usd_per_hour_spot: UsdPerHourOrNone  # None: no spot/interruptible market at this provider
    as_of: Day
    source: HttpsUrl
    notes: Text = ""
    pricing_page: HttpsUrl | None = None  # the provider's own page, when source is a copy of it
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    def usd_per_hour(self, *, spot: bool = False) -> float:
        """The on-demand rate, or the spot rate when ``spot`` (error if the provider has none)."""
        if not spot:
            return self.usd_per_hour_on_demand
        if self.usd_per_hour_spot is None:
            raise ConfigError(
                f"{self.provider} lists no spot price for {self.gpu}.",
                fix="Use the on-demand rate (spot=False) or pick a provider with a spot price.",
            )
        return self.usd_per_hour_spot


@dataclasses.dataclass(frozen=True)
class PriceSnapshot:
    """Every row of one price file, with lookups by name."""

    path: Path
    snapshot: date
    note: str
    api_prices: tuple[ApiPrice, ...]
    gpu_rates: tuple[GpuRate, ...]

    def api(self, model: str, *, provider: str | None = None) -> ApiPrice:
        """The price of ``model`` (its API id or readable name, any case)."""
        rows = [r for r in self.api_prices if provider is None or _norm(r.provider) == _norm(provider)]
        hits = [r for r in rows if _norm(model) in (_norm(r.model), _norm(r.name))]
        if len(hits) == 1:
            return hits[0]
        if hits:
            listed = ", ".join(f"{r.provider} ({r.model})" for r in hits)
            raise ConfigError(
                f"{model!r} is served by several providers: {listed}.",
                fix="Pass provider=... to choose one.",
            )
        raise ConfigError(
            f"No API price for model {model!r}" + (f" at provider {provider!r}." if provider else "."),
            fix=_suggest(model, [r.model for r in rows] + [r.name for r in rows], "model"),
        )

    def gpu(self, gpu: str, *, provider: str | None = None) -> GpuRate:
        """The rate of ``gpu`` (for example "A100 80GB", or "a100" when unambiguous)."""
        rows = [r for r in self.gpu_rates if provider is None or _norm(r.provider) == _norm(provider)]
        hits = [r for r in rows if _norm(r.gpu) == _norm(gpu)]
        if not hits:
            hits = [r for r in rows if _norm(r.gpu).startswith(_norm(gpu))]
            if len({r.gpu for r in hits}) > 1:
                names = sorted({r.gpu for r in hits})
                raise ConfigError(f"{gpu!r} matches several GPUs: {', '.join(names)}.", fix="Name one.")
        if len(hits) == 1:
            return hits[0]
        if hits:
            listed = ", ".join(f"{r.provider} (${r.usd_per_hour_on_demand:g}/h)" for r in hits)
            raise ConfigError(
                f"{hits[0].gpu} is listed by several providers: {listed}.",
                fix="Pass provider=... to choose one.",
            )
        raise ConfigError(
            f"No GPU rate for {gpu!r}" + (f" at provider {provider!r}." if provider else "."),
            fix=_suggest(gpu, [r.gpu for r in rows], "GPU"),
        )


def load_prices(path: str | Path | None = None) -> PriceSnapshot:
    """Read and check a price file; the bundled snapshot when ``path`` is None (read once, then cached).

    Loading never looks at the clock: that no ``as_of`` lies in the future is checked by the tests and
    by ``python -m course prices refresh`` (see :func:`course.datafiles.dates_after`).
    """
    if path is None:
        return _bundled_snapshot()
    return _load(Path(path))


def api_price(model: str, *, provider: str | None = None) -> ApiPrice:
    """Look ``model`` up in the bundled snapshot."""
    return load_prices().api(model, provider=provider)


def gpu_rate(gpu: str, *, provider: str | None = None) -> GpuRate:
    """Look ``gpu`` up in the bundled snapshot."""
    return load_prices().gpu(gpu, provider=provider)


def reference_models(
    role: ReferenceRole | None = None, *, snapshot: PriceSnapshot | None = None
) -> tuple[ApiPrice, ...]:
    """The API models the course compares against, in the snapshot's order: every row with a ``role``
    (or only ``role``'s), leaving out models already retired or kept only as a past price.

    Lessons, labs, calculators and the memo pick their API models here, never by name, so that when a
    provider retires a model the refreshed snapshot's roles move every comparison to its successor.
    """
    if role is not None and role not in REFERENCE_ROLES:
        raise ConfigError(f"Unknown role {role!r}.", fix=f"Use one of: {', '.join(REFERENCE_ROLES)}.")
    snap = snapshot or load_prices()
    return tuple(
        r
        for r in snap.api_prices
        if r.role is not None and (role is None or r.role == role) and r.status not in ("retired", "legacy")
    )


def reference_model(role: ReferenceRole = "frontier", *, snapshot: PriceSnapshot | None = None) -> ApiPrice:
    """The first model that plays ``role`` (see :func:`reference_models`)."""
    found = reference_models(role, snapshot=snapshot)
    if not found:
        raise ConfigError(
            f"No current API model has the role {role!r} in the price snapshot.",
            fix=f'Set "role": "{role}" on a current row of course/data/prices.json (docs/refresh-prices.md).',
        )
    return found[0]


def api_prices_frame(snapshot: PriceSnapshot | None = None) -> pd.DataFrame:
    """The API prices as a table (pandas is imported only here)."""
    import pandas as pd

    snap = snapshot or load_prices()
    return pd.DataFrame(snap.api_prices)


def gpu_rates_frame(snapshot: PriceSnapshot | None = None) -> pd.DataFrame:
    """The GPU rates as a table."""
    import pandas as pd

    snap = snapshot or load_prices()
    return pd.DataFrame(snap.gpu_rates)


# --- loading and checking -------------------------------------------------------------------------


def _schema(value: Any) -> int:
    if value != SCHEMA_VERSION:
        raise problem(
            f"is {value!r}; this course reads {SCHEMA_VERSION}.",
            f"Convert the file to schema {SCHEMA_VERSION}. {_REFRESH_HINT}",
        )
    return value


def _snapshot_note(value: Any) -> str:
    if not isinstance(value, str) or "snapshot" not in value.lower():
        raise problem("must be a text saying this is a dated snapshot to refresh.", _REFRESH_HINT)
    return value


def _units(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise problem("must be an object.", f"Use {EXPECTED_UNITS}.")
    for key, expected in EXPECTED_UNITS.items():
        if value.get(key) != expected:
            raise problem(
                f"is {value.get(key)!r}; the course computes in {expected!r}.",
                f"Convert the prices to {expected} and set units.{key} to {expected!r}.",
                at=("units", key),
            )
    return value


class PriceFile(BaseModel):
    """The whole price file: its header, then the API rows and the GPU rows."""

    model_config = FILE_CONFIG

    schema_version: Annotated[int, BeforeValidator(_schema)]
    snapshot: Day
    note: Annotated[str, BeforeValidator(_snapshot_note)]
    units: Annotated[dict[str, str], BeforeValidator(_units)]
    api_models: tuple[ApiPrice, ...] = Field(min_length=1)
    gpu_rates: tuple[GpuRate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_row_each(self) -> PriceFile:
        for key, ids in (
            ("api_models", [(r.provider, r.model) for r in self.api_models]),
            ("gpu_rates", [(r.provider, r.gpu) for r in self.gpu_rates]),
        ):
            seen: set[tuple[str, str]] = set()
            for i, ident in enumerate(ids):
                norm = (_norm(ident[0]), _norm(ident[1]))
                if norm in seen:
                    raise problem(
                        f"repeats {ident[0]} / {ident[1]}.",
                        "Keep one row per provider and name (delete or rename the duplicate).",
                        at=(key, i),
                    )
                seen.add(norm)
        return self


@functools.cache
def _bundled_snapshot() -> PriceSnapshot:
    return _load(DEFAULT_PRICES_PATH)


def _load(path: Path) -> PriceSnapshot:
    data = load_data(path.name, PriceFile, data_dir=path.parent)
    return PriceSnapshot(
        path=path,
        snapshot=data.snapshot,
        note=data.note,
        api_prices=data.api_models,
        gpu_rates=data.gpu_rates,
    )


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _suggest(wanted: str, names: list[str], what: str) -> str:
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.5)
    if not close:
        by_norm = {_norm(n): n for n in names}
        close = [by_norm[n] for n in difflib.get_close_matches(_norm(wanted), list(by_norm), n=5, cutoff=0.5)]
    if close:
        return f"Did you mean: {', '.join(repr(c) for c in close)}?"
    return f"Known {what} names: {', '.join(sorted(set(names)))}."
