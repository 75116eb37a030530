"""ApiBackend: against the fault injector (tests/fault_server.py) and a real llama_cpp.server on loopback.

The fault injector is labelled fault injection: it causes what a real API does only on a bad day
(429, 5xx, hangs, broken streams), which a real server on this machine cannot be made to do.
"""

from __future__ import annotations

import dataclasses
import email.utils
import itertools
import json
import logging
import math
import time
import traceback

import openai
import pytest
from fault_server import Script, fault_server
from fixtures_servers import lcs_server  # noqa: F401 - a fixture

from course.backends.api import LOOPBACK_DUMMY_KEY, ApiBackend
from course.backends.api_errors import parse_retry_after
from course.backends.base import GenerationOptions, Message, clock
from course.backends.loopback import LoopbackServer, free_port
from course.backends.tokens import GgufTokenCounter, estimate_tokens
from course.backends.urls import safe_url
from course.errors import (
    ApiAuthError,
    ApiContextLengthError,
    ApiError,
    ApiRateLimitError,
    ApiServerError,
    ConfigError,
    ContextOverflowError,
    MissingKeyError,
    ModelLoadError,
    RequestTimeoutError,
    UnknownModelError,
    UnreachableError,
)

PLANTED_KEY = "sk-planted-test-key-0123456789abcdefXYZ"  # fake; must never be printed anywhere
QUESTION = [{"role": "user", "content": "What is a GPU?"}]
FAULT_TEXT = "Hello from the fault injector."


def fault_backend(url: str, **options: object) -> ApiBackend:
    return ApiBackend("fault-model", base_url=url, **options)  # type: ignore[arg-type]


# --- the happy path against the fault injector ----------------------------------------------------


def test_streams_content_chunks_with_server_usage() -> None:
    with fault_server() as srv:
        stream = fault_backend(srv.base_url).stream_chat(QUESTION, options=GenerationOptions(max_tokens=9))
        texts = [chunk.text for chunk in stream]
    assert texts == ["Hello", " from", " the", " fault", " injector."]  # the role-only chunk is skipped
    assert stream.usage is not None and stream.usage.source == "server"
    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens) == (7, 5)
    assert stream.finish_reason == "stop"
    assert stream.started_s is not None and stream.started_s < stream.chunks[0].t_s
    body = srv.chat_requests()[0].body
    assert body is not None
    assert body["max_tokens"] == 9 and "max_completion_tokens" not in body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_without_server_usage_counts_are_labelled_estimates() -> None:
    with fault_server() as srv:
        stream = fault_backend(srv.base_url, request_usage=False).chat(QUESTION)
        words = fault_backend(srv.base_url, request_usage=False, tokenizer=lambda s: len(s.split()))
        by_words = words.chat(QUESTION)
    assert stream.usage is not None and stream.usage.source == "estimate"
    assert stream.usage.completion_tokens == estimate_tokens(FAULT_TEXT) == 8
    # a plain callable counts the completion, but the prompt template is unknown: still an estimate
    assert by_words.usage is not None and by_words.usage.source == "estimate"
    assert by_words.usage.completion_tokens == 5
    assert "stream_options" not in (srv.chat_requests()[0].body or {})


def test_options_reach_the_server() -> None:
    opts = GenerationOptions(max_tokens=5, temperature=0.7, seed=42, stop=("\n",), ignore_eos=True)
    with fault_server() as srv:
        fault_backend(srv.base_url, extra_body={"cache_prompt": False}).chat(QUESTION, options=opts)
    body = srv.chat_requests()[0].body
    assert body is not None
    assert (body["temperature"], body["seed"], body["stop"]) == (0.7, 42, ["\n"])
    assert body["ignore_eos"] is True and body["cache_prompt"] is False
    assert "logit_bias" not in body  # end-of-generation ids are unknown for a remote model


