"""A fault injector: a tiny threaded HTTP server that imitates an OpenAI-compatible API and misbehaves.

Tests use it to cause what a real server does only on a bad day: 429 with ``Retry-After``, 5xx,
401, 404 for an unknown model, a hang, a stream that breaks mid-way, a malformed stream. It is not
a model: successful answers are a fixed list of text pieces (it ignores ``stop``, like a server that
does not cut at stop strings). Every request is recorded (arrival
time on :data:`course.backends.base.clock`, path, headers, JSON body) so tests can check retries and
waits.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from course.backends.base import clock


@dataclass(frozen=True)
class Script:
    """How the fault injector behaves; the defaults answer every request successfully."""

    fail_status: int | None = None  # answer with this HTTP status ...
    fail_times: int | None = None  # ... for this many requests (None: forever), then succeed
    retry_after: str | None = None  # Retry-After header sent with failures
    echo_auth: bool = False  # put the request's Authorization header into error bodies (worst case)
    hang_s: float = 0.0  # wait this long before answering (nothing is sent meanwhile)
    break_after: int | None = None  # close the connection after this many content pieces
    malformed_after: int | None = None  # send invalid JSON after this many content pieces
    pieces: tuple[str, ...] = ("Hello", " from", " the", " fault", " injector.")
    models: tuple[str, ...] = ("fault-model",)
    check_model: bool = False  # 404 (OpenAI's model_not_found body) for models not in ``models``
    reasoning_model: bool = False  # 400 for max_tokens and for a temperature other than 1, as o-series do
    error: dict[str, str] | None = None  # the error object sent with failures (default: a generic one)
    request_id: str | None = None  # sent as x-request-id with every answer, as OpenAI does


@dataclass(frozen=True)
class Recorded:
    """One request the fault injector received."""

    t_s: float
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any] | None


@dataclass
class FaultServer:
    """A running fault injector; ``base_url`` ends in ``/v1`` like a real server's."""

    base_url: str
    script: Script
    requests: list[Recorded] = field(default_factory=list)

    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


def _chunk(delta: dict[str, Any], *, finish: str | None = None, model: str = "fault-model") -> bytes:
    payload = {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _usage_chunk(prompt_tokens: int, completion_tokens: int) -> bytes:
    payload = {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fault-model",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _reasoning_refusal(body: dict[str, Any]) -> dict[str, str] | None:
    """The 400 error OpenAI's reasoning models give for parameters they do not take (their wording)."""
    if "max_tokens" in body:
        return {
            "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
            "Use 'max_completion_tokens' instead.",
            "type": "invalid_request_error",
            "param": "max_tokens",
            "code": "unsupported_parameter",
        }
    if body.get("temperature", 1) != 1:
        return {
            "message": f"Unsupported value: 'temperature' does not support {body['temperature']} with this "
            "model. Only the default (1) value is supported.",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "unsupported_value",
        }
    return None


def _make_handler(state: FaultServer, release: threading.Event) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _record(self, body: dict[str, Any] | None) -> int:
            with lock:
                state.requests.append(
                    Recorded(
                        clock(),
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                return len([r for r in state.requests if r.path == self.path])

        def _send_json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            if state.script.request_id:
                self.send_header("x-request-id", state.script.request_id)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def do_GET(self) -> None:
            self._record(None)
            if self.path.endswith("/models"):
                models = [{"id": m, "object": "model", "owned_by": "fault"} for m in state.script.models]
                self._send_json(200, {"object": "list", "data": models})
            else:
                self._send_json(404, {"error": {"message": "Not Found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            n = self._record(body)
            script = state.script
            if script.hang_s:
                release.wait(script.hang_s)
                self.close_connection = True
                return
            if script.fail_status is not None and (script.fail_times is None or n <= script.fail_times):
                self._fail(script)
                return
            if script.check_model and body.get("model") not in script.models:
                message = f"The model `{body.get('model')}` does not exist or you do not have access to it."
                error = {"message": message, "type": "invalid_request_error", "code": "model_not_found"}
                self._send_json(404, {"error": error})
                return
            if script.reasoning_model and (refusal := _reasoning_refusal(body)):
                self._send_json(400, {"error": refusal})
                return
            self._stream(script, body)

        def _fail(self, script: Script) -> None:
            headers = {"Retry-After": script.retry_after} if script.retry_after is not None else {}
            message = f"fault injector: HTTP {script.fail_status}"
            if script.echo_auth:
                message += f" (you sent Authorization: {self.headers.get('Authorization')})"
            error = script.error or {"message": message, "type": "fault", "code": str(script.fail_status)}
            self._send_json(script.fail_status or 500, {"error": error}, headers)

        def _stream(self, script: Script, body: dict[str, Any]) -> None:
            parts = [_chunk({"role": "assistant"})]
            cut: int | None = None
            for i, piece in enumerate(script.pieces):
                if script.break_after is not None and i == script.break_after:
                    cut = sum(len(p) for p in parts)
                if script.malformed_after is not None and i == script.malformed_after:
                    parts.append(b'data: {"id": "chatcmpl-fault", "choices": [\n\n')
                parts.append(_chunk({"content": piece}))
            parts.append(_chunk({}, finish="stop"))
            if (body.get("stream_options") or {}).get("include_usage"):
                parts.append(_usage_chunk(7, len(script.pieces)))
            parts.append(b"data: [DONE]\n\n")
            data = b"".join(parts)
            self.send_response(200)
            if script.request_id:
                self.send_header("x-request-id", script.request_id)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(data)))  # a cut body is then detectably short
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data if cut is None else data[:cut])
            self.wfile.flush()
            self.close_connection = True

    return Handler


@contextmanager
def fault_server(script: Script | None = None) -> Iterator[FaultServer]:
    """Run a fault injector on a free loopback port for the duration of the ``with`` block."""
    release = threading.Event()
    state = FaultServer(base_url="", script=script or Script())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state, release))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
