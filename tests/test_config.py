import pytest

from course.config import DEFAULT_API_MODEL, is_headless, load_settings
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


def test_a_real_api_is_configured_by_a_key_or_a_base_url(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSE_API_MODEL"):
        monkeypatch.delenv(name, raising=False)
    assert not load_settings().real_api_configured
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")  # a local proxy needs no key
    assert load_settings().real_api_configured
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-123")
    assert load_settings().real_api_configured


def test_every_place_that_asks_which_api_model_gets_one_answer(monkeypatch):
    """Issue 19: one default model for the labs' API side, the notebooks' fallback and the mode line."""
    import inspect

    from course.backends.fallback import try_real_api
    from course.evals.sides import api_side
    from course.labs.results import api_mode

    for call in (try_real_api, api_side):
        assert inspect.signature(call).parameters["default_model"].default == DEFAULT_API_MODEL
    monkeypatch.delenv("COURSE_API_MODEL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-123")
    assert f"REAL API ({DEFAULT_API_MODEL} at https://api.openai.com/v1)" in api_mode()
    monkeypatch.setenv("COURSE_API_MODEL", "gpt-5-mini")
    assert "REAL API (gpt-5-mini at" in api_mode() and "SECRET" not in api_mode()
