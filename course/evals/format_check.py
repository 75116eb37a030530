"""Format reliability: does a reply parse as the JSON object a program asked for? And how often?

:func:`check_json_reply` names the first problem of one reply (prose around the JSON, a Markdown code
fence, a syntax error, a cut-off reply, missing keys, a value outside the allowed set);
:func:`validity_rate` counts a batch and puts a confidence interval on the rate (:mod:`course.evals.stats`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from course.errors import ConfigError
from course.evals.stats import AccuracyInterval, accuracy_interval

VALID = "valid"


@dataclass(frozen=True)
class FormatCheck:
    ok: bool
    problem: str  # "valid" or what went wrong first
    detail: str = ""


@dataclass(frozen=True)
class ValidityReport:
    """Validity of a batch of replies: the rate with its interval, and the count of each problem."""

    interval: AccuracyInterval
    problems: Mapping[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.interval.accuracy


def check_json_reply(
    text: str, *, required_keys: Iterable[str] = (), allowed_values: Mapping[str, Iterable[str]] | None = None
) -> FormatCheck:
    """Is ``text`` exactly one JSON object with the required keys (and allowed values)?

    A strict check, as a program that calls ``json.loads`` on the reply would need: anything around the
    object counts as a failure, with the reason named.
    """
    if not isinstance(text, str):
        raise ConfigError(f"A reply must be text, got {type(text).__name__}.", fix="Pass the reply's string.")
    stripped = text.strip()
    if stripped.startswith("```"):
        return FormatCheck(False, "wrapped in a code fence", "the reply starts with ``` (Markdown)")
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return _diagnose(stripped, exc)
    if not isinstance(value, dict):
        return FormatCheck(False, "not a JSON object", f"got a JSON {type(value).__name__}")
    missing = [k for k in required_keys if k not in value]
    if missing:
        return FormatCheck(False, "missing keys", ", ".join(missing))
    for key, allowed in (allowed_values or {}).items():
        allowed_set = set(allowed)
        if key in value and value[key] not in allowed_set:
            return FormatCheck(False, "value not allowed", f"{key}={value[key]!r}")
    return FormatCheck(True, VALID)


def validity_rate(
    replies: Iterable[str],
    *,
    required_keys: Iterable[str] = (),
    allowed_values: Mapping[str, Iterable[str]] | None = None,
    confidence: float = 0.95,
) -> ValidityReport:
    """Share of replies that pass :func:`check_json_reply`, with a Wilson interval and problem counts."""
    keys = tuple(required_keys)
    checks = [check_json_reply(r, required_keys=keys, allowed_values=allowed_values) for r in replies]
    if not checks:
        raise ConfigError("No replies to check.", fix="Pass at least one reply.")
    counts = Counter(c.problem for c in checks)
    interval = accuracy_interval(counts[VALID], len(checks), confidence=confidence)
    return ValidityReport(interval, dict(counts))


def _diagnose(text: str, exc: json.JSONDecodeError) -> FormatCheck:
    start, end = text.find("{"), text.rfind("}")
    if start > 0 or (start == 0 and 0 <= end < len(text) - 1):
        try:
            json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            pass
        else:
            return FormatCheck(False, "prose around the JSON", "a valid object sits inside other text")
    if start == -1:
        return FormatCheck(False, "no JSON at all", text[:40])
    if text.count("{") > text.count("}") or exc.msg.startswith("Unterminated") or exc.pos >= len(text):
        return FormatCheck(False, "cut off", "the object never closes (max_tokens too small?)")
    return FormatCheck(False, "syntax error", f"{exc.msg} at character {exc.pos}")
