"""llama.cpp's AMX kernels crash on quantized models: detect such a build and load without them.

A llama-cpp-python compiled on an Intel Xeon of the 4th generation or later (``-march=native``
turns on AMX-INT8) segfaults at the first decode of a Q8_0, Q4_0 or Q4_K_M model
(llama-cpp-python 0.3.36, seen on this project's machines; F16 runs). A segfault kills a Jupyter
kernel without a message, so the course checks the build first. The Makefile builds without AMX
(``-mno-amx-int8``); a build made another way is loaded with llama.cpp's extra buffer types off
(the same as llama-server's ``--no-repack``): slower on some CPUs, but it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

AMX_NOTE = (
    "this llama.cpp build has AMX kernels, which crash on quantized models: loaded with extra buffer "
    "types off (slower); rebuild without them: make clean-venv && make setup"
)


@cache
def build_uses_amx() -> bool:
    """True when the installed llama.cpp was compiled with its AMX-INT8 kernels."""
    import llama_cpp

    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


@contextmanager
def extra_buffer_types_off() -> Iterator[None]:
    """Within the block, llama-cpp-python loads models with ``use_extra_bufts=False``."""
    import llama_cpp.llama_cpp as raw

    original = raw.llama_model_default_params

    def without_extra_buffers():
        params = original()
        params.use_extra_bufts = False
        return params

    raw.llama_model_default_params = without_extra_buffers
    try:
        yield
    finally:
        raw.llama_model_default_params = original
