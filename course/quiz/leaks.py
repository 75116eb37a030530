"""No visible cell may show a value a graded answer needs.

What learners get (nbgrader's release) keeps every cell's text except the solution and the hidden tests. A
value graded in a hidden test must not appear there, whichever question shows it: a worked example that
prints another question's answer gives that answer away (quiz 03's break-even example once printed q06's).

Two checks, on the visible text of a notebook (:func:`visible_text`):

* **the text**: every hidden expected number (numeric parts, hidden code cases) is looked for in the visible
  text, written the ways people round it (``1425``, ``1,425``, ``16.67``, ``3,154`` for 3153.6: every
  rounding to 0-4 decimals, with and without thousands separators, that lies within the answer's tolerance
  or 0.5% of it). Renderings with fewer than three significant digits (``50``, ``0.5``; two are enough from
  1,000 up: ``4,500``) are too common to mean anything and are skipped;
* **the worked examples**: every visible code case's expected number is compared with every hidden value of
  the *other* questions, within that value's tolerance, whatever its size (so ``50.0`` is caught too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat

from course.quiz.model import Code, Numeric, Quiz

_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n.*?### END \1", re.S)
#: a relative closeness under which a rounding still reads as the answer
ROUNDING_SHARE = 0.005


@dataclass(frozen=True)
class GradedValue:
    """A number a graded test expects: where it comes from, the value and its tolerance."""

    qid: str
    label: str
    value: float
    tolerance: float


def visible_text(notebook_text: str) -> str:
    """The text of every cell as nbgrader releases it (solutions and hidden tests removed)."""
    nb = nbformat.reads(notebook_text, as_version=4)
    return "\n\n".join(visible_text_of(cell.source) for cell in nb.cells)


def visible_text_of(source: str) -> str:
    """One cell's source without its solution and hidden-test regions."""
    return _REGION.sub("", source)


def hidden_values(quiz: Quiz) -> list[GradedValue]:
    """Every number the quiz grades out of the learner's sight."""
    found: list[GradedValue] = []
    for q in quiz.questions:
        if isinstance(q, Numeric):
            found += [GradedValue(q.qid, p.var, float(p.answer), float(p.tolerance)) for p in q.parts]
        elif isinstance(q, Code):
            found += [
                GradedValue(q.qid, c.call, c.expect, float(c.tolerance))
                for t in q.tests
                for c in t.cases
                if c.hidden and isinstance(c.expect, int | float) and not isinstance(c.expect, bool)
            ]
    return found


def shown_values(quiz: Quiz) -> list[GradedValue]:
    """The numbers the quiz shows on purpose: its visible worked examples."""
    return [
        GradedValue(q.qid, c.call, c.expect, float(c.tolerance))
        for q in quiz.questions
        if isinstance(q, Code)
        for t in q.tests
        for c in t.cases
        if not c.hidden and isinstance(c.expect, int | float) and not isinstance(c.expect, bool)
    ]


def renderings(value: float, tolerance: float) -> set[str]:
    """The distinctive ways ``value`` may be written when rounded (see the module's docstring)."""
    close = max(tolerance, abs(value) * ROUNDING_SHARE)
    found = set()
    for decimals in range(5):
        for text in (f"{value:.{decimals}f}", f"{value:,.{decimals}f}"):
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            if text in ("", "-", "-0", "0") or abs(float(text.replace(",", "")) - value) > close:
                continue
            if _significant_digits(text) >= 3 or (_significant_digits(text) >= 2 and abs(value) >= 1000):
                found.add(text)
    return found


def leaks(quiz: Quiz, visible: str) -> list[str]:
    """A line for each hidden value the visible text shows, and each worked example equal to another
    question's hidden value."""
    problems = []
    for graded in hidden_values(quiz):
        for text in sorted(renderings(graded.value, graded.tolerance)):
            pattern = rf"(?<![\d.,]){re.escape(text)}(?![\d]|[.,]\d)"
            match = re.search(pattern, visible)
            if match:
                around = visible[max(0, match.start() - 50) : match.end() + 30].replace("\n", " ")
                problems.append(f"{graded.qid} {graded.label}: its answer {text} is visible: ...{around}...")
                break
    for shown in shown_values(quiz):
        for graded in hidden_values(quiz):
            if graded.qid != shown.qid and abs(shown.value - graded.value) <= max(graded.tolerance, 1e-9):
                problems.append(
                    f"{shown.qid}'s worked example {shown.label} = {shown.value:g} gives away {graded.qid} "
                    f"{graded.label} = {graded.value:g}: use other numbers in the example."
                )
    return problems


def _significant_digits(text: str) -> int:
    digits = re.sub(r"\D", "", text).lstrip("0")
    return len(digits.rstrip("0")) if "." not in text else len(digits)
