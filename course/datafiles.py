"""Read a data file of ``course/data/*.json``, one way for every file: JSON, then pydantic, then one error.

Each file's shape is a pydantic model declared next to the code that uses its rows (the rows are
dataclasses checked by pydantic; the file around them, its *envelope*, a pydantic model). :func:`load_data`
reads the file, validates envelope and rows, and turns every failure (a missing file, bad JSON, a value
that breaks a rule) into one :class:`~course.errors.DataError` format::

    licences.json: licences[1] (llama-3.x-community), field 'commercial_use' is 'maybe': input should be
    'yes' or 'no'.
      How to fix: Use one of: 'yes' or 'no'.

so the reader always learns the file, the row and the field, and what to write instead.

Loading never looks at the clock: a fact dated after today is a mistake in the data, caught by the tests
(``tests/test_datafiles.py``) and by ``python -m course prices refresh``, not an error on a laptop whose
clock is behind. :func:`dates_after` finds such dates for both.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar, Union, cast, get_args, get_origin
from urllib.parse import urlparse

import pydantic.dataclasses
import typing_extensions
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from course.data import DATA_DIR
from course.errors import CourseError, DataError

T = TypeVar("T")
R = TypeVar("R")

#: the config of every row dataclass (see :func:`data_row`): an unknown field, a typo, is an error
ROW_CONFIG = ConfigDict(extra="forbid")
#: the config of every file's envelope
FILE_CONFIG = ConfigDict(extra="forbid", frozen=True)


@typing_extensions.dataclass_transform(frozen_default=True)
def data_row(cls: type[T]) -> type[T]:
    """Declare the rows of a data file: a frozen dataclass whose fields pydantic checks when the file is
    loaded (and when one is built by hand); an unknown field is an error. Rules that span fields go in a
    ``@pydantic.model_validator(mode="after")`` that raises :func:`problem`."""
    return cast("type[T]", pydantic.dataclasses.dataclass(frozen=True, config=ROW_CONFIG)(cls))


_JSON_FIX = "Fix the JSON syntax there (a trailing comma or a missing quote is the usual cause)."
_LABEL_KEYS = ("id", "model", "gpu", "name", "number", "task", "want")


def problem(message: str, fix: str, *, field: str | None = None, at: tuple[str | int, ...] = ()) -> Exception:
    """An error for a validator to raise: ``message`` follows the field's name (``"is negative (-1)."``).

    ``field`` names the field when a row's own validator checks it; ``at`` is the location from the
    file's top (``("models", 3, "licence")``) when the envelope checks rows against each other.
    """
    context: dict[str, Any] = {"fix": fix}
    if field:
        context["field"] = field
    if at:
        context["at"] = tuple(at)
    return PydanticCustomError("course", message, context)


# --- field types shared by the data files ----------------------------------------------------------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ARTICLE = re.compile(r"^article \d{3}\b")


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise problem(f"is {value!r}, not an ISO date.", "Write the date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise problem(f"is {value!r}, which is not a real date.", "Check month and day.") from None


def _https(value: Any) -> str:
    parts = urlparse(value) if isinstance(value, str) else None
    if parts is None or parts.scheme != "https" or "." not in parts.netloc:
        raise problem(
            f"is {value!r}, not an https address.", "Give the page the fact was read from, https://..."
        )
    return value


def _source(value: Any) -> str:
    if isinstance(value, str) and _ARTICLE.match(value):
        return value
    parts = urlparse(value) if isinstance(value, str) else None
    if parts is None or parts.scheme != "https" or "." not in parts.netloc:
        raise problem(
            f"is {value!r}, neither an https address nor a source article.",
            "Give the page the fact was read from (https://...) or 'article NNN (date)'.",
        )
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem(f"must be a non-empty text, got {value!r}.", "Write the value as a JSON string.")
    return value


Day = Annotated[date, BeforeValidator(_day)]
"""An ISO date (YYYY-MM-DD) that exists; loading never compares it with today."""
HttpsUrl = Annotated[str, BeforeValidator(_https)]
Source = Annotated[str, BeforeValidator(_source)]
"""Where a fact was read: an https page, or a source article as "article 004 (2026)"."""
Text = Annotated[str, BeforeValidator(_text)]
"""A non-empty string."""
Positive = Annotated[float, Field(gt=0)]


class RowsFile(BaseModel, Generic[R]):
    """The envelope of the simple data files: a note and a non-empty list of rows of one kind."""

    model_config = FILE_CONFIG

    schema_version: Literal[1] = 1
    note: str = ""
    units: dict[str, str] = Field(default_factory=dict)
    rows: tuple[R, ...] = Field(min_length=1)


# --- provenance: every fact row says where it was read, when, and in which words -------------------------

FactStatus = Literal["verified", "unverified", "unchecked"]
#: the fields a fact row declares (last, after its own fields, so tables keep their columns in front)
PROVENANCE_FIELDS = ("checked", "quote", "unverified")


@data_row
class Fact:
    """The base of every row that states a fact (a price, a licence term, a published figure).

    A fact is *verified* when its row names the ``source`` it was read from (an https page, or a source
    article), the date that source states (``as_of``), the day someone read it (``checked``) and a short
    verbatim excerpt of it that supports the row (``quote``). A fact that could not be checked says why in
    ``unverified`` instead. Loading refuses a row whose provenance contradicts itself (a quote with no
    day it was read, a read with neither quote nor reason); that every row is verified or says why not,
    and that no row was read before the date it states, is checked by the tests and by
    ``python -m course facts`` (loading never compares dates), so a row being written is not refused
    half-way. Subclasses declare the three fields themselves, last::

        checked: Day | None = None
        quote: str = ""
        unverified: str | None = ""
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = {name for klass in cls.__mro__ for name in getattr(klass, "__annotations__", {})}
        missing = [name for name in PROVENANCE_FIELDS if name not in declared]
        if missing:
            raise TypeError(f"{cls.__name__} is a Fact row but does not declare {', '.join(missing)}.")

    @model_validator(mode="after")
    def _provenance_holds_together(self) -> Any:
        checked, quote = getattr(self, "checked", None), (getattr(self, "quote", "") or "").strip()
        unverified = (getattr(self, "unverified", "") or "").strip()
        source = getattr(self, "source", None)
        if quote and (checked is None or not source):
            raise problem(
                "is given, but the row does not say where and when it was read.",
                "Give 'source' (the page the quote is from) and 'checked' (the day you read it).",
                field="quote",
            )
        if checked is not None and not quote and not unverified:
            raise problem(
                f"is {checked.isoformat()}, but the row has neither a 'quote' nor an 'unverified' reason.",
                "Copy the words of the source that support the row into 'quote', or say in 'unverified' "
                "why the source did not confirm it.",
                field="checked",
            )
        return self


