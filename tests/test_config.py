import pytest

from course.config import is_headless, load_settings
from course.errors import ConfigError, CourseError


def test_defaults_and_env_overrides(monkeypatch, tmp_path):
    for name in ("COURSE_MODEL", "COURSE_THREADS", "COURSE_GPU_LAYERS", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.cache_dir == tmp_path and settings.models_dir == tmp_path / "models"
    assert settings.model is None and settings.gpu_layers is None and settings.n_threads >= 1
    monkeypatch.setenv("COURSE_THREADS", "3")
    monkeypatch.setenv("COURSE_GPU_LAYERS", "0")
    assert (load_settings().n_threads, load_settings().gpu_layers) == (3, 0)


def test_bad_integer_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("COURSE_THREADS", "two")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "COURSE_THREADS='two'" in str(err.value) and "export COURSE_THREADS=" in err.value.fix


def test_api_key_never_in_repr(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-123")
    settings = load_settings()
    assert settings.openai_api_key == "sk-test-SECRET-123"
    assert "SECRET" not in repr(settings) and "SECRET" not in str(settings)


def test_headless_flag(monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert is_headless()
    monkeypatch.setenv("COURSE_HEADLESS", "0")
    assert not is_headless()


def test_errors_print_their_fix():
    err = CourseError("It broke.", fix="Do this.")
    assert str(err) == "It broke.\n  How to fix: Do this."
    assert str(CourseError("Plain.")) == "Plain."


@pytest.mark.parametrize("value", ["0", "-2"])
def test_zero_or_negative_threads_is_an_error_not_all_cores(monkeypatch, value):
    monkeypatch.setenv("COURSE_THREADS", value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert f"COURSE_THREADS={value}" in str(err.value) and "unset it" in err.value.fix


def test_gpu_layers_below_minus_one_is_an_error(monkeypatch):
    monkeypatch.setenv("COURSE_GPU_LAYERS", "-5")
    with pytest.raises(ConfigError, match="COURSE_GPU_LAYERS=-5"):
        load_settings()
    monkeypatch.setenv("COURSE_GPU_LAYERS", "-1")
    assert load_settings().gpu_layers == -1
