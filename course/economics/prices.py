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
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import (
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from course.data import DATA_DIR
from course.errors import ConfigError, DataError

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

Status = Literal["current", "legacy"]

# --- field types: each checks one kind of value and says how to fix it ---------------------------
# A bad value raises PydanticCustomError("course", problem, {"fix": ...}); the loader turns the first
# error into a DataError naming file, row and field.


def _bad(problem: str, fix: str) -> PydanticCustomError:
    return PydanticCustomError("course", problem, {"fix": fix})


def _text(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str) or (not value.strip() and info.field_name != "notes"):
        raise _bad(f"must be a non-empty text, got {value!r}.", "Write the value as a JSON string.")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _bad(f"must be true or false, got {value!r}.", "Write true or false (no quotes).")
    return value


def _status(value: Any) -> str:
    if value not in ("current", "legacy"):
        raise _bad(f"is {value!r}.", "Use one of: current, legacy.")
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


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any, info: ValidationInfo) -> date:
    """An ISO date no later than ``today`` (from the validation context; the real today otherwise)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise _bad(f"is {value!r}, not an ISO date.", "Write the date as YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _bad(f"is {value!r}, which is not a real date.", "Check month and day.") from None
    today = (info.context or {}).get("today") or date.today()
    if day > today:
        raise _bad(
            f"is {value}, after today ({today.isoformat()}).",
            "Use the date the price was read from the provider's page, not a future date.",
        )
    return day


def _https(value: Any, info: ValidationInfo) -> str:
    text = _text(value, info)
    parts = urlparse(text)
    if parts.scheme != "https" or "." not in parts.netloc:
        raise _bad(f"is {text!r}, not an https URL.", "Give the provider's pricing page, https://...")
    return text


Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
UsdPerMtok = Annotated[float, BeforeValidator(_checked(_mtok_problem))]
UsdPerMtokOrNone = Annotated[float | None, BeforeValidator(_checked(_mtok_problem, optional=True))]
UsdPerHour = Annotated[float, BeforeValidator(_checked(_hourly_problem))]
UsdPerHourOrNone = Annotated[float | None, BeforeValidator(_checked(_hourly_problem, optional=True))]
Tokens = Annotated[int, BeforeValidator(_checked(_window_problem))]
Gigabytes = Annotated[float, BeforeValidator(_checked(_vram_problem))]
Day = Annotated[date, BeforeValidator(_day)]
HttpsUrl = Annotated[str, BeforeValidator(_https)]
_ROW_CONFIG = ConfigDict(extra="forbid")


@dataclass(frozen=True, config=_ROW_CONFIG)
class ApiPrice:
    """List price of one model behind one provider's API (USD per 1M tokens), checked on creation."""

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

    @model_validator(mode="after")
    def _cached_is_a_discount(self) -> ApiPrice:
        cached = self.usd_per_mtok_cached_input
        if cached is not None and cached > self.usd_per_mtok_input:
            raise PydanticCustomError(
                "course",
                f"({cached}) is above the input price ({self.usd_per_mtok_input}).",
                {
                    "field": "usd_per_mtok_cached_input",
                    "fix": "Cached input is a discount on input: check the two values are not swapped.",
                },
            )
        return self


@dataclass(frozen=True, config=_ROW_CONFIG)
class GpuRate:
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


def load_prices(path: str | Path | None = None, *, today: date | None = None) -> PriceSnapshot:
    """Read and check a price file; the bundled snapshot when ``path`` is None (read once, then cached).

    ``today`` is the date no ``as_of`` may exceed (default: the real today).
    """
    if path is None and today is None:
        return _bundled_snapshot()
    return _load(Path(path) if path is not None else DEFAULT_PRICES_PATH, today or date.today())


def api_price(model: str, *, provider: str | None = None) -> ApiPrice:
    """Look ``model`` up in the bundled snapshot."""
    return load_prices().api(model, provider=provider)


def gpu_rate(gpu: str, *, provider: str | None = None) -> GpuRate:
    """Look ``gpu`` up in the bundled snapshot."""
    return load_prices().gpu(gpu, provider=provider)


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


@functools.cache
def _bundled_snapshot() -> PriceSnapshot:
    return _load(DEFAULT_PRICES_PATH, date.today())


def _load(path: Path, today: date) -> PriceSnapshot:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"Price file {path} does not exist.", fix=_REFRESH_HINT) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            fix="Fix the JSON syntax there (a trailing comma or a missing quote is the usual cause).",
        ) from None
    if not isinstance(raw, dict):
        raise DataError(f"{path.name} must hold a JSON object at the top.", fix=_REFRESH_HINT)
    _check_header(raw, path)
    api_rows = _rows(raw, "api_models", path)
    gpu_rows = _rows(raw, "gpu_rates", path)
    api = tuple(_read_row(ApiPrice, path, "api_models", i, row, today) for i, row in enumerate(api_rows))
    gpus = tuple(_read_row(GpuRate, path, "gpu_rates", i, row, today) for i, row in enumerate(gpu_rows))
    _check_unique(path, "api_models", [(r.provider, r.model) for r in api])
    _check_unique(path, "gpu_rates", [(r.provider, r.gpu) for r in gpus])
    snapshot = _parse_date(raw["snapshot"], f"{path.name}: 'snapshot'", today)
    return PriceSnapshot(path=path, snapshot=snapshot, note=raw["note"], api_prices=api, gpu_rates=gpus)


