"""Timing requests: one request, and a workload of prompts × repeats sent one at a time.

Errors the course understands (:class:`~course.errors.CourseError`: a context overflow, an API
error, a refused connection) become failed rows and the run goes on; anything else is a bug or an
interruption and stops the run, after every finished row has been written to the JSONL file.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from course.backends.base import Backend, GenerationOptions, Message, clock
from course.errors import CourseError
from course.measure.machine_load import MachineLoad, check_machine_load, combine_loads
from course.measure.metrics import (
    RequestLabels,
    RequestMetrics,
    failed_metrics,
    metrics_from_stream,
)
from course.measure.prompts import Prompt, as_prompts
from course.measure.records import JsonlRecorder
from course.measure.repeats import MIN_REPEATS, Spread, describe_pair, interleave, spread
from course.measure.summary import (
    LatencySummary,
    Slo,
    metric_values,
    percentile,
    percentile_table,
    requests_frame,
    summarize,
)
from course.progress import progress_bar

#: Fixed-length, deterministic generation: what a timing run wants unless told otherwise.
TIMING_OPTIONS = GenerationOptions(max_tokens=64, temperature=0.0, ignore_eos=True)


@dataclass(frozen=True)
class Job:
    """One request to send: its id in the run, its prompt and the salt that makes it unique."""

    request_id: int
    prompt: Prompt
    salt: str | None

    def messages(self) -> list[Message]:
        return self.prompt.messages(salt=self.salt)


@dataclass(frozen=True)
class WorkloadResult:
    """The requests of one run and their summary; ``frame`` is one row per request."""

    requests: tuple[RequestMetrics, ...]
    summary: LatencySummary
    jsonl_path: Path | None = None

    @property
    def frame(self) -> pd.DataFrame:
        return requests_frame(self.requests)

    def percentiles(self, *, unit: str = "ms") -> pd.DataFrame:
        """TTFT/TPOT/ITL/E2E × p50/p90/p99."""
        return percentile_table(self.requests, unit=unit)


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def backend_label(backend: Backend) -> tuple[str, str]:
    """(backend name, model name) for the records."""
    info = backend.info()
    return info.backend, info.model


def time_request(
    backend: Backend,
    messages: list[Message],
    *,
    options: GenerationOptions = TIMING_OPTIONS,
    origin_s: float | None = None,
    labels: RequestLabels | None = None,
) -> RequestMetrics:
    """Send one request, read its stream to the end and return its metrics.

    ``origin_s`` (on :data:`clock`) is the run's start, for ``offset_s``. A :class:`CourseError`
    becomes a failed record (``ok=False``, ``error`` = the course's message and fix).
    """
    given: RequestLabels = labels or {}
    full: RequestLabels = {"run_id": "", "request_id": 0, "prompt_id": "", "concurrency": 1, **given}
    if "backend" not in full or "model" not in full:
        full["backend"], full["model"] = backend_label(backend)
    stream = backend.stream_chat(messages, options=options)
    started_at = utc_now_iso()
    sent_s = clock()
    full.setdefault("started_at", started_at)
    try:
        for _ in stream:
            pass
    except CourseError as exc:
        offset = sent_s - origin_s if origin_s is not None else 0.0
        return failed_metrics(f"{type(exc).__name__}: {exc}", offset_s=offset, **full)
    offset = (stream.started_s or sent_s) - origin_s if origin_s is not None else 0.0
    return metrics_from_stream(stream, offset_s=offset, **full)  # every backend sets stream.usage


def make_jobs(
    prompts: Sequence[Prompt], *, n: int, run_id: str, salt: bool = True, first_id: int = 0
) -> list[Job]:
    """``n`` jobs cycling through ``prompts``; salted with the run id and request id."""
    return [
        Job(first_id + i, prompts[i % len(prompts)], f"{first_id + i}:{run_id}" if salt else None)
        for i in range(n)
    ]


def warm_up(backend: Backend, prompts: Sequence[Prompt], *, n: int, options: GenerationOptions) -> None:
    """Send ``n`` untimed requests (model load, caches, connection); failures raise."""
    for i in range(n):
        backend.chat(
            prompts[i % len(prompts)].messages(salt=f"warm-up {uuid.uuid4().hex[:6]}"), options=options
        )


def execute_jobs(
    backends: Sequence[Backend],
    jobs: Sequence[Job],
    *,
    options: GenerationOptions,
    recorder: JsonlRecorder,
    base_labels: RequestLabels,
    on_result: Callable[[RequestMetrics], None] | None = None,
    progress: Any | None = None,  # a progress bar to update() per finished request
) -> list[RequestMetrics]:
    """Run ``jobs`` with one worker per backend (``len(backends)`` requests in flight).

    One backend runs in the calling thread; several run in threads, each with its own backend.
    Results are written to ``recorder`` as they finish and returned in request order.
    """
    results: list[RequestMetrics] = []
    lock = threading.Lock()
    pending = list(reversed(jobs))
    stop = threading.Event()
    failures: list[BaseException] = []
    names = [backend_label(b) for b in backends]
    origin_s = clock()

    def worker(index: int) -> None:
        backend = backends[index]
        name, model = names[index]
        while not stop.is_set():
            with lock:
                if not pending:
                    return
                job = pending.pop()
            labels: RequestLabels = {
                "backend": name,
                "model": model,
                **base_labels,  # may rename the backend (``label=``)
                "request_id": job.request_id,
                "prompt_id": job.prompt.id,
            }
            try:
                metrics = time_request(
                    backend, job.messages(), options=options, origin_s=origin_s, labels=labels
                )
                recorder.write(metrics)
                with lock:
                    results.append(metrics)
                    if progress is not None:
                        progress.update(1)
                if on_result is not None:
                    on_result(metrics)
            except BaseException as exc:  # a bug or an interruption: stop every worker, re-raise below
                failures.append(exc)
                stop.set()
                return

    if len(backends) == 1:
        worker(0)
    else:
        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(backends))]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.1)
        except BaseException:
            stop.set()  # Ctrl-C: finished rows are already on disk
            raise
    if failures:
        raise failures[0]
    return sorted(results, key=lambda m: m.request_id)


def run_workload(
    backend: Backend,
    *,
    prompts: Sequence[Prompt] | Sequence[str] | None = None,
    repeats: int = 1,
    warmup: int = 1,
    options: GenerationOptions | None = None,
    jsonl_path: str | Path | None = None,
    salt: bool = True,
    slo: Slo | None = None,
    run_id: str | None = None,
    label: str | None = None,
    progress: bool = True,
    on_result: Callable[[RequestMetrics], None] | None = None,
) -> WorkloadResult:
    """Send every prompt ``repeats`` times, one request at a time, and time each one.

    ``warmup`` untimed requests go first. ``options`` defaults to :data:`TIMING_OPTIONS` (64 tokens,
    temperature 0, ``ignore_eos`` so every answer has the same length). Each prompt is salted with
    a unique tag unless ``salt=False`` (see :mod:`course.measure.prompts`). Rows are appended to
    ``jsonl_path`` as they arrive. ``label`` replaces the backend's name in the records.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    chosen = as_prompts(prompts)
    opts = options or TIMING_OPTIONS
    run_id = run_id or new_run_id()
    warm_up(backend, chosen, n=warmup, options=opts)
    jobs = make_jobs(chosen, n=len(chosen) * repeats, run_id=run_id, salt=salt)
    with (
        JsonlRecorder(jsonl_path) as recorder,
        progress_bar(total=len(jobs), desc="requests", unit="req", disable=not progress) as bar,
    ):
        results = execute_jobs(
            [backend],
            jobs,
            options=opts,
            recorder=recorder,
            base_labels={"run_id": run_id, "concurrency": 1, **({"backend": label} if label else {})},
            on_result=on_result,
            progress=bar,
        )
    return WorkloadResult(
        requests=tuple(results),
        summary=summarize(results, slo=slo, concurrency=1),
        jsonl_path=Path(jsonl_path) if jsonl_path is not None else None,
    )


@dataclass(frozen=True)
class RepeatedWorkload:
    """One backend's runs of the same workload, repeated (taken in turns with the other backends)."""

    label: str
    runs: tuple[WorkloadResult, ...]

    @property
    def requests(self) -> tuple[RequestMetrics, ...]:
        """Every request of every repeat (pooled: what the percentiles of the whole run use)."""
        return tuple(m for run in self.runs for m in run.requests)

    @property
    def frame(self) -> pd.DataFrame:
        return requests_frame(self.requests)

    def percentiles(self, *, unit: str = "ms") -> pd.DataFrame:
        """TTFT/TPOT/ITL/E2E × p50/p90/p99 over every request of every repeat."""
        return percentile_table(self.requests, unit=unit)

    def p50(self, metric: str) -> Spread:
        """Each repeat's own p50 of ``metric`` (``ttft``, ``tpot``, ``e2e``): its median and range."""
        return spread(getattr(run.summary, f"{metric}_p50_s") for run in self.runs)


@dataclass(frozen=True)
class RepeatedWorkloads:
    """Several backends, the same workload, interleaved repeats, and the machine's load before them."""

    workloads: dict[str, RepeatedWorkload]
    load: MachineLoad | None

    def __getitem__(self, label: str) -> RepeatedWorkload:
        return self.workloads[label]

    def sentences(self, a: str, b: str) -> list[str]:
        """What the two sides' figures say, computed from them (so the text cannot contradict the table).

        p50s are compared across repeats (a difference counts only when the ranges do not overlap); the
        pooled p90 and p99 are read with the caveat that few requests make a noisy tail.
        """
        out = [
            describe_pair(
                self[a].p50(metric).scaled(1000),
                self[b].p50(metric).scaled(1000),
                names=(a, b),
                what=f"{metric.upper()} p50 (median of the repeats, ms)",
                fmt="{:,.1f}",
            )
            for metric in ("ttft", "tpot", "e2e")
        ]
        tails = []
        for q in (90, 99):
            ea = percentile(metric_values(self[a].requests, "e2e"), q) * 1000
            eb = percentile(metric_values(self[b].requests, "e2e"), q) * 1000
            lower = a if ea < eb else b
            tails.append(f"p{q} {a} {ea:,.0f} ms, {b} {eb:,.0f} ms ({lower} lower)")
        n = min(len(self[a].requests), len(self[b].requests))
        out.append(
            f"E2E tail over all {n} requests a side: " + "; ".join(tails) + f". With {n} requests a p99 is "
            "about the slowest request or two: read the tail as a hint, not a measurement."
        )
        return out

    def p50_frame(self, *, unit: str = "ms") -> pd.DataFrame:
        """One row per backend and metric: the median of the repeats' p50s and their min–max."""
        scale = {"ms": 1000.0, "s": 1.0}[unit]
        rows = []
        for label, w in self.workloads.items():
            for metric in ("ttft", "tpot", "e2e"):
                s = w.p50(metric).scaled(scale)
                rows.append(
                    {
                        "backend": label,
                        "metric": f"{metric.upper()} p50 ({unit})",
                        "median of repeats": s.median,
                        "min": s.low,
                        "max": s.high,
                        "repeats": s.n,
                    }
                )
        return pd.DataFrame(rows).set_index(["backend", "metric"])


def repeat_workloads(
    backends: Mapping[str, Backend],
    *,
    repeats: int = MIN_REPEATS,
    prompts: Sequence[Prompt] | Sequence[str] | None = None,
    options: GenerationOptions | None = None,
    jsonl_path: str | Path | None = None,
    warmup: int = 1,
    slo: Slo | None = None,
    check_load: bool = True,
) -> RepeatedWorkloads:
    """Run the same workload on every backend ``repeats`` times, the backends taking turns.

    Each repeat is a :func:`run_workload` of every prompt once (salted anew; the warm-up request only
    before a backend's first repeat), labelled with the backend's key in ``backends``, every row appended
    to ``jsonl_path``. The machine's load is sampled before the first timed request and after the last.
    """
    opts = options or TIMING_OPTIONS
    chosen = as_prompts(prompts)
    for backend in backends.values():
        warm_up(backend, chosen, n=warmup, options=opts)
    load = check_machine_load() if check_load else None

    def one(label: str, backend: Backend) -> Callable[[], WorkloadResult]:
        return lambda: run_workload(
            backend, prompts=chosen, options=opts, jsonl_path=jsonl_path, warmup=0, slo=slo, label=label,
            progress=False,
        )  # fmt: skip

    runs = interleave({label: one(label, b) for label, b in backends.items()}, repeats=repeats)
    if load is not None:
        load = combine_loads(load, check_machine_load())
    return RepeatedWorkloads({label: RepeatedWorkload(label, tuple(r)) for label, r in runs.items()}, load)
