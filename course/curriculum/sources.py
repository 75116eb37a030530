"""The five source articles the course is built from: number, title and date, for citations and coverage."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, Text, data_row, load_data
from course.errors import DataError

SOURCES_PATH = DATA_DIR / "sources.json"


@data_row
class Article:
    """One source article (a row of ``course/data/sources.json``)."""

    number: Annotated[str, StringConstraints(pattern=r"^\d{3}$")]  # "000" to "004"
    file: Text
    title: Text
    date: Text  # ISO date, or the year when the article gives no day
    date_note: str
    kind: Text

    def citation(self) -> str:
        """'Title' (date), seed NNN: how a lesson cites it."""
        return f"“{self.title}” ({self.date}), seed {self.number}"


class SourcesFile(BaseModel):
    model_config = FILE_CONFIG

    about: str = ""
    articles: tuple[Article, ...] = Field(min_length=1)


@functools.cache
def load_sources(path: Path = SOURCES_PATH) -> dict[str, Article]:
    """The articles by number; a bad row raises :class:`DataError` naming the row and the field."""
    return {a.number: a for a in load_data(path.name, SourcesFile, data_dir=path.parent).articles}


def article(number: str | int) -> Article:
    """One article by number ("003" or 3)."""
    key = f"{int(number):03d}" if str(number).isdigit() else str(number)
    articles = load_sources()
    if key not in articles:
        raise DataError(f"No source article numbered {number!r}.", fix=f"Use one of {', '.join(articles)}.")
    return articles[key]
