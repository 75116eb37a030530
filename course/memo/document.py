"""The memo as data: sections of paragraphs, bullet lists, tables and figures, rendered by :mod:`.render`.

Text is plain, with two inline marks both renderers understand: ``**bold**`` and ```code```.
Figures are matplotlib :class:`~matplotlib.figure.Figure` objects, keyed by the file stem they are
saved under (``memo-speed`` → ``memo-speed.png``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from matplotlib.figure import Figure


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FigureRef:
    """A figure shown at this place: ``name`` is a key of :attr:`Memo.figures`."""

    name: str
    caption: str


Block = Paragraph | Bullets | Table | FigureRef


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass
class Memo:
    """A one-page decision memo: what it says, what it could not say (``missing``), and its figures."""

    title: str
    byline: str
    sections: list[Section]
    missing: list[str]
    figures: dict[str, Figure] = field(default_factory=dict)
    results_folder: Path | None = None
    written_at_utc: datetime | None = None
    png_cache: dict[str, bytes] = field(default_factory=dict, repr=False)  # each figure rendered once

    @property
    def complete(self) -> bool:
        """True when every lab's results and the framework answers were there."""
        return not self.missing
