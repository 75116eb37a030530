"""Bad model input gets a clear error that says how to fix it."""

import time

import pytest

from course.backends.inprocess import InProcessBackend
from course.errors import ModelFetchError, ModelLoadError, ModelNotFoundError
from course.models.catalogue import _check_hub_reachable, fetch_model, find_model
from course.models.resolve import resolve_model


def test_missing_path(tmp_path):
    with pytest.raises(ModelNotFoundError) as err:
        InProcessBackend(tmp_path / "nope.gguf")
    assert "No model file" in str(err.value) and "COURSE_MODEL" in err.value.fix


def test_git_lfs_pointer_is_named_as_such(tmp_path):
    pointer = tmp_path / "model.gguf"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 4920000000\n")
    with pytest.raises(ModelLoadError) as err:
        InProcessBackend(pointer)
    assert "Git LFS pointer" in str(err.value) and "git lfs pull" in err.value.fix


def test_not_a_gguf(tmp_path):
    junk = tmp_path / "model.gguf"
    junk.write_bytes(b"PK\x03\x04 this is a zip")
    with pytest.raises(ModelLoadError, match="not a GGUF file"):
        InProcessBackend(junk)


def test_truncated_gguf_quotes_llama_cpps_own_reason(tmp_path, embedded_paths):
    whole = embedded_paths["Q8_0"].read_bytes()
    cut = tmp_path / "truncated.gguf"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ModelLoadError) as err:
        InProcessBackend(cut)
    message = str(err.value)
    assert "llama.cpp said" in message
    assert "file bounds" in message or "truncat" in message or "failed" in message.lower()
    assert "re-download or rebuild" in err.value.fix


def test_corrupt_header_after_magic(tmp_path, embedded_paths):
    data = bytearray(embedded_paths["Q8_0"].read_bytes())
    data[4:24] = b"\xff" * 20  # version and counts become nonsense
    bad = tmp_path / "corrupt.gguf"
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="could not load"):
        InProcessBackend(bad)


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(ModelNotFoundError, match="folder"):
        InProcessBackend(tmp_path)


def test_catalogue_name_not_downloaded_and_typo(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as err:
        resolve_model("qwen2.5-0.5b-q4km")
    assert "models fetch qwen2.5-0.5b-q4km" in err.value.fix
    with pytest.raises(ModelNotFoundError, match=r"Did you mean qwen2\.5-0\.5b-q4km"):
        find_model("qwen2.5-0.5b-q4k")


def test_fetch_offline_fails_fast_naming_the_embedded_default(tmp_path):
    # the real offline path, not a mock; online machines skip it rather than download 0.5 GB
    try:
        _check_hub_reachable()
    except ModelFetchError:
        pass
    else:
        pytest.skip("the model hub is reachable from here: the offline path cannot be exercised")
    start = time.perf_counter()
    with pytest.raises(ModelFetchError) as err:
        fetch_model("qwen2.5-0.5b-q4km", models_dir=tmp_path)
    assert time.perf_counter() - start < 15
    assert "embedded" in err.value.fix


def test_course_model_env_picks_the_model(monkeypatch, embedded_paths):
    monkeypatch.setenv("COURSE_MODEL", "embedded:Q4_K_M")
    assert resolve_model() == embedded_paths["Q4_K_M"]
    monkeypatch.setenv("COURSE_MODEL", str(embedded_paths["Q4_0"]))
    assert resolve_model() == embedded_paths["Q4_0"]
    monkeypatch.setenv("COURSE_MODEL", "embedded:Q3_K")
    with pytest.raises(ModelNotFoundError, match="unknown quantization"):
        resolve_model()


def test_synthetic_specs_resolve_everywhere_and_bad_ones_say_what_exists():
    path = resolve_model("synthetic:roofline-90m:Q4_0")
    assert path.name == "roofline-90m-q4_0.gguf" and path.stat().st_size > 50e6
    for bad in ("synthetic:llama-70b", "synthetic:roofline-90m:Q2_K"):
        with pytest.raises(ModelNotFoundError) as err:
            resolve_model(bad)
        assert "llama-8b" in err.value.fix and "Q4_K_M" in err.value.fix
