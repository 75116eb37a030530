"""Calculators for the notebooks: break-even, the scoring matrix (article 004) and the question flow
(article 003).

Each ``*_view`` function is pure: settings in, a :class:`~course.widgets.views.StaticView` (table,
notes, figure) out. Each form or calculator returns a :class:`~course.widgets.views.LiveView` (controls
that redraw the view) in Jupyter, or, when :func:`course.config.is_headless` is true (tests, CI), the
static view of its starting values, so a headless run still shows real output. End a cell with the
call to display either. Money in tables, notes and labels is written "USD 3", never with a dollar sign.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from course.config import is_headless
from course.economics.capacity import ServingCapacity, assumed_capacity
from course.economics.costs import (
    ApiPlan,
    BreakEven,
    SelfHostSetup,
    api_monthly_cost,
    break_even,
    compare_costs,
)
from course.economics.prices import ApiPrice, GpuRate, PriceSnapshot, load_prices, reference_model
from course.economics.selfhost import SelfHostQuote, pick_gpu_rate, quote_self_host
from course.economics.throughput import served_models
from course.errors import ConfigError, NoPublishedThroughputError
from course.teaching.decision import FlowAnswers, MatrixScores, score_matrix, six_question_flow
from course.widgets.views import LiveView, StaticView

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import Widget

TABLE_VOLUMES_TOKENS_PER_DAY = (1e5, 1e6, 1e7, 5e7, 1e8)  # article 004's cost table rows


# --- break-even calculator ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CalculatorSettings:
    """The calculator's inputs (defaults: the frontier reference model vs Llama 3.3 70B on H100s at Lambda).

    ``api_model`` None: the snapshot's frontier reference (:func:`course.economics.prices.reference_model`).
    ``throughput_tokens_per_s`` and ``gpus_per_replica`` None: the published capacity of ``model`` on ``gpu``
    (:func:`course.economics.selfhost.quote_self_host`); set them to use your own figures instead.
    """

    tokens_per_day: float = 10e6
    input_share: float = 0.75
    cached_input_share: float = 0.0
    reasoning_tokens_per_output_token: float = 0.0  # hidden "thinking" tokens, billed as output
    api_model: str | None = None
    api_provider: str | None = None
    model: str = "llama-3.3-70b"  # the open model self-hosted (course/data/throughput.json)
    gpu: str = "H100 80GB"
    gpu_provider: str | None = "lambda"
    spot: bool = False
    gpus_per_replica: int | None = None
    utilisation: float = 0.6
    throughput_tokens_per_s: float | None = None  # None: published; a number: yours
    engineering_hours_per_month: float = 10.0
    staff_usd_per_hour: float = 100.0
    fixed_usd_per_month: float = 0.0


@dataclass(frozen=True)
class BreakEvenView(StaticView):
    """The calculator's view, with the plan, setup and break-even it was drawn from."""

    plan: ApiPlan | None = None
    setup: SelfHostSetup | None = None
    result: BreakEven | None = None


def _lookup(settings: CalculatorSettings, snap: PriceSnapshot) -> tuple[ApiPrice, GpuRate]:
    price = (
        reference_model("frontier", snapshot=snap)
        if settings.api_model is None
        else snap.api(settings.api_model, provider=settings.api_provider)
    )
    # the same rate the quote uses: the named provider's, else the cheapest on-demand one
    return price, pick_gpu_rate(settings.gpu, provider=settings.gpu_provider, snapshot=snap)


def _own_capacity(settings: CalculatorSettings) -> ServingCapacity | None:
    """The learner's own throughput as a replica (one blended rate for prompt and output tokens), or None
    when the settings leave the throughput or the GPUs per replica to the published figures."""
    tokens_per_s, gpus = settings.throughput_tokens_per_s, settings.gpus_per_replica
    if tokens_per_s is None or gpus is None:
        return None
    return assumed_capacity(
        label=f"your figure: {tokens_per_s:,.0f} tokens/s on {gpus}× {settings.gpu}",
        gpu=settings.gpu,
        prefill_tokens_per_s=tokens_per_s,
        decode_tokens_per_s=tokens_per_s,
        gpus_per_replica=gpus,
        note="one blended rate for prompt and output tokens, set in the calculator",
    )


