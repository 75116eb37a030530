"""Item analysis of an autograded quiz in an nbgrader course folder, written as CSV, HTML and PNG.

Scores come from nbgrader's gradebook (gradebook.db); the answer key, the option letters and texts from the
quiz's cells the gradebook stores (the hidden test ``assert q01 == 'B'``, the scenario's ``* **A.** ...``
lines, the numeric tests' ``assert -tol <= var - answer <= tol``); the option each learner chose and the
numbers each typed from their autograded notebook, parsed with :mod:`ast` (never run). Graded cells named
``q04a-test``, ``q04b-test`` ... are one question (``q04``) with partial credit. The page is for the
instructor (it shows the key). The arithmetic is in :mod:`grader.item_analysis`.

    report = write_item_analysis(course_dir=Path("course"), quiz_id="quiz-05-operations", out_dir=Path("out"))
    report.html_path, report.table          # the page to open, one row per question
"""

from __future__ import annotations

import ast
import io
import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from course.plots.palette import BLACK, BLUE, ORANGE, SKY_BLUE, VERMILION
from grader.item_analysis import (
    BLANK,
    CHECK,
    OTHER,
    PROBLEM,
    ItemAnalysis,
    ItemAnalysisError,
    ItemSpec,
    NumberSpec,
    analyse_items,
)
from grader.pages import embedded_figures, render

_PART_TEST = re.compile(r"^(?P<item>q\d+)(?P<part>[a-h])?-test$")
_OPTION_LINE = re.compile(r"^\s*[*-]\s+\*\*(?P<letter>[A-Z])\.\*\*\s+(?P<text>.+?)\s*$", re.M)
_HEADING = re.compile(r"^#+\s+(?P<title>.+?)\s*$", re.M)
FIGURE_DPI = 110


@dataclass(frozen=True)
class ItemReport:
    """What :func:`write_item_analysis` wrote, and the analysis behind it."""

    quiz_id: str
    csv_path: Path
    options_csv_path: Path
    numbers_csv_path: Path
    html_path: Path
    histogram_png: Path
    items_png: Path
    analysis: ItemAnalysis

    @property
    def table(self) -> pd.DataFrame:
        """One row per question (the CSV's content)."""
        return self.analysis.frame()

    @property
    def paths(self) -> tuple[Path, ...]:
        return (
            self.csv_path,
            self.options_csv_path,
            self.numbers_csv_path,
            self.html_path,
            self.histogram_png,
            self.items_png,
        )

    @property
    def needs_attention(self) -> bool:
        """True when a question looks broken (a "problem" flag): worth a non-zero exit status."""
        return any(f.severity == PROBLEM for i in self.analysis.items for f in i.flags)

    def summary(self) -> str:
        """Plain text for a terminal: the class, each flagged question with its reason, the files."""
        a = self.analysis
        lines = [
            f"{a.quiz_id}: {len(a.learners)} learners, mean {a.mean_total:.1f} of {a.max_total:g} points "
            f"(SD {a.sd_total:.1f}), Cronbach's alpha {'n/a' if a.alpha is None else f'{a.alpha:.2f}'}",
            *(f"  note: {note}" for note in a.notes),
        ]
        flagged = [(i, f) for i in a.items for f in i.flags]
        lines.append(f"{len(a.flagged)} of {len(a.items)} questions flagged" + (":" if flagged else "."))
        lines += [f"  {i.item} [{f.severity}] {f.reason}" for i, f in flagged]
        lines += [f"wrote {path}" for path in self.paths]
        return "\n".join(lines)


@dataclass(frozen=True)
class ChoiceKey:
    """A multiple-choice question as its hidden test states it: the learner's variable, key and letters."""

    var: str
    key: str
    letters: tuple[str, ...]
    test_cell: str


@dataclass(frozen=True)
class CourseScores:
    """The inputs of the analysis, read from a course folder."""

    scores: pd.DataFrame
    specs: tuple[ItemSpec, ...]
    choices: dict[str, dict[str, str]]
    numbers: dict[NumberSpec, dict[str, float | str]]
    notes: tuple[str, ...]


