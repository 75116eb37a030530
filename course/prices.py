"""The price snapshot: API token prices and GPU rental rates, dated and sourced.

The data lives in ``course/data/prices.json`` and is read on first use (never at import, never from
the network). Every row is checked; a bad row raises :class:`~course.errors.DataError` naming the
file, the row and the field, and saying how to fix it. docs/refresh-prices.md explains how to refresh
the snapshot.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from course.errors import ConfigError, DataError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_PRICES_PATH = Path(__file__).parent / "data" / "prices.json"
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


@dataclass(frozen=True)
class ApiPrice:
    """List price of one model behind one provider's API (USD per 1M tokens)."""

    provider: str
    model: str  # the id the provider's API takes
    name: str  # a readable name
    open_weights: bool
    status: Status
    usd_per_mtok_input: float
    usd_per_mtok_output: float
    usd_per_mtok_cached_input: float | None  # None: the provider gives no cache discount
    context_window_tokens: int
    as_of: date
    source: str
    notes: str = ""


@dataclass(frozen=True)
class GpuRate:
    """Rental rate of one GPU at one provider (USD per GPU-hour)."""

    provider: str
    gpu: str
    instance: str
    vram_gb: float
    usd_per_hour_on_demand: float
    usd_per_hour_spot: float | None  # None: no spot/interruptible market at this provider
    as_of: date
    source: str
    notes: str = ""

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


@dataclass(frozen=True)
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
    api = tuple(_RowReader(path, "api_models", i, row, today).api_price() for i, row in enumerate(api_rows))
    gpus = tuple(_RowReader(path, "gpu_rates", i, row, today).gpu_rate() for i, row in enumerate(gpu_rows))
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


_API_FIELDS = {
    "provider": True,
    "model": True,
    "name": True,
    "open_weights": True,
    "status": True,
    "usd_per_mtok_input": True,
    "usd_per_mtok_output": True,
    "usd_per_mtok_cached_input": True,
    "context_window_tokens": True,
    "as_of": True,
    "source": True,
    "notes": False,
}
_GPU_FIELDS = {
    "provider": True,
    "gpu": True,
    "instance": True,
    "vram_gb": True,
    "usd_per_hour_on_demand": True,
    "usd_per_hour_spot": True,
    "as_of": True,
    "source": True,
    "notes": False,
}


class _RowReader:
    """Reads one row, naming file, list, index and field in every error."""

    def __init__(self, path: Path, key: str, index: int, row: Any, today: date) -> None:
        self.path, self.key, self.index, self.today = path, key, index, today
        self.row = row

    def where(self, field: str | None = None) -> str:
        ident = ""
        if isinstance(self.row, dict):
            label = self.row.get("model") or self.row.get("gpu")
            ident = f" ({label})" if isinstance(label, str) else ""
        at = f"{self.path.name}: {self.key}[{self.index}]{ident}"
        return f"{at}, field {field!r}" if field else at

    def fail(self, field: str | None, problem: str, fix: str) -> DataError:
        return DataError(f"{self.where(field)} {problem}", fix=fix)

    def check_fields(self, spec: Mapping[str, bool]) -> None:
        if not isinstance(self.row, dict):
            raise self.fail(None, "is not an object.", 'Write each row as {"field": value, ...}.')
        for name in self.row:
            if name not in spec:
                raise self.fail(name, "is not a known field.", _suggest(name, list(spec), "field"))
        for name, required in spec.items():
            if required and name not in self.row:
                raise self.fail(
                    name, "is missing.", f"Add it (use null where a value may be absent). {_REFRESH_HINT}"
                )

    def text(self, field: str, *, choices: Iterable[str] | None = None) -> str:
        value = self.row.get(field, "")
        if not isinstance(value, str) or (not value.strip() and field != "notes"):
            raise self.fail(
                field, f"must be a non-empty text, got {value!r}.", "Write the value as a JSON string."
            )
        if choices is not None and value not in choices:
            raise self.fail(field, f"is {value!r}.", f"Use one of: {', '.join(choices)}.")
        return value

    def flag(self, field: str) -> bool:
        value = self.row[field]
        if not isinstance(value, bool):
            raise self.fail(
                field, f"must be true or false, got {value!r}.", "Write true or false (no quotes)."
            )
        return value

    def number(
        self, field: str, *, optional: bool = False, check: Callable[[float], str] | None = None
    ) -> Any:
        value = self.row[field]
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            kind = "a number or null" if optional else "a number"
            raise self.fail(
                field, f"must be {kind}, got {value!r}.", "Write a plain JSON number (no quotes, no $)."
            )
        if value < 0:
            raise self.fail(field, f"is negative ({value}).", "Prices, rates and sizes are never negative.")
        problem = check(value) if check else ""
        if problem:
            raise self.fail(field, f"is {value}: {problem}", _REFRESH_HINT)
        return value

    def url(self, field: str) -> str:
        value = self.text(field)
        parts = urlparse(value)
        if parts.scheme != "https" or "." not in parts.netloc:
            raise self.fail(
                field, f"is {value!r}, not an https URL.", "Give the provider's pricing page, https://..."
            )
        return value

    def day(self, field: str) -> date:
        return _parse_date(self.row[field], self.where(field), self.today)

    def api_price(self) -> ApiPrice:
        self.check_fields(_API_FIELDS)
        price = functools.partial(self.number, check=_mtok_problem)
        row = ApiPrice(
            provider=self.text("provider"),
            model=self.text("model"),
            name=self.text("name"),
            open_weights=self.flag("open_weights"),
            status=self.text("status", choices=("current", "legacy")),  # type: ignore[arg-type]
            usd_per_mtok_input=float(price("usd_per_mtok_input")),
            usd_per_mtok_output=float(price("usd_per_mtok_output")),
            usd_per_mtok_cached_input=price("usd_per_mtok_cached_input", optional=True),
            context_window_tokens=self.number("context_window_tokens", check=_window_problem),
            as_of=self.day("as_of"),
            source=self.url("source"),
            notes=self.text("notes") if "notes" in self.row else "",
        )
        cached = row.usd_per_mtok_cached_input
        if cached is not None and cached > row.usd_per_mtok_input:
            raise self.fail(
                "usd_per_mtok_cached_input",
                f"({cached}) is above the input price ({row.usd_per_mtok_input}).",
                "Cached input is a discount on input: check the two values are not swapped.",
            )
        return row

    def gpu_rate(self) -> GpuRate:
        self.check_fields(_GPU_FIELDS)
        rate = functools.partial(self.number, check=_hourly_problem)
        return GpuRate(
            provider=self.text("provider"),
            gpu=self.text("gpu"),
            instance=self.text("instance"),
            vram_gb=float(self.number("vram_gb", check=_vram_problem)),
            usd_per_hour_on_demand=float(rate("usd_per_hour_on_demand")),
            usd_per_hour_spot=rate("usd_per_hour_spot", optional=True),
            as_of=self.day("as_of"),
            source=self.url("source"),
            notes=self.text("notes") if "notes" in self.row else "",
        )


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


def _parse_date(value: Any, where: str, today: date) -> date:
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise DataError(f"{where} is {value!r}, not an ISO date.", fix="Write the date as YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DataError(
            f"{where} is {value!r}, which is not a real date.", fix="Check month and day."
        ) from None
    if day > today:
        raise DataError(
            f"{where} is {value}, after today ({today.isoformat()}).",
            fix="Use the date the price was read from the provider's page, not a future date.",
        )
    return day


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