def test_options_fall_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with fault_server() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
        monkeypatch.setenv("COURSE_API_MODEL", "env-model")
        backend = ApiBackend()
        assert backend.ask("hi") == FAULT_TEXT
    request = srv.chat_requests()[0]
    assert request.body is not None and request.body["model"] == "env-model"
    # the learner's real key is not handed to whatever listens on this machine
    assert request.headers["authorization"] == f"Bearer {LOOPBACK_DUMMY_KEY}"


def test_a_loopback_url_gets_the_real_key_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    with fault_server() as srv:
        fault_backend(srv.base_url).ask("hi")
        fault_backend(srv.base_url, api_key=PLANTED_KEY).ask("hi")
    sent = [r.headers["authorization"] for r in srv.chat_requests()]
    assert sent == [f"Bearer {LOOPBACK_DUMMY_KEY}", f"Bearer {PLANTED_KEY}"]


def test_a_stop_string_the_server_lets_through_is_cut_here() -> None:
    """The fault injector ignores ``stop``; the stop " fault" straddles the pieces " the" and " fault"."""
    with fault_server() as srv:
        opts = GenerationOptions(stop=("he fau",))
        stream = fault_backend(srv.base_url).stream_chat(QUESTION, options=opts)
        shown = [chunk.text for chunk in stream]
    assert "".join(shown) == stream.text == "Hello from t"
    assert stream.finish_reason == "stop"
    assert srv.chat_requests()[0].body["stop"] == ["he fau"]  # type: ignore[index]


# --- capabilities: log-probabilities and JSON schemas, in each server's shape -----------------------

YES_NO = {
    "type": "object",
    "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}},
    "required": ["answer"],
    "additionalProperties": False,
}


@pytest.mark.parametrize("server", ["openai", "llama-server", "llama_cpp.server"])
def test_capabilities_are_asked_in_each_servers_shape(server: str) -> None:
    """The shapes measured against each server (course/backends/api.py). The fault injector sends no
    log-probabilities, like a server that ignores the option: the course says so instead of routing
    on nothing."""
    with fault_server() as srv:
        backend = fault_backend(srv.base_url, server=server)
        assert backend.supports_logprobs and backend.supports_json_schema
        assert backend.chat(QUESTION, options=GenerationOptions(json_schema=YES_NO)).text == FAULT_TEXT
        with pytest.raises(ApiError, match="sent no log-probabilities") as info:
            backend.chat(QUESTION, options=GenerationOptions(logprobs=True))
    assert "min_logprob=None" in info.value.fix
    schema_body, logprobs_body = [r.body or {} for r in srv.chat_requests()]
    assert "logprobs" not in schema_body and logprobs_body["logprobs"] is True
    if server == "openai":
        assert schema_body["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": YES_NO, "strict": True},
        }
        assert "top_logprobs" not in logprobs_body
    elif server == "llama-server":  # a grammar: its own json_schema path fails on ChatML templates
        assert "response_format" not in schema_body and "root ::=" in schema_body["grammar"]
        assert "top_logprobs" not in logprobs_body  # with top_logprobs 0 it sends none
    else:
        assert schema_body["response_format"] == {"type": "json_object", "schema": YES_NO}
        assert logprobs_body["top_logprobs"] == 0  # without it, it sends none


def test_a_model_that_refuses_log_probabilities_says_which_capability() -> None:
    # FAULT INJECTION (labelled): the 400 OpenAI's reasoning models give for logprobs
    error = {
        "message": "logprobs is not supported with this model.",
        "type": "invalid_request_error",
        "param": "logprobs",
        "code": "unsupported_parameter",
    }
    with fault_server(Script(fail_status=400, error=error)) as srv:
        with pytest.raises(ApiError, match="refused log-probabilities") as info:
            fault_backend(srv.base_url, max_retries=2).ask("hi", options=GenerationOptions(logprobs=True))
        assert len(srv.chat_requests()) == 1  # a 400 is never retried
    assert info.value.status_code == 400 and "RouterConfig(min_logprob=None)" in info.value.fix


