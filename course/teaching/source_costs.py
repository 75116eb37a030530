"""The source articles' cost figures, reproduced from explicit assumptions with :mod:`course.economics.costs`.

The source articles quote figures for the same 10M tokens/day that differ about 16x.
:data:`SOURCE_SCENARIOS` is a table: one row per figure an article states, with the assumptions that
reproduce it; a small evaluator
(:func:`source_reconciliation`) runs each row against a price snapshot, so a learner can see which
assumption moves which figure. Money in these texts is written "USD 450", never with a dollar sign:
JupyterLab would typeset two dollar signs in one table cell as maths.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from course.economics.costs import (
    SOURCE_DAYS_PER_MONTH,
    TOKENS_PER_MTOK,
    ApiPlan,
    BreakEven,
    SelfHostCost,
    SelfHostSetup,
    api_monthly_cost,
    break_even,
    effective_usd_per_mtok,
    hybrid_monthly_cost,
    input_share_for_price,
    self_host_monthly_cost,
)
from course.economics.prices import PriceSnapshot, load_prices


@dataclass(frozen=True)
class SourceFigure:
    """One figure a source article states, next to what the cost model gives from explicit assumptions."""

    article: str  # the source article, e.g. "003"
    claim: str
    unit: str
    source_low: float
    source_high: float  # equal to source_low for a point figure
    reproduced: float
    diff_pct: float  # from the nearest end of the article's range; 0 inside it
    matches: bool  # within 5%
    implied_usd_per_mtok: float | None  # what the article's own figure means per 1M tokens (API rows)
    assumptions: str
    why: str


SOURCE_TOLERANCE = 0.05
SOURCE_002_ENGINEERING_HOURS_PER_MONTH = 10.0  # article 002: 10 h/month of staff time
SOURCE_002_STAFF_USD_PER_HOUR = 100.0
TEN_M = 10e6  # tokens/day: the volume articles 003 and 004 both price


def with_source_002_staff(setup: SelfHostSetup) -> SelfHostSetup:
    """``setup`` with article 002's staff time (10 h/month at USD 100/h), which the others leave out."""
    return dataclasses.replace(
        setup,
        engineering_hours_per_month=SOURCE_002_ENGINEERING_HOURS_PER_MONTH,
        staff_usd_per_hour=SOURCE_002_STAFF_USD_PER_HOUR,
    )


# --- the source articles' self-hosted setups: their own assumptions, not snapshot prices -------------------

A100_SPOT = SelfHostSetup(
    usd_per_gpu_hour=1.20,
    throughput_tokens_per_s=600,
    utilisation=0.93,
    scale_to_zero=True,
    label="Llama 3 70B 4-bit on 1x A100 80GB spot",
)
A10G_SPOT = SelfHostSetup(
    usd_per_gpu_hour=0.45,
    throughput_tokens_per_s=300,
    utilisation=0.93,
    scale_to_zero=True,
    label="Llama 3 8B on 1x A10G spot",
)
A100_PAIR = SelfHostSetup(
    usd_per_gpu_hour=2.08,
    gpus_per_replica=2,
    throughput_tokens_per_s=500,
    utilisation=0.6,
    label="Llama 3.1 70B on 2x A100 80GB",
)
A10G = SelfHostSetup(
    usd_per_gpu_hour=0.555, throughput_tokens_per_s=500, utilisation=0.6, label="Llama 3.1 8B on 1x A10G"
)
H100_ONE = SelfHostSetup(
    usd_per_gpu_hour=2.50, throughput_tokens_per_s=400, utilisation=0.5, label="70B in 8-bit on 1x H100 80GB"
)


