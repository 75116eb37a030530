"""Article 003's six-question flow and article 004's scoring matrix, their shortcuts and inconsistencies."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.errors import ConfigError
from course.teaching import decision as d
from course.teaching.decision import FlowAnswers, MatrixScores, Recommendation

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
def test_each_question_decides_what_the_source_says(
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


def test_twelve_is_where_the_source_contradicts_itself() -> None:
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


# --- article 002's decision tree, article 004's worked scenarios ----------------------------------------


@pytest.mark.parametrize("branch", d.DECISION_TREE, ids=lambda b: b.key)
def test_each_tree_branch_alone_gives_its_own_choice(branch: d.TreeBranch) -> None:
    result = d.apply_decision_tree([branch.key])
    assert result.recommendation is branch.recommendation
    assert result.reasons == (f"{branch.task} → {branch.choice}.",) and result.warnings == ()


def test_tree_has_the_sources_eight_branches() -> None:
    assert len(d.DECISION_TREE) == 8 and len(set(d.TREE_KEYS)) == 8
    assert d.apply_decision_tree(["embeddings"]).recommendation is Recommendation.OPEN_SELF_HOSTED
    assert d.apply_decision_tree(["multilingual"]).recommendation is Recommendation.CLOSED_API


def test_tree_branches_that_disagree_give_a_hybrid_with_a_warning() -> None:
    result = d.apply_decision_tree(["high_volume_text", "customer_facing_agent"])
    assert result.recommendation is Recommendation.HYBRID
    assert "both ways" in result.warnings[0]


def test_compliance_with_a_closed_branch_means_a_private_frontier_deployment() -> None:
    result = d.apply_decision_tree(["compliance", "long_context"])
    assert result.recommendation is Recommendation.OPEN_OR_PRIVATE_FRONTIER
    assert "private deployment" in result.warnings[0]


def test_open_branch_settles_an_either_branch() -> None:
    result = d.apply_decision_tree(["compliance", "domain_fine_tuning", "compliance"])
    assert result.recommendation is Recommendation.OPEN_FINE_TUNED and len(result.reasons) == 2
    assert d.apply_decision_tree(["compliance", "coding_agent"]).recommendation is Recommendation.DEPENDS


@pytest.mark.parametrize("tasks", [[], ["cheap"], ["embeddings", "typo"]])
def test_tree_rejects_unknown_tasks(tasks: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        d.apply_decision_tree(tasks)
    assert "embeddings" in info.value.fix


def test_worked_scenarios_are_source_004s_three() -> None:
    assert [s.key for s in d.WORKED_SCENARIOS] == ["health", "internal", "support"]
    assert [s.source_decision for s in d.WORKED_SCENARIOS] == [
        Recommendation.OPEN_SELF_HOSTED,
        Recommendation.CLOSED_API,
        Recommendation.HYBRID,
    ]
    for s in d.WORKED_SCENARIOS:
        assert s.assumptions and s.source_reasons and set(s.tree_tasks) <= set(d.TREE_KEYS)


def test_frameworks_on_the_worked_scenarios() -> None:
    runs = {s.key: d.run_scenario(s) for s in d.WORKED_SCENARIOS}
    health, internal, support = runs["health"], runs["internal"], runs["support"]
    # health: privacy decides the flow; the VPC rule overrides the matrix total of 20 (open primary)
    assert health.flow.recommendation is Recommendation.OPEN_SELF_HOSTED and len(health.flow.path) == 1
    assert health.matrix.total == 20 and health.matrix.recommendation is Recommendation.OPEN_ONLY
    assert health.matrix.band.recommendation is Recommendation.OPEN_PRIMARY
    # internal tools: every framework says closed, or (the tree) "depends" for a coding task
    assert internal.flow.recommendation is Recommendation.CLOSED_API
    assert internal.matrix.total == 9 and internal.matrix.recommendation is Recommendation.CLOSED_API
    assert internal.tree.recommendation is Recommendation.DEPENDS
    # support desk: the flow has no hybrid outcome and stops at Q2; matrix and tree find the hybrid
    assert support.flow.recommendation is Recommendation.CLOSED_API
    assert any("Q4" in w and "Q5" in w for w in support.flow.warnings)
    assert support.matrix.total == 18 and support.matrix.recommendation is Recommendation.HYBRID
    assert support.tree.recommendation is Recommendation.HYBRID


def test_when_not_lists_both_sides() -> None:
    assert set(d.WHEN_NOT) == {"open", "frontier"}
    assert len(d.WHEN_NOT["open"]) == 3 and len(d.WHEN_NOT["frontier"]) == 4


def test_compare_frameworks_on_agreeing_and_disagreeing_workloads() -> None:
    internal = d.WORKED_SCENARIOS[1]
    same = d.compare_frameworks(
        flow=internal.flow, matrix=internal.matrix, tree_tasks=["customer_facing_agent"]
    )
    assert same.agree and same.summary.startswith("All three frameworks agree: Closed API")
    assert same.caveats[-3:] == d.STANDING_CAVEATS and "12 months" in same.caveats[-1]
    support = d.WORKED_SCENARIOS[2]
    split = d.compare_frameworks(flow=support.flow, matrix=support.matrix, tree_tasks=support.tree_tasks)
    assert not split.agree and "disagree" in split.summary and "Closed API" in split.summary
    assert len(split.decisions) == 3 and any("both ways" in c for c in split.caveats)


def test_article_price_note_compares_the_implied_price_with_the_reference_model_today() -> None:
    from course.economics.costs import ApiPlan
    from course.economics.prices import reference_model

    frontier = reference_model("frontier")
    blended = ApiPlan.from_price(frontier, input_share=0.75).blended_usd_per_mtok
    note = d.article_price_note()
    assert "USD 25 per 1M" in note and frontier.name in note and f"USD {blended:.2f}" in note
    assert f"{d.ARTICLE_004_USD_PER_MTOK / blended:.1f}x less" in note
    # the scenarios' assumed volumes are the article's bills at that price (A: USD 15,000/month -> 20M/day)
    assert round(15_000 / 30 / d.ARTICLE_004_USD_PER_MTOK) == 20
