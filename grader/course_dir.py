"""An nbgrader course folder wired to the repository's quizzes/: init, release, collect, status.

The layout is nbgrader's own (``nbgrader_config.py``, ``release/``, ``submitted/<learner>/<quiz>/``,
``autograded/``, ``feedback/``, ``gradebook.db``), so ``nbgrader`` and formgrader work on it unchanged; the
source folder is the repository's quizzes/ (an absolute path in the folder's config). The grader's own records
live in ``.grader/`` (nbgrader ignores it). nbgrader is driven through its Python API, never its CLI.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from course.errors import CourseError
from course.io import scripts_on_path  # re-exported: the grader's modules use it from here
from course.quiz.build import QUIZZES_DIR

COURSE_ID = "open-vs-frontier"
CONFIG_NAME = "nbgrader_config.py"
#: learner ids: letters, digits, dot, dash, underscore; no path tricks
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

CONFIG_TEMPLATE = '''"""nbgrader configuration of this course folder (written by `python -m grader init`).

The quizzes' source notebooks are read from {quizzes}; nbgrader's own tools work here unchanged
(`nbgrader autograde QUIZ`, formgrader); so does `python -m grader --course {root} ...`.
"""

c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.source_directory = {quizzes!r}
c.Exchange.root = {exchange!r}
c.Execute.timeout = 30
# a learner who deletes a graded cell does not escape its points: nbgrader re-adds it from the source
c.OverwriteCells.add_missing_cells = True
'''


class GraderError(CourseError):
    """A grader command cannot go on (the message says why and how to fix it)."""


@dataclass(frozen=True)
class CourseFolder:
    """A course folder on disk."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def state_dir(self) -> Path:
        return self.root / ".grader"

    def submitted(self, learner: str = "", quiz_id: str = "") -> Path:
        return self.root.joinpath("submitted", *(p for p in (learner, quiz_id) if p))

    def autograded(self, learner: str, quiz_id: str) -> Path:
        return self.root / "autograded" / learner / quiz_id

    def feedback(self, learner: str, quiz_id: str) -> Path:
        return self.root / "feedback" / learner / quiz_id

    def release_notebook(self, quiz_id: str) -> Path:
        return self.root / "release" / quiz_id / f"{quiz_id}.ipynb"

    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def learners(self, quiz_id: str) -> list[str]:
        """Learners with a submission folder for ``quiz_id``, sorted."""
        base = self.submitted()
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / quiz_id).is_dir() and LEARNER_ID.match(p.name))

    def source_dir(self) -> Path:
        config = load_config(self)
        source = Path(config.CourseDirectory.source_directory)
        return source if source.is_absolute() else self.root / source

    def quiz_ids(self) -> list[str]:
        source = self.source_dir()
        return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())

    def check_quiz(self, quiz_id: str) -> None:
        known = self.quiz_ids()
        if quiz_id not in known:
            raise GraderError(
                f"no quiz {quiz_id!r} in {self.source_dir()}.", fix=f"Use one of: {', '.join(known)}."
            )


def open_course(root: Path | str) -> CourseFolder:
    """The course folder at ``root``; it must have been made by ``init`` (or hold an nbgrader config)."""
    folder = CourseFolder(Path(root).resolve())
    if not folder.config_path.is_file():
        raise GraderError(
            f"{folder.root} is not a course folder (no {CONFIG_NAME}).",
            fix=f"Create one: python -m grader init {root}   (or pass --course DIR).",
        )
    return folder


def init(root: Path, *, quizzes_dir: Path = QUIZZES_DIR) -> CourseFolder:
    """Make (or refresh the config of) a course folder at ``root`` whose source is ``quizzes_dir``."""
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("release", "submitted", "autograded", "feedback", "exchange", ".grader"):
        (root / sub).mkdir(exist_ok=True)
    text = CONFIG_TEMPLATE.format(
        root=str(root),
        course_id=COURSE_ID,
        quizzes=str(Path(quizzes_dir).resolve()),
        exchange=str(root / "exchange"),
    )
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    return CourseFolder(root)


