"""An environment check for the first lesson: versions, CPU/GPU, the model in use, API settings."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from course.backends.offload import gpu_offload_supported
from course.backends.urls import safe_url
from course.config import load_settings

PACKAGES = (
    "llama_cpp_python",
    "openai",
    "gguf",
    "jupyterlab",
    "nbgrader",
    "ipywidgets",
    "pandas",
    "matplotlib",
    "numpy",
    "huggingface_hub",
)


@dataclass(frozen=True)
class GpuReport:
    """What GPU, if any, the machine and the llama.cpp build can use."""

    build_can_offload: bool
    nvidia_gpus: tuple[str, ...]

    @property
    def summary(self) -> str:
        if self.nvidia_gpus and self.build_can_offload:
            return f"{', '.join(self.nvidia_gpus)}; llama.cpp offloads layers to it"
        if self.nvidia_gpus:
            return (
                f"{', '.join(self.nvidia_gpus)} present, but this llama-cpp-python build is CPU-only "
                '(rebuild with CMAKE_ARGS="-DGGML_CUDA=on")'
            )
        return "no GPU found: everything runs on the CPU (fine for this course)"


def package_versions() -> dict[str, str]:
    """Installed version of each package the course relies on ('missing' if absent)."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def cpu_summary() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model} ({os.cpu_count()} logical cores)"


def memory_gib() -> float | None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return None
    for line in meminfo.read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return None


def gpu_report() -> GpuReport:
    gpus: tuple[str, ...] = ()
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout
            gpus = tuple(line.strip() for line in out.splitlines() if line.strip())
        except (subprocess.SubprocessError, OSError):
            gpus = ()
    return GpuReport(build_can_offload=gpu_offload_supported(), nvidia_gpus=gpus)


def environment_report() -> pd.DataFrame:
    """One table with everything a learner (or an instructor helping them) needs to see first."""
    settings = load_settings()
    mem = memory_gib()
    rows: list[tuple[str, str]] = [(f"package: {k}", v) for k, v in package_versions().items()]
    rows += [
        ("CPU", cpu_summary()),
        ("memory", f"{mem:.1f} GiB" if mem else "unknown"),
        ("GPU", gpu_report().summary),
        ("threads used by llama.cpp", str(settings.n_threads)),
        ("model setting (COURSE_MODEL)", settings.model or "unset: smollm2-135m, the default"),
        ("model cache", str(settings.models_dir)),
        ("OPENAI_API_KEY", "set (hidden)" if settings.openai_api_key else "not set: API cells will skip"),
        (
            "OPENAI_BASE_URL",  # printed without user:password or query (credentials hide there too)
            safe_url(settings.openai_base_url)
            if settings.openai_base_url
            else "not set (the official endpoint when a key is set)",
        ),
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).set_index("item")


def machine_info() -> dict[str, object]:
    """What a saved result needs to be pooled with others: CPU, cores, memory, GPU, versions, time."""
    gpu = gpu_report()
    versions = package_versions()
    return {
        "cpu": cpu_summary(),
        "logical_cores": os.cpu_count(),
        "memory_gib": round(memory_gib() or 0.0, 1),
        "gpu": gpu.summary,
        "os": platform.platform(),
        "python": platform.python_version(),
        "llama_cpp_python": versions.get("llama-cpp-python", versions.get("llama_cpp_python", "")),
        "measured_at_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
