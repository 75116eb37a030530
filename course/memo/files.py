"""Write a memo to a folder: ``decision-memo.md`` with its figures as PNG files beside it, and
``decision-memo.html``, one self-contained page (figures embedded) to send or print."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.errors import ConfigError
from course.io import make_folder
from course.memo.document import Memo
from course.memo.render import figure_file, png_bytes, to_html, to_markdown

MEMO_STEM = "decision-memo"
FIGURE_NAMES = ("memo-speed", "memo-cost")  # every figure a memo can have (stale ones are removed)


@dataclass(frozen=True)
class MemoFiles:
    markdown: Path
    html: Path
    figures: tuple[Path, ...]


def write_memo(memo: Memo, folder: str | Path) -> MemoFiles:
    """Write the memo's Markdown, HTML and PNG figures into ``folder`` (created if needed)."""
    folder = make_folder(folder, what="memo folder", error=ConfigError)
    figures = []
    for name in FIGURE_NAMES:
        path = folder / figure_file(name)
        if name in memo.figures:
            path.write_bytes(png_bytes(memo, name))
            figures.append(path)
        else:
            path.unlink(missing_ok=True)  # a figure from an earlier memo would no longer match the text
    markdown = folder / f"{MEMO_STEM}.md"
    markdown.write_text(to_markdown(memo), encoding="utf-8")
    html = folder / f"{MEMO_STEM}.html"
    html.write_text(to_html(memo), encoding="utf-8")
    return MemoFiles(markdown, html, tuple(figures))
