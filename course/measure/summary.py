"""Summaries of many timed requests: percentiles, aggregate throughput and goodput against an SLO."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from course.measure.metrics import RequestMetrics

PERCENTILES: tuple[int, ...] = (50, 90, 99)
LATENCY_METRICS: tuple[str, ...] = ("ttft", "tpot", "itl", "e2e")


@dataclass(frozen=True)
class Slo:
    """A service-level objective: a request is *good* when it succeeded and meets every set bound."""

    ttft_s: float | None = None
    tpot_s: float | None = None
    e2e_s: float | None = None

    def met_by(self, m: RequestMetrics) -> bool:
        """True when ``m`` succeeded within every bound (a TPOT that is undefined counts as met)."""
        if not m.ok:
            return False
        for name in ("ttft_s", "tpot_s", "e2e_s"):
            bound, value = getattr(self, name), getattr(m, name)
            if bound is None or (value is None and name == "tpot_s"):  # one-token answers have no TPOT
                continue
            if value is None or value > bound:
                return False
        return True

    def describe(self) -> str:
        parts = [
            f"{name} ≤ {bound * 1000:g} ms"
            for name, bound in (("TTFT", self.ttft_s), ("TPOT", self.tpot_s), ("E2E", self.e2e_s))
            if bound is not None
        ]
        return " and ".join(parts) or "none"


@dataclass(frozen=True)
class LatencySummary:
    """Percentiles and throughput of a set of requests (one run, or one concurrency level).

    ``wall_s`` runs from the first request sent to the last one finished; aggregate rates divide
    by it, so they count overlap between concurrent requests. NaN marks a figure with no data.
    ``prompt_mix`` says which prompt lengths were sent (``"short 3, medium 3, long 2"``) and
    ``prompt_order``/``prompt_seed`` how they were ordered (see :func:`course.measure.prompts.draw_prompts`).
    """

    concurrency: int | None
    n_requests: int
    n_ok: int
    n_failed: int
    wall_s: float
    output_tokens: int
    output_tokens_per_s: float  # aggregate: all output tokens / wall_s
    requests_per_s: float
    ttft_p50_s: float
    ttft_p90_s: float
    ttft_p99_s: float
    tpot_p50_s: float
    tpot_p90_s: float
    tpot_p99_s: float
    itl_p50_s: float
    itl_p90_s: float
    itl_p99_s: float
    e2e_p50_s: float
    e2e_p90_s: float
    e2e_p99_s: float
    slo: str | None = None
    good_requests: int | None = None
    goodput_requests_per_s: float | None = None  # requests meeting the SLO / wall_s
    prompt_mix: str | None = None
    prompt_order: str | None = None
    prompt_seed: int | None = None

    def as_row(self) -> dict[str, object]:
        return asdict(self)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (numpy's linear interpolation, as vLLM reports); NaN when empty."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else math.nan


def wall_time_s(requests: Iterable[RequestMetrics]) -> float:
    """First send to last finish over the successful requests (NaN when none succeeded)."""
    spans = [(m.offset_s, m.offset_s + e2e_s) for m in requests if m.ok and (e2e_s := m.e2e_s) is not None]
    if not spans:
        return math.nan
    return max(end for _, end in spans) - min(start for start, _ in spans)


def metric_values(requests: Sequence[RequestMetrics], metric: str) -> list[float]:
    """Values of ``ttft``/``tpot``/``e2e`` (one per request) or ``itl`` (all gaps pooled)."""
    ok = [m for m in requests if m.ok]
    if metric == "itl":
        return [gap for m in ok for gap in m.itl_s]
    if metric not in LATENCY_METRICS:
        raise ValueError(f"metric must be one of {LATENCY_METRICS}, not {metric!r}")
    values = (getattr(m, f"{metric}_s") for m in ok)
    return [v for v in values if v is not None]


def summarize(
    requests: Sequence[RequestMetrics],
    *,
    slo: Slo | None = None,
    concurrency: int | None = None,
    prompt_mix: str | None = None,
    prompt_order: str | None = None,
    prompt_seed: int | None = None,
) -> LatencySummary:
    """Summarize ``requests``: p50/p90/p99 of TTFT/TPOT/ITL/E2E, aggregate tokens/s, goodput.

    ``prompt_mix``, ``prompt_order`` and ``prompt_seed`` are recorded as given (what was sent, and how).
    """
    ok = [m for m in requests if m.ok]
    wall = wall_time_s(requests)
    out_tokens = sum(m.output_tokens or 0 for m in ok)

    def rate(count: float) -> float:
        return count / wall if wall and wall > 0 else math.nan

    pct: dict[str, float] = {}
    for metric in LATENCY_METRICS:
        values = metric_values(requests, metric)
        for q in PERCENTILES:
            pct[f"{metric}_p{q}_s"] = percentile(values, q)
    good = sum(slo.met_by(m) for m in requests) if slo else None
    return LatencySummary(
        concurrency=concurrency,
        n_requests=len(requests),
        n_ok=len(ok),
        n_failed=len(requests) - len(ok),
        wall_s=wall,
        output_tokens=out_tokens,
        output_tokens_per_s=rate(out_tokens),
        requests_per_s=rate(len(ok)),
        slo=slo.describe() if slo else None,
        good_requests=good,
        goodput_requests_per_s=rate(good) if good is not None else None,
        prompt_mix=prompt_mix,
        prompt_order=prompt_order,
        prompt_seed=prompt_seed,
        **pct,
    )


def percentile_table(requests: Sequence[RequestMetrics], *, unit: str = "ms") -> pd.DataFrame:
    """A small table: rows TTFT/TPOT/ITL/E2E, columns p50/p90/p99 (in ``ms`` or ``s``)."""
    scale = {"ms": 1000.0, "s": 1.0}[unit]
    rows = {
        metric.upper(): {f"p{q}": percentile(metric_values(requests, metric), q) * scale for q in PERCENTILES}
        for metric in LATENCY_METRICS
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.columns.name = f"latency ({unit})"
    return table


def summaries_frame(summaries: Iterable[LatencySummary]) -> pd.DataFrame:
    """One row per summary (e.g. per concurrency level)."""
    return pd.DataFrame([s.as_row() for s in summaries])


def requests_frame(requests: Iterable[RequestMetrics]) -> pd.DataFrame:
    """One row per request (``itl_s`` stays a tuple column)."""
    rows = [m.to_record() for m in requests]
    frame = pd.DataFrame(rows, columns=list(RequestMetrics.__dataclass_fields__))
    if len(frame):
        frame["itl_s"] = frame["itl_s"].map(tuple)
    return frame
