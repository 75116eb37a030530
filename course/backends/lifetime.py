"""Close llama.cpp models before the interpreter shuts down.

llama-cpp-python frees a model in ``Llama.__del__``. A model still referenced when the interpreter exits (a
cached tokenizer, a backend a notebook never closed) is collected after the library's module globals are
gone, and its ``__del__`` prints "TypeError: 'NoneType' object is not callable" to stderr. :func:`track`
registers a model; an atexit hook closes every tracked model that is still alive while everything exists.
"""

from __future__ import annotations

import atexit
import contextlib
import weakref
from typing import Any

_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def track(llm: Any) -> Any:
    """Close ``llm`` (a ``llama_cpp.Llama``) at interpreter exit if nothing closed it before; returns it."""
    _LIVE.add(llm)
    return llm


@atexit.register
def _close_live_models() -> None:
    for llm in list(_LIVE):
        with contextlib.suppress(Exception):  # exiting: a model that cannot close must not hide the exit code
            llm.close()