def write_item_analysis(*, course_dir: Path, quiz_id: str, out_dir: Path) -> ItemReport:
    """Analyse ``quiz_id``'s autograded submissions in ``course_dir``; write CSV, HTML, PNG to ``out_dir``."""
    data = read_course_scores(course_dir=Path(course_dir), quiz_id=quiz_id)
    analysis = analyse_items(
        data.scores, data.specs, choices=data.choices, numbers=data.numbers, quiz_id=quiz_id, notes=data.notes
    )
    return write_outputs(analysis, out_dir=Path(out_dir))


# --- reading the course folder ------------------------------------------------------------------------------


def read_course_scores(*, course_dir: Path, quiz_id: str) -> CourseScores:
    """Scores per learner and question from the gradebook, options chosen from the autograded notebooks."""
    cells, sources, rows, ungraded = _read_gradebook(Path(course_dir), quiz_id)
    cell_scores = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(cells)).fillna(0.0)
    cell_scores = cell_scores.sort_index()
    groups = _group_cells(cells)
    specs, mc, numbers = [], {}, {}
    for item, columns in groups.items():
        notebook = cells[columns[0]][0]
        for column in columns:
            grade_id = column.rpartition(":")[2]
            number = _number_from_test(sources.get((notebook, grade_id), ""))
            if number is not None:
                numbers[NumberSpec(item, grade_id, *number)] = notebook
        choice = _choice_from_tests(sources, notebook, columns) if len(columns) == 1 else None
        if choice is not None:
            mc[item] = (notebook, choice)
        scenario = sources.get((notebook, f"{item.rpartition(':')[2]}-scenario"), "")
        texts = _option_texts(scenario)
        specs.append(
            ItemSpec(
                item=item,
                max_points=sum(cells[c][1] for c in columns),
                title=_title(scenario),
                key=choice.key if choice else None,
                letters=choice.letters if choice else (),
                option_texts=tuple(texts.get(x, "") for x in choice.letters) if choice else (),
            )
        )
    scores = pd.DataFrame({item: cell_scores[cols].sum(axis=1) for item, cols in groups.items()})
    choices, values, notes = _read_answers(Path(course_dir), quiz_id, list(scores.index), mc, numbers)
    if ungraded:
        notes.insert(
            0,
            f"Left out {len(ungraded)} submission(s) that were never graded (no score in the gradebook): "
            + ", ".join(sorted(ungraded)),
        )
    return CourseScores(scores, tuple(specs), choices, values, tuple(notes))


def _read_gradebook(course_dir: Path, quiz_id: str):
    """(graded cells: column -> (notebook, max points), stored cell sources, points per learner and column,
    learners never graded) from nbgrader's gradebook."""
    db = course_dir / "gradebook.db"
    autograde = f"python -m grader --course {course_dir} autograde {quiz_id}"
    if not db.is_file():
        raise ItemAnalysisError(f"no gradebook at {db}.", fix=f"Autograde the quiz first ({autograde}).")
    from nbgrader.api import Gradebook, MissingEntry  # slow to import: only when needed

    cells: dict[str, tuple[str, float]] = {}
    sources: dict[tuple[str, str], str] = {}
    rows: dict[str, dict[str, float]] = {}
    ungraded: list[str] = []
    with Gradebook(f"sqlite:///{db.resolve()}") as gradebook:
        try:
            assignment = gradebook.find_assignment(quiz_id)
        except MissingEntry:
            known = ", ".join(sorted(a.name for a in gradebook.assignments)) or "none"
            raise ItemAnalysisError(
                f"the gradebook {db} has no quiz {quiz_id!r} (it has: {known}).",
                fix="Release and autograde the quiz first, or use one of the ids listed.",
            ) from None
        notebooks = [nb.name for nb in assignment.notebooks]
        for nb in assignment.notebooks:
            for cell in nb.grade_cells:
                cells[_column(nb.name, cell.name, notebooks)] = (nb.name, float(cell.max_score))
            sources |= {(nb.name, c.name): c.source or "" for c in nb.source_cells}
        for submission in assignment.submissions:
            grades = [
                (_column(snb.notebook.name, g.name, notebooks), g)
                for snb in submission.notebooks
                for g in snb.grades
            ]
            if not grades or all(g.auto_score is None and g.manual_score is None for _, g in grades):
                ungraded.append(submission.student.id)
                continue
            rows[submission.student.id] = {col: float(g.score or 0.0) for col, g in grades}
    if not rows:
        raise ItemAnalysisError(f"no autograded submission of {quiz_id} in {db}.", fix=f"Run {autograde}.")
    return cells, sources, rows, ungraded