@dataclass(frozen=True)
class Book:
    """What every scenario computes with: a price snapshot and the source articles' 30-day month."""

    snap: PriceSnapshot
    days: float = SOURCE_DAYS_PER_MONTH

    def plan(self, model: str, input_share: float, cached_input_share: float = 0.0) -> ApiPlan:
        return ApiPlan.from_price(
            self.snap.api(model), input_share=input_share, cached_input_share=cached_input_share
        )

    def api(self, plan: ApiPlan, tokens_per_day: float) -> float:
        return api_monthly_cost(plan, tokens_per_day, days_per_month=self.days).usd_per_month

    def own(self, setup: SelfHostSetup, tokens_per_day: float) -> SelfHostCost:
        return self_host_monthly_cost(setup, tokens_per_day, days_per_month=self.days)

    def implied(self, usd_per_month: float, tokens_per_day: float) -> float:
        return effective_usd_per_mtok(usd_per_month, tokens_per_day, days_per_month=self.days)

    def break_even(self, plan: ApiPlan, setup: SelfHostSetup) -> BreakEven:
        return break_even(plan, setup, days_per_month=self.days)

    # the API lines the source articles price against
    @property
    def gpt4o_003(self) -> ApiPlan:
        """Article 003's GPT-4o line: 97% of tokens are input, all of it cached."""
        return self.plan("gpt-4o", 0.97, 1.0)

    @property
    def gpt4_turbo_004(self) -> ApiPlan:
        """Article 004's "GPT-4o" line: GPT-4 Turbo-era prices, 1 input : 3 output tokens."""
        return self.plan("gpt-4-turbo", 0.25)


@dataclass(frozen=True)
class SourceScenario:
    """One row of the table: a article's figure and the assumptions (functions of a :class:`Book`)."""

    article: str  # the source article, e.g. "003"
    claim: str
    unit: str
    low: float
    high: float
    reproduce: Callable[[Book], float]
    assumptions: Callable[[Book], str]
    why: Callable[[Book], str]
    implied: Callable[[Book], float] | None = None  # the article's own figure per 1M tokens


def source_reconciliation(snapshot: PriceSnapshot | None = None) -> tuple[SourceFigure, ...]:
    """Each cost figure of articles 002 (2026-04-29), 003 (2026-05) and 004 (2026) from explicit assumptions.

    The source articles disagree by ~16x for the same 10M tokens/day; the ``implied_usd_per_mtok`` and ``why``
    columns say which assumption does it (see also :func:`source_gap_factors`).
    """
    book = Book(snapshot or load_prices())
    return tuple(evaluate(scenario, book) for scenario in SOURCE_SCENARIOS)


def evaluate(scenario: SourceScenario, book: Book) -> SourceFigure:
    """Run one scenario: the reproduced figure, its distance from the article's, and the texts."""
    low, high = scenario.low, scenario.high
    got = scenario.reproduce(book)
    if got < low:
        diff = (got - low) / low * 100 if low else math.inf
    elif got > high:
        diff = (got - high) / high * 100 if high else math.inf
    else:
        diff = 0.0
    return SourceFigure(
        article=scenario.article,
        claim=scenario.claim,
        unit=scenario.unit,
        source_low=low,
        source_high=high,
        reproduced=got,
        diff_pct=diff,
        matches=abs(diff) <= SOURCE_TOLERANCE * 100,
        implied_usd_per_mtok=scenario.implied(book) if scenario.implied else None,
        assumptions=scenario.assumptions(book),
        why=scenario.why(book),
    )


# --- helpers for the texts -------------------------------------------------------------------------


def usd(value: float, *, digits: int = 0) -> str:
    """Money as the course writes it in tables: "USD 1,234" (no dollar sign)."""
    return f"USD {value:,.{digits}f}"


def _mix(plan: ApiPlan) -> str:
    cached = f", {plan.cached_input_share:.0%} of input cached" if plan.cached_input_share else ", no caching"
    return (
        f"{plan.label} at USD {plan.usd_per_mtok_input:g} / {plan.usd_per_mtok_output:g} per 1M in/out; "
        f"{plan.input_share:.0%} input{cached}"
    )


def _tokens(found: BreakEven) -> float:
    return math.inf if found.tokens_per_day is None else found.tokens_per_day


def _fmt(tokens: float | None) -> str:
    if tokens is None or math.isinf(tokens):
        return "no"
    return f"{tokens / 1e6:,.1f}M" if tokens >= 1e6 else f"{tokens / 1e3:,.0f}K"


def _text(text: str) -> Callable[[Book], str]:
    return lambda _book: text


# --- article 003: 10M tokens/day "of mixed input/output" (~300M tokens/month) -------------------------

