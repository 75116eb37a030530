"""Settings read from environment variables, each with a sensible default.

Read on every call (cheap), so a notebook that sets ``os.environ`` sees the change at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import ConfigError

ENV_CACHE_DIR = "COURSE_CACHE_DIR"
ENV_MODEL = "COURSE_MODEL"
ENV_THREADS = "COURSE_THREADS"
ENV_GPU_LAYERS = "COURSE_GPU_LAYERS"
ENV_API_MODEL = "COURSE_API_MODEL"
ENV_OPENAI_BASE_URL = "OPENAI_BASE_URL"
ENV_OPENAI_API_KEY = "OPENAI_API_KEY"
#: The API model the labs call (and price the offline stand-in as) when ``COURSE_API_MODEL`` is unset:
#: one constant, so every lab, notebook fallback and mode line names the same model.
DEFAULT_API_MODEL = "gpt-5.4-mini"  # current (not on OpenAI's deprecations page); the "frontier-small" role
#: The local model the lessons and labs run when ``COURSE_MODEL`` is unset: SmolLM2-135M-Instruct, a real
#: pretrained open model small enough for any laptop (``make model`` installs it; course.models.smollm2).
#: ``embedded`` (the course's own few-MB model) is what tests pin when they need a model, not this one.
DEFAULT_LOCAL_MODEL = "smollm2-135m"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "open-vs-frontier"


def _int_env(name: str, default: int | None) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a whole number.",
            fix=f"Set {name} to an integer (for example `export {name}=2`) or unset it.",
        ) from None


@dataclass(frozen=True)
class Settings:
    """The course's settings; build with :func:`load_settings`."""

    cache_dir: Path
    model: str | None  # COURSE_MODEL as set (None: unset, the course runs DEFAULT_LOCAL_MODEL)
    n_threads: int
    gpu_layers: int | None  # None = automatic (all layers when the build can offload); -1 = all
    api_model: str | None
    openai_base_url: str | None
    openai_api_key: str | None = field(repr=False)  # never printed

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def real_api_configured(self) -> bool:
        """True when ``OPENAI_API_KEY`` or ``OPENAI_BASE_URL`` is set: the labs then call that API
        instead of the offline stand-in (a base URL alone is enough for a local proxy that needs no key)."""
        return bool(self.openai_api_key or self.openai_base_url)


def load_settings() -> Settings:
    """Read the settings from the environment now."""
    cores = os.cpu_count() or 1
    threads = _int_env(ENV_THREADS, None)
    if threads is not None and threads < 1:  # 0 is not "all cores": llama.cpp would get no thread
        raise ConfigError(
            f"{ENV_THREADS}={threads} asks for no CPU threads.",
            fix=f"Set it to a positive count (e.g. `export {ENV_THREADS}={cores}`), or unset it to use "
            f"every logical core ({cores} here).",
        )
    gpu_layers = _int_env(ENV_GPU_LAYERS, None)
    if gpu_layers is not None and gpu_layers < -1:
        raise ConfigError(
            f"{ENV_GPU_LAYERS}={gpu_layers} is not a layer count.",
            fix="Use 0 (CPU only), a positive count, or -1 (every layer); unset it for automatic.",
        )
    return Settings(
        cache_dir=Path(os.environ.get(ENV_CACHE_DIR) or _default_cache_dir()).expanduser(),
        model=os.environ.get(ENV_MODEL) or None,
        n_threads=threads if threads is not None else cores,
        gpu_layers=gpu_layers,
        api_model=os.environ.get(ENV_API_MODEL) or None,
        openai_base_url=os.environ.get(ENV_OPENAI_BASE_URL) or None,
        openai_api_key=os.environ.get(ENV_OPENAI_API_KEY) or None,
    )


ENV_HEADLESS = "COURSE_HEADLESS"


def is_headless() -> bool:
    """True when notebooks run with no one watching (tests, CI): widgets then show static output."""
    return os.environ.get(ENV_HEADLESS, "").strip().lower() in {"1", "true", "yes"}
