"""Results written to a JSONL file as they arrive (one line per request, written when it ends) and read back.

An interrupted run loses nothing that finished: every line is written when its request ends. Reading and
appending follow :mod:`course.io`'s one rule for the partial last line a killed run leaves.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

import pandas as pd

from course.errors import DataError
from course.io import append_jsonl, read_jsonl
from course.measure.metrics import RequestMetrics
from course.measure.summary import requests_frame

_FIX = (
    "Results files hold one JSON object per line, written by course.measure; "
    "remove the damaged line or re-run."
)


class JsonlRecorder:
    """Append :class:`RequestMetrics` to a JSONL file, one flushed line each (thread-safe).

    Use as a context manager; ``path=None`` records nothing (so callers need no special case).
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._open = False
        self._lock = threading.Lock()

    def __enter__(self) -> JsonlRecorder:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open = True
        return self

    def write(self, metrics: RequestMetrics) -> None:
        if not self._open or self.path is None:
            return
        with self._lock:
            append_jsonl(self.path, [metrics.to_record()], fsync=False)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._open = False


def load_metrics(path: str | Path) -> list[RequestMetrics]:
    """Read a results JSONL back; a partial last line (a run killed mid-write) is skipped with a warning."""
    path = Path(path)
    if not path.exists():
        raise DataError(
            f"No results file at {path}.", fix="Check the path (`bench --out DIR` writes DIR/results.jsonl)."
        )
    out: list[RequestMetrics] = []
    for line in read_jsonl(path, fix=_FIX):
        try:
            out.append(RequestMetrics.from_record(line.data))
        except (TypeError, ValueError, KeyError) as exc:
            raise DataError(f"{path.name} line {line.line} is not a results record: {exc}", fix=_FIX) from exc
    return out


def load_results(path: str | Path) -> pd.DataFrame:
    """A results JSONL as a DataFrame, one row per request."""
    return requests_frame(load_metrics(path))
