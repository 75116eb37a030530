"""course.measure: metric math on recorded timestamps, summaries, JSONL, the runner and sweeps."""

from __future__ import annotations

import json
import math

import pytest

from course.backends.base import GenerationOptions, TokenUsage
from course.errors import ConfigError, DataError
from course.measure import (
    JsonlRecorder,
    Prompt,
    RequestMetrics,
    Slo,
    content_times,
    describe_mix,
    draw_prompts,
    failed_metrics,
    inter_token_latencies_s,
    load_metrics,
    load_prompts,
    load_results,
    percentile,
    percentile_table,
    request_metrics,
    run_workload,
    summarize,
    sweep_concurrency,
    time_per_output_token_s,
    time_to_first_token_s,
)
from course.measure.runner import make_jobs

LABELS = {"run_id": "r", "prompt_id": "p", "backend": "b", "model": "m", "concurrency": 1, "started_at": ""}


def metrics(*, offset_s: float, e2e_s: float, ttft_s: float, tpot_s: float | None, tokens: int, **kw):
    """A hand-made successful record."""
    return RequestMetrics(
        **{**LABELS, "request_id": kw.pop("request_id", 0)},
        offset_s=offset_s,
        ok=True,
        ttft_s=ttft_s,
        tpot_s=tpot_s,
        e2e_s=e2e_s,
        itl_s=kw.pop("itl_s", ()),
        prompt_tokens=10,
        output_tokens=tokens,
        output_tokens_per_s=tokens / e2e_s,
        usage_source="backend",
        **kw,
    )


# -- metric math on recorded timestamps ------------------------------------------------------------


def test_request_metrics_follow_vllm_definitions() -> None:
    # a role-only first chunk (empty text) and an empty chunk mid-stream, as OpenAI streams send
    times = [10.0, 10.25, 10.30, 10.40, 10.50]
    texts = ["", "Hel", "lo", "", " world"]
    m = request_metrics(
        started_s=9.75,
        finished_s=10.75,
        chunk_times_s=times,
        chunk_texts=texts,
        usage=TokenUsage(prompt_tokens=12, completion_tokens=5, source="backend"),
        **LABELS,
    )
    assert m.ttft_s == pytest.approx(0.5)  # first chunk WITH text, not the role chunk
    assert m.e2e_s == pytest.approx(1.0)
    assert m.tpot_s == pytest.approx((1.0 - 0.5) / (5 - 1))  # tokens from usage, not the 3 chunks
    assert m.itl_s == pytest.approx((0.05, 0.20))
    assert m.n_chunks == 3
    assert m.output_tokens == 5 and m.prompt_tokens == 12 and m.usage_source == "backend"
    assert m.output_tokens_per_s == pytest.approx(5.0)


def test_metric_functions_edge_cases() -> None:
    assert content_times([1.0, 2.0, 3.0], ["", "a", ""]) == [2.0]
    assert time_to_first_token_s(0.5, []) is None
    assert inter_token_latencies_s([1.0]) == ()
    assert time_per_output_token_s(2.0, 0.5, 1) is None  # one token: no TPOT
    assert time_per_output_token_s(2.0, None, 9) is None
    assert time_per_output_token_s(2.0, 0.5, 4) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="same length"):
        content_times([1.0], [])


# -- summaries --------------------------------------------------------------------------------------


def test_percentile_is_numpy_linear_interpolation() -> None:
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert math.isnan(percentile([], 50))


