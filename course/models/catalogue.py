"""The catalogue of real GGUF models to fetch when online (course/data/models.json)."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from course.config import load_settings
from course.errors import DataError, ModelFetchError, ModelNotFoundError


@dataclass(frozen=True)
class CatalogueModel:
    """One downloadable model: where it lives on the hub, how big it is, and its licence."""

    name: str
    repo_id: str
    filename: str
    params_b: float
    quant: str
    file_size_gb: float
    licence: str
    licence_restriction: str
    licence_url: str

    def local_path(self, models_dir: Path | None = None) -> Path:
        return (models_dir or load_settings().models_dir) / self.filename


@cache
def catalogue() -> tuple[CatalogueModel, ...]:
    """Every catalogue entry, validated."""
    raw = json.loads(resources.files("course.data").joinpath("models.json").read_text(encoding="utf-8"))
    models = []
    for i, row in enumerate(raw.get("models", [])):
        try:
            model = CatalogueModel(**row)
        except TypeError as exc:
            raise DataError(
                f"course/data/models.json: entry {i} is malformed ({exc}).",
                fix="Give every entry exactly the fields of CatalogueModel.",
            ) from None
        if not model.filename.endswith(".gguf") or model.file_size_gb <= 0:
            raise DataError(
                f"course/data/models.json: entry {model.name!r} needs a .gguf filename and a positive size.",
                fix="Correct the entry.",
            )
        models.append(model)
    return tuple(models)


def find_model(name: str) -> CatalogueModel:
    """The catalogue entry called ``name`` (close names are suggested when it is not found)."""
    by_name = {m.name: m for m in catalogue()}
    if name in by_name:
        return by_name[name]
    close = difflib.get_close_matches(name, list(by_name), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ModelNotFoundError(
        f"{name!r} is not in the model catalogue.{hint}",
        fix="List the names with `python -m course models list`.",
    )


def fetch_model(name: str, *, models_dir: Path | None = None) -> Path:
    """Download a catalogue model with huggingface_hub (resumes; skips a file already there)."""
    model = find_model(name)
    target = model.local_path(models_dir)
    if target.exists():
        return target
    _check_hub_reachable()
    try:
        from huggingface_hub import hf_hub_download

        path = hf_hub_download(repo_id=model.repo_id, filename=model.filename, local_dir=target.parent)
    except Exception as exc:  # huggingface_hub raises many types for offline / not found
        raise ModelFetchError(
            f"Could not download {model.filename} from {model.repo_id} "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no detail'}).",
            fix="Check your internet connection (and HF_TOKEN for gated repos). Offline, the course "
            "runs on its embedded model: leave COURSE_MODEL unset or set it to `embedded`.",
        ) from None
    return Path(path)


def _check_hub_reachable(timeout_s: float = 3.0) -> None:
    """Fail in seconds when offline, instead of after huggingface_hub's minute of retries."""
    import os
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        raise ModelFetchError(
            "HF_HUB_OFFLINE is set: the model hub is not contacted.",
            fix="Unset HF_HUB_OFFLINE to fetch catalogue models. Offline, the course runs on its "
            "embedded model: leave COURSE_MODEL unset or set it to `embedded`.",
        )
    host = urlparse(constants.ENDPOINT).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=timeout_s).close()
    except OSError as exc:
        raise ModelFetchError(
            f"Cannot reach {host} ({exc.strerror or exc}): this machine looks offline.",
            fix="Connect to the internet to fetch catalogue models. Offline, the course runs on its "
            "embedded model: leave COURSE_MODEL unset or set it to `embedded`.",
        ) from None
