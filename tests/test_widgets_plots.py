"""Cost figures and the notebook calculators: static output when headless, live controls otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from course import widgets
from course.economics import costs
from course.economics.costs import ApiPlan, SelfHostSetup
from course.errors import ConfigError
from course.plots import costs as cost_plots
from course.teaching.decision import MatrixScores

PLAN = ApiPlan(usd_per_mtok_input=3, usd_per_mtok_output=15, input_share=0.75, label="Frontier")
SETUP = SelfHostSetup(
    usd_per_gpu_hour=1.79,
    gpus_per_replica=2,
    throughput_tokens_per_s=500,
    utilisation=0.6,
    engineering_hours_per_month=10,
    staff_usd_per_hour=100,
    label="70B on 2 GPUs",
)


@pytest.fixture(autouse=True)
def no_pyplot_figures() -> Iterator[None]:
    """Every figure here is built without pyplot: none may be left open in its global state."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before
    plt.close("all")


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_HEADLESS", "1")


@pytest.fixture
def interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)


def test_cost_vs_volume_marks_the_break_even() -> None:
    fig = cost_plots.plot_cost_vs_volume(PLAN, SETUP)
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and ax.get_xscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert "Frontier (API)" in labels and "70B on 2 GPUs (self-hosted)" in labels
    found = costs.break_even(PLAN, SETUP)
    vertical = [line for line in ax.get_lines() if list(line.get_xdata()) == [found.tokens_per_day] * 2]
    assert vertical, "no vertical line at the break-even volume"
    assert any("break-even" in text.get_text() for text in ax.texts)
    assert len(ax.patches) == len(found.windows)  # shaded spans where self-hosting is no dearer


def test_cost_vs_volume_says_when_there_is_no_break_even() -> None:
    cheap = ApiPlan(usd_per_mtok_input=0.05, usd_per_mtok_output=0.4, input_share=0.75)
    fig = cost_plots.plot_cost_vs_volume(cheap, SETUP, log_y=False)
    assert any("API stays cheaper" in text.get_text() for text in fig.axes[0].texts)
    with pytest.raises(ValueError, match="0 < low < high"):
        cost_plots.plot_cost_vs_volume(PLAN, SETUP, tokens_per_day_range=(1e6, 1e3))


def test_tornado_has_a_bar_pair_per_assumption() -> None:
    report = costs.break_even_sensitivity(PLAN, SETUP)
    fig = cost_plots.plot_tornado(report)
    ax = fig.axes[0]
    assert len(ax.get_yticks()) == len(report.rows)
    assert len(ax.patches) == 2 * len(report.rows)
    assert report.rows[0].label in ax.get_yticklabels()[-1].get_text()  # widest bar on top


def test_tornado_without_a_break_even_says_so() -> None:
    cheap = ApiPlan(usd_per_mtok_input=0.05, usd_per_mtok_output=0.4, input_share=0.75)
    fig = cost_plots.plot_tornado(costs.break_even_sensitivity(cheap, SETUP))
    assert "No break-even" in fig.axes[0].texts[0].get_text()


def test_hybrid_figure_marks_the_cheapest_share() -> None:
    fig = cost_plots.plot_hybrid(PLAN, SETUP, 60e6)
    assert any(text.get_text().startswith("cheapest") for text in fig.axes[0].texts)


def test_figure_png_renders_an_object_api_figure() -> None:
    png = widgets.figure_png(cost_plots.plot_hybrid(PLAN, SETUP, 1e7))
    assert png.startswith(b"\x89PNG")


def test_headless_calculator_is_a_static_table_and_figure(headless: None) -> None:
    view = widgets.break_even_calculator(tokens_per_day=3e7)
    assert isinstance(view, widgets.StaticView) and isinstance(view.figure, Figure)
    table = view.table
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == [
        "tokens/day",
        "API USD/month",
        "self-host USD/month",
        "self-host GPUs",
        "cheaper",
        "managed host USD/month",  # the same open weights from the cheapest managed host: the third option
    ]
    assert 30_000_000 in table["tokens/day"].tolist()
    assert round(view.result.tokens_per_day) in table["tokens/day"].tolist()
    assert any("snapshot" in note for note in view.notes)
    view._ipython_display_()  # outside a kernel IPython prints the reprs; it must not raise


def test_calculator_table_agrees_with_the_cost_model(headless: None) -> None:
    view = widgets.break_even_calculator()
    row = view.table.set_index("tokens/day").loc[10_000_000]
    both = costs.compare_costs(view.plan, view.setup, 10e6)
    assert row["API USD/month"] == pytest.approx(both.api.usd_per_month, abs=0.01)
    assert row["self-host GPUs"] == both.self_host.gpus
    # and by hand: 10 M tokens/day × 30.4 days at the plan's blended price per 1 M tokens
    assert row["API USD/month"] == pytest.approx(10 * 30.4 * view.plan.blended_usd_per_mtok, rel=1e-3)


def test_live_calculator_redraws_on_change_and_reports_bad_combinations(interactive: None) -> None:
    live = widgets.break_even_calculator()
    assert isinstance(live, widgets.LiveView) and live.view is not None
    first = live.view.notes[0]
    live.controls["tokens_per_day"].value = 1e8
    assert live.view.notes[0] != first and "100,000,000 tokens/day" in live.view.notes[0]
    live.controls["spot"].value = True  # lambda sells no spot A100s
    assert live.view is None and "no spot price" in str(live.error)
    live.controls["gpu_row"].value = ("datacrunch", "A100 80GB")
    assert live.error is None and "spot" in live.view.notes[-1]


