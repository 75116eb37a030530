"""The Backend interface shared by the in-process llama.cpp backend and OpenAI-compatible APIs.

A backend turns chat messages into a :class:`ChatStream`: an iterator of :class:`StreamChunk`
objects stamped with a monotonic clock (``time.perf_counter``), which after exhaustion also
carries the token usage and finish reason. Timing code needs nothing else.

Two capabilities are declared by each backend class (as simonw/llm's ``supports_schema``) and asked
for per request in :class:`GenerationOptions`: ``supports_logprobs`` (each chosen token's
log-probability, ``logprobs=True``) and ``supports_json_schema`` (decoding that can only produce JSON
following a schema, ``json_schema=``). Code such as the hybrid router reads the flags instead of
checking which class it was given; asking a backend for a capability it lacks is a
:class:`~course.errors.ConfigError` before anything is sent.
"""

from __future__ import annotations

import json
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from course.errors import ConfigError

clock = time.perf_counter  # the one clock every timestamp in the course uses


class Message(TypedDict):
    """One OpenAI-shaped chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class StreamChunk:
    """A piece of generated text and the moment it arrived (seconds on :data:`clock`).

    ``logprob`` (only with ``GenerationOptions(logprobs=True)``, else None) is the log-probability the
    model gave the token(s) behind this piece as it chose them: the log-softmax of its raw logits, before
    any grammar, temperature or stop string. A chunk often holds several tokens (the bytes of one
    character, text held back while it might begin a stop string, a server that sends tokens in
    batches); its ``logprob`` is then their **sum**, the log of the probability of the whole piece, and
    it also counts tokens since the previous chunk that showed no text of their own. Each token's own
    value is in :attr:`ChatStream.token_logprobs`.
    """

    text: str
    t_s: float
    n_tokens: int | None = None  # tokens generated up to and including this chunk, when known exactly
    logprob: float | None = None


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Token counts of one request; ``source`` says who counted them."""

    prompt_tokens: int
    completion_tokens: int
    #: who counted: the backend itself, the server, a tokenizer over the text, an estimate, or
    #: ``max_tokens`` (a fixed-length request the server cut at the limit: exactly that many)
    source: Literal["backend", "server", "tokenizer", "estimate", "max_tokens"]

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, kw_only=True)
class GenerationOptions:
    """Sampling and length options of one request (OpenAI names where they exist), checked when made.

    ``logprobs``: return each chosen token's log-probability (:attr:`StreamChunk.logprob`,
    :attr:`ChatStream.token_logprobs`); ``json_schema``: decode so that the answer can only be JSON
    following this schema (a JSON Schema object; llama.cpp compiles it into a grammar, OpenAI calls it
    structured outputs). A backend without the capability refuses the request (``supports_logprobs``,
    ``supports_json_schema``).
    """

    max_tokens: int = 128
    temperature: float = 0.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    ignore_eos: bool = False  # keep generating past end-of-text (fixed-length benchmarks)
    logprobs: bool = False
    json_schema: Mapping[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        n = self.max_tokens
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ConfigError(f"max_tokens is {n!r}.", fix="Pass a whole number of tokens, 1 or more.")
        t = self.temperature
        if isinstance(t, bool) or not isinstance(t, int | float) or not 0 <= t < math.inf:
            raise ConfigError(
                f"temperature is {t!r}.", fix="Pass 0 (always the likeliest token) or a positive number."
            )
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise ConfigError(f"seed is {self.seed!r}.", fix="Pass a whole number, or None.")
        stop = self.stop
        if (
            isinstance(stop, str)
            or not isinstance(stop, Sequence)
            or any(not isinstance(x, str) for x in stop)
        ):
            raise ConfigError(f"stop is {stop!r}.", fix='Pass a tuple of strings, e.g. stop=("\\n",).')
        object.__setattr__(self, "stop", tuple(stop))
        for name in ("ignore_eos", "logprobs"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} is {getattr(self, name)!r}.", fix="Pass True or False.")
        if self.json_schema is not None:
            object.__setattr__(self, "json_schema", _checked_schema(self.json_schema))
            if self.ignore_eos:
                raise ConfigError(
                    "ignore_eos and json_schema together: the schema ends the answer when its JSON is "
                    "complete, and ignore_eos asks to generate past that end.",
                    fix="Drop ignore_eos (it is for fixed-length timing runs) or json_schema.",
                )


def _checked_schema(schema: object) -> dict[str, Any]:
    """A private copy of ``schema`` (later changes to the caller's dict cannot reach a request)."""
    if not isinstance(schema, Mapping):
        raise ConfigError(
            f"json_schema is a {type(schema).__name__}, not a JSON Schema object.",
            fix='Pass a dict, e.g. {"type": "object", "properties": {...}, "required": [...]}.',
        )
    try:
        copy = json.loads(json.dumps(schema, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"json_schema cannot be written as JSON: {exc}.",
            fix="Use only dicts, lists, strings, numbers, booleans and None in the schema.",
        ) from None
    return copy


@dataclass(frozen=True)
class BackendInfo:
    """What a backend runs on, for reports and for the reader to check."""

    backend: str
    model: str
    device: str
    n_threads: int | None = None
    gpu_layers: int | None = None
    n_ctx: int | None = None
    model_path: str | None = None
    base_url: str | None = None
    notes: tuple[str, ...] = ()


class StopScanner:
    """Cut streamed text at the first stop string, holding back text that could be the start of one.

    Feed it the pieces as they arrive; it returns the text that is safe to show now. A piece ending in
    ``"wor"`` with stop ``"world"`` is held until the next piece decides it: ``"ld"`` (a stop: the
    held text is dropped) or anything else (released). :meth:`flush` releases what is held at the end.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = tuple(s for s in stops if s)
        self.stopped = False
        self._held = ""

    def feed(self, piece: str) -> str:
        """Text from ``piece`` (and earlier held text) that can be shown; sets :attr:`stopped` on a stop."""
        if self.stopped:
            return ""
        text = self._held + piece
        hits = [i for i in (text.find(s) for s in self.stops) if i >= 0]
        if hits:
            self.stopped, self._held = True, ""
            return text[: min(hits)]
        keep = self._partial_stop_length(text)
        self._held = text[len(text) - keep :] if keep else ""
        return text[: len(text) - keep]

    @property
    def held(self) -> str:
        """Text received but not yet shown (it may be the start of a stop string)."""
        return self._held

    def flush(self) -> str:
        """The held text, released at the end of the stream (no stop string completed it)."""
        held, self._held = self._held, ""
        return "" if self.stopped else held

    def _partial_stop_length(self, text: str) -> int:
        """Length of the longest end of ``text`` that is the beginning of a stop string."""
        longest = 0
        for stop in self.stops:
            for n in range(min(len(stop) - 1, len(text)), longest, -1):
                if text.endswith(stop[:n]):
                    longest = n
                    break
        return longest


class ChatStream:
    """Iterate to receive chunks; afterwards ``usage``, ``finish_reason`` and ``text`` are set.

    ``started_s`` is stamped when iteration starts (the backend then prepares and sends the request),
    so TTFT = first content chunk − started_s. ``finished_s`` is stamped when the last chunk has
    arrived; a backend may stamp it itself before post-stream work such as counting tokens.
    ``token_logprobs`` (requests with ``logprobs=True``): every generated token's log-probability in
    order, also tokens that showed no text (cut by a stop string, a control token), set at the end; from
    a server, the tokens it reports (llama-server leaves out the end-of-text token, as in-process does).
    """

    def __init__(self, produce: Callable[[ChatStream], Iterator[StreamChunk]]) -> None:
        self._produce = produce
        self.started_s: float | None = None
        self.finished_s: float | None = None
        self.usage: TokenUsage | None = None
        self.finish_reason: str | None = None
        self.token_logprobs: tuple[float, ...] | None = None
        self.chunks: list[StreamChunk] = []
        self._consumed = False

    def __iter__(self) -> Iterator[StreamChunk]:
        if self._consumed:
            raise RuntimeError("A ChatStream can be iterated only once; send a new request.")
        self._consumed = True
        self.started_s = clock()
        for chunk in self._produce(self):
            self.chunks.append(chunk)
            yield chunk
        if self.finished_s is None:
            self.finished_s = clock()

    @property
    def text(self) -> str:
        return "".join(chunk.text for chunk in self.chunks)

    def consume(self) -> ChatStream:
        """Read the whole stream (for callers that only want the result)."""
        for _ in self:
            pass
        return self


class Backend(ABC):
    """A chat model that streams. Subclasses implement :meth:`_produce` and :meth:`count_tokens`."""

    name: str = "backend"
    #: True when one backend object may serve requests from several threads at once.
    serves_concurrently: bool = False
    #: True when it returns each chosen token's log-probability (``GenerationOptions(logprobs=True)``).
    supports_logprobs: bool = False
    #: True when it can decode under a JSON schema (``GenerationOptions(json_schema=...)``).
    supports_json_schema: bool = False

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        options: GenerationOptions | None = None,
    ) -> ChatStream:
        """Start one chat request; nothing is sent until the stream is iterated.

        Options asking for a capability this backend lacks raise :class:`~course.errors.ConfigError` here.
        """
        opts = options or GenerationOptions()
        self.check_capabilities(opts)
        msgs = list(messages)
        return ChatStream(lambda stream: self._produce(stream, msgs, opts))

    def check_capabilities(self, options: GenerationOptions) -> None:
        """Raise :class:`~course.errors.ConfigError` when ``options`` ask for what this backend cannot do."""
        if options.logprobs and not self.supports_logprobs:
            raise ConfigError(
                f"{self._label()} does not return token log-probabilities.",
                fix="Ask without logprobs=True, or use a backend that returns them (InProcessBackend, "
                "a llama-server or llama_cpp.server on loopback, an OpenAI chat model).",
            )
        if options.json_schema is not None and not self.supports_json_schema:
            raise ConfigError(
                f"{self._label()} cannot decode under a JSON schema.",
                fix="Ask without json_schema= and validate the answer instead, or use a backend that can "
                "(InProcessBackend, a llama-server or llama_cpp.server on loopback, an OpenAI chat model).",
            )

    def _label(self) -> str:
        """What this backend is called in error messages."""
        return type(self).__name__

    def chat(self, messages: Sequence[Message], *, options: GenerationOptions | None = None) -> ChatStream:
        """Run one request to the end and return the finished stream (``.text``, ``.usage``)."""
        return self.stream_chat(messages, options=options).consume()

    def ask(self, prompt: str, *, options: GenerationOptions | None = None) -> str:
        """Convenience: one user message in, the answer text out."""
        return self.chat([{"role": "user", "content": prompt}], options=options).text

    @abstractmethod
    def _produce(
        self, stream: ChatStream, messages: list[Message], options: GenerationOptions
    ) -> Iterator[StreamChunk]:
        """Send the request and yield chunks; set ``stream.usage`` and ``stream.finish_reason``."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` by this backend's tokenizer (or its best estimate)."""

    @abstractmethod
    def info(self) -> BackendInfo:
        """Describe where this backend runs."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (models, HTTP clients)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "Backend",
    "BackendInfo",
    "ChatStream",
    "GenerationOptions",
    "Message",
    "StopScanner",
    "StreamChunk",
    "TokenUsage",
    "clock",
]
