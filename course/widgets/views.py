"""The view framework the calculators share: a static view (table, notes, figure) and a live one.

A :class:`StaticView` is what a view function returns; Jupyter displays its title and notes as
Markdown, its table and its figure. A :class:`LiveView` is a set of ipywidgets controls whose values
feed a view function, redrawn when one changes. Every text shown as Markdown or HTML goes through
:func:`escape_currency`: JupyterLab typesets a pair of dollar signs in one paragraph, table cell or
HTML output as LaTeX, so "$3 ... $15" would turn into maths.

A live view is displayed as one output holding both renderings: the widget, for a front end with the widget
manager (JupyterLab), and its current :class:`StaticView` as HTML with a plain-text note, for every other
renderer (GitHub, VS Code without the widget manager, nbconvert to Markdown or PDF). A saved notebook then
shows the calculator's table and figure where it would otherwise show ``VBox(children=(...))``.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from course.errors import CourseError

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import Widget
    from matplotlib.figure import Figure


def escape_currency(text: str) -> str:
    r"""``text`` with every ``$`` escaped as ``\$``, so Markdown and HTML outputs show it as a dollar sign."""
    return text.replace("\\$", "$").replace("$", "\\$")


def table_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with currency escaped in its text cells and column names."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    shown = table.rename(columns=lambda c: escape_currency(c) if isinstance(c, str) else c)
    for column in shown.columns:
        if is_object_dtype(shown[column]) or is_string_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: escape_currency(v) if isinstance(v, str) else v)
    return shown


@dataclass(frozen=True)
class StaticView:
    """A table, a few lines of notes and an optional figure; Jupyter displays all three."""

    title: str
    table: pd.DataFrame
    notes: tuple[str, ...] = ()
    figure: Figure | None = None

    def markdown(self) -> tuple[str, str]:
        """The title and the notes as the Markdown that is displayed (currency escaped)."""
        notes = "\n".join(f"- {escape_currency(note)}" for note in self.notes)
        return f"**{escape_currency(self.title)}**", notes

    def html(self) -> str:
        """The whole view as one self-contained HTML fragment (the figure inlined as a PNG)."""
        import base64

        parts = [f"<p><b>{escape_currency(html.escape(self.title))}</b></p>"]
        parts.append(table_for_display(self.table).to_html(max_cols=None, max_rows=None))
        if self.notes:
            items = "".join(f"<li>{escape_currency(html.escape(n))}</li>" for n in self.notes)
            parts.append(f"<ul>{items}</ul>")
        if self.figure is not None:
            png = base64.b64encode(figure_png(self.figure)).decode("ascii")
            alt = escape_currency(html.escape(self.title))
            parts.append(f'<img alt="{alt}" src="data:image/png;base64,{png}"/>')
        return "\n".join(p for p in parts if p)

    def _ipython_display_(self) -> None:
        from IPython.display import Image, Markdown, display

        title, notes = self.markdown()
        display(Markdown(title))
        display(table_for_display(self.table))
        if notes:
            display(Markdown(notes))
        if self.figure is not None:
            display(Image(data=figure_png(self.figure)))


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes (works for figures made without pyplot, whatever the backend)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


class LiveView:
    """Controls whose values feed a view function; the view is redrawn when a value is set."""

    def __init__(self, title: str, controls: Mapping[str, Widget], render: Callable[..., StaticView]) -> None:
        import ipywidgets as w

        self.controls = dict(controls)
        self.output = w.Output()
        self._render = render
        self.view: StaticView | None = None
        self.error: CourseError | None = None
        for control in self.controls.values():
            if hasattr(control, "continuous_update"):
                control.continuous_update = False  # redraw (about 0.3 s) when a slider is released
            control.observe(self.refresh, names="value")
        grid = w.GridBox(
            list(self.controls.values()), layout=w.Layout(grid_template_columns="repeat(2, 50%)")
        )
        self.title_html = f"<b>{escape_currency(html.escape(title))}</b>"
        self.widget = w.VBox([w.HTML(self.title_html), grid, self.output])
        self.refresh()

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, _change: object = None) -> None:
        from IPython.display import Markdown, clear_output, display

        try:
            self.view, self.error = self._render(**self.values()), None
        except CourseError as exc:  # a bad combination (e.g. spot where none is sold): say so, keep going
            self.view, self.error = None, exc
        with self.output:
            clear_output(wait=True)
            display(self.view if self.error is None else Markdown(f"**{escape_currency(str(self.error))}**"))

    def mimebundle(self) -> dict[str, Any]:
        """The widget's own output, plus the current view as HTML and a text note for static renderings."""
        bundle = dict(self.widget._repr_mimebundle_() or {})
        if self.view is not None:
            bundle["text/html"] = self.view.html()
            shown = "the table and figure of its current settings"
        else:
            bundle["text/html"] = (
                f"<p>{self.title_html}</p><p>{escape_currency(html.escape(str(self.error)))}</p>"
            )
            shown = "its message"
        bundle["text/plain"] = (
            f"{html.unescape(self.title_html.replace('<b>', '').replace('</b>', ''))}: an interactive view "
            f"(live in JupyterLab); this rendering shows {shown}."
        )
        return bundle

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.mimebundle(), raw=True)
