"""`python -m course prices refresh`: rebuild the API rows of the price snapshot from genai-prices.

genai-prices (Pydantic's MIT-licensed price database, on PyPI) is a refresh-time tool only: install it
with `pip install -e ".[refresh]"`. The course itself never imports it, so its numbers change only when
someone runs this command and commits the new course/data/prices.json (docs/refresh-prices.md).

What a refresh changes: the API rows listed in :data:`REFRESH_MODELS` are rebuilt from the package's
bundled data (standard tier, prices at 12:00 UTC on the refresh day, the first tier of tiered prices),
dated ``as_of`` and ``checked`` the refresh day, sourced to the package version (``source``, with the
provider's page in ``pricing_page``) and quoted from the package's own data (``quote``). Rows
genai-prices does not have, ``legacy`` rows (what a price *was*, for the source articles) and every GPU rate
stay as written. Then every API row's ``status`` is set from the course's lifecycle table
(course/data/model_lifecycle.json): genai-prices keeps retired models for old bills, so a price there
says nothing about whether the model still answers; a retired model is never written as current.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from course.datafiles import dates_after
from course.economics.lifecycle import apply_lifecycle, model_lifecycles
from course.economics.prices import DEFAULT_PRICES_PATH, PriceSnapshot, load_prices
from course.errors import ConfigError, DataError
from course.io import atomic_path

PACKAGE = "genai-prices"
PRICE_FIELDS = ("usd_per_mtok_input", "usd_per_mtok_output", "usd_per_mtok_cached_input")
_REASONING = "Reasoning tokens are billed as output."
_CACHE_WRITE = "Cached input = cache read; writing to the cache costs 1.25x input."


@dataclass(frozen=True)
class RefreshSpec:
    """One course row to rebuild: the course's names, and where genai-prices keeps the model."""

    provider: str
    model: str
    name: str
    open_weights: bool = False
    note: str = ""  # the course's own remark, kept on every refresh
    genai_provider: str = ""  # default: provider
    genai_model: str = ""  # default: model
    tier_note: bool = True  # False: the package's higher tiers are history (the provider withdrew them)


def _spec(provider: str, model: str, name: str, note: str = "", **more: Any) -> RefreshSpec:
    return RefreshSpec(provider, model, name, note=note, **more)


