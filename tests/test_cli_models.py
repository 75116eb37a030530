"""`python -m course models ...` run as a learner would run it (a real subprocess)."""

import subprocess
import sys

import pytest


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course", *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.parametrize("args", [(), ("models",), ("models", "fetch"), ("models", "synthetic")])
def test_every_command_has_help(args):
    result = run(*args, "--help")
    assert result.returncode == 0
    assert "usage: python -m course" in result.stdout


def test_list_shows_licences_and_the_offline_default():
    result = run("models", "list")
    assert result.returncode == 0
    assert "Apache-2.0" in result.stdout and "Llama 3.1 Community License" in result.stdout
    assert "embedded" in result.stdout


def test_build_writes_all_variants_into_the_cache(tmp_path):
    import os

    env = {**os.environ, "COURSE_CACHE_DIR": str(tmp_path)}
    result = run("models", "build", "--quiet", env=env)
    assert result.returncode == 0, result.stderr
    paths = result.stdout.split()
    assert len(paths) == 4 and all(p.startswith(str(tmp_path)) for p in paths)
    assert "converting to" not in result.stdout + result.stderr  # llama.cpp's log is captured


def test_unknown_model_exits_2_with_a_fix_and_no_traceback():
    result = run("models", "fetch", "llama-9000")
    assert result.returncode == 2
    assert "not in the model catalogue" in result.stderr and "How to fix" in result.stderr
    assert "Traceback" not in result.stderr