# (name in the claim, snapshot model, input share, cached share of input, article's USD/month)
SOURCE_003_API_LINES = (
    ("GPT-4o", "gpt-4o", 0.97, 1.0, 450),
    ("Claude Sonnet", "claude-3-5-sonnet-20241022", 0.96, 1.0, 270),
    ("Gemini Flash", "gemini-1.5-flash", 0.22, 0.0, 75),
)


def _api_003(name: str, model: str, share: float, cached: float, source_usd: float) -> SourceScenario:
    def why(book: Book) -> str:
        price, per_mtok = book.snap.api(model), book.implied(source_usd, TEN_M)
        no_cache = input_share_for_price(price, per_mtok)
        if no_cache is None:
            text = (
                f"USD {per_mtok:.2f}/Mtok is below the uncached input price "
                f"(USD {price.usd_per_mtok_input:g}): only a workload of almost all cached input reaches it."
            )
        else:
            text = f"USD {per_mtok:.2f}/Mtok needs {no_cache:.0%} input: output-heavy, unlike the rows above."
        if model == "gpt-4o":
            text += f" A 3:1 uncached mix costs {usd(book.api(book.plan(model, 0.75), TEN_M))}/month."
        return text

    return SourceScenario(
        "003",
        f"{name} at 10M tokens/day",
        "USD/month",
        source_usd,
        source_usd,
        reproduce=lambda b: b.api(b.plan(model, share, cached), TEN_M),
        assumptions=lambda b: _mix(b.plan(model, share, cached)),
        why=why,
        implied=lambda b: b.implied(source_usd, TEN_M),
    )


def _a100_spot_why(book: Book) -> str:
    busy = book.own(A100_SPOT, TEN_M)
    spot = min(
        (r for r in book.snap.gpu_rates if r.gpu == "A100 80GB" and r.usd_per_hour_spot is not None),
        key=lambda r: r.usd_per_hour(spot=True),
    )
    return (
        f"That is {busy.gpu_hours_per_month / book.days:.1f} GPU-hours a day, not 24/7 "
        f"(24/7 costs {usd(1.20 * 24 * book.days)}). The snapshot's cheapest A100 spot rate is "
        f"USD {spot.usd_per_hour(spot=True):g}/h ({spot.provider})."
    )


def _gpt35_why(book: Book) -> str:
    input_heavy = book.api(book.plan("gpt-3.5-turbo", 0.95), 8e6)
    return (
        f"Classification is input-heavy; at 95% input the bill would be {usd(input_heavy)}. "
        "The figure implies 71% output tokens (or an older, dearer GPT-3.5 price)."
    )


def _pays_from_5m(book: Book) -> float:
    light_ops = dataclasses.replace(A100_SPOT, engineering_hours_per_month=1.5, staff_usd_per_hour=90)
    return _tokens(book.break_even(book.gpt4o_003, light_ops))


def _pays_from_5m_why(book: Book) -> str:
    heavy = book.break_even(book.gpt4o_003, with_source_002_staff(A100_SPOT))
    return (
        "Holds only if running the server costs ~USD 135/month of staff time; with article 002's 10 h/month "
        f"at USD 100/h it moves to {_fmt(heavy.tokens_per_day)} tokens/day."
    )


SOURCE_003: tuple[SourceScenario, ...] = (
    *(_api_003(*line) for line in SOURCE_003_API_LINES),
    SourceScenario(
        "003",
        "Self-hosted Llama 3 70B on an A100 spot instance, 10M tokens/day",
        "USD/month",
        180,
        180,
        reproduce=lambda b: b.own(A100_SPOT, TEN_M).usd_per_month,
        assumptions=_text(
            "A100 80GB spot at USD 1.20/h; 70B at 4-bit (~40 GB) on one GPU; 600 tokens/s at 93% "
            "utilisation; billed only for busy hours; no staff cost"
        ),
        why=_a100_spot_why,
    ),
    SourceScenario(
        "003",
        "GPT-3.5 Turbo for document classification, 8M tokens/day",
        "USD/month",
        290,
        290,
        reproduce=lambda b: b.api(b.plan("gpt-3.5-turbo", 0.29), 8e6),
        assumptions=lambda b: _mix(b.plan("gpt-3.5-turbo", 0.29)),
        why=_gpt35_why,
        implied=lambda b: b.implied(290, 8e6),
    ),
    SourceScenario(
        "003",
        "Self-hosted Llama 3 8B on an A10G spot instance, 8M tokens/day",
        "USD/month",
        110,
        110,
        reproduce=lambda b: b.own(A10G_SPOT, 8e6).usd_per_month,
        assumptions=_text(
            "A10G spot at USD 0.45/h; 300 tokens/s at 93% utilisation; billed only for busy hours"
        ),
        why=lambda b: (
            f"{b.own(A10G_SPOT, 8e6).gpu_hours_per_month / b.days:.1f} GPU-hours a day: again not 24/7."
        ),
    ),
    SourceScenario(
        "003",
        "Self-hosting pays from ~5M tokens/day",
        "tokens/day",
        5e6,
        5e6,
        reproduce=_pays_from_5m,
        assumptions=_text(
            "GPT-4o as in article 003's USD 450 row vs its USD 180 A100 spot setup, plus 1.5 h/month of "
            "staff at USD 90/h"
        ),
        why=_pays_from_5m_why,
    ),
)