def _quote(settings: CalculatorSettings, snap: PriceSnapshot) -> SelfHostQuote:
    """The quote for the settings: published capacity, or the learner's own figures when both are set (any
    priced GPU then works, published rows or not)."""
    try:
        return quote_self_host(
            settings.model,
            settings.gpu,
            utilisation=settings.utilisation,
            input_share=settings.input_share,
            gpu_provider=settings.gpu_provider,
            capacity=_own_capacity(settings),
            snapshot=snap,
        )
    except NoPublishedThroughputError as exc:  # only when no own capacity was given
        raise ConfigError(
            exc.message,
            fix="Untick 'published throughput' and set your own tokens/s per replica and GPUs per replica "
            "(throughput_tokens_per_s and gpus_per_replica), or pick a GPU with published rows. " + exc.fix,
        ) from exc


def _build(
    settings: CalculatorSettings, price: ApiPrice, rate: GpuRate, quote: SelfHostQuote | None = None
) -> tuple[ApiPlan, SelfHostSetup]:
    """The API plan and the self-hosted setup: throughput and GPUs per replica from ``quote`` (published)
    unless the settings give their own."""
    plan = ApiPlan.from_price(
        price,
        input_share=settings.input_share,
        cached_input_share=settings.cached_input_share,
        reasoning_tokens_per_output_token=settings.reasoning_tokens_per_output_token,
    )
    if quote is None and (settings.throughput_tokens_per_s is None or settings.gpus_per_replica is None):
        raise ConfigError(
            "No throughput: the settings give none and no published quote was passed.",
            fix="Set throughput_tokens_per_s and gpus_per_replica, or pass the quote (break_even_view does).",
        )
    throughput = settings.throughput_tokens_per_s or (quote.tokens_per_s if quote else 0.0)
    gpus = settings.gpus_per_replica or (quote.capacity.gpus_per_replica if quote else 1)
    setup = SelfHostSetup.from_gpu(
        rate,
        spot=settings.spot,
        gpus_per_replica=gpus,
        throughput_tokens_per_s=throughput,
        utilisation=settings.utilisation,
        engineering_hours_per_month=settings.engineering_hours_per_month,
        staff_usd_per_hour=settings.staff_usd_per_hour,
        fixed_usd_per_month=settings.fixed_usd_per_month,
        label=f"{quote.model.name if quote else settings.model} on {gpus}× {rate.gpu}",
    )
    return plan, setup


def cost_table(
    plan: ApiPlan,
    setup: SelfHostSetup,
    volumes_tokens_per_day: tuple[float, ...],
    *,
    managed: ApiPlan | None = None,
) -> pd.DataFrame:
    """The options' monthly cost at each volume, like article 004's table (a managed host when given)."""
    import pandas as pd

    rows = []
    for volume in sorted(set(volumes_tokens_per_day)):
        both = compare_costs(plan, setup, volume)
        row: dict[str, object] = {
            "tokens/day": round(volume),
            "API USD/month": round(both.api.usd_per_month, 2),
            "self-host USD/month": round(both.self_host.usd_per_month, 2),
            "self-host GPUs": both.self_host.gpus,
            "cheaper": both.cheaper,
        }
        if managed is not None:
            hosted = api_monthly_cost(managed, volume).usd_per_month
            row["managed host USD/month"] = round(hosted, 2)
            if hosted < min(both.api.usd_per_month, both.self_host.usd_per_month):
                row["cheaper"] = "managed host"
        rows.append(row)
    return pd.DataFrame(rows)