def test_summarize_aggregates_over_the_wall_time_and_counts_goodput() -> None:
    reqs = [
        metrics(offset_s=0.0, e2e_s=1.0, ttft_s=0.1, tpot_s=0.01, tokens=20, itl_s=(0.01, 0.03)),
        metrics(offset_s=0.5, e2e_s=1.5, ttft_s=0.3, tpot_s=0.02, tokens=30, itl_s=(0.02,)),
        failed_metrics("ApiError: boom", offset_s=0.2, request_id=2, **LABELS),
    ]
    s = summarize(reqs, slo=Slo(ttft_s=0.2, tpot_s=0.05), concurrency=2)
    assert (s.n_requests, s.n_ok, s.n_failed) == (3, 2, 1)
    assert s.wall_s == pytest.approx(2.0)  # first send 0.0 .. last finish 0.5 + 1.5
    assert s.output_tokens == 50
    assert s.output_tokens_per_s == pytest.approx(25.0)
    assert s.requests_per_s == pytest.approx(1.0)
    assert s.ttft_p50_s == pytest.approx(0.2)
    assert s.itl_p50_s == pytest.approx(0.02)  # ITL gaps pooled over requests: 0.01, 0.02, 0.03
    assert s.good_requests == 1 and s.goodput_requests_per_s == pytest.approx(0.5)
    table = percentile_table(reqs)
    assert list(table.index) == ["TTFT", "TPOT", "ITL", "E2E"]
    assert table.loc["E2E", "p50"] == pytest.approx(1250.0)


def test_slo_checks_each_bound() -> None:
    fast = metrics(offset_s=0, e2e_s=1.0, ttft_s=0.1, tpot_s=None, tokens=1)
    slow = metrics(offset_s=0, e2e_s=3.0, ttft_s=0.9, tpot_s=0.2, tokens=10)
    slo = Slo(ttft_s=0.5, tpot_s=0.1)
    assert slo.met_by(fast)  # a one-token answer has no TPOT: not held against it
    assert not slo.met_by(slow)
    assert Slo(e2e_s=2.0).met_by(fast) and not Slo(e2e_s=2.0).met_by(slow)
    assert not Slo().met_by(failed_metrics("x", offset_s=0.0, request_id=0, **LABELS))
    assert slo.describe() == "TTFT ≤ 500 ms and TPOT ≤ 100 ms"


# -- JSONL records ----------------------------------------------------------------------------------


