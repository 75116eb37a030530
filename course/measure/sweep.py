"""Concurrency sweeps: the same requests with 1, 2, 4, ... in flight, summarized per level.

Each in-flight stream runs in its own thread with its own backend (its own HTTP client), made by
the factory you pass. The in-process backend (``InProcessBackend``) is refused above concurrency 1: one
``llama_cpp.Llama`` object is not thread-safe and serves one sequence at a time. To see batching,
serve the model (``llama_server`` with parallel slots) and sweep an API backend pointed at it.

Every level sends the same ``requests_per_level`` prompts, drawn by
:func:`~course.measure.prompts.draw_prompts`: a seeded random order by default, so what is in
flight together is a fair mix of lengths (the seed is recorded in every level's summary), or the
file order (``order="fixed"``), which sends the long prompts of the bundled set together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from course.backends.base import Backend, GenerationOptions
from course.errors import ConfigError
from course.measure.metrics import RequestMetrics
from course.measure.prompts import (
    DEFAULT_PROMPT_SEED,
    Prompt,
    PromptOrder,
    as_prompts,
    describe_mix,
    draw_prompts,
)
from course.measure.records import JsonlRecorder
from course.measure.runner import TIMING_OPTIONS, execute_jobs, make_jobs, new_run_id, warm_up
from course.measure.summary import LatencySummary, Slo, requests_frame, summaries_frame, summarize

BackendSource = Backend | Callable[[], Backend]


@dataclass(frozen=True)
class SweepResult:
    """Every request of a sweep and one :class:`LatencySummary` per concurrency level.

    ``prompt_order`` and ``prompt_seed`` (None for the fixed order) say how prompts were drawn.
    """

    requests: tuple[RequestMetrics, ...]
    levels: tuple[LatencySummary, ...]
    jsonl_path: Path | None = None
    prompt_order: PromptOrder = "random"
    prompt_seed: int | None = DEFAULT_PROMPT_SEED

    @property
    def frame(self) -> pd.DataFrame:
        """One row per request (column ``concurrency`` says its level)."""
        return requests_frame(self.requests)

    @property
    def levels_frame(self) -> pd.DataFrame:
        """One row per level: throughput, requests/s, goodput and latency percentiles."""
        return summaries_frame(self.levels)

    def speedup(self, level: int, *, baseline: int = 1) -> float:
        """Aggregate output tokens/s at ``level`` ÷ at ``baseline``."""
        by_level = {s.concurrency: s for s in self.levels}
        return by_level[level].output_tokens_per_s / by_level[baseline].output_tokens_per_s


def check_concurrency(backend: Backend | type[Backend], level: int) -> None:
    """Refuse ``level`` > 1 for a backend (or backend class) that runs one request at a time in-process."""
    name, serial = backend.name, not backend.serves_concurrently
    if level < 1:
        raise ConfigError(f"Concurrency must be at least 1, not {level}.", fix="Use levels such as 1,2,4,8.")
    if level > 1 and serial:
        raise ConfigError(
            f"The in-process {name!r} backend cannot run {level} requests at once: one llama.cpp "
            "model object is not thread-safe and decodes one sequence at a time.",
            fix="Use concurrency 1 for it, or serve the model and sweep that: `python -m course bench "
            "--backend llama-server --concurrency 1,2,4` (parallel slots), or --backend server.",
        )


def sweep_concurrency(
    backend: BackendSource,
    *,
    levels: Sequence[int] = (1, 2, 4, 8),
    requests_per_level: int | None = None,
    prompts: Sequence[Prompt] | Sequence[str] | None = None,
    options: GenerationOptions | None = None,
    warmup: int = 1,
    slo: Slo | None = None,
    jsonl_path: str | Path | None = None,
    salt: bool = True,
    run_id: str | None = None,
    label: str | None = None,
    progress: bool = True,
    order: PromptOrder = "random",
    seed: int = DEFAULT_PROMPT_SEED,
) -> SweepResult:
    """Run ``requests_per_level`` requests at each level with that many in flight.

    ``backend`` is a factory (called once per in-flight stream, so each thread has its own client;
    the sweep closes what it made) or one backend instance (shared by every thread: only for
    thread-safe clients). ``requests_per_level`` defaults to 2 × the highest level. ``warmup``
    untimed requests go before each level. Goodput counts requests meeting ``slo`` per second.
    ``label`` replaces the backend's name in the records. Prompts are drawn in a random order
    seeded by ``seed`` (the same draw at every level), or in file order with ``order="fixed"``.
    """
    levels = [int(level) for level in levels]
    if not levels:
        raise ConfigError("No concurrency levels given.", fix="Pass levels such as (1, 2, 4).")
    n = requests_per_level or 2 * max(levels)
    chosen = as_prompts(prompts)
    drawn = draw_prompts(chosen, n, order=order, seed=seed)
    recorded_seed = seed if order == "random" else None
    mix = describe_mix(drawn)
    opts = options or TIMING_OPTIONS
    run_id = run_id or new_run_id()
    factory: Callable[[], Backend] | None
    if isinstance(backend, Backend):
        factory, first = None, backend
    else:
        factory = backend
        first = factory()
    made: list[Backend] = [first] if factory else []
    try:
        for level in levels:
            check_concurrency(first, level)
        results: list[RequestMetrics] = []
        summaries: list[LatencySummary] = []
        with (
            JsonlRecorder(jsonl_path) as recorder,
            tqdm(total=n * len(levels), desc="requests", unit="req", disable=not progress) as bar,
        ):
            for index, level in enumerate(levels):
                bar.set_postfix(concurrency=level)
                while factory and len(made) < level:
                    made.append(factory())
                    # a new client connects inside its warm-up, not inside a timed request's TTFT
                    warm_up(made[-1], chosen, n=min(warmup, 1), options=opts)
                workers = made[:level] if factory else [first] * level
                warm_up(first, chosen, n=warmup, options=opts)
                jobs = make_jobs(drawn, n=n, run_id=run_id, salt=salt, first_id=index * n)
                level_results = execute_jobs(
                    workers,
                    jobs,
                    options=opts,
                    recorder=recorder,
                    base_labels={
                        "run_id": run_id,
                        "concurrency": level,
                        **({"backend": label} if label else {}),
                    },
                    progress=bar,
                )
                results.extend(level_results)
                summaries.append(
                    summarize(
                        level_results,
                        slo=slo,
                        concurrency=level,
                        prompt_mix=mix,
                        prompt_order=order,
                        prompt_seed=recorded_seed,
                    )
                )
    finally:
        for b in made:
            b.close()
    return SweepResult(
        requests=tuple(results),
        levels=tuple(summaries),
        jsonl_path=Path(jsonl_path) if jsonl_path is not None else None,
        prompt_order=order,
        prompt_seed=recorded_seed,
    )
