"""The course map: every lesson with its labs, its quiz, prerequisites and time, from one data file.

``course/data/course_map.json`` says which lessons, labs and quizzes belong together. Times are not
typed in: they are computed from the notebooks themselves, so the map stays true when a lesson changes.
Two times, because learners asked what a lesson really takes:

- :func:`reading_minutes`: reading the prose (about 200 words a minute) and reading and running each code
  cell (three quarters of a minute each);
- :func:`study_time`: that, plus answering each "check yourself" question before opening it, doing the
  exercises, trying the calculators and forms, and taking the lesson's quiz (minutes per question by kind).
  A lab counts its reading and its exercises (:func:`lab_minutes`); :func:`course_hours` adds everything
  up once. The constants below are the whole model: change one and every time follows.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

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
MINUTES_PER_CHECK = 1.0  # a "check yourself" question: answer it, then open the answer
MINUTES_PER_EXERCISE = 4.0  # one numbered exercise, or one "your turn" task, in a lesson
MINUTES_PER_LAB_EXERCISE = 6.0  # a lab's exercise changes a measurement and runs it again
MINUTES_PER_INTERACTIVE = 5.0  # a calculator or a form: try a few inputs of your own
#: minutes per quiz question, by the kind a quiz notebook states ("*numeric · 3 points · outcome …*");
#: a kind not listed here counts MINUTES_PER_OTHER_QUESTION
MINUTES_PER_QUIZ_QUESTION = {
    "multiple choice": 1.0,
    "choose all that apply": 1.5,
    "ordering": 1.5,
    "numeric": 2.5,
    "short code": 4.0,
}
MINUTES_PER_OTHER_QUESTION = 2.0
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%-]*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_EXERCISE_HEADING = re.compile(r"exercise|your turn", re.IGNORECASE)
_NUMBERED_ITEM = re.compile(r"^\d+\.\s", re.MULTILINE)
_INLINE_TASK = re.compile(r"\*\*Your turn\b", re.IGNORECASE)
_INTERACTIVE = re.compile(r"\bwidgets\.\w+\(|_calculator\(|_form\(")
_QUIZ_KIND = re.compile(r"^\*([a-z][a-z ]*?) · \d+ points? · outcome", re.MULTILINE)


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
    """Minutes to read a notebook: prose words ÷ 200 + 0.75 min per code cell, rounded up."""
    nb = _read_notebook(notebook)
    words = sum(len(_WORD.findall(c.source)) for c in nb.cells if c.cell_type == "markdown")
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    return math.ceil(words / WORDS_PER_MINUTE + code_cells * MINUTES_PER_CODE_CELL)


@dataclass(frozen=True)
class StudyTime:
    """What working through one lesson takes, in minutes, part by part (see the module docstring)."""

    reading: int
    checks: int  # "check yourself" questions
    exercises: int  # numbered exercises and "your turn" tasks
    interactive: int  # calculators and forms
    quiz: int  # the lesson's quiz, 0 when it has none

    @property
    def total(self) -> int:
        return self.reading + self.checks + self.exercises + self.interactive + self.quiz


def study_time(notebook: str | Path, *, quiz: str | Path | None = None) -> StudyTime:
    """Reading plus checks, exercises, interactive cells and the quiz: a careful learner's time."""
    nb = _read_notebook(notebook)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    checks = sum(text.count("<details") for text in markdown)
    interactive = sum(1 for text in code if _INTERACTIVE.search(text))
    return StudyTime(
        reading=reading_minutes(notebook),
        checks=math.ceil(checks * MINUTES_PER_CHECK),
        exercises=math.ceil(exercise_count(notebook) * MINUTES_PER_EXERCISE),
        interactive=math.ceil(interactive * MINUTES_PER_INTERACTIVE),
        quiz=quiz_minutes(quiz) if quiz is not None and Path(quiz).exists() else 0,
    )


def exercise_count(notebook: str | Path) -> int:
    """Exercises in a notebook: the numbered items under each "Exercises" or "Your turn" heading (one if
    the section has no numbered list), plus each inline **Your turn** paragraph elsewhere."""
    text = "\n".join(c.source for c in _read_notebook(notebook).cells if c.cell_type == "markdown")
    heads = [(m.start(), m.end(), len(m.group(1)), m.group(2)) for m in _HEADING.finditer(text)]
    count = 0
    covered: list[tuple[int, int]] = []
    for n, (start, end, level, title) in enumerate(heads):
        if not _EXERCISE_HEADING.search(title):
            continue
        stop = next((s for s, _e, lv, _t in heads[n + 1 :] if lv <= level), len(text))
        count += len(_NUMBERED_ITEM.findall(text[end:stop])) or 1
        covered.append((start, stop))
    count += sum(1 for m in _INLINE_TASK.finditer(text) if not any(a <= m.start() < b for a, b in covered))
    return count


