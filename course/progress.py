"""Progress bars that read in every rendering of a notebook, live or saved.

tqdm's notebook bar is an ipywidget: a saved notebook opened without the widget manager (nbconvert, GitHub,
VS Code) shows only its text form at the moment it was created, a bar frozen at "0%". So a bar is plain text
when the notebook runs headless (``COURSE_HEADLESS``: tests, CI, nbconvert), and a live widget otherwise
that, when it closes, also prints its final state as one line of text: a static rendering shows that line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def progress_bar(
    iterable: Iterable[T] | None = None,
    *,
    desc: str | None = None,
    total: float | None = None,
    unit: str = "it",
    unit_scale: bool = False,
    disable: bool = False,
    leave: bool = True,
) -> Any:
    """A tqdm bar (iterate it, or ``update()`` it and ``close()`` or ``with`` it), as the module says."""
    options: dict[str, Any] = {"desc": desc, "total": total, "unit": unit, "unit_scale": unit_scale}
    options |= {"disable": disable, "leave": leave}
    if is_headless() or not _in_notebook():
        from tqdm.std import tqdm

        return tqdm(iterable, mininterval=1.0, **options)
    return _notebook_bar_class()(iterable, **options)


def is_headless() -> bool:
    """``COURSE_HEADLESS`` as :func:`course.config.is_headless` reads it (this module sits below config)."""
    return os.environ.get("COURSE_HEADLESS", "").strip().lower() in {"1", "true", "yes"}


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ipython = shell.get_ipython()
    except AttributeError:
        return False
    return ipython is not None and type(ipython).__name__ == "ZMQInteractiveShell"


_CLASS: dict[str, type] = {}


def _notebook_bar_class() -> type:
    """tqdm's notebook bar that prints its final state as text when it closes (built on first use)."""
    if "bar" not in _CLASS:
        from tqdm.notebook import tqdm as notebook_tqdm

        class TextOnCloseBar(notebook_tqdm):
            def close(self) -> None:
                was_open = not getattr(self, "_course_closed", False) and not self.disable
                super().close()
                self._course_closed = True
                if was_open:
                    print(self.format_meter(**self.format_dict))

        _CLASS["bar"] = TextOnCloseBar
    return _CLASS["bar"]
