"""ARCHITECTURE.md's import rules, checked on the code: layers, no cycles, `course` never imports `grader`.

Every ``.py`` file under ``course/`` and ``grader/`` is parsed with :mod:`ast` (nothing is imported). An
import counts wherever it is written: at the top, inside a function (a lazy import is still a dependency),
or under ``if TYPE_CHECKING:``. A string that is exactly the dotted name of one of the project's modules
counts too (``importlib.import_module("grader.workshop.kit")``, ``files("course.data")``, grader.cli's
registry of workshop commands), and so does an f-string that starts with one (``f"course.commands.{name}"``).

The layers are read from ARCHITECTURE.md's layer table (between its ``layers:begin`` and ``layers:end``
markers), so the document and this test cannot drift apart: a new module without a row, a row naming a file
that is gone, an import that climbs a layer, each fails here with the file and line to change.

ARCHITECTURE.md's table of which modules serve which notebook is checked the same way, against the imports in
lessons/*.ipynb and labs/*.ipynb.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
PACKAGES = ("course", "grader")
#: the folders whose notebooks ARCHITECTURE.md's notebook table covers
NOTEBOOK_DIRS = ("lessons", "labs")


@dataclass(frozen=True)
class Edge:
    """One import: ``source`` (a module) imports ``target`` (a module) at ``path:line``."""

    source: str
    target: str
    path: str
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``: never runs, so it cannot make a cycle at import time

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} -> {self.target}"


# --- ARCHITECTURE.md ----------------------------------------------------------------------------------------


def _between(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}:begin .*?-->(.*?)<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"ARCHITECTURE.md has no '<!-- {name}:begin ... -->' ... '<!-- {name}:end -->' block"
    return match.group(1)


def _table_rows(block: str) -> list[list[str]]:
    rows = []
    for line in block.strip().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and not set(cells[0]) <= set("-: ") and cells[0].lower() not in ("layer", "notebook"):
            rows.append(cells)
    return rows


@cache
def layer_table() -> dict[str, tuple[int, str]]:
    """Each path of the layer table (``course/errors.py``, ``course/backends/``) -> (layer number, group)."""
    table: dict[str, tuple[int, str]] = {}
    for cells in _table_rows(_between(ARCHITECTURE.read_text(encoding="utf-8"), "layers")):
        number, group, members = cells[0], cells[1], cells[2]
        assert number.isdigit(), f"ARCHITECTURE.md layer table: {cells} does not start with a layer number"
        for path in re.findall(r"`([^`]+)`", members):
            assert path not in table, f"ARCHITECTURE.md layer table names {path} twice"
            table[path] = (int(number), group)
    assert table, "ARCHITECTURE.md's layer table is empty"
    return table


def notebook_table() -> dict[str, str]:
    """ARCHITECTURE.md's notebook table: notebook path -> the modules cell, as written."""
    rows = _table_rows(_between(ARCHITECTURE.read_text(encoding="utf-8"), "notebooks"))
    return {cells[0].strip("`"): cells[1] for cells in rows}


# --- the code -----------------------------------------------------------------------------------------------


@cache
def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every .py under course/ and grader/ (a package is its __init__.py)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _known(name: str) -> str | None:
    """The longest prefix of ``name`` that is a project module (``course.measure.summary.Slo``: summary)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imported(module: str, path: Path, node: ast.AST) -> Iterator[str]:
    """The project modules one AST node refers to."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if target := _known(alias.name):
                yield target
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: from the package this module is in
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if target := (submodule if submodule in modules() else _known(base)):
                yield target
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        if "." in node.value and node.value in modules():
            yield node.value
    elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        prefix = str(node.values[0].value)
        if prefix.endswith(".") and prefix[:-1] in modules():
            yield prefix[:-1]


@cache
def edges() -> tuple[Edge, ...]:
    found: set[Edge] = set()
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        type_only = _type_checking_lines(tree)
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            for target in _imported(module, path, node):
                if target != module:
                    line = getattr(node, "lineno", 0)
                    found.add(Edge(module, target, rel, line, line in type_only))
    return tuple(sorted(found, key=lambda e: (e.path, e.line, e.target)))


