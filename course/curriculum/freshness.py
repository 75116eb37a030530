"""How fresh the course's facts are: every fact row of ``course/data/*.json``, its age, and who uses it.

A fact row says where it was read (``source``), the date that source states (``as_of``), the day someone
read it (``checked``) and the words that support it (``quote``), or why it could not be checked
(``unverified``) — see :class:`course.datafiles.Fact`. This module reads the data files as JSON (it does
not import what the lessons teach) and answers three questions:

- :func:`fact_rows`: every fact row, with its status and age (days since ``checked``);
- :func:`files_used_by`: which data files a notebook's figures come from. A notebook *uses* a data file
  when one of the ``course`` modules it imports reads that file, directly or through the modules it
  imports in turn (found from the source: a module reads ``"prices.json"`` when the name appears in it
  as a string). Every row of a used file counts as used: the course cannot tell statically which rows a
  cell will look up;
- :func:`stale_rows`: the rows used by a lesson or lab that are unverified, unchecked or checked more
  than :data:`MAX_AGE_DAYS` ago (``python -m course facts`` exits 1 when there is one).

:func:`figures_checked` is the sentence a lesson's references cell prints: when its figures were checked.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from course.data import DATA_DIR
from course.datafiles import FactStatus, fact_status, read_json

ROOT = Path(__file__).resolve().parents[2]
COURSE_DIR = ROOT / "course"
#: a fact used by a lesson must have been checked within this many days
MAX_AGE_DAYS = 180
#: the folders whose notebooks count as lessons and labs
NOTEBOOK_FOLDERS = ("lessons", "labs")

#: tables of the data files that state no fact, and why (every other table of rows is a fact table)
NOT_FACTS: Mapping[str, str] = {
    "course_map.json": "the course's own plan (lessons, labs, quizzes)",
    "sources.json": "the list of the source articles themselves",
    "source_ideas.json": "the course's map from the articles' ideas to its lessons",
    "prompts.json": "prompts written for the course's timing runs",
    "privacy.json:scenarios": "worked examples written for the course",
    "throughput.json:models": "the course's names for the models the measured rows describe",
    "throughput.json:gaps": "the cells the course could not source, said so",
}
_LABEL_KEYS = ("id", "model", "name", "gpu", "task", "want", "title")
_FIELDS = ("source", "as_of", "checked", "quote", "unverified")


@dataclass(frozen=True)
class FactRow:
    """One fact row of one data file, with its provenance read as written."""

    file: str
    table: str
    index: int
    label: str
    source: str | None
    as_of: date | None
    checked: date | None
    quote: str
    unverified: str

    @property
    def status(self) -> FactStatus:
        fields = {"source": self.source, "checked": self.checked, "quote": self.quote}
        return fact_status({**fields, "unverified": self.unverified})

    @property
    def where(self) -> str:
        return f"{self.file}: {self.table}[{self.index}] ({self.label})"

    def age_days(self, today: date) -> int | None:
        """Days since the row was checked (None: never)."""
        return None if self.checked is None else (today - self.checked).days

    def problems(self, today: date, *, max_age_days: int = MAX_AGE_DAYS) -> tuple[str, ...]:
        """Why this row cannot back a lesson today (empty: it can)."""
        found = []
        if self.status == "unverified":
            found.append(f"unverified: {self.unverified}")
        elif self.status == "unchecked":
            found.append("not checked: give 'source', 'checked' and 'quote', or say why not in 'unverified'")
        age = self.age_days(today)
        if age is not None and age > max_age_days:
            found.append(f"checked {age} days ago (over {max_age_days})")
        if self.checked is not None and self.as_of is not None and self.checked < self.as_of:
            found.append(f"checked {self.checked} is before the date its source states ({self.as_of})")
        if self.checked is not None and self.checked > today:
            found.append(f"checked {self.checked} is after today ({today})")
        return tuple(found)


def fact_rows(*, data_dir: Path = DATA_DIR) -> tuple[FactRow, ...]:
    """Every fact row of every data file in ``data_dir`` (tables in :data:`NOT_FACTS` left out)."""
    rows: list[FactRow] = []
    for path in sorted(data_dir.glob("*.json")):
        if path.name in NOT_FACTS:
            continue
        for table, items in _tables(read_json(path)):
            if f"{path.name}:{table}" in NOT_FACTS:
                continue
            rows += [_fact_row(path.name, table, i, item) for i, item in enumerate(items)]
    return tuple(rows)


def fact_tables(*, data_dir: Path = DATA_DIR) -> dict[str, tuple[str, ...]]:
    """File -> its tables of rows (every list of objects at the top of a data file), facts or not."""
    return {p.name: tuple(t for t, _ in _tables(read_json(p))) for p in sorted(data_dir.glob("*.json"))}


# --- which notebook uses which data file ----------------------------------------------------------------


def notebooks(*, root: Path = ROOT) -> tuple[Path, ...]:
    """The lessons and labs, in order."""
    return tuple(sorted(p for folder in NOTEBOOK_FOLDERS for p in (root / folder).glob("*.ipynb")))


def files_used_by(notebook: str | Path, *, root: Path = ROOT, data_dir: Path = DATA_DIR) -> frozenset[str]:
    """The data files whose rows ``notebook``'s figures can come from (see the module docstring)."""
    path = Path(notebook)
    path = path if path.is_absolute() else root / path
    # this module reads every data file's provenance, not a lesson's figures: a references cell that imports
    # it (to print figures_checked) must not make the lesson "use" those files
    modules = _closure(_notebook_imports(path), root=root) - {__name__}
    reads = _module_reads(root, tuple(sorted(p.name for p in data_dir.glob("*.json"))))
    return frozenset(name for module in modules for name in reads.get(module, ()))


