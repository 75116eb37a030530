"""The memo's recommendation: the frameworks' answers, checked against what the learner measured.

Frameworks answer from the learner's description; measurements answer from numbers. Each measured
finding (:class:`Evidence`) leans to self-hosting an open model, to the API, or to neither (a
difference the sample cannot resolve). :func:`headline` then says whether the frameworks agree and
whether any measurement points the other way — it never turns a missing figure into a lean, and it makes
no recommendation at all when quality was measured on the course's small models or the offline stand-in
(:func:`course.memo.provenance.demonstration_reasons`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from course.evals.stats import accuracy_interval, difference_interval
from course.labs.results import Lab04Headline, Lab05Headline, QualitySide
from course.memo.cost import VolumeCost
from course.memo.numbers import percent, tokens, usd
from course.memo.provenance import VERDICT_HOW
from course.teaching.decision import Comparison, Recommendation

Lean = Literal["open", "API", "mixed"]
Side = Literal["open", "API"]  # a side a measurement can favour

LEANS: dict[Recommendation, Lean] = {
    Recommendation.CLOSED_API: "API",
    Recommendation.OPEN_SELF_HOSTED: "open",
    Recommendation.EVALUATE_OPEN: "open",
    Recommendation.OPEN_FINE_TUNED: "open",
    Recommendation.OPEN_PRIMARY: "open",
    Recommendation.OPEN_ONLY: "open",
    Recommendation.HYBRID: "mixed",
    Recommendation.OPEN_OR_PRIVATE_FRONTIER: "mixed",
    Recommendation.DEPENDS: "mixed",
}
SIDE_WORDS = {"open": "self-hosting an open model", "API": "the API"}
CHEAPEST_WORDS = {"self-hosted": "self-hosting", "managed host": "the managed host", "API": "the API"}


@dataclass(frozen=True)
class Evidence:
    """One measured finding and the side it favours (None: the measurement cannot tell)."""

    topic: str
    leans: Side | None
    finding: str


def cost_evidence(lab04: Lab04Headline, tokens_per_day: float, at_volume: VolumeCost | None) -> Evidence:
    """Which side is cheaper per month at the learner's volume (lab 04's model, staff included).

    The two sides are self-hosting and the API. A managed host of the same weights is named when it is the
    cheapest, but it is not evidence for self-hosting: it sends prompts to a third party, as the API does.
    The lean then compares self-hosting with the API alone.
    """
    topic = "cost at your volume (lab 04)"
    volume = f"{tokens(tokens_per_day)} tokens/day"
    if at_volume is not None:
        gpus = (getattr(lab04, "gpus_per_replica", None) or 1) * at_volume.replicas
        replicas = f"{gpus} × {lab04.gpu}"
        managed = (
            f", the same weights from {at_volume.managed_label} {usd(at_volume.managed_usd_per_month)}/month"
            if at_volume.managed_usd_per_month is not None
            else ""
        )
        finding = (
            f"At {volume}: self-hosted {usd(at_volume.self_usd_per_month)}/month ({replicas}, staff "
            f"{usd(at_volume.staff_usd_per_month)} included){managed}, {lab04.api_model} "
            f"{usd(at_volume.api_usd_per_month)}/month: the cheapest is {CHEAPEST_WORDS[at_volume.cheaper]}."
        )
        self_cheaper = at_volume.self_usd_per_month <= at_volume.api_usd_per_month
        if at_volume.cheaper == "managed host":
            finding += (
                f" Of the two sides this memo weighs, {'self-hosting' if self_cheaper else 'the API'} is "
                "cheaper. A managed host runs the open weights on its servers, so your prompts leave your "
                "infrastructure as they do with an API: price it as a third option, not as self-hosting."
            )
        return Evidence(topic, "open" if self_cheaper else "API", finding)
    if lab04.break_even_tokens_per_day is None:
        return Evidence(topic, "API", "Lab 04 found no break-even: the API is cheaper at every volume.")
    above = tokens_per_day >= lab04.break_even_tokens_per_day
    finding = (
        f"{volume} is {'above' if above else 'below'} lab 04's break-even of "
        f"{tokens(lab04.break_even_tokens_per_day)} tokens/day (its first crossing; lab 04's assumptions "
        "were not saved, so the monthly bills are not recomputed)."
    )
    return Evidence(topic, "open" if above else "API", finding)


def compared_sides(lab05: Lab05Headline) -> tuple[QualitySide, QualitySide] | None:
    """(best local side, the API side), or None when lab 05 did not label one of each."""
    local = [s for s in lab05.sides if s.side == "local"]
    api = [s for s in lab05.sides if s.side == "API"]
    if not local or not api:
        return None
    return max(local, key=lambda s: s.accuracy), api[0]


def _correct(side: QualitySide) -> int:
    return round(side.accuracy * side.n_items)


def accuracy_evidence(lab05: Lab05Headline) -> Evidence | None:
    """Whether the accuracy gap between the best local setup and the API is larger than its sampling error."""
    pair = compared_sides(lab05)
    if pair is None:
        return None
    local, api = pair
    diff = difference_interval(_correct(local), local.n_items, _correct(api), api.n_items)
    points = (
        f"{diff.difference * 100:+.0f} points, 95% interval {diff.low * 100:+.0f} to {diff.high * 100:+.0f}"
    )
    finding = (
        f"{local.label} {percent(local.accuracy)} vs {api.label} {percent(api.accuracy)} "
        f"({local.n_items} and {api.n_items} items): local − API {points}"
    )
    if diff.high < 0:
        return Evidence("accuracy (lab 05)", "API", finding + ": the API is measurably better.")
    if diff.low > 0:
        return Evidence("accuracy (lab 05)", "open", finding + ": the local model is measurably better.")
    return Evidence("accuracy (lab 05)", None, finding + ": no difference these items can resolve.")


def per_correct_evidence(lab05: Lab05Headline) -> Evidence | None:
    """Which side pays less per correct answer (a side with no correct answer has no such price)."""
    pair = compared_sides(lab05)
    if pair is None:
        return None
    local, api = pair
    topic = "cost per correct answer (lab 05)"
    a, b = local.usd_per_correct_answer, api.usd_per_correct_answer
    if a is None and b is None:
        return Evidence(topic, None, "Neither side answered any item correctly.")
    if a is None or b is None:
        winner: Side = "API" if a is None else "open"
        loser = local.label if a is None else api.label
        return Evidence(topic, winner, f"{loser} answered no item correctly.")
    finding = f"{local.label} {usd(a * 1000)} vs {api.label} {usd(b * 1000)} per 1,000 correct answers."
    return Evidence(topic, "open" if a < b else "API", finding)


def demonstration_headline(reasons: list[str], comparison: Comparison | None) -> str:
    """The top of a memo whose quality inputs come from course models or the stand-in: no recommendation."""
    named = (
        " The frameworks' answers ("
        + "; ".join(f"{d.framework}: {d.recommendation}" for d in comparison.decisions)
        + ") and the costs below are inputs to that decision, not the decision."
        if comparison is not None
        else ""
    )
    return (
        "**Demonstration: no recommendation.** This memo shows the method, not a verdict: "
        + "; ".join(reasons)
        + f". {VERDICT_HOW}{named}"
    )


def headline(
    comparison: Comparison | None, evidence: list[Evidence], *, demonstration: list[str] | None = None
) -> str:
    """One or two sentences for the top of the memo: the frameworks' direction, tested by the measurements.

    ``demonstration``: why the inputs cannot carry a recommendation (course models, the stand-in); when
    given, the memo says so instead of recommending (:func:`demonstration_headline`).
    """
    if demonstration:
        return demonstration_headline(demonstration, comparison)
    if comparison is None:
        return (
            "**No recommendation yet.** The framework answers are missing, and measurements alone do not "
            "make the decision: answer both frameworks in lab 07 and write the memo again."
        )
    leaning = [e for e in evidence if e.leans]
    topics = ", ".join(e.topic for e in leaning)
    named = "; ".join(f"{d.framework}: {d.recommendation}" for d in comparison.decisions)
    directions = {LEANS[d.recommendation] for d in comparison.decisions}
    if len(directions) == 1 and directions != {"mixed"}:
        (lean,) = directions
        if comparison.agree:
            opening = f"**{comparison.decisions[0].recommendation}"
            why = "All three frameworks agree"
        else:
            opening = f"**Lean to {SIDE_WORDS[lean]}"
            why = f"All three frameworks point that way ({named})"
        against = [e for e in leaning if e.leans != lean]
        if against:
            sides = {e.leans for e in against if e.leans is not None}
            side = SIDE_WORDS[sides.pop()]  # only the other side is left
            names = _and([e.topic for e in against])
            verb = "favours" if len(against) == 1 else "favour"
            if len(against) >= 2 and len(against) == len(leaning):  # numbers over answers
                return (
                    f"**{side[0].upper()}{side[1:]} for now, on your measurements.** The frameworks point to "
                    f"{SIDE_WORDS[lean]} ({named}), but every measurement that leans ({names}) favours "
                    f"{side}. The frameworks read your answers; check the ones that drove them (volume, "
                    "cost, capability) against these numbers before you move."
                )
            return (
                f"{opening}, provisionally.** {why}, but your measured {names} {verb} {side}: "
                "settle that first."
            )
        if leaning:
            return f"{opening}.** {why}, and your measurements ({topics}) do not contradict it."
        return f"{opening}.** {why}; no measurement here tests it yet."
    sides = {e.leans for e in leaning if e.leans is not None}
    if directions == {"mixed"} or len(sides) != 1:
        start = (
            f"**{comparison.decisions[0].recommendation}.**"
            if comparison.agree
            else "**No single answer yet.**"
        )
        return (
            f"{start} The frameworks {'agree on a mix' if comparison.agree else 'disagree'} ({named}); "
            + (f"your measurements ({topics}) pull different ways: " if len(sides) > 1 else "")
            + "split the workload by kind of request and decide each part on what you measured."
        )
    side = SIDE_WORDS[sides.pop()]
    return (
        f"**Lean to {side}, and split the workload where you can.** The frameworks disagree ({named}); "
        f"your measurements ({topics}) all favour {side}."
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def interval_half_width(side: QualitySide) -> float:
    """Half the width of the 95% interval on one side's accuracy (a fraction)."""
    iv = accuracy_interval(_correct(side), side.n_items)
    return (iv.high - iv.low) / 2
