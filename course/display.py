"""Show a streamed answer as it arrives, then its timing, in a notebook or a terminal."""

from __future__ import annotations

import sys

from course.backends.base import ChatStream
from course.quant_compare import decode_tokens_per_s


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
    if not stream.chunks or stream.started_s is None:
        return "no content was streamed"
    ttft_s = stream.chunks[0].t_s - stream.started_s
    tokens = stream.usage.completion_tokens if stream.usage else None
    speed = decode_tokens_per_s(stream)
    parts = [f"TTFT {ttft_s * 1000:.1f} ms"]
    if tokens is not None:
        parts.append(f"{tokens} output tokens ({stream.usage.source} count)")
    if speed == speed:  # not NaN
        parts.append(f"{speed:.0f} tokens/s after the first")
    parts.append(f"finish: {stream.finish_reason}")
    return " · ".join(parts)
