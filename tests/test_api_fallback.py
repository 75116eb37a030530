"""try_real_api: notebooks survive an API that is unreachable, slow, rate-limited or rejects the key.

The faults come from the fault injector (tests/fault_server.py: labelled fault injection) and from a
loopback port nothing listens on. The last test executes lesson 00 and lab 02 with a key set and the
API unreachable, as a learner on bad wifi would.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from fault_server import Script, fault_server
from nbclient import NotebookClient

from course.backends.fallback import try_real_api
from course.backends.loopback import free_port
from course.config import DEFAULT_API_MODEL

ROOT = Path(__file__).resolve().parents[1]
PLANTED_KEY = "sk-planted-fallback-test-0123456789"  # fake
QUESTION = [{"role": "user", "content": "What is a GPU?"}]


@pytest.fixture
def api_env(monkeypatch: pytest.MonkeyPatch):
    """Point the environment at ``url`` with a (fake) key set, as a learner with a key would have."""

    def point(url: str) -> None:
        monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.delenv("COURSE_API_MODEL", raising=False)

    return point


def attempt(**options: object) -> tuple[str | None, list[str]]:
    said: list[str] = []
    result = try_real_api(lambda api: api.ask("hi"), say=said.append, **options)  # type: ignore[arg-type]
    return result, said


def test_no_key_skips_and_names_the_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result, said = attempt(standin="the in-process model")
    assert result is None and said == [
        "Skipped: no OPENAI_API_KEY is set, so no real API is called. Using the in-process model instead."
    ]


def test_a_working_api_is_used(api_env) -> None:
    with fault_server() as srv:
        api_env(srv.base_url)
        result, said = attempt(default_model="fault-model")
    assert result == "Hello from the fault injector."
    assert said == [f"Calling fault-model at {srv.base_url} ..."]


def test_the_default_model_is_the_courses_one(api_env) -> None:
    with fault_server() as srv:
        api_env(srv.base_url)
        result, said = attempt()
    assert result == "Hello from the fault injector."
    assert said == [f"Calling {DEFAULT_API_MODEL} at {srv.base_url} ..."]
    assert (srv.chat_requests()[0].body or {})["model"] == DEFAULT_API_MODEL


def test_an_unreachable_api_says_why_and_falls_back(api_env) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    api_env(url)
    result, said = attempt(standin="the in-process model")
    assert result is None
    assert "UnreachableError" in said[-1] and "How to fix:" in said[-1]
    assert said[-1].endswith("-> Using the in-process model instead.")
    assert PLANTED_KEY not in "".join(said)


@pytest.mark.parametrize(
    ("script", "error"),
    [
        (Script(fail_status=401, echo_auth=True), "ApiAuthError"),
        (Script(fail_status=429, retry_after="0.1"), "ApiRateLimitError"),
        (Script(fail_status=503), "ApiServerError"),
        (Script(hang_s=10), "RequestTimeoutError"),
    ],
    ids=["rejects-the-key", "rate-limited", "server-error", "slow"],
)
def test_a_failing_api_says_why_and_falls_back(api_env, script: Script, error: str) -> None:
    with fault_server(script) as srv:
        api_env(srv.base_url)
        result, said = attempt(timeout_s=0.5, max_retries=0, standin="the stand-in")
    assert result is None
    assert (
        error in said[-1] and "How to fix:" in said[-1] and said[-1].endswith("Using the stand-in instead.")
    )
    assert PLANTED_KEY not in "".join(said)


def test_a_bad_setting_is_reported_not_raised(api_env) -> None:
    api_env("ftp://example.com/v1")
    result, said = attempt()
    assert result is None and said[-1].startswith("The real API cannot be used:")
    assert "is not an http(s) URL" in said[-1] and said[-1].endswith("instead.")


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("name", ["lessons/00-start-here.ipynb", "labs/02-time-local-vs-api.ipynb"])
def test_notebooks_run_to_the_end_with_a_key_and_a_dead_api(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = ROOT / name
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")  # nothing listens there
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(env=dict(os.environ))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    text = "\n".join(
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream"
    )
    assert "UnreachableError" in text and "How to fix:" in text and "instead." in text
    assert PLANTED_KEY not in text
    last = next(c for c in reversed(nb.cells) if c.cell_type == "code")
    assert last.execution_count is not None  # the notebook ran to its last cell
