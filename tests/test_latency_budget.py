"""Latency budget arithmetic: network + queue + prefill + decode, and what concurrency does."""

from __future__ import annotations

import pytest

from course.errors import ConfigError
from course.plots.operations import plot_latency_budget
from course.teaching.latency_budget import Deployment, latency_budget, max_output_tokens_within

LOCAL = Deployment(label="local", network_rtt_s=0.002, prefill_tokens_per_s=2000, decode_tokens_per_s=50)


def test_parts_add_up_by_hand() -> None:
    b = latency_budget(LOCAL, prompt_tokens=1000, output_tokens=101, target_s=3)
    assert b.prefill_s == pytest.approx(0.5) and b.decode_s == pytest.approx(2.0)
    assert b.ttft_s == pytest.approx(0.502) and b.e2e_s == pytest.approx(2.502)
    assert b.within_target is True and b.largest_part == "decode"
    assert sum(b.parts().values()) == pytest.approx(b.e2e_s)


def test_ttft_target_ignores_decode() -> None:
    api = Deployment(label="api", network_rtt_s=0.6, prefill_tokens_per_s=10_000, decode_tokens_per_s=100)
    b = latency_budget(api, prompt_tokens=500, output_tokens=300, target_s=0.5, until="ttft")
    assert b.within_target is False and b.largest_part == "decode"
    assert latency_budget(api, prompt_tokens=500, output_tokens=300, target_s=0.7, until="ttft").within_target


@pytest.mark.parametrize("efficiency, slowdown", [(1.0, 1.0), (0.0, 8.0), (0.5, 8 / 4.5)])
def test_concurrency_slows_each_stream(efficiency: float, slowdown: float) -> None:
    d = Deployment(label="x", network_rtt_s=0, prefill_tokens_per_s=1000, decode_tokens_per_s=10,
                   batching_efficiency=efficiency)  # fmt: skip
    assert d.slowdown(8) == pytest.approx(slowdown)
    one = latency_budget(d, prompt_tokens=100, output_tokens=11)
    eight = latency_budget(d, prompt_tokens=100, output_tokens=11, concurrency=8)
    assert eight.decode_s == pytest.approx(one.decode_s * slowdown)


def test_longest_answer_within_a_target() -> None:
    n = max_output_tokens_within(LOCAL, prompt_tokens=1000, target_s=2.502)
    assert n == 101
    assert latency_budget(LOCAL, prompt_tokens=1000, output_tokens=n).e2e_s <= 2.502 + 1e-9
    assert max_output_tokens_within(LOCAL, prompt_tokens=10_000, target_s=1) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"network_rtt_s": -0.1},
        {"decode_tokens_per_s": 0},
        {"batching_efficiency": 1.5},
        {"prefill_tokens_per_s": float("nan")},
    ],
)
def test_bad_deployments(kwargs: dict) -> None:
    base = {"label": "x", "network_rtt_s": 0.1, "prefill_tokens_per_s": 100, "decode_tokens_per_s": 10}
    with pytest.raises(ConfigError, match=next(iter(kwargs))):
        Deployment(**{**base, **kwargs})


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"output_tokens": 0}, "output_tokens"),
        ({"concurrency": 0}, "concurrency"),
        ({"until": "p99"}, "until"),
    ],
)
def test_bad_requests(kwargs: dict, field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        latency_budget(LOCAL, **{"prompt_tokens": 10, "output_tokens": 10, **kwargs})


def test_latency_figure() -> None:
    budgets = [
        latency_budget(LOCAL, prompt_tokens=100, output_tokens=50, concurrency=c, target_s=2) for c in (1, 4)
    ]
    fig = plot_latency_budget(budgets)
    assert len(fig.axes[0].patches) == 4 * len(budgets)


def test_a_served_model_slows_with_concurrency_without_bound_and_queues_past_its_cache() -> None:
    """The capacity model (course.economics.capacity): one stream 100 tok/s, an aggregate ceiling of 2,000
    tok/s, 32 streams in the KV cache. Slowdown is 1 + (c - 1)·100/2000: 1.75 at 16, 2.55 at 32; beyond 32
    requests wait for whole rounds, so the longest answer within a target keeps shrinking."""
    from course.economics.capacity import assumed_capacity

    cap = assumed_capacity(label="8B", gpu="H100 80GB", prefill_tokens_per_s=20_000, decode_tokens_per_s=2000,
                           decode_tokens_per_s_one_stream=100)  # fmt: skip
    cap = type(cap)(**{**cap.__dict__, "max_streams": 32})
    served = Deployment.from_capacity(cap, network_rtt_s=0.002)
    assert served.slowdown(1) == 1 and served.slowdown(16) == pytest.approx(1.75)
    assert served.slowdown(32) == pytest.approx(2.55) and served.slowdown(64) == pytest.approx(2.55)
    assert cap.aggregate_decode_tokens_per_s(32) == pytest.approx(32 / (1 / 100 + 31 / 2000))
    one = latency_budget(served, prompt_tokens=800, output_tokens=150, concurrency=32)
    two_rounds = latency_budget(served, prompt_tokens=800, output_tokens=150, concurrency=64)
    assert one.queue_s == 0 and two_rounds.queue_s == pytest.approx(one.prefill_s + one.decode_s)
    longest = [
        max_output_tokens_within(served, prompt_tokens=800, target_s=3.0, concurrency=c)
        for c in (1, 16, 64, 256)
    ]
    assert (
        longest == sorted(longest, reverse=True)
        and longest[0] > 1.5 * longest[1] > 0
        and longest[-1] < longest[2]
    )
    with pytest.raises(ConfigError, match="one-stream"):
        Deployment.from_capacity(assumed_capacity(label="x", gpu="H100 80GB", prefill_tokens_per_s=1,
                                                  decode_tokens_per_s=1), network_rtt_s=0)  # fmt: skip
