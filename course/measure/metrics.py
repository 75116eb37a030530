"""Per-request latency metrics with vLLM's definitions, computed from recorded timestamps.

All times are seconds on one monotonic clock (:data:`course.backends.base.clock`):

- TTFT (time to first token): first chunk with non-empty text − the moment the request was sent.
- E2E (end-to-end latency): the stream's end − the moment the request was sent.
- TPOT (time per output token): (E2E − TTFT) / (output_tokens − 1); undefined for one token.
- ITL (inter-token latency): the gaps between consecutive content chunks. A chunk may hold several
  tokens (byte tokens are joined into one character), so ITL is per chunk, as in vLLM's benchmark.

Token counts come from the backend's ``usage`` (exact for the in-process backend and most servers),
else from the model's tokenizer, never from the number of chunks: ``usage_source`` says which.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypedDict

from course.backends.base import ChatStream, TokenUsage

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11


@dataclass(frozen=True, slots=True)
class RequestMetrics:
    """What one timed request measured. Times in seconds; ``None`` where a metric is undefined."""

    run_id: str
    request_id: int
    prompt_id: str
    backend: str
    model: str
    concurrency: int
    started_at: str  # wall-clock ISO 8601 (UTC) when the request was sent
    offset_s: float  # when it was sent, seconds after the run (or sweep level) started
    ok: bool
    error: str | None = None
    ttft_s: float | None = None
    tpot_s: float | None = None
    e2e_s: float | None = None
    itl_s: tuple[float, ...] = ()
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    output_tokens_per_s: float | None = None  # output_tokens / e2e_s (this request alone)
    usage_source: str | None = None  # TokenUsage.source: backend, server, tokenizer, estimate, max_tokens
    n_chunks: int = 0
    finish_reason: str | None = None

    def to_record(self) -> dict[str, object]:
        """A JSON-ready dict (``itl_s`` as a list)."""
        record = {f.name: getattr(self, f.name) for f in fields(self)}
        record["itl_s"] = list(self.itl_s)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RequestMetrics:
        """Rebuild from :meth:`to_record` output (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in names}
        values["itl_s"] = tuple(values.get("itl_s") or ())
        return cls(**values)


class RequestLabels(TypedDict, total=False):
    """The fields that identify a request in :class:`RequestMetrics`, as keyword arguments of
    :func:`metrics_from_stream` and :func:`failed_metrics` (the first defaults any left out)."""

    run_id: str
    request_id: int
    prompt_id: str
    backend: str
    model: str
    concurrency: int
    started_at: str


# -- pure functions on timestamps -------------------------------------------------------------


def content_times(chunk_times_s: Sequence[float], chunk_texts: Sequence[str]) -> list[float]:
    """Arrival times of the chunks that carry text (role-only or empty chunks are skipped)."""
    if len(chunk_times_s) != len(chunk_texts):
        raise ValueError("chunk_times_s and chunk_texts must have the same length")
    return [t for t, text in zip(chunk_times_s, chunk_texts, strict=True) if text]


def time_to_first_token_s(started_s: float, content_times_s: Sequence[float]) -> float | None:
    """TTFT: first content chunk − request start; None when no content arrived."""
    return content_times_s[0] - started_s if content_times_s else None


def inter_token_latencies_s(content_times_s: Sequence[float]) -> tuple[float, ...]:
    """ITL: gaps between consecutive content chunks."""
    return tuple(b - a for a, b in itertools.pairwise(content_times_s))


def time_per_output_token_s(e2e_s: float, ttft_s: float | None, output_tokens: int) -> float | None:
    """TPOT: (E2E − TTFT) / (output_tokens − 1); None with fewer than two tokens or no TTFT."""
    if ttft_s is None or output_tokens < 2:
        return None
    return (e2e_s - ttft_s) / (output_tokens - 1)


def tokens_per_s(tokens: int, seconds: float) -> float | None:
    """``tokens / seconds``; None for a zero or negative duration."""
    return tokens / seconds if seconds > 0 else None


def request_metrics(
    *,
    started_s: float,
    finished_s: float,
    chunk_times_s: Sequence[float],
    chunk_texts: Sequence[str],
    usage: TokenUsage,
    run_id: str = "",
    request_id: int = 0,
    prompt_id: str = "",
    backend: str = "",
    model: str = "",
    concurrency: int = 1,
    started_at: str = "",
    offset_s: float = 0.0,
    finish_reason: str | None = None,
) -> RequestMetrics:
    """All metrics of one successful request from its raw timestamps and token usage."""
    times = content_times(chunk_times_s, chunk_texts)
    e2e = finished_s - started_s
    ttft = time_to_first_token_s(started_s, times)
    return RequestMetrics(
        run_id=run_id,
        request_id=request_id,
        prompt_id=prompt_id,
        backend=backend,
        model=model,
        concurrency=concurrency,
        started_at=started_at,
        offset_s=offset_s,
        ok=True,
        ttft_s=ttft,
        tpot_s=time_per_output_token_s(e2e, ttft, usage.completion_tokens),
        e2e_s=e2e,
        itl_s=inter_token_latencies_s(times),
        prompt_tokens=usage.prompt_tokens,
        output_tokens=usage.completion_tokens,
        output_tokens_per_s=tokens_per_s(usage.completion_tokens, e2e),
        usage_source=usage.source,
        n_chunks=len(times),
        finish_reason=finish_reason,
    )


def metrics_from_stream(
    stream: ChatStream,
    *,
    usage: TokenUsage | None = None,
    offset_s: float = 0.0,
    **labels: Unpack[RequestLabels],
) -> RequestMetrics:
    """Metrics of a fully consumed :class:`ChatStream`; ``usage`` overrides ``stream.usage``.

    ``labels`` are the identifying fields of :class:`RequestMetrics` (run_id, backend, model, ...);
    ``offset_s``: when it was sent, after the run started.
    """
    if stream.started_s is None or stream.finished_s is None:
        raise ValueError("The stream has not been read to the end; iterate it (or call .consume()) first.")
    usage = usage or stream.usage
    if usage is None:
        raise ValueError("No token usage: pass usage= (count the text with the model's tokenizer).")
    return request_metrics(
        started_s=stream.started_s,
        finished_s=stream.finished_s,
        chunk_times_s=[c.t_s for c in stream.chunks],
        chunk_texts=[c.text for c in stream.chunks],
        usage=usage,
        finish_reason=stream.finish_reason,
        offset_s=offset_s,
        **labels,
    )


def failed_metrics(error: str, *, offset_s: float, **labels: Unpack[RequestLabels]) -> RequestMetrics:
    """A record for a request that failed: ``ok=False`` and the error text, no timings. Every label is
    needed (a TypeError names a missing one)."""
    return RequestMetrics(ok=False, error=error, offset_s=offset_s, **labels)