#: The rows a refresh rebuilds (the lessons and the seed reconciliation name several of them).
REFRESH_MODELS: tuple[RefreshSpec, ...] = (
    _spec("openai", "gpt-5.5", "GPT-5.5", _REASONING),
    _spec("openai", "gpt-6.1-sol", "GPT-6.1 Sol", _REASONING),
    _spec("openai", "gpt-6-luna", "GPT-6 Luna", _REASONING),
    _spec("openai", "gpt-5.4", "GPT-5.4", _REASONING),
    _spec("openai", "gpt-5.4-mini", "GPT-5.4 mini", _REASONING),
    _spec("openai", "gpt-5.4-nano", "GPT-5.4 nano", _REASONING),
    _spec("openai", "gpt-5.2", "GPT-5.2", _REASONING),
    _spec("openai", "gpt-5.1", "GPT-5.1", _REASONING),
    _spec("openai", "gpt-5", "GPT-5", _REASONING),
    _spec("openai", "gpt-5-mini", "GPT-5 mini", _REASONING),
    _spec("openai", "gpt-5-nano", "GPT-5 nano", _REASONING),
    _spec("openai", "gpt-4.1", "GPT-4.1"),
    _spec("openai", "gpt-4.1-mini", "GPT-4.1 mini"),
    _spec("openai", "o3", "o3", _REASONING),
    _spec("anthropic", "claude-opus-5-5", "Claude Opus 5.5", _CACHE_WRITE),
    _spec("anthropic", "claude-sonnet-5-5", "Claude Sonnet 5.5", _CACHE_WRITE),
    _spec("anthropic", "claude-opus-4-5", "Claude Opus 4.5", _CACHE_WRITE),
    _spec("anthropic", "claude-opus-4-1", "Claude Opus 4.1", _CACHE_WRITE),
    _spec(
        "anthropic",
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        _CACHE_WRITE + " Prompts over 200,000 tokens are refused since the 1M beta ended (2026-04-30).",
        tier_note=False,
    ),
    _spec("anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", _CACHE_WRITE),
    _spec(
        "google",
        "gemini-3.8-flash",
        "Gemini 3.8 Flash",
        "Introductory price, which genai-prices says applies through 2026-12-31.",
    ),
    _spec("google", "gemini-3.5-flash", "Gemini 3.5 Flash"),
    _spec("google", "gemini-3-flash-preview", "Gemini 3 Flash (preview)"),
    _spec("google", "gemini-3-pro-preview", "Gemini 3 Pro (preview)"),
    _spec("google", "gemini-2.5-pro", "Gemini 2.5 Pro"),
    _spec(
        "google", "gemini-2.5-flash", "Gemini 2.5 Flash", "Text/image/video input price; audio costs more."
    ),
    _spec("google", "gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"),
    _spec(
        "together",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "Llama 3.3 70B (Together)",
        "Serverless endpoint, FP8.",
        open_weights=True,
    ),
    _spec(
        "together",
        "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
        "Llama 3.1 8B (Together)",
        open_weights=True,
    ),
    _spec(
        "fireworks",
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
        "Llama 3.1 8B (Fireworks)",
        "Fireworks prices serverless models by size band (4B-16B parameters here).",
        open_weights=True,
    ),
    _spec("groq", "llama-3.3-70b-versatile", "Llama 3.3 70B (Groq)", open_weights=True),
    _spec("groq", "llama-3.1-8b-instant", "Llama 3.1 8B (Groq)", open_weights=True),
    _spec("together", "openai/gpt-oss-120b", "gpt-oss-120b (Together)", open_weights=True),
    _spec(
        "fireworks",
        "accounts/fireworks/models/qwen3-235b-a22b",
        "Qwen3 235B A22B (Fireworks)",
        open_weights=True,
    ),
    _spec(
        "fireworks",
        "accounts/fireworks/models/llama-v3p3-70b-instruct",
        "Llama 3.3 70B (Fireworks)",
        "Fireworks' price as listed through Hugging Face's inference router.",
        genai_provider="huggingface_fireworks-ai",
        genai_model="meta-llama/Llama-3.3-70B-Instruct",
        open_weights=True,
    ),
    _spec(
        "together",
        "deepseek-ai/DeepSeek-V3",
        "DeepSeek V3 (Together)",
        "Together's price as listed through Hugging Face's inference router.",
        genai_provider="huggingface_together",
        open_weights=True,
    ),
    _spec(
        "deepseek",
        "deepseek-flash",
        "DeepSeek V4.1 Flash (DeepSeek API)",
        "The lab's own API for its open-weights model; peak hours (01:00-04:00 and 06:00-10:00 UTC on "
        "weekdays) cost twice the price shown.",
        open_weights=True,
    ),
    # Not deepseek/deepseek-chat: genai-prices 0.2.3 still gives it the V3 price of early 2025 with an
    # off-peak discount (0.27 / 1.10, both ended in September 2025), so that row stays hand-entered
    # (and retired: the name stopped working on 2026-07-24).
)


@dataclass(frozen=True)
class PriceMove:
    """One price of one row, before and after a refresh (None: no such row or no cache price)."""

    provider: str
    model: str
    field: str
    old_usd_per_mtok: float | None
    new_usd_per_mtok: float | None
    old_as_of: str | None
    new_as_of: str

    @property
    def change_pct(self) -> float:
        """Relative change in percent (inf for a price that appears, -100 for one that goes)."""
        old, new = self.old_usd_per_mtok, self.new_usd_per_mtok
        if old is None or new is None:
            return math.inf if new is not None else -100.0
        return 0.0 if old == new else (new - old) / old * 100 if old else math.inf


