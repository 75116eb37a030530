"""Labs 01-03 and 05 save the spread of their repeats and the machine's state; the memo quotes the spread."""

from __future__ import annotations

import re
from pathlib import Path

from course.backends.base import GenerationOptions
from course.economics.prices import api_price
from course.evals.runner import ItemResult
from course.labs.headline import (
    lab01_speed_headline,
    lab02_repeated_headline,
    lab03_repeated_headline,
    quality_sides,
)
from course.labs.results import read_headlines, save_headline
from course.measure import load_prompts
from course.measure.machine_load import MachineLoad
from course.measure.runner import repeat_workloads
from course.measure.speed import measure_speed
from course.measure.summary import summarize
from course.measure.sweep import RepeatedSweep, SweepResult
from course.memo.content import build_memo
from course.memo.inputs import load_inputs
from course.memo.numbers import duration, rate
from course.memo.render import to_markdown

BUSY = MachineLoad(cores=2, load_1min=2.5, others_cores=1.2, busiest=(("python", 1.0),))


def test_lab01_saves_the_median_its_range_and_the_load(local_backend, tmp_path: Path) -> None:
    speed = measure_speed(local_backend, repeats=3, speed_tokens=8)
    figures = lab01_speed_headline(speed.result, info=local_backend.info(), quant="Q8_0", load=BUSY)
    decode = speed.result.decode_tokens_per_s
    assert figures.decode_tokens_per_s == decode.median and figures.repeats == 3
    assert figures.decode_tokens_per_s_min == decode.low and figures.decode_tokens_per_s_max == decode.high
    assert figures.machine_busy is True and "BUSY" in (figures.machine_load_note or "")
    save_headline("01", figures, mode="offline", folder=tmp_path)
    assert read_headlines(tmp_path).headline("01") == figures


def test_lab02_and_lab03_keep_the_spread_of_the_repeats(local_backend, tmp_path: Path) -> None:
    options = GenerationOptions(max_tokens=6, temperature=0.0, ignore_eos=True)
    runs = repeat_workloads(
        {"local": local_backend, "API stand-in": local_backend}, repeats=3, prompts=load_prompts()[:2],
        options=options,
    )  # fmt: skip
    lab02 = lab02_repeated_headline(
        runs, local="local", api="API stand-in", price=api_price("gpt-4.1-mini"), api_label="stand-in",
        local_model="tiny",
    )  # fmt: skip
    ttft = runs["local"].p50("ttft")
    assert (lab02.local_ttft_p50_s, lab02.local_ttft_p50_s_min, lab02.local_ttft_p50_s_max) == (
        ttft.median,
        ttft.low,
        ttft.high,
    )
    assert lab02.repeats == 3 and lab02.n_requests == 6 and lab02.local_model == "tiny"
    # three "sweeps" of one level each, built from the same requests: the medians and ranges carry over
    summaries = [summarize(run.requests, concurrency=1) for run in runs["local"].runs]
    sweep = RepeatedSweep(
        "serial",
        tuple(SweepResult(run.requests, (s,)) for run, s in zip(runs["local"].runs, summaries, strict=True)),
    )
    lab03 = lab03_repeated_headline(sweep, requests_per_level=2, model="tiny", load=BUSY)
    level = lab03.levels[0]
    tput = sorted(s.output_tokens_per_s for s in summaries)
    assert (level.output_tokens_per_s_min, level.output_tokens_per_s, level.output_tokens_per_s_max) == tuple(
        tput
    )
    assert lab03.repeats == 3 and lab03.machine_busy
    for lab, figures in (("02", lab02), ("03", lab03)):
        save_headline(lab, figures, mode="offline", folder=tmp_path)
    assert read_headlines(tmp_path).headline("03") == lab03
    text = to_markdown(build_memo(load_inputs(tmp_path)))  # the memo quotes the spread it was given
    assert f"(range {duration(ttft.low)}–{duration(ttft.high)})" in text
    assert "median of 3 interleaved repeats" in text
    assert f"(range {rate(tput[0])}–{rate(tput[-1])})" in text
    assert re.search(r"Timed on a busy machine \((lab 02, )?lab 03\)", text)  # lab 02: this machine's load


def test_quality_sides_carry_the_wilson_interval_kind_and_examples() -> None:
    rows = [
        ItemResult(
            f"i{n}",
            "classify",
            "easy",
            side,
            False,
            "{}",
            True,
            True,
            n < k,
            int(n < k),
            1,
            0.1,
            0.05,
            10,
            5,
            None,
            shots,
        )
        for side, k, shots in (("generic", 2, 2), ("api", 9, 0))
        for n in range(10)
    ]
    sides = quality_sides(rows, usd_per_mtok={"generic": (0.1, 0.1), "api": (0.4, 1.6)}, api_label="api",
                          kinds={"generic": "generic open model", "api": "API"})  # fmt: skip
    generic = next(s for s in sides if s.label == "generic")
    assert generic.accuracy == 0.2 and generic.shots == 2 and generic.kind == "generic open model"
    assert generic.accuracy_low is not None and generic.accuracy_high is not None
    assert (round(generic.accuracy_low, 3), round(generic.accuracy_high, 3)) == (0.057, 0.51)  # Wilson, 2/10