def test_an_unknown_server_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="vllm"):
        ApiBackend("m", base_url="http://127.0.0.1:9/v1", server="vllm")  # type: ignore[arg-type]


# --- faults ---------------------------------------------------------------------------------------


def test_429_waits_for_retry_after_then_succeeds(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="course.backends.api")
    with fault_server(Script(fail_status=429, fail_times=1, retry_after="1")) as srv:
        backend = fault_backend(srv.base_url)
        stream = backend.chat(QUESTION)
    first, second = srv.chat_requests()
    assert stream.text == FAULT_TEXT
    assert second.t_s - first.t_s >= 0.95  # never sooner than the server asked (no upper bound: a busy box)
    assert backend.attempts.total == 2  # the course's httpx hook saw both; the openai client did the retry
    logged = [r for r in caplog.records if r.name == "course.backends.api"]
    assert [r.levelno for r in logged] == [logging.DEBUG] and "retried 1 time(s)" in logged[0].message


@pytest.mark.parametrize("later", ["3600", "http-date"])
def test_429_asking_for_an_hour_is_not_retried_sooner(later: str) -> None:
    if later == "http-date":
        later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    with fault_server(Script(fail_status=429, retry_after=later)) as srv:
        t0 = clock()
        with pytest.raises(ApiRateLimitError) as info:
            fault_backend(srv.base_url, max_retries=3).ask("hi")
        elapsed_s = clock() - t0
    assert len(srv.chat_requests()) == 1  # a retry now would be sooner than asked: none is sent
    assert info.value.retry_after_s is not None and 3590 <= info.value.retry_after_s <= 3600
    assert "wait 3" in str(info.value) and elapsed_s < 30


def test_429_forever_raises_rate_limit_with_the_hint_and_request_id() -> None:
    script = Script(fail_status=429, retry_after="0.2", request_id="req_fault_429")
    with fault_server(script) as srv, pytest.raises(ApiRateLimitError) as info:
        fault_backend(srv.base_url, max_retries=2).ask("hi")
    assert info.value.retry_after_s == 0.2 and info.value.status_code == 429
    assert info.value.request_id == "req_fault_429"
    times = [r.t_s for r in srv.chat_requests()]
    assert len(times) == 3 and all(b - a >= 0.19 for a, b in itertools.pairwise(times))
    assert "after 2 retries" in str(info.value) and info.value.fix


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_raises_api_server_error_after_retries(status: int) -> None:
    script = Script(fail_status=status, request_id="req_5xx")
    with fault_server(script) as srv, pytest.raises(ApiServerError) as info:
        fault_backend(srv.base_url, max_retries=1).ask("hi")
    assert (info.value.status_code, info.value.request_id) == (status, "req_5xx")
    assert len(srv.chat_requests()) == 2 and "after 1 retry" in str(info.value)


def test_a_context_length_400_keeps_status_and_request_id() -> None:
    error = {  # OpenAI's wording and code (fault injection: labelled)
        "message": "This model's maximum context length is 128000 tokens. However, your messages resulted "
        "in 130000 tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "context_length_exceeded",
    }
    script = Script(fail_status=400, error=error, request_id="req_ctx")
    with fault_server(script) as srv, pytest.raises(ApiContextLengthError) as info:
        fault_backend(srv.base_url, max_retries=2).ask("hi")
    assert len(srv.chat_requests()) == 1  # a 400 is never retried
    assert isinstance(info.value, ApiError) and isinstance(info.value, ContextOverflowError)
    assert (info.value.status_code, info.value.request_id) == (400, "req_ctx")
    assert "maximum context length" in str(info.value) and "Shorten the prompt" in info.value.fix


def test_401_raises_authentication_error_without_the_key() -> None:
    script = Script(fail_status=401, echo_auth=True)
    with fault_server(script) as srv, pytest.raises(ApiAuthError) as info:
        fault_backend(srv.base_url, api_key=PLANTED_KEY).ask("hi")
    assert len(srv.chat_requests()) == 1  # no retry on a bad key
    assert info.value.status_code == 401
    assert "dummy key" in info.value.fix and "api_key=" in info.value.fix  # a loopback proxy's 401
    shown = str(info.value) + repr(info.value) + "".join(traceback.format_exception(info.value))
    assert "you sent Authorization" in shown  # the server did echo it ...
    assert PLANTED_KEY not in shown  # ... and the course redacted it


