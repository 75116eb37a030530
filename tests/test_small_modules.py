"""Environment report, stream display, memory arithmetic, quant comparison and native-log capture."""

import os
import shutil
from importlib import metadata

import pytest
from matplotlib.figure import Figure

from course.backends.base import GenerationOptions
from course.backends.offload import gpu_offload_supported
from course.display import show_stream, stream_summary
from course.environment import environment_report, gpu_report, package_versions
from course.measure.quant_compare import compare_quants
from course.models.memory import kv_cache_gb, weights_gb
from course.models.synthetic import SYNTHETIC_SHAPES
from course.native_log import capture_stderr
from course.plots.quants import quant_tradeoff_figure


def test_environment_report_hides_the_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-DO-NOT-SHOW")
    table = environment_report()
    assert "DO-NOT-SHOW" not in table.to_string()
    assert table.loc["OPENAI_API_KEY", "value"] == "set (hidden)"
    versions = package_versions()
    assert versions["llama_cpp_python"] == metadata.version("llama_cpp_python")  # whatever is installed
    assert table.loc["package: llama_cpp_python", "value"] == versions["llama_cpp_python"]
    report = gpu_report()
    assert report.build_can_offload == gpu_offload_supported()
    if shutil.which("nvidia-smi") is None:
        assert report.nvidia_gpus == ()
    gpus = ", ".join(report.nvidia_gpus)
    if not report.nvidia_gpus:
        assert report.summary == "no GPU found: everything runs on the CPU (fine for this course)"
    elif report.build_can_offload:
        assert report.summary == f"{gpus}; llama.cpp offloads layers to it"
    else:
        assert report.summary.startswith(f"{gpus} present, but this llama-cpp-python build is CPU-only")
    assert table.loc["GPU", "value"] == report.summary


def test_weights_memory_formula_and_the_source_003_slip():
    eight_b = SYNTHETIC_SHAPES["llama-8b"]
    assert weights_gb(params=eight_b.n_params, bits_per_weight=16) == pytest.approx(16.06, abs=0.01)
    four_bit = weights_gb(params=1e9, bits_per_weight=4)
    assert four_bit == 0.5  # article 003's "2 GB per billion at 4-bit" is the 16-bit figure
    # Llama 3.1 8B: 32 layers × 8 KV heads × 128 dims × 2 (K,V) × 2 bytes = 128 KiB per token
    assert kv_cache_gb(eight_b, n_ctx=1) * 1e9 == 131072
    with pytest.raises(ValueError):
        weights_gb(params=0, bits_per_weight=4)


def test_show_stream_prints_text_then_timing(local_backend, capsys):
    stream = local_backend.stream_chat(
        [{"role": "user", "content": "Say hello."}], options=GenerationOptions(max_tokens=12, ignore_eos=True)
    )
    show_stream(stream)
    out = capsys.readouterr().out
    assert stream.text in out
    assert "TTFT" in out and "12 output tokens (backend count)" in out
    assert stream_summary(stream) in out


def test_compare_quants_measures_each_file(embedded_paths):
    table = compare_quants(("Q8_0", "Q4_0"), speed_tokens=16, repeats=1)  # COURSE_THREADS
    assert list(table.index) == ["Q8_0", "Q4_0"]
    assert table.loc["Q8_0", "file_size_mb"] > table.loc["Q4_0", "file_size_mb"]
    assert (table["decode_tokens_per_s"] > 0).all() and (table["ttft_s"] > 0).all()
    fig = quant_tradeoff_figure(table)
    assert isinstance(fig, Figure) and len(fig.axes) == 2


def test_capture_stderr_gets_native_and_python_writes():
    import sys

    with capture_stderr() as log:
        os.write(2, b"from C code\n")
        print("from python", file=sys.stderr)
    assert log.find("from C code") and log.find("from python")


def test_speed_vs_size_reads_memory_bound_only_from_a_clear_gap() -> None:
    from types import SimpleNamespace

    from course.measure.quant_compare import speed_vs_size_sentences
    from course.measure.repeats import Spread

    def side(*speeds: float) -> SimpleNamespace:
        return SimpleNamespace(decode_tokens_per_s=Spread(speeds))

    sizes = {"Q8_0": 140.0, "Q4_0": 80.0}
    noisy = {"Q8_0": side(100, 120, 140), "Q4_0": side(110, 130, 150)}
    lines = speed_vs_size_sentences(noisy, sizes)  # type: ignore[arg-type]
    assert "within the repeats' noise" in lines[0] and "cannot say" in lines[-1]
    assert not any("followed the bytes:" in line for line in lines)
    clear = {"Q8_0": side(100, 101, 102), "Q4_0": side(170, 172, 174)}
    lines = speed_vs_size_sentences(clear, sizes)  # type: ignore[arg-type]
    assert "1.70× as fast" in lines[0] and "speed followed the bytes" in lines[-1]