# --- article 004: its cost table by volume (on-demand GPUs, standard API tier) -------------------------


def _gpt4o_7500_why(book: Book) -> str:
    gpt4o = book.snap.api("gpt-4o")
    all_output = book.api(book.plan("gpt-4o", 0.0), TEN_M)
    return (
        f"USD {book.implied(7500, TEN_M):.0f}/Mtok is above GPT-4o's OUTPUT price "
        f"(USD {gpt4o.usd_per_mtok_output:g}): no GPT-4o mix reaches it (100% output costs "
        f"{usd(all_output)}). GPT-4 Turbo-era prices with 1 input : 3 output tokens do."
    )


# (setup, GPU row in the snapshot, tokens/day, the article's GPU count, the article's USD/month)
SOURCE_004_GPU_TABLE = (
    (A100_PAIR, "A100 80GB", 10e6, 2, 3000),
    (A100_PAIR, "A100 80GB", 50e6, 4, 6000),
    (A100_PAIR, "A100 80GB", 100e6, 8, 12000),
    (A10G, "A10G 24GB", 10e6, 1, 400),
    (A10G, "A10G 24GB", 100e6, 4, 1600),
)
_CAPACITY = (
    "500 tokens/s per replica at 60% utilisation = 25.9M tokens/day per replica; always on, 720 h/month"
)


def _gpu_004(
    setup: SelfHostSetup, gpu: str, volume: float, source_gpus: int, source_usd: float
) -> SourceScenario:
    def why(book: Book) -> str:
        listed = sorted({r.usd_per_hour_on_demand for r in book.snap.gpu_rates if r.gpu == gpu})
        span = f"USD {listed[0]:g}" + (f" to {listed[-1]:g}" if len(listed) > 1 else "")
        return (
            f"Flat per GPU, stepping up as replicas are added ({book.own(setup, volume).gpus} GPU(s) here). "
            f"The snapshot lists {gpu} on demand at {span}/h."
        )

    return SourceScenario(
        "004",
        f"{setup.label.split(' on ')[0]} at {volume / 1e6:g}M tokens/day on {source_gpus} GPU(s)",
        "USD/month",
        source_usd,
        source_usd,
        reproduce=lambda b: b.own(setup, volume).usd_per_month,
        assumptions=_text(
            f"{gpu} on demand at USD {setup.usd_per_gpu_hour:g}/h, {setup.gpus_per_replica} per replica; "
            f"{_CAPACITY}"
        ),
        why=why,
    )


def _break_even_004(setup: SelfHostSetup, claim: str, low: float, high: float) -> SourceScenario:
    def why(book: Book) -> str:
        staffed = book.break_even(book.gpt4_turbo_004, with_source_002_staff(setup))
        lead = (
            "Its own table puts this ~7% above the claim; "
            if setup is A10G
            else "The table has no staff time: "
        )
        return (
            lead
            + "with article 002's 10 h/month of staff at USD 100/h: "
            + f"{_fmt(staffed.tokens_per_day)} tokens/day."
        )

    return SourceScenario(
        "004",
        claim,
        "tokens/day",
        low,
        high,
        reproduce=lambda b: _tokens(b.break_even(b.gpt4_turbo_004, setup)),
        assumptions=_text(
            "The two rows above: article 004's GPT-4o line (USD 25/Mtok) vs its GPU line, no staff cost"
        ),
        why=why,
    )