def test_404_model_raises_unknown_model_listing_served_models() -> None:
    with fault_server(Script(check_model=True, models=("fault-model", "other-model"))) as srv:
        backend = ApiBackend("no-such-model", base_url=srv.base_url)
        with pytest.raises(UnknownModelError) as info:
            backend.ask("hi")
        assert backend.available_models() == ["fault-model", "other-model"]
    assert "no-such-model" in str(info.value) and "fault-model, other-model" in str(info.value)
    assert info.value.status_code == 404


def test_a_hanging_server_times_out_within_the_timeout() -> None:
    with fault_server(Script(hang_s=10)) as srv:
        t0 = clock()
        with pytest.raises(RequestTimeoutError):
            fault_backend(srv.base_url, timeout_s=0.5, max_retries=0).ask("hi")
        elapsed_s = clock() - t0
        assert len(srv.chat_requests()) == 1
    assert 0.45 <= elapsed_s < 5.0


def test_the_client_retries_a_timeout_and_says_how_many_attempts() -> None:
    with fault_server(Script(hang_s=10)) as srv:
        with pytest.raises(RequestTimeoutError) as info:
            fault_backend(srv.base_url, timeout_s=0.3, max_retries=1).ask("hi")
        assert len(srv.chat_requests()) == 2  # the openai client's policy: a timeout is retried
    assert "0.3 s (2 attempts)" in str(info.value)


def test_a_stream_broken_mid_way_keeps_the_text_received() -> None:
    with fault_server(Script(break_after=3)) as srv:
        stream = fault_backend(srv.base_url).stream_chat(QUESTION)
        received = []
        with pytest.raises(ApiServerError) as info:
            for chunk in stream:
                received.append(chunk.text)
        assert len(srv.chat_requests()) == 1  # never retried after text arrived
    assert stream.text == "".join(received) == "Hello from the"
    assert stream.finish_reason == "error"
    assert "14 characters" in str(info.value)


def test_a_broken_stream_keeps_text_held_back_for_a_stop_string() -> None:
    with fault_server(Script(break_after=3)) as srv:
        stream = fault_backend(srv.base_url).stream_chat(
            QUESTION, options=GenerationOptions(stop=("the fault",))
        )
        with pytest.raises(ApiServerError, match="14 characters"):
            stream.consume()
    assert stream.text == "Hello from the"  # "the" was held (it may begin the stop), then kept


def test_a_malformed_stream_raises_server_error_and_keeps_the_text() -> None:
    with fault_server(Script(malformed_after=2)) as srv:
        stream = fault_backend(srv.base_url).stream_chat(QUESTION)
        with pytest.raises(ApiServerError, match="malformed"):
            stream.consume()
    assert stream.text == "Hello from"


def test_a_stream_broken_before_any_text_is_retried_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="course.backends.api")
    with fault_server(Script(break_after=0)) as srv:
        with pytest.raises(ApiServerError, match="before any text arrived \\(3 attempts\\)"):
            fault_backend(srv.base_url, max_retries=2).ask("hi")
        assert len(srv.chat_requests()) == 3
    retries = [
        r for r in caplog.records if r.name == "course.backends.api" and "broke before any text" in r.message
    ]
    assert [r.levelno for r in retries] == [logging.DEBUG, logging.DEBUG]


def test_a_dead_port_is_unreachable_quickly() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    t0 = clock()
    with pytest.raises(UnreachableError) as info:
        ApiBackend("m", base_url=url, max_retries=1).ask("hi")
    assert clock() - t0 < 5.0
    assert url in str(info.value) and "after 1 retry" in str(info.value)


