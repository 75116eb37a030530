"""Render a :class:`~course.quiz.model.Quiz` into an nbgrader source notebook (deterministic bytes).

Per question: a locked Markdown scenario cell, one solution cell (``qNN-answer``) and one locked graded test
cell per part / CodeTest / point of a choose-all or ordering question. Test cells print the explanation
inside a hidden-test region (so it reaches the feedback, never the release), check the answer's form
visibly in ordinary Python (``isinstance(q01, str)``: a learner reads these), and its correctness in a hidden
region written with literals, operators, methods of exact built-in types and ``is`` only (nothing a
learner's namespace can shadow). The grader checks the same values again outside the kernel
(grader/checks.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

from course.quiz.model import (
    Case,
    Code,
    CodeTest,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Part,
    Question,
    Quiz,
)

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
#: the real classes, reached through literals (a learner can rebind `type`, `float`, ... but not these)
TYPE_OF = "().__class__.__class__"
FLOAT, INT, STR, FUNCTION = "(0.0).__class__", "(0).__class__", '"".__class__', "(lambda: None).__class__"
KIND_LABEL = {
    "mc": "multiple choice",
    "multi": "choose all that apply",
    "order": "ordering",
    "numeric": "numeric",
    "code": "short code",
}
PART_LETTERS = "abcdefgh"


@dataclass(frozen=True)
class GradedCell:
    """One graded test cell of a question."""

    grade_id: str
    part: str
    points: int
    source: str


def answer_source(q: Question, body: str | None = None) -> str:
    """The solution cell: the source notebook's answer, or ``body`` in its place (to test wrong answers)."""
    if isinstance(q, MultipleChoice):
        letters = ", ".join(f'"{x}"' for x in q.letters)
        head = f"# {_label(q)}: replace the two lines below with your answer, one of {letters}"
        head += f', e.g. {q.qid} = "A"'
        inner = f'{q.qid} = "{q.answer}"' if body is None else body
        return "\n".join([head, BEGIN_SOLUTION, inner, END_SOLUTION])
    if isinstance(q, MultipleAnswer):
        head = f"# {_label(q)}: replace the two lines below with the letters of every option that applies"
        head += f', e.g. {q.qid} = "{example_letters(q)}"'
        inner = f'{q.qid} = "{q.answer}"' if body is None else body
        return "\n".join([head, BEGIN_SOLUTION, inner, END_SOLUTION])
    if isinstance(q, Ordering):
        head = f"# {_label(q)}: replace the two lines below with all {len(q.letters)} letters, first to last"
        head += f', e.g. {q.qid} = "{example_letters(q)}"'
        inner = f'{q.qid} = "{q.answer}"' if body is None else body
        return "\n".join([head, BEGIN_SOLUTION, inner, END_SOLUTION])
    if isinstance(q, Numeric):
        lines = [f"# {_label(q)}: replace the two lines below with your numbers (int or float):"]
        lines += [f"# {p.var} = ...   # {p.unit}, within ± {_show(p.tolerance)}" for p in q.parts]
        inner = (
            "\n".join(f"{p.var} = {p.working or repr(p.answer)}" for p in q.parts) if body is None else body
        )
        return "\n".join([*lines, BEGIN_SOLUTION, inner, END_SOLUTION])
    inner = q.solution if body is None else body
    return "\n".join([q.signature.rstrip(), f"    {BEGIN_SOLUTION}", inner.rstrip(), f"    {END_SOLUTION}"])


def graded_cells(q: Question) -> list[GradedCell]:
    """The question's graded test cells, in order."""
    if isinstance(q, MultipleChoice):
        return [GradedCell(f"{q.qid}-test", "", q.points, _mc_test(q))]
    if isinstance(q, MultipleAnswer | Ordering):
        return [
            GradedCell(f"{q.qid}{letter}-test", letter, 1, _letters_test(q, i))
            for i, letter in zip(range(q.total_points), PART_LETTERS)
        ]
    if isinstance(q, Numeric):
        single = len(q.parts) == 1
        return [
            GradedCell(
                f"{q.qid}-test" if single else f"{q.qid}{letter}-test",
                "" if single else letter,
                part.points,
                _numeric_test(q, part, letter, first=i == 0),
            )
            for i, (letter, part) in enumerate(zip(PART_LETTERS, q.parts))
        ]
    single = len(q.tests) == 1
    return [
        GradedCell(
            f"{q.qid}-test" if single else f"{q.qid}{letter}-test",
            "" if single else letter,
            test.points,
            _code_test(q, test, first=i == 0),
        )
        for i, (letter, test) in enumerate(zip(PART_LETTERS, q.tests))
    ]


