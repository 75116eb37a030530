"""The hybrid router (course/routing/router.py, course/routing/replay.py): its pure decision, its arithmetic,
and the real embedded model routed against the real frontier stand-in on loopback, in process and served
by a real llama-server."""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator

import pytest
from fixtures_servers import needs_llama_server, require_llama_server
from matplotlib.figure import Figure

from course.backends.api import ApiBackend
from course.backends.base import GenerationOptions
from course.backends.inprocess import InProcessBackend
from course.backends.loopback import LoopbackServer, llama_cpp_server, llama_server
from course.config import load_settings
from course.economics.fallback_chain import routed_by_difficulty
from course.errors import ConfigError
from course.evals import SCHEMAS, ApiSide, api_side, load_eval_set, run_eval, stratified_sample
from course.labs.results import (
    Lab04Headline,
    assumed_local_usd_per_mtok,
    local_usd_per_mtok,
    read_headlines,
    save_headline,
)
from course.plots.routing import plot_router
from course.routing.replay import (
    api_answers,
    lab06_headline,
    measure_local,
    replay_all_api,
    replay_all_local,
    replay_router,
    sweep_thresholds,
)
from course.routing.router import (
    Answer,
    Decision,
    HybridRouter,
    RequestRule,
    RouterConfig,
    SidePrices,
    Validation,
    decide,
    local_answer,
    measured_tiers,
    reasons_table,
    routed_request,
    summarise,
    summary_table,
    validate_answer,
)

PRICES = SidePrices(local_usd_per_mtok=0.1, api_usd_per_mtok_input=0.4, api_usd_per_mtok_output=1.6)
CLASSIFY = SCHEMAS["classify"]
SURE = Answer('{"category": "billing"}', 0.01, 100, 8, (-0.01, -0.2, -0.05), correct=True)
UNSURE = Answer('{"category": "shipping"}', 0.01, 100, 8, (-0.01, -1.5, -0.05), correct=False)
# the course model's own broken output on an extraction item (measured), and a category outside the enum
BROKEN = Answer('{"order_id": "bexailer@corp.co", "yususd", ": 4', 0.02, 110, 24, (-0.1,) * 24, correct=False)
OFF_LIST = Answer('{"category": "refunds"}', 0.01, 100, 8, (-0.01,) * 8, correct=False)


def _decide(answer: Answer | None, config: RouterConfig | None = None, rule: str | None = None) -> Decision:
    config = config or RouterConfig()
    validation = validate_answer(answer.text, CLASSIFY) if answer else None
    return decide(config=config, rule_match=rule, local=answer, validation=validation)


# --- the pure decision ------------------------------------------------------------------------------


def test_confident_valid_answers_stay_local_and_the_rest_fall_back() -> None:
    assert _decide(SURE) == Decision("local", "kept", "min log-prob -0.20 ≥ -0.3")
    assert _decide(UNSURE) == Decision("api", "low confidence", "min log-prob -1.50 < -0.3")
    assert _decide(BROKEN).reason == "invalid JSON"
    assert _decide(OFF_LIST).reason == "schema"
    assert _decide(OFF_LIST, RouterConfig(require_schema=False)).route == "local"
    assert _decide(SURE, rule="mentions 'however'") == Decision("api", "rule", "rule: mentions 'however'")
    failed = Answer("", 0.0, 0, 0, error="ContextOverflowError: too long")
    assert _decide(failed) == Decision("api", "local error", "ContextOverflowError: too long")
    assert _decide(None).reason == "local error"


def test_the_signal_is_the_lowest_or_the_mean_token_log_probability() -> None:
    assert UNSURE.confidence("min") == -1.5
    assert UNSURE.confidence("mean") == pytest.approx((-0.01 - 1.5 - 0.05) / 3)
    assert _decide(UNSURE, RouterConfig(signal="mean", min_logprob=-0.6)).route == "local"
    no_logprobs = Answer('{"category": "billing"}', 0.01, 100, 8)  # e.g. a local server's answer
    assert no_logprobs.confidence() is None
    assert _decide(no_logprobs).reason == "low confidence"
    assert _decide(no_logprobs, RouterConfig(min_logprob=None)).reason == "kept"


