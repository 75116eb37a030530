"""Lab 04's arithmetic: roofline, scaling to a GPU, USD per 1M tokens; and the measurements behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.backends.inprocess import InProcessBackend
from course.economics.costs import usd_per_mtok_self_hosted
from course.economics.prices import load_prices
from course.environment import machine_info
from course.errors import ConfigError, DataError
from course.labs.results import api_mode, results_dir
from course.measure.roofline import (
    bytes_per_token,
    gpu_bandwidth,
    gpu_bandwidths,
    measure_bandwidth_gb_s,
    measure_decode_tokens_per_s,
    roofline,
    scaled_decode_tokens_per_s,
)


def test_roofline_ratio_is_measured_over_bandwidth_per_token() -> None:
    r = roofline(bandwidth_gb_s=20.0, bytes_per_token=50_000_000, measured_tokens_per_s=200.0)
    assert r.roof_tokens_per_s == pytest.approx(400.0)  # 20e9 / 50e6
    assert r.ratio == pytest.approx(0.5)


def test_scaling_keeps_the_ratio_for_one_stream_and_splits_weights_over_gpus() -> None:
    r = roofline(bandwidth_gb_s=20.0, bytes_per_token=50_000_000, measured_tokens_per_s=200.0)
    # an H100-like 3350 GB/s on a 5 GB model: roof 670 tok/s, half of it; no batching multiplier any more
    # (many streams come from published measurements: course.economics.capacity)
    assert scaled_decode_tokens_per_s(r, gpu_bandwidth_gb_s=3350, model_bytes_per_token=5e9) == pytest.approx(
        0.5 * 670
    )
    assert scaled_decode_tokens_per_s(r, gpu_bandwidth_gb_s=3350, model_bytes_per_token=5e9, gpus=2) == (
        pytest.approx(0.5 * 670 * 2)
    )


def test_usd_per_mtok_is_hourly_price_over_tokens_per_hour() -> None:
    # 1000 tok/s at 50% busy = 1.8M tokens per paid hour; USD 3.6/h -> USD 2 per 1M tokens
    assert usd_per_mtok_self_hosted(usd_per_hour=3.6, tokens_per_s=1000, utilisation=0.5) == pytest.approx(
        2.0
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: roofline(bandwidth_gb_s=0, bytes_per_token=1, measured_tokens_per_s=1),
        lambda: usd_per_mtok_self_hosted(usd_per_hour=1, tokens_per_s=1, utilisation=0),
        lambda: usd_per_mtok_self_hosted(usd_per_hour=1, tokens_per_s=0, utilisation=0.5),
        lambda: scaled_decode_tokens_per_s(
            roofline(bandwidth_gb_s=1, bytes_per_token=1, measured_tokens_per_s=1),
            gpu_bandwidth_gb_s=1,
            model_bytes_per_token=1,
            gpus=0,
        ),
        lambda: measure_bandwidth_gb_s(buffer_mib=1),
    ],
)
def test_impossible_inputs_are_refused_with_a_fix(call) -> None:
    with pytest.raises(ConfigError) as info:
        call()
    assert info.value.fix


class _SteppingClock:
    """A fake timer (labelled: the test checks the byte count, not this machine's speed): every call
    advances ``step_s`` seconds, so each timed copy appears to take exactly ``step_s``."""

    def __init__(self, step_s: float) -> None:
        self.now_s, self.step_s = 0.0, step_s

    def __call__(self) -> float:
        self.now_s += self.step_s
        return self.now_s


def test_bandwidth_counts_the_bytes_read_and_the_bytes_written() -> None:
    """32 MiB copied in 0.5 s is 2 × 32 MiB moved in 0.5 s: a byte count that is read-only (half) or counted
    twice (double) fails. A stepping clock makes the check exact; timing a copy here under ``make test``'s
    parallel workers was not (CI measured 0.67 of a copy timed beside it once)."""
    gb_s = measure_bandwidth_gb_s(buffer_mib=32, repeats=3, clock=_SteppingClock(0.5))
    assert gb_s == pytest.approx(2 * 32 * 2**20 / 0.5 / 1e9, rel=1e-12)


def test_bandwidth_measured_here_is_a_memory_speed() -> None:
    """The real timer gives a bandwidth a 2020s machine's memory can have: not a cache (under 1,000 GB/s),
    not a disk (over 0.5 GB/s). Agreement with an independent copy is measured quiet in bench/roofline.py."""
    gb_s = measure_bandwidth_gb_s(buffer_mib=32, repeats=3)
    assert 0.5 < gb_s < 1000, gb_s


def test_every_rented_gpu_has_a_dated_bandwidth() -> None:
    rows = gpu_bandwidths()
    assert {r.gpu for r in load_prices().gpu_rates} <= set(rows)
    sourced_or_said_why = [r.unverified or r.source.startswith("https://") for r in rows.values()]
    assert all(r.memory_bandwidth_gb_s > 0 for r in rows.values()) and all(sourced_or_said_why)
    assert all(rows[r.gpu].source.startswith("https://") for r in load_prices().gpu_rates)  # rented: sourced
    with pytest.raises(DataError, match="No bandwidth figure"):
        gpu_bandwidth("Voodoo 2")


def test_a_bandwidth_row_without_a_date_is_refused(tmp_path: Path) -> None:
    row = {"gpu": "X", "memory_bandwidth_gb_s": 1, "memory_gb": 1, "source": "https://example.com"}
    (tmp_path / "gpu_bandwidth.json").write_text(json.dumps({"rows": [row]}), encoding="utf-8")
    with pytest.raises(DataError, match="as_of"):
        gpu_bandwidths(data_dir=tmp_path)


def test_decode_speed_and_bytes_of_the_real_embedded_model(embedded_paths: dict[str, Path]) -> None:
    with InProcessBackend(embedded_paths["F16"]) as backend:
        tok_s = measure_decode_tokens_per_s(backend, n_tokens=16, repeats=1)
    assert tok_s > 1
    n_bytes = bytes_per_token(embedded_paths["F16"])
    # every tensor but the 1024 x 256 F16 embedding table, i.e. most of the 7.4 MB file
    assert 5e6 < n_bytes < embedded_paths["F16"].stat().st_size - 1024 * 256 * 2 + 1


def test_machine_info_and_mode_never_show_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET")
    monkeypatch.setenv("COURSE_API_MODEL", "gpt-4.1-mini")
    line = api_mode()
    assert "REAL API" in line and "SECRET" not in line
    assert "SECRET" not in json.dumps(machine_info())
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert "OFFLINE" in api_mode() and "frontier stand-in (offline)" in api_mode()


def test_results_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "r"))
    assert results_dir() == tmp_path / "r" and (tmp_path / "r").is_dir()
