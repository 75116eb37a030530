"""Seed 003's six-question flow and seed 004's scoring matrix, with their shortcuts and inconsistencies."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import decision as d
from course.decision import FlowAnswers, MatrixScores, Recommendation
from course.errors import ConfigError

NOTHING = FlowAnswers(
    privacy_constraint=False,
    frontier_reasoning=False,
    has_ml_team=True,
    tokens_per_day=1e6,
    narrow_task=False,
    needs_offline=False,
)

# Each question on its own (everything earlier answered the "no trigger" way) and what it decides.
ALONE = [
    (1, {"privacy_constraint": True}, Recommendation.OPEN_SELF_HOSTED),
    (2, {"frontier_reasoning": True}, Recommendation.CLOSED_API),
    (3, {"has_ml_team": False}, Recommendation.CLOSED_API),
    (4, {"tokens_per_day": 2e7}, Recommendation.EVALUATE_OPEN),
    (5, {"narrow_task": True}, Recommendation.OPEN_FINE_TUNED),
    (6, {"needs_offline": True}, Recommendation.OPEN_ONLY),
]


@pytest.mark.parametrize("number, changes, expected", ALONE)
def test_each_question_decides_what_the_seed_says(
    number: int, changes: dict, expected: Recommendation
) -> None:
    result = d.six_question_flow(dataclasses.replace(NOTHING, **changes))
    assert result.recommendation is expected
    assert [s.number for s in result.path] == list(range(1, number + 1))
    assert result.path[-1].fired and not any(s.fired for s in result.path[:-1])
    assert result.reasons[0].startswith(f"Q{number} ")


def test_no_trigger_defaults_to_a_closed_api() -> None:
    result = d.six_question_flow(NOTHING)
    assert result.recommendation is Recommendation.CLOSED_API
    assert len(result.path) == 6 and "default" in result.reasons[0]
    assert result.warnings == ()


def test_earlier_question_wins_and_later_triggers_are_reported() -> None:
    answers = dataclasses.replace(NOTHING, privacy_constraint=True, frontier_reasoning=True, narrow_task=True)
    result = d.six_question_flow(answers)
    assert result.recommendation is Recommendation.OPEN_SELF_HOSTED and len(result.path) == 1
    text = " ".join(result.warnings)
    assert "Q2" in text and "Q5" in text and "private deployment" in text


def test_offline_need_behind_an_earlier_closed_answer_is_flagged() -> None:
    answers = dataclasses.replace(NOTHING, frontier_reasoning=True, needs_offline=True)
    result = d.six_question_flow(answers)
    assert result.recommendation is Recommendation.CLOSED_API
    assert any("cannot run offline" in w for w in result.warnings)


def test_privacy_without_a_team_is_flagged() -> None:
    result = d.six_question_flow(dataclasses.replace(NOTHING, privacy_constraint=True, has_ml_team=False))
    assert any("No ML/infra team" in w for w in result.warnings)


def test_volume_threshold_is_strictly_more_than_5m_a_day() -> None:
    at = d.six_question_flow(dataclasses.replace(NOTHING, tokens_per_day=5e6))
    above = d.six_question_flow(dataclasses.replace(NOTHING, tokens_per_day=5e6 + 1))
    assert at.recommendation is Recommendation.CLOSED_API
    assert above.recommendation is Recommendation.EVALUATE_OPEN
    monthly = d.six_question_flow(NOTHING, volume_threshold_tokens_per_day=5e6 / 30)  # the headline's reading
    assert monthly.recommendation is Recommendation.EVALUATE_OPEN


@pytest.mark.parametrize("changes", [{"narrow_task": "yes"}, {"has_ml_team": 1}, {"tokens_per_day": -1.0}])
def test_flow_rejects_bad_answers(changes: dict) -> None:
    with pytest.raises(ConfigError, match=next(iter(changes))):
        dataclasses.replace(NOTHING, **changes)


# --- the scoring matrix ---------------------------------------------------------------------------


def _scores_summing_to(total: int, *, privacy: int = 1) -> MatrixScores:
    values = [privacy, 1, 1, 1, 1, 1]
    rest = total - sum(values)
    for i in range(1, 6):
        step = min(4, rest)
        values[i] += step
        rest -= step
    assert rest == 0
    keys = ("privacy", "capability", "cost_volume", "ops_tolerance", "fine_tuning", "latency")
    return MatrixScores(**dict(zip(keys, values, strict=True)))


@pytest.mark.parametrize(
    "total, expected",
    [
        (6, Recommendation.CLOSED_API),
        (12, Recommendation.CLOSED_API),
        (13, Recommendation.HYBRID),
        (18, Recommendation.HYBRID),
        (19, Recommendation.OPEN_PRIMARY),
        (24, Recommendation.OPEN_PRIMARY),
        (25, Recommendation.OPEN_ONLY),
    ],
)
def test_band_table_edges(total: int, expected: Recommendation) -> None:
    result = d.score_matrix(_scores_summing_to(total))
    assert result.total == total and result.recommendation is expected
    assert result.band is d.band_for_total(total)
    assert len(result.scores) == 6 and len(result.reasons) == 7
    assert f"Total {total}/30" in result.reasons[-1]


def test_twelve_is_where_the_seed_contradicts_itself() -> None:
    assert d.text_rule_for_total(12) is Recommendation.HYBRID
    assert d.band_for_total(12).recommendation is Recommendation.CLOSED_API
    disagree = [
        t
        for t in range(6, 31)
        if t <= 24 and d.text_rule_for_total(t) is not d.band_for_total(t).recommendation
    ]
    assert disagree == [12]
    result = d.score_matrix(_scores_summing_to(12))
    assert any("contradicts itself" in w for w in result.warnings)
    assert not any("contradicts" in w for w in d.score_matrix(_scores_summing_to(13)).warnings)


def test_privacy_five_overrides_everything() -> None:
    result = d.score_matrix(_scores_summing_to(10, privacy=5))
    assert result.total == 10 and result.band.recommendation is Recommendation.CLOSED_API
    assert result.recommendation is Recommendation.OPEN_ONLY
    assert result.reasons[0].startswith("Override") and "Closed API" in result.reasons[-1]


def test_data_that_cannot_leave_the_vpc_overrides_everything() -> None:
    result = d.score_matrix(_scores_summing_to(6), data_cannot_leave_vpc=True)
    assert result.recommendation is Recommendation.OPEN_ONLY
    assert "VPC" in result.reasons[0]


def test_sum_that_outvotes_a_blocker_is_flagged() -> None:
    scores = MatrixScores(capability=1, privacy=4, cost_volume=5, ops_tolerance=1, fine_tuning=5, latency=4)
    result = d.score_matrix(scores)
    assert result.recommendation is Recommendation.OPEN_PRIMARY
    assert len(result.warnings) == 2
    assert "frontier" in result.warnings[0] and "managed open-model API" in result.warnings[1]


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3", None])
def test_scores_must_be_whole_numbers_from_1_to_5(bad: object) -> None:
    with pytest.raises(ConfigError, match="latency score") as info:
        MatrixScores(capability=3, privacy=3, cost_volume=3, ops_tolerance=3, fine_tuning=3, latency=bad)  # type: ignore[arg-type]
    assert "1" in info.value.fix and "5" in info.value.fix


def test_reasons_quote_what_each_score_means() -> None:
    result = d.score_matrix(
        MatrixScores(capability=4, privacy=2, cost_volume=3, ops_tolerance=4, fine_tuning=1, latency=2)
    )
    by_key = {s.key: s for s in result.scores}
    assert by_key["capability"].leans == "open" and by_key["privacy"].leans == "closed"
    assert by_key["cost_volume"].meaning == d.DIMENSIONS[2].levels[2]
    assert "Capability 4/5" in result.reasons[0]


score = st.integers(1, 5)


@given(score, st.integers(1, 4), score, score, score, score)
def test_without_override_the_band_table_decides(
    cap: int, priv: int, cost: int, ops: int, ft: int, lat: int
) -> None:
    scores = MatrixScores(
        capability=cap, privacy=priv, cost_volume=cost, ops_tolerance=ops, fine_tuning=ft, latency=lat
    )
    result = d.score_matrix(scores)
    assert 6 <= result.total <= 30 and result.total == cap + priv + cost + ops + ft + lat
    assert result.recommendation is d.band_for_total(result.total).recommendation
    assert str(result.recommendation) == result.recommendation.value
