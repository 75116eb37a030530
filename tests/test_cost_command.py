"""`python -m course cost selfhost`: the real command in a subprocess, its JSON parsed and checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course.economics.selfhost import quote_self_host

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "course", "cost", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_json_gives_the_self_hosted_price_and_its_source_rows() -> None:
    done = _run("selfhost", "--model", "llama-3.1-8b", "--gpu", "H100", "--utilisation", "1.0", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    quote = quote_self_host("llama-3.1-8b", "H100", utilisation=1.0, input_share=0.85)
    assert record["usd_per_mtok"] == pytest.approx(quote.usd_per_mtok)
    assert record["input_share"] == 0.85 and record["gpu"] == "H100 80GB"
    rows = record["throughput"]["source_rows"]
    assert len(rows) == 2 and all(
        r["source"].startswith("https://") and r["quote"] and r["checked"] for r in rows
    )
    assert record["throughput"]["tokens_per_s"] == pytest.approx(quote.tokens_per_s)
    assert record["managed_hosts"] and record["frontier_apis"] and record["check"]["verdict"]
    assert {b["kind"] for b in record["break_even"]} == {"managed host", "frontier API"}


def test_text_output_and_options() -> None:
    done = _run(
        "selfhost", "--model", "llama-3.3-70b", "--gpu", "A100", "--utilisation", "0.5",
        "--input-share", "0.6", "--staff-hours", "20",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Self-hosting Llama 3.3 70B Instruct on 4× A100 80GB" in out and "60% prompt tokens" in out
    assert "Throughput used (published)" in out and "https://" in out
    assert "Same weights on a managed host" in out and "Frontier APIs" in out
    assert "Break-even with 20 staff hours a month" in out and "$" not in out
    rated = _run(
        "selfhost",
        "--model",
        "8b",
        "--gpu",
        "L40S",
        "--usd-per-gpu-hour",
        "1.5",
        "--utilisation",
        "1",
        "--json",
    )
    assert rated.returncode == 0 and json.loads(rated.stdout)["usd_per_gpu_hour"] == 1.5


def test_own_rates_price_a_gpu_with_no_published_rows() -> None:
    """An RTX 4090 has a price in the snapshot but no published rows: the learner's full-load rates price it,
    blended for the mix like published ones, and the check against the managed hosts reads them."""
    common = ("selfhost", "--model", "llama-3.1-8b", "--gpu", "RTX 4090", "--utilisation", "0.5")
    refused = _run(*common)
    assert refused.returncode == 2 and "No published maximum-load pair" in refused.stderr
    assert "--prefill-tokens-per-s and --decode-tokens-per-s" in refused.stderr
    done = _run(*common, "--prefill-tokens-per-s", "6000", "--decode-tokens-per-s", "1200", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    throughput = record["throughput"]
    assert throughput["basis"] == "assumed" and throughput["source_rows"] == []
    assert throughput["tokens_per_s"] == pytest.approx(1 / (0.85 / 6000 + 0.15 / 1200))
    full_load = record["usd_per_gpu_hour"] / (throughput["tokens_per_s"] * 3600) * 1e6
    assert record["usd_per_mtok_full_load"] == pytest.approx(full_load)
    hosts = [o["usd_per_mtok"] for o in record["managed_hosts"]]
    expected = "too high" if full_load > 3 * max(hosts) else "too low" if full_load < min(hosts) / 3 else "ok"
    assert record["check"]["verdict"] == expected  # the check reads these rates
    half = _run(*common, "--prefill-tokens-per-s", "6000")
    assert half.returncode == 2 and "Give both" in half.stderr
    alone = _run(*common[:4], "H100", "--utilisation", "1", "--gpus-per-replica", "2")
    assert alone.returncode == 2 and "goes with your own rates" in alone.stderr


def test_errors_say_how_to_fix_and_help_works() -> None:
    unknown = _run("selfhost", "--model", "llama-9b", "--gpu", "H100", "--utilisation", "1")
    assert unknown.returncode == 2 and "How to fix: Use one of: llama-3.1-8b, llama-3.3-70b" in unknown.stderr
    assert "--prefill-tokens-per-s" not in unknown.stderr  # own rates cannot help a model the course lacks
    gpu = _run("selfhost", "--model", "llama-3.1-8b", "--gpu", "TPU", "--utilisation", "1")
    assert gpu.returncode == 2 and "No GPU called 'TPU'" in gpu.stderr and "H100 80GB" in gpu.stderr
    unpriced = _run(  # Lambda rents no L40S
        "selfhost", "--model", "8b", "--gpu", "L40S", "--gpu-provider", "lambda", "--utilisation", "1"
    )
    assert unpriced.returncode == 2 and "--usd-per-gpu-hour" in unpriced.stderr
    bad = _run("selfhost", "--model", "llama-3.1-8b", "--gpu", "H100", "--utilisation", "2")
    assert bad.returncode == 2 and "utilisation" in bad.stderr
    helped = _run("selfhost", "--help")
    assert helped.returncode == 0 and "--input-share" in helped.stdout and "usd_per_mtok" in helped.stdout
