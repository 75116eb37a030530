"""A latency budget: where the seconds of one request go, and what concurrency does to them.

One request's end-to-end time is the network round trip, time queued, prefill (the prompt, which
sets the time to first token, TTFT) and decode (each generated token after the first). A batching
server shares its GPU between the requests in flight: the total tokens/s rise, each stream's rate
falls, and once the KV cache is full new requests wait for a slot.

For a server you run, that is the course's capacity model
(:class:`course.economics.capacity.ServingCapacity`, from published measurements): build the deployment
with :meth:`Deployment.from_capacity`, and each stream's slowdown is ``1 + (c - 1)·d1/D`` (one stream's
decode rate ``d1`` against the aggregate ceiling ``D``), growing without bound, with requests beyond the
cache's ``max_streams`` queued. For a deployment whose load you cannot see (an API: the provider batches
your requests with everyone else's), ``batching_efficiency`` keeps the simple reading: 1 means ``c``
streams each keep the single-stream rate, 0 means they split it (a serial server).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course.economics.capacity import ServingCapacity
from course.errors import ConfigError


def _positive(name: str, value: float, *, zero_ok: bool = False) -> None:
    bad = isinstance(value, bool) or not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok)
    if bad:
        fix = f"Pass {name} {'0 or more' if zero_ok else 'above 0'}."
        raise ConfigError(f"{name} is {value!r}.", fix=fix)


@dataclass(frozen=True, kw_only=True)
class Deployment:
    """Where the model runs and how fast it is with one request in flight."""

    label: str
    network_rtt_s: float  # one round trip from the user's request to the server and back
    queue_s: float = 0.0  # waiting for a slot (rate limits, a full server)
    prefill_tokens_per_s: float
    decode_tokens_per_s: float  # one stream, alone on the server
    batching_efficiency: float = 1.0  # 1: streams keep their rate; 0: they split it (no capacity given)
    capacity: ServingCapacity | None = None  # your own server: slowdown and queueing follow it

    def __post_init__(self) -> None:
        _positive("network_rtt_s", self.network_rtt_s, zero_ok=True)
        _positive("queue_s", self.queue_s, zero_ok=True)
        _positive("prefill_tokens_per_s", self.prefill_tokens_per_s)
        _positive("decode_tokens_per_s", self.decode_tokens_per_s)
        if not 0 <= self.batching_efficiency <= 1:
            raise ConfigError(
                f"batching_efficiency is {self.batching_efficiency!r}.", fix="Pass a share from 0 to 1."
            )
        one = None if self.capacity is None else self.capacity.decode_tokens_per_s_one_stream
        if self.capacity is not None and (one is None or not math.isclose(one, self.decode_tokens_per_s)):
            raise ConfigError(
                f"decode_tokens_per_s is {self.decode_tokens_per_s!r}, but the capacity's one stream decodes "
                f"{one!r}.",
                fix="Build the deployment with Deployment.from_capacity(capacity, ...).",
            )

    @classmethod
    def from_capacity(
        cls,
        capacity: ServingCapacity,
        *,
        network_rtt_s: float,
        queue_s: float = 0.0,
        label: str | None = None,
        prefill_tokens_per_s: float | None = None,
    ) -> Deployment:
        """Your own server, as the capacity model describes it (its one-stream decode rate must be known).

        ``prefill_tokens_per_s`` defaults to the capacity's: prompt processing is limited by arithmetic,
        about as fast for one request as for many.
        """
        if capacity.decode_tokens_per_s_one_stream is None:
            raise ConfigError(
                f"{capacity.label}: no one-stream decode rate.",
                fix="Give the capacity decode_tokens_per_s_one_stream (published, or your roofline scaled).",
            )
        return cls(
            label=label or capacity.label,
            network_rtt_s=network_rtt_s,
            queue_s=queue_s,
            prefill_tokens_per_s=prefill_tokens_per_s or capacity.prefill_tokens_per_s,
            decode_tokens_per_s=capacity.decode_tokens_per_s_one_stream,
            capacity=capacity,
        )

    def slowdown(self, concurrency: int) -> float:
        """How many times slower each stream runs with ``concurrency`` requests in flight."""
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ConfigError(f"concurrency is {concurrency!r}.", fix="Pass a whole number of 1 or more.")
        if self.capacity is not None:
            return self.capacity.slowdown(concurrency)
        aggregate_speedup = 1 + (concurrency - 1) * self.batching_efficiency
        return concurrency / aggregate_speedup

    def waves(self, concurrency: int) -> int:
        """How many rounds of requests the server works through: 1 until the KV cache is full, then more
        (a request in round ``k`` waits for ``k - 1`` rounds to finish)."""
        cap = None if self.capacity is None else self.capacity.max_streams
        return 1 if cap is None else math.ceil(concurrency / cap)


@dataclass(frozen=True)
class LatencyBudget:
    """One request's seconds, part by part, against a target."""

    label: str
    concurrency: int
    network_s: float
    queue_s: float
    prefill_s: float
    decode_s: float
    ttft_s: float
    e2e_s: float
    target_s: float | None
    within_target: bool | None
    largest_part: str

    def parts(self) -> dict[str, float]:
        return {
            "network": self.network_s,
            "queue": self.queue_s,
            "prefill": self.prefill_s,
            "decode": self.decode_s,
        }