def test_validation_of_real_answer_shapes() -> None:
    assert validate_answer('Sure! {"category": "billing"}', CLASSIFY) == Validation(True, True)
    assert validate_answer('["billing"]', CLASSIFY) == Validation(True, False)
    assert validate_answer(BROKEN.text, CLASSIFY) == Validation(False, False)
    assert validate_answer('{"anything": 1}', None) == Validation(True, True)


def test_request_rule_reads_keywords_and_length() -> None:
    rule = RequestRule(keywords=("however", "the real problem"), max_input_chars=60)
    assert rule.match("My card was charged twice. HOWEVER the login fails.") == "mentions 'however'"
    assert rule.match("x" * 61) == "61 characters > 60"
    assert rule.match("The box arrived damaged.") is None


@pytest.mark.parametrize(
    "build, field",
    [
        (lambda: RouterConfig(signal="max"), "signal"),  # type: ignore[arg-type]
        (lambda: RouterConfig(min_logprob=0.5), "min_logprob"),
        (lambda: RouterConfig(min_logprob=True), "min_logprob"),
        (lambda: RouterConfig(rule=("however",)), "rule"),  # type: ignore[arg-type]
        (lambda: RequestRule(keywords="however"), "keywords"),  # type: ignore[arg-type]
        (lambda: RequestRule(keywords=("",)), "keywords"),
        (lambda: RequestRule(max_input_chars=0), "max_input_chars"),
        (
            lambda: SidePrices(local_usd_per_mtok=-1, api_usd_per_mtok_input=1, api_usd_per_mtok_output=1),
            "local",
        ),
        (
            lambda: SidePrices(
                local_usd_per_mtok=0, api_usd_per_mtok_input=math.nan, api_usd_per_mtok_output=1
            ),
            "input",
        ),
    ],
)
def test_bad_configuration_says_what_to_change(build, field: str) -> None:
    with pytest.raises(ConfigError, match=field) as info:
        build()
    assert info.value.fix


def test_describe_says_when_the_local_answer_is_kept() -> None:
    text = RouterConfig(rule=RequestRule(keywords=("however",))).describe()
    assert "min token log-prob ≥ -0.3" in text and "mentioning 'however' go straight to the API" in text


# --- records and the blended arithmetic ------------------------------------------------------------


def _record(decision: Decision, local: Answer | None, api: Answer | None, n: int):
    return routed_request(
        decision, request_id=f"r{n}", policy="router", local=local, api=api, schema=CLASSIFY, prices=PRICES
    )


API_RIGHT = Answer('{"category": "billing"}', 0.2, 100, 8, correct=True)
API_WRONG = Answer('{"category": "account"}', 0.2, 100, 8, correct=False)


def test_a_request_that_falls_back_pays_and_waits_for_both_sides() -> None:
    kept = _record(_decide(SURE), SURE, API_WRONG, 1)
    assert (kept.route, kept.api_called, kept.correct) == ("local", False, True)
    assert kept.usd == pytest.approx(108 * 0.1 / 1e6) and kept.latency_s == pytest.approx(0.01)
    passed = _record(_decide(UNSURE), UNSURE, API_RIGHT, 2)
    assert (passed.route, passed.correct, passed.answer) == ("api", True, API_RIGHT.text)
    assert passed.local_usd == pytest.approx(108 * 0.1 / 1e6)
    assert passed.api_usd == pytest.approx((100 * 0.4 + 8 * 1.6) / 1e6)
    assert passed.latency_s == pytest.approx(0.21) and passed.prompt_tokens == 200
    with pytest.raises(ConfigError, match="no answer"):
        _record(Decision("api", "low confidence", ""), UNSURE, None, 3)


