"""Quantize a GGUF with llama.cpp and check what came out."""

from __future__ import annotations

import ctypes
from collections import Counter
from pathlib import Path
from typing import Literal

import gguf

from course.errors import ModelError
from course.native_log import capture_stderr

Quant = Literal["F16", "Q8_0", "Q4_0", "Q4_K_M"]
QUANTS: tuple[Quant, ...] = ("F16", "Q8_0", "Q4_0", "Q4_K_M")

# llama.cpp's LLAMA_FTYPE_* values
_FTYPE: dict[str, int] = {"Q8_0": 7, "Q4_0": 2, "Q4_K_M": 15}

#: bits per weight of each quant's main block type (blocks carry their own scales; Q4_1 also a minimum)
BITS_PER_WEIGHT: dict[str, float] = {"F16": 16.0, "Q8_0": 8.5, "Q4_0": 4.5, "Q4_K_M": 4.85, "Q4_1": 5.0}


def quantize_gguf(
    src: Path, dst: Path, *, quant: Quant, n_threads: int | None = None, allow_requantize: bool = False
) -> Path:
    """Write ``src`` quantized to ``quant`` at ``dst`` (llama_model_quantize).

    ``allow_requantize`` accepts an already quantized ``src`` (e.g. a downloaded Q4_1): the result carries
    both roundings, so it shows what a coarser format does to answers, never what a finer one could recover.
    """
    import llama_cpp

    if quant not in _FTYPE:
        raise ModelError(
            f"Unknown quantization {quant!r}.",
            fix=f"Use one of {', '.join(_FTYPE)} (F16 is the unquantized source).",
        )
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(dst.suffix + ".partial")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = _FTYPE[quant]
    params.nthread = n_threads or 0
    params.allow_requantize = allow_requantize
    with capture_stderr() as log:  # llama.cpp prints a line per tensor
        status = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), ctypes.byref(params))
    if status != 0 or not tmp.exists():
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"llama.cpp could not quantize {src.name} to {quant} (status {status}). It said:\n{log.tail(6)}",
            fix="Check that the source is a valid F16 GGUF and that the disk has space.",
        )
    tmp.replace(dst)
    return dst


def tensor_types(path: Path) -> dict[str, str]:
    """Tensor name -> GGML type name (``F16``, ``Q4_K``, ...) read from the file's header."""
    reader = gguf.GGUFReader(path)
    return {t.name: t.tensor_type.name for t in reader.tensors}


def weight_type_counts(path: Path) -> Counter[str]:
    """How many 2-D weight tensors have each type (norm vectors excluded)."""
    reader = gguf.GGUFReader(path)
    return Counter(t.tensor_type.name for t in reader.tensors if len(t.shape) > 1)
