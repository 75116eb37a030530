"""Read a data file of dated, sourced facts: every row must say when it held (``as_of``) and where from.

Used by the small fact tables behind the lessons (serving stacks, model terms, embedding prices).
A bad file raises :class:`~course.errors.DataError` naming the file, the row and the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from course.data import DATA_DIR
from course.errors import DataError


def load_rows(
    name: str, *, required: Sequence[str], data_dir: Path | None = None
) -> tuple[tuple[dict[str, Any], ...], str]:
    """The rows of ``data_dir/name`` and its ``note``; each row has ``required``, ``as_of`` and ``source``.

    ``as_of`` (YYYY-MM-DD, not in the future) becomes a :class:`datetime.date`; ``source`` must be an
    http(s) address or name a seed article ("seed 004 (2026)").
    """
    path = (data_dir or DATA_DIR) / name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{path} does not exist.", fix="Restore it from git.") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} is not valid JSON: {exc}.", fix="Fix the JSON syntax.") from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("rows"), list) or not raw["rows"]:
        raise DataError(f"{path} has no 'rows' list.", fix='Write {"note": ..., "rows": [{...}, ...]}.')
    rows = []
    for i, row in enumerate(raw["rows"]):
        where = f"{path.name}, row {i}"
        if not isinstance(row, Mapping):
            raise DataError(f"{where} is not an object.", fix="Write each row as a JSON object.")
        for field in (*required, "as_of", "source"):
            if row.get(field) in (None, ""):
                raise DataError(f"{where} has no {field!r}.", fix=f"Add {field!r} to the row.")
        rows.append({**row, "as_of": _as_of(row["as_of"], where), "source": _source(row["source"], where)})
    return tuple(rows), str(raw.get("note", ""))


def _as_of(value: Any, where: str) -> date:
    try:
        day = date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(f"{where}: as_of {value!r} is not a date.", fix="Write it as YYYY-MM-DD.") from exc
    if day > date.today():
        raise DataError(f"{where}: as_of {day} is in the future.", fix="Use the day the fact was read.")
    return day


def _source(value: Any, where: str) -> str:
    text = str(value)
    parsed = urlparse(text)
    if (parsed.scheme in ("http", "https") and parsed.netloc) or text.lower().startswith("seed "):
        return text
    raise DataError(
        f"{where}: source {text!r} is neither a web address nor a seed article.",
        fix="Give the page the fact was read from (https://...) or 'seed NNN (date)'.",
    )
