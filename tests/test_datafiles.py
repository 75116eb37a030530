"""Every data file in course/data/*.json is read one way (course.datafiles): it loads, no fact in it is dated
after today, loading never reads the clock, and a broken row is named in one format."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from course.curriculum import course_map, coverage, sources
from course.data import DATA_DIR
from course.datafiles import dates_after, load_data, load_rows
from course.economics import discounts, fallback_chain, lifecycle, prices, throughput
from course.errors import DataError
from course.measure import prompts, roofline
from course.models import catalogue
from course.teaching import capability, customisation, licences, privacy, published_latency, serving

#: each data file, read from ``folder`` by the course's own loader (uncached)
LOADERS: dict[str, Callable[[Path], Any]] = {
    "capability.json": lambda d: capability.load_capability(d / "capability.json"),
    "course_map.json": lambda d: course_map.load_course_map(d / "course_map.json"),
    "customisation.json": lambda d: load_data(
        "customisation.json", customisation.CustomisationFile, data_dir=d
    ),
    "discounts.json": lambda d: load_rows("discounts.json", discounts.Discount, data_dir=d),
    "gpu_bandwidth.json": lambda d: roofline.gpu_bandwidths(data_dir=d),
    "licences.json": lambda d: licences.load_licences(d / "licences.json"),
    "model_lifecycle.json": lambda d: lifecycle.model_lifecycles(data_dir=d),
    "models.json": lambda d: load_data("models.json", catalogue.CatalogueFile, data_dir=d),
    "prices.json": lambda d: prices.load_prices(d / "prices.json"),
    "privacy.json": lambda d: privacy.load_privacy(d / "privacy.json"),
    "prompts.json": lambda d: prompts.load_prompts(d / "prompts.json"),
    "published_latency.json": lambda d: published_latency.published_latency(data_dir=d),
    "routers.json": lambda d: load_rows("routers.json", fallback_chain.RouterOption, data_dir=d),
    "serving_stacks.json": lambda d: load_rows("serving_stacks.json", serving.ServingStack, data_dir=d),
    "source_ideas.json": lambda d: coverage.load_ideas(d / "source_ideas.json"),
    "throughput.json": lambda d: throughput.throughput_data(data_dir=d),
    "sources.json": lambda d: sources.load_sources.__wrapped__(d / "sources.json"),
}


def test_every_data_file_has_a_loader_and_loads() -> None:
    assert sorted(p.name for p in DATA_DIR.glob("*.json")) == sorted(LOADERS), "register new data files here"
    for name, load in LOADERS.items():
        assert load(DATA_DIR), name


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_no_fact_is_dated_after_today(name: str) -> None:
    """The "not in the future" rule lives here (and in `course prices refresh`), never in the loaders."""
    late = dates_after(LOADERS[name](DATA_DIR), dt.date.today())
    assert not late, f"{name}: {late} (use the day the fact was read)"


class _LongAgo(dt.date):
    """A clock stuck in 1990: what a laptop whose clock is behind would say."""

    @classmethod
    def today(cls) -> dt.date:
        return dt.date(1990, 1, 1)


def test_loading_never_reads_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every course module that imported ``date`` sees 1990 as today; every data file still loads."""
    patched = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("course.") and getattr(module, "date", None) is dt.date:
            monkeypatch.setattr(module, "date", _LongAgo)
            patched += 1
    assert patched >= 1
    for name, load in LOADERS.items():
        assert load(DATA_DIR), name
    assert dates_after(prices.load_prices(prices.DEFAULT_PRICES_PATH), dt.date(1990, 1, 1))  # all after 1990


# --- one error format --------------------------------------------------------------------------------------


def _first_row(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The first list of rows in a file's envelope, and its first row."""
    key = next(k for k, v in raw.items() if isinstance(v, list) and v and isinstance(v[0], dict))
    return key, raw[key][0]


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_an_unknown_field_is_named_with_file_row_and_field(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder, ignore=shutil.ignore_patterns("*.gguf", "evals", "embedded"))
    raw = json.loads((folder / name).read_text(encoding="utf-8"))
    key, row = _first_row(raw)
    row["colour"] = "blue"
    (folder / name).write_text(json.dumps(raw), encoding="utf-8")
    if name == "prompts.json":
        return  # the prompt set's rows are plain dataclasses: extra keys are ignored, not refused
    with pytest.raises(DataError) as info:
        LOADERS[name](folder)
    assert f"{name}: {key}[0]" in str(info.value) and "'colour' is not a known field" in str(info.value)
    assert info.value.fix


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"rows": [{"gpu": "X"}]}', r"t.json: rows\[0\] \(X\), field 'memory_bandwidth_gb_s' is missing"),
        ('{"rows": []}', "t.json: field 'rows' must be a non-empty list"),
        ('{"rows": [3]}', r"t.json: rows\[0\] is 3: input should be an object"),
        ("{}", "t.json: field 'rows' is missing"),
        ('{"rows": [], "colour": 1}', "t.json: field 'colour' is not a known field"),
        ('{"rows": [{"gpu": "X",}]}', "t.json is not valid JSON: .* at line 1, column 23"),
        (
            '{"rows": [{"gpu": "X", "memory_bandwidth_gb_s": "fast", "memory_gb": 1, "as_of": "2025-01-01", '
            '"source": "https://a.b"}]}',
            r"t.json: rows\[0\] \(X\), field 'memory_bandwidth_gb_s' is 'fast': input should be a valid",
        ),
        (
            '{"rows": [{"gpu": "X", "memory_bandwidth_gb_s": 1, "memory_gb": 1, "as_of": "2025-01-01"}]}',
            r"rows\[0\] \(X\), field 'source' is missing, and 'unverified' does not say why",
        ),
        (
            '{"rows": [{"gpu": "X", "memory_bandwidth_gb_s": 1, "memory_gb": 1, "as_of": "1 May", '
            '"source": "https://a.b"}]}',
            "field 'as_of' is '1 May', not an ISO date",
        ),
    ],
)
def test_one_error_format(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "t.json").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        load_data("t.json", roofline.GpuBandwidthFile, data_dir=tmp_path)
    assert info.value.fix


def test_a_missing_file_says_how_to_restore_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist") as info:
        load_data("nope.json", roofline.GpuBandwidthFile, data_dir=tmp_path)
    assert "path" in info.value.fix
    with pytest.raises(DataError, match="does not exist") as info:
        load_data("nope.json", roofline.GpuBandwidthFile)
    assert "git checkout -- course/data/nope.json" in info.value.fix


def test_rows_checked_against_each_other_are_named(tmp_path: Path) -> None:
    raw = json.loads((DATA_DIR / "gpu_bandwidth.json").read_text(encoding="utf-8"))
    raw["rows"].append(dict(raw["rows"][0]))
    (tmp_path / "gpu_bandwidth.json").write_text(json.dumps(raw), encoding="utf-8")
    last = len(raw["rows"]) - 1
    where = rf"gpu_bandwidth.json: rows\[{last}\] \(H100 80GB\), field 'gpu' repeats"
    with pytest.raises(DataError, match=where):
        roofline.gpu_bandwidths(data_dir=tmp_path)


def test_dates_after_names_where_each_late_date_is() -> None:
    snap = prices.load_prices()
    assert dates_after(snap, snap.snapshot) == []
    late = dates_after(snap, dt.date(2025, 1, 1))
    assert f"snapshot is {snap.snapshot}" in late
    assert any(w.startswith("api_prices[0].as_of is ") for w in late)
    assert dates_after({"rows": [dt.date(2030, 1, 1)]}, dt.date(2029, 1, 1)) == ["rows[0] is 2030-01-01"]
