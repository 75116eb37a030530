"""The course map: every lesson with its labs, its quiz, prerequisites and time, from one data file.

``course/data/course_map.json`` says which lessons, labs and quizzes belong together. Times are not
typed in: :func:`reading_minutes` computes them from the notebook itself (about 200 words a minute of
prose, plus time to read and run each code cell), so the map stays true when a lesson changes.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, model_validator

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, Text, data_row, load_data, problem
from course.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
MAP_PATH = DATA_DIR / "course_map.json"
WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_CELL = 0.75  # read the code, run it, read what it shows
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%-]*")


@data_row
class Lab:
    id: Text
    file: str | None
    title: Text
    status: Literal["exists", "planned"]

    @model_validator(mode="after")
    def _file_if_it_exists(self) -> Lab:
        if (self.status == "exists") != (self.file is not None):
            raise problem(
                f"is {self.status!r} with file {self.file!r}.",
                'An existing lab has status "exists" and its file; a planned one "planned" and null.',
                field="status",
            )
        return self


@data_row
class LessonEntry:
    number: Text
    file: Text
    title: Text
    labs: tuple[str, ...]
    quiz: str | None
    prerequisites: tuple[str, ...]

    @property
    def quiz_path(self) -> str | None:
        return f"quizzes/{self.quiz}/{self.quiz}.ipynb" if self.quiz else None


class CourseMap(BaseModel):
    """``course/data/course_map.json``: the labs, and the lessons in order."""

    model_config = FILE_CONFIG

    about: str = ""
    labs: tuple[Lab, ...] = Field(min_length=1)
    lessons: tuple[LessonEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_exist_and_come_first(self) -> CourseMap:
        lab_ids = [lab.id for lab in self.labs]
        for i, lab in enumerate(self.labs):
            if lab.id in lab_ids[:i]:
                raise problem(f"repeats {lab.id!r}.", "Give each lab its own id.", at=("labs", i, "id"))
        seen: list[str] = []
        for i, entry in enumerate(self.lessons):
            if entry.number in seen:
                raise problem(
                    f"repeats {entry.number!r}.",
                    "Give each lesson its own number.",
                    at=("lessons", i, "number"),
                )
            unknown = [lab for lab in entry.labs if lab not in lab_ids]
            if unknown:
                raise problem(
                    f"names unknown labs {unknown}.",
                    "Name only labs listed in 'labs'.",
                    at=("lessons", i, "labs"),
                )
            later = [p for p in entry.prerequisites if p not in seen]
            if later:
                raise problem(
                    f"names prerequisites not listed before it {later}.",
                    "Name only lessons that come earlier.",
                    at=("lessons", i, "prerequisites"),
                )
            seen.append(entry.number)
        return self

    def lesson(self, number: str) -> LessonEntry:
        for entry in self.lessons:
            if entry.number == number:
                return entry
        raise DataError(f"The course map has no lesson {number!r}.", fix="Use a number from course_map.json.")

    def lab(self, lab_id: str) -> Lab:
        for lab in self.labs:
            if lab.id == lab_id:
                return lab
        raise DataError(f"The course map has no lab {lab_id!r}.", fix="Use a lab id from course_map.json.")


def load_course_map(path: str | Path | None = None) -> CourseMap:
    """Read and check the map: ids unique, labs and prerequisites named exist, prerequisites come first."""
    return _load(Path(path)) if path is not None else _bundled()


@functools.cache
def _bundled() -> CourseMap:
    return _load(MAP_PATH)


def reading_minutes(notebook: str | Path) -> int:
    """Minutes to work through a notebook: prose words ÷ 200 + 0.75 min per code cell, rounded up."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    words = sum(len(_WORD.findall(c.source)) for c in nb.cells if c.cell_type == "markdown")
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    return math.ceil(words / WORDS_PER_MINUTE + code_cells * MINUTES_PER_CODE_CELL)


def course_map_frame(*, root: Path = ROOT, course: CourseMap | None = None) -> pd.DataFrame:
    """The map as a table: lesson, labs, quiz, prerequisites, minutes (computed), and what exists yet."""
    import pandas as pd

    course = course or load_course_map()
    rows = []
    for entry in course.lessons:
        notebook = root / entry.file
        labs = []
        for lab_id in entry.labs:
            lab = course.lab(lab_id)
            labs.append(f"{lab.id} {lab.title}" + ("" if _lab_exists(lab, root) else " (planned)"))
        quiz = entry.quiz or "none"
        if entry.quiz_path and not (root / entry.quiz_path).exists():
            quiz += " (being written)"
        rows.append(
            {
                "lesson": f"{entry.number} {entry.title}",
                "read first": ", ".join(entry.prerequisites) or "nothing",
                "minutes": reading_minutes(notebook) if notebook.exists() else None,
                "labs": "; ".join(labs),
                "quiz": quiz,
                "notebook": entry.file if notebook.exists() else f"{entry.file} (coming)",
            }
        )
    frame = pd.DataFrame(rows).set_index("lesson")
    frame["minutes"] = frame["minutes"].astype("Int64")
    return frame


def _lab_exists(lab: Lab, root: Path) -> bool:
    return lab.file is not None and (root / lab.file).exists()


def _load(path: Path) -> CourseMap:
    return load_data(path.name, CourseMap, data_dir=path.parent)