def _column(notebook: str, grade_id: str, notebooks: list[str]) -> str:
    return grade_id if len(notebooks) == 1 else f"{notebook}:{grade_id}"


def _group_cells(cells: Mapping[str, tuple[str, float]]) -> dict[str, list[str]]:
    """Question -> its graded cells (``q04a-test``, ``q04b-test`` -> ``q04``), in name order."""
    groups: dict[str, list[str]] = {}
    for column in sorted(cells):
        prefix, _, grade_id = column.rpartition(":")
        match = _PART_TEST.match(grade_id)
        item = (f"{prefix}:" if prefix else "") + match.group("item") if match else column
        groups.setdefault(item, []).append(column)
    return groups


def _choice_from_tests(
    sources: Mapping[tuple[str, str], str], notebook: str, columns: list[str]
) -> ChoiceKey | None:
    """The key and letters of a multiple-choice question, from its test's ``assert var in ("A", ...)`` and
    ``assert var == "B"`` lines; None when the test is not of that form."""
    grade_id = columns[0].rpartition(":")[2]
    try:
        tree = ast.parse(sources.get((notebook, grade_id), ""))
    except SyntaxError:
        return None
    letters: dict[str, tuple[str, ...]] = {}
    keys: dict[str, str] = {}
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.Assert) else None
        if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and len(test.ops) == 1):
            continue
        (op,), (right,) = test.ops, test.comparators
        if isinstance(op, ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
            keys[test.left.id] = right.value
        elif isinstance(op, ast.In) and isinstance(right, ast.Tuple | ast.List | ast.Set):
            values = [e.value for e in right.elts if isinstance(e, ast.Constant)]
            texts = [v for v in values if isinstance(v, str)]
            if texts and len(texts) == len(values):  # every constant a string
                letters[test.left.id] = tuple(texts)
    for var, key in keys.items():
        if key in letters.get(var, ()):
            return ChoiceKey(var=var, key=key, letters=letters[var], test_cell=grade_id)
    return None


def _option_texts(scenario: str) -> dict[str, str]:
    return {m.group("letter"): m.group("text") for m in _OPTION_LINE.finditer(scenario)}


def _title(scenario: str) -> str:
    match = _HEADING.search(scenario)
    return match.group("title") if match else ""


def _number_from_test(source: str) -> tuple[str, float, float] | None:
    """(variable, answer, tolerance) from a numeric test's ``assert -tol <= var - answer <= tol``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.Assert) else None
        if not (isinstance(test, ast.Compare) and [type(op) for op in test.ops] == [ast.LtE, ast.LtE]):
            continue
        middle = test.comparators[0]
        if not (
            isinstance(middle, ast.BinOp)
            and isinstance(middle.op, ast.Sub)
            and isinstance(middle.left, ast.Name)
        ):
            continue
        try:
            low, answer, high = (ast.literal_eval(n) for n in (test.left, middle.right, test.comparators[1]))
        except ValueError:
            continue
        numbers = (low, answer, high)
        if all(isinstance(x, int | float) and not isinstance(x, bool) for x in numbers) and low == -high:
            var = middle.left.id
            # a code question's test computes its own result (`_q06_result = f(...)`): not a learner's number
            return (
                None if any(_binds_inside(s, var) for s in tree.body) else (var, float(answer), float(high))
            )
    return None


def _read_answers(
    course_dir: Path,
    quiz_id: str,
    learners: list[str],
    mc: Mapping[str, tuple[str, ChoiceKey]],
    numbers: Mapping[NumberSpec, str],
) -> tuple[dict[str, dict[str, str]], dict[NumberSpec, dict[str, float | str]], list[str]]:
    """The letter or number each learner bound to each graded variable, read from autograded notebooks."""
    choices: dict[str, dict[str, str]] = {item: {} for item in mc}
    values: dict[NumberSpec, dict[str, float | str]] = {spec: {} for spec in numbers}
    unreadable = []
    for learner in learners:
        cache: dict[str, list | None] = {}

        def cells_of(notebook: str, learner: str = learner, cache: dict = cache) -> list | None:
            if notebook not in cache:
                path = course_dir / "autograded" / learner / quiz_id / f"{notebook}.ipynb"
                cache[notebook] = _code_cells(path)
                if cache[notebook] is None:
                    unreadable.append(f"{learner}/{notebook}.ipynb")
            return cache[notebook]

        for item, (notebook, choice) in mc.items():
            cells = cells_of(notebook)
            choices[item][learner] = OTHER if cells is None else chosen_option(cells, choice)
        for spec, notebook in numbers.items():
            cells = cells_of(notebook)
            values[spec][learner] = OTHER if cells is None else typed_number(cells, spec)
    notes = []
    if unreadable:
        notes.append(
            f"Could not read {len(unreadable)} autograded notebook(s), so their answers count as "
            f"'{OTHER}' (their scores still count): " + ", ".join(unreadable)
        )
    return choices, values, notes


def _code_cells(path: Path) -> list[tuple[str, bool, str]] | None:
    """(grade id, is a graded test cell, source) of each code cell; None if the notebook cannot be read."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # missing, not JSON, not a notebook, not UTF-8: the note says so; never fatal
        return None
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        cells.append((str(meta.get("grade_id", "")), bool(meta.get("grade")), "".join(source)))
    return cells


def bound_answer(cells: Iterable[tuple[str, bool, str]], *, var: str, test_cell: str) -> ast.expr | str:
    """The expression the learner's code last binds to ``var`` at top level before ``test_cell`` runs:
    an AST node, BLANK (never bound) or OTHER (bound in a way only running it would tell). Never executed."""
    value: ast.expr | str = BLANK
    for grade_id, graded, source in cells:
        if grade_id == test_cell:
            break
        if graded:
            continue
        bound = _bound_in_cell(source, var)
        if bound is not None:
            value = bound
    return value


def chosen_option(cells: Iterable[tuple[str, bool, str]], choice: ChoiceKey) -> str:
    """The letter a learner chose: one of ``choice.letters``, BLANK, or OTHER (not a plain one-letter
    string literal such as ``q01 = "B"``)."""
    node = bound_answer(cells, var=choice.var, test_cell=choice.test_cell)
    if isinstance(node, str):
        return node
    value = node.value if isinstance(node, ast.Constant) else None
    return value if isinstance(value, str) and value in choice.letters else OTHER


def typed_number(cells: Iterable[tuple[str, bool, str]], spec: NumberSpec) -> float | str:
    """The number a learner gave: a literal or arithmetic on literals (``70e9 * 4 / 8 / 1e9``), evaluated
    on the syntax tree; BLANK, or OTHER (names, calls, strings, bools, anything else)."""
    node = bound_answer(cells, var=spec.var, test_cell=spec.grade_id)
    if isinstance(node, str):
        return node
    try:
        value = _arithmetic(node)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return OTHER
    return float(value) if np.isfinite(value) else OTHER


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


def _arithmetic(node: ast.expr) -> int | float:
    if isinstance(node, ast.Constant) and node.value.__class__ in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _arithmetic(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _arithmetic(node.left), _arithmetic(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 1e12):
            raise ValueError("power too large to evaluate safely")
        return _OPERATORS[type(node.op)](left, right)
    raise ValueError("not arithmetic on number literals")


def _bound_in_cell(source: str, var: str) -> ast.expr | str | None:
    """What a cell's top-level code last binds to ``var``: the value's AST node, OTHER (augmented,
    conditional, unpacked ... or a cell that does not parse), or None when the cell does not bind it."""
    tree = _parse(source)
    if tree is None:
        return OTHER if re.search(rf"\b{re.escape(var)}\b", source) else None
    value: ast.expr | str | None = None
    for statement in tree.body:
        targets: list[ast.expr] = []
        assigned: ast.expr | None = None
        if isinstance(statement, ast.Assign):
            targets, assigned = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, assigned = [statement.target], statement.value
        if any(isinstance(t, ast.Name) and t.id == var for t in targets):
            value = assigned
        elif _binds_inside(statement, var):
            value = OTHER
    return value


def _binds_inside(statement: ast.stmt, var: str) -> bool:
    """Whether a compound statement (if, for, with, try, a walrus, unpacking ...) binds ``var`` somewhere."""
    return any(
        isinstance(node, ast.Name) and node.id == var and isinstance(node.ctx, ast.Store | ast.Del)
        for node in ast.walk(statement)
    ) or any(
        isinstance(node, ast.Global | ast.Nonlocal) and var in node.names for node in ast.walk(statement)
    )


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:  # IPython syntax (%magics, !shell): translate as the kernel would, then parse
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))
    except Exception:
        return None