def latency_budget(
    deployment: Deployment,
    *,
    prompt_tokens: int,
    output_tokens: int,
    concurrency: int = 1,
    target_s: float | None = None,
    until: str = "e2e",
) -> LatencyBudget:
    """Split one request's time into network, queue, prefill and decode; compare with ``target_s``.

    ``until="ttft"`` compares the time to first token with the target instead (streaming chat);
    the decode part is still reported.
    """
    for name, value in (("prompt_tokens", prompt_tokens), ("output_tokens", output_tokens)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name[0] == "o" else 0):
            raise ConfigError(f"{name} is {value!r}.", fix=f"Pass {name} as a whole number of tokens.")
    if until not in ("e2e", "ttft"):
        raise ConfigError(f"until is {until!r}.", fix="Pass 'e2e' or 'ttft'.")
    if target_s is not None:
        _positive("target_s", target_s)
    slow = deployment.slowdown(concurrency)
    prefill = prompt_tokens / deployment.prefill_tokens_per_s * slow
    decode = (output_tokens - 1) / deployment.decode_tokens_per_s * slow
    # past the KV cache's room, the last requests in flight wait for whole rounds of others to finish
    queue = deployment.queue_s + (deployment.waves(concurrency) - 1) * (prefill + decode)
    ttft = deployment.network_rtt_s + queue + prefill
    e2e = ttft + decode
    parts = {
        "network": deployment.network_rtt_s,
        "queue": queue,
        "prefill": prefill,
        "decode": decode,
    }
    measured = ttft if until == "ttft" else e2e
    return LatencyBudget(
        label=deployment.label,
        concurrency=concurrency,
        network_s=deployment.network_rtt_s,
        queue_s=queue,
        prefill_s=prefill,
        decode_s=decode,
        ttft_s=ttft,
        e2e_s=e2e,
        target_s=target_s,
        within_target=None if target_s is None else measured <= target_s,
        largest_part=max(parts, key=parts.__getitem__),
    )


def max_output_tokens_within(
    deployment: Deployment, *, prompt_tokens: int, target_s: float, concurrency: int = 1
) -> int:
    """The longest answer (tokens) that finishes within ``target_s``; 0 if the first token is late."""
    first = latency_budget(deployment, prompt_tokens=prompt_tokens, output_tokens=1, concurrency=concurrency)
    _positive("target_s", target_s)
    if first.e2e_s > target_s:
        return 0
    if deployment.waves(concurrency) == 1:
        per_token = deployment.slowdown(concurrency) / deployment.decode_tokens_per_s
        return 1 + math.floor((target_s - first.e2e_s) / per_token + 1e-9)

    def fits(n: int) -> bool:  # queued: a longer answer also delays the rounds before it
        budget = latency_budget(
            deployment, prompt_tokens=prompt_tokens, output_tokens=n, concurrency=concurrency
        )
        return budget.e2e_s <= target_s + 1e-9

    low, high = 1, 2
    while fits(high):
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low