def test_summary_is_lesson_07s_chain_with_measured_tiers() -> None:
    records = [
        _record(_decide(SURE), SURE, API_RIGHT, 1),  # kept, right
        _record(_decide(SURE), SURE, API_RIGHT, 2),  # kept, right
        _record(_decide(UNSURE), UNSURE, API_RIGHT, 3),  # passed on, the API right
        _record(_decide(BROKEN), BROKEN, API_WRONG, 4),  # passed on, the API wrong
        _record(_decide(SURE, rule="mentions 'but'"), None, API_RIGHT, 5),  # straight to the API
    ]
    summary = summarise(records)
    local_usd, api_usd = 108 * 0.1 / 1e6, (100 * 0.4 + 8 * 1.6) / 1e6
    by_hand_usd = (3 * local_usd + 1 * 134 * 0.1 / 1e6 + 3 * api_usd) / 5
    assert summary.usd_per_1k_requests == pytest.approx(1000 * by_hand_usd)
    assert summary.accuracy == pytest.approx(4 / 5)
    assert summary.usd_per_1k_correct == pytest.approx(1000 * by_hand_usd / (4 / 5))
    assert summary.local_share == pytest.approx(2 / 5) and summary.api_share == pytest.approx(3 / 5)
    easy_share, easy, hard = measured_tiers(records)
    assert easy_share == pytest.approx(4 / 5) and easy[0].escalate_share == pytest.approx(0.5)
    again = routed_by_difficulty(easy_share=easy_share, easy_chain=easy, hard_chain=hard)
    assert again.usd_per_request == pytest.approx(by_hand_usd)
    table = summary_table([summary])
    assert table.loc[0, "answered locally %"] == pytest.approx(40)
    reasons = reasons_table(records).set_index("reason")
    assert reasons.loc["kept", "requests"] == 2 and reasons.loc["rule", "correct"] == 1


def test_summary_needs_scored_requests() -> None:
    unscored = _record(_decide(SURE), Answer(SURE.text, 0.01, 100, 8, SURE.token_logprobs), None, 1)
    with pytest.raises(ConfigError, match="right answer"):
        summarise([unscored])
    with pytest.raises(ConfigError, match="No routed requests"):
        summarise([])


def test_local_price_comes_from_lab_04_when_saved(tmp_path) -> None:
    # without lab 04: the course's one cost model (published throughput), labelled as an assumption
    assert local_usd_per_mtok(tmp_path) == assumed_local_usd_per_mtok()
    price, note = local_usd_per_mtok(tmp_path)
    assert 0 < price < 1 and note.startswith("an assumption") and "run lab 04 for your own figure" in note
    lab04 = Lab04Headline(
        decode_tokens_per_s=40, gpu="L4", gpu_usd_per_hour=0.8, served_model="Llama 3.1 8B",
        self_usd_per_mtok=0.31, api_model="gpt-4.1-mini", api_blended_usd_per_mtok=0.7,
    )  # fmt: skip
    save_headline("04", lab04, mode="offline", machine={}, folder=tmp_path)
    price, note = local_usd_per_mtok(tmp_path)
    assert price == 0.31 and "lab 04" in note and "L4" in note


# --- the real model against the real stand-in ------------------------------------------------------


@pytest.fixture(scope="module")
def standin() -> Iterator[ApiSide]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            patch.delenv(name, raising=False)
        side = api_side()
    yield side
    side.close()


@pytest.fixture(scope="module")
def measured(local_backend: InProcessBackend, standin: ApiSide):
    items = stratified_sample(load_eval_set("eval"), per_group=2, seed=1)
    local = measure_local(local_backend, items, progress=False)
    api = api_answers(run_eval(standin.backend, items, label=standin.label, progress=False))
    return items, local, api


