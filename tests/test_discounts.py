"""Batch, volume, reserved and spot discounts: dated rows, and what they do to a plan or a setup."""

from __future__ import annotations

import pytest

from course.economics import costs
from course.economics.discounts import discounted_plan, discounted_setup, discounts
from course.errors import ConfigError

PLAN = costs.ApiPlan(
    usd_per_mtok_input=1.25, usd_per_mtok_output=10, usd_per_mtok_cached_input=0.125, input_share=0.75
)
SETUP = costs.SelfHostSetup(usd_per_gpu_hour=2.0, throughput_tokens_per_s=1000, utilisation=0.5,
                            engineering_hours_per_month=10, staff_usd_per_hour=100)  # fmt: skip


def test_rows_are_dated_and_sourced() -> None:
    rows = discounts()
    assert {r.side for r in rows} == {"api", "self_host"}
    batch = [r for r in rows if "Batch" in r.name]
    assert len(batch) == 3 and all(r.low_share == r.high_share == 0.5 for r in batch)


def test_batch_price_halves_the_bill() -> None:
    half = discounted_plan(PLAN, discount_share=0.5)
    assert half.blended_usd_per_mtok == pytest.approx(PLAN.blended_usd_per_mtok / 2)
    assert half.usd_per_mtok_cached_input == pytest.approx(0.0625) and "50% off" in half.label


def test_gpu_discount_leaves_staff_alone() -> None:
    cheap = discounted_setup(SETUP, discount_share=0.4)
    full = costs.self_host_monthly_cost(SETUP, 1e6)
    cut = costs.self_host_monthly_cost(cheap, 1e6)
    assert cut.gpu_usd_per_month == pytest.approx(full.gpu_usd_per_month * 0.6)
    assert cut.staff_usd_per_month == full.staff_usd_per_month == 1000


def test_a_cheaper_api_moves_the_break_even_up() -> None:
    base = costs.break_even(PLAN, SETUP).tokens_per_day
    batch = costs.break_even(discounted_plan(PLAN, discount_share=0.5), SETUP).tokens_per_day
    assert base is not None and (batch is None or batch > base)


@pytest.mark.parametrize("share", [-0.1, 1.0, True])
def test_bad_discounts(share: object) -> None:
    with pytest.raises(ConfigError, match="discount_share"):
        discounted_plan(PLAN, discount_share=share)  # type: ignore[arg-type]
