"""Show a streamed answer as it arrives, then its timing, in a notebook or a terminal."""

from __future__ import annotations

import sys

from course.backends.base import ChatStream
from course.measure.metrics import metrics_from_stream


def show_stream(stream: ChatStream) -> ChatStream:
    """Print each chunk as it arrives, then one line of timing; returns the finished stream."""
    for chunk in stream:
        sys.stdout.write(chunk.text)
        sys.stdout.flush()
    print()
    print(stream_summary(stream))
    return stream


def stream_summary(stream: ChatStream) -> str:
    """'TTFT … · N tokens · … tokens/s' for a finished stream."""
    if not stream.chunks or stream.usage is None:
        return f"no content was streamed (finish: {stream.finish_reason})"
    metrics = metrics_from_stream(stream)
    if metrics.ttft_s is None:  # only empty pieces arrived (e.g. special tokens)
        return f"no visible text was streamed (finish: {stream.finish_reason})"
    parts = [
        f"TTFT {metrics.ttft_s * 1000:.1f} ms",
        f"{metrics.output_tokens} output tokens ({metrics.usage_source} count)",
    ]
    if metrics.tpot_s:
        parts.append(f"{1 / metrics.tpot_s:.0f} tokens/s after the first")
    parts.append(f"finish: {stream.finish_reason}")
    return " · ".join(parts)