def test_local_log_probabilities_are_llama_cpps_own(measured, local_backend, embedded_paths) -> None:
    """The router's per-token log-probabilities equal llama-cpp-python's (a second copy with logits_all)."""
    import llama_cpp

    items, local, _ = measured
    reference = llama_cpp.Llama(
        str(embedded_paths["Q8_0"]),
        n_ctx=512,
        logits_all=True,
        verbose=False,
        n_threads=load_settings().n_threads,
    )
    for item in items[:3]:
        answer = local[item.id]
        assert answer.output_tokens == len(answer.token_logprobs) > 0
        assert all(lp <= 0 for lp in answer.token_logprobs)
        tokens = local_backend.prompt_tokens(item.messages())
        out = reference.create_completion(tokens, max_tokens=answer.output_tokens, temperature=0, logprobs=1)
        assert out["choices"][0]["text"] == answer.text
        theirs = out["choices"][0]["logprobs"]["token_logprobs"]
        assert theirs == pytest.approx(answer.token_logprobs, abs=2e-3)
    reference.close()


def test_live_router_takes_the_replays_decisions(measured, local_backend, standin) -> None:
    items, local, api = measured
    valid = sorted(a.confidence() for a in local.values() if validate_answer(a.text, None).schema_ok)
    threshold = valid[len(valid) // 2]  # the median: some kept, some passed on
    config = RouterConfig(min_logprob=threshold)
    prices = SidePrices.from_api_price(standin.price, local_usd_per_mtok=0.1)
    replayed = {r.request_id: r for r in replay_router(items, local, api, config=config, prices=prices)}
    router = HybridRouter(local_backend, standin.backend, config=config, prices=prices)
    live = [router.route(i.messages(), schema=i.schema, item=i) for i in items]
    assert {r.route for r in live} == {"local", "api"}
    for r in live:
        twin = replayed[r.request_id]
        assert (r.route, r.reason, r.answer, r.correct) == (
            twin.route,
            twin.reason,
            twin.answer,
            twin.correct,
        )
        assert r.latency_s > 0 and r.prompt_tokens > 0 and r.usd > 0
        if r.route == "local":
            assert r.confidence >= threshold and r.answer_valid and not r.api_called
        else:
            assert r.api_called and r.api_usd > 0
    summaries = [summarise(replay_all_local(items, local, prices=prices))]
    summaries.append(summarise(replay_all_api(items, api, prices=prices)))
    summaries.append(summarise(list(replayed.values())))
    assert [s.local_share for s in summaries][:2] == [1.0, 0.0]
    assert 0 < summaries[2].local_share < 1
    sweep = sweep_thresholds(items, local, api, thresholds=(-5.0, threshold, -0.01), prices=prices)
    shares = [s.local_share for _, s in sweep]
    assert shares == sorted(shares, reverse=True)  # a stricter threshold keeps fewer local answers
    fig = plot_router(
        local=replay_all_local(items, local, prices=prices), sweep=sweep, baselines=summaries[:2]
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    figures = lab06_headline(summaries, config=config, api_label=standin.label, prices=prices)
    assert [p.name for p in figures.policies] == ["all local", "all API", "router"]


def test_an_unreachable_api_fails_gracefully(measured, local_backend) -> None:
    items = measured[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens there (a real refusal)
    dead = ApiBackend("none", base_url=f"http://127.0.0.1:{port}/v1", timeout_s=2, max_retries=0)
    router = HybridRouter(local_backend, dead, config=RouterConfig(min_logprob=0.0), prices=PRICES)
    record = router.route(items[0].messages(), schema=items[0].schema, item=items[0])
    assert record.route == "api" and record.answer == "" and record.correct is False
    assert "Unreachable" in (record.error or "")
    dead.close()


@pytest.fixture(scope="module")
def without_logprobs(embedded_paths) -> Iterator[LoopbackServer]:
    """A real llama_cpp.server loaded without logits_all: it cannot return log-probabilities."""
    with llama_cpp_server(embedded_paths["Q8_0"], n_ctx=512, n_threads=1, logits_all=False) as server:
        yield server


def test_router_refuses_a_confidence_signal_it_cannot_read(without_logprobs, standin) -> None:
    assert not without_logprobs.returns_logprobs
    blind = without_logprobs.backend()
    assert not blind.supports_logprobs and blind.supports_json_schema
    with pytest.raises(ConfigError, match="log-probabilities"):  # refused before anything is sent
        blind.stream_chat([{"role": "user", "content": "hi"}], options=GenerationOptions(logprobs=True))
    with pytest.raises(ConfigError, match="InProcessBackend"):
        HybridRouter(blind, standin.backend, config=RouterConfig(), prices=PRICES)
    by_validity = RouterConfig(min_logprob=None)
    with pytest.raises(ConfigError, match="max_tokens"):
        HybridRouter(blind, standin.backend, config=by_validity, prices=PRICES, max_tokens=0)
    router = HybridRouter(blind, standin.backend, config=by_validity, prices=PRICES)
    item = load_eval_set("eval")[0]
    record = router.route(item.messages(), schema=item.schema, item=item)
    assert (
        record.local_tried
        and record.confidence is None
        and record.reason in ("kept", "invalid JSON", "schema")
    )
    answer = local_answer(blind, item.messages(), logprobs=True)
    assert answer.error and "log-probabilities" in answer.error


@pytest.fixture(scope="module")
def served_locally(embedded_paths) -> Iterator[LoopbackServer]:
    """The in-process model's own GGUF, served by a real llama-server (one slot, room for any eval item)."""
    require_llama_server()
    with llama_server(embedded_paths["Q8_0"], parallel=1, ctx_per_slot=512, n_threads=1) as server:
        yield server


@needs_llama_server
def test_the_router_reads_log_probabilities_from_a_llama_server(measured, served_locally, standin) -> None:
    """Issue 19: no InProcessBackend needed. The same model, prompt and greedy decoding give the same
    answers, and log-probabilities that agree with the in-process ones (measured: within 0.01)."""
    items, local, _ = measured
    served = served_locally.backend()
    for item in items[:4]:
        theirs, mine = local_answer(served, item.messages()), local[item.id]
        assert theirs.error is None and theirs.text == mine.text
        assert len(theirs.token_logprobs) == len(mine.token_logprobs) > 0
        assert all(math.isfinite(lp) and lp <= 0 for lp in theirs.token_logprobs)
        assert theirs.token_logprobs == pytest.approx(mine.token_logprobs, abs=0.05)
    config = RouterConfig(min_logprob=-0.3)
    router = HybridRouter(served, standin.backend, config=config, prices=PRICES)
    for item in items[:4]:
        record = router.route(item.messages(), schema=item.schema, item=item)
        assert record.local_tried and record.confidence is not None and math.isfinite(record.confidence)
        assert record.confidence == pytest.approx(local[item.id].confidence(), abs=0.05)
    constrained = HybridRouter(
        served, standin.backend, config=RouterConfig(min_logprob=None, constrained=True), prices=PRICES
    )
    for item in items[:2]:  # the schema reaches llama-server as a grammar: the JSON always follows it
        record = constrained.route(item.messages(), schema=item.schema, item=item)
        assert record.route == "local" and record.answer_valid


def test_replay_needs_both_sides_measured(measured) -> None:
    items, local, api = measured
    with pytest.raises(ConfigError, match="No measured answer"):
        replay_router(items, {}, api, config=RouterConfig(), prices=PRICES)
    with pytest.raises(ConfigError, match="constrained"):
        replay_router(items, local, api, config=RouterConfig(constrained=True), prices=PRICES)
    with pytest.raises(ConfigError, match="No items"):
        replay_all_api([], api, prices=PRICES)


def test_saved_figures_read_back(measured, tmp_path) -> None:
    items, local, _ = measured
    summaries = [summarise(replay_all_local(items, local, prices=PRICES))]
    figures = lab06_headline(summaries, config=RouterConfig(), api_label="stand-in", prices=PRICES)
    save_headline("06", figures, mode="offline", machine={}, folder=tmp_path)
    loaded = read_headlines(tmp_path).headline("06")
    assert loaded.policies[0].local_share == 1.0 and loaded.router_rule.startswith("local answer kept")
    assert read_headlines(tmp_path).problems == []
