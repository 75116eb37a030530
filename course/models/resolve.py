"""Turn a model setting (a path, a catalogue name, "smollm2-135m", "embedded[:QUANT]"...) into a GGUF path."""

from __future__ import annotations

from pathlib import Path

from course.config import DEFAULT_LOCAL_MODEL, ENV_MODEL, load_settings
from course.errors import ModelLoadError, ModelNotFoundError
from course.models.catalogue import catalogue, find_model
from course.models.embedded import DEFAULT_QUANT, STANDIN_NAME, ensure_embedded_model, ensure_standin_model
from course.models.quantize import QUANTS
from course.models.smollm2 import NAME as SMOLLM2_NAME
from course.models.smollm2 import ensure_smollm2

GGUF_MAGIC = b"GGUF"
LFS_POINTER_PREFIX = b"version https://git-lfs"


def resolve_model(spec: str | Path | None = None) -> Path:
    """The GGUF file for ``spec``; None means ``COURSE_MODEL``, else the default local model (SmolLM2).

    ``spec`` is a path, a catalogue name, ``smollm2-135m`` (SmolLM2-135M-Instruct, the default, installed
    by ``make model``), ``embedded[:QUANT]`` (the course's own small model, built offline in a second),
    ``standin`` (the frontier stand-in, offline), or ``synthetic:NAME[:QUANT]`` (random weights in a real
    model's shape, built on first use: for speed measurements only).
    """
    if spec is None:
        spec = load_settings().model or DEFAULT_LOCAL_MODEL
    text = str(spec)
    if text == SMOLLM2_NAME:
        return ensure_smollm2()
    if text.startswith("synthetic:"):
        return _synthetic(text)
    if text == STANDIN_NAME:
        return ensure_standin_model()
    if text == "embedded" or text.startswith("embedded:"):
        quant = text.partition(":")[2].upper() or DEFAULT_QUANT
        if quant not in QUANTS:
            raise ModelNotFoundError(
                f"{text!r}: unknown quantization {quant!r}.",
                fix=f"Use embedded:{' / embedded:'.join(QUANTS)}.",
            )
        return ensure_embedded_model(quant)
    path = Path(text).expanduser()
    if path.exists():
        return path
    names = {m.name for m in catalogue()}
    if text in names:
        model = find_model(text)
        local = model.local_path()
        if local.exists():
            return local
        raise ModelNotFoundError(
            f"Catalogue model {text!r} ({model.file_size_gb} GB) is not downloaded yet.",
            fix=f"Run `python -m course models fetch {text}` (needs internet), or unset {ENV_MODEL} "
            f"to use the default ({DEFAULT_LOCAL_MODEL}).",
        )
    raise ModelNotFoundError(
        f"No model file at {path} (and {text!r} is not a catalogue name).",
        fix=f"Check the path, pick a name from `python -m course models list`, or unset {ENV_MODEL} "
        f"to use the default ({DEFAULT_LOCAL_MODEL}; {ENV_MODEL}=embedded: the course's own small model).",
    )


def _synthetic(text: str) -> Path:
    from course.models.synthetic import SYNTHETIC_SHAPES, ensure_synthetic_model

    _, name, quant = [*text.split(":"), ""][:3]
    quant = quant.upper() or "Q4_0"
    if name not in SYNTHETIC_SHAPES or quant not in QUANTS:
        raise ModelNotFoundError(
            f"{text!r} is not a synthetic model this course can build.",
            fix=f"Use synthetic:NAME[:QUANT] with NAME one of {', '.join(SYNTHETIC_SHAPES)} "
            f"and QUANT one of {', '.join(QUANTS)}.",
        )
    return ensure_synthetic_model(name, quant=quant)


def check_gguf_file(path: Path) -> None:
    """Fail early, with the real cause, on files llama.cpp would reject with a vague message."""
    if path.is_dir():
        raise ModelNotFoundError(
            f"{path} is a folder, not a GGUF file.", fix="Point to the .gguf file inside it."
        )
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.startswith(LFS_POINTER_PREFIX):
        raise ModelLoadError(
            f"{path} is a Git LFS pointer (a small text file), not the model itself.",
            fix="Fetch the real file: `git lfs pull` in its repository, or "
            "`python -m course models fetch NAME` for a catalogue model.",
        )
    if not head.startswith(GGUF_MAGIC):
        raise ModelLoadError(
            f"{path} is not a GGUF file (it starts with {head[:8]!r}, not b'GGUF').",
            fix="llama.cpp loads only .gguf files: convert the model (llama.cpp's convert_hf_to_gguf.py) "
            "or download a GGUF build of it.",
        )
