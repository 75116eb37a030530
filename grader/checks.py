"""The grader's own check of each answer, decided outside the learner's kernel.

nbgrader scores a test cell by whether it raised in the learner's kernel, and learner code runs in that same
process: it could swallow the hidden tests' exceptions (a custom exception handler, a patched ``run_cell``).
So, before a question's first test cell runs, the kernel is asked only for the learner's *values* (the
variables, or the function called on the cases' literal arguments), encoded by type; the expected answers
never enter the kernel. This module compares those values with the quiz's data in the grader's process. A
test cell that passed in the kernel but fails here scores 0 and is flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from course.quiz.build import discover
from course.quiz.model import Case, Code, MultipleAnswer, MultipleChoice, Numeric, Ordering, Quiz
from course.quiz.render import graded_cells
from grader.protocol import CallProbe, Encoded, Probe


@dataclass(frozen=True)
class Expect:
    """What one probe must return: a kind (``str``, ``number``, ``bool``, ``none``), a value, a tolerance;
    or kind ``rule``: a string the quiz's own partial-credit rule accepts (choose all, ordering)."""

    kind: str
    value: str | float | bool | None
    tolerance: float = 0.0
    accepts: Callable[[str], bool] | None = None


@dataclass(frozen=True)
class CellChecks:
    """The probes of one graded cell (sent to the kernel) and their expectations (kept here)."""

    grade_id: str
    question: str
    probes: tuple[Probe, ...]
    expects: tuple[Expect, ...]

    def __deepcopy__(self, memo: dict) -> CellChecks:
        """Immutable: nbgrader's config (traitlets deep-copies its values) may share it."""
        return self


def _case_expect(case: Case) -> Expect:
    if case.expect is None:
        return Expect("none", None)
    if case.expect.__class__ is bool:
        return Expect("bool", case.expect)
    if case.expect.__class__ is str:
        return Expect("str", case.expect)
    return Expect("number", case.expect, case.tolerance)


def quiz_checks(quiz: Quiz) -> dict[str, CellChecks]:
    """Checks for every graded cell of ``quiz``, by grade id."""
    out: dict[str, CellChecks] = {}
    for q in quiz.questions:
        cells = graded_cells(q)
        groups: list[tuple[tuple[Probe, ...], tuple[Expect, ...]]]
        if isinstance(q, MultipleChoice):
            groups = [(({"kind": "name", "name": q.qid},), (Expect("str", q.answer),))]
        elif isinstance(q, MultipleAnswer | Ordering):
            groups = [
                (({"kind": "name", "name": q.qid},), (Expect("rule", None, accepts=partial(q.accepts, i)),))
                for i in range(len(cells))
            ]
        elif isinstance(q, Numeric):
            groups = [
                (({"kind": "name", "name": p.var},), (Expect("number", p.answer, p.tolerance),))
                for p in q.parts
            ]
        else:
            assert isinstance(q, Code)
            groups = [
                (
                    tuple(CallProbe(kind="call", expr=c.call) for c in test.cases),
                    tuple(_case_expect(c) for c in test.cases),
                )
                for test in q.tests
            ]
        for cell, (probes, expects) in zip(cells, groups):
            out[cell.grade_id] = CellChecks(cell.grade_id, q.qid, probes, expects)
    return out


def checks_for(quiz_id: str) -> dict[str, CellChecks] | None:
    """The checks of a course quiz, or None for an assignment that is not in course/quiz/bank/."""
    quiz = discover().get(quiz_id)
    return quiz_checks(quiz) if quiz else None


def passes(value: Encoded, expect: Expect) -> bool:
    """Whether one encoded value (``[kind, value]`` from the kernel) meets ``expect``."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    kind, got = value
    if expect.kind == "rule":
        return kind == "str" and isinstance(got, str) and expect.accepts is not None and expect.accepts(got)
    if expect.kind == "number":
        if kind not in ("int", "float") or isinstance(got, bool) or not isinstance(got, (int, float)):
            return False
        want = expect.value  # a number: see _case_expect and quiz_checks
        return isinstance(want, (int, float)) and -expect.tolerance <= got - want <= expect.tolerance
    if expect.kind == "str":
        return kind == "str" and isinstance(got, str) and got == expect.value
    if expect.kind == "bool":
        return kind == "bool" and got is expect.value
    return kind == "none" and got is None


def cell_passes(checks: CellChecks, values: list[Encoded] | None) -> bool:
    if not isinstance(values, list) or len(values) != len(checks.expects):
        return False
    return all(passes(v, e) for v, e in zip(values, checks.expects))
