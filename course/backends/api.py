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

Log-probabilities and JSON-schema decoding (the two capabilities of
:class:`~course.backends.base.Backend`) are asked for in the shape each ``server`` understands,
as measured against the course's own builds (llama-cpp-python 0.3.36 and the llama-server built with it):

- ``"openai"`` (OpenAI, or any other OpenAI-compatible API): ``logprobs: true`` and
  ``response_format={"type": "json_schema", ...}`` in strict mode. Both are assumed supported (most
  non-reasoning OpenAI chat models have them); a model that refuses answers 400, which becomes an
  :class:`~course.errors.ApiError` naming the capability.
- ``"llama-server"``: ``logprobs: true`` (with ``top_logprobs: 0`` it sends none), and the schema as
  a GBNF ``grammar`` compiled here by llama-cpp-python's converter, the same grammar the in-process
  backend uses. Its own ``response_format`` json_schema fails with "Failed to initialize samplers"
  on chat templates whose generation prompt holds control tokens (ChatML, the course model's:
  llama.cpp issue 29006), so the grammar is sent instead.
- ``"llama_cpp.server"``: ``logprobs: true`` with ``top_logprobs: 0`` (without ``top_logprobs`` it
  sends none), returned only when its model was loaded with ``logits_all`` (its default); the schema as
  ``response_format={"type": "json_object", "schema": ...}`` (it rejects ``"json_schema"``).

The openai client's attempts (first try plus its retries) are counted by an ``httpx`` event hook on
the HTTP client this backend constructs, not read from the SDK's private request headers.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
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
#: Which kind of server answers: it decides how log-probabilities and JSON schemas are asked for.
ApiServer = Literal["openai", "llama-server", "llama_cpp.server"]
API_SERVERS: tuple[ApiServer, ...] = ("openai", "llama-server", "llama_cpp.server")
logger = logging.getLogger(__name__)