def usage(*, root: Path = ROOT, data_dir: Path = DATA_DIR) -> dict[str, tuple[str, ...]]:
    """Data file -> the lessons and labs (paths from ``root``) that use it."""
    used: dict[str, list[str]] = {}
    for nb in notebooks(root=root):
        for name in files_used_by(nb, root=root, data_dir=data_dir):
            used.setdefault(name, []).append(nb.relative_to(root).as_posix())
    return {name: tuple(paths) for name, paths in sorted(used.items())}


def stale_rows(
    *,
    today: date | None = None,
    root: Path = ROOT,
    data_dir: Path = DATA_DIR,
    max_age_days: int = MAX_AGE_DAYS,
) -> tuple[tuple[FactRow, tuple[str, ...]], ...]:
    """(row, its problems) for every fact row used by a lesson or lab that cannot back it today."""
    day = today or date.today()
    used = usage(root=root, data_dir=data_dir)
    return tuple(
        (row, problems)
        for row in fact_rows(data_dir=data_dir)
        if row.file in used
        for problems in [row.problems(day, max_age_days=max_age_days)]
        if problems
    )


def figures_checked(lesson: str, *, today: date | None = None, root: Path = ROOT) -> str:
    """The sentence a lesson's or lab's references cell prints: when the facts behind its figures were
    checked. ``lesson``: "03", "lab 04", or a notebook path."""
    day = today or date.today()
    notebook = _find_notebook(lesson, root=root)
    files = files_used_by(notebook, root=root)
    rows = [r for r in fact_rows() if r.file in files]
    name = notebook.relative_to(root).as_posix() if notebook.is_relative_to(root) else notebook.name
    if not rows:
        return f"{name} uses no dated fact rows."
    checked = sorted(r.checked for r in rows if r.checked is not None)
    open_rows = [r for r in rows if r.status != "verified"]
    when = (
        f"checked between {checked[0]} and {checked[-1]}"
        if checked and checked[0] != checked[-1]
        else f"checked on {checked[0]}"
        if checked
        else "never checked"
    )
    oldest = f" (the oldest check is {(day - checked[0]).days} days old)" if checked else ""
    text = (
        f"The figures in {name} come from {len(rows)} dated, sourced rows of "
        f"{', '.join(sorted(files))}: {when}{oldest}."
    )
    if open_rows:
        text += f" {len(open_rows)} could not be verified: {'; '.join(r.where for r in open_rows[:3])}."
    return text + " `python -m course facts` lists each row with its source and age."


# --- helpers ---------------------------------------------------------------------------------------------


def _tables(raw: Any) -> Iterable[tuple[str, list[Mapping[str, Any]]]]:
    if not isinstance(raw, Mapping):
        return
    for key, value in raw.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            yield key, value


def _fact_row(file: str, table: str, index: int, item: Mapping[str, Any]) -> FactRow:
    label = next((str(item[k]) for k in _LABEL_KEYS if isinstance(item.get(k), str) and item[k]), str(index))
    if file == "prices.json" and "provider" in item:
        label = f"{item['provider']}/{label}"
    return FactRow(
        file=file,
        table=table,
        index=index,
        label=label,
        source=item.get("source") or None,
        as_of=_day(item.get("as_of")),
        checked=_day(item.get("checked")),
        quote=str(item.get("quote") or ""),
        unverified=str(item.get("unverified") or "").strip(),
    )


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _find_notebook(lesson: str, *, root: Path) -> Path:
    from course.errors import ConfigError

    path = Path(lesson)
    if path.suffix == ".ipynb":
        return path if path.is_absolute() else root / path
    match = re.fullmatch(r"\s*(lab|lesson)?\s*(\d{1,2})\s*", lesson.lower())
    if match:
        folders = ("labs",) if match.group(1) == "lab" else ("lessons",)
        number = match.group(2).zfill(2)
        for folder in folders:
            found = sorted((root / folder).glob(f"{number}-*.ipynb"))
            if found:
                return found[0]
    raise ConfigError(f"No lesson or lab {lesson!r}.", fix='Pass "03" for lesson 03, "lab 04", or a path.')


def _notebook_imports(path: Path) -> set[str]:
    """The ``course`` modules a notebook's code cells import (IPython magics skipped)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        found |= _imports(tree, package="")
    return found


def _imports(tree: ast.AST, *, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "course"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "course":
                continue
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


@functools.cache
def _module_files(root: Path) -> dict[str, Path]:
    files = {}
    for path in (root / "course").rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    return files


@functools.cache
def _module_graph(root: Path) -> dict[str, frozenset[str]]:
    files = _module_files(root)
    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = _imports(ast.parse(path.read_text(encoding="utf-8")), package=package)
        graph[name] = frozenset(m for m in imported if m in files)
    return graph


def _closure(start: Iterable[str], *, root: Path) -> set[str]:
    graph = _module_graph(root)
    seen: set[str] = set()
    todo = [m for m in start if m in graph]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo += list(graph[module] - seen)
    return seen


@functools.cache
def _module_reads(root: Path, data_files: tuple[str, ...]) -> dict[str, frozenset[str]]:
    reads = {}
    for name, path in _module_files(root).items():
        strings = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        reads[name] = frozenset(f for f in data_files if f in strings)
    return reads