TICKETS_TOKENS_PER_DAY = (
    40_000 / (25 * SOURCE_DAYS_PER_MONTH) * TOKENS_PER_MTOK
)  # USD 40,000/month at 25/Mtok


def _hybrid(book: Book, share: float) -> float:
    return hybrid_monthly_cost(
        book.gpt4_turbo_004, A10G, TICKETS_TOKENS_PER_DAY, self_host_share=share, days_per_month=book.days
    ).usd_per_month


def _hybrid_assumptions(book: Book) -> str:
    gpus = hybrid_monthly_cost(
        book.gpt4_turbo_004, A10G, TICKETS_TOKENS_PER_DAY, self_host_share=0.72, days_per_month=book.days
    ).self_host_gpus
    return (
        f"{TICKETS_TOKENS_PER_DAY / 200_000:.0f} tokens/ticket (so all-API costs USD 40,000/month); "
        f"72% of TOKENS on the 8B line ({gpus} A10Gs), 28% on the API line"
    )


SOURCE_004: tuple[SourceScenario, ...] = (
    SourceScenario(
        "004",
        "GPT-4o at 10M tokens/day",
        "USD/month",
        7500,
        7500,
        reproduce=lambda b: b.api(b.gpt4_turbo_004, TEN_M),
        assumptions=lambda b: _mix(b.gpt4_turbo_004),
        why=_gpt4o_7500_why,
        implied=lambda b: b.implied(7500, TEN_M),
    ),
    SourceScenario(
        "004",
        "GPT-4o at 10M tokens/day (another reading)",
        "USD/month",
        7500,
        7500,
        reproduce=lambda b: b.api(b.plan("gpt-4o", 6 / 7), 70e6),
        assumptions=_text(
            "GPT-4o list price; the 10M counts only GENERATED tokens, each answer with a prompt 6x its size "
            "(70M tokens/day in all, 86% input)"
        ),
        why=_text("What 'tokens/day' counts changes the bill as much as the price does."),
        implied=lambda b: b.implied(7500, TEN_M),
    ),
    *(_gpu_004(*row) for row in SOURCE_004_GPU_TABLE),
    _break_even_004(A100_PAIR, "Break-even for 70B vs GPT-4o: 3-5M tokens/day", 3e6, 5e6),
    _break_even_004(A10G, "Break-even for 8B vs GPT-4o: under 500K tokens/day", 0.0, 5e5),
    SourceScenario(
        "004",
        "Hybrid support desk, 200k tickets/day: 80% on self-hosted 8B, rest GPT-4o",
        "USD/month",
        12000,
        12000,
        reproduce=lambda b: _hybrid(b, 0.72),
        assumptions=_hybrid_assumptions,
        why=lambda b: (
            f"80% of the tokens (tickets of equal length) would cost {usd(_hybrid(b, 0.8))}; USD 12,000 "
            "means the escalated 20% of tickets are 1.4x longer than average (28% of the tokens)."
        ),
    ),
)

# --- article 002 ---------------------------------------------------------------------------------------


def _h100_rates(book: Book) -> list[float]:
    return sorted(r.usd_per_hour_on_demand for r in book.snap.gpu_rates if r.gpu.startswith("H100"))


