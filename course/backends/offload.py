"""GPU offload: the one place that decides how many layers llama.cpp puts on a GPU, and what it did.

:func:`decide_gpu_layers` serves the in-process backend and both loopback servers, so they agree:
an explicit count wins, else ``COURSE_GPU_LAYERS``, else every layer when this llama-cpp-python build
can offload and none when it cannot. :func:`offloaded_layers` and :func:`device_name` read llama.cpp's
load log (CUDA, Metal, Vulkan or CPU builds) to report what actually happened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from course.config import load_settings

ALL_LAYERS = -1  # llama-cpp-python's "every layer"; llama-server wants a large count instead
LLAMA_SERVER_ALL_LAYERS = 999  # more layers than any model has: llama-server then offloads them all

_OFFLOADED = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")
_USING_DEVICE = re.compile(r"using device (\S+)(?: \(([^)]*)\))?")


def gpu_offload_supported() -> bool:
    """True when this llama-cpp-python build can offload layers to a GPU (CUDA, Metal, Vulkan, ...)."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


@dataclass(frozen=True)
class OffloadDecision:
    """How many layers to offload (``-1``: all) and, when a request was overridden, why."""

    gpu_layers: int
    note: str | None = None

    def llama_server_arg(self) -> str:
        """llama-server's ``--n-gpu-layers`` value: a count (its -1 means "fit to memory", not "all")."""
        return str(LLAMA_SERVER_ALL_LAYERS if self.gpu_layers < 0 else self.gpu_layers)


def decide_gpu_layers(requested: int | Literal["auto"] | None = "auto") -> OffloadDecision:
    """Layers to offload: ``requested`` if an int, else ``COURSE_GPU_LAYERS``, else all when the build can.

    A CPU-only build offloads nothing whatever was asked; the decision then carries a note saying so.
    """
    if requested is not None and requested != "auto" and not isinstance(requested, int):
        raise ValueError(f"n_gpu_layers must be an int, 'auto' or None, not {requested!r}")
    supported = gpu_offload_supported()
    if requested is None or requested == "auto":
        setting = load_settings().gpu_layers
        wanted = setting if setting is not None else (ALL_LAYERS if supported else 0)
    else:
        wanted = requested
    if wanted != 0 and not supported:
        return OffloadDecision(0, "this llama-cpp-python build has no GPU support: running on the CPU")
    return OffloadDecision(wanted)


def offloaded_layers(log_lines: Iterable[str], *, requested: int, n_layer: int) -> int:
    """Layers llama.cpp reports on the GPU ("offloaded 33/33 layers to GPU"), else what was asked.

    ``n_layer`` is the model's block count; llama.cpp counts the output layer too (``n_layer + 1``).
    """
    for line in log_lines:
        match = _OFFLOADED.search(line)
        if match:
            return int(match.group(1))
    if requested == 0:
        return 0
    return n_layer + 1 if requested < 0 else min(requested, n_layer + 1)


def device_name(log_lines: Iterable[str]) -> str:
    """The GPU llama.cpp loaded the model on, e.g. ``"CUDA0 (NVIDIA H100 80GB HBM3)"``, else ``"GPU"``."""
    for line in log_lines:
        match = _USING_DEVICE.search(line)
        if match:
            device, description = match.groups()
            return f"{device} ({description})" if description else device
    return "GPU"


def describe_device(log_lines: Iterable[str], *, requested: int, n_layer: int) -> tuple[int, str]:
    """(layers on the GPU, device name): ``(0, "CPU")`` when nothing was offloaded."""
    lines = list(log_lines)
    layers = offloaded_layers(lines, requested=requested, n_layer=n_layer)
    return layers, device_name(lines) if layers else "CPU"


__all__ = [
    "ALL_LAYERS",
    "OffloadDecision",
    "decide_gpu_layers",
    "describe_device",
    "device_name",
    "gpu_offload_supported",
    "offloaded_layers",
]
