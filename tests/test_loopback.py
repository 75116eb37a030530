"""Loopback servers: start, health, always stopped (no orphans), no secrets inherited, llama-server slots."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from fixtures_servers import (  # noqa: F401 - fixtures
    assert_gone,
    lcs_server,
    llama_server_4,
    needs_llama_server,
    require_llama_server,
)

from course.backends.api import ApiBackend
from course.backends.base import ChatStream, GenerationOptions, Message
from course.backends.loopback import (
    ENV_LLAMA_SERVER,
    LoopbackServer,
    find_llama_server,
    llama_cpp_server,
    llama_server,
    running_server_pids,
    server_env,
)
from course.backends.tokens import GgufTokenCounter
from course.errors import ModelLoadError, ModelNotFoundError, ServerStartError

PLANTED_KEY = "sk-planted-loopback-test-0123456789"  # fake; a server must never receive it

REPO = Path(__file__).resolve().parents[1]


def listed_models(server: LoopbackServer) -> list[str]:
    with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as response:
        return [model["id"] for model in json.load(response)["data"]]


# --- llama_cpp.server -------------------------------------------------------------------------------


def test_llama_cpp_server_is_up_and_described(lcs_server: LoopbackServer) -> None:  # noqa: F811
    assert lcs_server.kind == "llama_cpp.server"
    assert lcs_server.base_url.startswith("http://127.0.0.1:") and lcs_server.base_url.endswith("/v1")
    assert listed_models(lcs_server) == [lcs_server.model_alias] == ["tinychat-q8_0"]
    assert lcs_server.pid in running_server_pids()
    assert "Uvicorn running" in lcs_server.log_path.read_text()
    backend = lcs_server.backend()
    assert backend.info().base_url == lcs_server.base_url
    assert backend.count_tokens("What is a GPU?") == GgufTokenCounter(lcs_server.model_path)("What is a GPU?")


def test_llama_cpp_server_does_not_interrupt_a_running_stream(lcs_server: LoopbackServer) -> None:  # noqa: F811
    """With its default interrupt_requests=True a second request would end the first stream early."""
    backend = lcs_server.backend()
    opts = GenerationOptions(max_tokens=24, ignore_eos=True)
    first = backend.stream_chat([{"role": "user", "content": "What is a GPU?"}], options=opts)
    chunks = iter(first)
    next(chunks)  # the first stream is running ...
    second = backend.chat(
        [{"role": "user", "content": "What is a CPU?"}], options=opts
    )  # ... another arrives
    for _ in chunks:
        pass
    for stream in (first, second):  # an interrupted stream would end early, with finish_reason "stop"
        assert stream.finish_reason == "length"
        # cut at the limit with end-of-text banned: exactly max_tokens, and labelled as such
        assert stream.usage is not None
        assert (stream.usage.completion_tokens, stream.usage.source) == (24, "max_tokens")


def test_a_server_is_stopped_even_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError, match="boom"), llama_cpp_server(n_threads=1) as server:
        assert server.pid in running_server_pids()
        raise RuntimeError("boom")
    assert_gone(server.pid)
    assert server.pid not in running_server_pids()


def test_a_model_that_cannot_load_fails_with_the_log_tail(tmp_path: Path) -> None:
    before = running_server_pids()
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 64)  # right magic, nonsense after it
    with pytest.raises(ServerStartError, match="exited with code") as info, llama_cpp_server(bad):
        pass
    assert "Its log ends:" in str(info.value) and str(bad) in str(info.value)
    assert running_server_pids() == before


def test_an_lfs_pointer_is_refused_before_any_server_starts(tmp_path: Path) -> None:
    before = running_server_pids()
    pointer = tmp_path / "pointer.gguf"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n")
    with pytest.raises(ModelLoadError), llama_cpp_server(pointer):
        pass
    assert running_server_pids() == before


def test_a_server_accepts_every_model_name_the_course_does() -> None:
    with llama_cpp_server("embedded:Q4_0", n_threads=1) as server:
        assert server.model_path.name == "tinychat-q4_0.gguf"
        assert listed_models(server) == ["tinychat-q4_0"]
        reply = server.backend().chat(
            [{"role": "user", "content": "What is a GPU?"}], options=GenerationOptions(max_tokens=4)
        )
        assert reply.text and reply.usage is not None and reply.usage.source == "tokenizer"


def test_a_server_does_not_inherit_the_learners_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", PLANTED_KEY)
    monkeypatch.setenv("HF_TOKEN", PLANTED_KEY)
    env = server_env()
    assert PLANTED_KEY not in env.values() and env["PATH"] == os.environ["PATH"]
    if not sys.platform.startswith("linux"):
        return
    with llama_cpp_server(n_threads=1) as server:  # the real process: read its environment from /proc
        environ = Path(f"/proc/{server.pid}/environ").read_bytes()
    assert PLANTED_KEY.encode() not in environ and b"PATH=" in environ


def test_a_server_that_is_not_ready_in_time_is_killed() -> None:
    before = running_server_pids()
    with (
        pytest.raises(ServerStartError, match="did not answer") as info,
        llama_cpp_server(start_timeout_s=0.2),
    ):
        pass
    assert "start_timeout_s" in info.value.fix
    assert running_server_pids() == before


def test_a_missing_model_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError), llama_cpp_server(tmp_path / "nope.gguf"):
        pass
    with pytest.raises(ModelNotFoundError, match="catalogue"), llama_cpp_server("no-such-model-name"):
        pass


START_AND_REPORT = """
import sys, time
from course.backends.loopback import find_llama_server, llama_cpp_server, llama_server
try:
    find_llama_server()
    manager = llama_server("embedded", n_threads=1, parallel=1)  # starts fastest (a few MB to load)
