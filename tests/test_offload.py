"""GPU offload: the one decision every backend and server uses, and the load-log parsers (canned logs)."""

from __future__ import annotations

import pytest

from course.backends.offload import (
    LLAMA_SERVER_ALL_LAYERS,
    OffloadDecision,
    decide_gpu_layers,
    describe_device,
    device_name,
    gpu_offload_supported,
    offloaded_layers,
)

# Lines as llama.cpp (the version vendored by llama-cpp-python 0.3.x) logs them while loading a model.
CUDA_LOG = """\
ggml_cuda_init: found 1 CUDA devices:
  Device 0: NVIDIA H100 80GB HBM3, compute capability 9.0, VMM: yes
llama_model_load_from_file_impl: using device CUDA0 (NVIDIA H100 80GB HBM3) (0000:19:00.0) - 80562 MiB free
load_tensors: loading model tensors, this can take a while... (mmap = true)
load_tensors: offloading 32 repeating layers to GPU
load_tensors: offloading output layer to GPU
load_tensors: offloaded 33/33 layers to GPU
load_tensors:        CUDA0 model buffer size =  4403.49 MiB
load_tensors:   CPU_Mapped model buffer size =   281.81 MiB
""".splitlines()

CUDA_PARTIAL_LOG = """\
llama_model_load_from_file_impl: using device CUDA0 (NVIDIA GeForce RTX 3060) (0000:01:00.0) - 11800 MiB free
load_tensors: offloading 10 repeating layers to GPU
load_tensors: offloaded 10/33 layers to GPU
""".splitlines()

METAL_LOG = """\
llama_model_load_from_file_impl: using device Metal (Apple M2 Pro) (unknown id) - 21845 MiB free
load_tensors: offloading 28 repeating layers to GPU
load_tensors: offloaded 29/29 layers to GPU
load_tensors: Metal_Mapped model buffer size =  4155.99 MiB
ggml_metal_init: found device: Apple M2 Pro
""".splitlines()

OLD_LLM_LOAD_LOG = """\
llm_load_tensors: offloading 32 repeating layers to GPU
llm_load_tensors: offloaded 33/33 layers to GPU
""".splitlines()  # llama.cpp before 2025 said llm_load_tensors and did not name the device

CPU_LOG = """\
load_tensors: loading model tensors, this can take a while... (mmap = true)
load_tensors:   CPU_Mapped model buffer size =    3.58 MiB
llama_context: n_ctx         = 512
""".splitlines()


def test_cuda_log_gives_layers_and_device() -> None:
    assert offloaded_layers(CUDA_LOG, requested=-1, n_layer=32) == 33
    assert device_name(CUDA_LOG) == "CUDA0 (NVIDIA H100 80GB HBM3)"
    assert describe_device(CUDA_LOG, requested=-1, n_layer=32) == (33, "CUDA0 (NVIDIA H100 80GB HBM3)")


def test_a_partial_offload_is_read_not_assumed() -> None:
    assert describe_device(CUDA_PARTIAL_LOG, requested=10, n_layer=32) == (
        10,
        "CUDA0 (NVIDIA GeForce RTX 3060)",
    )


def test_metal_log_gives_layers_and_device() -> None:
    assert describe_device(METAL_LOG, requested=-1, n_layer=28) == (29, "Metal (Apple M2 Pro)")


def test_an_older_log_without_a_device_line_says_gpu() -> None:
    assert describe_device(OLD_LLM_LOAD_LOG, requested=-1, n_layer=32) == (33, "GPU")


def test_cpu_log_is_cpu_whatever_was_requested() -> None:
    assert describe_device(CPU_LOG, requested=0, n_layer=8) == (0, "CPU")
    # no "offloaded" line: fall back to what was asked, capped at every layer plus the output layer
    assert offloaded_layers(CPU_LOG, requested=-1, n_layer=8) == 9
    assert offloaded_layers(CPU_LOG, requested=50, n_layer=8) == 9
    assert offloaded_layers(CPU_LOG, requested=3, n_layer=8) == 3


def test_llama_server_gets_a_count_for_all_layers() -> None:
    assert OffloadDecision(-1).llama_server_arg() == str(LLAMA_SERVER_ALL_LAYERS)
    assert OffloadDecision(0).llama_server_arg() == "0"
    assert OffloadDecision(12).llama_server_arg() == "12"


def test_the_decision_follows_the_build_and_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_GPU_LAYERS", raising=False)
    supported = gpu_offload_supported()
    assert decide_gpu_layers("auto") == decide_gpu_layers(None) == OffloadDecision(-1 if supported else 0)
    assert decide_gpu_layers(0) == OffloadDecision(0)
    monkeypatch.setenv("COURSE_GPU_LAYERS", "0")
    assert decide_gpu_layers("auto") == OffloadDecision(0)  # the setting wins over the build
    monkeypatch.setenv("COURSE_GPU_LAYERS", "4")
    assert decide_gpu_layers(2).gpu_layers == (2 if supported else 0)  # an explicit count wins over both
    if supported:
        assert decide_gpu_layers("auto") == OffloadDecision(4)
    else:  # a CPU-only build offloads nothing and says why
        decision = decide_gpu_layers("auto")
        assert decision.gpu_layers == 0 and decision.note and "no GPU support" in decision.note


def test_a_bad_request_is_refused() -> None:
    with pytest.raises(ValueError, match="n_gpu_layers"):
        decide_gpu_layers("all")  # type: ignore[arg-type]
