"""The serving-stack table (dated, sourced) and the short list it gives a workload."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from course.data import DATA_DIR
from course.datafiles import load_rows
from course.errors import ConfigError, DataError
from course.teaching import serving


def test_every_stack_is_dated_and_sourced() -> None:
    stacks = serving.serving_stacks()
    assert len(stacks) >= 7
    for s in stacks:
        assert isinstance(s.as_of, date) and s.as_of <= date.today()
        assert s.source.startswith("https://") and s.status in ("active", "maintenance")
    names = {s.name.split(" (")[0] for s in stacks}
    assert {"vLLM", "Ollama", "Text Generation Inference", "SGLang"} <= names


def test_tgi_is_in_maintenance_and_never_leads() -> None:
    tgi = serving.stack("Text Generation")
    assert tgi.status == "maintenance" and tgi.as_of == date(2025, 12, 11)
    for gpu in (True, False):
        for infra in (True, False):
            for concurrent in (1, 2, 32):
                picks = serving.suggest_stacks(
                    concurrent_requests=concurrent, has_gpu=gpu, runs_own_infra=infra
                )
                assert picks[0].stack.status == "active"
                assert picks[-1].stack is tgi and "Avoid" in picks[-1].reason


def test_short_lists_follow_the_workload() -> None:
    busy = serving.suggest_stacks(concurrent_requests=32, has_gpu=True, runs_own_infra=True)
    assert busy[0].stack.name == "vLLM" and "32 requests" in busy[0].reason
    laptop = serving.suggest_stacks(concurrent_requests=1, has_gpu=False, runs_own_infra=True)
    assert [p.stack.name.split(" ")[0] for p in laptop[:2]] == ["llama.cpp", "Ollama"]
    no_team = serving.suggest_stacks(concurrent_requests=8, has_gpu=True, runs_own_infra=False)
    assert no_team[0].stack.name.startswith("Managed")
    offline = serving.suggest_stacks(concurrent_requests=8, has_gpu=True, runs_own_infra=False, offline=True)
    assert offline[0].stack.name.startswith("llama.cpp") and "no network" in offline[0].reason


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_concurrency_is_refused(bad: object) -> None:
    with pytest.raises(ConfigError, match="concurrent_requests"):
        serving.suggest_stacks(concurrent_requests=bad, has_gpu=True, runs_own_infra=True)  # type: ignore[arg-type]


def test_unknown_stack_names_the_choices() -> None:
    with pytest.raises(ConfigError) as info:
        serving.stack("triton")
    assert "vLLM" in info.value.fix


def _row(**changes: object) -> dict[str, object]:
    row = json.loads((DATA_DIR / "serving_stacks.json").read_text())["rows"][0]
    return {**row, **changes}


@pytest.mark.parametrize(
    "row, message",
    [
        ({"name": "x"}, "'kind' is missing"),
        (_row(status="retired"), "'status' is 'retired'"),
        (_row(as_of="2025-13-01"), "'as_of' is '2025-13-01', which is not a real date"),
        (_row(source="my notes"), "'source' is 'my notes', neither an https address nor a source article"),
        (_row(openai_compatible="yes"), "'openai_compatible' is 'yes'"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, row: dict, message: str) -> None:
    (tmp_path / "serving_stacks.json").write_text(json.dumps({"rows": [row]}))
    with pytest.raises(DataError, match=message) as info:
        load_rows("serving_stacks.json", serving.ServingStack, data_dir=tmp_path)
    assert "serving_stacks.json: rows[0]" in str(info.value) and info.value.fix


def test_article_sources_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "serving_stacks.json").write_text(
        json.dumps({"note": "n", "rows": [_row(as_of="2026-01-01", source="article 004 (2026)")]})
    )
    (stack,) = load_rows("serving_stacks.json", serving.ServingStack, data_dir=tmp_path)
    assert stack.as_of == date(2026, 1, 1) and stack.source == "article 004 (2026)"
    with pytest.raises(DataError, match="does not exist"):
        load_rows("missing.json", serving.ServingStack, data_dir=tmp_path)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(DataError, match="not valid JSON"):
        load_rows("bad.json", serving.ServingStack, data_dir=tmp_path)
