"""Figure for lesson 04: each scenario against the five deployments (chosen, also possible, ruled out)."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from course.plots.palette import BLUE, SKY_BLUE, VERMILION
from course.teaching.privacy import Classification, Deployment

_OPTIONS = tuple(Deployment)  # least to most control


def plot_scenario_matrix(results: Sequence[Classification]) -> Figure:
    """Rows: scenarios; columns: the deployments; each cell says chosen / possible / ruled out."""
    if not results:
        raise ValueError(
            "No classified scenarios to draw: pass classify_all() or a list of classify() results."
        )
    values, words = [], []
    for r in results:
        row, text = [], []
        for option in _OPTIONS:
            if option is r.choice:
                row.append(2)
                text.append("chosen")
            elif option in r.also_possible:
                row.append(1)
                text.append("possible")
            else:
                row.append(0)
                text.append("ruled out")
        values.append(row)
        words.append(text)
    fig = Figure(figsize=(12, 0.45 * len(results) + 1.8), layout="constrained")
    ax = fig.subplots()
    ax.imshow(values, cmap=ListedColormap([VERMILION, SKY_BLUE, BLUE]), vmin=0, vmax=2, aspect="auto")
    for i, text in enumerate(words):
        for j, word in enumerate(text):
            ax.text(j, i, word, ha="center", va="center", color="black" if values[i][j] == 1 else "white")
    ax.set_xticks(range(len(_OPTIONS)), [_wrap(str(o)) for o in _OPTIONS])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(results)), [r.scenario.name for r in results])
    ax.set_xticks([x + 0.5 for x in range(len(_OPTIONS) - 1)], minor=True)
    ax.set_yticks([y + 0.5 for y in range(len(results) - 1)], minor=True)
    ax.grid(which="minor", color="white", lw=2)
    ax.tick_params(which="both", length=0)
    fig.suptitle("Which deployments each scenario allows (computed by course.teaching.privacy.classify)")
    return fig


def _wrap(label: str, width: int = 18) -> str:
    """Break a column label into lines of about ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
