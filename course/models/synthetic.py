"""Synthetic real-shape models: random weights in the exact shape of a named architecture.

llama.cpp's speed depends on tensor shapes and types, not on weight values, so a random model of
a real model's shape gives honest speed figures offline. Its answers are noise. Tensors are
streamed to disk one at a time (an 8B shape is about 16 GB at F16), then quantized by llama.cpp.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from course.config import load_settings
from course.errors import ModelError
from course.models.embedded import embedded_vocab
from course.models.gguf_llama import LlamaShape, random_tensor_source, write_llama_gguf
from course.models.quantize import Quant, quantize_gguf
from course.progress import progress_bar

SYNTHETIC_SEED = 7
LLAMA3_VOCAB = 128256

SYNTHETIC_SHAPES: dict[str, LlamaShape] = {
    # big enough (~92 M params; 52–184 MB) that it cannot live in a CPU cache: for rooflines
    "roofline-90m": LlamaShape(
        name="roofline-90m", n_layer=8, n_embd=1024, n_ff=2816, n_head=16, n_head_kv=4, n_vocab=1024
    ),
    # SmolLM2-135M(-Instruct)'s shape (tied embeddings; 269 MB at F16): the course's default model, so lab 01
    # can compare F16, Q8_0 and Q4_0 of a real shape that outgrows a CPU's fast caches (rows of 576 and 1536
    # are multiples of 32, so Q8_0 and Q4_0 apply; the K-quants need 256 and fall back)
    "smollm2-135m": LlamaShape(
        name="smollm2-135m",
        n_layer=30,
        n_embd=576,
        n_ff=1536,
        n_head=9,
        n_head_kv=3,
        n_vocab=49152,
        n_ctx_train=8192,
        rope_theta=100000.0,
        tied_embeddings=True,
    ),
    # Llama 3.2 1B Instruct's shape (tied embeddings)
    "llama-1b": LlamaShape(
        name="llama-1b",
        n_layer=16,
        n_embd=2048,
        n_ff=8192,
        n_head=32,
        n_head_kv=8,
        n_vocab=LLAMA3_VOCAB,
        n_ctx_train=8192,
        rope_theta=500000.0,
        tied_embeddings=True,
    ),
    # Llama 3.1 8B Instruct's shape
    "llama-8b": LlamaShape(
        name="llama-8b",
        n_layer=32,
        n_embd=4096,
        n_ff=14336,
        n_head=32,
        n_head_kv=8,
        n_vocab=LLAMA3_VOCAB,
        n_ctx_train=8192,
        rope_theta=500000.0,
    ),
}


def synthetic_model_path(name: str, quant: Quant, *, models_dir: Path | None = None) -> Path:
    return (models_dir or load_settings().models_dir) / "synthetic" / f"{name}-{quant.lower()}.gguf"


def ensure_synthetic_model(
    name: str,
    *,
    quant: Quant = "Q4_0",
    models_dir: Path | None = None,
    keep_f16: bool | None = None,
    progress: bool = True,
) -> Path:
    """Return the synthetic model ``name`` at ``quant``, writing and quantizing it if missing.

    ``keep_f16`` defaults to True for small shapes and False for shapes over 4 GB at F16.
    """
    if name not in SYNTHETIC_SHAPES:
        raise ModelError(
            f"Unknown synthetic shape {name!r}.", fix=f"Use one of {', '.join(SYNTHETIC_SHAPES)}."
        )
    shape = SYNTHETIC_SHAPES[name]
    target = synthetic_model_path(name, quant, models_dir=models_dir)
    if target.exists():
        return target
    f16 = synthetic_model_path(name, "F16", models_dir=models_dir)
    f16_bytes = shape.n_params * 2
    if not f16.exists():
        free = shutil.disk_usage(_existing_parent(f16)).free
        if free < f16_bytes * 1.4:
            raise ModelError(
                f"Writing {name} needs about {f16_bytes * 1.4 / 1e9:.1f} GB free; "
                f"{free / 1e9:.1f} GB is free.",
                fix="Free disk space, or set COURSE_CACHE_DIR to a larger disk.",
            )
        vocab = embedded_vocab()
        if len(vocab) < shape.n_vocab:
            vocab = vocab.padded(shape.n_vocab)
        bar = progress_bar(
            total=f16_bytes, unit="B", unit_scale=True, desc=f"writing {name} F16", disable=not progress
        )
        with bar:
            write_llama_gguf(
                f16,
                shape=shape,
                vocab=vocab,
                tensors=random_tensor_source(seed=SYNTHETIC_SEED, unique_rows=4096),
                description=f"Synthetic {name}: random weights in a real shape, for speed tests only",
                progress=bar.update,
            )
    if quant == "F16":
        return f16
    quantize_gguf(f16, target, quant=quant)
    if keep_f16 is False or (keep_f16 is None and f16_bytes > 4e9):
        f16.unlink()
    return target


def _existing_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent
