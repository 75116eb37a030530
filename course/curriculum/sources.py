"""The five source articles the course builds on: number, title, byline, date, and how lessons cite them.

Lessons call them *source articles* (defined once, in lesson 00) and cite one as ``article 003 ("How to
Decide", 2026-06-24)`` on first mention, then ``article 003``; ``docs/sources.md`` lists all five with what
the course takes from each. The articles themselves are not part of the course, so no lesson points at a
file: the ``file`` field only lets a maintainer who holds them check titles and dates
(``tests/test_course_map.py``, ``COURSE_SOURCES_DIR``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field, StringConstraints

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, Text, data_row, load_data
from course.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

SOURCES_PATH = DATA_DIR / "sources.json"


@data_row
class Article:
    """One source article (a row of ``course/data/sources.json``)."""

    number: Annotated[str, StringConstraints(pattern=r"^\d{3}$")]  # "000" to "004"
    file: Text
    title: Text
    short_title: Text  # what a lesson cites, e.g. "How to Decide"
    byline: Text  # author and/or site where the text names them, else says that it names none
    date: Text  # ISO date, or the year when the article gives no day
    date_note: str
    kind: Text
    course_uses: Text  # what the course takes from it, in a phrase

    def citation(self) -> str:
        """How a lesson cites it on first mention: article 003 (“How to Decide”, 2026-06-24)."""
        return f"article {self.number} (“{self.short_title}”, {self.date})"

    def reference(self) -> str:
        """The full entry of a references list: “Title”, byline, date (article 003)."""
        return f"“{self.title}”, {self.byline}, {self.date} (article {self.number})"


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


def sources_frame() -> pd.DataFrame:
    """The five articles as lesson 00 shows them: short title, title, byline, date, what the course uses."""
    import pandas as pd

    rows = [
        {
            "article": a.number,
            "cited as": a.short_title,
            "title": a.title,
            "by": a.byline,
            "date": a.date,
            "what the course takes from it": a.course_uses,
        }
        for a in load_sources().values()
    ]
    return pd.DataFrame(rows).set_index("article")
