"""bench/gpu_offload.sh (the GPU device check) in its CPU mode, and bench/crosscheck.py's report.

The GPU script cannot run on a GPU here: its dry run resolves every step (sdist, cmake flags, model,
the two benchmark commands), and with llama-server built, its CPU mode runs for real on the tiny
embedded model. The cross-check's AIPerf run needs AIPerf (installed on demand, never a course
dependency), so here its parsing and report are tested on the summary keys AIPerf 0.13 writes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "gpu_offload.sh"

sys.path.insert(0, str(REPO / "bench"))
import crosscheck  # noqa: E402  (bench/ is a folder of scripts, not a package)


def run_script(
    *args: str, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHON": sys.executable, **(env or {})},
        cwd=REPO,
    )


# -- the GPU script ---------------------------------------------------------------------------------


def test_gpu_script_help_and_refusals() -> None:
    done = run_script("--help")
    assert done.returncode == 0
    for needle in ("check", "build", "model", "run", "--cpu", "--dry-run", "LCP_SDIST", "synthetic:llama-1b"):
        assert needle in done.stdout
    bad = run_script("everything")
    assert bad.returncode != 0 and "unknown argument 'everything'" in bad.stderr
    gone = run_script("wheel")
    assert gone.returncode != 0 and "one CMake build" in gone.stderr


@pytest.mark.slow
def test_gpu_script_dry_run_resolves_every_step_in_cpu_mode(tmp_path) -> None:
    sdist = tmp_path / "llama_cpp_python-0.3.36.tar.gz"
    sdist.write_bytes(b"")  # a dry run only needs to find it
    env = {
        "LCP_SDIST": str(sdist),
        "COURSE_CACHE_DIR": str(tmp_path / "cache"),
        "OUT_DIR": str(tmp_path / "out"),
    }
    done = run_script("all", "--cpu", "--dry-run", env=env)
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert f"llama.cpp source: {sdist}" in out
    assert "-DLLAMA_BUILD_SERVER=ON" in out and "--target llama llama-server" in out
    assert "-DGGML_CUDA=on" not in out  # CPU mode
    assert "model resolves: synthetic:roofline-90m:Q4_0" in out
    assert "bench/gpu_offload.py --model synthetic:roofline-90m:Q4_0" in out and "--allow-cpu" in out
    assert "bench/concurrency.py --parallel 2" in out
    assert f"LLAMA_CPP_LIB_PATH={tmp_path}/cache/llama.cpp/build-cpu-check/bin" in out
    assert "dry run: nothing built or timed" in out
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache" / "llama.cpp").exists()


@pytest.mark.slow
@pytest.mark.needs_llama_server
def test_gpu_script_cpu_mode_runs_both_benchmarks_on_a_small_model(tmp_path) -> None:
    from course.backends.loopback import llama_server_available

    if not llama_server_available():
        pytest.skip("llama-server is not built (make llama-server)")
    env = {"MODEL": "embedded:Q8_0", "OUT_DIR": str(tmp_path / "out")}
    done = run_script("run", "--cpu", "--no-build", "--quick", env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ratios = [line for line in done.stdout.splitlines() if "RATIO" in line]
    assert len(ratios) >= 2, done.stdout[-3000:]
    assert (tmp_path / "out" / "offload.json").exists() and (tmp_path / "out" / "concurrency.txt").exists()


# -- the cross-check --------------------------------------------------------------------------------

# The keys and units of AIPerf 0.13's profile_export_aiperf.json (from a run against llama-server).
AIPERF_SUMMARY = {
    "request_count": {"unit": "requests", "avg": 11.0},
    "error_request_count": {"unit": "requests", "avg": 1.0},
    "output_token_throughput": {"unit": "tokens/sec", "avg": 14.06},
    "inter_token_latency": {"unit": "ms", "avg": 74.2, "p50": 73.9, "p90": 75.0},
    "time_to_first_token": {"unit": "ms", "avg": 4477.8, "p50": 4464.5},
    "inter_chunk_latency": {"unit": "ms", "avg": 83.1, "p50": 77.6},
}


def test_aiperf_summary_is_read_in_seconds_and_tokens_per_second() -> None:
    figures = crosscheck.aiperf_figures(AIPERF_SUMMARY)
    assert figures.output_tokens_per_s == pytest.approx(14.06)
    assert figures.tpot_p50_s == pytest.approx(0.0739)
    assert figures.ttft_p50_s == pytest.approx(4.4645)
    assert figures.chunk_gap_p50_s == pytest.approx(0.0776)
    assert (figures.n_ok, figures.n_failed) == (11, 1)
    assert math.isnan(crosscheck.aiperf_figures({}).ttft_p50_s)


def test_report_prints_both_orders_definitions_and_ratio_lines() -> None:
    ind = crosscheck.Figures(100.0, 0.010, 0.050, 0.010, 12)
    near = crosscheck.Figures(105.0, 0.0104, 0.052, 0.011, 12)
    far = crosscheck.Figures(80.0, 0.020, 0.500, 0.020, 12)
    lines = crosscheck.report({4: {"course fixed": [far], "course random": [near], "aiperf": [ind]}})
    text = "\n".join(lines)
    assert "course fixed" in text and "course random" in text and "0.80" in text  # fixed ÷ AIPerf tok/s
    assert "inter_token_latency" in text and "per CHUNK" in text  # definitions are spelled out
    ratio_lines = [line for line in lines if line.startswith("RATIO")]
    assert len(ratio_lines) == 3
    assert all("meets" in line for line in ratio_lines)
    assert "RATIO output tok/s at concurrency 4, course (random order) ÷ AIPerf: 1.050" in text
    off = crosscheck.report({1: {"course fixed": [far], "course random": [far], "aiperf": [ind]}})
    assert sum("OUTSIDE" in line for line in off) == 3


def test_repeats_are_listed_and_the_table_shows_their_medians() -> None:
    ind = [crosscheck.Figures(100.0, 0.010, t, 0.010, 12) for t in (0.050, 0.070, 0.060)]
    mine = [crosscheck.Figures(104.0, 0.010, t, 0.010, 12) for t in (0.200, 0.062, 0.058)]
    lines = crosscheck.report({4: {"course fixed": mine[:1], "course random": mine, "aiperf": ind}})
    text = "\n".join(lines)
    assert "Each of the 3 interleaved repeats" in text
    assert "level 4 TTFT p50 ms: course random 200.0, 62.0, 58.0 | AIPerf 50.0, 70.0, 60.0" in text
    # medians 62 and 60 ms: one slow outlier run does not decide the ratio
    assert "RATIO TTFT p50 ms at concurrency 4, course (random order) ÷ AIPerf: 1.033 (target" in text
    assert crosscheck.median_figures(mine).n_ok == 36


def test_aiperf_prompt_file_is_the_course_sequence_with_every_line_unique(tmp_path) -> None:
    from course.measure import draw_prompts, load_prompts

    sequence = draw_prompts(load_prompts(), 36, order="random", seed=0)
    path = tmp_path / "p.jsonl"
    crosscheck.salted_prompt_file(path, sequence, tag="t")
    texts = [json.loads(line)["text"] for line in path.read_text().splitlines()]
    assert len(texts) == len(set(texts)) == 36  # tagged apart: no prompt cache helps either tool
    assert [t.split("] ", 1)[1] for t in texts] == [p.text for p in sequence]  # same prompts, same order


def test_server_and_clients_get_different_cores() -> None:
    server, clients = crosscheck.cpu_plan()
    assert server and clients
    if len(os.sched_getaffinity(0)) > 1:
        assert not server & clients
