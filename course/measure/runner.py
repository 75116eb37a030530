"""Timing requests: one request, and a workload of prompts × repeats sent one at a time.

Errors the course understands (:class:`~course.errors.CourseError`: a context overflow, an API
error, a refused connection) become failed rows and the run goes on; anything else is a bug or an
interruption and stops the run, after every finished row has been written to the JSONL file.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from course.backends.base import Backend, GenerationOptions, Message, clock
from course.errors import CourseError
from course.measure.metrics import (
    RequestLabels,
    RequestMetrics,
    failed_metrics,
    metrics_from_stream,
)
from course.measure.prompts import Prompt, as_prompts
from course.measure.records import JsonlRecorder
from course.measure.summary import LatencySummary, Slo, percentile_table, requests_frame, summarize

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
    progress: tqdm | None = None,
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
        tqdm(total=len(jobs), desc="requests", unit="req", disable=not progress) as bar,
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
