"""Learner submissions for the quiz tests, built from a released notebook by replacing answer cells.

Besides blank, right and wrong answers, this module holds a *tampering* submission: code a learner could put
in an answer cell to fool tests that rely on names (builtins, math) or on ``==`` (objects equal to
everything, even through their metaclass).
"""

from __future__ import annotations

import nbformat

from course.quiz.model import Code, MultipleAnswer, MultipleChoice, Numeric, Ordering, Question, Quiz
from course.quiz.render import BEGIN_SOLUTION, answer_source

#: answers that equal anything: through __eq__, through arithmetic, and through their metaclass
FAKES = """
class _EqualsAll(type):
    def __eq__(cls, other):
        return True

    def __hash__(cls):
        return 0


class _Anything(float, metaclass=_EqualsAll):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __sub__(self, other):
        return 0.0

    __rsub__ = __add__ = __radd__ = __sub__

    def __hash__(self):
        return 0


class _AnyText(str, metaclass=_EqualsAll):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0


ANYTHING = _Anything(0.0)
ANY_TEXT = _AnyText("A")
_real_type = type


def _yes(*args, **kwargs):
    return True
"""

#: names a naive test would call, shadowed in the learner's namespace (in-process test: every question)
SHADOW = """
isinstance = issubclass = callable = all = any = _yes
abs = lambda x: 0.0
round = lambda *args, **kwargs: 0
len = lambda x: 1
print = lambda *args, **kwargs: None
type = lambda *args: float if len(args) == 1 else _real_type(*args)
float = int = str = bool = _Anything
AssertionError = _real_type("AssertionError", (Exception,), {})
"""

#: in the grading kernel: builtins and library functions patched for the whole process, plus the shadowed
#: names no solution uses. (Patching builtins the kernel itself runs on, such as isinstance or len, hangs
#: IPython, and nbgrader then fails the whole submission: that gains nothing either.)
KERNEL_PATCH = """
import builtins
import math

builtins.abs = lambda x: 0.0
builtins.round = lambda *args, **kwargs: 0
math.isclose = _yes
math.isnan = lambda x: False
math.fabs = lambda x: 0.0
type = lambda *args: float if builtins.len(args) == 1 else _real_type(*args)
print = lambda *args, **kwargs: None
AssertionError = _real_type("AssertionError", (Exception,), {})
"""

TAMPER_IN_PROCESS = FAKES + SHADOW
TAMPER_IN_KERNEL = FAKES + KERNEL_PATCH


def fake_body(q: Question) -> str:
    """An answer-cell body that answers ``q`` with objects equal to everything (needs FAKES)."""
    if isinstance(q, MultipleChoice | MultipleAnswer | Ordering):
        return f"{q.qid} = ANY_TEXT"
    if isinstance(q, Numeric):
        return "\n".join(f"{p.var} = ANYTHING" for p in q.parts)
    assert isinstance(q, Code)
    return "    return ANYTHING"


def _answer_cells(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    cells = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer"):
            cells[grade_id.removesuffix("-answer")] = cell
    return cells


def submission(released_text: str, quiz: Quiz, bodies: dict[str, str], *, prelude: str = "") -> str:
    """The released notebook with ``bodies[qid]`` answering those questions (others stay blank) and
    ``prelude`` run at the top of the first answer cell. Returns the notebook's JSON text."""
    nb = nbformat.reads(released_text, as_version=4)
    cells = _answer_cells(nb)
    for q in quiz.questions:
        cell = cells[q.qid]
        if q.qid in bodies:
            # the rendered answer cell without nbgrader's markers: what a learner's filled-in cell looks like
            source = answer_source(q, bodies[q.qid])
            cell.source = "\n".join(line for line in source.splitlines() if "### " not in line)
        if prelude and q is quiz.questions[0]:
            cell.source = prelude + "\n" + cell.source
    return nbformat.writes(nb)


def solution_body(q: Question) -> str:
    """The source notebook's answer for ``q``, as the learner would type it."""
    source = answer_source(q)
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if BEGIN_SOLUTION in line)
    return "\n".join(lines[start + 1 : -1])
