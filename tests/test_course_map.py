"""The course map (course.curriculum.course_map) and the source articles (course.curriculum.sources) agree
with the files they describe."""

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.curriculum.course_map import MAP_PATH, ROOT, course_map_frame, load_course_map, reading_minutes
from course.curriculum.sources import article, load_sources
from course.errors import DataError

#: the folder of the five source articles (not in this repository): set it to check their titles and dates
SOURCES_DIR_ENV = "COURSE_SOURCES_DIR"
OUTCOMES = (ROOT / "docs" / "outcomes.md").read_text(encoding="utf-8")


def test_lessons_and_quizzes_are_the_ones_docs_outcomes_names():
    course = load_course_map()
    for entry in course.lessons[1:]:
        heading = re.search(rf"^## L{entry.number} · .*\((\S+), (\S+)\)$", OUTCOMES, re.MULTILINE)
        assert heading, f"docs/outcomes.md has no heading for lesson {entry.number}"
        assert (heading.group(1), heading.group(2)) == (entry.file, entry.quiz)


def test_existing_labs_and_lessons_are_on_the_map():
    course = load_course_map()
    on_map = {lab.file for lab in course.labs if lab.file}
    assert {p.relative_to(ROOT).as_posix() for p in (ROOT / "labs").glob("*.ipynb")} <= on_map
    lessons = {e.file for e in course.lessons}
    stray = [
        p.name for p in (ROOT / "lessons").glob("*.ipynb") if p.relative_to(ROOT).as_posix() not in lessons
    ]
    assert stray == [], f"lessons not on course/data/course_map.json: {stray}"


def test_map_table_computes_minutes_from_the_notebooks():
    frame = course_map_frame()
    assert list(frame.columns) == ["read first", "minutes", "labs", "quiz", "notebook"]
    start = frame.loc[frame.index.str.startswith("00")].iloc[0]
    assert start["minutes"] == reading_minutes(ROOT / "lessons" / "00-start-here.ipynb")
    labs = " ".join(frame["labs"])
    assert "planned" not in labs and "06 Hybrid router and migration" in labs and "07 Decision memo" in labs


def test_reading_minutes_counts_prose_and_code(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("word " * 400), new_code_cell("x = 1"), new_code_cell("  ")])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert reading_minutes(path) == 3  # 400 / 200 + 0.75, rounded up


def test_every_lesson_states_the_computed_time():
    for path in sorted((ROOT / "lessons").glob("0[1-9]-*.ipynb")):
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells[:2])
        stated = re.search(r"\*\*Time:\*\* about (\d+) minutes", text)
        assert stated, f"{path.name}: state its time as '**Time:** about N minutes' near the top"
        assert int(stated.group(1)) == reading_minutes(path), f"{path.name}: update its stated time"


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d["lessons"][2]["labs"].append("99"), "unknown labs"),
        (lambda d: d["lessons"][1]["prerequisites"].append("05"), "prerequisites not listed before"),
        (lambda d: d["labs"][0].update(status="planned"), "status"),
        (lambda d: d["lessons"][0].pop("quiz"), r"lessons\[0\].*'quiz' is missing"),
    ],
)
def test_bad_map_is_named(tmp_path, edit, words):
    data = json.loads(MAP_PATH.read_text())
    edit(data)
    path = tmp_path / "map.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=words):
        load_course_map(path)


def test_sources_have_titles_and_dates():
    articles = load_sources()
    assert list(articles) == ["000", "001", "002", "003", "004"]
    assert article(3).date == "2026-06-24" and article("002").date == "2026-04-29"
    assert "seed 003" in article(3).citation()
    with pytest.raises(DataError):
        article(7)


@pytest.mark.skipif(
    not os.environ.get(SOURCES_DIR_ENV),
    reason=f"{SOURCES_DIR_ENV} is not set: set it to the folder of the source articles to check their titles",
)
def test_source_titles_and_dates_match_the_articles():
    folder = Path(os.environ[SOURCES_DIR_ENV])
    assert folder.is_dir(), f"{SOURCES_DIR_ENV}={folder} is not a folder"
    for s in load_sources().values():
        text = (folder / s.file).read_text(encoding="utf-8")
        assert s.title in text
        assert s.date in text
