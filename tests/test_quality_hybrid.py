"""Cost per correct answer, and a router's blended cost and quality with a fallback chain."""

from __future__ import annotations

import math

import pytest

from course.economics.fallback_chain import Tier, fallback_chain, routed_by_difficulty
from course.economics.quality_cost import error_cost_to_flip, quality_cost, usd_per_quality_point
from course.errors import ConfigError


def test_cost_per_correct_answer_by_hand() -> None:
    # article 003 (2026-06-24): fine-tuned Mistral 7B 84%, GPT-4o 89% at 6x the price per request
    small = quality_cost("fine-tuned 7B", usd_per_request=0.001, accuracy=0.84)
    big = quality_cost("GPT-4o", usd_per_request=0.006, accuracy=0.89)
    assert small.usd_per_correct_answer == pytest.approx(0.001 / 0.84)
    assert big.usd_per_correct_answer / small.usd_per_correct_answer == pytest.approx(6 * 0.84 / 0.89)
    # the dearer model wins once a wrong answer costs more than 0.005 / 0.05 = USD 0.10
    flip = error_cost_to_flip(small, big)
    assert flip == pytest.approx(0.1)
    at = [quality_cost(q.label, usd_per_request=q.usd_per_request, accuracy=q.accuracy, usd_per_error=0.2)
          for q in (small, big)]  # fmt: skip
    assert at[1].usd_per_request_with_errors < at[0].usd_per_request_with_errors


def test_flip_when_the_dear_option_is_no_better() -> None:
    cheap = quality_cost("a", usd_per_request=1, accuracy=0.9)
    assert error_cost_to_flip(cheap, quality_cost("b", usd_per_request=2, accuracy=0.9)) is None
    assert error_cost_to_flip(cheap, quality_cost("c", usd_per_request=0.5, accuracy=0.8)) == 0.0


@pytest.mark.parametrize("accuracy", [0, 1.2, True])
def test_accuracy_must_be_a_measured_share(accuracy: object) -> None:
    with pytest.raises(ConfigError, match="accuracy") as info:
        quality_cost("x", usd_per_request=1, accuracy=accuracy)  # type: ignore[arg-type]
    assert "own examples" in info.value.fix


def test_cost_per_quality_point() -> None:
    assert usd_per_quality_point(12_000, 80) == 150
    with pytest.raises(ConfigError):
        usd_per_quality_point(100, 0)


SMALL = Tier(name="8B", usd_per_request=0.001, accuracy=0.9, escalate_share=0.2)
BIG = Tier(name="frontier", usd_per_request=0.01, accuracy=0.95)


def test_fallback_chain_by_hand() -> None:
    result = fallback_chain([SMALL, BIG])
    assert result.usd_per_request == pytest.approx(0.001 + 0.2 * 0.01)
    assert result.accuracy == pytest.approx(0.8 * 0.9 + 0.2 * 0.95)
    assert [t.reach_share for t in result.tiers] == [1.0, pytest.approx(0.2)]
    assert sum(t.answer_share for t in result.tiers) == pytest.approx(1.0)
    assert result.usd_per_correct_answer == pytest.approx(result.usd_per_request / result.accuracy)


def test_last_tier_answers_everything_that_reaches_it() -> None:
    alone = fallback_chain([SMALL])
    assert alone.tiers[0].answer_share == 1.0 and alone.accuracy == 0.9


def test_routing_by_difficulty_blends_two_chains() -> None:
    result = routed_by_difficulty(easy_share=0.8, easy_chain=[SMALL, BIG], hard_chain=[BIG])
    assert result.usd_per_request == pytest.approx(0.8 * 0.003 + 0.2 * 0.01)
    by_name = {t.name: t for t in result.tiers}
    assert by_name["frontier"].reach_share == pytest.approx(0.8 * 0.2 + 0.2)
    assert by_name["8B"].answer_share == pytest.approx(0.8 * 0.8)
    all_big = routed_by_difficulty(easy_share=0, easy_chain=[SMALL], hard_chain=[BIG])
    assert all_big.usd_per_request == 0.01 and math.isclose(all_big.accuracy, 0.95)


@pytest.mark.parametrize("kwargs", [{"accuracy": 2}, {"escalate_share": -0.1}, {"usd_per_request": -1}])
def test_bad_tiers(kwargs: dict) -> None:
    with pytest.raises(ConfigError, match=next(iter(kwargs))):
        Tier(**{"name": "x", "usd_per_request": 1, "accuracy": 0.5, **kwargs})
    with pytest.raises(ConfigError):
        fallback_chain([])
    with pytest.raises(ConfigError, match="easy_share"):
        routed_by_difficulty(easy_share=1.5, easy_chain=[SMALL], hard_chain=[BIG])


def test_router_options_are_dated_and_sourced() -> None:
    from course.economics.fallback_chain import router_options

    names = [r.name for r in router_options()]
    assert names[:3] == ["OpenRouter", "Portkey", "Martian"] and "Your own router" in names
    assert all(r.source for r in router_options())