def test_jsonl_round_trip_and_truncated_last_line(tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    a = metrics(offset_s=0.0, e2e_s=1.0, ttft_s=0.1, tpot_s=0.01, tokens=5, itl_s=(0.1, 0.2))
    b = failed_metrics("ApiServerError: down", offset_s=1.0, request_id=1, **LABELS)
    with JsonlRecorder(path) as rec:
        rec.write(a)
        rec.write(b)
    with path.open("a") as fh:
        fh.write('{"run_id": "r", "request_')  # a run killed mid-write
    with pytest.warns(UserWarning, match="incomplete last line"):
        back = load_metrics(path)
    assert back == [a, b]
    path.write_text("not json\n" + json.dumps(a.to_record()) + "\n")
    with pytest.raises(DataError, match="line 1 is not valid JSON"):
        load_metrics(path)


# -- prompts ----------------------------------------------------------------------------------------


def test_bundled_prompts_have_three_lengths_and_unique_ids() -> None:
    prompts = load_prompts()
    assert {p.length for p in prompts} == {"short", "medium", "long"}
    assert len({p.id for p in prompts}) == len(prompts)
    assert all(p.length == "long" for p in load_prompts(lengths=("long",)))
    with pytest.raises(DataError):
        load_prompts(lengths=("huge",))


def test_random_order_is_seeded_and_keeps_the_length_mix() -> None:
    prompts = load_prompts()
    n = 2 * len(prompts) + 3
    first = draw_prompts(prompts, n, seed=7)
    assert first == draw_prompts(prompts, n, seed=7)  # same seed, same order
    assert first != draw_prompts(prompts, n, seed=8)
    counts = {p.id: first.count(p) for p in prompts}
    assert set(counts.values()) <= {2, 3}  # shuffled passes: every prompt used equally often (±1)
    # the file order sends every long prompt back to back; the seeded order spreads them
    fixed = draw_prompts(prompts, len(prompts), order="fixed")
    assert fixed == prompts
    longs = [i for i, p in enumerate(draw_prompts(prompts, len(prompts), seed=0)) if p.length == "long"]
    assert longs != list(range(len(prompts) - len(longs), len(prompts)))
    with pytest.raises(ConfigError, match="Unknown prompt order"):
        draw_prompts(prompts, 4, order="sorted")  # type: ignore[arg-type]


def test_length_mix_is_described_short_medium_long() -> None:
    prompts = [
        Prompt("l", "x", "long"),
        Prompt("s", "x", "short"),
        Prompt("o", "x", "odd"),
        Prompt("u", "x", ""),
    ]
    assert describe_mix([*prompts, prompts[1]]) == "short 2, long 1, odd 1, unlabelled 1"


def test_jobs_are_salted_so_no_two_share_a_prompt() -> None:
    jobs = make_jobs([Prompt("a", "same text")], n=3, run_id="x")
    contents = [job.messages()[0]["content"] for job in jobs]
    assert len(set(contents)) == 3 and all(c.endswith("same text") for c in contents)
    assert make_jobs([Prompt("a", "t")], n=1, run_id="x", salt=False)[0].messages()[0]["content"] == "t"


# -- the runner on the real embedded model ----------------------------------------------------------


def test_run_workload_with_the_local_backend(local_backend, tmp_path) -> None:
    path = tmp_path / "results.jsonl"
    opts = GenerationOptions(max_tokens=8, ignore_eos=True)
    result = run_workload(
        local_backend, prompts=["Hello there", "What is a GPU?"], repeats=2, options=opts, jsonl_path=path,
        progress=False,
    )  # fmt: skip
    frame = result.frame
    assert len(frame) == 4 and frame["ok"].all()
    assert (frame["output_tokens"] == 8).all() and (frame["usage_source"] == "backend").all()
    assert (frame["ttft_s"] > 0).all() and (frame["e2e_s"] >= frame["ttft_s"]).all()
    assert (frame["prompt_tokens"] == [len(local_backend.prompt_tokens(j)) for j in _sent(path)]).all()
    assert result.summary.n_ok == 4 and result.summary.output_tokens == 32
    assert len(load_results(path)) == 4  # everything was on disk


def _sent(path) -> list[list[dict]]:
    """The messages each recorded request sent (rebuilt from its salt)."""
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    texts = {"p0": "Hello there", "p1": "What is a GPU?"}
    return [
        [{"role": "user", "content": f"[{r['request_id']}:{r['run_id']}] {texts[r['prompt_id']]}"}]
        for r in rows
    ]


def test_a_failed_request_is_recorded_and_the_run_goes_on(local_backend, tmp_path) -> None:
    too_long = "word " * 600  # over the 512-token context
    result = run_workload(
        local_backend,
        prompts=[too_long, "Hi"],
        options=GenerationOptions(max_tokens=4),
        jsonl_path=tmp_path / "r.jsonl",
        warmup=0,
        progress=False,
    )
    first, second = result.requests
    assert not first.ok and first.error.startswith("ContextOverflowError") and "How to fix" in first.error
    assert second.ok and second.output_tokens == 4
    assert result.summary.n_failed == 1


def test_jsonl_keeps_the_rows_written_before_an_interruption(local_backend, tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    seen: list[RequestMetrics] = []

    def press_ctrl_c(m: RequestMetrics) -> None:  # simulated interruption after the 2nd request
        seen.append(m)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_workload(
            local_backend, prompts=["a", "b", "c", "d"], options=GenerationOptions(max_tokens=4),
            jsonl_path=path, warmup=0, progress=False, on_result=press_ctrl_c,
        )  # fmt: skip
    assert [m.request_id for m in load_metrics(path)] == [0, 1]


def test_sweep_refuses_concurrency_for_the_in_process_backend(local_backend, tmp_path) -> None:
    with pytest.raises(ConfigError, match="not thread-safe") as info:
        sweep_concurrency(local_backend, levels=(1, 2), jsonl_path=tmp_path / "r.jsonl", progress=False)
    assert "llama-server" in info.value.fix
    assert not (tmp_path / "r.jsonl").exists()  # refused before anything ran


def test_sweep_level_one_with_the_local_backend(local_backend) -> None:
    result = sweep_concurrency(
        local_backend, levels=(1,), requests_per_level=2, options=GenerationOptions(max_tokens=4),
        warmup=0, progress=False, label="in-process",
    )  # fmt: skip
    assert [s.concurrency for s in result.levels] == [1]
    assert set(result.frame["backend"]) == {"in-process"}
    assert result.levels_frame.loc[0, "output_tokens"] == 8


def test_sweep_records_its_prompt_order_seed_and_mix(local_backend) -> None:
    prompts = load_prompts()
    opts = GenerationOptions(max_tokens=2, ignore_eos=True)
    seeded = sweep_concurrency(
        local_backend, levels=(1,), requests_per_level=4, options=opts, warmup=0, progress=False, seed=3,
    )  # fmt: skip
    expected = draw_prompts(prompts, 4, seed=3)
    assert list(seeded.frame["prompt_id"]) == [p.id for p in expected]
    level = seeded.levels_frame.iloc[0]
    assert level["prompt_order"] == "random" and level["prompt_seed"] == 3
    assert level["prompt_mix"] == describe_mix(expected)
    assert (seeded.prompt_order, seeded.prompt_seed) == ("random", 3)
    fixed = sweep_concurrency(
        local_backend, levels=(1,), requests_per_level=4, options=opts, warmup=0, progress=False,
        order="fixed",
    )  # fmt: skip
    assert list(fixed.frame["prompt_id"]) == [p.id for p in prompts[:4]]
    assert fixed.levels[0].prompt_mix == "short 4" and fixed.levels[0].prompt_seed is None


# -- sweeps against real servers --------------------------------------------------------------------


@pytest.mark.slow
def test_sweep_against_llama_cpp_server_gives_each_thread_its_own_client(embedded_paths, tmp_path) -> None:
    from course.backends.loopback import llama_cpp_server

    made = []
    with llama_cpp_server(embedded_paths["Q8_0"]) as srv:  # COURSE_THREADS: one per worker under make test

        def factory():
            made.append(srv.backend())
            return made[-1]

        opts = GenerationOptions(max_tokens=8, ignore_eos=True)
        result = sweep_concurrency(
            factory, levels=(1, 2), requests_per_level=2, options=opts, jsonl_path=tmp_path / "r.jsonl",
            progress=False,
        )  # fmt: skip
    assert len(made) == 2  # one client per in-flight stream
    frame = result.frame
    assert frame["ok"].all() and list(frame["concurrency"]) == [1, 1, 2, 2]
    assert (frame["output_tokens"] == 8).all()
    assert set(frame["usage_source"]) <= {"max_tokens", "tokenizer"}  # the server sends no streamed usage
    assert len(load_results(tmp_path / "r.jsonl")) == 4


@pytest.mark.slow
@pytest.mark.needs_llama_server
def test_sweep_against_llama_server_overlaps_requests(embedded_paths) -> None:
    from course.backends.loopback import llama_server, llama_server_available

    if not llama_server_available():
        pytest.skip("llama-server is not built (make llama-server)")

    with llama_server(embedded_paths["Q8_0"], parallel=4) as srv:  # COURSE_THREADS
        result = sweep_concurrency(
            srv.backend, levels=(1, 4), requests_per_level=4,
            options=GenerationOptions(max_tokens=16, ignore_eos=True), progress=False,
        )  # fmt: skip
    frame = result.frame
    assert frame["ok"].all() and (frame["output_tokens"] == 16).all()
    assert set(frame["usage_source"]) == {"server"}
    one, four = result.levels
    # four requests at once: they overlap, so the level's wall time is below the sum of their E2E
    level4 = frame[frame["concurrency"] == 4]
    assert four.wall_s < level4["e2e_s"].sum()
    assert one.wall_s >= frame[frame["concurrency"] == 1]["e2e_s"].max()


def test_concurrency_is_refused_for_a_backend_that_serves_one_request_at_a_time(local_backend):
    from course.backends.api import ApiBackend
    from course.backends.inprocess import InProcessBackend
    from course.errors import ConfigError
    from course.measure.sweep import check_concurrency

    check_concurrency(local_backend, 1)
    for backend in (local_backend, InProcessBackend):
        with pytest.raises(ConfigError, match="cannot run 4 requests at once") as err:
            check_concurrency(backend, 4)
        assert "llama-server" in err.value.fix
    api = ApiBackend("m", base_url="http://127.0.0.1:9/v1", api_key="sk-local")
    assert api.serves_concurrently
    check_concurrency(api, 8)
    with pytest.raises(ConfigError, match="at least 1"):
        check_concurrency(api, 0)