except Exception:
    manager = llama_cpp_server("embedded", n_threads=1)
server = manager.__enter__()
print(server.pid, flush=True)
if sys.argv[1] == "exit":
    sys.exit(0)  # never calls __exit__: only the atexit hook can stop the server
time.sleep(120)  # waits to be killed
"""


def wait_gone(pid: int, *, within_s: float = 15.0) -> None:
    """Wait until ``pid`` is gone (a zombie left for init to reap counts as gone)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)
    raise AssertionError(f"server pid {pid} still running {within_s} s after its parent went away")


@pytest.mark.slow
def test_the_atexit_safety_net_stops_an_abandoned_server() -> None:
    """A script that enters the context and exits without leaving it still leaves no server behind."""
    done = subprocess.run(
        [sys.executable, "-c", START_AND_REPORT, "exit"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=True,
    )
    assert_gone(int(done.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux-only")
def test_a_killed_parent_leaves_no_server() -> None:
    """SIGKILL skips atexit (a killed Jupyter kernel); the parent-death signal still stops the server."""
    kill_parent_then_wait_for_its_child(START_AND_REPORT, "sleep")


def kill_parent_then_wait_for_its_child(script: str, *args: str) -> None:
    """Run ``script`` (it prints its child's pid, then sleeps), SIGKILL it, and wait for the child to go."""
    cmd = [sys.executable, "-c", script, *args]
    parent = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert psutil.Process(pid).is_running()
    finally:
        parent.kill()
        parent.wait()
    wait_gone(pid)


STUBBORN_CHILD = """
import subprocess, sys, time
from course.backends.loopback import _with_launcher
deaf = "import signal as s, time; s.signal(s.SIGTERM, s.SIG_IGN); print(1, flush=True); time.sleep(99)"
child = subprocess.Popen(_with_launcher([sys.executable, "-c", deaf]), stdout=subprocess.PIPE, text=True)
child.stdout.readline()
print(child.pid, flush=True)
time.sleep(120)  # waits to be killed
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux-only")
def test_a_server_deaf_to_sigterm_still_dies_with_its_parent() -> None:
    """A llama-server whose parent died while it was loading outlived SIGTERM (seen under load); the launcher
    asks for SIGKILL on parent death, so a child that ignores SIGTERM is gone too."""
    kill_parent_then_wait_for_its_child(STUBBORN_CHILD)


# --- llama-server -----------------------------------------------------------------------------------


def test_a_missing_llama_server_says_how_to_build_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_LLAMA_SERVER, str(tmp_path / "llama-server"))
    with pytest.raises(ServerStartError) as info:
        find_llama_server()
    assert "make llama-server" in info.value.fix
    with pytest.raises(ServerStartError), llama_server():
        pass


@needs_llama_server
def test_llama_server_serves_4_concurrent_streams(llama_server_4: LoopbackServer) -> None:  # noqa: F811
    assert llama_server_4.kind == "llama-server"
    backend = llama_server_4.backend()
    opts = GenerationOptions(max_tokens=200, ignore_eos=True)  # long enough to overlap
    streams: list[ChatStream] = [
        backend.stream_chat([{"role": "user", "content": f"Question {i}: what is a GPU?"}], options=opts)
        for i in range(4)  # varied prompts: llama-server caches prompt prefixes
    ]
    barrier = threading.Barrier(4)

    def run(stream: ChatStream) -> None:
        barrier.wait()
        stream.consume()

    threads = [threading.Thread(target=run, args=(stream,)) for stream in streams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for stream in streams:
        assert stream.text and stream.finish_reason == "length"
        assert stream.usage is not None and stream.usage.source == "server"
        assert stream.usage.completion_tokens == 200
    # requests overlapped in time (parallel slots), rather than queueing one after another: a one-slot server
    # streams each answer only after the previous one ended, so no two intervals would overlap. (Not all four
    # at once: on a loaded machine one client thread can send late, and 200 tokens take about 0.2 s here.)
    spans = [(s.chunks[0].t_s, s.finished_s) for s in streams if s.finished_s is not None]
    overlapping = [(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :] if a[0] < b[1] and b[0] < a[1]]
    assert overlapping, f"the four streams ran one after another: {spans}"


@needs_llama_server
def test_llama_server_prompt_tokens_match_the_tokenizer(llama_server_4: LoopbackServer) -> None:  # noqa: F811
    messages = [{"role": "user", "content": "What is a GPU?"}]
    stream = llama_server_4.backend().chat(messages, options=GenerationOptions(max_tokens=4))  # type: ignore[arg-type]
    assert stream.usage is not None and stream.usage.source == "server"
    as_llama_server = GgufTokenCounter(llama_server_4.model_path, add_bos_with_template=True)
    assert stream.usage.prompt_tokens == as_llama_server.count_prompt(messages)  # type: ignore[arg-type]
    # measured: llama-server adds a BOS token to the templated prompt, llama_cpp.server does not
    as_llama_cpp_server = GgufTokenCounter(llama_server_4.model_path)
    assert stream.usage.prompt_tokens == as_llama_cpp_server.count_prompt(messages) + 1  # type: ignore[arg-type]


@needs_llama_server
def test_llama_server_returns_log_probabilities_and_follows_a_schema(
    llama_server_4: LoopbackServer,  # noqa: F811
) -> None:
    """The launcher tells its backend which server it is, so both capabilities are asked in its shape."""
    backend = llama_server_4.backend()
    assert backend.server == "llama-server" and backend.supports_logprobs and backend.supports_json_schema
    messages: list[Message] = [{"role": "user", "content": "Is a GPU fast? Answer in JSON."}]
    stream = backend.chat(messages, options=GenerationOptions(max_tokens=12, ignore_eos=True, logprobs=True))
    values = stream.token_logprobs
    assert values is not None and len(values) == 12 and all(math.isfinite(v) and v <= 0 for v in values)
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    answer = backend.chat(messages, options=GenerationOptions(max_tokens=40, json_schema=schema)).text
    assert json.loads(answer)["answer"] in ("yes", "no")


@needs_llama_server
def test_llama_server_unknown_model_name(llama_server_4: LoopbackServer) -> None:  # noqa: F811
    """Documented behaviour: llama-server, like llama_cpp.server, answers any model name with its model."""
    assert listed_models(llama_server_4) == [llama_server_4.model_alias]
    backend = ApiBackend("gpt-4o-not-served-here", base_url=llama_server_4.base_url)
    assert backend.ask("hi", options=GenerationOptions(max_tokens=4))


def test_llama_server_binary_is_found_when_built_and_runs() -> None:
    require_llama_server()
    binary = find_llama_server()
    assert binary.name == "llama-server"
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "version" in (result.stdout + result.stderr).lower()


@needs_llama_server
def test_llama_server_context_overflow_is_an_api_context_length_error(
    llama_server_4: LoopbackServer,  # noqa: F811
) -> None:
    """llama-server refuses a prompt longer than a slot's context: a 400 (exceed_context_size_error)."""
    from course.errors import ApiContextLengthError, ContextOverflowError

    long_prompt: list[Message] = [{"role": "user", "content": "cost " * 600}]  # a slot holds 256 tokens
    backend = llama_server_4.backend(max_retries=0)
    with pytest.raises(ApiContextLengthError) as info:
        backend.chat(long_prompt, options=GenerationOptions(max_tokens=8))
    assert info.value.status_code == 400 and isinstance(info.value, ContextOverflowError)
