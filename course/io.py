"""Files the course writes and reads back, one way each.

- :func:`write_text_atomically` (and :func:`atomic_path` for writers that need a path, such as the GGUF
  writer): a reader, or a run killed mid-write, sees the old file or the new one, never half of one.
- :func:`read_jsonl` and :func:`append_jsonl`: JSON Lines with ONE rule for a torn last line. A writer
  killed mid-line leaves a partial last line with no newline after it: the reader skips it with a warning
  (or refuses it, for files no killed writer appends to), the appender cuts it off before appending. A bad
  line anywhere else is an error naming the line.
- :func:`make_folder`: an output folder, or an error that says which option to change.
- :func:`scripts_on_path`: this interpreter's scripts folder first on PATH (nbgrader runs ``alembic``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

from course.errors import CourseError, DataError

TornTail = Literal["warn", "error"] | Callable[[str], None]


# --- whole files ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; on a clean exit it is synced and replaces ``path``.

    On any exception (the writer's, or a check run inside the block) the temporary file is removed and
    ``path`` is left as it was. The folder is created if needed. The new file keeps the old file's
    permissions, or gets the usual ones for a new file (0666 less the umask): never a private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temp(path)
    try:
        yield tmp
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def write_text_atomically(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file beside it (see :func:`atomic_path`)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def _new_temp(path: Path) -> Path:
    """Create an empty ``.NAME.XXXXXXXX.partial`` beside ``path`` (mode 0666 less the umask)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")  # pragma: no cover


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (some filesystems cannot sync a folder: then it is skipped)."""
    with contextlib.suppress(OSError):
        _fsync(folder)


def make_folder(
    folder: str | Path,
    *,
    what: str = "output folder",
    error: type[CourseError] = CourseError,
    fix: str = "Pass --out a folder you can write.",
) -> Path:
    """Create ``folder`` (and its parents); a failure raises ``error`` saying which folder and why."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(f"Cannot create the {what} {folder}: {exc.strerror or exc}.", fix=fix) from None
    return folder


# --- JSON Lines ---------------------------------------------------------------------------------------


class JsonLine(NamedTuple):
    """One object of a JSON Lines file and the line it was on (from 1), so a caller can name the line."""

    line: int
    data: dict[str, Any]


_JSONL_FIX = "Write one JSON object per line; remove or repair the damaged line."
_KINDS = {list: "list", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def read_jsonl(
    path: str | Path,
    *,
    on_torn_tail: TornTail = "warn",
    fix: str = _JSONL_FIX,
    error: type[CourseError] = DataError,
) -> list[JsonLine]:
    """Every JSON object of ``path``, one per non-blank line, with its line number.

    A partial last line (no newline after it, not valid JSON: a writer killed mid-line) is skipped with
    a warning (``on_torn_tail="warn"``), passed to ``on_torn_tail`` when it is a function (to report it
    your own way), or refused like any bad line (``"error"``: for files no killed writer appends to). A
    line that is not a JSON object anywhere else raises ``error`` naming the line, with ``fix``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path} does not exist.", fix="Check the path.") from None
    except UnicodeDecodeError:
        raise error(f"{path.name} is not UTF-8 text.", fix=fix) from None
    lines = text.splitlines()
    torn_possible = bool(text) and not text.endswith(("\n", "\r"))
    rows: list[JsonLine] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            if torn_possible and number == len(lines) and on_torn_tail != "error":
                message = f"{path}: line {number} is an incomplete last line (a writer stopped mid-line)"
                message += "; skipped"
                if on_torn_tail == "warn":
                    warnings.warn(message, stacklevel=2)
                else:
                    on_torn_tail(message)
                continue
            raise error(
                f"{path.name} line {number} is not valid JSON ({exc.msg} at column {exc.colno}).", fix=fix
            ) from None
        if not isinstance(data, dict):
            kind = _KINDS.get(type(data), type(data).__name__)
            raise error(f"{path.name} line {number} is a JSON {kind}, not an object.", fix=fix)
        rows.append(JsonLine(number, data))
    return rows


def append_jsonl(path: str | Path, rows: Iterable[dict[str, Any]], *, fsync: bool = True) -> Path:
    """Append ``rows`` to ``path``, one JSON object per line, in one write (the folder is created).

    A torn last line left by a killed writer is cut off first (with a warning), so the new lines never
    run on from it. ``fsync``: wait until the lines are on disk (a ledger); False for a stream of
    measurements, where the write alone suffices. One writer per file at a time.
    """
    path = Path(path)
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        _cut_torn_tail(fd, path)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)
    return path


def _cut_torn_tail(fd: int, path: Path) -> None:
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    end, chunk = size, 1 << 16
    while end > 0:
        start = max(0, end - chunk)
        newline = os.pread(fd, end - start, start).rfind(b"\n")
        if newline >= 0:
            keep = start + newline + 1
            break
        end = start
    else:
        keep = 0
    os.ftruncate(fd, keep)
    warnings.warn(
        f"{path}: cut off an incomplete last line ({size - keep} bytes; a writer stopped mid-line)",
        stacklevel=3,
    )


# --- the environment ------------------------------------------------------------------------------------


@contextlib.contextmanager
def scripts_on_path(env: MutableMapping[str, str] | None = None) -> Iterator[None]:
    """Put this interpreter's scripts folder first on ``env["PATH"]`` (``os.environ`` by default) for the
    block: nbgrader's gradebook runs the ``alembic`` command, found only there when the virtual environment
    is not activated (``.venv/bin/python -m ...``). Already first: nothing changes."""
    env = os.environ if env is None else env
    scripts = str(Path(sys.executable).parent)
    old = env.get("PATH")
    if (old or "").split(os.pathsep)[:1] == [scripts]:
        yield
        return
    env["PATH"] = scripts + os.pathsep + old if old else scripts
    try:
        yield
    finally:
        if old is None:
            env.pop("PATH", None)
        else:
            env["PATH"] = old
