"""Measurements that repeat: spreads, interleaving, sentences chosen by the numbers, the busy-machine check,
and repeated timing runs on the real embedded model and a real loopback server."""

from __future__ import annotations

import itertools
import math
import os
import signal
import subprocess
import sys
import time

import pytest
from fixtures_servers import lcs_server  # noqa: F401  (a module-scoped fixture)

from course.backends.base import GenerationOptions
from course.backends.loopback import LoopbackServer
from course.errors import ConfigError
from course.measure import load_prompts
from course.measure.machine_load import BUSY_OTHER_CORES, MachineLoad, check_machine_load, combine_loads
from course.measure.repeats import (
    Change,
    chance_ranges_separate,
    describe_change,
    describe_pair,
    interleave,
    spread,
)
from course.measure.runner import repeat_workloads
from course.measure.speed import compare_speed, measure_speed
from course.measure.sweep import repeat_sweeps
from course.progress import progress_bar

OPTIONS = GenerationOptions(max_tokens=6, temperature=0.0, ignore_eos=True)


def test_spread_reports_median_range_and_quartiles_and_drops_missing_values() -> None:
    s = spread([3.0, 1.0, None, 2.0, math.nan, 10.0])
    assert (s.n, s.median, s.low, s.high) == (4, 2.5, 1.0, 10.0)
    assert (s.q1, s.q3) == (1.75, 4.75)  # numpy's linear interpolation
    assert s.describe("{:.1f}", "ms") == "2.5 ms (range 1.0–10.0, 4 repeats)"
    assert s.scaled(1000).median == 2500 and s.inverse().high == 1.0
    assert spread([]).describe() == "not measured" and spread([5]).describe() == "5 (1 run: no spread)"


def test_interleave_rotates_who_goes_first_and_refuses_too_few_repeats() -> None:
    calls: list[str] = []
    runs = {name: (lambda name=name: calls.append(name) or len(calls)) for name in "ABC"}
    results = interleave(runs, repeats=3)
    assert calls == list("ABCBCACAB")
    assert results == {"A": [1, 6, 8], "B": [2, 4, 9], "C": [3, 5, 7]}
    with pytest.raises(ConfigError, match="at least 3 repeats"):
        interleave(runs, repeats=2)


def test_a_change_is_called_only_when_the_ranges_do_not_overlap() -> None:
    before, fell, noisy = spread([1240, 1100, 1300]), spread([524, 500, 560]), spread([1000, 1250, 1500])
    assert Change(before, fell).direction == "fell" and Change(fell, before).direction == "rose"
    assert Change(before, noisy).direction == "no clear change"
    text = describe_change(before, fell, what="throughput", unit="tok/s")
    assert text.startswith("throughput fell 58%") and "do not overlap" in text
    assert "showed no clear change" in describe_change(before, noisy, what="throughput")
    assert "rose 2.4×" in describe_change(fell, before, what="throughput")  # big rises read as a ratio
    pair = describe_pair(
        spread([120, 110, 130]), spread([150, 140, 170]), names=("local", "API"), what="TTFT"
    )
    assert pair.endswith(
        "local lower by 20%, clear of the noise (the ranges do not overlap, which one unchanged setup does "
        "by chance 1 time in 10 at 3 + 3 repeats)"
    )
    assert text.endswith("by chance 1 time in 10 at 3 + 3 repeats)")
    assert "cannot tell the two apart" in describe_pair(before, noisy, names=("a", "b"), what="x")


def test_the_load_line_says_busy_or_quiet_from_other_processes_first() -> None:
    quiet = MachineLoad(cores=2, load_1min=1.9, others_cores=0.02)
    busy = MachineLoad(
        cores=2, load_1min=0.1, others_cores=BUSY_OTHER_CORES + 0.5, busiest=(("python", 0.7),)
    )
    assert not quiet.busy and quiet.describe().startswith(
        "Machine quiet"
    )  # our own past work is not "others"
    assert busy.busy and busy.describe().startswith("Machine BUSY") and "python 0.70" in busy.describe()
    assert MachineLoad(cores=2, load_1min=1.8, others_cores=None).busy  # no per-process figures: the load
    assert busy.as_record()["busy"] is True and "BUSY" in str(busy.as_record()["note"])


def test_check_machine_load_sees_a_process_that_spins() -> None:
    # Started through a shell that exits at once, so the spinner is not this process's child: an "other".
    shell = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -c 'while True: pass' >/dev/null 2>&1 & echo $!"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(shell.stdout.strip())
    try:
        time.sleep(0.3)
        load = check_machine_load(sample_s=0.5)
    finally:
        os.kill(pid, signal.SIGKILL)
    assert load.others_cores is not None and load.others_cores >= 0.5 and load.busy
    assert load.method in {"psutil", "/proc"} and load.cores == (os.cpu_count() or 1)


