"""GPU memory for serving a model: weights (parameters × bits ÷ 8) plus the KV cache plus runtime overhead.

Built on :mod:`course.models.memory`. Also checks article 003's rule of thumb ("roughly 2GB of VRAM per
billion parameters at 4-bit quantization", 2026-05), which is the 16-bit figure: 4-bit weights take
about 0.5-0.6 GB per billion parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course.errors import ConfigError
from course.models.gguf_llama import LlamaShape
from course.models.memory import kv_cache_gb, weights_gb
from course.models.quantize import BITS_PER_WEIGHT
from course.models.synthetic import LLAMA3_VOCAB, SYNTHETIC_SHAPES

# Llama 3.1 70B Instruct's published shape (config.json on its model card).
LLAMA_70B = LlamaShape(
    name="llama-70b",
    n_layer=80,
    n_embd=8192,
    n_ff=28672,
    n_head=64,
    n_head_kv=8,
    n_vocab=LLAMA3_VOCAB,
    n_ctx_train=131072,
    rope_theta=500000.0,
)
SHAPES: dict[str, LlamaShape] = {
    "Llama 3.2 1B": SYNTHETIC_SHAPES["llama-1b"],
    "Llama 3.1 8B": SYNTHETIC_SHAPES["llama-8b"],
    "Llama 3.1 70B": LLAMA_70B,
}
# Weights at each precision, in bits per weight (GGUF quants include their block scales).
PRECISIONS: dict[str, float] = {
    "BF16/F16": 16.0,
    "Q8_0": BITS_PER_WEIGHT["Q8_0"],
    "Q4_K_M": BITS_PER_WEIGHT["Q4_K_M"],
}
SOURCE_003_GB_PER_BILLION = 2.0  # article 003's rule of thumb, said to hold "at 4-bit quantization"
DEFAULT_OVERHEAD_GB = 1.5  # assumption: CUDA context, activations, runtime buffers; measure with nvidia-smi


@dataclass(frozen=True)
class VramEstimate:
    """GPU memory one replica needs, by part, in GB (10^9 bytes)."""

    model: str
    params_billion: float
    precision: str
    bits_per_weight: float
    n_ctx: int
    n_sequences: int
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    total_gb: float
    source_003_rule_gb: float  # what "2 GB per billion" would say

    def gpus_needed(self, *, vram_gb_per_gpu: float) -> int:
        """Cards of ``vram_gb_per_gpu`` that hold it (tensor-parallel split, ignoring its own overhead)."""
        if vram_gb_per_gpu <= 0:
            raise ConfigError(f"vram_gb_per_gpu is {vram_gb_per_gpu!r}.", fix="Pass a card size above 0 GB.")
        return math.ceil(self.total_gb / vram_gb_per_gpu)


def estimate_vram(
    model: str,
    *,
    precision: str = "Q4_K_M",
    n_ctx: int = 8192,
    n_sequences: int = 1,
    kv_bytes_per_value: float = 2.0,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
) -> VramEstimate:
    """Memory for ``model`` (a :data:`SHAPES` key) at ``precision``, ``n_sequences`` of ``n_ctx`` tokens.

    ``kv_bytes_per_value`` is 2 for an F16 KV cache (1 for an 8-bit cache).
    """
    if model not in SHAPES:
        raise ConfigError(f"No shape for {model!r}.", fix=f"Use one of: {', '.join(SHAPES)}.")
    if precision not in PRECISIONS:
        raise ConfigError(f"Unknown precision {precision!r}.", fix=f"Use one of: {', '.join(PRECISIONS)}.")
    for name, value in (("n_ctx", n_ctx), ("n_sequences", n_sequences)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} is {value!r}.", fix=f"Pass {name} as a whole number of 1 or more.")
    if not 0 <= overhead_gb < math.inf or not 0 < kv_bytes_per_value <= 4:
        raise ConfigError(
            "overhead_gb or kv_bytes_per_value is out of range.", fix="Use 0+ GB and 0-4 bytes."
        )
    shape = SHAPES[model]
    bits = PRECISIONS[precision]
    weights = weights_gb(params=shape.n_params, bits_per_weight=bits)
    kv = kv_cache_gb(shape, n_ctx=n_ctx, n_sequences=n_sequences, bytes_per_value=kv_bytes_per_value)
    return VramEstimate(
        model=model,
        params_billion=shape.n_params / 1e9,
        precision=precision,
        bits_per_weight=bits,
        n_ctx=n_ctx,
        n_sequences=n_sequences,
        weights_gb=weights,
        kv_cache_gb=kv,
        overhead_gb=overhead_gb,
        total_gb=weights + kv + overhead_gb,
        source_003_rule_gb=SOURCE_003_GB_PER_BILLION * shape.n_params / 1e9,
    )


def gb_per_billion_params(bits_per_weight: float) -> float:
    """Weights alone: one billion parameters at ``bits_per_weight`` bits is bits ÷ 8 GB."""
    return weights_gb(params=1e9, bits_per_weight=bits_per_weight)


def bits_implied_by_source_003() -> float:
    """The precision at which 2 GB per billion parameters holds for the weights: 16 bits."""
    return SOURCE_003_GB_PER_BILLION * 8
