"""`python -m course bench`: help, end-to-end runs writing JSONL + CSV + PNG, and clear refusals."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest
from fault_server import fault_server

from course.__main__ import main
from course.errors import ConfigError
from course.measure import load_results
from course.measure.targets import bench_target

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_help_lists_backends_and_examples() -> None:
    # a real subprocess: what a learner types
    done = subprocess.run(
        [sys.executable, "-m", "course", "bench", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    needles = ("--backend", "--concurrency", "--max-tokens", "--order", "--seed", "make llama-server", "TPOT")
    for needle in needles:
        assert needle in done.stdout


def test_bench_local_writes_jsonl_csv_and_png(embedded_paths, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    argv = ["bench", "--model", str(embedded_paths["Q8_0"]), "--requests", "3", "--max-tokens", "8"]
    rc = main([*argv, "--threads", "2", "--out", str(out), "--no-progress", "--slo-ttft-ms", "5000"])
    printed = capsys.readouterr().out
    assert rc == 0
    assert "TTFT p50" in printed and "goodput" in printed
    frame = load_results(out / "results.jsonl")
    assert len(frame) == 3 and frame["ok"].all() and (frame["output_tokens"] == 8).all()
    assert set(frame["backend"]) == {"inprocess"}
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["concurrency"]) == [1] and summary.loc[0, "n_ok"] == 3
    assert summary.loc[0, "prompt_order"] == "random" and summary.loc[0, "prompt_seed"] == 0
    assert "prompt mix" in printed and "random order, seed 0" in printed
    assert (out / "latency.png").read_bytes().startswith(PNG_MAGIC)


def test_bench_local_refuses_concurrency_before_loading(capsys) -> None:
    rc = main(["bench", "--concurrency", "1,4", "--no-progress"])
    assert rc == 2
    assert "not thread-safe" in capsys.readouterr().err


def test_bench_api_without_a_key_says_how_to_set_it(monkeypatch, capsys) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    rc = main(["bench", "--backend", "api", "--model", "gpt-4o-mini", "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "OPENAI_API_KEY" in err


def test_bench_api_sends_the_model_id_it_was_given(monkeypatch, tmp_path, capsys) -> None:
    """--model with --backend api is the API's model id (bench_target's api_model=), not a GGUF."""
    with fault_server() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-bench-key")
        argv = ["bench", "--backend", "api", "--model", "fault-model", "--requests", "2", "--max-tokens", "5"]
        rc = main([*argv, "--warmup", "0", "--no-plot", "--no-progress", "--out", str(tmp_path / "api")])
    assert rc == 0 and "model fault-model" in capsys.readouterr().out
    assert {(r.body or {}).get("model") for r in srv.chat_requests()} == {"fault-model"}


def test_bench_target_keeps_a_gguf_and_an_api_model_apart() -> None:
    name = "gpt-4.1-mini"
    refusal = re.escape(f"api_model={name!r}")
    with pytest.raises(ConfigError, match=refusal), bench_target("api", model=name):
        pass
    with pytest.raises(ConfigError, match="kind='api'"), bench_target("inprocess", api_model=name):
        pass


def test_bench_llama_server_not_built_says_make_llama_server(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("COURSE_LLAMA_SERVER", str(tmp_path / "no-such-binary"))
    rc = main(["bench", "--backend", "llama-server", "--no-progress"])
    assert rc == 2 and "make llama-server" in capsys.readouterr().err


def test_bad_concurrency_is_an_argument_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["bench", "--concurrency", "1,zero"])
    assert info.value.code == 2
    assert "comma-separated" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_server_end_to_end(embedded_paths, tmp_path, capsys) -> None:
    out = tmp_path / "srv"
    rc = main(
        ["bench", "--backend", "server", "--model", str(embedded_paths["Q8_0"]), "--concurrency", "1,2",
         "--requests", "2", "--max-tokens", "8", "--threads", "2", "--out", str(out), "--no-progress"]
    )  # fmt: skip
    assert rc == 0
    assert "aggregate output tok/s vs concurrency 1" in capsys.readouterr().out
    frame = load_results(out / "results.jsonl")
    assert list(frame["concurrency"]) == [1, 1, 2, 2] and frame["ok"].all()
    assert set(frame["backend"]) == {"server"}
    assert len(pd.read_csv(out / "summary.csv")) == 2
    assert (out / "latency.png").read_bytes().startswith(PNG_MAGIC)


@pytest.mark.slow
@pytest.mark.needs_llama_server
def test_bench_llama_server_end_to_end(embedded_paths, tmp_path, capsys) -> None:
    from course.backends.loopback import llama_server_available

    if not llama_server_available():
        pytest.skip("llama-server is not built (make llama-server)")
    out = tmp_path / "ls"
    rc = main(
        ["bench", "--backend", "llama-server", "--model", str(embedded_paths["Q8_0"]), "--concurrency", "1,4",
         "--requests", "4", "--max-tokens", "8", "--threads", "2", "--out", str(out), "--no-progress"]
    )  # fmt: skip
    assert rc == 0
    frame = load_results(out / "results.jsonl")
    assert frame["ok"].all() and (frame["output_tokens"] == 8).all()
    assert set(frame["usage_source"]) == {"server"}  # llama-server reports streamed usage
    assert list(pd.read_csv(out / "summary.csv")["concurrency"]) == [1, 4]
