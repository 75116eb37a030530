"""Look at a learner's submitted files before nbgrader does: every oddity gets a finding, and a notebook
nbgrader can grade.

Handled: no notebook; a renamed notebook; text that is not UTF-8; invalid JSON or not a notebook; a notebook
of another quiz; graded or answer cells deleted (re-added from the release); cell types changed (restored);
locked cells edited (nbgrader restores them from the gradebook; FLAGGED here); stray nbgrader metadata. The
learner's original files are kept byte for byte in ``submitted/<learner>/<quiz>/.original/``, and later runs
start from them, so the findings are the same every time (resumable).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode


@dataclass(frozen=True)
class Finding:
    """One line of the report about a submission; ``attention`` means the instructor should look."""

    code: str
    message: str
    attention: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Intake:
    """The outcome of intake: findings, whether there is something to grade, the original bytes' hash."""

    findings: tuple[Finding, ...]
    gradable: bool
    sha256: str


ORIGINALS = ".original"


def _meta(cell: NotebookNode) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252 (what editors on Windows write), run by run."""
    if not isinstance(error, UnicodeDecodeError):  # registered for decoding only
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("grader-cp1252", _cp1252_fallback)


def _decode(data: bytes) -> tuple[str, Finding | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="grader-cp1252")
        return text, Finding(
            "encoding",
            f"the file is not UTF-8 (first bad byte at {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "those bytes were read as Windows-1252 and the notebook graded",
        )


def input_file(folder: Path, quiz_id: str) -> tuple[Path | None, list[Finding]]:
    """The learner's notebook (from .original/ when an earlier run moved it there) and naming findings."""
    originals = folder / ORIGINALS
    expected = f"{quiz_id}.ipynb"
    if originals.is_dir():
        kept = sorted(originals.glob("*.ipynb"))
        if kept:
            chosen = originals / expected if (originals / expected).exists() else kept[0]
            return chosen, _rename_finding(chosen.name, expected)
    if (folder / expected).is_file():
        return folder / expected, []
    others = sorted(folder.glob("*.ipynb"))
    if not others:
        return None, [Finding("missing", "no notebook submitted: nothing graded", attention=True)]
    return others[0], _rename_finding(others[0].name, expected)


def _rename_finding(name: str, expected: str) -> list[Finding]:
    if name == expected:
        return []
    return [Finding("renamed", f"submitted as {name!r}; graded as {expected}")]


def prepare(*, folder: Path, quiz_id: str, release_nb: NotebookNode) -> Intake:
    """Check the submission in ``folder`` (submitted/<learner>/<quiz>) against the release and write the
    notebook nbgrader will grade to ``folder/<quiz>.ipynb``."""
    path, findings = input_file(folder, quiz_id)
    if path is None:
        return Intake(tuple(findings), False, "")
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    text, enc = _decode(data)
    if enc:
        findings.append(enc)
    nb, problem = _parse(text)
    if nb is None:
        findings.append(
            Finding("unreadable", f"{problem}: graded as a blank notebook (0 points)", attention=True)
        )
        nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    else:
        foreign = _foreign(nb, release_nb, quiz_id)
        if foreign:
            findings.append(
                Finding("wrong_quiz", f"{foreign}: graded as a blank notebook (0 points)", attention=True)
            )
            nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
        else:
            nb, cell_findings = _repair_cells(nb, release_nb)
            findings += cell_findings
    out = nbformat.writes(nb)
    target = folder / f"{quiz_id}.ipynb"
    changed = path != target or out.encode("utf-8") != data
    if changed:
        originals = folder / ORIGINALS
        originals.mkdir(exist_ok=True)
        keep = originals / path.name
        if path.parent != originals and not keep.exists():
            shutil.copyfile(path, keep)
            if path != target:
                path.unlink()
        target.write_text(out, encoding="utf-8")
    return Intake(tuple(findings), True, sha)


def _parse(text: str) -> tuple[NotebookNode | None, str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "valid JSON but not a notebook (no list of cells)"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for malformed notebooks
        return None, f"not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})"
    for cell in nb.cells:
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            return None, f"a cell of unknown type {cell.get('cell_type')!r}"
        if not isinstance(cell.get("source", ""), str):
            return None, "a cell whose source is not text"
    return nb, ""


def _foreign(nb: NotebookNode, release_nb: NotebookNode, quiz_id: str) -> str:
    said = (nb.metadata.get("course") or {}).get("quiz_id")
    if said and said != quiz_id:
        return f"a notebook of {said}, not {quiz_id}"
    ours = {_meta(c).get("grade_id") for c in release_nb.cells} - {None}
    theirs = {_meta(c).get("grade_id") for c in nb.cells} - {None}
    if ours and not ours & theirs and (theirs or said is None):
        return f"not a notebook of {quiz_id} (none of its cells is one of the quiz's)"
    return ""


def _blank_like(cell: NotebookNode) -> NotebookNode:
    fresh = nbformat.from_dict(json.loads(json.dumps(cell)))
    if fresh.cell_type == "code":
        fresh.outputs, fresh.execution_count = [], None
    return fresh


def _set_type(cell: NotebookNode, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _repair_cells(nb: NotebookNode, release_nb: NotebookNode) -> tuple[NotebookNode, list[Finding]]:
    findings: list[Finding] = []
    released: dict[str, NotebookNode] = {
        _meta(c)["grade_id"]: c for c in release_nb.cells if _meta(c).get("grade_id")
    }
    order = list(released)
    seen: dict[str, NotebookNode] = {}
    kept: list[NotebookNode] = []
    stray: list[str] = []
    for cell in nb.cells:
        gid: str | None = _meta(cell).get("grade_id")
        if gid is not None and gid in released and gid not in seen:
            seen[gid] = cell
            kept.append(cell)
        elif gid:
            stray.append(gid)
            cell.metadata.pop("nbgrader", None)  # an unknown or duplicated grade id: a plain cell now
            kept.append(cell)
        else:
            kept.append(cell)
    if stray:
        findings.append(
            Finding(
                "stray_metadata", f"cells with unknown or duplicate grade ids made plain: {', '.join(stray)}"
            )
        )
    retyped = []
    for gid, cell in seen.items():
        want = released[gid].cell_type
        if cell.cell_type != want:
            retyped.append(f"{gid} ({cell.cell_type} -> {want})")
            _set_type(cell, want)
    if retyped:
        findings.append(Finding("cell_type", f"cell types changed, restored: {', '.join(retyped)}"))
    edited = [
        gid
        for gid, cell in seen.items()
        if _meta(released[gid]).get("locked") and cell.source.strip() != released[gid].source.strip()
    ]
    if edited:
        findings.append(
            Finding(
                "locked_edited",
                f"FLAGGED: locked cells edited: {', '.join(edited)} (restored from the source, then graded)",
                attention=True,
            )
        )
    missing = [gid for gid in order if gid not in seen]
    if missing:
        graded = [
            gid
            for gid in missing
            if _meta(released[gid]).get("grade") or _meta(released[gid]).get("solution")
        ]
        if graded:
            findings.append(
                Finding(
                    "deleted_cells",
                    f"graded or answer cells deleted: {', '.join(graded)} (re-added and graded)",
                )
            )
        # put every missing cell back after the cell that precedes it in the release
        for gid in missing:
            position = order.index(gid)
            anchor = next((seen[g] for g in reversed(order[:position]) if g in seen), None)
            index = kept.index(anchor) + 1 if anchor is not None else 0
            cell = _blank_like(released[gid])
            kept.insert(index, cell)
            seen[gid] = cell
    nb.cells = kept
    return nb, findings
