"""The grader's HTML pages (feedback, item analysis, the workshop's pool), from jinja2 templates.

Every value a template shows is escaped by jinja2's autoescape: learners write the answers a feedback page
quotes, participants name the machines and files the pool page lists, and no page assembles HTML by hand
around such text. The templates are in ``grader/templates/``; every page renders offline (no script, no
external resource).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2

from course.tables import usd_text


def plain(value: object) -> str:
    """Text as a page shows it: money as USD (no ``$`` a notebook would typeset as maths), no Markdown
    emphasis or code marks."""
    text = str(value).replace("\\$", "$").replace("**", "").replace("`", "")
    return usd_text(text)


def number(value: float | None, digits: int = 2) -> str:
    """A share or correlation with ``digits`` decimals; "n/a" for none."""
    return "n/a" if value is None or value != value else f"{value:.{digits}f}"  # NaN != NaN


@cache
def environment() -> jinja2.Environment:
    """The templates' environment: autoescaped, strict about undefined names, with the filters pages use."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("grader", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(plain=plain, usd=lambda value: usd_text(str(value)), g=lambda x: f"{x:g}", num=number)
    return env


def render(template: str, **context: Any) -> str:
    """``grader/templates/<template>`` rendered with ``context`` (every value escaped)."""
    return environment().get_template(template).render(**context)


def embedded_figures(captions: Mapping[str, str], pngs: Mapping[str, bytes]) -> list[dict[str, str]]:
    """The figures a page shows, in ``captions``' order: name, caption and the PNG as base64 (the pages are
    self-contained); a caption whose PNG was not drawn is left out."""
    return [
        {"name": name, "caption": caption, "data": base64.b64encode(pngs[name]).decode("ascii")}
        for name, caption in captions.items()
        if name in pngs
    ]
