"""Render a :class:`~course.memo.document.Memo` as Markdown (figures as PNG files beside it) or as one
self-contained HTML page (figures embedded as base64 PNG, styles inline, nothing fetched).

Every text passes through :func:`course.tables.usd_text` on the way out: no ``$`` reaches a page that
JupyterLab would typeset as maths.
"""

from __future__ import annotations

import base64
import html
import io
import re

from course.memo.document import Block, Bullets, FigureRef, Memo, Paragraph, Table
from course.tables import usd_text

FIGURE_DPI = 110
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def figure_file(name: str) -> str:
    return f"{name}.png"


def png_bytes(memo: Memo, name: str) -> bytes:
    """Figure ``name`` of ``memo`` as PNG (rendered once, then reused by every output)."""
    if name not in memo.png_cache:
        buffer = io.BytesIO()
        memo.figures[name].savefig(buffer, format="png", dpi=FIGURE_DPI)
        memo.png_cache[name] = buffer.getvalue()
    return memo.png_cache[name]


# --- Markdown -------------------------------------------------------------------------------------


def to_markdown(memo: Memo) -> str:
    """The memo as Markdown; figures are linked as ``NAME.png`` files in the same folder."""
    lines = [f"# {_md(memo.title)}", "", _md(memo.byline), ""]
    for section in memo.sections:
        lines += [f"## {_md(section.title)}", ""]
        for block in section.blocks:
            lines += [*_md_block(block, memo), ""]
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return usd_text(text)


def _md_block(block: Block, memo: Memo) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md(block.text)]
    if isinstance(block, Bullets):
        return [f"- {_md(item)}" for item in block.items]
    if isinstance(block, Table):
        cell = lambda text: _md(text).replace("|", "\\|")  # noqa: E731
        head = "| " + " | ".join(cell(h) for h in block.header) + " |"
        rule = "|" + "|".join("---" for _ in block.header) + "|"
        return [head, rule] + ["| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows]
    if isinstance(block, FigureRef):
        if block.name not in memo.figures:
            return []
        return [f"![{_md(block.caption)}]({figure_file(block.name)})", "", f"*{_md(block.caption)}*"]
    raise TypeError(f"not a memo block: {block!r}")


# --- HTML -----------------------------------------------------------------------------------------

STYLE = """
.course-memo { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px;
  line-height: 1.45; color: #1a1a1a; max-width: 60em; margin: 0 auto; }
.course-memo h1 { font-size: 1.5em; margin: 0.2em 0; }
.course-memo h2 { font-size: 1.1em; margin: 1em 0 0.3em; border-bottom: 1px solid #ccc; }
.course-memo p, .course-memo ul { margin: 0.3em 0; }
.course-memo .byline { color: #555; }
.course-memo table { border-collapse: collapse; margin: 0.4em 0; font-size: 0.95em; }
.course-memo th, .course-memo td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.course-memo th { background: #f2f2f2; }
.course-memo figure { margin: 0.5em 0; }
.course-memo figure img { max-width: 100%; }
.course-memo figcaption { color: #555; font-size: 0.9em; }
.course-memo code { background: #f2f2f2; padding: 0 3px; }
"""


def to_html(memo: Memo, *, standalone: bool = True) -> str:
    """The memo as HTML with every figure embedded; ``standalone=False`` gives a fragment for a notebook."""
    parts = [f"<h1>{_inline(memo.title)}</h1>", f'<p class="byline">{_inline(memo.byline)}</p>']
    for section in memo.sections:
        parts.append(f"<h2>{_inline(section.title)}</h2>")
        parts += [_html_block(block, memo) for block in section.blocks]
    body = f'<div class="course-memo">\n<style>{STYLE}</style>\n' + "\n".join(parts) + "\n</div>"
    if not standalone:
        return body
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_inline(memo.title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _inline(text: str) -> str:
    escaped = html.escape(usd_text(text), quote=False)
    return _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", escaped))


def _html_block(block: Block, memo: Memo) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inline(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{_inline(h)}</th>" for h in block.header)
        cells = ("".join(f"<td>{_inline(c)}</td>" for c in row) for row in block.rows)
        rows = "".join(f"<tr>{row}</tr>" for row in cells)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, FigureRef):
        if block.name not in memo.figures:
            return ""
        data = base64.b64encode(png_bytes(memo, block.name)).decode("ascii")
        alt = html.escape(usd_text(block.caption))
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
            f"<figcaption>{_inline(block.caption)}</figcaption></figure>"
        )
    raise TypeError(f"not a memo block: {block!r}")
