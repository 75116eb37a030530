"""Results written to a JSONL file as they arrive (one flushed line per request) and read back.

An interrupted run loses nothing that finished: every line is flushed when its request ends.
"""

from __future__ import annotations

import json
import threading
import warnings
from pathlib import Path
from types import TracebackType

import pandas as pd

from course.errors import DataError
from course.measure.metrics import RequestMetrics
from course.measure.summary import requests_frame


class JsonlRecorder:
    """Append :class:`RequestMetrics` to a JSONL file, one flushed line each (thread-safe).

    Use as a context manager; ``path=None`` records nothing (so callers need no special case).
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._fh = None
        self._lock = threading.Lock()

    def __enter__(self) -> JsonlRecorder:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("a", encoding="utf-8")
        return self

    def write(self, metrics: RequestMetrics) -> None:
        if self._fh is None:
            return
        line = json.dumps(metrics.to_record(), ensure_ascii=False)
        with self._lock:
            self._fh.write(line + "\n")
            self._fh.flush()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def load_metrics(path: str | Path) -> list[RequestMetrics]:
    """Read a results JSONL back; a truncated last line (a run killed mid-write) is skipped with a warning."""
    path = Path(path)
    if not path.exists():
        raise DataError(
            f"No results file at {path}.", fix="Check the path (`bench --out DIR` writes DIR/results.jsonl)."
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[RequestMetrics] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(RequestMetrics.from_record(json.loads(line)))
        except (json.JSONDecodeError, TypeError) as exc:
            if number == len(lines):
                warnings.warn(f"{path}:{number}: skipped an incomplete last line ({exc})", stacklevel=2)
                continue
            raise DataError(
                f"{path}:{number} is not a results record: {exc}",
                fix="Results files hold one JSON object per line, written by course.measure; "
                "remove the damaged line or re-run.",
            ) from exc
    return out


def load_results(path: str | Path) -> pd.DataFrame:
    """A results JSONL as a DataFrame, one row per request."""
    return requests_frame(load_metrics(path))
