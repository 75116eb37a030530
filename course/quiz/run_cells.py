"""Run a quiz's answer and test cells in this process, in a fresh namespace: a fast check of the tests.

nbgrader scores a test cell by whether it raises; here a cell passes when it runs without an exception, which
is the same rule, without a kernel (milliseconds instead of a second). Used by the builder and the tests; real
nbgrader runs (course.quiz.grading) confirm it on the generated notebooks.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping

from course.quiz.model import Code, MultipleAnswer, MultipleChoice, Numeric, Ordering, Quiz
from course.quiz.render import answer_source, graded_cells


def run(quiz: Quiz, *, bodies: Mapping[str, str] | None = None, prelude: str = "") -> dict[str, bool]:
    """Execute ``prelude`` then every question's answer cell (``bodies[qid]`` in place of the solution) and
    test cells; return whether each graded cell (by grade id) passed."""
    bodies = bodies or {}
    namespace: dict = {"__name__": "__main__"}
    passed: dict[str, bool] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        if prelude:
            exec(compile(prelude, "<prelude>", "exec"), namespace)
        for q in quiz.questions:
            with contextlib.suppress(Exception):
                exec(compile(answer_source(q, bodies.get(q.qid)), f"<{q.qid}-answer>", "exec"), namespace)
            for cell in graded_cells(q):
                try:
                    exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), namespace)
                except Exception:
                    passed[cell.grade_id] = False
                else:
                    passed[cell.grade_id] = True
    return passed


def wrong_bodies(quiz: Quiz) -> list[tuple[str, str, str]]:
    """Every plausible wrong answer the quiz declares: (qid, label, answer-cell body).

    Multiple choice: each distractor; choose all that apply: the key less one letter, the key plus each wrong
    letter, every letter; ordering: the key with one neighbouring pair swapped, and reversed; numeric: each
    listed mistake and the answer pushed 1.5 tolerances out (one part at a time); code: each wrong body."""
    wrong: list[tuple[str, str, str]] = []
    for q in quiz.questions:
        if isinstance(q, MultipleChoice):
            wrong += [(q.qid, f"option {x}", f'{q.qid} = "{x}"') for x in q.letters if x != q.answer]
        elif isinstance(q, MultipleAnswer):
            key, letters = q.answer, "".join(q.letters)
            chosen = [key[:-1], *(key + x for x in letters if x not in key), letters]
            wrong += [(q.qid, f"letters {v}", f'{q.qid} = "{v}"') for v in chosen]
        elif isinstance(q, Ordering):
            key = q.answer
            orders = [key[1] + key[0] + key[2:], key[:-2] + key[-1] + key[-2], key[::-1]]
            wrong += [(q.qid, f"order {v}", f'{q.qid} = "{v}"') for v in orders]
        elif isinstance(q, Numeric):
            for i, part in enumerate(q.parts):
                others = [f"{p.var} = {p.answer!r}" for j, p in enumerate(q.parts) if j != i]
                values = [
                    *part.mistakes,
                    part.answer + 1.5 * part.tolerance,
                    part.answer - 1.5 * part.tolerance,
                ]
                wrong += [
                    (q.qid, f"{part.var} = {v!r}", "\n".join([*others, f"{part.var} = {v!r}"]))
                    for v in values
                ]
        elif isinstance(q, Code):
            wrong += [(q.qid, f"wrong[{i}]", body) for i, body in enumerate(q.wrong)]
    return wrong


def check(quiz: Quiz) -> list[str]:
    """Problems with the quiz's tests: solutions must pass everything; each wrong answer must fail some of its
    own question's cells and nothing else."""
    problems = []
    baseline = run(quiz)
    problems += [f"{gid}: the solution fails its own test." for gid, ok in baseline.items() if not ok]
    for qid, label, body in wrong_bodies(quiz):
        result = run(quiz, bodies={qid: body})
        own = [gid for gid in result if gid.startswith(qid)]
        if all(result[gid] for gid in own):
            problems.append(f"{qid}: wrong answer {label} passes every test of the question.")
        leaked = [gid for gid, ok in result.items() if not ok and not gid.startswith(qid)]
        if leaked:
            problems.append(f"{qid}: wrong answer {label} also fails other questions: {', '.join(leaked)}.")
    return problems