def test_check_machine_load_reports_its_own_children_apart() -> None:
    # A notebook's own llama.cpp server is its child: not "other programs" to close.
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        load = check_machine_load(sample_s=0.5)
    finally:
        spinner.kill()
        spinner.wait()
    assert load.own_cores is not None and load.own_cores >= 0.5  # others_cores: whatever else runs here
    assert "own processes" in load.describe() and "not counted" in load.describe()


def test_unreadable_processes_let_the_load_average_decide() -> None:
    hidden = MachineLoad(cores=2, load_1min=1.8, others_cores=0.0, unreadable=3)
    assert hidden.busy and "3 processes' CPU times could not be read" in hidden.describe()
    assert not MachineLoad(cores=2, load_1min=1.8, others_cores=0.0).busy


def test_compare_speed_interleaves_real_models_and_reports_medians_with_ranges(embedded_paths) -> None:
    from course.backends.inprocess import InProcessBackend

    with (
        InProcessBackend(embedded_paths["Q8_0"], n_threads=1) as q8,
        InProcessBackend(embedded_paths["Q4_0"], n_threads=1) as q4,
    ):
        comparison = compare_speed({"Q8_0": q8, "Q4_0": q4}, speed_tokens=8, repeats=3)
        single = measure_speed(q8, repeats=3, speed_tokens=8, label="alone")
    frame = comparison.frame()
    assert list(frame.index) == ["Q8_0", "Q4_0"] and (frame["repeats"] == 3).all()
    for label in ("Q8_0", "Q4_0"):
        decode = comparison[label].decode_tokens_per_s
        assert decode.low <= decode.median <= decode.high and decode.low > 0
    assert comparison.load is not None and comparison.note().startswith("Machine ")
    assert single.result.label == "alone" and len(single.result.trials) == 3


def test_repeat_workloads_times_both_sides_in_turns_and_says_what_it_measured(
    local_backend, tmp_path
) -> None:
    prompts = load_prompts()[:2]
    out = tmp_path / "runs.jsonl"
    both = {"a": local_backend, "b": local_backend}
    runs = repeat_workloads(both, repeats=3, prompts=prompts, options=OPTIONS, jsonl_path=out)
    assert len(runs["a"].runs) == 3 and len(runs["a"].requests) == 6
    assert len(out.read_text().splitlines()) == 12  # every request of every repeat, as it finished
    frame = runs.p50_frame()
    assert set(frame.index.get_level_values("backend")) == {"a", "b"} and (frame["repeats"] == 3).all()
    sentences = runs.sentences("a", "b")
    assert sentences[0].startswith("TTFT p50") and "hint, not a measurement" in sentences[-1]


def test_repeat_sweeps_against_a_real_server(lcs_server: LoopbackServer) -> None:  # noqa: F811
    sweeps = repeat_sweeps(
        {"serial": lcs_server.backend}, repeats=3, levels=(1, 2), requests_per_level=2,
        prompts=load_prompts()[:2], options=OPTIONS,
    )  # fmt: skip
    sweep = sweeps["serial"]
    assert len(sweep.runs) == 3 and sweep.concurrencies == [1, 2]
    level = sweep.level(2)
    assert level.output_tokens_per_s.n == 3 and level.output_tokens_per_s.low > 0
    assert sweep.speedup(2).n == 3
    frame = sweeps.frame()
    assert list(frame["concurrency"]) == [1, 2] and (frame["repeats"] == 3).all()


def test_progress_bars_are_text_when_headless(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    from tqdm.std import tqdm

    bar = progress_bar(range(3), desc="x")
    assert type(bar) is tqdm
    assert list(bar) == [0, 1, 2]


def test_a_run_that_turned_busy_is_reported_busy() -> None:
    quiet = MachineLoad(cores=2, load_1min=0.2, others_cores=0.01)
    busy = MachineLoad(cores=2, load_1min=0.2, others_cores=1.0, busiest=(("make", 0.9),))
    assert combine_loads(quiet, busy).describe().startswith("Machine BUSY by the end of the timing")
    assert combine_loads(busy, quiet).describe().startswith("Machine BUSY when timing started (quiet again")
    assert combine_loads(quiet, quiet).describe().startswith("Machine quiet before and after the timing")


@pytest.mark.parametrize(("n_a", "n_b"), [(1, 1), (2, 3), (3, 3), (3, 5), (5, 5)])
def test_the_chance_of_separate_ranges_counts_the_splits_of_the_pooled_values(n_a: int, n_b: int) -> None:
    """Every way to deal n_a + n_b distinct values to the two sides, counted: those with ranges apart."""
    pooled = range(n_a + n_b)
    splits = list(itertools.combinations(pooled, n_a))
    apart = sum(not spread(a).overlaps(spread([v for v in pooled if v not in a])) for a in splits)
    assert chance_ranges_separate(n_a, n_b) == pytest.approx(apart / len(splits))
    assert chance_ranges_separate(3, 3) == pytest.approx(0.1)
    with pytest.raises(ConfigError):
        chance_ranges_separate(0, 3)