def layer_of(module: str) -> tuple[int, str, str] | None:
    """(layer, group, table entry) of a module: its file's row, else the row of the nearest folder above."""
    rel = modules()[module].relative_to(ROOT).as_posix()
    table = layer_table()
    if rel in table:
        return (*table[rel], rel)
    folder = rel.rpartition("/")[0]
    while folder:
        if f"{folder}/" in table:
            return (*table[f"{folder}/"], f"{folder}/")
        folder = folder.rpartition("/")[0]
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# --- the rules ----------------------------------------------------------------------------------------------


def test_every_module_has_a_layer_and_every_row_names_real_files() -> None:
    missing = sorted(modules()[m].relative_to(ROOT).as_posix() for m in modules() if layer_of(m) is None)
    assert not missing, (
        "modules with no layer: add each (or its folder) to the layer table in ARCHITECTURE.md:\n  "
        + "\n  ".join(missing)
    )
    stale = sorted(p for p in layer_table() if not (ROOT / p).exists())
    assert not stale, f"ARCHITECTURE.md's layer table names files that do not exist: {stale}"
    outside = sorted(p for p in layer_table() if not p.startswith(tuple(f"{p}/" for p in PACKAGES)))
    assert not outside, f"ARCHITECTURE.md's layer table names paths outside course/ and grader/: {outside}"


def test_no_import_climbs_a_layer() -> None:
    """A module imports only from its own table entry (one package or one file) or from lower layers."""
    bad = []
    for edge in edges():
        source, target = layer_of(edge.source), layer_of(edge.target)
        if source is None or target is None or source[2] == target[2]:
            continue  # no layer: the test above names it; the same package or file: free
        if target[0] >= source[0]:
            where = "the same layer" if target[0] == source[0] else "a higher layer"
            bad.append(
                f"{edge}  ({source[2]} is layer {source[0]}, {target[2]} is {where}: {target[0]})"
                + ("  [type-only]" if edge.type_only else "")
            )
    assert not bad, (
        "imports that climb ARCHITECTURE.md's layers (move the code down a layer, or pass the value in "
        "from above; a new row in the layer table only where the layering itself changed):\n  "
        + "\n  ".join(bad)
    )


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in modules()}
    for edge in edges():
        if not edge.type_only:
            graph[edge.source].add(edge.target)
    found = cycles(graph)
    lines = []
    for component in found:
        members = set(component)
        lines.append("cycle: " + ", ".join(component))
        lines += [
            f"    {e}" for e in edges() if e.source in members and e.target in members and not e.type_only
        ]
    assert not found, "import cycles (break each at one of its edges):\n" + "\n".join(lines)


def test_course_never_imports_grader() -> None:
    bad = [str(e) for e in edges() if e.source.startswith("course") and e.target.startswith("grader")]
    assert not bad, "course/ imports grader/ (the grader sits above the course, never below):\n  " + (
        "\n  ".join(bad)
    )


def test_the_rules_see_lazy_dynamic_and_relative_imports(tmp_path: Path) -> None:
    """The edge finder itself, on a module written here: each way of importing is seen."""
    source = (
        "from __future__ import annotations\n"
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "from . import tables\n"
        "if TYPE_CHECKING:\n"
        "    from course.memo.document import Memo\n"
        "def lazy():\n"
        "    from course.measure import summary\n"
        "    import course.plots.palette\n"
        "    return importlib.import_module('grader.workshop.kit'), f'course.commands.{lazy}'\n"
    )
    path = tmp_path / "course" / "probe.py"
    path.parent.mkdir()
    path.write_text(source, encoding="utf-8")
    tree = ast.parse(source)
    found = {t for node in ast.walk(tree) for t in _imported("course.probe", path, node)}
    assert found == {
        "course.tables",
        "course.memo.document",
        "course.measure.summary",
        "course.plots.palette",
        "grader.workshop.kit",
        "course.commands",
    }
    assert _type_checking_lines(tree) == {6}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# --- nothing points outside the repository -------------------------------------------------------------

