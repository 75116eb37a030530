"""How much memory a model needs: weights (parameters × bits ÷ 8) plus the KV cache."""

from __future__ import annotations

from course.models.gguf_llama import LlamaShape


def weights_gb(*, params: float, bits_per_weight: float) -> float:
    """Gigabytes (10^9 bytes) of weights: parameters × bits per weight ÷ 8."""
    if params <= 0 or bits_per_weight <= 0:
        raise ValueError("params and bits_per_weight must be positive")
    return params * bits_per_weight / 8 / 1e9


def kv_cache_gb(
    shape: LlamaShape, *, n_ctx: int, n_sequences: int = 1, bytes_per_value: float = 2.0
) -> float:
    """Gigabytes of KV cache: 2 (K and V) × layers × KV heads × head size × tokens × bytes."""
    values = 2 * shape.n_layer * shape.n_head_kv * shape.head_dim * n_ctx * n_sequences
    return values * bytes_per_value / 1e9
