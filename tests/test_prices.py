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

from course import prices
from course.errors import ConfigError, DataError

SEED_LEGACY_MODELS = ("gpt-4o", "claude-3-5-sonnet-20241022", "gemini-1.5-flash", "gpt-3.5-turbo")


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


def test_snapshot_has_the_legacy_prices_the_seeds_assume(snap: prices.PriceSnapshot) -> None:
    for model in SEED_LEGACY_MODELS:
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


def test_lookups_accept_ids_and_readable_names_in_any_case(snap: prices.PriceSnapshot) -> None:
    assert snap.api("GPT-4o").model == "gpt-4o"
    assert snap.api("claude sonnet 4.5").model == "claude-sonnet-4-5"
    assert snap.gpu("a10g").gpu == "A10G 24GB"
    assert snap.gpu("A100 80GB", provider="GCP").usd_per_hour(spot=True) < snap.gpu(
        "A100 80GB", provider="gcp"
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
        "import course.prices, course.costs, course.widgets, course.decision, course.plots.costs; "
        "print(course.prices._bundled_snapshot.cache_info().currsize)"
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
    "future date": (lambda d: _api_row(d, as_of="2999-01-01"), ("as_of", "after today")),
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
    "bad status": (lambda d: _api_row(d, status="retired"), ("status", "current, legacy")),
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


def test_today_can_be_set_to_check_dates(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="after today"):
        prices.load_prices(prices.DEFAULT_PRICES_PATH, today=date(2024, 6, 1))