def render(quiz: Quiz) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``quiz`` (validate the quiz first)."""
    cells = [_markdown("intro", _intro(quiz))]
    for q in quiz.questions:
        cells.append(_markdown(f"{q.qid}-scenario", _scenario(q)))
        cells.append(_code(f"{q.qid}-answer", answer_source(q), solution=True))
        for test in graded_cells(q):
            meta = {
                "outcome": q.outcome,
                "article": q.article,
                "ideas": list(q.ideas),
                "kind": q.kind,
                "question": q.qid,
                "part": test.part,
            }
            cells.append(_code(test.grade_id, test.source, grade=True, points=test.points, course=meta))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "course": {"quiz_id": quiz.quiz_id, "title": quiz.title, "generated_by": "quizzes/build.py"},
    }
    return nb


def render_text(quiz: Quiz) -> str:
    """The notebook file's exact text (nbformat's JSON with a final newline)."""
    return nbformat.writes(render(quiz)) + "\n"


# --- cells ------------------------------------------------------------------------------------------------


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int | None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def _markdown(grade_id: str, text: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = grade_id
    cell.metadata = {"nbgrader": _nbgrader(grade_id, grade=False, solution=False, locked=True, points=None)}
    return cell


def _code(
    grade_id: str,
    source: str,
    *,
    solution: bool = False,
    grade: bool = False,
    points: int | None = None,
    course: dict | None = None,
) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = grade_id
    meta: dict = {
        "nbgrader": _nbgrader(grade_id, grade=grade, solution=solution, locked=grade, points=points)
    }
    if course is not None:
        meta["course"] = course
    cell.metadata = meta
    return cell


# --- Markdown ---------------------------------------------------------------------------------------------


def _intro(quiz: Quiz) -> str:
    kinds = ", ".join(
        f"{quiz.count(k)} {KIND_LABEL[k]}"
        for k in ("mc", "multi", "order", "numeric", "code")
        if quiz.count(k)
    )
    number = quiz.lesson[1:]
    return f"""# Quiz {number} · {quiz.title}

{quiz.intro.strip()}

**{len(quiz.questions)} questions** ({kinds}), **{quiz.total_points} points**. Each question describes a
situation: read it, then answer in the code cell below it.

* **Answer**: in each answer cell, replace `# YOUR CODE HERE` and `raise NotImplementedError()` with your
  answer: a letter (`q01 = "B"`), several letters (choose all that apply: `q05 = "AD"`; an ordering: every
  letter once, first to last, `q07 = "CADB"`), numbers (`q02a_... = 1234.5`, with the names each question
  gives) or the body of a function.
* **Partial credit**: choose all that apply scores one point per right letter and takes one off per wrong
  letter (never below 0); an ordering loses one point per pair of options in the wrong order (never below
  0); numeric questions score each part on its own.
* **Check the form**: run the test cell under each answer (or *Validate*). It only checks that your answer
  has the right form (a letter, a number, a function that returns the right type); it does not say whether it
  is right.
* **Score and explanations** come after grading: `python -m course quiz check <this notebook>` scores your
  copy on your machine and explains every question; in a workshop, your instructor's feedback does the same.
* Numbers: every input is in the question; compute with Python if you like. Answers within the stated
  tolerance score.
