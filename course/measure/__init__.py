"""Timing LLM requests the way serving benchmarks do (vLLM's metric definitions).

- :mod:`.metrics`: one request's TTFT, TPOT, ITL, E2E, token counts (pure functions + RequestMetrics)
- :mod:`.summary`: percentiles, aggregate tokens/s, goodput against an :class:`Slo`
- :mod:`.prompts`: the bundled prompt set, the order requests draw it in, salting against caches
- :mod:`.records`: results appended to JSONL as they arrive, and read back
- :mod:`.runner`: one request; a workload sent one request at a time
- :mod:`.sweep`: the same workload at several concurrency levels
"""

from course.measure.metrics import (
    RequestMetrics,
    content_times,
    failed_metrics,
    inter_token_latencies_s,
    metrics_from_stream,
    request_metrics,
    time_per_output_token_s,
    time_to_first_token_s,
    tokens_per_s,
)
from course.measure.prompts import Prompt, describe_mix, draw_prompts, load_prompts
from course.measure.records import JsonlRecorder, load_metrics, load_results
from course.measure.runner import TIMING_OPTIONS, WorkloadResult, run_workload, time_request
from course.measure.summary import (
    LatencySummary,
    Slo,
    percentile,
    percentile_table,
    requests_frame,
    summaries_frame,
    summarize,
)
from course.measure.sweep import SweepResult, check_concurrency, sweep_concurrency

__all__ = [
    "TIMING_OPTIONS",
    "JsonlRecorder",
    "LatencySummary",
    "Prompt",
    "RequestMetrics",
    "Slo",
    "SweepResult",
    "WorkloadResult",
    "check_concurrency",
    "content_times",
    "describe_mix",
    "draw_prompts",
    "failed_metrics",
    "inter_token_latencies_s",
    "load_metrics",
    "load_prompts",
    "load_results",
    "metrics_from_stream",
    "percentile",
    "percentile_table",
    "request_metrics",
    "requests_frame",
    "run_workload",
    "summaries_frame",
    "summarize",
    "sweep_concurrency",
    "time_per_output_token_s",
    "time_request",
    "time_to_first_token_s",
    "tokens_per_s",
]
