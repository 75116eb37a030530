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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course.backends.base import Backend, GenerationOptions
from course.errors import ConfigError
from course.measure.machine_load import MachineLoad, check_machine_load, combine_loads
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
from course.measure.repeats import MIN_REPEATS, Change, Spread, describe_change, interleave, spread
from course.measure.runner import TIMING_OPTIONS, execute_jobs, make_jobs, new_run_id, warm_up
from course.measure.summary import LatencySummary, Slo, requests_frame, summaries_frame, summarize
from course.progress import progress_bar

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
    warm_clients: bool = False,
) -> SweepResult:
    """Run ``requests_per_level`` requests at each level with that many in flight.

    ``backend`` is a factory (called once per in-flight stream, so each thread has its own client;
    the sweep closes what it made) or one backend instance (shared by every thread: only for
    thread-safe clients). ``requests_per_level`` defaults to 2 × the highest level. ``warmup``
    untimed requests go before each level (``warm_clients``: a new client's connecting request even with
    ``warmup=0``). Goodput counts requests meeting ``slo`` per second.
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
            progress_bar(total=n * len(levels), desc="requests", unit="req", disable=not progress) as bar,
        ):
            if factory and warm_clients and not warmup:
                warm_up(first, chosen, n=1, options=opts)  # its connection, outside any timed request
            for index, level in enumerate(levels):
                bar.set_postfix(concurrency=level)
                while factory and len(made) < level:
                    made.append(factory())
                    # a new client connects inside its warm-up, not inside a timed request's TTFT
                    warm_up(made[-1], chosen, n=1 if warmup or warm_clients else 0, options=opts)
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


@dataclass(frozen=True)
class LevelSpread:
    """One concurrency level over the repeats of a sweep: each figure's median and range."""

    concurrency: int
    output_tokens_per_s: Spread
    ttft_p50_s: Spread
    tpot_p50_s: Spread
    e2e_p50_s: Spread
    goodput_requests_per_s: Spread


