"""The embedded model: a small llama-architecture GGUF the course builds itself, offline.

It is byte-for-byte deterministic. When ``course/data/embedded/tinychat-f16.gguf`` exists (the
trained weights, rebuilt by ``scripts/train_embedded_model.py``), it is the source; otherwise
the same shape is written with seeded random weights. Either way the quantized variants are made
from it with llama.cpp.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache
from importlib import resources
from pathlib import Path

from course.config import load_settings
from course.errors import ModelError
from course.models.gguf_llama import LlamaShape, random_tensor_source, write_llama_gguf
from course.models.quantize import QUANTS, Quant, quantize_gguf
from course.models.vocab import Vocab, build_vocab

EMBEDDED_NAME = "tinychat"
EMBEDDED_SEED = 20261121
DEFAULT_QUANT: Quant = "Q8_0"

EMBEDDED_SHAPE = LlamaShape(
    name=EMBEDDED_NAME,
    n_layer=4,
    n_embd=256,  # a multiple of 256, so the K-quants really apply
    n_ff=768,
    n_head=4,
    n_head_kv=2,
    n_vocab=1024,
    n_ctx_train=512,
)


#: The offline "frontier" model: the same vocabulary and architecture, more layers, trained on more
#: of the course's evaluation task (its hard items too). Committed quantized (Q8_0) to stay small.
STANDIN_NAME = "standin"
STANDIN_LABEL = "frontier stand-in (offline)"
STANDIN_SHAPE = LlamaShape(
    name=STANDIN_NAME,
    n_layer=6,
    n_embd=256,
    n_ff=768,
    n_head=4,
    n_head_kv=2,
    n_vocab=1024,
    n_ctx_train=512,
)


def _data_file(name: str) -> Path:
    return Path(str(resources.files("course.data") / "embedded" / name))


def qa_pairs() -> list[dict[str, str]]:
    """The question/answer pairs the embedded model is trained on."""
    return json.loads(_data_file("qa.json").read_text(encoding="utf-8"))["pairs"]


def corpus_text() -> str:
    """The text the embedded vocabulary is built from."""
    return "\n".join(f"{p['q']}\n{p['a']}" for p in qa_pairs())


@cache
def embedded_vocab() -> Vocab:
    return build_vocab(corpus_text(), size=EMBEDDED_SHAPE.n_vocab)


def trained_weights_file() -> Path:
    """Where the committed trained F16 GGUF lives (it may not exist)."""
    return _data_file(f"{EMBEDDED_NAME}-f16.gguf")


def standin_weights_file() -> Path:
    """The committed stand-in (Q8_0), written by ``scripts/train_embedded_model.py --model standin``."""
    return _data_file(f"{STANDIN_NAME}-q8_0.gguf")


def ensure_standin_model() -> Path:
    """The frontier stand-in's GGUF (used in place: it is committed, not built)."""
    path = standin_weights_file()
    if not path.exists():
        raise ModelError(
            f"The {STANDIN_LABEL} is missing: no {path}.",
            fix="Restore it from the repository (git checkout), or retrain it: "
            "`python scripts/train_embedded_model.py --model standin` (needs torch).",
        )
    return path


def source_fingerprint() -> str:
    """12 hex digits naming the embedded model's source: a new source gets a new cache folder."""
    trained = trained_weights_file()
    if trained.exists():
        stat = trained.stat()
        return _file_fingerprint(str(trained), stat.st_size, stat.st_mtime_ns)
    recipe = f"{EMBEDDED_SHAPE}|{EMBEDDED_SEED}|{embedded_vocab()}".encode()
    return "r" + hashlib.sha256(recipe).hexdigest()[:11]


@cache
def _file_fingerprint(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def embedded_model_path(quant: Quant = DEFAULT_QUANT, *, models_dir: Path | None = None) -> Path:
    """Where the embedded model of ``quant`` is (or will be) in the cache."""
    directory = (models_dir or load_settings().models_dir) / f"{EMBEDDED_NAME}-{source_fingerprint()}"
    return directory / f"{EMBEDDED_NAME}-{quant.lower()}.gguf"


def build_embedded_f16(dst: Path) -> Path:
    """Write the F16 source: the trained file if committed, else seeded random weights."""
    trained = trained_weights_file()
    if trained.exists():
        _check_trained_vocab(trained)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(trained, dst)
        return dst
    return write_llama_gguf(
        dst,
        shape=EMBEDDED_SHAPE,
        vocab=embedded_vocab(),
        tensors=random_tensor_source(seed=EMBEDDED_SEED),
        description="Open vs Frontier course: embedded model (random weights)",
    )


def _check_trained_vocab(trained: Path) -> None:
    """The trained file must use today's vocabulary (it is derived from qa.json)."""
    import gguf

    field = gguf.GGUFReader(trained).fields["tokenizer.ggml.tokens"]
    tokens = tuple(bytes(field.parts[i]).decode("utf-8") for i in field.data)
    if tokens != embedded_vocab().tokens:
        raise ModelError(
            f"{trained.name} was trained with another vocabulary than course/data/embedded/qa.json gives.",
            fix="Retrain it (`python scripts/train_embedded_model.py`, needs torch), or restore qa.json.",
        )


def ensure_embedded_model(
    quant: Quant = DEFAULT_QUANT, *, models_dir: Path | None = None, rebuild: bool = False
) -> Path:
    """Return the embedded model of ``quant``, building it (and its F16 source) if missing."""
    if quant not in QUANTS:
        raise ValueError(f"quant must be one of {QUANTS}, not {quant!r}")
    path = embedded_model_path(quant, models_dir=models_dir)
    if path.exists() and not rebuild:
        return path
    f16 = embedded_model_path("F16", models_dir=models_dir)
    if rebuild or not f16.exists():
        build_embedded_f16(f16)
    if quant == "F16":
        return f16
    return quantize_gguf(f16, path, quant=quant)


def ensure_all_variants(*, models_dir: Path | None = None, rebuild: bool = False) -> dict[str, Path]:
    """Build every quant variant of the embedded model; returns quant -> path."""
    return {q: ensure_embedded_model(q, models_dir=models_dir, rebuild=rebuild) for q in QUANTS}
