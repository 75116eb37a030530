"""The in-process llama.cpp backend on the real embedded model (CPU or GPU builds alike)."""

import json
import math

import pytest

from course.backends.base import GenerationOptions
from course.backends.inprocess import InProcessBackend, round_n_ctx
from course.backends.offload import gpu_offload_supported
from course.errors import ConfigError, ContextOverflowError

QUESTION = [{"role": "user", "content": "What is the break-even volume?"}]


def test_info_reports_device_layers_threads_and_context(local_backend):
    info = local_backend.info()
    assert info.backend == "inprocess"
    if gpu_offload_supported():  # a CUDA/Metal/Vulkan build offloads every layer by default
        assert info.gpu_layers == local_backend.n_layer + 1 and info.device not in {"CPU", "GPU"}
    else:
        assert info.device == "CPU" and info.gpu_layers == 0
    assert info.n_threads == 2 and info.n_ctx == 512
    assert info.model_path.endswith("tinychat-q8_0.gguf")


def test_stream_has_monotonic_timestamps_and_exact_usage(local_backend):
    stream = local_backend.stream_chat(QUESTION, options=GenerationOptions(max_tokens=24, ignore_eos=True))
    chunks = list(stream)
    assert chunks, "no content streamed"
    times = [stream.started_s] + [c.t_s for c in chunks] + [stream.finished_s]
    assert times == sorted(times)
    assert stream.usage.source == "backend"
    assert stream.usage.prompt_tokens == len(local_backend.prompt_tokens(QUESTION))
    assert stream.usage.completion_tokens == 24  # ignore_eos: exactly max_tokens
    assert chunks[-1].n_tokens == 24
    assert stream.finish_reason == "length"


def test_temperature_zero_is_deterministic_and_prompt_cache_is_off(local_backend):
    options = GenerationOptions(max_tokens=16, temperature=0.0)
    first = local_backend.chat(QUESTION, options=options)
    second = local_backend.chat(QUESTION, options=options)
    assert first.text == second.text
    # with prompt_cache=False every request evaluates its whole prompt again
    assert local_backend.llama.n_tokens >= first.usage.prompt_tokens


def test_seeded_sampling_reproduces(local_backend):
    options = GenerationOptions(max_tokens=16, temperature=1.0, seed=42)
    assert (
        local_backend.chat(QUESTION, options=options).text
        == local_backend.chat(QUESTION, options=options).text
    )


def test_count_tokens_uses_the_models_tokenizer(local_backend):
    assert local_backend.count_tokens("") == 0
    assert (
        0
        < local_backend.count_tokens("What is the break-even volume?")
        < len("What is the break-even volume?")
    )


def test_prompt_longer_than_context_raises_with_fix(local_backend):
    long_prompt = [{"role": "user", "content": "cost " * 800}]
    with pytest.raises(ContextOverflowError) as err:
        local_backend.chat(long_prompt)
    assert "context window is 512" in str(err.value)
    assert "n_ctx=" in err.value.fix


def test_output_is_capped_by_the_context_left(local_backend):
    prompt = [{"role": "user", "content": "cost " * 400}]
    stream = local_backend.chat(prompt, options=GenerationOptions(max_tokens=500, ignore_eos=True))
    assert stream.usage.prompt_tokens + stream.usage.completion_tokens == 512
    assert stream.finish_reason == "length"


def test_n_ctx_is_rounded_up_to_a_multiple_of_256_and_said(embedded_paths):
    assert [round_n_ctx(n) for n in (1, 100, 256, 257, 1000)] == [256, 256, 256, 512, 1024]
    with pytest.warns(UserWarning, match="rounded up to 256"):
        backend = InProcessBackend(embedded_paths["Q4_0"], n_ctx=100, n_threads=1)
    with backend:
        assert backend.info().n_ctx == 256
        assert any("rounded up" in note for note in backend.info().notes)
        stream = backend.chat(
            [{"role": "user", "content": "Say hello."}], options=GenerationOptions(max_tokens=4)
        )
        assert stream.usage is not None and 1 <= stream.usage.completion_tokens <= 4


def test_stop_strings_end_the_stream_before_the_stop(local_backend):
    free = local_backend.chat(QUESTION, options=GenerationOptions(max_tokens=40, ignore_eos=True)).text
    stop = free[10:13]
    stream = local_backend.chat(
        QUESTION, options=GenerationOptions(max_tokens=40, ignore_eos=True, stop=(stop,))
    )
    assert stream.text == free[: free.index(stop)]
    assert stream.finish_reason == "stop"


def test_a_stream_is_single_use(local_backend):
    stream = local_backend.chat(QUESTION, options=GenerationOptions(max_tokens=2))
    with pytest.raises(RuntimeError, match="only once"):
        list(stream)


def test_a_stop_string_split_across_two_chunks_does_not_leak(local_backend):
    """Issue 7: "Hello wor" + "ld, bye" with stop "world" must give "Hello ", not "Hello wor"."""
    options = GenerationOptions(max_tokens=40, ignore_eos=True)
    free = local_backend.chat(QUESTION, options=options)  # temperature 0: the same text every time
    pieces = [chunk.text for chunk in free.chunks]
    starts = [sum(map(len, pieces[:i])) for i in range(len(pieces))]
    straddles = [
        (starts[i + 1] - 2, pieces[i][-2:] + pieces[i + 1][:2])
        for i in range(len(pieces) - 1)
        if len(pieces[i]) >= 2 and len(pieces[i + 1]) >= 2
    ]
    at, stop = next((at, stop) for at, stop in straddles if free.text.index(stop) == at)
    stream = local_backend.stream_chat(
        QUESTION, options=GenerationOptions(max_tokens=40, ignore_eos=True, stop=(stop,))
    )
    shown = [chunk.text for chunk in stream]
    assert (
        "".join(shown) == stream.text == free.text[:at]
    )  # the stop's first half was held back, then dropped
    assert stream.finish_reason == "stop"


