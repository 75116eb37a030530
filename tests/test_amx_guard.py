"""The AMX guard: llama.cpp's AMX kernels crash on quantized models, so the course keeps them off."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.backends.amx import build_uses_amx, extra_buffer_types_off


def _cpu_has_amx_int8() -> bool:
    cpuinfo = Path("/proc/cpuinfo")
    return cpuinfo.exists() and "amx_int8" in cpuinfo.read_text()


def test_extra_buffer_types_are_off_inside_the_block_and_restored_after():
    import llama_cpp.llama_cpp as raw

    assert raw.llama_model_default_params().use_extra_bufts is True
    with extra_buffer_types_off():
        assert raw.llama_model_default_params().use_extra_bufts is False
    assert raw.llama_model_default_params().use_extra_bufts is True


def test_a_quantized_model_loads_and_answers_with_extra_buffer_types_off(embedded_paths: dict[str, Path]):
    from llama_cpp import Llama

    with extra_buffer_types_off():
        llm = Llama(str(embedded_paths["Q8_0"]), n_ctx=256, n_threads=1, verbose=False)
    try:
        out = llm.create_completion("What is an open-weights model?", max_tokens=8, temperature=0)
        assert out["usage"]["completion_tokens"] >= 1
    finally:
        llm.close()


@pytest.mark.skipif(not _cpu_has_amx_int8(), reason="this CPU has no AMX-INT8, so any build is safe")
def test_the_makefile_build_leaves_amx_out():
    assert not build_uses_amx(), (
        "llama-cpp-python was built with AMX kernels on an AMX CPU: quantized models will segfault. "
        "Rebuild with the Makefile (make clean-venv && make setup), which passes -mno-amx-int8."
    )
