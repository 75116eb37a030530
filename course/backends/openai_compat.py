"""A backend over any OpenAI-compatible chat API: OpenAI itself, llama.cpp's llama-server, llama_cpp.server.

Every request streams. Retries (429, 5xx, connection errors) happen only before the first piece of
text arrives, so streamed text is never duplicated; they honour ``Retry-After`` up to a cap. Errors
become course errors with a fix. The API key never appears in ``repr``, error messages or ``info()``.

Token usage comes from the server when it sends it (source ``"server"``). Otherwise it is counted
with a tokenizer: the local model's own when the server is one the course started (``"tokenizer"``),
else an estimate of 4 characters per token (``"estimate"``). Chunks are never counted as tokens.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import openai

from course.backends.base import (
    Backend,
    BackendInfo,
    ChatStream,
    GenerationOptions,
    Message,
    StreamChunk,
    TokenUsage,
    clock,
)
from course.config import load_settings
from course.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    ContextOverflowError,
    MissingKeyError,
    ModelLoadError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    UnknownModelError,
    UnreachableError,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
LOCAL_DUMMY_KEY = "sk-local-no-key-needed"  # the openai client refuses an empty key; local servers ignore it
CHARS_PER_TOKEN_ESTIMATE = 4.0  # rough figure for English text with BPE tokenizers
FIRST_BACKOFF_S = 0.25  # wait before the first retry when the server gives no Retry-After; doubles after

TokenCounter = Callable[[str], int]
CountSource = Literal["tokenizer", "estimate"]


# --- token counting ---------------------------------------------------------------------------------


def estimate_tokens(text: str) -> int:
    """A labelled guess: ``len(text) / 4`` rounded up. Use only when no tokenizer is known."""
    return math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE)


def render_messages(messages: Sequence[Message]) -> str:
    """A generic ChatML-like rendering, for counting prompt tokens when the real template is unknown."""
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) + (
        "<|im_start|>assistant\n"
    )


class GgufTokenCounter:
    """Exact token counts with a local GGUF's own vocabulary and chat template.

    Loads only the vocabulary (``vocab_only=True``: fast, even for big models), on first use.
    ``count_prompt`` renders messages with the model's chat template as the servers do;
    ``count_completion`` counts generated text as the continuation of that prompt. The servers
    differ by one token (measured): with a GGUF chat template llama_cpp.server adds no BOS, while
    llama-server adds it when the GGUF asks (``add_bos_token``): pass ``add_bos_with_template=True``
    to count as llama-server does.
    """

    def __init__(self, model_path: str | Path, *, add_bos_with_template: bool = False) -> None:
        self.model_path = Path(model_path)
        self.add_bos_with_template = add_bos_with_template
        self._lock = threading.Lock()
        self._llama: Any = None
        self._eog_ids: tuple[int, ...] | None = None
        self._formatter: Any = None  # Jinja2ChatFormatter, or False when the model has no template

    def __repr__(self) -> str:
        return (
            f"GgufTokenCounter({str(self.model_path)!r}, add_bos_with_template={self.add_bos_with_template})"
        )

    def _vocab(self) -> Any:
        with self._lock:
            if self._llama is None:
                import llama_cpp

                from course.native_log import capture_stderr

                try:
                    with capture_stderr() as log:  # llama.cpp logs even with verbose=False
                        self._llama = llama_cpp.Llama(str(self.model_path), vocab_only=True, verbose=False)
                except (ValueError, OSError) as exc:
                    raise ModelLoadError(
                        f"Could not read the tokenizer of {self.model_path}: {exc}\n{log.tail()}",
                        fix="Check that the path is a complete GGUF file (not a Git LFS pointer).",
                    ) from exc
            return self._llama

    def __call__(self, text: str) -> int:
        llama = self._vocab()
        with self._lock:
            return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _prompt(self, messages: Sequence[Message]) -> tuple[str, bool]:
        """The prompt text a llama.cpp server builds from ``messages``, and whether to add BOS."""
        llama = self._vocab()
        if self._formatter is None:  # compiled once: the template is a Jinja program
            from course.backends.llama_cpp import chat_formatter

            self._formatter = (
                chat_formatter(llama) if llama.metadata.get("tokenizer.chat_template") else False
            )
        if self._formatter is False:
            return render_messages(messages), True
        add_bos = self.add_bos_with_template and bool(llama._model.add_bos_token())
        return self._formatter(messages=list(messages)).prompt, add_bos

    def _tokens(self, text: str, *, add_bos: bool) -> int:
        llama = self._vocab()
        with self._lock:
            return len(llama.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    def count_prompt(self, messages: Sequence[Message]) -> int:
        """Tokens of the prompt the server builds from ``messages`` (chat template + special tokens)."""
        prompt, add_bos = self._prompt(messages)
        return self._tokens(prompt, add_bos=add_bos)

    def count_completion(self, messages: Sequence[Message], text: str) -> int:
        """Tokens of ``text`` generated after the prompt of ``messages``.

        Counted as a continuation of the prompt: tokenizing the text alone would add the
        tokenizer's leading-space prefix and count one token too many.
        """
        prompt, add_bos = self._prompt(messages)
        return self._tokens(prompt + text, add_bos=add_bos) - self._tokens(prompt, add_bos=add_bos)

    def end_of_generation_ids(self) -> tuple[int, ...]:
        """Token ids that end generation (``</s>``, ``<|im_end|>``, ...): ban them to ignore EOS."""
        if self._eog_ids is None:  # a walk over the whole vocabulary: once, not on every request
            import llama_cpp

            llama = self._vocab()
            vocab = llama._model.vocab
            self._eog_ids = tuple(i for i in range(llama.n_vocab()) if llama_cpp.llama_vocab_is_eog(vocab, i))
        return self._eog_ids


@cache
def gguf_token_counter(model_path: Path, *, add_bos_with_template: bool = False) -> GgufTokenCounter:
    """One shared (thread-safe) counter per model file, so many backends load the vocabulary once."""
    return GgufTokenCounter(model_path, add_bos_with_template=add_bos_with_template)


_LOCAL_MODELS: dict[str, GgufTokenCounter] = {}  # base_url -> tokenizer, for servers the course started


def register_local_model(
    base_url: str, model_path: str | Path, *, add_bos_with_template: bool = False
) -> None:
    """Tell API backends that ``base_url`` serves the local GGUF ``model_path`` (exact token counts)."""
    counter = gguf_token_counter(Path(model_path), add_bos_with_template=add_bos_with_template)
    _LOCAL_MODELS[base_url.rstrip("/")] = counter


def unregister_local_model(base_url: str) -> None:
    _LOCAL_MODELS.pop(base_url.rstrip("/"), None)


# --- URLs and Retry-After ---------------------------------------------------------------------------


def is_loopback_url(url: str) -> bool:
    """True when ``url`` points at this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def safe_url(url: str) -> str:
    """``url`` without user:password, query or fragment: fit to print."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


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
def _transport_errors() -> tuple[type[BaseException], ...]:
    """Low-level HTTP errors that escape the openai client while a stream is being read."""
    errors: list[type[BaseException]] = []
    for module in ("httpx2", "httpx"):  # openai 3.x uses httpx2, openai 1.x httpx
        with contextlib.suppress(ImportError, AttributeError):
            errors.append(__import__(module).TransportError)
    return tuple(errors)


@cache
def _timeout_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [openai.APITimeoutError]
    for module in ("httpx2", "httpx"):
        with contextlib.suppress(ImportError, AttributeError):
            errors.append(__import__(module).TimeoutException)
    return tuple(errors)


def _never_connected(exc: BaseException) -> bool:
    """True when a connection error happened before any answer (refused, DNS), not mid-response."""
    cause = exc.__cause__ or exc.__context__
    return cause is None or type(cause).__name__ in {"ConnectError", "ConnectTimeout", "UnsupportedProtocol"}


# --- the backend ------------------------------------------------------------------------------------


class ApiBackend(Backend):
    """A chat model behind an OpenAI-compatible HTTP API.

    Each option falls back to the environment: ``OPENAI_BASE_URL`` (else OpenAI's URL),
    ``OPENAI_API_KEY``, ``COURSE_API_MODEL``. A loopback URL needs no key. ``tokenizer`` is a
    callable ``str -> int``; an object that also has ``count_prompt(messages)`` (like
    :class:`GgufTokenCounter`) makes counts exact. ``extra_body`` is merged into every request
    (server-specific options). Retries wait ``Retry-After`` or a doubling backoff, at most
    ``max_retry_wait_s`` each.
    Uses ``max_tokens`` (llama_cpp.server ignores ``max_completion_tokens``).
    """

    name = "api"
    serves_concurrently = True  # the openai client is thread-safe; the server decides the rest
    reports_usage = False  # depends on the server: see ``ChatStream.usage.source``

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 3,
        max_retry_wait_s: float = 20.0,
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
        self.is_local = is_loopback_url(url)
        key = api_key or settings.openai_api_key
        if not key:
            if not self.is_local:
                raise MissingKeyError(
                    f"No API key for {safe_url(url)}.",
                    fix=(
                        "Set it in your shell with `export OPENAI_API_KEY=...` (or in a notebook: "
                        "os.environ['OPENAI_API_KEY'] = ...), or pass api_key=. The course also works "
                        "offline: start a local stand-in with course.backends.server.llama_cpp_server()."
                    ),
                )
            key = LOCAL_DUMMY_KEY
        self._api_key = key
        model = model or settings.api_model
        if not model:
            raise ConfigError(
                "No model name for the API backend.",
                fix="Pass model='...' or set COURSE_API_MODEL (e.g. `export COURSE_API_MODEL=gpt-4o-mini`).",
            )
        if timeout_s <= 0 or max_retries < 0 or max_retry_wait_s < 0:
            raise ConfigError(
                "timeout_s must be > 0, max_retries and max_retry_wait_s >= 0.", fix="Fix the arguments."
            )
        self.model = model
        self.timeout_s = float(timeout_s)
        self.max_retries = int(max_retries)
        self.max_retry_wait_s = float(max_retry_wait_s)
        self.request_usage = request_usage
        self.extra_body = dict(extra_body or {})
        self._tokenizer = tokenizer
        self._client = openai.OpenAI(base_url=url, api_key=key, timeout=self.timeout_s, max_retries=0)

    def __repr__(self) -> str:
        return f"ApiBackend(model={self.model!r}, base_url={self.base_url!r})"

    # --- token counting -----------------------------------------------------------------------------

    @property
    def tokenizer(self) -> TokenCounter | None:
        """The exact tokenizer in use, or None when counts are estimates."""
        if self._tokenizer is None:
            self._tokenizer = _LOCAL_MODELS.get(self.base_url)
        return self._tokenizer

    @property
    def count_source(self) -> CountSource:
        """How tokens are counted when the server sends no usage."""
        return "tokenizer" if self.tokenizer is not None else "estimate"

    def count_tokens(self, text: str) -> int:
        counter = self.tokenizer
        return counter(text) if counter is not None else estimate_tokens(text)

    def _count_prompt(self, messages: Sequence[Message]) -> tuple[int, CountSource]:
        counter = self.tokenizer
        exact = getattr(counter, "count_prompt", None)
        if exact is not None:
            return exact(messages), "tokenizer"
        rendered = render_messages(messages)
        return (counter(rendered) if counter else estimate_tokens(rendered)), "estimate"

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
        """Only local servers are asked to ignore end-of-text (OpenAI rejects the field with a 400)."""
        return options.ignore_eos and self.is_local

    def _produce(
        self, stream: ChatStream, messages: list[Message], options: GenerationOptions
    ) -> Iterator[StreamChunk]:
        params = self._params(messages, options)
        pieces: list[str] = []
        usage: Any = None
        attempt = 0
        while True:
            try:
                with self._client.chat.completions.create(**params) as response:
                    for chunk in response:
                        usage = getattr(chunk, "usage", None) or usage
                        for choice in getattr(chunk, "choices", None) or ():
                            if choice.finish_reason:
                                stream.finish_reason = choice.finish_reason
                            text = choice.delta.content if choice.delta is not None else None
                            if text:
                                pieces.append(text)
                                yield StreamChunk(text=text, t_s=clock())
                break
            except (openai.OpenAIError, json.JSONDecodeError, *_transport_errors()) as exc:
                adapted = None if pieces else self._adapted_params(exc, params)
                if adapted is not None:  # a reasoning model refused a parameter: ask again without it
                    params = adapted
                    continue
                error = self._course_error(exc, received_chars=sum(map(len, pieces)))
                if pieces or attempt >= self.max_retries or not self._retryable(exc):
                    stream.finish_reason = "error"
                    raise error from None  # the original may quote the request; keep the key out
                time.sleep(self._retry_wait_s(exc, attempt))
                attempt += 1
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

    # --- retries and errors -------------------------------------------------------------------------

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
            return adapted
        if "temperature" in adapted and (param == "temperature" or "'temperature'" in message):
            del adapted["temperature"]
            return adapted
        return None

    @staticmethod
    def _retryable(exc: BaseException) -> bool:
        if isinstance(exc, _timeout_errors()):
            return False  # a hang would otherwise cost (retries + 1) timeouts
        if isinstance(exc, openai.APIStatusError):
            return exc.status_code == 429 or exc.status_code >= 500
        return isinstance(exc, (openai.APIConnectionError, *_transport_errors()))

    def _retry_wait_s(self, exc: BaseException, attempt: int) -> float:
        response = getattr(exc, "response", None)
        hinted = parse_retry_after(response.headers if response is not None else None)
        if hinted is None:
            hinted = FIRST_BACKOFF_S * 2**attempt * random.uniform(0.8, 1.2)
        return min(hinted, self.max_retry_wait_s)

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if len(self._api_key) >= 4 else text

    def _server_message(self, exc: BaseException) -> str:
        body = getattr(exc, "body", None)
        message: object = None
        if isinstance(body, Mapping):
            inner = body.get("error", body)
            message = (inner.get("message") or inner.get("detail")) if isinstance(inner, Mapping) else inner
        if not message:
            message = getattr(exc, "message", None) or str(exc)
        text = self._redact(str(message))  # before cutting, so no fragment of the key survives
        return text if len(text) <= 300 else text[:300] + "..."

    def available_models(self) -> list[str]:
        """Model ids the server lists at ``/models`` (empty when it cannot say)."""
        try:
            client = self._client.with_options(timeout=min(self.timeout_s, 5.0))
            return sorted(model.id for model in client.models.list())
        except Exception:  # a listing is a courtesy in error messages, never a new failure
            return []

    def _course_error(self, exc: BaseException, *, received_chars: int) -> ApiError:
        url = self.base_url
        status = getattr(exc, "status_code", None)
        said = self._server_message(exc)
        if isinstance(exc, _timeout_errors()):
            return RequestTimeoutError(
                f"{url} did not answer within {self.timeout_s:g} s"
                + (f" (after {received_chars} characters of text)." if received_chars else "."),
                fix="Pass a larger timeout_s=, ask for fewer tokens, or check the server is not overloaded.",
            )
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return AuthenticationError(
                f"{url} rejected the API key (HTTP {status}): {said}",
                fix="Check OPENAI_API_KEY (or api_key=) is a valid key for this server and has access.",
                status_code=status,
            )
        if isinstance(exc, openai.NotFoundError):
            listed = self.available_models()
            served = f" It serves: {', '.join(listed[:20])}." if listed else ""
            fix = "Use a model name the server lists (model= or COURSE_API_MODEL)."
            if not listed:
                fix += " It lists none: check the base URL (OpenAI-compatible servers usually end in /v1"
                fix += f", e.g. {url}/v1)." if not url.endswith("/v1") else ")."
            return UnknownModelError(
                f"{url} answered 404 for model {self.model!r}: {said.rstrip('.')}.{served}",
                fix=fix,
                status_code=status,
            )
        if isinstance(exc, openai.RateLimitError):
            hinted = parse_retry_after(exc.response.headers)
            wait = f" It asks to retry after {hinted:g} s." if hinted is not None else ""
            return RateLimitError(
                f"{url} is rate limiting requests (HTTP 429) after {self.max_retries} retries.{wait} {said}",
                fix="Wait and retry, send fewer requests at once, or raise max_retries= / your rate limit.",
                retry_after_s=hinted,
            )
        if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
            return ServerError(
                f"{url} failed on its side (HTTP {status}) after {self.max_retries} retries: {said}",
                fix="Retry later; for a local server read its log (LocalServer.log_path).",
                status_code=status,
            )
        if isinstance(exc, openai.APIStatusError):
            if status == 400 and "context" in said.lower():
                return ContextOverflowError(
                    f"{url} says the request does not fit in the model's context: {said}",
                    fix="Shorten the prompt, lower max_tokens, or serve the model with a larger context.",
                )
            return ApiError(
                f"{url} refused the request (HTTP {status}): {said}",
                fix="Check the options sent (ignore_eos and extra_body are server-specific extensions).",
                status_code=status,
            )
        if isinstance(exc, openai.APIConnectionError) and _never_connected(exc):
            return UnreachableError(
                f"Could not connect to {url}.",
                fix="Check the URL and that the server is running (a local one: start it with "
                "course.backends.server); for a remote API, check your network.",
            )
        if received_chars:
            what = f"after {received_chars} characters of text (kept on the stream as .text)"
        else:
            what = "before any text arrived"
        if isinstance(exc, json.JSONDecodeError):
            return ServerError(
                f"{url} sent a malformed stream {what}.",
                fix="Retry; if it persists, the server is not OpenAI-compatible or is misconfigured.",
            )
        return ServerError(
            f"The stream from {url} broke {what}: {self._redact(type(exc).__name__ + ': ' + str(exc))}",
            fix="Retry the request; for a local server read its log (LocalServer.log_path).",
        )

    # --- the rest -----------------------------------------------------------------------------------

    def info(self) -> BackendInfo:
        return BackendInfo(
            backend="api",
            model=self.model,
            device="local stand-in for an API" if self.is_local else "remote API",
            base_url=self.base_url,
            notes=(f"token counts without server usage: {self.count_source}",),
        )

    def close(self) -> None:
        self._client.close()


__all__ = [
    "LOCAL_DUMMY_KEY",
    "OPENAI_BASE_URL",
    "ApiBackend",
    "GgufTokenCounter",
    "TokenCounter",
    "estimate_tokens",
    "gguf_token_counter",
    "is_loopback_url",
    "parse_retry_after",
    "register_local_model",
    "render_messages",
    "safe_url",
    "unregister_local_model",
]
