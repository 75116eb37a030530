"""Serving stacks for open-weights models, and a first pick for a workload.

The stacks are rows of ``course/data/serving_stacks.json`` (dated, sourced). :func:`suggest_stacks`
turns four facts about a workload into an ordered short list, each entry with its reason; it is a
starting point for reading the sources, not a benchmark.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from course.datafiles import Day, Fact, Source, Text, data_row, load_rows
from course.errors import ConfigError

Status = Literal["active", "maintenance"]


@data_row
class ServingStack(Fact):
    """One way to serve an open model, as its own pages describe it on ``as_of`` (a row of
    ``course/data/serving_stacks.json``)."""

    name: Text
    kind: Text
    hardware: Text
    batching: Text
    openai_compatible: bool
    status: Status
    licence: Text
    best_for: Text
    source_004_throughput: str | None
    as_of: Day
    source: Source
    notes: str = ""
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


@functools.cache
def serving_stacks() -> tuple[ServingStack, ...]:
    """Every row of the serving-stack table."""
    return load_rows("serving_stacks.json", ServingStack)


def stack(name: str) -> ServingStack:
    """The stack whose name starts with ``name`` (any case)."""
    hits = [s for s in serving_stacks() if s.name.lower().startswith(name.lower())]
    if len(hits) != 1:
        names = ", ".join(s.name for s in serving_stacks())
        raise ConfigError(f"{name!r} matches {len(hits)} serving stacks.", fix=f"Use one of: {names}.")
    return hits[0]


@dataclass(frozen=True)
class StackPick:
    stack: ServingStack
    reason: str


def suggest_stacks(
    *, concurrent_requests: int, has_gpu: bool, runs_own_infra: bool, offline: bool = False
) -> tuple[StackPick, ...]:
    """An ordered short list of stacks for a workload, each with why; stacks in maintenance never lead.

    ``concurrent_requests``: requests in flight at the busiest minute. ``runs_own_infra``: someone
    can run servers, GPUs and on-call. ``offline``: must run with no network (on-device, air-gapped).
    """
    if (
        isinstance(concurrent_requests, bool)
        or not isinstance(concurrent_requests, int)
        or concurrent_requests < 1
    ):
        raise ConfigError(
            f"concurrent_requests is {concurrent_requests!r}.", fix="Pass a whole number of 1 or more."
        )
    picks: list[StackPick] = []
    if not runs_own_infra and not offline:
        picks.append(
            StackPick(
                stack("Managed"),
                "No one to run GPUs: a managed open-model API gives open weights with no servers to keep.",
            )
        )
    if offline or not has_gpu:
        where = "no network" if offline else "no GPU"
        picks.append(
            StackPick(
                stack("llama.cpp"), f"With {where}, GGUF quantized models on llama.cpp run on what you have."
            )
        )
        if concurrent_requests == 1:
            picks.append(StackPick(stack("Ollama"), "One user: Ollama is the quickest to set up."))
    elif concurrent_requests >= 4:
        picks.append(
            StackPick(
                stack("vLLM"),
                f"{concurrent_requests} requests in flight: continuous batching and PagedAttention "
                "keep the GPU busy.",
            )
        )
        picks.append(
            StackPick(stack("SGLang"), "The other actively developed batching server; try both on your load.")
        )
    else:
        picks.append(
            StackPick(stack("llama.cpp"), "A few requests at a time fit llama-server's parallel slots.")
        )
        picks.append(
            StackPick(stack("vLLM"), "Switch when concurrency grows: it batches more requests per GPU.")
        )
    tgi = stack("Text Generation")
    picks.append(StackPick(tgi, f"Avoid for new deployments: in maintenance mode since {tgi.as_of:%B %Y}."))
    return tuple(picks)
