"""Timing LLM requests the way serving benchmarks do (vLLM's metric definitions).

- :mod:`.metrics`: one request's TTFT, TPOT, ITL, E2E, token counts (pure functions + RequestMetrics)
- :mod:`.summary`: percentiles, aggregate tokens/s, goodput against an :class:`Slo`
- :mod:`.prompts`: the bundled prompt set, the order requests draw it in, salting against caches
- :mod:`.records`: results appended to JSONL as they arrive, and read back
- :mod:`.runner`: one request; a workload sent one request at a time
- :mod:`.sweep`: the same workload at several concurrency levels, and repeated sweeps
- :mod:`.repeats`: interleaved repeats, the median with its spread, changes read against the spread
- :mod:`.machine_load`: is the machine busy? (sampled before timing, printed beside the numbers)
- :mod:`.speed`: single-stream TTFT and decode speed of one or more loaded models, repeated
"""

from course.measure.machine_load import MachineLoad, check_machine_load
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
from course.measure.repeats import Spread, describe_change, describe_pair, interleave, spread
from course.measure.runner import (
    TIMING_OPTIONS,
    RepeatedWorkloads,
    WorkloadResult,
    repeat_workloads,
    run_workload,
    time_request,
)
from course.measure.speed import SpeedComparison, compare_speed, measure_speed
from course.measure.summary import (
    LatencySummary,
    Slo,
    percentile,
    percentile_table,
    requests_frame,
    summaries_frame,
    summarize,
)
from course.measure.sweep import (
    RepeatedSweeps,
    SweepResult,
    check_concurrency,
    repeat_sweeps,
    sweep_concurrency,
)

__all__ = [
    "TIMING_OPTIONS",
    "JsonlRecorder",
    "LatencySummary",
    "MachineLoad",
    "Prompt",
    "RepeatedSweeps",
    "RepeatedWorkloads",
    "RequestMetrics",
    "Slo",
    "SpeedComparison",
    "Spread",
    "SweepResult",
    "WorkloadResult",
    "check_concurrency",
    "check_machine_load",
    "compare_speed",
    "content_times",
    "describe_change",
    "describe_mix",
    "describe_pair",
    "draw_prompts",
    "failed_metrics",
    "inter_token_latencies_s",
    "interleave",
    "load_metrics",
    "load_prompts",
    "load_results",
    "measure_speed",
    "metrics_from_stream",
    "percentile",
    "percentile_table",
    "repeat_sweeps",
    "repeat_workloads",
    "request_metrics",
    "requests_frame",
    "run_workload",
    "spread",
    "summaries_frame",
    "summarize",
    "sweep_concurrency",
    "time_per_output_token_s",
    "time_request",
    "time_to_first_token_s",
    "tokens_per_s",
]
