"""docs/coverage.md is generated, current, names only things that exist, and covers every outcome."""

import re
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.curriculum.course_map import ROOT
from course.curriculum.coverage import (
    coverage_problems,
    coverage_rows,
    load_ideas,
    notebook_headings,
    notebook_sections,
    outcome_ids,
    quiz_questions_by_idea,
    quiz_questions_by_outcome,
    render_coverage,
)


def test_committed_coverage_is_what_the_script_writes_now():
    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == render_coverage(ROOT), (
        "docs/coverage.md is stale: run python scripts/write_coverage.py"
    )


def test_every_lesson_section_lab_and_quiz_named_exists():
    problems = [p for p in coverage_problems(ROOT) if "no source idea maps" not in p]
    assert problems == []


def test_every_outcome_is_covered_by_a_source_idea():
    outcomes = outcome_ids()
    assert len(outcomes) >= 30 and len(set(outcomes)) == len(outcomes)
    taught = {i.outcome for i in load_ideas() if i.outcome}
    assert set(outcomes) - taught == set()
    assert taught - set(outcomes) == set()


def test_lessons_01_02_04_teach_every_idea_mapped_to_them():
    # the other lessons' gaps are listed in docs/coverage.md ("Mapped, but not yet found") for their authors
    rows = [r for r in coverage_rows(ROOT) if r.idea.lesson in ("01", "02", "04") and r.idea.outcome]
    assert len(rows) >= 30
    assert [r.idea.id for r in rows if not r.found_in_text] == []


def test_every_left_out_idea_says_why_and_is_listed():
    text = render_coverage(ROOT)
    left = [i for i in load_ideas() if not i.outcome]
    assert left and all(len(i.left_out or "") > 20 for i in left)
    section = text.split("## Left out, and why", 1)[1]
    assert all(i.id in section for i in left)
    assert "$" not in text  # JupyterLab and many Markdown viewers typeset $...$


def test_totals_add_up():
    text = render_coverage(ROOT)
    count = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| (.+?) \| (\d+) \|$", text, re.MULTILINE)}
    assert count["Source-article ideas listed"] == len(load_ideas())
    assert count["… taught (mapped to an outcome)"] + count["… left out (reasons below)"] == len(load_ideas())
    table = text.split("## The table")[1].split("## Mapped, but")[0]
    rows = [line for line in table.splitlines() if re.match(r"^\| \d{3}-\d{2} \|", line)]
    assert len(rows) == count["… taught (mapped to an outcome)"]
    gaps = text.split("## Mapped, but")[1].split("## Left out")[0]
    missing = [line for line in gaps.splitlines() if re.match(r"^\| \d{3}-\d{2} \|", line)]
    taught_in_text = count["… whose section's text mentions them"]
    assert len(missing) == count["… mapped to a lesson section that exists"] - taught_in_text


def test_headings_are_matched_without_their_numbers(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Title\n\n## 3 · Licences side by side\ntext\n### Aside\nmore"),
            new_code_cell("# not a heading\nshow(WHEN_NOT)"),
            new_markdown_cell("## 4 · Next part\nother"),
        ]
    )
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert notebook_headings(path) == {
        "Title": "Title",
        "Licences side by side": "3 · Licences side by side",
        "Aside": "Aside",
        "Next part": "4 · Next part",
    }
    _heading, markdown, code = notebook_sections(path)["Licences side by side"]
    assert "more" in markdown and "other" not in markdown  # a ## section includes its ### subsection
    assert "WHEN_NOT" in code


def test_quiz_questions_come_from_graded_cell_metadata(tmp_path):
    graded = new_code_cell("assert True")
    graded.metadata = {
        "nbgrader": {"grade": True, "grade_id": "q02a-test", "points": 1},
        "course": {"outcome": "L01.3", "question": "q02", "part": "a"},
    }
    ungraded = new_code_cell("x = 1")
    ungraded.metadata = {"course": {"outcome": "L01.4", "question": "q09"}}
    quiz = tmp_path / "quizzes" / "quiz-01-open"
    quiz.mkdir(parents=True)
    twice = new_code_cell(graded.source, metadata=graded.metadata)  # a second part of the same question
    nbformat.write(new_notebook(cells=[graded, twice, ungraded]), quiz / "quiz-01-open.ipynb")
    assert quiz_questions_by_outcome(tmp_path) == {"L01.3": ("quiz-01-open q02",)}


def test_questions_count_for_the_ideas_they_name_not_for_their_outcome(tmp_path):
    """Two questions on one outcome: each is listed under the idea it names, and only there."""
    cells = []
    for qid, ideas in (("q01", ["003-04"]), ("q02", ["004-10", "003-35"])):
        cell = new_code_cell("assert True")
        cell.metadata = {
            "nbgrader": {"grade": True, "grade_id": f"{qid}-test", "points": 1},
            "course": {"outcome": "L01.3", "question": qid, "part": "", "ideas": ideas},
        }
        cells.append(cell)
    quiz = tmp_path / "quizzes" / "quiz-01-open"
    quiz.mkdir(parents=True)
    nbformat.write(new_notebook(cells=cells), quiz / "quiz-01-open.ipynb")
    assert quiz_questions_by_idea(tmp_path) == {
        "003-04": ("quiz-01-open q01",),
        "004-10": ("quiz-01-open q02",),
        "003-35": ("quiz-01-open q02",),
    }
    assert quiz_questions_by_outcome(tmp_path) == {"L01.3": ("quiz-01-open q01", "quiz-01-open q02")}


def test_the_table_lists_each_idea_with_the_questions_that_name_it():
    rows = coverage_rows(ROOT)
    by_idea = quiz_questions_by_idea(ROOT)
    assert by_idea and all(r.quiz_questions == by_idea.get(r.idea.id, ()) for r in rows)
    assert any(len(r.quiz_questions) >= 2 for r in rows)
    seat = next(r for r in rows if r.idea.id == "000-18")  # seat vs token pricing (issue 23)
    assert seat.quiz_questions, "seat-vs-token pricing has a question"
    text = render_coverage(ROOT)
    untested = text.split("## Taught, but tested by no quiz question", 1)[1]
    listed = set(re.findall(r"^\| (\d{3}-\d{2}) \|", untested, re.MULTILINE))
    assert listed == {r.idea.id for r in rows if r.idea.outcome and not r.quiz_questions}


@pytest.mark.parametrize("flag", ["--help", "--check"])
def test_script_runs(flag):
    done = subprocess.run(
        [sys.executable, "scripts/write_coverage.py", flag],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("usage" in done.stdout) if flag == "--help" else ("up to date" in done.stdout)
