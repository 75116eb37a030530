"""Three article claims that flip with the self-hosted throughput assumption."""

from __future__ import annotations

import pytest

from course.errors import ConfigError
from course.teaching.source_claims import (
    BATCHED_TOKENS_PER_S,
    SOURCE_IMPLIED_TOKENS_PER_S,
    claims_at_throughput,
)


def test_throughput_decides_the_conclusions() -> None:
    rows = claims_at_throughput()
    slow = [r for r in rows if r.throughput_tokens_per_s == SOURCE_IMPLIED_TOKENS_PER_S]
    fast = [r for r in rows if r.throughput_tokens_per_s == BATCHED_TOKENS_PER_S]
    assert len(slow) == len(fast) == 4
    # under 2M/day the API wins at either throughput: the fixed costs decide
    assert slow[3].holds and fast[3].holds
    # at 400 tokens/s the 70-80% saving at 100M/day does not appear; batched it does (against GPT-5 too)
    assert not slow[1].holds and not slow[2].holds
    assert fast[1].holds and fast[2].holds
    # article 002: at 400 tokens/s an H100 never beats GPT-5; batched it pays, but far above 50M/month
    assert "never" in slow[0].result and "pays from" in fast[0].result
    assert not slow[0].holds and not fast[0].holds


def test_bad_throughputs() -> None:
    with pytest.raises(ConfigError):
        claims_at_throughput(())
    with pytest.raises(ConfigError):
        claims_at_throughput((0,))
