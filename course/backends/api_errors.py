"""What an OpenAI-compatible API's failures mean: Retry-After, the request id, the server's own words.

Helpers for :mod:`course.backends.api`, which turns each failure into a course error with a fix.
"""

from __future__ import annotations

import contextlib
import email.utils
import time
from collections.abc import Mapping
from functools import cache

import openai

#: Substrings by which servers say a request does not fit the context (OpenAI's code, llama.cpp's
#: type and wording, llama_cpp.server's OpenAI-style code).
CONTEXT_LENGTH_MARKERS = (
    "context_length_exceeded",
    "exceed_context_size_error",
    "maximum context length",
    "exceeds the available context size",
    "exceed context window",
)


def parse_retry_after(headers: Mapping[str, str] | None, *, now_s: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms``; None if absent."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = (lowered.get("retry-after") or "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    now = time.time() if now_s is None else now_s
    return max(0.0, when.timestamp() - now)


@cache
def transport_errors() -> tuple[type[BaseException], ...]:
    """Low-level HTTP errors that escape the openai client while a stream is being read."""
    errors: list[type[BaseException]] = []
    for module in ("httpx2", "httpx"):  # openai 3.x uses httpx2, openai 1.x httpx
        with contextlib.suppress(ImportError, AttributeError):
            errors.append(__import__(module).TransportError)
    return tuple(errors)


@cache
def timeout_errors() -> tuple[type[BaseException], ...]:
    """Errors meaning "no answer within the timeout", from the client or its HTTP library."""
    errors: list[type[BaseException]] = [openai.APITimeoutError]
    for module in ("httpx2", "httpx"):
        with contextlib.suppress(ImportError, AttributeError):
            errors.append(__import__(module).TimeoutException)
    return tuple(errors)


def never_connected(exc: BaseException) -> bool:
    """True when a connection error happened before any answer (refused, DNS), not mid-response."""
    cause = exc.__cause__ or exc.__context__
    return cause is None or type(cause).__name__ in {"ConnectError", "ConnectTimeout", "UnsupportedProtocol"}


def request_id_of(exc: BaseException) -> str | None:
    """The server's request id (``x-request-id``) of a failed request, when it sent one."""
    found = getattr(exc, "request_id", None)
    if found:
        return str(found)
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    return headers.get("x-request-id") if headers is not None else None


def server_message(exc: BaseException) -> str:
    """What the server said (its error body's message), else the exception's text."""
    body = getattr(exc, "body", None)
    message: object = None
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        message = (inner.get("message") or inner.get("detail")) if isinstance(inner, Mapping) else inner
    if not message:
        message = getattr(exc, "message", None) or str(exc)
    return str(message)


def is_context_length_error(exc: BaseException) -> bool:
    """True for a 400 that says the prompt plus output do not fit in the model's context."""
    if not isinstance(exc, openai.BadRequestError):
        return False
    body = exc.body if isinstance(exc.body, Mapping) else {}
    inner = body.get("error", body)
    fields = [exc.message or ""]
    if isinstance(inner, Mapping):
        fields += [str(inner.get(k) or "") for k in ("code", "type", "message")]
    text = " ".join(fields).lower()
    return any(marker in text for marker in CONTEXT_LENGTH_MARKERS)


__all__ = [
    "CONTEXT_LENGTH_MARKERS",
    "is_context_length_error",
    "never_connected",
    "parse_retry_after",
    "request_id_of",
    "server_message",
    "timeout_errors",
    "transport_errors",
]