def fact_status(row: Any) -> FactStatus:
    """``verified`` (source, checked and quote), ``unverified`` (a reason given) or ``unchecked`` (neither),
    for a :class:`Fact` row or the raw mapping of one."""

    def get(name: str) -> Any:
        return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)

    if str(get("unverified") or "").strip():
        return "unverified"
    if get("source") and get("checked") and str(get("quote") or "").strip():
        return "verified"
    return "unchecked"


# --- loading ------------------------------------------------------------------------------------------


def data_path(name: str, *, data_dir: Path | None = None) -> Path:
    """Where the data file ``name`` is: in ``data_dir``, else in the course's own data folder."""
    return (data_dir or DATA_DIR) / name


def read_json(path: Path) -> Any:
    """The parsed JSON of ``path``; a missing file or bad JSON as a :class:`DataError`."""
    return _read(path)[1]


def _read(path: Path) -> tuple[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, json.loads(text)
    except FileNotFoundError:
        bundled = path.parent == DATA_DIR
        raise DataError(
            f"{path} does not exist.",
            fix=f"Restore it: git checkout -- course/data/{path.name}" if bundled else "Check the path.",
        ) from None
    except UnicodeDecodeError:
        raise DataError(f"{path.name} is not UTF-8 text.", fix="Save it as UTF-8 JSON.") from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            fix=_JSON_FIX,
        ) from None
    except OSError as exc:
        raise DataError(f"{path} cannot be read ({exc.strerror or exc}).", fix="Check the path.") from None


def load_data(name: str, model: type[T], *, data_dir: Path | None = None) -> T:
    """The file ``name`` (in ``data_dir``, default ``course/data``) validated as ``model``, its envelope.

    Any problem raises :class:`DataError` naming the file, the row (``rows[3] (vLLM)``) and the field.
    """
    path = data_path(name, data_dir=data_dir)
    text, raw = _read(path)
    try:  # strict, from JSON: "2.5" is not a number, 1 is not true; a JSON list may fill a tuple
        return cast(T, _adapter(cast(Any, model)).validate_json(text, strict=True))
    except ValidationError as exc:
        raise _data_error(path, model, raw, exc) from None
    except DataError:
        raise
    except CourseError as exc:  # a row's own constructor refused it (e.g. privacy.Scenario)
        raise DataError(f"{path.name}: {exc.message}", fix=exc.fix) from None


def load_rows(name: str, row: type[R], *, data_dir: Path | None = None) -> tuple[R, ...]:
    """The rows of a ``{"note": ..., "rows": [...]}`` file, each validated as ``row``."""
    # RowsFile[row] is parametrised at run time with the caller's row type: mypy cannot check a type
    # variable used as a type argument, so it is told so here (the result is typed by the signature)
    return load_data(name, RowsFile[row], data_dir=data_dir).rows  # type: ignore[valid-type]


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


# --- one error format ---------------------------------------------------------------------------------

_RANK = {"unexpected_keyword_argument": 0, "extra_forbidden": 0, "missing_argument": 1, "missing": 1}