def test_credentials_in_a_base_url_are_never_shown() -> None:
    port = free_port()  # nothing listens there
    url = f"http://user:{PLANTED_KEY}@127.0.0.1:{port}/v1?api-key={PLANTED_KEY}"
    backend = ApiBackend("m", base_url=url, max_retries=0)
    with pytest.raises(UnreachableError) as info:
        backend.ask("hi")
    shown = [
        repr(backend),
        str(backend.info()),
        str(info.value),
        "".join(traceback.format_exception(info.value)),
    ]
    assert f"http://127.0.0.1:{port}/v1" in shown[2]
    for text in shown:
        assert PLANTED_KEY not in text


# --- configuration and secrets -----------------------------------------------------------------------


def test_missing_key_for_a_remote_url_says_how_to_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(MissingKeyError) as info:
        ApiBackend("gpt-4o-mini", base_url="https://api.example.invalid/v1")
    assert "OPENAI_API_KEY" in info.value.fix and "offline" in info.value.fix


def test_a_loopback_url_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    backend = ApiBackend("m", base_url="http://localhost:9/v1")
    assert backend.is_loopback and backend.info().device == "loopback server (a local stand-in for an API)"
    assert (
        ApiBackend("m", base_url="https://api.example.invalid/v1", api_key="k").info().device == "remote API"
    )


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com/v1", "http:///v1"])
def test_a_malformed_base_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="http"):
        ApiBackend("m", base_url=url)


def test_a_missing_model_name_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_API_MODEL", raising=False)
    with pytest.raises(ConfigError, match="COURSE_API_MODEL"):
        ApiBackend(base_url="http://127.0.0.1:9/v1")


def test_the_key_never_appears_in_outputs(caplog: pytest.LogCaptureFixture, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)  # openai and httpx log requests at DEBUG
    url_with_user = f"https://user:{PLANTED_KEY}@api.example.invalid/v1?key={PLANTED_KEY}"
    outputs = [repr(ApiBackend("m", base_url=url_with_user, api_key=PLANTED_KEY))]
    with fault_server(Script(fail_status=401, echo_auth=True)) as srv:
        backend = fault_backend(srv.base_url, api_key=PLANTED_KEY)
        outputs += [repr(backend), str(backend.info()), safe_url(url_with_user)]
        try:
            backend.ask("hi")
        except ApiAuthError as exc:
            outputs += [str(exc), repr(exc), exc.fix, "".join(traceback.format_exception(exc))]
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps(dataclasses.asdict(backend.info())))
    outputs += [result_file.read_text(), caplog.text]
    assert "rejected the API key" in outputs[4]
    for text in outputs:
        assert PLANTED_KEY not in text


def test_parse_retry_after() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "0.5"}) == 0.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    now_s = 1_800_000_000.0
    assert (
        parse_retry_after({"Retry-After": email.utils.formatdate(now_s + 30, usegmt=True)}, now_s=now_s) == 30
    )
    assert (
        parse_retry_after({"Retry-After": email.utils.formatdate(now_s - 30, usegmt=True)}, now_s=now_s) == 0
    )
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None and parse_retry_after(None) is None


# --- a real llama_cpp.server (serves one request at a time) ---------------------------------------


def test_llama_cpp_server_streams_with_measurable_ttft(lcs_server: LoopbackServer) -> None:  # noqa: F811
    stream = lcs_server.backend().stream_chat(QUESTION, options=GenerationOptions(max_tokens=16))
    chunks = list(stream)
    assert stream.text and all(chunk.text for chunk in chunks)
    assert stream.started_s is not None and stream.finished_s is not None
    ttft_s = chunks[0].t_s - stream.started_s
    assert 0 < ttft_s <= stream.finished_s - stream.started_s
    # llama_cpp.server ignores stream_options.include_usage: counted by the model's own tokenizer
    assert stream.usage is not None and stream.usage.source == "tokenizer"


