"""Use a real API when one is set up and answering; otherwise say why and carry on with the offline stand-in.

Notebooks call :func:`try_real_api` for their optional API cells, so a learner on bad wifi (a key
set, the API unreachable, slow, rate-limited or rejecting the key) sees the course's error with its
fix and a line saying the stand-in is used instead, and the notebook runs to the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from course.backends.api import ApiBackend
from course.config import DEFAULT_API_MODEL, load_settings
from course.errors import CourseError

T = TypeVar("T")

NOTEBOOK_TIMEOUT_S = 15.0  # per attempt: a cell should not hang on a slow API
NOTEBOOK_MAX_RETRIES = 1  # one retry for a passing glitch, then the stand-in


def try_real_api(
    use: Callable[[ApiBackend], T],
    *,
    model: str | None = None,
    default_model: str = DEFAULT_API_MODEL,
    standin: str = "the offline stand-in",
    timeout_s: float = NOTEBOOK_TIMEOUT_S,
    max_retries: int = NOTEBOOK_MAX_RETRIES,
    say: Callable[[str], None] = print,
) -> T | None:
    """``use(api)`` with an :class:`ApiBackend` from the environment, or None after saying why not.

    The API is tried when ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` is set
    (:attr:`~course.config.Settings.real_api_configured`). The model is ``model``, else
    ``COURSE_API_MODEL``, else ``default_model`` (:data:`course.config.DEFAULT_API_MODEL`). Any course
    error (no key, unreachable, a timeout, a 429, a rejected key, ...) is reported with its fix, followed
    by a line saying that ``standin`` is used instead; the caller then runs the stand-in. The backend is
    closed afterwards.
    """
    settings = load_settings()
    if not settings.real_api_configured:
        say(f"Skipped: no OPENAI_API_KEY is set, so no real API is called. Using {standin} instead.")
        return None
    try:
        api = ApiBackend(
            model or settings.api_model or default_model, timeout_s=timeout_s, max_retries=max_retries
        )
    except CourseError as exc:
        say(f"The real API cannot be used: {exc}\n-> Using {standin} instead.")
        return None
    try:
        say(f"Calling {api.model} at {api.base_url} ...")
        return use(api)
    except CourseError as exc:
        say(f"The real API call failed: {type(exc).__name__}: {exc}\n-> Using {standin} instead.")
        return None
    finally:
        api.close()


__all__ = ["NOTEBOOK_MAX_RETRIES", "NOTEBOOK_TIMEOUT_S", "try_real_api"]
