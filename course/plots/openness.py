"""Figure for lesson 01: the openness spectrum, artefact by artefact, computed from the licence data."""

from __future__ import annotations

from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from course.plots.palette import BLUE, SKY_BLUE, VERMILION
from course.teaching.licences import OPENNESS_LABELS, OPENNESS_LEVELS, LicenceBook, load_licences

_COLUMNS = ("weights", "training\ncode", "training\ndata", "commercial\nuse")


def plot_openness_spectrum(book: LicenceBook | None = None) -> Figure:
    """A grid: one row per model (closed at the top, fully open at the bottom), one column per artefact.

    Each cell says "open", "closed" or "no" / "yes" / "licence" in words as well as colour.
    """
    book = book or load_licences()
    models = sorted(book.models, key=lambda m: OPENNESS_LEVELS.index(m.openness))
    licences = {lic.id: lic for lic in book.licences}
    values: list[list[int]] = []
    labels: list[list[str]] = []
    for m in models:
        lic = licences.get(m.licence or "")
        commercial = "API terms" if m.openness == "closed_api" else (lic.commercial_use if lic else "?")
        commercial_value = {"yes": 2, "no": 0}.get(commercial, 1)
        row = [2 if m.weights == "open" else 0, 2 if m.training_code == "open" else 0]
        row += [2 if m.training_data == "open" else 0, commercial_value]
        values.append(row)
        labels.append([m.weights, m.training_code, m.training_data, commercial])
    fig = Figure(figsize=(9, 0.42 * len(models) + 1.6), layout="constrained")
    ax = fig.subplots()
    ax.imshow(values, cmap=ListedColormap([VERMILION, SKY_BLUE, BLUE]), vmin=0, vmax=2, aspect="auto")
    for r, texts in enumerate(labels):
        for c, text in enumerate(texts):
            ax.text(c, r, text, ha="center", va="center", color="white" if values[r][c] != 1 else "black")
    ax.set_xticks(range(len(_COLUMNS)), _COLUMNS)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(models)), [f"{m.name}  ({OPENNESS_LABELS[m.openness]})" for m in models])
    ax.set_xticks([x + 0.5 for x in range(len(_COLUMNS) - 1)], minor=True)
    ax.set_yticks([y + 0.5 for y in range(len(models) - 1)], minor=True)
    ax.grid(which="minor", color="white", lw=2)
    fig.suptitle("The openness spectrum: what each model makes public")
    ax.tick_params(which="both", length=0)
    return fig