def _data_error(path: Path, model: Any, raw: Any, exc: ValidationError) -> DataError:
    """The first error to report (unknown fields, then missing ones, then values) as one DataError."""
    errors = exc.errors()
    # a list reported too short only because its rows failed is a consequence, not the cause
    deeper = [e for e in errors if not any(_under(o["loc"], e["loc"]) for o in errors if o is not e)]
    error = sorted(deeper or errors, key=lambda e: _RANK.get(e["type"], 2))[0]
    ctx = error.get("ctx") or {}
    loc = tuple(ctx["at"]) if ctx.get("at") else tuple(error["loc"])
    if ctx.get("field"):
        loc = (*loc, ctx["field"])
    row_loc, field_loc = _split(loc)
    where = f"{path.name}: "
    if row_loc:
        where += _render(row_loc) + _label(raw, row_loc)
        where += f", field {_render(field_loc)!r}" if field_loc else ""
    elif field_loc:
        where += f"field {_render(field_loc)!r}"
    else:
        where = path.name
    message, fix = _problem(error, model, loc)
    return DataError(f"{where} {message}", fix=fix)


def _under(longer: tuple[Any, ...], shorter: tuple[Any, ...]) -> bool:
    return len(longer) > len(shorter) and longer[: len(shorter)] == shorter


def _split(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(the row: up to the first list index, the field within it); no index: no row."""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            return loc[: i + 1], loc[i + 1 :]
    return (), loc


def _render(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _label(raw: Any, loc: Sequence[Any]) -> str:
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if isinstance(node, Mapping):
        for key in _LABEL_KEYS:
            if isinstance(node.get(key), str) and node[key]:
                return f" ({node[key]})"
    return ""


def _problem(error: Any, model: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    owner = _owner(model, loc)
    field = str(loc[-1]) if loc else ""
    if kind == "course":
        return error["msg"], str(ctx.get("fix", _compare(owner)))
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        known = list(_fields(owner))
        close = difflib.get_close_matches(field, known, n=3, cutoff=0.6)
        hint = f"Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return "is not a known field.", hint or f"Known fields: {', '.join(known)}."
    if kind in ("missing", "missing_argument"):
        return "is missing.", f"Add {field!r} (null where a value may be absent). {_compare(owner)}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must be a non-empty list, and it is empty.", "Add at least one row."
    msg = str(error["msg"]).removeprefix("Value error, ")
    message = f"is {error.get('input')!r}: {msg[:1].lower()}{msg[1:]}."
    if kind == "literal_error":
        return message, f"Use one of: {ctx.get('expected', '')}."
    if kind in ("int_type", "float_type", "int_from_float", "bool_type", "string_type"):
        return message, "Write a JSON value of that type (no quotes around numbers and true/false)."
    return message, _compare(owner)


def _owner(model: Any, loc: tuple[Any, ...]) -> Any:
    """The class holding the field at ``loc`` (the row itself when ``loc`` ends in a list index)."""
    for end in range(len(loc) - (0 if loc and isinstance(loc[-1], int) else 1), -1, -1):
        found = _type_at(model, loc[:end])
        if _fields(found):
            return found
    return model


def _compare(owner: Any) -> str:
    name, module = getattr(owner, "__qualname__", owner), getattr(owner, "__module__", "the course")
    return f"Compare it with {name} in {module}."


def _strip(tp: Any) -> Any:
    """``X`` from ``Annotated[X, ...]``, ``X | None`` and ``Optional[X]``."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _fields(tp: Any) -> dict[str, Any]:
    tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {name: f.annotation for name, f in tp.model_fields.items()}
    if dataclasses.is_dataclass(tp):
        try:
            return typing.get_type_hints(tp, include_extras=True)
        except (NameError, TypeError):
            return {f.name: f.type for f in dataclasses.fields(tp)}
    return {}


def _type_at(model: Any, loc: Sequence[Any]) -> Any:
    """The type found at ``loc`` inside ``model`` (best effort: ``Any`` where it cannot tell)."""
    tp = model
    for part in loc:
        tp = _strip(tp)
        if isinstance(part, int):
            args = [a for a in get_args(tp) if a is not Ellipsis]
            tp = args[0] if args else Any
        else:
            tp = _fields(tp).get(part, Any)
    return _strip(tp)


# --- the "not in the future" rule, for the tests and the refresh ------------------------------------------


#: fields that hold a date announced for the future (a model's shutdown day), exempt from the rule
SCHEDULED_DATE_FIELDS = frozenset({"retires_on"})


def dates_after(value: Any, day: date, *, where: str = "") -> list[str]:
    """Every date inside ``value`` (rows, envelopes, tuples, mappings) later than ``day``, as
    ``"api_prices[2].as_of is 2999-01-01"``; a field named in :data:`SCHEDULED_DATE_FIELDS` is a
    date announced for the future and is skipped. Loading does not apply this rule: callers that know
    the real date do (the tests, ``python -m course prices refresh``)."""
    found: list[str] = []
    if where.rsplit(".", 1)[-1] in SCHEDULED_DATE_FIELDS:
        return found
    if isinstance(value, date):
        if value > day:
            found.append(f"{where or 'the date'} is {value.isoformat()}")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += dates_after(getattr(value, name), day, where=_join(where, name))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found += dates_after(getattr(value, f.name), day, where=_join(where, f.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += dates_after(item, day, where=_join(where, str(key)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += dates_after(item, day, where=f"{where}[{i}]")
    return found


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