@dataclass(frozen=True)
class RefreshResult:
    data: dict[str, Any]  # the new file's content
    moves: tuple[PriceMove, ...]  # prices that changed on rows present before and after, largest first
    added: tuple[str, ...]  # "provider/model" rows new in this refresh
    kept: tuple[str, ...]  # current rows genai-prices does not have: left as hand-entered
    package_version: str
    lifecycle: tuple[str, ...] = ()  # "provider/model: old -> new" status changes
    unlisted_deprecations: tuple[str, ...] = ()  # deprecated in genai-prices, absent from the lifecycle table


def genai_providers() -> tuple[list[Any], str]:
    """genai-prices' bundled provider list and its version (no network: its auto-update is not used)."""
    try:
        from importlib.metadata import version

        from genai_prices.data import providers
    except ModuleNotFoundError:
        raise ConfigError(
            f"{PACKAGE} is not installed: the refresh reads its price data.",
            fix='Install the refresh extra: `.venv/bin/pip install -e ".[refresh]"` (or genai-prices alone).',
        ) from None
    return providers, version(PACKAGE)


def refresh(
    raw: Mapping[str, Any],
    *,
    as_of: date,
    providers: Iterable[Any],
    package_version: str,
    specs: Iterable[RefreshSpec] = REFRESH_MODELS,
    lifecycle: Iterable[Any] | None = None,
) -> RefreshResult:
    """The price file ``raw`` with its listed API rows rebuilt from genai-prices' ``providers``, and every
    API row's status set from the lifecycle table (``lifecycle``: rows of
    :class:`~course.economics.lifecycle.ModelLifecycle`; default: the course's table)."""
    by_id = {p.id: p for p in providers}
    old_rows = {(r["provider"], r["model"]): r for r in raw["api_models"]}
    at = datetime.combine(as_of, time(12, 0), tzinfo=timezone.utc)
    rebuilt: list[dict[str, Any]] = []
    done: set[tuple[str, str]] = set()
    flagged: list[str] = []
    source_text = package_source_text()
    for spec in specs:
        provider = by_id.get(spec.genai_provider or spec.provider)
        model = provider.find_model(spec.genai_model or spec.model) if provider else None
        if model is None:
            continue  # not in genai-prices: an existing row stays as written, a new one is not added
        old = old_rows.get((spec.provider, spec.model))
        row = _row(spec, provider, model, old, at, package_version, source_text=source_text)
        rebuilt.append(row)
        done.add((spec.provider, spec.model))
        if model.deprecated:
            flagged.append(f"{spec.provider}/{spec.model}")
    kept = [r for key, r in old_rows.items() if key not in done and r["status"] != "legacy"]
    legacy = [r for key, r in old_rows.items() if key not in done and r["status"] == "legacy"]
    rows = sorted(rebuilt + kept, key=lambda r: r["open_weights"]) + legacy  # stable: closed, open, legacy
    table = model_lifecycles() if lifecycle is None else tuple(lifecycle)
    changes = apply_lifecycle(rows, day=as_of, rows=table)
    by_name = {f"{r['provider']}/{r['model']}": r for r in rows}
    unlisted = [name for name in flagged if by_name[name]["status"] == "current"]
    for name in unlisted:  # the package knows of a deprecation the course's table does not: never "current"
        by_name[name].update(status="deprecated", lifecycle_source=_package_url(package_version))
    data = dict(raw)
    data["snapshot"] = as_of.isoformat()
    data["note"] = _note(package_version, as_of)
    data["api_models"] = rows
    moves = [
        move
        for row in rebuilt
        if (row["provider"], row["model"]) in old_rows
        for move in _moves(old_rows[(row["provider"], row["model"])], row)
    ]
    moves.sort(key=lambda m: abs(m.change_pct), reverse=True)
    return RefreshResult(
        data=data,
        moves=tuple(moves),
        added=tuple(
            f"{r['provider']}/{r['model']}" for r in rebuilt if (r["provider"], r["model"]) not in old_rows
        ),
        kept=tuple(f"{r['provider']}/{r['model']}" for r in kept),
        package_version=package_version,
        lifecycle=tuple(changes),
        unlisted_deprecations=tuple(unlisted),
    )