"""


def _label(q: Question) -> str:
    return f"Q{int(q.qid[1:])}"


def example_letters(q: MultipleAnswer | Ordering) -> str:
    """A well-formed answer to show in the question that is not the key (and not a hint)."""
    letters = "".join(q.letters)
    if isinstance(q, Ordering):
        return letters[::-1]
    return next(x for x in ("AC", "BD", "AB") if x != q.answer)


def _scenario(q: Question) -> str:
    points = q.total_points
    lines = [
        f"## {_label(q)} · {q.title}",
        "",
        f"*{KIND_LABEL[q.kind]} · {points} point{'s' if points != 1 else ''} · outcome {q.outcome}*",
        "",
        q.scenario.strip(),
        "",
    ]
    if isinstance(q, MultipleChoice | MultipleAnswer | Ordering):
        lines += [f"* **{letter}.** {o.text.strip()}" for letter, o in zip(q.letters, q.options)]
    if isinstance(q, MultipleChoice):
        lines += ["", f'Set `{q.qid}` to one letter, e.g. `{q.qid} = "A"`.']
    elif isinstance(q, MultipleAnswer):
        lines += [
            "",
            f"Set `{q.qid}` to the letters of **every** option that applies, in any order, e.g. "
            f'`{q.qid} = "{example_letters(q)}"`. Each right letter scores a point and each wrong letter '
            f"takes one away (never below 0; {points} points in all).",
        ]
    elif isinstance(q, Ordering):
        lines += [
            "",
            f"Set `{q.qid}` to all {len(q.letters)} letters in order, first to last, e.g. "
            f'`{q.qid} = "{example_letters(q)}"`. The right order scores {points} points; each pair of '
            "options in the wrong order takes one point away (never below 0).",
        ]
    elif isinstance(q, Numeric):
        for letter, p in zip(PART_LETTERS, q.parts):
            prefix = "" if len(q.parts) == 1 else f"**({letter})** "
            within = f"within ± {_show(p.tolerance)} {p.unit}"
            plural = "s" if p.points != 1 else ""
            lines.append(
                f"* {prefix}{p.ask.strip()}: set `{p.var}`, in {p.unit}, {within} ({p.points} point{plural})."
            )
    else:
        lines.append(f"Complete `{q.function_name}` in the cell below (keep its name and arguments).")
    return "\n".join(lines).rstrip() + "\n"


# --- test cells -------------------------------------------------------------------------------------------


def _explain(text: str) -> list[str]:
    return [BEGIN_HIDDEN, f"print({text.strip()!r})", END_HIDDEN]


def _hidden(lines: list[str]) -> list[str]:
    return [BEGIN_HIDDEN, *lines, END_HIDDEN] if lines else []


def _exact_number(name: str) -> str:
    """True only for a real int or float (not bool, not a subclass), whatever the learner rebound."""
    return f"{TYPE_OF}({name}) is {FLOAT} or {TYPE_OF}({name}) is {INT}"


def _readable_number(name: str) -> str:
    return f"isinstance({name}, (int, float)) and not isinstance({name}, bool)"


def _mc_test(q: MultipleChoice) -> str:
    why = "\n".join(f"  {letter}. {o.why.strip()}" for letter, o in zip(q.letters, q.options))
    text = f"{_label(q)}: the answer is {q.answer}. {q.explanation.strip()}\n{why}"
    allowed = ", ".join(f'"{x}"' for x in q.letters)
    msg_type = f'{q.qid} must be a string holding one letter, e.g. {q.qid} = "A"'
    lines = [
        *_explain(text),
        f"# Checks the form of {q.qid} only (one of {allowed}); whether it is right is graded later.",
        f"assert isinstance({q.qid}, str), {msg_type!r}",
        f"assert {q.qid} in ({allowed}), {f'{q.qid} must be one of {allowed} (a capital letter)'!r}",
        *_hidden(
            [
                f"assert {TYPE_OF}({q.qid}) is {STR}, {msg_type!r}",
                f"assert {q.qid} == {q.answer!r}, {f'{q.qid}: {q.qid} = {q.answer!r} is the best answer'!r}",
            ]
        ),
    ]
    return "\n".join(lines)


def _letters_test(q: MultipleAnswer | Ordering, cell: int) -> str:
    """Graded cell ``cell`` (0-based) of a choose-all or ordering question: one point of its partial credit.

    The hidden asserts implement ``q.accepts(cell, value)`` with literals, operators and methods of an exact
    ``str`` (``in``, ``count``, ``find``, ``replace``), so nothing the learner rebinds can change them."""
    letters = "".join(q.letters)
    name = f"{_label(q)} ({PART_LETTERS[cell]})"
    if isinstance(q, MultipleAnswer):
        rule = "each right letter +1, each wrong letter -1, never below 0"
        head = f"{name}: the right letters are {q.answer} ({rule}); this cell needs a net of {cell + 1}."
        example = f'{q.qid} must be a string of the letters you choose, e.g. {q.qid} = "{example_letters(q)}"'
        visible = (
            f"assert isinstance({q.qid}, str) and {q.qid} != '' and set({q.qid}) <= set({letters!r}), "
            f"{example!r}"
        )
        plus = " + ".join(f'("{x}" in {q.qid})' for x in q.answer)
        minus = " - ".join(f'("{x}" in {q.qid})' for x in letters if x not in q.answer)
        net = f"{plus} - {minus}" if minus else plus
        score = [f"assert {net} >= {cell + 1}, {f'{q.qid}: the right letters are {q.answer!r}'!r}"]
        only = ".".join(f'replace("{x}", "")' for x in letters)
        shape = [f'assert {q.qid} != "" and {q.qid}.{only} == "", {example!r}']
    else:
        head = (
            f"{name}: the right order is {q.answer} (one point off per pair out of order); this cell allows "
            f"{q.points - 1 - cell} pair(s) out of order."
        )
        example = (
            f'{q.qid} must hold each of the letters {letters} once, e.g. {q.qid} = "{example_letters(q)}"'
        )
        visible = f"assert isinstance({q.qid}, str) and sorted({q.qid}) == {sorted(letters)!r}, {example!r}"
        counts = " and ".join(f'{q.qid}.count("{x}") == 1' for x in letters)
        only = ".".join(f'replace("{x}", "")' for x in letters)
        shape = [f'assert {counts} and {q.qid}.{only} == "", {example!r}']
        wrong_pairs = " + ".join(f'({q.qid}.find("{a}") > {q.qid}.find("{b}"))' for a, b in q.pairs())
        score = [
            f"assert {wrong_pairs} <= {q.points - 1 - cell}, {f'{q.qid}: the right order is {q.answer!r}'!r}"
        ]
    text = head
    if cell == 0:
        why = "\n".join(f"  {letter}. {o.why.strip()}" for letter, o in zip(q.letters, q.options))
        text += f" {q.explanation.strip()}\n{why}"
    lines = [
        *_explain(text),
        f"# Checks the form of {q.qid} only; whether it is right is graded later.",
        visible,
        *_hidden([f"assert {TYPE_OF}({q.qid}) is {STR}, {example!r}", *shape, *score]),
    ]
    return "\n".join(lines)


def _numeric_test(q: Numeric, part: Part, letter: str, *, first: bool) -> str:
    tol, answer = _num(part.tolerance), _num(part.answer)
    shown = f"{_show(part.answer)} {part.unit} (± {_show(part.tolerance)})"
    name = _label(q) + ("" if len(q.parts) == 1 else f" ({letter})")
    text = f"{name}: {part.var} = {shown}."
    if first:
        text += f" {q.explanation.strip()}"
    msg_type = f"{part.var} must be a number (int or float) in {part.unit}"
    msg_value = f"{part.var}: expected {shown}"
    lines = [
        *_explain(text),
        f"# Checks that {part.var} is a number; whether it is right is graded later.",
        f"assert {_readable_number(part.var)}, {msg_type!r}",
        *_hidden(
            [
                f"assert {_exact_number(part.var)}, {msg_type!r}",
                f"assert -{tol} <= {part.var} - {answer} <= {tol}, {msg_value!r}",
            ]
        ),
    ]
    return "\n".join(lines)


def _case_lines(q: Code, case: Case, *, readable: bool) -> list[str]:
    """The asserts of one case: ``readable`` for the visible worked example, tamper-proof for the hidden."""
    r = f"_{q.qid}_result"
    lines = [f"{r} = {case.call}"]
    expect = case.expect
    if expect is None or isinstance(expect, bool):
        lines.append(f"assert {r} is {expect!r}, {f'{case.call} should return {expect!r}'!r}")
    elif isinstance(expect, str):
        kind = f"isinstance({r}, str)" if readable else f"{TYPE_OF}({r}) is {STR}"
        lines.append(f"assert {kind}, {f'{case.call} must return a str'!r}")
        lines.append(f"assert {r} == {expect!r}, {f'{case.call} should return {expect!r}'!r}")
    else:
        tol = _num(case.tolerance)
        kind = _readable_number(r) if readable else _exact_number(r)
        lines.append(f"assert {kind}, {f'{case.call} must return a number (int or float)'!r}")
        message = f"{case.call} should return {_show(expect)} (± {_show(case.tolerance)})"
        if readable:
            lines.append(f"assert abs({r} - {_num(expect)}) <= {tol}, {message!r}")
        else:
            lines.append(f"assert -{tol} <= {r} - {_num(expect)} <= {tol}, {message!r}")
    return lines


def _code_test(q: Code, test: CodeTest, *, first: bool) -> str:
    name = q.function_name
    text = f"{_label(q)}: {test.explanation.strip()}" if test.explanation.strip() else f"{_label(q)}:"
    if first:
        text += f" {q.explanation.strip()}"
    cases = "; ".join(
        f"{c.call} -> {_show(c.expect) if c.expect.__class__ in (int, float) else repr(c.expect)}"
        for c in test.cases
    )
    text += f"\nThe cases: {cases}."
    visible = [line for c in test.cases if not c.hidden for line in _case_lines(q, c, readable=True)]
    # every case again, visible ones included, in the form a learner's rebound names cannot fool
    hidden = [line for c in test.cases for line in _case_lines(q, c, readable=False)]
    message = f"{name} must be a function: def {name}(...)"
    lines = [
        *_explain(text),
        f"# Checks that {name} is a function"
        + (" and the worked example;" if visible else ";")
        + " more cases are graded later.",
        f"assert callable({name}), {message!r}",
        *visible,
        *_hidden([f"assert {TYPE_OF}({name}) is {FUNCTION}, {message!r}", *hidden]),
    ]
    return "\n".join(lines)


def _show(x: float) -> str:
    """A number for people: whole numbers with separators (``32,000,000``), others with at most 6
    significant digits (``69.3842``, ``0.00238095``, ``1e-06``)."""
    if x == int(x) and -1e15 < x < 1e15:
        return f"{int(x):,}"
    return f"{x:.6g}"


def _num(x: float) -> str:
    """A number as a Python literal that round-trips (``1e-06``, ``450.0``, ``3``)."""
    return repr(x)
