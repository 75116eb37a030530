"""Article claims that turn on one assumption: the self-hosted throughput.

The source articles' self-hosted figures imply a few hundred tokens/s per replica (little batching); a
batching server (vLLM, llama-server with parallel slots) at high concurrency sustains several times more
on the same GPUs. :func:`claims_at_throughput` re-checks three article claims at each throughput given, on one
H100 run 24/7 with article 002's staff time, against the list prices of the models the articles priced (GPT-5
and Claude Sonnet 4.5, in the snapshot as deprecated: the claims are the articles', so are the models).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from course.economics.costs import ApiPlan, SelfHostSetup, break_even, compare_costs
from course.economics.prices import PriceSnapshot, load_prices
from course.errors import ConfigError

SOURCE_IMPLIED_TOKENS_PER_S = 400.0  # what the course's reading of article 002's H100 figure assumes
#: an illustrative batched rate for a 70B model on one H100, deliberately below the published one
#: (TensorRT-LLM serves Llama 3.3 70B at about 11,000 tokens/s on two H100s at 3 input : 1 output,
#: course/data/throughput.json): the claims flip already at this modest figure
BATCHED_TOKENS_PER_S = 2_500.0
H100_USD_PER_HOUR = 2.50  # article 002: "$1-3/hour for a single H100"
INPUT_SHARE = 0.75  # 3 input tokens per output token


@dataclass(frozen=True)
class ClaimCheck:
    """One article claim re-checked at one throughput."""

    throughput_tokens_per_s: float
    claim: str
    api_label: str
    result: str
    holds: bool


def _h100(throughput: float) -> SelfHostSetup:
    return SelfHostSetup(
        usd_per_gpu_hour=H100_USD_PER_HOUR,
        throughput_tokens_per_s=throughput,
        utilisation=0.5,
        engineering_hours_per_month=10.0,  # article 002: "easily 10 hours/month"
        staff_usd_per_hour=100.0,
        label=f"70B on 1x H100 at {throughput:,.0f} tokens/s",
    )


def claims_at_throughput(
    throughputs_tokens_per_s: Sequence[float] = (SOURCE_IMPLIED_TOKENS_PER_S, BATCHED_TOKENS_PER_S),
    *,
    snapshot: PriceSnapshot | None = None,
) -> tuple[ClaimCheck, ...]:
    """Article 002's 50M tokens/month line and article 003's two thresholds, at each throughput.

    ``holds``: the claim is true under that assumption (article 002's line within 2x).
    """
    if not throughputs_tokens_per_s or any(t <= 0 for t in throughputs_tokens_per_s):
        raise ConfigError("Throughputs must be given and above 0.", fix="Pass e.g. (400, 2500).")
    snap = snapshot or load_prices()
    gpt5 = ApiPlan.from_price(snap.api("gpt-5"), input_share=INPUT_SHARE)
    premium = ApiPlan.from_price(snap.api("claude-sonnet-4-5"), input_share=INPUT_SHARE)
    rows: list[ClaimCheck] = []
    for tps in throughputs_tokens_per_s:
        setup = _h100(tps)
        found = break_even(gpt5, setup, days_per_month=30.0)
        month = None if found.tokens_per_day is None else found.tokens_per_day * 30
        rows.append(
            ClaimCheck(
                tps,
                "Article 002: above ~50M tokens/month self-hosting starts to win",
                gpt5.label,
                "self-hosting never pays"
                if month is None
                else f"self-hosting pays from {month / 1e6:,.0f}M/month",
                month is not None and month <= 2 * 50e6,  # within 2x of the seed's line
            )
        )
        for plan in (premium, gpt5):
            c = compare_costs(plan, setup, 100e6)
            saving = c.saving_usd_per_month / c.api.usd_per_month
            rows.append(
                ClaimCheck(
                    tps,
                    "Article 003: at 100M tokens/day self-hosting is 70-80% cheaper",
                    plan.label,
                    f"{saving:.0%} cheaper ({c.self_host.replicas} H100s)"
                    if saving >= 0
                    else f"{-saving:.0%} DEARER ({c.self_host.replicas} H100s)",
                    saving >= 0.7,
                )
            )
        low = compare_costs(gpt5, setup, 2e6)
        rows.append(
            ClaimCheck(
                tps,
                "Article 003: under 2M tokens/day closed APIs are almost always cheaper",
                gpt5.label,
                f"API USD {low.api.usd_per_month:,.0f} vs self-hosted "
                f"USD {low.self_host.usd_per_month:,.0f} a month",
                low.cheaper == "api",
            )
        )
    return tuple(rows)
