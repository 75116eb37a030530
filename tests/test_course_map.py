"""The course map (course.curriculum.course_map) and the source articles (course.curriculum.sources) agree
with the files they describe."""

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.curriculum.course_map import (
    MAP_PATH,
    ROOT,
    course_hours,
    course_map_frame,
    exercise_count,
    lab_minutes,
    load_course_map,
    quiz_minutes,
    reading_minutes,
    study_time,
    time_statement,
)
from course.curriculum.sources import article, load_sources, sources_frame
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
    assert list(frame.columns) == ["read first", "reading (min)", "in all (min)", "labs", "quiz", "notebook"]
    start = frame.loc[frame.index.str.startswith("00")].iloc[0]
    assert start["reading (min)"] == reading_minutes(ROOT / "lessons" / "00-start-here.ipynb")
    cost = frame.loc[frame.index.str.startswith("03")].iloc[0]
    assert (
        cost["in all (min)"] >= 60
    )  # reading, checks, five exercises, the calculator and a 12-question quiz
    assert (frame["in all (min)"] > frame["reading (min)"]).all()
    labs = " ".join(frame["labs"])
    assert (
        "planned" not in labs and "06 Hybrid router and migration (~" in labs and "07 Decision memo" in labs
    )


def test_reading_minutes_counts_prose_and_code(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("word " * 400), new_code_cell("x = 1"), new_code_cell("  ")])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert reading_minutes(path) == 3  # 400 / 200 + 0.75, rounded up


def test_study_time_adds_checks_exercises_calculators_and_the_quiz(tmp_path):
    lesson = new_notebook(
        cells=[
            new_markdown_cell("word " * 400 + "\n\n**Your turn.** Ask it something."),
            new_code_cell("widgets.break_even_calculator()"),
            new_markdown_cell(
                "## Exercises\n\n1. One.\n2. Two.\n\n## Check yourself\n\n1. Why?\n"
                "<details><summary>Answer</summary>Because.</details>"
            ),
        ]
    )
    quiz = new_notebook(
        cells=[
            new_markdown_cell("## Q1 · A\n\n*multiple choice · 1 point · outcome L01.1*"),
            new_markdown_cell("## Q2 · B\n\n*numeric · 3 points · outcome L01.2*"),
            new_markdown_cell("## Q3 · C\n\n*short code · 4 points · outcome L01.3*"),
            new_markdown_cell("## Q4 · D\n\n*choose all that apply · 2 points · outcome L01.3*"),
            new_markdown_cell("## Q5 · E\n\n*a kind not yet known · 1 point · outcome L01.3*"),
        ]
    )
    nbformat.write(lesson, tmp_path / "lesson.ipynb")
    nbformat.write(quiz, tmp_path / "quiz.ipynb")
    assert exercise_count(tmp_path / "lesson.ipynb") == 3  # two numbered exercises and one "your turn"
    assert quiz_minutes(tmp_path / "quiz.ipynb") == 11  # 1 + 2.5 + 4 + 1.5 + 2 (unknown kind), rounded up
    time = study_time(tmp_path / "lesson.ipynb", quiz=tmp_path / "quiz.ipynb")
    assert (time.reading, time.checks, time.exercises, time.interactive, time.quiz) == (3, 1, 12, 5, 11)
    assert time.total == 32
    assert study_time(tmp_path / "lesson.ipynb", quiz=tmp_path / "missing.ipynb").quiz == 0
    assert lab_minutes(tmp_path / "lesson.ipynb") == 3 + 18  # a lab's exercises count 6 minutes each


def test_the_whole_course_takes_about_ten_to_fourteen_hours():
    hours = course_hours()
    assert 9 <= hours.total_h <= 16 and hours.lessons_reading_h < hours.lessons_h  # the review: 10-14 h
    assert "hours in all" in str(hours)


def test_every_lesson_states_the_computed_times():
    """Reading time exactly; the time in all (which counts the quiz, rebuilt separately) within 10%."""
    course = load_course_map()
    for entry in course.lessons:
        path = ROOT / entry.file
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells[:2])
        quiz = ROOT / entry.quiz_path if entry.quiz_path else None
        expected = time_statement(path, quiz=quiz)
        stated = re.search(r"\*\*Time:\*\* about (\d+) minutes of reading; about (\d+) minutes with", text)
        assert stated, f"{path.name}: state its time near the top as: {expected}"
        time = study_time(path, quiz=quiz)
        assert int(stated.group(1)) == time.reading, f"{path.name}: update its time to: {expected}"
        assert abs(int(stated.group(2)) - time.total) <= max(5, 0.1 * time.total), (
            f"{path.name}: update its time to: {expected}"
        )


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
    assert article(3).citation() == "article 003 (“How to Decide”, 2026-06-24)"
    assert article(3).reference().startswith("“Open Source vs Closed AI: How to Decide”, by Ash")
    assert list(sources_frame().index) == ["000", "001", "002", "003", "004"]
    with pytest.raises(DataError):
        article(7)


def test_the_sources_page_lists_every_article():
    page = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    for a in load_sources().values():
        assert f"| {a.number} | {a.short_title} | {a.title} | {a.byline} | {a.date}" in page, a.number
    lessons = [nbformat.read(p, as_version=4) for p in sorted((ROOT / "lessons").glob("*.ipynb"))]
    assert "docs/sources.md" in "\n".join(c.source for c in lessons[0].cells)
    shared = "shared" + "/seeds"  # the authors' folder of the articles: no lesson may point there
    assert not [
        p
        for p, nb in zip(sorted((ROOT / "lessons").glob("*.ipynb")), lessons, strict=True)
        if any(shared in c.source for c in nb.cells)
    ]


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