def _check_header(raw: Mapping[str, Any], path: Path) -> None:
    where = path.name
    for key in ("schema_version", "snapshot", "note", "units", "api_models", "gpu_rates"):
        if key not in raw:
            raise DataError(f"{where}: the top-level key {key!r} is missing.", fix=_REFRESH_HINT)
    if raw["schema_version"] != SCHEMA_VERSION:
        raise DataError(
            f"{where}: schema_version is {raw['schema_version']!r}; this course reads {SCHEMA_VERSION}.",
            fix=f"Convert the file to schema {SCHEMA_VERSION}. {_REFRESH_HINT}",
        )
    if not isinstance(raw["note"], str) or "snapshot" not in raw["note"].lower():
        raise DataError(
            f"{where}: 'note' must be a text saying this is a dated snapshot to refresh.", fix=_REFRESH_HINT
        )
    units = raw["units"]
    if not isinstance(units, dict):
        raise DataError(f"{where}: 'units' must be an object.", fix=f"Use {EXPECTED_UNITS}.")
    for key, expected in EXPECTED_UNITS.items():
        if units.get(key) != expected:
            raise DataError(
                f"{where}: units.{key} is {units.get(key)!r}; the course computes in {expected!r}.",
                fix=f"Convert the prices to {expected} and set units.{key} to {expected!r}.",
            )


def _rows(raw: Mapping[str, Any], key: str, path: Path) -> list[Any]:
    rows = raw[key]
    if not isinstance(rows, list) or not rows:
        raise DataError(f"{path.name}: {key!r} must be a non-empty list of rows.", fix=_REFRESH_HINT)
    return rows


def _check_unique(path: Path, key: str, ids: list[tuple[str, str]]) -> None:
    seen: set[tuple[str, str]] = set()
    for i, ident in enumerate(ids):
        norm = (_norm(ident[0]), _norm(ident[1]))
        if norm in seen:
            raise DataError(
                f"{path.name}: {key}[{i}] repeats {ident[0]} / {ident[1]}.",
                fix="Keep one row per provider and name (delete or rename the duplicate).",
            )
        seen.add(norm)


_ADAPTERS = {ApiPrice: TypeAdapter(ApiPrice), GpuRate: TypeAdapter(GpuRate)}
_DAY = TypeAdapter(Day)


def _read_row(kind: type[Any], path: Path, key: str, index: int, row: Any, today: date) -> Any:
    """One row validated by the pydantic dataclass ``kind``; the first problem as a DataError."""
    label = ""
    if isinstance(row, dict):
        name = row.get("model") or row.get("gpu")
        label = f" ({name})" if isinstance(name, str) else ""
    where = f"{path.name}: {key}[{index}]{label}"
    if not isinstance(row, dict):
        raise DataError(f"{where} is not an object.", fix='Write each row as {"field": value, ...}.')
    try:
        return _ADAPTERS[kind].validate_python(row, context={"today": today})
    except ValidationError as exc:
        field, problem, fix = _first_problem(exc, kind)
        raise DataError(f"{where}, field {field!r} {problem}", fix=fix) from None


def _first_problem(exc: ValidationError, kind: type[Any]) -> tuple[str, str, str]:
    """(field, problem, fix) of the error to report first: unknown fields, then missing ones, then values."""
    fields = [f.name for f in dataclasses.fields(kind)]
    order = {"unexpected_keyword_argument": 0, "extra_forbidden": 0, "missing_argument": 1, "missing": 1}
    errors = sorted(exc.errors(), key=lambda e: order.get(e["type"], 2))
    error = errors[0]
    ctx = error.get("ctx") or {}
    field = str(ctx.get("field") or (error["loc"][0] if error["loc"] else "?"))
    if error["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
        return field, "is not a known field.", _suggest(field, fields, "field")
    if error["type"] in ("missing_argument", "missing"):
        return field, "is missing.", f"Add it (use null where a value may be absent). {_REFRESH_HINT}"
    if error["type"] == "course":
        return field, error["msg"], str(ctx.get("fix", _REFRESH_HINT))
    return field, f"is invalid: {error['msg']}.", _REFRESH_HINT


def _parse_date(value: Any, where: str, today: date) -> date:
    """The snapshot's own date, checked like a row's ``as_of``."""
    try:
        return _DAY.validate_python(value, context={"today": today})
    except ValidationError as exc:
        error = exc.errors()[0]
        fix = str((error.get("ctx") or {}).get("fix", _REFRESH_HINT))
        raise DataError(f"{where} {error['msg']}", fix=fix) from None


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
