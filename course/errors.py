"""The course's error hierarchy: every error says what happened and how to fix it."""

from __future__ import annotations


class CourseError(Exception):
    """Base of every course error; ``fix`` tells the reader what to do next."""

    def __init__(self, message: str, *, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}\n  How to fix: {self.fix}" if self.fix else self.message


class ConfigError(CourseError):
    """A setting (environment variable or argument) has a value the course cannot use."""


class NoPublishedThroughputError(ConfigError):
    """No published measurement prices this model on this GPU; ``measured_gpus`` are the GPUs that have one.

    Callers that can take the learner's own rates (the calculator, ``python -m course cost``) catch it and
    say how to give them there.
    """

    def __init__(self, message: str, *, fix: str, measured_gpus: tuple[str, ...]) -> None:
        super().__init__(message, fix=fix)
        self.measured_gpus = measured_gpus


class ModelError(CourseError):
    """Finding, building, fetching or loading a model failed."""


class ModelNotFoundError(ModelError):
    """The model path or catalogue name does not exist."""


class ModelLoadError(ModelError):
    """The file exists but llama.cpp could not load it (LFS pointer, truncated, corrupt)."""


class ModelFetchError(ModelError):
    """Downloading a catalogue model failed (offline, unknown repo, no disk space)."""


class BackendError(CourseError):
    """A backend could not answer a request."""


class ContextOverflowError(BackendError):
    """The prompt plus the requested output does not fit in the model's context window."""


class MissingKeyError(BackendError):
    """An API backend was asked to call a remote API with no key set."""


class ApiError(BackendError):
    """An OpenAI-compatible API call failed; ``status_code``: HTTP status, ``request_id``: the server's id.

    Quote ``request_id`` (the ``x-request-id`` header) when you ask a provider's support about a failure.
    """

    def __init__(
        self, message: str, *, fix: str = "", status_code: int | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(message, fix=fix)
        self.status_code = status_code
        self.request_id = request_id


class ApiAuthError(ApiError):
    """The API rejected the key (HTTP 401/403)."""


class UnknownModelError(ApiError):
    """The API does not serve the requested model (HTTP 404)."""


class ApiRateLimitError(ApiError):
    """The API asked us to slow down (HTTP 429); ``retry_after_s`` is its hint, if any."""

    def __init__(
        self,
        message: str,
        *,
        fix: str = "",
        status_code: int | None = 429,
        request_id: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, fix=fix, status_code=status_code, request_id=request_id)
        self.retry_after_s = retry_after_s


class ApiServerError(ApiError):
    """The remote API failed on its side: an HTTP 5xx, or a stream that broke or was malformed."""


class ApiContextLengthError(ApiError, ContextOverflowError):
    """The API refused the request (HTTP 400) because prompt plus output exceed the model's context."""


class UnreachableError(ApiError):
    """The API host could not be reached (DNS, refused connection, no network)."""


class RequestTimeoutError(ApiError):
    """The API did not answer within the timeout."""


class ServerStartError(BackendError):
    """A loopback server (llama-server, llama_cpp.server) did not start or did not become healthy."""


class DataError(CourseError):
    """A bundled data file (prices, catalogue, eval set) is missing or invalid."""
