"""The learner's Lab and the instructor's Lab: real JupyterLab servers on loopback with each project config.

`make lab` points JUPYTER_CONFIG_PATH at jupyter-config/learner, `make lab-instructor` at
jupyter-config/instructor. A learner's server must not serve nbgrader's formgrader and its page config must
disable the Create Assignment, Formgrader and Course List plugins, while Validate stays; the instructor's
server keeps them all.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "course-test-token"
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
)
START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError):
        return 0, ""  # not listening yet


@contextmanager
def lab_server(role: str, tmp_path: Path) -> Iterator[str]:
    """A JupyterLab server with jupyter-config/<role>; yields its base URL. The user's own ~/.jupyter is
    replaced by an empty folder so that only the project's settings are tested."""
    port = _free_port()
    env = os.environ | {
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config" / role),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "user-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.token={TOKEN}",
        f"--ServerApp.root_dir={ROOT}",
        "--ServerApp.port_retries=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / f"{role}.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while _get(f"{base}/api/status?token={TOKEN}")[0] != 200:
            assert process.poll() is None, (tmp_path / f"{role}.log").read_text()
            assert time.monotonic() < deadline, f"JupyterLab did not start in {START_TIMEOUT_S} s"
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _disabled_plugins(base: str) -> set[str]:
    status, page = _get(f"{base}/lab?token={TOKEN}")
    assert status == 200
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no page config in the Lab page"
    disabled = json.loads(match.group(1)).get("disabledExtensions", [])
    return set(disabled if isinstance(disabled, list) else [k for k, v in disabled.items() if v])


@pytest.mark.slow
@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_lab_shows_each_role_its_nbgrader_tools(role: str, tmp_path: Path) -> None:
    with lab_server(role, tmp_path) as base:
        disabled = _disabled_plugins(base)
        formgrader = _get(f"{base}/formgrader?token={TOKEN}")[0]
        # Validate's handler answers (400/500 for an empty request), it is not missing (404)
        validate = _get(f"{base}/assignments/validate?token={TOKEN}")[0]
    assert validate != 404
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled
    if role == "learner":
        assert set(INSTRUCTOR_PLUGINS) <= disabled
        assert formgrader == 404
    else:
        assert not set(INSTRUCTOR_PLUGINS) & disabled
        assert formgrader in (200, 302)


def test_make_targets_use_the_project_configs() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab = re.search(r"^lab:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    instructor = re.search(r"^lab-instructor:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    assert "jupyter-config/learner" in lab and "jupyter-config/instructor" in instructor
