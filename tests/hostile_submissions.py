"""Generated learner submissions for tests and benchmarks: right, wrong, blank and hostile.

Built from a quiz's released notebook (what learners get) and its data in course/quiz/bank/: answer cells are
replaced with the solution or a declared wrong answer; hostile kinds break the file or the rules in the ways
the grader must survive (see :data:`HOSTILE`).
"""

from __future__ import annotations

import json

import nbformat

from course.quiz.model import Quiz
from course.quiz.render import BEGIN_SOLUTION, END_SOLUTION, answer_source
from course.quiz.run_cells import wrong_bodies


def solution_body(q) -> str:
    lines = answer_source(q).splitlines()
    start = next(i for i, line in enumerate(lines) if BEGIN_SOLUTION in line)
    end = next(i for i, line in enumerate(lines) if END_SOLUTION in line)
    return "\n".join(lines[start + 1 : end])


def _answer_cells(nb) -> dict:
    return {
        c.metadata["nbgrader"]["grade_id"].removesuffix("-answer"): c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-answer")
    }


def answered(release_text: str, quiz: Quiz, bodies: dict[str, str]):
    """The released notebook with ``bodies[qid]`` in those answer cells (as a learner types them)."""
    nb = nbformat.reads(release_text, as_version=4)
    cells = _answer_cells(nb)
    for q in quiz.questions:
        if q.qid in bodies:
            source = answer_source(q, bodies[q.qid])
            cells[q.qid].source = "\n".join(line for line in source.splitlines() if "### " not in line)
    return nb


def good(release_text: str, quiz: Quiz):
    return answered(release_text, quiz, {q.qid: solution_body(q) for q in quiz.questions})


def wrong_answers(quiz: Quiz, *, seed: int) -> dict[str, str]:
    """Answer bodies: right except for about a third of the questions (which ones depends on ``seed``)."""
    bodies = {q.qid: solution_body(q) for q in quiz.questions}
    for i, (qid, _label, body) in enumerate(wrong_bodies(quiz)):
        if (i * 7 + seed) % 3 == 0:
            bodies[qid] = body
    return bodies


def wrong(release_text: str, quiz: Quiz, *, seed: int):
    return answered(release_text, quiz, wrong_answers(quiz, seed=seed))


def _insert_after(nb, grade_id: str, source: str) -> None:
    index = next(
        i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))


def notebook_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


#: code run in a learner cell that tries to get out of the sandbox and prints what it saw
SNOOP = """
import os, socket, glob
seen = {}
for path in SNOOP_PATHS:
    try:
        with open(path, 'rb') as fh:
            seen[path] = 'READ %d bytes' % len(fh.read())
    except OSError as exc:
        seen[path] = 'denied: %s' % type(exc).__name__
try:
    with open('/proc/1/environ', 'rb') as fh:
        seen['/proc/1/environ'] = fh.read().decode(errors='replace')
except OSError as exc:
    seen['/proc/1/environ'] = 'denied: %s' % type(exc).__name__
seen['env'] = dict(os.environ)
try:
    socket.create_connection(('127.0.0.1', SNOOP_PORT), timeout=2)
    seen['net'] = 'CONNECTED'
except OSError as exc:
    seen['net'] = 'denied: %s' % type(exc).__name__
try:
    open(SNOOP_WRITE, 'w').write('pwned')
    seen['write'] = 'WROTE'
except OSError as exc:
    seen['write'] = 'denied: %s' % type(exc).__name__
import subprocess
subprocess.Popen(['sleep', '987'])
print('SNOOP', seen)
"""

#: an exception handler that swallows every failure, so hidden tests "pass" in the kernel
SWALLOW = """
_ip = get_ipython()
_ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
_orig_run_cell = _ip.run_cell
def _quiet_run_cell(raw_cell, *args, **kwargs):
    wrapped = "try:\\n    exec(" + repr(raw_cell) + ")\\nexcept BaseException:\\n    pass"
    return _orig_run_cell(wrapped, *args, **kwargs)
_ip.run_cell = _quiet_run_cell
"""