def _package_url(version: str) -> str:
    return f"https://pypi.org/project/{PACKAGE}/{version}/"


def package_source_text() -> str:
    """The text of genai-prices' bundled data module, to quote from ("" when it cannot be read)."""
    try:
        from genai_prices import data

        return Path(str(data.__file__)).read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return ""


def package_quote(source_text: str, provider_id: str, model_id: str, *, limit: int = 400) -> str:
    """A verbatim excerpt of genai-prices' data for one model: the ``input_mtok``, ``cache_read_mtok`` and
    ``output_mtok`` values of its ``prices=`` entry, whitespace folded, joined by " … " where text is
    skipped (cut at ``limit`` characters); "" when the model's entry is not found in the text."""
    start = source_text.find(f"\n        id='{provider_id}',")
    if start < 0:
        return ""
    at = source_text.find(f"id='{model_id}',", start)
    begin = source_text.find("prices=", at) if at >= 0 else -1
    if begin < 0:
        return ""
    entry = _balanced(source_text, begin)
    parts = []
    for key in ("input_mtok", "cache_read_mtok", "output_mtok"):
        found = entry.find(f"{key}=")
        if found >= 0:
            value_end = found + len(key) + 1
            value = _balanced(entry, value_end) if entry[value_end:].startswith(("Decimal", "Tiered")) else ""
            parts.append(" ".join(f"{key}={value}".split()))
    text = " … ".join(parts) if parts else " ".join(entry.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _balanced(text: str, begin: int) -> str:
    """``text`` from ``begin`` through the bracket that closes the first one opened there."""
    depth = 0
    for end in range(begin, len(text)):
        if text[end] in "([":
            depth += 1
        elif text[end] in ")]":
            depth -= 1
            if depth == 0:
                return text[begin : end + 1]
    return text[begin:]


def _row(
    spec: RefreshSpec,
    provider: Any,
    model: Any,
    old: Mapping[str, Any] | None,
    at: datetime,
    version: str,
    *,
    source_text: str = "",
) -> dict[str, Any]:
    prices = model.get_prices(at)
    base = {
        key: _base(getattr(prices, key, None)) for key in ("input_mtok", "output_mtok", "cache_read_mtok")
    }
    if base["input_mtok"] is None or base["output_mtok"] is None:
        raise DataError(
            f"{PACKAGE} {version} has no input/output token price for {spec.provider}/{spec.model}.",
            fix="Remove the model from REFRESH_MODELS in course/commands/prices.py, or pick another id.",
        )
    window = model.context_window or (old or {}).get("context_window_tokens")
    if not window:
        raise DataError(
            f"{PACKAGE} {version} gives no context window for {spec.provider}/{spec.model}.",
            fix="Add the row by hand first (with the provider's context window), then refresh.",
        )
    notes = [spec.note] if spec.note else []
    tier = _tier_note(prices) if spec.tier_note else ""
    if tier:
        notes.append(tier)
    if isinstance(model.prices, list) and any(_is_time_of_day(c.constraint) for c in model.prices):
        notes.append("Price at 12:00 UTC; peak and off-peak hours are priced differently.")
    if model.deprecated:
        notes.append("Deprecated by the provider.")
    notes.append(f"Via {PACKAGE} {version}.")
    quote = package_quote(source_text, provider.id, model.id)
    row = {
        "provider": spec.provider,
        "model": spec.model,
        "name": spec.name,
        "open_weights": spec.open_weights,
        "status": (old or {}).get("status", "current"),  # set from the lifecycle table later
        "usd_per_mtok_input": base["input_mtok"],
        "usd_per_mtok_output": base["output_mtok"],
        "usd_per_mtok_cached_input": base["cache_read_mtok"],
        "context_window_tokens": int(window),
        "as_of": at.date().isoformat(),
        "source": _package_url(version),
        "notes": " ".join(notes),
        "pricing_page": (provider.pricing_urls or [None])[0],
        "checked": at.date().isoformat(),
        "quote": quote,
    }
    if not quote:
        row["unverified"] = f"{PACKAGE} {version}'s data could not be quoted for {provider.id}/{model.id}."
    for key, value in (old or {}).items():  # the course's own fields (e.g. a reference role) stay
        if key not in row and key not in _SET_BY_REFRESH:
            row[key] = value
    return row


#: fields a refresh sets (or clears) itself; any other field of an old row is carried over
_SET_BY_REFRESH = frozenset({"unverified", "retires_on", "lifecycle_source"})


def _base(price: Any) -> float | None:
    """A flat price, or the first tier of a tiered one, as a float (None when absent)."""
    if price is None:
        return None
    return _clean(float(getattr(price, "base", price)))


def _clean(value: float) -> float:
    return float(f"{value:.6g}")


def _tier_note(prices: Any) -> str:
    tiered_in, tiered_out = getattr(prices, "input_mtok", None), getattr(prices, "output_mtok", None)
    if tiered_in is None or not getattr(tiered_in, "tiers", None):
        return ""
    start = tiered_in.tiers[0].start
    high_in = _clean(float(tiered_in.tiers[0].price))
    out_tiers = getattr(tiered_out, "tiers", None)
    high_out = _clean(float(out_tiers[0].price)) if out_tiers else _base(tiered_out)
    return f"Prompts over {start:,} tokens cost USD {high_in:g} in / USD {high_out:g} out per 1M."


def _is_time_of_day(constraint: Any) -> bool:
    return constraint is not None and hasattr(constraint, "start_time")


def _note(version: str, as_of: date) -> str:
    return (
        "A DATED SNAPSHOT of public list prices; nothing here is fetched at run time. API rows whose notes "
        f"say 'Via {PACKAGE}' were rebuilt by `python -m course prices refresh` from the {PACKAGE} {version} "
        f"package (Pydantic's MIT-licensed price database) on {as_of.isoformat()}; the other rows and all "
        "GPU rates are hand-entered from the providers' pages. Each row carries the date its price was "
        "known to hold (as_of), where it was read (source: the package, or the provider's page), the day "
        "it was checked and the words that support it (quote). Prices change often and spot "
        "rates move by the hour and region: refresh before quoting any figure (docs/refresh-prices.md). "
        "status comes from the course's lifecycle table (course/data/model_lifecycle.json): current, "
        "deprecated (shutdown announced: retires_on) or retired; 'legacy' rows are older prices kept so the "
        "source articles' figures can be reproduced."
    )


def _moves(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[PriceMove]:
    return [
        PriceMove(
            new["provider"],
            new["model"],
            field,
            old.get(field),
            new.get(field),
            old.get("as_of"),
            new["as_of"],
        )
        for field in PRICE_FIELDS
        if old.get(field) != new.get(field)
    ]


# --- writing the file ------------------------------------------------------------------------------

_LINES = (
    ("provider", "model", "name", "open_weights", "role", "status", "retires_on"),
    ("usd_per_mtok_input", "usd_per_mtok_output", "usd_per_mtok_cached_input"),
    ("context_window_tokens", "as_of", "source"),
    ("notes",),
    ("gpu", "instance", "vram_gb"),
    ("usd_per_hour_on_demand", "usd_per_hour_spot"),
    ("pricing_page", "lifecycle_source"),
    ("checked", "quote"),
    ("unverified",),
)


def format_price_file(data: Mapping[str, Any]) -> str:
    """The file as the course keeps it: one row per short block of lines, so diffs stay readable."""
    head = {k: v for k, v in data.items() if k not in ("api_models", "gpu_rates")}
    text = json.dumps(head, indent=2, ensure_ascii=False)[:-2]
    for key in ("api_models", "gpu_rates"):
        rows = ",\n".join(_format_row(row) for row in data[key])
        text += f',\n  "{key}": [\n{rows}\n  ]'
    return text + "\n}\n"


def _format_row(row: Mapping[str, Any]) -> str:
    lines, placed = [], set()
    for group in _LINES:
        items = [f"{json.dumps(k)}: {json.dumps(row[k], ensure_ascii=False)}" for k in group if k in row]
        placed |= {k for k in group if k in row}
        if items:
            lines.append(", ".join(items))
    rest = [
        f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in row.items() if k not in placed
    ]
    if rest:
        lines.append(", ".join(rest))
    return "    {" + ",\n     ".join(lines) + "}"


def write_checked(data: Mapping[str, Any], path: Path, *, today: date) -> None:
    """Write ``data`` to ``path`` only if the course's loader accepts it and no date in it is after
    ``today`` (the old file is kept otherwise). Loading never checks dates against the clock; the
    refresh, which knows the real date, does."""
    with atomic_path(path) as tmp:
        tmp.write_text(format_price_file(data), encoding="utf-8")
        check_not_future(load_prices(tmp), path=path, today=today)  # a DataError naming row and field


def check_not_future(snapshot: PriceSnapshot, *, path: Path, today: date) -> None:
    """Raise :class:`DataError` if a date of ``snapshot`` (its own, a row's ``as_of``) is after ``today``."""
    late = dates_after(snapshot, today)
    if late:
        more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
        raise DataError(
            f"{path.name}: {late[0]}, after today ({today.isoformat()}){more}.",
            fix="Use the date the price was read from the provider's page, not a future date.",
        )


# --- the command -----------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prices", help="refresh the dated price snapshot", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="prices_command", metavar="ACTION", required=True)
    p_refresh = sub.add_parser(
        "refresh",
        help=f"rebuild the API rows from the installed {PACKAGE} package (offline)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p_refresh.add_argument(
        "--file", type=Path, default=DEFAULT_PRICES_PATH, help="the price file (default: the bundled one)"
    )
    p_refresh.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    p_refresh.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="date to stamp on the rows (default: today)"
    )
    p_refresh.add_argument("--top", type=int, default=12, help="how many of the largest moves to print")
    p_refresh.set_defaults(handler=_refresh)


def _refresh(args: argparse.Namespace) -> int:
    as_of = args.as_of or date.today()
    if as_of > date.today():
        raise ConfigError(f"--as-of {as_of} is in the future.", fix="Give today's date or an earlier one.")
    load_prices(args.file)  # the current file must be valid before it is rewritten
    raw = json.loads(args.file.read_text(encoding="utf-8"))
    providers, version = genai_providers()
    result = refresh(raw, as_of=as_of, providers=providers, package_version=version)
    print(format_moves(result, top=args.top))
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    write_checked(result.data, args.file, today=date.today())
    print(f"wrote {args.file} ({len(result.data['api_models'])} API rows, snapshot {as_of})")
    return 0


def format_moves(result: RefreshResult, *, top: int = 12) -> str:
    """A plain-text report: the largest price moves, rows added and rows kept by hand."""
    lines = [f"{PACKAGE} {result.package_version}: {len(result.moves)} prices moved"]
    for m in result.moves[:top]:
        old = "none" if m.old_usd_per_mtok is None else f"{m.old_usd_per_mtok:g}"
        new = "none" if m.new_usd_per_mtok is None else f"{m.new_usd_per_mtok:g}"
        pct = "" if math.isinf(m.change_pct) else f" ({m.change_pct:+.0f}%)"
        lines.append(
            f"  {m.provider}/{m.model} {m.field}: {old} ({m.old_as_of}) -> {new} ({m.new_as_of}){pct}"
        )
    if result.added:
        lines.append("added: " + ", ".join(result.added))
    if result.kept:
        lines.append(f"not in {PACKAGE}, kept as hand-entered: " + ", ".join(result.kept))
    if result.lifecycle:
        lines.append("status from course/data/model_lifecycle.json: " + "; ".join(result.lifecycle))
    if result.unlisted_deprecations:
        lines.append(
            f"{PACKAGE} marks these deprecated but the lifecycle table has no row (marked deprecated; add "
            "a sourced row to course/data/model_lifecycle.json): " + ", ".join(result.unlisted_deprecations)
        )
    return "\n".join(lines)