# --- writing ------------------------------------------------------------------------------------------------


def write_outputs(analysis: ItemAnalysis, *, out_dir: Path) -> ItemReport:
    """Write ``<quiz>-items.csv``, ``<quiz>-options.csv``, ``<quiz>-totals.png``, ``<quiz>-items.png`` and
    ``<quiz>-report.html`` (the figures embedded: one file to mail or open offline)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ItemAnalysisError(
            f"cannot create the report folder {out_dir}: {exc}", fix="Choose a folder you can write to."
        ) from exc
    stem = analysis.quiz_id or "quiz"
    report = ItemReport(
        quiz_id=analysis.quiz_id,
        csv_path=out_dir / f"{stem}-items.csv",
        options_csv_path=out_dir / f"{stem}-options.csv",
        numbers_csv_path=out_dir / f"{stem}-numbers.csv",
        html_path=out_dir / f"{stem}-report.html",
        histogram_png=out_dir / f"{stem}-totals.png",
        items_png=out_dir / f"{stem}-items.png",
        analysis=analysis,
    )
    analysis.frame().to_csv(report.csv_path, index=False, float_format="%.4f")
    analysis.options_frame().to_csv(report.options_csv_path, index=False, float_format="%.4f")
    analysis.numbers_frame().to_csv(report.numbers_csv_path, index=False)
    pngs = {}
    for path, figure in (
        (report.histogram_png, plot_totals(analysis)),
        (report.items_png, plot_items(analysis)),
    ):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
        pngs[path.name] = buffer.getvalue()
        path.write_bytes(pngs[path.name])
    report.html_path.write_text(render_html(analysis, pngs=pngs), encoding="utf-8")
    return report


# --- figures ------------------------------------------------------------------------------------------------

_FLAG_STYLE = {
    PROBLEM: (VERMILION, "^", "looks broken"),
    CHECK: (ORANGE, "s", "worth a check"),
    "": (BLUE, "o", "no flag"),
}


def _severity(item) -> str:
    severities = {f.severity for f in item.flags}
    return PROBLEM if PROBLEM in severities else CHECK if CHECK in severities else ""


def plot_totals(analysis: ItemAnalysis) -> Figure:
    """Histogram of total scores with the mean and the upper/lower 27% cut-offs."""
    totals = np.asarray(analysis.totals)
    fig = Figure(figsize=(7.5, 3.6), layout="constrained")
    ax = fig.subplots()
    whole = np.allclose(totals, np.round(totals)) and analysis.max_total <= 60
    bins = np.arange(-0.5, analysis.max_total + 1.5, 1.0) if whole else np.linspace(0, analysis.max_total, 21)
    ax.hist(totals, bins=bins.tolist(), color=SKY_BLUE, edgecolor=BLUE)
    ax.axvline(analysis.mean_total, color=BLACK, ls="--", lw=1.2, label=f"mean {analysis.mean_total:.1f}")
    ordered = np.sort(totals)
    g = analysis.group_size
    bottom_cut = (ordered[g - 1] + ordered[min(g, len(ordered) - 1)]) / 2
    top_cut = (ordered[-g] + ordered[max(-g - 1, -len(ordered))]) / 2
    ax.axvline(bottom_cut, color=VERMILION, ls=":", lw=1.5, label=f"bottom {g} (27%) left of here")
    ax.axvline(top_cut, color=BLUE, ls="-.", lw=1.5, label=f"top {g} (27%) right of here")
    ax.set_xlim(-0.5, analysis.max_total + 0.5)
    ax.set_xlabel(f"total score (points, of {analysis.max_total:g})")
    ax.set_ylabel("learners")
    locator = ax.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"{analysis.quiz_id}: total scores of {len(totals)} learners")
    return fig


def plot_items(analysis: ItemAnalysis) -> Figure:
    """Left: difficulty against discrimination, flagged questions marked by colour AND shape.
    Right: each question's score share by quintile of total score (a well-behaved question rises)."""
    fig = Figure(figsize=(11, 0.28 * len(analysis.items) + 3.2), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1.15, 1))
    left.axhspan(-1, 0, color=VERMILION, alpha=0.08)
    left.axhline(0.2, color="grey", ls="--", lw=0.8)
    left.text(
        0.01, 0.21, "0.2: usually the least a question should separate", fontsize="x-small", color="grey"
    )
    for item in analysis.items:
        colour, marker, _ = _FLAG_STYLE[_severity(item)]
        r = item.rest_correlation
        y = 0.0 if r is None else r
        face = colour if r is not None else "white"
        left.scatter(item.difficulty_share, y, color=face, edgecolors=colour, marker=marker, s=60, zorder=3)
        left.annotate(
            item.item, (item.difficulty_share, y), xytext=(4, 3), textcoords="offset points", fontsize=8
        )
    left.set_xlim(-0.05, 1.05)
    left.set_ylim(-1.02, 1.02)
    left.set_xlabel("difficulty: share of points earned (1 = everyone right)")
    left.set_ylabel("discrimination: correlation with the rest")
    handles = [
        Line2D([], [], color=colour, marker=marker, ls="", markersize=8, label=label)
        for colour, marker, label in _FLAG_STYLE.values()
    ]
    left.legend(handles=handles, fontsize="small", loc="lower left")
    left.grid(alpha=0.3)
    left.set_title("Questions (hollow: no variation, so no correlation)", fontsize="medium")
    shares = np.array([i.quintile_shares for i in analysis.items])
    image = right.imshow(shares, cmap="cividis", vmin=0, vmax=1, aspect="auto")
    right.set_yticks(range(len(analysis.items)), [i.item for i in analysis.items], fontsize=8)
    right.set_xticks(range(shares.shape[1]), ["lowest", "2", "3", "4", "highest"])
    right.set_xlabel("quintile of total score")
    for (row, col), value in np.ndenumerate(shares):
        colour = "white" if value < 0.55 else "black"
        right.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)
    fig.colorbar(image, ax=right, label="share of the question's points")
    right.set_title("Score share by quintile", fontsize="medium")
    return fig


# --- HTML ---------------------------------------------------------------------------------------------------


def render_html(analysis: ItemAnalysis, *, pngs: Mapping[str, bytes]) -> str:
    """A self-contained page (``grader/templates/item-analysis.html``, every text escaped): summary, flags,
    per-question table, figures (embedded PNG), options, numbers."""
    stem = analysis.quiz_id or "quiz"
    captions = {
        f"{stem}-totals.png": "Total scores. The dotted and dash-dot lines mark where the bottom and top 27% "
        "groups end.",
        f"{stem}-items.png": "Left: each question's difficulty and discrimination; vermilion triangles look "
        "broken, orange squares are worth a check, blue circles are fine. Right: share of each question's "
        "points earned in each fifth of the class, lowest total first.",
    }
    figures = embedded_figures(captions, pngs)
    return render(
        "item-analysis.html",
        title=f"Item analysis: {analysis.quiz_id}",
        a=analysis,
        flagged=[(i, f) for i in analysis.items for f in i.flags],
        choice_items=[i for i in analysis.items if i.options],
        figures=figures,
        severity=_severity,
        wrong_values=lambda n: ", ".join(f"{value:g} (×{count})" for value, count in n.wrong) or "none",
    )