def break_even_view(
    settings: CalculatorSettings | None = None, *, snapshot: PriceSnapshot | None = None
) -> BreakEvenView:
    """Cost table, break-even and cost-vs-volume figure for one set of calculator settings."""
    from course.plots.costs import plot_cost_vs_volume

    settings = settings or CalculatorSettings()
    snap = snapshot or load_prices()
    price, rate = _lookup(settings, snap)
    quote = _quote(settings, snap)
    plan, setup = _build(settings, price, rate, quote)
    host = min(quote.managed, key=lambda o: o.usd_per_mtok) if quote.managed else None
    managed = host.plan(input_share=settings.input_share) if host else None
    found = break_even(plan, setup)
    volumes: tuple[float, ...] = (*TABLE_VOLUMES_TOKENS_PER_DAY, settings.tokens_per_day)
    if found.tokens_per_day:
        volumes += (found.tokens_per_day,)
    at = compare_costs(plan, setup, settings.tokens_per_day)
    own = settings.throughput_tokens_per_s is not None
    per_replica = (
        f"{setup.throughput_tokens_per_s:,.0f} tokens/s per replica of {setup.gpus_per_replica} GPU(s)"
    )
    throughput_note = (
        f"Throughput: yours, {per_replica}."
        if own
        else f"Throughput: published, {quote.capacity.label}: {per_replica} at {settings.input_share:.0%} "
        f"input tokens (rows {', '.join(quote.capacity.sources)})."
    )
    hosted_usd = api_monthly_cost(managed, settings.tokens_per_day).usd_per_month if managed else 0.0
    hosted_note = (
        f"The same open weights from {host.label}: USD {host.usd_per_mtok:.3g} per 1M tokens for this mix "
        f"(USD {hosted_usd:,.0f}/month at this volume); "
        f"self-hosting against it: {break_even(managed, setup).reason}"
        if host and managed
        else "No managed host in the snapshot sells these weights."
    )
    notes = (
        f"At {settings.tokens_per_day:,.0f} tokens/day: API USD {at.api.usd_per_month:,.0f}/month "
        f"(USD {at.api.usd_per_mtok:.2f} per 1M tokens"
        + (
            f", of which reasoning tokens USD {at.api.reasoning_usd_per_month:,.0f}/month"
            if at.api.reasoning_usd_per_month
            else ""
        )
        + f"); self-hosted USD {at.self_host.usd_per_month:,.0f}/month on {at.self_host.gpus} GPU(s) "
        f"(USD {at.self_host.usd_per_mtok:.2f} per 1M tokens, {at.self_host.load_share:.0%} of capacity).",
        found.reason,
        hosted_note,
        throughput_note,
        quote.check.message if quote.capacity.basis != "published" or not own else "",  # of these figures
        f"Prices from a dated snapshot: {price.name} ({price.provider}, {price.as_of}); {rate.gpu} at "
        f"{rate.provider} ({rate.as_of}, {'spot' if settings.spot else 'on demand'}). "
        "Refresh before quoting.",
    )
    shown = tuple(n for n in notes if n)
    figure = plot_cost_vs_volume(plan, setup)
    title = f"{plan.label} vs {setup.label}: break-even"
    table = cost_table(plan, setup, volumes, managed=managed)
    return BreakEvenView(title, table, shown, figure, plan, setup, found)


def break_even_calculator(
    settings: CalculatorSettings | None = None, *, snapshot: PriceSnapshot | None = None, **changes: Any
) -> StaticView | LiveView:
    """The break-even calculator; ``changes`` override single settings (``tokens_per_day=3e6``)."""
    settings = dataclasses.replace(settings or CalculatorSettings(), **changes)
    if is_headless():
        return break_even_view(settings, snapshot=snapshot)
    return _calculator_live(settings, load_prices() if snapshot is None else snapshot)