def test_llama_cpp_server_counts_match_its_own_usage(lcs_server: LoopbackServer) -> None:  # noqa: F811
    """The tokenizer count of a stream equals the server's usage of the same non-streamed request."""
    stream = lcs_server.backend().chat(QUESTION, options=GenerationOptions(max_tokens=12))
    raw = openai.OpenAI(base_url=lcs_server.base_url, api_key=LOOPBACK_DUMMY_KEY)
    reply = raw.chat.completions.create(
        model=lcs_server.model_alias,
        messages=QUESTION,
        max_tokens=12,
        temperature=0,  # type: ignore[arg-type]
    )
    assert reply.usage is not None and stream.usage is not None
    assert reply.choices[0].message.content == stream.text  # temperature 0: the same answer
    assert stream.usage.prompt_tokens == reply.usage.prompt_tokens
    assert stream.usage.completion_tokens == reply.usage.completion_tokens


def test_llama_cpp_server_ignore_eos_bans_end_tokens(lcs_server: LoopbackServer) -> None:  # noqa: F811
    counter = GgufTokenCounter(lcs_server.model_path)
    assert len(counter.end_of_generation_ids()) >= 1  # </s> and <|im_end|> in the embedded model
    opts = GenerationOptions(max_tokens=24, ignore_eos=True)
    stream = lcs_server.backend(tokenizer=counter).chat(QUESTION, options=opts)
    assert stream.finish_reason == "length"
    assert stream.usage is not None and stream.usage.completion_tokens == 24


def test_llama_cpp_server_accepts_any_model_name(lcs_server: LoopbackServer) -> None:  # noqa: F811
    """Documented behaviour: llama_cpp.server serves its one model whatever name is asked for."""
    backend = ApiBackend("gpt-4o-this-model-is-not-served", base_url=lcs_server.base_url)
    assert backend.available_models() == [lcs_server.model_alias]
    stream = backend.chat(QUESTION, options=GenerationOptions(max_tokens=4))
    assert stream.text and stream.usage is not None and 1 <= stream.usage.completion_tokens <= 4
    # a tokenizer is passed explicitly: without one, counts are labelled estimates
    assert backend.count_source == "estimate" and stream.usage.source == "estimate"
    assert lcs_server.backend().count_source == "tokenizer"


def test_llama_cpp_server_context_overflow_is_not_a_silent_empty_answer(
    lcs_server: LoopbackServer,  # noqa: F811
) -> None:
    """Measured: llama_cpp.server answers 200, then fails inside the stream and sends nothing more."""
    long_prompt: list[Message] = [{"role": "user", "content": "cost " * 1500}]  # n_ctx is 1024
    stream = lcs_server.backend(max_retries=0).stream_chat(
        long_prompt, options=GenerationOptions(max_tokens=8)
    )
    with pytest.raises(ApiServerError, match="without any text") as info:
        stream.consume()
    assert "context window" in info.value.fix and stream.finish_reason == "error"


def test_llama_cpp_server_stop_split_across_chunks(lcs_server: LoopbackServer) -> None:  # noqa: F811
    """Issue 7 on a real server: a stop string straddling two chunks of a temperature-0 answer."""
    backend = lcs_server.backend()
    free = backend.chat(QUESTION, options=GenerationOptions(max_tokens=40, ignore_eos=True))
    pieces = [chunk.text for chunk in free.chunks]
    starts = [sum(map(len, pieces[:i])) for i in range(len(pieces))]
    straddles = [
        (starts[i + 1] - 2, pieces[i][-2:] + pieces[i + 1][:2])
        for i in range(len(pieces) - 1)
        if len(pieces[i]) >= 2 and len(pieces[i + 1]) >= 2
    ]
    at, stop = next((at, stop) for at, stop in straddles if free.text.index(stop) == at)
    opts = GenerationOptions(max_tokens=40, ignore_eos=True, stop=(stop,))
    stream = backend.stream_chat(QUESTION, options=opts)
    shown = [chunk.text for chunk in stream]
    assert "".join(shown) == stream.text == free.text[:at]
    assert stream.finish_reason == "stop"