def test_text_held_back_for_a_stop_that_never_completes_is_released(local_backend):
    options = GenerationOptions(max_tokens=24, ignore_eos=True)
    free = local_backend.chat(QUESTION, options=options).text
    # a stop string that begins like the end of the answer but never completes
    stop = free[-3:] + "\u2603never"
    stream = local_backend.chat(
        QUESTION, options=GenerationOptions(max_tokens=24, ignore_eos=True, stop=(stop,))
    )
    assert stream.text == free and stream.finish_reason == "length"


# --- capabilities: log-probabilities and JSON-schema decoding ---------------------------------------

YES_NO = {
    "type": "object",
    "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}},
    "required": ["answer"],
    "additionalProperties": False,
}


def test_log_probabilities_come_per_token_and_per_chunk(local_backend):
    assert local_backend.supports_logprobs and local_backend.supports_json_schema
    plain = local_backend.chat(QUESTION, options=GenerationOptions(max_tokens=24, ignore_eos=True))
    assert plain.token_logprobs is None and all(chunk.logprob is None for chunk in plain.chunks)
    options = GenerationOptions(max_tokens=24, ignore_eos=True, logprobs=True)
    stream = local_backend.chat(QUESTION, options=options)
    assert stream.text == plain.text  # asking for them changes nothing else
    values = stream.token_logprobs
    assert len(values) == stream.usage.completion_tokens == 24
    assert all(math.isfinite(lp) and lp <= 0 for lp in values)
    # each chunk carries the sum over the tokens since the previous one (equality with llama-cpp-python's
    # own log-probabilities: tests/test_routing.py)
    last = stream.chunks[-1].n_tokens
    assert math.fsum(chunk.logprob for chunk in stream.chunks) == pytest.approx(math.fsum(values[:last]))
    assert stream.chunks[0].logprob == pytest.approx(math.fsum(values[: stream.chunks[0].n_tokens]))


def test_a_json_schema_constrains_the_answer_and_compiles_once(local_backend):
    options = GenerationOptions(max_tokens=40, json_schema=YES_NO, logprobs=True)
    stream = local_backend.chat(QUESTION, options=options)
    assert json.loads(stream.text)["answer"] in ("yes", "no") and stream.finish_reason == "stop"
    # the model's own log-probabilities, before the grammar: it would not have written this by itself
    assert len(stream.token_logprobs) == stream.usage.completion_tokens and min(stream.token_logprobs) < -1
    assert local_backend.grammar(YES_NO) is local_backend.grammar(json.loads(json.dumps(YES_NO)))


@pytest.mark.parametrize(
    "options, field",
    [
        ({"max_tokens": -5}, "max_tokens"),  # the review's example, accepted before
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
        ({"max_tokens": 2.5}, "max_tokens"),
        ({"temperature": -0.1}, "temperature"),
        ({"temperature": math.nan}, "temperature"),
        ({"seed": "42"}, "seed"),
        ({"stop": "\n"}, "stop"),  # a string would be read as one stop per character
        ({"stop": ("ok", 3)}, "stop"),
        ({"logprobs": "yes"}, "logprobs"),
        ({"json_schema": "object"}, "json_schema"),
        ({"json_schema": {"enum": {1, 2}}}, "json_schema"),
        ({"json_schema": YES_NO, "ignore_eos": True}, "ignore_eos"),
    ],
)
def test_options_are_checked_when_made(options, field):
    with pytest.raises(ConfigError, match=field) as info:
        GenerationOptions(**options)
    assert info.value.fix


def test_options_keep_their_own_copy_of_stops_and_schema():
    schema = json.loads(json.dumps(YES_NO))
    options = GenerationOptions(stop=["\n"], json_schema=schema)
    schema["required"].append("why")
    assert options.stop == ("\n",) and options.json_schema == YES_NO


@pytest.mark.parametrize("threads", [0, -1])
def test_zero_threads_is_a_config_error(embedded_paths, threads):
    with pytest.raises(ConfigError, match="at least 1"):
        InProcessBackend(embedded_paths["Q8_0"], n_threads=threads)


@pytest.mark.gpu
def test_a_gpu_build_offloads_every_layer_and_names_the_device(embedded_paths):
    if not gpu_offload_supported():
        pytest.skip("this llama-cpp-python build cannot offload to a GPU (CPU-only build)")
    with InProcessBackend(embedded_paths["Q8_0"], n_gpu_layers=-1) as gpu:
        info = gpu.info()
        assert info.gpu_layers == gpu.n_layer + 1 and info.device not in {"CPU", "GPU"}
        assert gpu.ask("What is a GPU?", options=GenerationOptions(max_tokens=8))
    with InProcessBackend(embedded_paths["Q8_0"], n_gpu_layers=0) as cpu:
        assert (cpu.info().gpu_layers, cpu.info().device) == (0, "CPU")
