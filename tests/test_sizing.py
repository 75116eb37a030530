"""GPU memory = parameters × bits ÷ 8 + KV cache + overhead, and article 003's 2 GB/billion rule."""

from __future__ import annotations

import pytest

from course.economics import sizing
from course.errors import ConfigError
from course.plots.operations import plot_vram


def test_70b_shape_has_70_billion_parameters() -> None:
    assert 70.4e9 < sizing.LLAMA_70B.n_params < 70.7e9
    assert 8.0e9 < sizing.SHAPES["Llama 3.1 8B"].n_params < 8.1e9


def test_weights_are_params_times_bits_over_8() -> None:
    e = sizing.estimate_vram("Llama 3.1 70B", precision="Q4_K_M", n_ctx=8192)
    assert e.weights_gb == pytest.approx(e.params_billion * 4.85 / 8)
    # KV cache by hand: 2 (K, V) x 80 layers x 8 KV heads x 128 dims x 8192 tokens x 2 bytes
    assert e.kv_cache_gb == pytest.approx(2 * 80 * 8 * 128 * 8192 * 2 / 1e9)
    assert e.total_gb == pytest.approx(e.weights_gb + e.kv_cache_gb + e.overhead_gb)
    assert e.total_gb < 48 < e.source_003_rule_gb  # fits the 48 GB the seed itself names


def test_source_003_rule_is_the_16_bit_figure() -> None:
    assert sizing.bits_implied_by_source_003() == 16
    assert sizing.gb_per_billion_params(16) == pytest.approx(2.0)
    assert sizing.gb_per_billion_params(4) == pytest.approx(0.5)
    f16 = sizing.estimate_vram("Llama 3.1 8B", precision="BF16/F16")
    assert f16.weights_gb == pytest.approx(f16.source_003_rule_gb)


def test_kv_cache_grows_with_context_and_sequences() -> None:
    one = sizing.estimate_vram("Llama 3.1 8B", n_ctx=4096)
    many = sizing.estimate_vram("Llama 3.1 8B", n_ctx=4096, n_sequences=16)
    assert many.kv_cache_gb == pytest.approx(16 * one.kv_cache_gb)
    assert sizing.estimate_vram(
        "Llama 3.1 8B", n_ctx=4096, kv_bytes_per_value=1
    ).kv_cache_gb == pytest.approx(one.kv_cache_gb / 2)


def test_gpus_needed() -> None:
    assert sizing.estimate_vram("Llama 3.1 70B", precision="BF16/F16").gpus_needed(vram_gb_per_gpu=80) == 2
    assert sizing.estimate_vram("Llama 3.1 70B", precision="Q4_K_M").gpus_needed(vram_gb_per_gpu=80) == 1
    with pytest.raises(ConfigError):
        sizing.estimate_vram("Llama 3.1 8B").gpus_needed(vram_gb_per_gpu=0)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"model": "GPT-5"}, "No shape"),
        ({"precision": "Q3"}, "precision"),
        ({"n_ctx": 0}, "n_ctx"),
        ({"n_sequences": 1.5}, "n_sequences"),
        ({"overhead_gb": -1}, "overhead_gb"),
    ],
)
def test_bad_sizing_inputs(kwargs: dict, field: str) -> None:
    model = kwargs.pop("model", "Llama 3.1 8B")
    with pytest.raises(ConfigError, match=field):
        sizing.estimate_vram(model, **kwargs)


def test_vram_figure_has_a_bar_per_estimate() -> None:
    estimates = [sizing.estimate_vram(m, precision=p) for m in sizing.SHAPES for p in ("BF16/F16", "Q4_K_M")]
    ax = plot_vram(estimates).axes[0]
    assert len(ax.patches) == 3 * len(estimates) and ax.get_yscale() == "linear"
    assert plot_vram(estimates, log_y=True).axes[0].get_yscale() == "log"
