"""A backend over any OpenAI-compatible chat API: OpenAI itself, or a loopback server the course started.

Every request streams. The ``openai`` client does the retrying (``max_retries``: 429, 5xx, refused
connections and timeouts, with its own backoff; it waits a server's ``Retry-After`` of up to two
minutes and never retries sooner than asked, nor at all when asked to wait longer). The course adds
only what the client cannot do: retry a stream that breaks before its first piece of text, so
streamed text is never duplicated. Retries are logged at DEBUG level (loggers ``openai`` and
``course.backends.api``). Errors become course errors with a fix; the API key and any credentials in
the base URL never appear in ``repr``, error messages or ``info()``.

The learner's ``OPENAI_API_KEY`` is sent only to remote URLs: a loopback URL (this machine) gets a
dummy key unless ``api_key=`` is passed. Token usage comes from the server when it sends it (source
``"server"``); otherwise from ``tokenizer`` (``"tokenizer"``, exact with a
:class:`~course.backends.tokens.GgufTokenCounter`), else a labelled estimate of 4 characters per token.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

import openai

from course.backends.api_errors import (
    is_context_length_error,
    never_connected,
    parse_retry_after,
    request_id_of,
    retries_taken,
    server_message,
    timeout_errors,
    transport_errors,
)
from course.backends.base import (
    Backend,
    BackendInfo,
    ChatStream,
    GenerationOptions,
    Message,
    StopScanner,
    StreamChunk,
    TokenUsage,
    clock,
)
from course.backends.tokens import TokenCounter, estimate_tokens, render_messages
from course.backends.urls import is_loopback_url, redact, safe_url, url_secrets
from course.config import load_settings
from course.errors import (
    ApiAuthError,
    ApiContextLengthError,
    ApiError,
    ApiRateLimitError,
    ApiServerError,
    ConfigError,
    MissingKeyError,
    RequestTimeoutError,
    UnknownModelError,
    UnreachableError,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
#: Sent to loopback servers instead of a real key: the client refuses an empty one, the servers ignore it.
LOOPBACK_DUMMY_KEY = "sk-loopback-no-key-needed"
STREAM_RETRY_BACKOFF_S = 0.5  # first wait before re-sending a stream that broke before any text; doubles

CountSource = Literal["tokenizer", "estimate"]
logger = logging.getLogger(__name__)


class ApiBackend(Backend):
    """A chat model behind an OpenAI-compatible HTTP API.

    Each option falls back to the environment: ``OPENAI_BASE_URL`` (else OpenAI's URL),
    ``OPENAI_API_KEY`` (remote URLs only: see the module docstring), ``COURSE_API_MODEL``.
    ``timeout_s`` bounds each attempt (connecting, and each wait for the next piece of a stream);
    ``max_retries`` is the openai client's. ``tokenizer`` is a callable ``str -> int``; an object
    that also has ``count_prompt(messages)`` (like :class:`~course.backends.tokens.GgufTokenCounter`)
    makes counts exact. ``extra_body`` is merged into every request (server-specific options).
    Sends ``max_tokens`` (llama_cpp.server ignores ``max_completion_tokens``) and switches to
    ``max_completion_tokens`` when a reasoning model refuses it.
    """

    name = "api"
    serves_concurrently = True  # the openai client is thread-safe; the server decides the rest

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        tokenizer: TokenCounter | None = None,
        request_usage: bool = True,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None:
        settings = load_settings()
        url = (base_url or settings.openai_base_url or OPENAI_BASE_URL).strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(
                f"{safe_url(url) or '(unprintable)'!r} is not an http(s) URL.",
                fix="Pass base_url like 'http://127.0.0.1:8080/v1' or 'https://api.openai.com/v1'.",
            )
        self.base_url = safe_url(url)  # printable: no user:password or query; the client gets ``url``
        self.is_loopback = is_loopback_url(url)
        if api_key is not None:
            key = api_key
        elif self.is_loopback:
            key = LOOPBACK_DUMMY_KEY  # never hand the learner's real key to whatever listens here
        elif settings.openai_api_key:
            key = settings.openai_api_key
        else:
            raise MissingKeyError(
                f"No API key for {self.base_url}.",
                fix=(
                    "Set it in your shell with `export OPENAI_API_KEY=...` (or in a notebook: "
                    "os.environ['OPENAI_API_KEY'] = ...), or pass api_key=. The course also works "
                    "offline: start a local stand-in with course.backends.loopback.llama_cpp_server()."
                ),
            )
        self._secrets = (key, *url_secrets(url))
        model = model or settings.api_model
        if not model:
            raise ConfigError(
                "No model name for the API backend.",
                fix="Pass model='...' or set COURSE_API_MODEL (e.g. `export COURSE_API_MODEL=gpt-4o-mini`).",
            )
        if timeout_s <= 0 or max_retries < 0:
            raise ConfigError("timeout_s must be > 0 and max_retries >= 0.", fix="Fix the arguments.")
        self.model = model
        self.timeout_s = float(timeout_s)
        self.max_retries = int(max_retries)
        self.request_usage = request_usage
        self.extra_body = dict(extra_body or {})
        self.tokenizer = tokenizer
        self._client = openai.OpenAI(
            base_url=url, api_key=key, timeout=self.timeout_s, max_retries=self.max_retries
        )

    def __repr__(self) -> str:
        return f"ApiBackend(model={self.model!r}, base_url={self.base_url!r})"

    # --- token counting -----------------------------------------------------------------------------

    @property
    def count_source(self) -> CountSource:
        """How tokens are counted when the server sends no usage."""
        return "tokenizer" if self.tokenizer is not None else "estimate"

    def count_tokens(self, text: str) -> int:
        return self.tokenizer(text) if self.tokenizer is not None else estimate_tokens(text)

    def _count_prompt(self, messages: Sequence[Message]) -> tuple[int, CountSource]:
        exact = getattr(self.tokenizer, "count_prompt", None)
        if exact is not None:
            return exact(messages), "tokenizer"
        rendered = render_messages(messages)
        return self.count_tokens(rendered), "estimate"

    def _counted_usage(self, messages: Sequence[Message], text: str) -> TokenUsage:
        prompt_tokens, prompt_source = self._count_prompt(messages)
        source: CountSource = "tokenizer" if prompt_source == self.count_source == "tokenizer" else "estimate"
        continuation = getattr(self.tokenizer, "count_completion", None)
        completion_tokens = continuation(messages, text) if continuation else self.count_tokens(text)
        return TokenUsage(prompt_tokens, completion_tokens, source)

    # --- the request --------------------------------------------------------------------------------

    def _params(self, messages: list[Message], options: GenerationOptions) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
        }
        if self.request_usage:
            params["stream_options"] = {"include_usage": True}
        if options.seed is not None:
            params["seed"] = options.seed
        if options.stop:
            params["stop"] = list(options.stop)
        extra = dict(self.extra_body)
        if self._sends_ignore_eos(options):
            extra["ignore_eos"] = True  # llama-server honours it; llama_cpp.server gets the logit bias
            eog = getattr(self.tokenizer, "end_of_generation_ids", None)
            if eog is not None:
                params["logit_bias"] = {str(token): -100 for token in eog()}
        if extra:
            params["extra_body"] = extra
        return params

    def _sends_ignore_eos(self, options: GenerationOptions) -> bool:
        """Only loopback servers are asked to ignore end-of-text (OpenAI rejects the field with a 400)."""
        return options.ignore_eos and self.is_loopback

    def _produce(
        self, stream: ChatStream, messages: list[Message], options: GenerationOptions
    ) -> Iterator[StreamChunk]:
        params = self._params(messages, options)
        scanner = StopScanner(options.stop)  # in case a server lets part of a stop string through
        pieces: list[str] = []
        usage: Any = None
        stream_retries = 0
        request_id: str | None = None
        while True:
            opened = False
            try:
                with self._client.chat.completions.create(**params) as response:
                    opened = True
                    request_id = _log_response(response)
                    for chunk in response:
                        usage = getattr(chunk, "usage", None) or usage
                        for choice in getattr(chunk, "choices", None) or ():
                            if choice.finish_reason:
                                stream.finish_reason = choice.finish_reason
                            text = scanner.feed(choice.delta.content or "") if choice.delta else ""
                            if text:
                                pieces.append(text)
                                yield StreamChunk(text=text, t_s=clock())
                        if scanner.stopped:
                            stream.finish_reason = "stop"
                            break
                break
            except (openai.OpenAIError, json.JSONDecodeError, *transport_errors()) as exc:
                adapted = None if pieces else self._adapted_params(exc, params)
                if adapted is not None:  # a reasoning model refused a parameter: ask again without it
                    params = adapted
                    continue
                if (
                    opened
                    and not pieces
                    and not scanner.held
                    and stream_retries < self.max_retries
                    and _broke(exc)
                ):
                    wait_s = STREAM_RETRY_BACKOFF_S * 2**stream_retries * random.uniform(0.75, 1.0)
                    logger.debug(
                        "stream from %s broke before any text (%s); retry %d of %d in %.2f s",
                        self.base_url, type(exc).__name__, stream_retries + 1, self.max_retries, wait_s,
                    )  # fmt: skip
                    time.sleep(wait_s)
                    stream_retries += 1
                    continue
                held = scanner.flush()  # text held for a possible stop string: keep what was received
                if held:
                    pieces.append(held)
                    yield StreamChunk(text=held, t_s=clock())
                stream.finish_reason = "error"
                error = self._course_error(
                    exc,
                    received_chars=sum(map(len, pieces)),
                    request_id=request_id_of(exc) or (request_id if opened else None),
                    stream_retries=stream_retries,
                )
                raise error from None  # the original may quote the request; keep the key out
        tail = scanner.flush()
        if tail:
            pieces.append(tail)
            yield StreamChunk(text=tail, t_s=clock())
        if not pieces and stream.finish_reason is None and usage is None:
            stream.finish_reason = "error"  # llama_cpp.server does this when generation fails (HTTP 200)
            raise ApiServerError(
                f"The stream from {self.base_url} ended without any text or finish reason.",
                fix="The server failed while generating: read its log (LoopbackServer.log_path for a "
                "loopback server). llama_cpp.server does this for a prompt longer than its context window.",
                request_id=request_id,
            )
        stream.finished_s = clock()  # the stream is over: counting below must not add to E2E
        if usage is not None and usage.completion_tokens is not None and usage.prompt_tokens is not None:
            stream.usage = TokenUsage(usage.prompt_tokens, usage.completion_tokens, "server")
        elif self._sends_ignore_eos(options) and stream.finish_reason == "length":
            # cut at the limit with end-of-text banned: exactly max_tokens were generated, while
            # re-tokenizing the text can undercount byte tokens the model emitted one by one
            prompt_tokens, _ = self._count_prompt(messages)
            stream.usage = TokenUsage(prompt_tokens, options.max_tokens, "max_tokens")
        else:
            stream.usage = self._counted_usage(messages, "".join(pieces))

    # --- errors -------------------------------------------------------------------------------------

    @staticmethod
    def _adapted_params(exc: BaseException, params: dict[str, Any]) -> dict[str, Any] | None:
        """``params`` a reasoning model accepts, when its 400 names ``max_tokens`` or ``temperature``.

        OpenAI's reasoning models (o-series, gpt-5) want ``max_completion_tokens`` and only the
        default temperature; llama_cpp.server ignores ``max_completion_tokens``, so the course sends
        ``max_tokens`` first and switches only when a model refuses it. Each switch removes a key,
        so this cannot loop. None: the error is not one of these.
        """
        if not isinstance(exc, openai.BadRequestError):
            return None
        body = exc.body if isinstance(exc.body, Mapping) else {}
        error = body.get("error", body) if isinstance(body.get("error", body), Mapping) else {}
        param = str(error.get("param") or "")
        message = str(error.get("message") or exc.message or "")
        adapted = dict(params)
        if "max_tokens" in adapted and (param == "max_tokens" or "'max_tokens'" in message):
            adapted["max_completion_tokens"] = adapted.pop("max_tokens")
        elif "temperature" in adapted and (param == "temperature" or "'temperature'" in message):
            del adapted["temperature"]
        else:
            return None
        logger.debug("the model refused %s: sending the request again without it", param or "a parameter")
        return adapted

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def _said(self, exc: BaseException) -> str:
        text = self._redact(server_message(exc))  # before cutting, so no fragment of a secret survives
        return text if len(text) <= 300 else text[:300] + "..."

    def available_models(self) -> list[str]:
        """Model ids the server lists at ``/models`` (empty when it cannot say)."""
        try:
            client = self._client.with_options(timeout=min(self.timeout_s, 5.0), max_retries=0)
            return sorted(model.id for model in client.models.list())
        except Exception:  # a listing is a courtesy in error messages, never a new failure
            return []

    def _course_error(
        self, exc: BaseException, *, received_chars: int, request_id: str | None, stream_retries: int
    ) -> ApiError:
        url = self.base_url
        status = getattr(exc, "status_code", None)
        said = self._said(exc)
        ids: dict[str, Any] = {"status_code": status, "request_id": request_id}
        retried = retries_taken(exc) or 0
        tries = f" after {retried} {'retry' if retried == 1 else 'retries'}" if retried else ""
        if isinstance(exc, timeout_errors()):
            attempts = f" ({retried + 1} attempts)" if retried and not received_chars else ""
            return RequestTimeoutError(
                f"{url} did not answer within {self.timeout_s:g} s"
                + (f" (after {received_chars} characters of text)." if received_chars else f"{attempts}."),
                fix="Pass a larger timeout_s=, ask for fewer tokens, or check the server is not overloaded.",
                **ids,
            )
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            fix = "Check OPENAI_API_KEY (or api_key=) is a valid key for this server and has access."
            if self.is_loopback:
                fix = (
                    "A loopback URL gets a dummy key, not OPENAI_API_KEY: if this local proxy needs a real "
                    "key, pass it explicitly (ApiBackend(..., api_key=os.environ['OPENAI_API_KEY']))."
                )
            return ApiAuthError(f"{url} rejected the API key (HTTP {status}): {said}", fix=fix, **ids)
        if isinstance(exc, openai.NotFoundError):
            listed = self.available_models()
            served = f" It serves: {', '.join(listed[:20])}." if listed else ""
            fix = "Use a model name the server lists (model= or COURSE_API_MODEL)."
            if not listed:
                fix += " It lists none: check the base URL (OpenAI-compatible servers usually end in /v1"
                fix += f", e.g. {url}/v1)." if not url.endswith("/v1") else ")."
            return UnknownModelError(
                f"{url} answered 404 for model {self.model!r}: {said.rstrip('.')}.{served}", fix=fix, **ids
            )
        if isinstance(exc, openai.RateLimitError):
            hinted = parse_retry_after(exc.response.headers)
            wait = f" It asks to wait {hinted:g} s before retrying." if hinted is not None else ""
            return ApiRateLimitError(
                f"{url} is rate limiting requests (HTTP 429){tries}.{wait} {said}",
                fix="Wait and retry, send fewer requests at once, or raise max_retries= / your rate limit.",
                retry_after_s=hinted,
                **ids,
            )
        if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
            return ApiServerError(
                f"{url} failed on its side (HTTP {status}){tries}: {said}",
                fix="Retry later; for a loopback server read its log (LoopbackServer.log_path).",
                **ids,
            )
        if is_context_length_error(exc):
            return ApiContextLengthError(
                f"{url} says the request does not fit in the model's context (HTTP {status}): {said}",
                fix="Shorten the prompt, lower max_tokens, or serve the model with a larger context.",
                **ids,
            )
        if isinstance(exc, openai.APIStatusError):
            return ApiError(
                f"{url} refused the request (HTTP {status}): {said}",
                fix="Check the options sent (ignore_eos and extra_body are server-specific extensions).",
                **ids,
            )
        if isinstance(exc, openai.APIConnectionError) and never_connected(exc):
            return UnreachableError(
                f"Could not connect to {url}{tries}.",
                fix="Check the URL and that the server is running (a loopback one: start it with "
                "course.backends.loopback); for a remote API, check your network.",
                request_id=request_id,
            )
        if received_chars:
            what = f"after {received_chars} characters of text (kept on the stream as .text)"
        else:
            what = "before any text arrived" + (f" ({stream_retries + 1} attempts)" if stream_retries else "")
        if isinstance(exc, json.JSONDecodeError):
            return ApiServerError(
                f"{url} sent a malformed stream {what}.",
                fix="Retry; if it persists, the server is not OpenAI-compatible or is misconfigured.",
                request_id=request_id,
            )
        return ApiServerError(
            f"The stream from {url} broke {what}: {self._redact(type(exc).__name__ + ': ' + str(exc))}",
            fix="Retry the request; for a loopback server read its log (LoopbackServer.log_path).",
            request_id=request_id,
        )

    # --- the rest -----------------------------------------------------------------------------------

    def info(self) -> BackendInfo:
        return BackendInfo(
            backend=self.name,
            model=self.model,
            device="loopback server (a local stand-in for an API)" if self.is_loopback else "remote API",
            base_url=self.base_url,
            notes=(f"token counts without server usage: {self.count_source}",),
        )

    def close(self) -> None:
        self._client.close()


def _broke(exc: BaseException) -> bool:
    """True for a stream that broke (connection dropped), not one that timed out or said something wrong."""
    if isinstance(exc, (*timeout_errors(), json.JSONDecodeError)):
        return False
    return isinstance(exc, (openai.APIConnectionError, *transport_errors()))


def _log_response(response: Any) -> str | None:
    """Log (DEBUG) how many retries the client needed; return the server's request id, if any."""
    http = getattr(response, "response", None)
    if http is None:
        return None
    retried = http.request.headers.get("x-stainless-retry-count", "0")
    if retried not in {"0", ""}:
        logger.debug(
            "%s answered; the openai client retried %s time(s) first", http.request.url.host, retried
        )
    request_id = http.headers.get("x-request-id")
    return str(request_id) if request_id else None


__all__ = ["LOOPBACK_DUMMY_KEY", "OPENAI_BASE_URL", "ApiBackend"]