def _calculator_live(settings: CalculatorSettings, snap: PriceSnapshot) -> LiveView:
    import ipywidgets as w

    price, rate = _lookup(settings, snap)
    quote = _quote(settings, snap)
    wide = {"style": {"description_width": "11em"}, "layout": w.Layout(width="95%")}
    controls = {
        "tokens_per_day": w.FloatLogSlider(
            value=settings.tokens_per_day,
            base=10,
            min=4,
            max=9,
            step=0.05,
            description="tokens/day",
            readout_format=".3s",
            **wide,
        ),
        "input_share": w.FloatSlider(
            value=settings.input_share, min=0, max=1, step=0.05, description="input share", **wide
        ),
        "cached_input_share": w.FloatSlider(
            value=settings.cached_input_share,
            min=0,
            max=1,
            step=0.05,
            description="cached share of input",
            **wide,
        ),
        "reasoning_tokens_per_output_token": w.FloatSlider(
            value=settings.reasoning_tokens_per_output_token,
            min=0,
            max=10,
            step=0.5,
            description="reasoning tokens per output token",
            **wide,
        ),
        "api": w.Dropdown(
            options=[
                (
                    f"{p.name} (USD {p.usd_per_mtok_input:g} / {p.usd_per_mtok_output:g})",
                    (p.provider, p.model),
                )
                for p in snap.api_prices
            ],
            value=(price.provider, price.model),
            description="API model",
            **wide,
        ),
        "model": w.Dropdown(
            options=[(m.name, m.key) for m in served_models()],
            value=quote.model.key,
            description="open model",
            **wide,
        ),
        "gpu_row": w.Dropdown(
            options=[
                (f"{g.gpu}, {g.provider} (USD {g.usd_per_hour_on_demand:g}/h)", (g.provider, g.gpu))
                for g in snap.gpu_rates
            ],
            value=(rate.provider, rate.gpu),
            description="GPU",
            **wide,
        ),
        "spot": w.Checkbox(value=settings.spot, description="spot price", **wide),
        "published": w.Checkbox(
            value=settings.throughput_tokens_per_s is None,
            description="published throughput and GPUs per replica (untick to set your own)",
            **wide,
        ),
        "gpus_per_replica": w.IntSlider(
            value=settings.gpus_per_replica or quote.capacity.gpus_per_replica,
            min=1,
            max=8,
            description="GPUs per replica",
            **wide,
        ),
        "utilisation": w.FloatSlider(
            value=settings.utilisation, min=0.05, max=1, step=0.05, description="utilisation", **wide
        ),
        "throughput_tokens_per_s": w.FloatLogSlider(
            value=settings.throughput_tokens_per_s or quote.tokens_per_s,
            base=10,
            min=1,
            max=5,
            step=0.05,
            description="tokens/s per replica",
            readout_format=".3s",
            **wide,
        ),
        "engineering_hours_per_month": w.FloatSlider(
            value=settings.engineering_hours_per_month,
            min=0,
            max=160,
            step=1,
            description="staff hours/month",
            **wide,
        ),
        "staff_usd_per_hour": w.FloatSlider(
            value=settings.staff_usd_per_hour, min=0, max=300, step=5, description="staff USD/hour", **wide
        ),
    }

    def render(
        *, api: tuple[str, str], gpu_row: tuple[str, str], published: bool, **values: Any
    ) -> StaticView:
        if published:
            values.update(throughput_tokens_per_s=None, gpus_per_replica=None)
        chosen = dataclasses.replace(
            settings, api_provider=api[0], api_model=api[1], gpu_provider=gpu_row[0], gpu=gpu_row[1], **values
        )
        return break_even_view(chosen, snapshot=snap)

    return LiveView("Break-even calculator", controls, render)


# --- the scoring matrix (article 004) -----------------------------------------------------------------

DEFAULT_SCORES = MatrixScores(
    capability=3, privacy=3, cost_volume=3, ops_tolerance=3, fine_tuning=3, latency=3
)


