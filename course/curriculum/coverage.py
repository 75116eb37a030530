"""The coverage table: every source-article idea -> outcome -> lesson section -> lab -> the quiz questions
that test it.

Inputs, each kept in one place:

- ``course/data/source_ideas.json`` (hand-written): each idea of the five source articles with its outcome,
  lesson and section heading (without its number), or the reason it was left out;
- ``docs/outcomes.md``: the outcome IDs (``LNN.k``);
- ``course/data/course_map.json``: each lesson's notebook, labs and quiz;
- the notebooks themselves: section headings (read, so the table shows them as numbered today);
- ``quizzes/*/*.ipynb``: graded cells carry ``metadata["course"]["ideas"]``, the ideas each question
  names (course/quiz/bank/), and its ``outcome``.

A question counts for an idea only when it names the idea: sharing an outcome is not enough (an outcome
holds several ideas, and a question may test one of them). :func:`render_coverage` writes the Markdown
(``scripts/write_coverage.py`` saves it as docs/coverage.md), with the ideas no question tests;
:func:`coverage_problems` lists every name that does not exist, for the tests.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from course.curriculum.course_map import ROOT, CourseMap, load_course_map
from course.curriculum.sources import load_sources
from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, Text, data_row, load_data, problem

IDEAS_PATH = DATA_DIR / "source_ideas.json"
OUTCOME_ID = re.compile(r"\*\*(L\d{2}\.\d+)\*\*")
_LEVEL = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_NUMBER_PREFIX = re.compile(r"^\d+\s*·\s*")


@data_row
class SourceIdea:
    id: Text
    article: Text  # the source article's number, e.g. "003"
    idea: Text
    outcome: str | None
    lesson: str | None
    section: str | None  # heading text without its "N · " number
    left_out: str | None
    evidence: tuple[str, ...] = ()  # phrases, any of which the section's text must contain (case-insensitive)
    # For a section that shows a table computed by the course: the repository file holding the table's
    # text, and the name the section's code must use to show it (e.g. "WHEN_NOT").
    evidence_file: str | None = None
    evidence_via: str | None = None

    @model_validator(mode="after")
    def _taught_or_left_out(self) -> SourceIdea:
        if (self.outcome is None) == (self.left_out is None):
            raise problem(
                "and 'left_out': exactly one of them must be given.",
                "Give the outcome that teaches it, or say why it is left out.",
                field="outcome",
            )
        if (self.evidence_file is None) != (self.evidence_via is None) or (
            self.evidence_file and not (ROOT / self.evidence_file).is_file()
        ):
            raise problem(
                f"is {self.evidence_file!r} and evidence_via {self.evidence_via!r}.",
                "Give both (an existing file, and the name the section's code uses) or neither.",
                field="evidence_file",
            )
        if self.outcome and not self.evidence:
            raise problem(
                "is empty.",
                "List a phrase or two the lesson section must contain when it teaches this idea.",
                field="evidence",
            )
        if self.outcome and self.lesson != self.outcome[1:3]:
            raise problem(
                f"is {self.lesson!r} but the outcome is {self.outcome}.",
                "The lesson is the outcome's two digits.",
                field="lesson",
            )
        return self


class IdeasFile(BaseModel):
    """``course/data/source_ideas.json``: every idea of the source articles, ids unique."""

    model_config = FILE_CONFIG

    about: str = ""
    ideas: tuple[SourceIdea, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_articles_known(self) -> IdeasFile:
        articles = load_sources()
        ids: set[str] = set()
        for i, idea in enumerate(self.ideas):
            if idea.id in ids:
                raise problem(f"repeats {idea.id!r}.", "Give each idea its own id.", at=("ideas", i, "id"))
            ids.add(idea.id)
            if idea.article not in articles:
                raise problem(
                    f"is {idea.article!r}, not a source article.",
                    f"Use one of {list(articles)} (course/data/sources.json).",
                    at=("ideas", i, "article"),
                )
        return self


@dataclass(frozen=True)
class CoverageRow:
    idea: SourceIdea
    source_label: str  # "003 (2026-06-24)"
    heading: str | None  # as numbered in the notebook today
    labs: tuple[str, ...]
    quiz_questions: tuple[str, ...]  # the questions that name this idea
    found_in_text: bool  # the section's text contains one of the idea's evidence phrases


def load_ideas(path: Path = IDEAS_PATH) -> tuple[SourceIdea, ...]:
    """Read the hand-written idea list; every idea has an outcome or a reason it was left out."""
    return load_data(path.name, IdeasFile, data_dir=path.parent).ideas


def outcome_ids(path: Path | None = None) -> tuple[str, ...]:
    """Outcome IDs in docs/outcomes.md, in order."""
    path = path or ROOT / "docs" / "outcomes.md"
    return tuple(OUTCOME_ID.findall(path.read_text(encoding="utf-8")))


def notebook_headings(path: Path) -> dict[str, str]:
    """Markdown headings of a notebook: {text without its number: heading as written}."""
    return {key: parts[0] for key, parts in notebook_sections(path).items()}


def notebook_sections(path: Path) -> dict[str, tuple[str, str, str]]:
    """{heading without its number: (heading as written, its Markdown, its code)}.

    A section runs from its heading to the next heading of the same or a higher level, so a
    ``##`` section includes its ``###`` subsections. Headings are read from Markdown cells only.
    """
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    lines = [(cell.cell_type, line) for cell in nb.cells for line in cell.source.splitlines()]
    heads = [
        (i, len(m.group(1)), m.group(2).strip())
        for i, (kind, line) in enumerate(lines)
        if kind == "markdown" and (m := _LEVEL.match(line))
    ]
    found: dict[str, tuple[str, str, str]] = {}
    for n, (start, level, heading) in enumerate(heads):
        end = next((i for i, lv, _h in heads[n + 1 :] if lv <= level), len(lines))
        part = lines[start:end]
        markdown = "\n".join(line for kind, line in part if kind == "markdown")
        code = "\n".join(line for kind, line in part if kind == "code")
        found.setdefault(_NUMBER_PREFIX.sub("", heading), (heading, markdown, code))
    return found


def _graded_quiz_cells(root: Path) -> Iterator[tuple[str, dict]]:
    """("quiz-05-operations q04", the cell's ``metadata["course"]``) for every graded cell of every quiz."""
    import nbformat

    for path in sorted((root / "quizzes").glob("*/*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("grade", False):
                meta = cell.metadata.get("course", {})
                yield f"{path.stem} {meta.get('question') or grading.get('grade_id', '?')}", meta


def _questions_by(keys: Callable[[dict], Iterable[str]], root: Path) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for label, meta in _graded_quiz_cells(root):
        for key in keys(meta):
            if label not in found[key]:
                found[key].append(label)
    return {k: tuple(v) for k, v in found.items()}


def quiz_questions_by_outcome(root: Path = ROOT) -> dict[str, tuple[str, ...]]:
    """{outcome: ("quiz-05-operations q04", ...)} from graded cells' ``metadata["course"]``."""
    return _questions_by(lambda meta: [meta["outcome"]] if meta.get("outcome") else [], root)


def quiz_questions_by_idea(root: Path = ROOT) -> dict[str, tuple[str, ...]]:
    """{idea id: ("quiz-05-operations q04", ...)}: the questions that name the idea in their graded cells'
    ``metadata["course"]["ideas"]``."""
    return _questions_by(lambda meta: meta.get("ideas", ()), root)


def coverage_rows(root: Path = ROOT, *, course: CourseMap | None = None) -> list[CoverageRow]:
    course = course or load_course_map()
    articles = load_sources()
    quizzes = quiz_questions_by_idea(root)
    sections = _sections_by_lesson(root, course)
    rows = []
    for idea in load_ideas():
        heading = labs = None
        found = False
        if idea.lesson:
            entry = course.lesson(idea.lesson)
            labs = tuple(_lab_label(course, lab_id, root) for lab_id in entry.labs)
            if idea.section and idea.section in sections.get(idea.lesson, {}):
                heading, markdown, code = sections[idea.lesson][idea.section]
                found = _evidence_found(idea, markdown + "\n" + code, code, root)
        article = articles[idea.article]
        rows.append(
            CoverageRow(
                idea=idea,
                source_label=f"{article.number} ({article.date})",
                heading=heading,
                labs=labs or (),
                quiz_questions=quizzes.get(idea.id, ()),
                found_in_text=found,
            )
        )
    return rows


def coverage_problems(root: Path = ROOT) -> list[str]:
    """Every lesson, section, lab or quiz the table names that does not exist, and every uncovered outcome."""
    course = load_course_map()
    problems = []
    headings = _sections_by_lesson(root, course)
    for idea in load_ideas():
        if not idea.lesson:
            continue
        entry = course.lesson(idea.lesson)
        if idea.section and not (root / entry.file).exists():
            problems.append(f"{idea.id}: names a section of {entry.file}, which does not exist")
        elif idea.section and idea.section not in headings.get(idea.lesson, {}):
            problems.append(f"{idea.id}: {entry.file} has no heading {idea.section!r}")
    for lab in course.labs:
        if lab.status == "exists" and not (root / (lab.file or "")).exists():
            problems.append(f"lab {lab.id}: marked as existing but {lab.file} is missing")
    existing_labs = {p.relative_to(root).as_posix() for p in (root / "labs").glob("*.ipynb")}
    for path in sorted(existing_labs - {lab.file for lab in course.labs if lab.file}):
        problems.append(f"{path} exists but the course map does not list it (course/data/course_map.json)")
    quizzes = {entry.quiz for entry in course.lessons if entry.quiz}
    for notebook in sorted((root / "quizzes").glob("*/*.ipynb")):
        if ".ipynb_checkpoints" not in notebook.parts and notebook.stem not in quizzes:
            problems.append(f"{notebook.relative_to(root)} is not the quiz of any lesson in the course map")
    known = set(outcome_ids(root / "docs" / "outcomes.md"))
    taught = {i.outcome for i in load_ideas() if i.outcome}
    problems += [f"{o}: no source idea maps to it" for o in sorted(known - taught)]
    problems += [f"{o}: named by a source idea but not in docs/outcomes.md" for o in sorted(taught - known)]
    ids = {i.id for i in load_ideas()}
    for idea_id, questions in sorted(quiz_questions_by_idea(root).items()):
        if idea_id not in ids:
            problems.append(f"{', '.join(questions)}: names idea {idea_id!r}, which source_ideas.json lacks")
    return problems


def render_coverage(root: Path = ROOT) -> str:
    """docs/coverage.md as Markdown: totals, the table, what was left out and why, and the taught ideas no
    quiz question tests."""
    course = load_course_map()
    rows = coverage_rows(root, course=course)
    articles = load_sources()
    taught = [r for r in rows if r.idea.outcome]
    outcomes = outcome_ids(root / "docs" / "outcomes.md")
    covered = {r.idea.outcome for r in taught}
    with_lab = [r for r in taught if any(not lab.endswith("(planned)") for lab in r.labs)]
    quizzed = quiz_questions_by_outcome(root)
    questions = {q for r in rows for q in r.quiz_questions}
    per_idea = Counter(min(len(r.quiz_questions), 3) for r in taught)
    lines = [
        "# Coverage: source-article ideas → outcomes → lessons → labs → quiz questions",
        "",
        "Generated by `scripts/write_coverage.py` from `course/data/source_ideas.json`, docs/outcomes.md, "
        "the",
        "course map, the lesson notebooks' headings and the quizzes' cell metadata. Do not edit by hand:",
        "change the inputs and run `.venv/bin/python scripts/write_coverage.py`. A section shown as `—` is",
        "in a lesson not written yet (or not yet mapped); a lab marked (planned) does not exist yet. A quiz",
        "question is listed under an idea only when the question names that idea (`ideas=` in",
        "course/quiz/bank/); sharing the idea's outcome is not enough.",
        "",
        "## Totals",
        "",
        "| Measure | Count |",
        "|---|---|",
        f"| Source-article ideas listed | {len(rows)} |",
        f"| … taught (mapped to an outcome) | {len(taught)} |",
        f"| … left out (reasons below) | {len(rows) - len(taught)} |",
        f"| … mapped to a lesson section that exists | {sum(1 for r in taught if r.heading)} |",
        f"| … whose section's text mentions them | {sum(1 for r in taught if r.found_in_text)} |",
        f"| … with a lab that exists (not only planned) | {len(with_lab)} |",
        f"| … tested by at least one quiz question | {sum(1 for r in taught if r.quiz_questions)} |",
        f"| … tested by no quiz question (listed below) | {sum(1 for r in taught if not r.quiz_questions)} |",
        f"| Quiz questions naming at least one idea | {len(questions)} |",
        f"| Outcomes in docs/outcomes.md covered by at least one idea | {len(covered & set(outcomes))} of "
        f"{len(outcomes)} |",
        f"| Outcomes with at least one quiz question | "
        f"{sum(1 for o in outcomes if quizzed.get(o))} of {len(outcomes)} |",
        "",
        "Quiz questions per taught idea: "
        + ", ".join(
            f"{label}: {per_idea.get(n, 0)} ideas"
            for n, label in ((0, "none"), (1, "one"), (2, "two"), (3, "three or more"))
        )
        + ".",
        "",
        "Ideas per article: "
        + ", ".join(
            f"{n} ({articles[n].date}): {c}" for n, c in sorted(Counter(r.idea.article for r in rows).items())
        )
        + ".",
        "",
        "Articles: " + "; ".join(f"{a.number} “{a.title}” ({a.date})" for a in articles.values()) + ".",
        "",
        "## The table",
        "",
        "| Idea | Article (date) | What the article says, in the course's words | Outcome | Lesson section "
        "| Labs | Questions | Quiz questions that test it |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in taught:
        entry = course.lesson(r.idea.lesson or "")
        section = f"{entry.number}: {r.heading}" if r.heading else f"{entry.number}: —"
        if r.heading and not r.found_in_text:
            section += " (not yet in its text)"
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    r.idea.id,
                    r.source_label,
                    r.idea.idea,
                    r.idea.outcome or "",
                    section,
                    "; ".join(r.labs) or "—",
                    str(len(r.quiz_questions)),
                    _questions(r.quiz_questions),
                )
            )
            + " |"
        )
    missing = [r for r in taught if r.heading and not r.found_in_text]
    lines += [
        "",
        "## Mapped, but not yet found in the section's text",
        "",
        "The section exists, but none of the idea's evidence phrases (`course/data/source_ideas.json`) "
        "occurs",
        "in its Markdown or code, or in the course table its code shows: either the lesson does not teach",
        "the idea yet, or it words it differently (then add that wording as evidence).",
        "",
    ]
    if missing:
        lines += ["| Idea | Outcome | Section | Evidence looked for |", "|---|---|---|---|"]
        lines += [
            f"| {r.idea.id} | {r.idea.outcome} | {r.idea.lesson}: {_cell(r.heading or '')} | "
            f"{_cell(' / '.join(r.idea.evidence))} |"
            for r in missing
        ]
    else:
        lines.append("None.")
    lines += [
        "",
        "## Left out, and why",
        "",
        "| Idea | Article (date) | Idea | Why left out |",
        "|---|---|---|---|",
    ]
    for r in rows:
        if not r.idea.outcome:
            lines.append(
                f"| {r.idea.id} | {r.source_label} | {_cell(r.idea.idea)} | {_cell(r.idea.left_out or '')} |"
            )
    untested = [r for r in taught if not r.quiz_questions]
    lines += [
        "",
        "## Taught, but tested by no quiz question",
        "",
        "Ideas mapped to an outcome that no quiz question names: candidates for the next question.",
        "",
    ]
    if untested:
        lines += ["| Idea | Outcome | What the article says |", "|---|---|---|"]
        lines += [f"| {r.idea.id} | {r.idea.outcome} | {_cell(r.idea.idea)} |" for r in untested]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _evidence_found(idea: SourceIdea, text: str, code: str, root: Path) -> bool:
    """One evidence phrase in the section (Markdown or code), or in the file whose table its code shows."""
    phrases = [p.lower() for p in idea.evidence]
    if any(p in text.lower() for p in phrases):
        return True
    if idea.evidence_file and idea.evidence_via and idea.evidence_via in code:
        shown = (root / idea.evidence_file).read_text(encoding="utf-8").lower()
        return any(p in shown for p in phrases)
    return False


@functools.cache
def _cached_sections(path: Path, mtime: float) -> dict[str, tuple[str, str, str]]:
    return notebook_sections(path)


def _sections_by_lesson(root: Path, course: CourseMap) -> dict[str, dict[str, tuple[str, str, str]]]:
    found = {}
    for entry in course.lessons:
        path = root / entry.file
        if path.exists():
            found[entry.number] = _cached_sections(path, path.stat().st_mtime)
    return found


def _lab_label(course: CourseMap, lab_id: str, root: Path) -> str:
    lab = course.lab(lab_id)
    exists = lab.file is not None and (root / lab.file).exists()
    return f"lab {lab.id}" + ("" if exists else " (planned)")


def _questions(labels: tuple[str, ...]) -> str:
    """("quiz-05-operations q01", "quiz-05-operations q02") -> "quiz-05-operations q01, q02"."""
    by_quiz: dict[str, list[str]] = defaultdict(list)
    for label in labels:
        quiz, _, question = label.partition(" ")
        by_quiz[quiz].append(question)
    return "; ".join(f"{quiz} {', '.join(qs)}" for quiz, qs in by_quiz.items()) or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