#: pointers to files that were never in this repository: the authors' workspace notes and folders
OUTSIDE = re.compile(r"\.\./shared\b|/work/shared\b|\bDESIGN(\.md\b| §| notes\b| section\b)")
SCANNED = ("course", "grader", "lessons", "labs", "quizzes", "docs", "bench", "scripts", "tests")
SCANNED += ("jupyter-config", ".ci")
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".json", ".txt", ".yml", ".yaml", ".toml", ".sh", ".cfg", ".csv"}


def test_nothing_points_outside_the_repository() -> None:
    """A reader of this repository has only this repository: cite one of its files, or state the fact."""
    files = [p for p in ROOT.iterdir() if p.is_file() and (p.suffix in TEXT_SUFFIXES or p.name == "Makefile")]
    for folder in SCANNED:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    hits = []
    for path in sorted(set(files) - {Path(__file__).resolve()}):
        if any(part in {"__pycache__", ".venv", "node_modules"} for part in path.parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not hits, "pointers to files outside the repository (cite a file here, or state the fact):\n  " + (
        "\n  ".join(hits)
    )


# --- which modules serve which notebook ---------------------------------------------------------------------


def _package_reexports(package: str) -> dict[str, str]:
    """Names a package's __init__.py imports from its own submodules: name -> submodule."""
    path = modules().get(package)
    if path is None or path.name != "__init__.py":
        return {}
    names = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(f"{package}."):
            for alias in node.names:
                names[alias.asname or alias.name] = node.module
    return names


def notebook_modules(path: Path) -> set[str]:
    """The course modules a notebook's code cells import, each name traced to the submodule that defines it
    when a package re-exports it (``from course.measure import load_prompts`` -> ``course.measure.prompts``,
    ``from course import widgets`` then ``widgets.cost_table`` -> ``course.widgets.calculators``)."""
    trees = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        try:
            trees.append(ast.parse(code))
        except SyntaxError:
            continue  # not Python (an exercise's placeholder); the notebook tests run every cell
    found: set[str] = set()
    packages: dict[str, str] = {}  # a name bound to a package -> the package
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "course":
            reexports = _package_reexports(node.module)
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in modules() and _package_reexports(submodule):
                    packages[alias.asname or alias.name] = submodule
                elif submodule in modules():
                    found.add(submodule)
                else:
                    found.add(reexports.get(alias.name, node.module))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "course")
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in packages:
            package = packages[node.value.id]
            found.add(_package_reexports(package).get(node.attr, package))
    return found


def modules_cell(names: set[str]) -> str:
    """``backends (inprocess, loopback), display, economics (prices)``: grouped by package, sorted; a name
    defined in a package's own __init__.py shows as the package alone."""
    groups: dict[str, set[str]] = {}
    for name in names:
        parts = name.split(".")[1:] or ["course"]
        groups.setdefault(parts[0], set()).update([".".join(parts[1:])] if len(parts) > 1 else [])
    return ", ".join(
        f"{head} ({', '.join(sorted(subs))})" if subs else head for head, subs in sorted(groups.items())
    )


def test_the_notebook_table_matches_the_notebooks_imports() -> None:
    notebooks = [p for d in NOTEBOOK_DIRS for p in sorted((ROOT / d).glob("*.ipynb"))]
    expected = {p.relative_to(ROOT).as_posix(): modules_cell(notebook_modules(p)) for p in notebooks}
    written = notebook_table()
    if written != expected:
        differ = sorted(nb for nb in expected.keys() | written.keys() if expected.get(nb) != written.get(nb))
        rows = "\n".join(f"| `{nb}` | {cell} |" for nb, cell in expected.items())
        raise AssertionError(
            f"ARCHITECTURE.md's notebook table differs from the notebooks' imports for {differ}; "
            f"its rows should read:\n{rows}"
        )