def quiz_minutes(quiz: str | Path) -> int:
    """Minutes for a quiz notebook: each question by the kind its heading line states."""
    text = "\n".join(c.source for c in _read_notebook(quiz).cells if c.cell_type == "markdown")
    kinds = _QUIZ_KIND.findall(text)
    return math.ceil(sum(MINUTES_PER_QUIZ_QUESTION.get(kind, MINUTES_PER_OTHER_QUESTION) for kind in kinds))


def lab_minutes(notebook: str | Path) -> int:
    """A lab: its reading time plus its exercises (each changes a measurement and runs it again)."""
    return reading_minutes(notebook) + math.ceil(exercise_count(notebook) * MINUTES_PER_LAB_EXERCISE)


def course_map_frame(*, root: Path = ROOT, course: CourseMap | None = None) -> pd.DataFrame:
    """The map as a table: lesson, prerequisites, reading minutes and minutes in all (with checks,
    exercises, calculators and the quiz), labs with their minutes, quiz, and what exists yet."""
    import pandas as pd

    course = course or load_course_map()
    rows = []
    for entry in course.lessons:
        notebook = root / entry.file
        labs = []
        for lab_id in entry.labs:
            lab = course.lab(lab_id)
            if _lab_exists(lab, root):
                labs.append(f"{lab.id} {lab.title} (~{lab_minutes(root / (lab.file or ''))} min)")
            else:
                labs.append(f"{lab.id} {lab.title} (planned)")
        quiz = entry.quiz or "none"
        if entry.quiz_path and not (root / entry.quiz_path).exists():
            quiz += " (being written)"
        quiz_file = root / entry.quiz_path if entry.quiz_path else None
        time = study_time(notebook, quiz=quiz_file) if notebook.exists() else None
        rows.append(
            {
                "lesson": f"{entry.number} {entry.title}",
                "read first": ", ".join(entry.prerequisites) or "nothing",
                "reading (min)": time.reading if time else None,
                "in all (min)": time.total if time else None,
                "labs": "; ".join(labs),
                "quiz": quiz,
                "notebook": entry.file if notebook.exists() else f"{entry.file} (coming)",
            }
        )
    frame = pd.DataFrame(rows).set_index("lesson")
    for column in ("reading (min)", "in all (min)"):
        frame[column] = frame[column].astype("Int64")
    return frame


@dataclass(frozen=True)
class CourseHours:
    """The whole course once through, in hours: lessons (reading only, and in all) and labs."""

    lessons_reading_h: float
    lessons_h: float  # with checks, exercises, calculators and quizzes
    labs_h: float  # every existing lab once, reading and exercises

    @property
    def total_h(self) -> float:
        return self.lessons_h + self.labs_h

    def __str__(self) -> str:
        return (
            f"About {self.total_h:.0f} hours in all: {self.lessons_h:.1f} h for the lessons with their "
            f"exercises and quizzes (of which {self.lessons_reading_h:.1f} h reading) and "
            f"{self.labs_h:.1f} h for the labs (reading and exercises; cells that measure take longer on a "
            "slow machine)."
        )


def course_hours(*, root: Path = ROOT, course: CourseMap | None = None) -> CourseHours:
    """Every lesson and every existing lab counted once."""
    course = course or load_course_map()
    reading = total = 0
    for entry in course.lessons:
        notebook = root / entry.file
        if notebook.exists():
            time = study_time(notebook, quiz=root / entry.quiz_path if entry.quiz_path else None)
            reading += time.reading
            total += time.total
    labs = sum(lab_minutes(root / (lab.file or "")) for lab in course.labs if _lab_exists(lab, root))
    return CourseHours(lessons_reading_h=reading / 60, lessons_h=total / 60, labs_h=labs / 60)


def time_statement(notebook: str | Path, *, quiz: str | Path | None = None) -> str:
    """The line a lesson states near its top, e.g. "**Time:** about 24 minutes of reading; about 58
    minutes with the check-yourself questions, exercises and quiz." (tests/test_course_map.py checks it)."""
    time = study_time(notebook, quiz=quiz)
    extras = ["check-yourself questions"] if time.checks else []
    extras += ["exercises"] if time.exercises else []
    extras += ["calculators"] if time.interactive else []
    extras += ["quiz"] if time.quiz else []
    parts = ", ".join(extras[:-1]) + (f" and {extras[-1]}" if len(extras) > 1 else "".join(extras))
    return f"**Time:** about {time.reading} minutes of reading; about {time.total} minutes with the {parts}."


def _read_notebook(path: str | Path) -> Any:  # nbformat's NotebookNode is untyped
    import nbformat

    return nbformat.read(str(path), as_version=4)


def _lab_exists(lab: Lab, root: Path) -> bool:
    return lab.file is not None and (root / lab.file).exists()


def _load(path: Path) -> CourseMap:
    return load_data(path.name, CourseMap, data_dir=path.parent)