def test_llama_cpp_server_returns_log_probabilities_and_follows_a_schema(
    lcs_server: LoopbackServer,  # noqa: F811
) -> None:
    backend = lcs_server.backend()
    assert backend.server == "llama_cpp.server" and backend.supports_logprobs  # logits_all, its default
    opts = GenerationOptions(max_tokens=16, ignore_eos=True, logprobs=True)
    stream = backend.chat(QUESTION, options=opts)
    values = stream.token_logprobs
    assert values is not None and len(values) == 16 and all(math.isfinite(v) and v <= 0 for v in values)
    assert math.fsum(chunk.logprob or 0.0 for chunk in stream.chunks) == pytest.approx(math.fsum(values))
    answer = backend.chat(QUESTION, options=GenerationOptions(max_tokens=40, json_schema=YES_NO)).text
    assert json.loads(answer)["answer"] in ("yes", "no")


def test_a_base_url_without_v1_explains_itself(lcs_server: LoopbackServer) -> None:  # noqa: F811
    root = lcs_server.base_url.removesuffix("/v1")
    with pytest.raises(UnknownModelError) as info:
        ApiBackend(lcs_server.model_alias, base_url=root, max_retries=0).ask("hi")
    assert f"{root}/v1" in info.value.fix


def test_a_tokenizer_for_a_broken_file_raises_model_load_error(tmp_path) -> None:
    bad = tmp_path / "pointer.gguf"
    bad.write_text("version https://git-lfs.github.com/spec/v1\n")
    with pytest.raises(ModelLoadError, match="tokenizer"):
        GgufTokenCounter(bad)("hello")


def test_ignore_eos_is_asked_only_of_loopback_servers() -> None:
    from course.backends.base import GenerationOptions

    fixed = GenerationOptions(max_tokens=8, ignore_eos=True)
    remote = ApiBackend("gpt-4o-mini", base_url="https://api.example.com/v1", api_key=PLANTED_KEY)
    assert "ignore_eos" not in remote._params([], fixed).get("extra_body", {})  # OpenAI answers 400
    local = ApiBackend("tinychat", base_url="http://127.0.0.1:9/v1")
    assert local._params([], fixed)["extra_body"]["ignore_eos"] is True


def test_a_reasoning_model_gets_max_completion_tokens_and_its_default_temperature() -> None:
    # FAULT INJECTION (labelled): the 400s OpenAI's o-series/gpt-5 models give cannot be caused here
    with fault_server(Script(reasoning_model=True)) as fs:
        backend = ApiBackend("o-mini", base_url=fs.base_url, api_key=PLANTED_KEY, max_retries=0)
        stream = backend.chat([{"role": "user", "content": "hi"}], options=GenerationOptions(max_tokens=9))
        assert stream.text == "Hello from the fault injector."
        bodies = [r.body for r in fs.chat_requests()]
    assert len(bodies) == 3  # as sent, then without max_tokens, then without temperature
    assert "max_tokens" in bodies[0] and bodies[1]["max_completion_tokens"] == 9
    assert "temperature" not in bodies[2] and bodies[2]["max_completion_tokens"] == 9


def test_other_bad_requests_are_not_retried() -> None:
    with fault_server(Script(fail_status=400)) as fs:
        backend = ApiBackend("m", base_url=fs.base_url, api_key=PLANTED_KEY, max_retries=3)
        with pytest.raises(ApiError):
            backend.ask("hi")
        assert len(fs.chat_requests()) == 1


def test_the_environment_report_hides_credentials_in_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from course.environment import environment_report

    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    monkeypatch.setenv(
        "OPENAI_BASE_URL", f"https://user:{PLANTED_KEY}@proxy.example.com/v1?key={PLANTED_KEY}"
    )
    table = environment_report()
    assert table.loc["OPENAI_BASE_URL", "value"] == "https://proxy.example.com/v1"
    assert PLANTED_KEY not in table.to_string()