def hostile(
    kind: str, release_text: str, quiz: Quiz, *, other_text: str = "", snoop: dict | None = None
) -> bytes:
    """The bytes of one hostile submission of ``kind`` (a key of :data:`HOSTILE`)."""
    nb = good(release_text, quiz)
    first, second, third = (q.qid for q in quiz.questions[:3])
    if kind == "invalid_json":
        return notebook_bytes(nb)[:-40]
    if kind == "not_utf8":
        # a comment saved by a Windows editor: Windows-1252 bytes inside an otherwise UTF-8 file
        _answer_cells(nb)[first].source += "\n# NOTE-PLACEHOLDER"
        note = "Caf\u00e9 notes \u2014 r\u00e9sum\u00e9".encode("cp1252")
        return notebook_bytes(nb).replace(b"NOTE-PLACEHOLDER", note)
    if kind == "other_quiz":
        return other_text.encode("utf-8")
    if kind == "deleted_cells":
        nb.cells = [
            c
            for c in nb.cells
            if not c.metadata.get("nbgrader", {})
            .get("grade_id", "")
            .startswith((f"{first}-t", f"{first}a-t", second))
        ]
        return notebook_bytes(nb)
    if kind == "cell_type":
        cell = _answer_cells(nb)[third]
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        return notebook_bytes(nb)
    if kind == "locked_edited":
        for c in nb.cells:
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code":
                c.source = "pass  # the test, removed"
                break
        return notebook_bytes(nb)
    if kind == "infinite_loop":
        _insert_after(nb, f"{first}-answer", "while True:\n    pass")
        return notebook_bytes(nb)
    if kind == "loop_ignoring_sigint":
        _insert_after(
            nb,
            f"{first}-answer",
            "import signal\nfor s in (signal.SIGINT, signal.SIGALRM, signal.SIGTERM):\n"
            "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    try:\n        pass\n"
            "    except BaseException:\n        pass",
        )
        return notebook_bytes(nb)
    if kind == "exception":
        _insert_after(nb, f"{first}-answer", "raise RuntimeError('a learner bug')")
        return notebook_bytes(nb)
    if kind == "huge_output":
        _insert_after(nb, f"{first}-answer", "print('x' * 50_000_000)")
        return notebook_bytes(nb)
    if kind == "swallow_errors":
        blank = answered(release_text, quiz, {q.qid: "pass" for q in quiz.questions})
        _insert_after(blank, "intro", SWALLOW) if _has(blank, "intro") else blank.cells.insert(
            0, nbformat.v4.new_code_cell(SWALLOW)
        )
        return notebook_bytes(blank)
    if kind == "snoop":
        snoop = snoop or {}
        code = SNOOP.replace("SNOOP_PATHS", repr(snoop.get("paths", []))).replace(
            "SNOOP_PORT", str(snoop.get("port", 9))
        )
        code = code.replace("SNOOP_WRITE", repr(snoop.get("write", "/tmp/pwned")))
        _insert_after(nb, f"{first}-answer", code)
        return notebook_bytes(nb)
    if kind == "memory_hog":
        _insert_after(nb, f"{first}-answer", "hog = bytearray(8 * 1024 ** 3)")
        return notebook_bytes(nb)
    raise KeyError(kind)


def _has(nb, grade_id: str) -> bool:
    return any(c.metadata.get("nbgrader", {}).get("grade_id") == grade_id for c in nb.cells)


#: hostile kinds and what the report must say about each (a finding code, or "" when it grades normally)
HOSTILE = {
    "invalid_json": "unreadable",
    "not_utf8": "encoding",
    "other_quiz": "wrong_quiz",
    "deleted_cells": "deleted_cells",
    "cell_type": "cell_type",
    "locked_edited": "locked_edited",
    "infinite_loop": "stopped",
    "loop_ignoring_sigint": "stopped",
    "exception": "exceptions",
    "huge_output": "output_cap",
    "swallow_errors": "tamper_suspected",
    "snoop": "",
    "memory_hog": "exceptions",
}


def as_json(nb) -> dict:
    return json.loads(nbformat.writes(nb))
