"""Show results in a notebook or a terminal: a streamed answer as it arrives, and tables shown whole.

Views only: nothing here runs a model or times anything; it prints what it is given.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from course.backends.base import ChatStream
from course.measure.metrics import metrics_from_stream

if TYPE_CHECKING:
    import pandas as pd


def show_stream(stream: ChatStream) -> ChatStream:
    """Print each chunk as it arrives, then one line of timing; returns the finished stream."""
    for chunk in stream:
        sys.stdout.write(chunk.text)
        sys.stdout.flush()
    print()
    print(stream_summary(stream))
    return stream


def stream_summary(stream: ChatStream) -> str:
    """'TTFT … · N tokens · … tokens/s' for a finished stream (one request: an anecdote, not a benchmark)."""
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


def show_full(table: pd.DataFrame, *, float_digits: int = 1) -> None:
    """Display ``table`` with no cell cut short.

    pandas cuts text cells at 50 characters by default, and the course's tables often answer their
    question in a text column (a model's answer, a reason): it is shown whole, wrapped by the browser.
    """
    import pandas as pd

    with pd.option_context(
        "display.max_colwidth", None, "display.max_columns", None, "display.precision", float_digits
    ):
        _display(table)


def show_measurement(table: pd.DataFrame, note: str, *, float_digits: int = 1) -> None:
    """A measured table, whole, with the line saying what state the machine was in when it was timed."""
    show_full(table, float_digits=float_digits)
    print(note)


def _display(obj: object) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        print(obj)
        return
    if get_ipython() is None:
        print(obj)
    else:
        display(obj)