def test_own_throughput_prices_a_gpu_with_no_published_rows(headless: None) -> None:
    """An RTX 4090 is priced in the snapshot but no engine published its throughput: the learner's own figure
    prices it, and the check against the managed hosts reads that figure (it used to raise)."""
    mine = {"model": "llama-3.1-8b", "gpu": "RTX 4090 24GB", "gpu_provider": "runpod"}
    with pytest.raises(ConfigError, match="No published") as info:
        widgets.break_even_calculator(**mine)
    assert "Untick 'published throughput'" in info.value.fix
    view = widgets.break_even_calculator(
        **mine, throughput_tokens_per_s=2500, gpus_per_replica=1, utilisation=1.0
    )
    assert view.setup.throughput_tokens_per_s == 2500 and view.setup.gpus_per_replica == 1
    assert any(n.startswith("Throughput: yours, 2,500 tokens/s") for n in view.notes)
    assert any(n.startswith(("Within 3×", "CHECK:")) for n in view.notes), "the check of these figures"
    one_stream = widgets.break_even_calculator(**mine, throughput_tokens_per_s=25, gpus_per_replica=1)
    check = next(n for n in one_stream.notes if n.startswith("CHECK:"))
    assert "the dearest managed host" in check and "batching" in check  # one stream's rate, named the cause


def test_live_calculator_takes_own_figures_for_a_gpu_with_no_published_rows(interactive: None) -> None:
    live = widgets.break_even_calculator(model="llama-3.1-8b")
    live.controls["gpu_row"].value = ("runpod", "RTX 4090 24GB")
    assert live.view is None and "Untick 'published throughput'" in str(live.error)
    live.controls["throughput_tokens_per_s"].value = 2000
    live.controls["gpus_per_replica"].value = 1
    live.controls["published"].value = False
    assert live.error is None and live.view is not None
    assert "RTX 4090" in live.view.title and live.view.setup.throughput_tokens_per_s == pytest.approx(2000)


def test_matrix_form_headless_and_live(headless: None, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = MatrixScores(capability=2, privacy=2, cost_volume=2, ops_tolerance=2, fine_tuning=2, latency=2)
    view = widgets.scoring_matrix_form(scores)
    assert isinstance(view, widgets.StaticView)
    assert view.table["score"].tolist() == [2] * 6
    assert "12/30" in view.title and any("contradicts itself" in n for n in view.notes)
    monkeypatch.delenv("COURSE_HEADLESS")
    live = widgets.scoring_matrix_form(scores)
    live.controls["privacy"].value = 5
    assert "Open models only" in live.view.title and any(n.startswith("Override") for n in live.view.notes)


def test_flow_form_headless_and_live(headless: None, monkeypatch: pytest.MonkeyPatch) -> None:
    view = widgets.question_flow_form()
    assert len(view.table) == 6 and "Closed API" in view.title
    monkeypatch.delenv("COURSE_HEADLESS")
    live = widgets.question_flow_form()
    live.controls["tokens_per_day"].value = 2e7
    assert "Evaluate open" in live.view.title and len(live.view.table) == 4


# --- currency: JupyterLab typesets a pair of dollar signs as maths -----------------------------------


def test_escape_currency_escapes_each_dollar_once() -> None:
    assert widgets.escape_currency("from $3 to $15") == r"from \$3 to \$15"
    assert widgets.escape_currency(r"already \$3") == r"already \$3"
    table = pd.DataFrame({"cost $": ["$3 or $4", "USD 5"], "n": [1, 2]})
    shown = widgets.table_for_display(table)
    assert list(shown.columns) == [r"cost \$", "n"]
    assert shown.iloc[0, 0] == r"\$3 or \$4" and shown.iloc[1, 0] == "USD 5"
    assert table["cost $"][0] == "$3 or $4"  # the view's own table is left as it was


def test_calculator_output_shows_money_without_bare_dollar_signs(headless: None) -> None:
    view = widgets.break_even_calculator(reasoning_tokens_per_output_token=2.0, api_model="gpt-5")
    title, notes = widgets.StaticView(
        "From $3 to $15", view.table, ("$1 and $2",), None
    ).markdown()  # text from elsewhere is escaped when shown
    assert title == r"**From \$3 to \$15**" and notes == r"- \$1 and \$2"
    for text in (view.title, *view.notes, *map(str, view.table.columns)):
        assert "$" not in text, text  # the calculator itself writes USD
    assert "USD" in view.notes[0] and "reasoning tokens USD" in view.notes[0]
    for view in (widgets.scoring_matrix_form(), widgets.question_flow_form()):
        shown = widgets.table_for_display(view.table).to_html() + "".join(view.markdown())
        assert "$" not in shown.replace(r"\$", "")


def test_live_calculator_labels_and_title_have_no_bare_dollar_signs(interactive: None) -> None:
    live = widgets.break_even_calculator()
    labels = [label for name in ("api", "gpu_row") for label, _value in live.controls[name].options]
    assert labels and all("$" not in label and "USD" in label for label in labels)
    assert "$" not in live.title_html
    live.controls["reasoning_tokens_per_output_token"].value = 3.0
    assert live.view.plan.reasoning_tokens_per_output_token == 3.0