class AttemptCounter:
    """Counts the HTTP requests a client sends (an ``httpx`` request event hook): in all, and per thread.

    The openai client retries inside one ``create()`` call, in the calling thread; so the requests a
    thread sent while that call ran are that call's attempts (the first try plus the retries).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()
        self.total = 0

    def __call__(self, request: object) -> None:
        self._local.sent = self.in_this_thread() + 1
        with self._lock:
            self.total += 1

    def in_this_thread(self) -> int:
        """Requests sent so far from the calling thread."""
        return int(getattr(self._local, "sent", 0))


class ApiBackend(Backend):
    """A chat model behind an OpenAI-compatible HTTP API.

    Each option falls back to the environment: ``OPENAI_BASE_URL`` (else OpenAI's URL),
    ``OPENAI_API_KEY`` (remote URLs only: see the module docstring), ``COURSE_API_MODEL``.
    ``timeout_s`` bounds each attempt (connecting, and each wait for the next piece of a stream);
    ``max_retries`` is the openai client's. ``tokenizer`` is a callable ``str -> int``; an object
    that also has ``count_prompt(messages)`` (like :class:`~course.backends.tokens.GgufTokenCounter`)
    makes counts exact. ``extra_body`` is merged into every request (server-specific options).
    Sends ``max_tokens`` (llama_cpp.server ignores ``max_completion_tokens``) and switches to
    ``max_completion_tokens`` when a reasoning model refuses it. ``server`` says which kind of server
    answers (see the module docstring; the loopback launchers pass it); ``supports_logprobs=False``
    declares a server that cannot return log-probabilities (a llama_cpp.server without ``logits_all``).
    """

    name = "api"
    serves_concurrently = True  # the openai client is thread-safe; the server decides the rest
    supports_logprobs = True  # per instance: see ``supports_logprobs=``
    supports_json_schema = True

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
        server: ApiServer = "openai",
        supports_logprobs: bool = True,
    ) -> None:
        settings = load_settings()
        if server not in API_SERVERS:
            raise ConfigError(f"server is {server!r}.", fix=f"Pass one of {', '.join(API_SERVERS)}.")
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
        self.server = server
        self.supports_logprobs = bool(supports_logprobs)
        self._grammars: dict[str, str] = {}  # JSON schema (canonical text) -> GBNF, for llama-server
        self.attempts = AttemptCounter()  # every HTTP request the client sends, retries included
        # Import the HTTP libraries whose errors _produce catches now, not first inside an except clause:
        # a garbage collection during that import would close an abandoned openai Stream, whose cleanup
        # then reads the half-imported ``httpx`` (an "Exception ignored" warning from the SDK).
        transport_errors(), timeout_errors()
        http_client = openai.DefaultHttpxClient(event_hooks={"request": [self.attempts]})
        self._client = openai.OpenAI(
            base_url=url,
            api_key=key,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"ApiBackend(model={self.model!r}, base_url={self.base_url!r})"

    def _label(self) -> str:
        kind = {"openai": "the API", "llama-server": "llama-server", "llama_cpp.server": "llama_cpp.server"}
        return f"{self.model!r} on {kind[self.server]} at {self.base_url}"

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
        if options.logprobs:
            params["logprobs"] = True
            if self.server == "llama_cpp.server":
                params["top_logprobs"] = 0  # without it llama_cpp.server sends none
        if options.json_schema is not None:
            schema = options.json_schema
            if self.server == "llama-server":
                extra["grammar"] = self._gbnf(schema)  # its json_schema path fails on ChatML (module doc)
            elif self.server == "llama_cpp.server":
                params["response_format"] = {"type": "json_object", "schema": schema}
            else:
                params["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema, "strict": True},
                }
        if self._sends_ignore_eos(options):
            extra["ignore_eos"] = True  # llama-server honours it; llama_cpp.server gets the logit bias
            eog = getattr(self.tokenizer, "end_of_generation_ids", None)
            if eog is not None:
                params["logit_bias"] = {str(token): -100 for token in eog()}
        if extra:
            params["extra_body"] = extra
        return params

    def _gbnf(self, schema: Mapping[str, Any]) -> str:
        """llama.cpp's grammar for ``schema`` (llama-cpp-python's converter), compiled once per schema."""
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            try:
                self._grammars[key] = json_schema_to_gbnf(json.dumps(schema))
            except (ValueError, KeyError, TypeError, NotImplementedError) as exc:
                raise ConfigError(
                    f"llama.cpp cannot turn this JSON schema into a grammar: {exc}",
                    fix="Simplify the schema (llama.cpp supports most of JSON Schema, not every keyword).",
                ) from None
        return self._grammars[key]

    def _sends_ignore_eos(self, options: GenerationOptions) -> bool:
        """Only loopback servers are asked to ignore end-of-text (OpenAI rejects the field with a 400)."""
        return options.ignore_eos and self.is_loopback

    def _produce(
        self, stream: ChatStream, messages: list[Message], options: GenerationOptions
    ) -> Iterator[StreamChunk]:
        params = self._params(messages, options)
        scanner = StopScanner(options.stop)  # in case a server lets part of a stop string through
        pieces: list[str] = []
        logprobs: list[float] = []  # every token's, in order (asked with options.logprobs)
        unshown: list[float] = []  # log-probabilities of tokens no chunk has carried yet
        usage: Any = None
        stream_retries = 0
        request_id: str | None = None
        retried_errors: tuple[type[BaseException], ...] = (
            openai.OpenAIError,
            json.JSONDecodeError,
            *transport_errors(),
        )

        def chunk_of(text: str) -> StreamChunk:
            lp = math.fsum(unshown) if options.logprobs else None
            unshown.clear()
            return StreamChunk(text=text, t_s=clock(), logprob=lp)

        while True:
            opened = False
            sent_before = self.attempts.in_this_thread()
            attempts = 0
            try:
                with self._client.chat.completions.create(**params) as response:
                    opened = True
                    attempts = self.attempts.in_this_thread() - sent_before  # create() retried in here
                    request_id = _log_response(response, attempts=attempts)
                    for chunk in response:
                        usage = getattr(chunk, "usage", None) or usage
                        for choice in getattr(chunk, "choices", None) or ():
                            if choice.finish_reason:
                                stream.finish_reason = choice.finish_reason
                            if options.logprobs:
                                for entry in _logprob_entries(choice):
                                    logprobs.append(entry)
                                    unshown.append(entry)
                            text = scanner.feed(choice.delta.content or "") if choice.delta else ""
                            if text:
                                pieces.append(text)
                                yield chunk_of(text)
                        if scanner.stopped:
                            stream.finish_reason = "stop"
                            break
                break
            except retried_errors as exc:
                if not opened:
                    attempts = self.attempts.in_this_thread() - sent_before
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
                    logprobs.clear()
                    unshown.clear()
                    continue
                held = scanner.flush()  # text held for a possible stop string: keep what was received
                if held:
                    pieces.append(held)
                    yield chunk_of(held)
                stream.finish_reason = "error"
                if options.logprobs:
                    stream.token_logprobs = tuple(logprobs)  # those of the text received
                error = self._course_error(
                    exc,
                    received_chars=sum(map(len, pieces)),
                    request_id=request_id_of(exc) or (request_id if opened else None),
                    stream_retries=stream_retries,
                    retries=max(attempts - 1, 0),
                    params=params,
                )
                raise error from None  # the original may quote the request; keep the key out
        tail = scanner.flush()
        if tail:
            pieces.append(tail)
            yield chunk_of(tail)
        if not pieces and stream.finish_reason is None and usage is None:
            stream.finish_reason = "error"  # llama_cpp.server does this when generation fails (HTTP 200)
            raise ApiServerError(
                f"The stream from {self.base_url} ended without any text or finish reason.",
                fix="The server failed while generating: read its log (LoopbackServer.log_path for a "
                "loopback server). llama_cpp.server does this for a prompt longer than its context window.",
                request_id=request_id,
            )
        stream.finished_s = clock()  # the stream is over: counting below must not add to E2E
        if options.logprobs:
            if pieces and not logprobs:  # a server that ignores the option: say so, never route on nothing
                raise ApiError(
                    f"{self._label()} sent no log-probabilities, although they were asked for.",
                    fix="This server does not return them: use one that does (llama-server, an OpenAI "
                    "chat model), or route on the answer's validity alone (RouterConfig(min_logprob=None)).",
                    request_id=request_id,
                )
            stream.token_logprobs = tuple(logprobs)
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
        self,
        exc: BaseException,
        *,
        received_chars: int,
        request_id: str | None,
        stream_retries: int,
        retries: int = 0,
        params: Mapping[str, Any] | None = None,
    ) -> ApiError:
        """The course error for ``exc``; ``retries``: the openai client's (see :class:`AttemptCounter`)."""
        url = self.base_url
        status = getattr(exc, "status_code", None)
        said = self._said(exc)
        ids: dict[str, Any] = {"status_code": status, "request_id": request_id}
        retried = retries
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
        refused = _refused_capability(exc, params or {})
        if refused is not None:
            name, fix = refused
            return ApiError(
                f"{url} refused {name} for model {self.model!r} (HTTP {status}): {said}", fix=fix, **ids
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


def _log_response(response: Any, *, attempts: int) -> str | None:
    """Log (DEBUG) how many retries the client needed; return the server's request id, if any."""
    http = getattr(response, "response", None)
    if http is None:
        return None
    if attempts > 1:
        logger.debug(
            "%s answered; the openai client retried %d time(s) first", http.request.url.host, attempts - 1
        )
    request_id = http.headers.get("x-request-id")
    return str(request_id) if request_id else None


def _logprob_entries(choice: Any) -> list[float]:
    """The log-probabilities of the tokens in one streamed choice (``choice.logprobs.content[i].logprob``)."""
    content = getattr(getattr(choice, "logprobs", None), "content", None) or ()
    values = []
    for entry in content:
        value = getattr(entry, "logprob", None)
        if value is not None:
            values.append(float(value))
    return values


#: What a server says when it refuses one of the capabilities (OpenAI's 400s name the parameter; llama.cpp
#: reports a grammar it cannot build; llama_cpp.server rejects a response_format type or logits_all=False).
_CAPABILITY_WORDS = {
    "logprobs": ("logprobs", "logits_all", "log probabilities", "log-probabilities"),
    "response_format": ("response_format", "json_schema", "json schema", "grammar", "samplers", "schema"),
}


def _refused_capability(exc: BaseException, params: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(what, fix)`` when ``exc`` is a server refusing the log-probabilities or JSON schema asked for."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 422, 500):
        return None
    body = exc.body if isinstance(exc.body, Mapping) else {}
    inner = body.get("error", body)
    fields = [server_message(exc)]
    if isinstance(inner, Mapping):
        fields += [str(inner.get(k) or "") for k in ("param", "code")]
    text = " ".join(fields).lower()
    extra = params.get("extra_body") or {}
    if "logprobs" in params and any(w in text for w in _CAPABILITY_WORDS["logprobs"]):
        return "log-probabilities", (
            "Use a model that returns them (most non-reasoning OpenAI chat models do; reasoning models do "
            "not), or route on the answer's validity alone (RouterConfig(min_logprob=None))."
        )
    asked_schema = "response_format" in params or "grammar" in extra
    if asked_schema and any(w in text for w in _CAPABILITY_WORDS["response_format"]):
        return "JSON-schema decoding", (
            "Use a model with structured outputs, or simplify the schema (strict mode wants every "
            "property in required and additionalProperties: false); or drop json_schema= and validate "
            "the answer instead."
        )
    return None


__all__ = [
    "API_SERVERS",
    "LOOPBACK_DUMMY_KEY",
    "OPENAI_BASE_URL",
    "ApiBackend",
    "ApiServer",
    "AttemptCounter",
]