def load_config(folder: CourseFolder):
    """nbgrader's traitlets Config from the folder's nbgrader_config.py, root forced to the folder."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_NAME, path=str(folder.root)).load_config()
    config.CourseDirectory.root = str(folder.root)
    config.CourseDirectory.course_id = config.CourseDirectory.get("course_id", COURSE_ID) or COURSE_ID
    return config


def nbgrader_api(folder: CourseFolder):
    """nbgrader's NbGraderAPI on this folder (quiet)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(folder)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    api.log.setLevel(logging.ERROR)
    return api


class GradebookLock:
    """An exclusive file lock serialising gradebook writes across workers (SQLite: one writer at a time)."""

    def __init__(self, folder: CourseFolder) -> None:
        folder.state_dir.mkdir(exist_ok=True)
        self.fd = os.open(folder.state_dir / "gradebook.lock", os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def __enter__(self) -> GradebookLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __deepcopy__(self, memo: dict) -> GradebookLock:
        """A handle on a lock file: nbgrader's config (traitlets deep-copies its values) shares it."""
        return self

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self.fd)


def _raise_unless_ok(result: dict, what: str) -> None:
    if not result.get("success"):
        detail = (result.get("error") or "") + (result.get("log") or "")
        raise GraderError(f"{what}:\n{detail.strip()[-3000:]}", fix="Read nbgrader's message above.")


def release(folder: CourseFolder, quiz_id: str) -> Path:
    """nbgrader's generate_assignment: the learner's version (no solutions, no hidden tests) in release/."""
    folder.check_quiz(quiz_id)
    with scripts_on_path(), GradebookLock(folder):
        result = nbgrader_api(folder).generate_assignment(quiz_id, force=True, create=True)
    _raise_unless_ok(result, f"nbgrader could not release {quiz_id}")
    return folder.release_notebook(quiz_id)


@dataclass(frozen=True)
class Collected:
    """What ``collect`` did: learners copied in, entries refused (with the reason)."""

    learners: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]


def _entries(source: Path) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every file in a folder or a zip, skipping hidden files."""
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                yield rel, path.read_bytes()
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                name = info.filename
                hidden = any(part.startswith(".") and part != ".." for part in name.split("/"))
                if info.is_dir() or hidden:
                    continue
                yield name, archive.read(info)
    else:
        raise GraderError(
            f"{source} is neither a folder nor a zip file.",
            fix="Give a folder or zip holding LEARNER.ipynb files or LEARNER/ folders.",
        )


def collect(folder: CourseFolder, quiz_id: str, source: Path) -> Collected:
    """Copy learners' files into submitted/<learner>/<quiz>/: ``LEARNER.ipynb`` becomes the quiz's notebook;
    ``LEARNER/any/file`` keeps its name (so a renamed notebook stays visible to the autograde checks)."""
    folder.check_quiz(quiz_id)
    if not Path(source).exists():
        raise GraderError(f"nothing at {source}.", fix="Give the folder or zip of the learners' files.")
    learners: set[str] = set()
    refused: list[tuple[str, str]] = []
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    for rel, data in _entries(Path(source)):
        parts = rel.split("/")
        if ".." in parts or rel.startswith("/"):
            refused.append((rel, "a path that leaves the folder"))
            continue
        if len(parts) == 1:
            learner, name = Path(rel).stem, f"{quiz_id}.ipynb"
            if not rel.endswith(".ipynb"):
                refused.append((rel, "a top-level file must be LEARNER.ipynb"))
                continue
        else:
            learner, name = parts[0], "/".join(parts[1:])
            if parts[1] == quiz_id and len(parts) > 2:  # LEARNER/QUIZ/file
                name = "/".join(parts[2:])
        if not LEARNER_ID.match(learner):
            refused.append((rel, f"{learner!r} is not a valid learner id (letters, digits, . _ -; max 64)"))
            continue
        dest = folder.submitted(learner, quiz_id) / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        (folder.submitted(learner, quiz_id) / "timestamp.txt").write_text(stamp, encoding="utf-8")
        learners.add(learner)
    return Collected(tuple(sorted(learners)), tuple(refused))
