"""course.labs.headline: each lab's save cell, from real measurements on the embedded model to its schema."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from course.backends.base import GenerationOptions
from course.backends.inprocess import InProcessBackend
from course.economics.prices import api_price
from course.errors import ConfigError
from course.evals import load_eval_set, run_eval, stratified_sample
from course.labs.headline import (
    lab01_headline,
    lab02_headline,
    lab03_headline,
    lab04_headline,
    quality_sides,
    usd_per_request,
)
from course.labs.results import Lab04Headline, read_headlines, save_headline
from course.measure import load_prompts, run_workload, sweep_concurrency
from course.measure.quant_compare import compare_quants

OPTIONS = GenerationOptions(max_tokens=8, temperature=0.0, ignore_eos=True)
MACHINE = {"cpu": "test CPU", "logical_cores": 2}


@pytest.fixture(scope="module")
def two_runs(local_backend: InProcessBackend):
    """Two real timed runs of two prompts on the embedded model (the second plays the API side)."""
    prompts = load_prompts()[:2]
    first = run_workload(local_backend, prompts=prompts, options=OPTIONS, label="local", progress=False)
    second = run_workload(local_backend, prompts=prompts, options=OPTIONS, label="API", progress=False)
    return first, second


def test_lab01_takes_the_quant_row_of_a_real_comparison(embedded_paths: dict[str, Path]) -> None:
    table = compare_quants(("Q8_0",), speed_tokens=8, repeats=1, n_threads=1, paths=embedded_paths)
    with InProcessBackend(embedded_paths["Q8_0"], n_threads=1) as llm:
        figures = lab01_headline(table, info=llm.info(), quant="Q8_0")
    assert figures.quant == "Q8_0" and figures.model == embedded_paths["Q8_0"].stem
    assert figures.decode_tokens_per_s == pytest.approx(table.loc["Q8_0", "decode_tokens_per_s"])
    assert figures.ttft_s == pytest.approx(table.loc["Q8_0", "ttft_s"])
    with pytest.raises(ConfigError, match="no 'Q4_0' row"):
        lab01_headline(table, info=llm.info(), quant="Q4_0")


def test_lab02_reports_each_side_p50_and_prices_the_api_by_hand_arithmetic(two_runs) -> None:
    local, api = two_runs
    price = api_price("gpt-4.1-mini")
    figures = lab02_headline(local, api, price=price, api_label="API stand-in")
    assert figures.n_requests == 2
    assert figures.local_ttft_p50_s == local.summary.ttft_p50_s
    assert figures.api_tpot_p50_s == api.summary.tpot_p50_s
    assert figures.output_tokens_per_request == 8  # ignore_eos: every answer is exactly max_tokens long
    frame = api.frame
    by_hand = sum(
        (row.prompt_tokens * price.usd_per_mtok_input + row.output_tokens * price.usd_per_mtok_output) / 1e6
        for row in frame.itertuples()
    ) / len(frame)
    assert figures.api_usd_per_request == pytest.approx(by_hand) == usd_per_request(api, price)
    assert figures.real_api_ttft_p50_s is None
    with_real = lab02_headline(local, api, price=price, api_label="API stand-in", real_run=api)
    assert with_real.real_api_ttft_p50_s == api.summary.ttft_p50_s


def test_a_run_whose_requests_all_failed_is_refused_by_name(two_runs) -> None:
    local, api = two_runs
    # A labelled fake: every request failing leaves NaN percentiles, which a real run here cannot produce.
    failed = dataclasses.replace(api, summary=dataclasses.replace(api.summary, ttft_p50_s=math.nan))
    with pytest.raises(ConfigError, match="No API TTFT was measured"):
        lab02_headline(local, failed, price=api_price("gpt-4.1-mini"), api_label="API")


def test_lab03_saves_a_real_sweep_and_reads_back(local_backend: InProcessBackend, tmp_path: Path) -> None:
    sweep = sweep_concurrency(
        local_backend, levels=(1,), requests_per_level=2, prompts=load_prompts()[:2], options=OPTIONS,
        progress=False,
    )  # fmt: skip
    figures = lab03_headline(sweep.levels, server="in-process", requests_per_level=2)
    level = sweep.levels[0]
    assert [(x.concurrency, x.output_tokens_per_s) for x in figures.levels] == [
        (1, level.output_tokens_per_s)
    ]
    save_headline("03", figures, mode="offline", machine=MACHINE, folder=tmp_path)
    assert read_headlines(tmp_path).headline("03") == figures


def test_lab04_maps_the_labs_json_line_and_keeps_unknown_keys_out() -> None:
    record = {
        "cpu": "x", "embedded_decode_tok_s": 812.0, "gpu": "H100 80GB", "gpu_usd_per_hour": 2.99,
        "served_model": "Llama 3.1 8B", "self_usd_per_mtok": 0.4, "api_model": "gpt-4.1-mini",
        "api_blended_usd_per_mtok": 0.9, "break_even_tokens_per_day": None, "gpu_aggregate_tok_s": 3000.0,
        "utilisation": 0.5, "batching_gain": 4.0, "api_price_as_of": "2026-11-20", "roof_model": "synthetic",
    }  # fmt: skip
    figures = lab04_headline(record)
    assert isinstance(figures, Lab04Headline)
    assert figures.decode_tokens_per_s == 812.0 and figures.gpu_aggregate_tokens_per_s == 3000.0
    assert str(figures.api_price_as_of) == "2026-11-20" and figures.staff_usd_per_hour is None
    assert "roof_model" not in figures.model_dump() and "cpu" not in figures.model_dump()
    with pytest.raises(ConfigError, match=r"Lab04Headline\.utilisation"):
        lab04_headline({**record, "utilisation": 1.5})


def test_quality_sides_price_each_sides_own_tokens(local_backend: InProcessBackend) -> None:
    items = stratified_sample(load_eval_set("eval"), per_group=1, seed=0)
    results = run_eval(local_backend, items, label="local", progress=False)
    results += run_eval(local_backend, items, label="local", constrained=True, progress=False)
    prices = {"local": (0.5, 2.0)}
    sides = quality_sides(results, usd_per_mtok=prices, api_label="API")
    assert [(s.label, s.constrained, s.side) for s in sides] == [
        ("local", False, "local"),
        ("local, constrained", True, "local"),
    ]
    plain = [r for r in results if not r.constrained]
    tokens_in, tokens_out = sum(r.prompt_tokens for r in plain), sum(r.output_tokens for r in plain)
    usd = (tokens_in * 0.5 + tokens_out * 2.0) / 1e6
    correct = sum(r.correct for r in plain)
    assert sides[0].n_items == len(items) and sides[0].accuracy == correct / len(items)
    assert sides[0].usd_per_mtok == pytest.approx(usd / (tokens_in + tokens_out) * 1e6)
    assert sides[0].usd_per_correct_answer == (pytest.approx(usd / correct) if correct else None)
    assert quality_sides(results, usd_per_mtok=prices, api_label="local")[0].side == "API"
    with pytest.raises(ConfigError, match="No price for 'local'"):
        quality_sides(results, usd_per_mtok={}, api_label="API")