def scoring_matrix_view(
    scores: MatrixScores | None = None, *, data_cannot_leave_vpc: bool = False
) -> StaticView:
    """The six scores with what each means, the total, its band, and the reasons."""
    import pandas as pd

    decision = score_matrix(scores or DEFAULT_SCORES, data_cannot_leave_vpc=data_cannot_leave_vpc)
    table = pd.DataFrame(
        [
            {"dimension": r.title, "score": r.score, "what it means": r.meaning, "leans": r.leans}
            for r in decision.scores
        ]
    )
    notes = (f"Recommendation: {decision.recommendation}.", *decision.reasons[-1:], *decision.warnings)
    if decision.reasons[0].startswith("Override"):
        notes = (notes[0], decision.reasons[0], *notes[1:])
    return StaticView(f"Scoring matrix: {decision.total}/30, {decision.recommendation}", table, notes)


def scoring_matrix_form(
    scores: MatrixScores | None = None, *, data_cannot_leave_vpc: bool = False
) -> StaticView | LiveView:
    """Six 1-5 sliders and the VPC override, giving total, band, recommendation and reasons."""
    scores = scores or DEFAULT_SCORES
    if is_headless():
        return scoring_matrix_view(scores, data_cannot_leave_vpc=data_cannot_leave_vpc)
    import ipywidgets as w

    from course.teaching.decision import DIMENSIONS

    style = {"style": {"description_width": "10em"}, "layout": w.Layout(width="95%")}
    controls: dict[str, Widget] = {
        d.key: w.IntSlider(
            value=getattr(scores, d.key), min=1, max=5, description=d.title, tooltip=d.question, **style
        )
        for d in DIMENSIONS
    }
    controls["data_cannot_leave_vpc"] = w.Checkbox(
        value=data_cannot_leave_vpc, description="data cannot leave our VPC", **style
    )

    def render(*, data_cannot_leave_vpc: bool, **values: int) -> StaticView:
        return scoring_matrix_view(MatrixScores(**values), data_cannot_leave_vpc=data_cannot_leave_vpc)

    return LiveView("Scoring matrix (1 = favours closed, 5 = favours open)", controls, render)


# --- the six-question flow (article 003) -------------------------------------------------------------

DEFAULT_ANSWERS = FlowAnswers(
    privacy_constraint=False,
    frontier_reasoning=False,
    has_ml_team=True,
    tokens_per_day=1e6,
    narrow_task=False,
    needs_offline=False,
)


def question_flow_view(answers: FlowAnswers | None = None) -> StaticView:
    """The questions asked in order, where the flow stopped, and why."""
    import pandas as pd

    decision = six_question_flow(answers or DEFAULT_ANSWERS)
    table = pd.DataFrame(
        [
            {
                "Q": s.number,
                "question": s.question,
                "answer": s.answer,
                "decides": s.outcome.value if s.outcome else "",
            }
            for s in decision.path
        ]
    )
    notes = (f"Recommendation: {decision.recommendation}.", *decision.reasons, *decision.warnings)
    return StaticView(f"Six-question flow: {decision.recommendation}", table, notes)


def question_flow_form(answers: FlowAnswers | None = None) -> StaticView | LiveView:
    """Five yes/no boxes and a volume slider, giving the flow's path and answer."""
    answers = answers or DEFAULT_ANSWERS
    if is_headless():
        return question_flow_view(answers)
    import ipywidgets as w

    style = {"style": {"description_width": "initial"}, "layout": w.Layout(width="95%")}
    labels = {
        "privacy_constraint": "Q1 privacy/compliance constraints",
        "frontier_reasoning": "Q2 frontier reasoning or agentic task",
        "has_ml_team": "Q3 we have an ML/infra team",
        "narrow_task": "Q5 narrow, domain-specific task",
        "needs_offline": "Q6 on-device or offline",
    }
    controls: dict[str, Widget] = {
        name: w.Checkbox(value=getattr(answers, name), description=text, **style)
        for name, text in labels.items()
    }
    controls["tokens_per_day"] = w.FloatLogSlider(
        value=answers.tokens_per_day,
        base=10,
        min=3,
        max=10,
        step=0.1,
        description="Q4 tokens/day",
        readout_format=".3s",
        **style,
    )

    def render(**values: Any) -> StaticView:
        return question_flow_view(FlowAnswers(**values))

    return LiveView("Six-question flow (article 003)", controls, render)
