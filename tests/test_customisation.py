"""Prompting vs retrieval vs fine-tuning, the cost of finding out, distillation terms, embeddings."""

from __future__ import annotations

import math
from datetime import date

import pytest

from course.errors import ConfigError
from course.teaching import customisation as c


@pytest.mark.parametrize(
    "need, lever", [("knowledge", "retrieval"), ("behaviour", "fine-tuning"), ("format", "prompting")]
)
def test_each_need_has_its_lever_and_prompting_comes_first(need: str, lever: str) -> None:
    choice = c.choose_lever(need)  # type: ignore[arg-type]
    assert choice.lever == lever and choice.first_try == "prompting" and choice.why


def test_unknown_need() -> None:
    with pytest.raises(ConfigError, match="speed"):
        c.choose_lever("speed")  # type: ignore[arg-type]


def test_fine_tune_budget_by_hand() -> None:
    b = c.fine_tune_budget(
        examples=4000, usd_per_example=0.01, training_gpu_hours=4, usd_per_gpu_hour=2.5,
        eval_examples=500, eval_usd_per_example=0.5, usd_per_request_now=0.006, usd_per_request_after=0.001,
    )  # fmt: skip
    assert (b.data_usd, b.training_usd, b.evaluation_usd, b.total_usd) == pytest.approx((40, 10, 250, 300))
    assert b.payback_requests == pytest.approx(60_000)
    never = c.fine_tune_budget(
        examples=1, usd_per_example=1, training_gpu_hours=0, usd_per_gpu_hour=0,
        eval_examples=0, eval_usd_per_example=0, usd_per_request_now=0.001, usd_per_request_after=0.002,
    )  # fmt: skip
    assert math.isinf(never.payback_requests)


def test_bad_budget_inputs_are_named() -> None:
    with pytest.raises(ConfigError, match="training_gpu_hours"):
        c.fine_tune_budget(
            examples=1, usd_per_example=1, training_gpu_hours=-1, usd_per_gpu_hour=1,
            eval_examples=0, eval_usd_per_example=0, usd_per_request_now=1, usd_per_request_after=0,
        )  # fmt: skip
    with pytest.raises(ConfigError, match="examples"):
        c.fine_tune_budget(
            examples=1.5, usd_per_example=1, training_gpu_hours=1, usd_per_gpu_hour=1,  # type: ignore[arg-type]
            eval_examples=0, eval_usd_per_example=0, usd_per_request_now=1, usd_per_request_after=0,
        )  # fmt: skip


def test_distillation_example_price() -> None:
    usd = c.distillation_usd_per_example(
        prompt_tokens=500, output_tokens=300, usd_per_mtok_input=1.25, usd_per_mtok_output=10
    )
    assert usd == pytest.approx((500 * 1.25 + 300 * 10) / 1e6)


def test_terms_and_embedding_rows_are_dated_and_sourced() -> None:
    terms = c.distillation_terms()
    assert len(terms) >= 3 and any("Llama" in t.name for t in terms)
    prices = c.embedding_prices()
    assert any(p.open_weights and p.usd_per_mtok is None for p in prices)
    for row in (*terms, *prices):
        assert isinstance(row.as_of, date) and row.source.startswith("https://")


def test_embedding_cost_and_hours() -> None:
    assert c.embedding_cost_usd(corpus_tokens=1e9, usd_per_mtok=0.02) == pytest.approx(20)
    assert c.embedding_cost_usd(corpus_tokens=1e9, usd_per_mtok=0.02, reembeds_per_year=3) == pytest.approx(
        80
    )
    assert c.self_hosted_embedding_hours(corpus_tokens=36e6, tokens_per_s=10_000) == pytest.approx(1.0)
    with pytest.raises(ConfigError):
        c.self_hosted_embedding_hours(corpus_tokens=1, tokens_per_s=0)


def test_payback_figure_marks_the_crossing() -> None:
    from course.plots.customisation import plot_payback

    b = c.fine_tune_budget(
        examples=100, usd_per_example=1, training_gpu_hours=0, usd_per_gpu_hour=0,
        eval_examples=0, eval_usd_per_example=0, usd_per_request_now=0.01, usd_per_request_after=0.002,
    )  # fmt: skip
    ax = plot_payback(b, usd_per_request_now=0.01, requests=30_000, requests_per_day=1000).axes[0]
    assert len(ax.lines) == 3 and "12,500 requests" in ax.texts[0].get_text()
    never = plot_payback(b, usd_per_request_now=0.01, requests=1000).axes[0]
    assert len(never.lines) == 2 and not never.texts


def test_serving_a_fine_tune_costs_its_servers_month_over_its_requests() -> None:
    """Lesson 06's payback includes the self-hosted server's fixed cost: one replica billed around the clock
    plus staff, spread over the month's requests (course.economics.costs.self_host_monthly_cost)."""
    from course.economics.costs import SelfHostSetup, self_host_monthly_cost

    setup = SelfHostSetup(usd_per_gpu_hour=2.0, throughput_tokens_per_s=10_000, utilisation=0.5,
                          engineering_hours_per_month=10, staff_usd_per_hour=100)  # fmt: skip
    month = self_host_monthly_cost(setup, 5_000 * 600).usd_per_month
    assert month == pytest.approx(2.0 * 24 * 30.4 + 1000)
    per_request = c.serving_usd_per_request(setup, requests_per_day=5_000, tokens_per_request=600)
    assert per_request == pytest.approx(month / (5_000 * 30.4))
    # at 5,000 a day the server alone costs more a request than a frontier model's USD 0.006: never repaid
    budget = c.fine_tune_budget(examples=4000, usd_per_example=0.5, training_gpu_hours=4, usd_per_gpu_hour=3,
                                eval_examples=500, eval_usd_per_example=0.5, usd_per_request_now=0.006,
                                usd_per_request_after=per_request)  # fmt: skip
    assert budget.payback_requests == float("inf")
    busier = c.serving_usd_per_request(setup, requests_per_day=50_000, tokens_per_request=600)
    assert busier < 0.006 < per_request
    assert c.serving_usd_per_request(setup, requests_per_day=0, tokens_per_request=600) == float("inf")
