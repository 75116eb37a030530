"""Views that read in every rendering: a live widget carries its static table, tables are shown whole, and the
figures of repeated measurements draw their ranges."""

from __future__ import annotations

import dataclasses
import re

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure

from course.display import show_full
from course.evals.runner import ItemResult
from course.measure.repeats import spread
from course.measure.summary import LatencySummary
from course.measure.sweep import RepeatedSweep, RepeatedSweeps, SweepResult
from course.plots.latency import plot_concurrency_repeats
from course.plots.quality import accuracy_by_group_figure
from course.plots.quants import quant_tradeoff_figure
from course.widgets.views import LiveView, StaticView


def _view(value: int) -> StaticView:
    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([0, value])
    return StaticView(
        "Break-even at $3", pd.DataFrame({"USD": [value]}), notes=("costs $4 a day",), figure=figure
    )


def test_a_live_view_carries_its_static_view_for_renderers_without_widgets() -> None:
    live = LiveView("Calculator", {"value": w.IntSlider(value=3, min=0, max=9)}, _view)
    bundle = live.mimebundle()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # JupyterLab still gets the widget
    assert "VBox" not in bundle["text/plain"] and "live in JupyterLab" in bundle["text/plain"]
    html = bundle["text/html"]
    assert "<table" in html and "data:image/png;base64," in html and r"\$3" in html
    assert not re.search(r"(?<!\\)\$", html)  # every dollar escaped: JupyterLab would typeset a pair as maths
    live.controls["value"].value = 7  # the fallback follows the controls
    assert "<td>7</td>" in live.mimebundle()["text/html"]


def test_show_full_never_cuts_a_cell(capsys) -> None:
    answer = "a long answer " * 20
    show_full(pd.DataFrame({"answer": [answer]}))  # outside a kernel it prints
    assert answer.strip() in capsys.readouterr().out.replace("\n", " ").replace("  ", " ")


def _summary(concurrency: int, tok_s: float) -> LatencySummary:
    nan = float("nan")
    return LatencySummary(
        concurrency, 4, 4, 0, 1.0, 64, tok_s, 4.0, 0.1, 0.2, 0.2, 0.01, 0.02, 0.02, 0.01, 0.02, 0.02, 0.5,
        0.6, 0.6, None, None, nan,
    )  # fmt: skip


def test_figures_of_repeated_measurements_draw_their_ranges() -> None:
    runs = tuple(SweepResult((), (_summary(1, t), _summary(4, 2 * t))) for t in (90, 100, 120))
    sweeps = RepeatedSweeps({"serial": RepeatedSweep("serial", runs)}, None)
    assert isinstance(plot_concurrency_repeats(sweeps), Figure)
    assert sweeps["serial"].speedup(4).median == 2 and spread([1, 2]).n == 2
    table = pd.DataFrame(
        {"file MB": [270.6, 91.4], "decode tok/s (median)": [40.0, 95.0],
         "decode tok/s (min–max)": ["38–44", "90–99"], "speed the bytes predict (tok/s)": [40, 118]},
        index=["F16", "Q4_0"],
    )  # fmt: skip
    assert isinstance(quant_tradeoff_figure(table), Figure)
    rows = [
        ItemResult(f"i{n}", task, "easy", side, False, "{}", True, True, n % 2 == 0, 1, 1, 0.1, 0.05, 10, 5)
        for side in ("a", "b")
        for task in ("classify", "extract")
        for n in range(4)
    ]
    assert isinstance(accuracy_by_group_figure(rows), Figure)


def test_a_sweeps_sentences_follow_its_numbers() -> None:
    def level(concurrency: int, tok_s: float, ttft_s: float) -> LatencySummary:
        return dataclasses.replace(_summary(concurrency, tok_s), ttft_p50_s=ttft_s)

    # throughput fell clear of the noise, TTFT within it: no "first token later" reason may follow
    flat = RepeatedSweep(
        "serial",
        tuple(
            SweepResult((), (level(1, t, 0.20 + d), level(4, t / 2, 0.21 + d)))
            for t, d in ((100, 0.0), (110, 0.02), (120, 0.04))
        ),
    )
    throughput, ttft, gain = flat.sentences()
    assert throughput.startswith("serial: aggregate throughput from 1 to 4 in flight fell 50% (110 → 55")
    assert ttft.startswith("TTFT p50 showed no clear change") and "first token later" not in ttft
    assert gain == "Speed-up at 4 in flight, repeat by repeat: 0.50 × (range 0.50–0.50, 3 repeats)."
    # TTFT clearly rose: the reason is given
    runs = tuple(SweepResult((), (level(1, t, 0.2), level(4, t, 0.8 + t / 1000))) for t in (90, 100, 110))
    queued = RepeatedSweep("serial", runs)
    assert "rose 4.5×" in queued.sentences()[1] and queued.sentences()[1].endswith("first token later.")
