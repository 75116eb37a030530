"""The price snapshot: what it covers, its lookups, and the loader's errors on bad files."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from course.economics import prices
from course.errors import ConfigError, DataError

SOURCE_LEGACY_MODELS = ("gpt-4o", "claude-3-5-sonnet-20241022", "gemini-1.5-flash", "gpt-3.5-turbo")


@pytest.fixture(scope="module")
def snap() -> prices.PriceSnapshot:
    return prices.load_prices()


def test_snapshot_covers_frontier_models_from_three_providers(snap: prices.PriceSnapshot) -> None:
    frontier = [p for p in snap.api_prices if not p.open_weights and p.status == "current"]
    assert len(frontier) >= 10
    assert {"openai", "anthropic", "google"} <= {p.provider for p in frontier}


def test_snapshot_covers_hosted_open_models(snap: prices.PriceSnapshot) -> None:
    hosted = [p for p in snap.api_prices if p.open_weights]
    assert len({p.provider for p in hosted}) >= 3
    assert any("70b" in p.model.lower() for p in hosted) and any("8b" in p.model.lower() for p in hosted)


def test_snapshot_has_the_legacy_prices_the_sources_assume(snap: prices.PriceSnapshot) -> None:
    for model in SOURCE_LEGACY_MODELS:
        assert snap.api(model).status == "legacy"


def test_snapshot_covers_datacentre_and_consumer_gpus_with_spot_rates(snap: prices.PriceSnapshot) -> None:
    names = {r.gpu for r in snap.gpu_rates}
    assert {"H100 80GB", "A100 80GB", "RTX 4090 24GB"} <= names
    assert names & {"A10G 24GB", "L4 24GB"}
    assert all(r.usd_per_hour_on_demand > 0 for r in snap.gpu_rates)
    spot = [r for r in snap.gpu_rates if r.usd_per_hour_spot is not None]
    assert len(spot) >= 3
    assert all(r.usd_per_hour_spot <= r.usd_per_hour_on_demand for r in spot)


def test_every_row_is_dated_and_sourced(snap: prices.PriceSnapshot) -> None:
    assert "snapshot" in snap.note.lower() and "refresh" in snap.note.lower()
    for row in (*snap.api_prices, *snap.gpu_rates):
        assert row.as_of <= snap.snapshot <= date.today()
        assert row.source.startswith("https://")


def test_texts_write_money_without_dollar_signs(snap: prices.PriceSnapshot) -> None:
    # lesson 03 shows the rows as DataFrames; JupyterLab would typeset "$2.50 ... $15" as maths
    texts = [snap.note] + [t for r in snap.api_prices for t in (r.name, r.notes)]
    texts += [t for r in snap.gpu_rates for t in (r.instance, r.notes)]
    assert all("$" not in t for t in texts)


def test_lookups_accept_ids_and_readable_names_in_any_case(snap: prices.PriceSnapshot) -> None:
    assert snap.api("GPT-4o").model == "gpt-4o"
    assert snap.api("claude sonnet 4.5").model == "claude-sonnet-4-5"
    assert snap.gpu("a10g").gpu == "A10G 24GB"
    assert snap.gpu("A100 80GB", provider="DataCrunch").usd_per_hour(spot=True) < snap.gpu(
        "A100 80GB", provider="datacrunch"
    ).usd_per_hour(spot=False)


def test_unknown_model_lists_close_names(snap: prices.PriceSnapshot) -> None:
    with pytest.raises(ConfigError) as info:
        snap.api("gpt-4o-mni")
    assert "gpt-4o-mini" in info.value.fix


def test_gpu_sold_by_several_providers_asks_for_one(snap: prices.PriceSnapshot) -> None:
    with pytest.raises(ConfigError) as info:
        snap.gpu("H100")
    assert "lambda" in str(info.value) and "provider=" in info.value.fix


def test_spot_rate_where_none_is_sold_is_an_error(snap: prices.PriceSnapshot) -> None:
    with pytest.raises(ConfigError, match="no spot price"):
        snap.gpu("A100 80GB", provider="lambda").usd_per_hour(spot=True)


def test_frames_have_a_row_per_price(snap: prices.PriceSnapshot) -> None:
    assert len(prices.api_prices_frame(snap)) == len(snap.api_prices)
    assert "usd_per_hour_spot" in prices.gpu_rates_frame(snap).columns


def test_importing_reads_nothing_and_loading_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    probe = (
        "import course.economics.prices, course.economics.costs, course.widgets, course.teaching.decision, "
        "course.plots.costs; "
        "print(course.economics.prices._bundled_snapshot.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"

    def no_network(
        *args: object, **kwargs: object
    ) -> None:  # a fault we cannot cause here: no network at all
        raise AssertionError("the price loader opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    assert prices.load_prices(prices.DEFAULT_PRICES_PATH).api_prices


# --- bad files ------------------------------------------------------------------------------------


def _bundled() -> dict[str, Any]:
    return json.loads(prices.DEFAULT_PRICES_PATH.read_text())


def _api_row(data: dict[str, Any], **changes: Any) -> None:
    data["api_models"][2].update(changes)


BAD_FILES: dict[str, tuple[Callable[[dict[str, Any]], None], tuple[str, ...]]] = {
    "negative price": (
        lambda d: _api_row(d, usd_per_mtok_input=-1),
        ("api_models[2]", "usd_per_mtok_input", "negative"),
    ),
    "per-token price": (lambda d: _api_row(d, usd_per_mtok_output=2.5e-06), ("per-token", "1,000,000")),
    "per-1K price": (lambda d: _api_row(d, usd_per_mtok_output=5000), ("usd_per_mtok_output", "unit")),
    "price as text": (lambda d: _api_row(d, usd_per_mtok_input="$2.50"), ("usd_per_mtok_input", "number")),
    "not ISO": (lambda d: _api_row(d, as_of="01/02/2025"), ("as_of", "YYYY-MM-DD")),
    "no such day": (lambda d: _api_row(d, as_of="2025-02-30"), ("as_of", "not a real date")),
    "plain http": (lambda d: _api_row(d, source="http://openai.com/pricing"), ("source", "https")),
    "not a URL": (lambda d: _api_row(d, source="their pricing page"), ("source", "https")),
    "typo field": (
        lambda d: _api_row(d, usd_per_mtok_inptu=1.0),
        ("usd_per_mtok_inptu", "usd_per_mtok_input"),
    ),
    "missing field": (
        lambda d: d["api_models"][2].pop("context_window_tokens"),
        ("context_window_tokens", "missing"),
    ),
    "cached above input": (lambda d: _api_row(d, usd_per_mtok_cached_input=99.0), ("cached", "swapped")),
    "bad status": (lambda d: _api_row(d, status="gone"), ("status", "current, deprecated, retired, legacy")),
    "fractional window": (
        lambda d: _api_row(d, context_window_tokens=1.5),
        ("context_window_tokens", "whole"),
    ),
    "duplicate row": (lambda d: d["api_models"].append(dict(d["api_models"][0])), ("repeats", "gpt-5")),
    "wrong units": (
        lambda d: d["units"].update(api_price="USD per 1K tokens"),
        ("units.api_price", "USD per 1M"),
    ),
    "note without snapshot": (lambda d: d.update(note="prices"), ("note",)),
    "wrong schema": (lambda d: d.update(schema_version=2), ("schema_version",)),
    "no GPU rows": (lambda d: d.update(gpu_rates=[]), ("gpu_rates", "non-empty")),
    "whole instance price": (
        lambda d: d["gpu_rates"][0].update(usd_per_hour_on_demand=400.0),
        ("gpu_rates[0]", "usd_per_hour_on_demand", "divide"),
    ),
    "spot as bool": (
        lambda d: d["gpu_rates"][1].update(usd_per_hour_spot=True),
        ("usd_per_hour_spot", "number or null"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_names_file_row_and_field(tmp_path: Path, case: str) -> None:
    mutate, expected = BAD_FILES[case]
    data = _bundled()
    mutate(data)
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError) as info:
        prices.load_prices(path)
    text = str(info.value)
    assert "prices.json" in text and info.value.fix
    for fragment in expected:
        assert fragment in text


def test_invalid_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": 1,\n "note": "x",}')
    with pytest.raises(DataError, match=r"broken.json is not valid JSON.*line 2"):
        prices.load_prices(path)


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        prices.load_prices(tmp_path / "nope.json")


def test_a_future_date_is_refused_by_the_refresh_not_by_loading(tmp_path: Path) -> None:
    data = _bundled()
    _api_row(data, as_of="2999-01-01")
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    assert prices.load_prices(path).api_prices[2].as_of == date(2999, 1, 1)  # loading never reads the clock
    from course.commands.prices import write_checked

    target = tmp_path / "out" / "prices.json"
    target.parent.mkdir()
    target.write_text("the old file")
    with pytest.raises(DataError) as info:
        write_checked(data, target, today=date.fromisoformat(_bundled()["snapshot"]))
    text = str(info.value)
    assert (
        "prices.json" in text and "api_prices[2].as_of" in text and "after today" in text and info.value.fix
    )
    assert target.read_text() == "the old file" and list(target.parent.iterdir()) == [target]
    bundled_day = date.fromisoformat(_bundled()["snapshot"])
    write_checked(_bundled(), target, today=bundled_day)  # the bundled file: nothing after its day
    assert prices.load_prices(target).snapshot == bundled_day


# --- the refresh from genai-prices (python -m course prices refresh) --------------------------------


def test_genai_prices_is_never_imported_by_the_course() -> None:
    probe = (
        "import sys, course.economics.prices, course.economics.costs, course.widgets, "
        "course.teaching.source_costs; "
        "from course.__main__ import build_parser; build_parser(); "
        "print('genai_prices' in sys.modules, "
        "course.economics.prices._bundled_snapshot.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "0"]


def test_refresh_without_genai_prices_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from course.commands import prices as refresh_command

    monkeypatch.setitem(sys.modules, "genai_prices", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "genai_prices.data", None)
    with pytest.raises(ConfigError) as info:
        refresh_command.genai_providers()
    assert "[refresh]" in info.value.fix


@pytest.fixture(scope="module")
def genai() -> tuple[list[Any], str]:
    pytest.importorskip(
        "genai_prices", reason="genai-prices is a refresh-time extra: pip install -e '.[refresh]'"
    )
    from course.commands.prices import genai_providers

    return genai_providers()


def test_refresh_rebuilds_listed_rows_and_keeps_legacy_and_gpu_rows(genai: tuple[list[Any], str]) -> None:
    from course.commands.prices import REFRESH_MODELS, refresh

    providers, version = genai
    raw = _bundled()
    day = date(2026, 11, 30)
    result = refresh(raw, as_of=day, providers=providers, package_version=version)
    rows = {(r["provider"], r["model"]): r for r in result.data["api_models"]}
    listed = {(s.provider, s.model) for s in REFRESH_MODELS}
    rebuilt = [r for key, r in rows.items() if key in listed]
    assert len(rebuilt) >= 20
    for row in rebuilt:
        assert row["as_of"] == "2026-11-30" and row["source"].startswith("https://")
        assert f"Via genai-prices {version}" in row["notes"]
    for old in raw["api_models"]:
        if old["status"] == "legacy" or (old["provider"], old["model"]) not in listed:
            assert rows[(old["provider"], old["model"])] == old  # what a price was, or hand-entered
    assert result.data["gpu_rates"] == raw["gpu_rates"]
    assert {"gpt-5.5", "claude-sonnet-4-5", "gemini-3-pro-preview"} <= {m for _p, m in rows}
    gpt55 = rows[("openai", "gpt-5.5")]
    assert "Prompts over 272,000 tokens" in gpt55["notes"] and "Reasoning tokens" in gpt55["notes"]


def test_refresh_prices_a_time_of_day_tariff_at_noon_utc(genai: tuple[list[Any], str]) -> None:
    from course.commands.prices import RefreshSpec, refresh

    providers, version = genai
    spec = RefreshSpec("deepseek", "deepseek-chat", "DeepSeek chat", open_weights=True)
    result = refresh(
        _bundled(), as_of=date(2026, 11, 30), providers=providers, package_version=version, specs=[spec]
    )
    row = next(r for r in result.data["api_models"] if r["model"] == "deepseek-chat")
    assert "off-peak" in row["notes"]
    deepseek = next(p for p in providers if p.id == "deepseek").find_model("deepseek-chat")
    tariffs = [c.prices.output_mtok for c in deepseek.prices]
    assert row["usd_per_mtok_output"] == float(max(tariffs))  # the peak (daytime) tariff, not the discount


def test_bundled_snapshot_is_what_the_refresh_command_writes(genai: tuple[list[Any], str]) -> None:
    from course.commands.prices import format_price_file, refresh

    providers, version = genai
    raw = _bundled()
    if f"genai-prices {version} package" not in raw["note"]:
        pytest.skip(f"the snapshot was refreshed with another genai-prices than {version}")
    result = refresh(
        raw, as_of=date.fromisoformat(raw["snapshot"]), providers=providers, package_version=version
    )
    assert result.data == raw and not result.moves and not result.added
    assert format_price_file(raw) == prices.DEFAULT_PRICES_PATH.read_text(encoding="utf-8")


def test_refresh_command_dry_run_writes_nothing_and_a_real_run_writes_a_valid_file(
    genai: tuple[list[Any], str], tmp_path: Path
) -> None:
    old = _bundled()
    for row in old["api_models"]:
        if row["model"] == "gpt-5":
            row["usd_per_mtok_output"] = 12.0  # a price the refresh will move back
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(old))
    before = path.read_text()
    cmd = [sys.executable, "-m", "course", "prices", "refresh", "--file", str(path)]
    dry = subprocess.run([*cmd, "--dry-run"], capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "openai/gpt-5 usd_per_mtok_output: 12" in dry.stdout and "-> 10" in dry.stdout
    assert path.read_text() == before
    real = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert real.returncode == 0, real.stderr
    assert prices.load_prices(path).api("gpt-5").usd_per_mtok_output == 10.0


def test_refresh_refuses_a_broken_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text('{"schema_version": 1,}')
    result = subprocess.run(
        [sys.executable, "-m", "course", "prices", "refresh", "--file", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "not valid JSON" in result.stderr and "Traceback" not in result.stderr
    assert path.read_text() == '{"schema_version": 1,}'


@pytest.mark.parametrize("args", [("prices",), ("prices", "refresh")])
def test_prices_command_has_help(args: tuple[str, ...]) -> None:
    result = subprocess.run([sys.executable, "-m", "course", *args, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "usage: python -m course prices" in result.stdout
