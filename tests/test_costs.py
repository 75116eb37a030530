"""The cost model: both bills, break-even with step costs, sensitivity, hybrid blends, articles' figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from course.economics import costs
from course.economics.costs import ApiPlan, SelfHostSetup
from course.economics.prices import load_prices
from course.errors import ConfigError

D = 30.0  # a round month keeps the hand arithmetic below readable


def _api(plan: ApiPlan, volume: float) -> float:
    return costs.api_monthly_cost(plan, volume, days_per_month=D).usd_per_month


def _own(setup: SelfHostSetup, volume: float) -> float:
    return costs.self_host_monthly_cost(setup, volume, days_per_month=D).usd_per_month


# --- the API side ---------------------------------------------------------------------------------


def test_api_bill_splits_input_cached_and_output() -> None:
    plan = ApiPlan(
        usd_per_mtok_input=2.5,
        usd_per_mtok_output=10,
        usd_per_mtok_cached_input=1.25,
        input_share=0.8,
        cached_input_share=0.5,
    )
    bill = costs.api_monthly_cost(plan, 10e6, days_per_month=D)
    mtok = 10 * D  # 300M tokens a month
    assert bill.input_usd_per_month == pytest.approx(mtok * 0.8 * (0.5 * 1.25 + 0.5 * 2.5))
    assert bill.output_usd_per_month == pytest.approx(mtok * 0.2 * 10)
    assert bill.usd_per_month == pytest.approx(bill.input_usd_per_month + bill.output_usd_per_month)
    assert bill.usd_per_mtok == pytest.approx(plan.blended_usd_per_mtok)


def test_cached_share_without_a_cached_price_bills_the_input_price() -> None:
    plan = ApiPlan(usd_per_mtok_input=1, usd_per_mtok_output=2, input_share=1, cached_input_share=1)
    assert plan.blended_usd_per_mtok == 1


def test_default_month_is_30_4_days() -> None:
    plan = ApiPlan(usd_per_mtok_input=1, usd_per_mtok_output=1, input_share=0.5)
    assert costs.api_monthly_cost(plan, 1e6).usd_per_month == pytest.approx(30.4)


def test_fixed_api_cost_makes_zero_volume_infinitely_dear_per_token() -> None:
    plan = ApiPlan(usd_per_mtok_input=1, usd_per_mtok_output=1, input_share=0.5, fixed_usd_per_month=50)
    assert costs.api_monthly_cost(plan, 0).usd_per_mtok == math.inf
    assert costs.effective_usd_per_mtok(0, 0) == 0


def test_input_share_for_price_inverts_the_blend() -> None:
    price = load_prices().api("gpt-4o")
    share = costs.input_share_for_price(price, 4.375)
    assert share == pytest.approx(0.75)
    assert costs.input_share_for_price(price, 1.5) is None  # below the uncached input price
    assert costs.input_share_for_price(price, 1.5, cached_input_share=1) == pytest.approx(8.5 / 8.75)


@pytest.mark.parametrize(
    "field, value",
    [
        ("usd_per_mtok_input", -1.0),
        ("input_share", 1.2),
        ("cached_input_share", -0.1),
        ("usd_per_mtok_output", math.nan),
    ],
)
def test_api_plan_rejects_bad_values(field: str, value: float) -> None:
    good = {"usd_per_mtok_input": 1.0, "usd_per_mtok_output": 2.0, "input_share": 0.5}
    with pytest.raises(ConfigError, match=field):
        ApiPlan(**{**good, field: value})


# --- the self-hosted side -------------------------------------------------------------------------


def _pair(**changes: object) -> SelfHostSetup:
    base = {
        "usd_per_gpu_hour": 2.0,
        "gpus_per_replica": 2,
        "throughput_tokens_per_s": 500,
        "utilisation": 0.5,
    }
    return SelfHostSetup(**{**base, **changes})  # type: ignore[arg-type]


def test_replicas_step_up_with_volume() -> None:
    setup = _pair()
    cap = 500 * 0.5 * 24 * 3600
    assert setup.capacity_tokens_per_day_per_replica == cap
    assert [setup.replicas_needed(v) for v in (0, cap, cap * 1.0001, 3 * cap)] == [1, 1, 2, 3]
    cost = costs.self_host_monthly_cost(setup, cap * 2.5, days_per_month=D)
    assert (cost.replicas, cost.gpus) == (3, 6)
    assert cost.gpu_usd_per_month == pytest.approx(6 * 2.0 * 24 * D)
    assert cost.load_share == pytest.approx(2.5 / 3)


def test_staff_and_fixed_costs_add_to_gpus() -> None:
    setup = _pair(
        engineering_hours_per_month=10,
        oncall_hours_per_month=5,
        staff_usd_per_hour=100,
        fixed_usd_per_month=50,
    )
    cost = costs.self_host_monthly_cost(setup, 1e6, days_per_month=D)
    assert cost.staff_usd_per_month == 1500
    assert cost.usd_per_month == pytest.approx(cost.gpu_usd_per_month + 1550)


def test_serving_window_and_scale_to_zero_bill_fewer_hours() -> None:
    window = costs.self_host_monthly_cost(_pair(serving_hours_per_day=8), 1e6, days_per_month=D)
    assert window.gpu_hours_per_month == 2 * 8 * D
    busy = costs.self_host_monthly_cost(_pair(scale_to_zero=True), 9e6, days_per_month=D)
    assert busy.gpu_hours_per_month == pytest.approx(
        9e6 / (500 * 0.5 * 3600) * 2 * D
    )  # 10 busy hours x 2 GPUs
    assert costs.self_host_monthly_cost(_pair(scale_to_zero=True), 0).usd_per_month == 0


def test_mixed_throughput_is_the_harmonic_blend() -> None:
    got = costs.mixed_throughput_tokens_per_s(
        prefill_tokens_per_s=4000, decode_tokens_per_s=400, input_share=0.75
    )
    assert got == pytest.approx(1 / (0.75 / 4000 + 0.25 / 400))


@pytest.mark.parametrize(
    "changes",
    [
        {"utilisation": 0},
        {"utilisation": 1.5},
        {"throughput_tokens_per_s": 0},
        {"gpus_per_replica": 0},
        {"gpus_per_replica": 1.5},
        {"min_replicas": True},
        {"serving_hours_per_day": 25},
        {"staff_usd_per_hour": -5},
    ],
)
def test_setup_rejects_bad_values(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=next(iter(changes))):
        _pair(**changes)


def test_from_gpu_uses_the_snapshot_rate() -> None:
    rate = load_prices().gpu("A100 80GB", provider="datacrunch")
    setup = SelfHostSetup.from_gpu(rate, spot=True, throughput_tokens_per_s=300, utilisation=0.5)
    assert setup.usd_per_gpu_hour == rate.usd_per_hour_spot
    assert "spot" in setup.label


# --- break-even -----------------------------------------------------------------------------------


def test_break_even_single_step_matches_hand_arithmetic() -> None:
    plan = ApiPlan(usd_per_mtok_input=25, usd_per_mtok_output=25, input_share=0.5)
    setup = _pair(usd_per_gpu_hour=1.5)  # 2 GPUs x $1.5 x 720 h = $2,160/month
    found = costs.break_even(plan, setup, days_per_month=D)
    assert found.status == "crosses"
    assert found.tokens_per_day == pytest.approx(2160 / (25 * D) * 1e6)
    assert found.stays_cheaper_from_tokens_per_day == found.tokens_per_day


def test_adding_replicas_can_reopen_the_gap() -> None:
    # A second replica pushes self-hosting above the API again until volume catches up: two windows.
    plan = ApiPlan(usd_per_mtok_input=3, usd_per_mtok_output=15, input_share=0.75)
    setup = _pair(
        usd_per_gpu_hour=1.79,
        throughput_tokens_per_s=500,
        utilisation=0.6,
        engineering_hours_per_month=10,
        staff_usd_per_hour=100,
    )
    found = costs.break_even(plan, setup)
    assert found.status == "crosses" and len(found.windows) == 2
    (_, first_end), (second_start, _) = found.windows
    assert first_end == setup.capacity_tokens_per_day_per_replica
    gap = (first_end + second_start) / 2
    assert costs.compare_costs(plan, setup, gap).cheaper == "api"
    assert found.stays_cheaper_from_tokens_per_day == second_start


def test_api_always_cheaper_when_a_replica_cannot_pay_its_rent() -> None:
    plan = ApiPlan(usd_per_mtok_input=0.1, usd_per_mtok_output=0.4, input_share=0.75)
    found = costs.break_even(plan, _pair())
    assert found.status == "api_always_cheaper" and found.tokens_per_day is None
    assert "marginal cost" in found.reason


def test_self_host_always_cheaper_against_a_big_fixed_api_cost() -> None:
    plan = ApiPlan(usd_per_mtok_input=30, usd_per_mtok_output=30, input_share=0.5, fixed_usd_per_month=1e6)
    found = costs.break_even(plan, _pair())
    assert found.status == "self_host_always_cheaper" and found.tokens_per_day == 0


def test_windows_only_when_cheap_tokens_meet_a_fixed_api_fee() -> None:
    plan = ApiPlan(
        usd_per_mtok_input=0.1, usd_per_mtok_output=0.1, input_share=0.5, fixed_usd_per_month=10_000
    )
    found = costs.break_even(plan, _pair())
    assert found.status == "windows_only"
    assert found.tokens_per_day == 0 and found.stays_cheaper_from_tokens_per_day is None
    assert costs.compare_costs(plan, _pair(), found.windows[-1][1] * 2).cheaper == "api"


def test_scale_to_zero_break_even_is_linear() -> None:
    plan = ApiPlan(usd_per_mtok_input=20, usd_per_mtok_output=20, input_share=0.5)
    setup = _pair(scale_to_zero=True, engineering_hours_per_month=10, staff_usd_per_hour=50)
    found = costs.break_even(plan, setup, days_per_month=D)
    api_per_token_day = 20 * D / 1e6  # USD/month for each token/day
    gpu_per_token_day = 2.0 * 2 * D / (500 * 0.5 * 3600)  # 2 GPUs at $2/h, busy hours only
    assert found.status == "crosses"
    assert found.tokens_per_day == pytest.approx(500 / (api_per_token_day - gpu_per_token_day))


def test_many_tiny_windows_are_summarised() -> None:
    # Each replica's traffic is worth barely more than its rent: thousands of sawtooth windows.
    setup = SelfHostSetup(
        usd_per_gpu_hour=1.0, throughput_tokens_per_s=1.0, utilisation=1.0, fixed_usd_per_month=1e5
    )
    worth = 1.0 * 24 * 30.4 * (1 + 1e-6)  # USD/month of API traffic one replica serves
    per_mtok = worth / (3600 * 24 * 30.4) * 1e6
    plan = ApiPlan(usd_per_mtok_input=per_mtok, usd_per_mtok_output=per_mtok, input_share=0.5)
    found = costs.break_even(plan, setup)
    assert found.truncated and math.isinf(found.windows[-1][1])
    later = found.windows[-1][0] * 1.01
    assert costs.compare_costs(plan, setup, later).saving_usd_per_month >= 0


plans = st.builds(
    ApiPlan,
    usd_per_mtok_input=st.floats(0, 20),
    usd_per_mtok_output=st.floats(0, 80),
    usd_per_mtok_cached_input=st.none() | st.floats(0, 2),
    input_share=st.floats(0, 1),
    cached_input_share=st.floats(0, 1),
    fixed_usd_per_month=st.sampled_from([0.0, 0.0, 200.0, 5_000.0]),
)
setups = st.builds(
    SelfHostSetup,
    usd_per_gpu_hour=st.floats(0.1, 10),
    throughput_tokens_per_s=st.floats(10, 5_000),
    utilisation=st.floats(0.05, 1),
    gpus_per_replica=st.integers(1, 8),
    serving_hours_per_day=st.sampled_from([24.0, 12.0, 4.0]),
    scale_to_zero=st.booleans(),
    min_replicas=st.integers(0, 3),
    engineering_hours_per_month=st.floats(0, 80),
    staff_usd_per_hour=st.floats(0, 200),
    fixed_usd_per_month=st.floats(0, 2_000),
)
volumes = st.floats(1, 2e9)  # a break-even at zero traffic means nothing; the solver looks above zero


@given(plans, setups, volumes, volumes)
def test_costs_never_fall_as_volume_grows(plan: ApiPlan, setup: SelfHostSetup, v1: float, v2: float) -> None:
    low, high = sorted((v1, v2))
    assert _api(plan, low) <= _api(plan, high) + 1e-9
    assert _own(setup, low) <= _own(setup, high) + 1e-9


@given(plans, setups)
def test_break_even_is_where_the_curves_cross(plan: ApiPlan, setup: SelfHostSetup) -> None:
    found = costs.break_even(plan, setup, days_per_month=D)
    if found.tokens_per_day is None:
        for volume in (1.0, 1e5, 1e7, 1e9):
            assert _own(setup, volume) > _api(plan, volume) - 1e-6
        return
    at = found.tokens_per_day
    assert _own(setup, at) <= _api(plan, at) + 1e-6 * max(1.0, _api(plan, at))
    if at > 0:
        assert math.isclose(_own(setup, at), _api(plan, at), rel_tol=1e-6, abs_tol=1e-6)
        before = at * (1 - 1e-6)
        assert _own(setup, before) > _api(plan, before) - 1e-6 * max(1.0, _api(plan, at))


@given(plans, setups, volumes)
def test_windows_agree_with_direct_evaluation(plan: ApiPlan, setup: SelfHostSetup, volume: float) -> None:
    found = costs.break_even(plan, setup, days_per_month=D)
    assume(not found.truncated)
    near_edge = any(
        math.isclose(volume, edge, rel_tol=1e-6, abs_tol=1e-3) for w in found.windows for edge in w
    )
    assume(not near_edge)
    inside = any(start <= volume <= end for start, end in found.windows)
    assert inside == (_own(setup, volume) <= _api(plan, volume))


@given(plans, setups, st.floats(1, 2e9))
def test_blend_at_the_ends_equals_each_side(plan: ApiPlan, setup: SelfHostSetup, volume: float) -> None:
    at_zero = costs.hybrid_monthly_cost(plan, setup, volume, self_host_share=0.0, days_per_month=D)
    at_one = costs.hybrid_monthly_cost(plan, setup, volume, self_host_share=1.0, days_per_month=D)
    assert at_zero.usd_per_month == pytest.approx(_api(plan, volume))
    assert at_one.usd_per_month == pytest.approx(_own(setup, volume))


@settings(max_examples=40)
@given(plans, setups, st.sampled_from([0.1, 0.2, 0.5]))
def test_sensitivities_bracket_the_base_case(plan: ApiPlan, setup: SelfHostSetup, swing: float) -> None:
    report = costs.break_even_sensitivity(plan, setup, swing=swing, days_per_month=D)
    base = math.inf if report.base_tokens_per_day is None else report.base_tokens_per_day
    for row in report.rows:
        ends = [math.inf if v is None else v for v in (row.tokens_per_day_at_low, row.tokens_per_day_at_high)]
        assert min(ends) <= base * (1 + 1e-9) + 1e-6
        assert max(ends) >= base * (1 - 1e-9) - 1e-6
        assert row.low_value <= row.base_value <= row.high_value
    spreads = [r.spread_tokens_per_day for r in report.rows]
    assert spreads == sorted(spreads, reverse=True)


def test_sensitivity_moves_the_right_way_and_skips_zero_assumptions() -> None:
    plan = ApiPlan(usd_per_mtok_input=3, usd_per_mtok_output=15, input_share=0.75)
    report = costs.break_even_sensitivity(plan, _pair(engineering_hours_per_month=10, staff_usd_per_hour=100))
    rows = {r.parameter: r for r in report.rows}
    assert "self_host.fixed_usd_per_month" not in rows  # zero at base: nothing to vary
    gpu = rows["self_host.usd_per_gpu_hour"]
    assert gpu.tokens_per_day_at_low < report.base_tokens_per_day < gpu.tokens_per_day_at_high
    price = rows["api.usd_per_mtok_output"]
    assert price.tokens_per_day_at_low > report.base_tokens_per_day > price.tokens_per_day_at_high


def test_hybrid_sweep_includes_shares_that_fill_whole_replicas() -> None:
    plan = ApiPlan(usd_per_mtok_input=3, usd_per_mtok_output=15, input_share=0.75)
    setup = _pair()
    volume = 3.5 * setup.capacity_tokens_per_day_per_replica
    sweep = costs.hybrid_sweep(plan, setup, volume)
    shares = [h.self_host_share for h in sweep]
    assert shares == sorted(shares) and shares[0] == 0 and shares[-1] == 1
    assert any(math.isclose(s, 3 / 3.5) for s in shares)
    best = min(sweep, key=lambda h: h.usd_per_month)
    assert math.isclose(best.self_host_share, 3 / 3.5)  # fill 3 replicas, send the rest to the API


def test_hybrid_sweep_is_capped_at_huge_volumes() -> None:
    plan = ApiPlan(usd_per_mtok_input=3, usd_per_mtok_output=15, input_share=0.75)
    setup = SelfHostSetup(usd_per_gpu_hour=1.0, throughput_tokens_per_s=1.0, utilisation=1.0)
    volume = 1e6 * setup.capacity_tokens_per_day_per_replica  # a million replicas' worth
    sweep = costs.hybrid_sweep(plan, setup, volume)
    assert 2_000 < len(sweep) <= 2 * costs.MAX_SWEEP_STEPS + 1
    shares = [h.self_host_share for h in sweep]
    assert shares[0] == 0 and shares[-1] == 1 and shares == sorted(shares)
    for bad in (0, 10**6, 2.5):
        with pytest.raises(ConfigError, match="steps"):
            costs.hybrid_sweep(plan, setup, 1e6, steps=bad)


# --- reasoning tokens -----------------------------------------------------------------------------


def test_reasoning_tokens_are_billed_as_output_but_not_counted_as_traffic() -> None:
    gpt5 = load_prices().api("gpt-5")
    plain = ApiPlan.from_price(gpt5, input_share=0.75)
    thinking = ApiPlan.from_price(gpt5, input_share=0.75, reasoning_tokens_per_output_token=3.0)
    volume = 10e6  # input + visible output tokens a day
    bill, base = costs.api_monthly_cost(thinking, volume, days_per_month=D), _api(plain, volume)
    visible_output_usd = 10 * D * 0.25 * gpt5.usd_per_mtok_output  # 75M output tokens a month
    assert bill.reasoning_usd_per_month == pytest.approx(3 * visible_output_usd)
    assert bill.output_usd_per_month == pytest.approx(4 * visible_output_usd)
    assert bill.usd_per_month == pytest.approx(base + 3 * visible_output_usd)
    assert thinking.usd_per_mtok_output_effective == pytest.approx(4 * gpt5.usd_per_mtok_output)
    assert bill.usd_per_mtok == pytest.approx(thinking.blended_usd_per_mtok)
    # a replica costs 4.44 USD per 1M tokens at full load: above the plain mix, below the thinking one
    setup = _pair()
    assert costs.break_even(plain, setup).status == "api_always_cheaper"
    assert costs.break_even(thinking, setup).status == "crosses"
    with pytest.raises(ConfigError, match="reasoning_tokens_per_output_token"):
        ApiPlan.from_price(gpt5, input_share=0.75, reasoning_tokens_per_output_token=-1)


def test_reasoning_tokens_enter_the_sensitivity_report_when_set() -> None:
    plan = ApiPlan(usd_per_mtok_input=1.25, usd_per_mtok_output=10, input_share=0.75)
    setup = _pair()
    without = {r.parameter for r in costs.break_even_sensitivity(plan, setup).rows}
    assert "api.reasoning_tokens_per_output_token" not in without  # zero: nothing to vary
    thinking = costs.break_even_sensitivity(
        ApiPlan(
            usd_per_mtok_input=1.25,
            usd_per_mtok_output=10,
            input_share=0.75,
            reasoning_tokens_per_output_token=2,
        ),
        setup,
    )
    row = {r.parameter: r for r in thinking.rows}["api.reasoning_tokens_per_output_token"]
    assert row.tokens_per_day_at_high < thinking.base_tokens_per_day < row.tokens_per_day_at_low
