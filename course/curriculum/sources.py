"""The five seed articles the course is built from: number, title and date, for citations and coverage."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from course.data import DATA_DIR
from course.errors import DataError

SOURCES_PATH = DATA_DIR / "sources.json"


@dataclass(frozen=True)
class Seed:
    number: str  # "000" to "004"
    file: str
    title: str
    date: str  # ISO date, or the year when the article gives no day
    date_note: str
    kind: str

    def citation(self) -> str:
        """'Title' (date), seed NNN: how a lesson cites it."""
        return f"“{self.title}” ({self.date}), seed {self.number}"


@functools.cache
def load_sources(path: Path = SOURCES_PATH) -> dict[str, Seed]:
    """Seeds by number; a missing field raises :class:`DataError` naming the row."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["seeds"]
    except (OSError, KeyError, json.JSONDecodeError) as exc:
        raise DataError(
            f"Cannot read the seed list {path}: {exc}.", fix="Restore course/data/sources.json."
        ) from None
    seeds: dict[str, Seed] = {}
    for i, row in enumerate(rows):
        try:
            seed = Seed(**row)
        except TypeError as exc:
            raise DataError(
                f"{path.name}: seeds[{i}] {exc}.", fix="Give every field of Seed, no others."
            ) from None
        seeds[seed.number] = seed
    return seeds


def seed(number: str | int) -> Seed:
    """One seed by number ("003" or 3)."""
    key = f"{int(number):03d}" if str(number).isdigit() else str(number)
    seeds = load_sources()
    if key not in seeds:
        raise DataError(f"No seed numbered {number!r}.", fix=f"Use one of {', '.join(seeds)}.")
    return seeds[key]