@dataclass(frozen=True)
class RepeatedSweep:
    """The same sweep run several times against one server."""

    label: str
    runs: tuple[SweepResult, ...]

    @property
    def concurrencies(self) -> list[int]:
        return [int(s.concurrency or 0) for s in self.runs[0].levels]

    def levels(self) -> list[LevelSpread]:
        out = []
        for i, level in enumerate(self.concurrencies):
            rows = [run.levels[i] for run in self.runs]
            out.append(
                LevelSpread(
                    level,
                    spread(r.output_tokens_per_s for r in rows),
                    spread(r.ttft_p50_s for r in rows),
                    spread(r.tpot_p50_s for r in rows),
                    spread(r.e2e_p50_s for r in rows),
                    spread(r.goodput_requests_per_s for r in rows),
                )
            )
        return out

    def level(self, concurrency: int) -> LevelSpread:
        return next(s for s in self.levels() if s.concurrency == concurrency)

    def speedup(self, level: int, *, baseline: int = 1) -> Spread:
        """Aggregate tokens/s at ``level`` ÷ at ``baseline``, per repeat (each run's own ratio)."""
        return spread(run.speedup(level, baseline=baseline) for run in self.runs)

    def sentences(self, *, top: int | None = None, baseline: int = 1) -> list[str]:
        """What the sweep says from ``baseline`` to ``top`` in flight, each clause chosen by the numbers.

        Throughput and TTFT p50 are each called risen or fallen only when the repeats' ranges do not overlap
        (:func:`~course.measure.repeats.describe_change`); the reason given for a later first token is
        added only when TTFT did rise, so no sentence can contradict the table.
        """
        top = top if top is not None else max(self.concurrencies)
        low, high = self.level(baseline), self.level(top)
        tput_before, tput_after = low.output_tokens_per_s, high.output_tokens_per_s
        ttft_before, ttft_after = low.ttft_p50_s.scaled(1000), high.ttft_p50_s.scaled(1000)
        tput = describe_change(
            tput_before, tput_after,
            what=f"{self.label}: aggregate throughput from {baseline} to {top} in flight", unit="tok/s",
        )  # fmt: skip
        ttft = describe_change(ttft_before, ttft_after, what="TTFT p50", unit="ms")
        if Change(ttft_before, ttft_after).direction == "rose":
            ttft += ": requests that wait in line, or share a batch, see their first token later"
        gain = self.speedup(top, baseline=baseline).describe("{:.2f}", "×")
        return [f"{tput}.", f"{ttft}.", f"Speed-up at {top} in flight, repeat by repeat: {gain}."]

    def cost_sentence(self, *, top: int | None = None, baseline: int = 1) -> str:
        """Cost per token and per-stream speed at ``top`` in flight against ``baseline``, from the medians.

        The cost per token at a fixed hourly price is baseline throughput ÷ this level's; TPOT is called
        risen or fallen only when the repeats' ranges do not overlap.
        """
        top = top if top is not None else max(self.concurrencies)
        low, high = self.level(baseline), self.level(top)
        cost = low.output_tokens_per_s.median / high.output_tokens_per_s.median
        before, after = low.tpot_p50_s.scaled(1000), high.tpot_p50_s.scaled(1000)
        tpot = describe_change(before, after, what="each stream's TPOT p50", fmt="{:,.1f}", unit="ms")
        return f"{self.label}: at {top} in flight a token costs {cost:.2f}× its cost at {baseline}; {tpot}."

    def frame(self) -> pd.DataFrame:
        """One row per level: medians over the repeats and the min–max of aggregate throughput."""
        rows = []
        for s in self.levels():
            tput = s.output_tokens_per_s
            rows.append(
                {
                    "server": self.label,
                    "concurrency": s.concurrency,
                    "output tok/s (median)": tput.median,
                    "output tok/s (min–max)": f"{tput.low:,.0f}–{tput.high:,.0f}",
                    "TTFT p50 ms (median)": s.ttft_p50_s.median * 1000,
                    "TPOT p50 ms (median)": s.tpot_p50_s.median * 1000,
                    "goodput req/s (median)": s.goodput_requests_per_s.median,
                    "repeats": tput.n,
                }
            )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class RepeatedSweeps:
    """Several servers' repeated sweeps (taken in turns) and the machine's load before the first."""

    sweeps: dict[str, RepeatedSweep]
    load: MachineLoad | None

    def __getitem__(self, label: str) -> RepeatedSweep:
        return self.sweeps[label]

    def frame(self) -> pd.DataFrame:
        return pd.concat([s.frame() for s in self.sweeps.values()], ignore_index=True)


def repeat_sweeps(
    servers: Mapping[str, BackendSource],
    *,
    repeats: int = MIN_REPEATS,
    levels: Sequence[int] = (1, 2, 4),
    requests_per_level: int | None = None,
    prompts: Sequence[Prompt] | Sequence[str] | None = None,
    options: GenerationOptions | None = None,
    slo: Slo | None = None,
    jsonl_path: str | Path | None = None,
    order: PromptOrder = "random",
    seed: int = DEFAULT_PROMPT_SEED,
    check_load: bool = True,
    progress: bool = False,
) -> RepeatedSweeps:
    """Sweep every server ``repeats`` times, the servers taking turns (``course.measure.repeats.interleave``).

    Every repeat sends the same prompts in the same seeded order (salted anew, so only the chat template's
    fixed opening can come from a cache); the machine's load is sampled before the first request and
    after the last.
    """
    load = check_machine_load() if check_load else None

    swept: set[str] = set()

    def one(label: str, backend: BackendSource) -> Callable[[], SweepResult]:
        def run() -> SweepResult:
            # warm-up requests before each level on a server's first sweep only: later sweeps find it warm
            # (each new client still connects in an untimed request)
            result = sweep_concurrency(
                backend, levels=levels, requests_per_level=requests_per_level, prompts=prompts,
                options=options, slo=slo, jsonl_path=jsonl_path, label=label, progress=progress, order=order,
                seed=seed, warmup=0 if label in swept else 1, warm_clients=True,
            )  # fmt: skip
            swept.add(label)
            return result

        return run

    runs = interleave({label: one(label, backend) for label, backend in servers.items()}, repeats=repeats)
    if load is not None:
        load = combine_loads(load, check_machine_load())
    return RepeatedSweeps({label: RepeatedSweep(label, tuple(r)) for label, r in runs.items()}, load)
