"""Capture what native code writes to stderr (llama.cpp's log) instead of printing it."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class CapturedLog:
    """The text written to stderr inside :func:`capture_stderr`; filled when the block exits."""

    text: str = ""
    lines: list[str] = field(default_factory=list)

    def tail(self, n: int = 15) -> str:
        return "\n".join(self.lines[-n:])

    def find(self, needle: str) -> list[str]:
        return [line for line in self.lines if needle in line]


@contextlib.contextmanager
def capture_stderr() -> Iterator[CapturedLog]:
    """Redirect file descriptor 2 and ``sys.stderr`` into one buffer for the block's duration.

    Both are needed: llama.cpp's C code writes to fd 2, while llama-cpp-python's log callback
    prints to ``sys.stderr`` (which in Jupyter is not fd 2).
    """
    log = CapturedLog()
    py_buffer = io.StringIO()
    sys.stderr.flush()
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved_fd = os.dup(2)
        try:
            os.dup2(tmp.fileno(), 2)
            with contextlib.redirect_stderr(py_buffer):
                yield log
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            tmp.seek(0)
            native = tmp.read().decode("utf-8", errors="replace")
            log.text = native + py_buffer.getvalue()
            log.lines = log.text.splitlines()
