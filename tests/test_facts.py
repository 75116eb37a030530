"""Every fact row says where it was read, when and in which words (course.datafiles.Fact), the model lifecycle
table marks retired models, and `python -m course facts` lists the rows and fails on stale ones."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from course.curriculum import freshness
from course.data import DATA_DIR
from course.datafiles import data_row, fact_status
from course.economics import lifecycle, prices
from course.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


# --- every fact row is verified or says why not ---------------------------------------------------------


def test_every_fact_row_is_verified_or_says_why_not() -> None:
    rows = freshness.fact_rows()
    assert len(rows) > 150
    unchecked = [r.where for r in rows if r.status == "unchecked"]
    assert not unchecked, f"give source + checked + quote, or 'unverified' with the reason: {unchecked}"
    for row in rows:
        assert row.checked is not None, row.where
        assert row.checked <= date.today() and (row.as_of is None or row.as_of <= row.checked), row.where


def test_every_table_of_every_data_file_is_classified() -> None:
    """A new file or table is a fact table unless NOT_FACTS says why not: no table escapes the check."""
    tables = freshness.fact_tables()
    fact_tables = {(r.file, r.table) for r in freshness.fact_rows()}
    for name, names in tables.items():
        for table in names:
            excluded = name in freshness.NOT_FACTS or f"{name}:{table}" in freshness.NOT_FACTS
            assert excluded or (name, table) in fact_tables, f"{name}:{table}"


def test_a_quote_without_a_source_day_is_refused_and_status_is_read_from_the_fields() -> None:
    from datetime import date as Date

    from course.datafiles import Day, Fact, Source

    @data_row
    class Row(Fact):
        name: str
        as_of: Day
        source: Source | None = None
        checked: Day | None = None
        quote: str = ""
        unverified: str | None = ""

    with pytest.raises(ValueError, match="does not say where and when it was read"):
        Row(name="x", as_of=Date(2026, 1, 1), quote="words")
    with pytest.raises(ValueError, match="neither a 'quote' nor an 'unverified' reason"):
        Row(name="x", as_of=Date(2026, 1, 1), source="https://a.b", checked=Date(2026, 2, 1))
    when, read = Date(2026, 1, 1), Date(2026, 2, 1)
    good = Row(name="x", as_of=when, source="https://a.b", checked=read, quote="words")
    assert fact_status(good) == "verified" and good.checked == Date(2026, 2, 1)
    unread = Row(name="x", as_of=Date(2026, 1, 1), checked=Date(2026, 2, 1), unverified="why")
    assert fact_status(unread) == "unverified"
    assert fact_status(Row(name="x", as_of=Date(2026, 1, 1))) == "unchecked"
    with pytest.raises(TypeError, match="does not declare checked, quote, unverified"):

        @data_row
        class Bare(Fact):
            name: str


# --- lifecycle: retired models are never current -------------------------------------------------------


def test_price_rows_agree_with_the_lifecycle_table() -> None:
    snap = prices.load_prices()
    for row in snap.api_prices:
        found = lifecycle.lifecycle_of(row.model, provider=row.provider)
        if row.status == "legacy":
            continue
        if found is None or found.status == "current":
            assert row.status == "current" and row.retires_on is None, row.model
        else:
            assert row.status == found.status_on(snap.snapshot), row.model
            assert row.retires_on == found.retires_on and row.lifecycle_source == found.deprecation_page


def test_models_the_providers_shut_down_are_not_current() -> None:
    snap = prices.load_prices()
    for model in ("gpt-5", "gpt-5-mini", "o3", "gpt-4.1-mini", "claude-opus-4-1", "gemini-2.5-pro"):
        assert snap.api(model).status in ("deprecated", "retired"), model
    assert snap.api("claude-opus-4-1").status == "retired"
    assert snap.api("gemini-2.5-pro").status == "retired"
    assert snap.api("gpt-5").retires_on == date(2026, 12, 11)


def test_reference_models_are_current() -> None:
    for row in prices.reference_models():
        assert row.status == "current" and row.retires_on is None, row.model
        assert lifecycle.retirement_warning(row.model, today=date(2026, 12, 7)) is None


def test_retirement_warnings_say_when_and_what_instead() -> None:
    day = date(2026, 12, 7)
    soon = lifecycle.retirement_warning("gpt-5", today=day)
    assert soon and "2026-12-11" in soon and "in 4 days" in soon and "gpt-6.1-sol" in soon
    gone = lifecycle.retirement_warning("GPT-5", today=date(2026, 12, 12))  # the readable name works too
    assert gone and "was shut down on 2026-12-11" in gone
    assert lifecycle.retirement_warning("gpt-5.1", today=day) is None  # 2027-04-01: more than 90 days away
    assert lifecycle.retirement_warning("gpt-5.1", today=date(2027, 1, 15)) is not None
    assert lifecycle.retirement_warning("a-model-nobody-retired", today=day) is None
    lines = lifecycle.retirement_warnings(["gpt-5.4-mini", "gpt-4o-mini", "gpt-4o-mini"], today=day)
    assert len(lines) == 1 and "2027-01-14" in lines[0]


def test_the_refresh_marks_retired_models_from_the_lifecycle_table() -> None:
    raw = json.loads(prices.DEFAULT_PRICES_PATH.read_text(encoding="utf-8"))
    for row in raw["api_models"]:  # what a price database copy looks like: everything "current"
        if row["status"] != "legacy":
            row["status"] = "current"
            row.pop("retires_on", None)
            row.pop("lifecycle_source", None)
    changes = lifecycle.apply_lifecycle(raw["api_models"], day=date(2026, 12, 7))
    by_model = {r["model"]: r for r in raw["api_models"]}
    assert by_model["claude-opus-4-1"]["status"] == "retired"
    assert by_model["gpt-5"]["status"] == "deprecated" and by_model["gpt-5"]["retires_on"] == "2026-12-11"
    assert any(c.startswith("openai/gpt-5: current -> deprecated") for c in changes)
    lifecycle.apply_lifecycle(raw["api_models"], day=date(2026, 12, 12))  # after the shutdown day
    assert by_model["gpt-5"]["status"] == "retired"


def test_lifecycle_file_refuses_a_retired_model_without_a_day(tmp_path: Path) -> None:
    raw = json.loads((DATA_DIR / "model_lifecycle.json").read_text(encoding="utf-8"))
    raw["rows"][0].update(status="retired", retires_on=None)
    (tmp_path / "model_lifecycle.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(Exception, match="retires_on"):
        lifecycle.model_lifecycles(data_dir=tmp_path)


# --- which lesson uses which data file -------------------------------------------------------------------


def test_usage_is_read_from_the_notebooks_imports() -> None:
    assert "licences.json" in freshness.files_used_by("lessons/01-what-open-means.ipynb")
    assert "capability.json" in freshness.files_used_by("lessons/02-capability-by-task.ipynb")
    assert "privacy.json" in freshness.files_used_by("lessons/04-privacy-and-sovereignty.ipynb")
    used = freshness.usage()
    assert "prices.json" in used and any(p.startswith("lessons/") for p in used["prices.json"])
    assert "course_map.json" not in {r.file for r in freshness.fact_rows()}  # the course's plan: no facts


def test_figures_checked_names_the_files_and_the_day() -> None:
    text = freshness.figures_checked("01", today=date(2026, 12, 7))
    assert "licences.json" in text and "2026-12-07" in text and "python -m course facts" in text
    with pytest.raises(ConfigError, match="No lesson or lab"):
        freshness.figures_checked("99")


# --- the command ------------------------------------------------------------------------------------------


def _facts(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "course", "facts", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def _data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    skip = shutil.ignore_patterns("*.gguf", "evals", "embedded", "__pycache__")
    shutil.copytree(DATA_DIR, folder, ignore=skip)
    return folder


def test_facts_command_lists_rows_and_passes_on_fresh_verified_data(tmp_path: Path) -> None:
    folder = _data_copy(tmp_path)
    for path in folder.glob("*.json"):  # a course whose every used row is verified
        raw = json.loads(path.read_text(encoding="utf-8"))
        for value in raw.values() if isinstance(raw, dict) else ():
            for row in value if isinstance(value, list) else ():
                if isinstance(row, dict) and str(row.get("unverified") or "").strip():
                    row.pop("unverified")
                    source = row.get("source") or "https://example.org"
                    row.update(source=source, quote="words", checked="2026-12-07")
        path.write_text(json.dumps(raw), encoding="utf-8")
    done = _facts("--data-dir", str(folder), "--today", "2026-12-07")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert "licences.json (used by" in done.stdout and "verified" in done.stdout
    assert "Every row a lesson or lab uses is verified and checked within 180 days." in done.stdout
    as_json = json.loads(_facts("--data-dir", str(folder), "--today", "2026-12-07", "--json").stdout)
    assert {"file", "status", "age_days", "used_by", "problems"} <= set(as_json[0])


def test_facts_command_fails_on_an_old_or_unverified_row_a_lesson_uses(tmp_path: Path) -> None:
    folder = _data_copy(tmp_path)
    raw = json.loads((folder / "discounts.json").read_text(encoding="utf-8"))
    raw["rows"][0]["checked"] = "2026-01-02"  # 339 days before the day below
    (folder / "discounts.json").write_text(json.dumps(raw), encoding="utf-8")
    done = _facts("--data-dir", str(folder), "--today", "2026-12-07", "--file", "discounts.json")
    assert done.returncode == 1
    assert "discounts.json: rows[0] (OpenAI Batch API): checked 339 days ago (over 180)" in done.stdout
    raw["rows"][0].update(checked="2026-12-07", unverified="the page could not be read")
    (folder / "discounts.json").write_text(json.dumps(raw), encoding="utf-8")
    only = ("--file", "discounts.json", "--problems")
    done = _facts("--data-dir", str(folder), "--today", "2026-12-07", *only)
    assert done.returncode == 1 and "unverified: the page could not be read" in done.stdout
    assert "Reserved or spot GPUs" not in done.stdout  # --problems lists only the rows with one


def test_facts_command_has_help() -> None:
    done = _facts("--help")
    assert done.returncode == 0 and "usage: python -m course facts" in done.stdout