def _h100_why(book: Book) -> str:
    """Why the snapshot's median H100 rate agrees with the article's range, or why it no longer does."""
    median = _h100_rates(book)[len(_h100_rates(book)) // 2]
    if median <= 3.0 * 1.05:
        return "The range is neocloud pricing; a hyperscaler on demand is 2-3x dearer (spot is lower)."
    return (
        f"The market moved: the snapshot's median H100 rate is USD {median:g}/h, above the article's range "
        "(neocloud rents rose in 2026; a hyperscaler on demand is dearer still, spot is lower)."
    )


def _frontier_50m_why(book: Book) -> str:
    staffed = with_source_002_staff(H100_ONE)
    gpt5 = book.plan("gpt-5", 0.75)
    found = book.break_even(gpt5, staffed)
    full_load = staffed.capacity_tokens_per_day_per_replica
    if found.tokens_per_day is None:
        verdict = (
            f"at full load its {_fmt(full_load)} tokens/day would cost "
            f"{usd(book.api(gpt5, full_load))}/month on the API, under the card's "
            f"{usd(book.own(staffed, 0).gpu_usd_per_month)} rent"
        )
    else:
        verdict = f"it is {_fmt(_tokens(found) * book.days)} tokens/month"
    return (
        "Only the dearest frontier price with an output-heavy mix puts it near 50M/month; with "
        f"{_mix(gpt5)} the H100 never pays: {verdict}."
    )


SOURCE_002: tuple[SourceScenario, ...] = (
    SourceScenario(
        "002",
        "H100 rental: USD 1-3 per hour",
        "USD/GPU-hour",
        1.0,
        3.0,
        reproduce=lambda b: _h100_rates(b)[len(_h100_rates(b)) // 2],
        assumptions=lambda b: (
            "Median of the snapshot's H100 on-demand rows "
            f"(USD {', '.join(f'{v:g}' for v in _h100_rates(b))})"
        ),
        why=lambda b: _h100_why(b),
    ),
    SourceScenario(
        "002",
        "70B on 1-2 H100s run 24/7: ~USD 1,500-2,000/month",
        "USD/month",
        1500,
        2000,
        reproduce=lambda b: b.own(H100_ONE, 1e6).usd_per_month,
        assumptions=_text("One H100 at USD 2.50/h, 24 h x 30 days"),
        why=lambda b: (
            "One card is enough in 8-bit; two at the article's top rate (USD 3/h) cost "
            f"{usd(2 * 3 * 24 * b.days)}."
        ),
    ),
    SourceScenario(
        "002",
        "Frontier APIs are cheaper below ~50M tokens/month, after engineering costs",
        "tokens/month",
        50e6,
        50e6,
        reproduce=lambda b: (
            _tokens(b.break_even(b.plan("claude-opus-4-1", 0.3), with_source_002_staff(H100_ONE))) * b.days
        ),
        assumptions=lambda b: (
            f"{_mix(b.plan('claude-opus-4-1', 0.3))} vs one H100 24/7 at USD 2.50/h plus 10 h/month of "
            "engineering at USD 100/h"
        ),
        why=_frontier_50m_why,
    ),
)

#: Every figure the source articles state, in article order within each article.
SOURCE_SCENARIOS: tuple[SourceScenario, ...] = (*SOURCE_003, *SOURCE_004, *SOURCE_002)


# --- the 16x gap, one assumption at a time -----------------------------------------------------------


@dataclass(frozen=True)
class GapStep:
    """One step from article 003's GPT-4o price per token to article 004's."""

    assumption: str
    usd_per_mtok: float
    factor: float  # versus the previous step
    usd_per_month_at_10m_tokens_per_day: float


def source_gap_factors(snapshot: PriceSnapshot | None = None) -> tuple[GapStep, ...]:
    """Why articles 003 and 004 price GPT-4o at 10M tokens/day ~16x apart, one assumption at a time."""
    gpt4o = (snapshot or load_prices()).api("gpt-4o")
    steps = (
        (
            "Article 003: 97% of tokens are cached input",
            ApiPlan.from_price(gpt4o, input_share=0.97, cached_input_share=1),
        ),
        ("Same model, no caching, 3 input : 1 output", ApiPlan.from_price(gpt4o, input_share=0.75)),
        ("Same model, all output tokens", ApiPlan.from_price(gpt4o, input_share=0.0)),
    )
    out: list[GapStep] = []
    previous = None
    for text, plan in steps:
        price = plan.blended_usd_per_mtok
        out.append(_gap_step(text, price, previous))
        previous = price
    out.append(
        _gap_step("Article 004: USD 25/Mtok, above any GPT-4o mix (GPT-4 Turbo-era prices)", 25.0, previous)
    )
    return tuple(out)


def _gap_step(text: str, usd_per_mtok: float, previous: float | None) -> GapStep:
    factor = usd_per_mtok / previous if previous else 1.0
    monthly = usd_per_mtok * 10e6 * SOURCE_DAYS_PER_MONTH / TOKENS_PER_MTOK
    return GapStep(text, usd_per_mtok, factor, monthly)
