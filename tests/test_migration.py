"""Article 004's phased migration as a plan, walked week by week through a quality gate."""

from __future__ import annotations

import pytest

from course.economics.costs import ApiPlan, SelfHostSetup
from course.errors import ConfigError
from course.plots.migration import plot_migration
from course.routing.migration import (
    Gate,
    WeekMetrics,
    check_gate,
    migration_plan,
    run_migration,
    weeks_to_full,
)

GOOD = WeekMetrics(quality_open=0.90, quality_api=0.92, p95_latency_s_open=1.0, p95_latency_s_api=1.2)
BAD = WeekMetrics(quality_open=0.80, quality_api=0.92)


def test_default_plan_is_source_004s_phases() -> None:
    plan = migration_plan()
    assert [s.phase for s in plan] == ["shadow", "canary", "gradual", "gradual", "gradual", "full"]
    assert [s.open_share for s in plan] == [0.0, 0.05, 0.25, 0.5, 0.75, 1.0]
    assert plan[0].mirrored and not any(s.mirrored for s in plan[1:])
    assert weeks_to_full(plan) == 2 + 2 + 3


def test_gate_decisions() -> None:
    assert check_gate(GOOD).action == "advance"
    bad = check_gate(BAD)
    assert bad.action == "roll back" and "13.0% below" in bad.reasons[0]
    assert check_gate(WeekMetrics(quality_open=None, quality_api=0.9)).action == "hold"
    slow = WeekMetrics(quality_open=0.92, quality_api=0.92, p95_latency_s_open=3, p95_latency_s_api=1)
    assert check_gate(slow).action == "roll back" and "latency" in check_gate(slow).reasons[0]
    errors = WeekMetrics(quality_open=0.92, quality_api=0.92, error_rate_open=0.05)
    assert "error rate" in check_gate(errors).reasons[0]
    assert check_gate(BAD, Gate(max_quality_drop=0.2)).action == "advance"


def test_walk_holds_for_the_steps_weeks_and_rolls_back_one_step() -> None:
    weeks = [GOOD] * 4 + [BAD] + [GOOD] * 6
    rows = run_migration(migration_plan(), weeks)
    assert [r.open_share for r in rows] == [0, 0, 0.05, 0.05, 0.25, 0.05, 0.05, 0.25, 0.5, 0.75, 1.0]
    assert [r.action for r in rows[:5]] == ["hold", "advance", "hold", "advance", "roll back"]


def test_priced_weeks_pay_for_both_paths_in_shadow() -> None:
    api = ApiPlan(usd_per_mtok_input=1, usd_per_mtok_output=1, input_share=0.5)
    own = SelfHostSetup(usd_per_gpu_hour=1, throughput_tokens_per_s=1000, utilisation=1, scale_to_zero=True)
    rows = run_migration(migration_plan(), [GOOD] * 8, api=api, setup=own, tokens_per_day=10e6)
    week_of = 7 * 10  # 10M tokens a day at USD 1 per 1M
    assert rows[0].api_usd == pytest.approx(week_of) and rows[0].self_host_usd > 0
    busy_hours = 10e6 / 1000 / 3600 * 7
    assert rows[0].self_host_usd == pytest.approx(busy_hours)
    assert rows[-1].open_share == 1.0 and rows[-1].api_usd == pytest.approx(0)
    fig = plot_migration(rows)
    assert len(fig.axes) == 2


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"shadow_weeks": 0}, "shadow_weeks"),
        ({"canary_share": 0.5}, "canary_share"),
        ({"gradual_shares": (0.5, 0.25)}, "gradual_shares"),
        ({"gradual_shares": (0.02,)}, "gradual_shares"),
    ],
)
def test_bad_plans(kwargs: dict, field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        migration_plan(**kwargs)
    with pytest.raises(ConfigError):
        run_migration((), [GOOD])
