"""The bundled prompt set for timing runs, the order requests draw it in, and salting against caches.

Servers and llama.cpp itself reuse the cached prefix of an earlier prompt: a repeated prompt then
skips most of its prefill and its TTFT is wrong (measured: 48 ms, then 16 ms). Each timed request
therefore starts with a unique tag, ``[17:3f2a9b1c]`` (request number, then run id), so its prompt
shares no prefix with an earlier one beyond the chat template's first few tokens (real traffic
shares those too). The in-process backend also resets its cache between requests unless built with
``prompt_cache=True``.

Order matters under concurrency. The bundled set is sorted short, medium, long: sent in that
order, the long prompts reach the server together and prefill together, which inflates TTFT at
concurrency 4 by an accident of file order. :func:`draw_prompts` therefore deals the prompts in a
seeded random order by default (``order="random"``: shuffled passes through the whole set, so every
prompt is used equally often and the length mix matches the set's); ``order="fixed"`` keeps the
file order, for teaching what a burst of long prompts does to prefill.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from course.backends.base import Message
from course.datafiles import FILE_CONFIG, data_path, load_data
from course.errors import ConfigError, DataError

PromptOrder = Literal["random", "fixed"]
PROMPT_ORDERS: tuple[PromptOrder, ...] = ("random", "fixed")
DEFAULT_PROMPT_SEED = 0  # the seed a sweep uses unless told otherwise (recorded with its results)


@dataclass(frozen=True)
class Prompt:
    """One prompt of a workload."""

    id: str
    text: str
    length: str = "short"

    def messages(self, *, salt: str | None = None) -> list[Message]:
        """The chat messages to send; ``salt`` (if any) starts the user message.

        Salted prompts then share no prefix beyond the chat template's fixed opening (for SmolLM2, its
        default system prompt).
        """
        content = f"[{salt}] {self.text}" if salt else self.text
        return [{"role": "user", "content": content}]


class _PromptFile(BaseModel):
    """A prompt set's file: ``{"prompts": [{"id", "text", "length"}, ...]}``, read by course.datafiles."""

    model_config = FILE_CONFIG

    about: str = ""
    prompts: tuple[Prompt, ...] = Field(min_length=1)


def load_prompts(path: str | Path | None = None, *, lengths: tuple[str, ...] | None = None) -> list[Prompt]:
    """The bundled prompt set (course/data/prompts.json) or a JSON file of the same shape.

    The file holds ``{"prompts": [{"id", "text", "length"}, ...]}``; ``lengths`` keeps only
    some lengths (``("short",)``).
    """
    file = data_path("prompts.json") if path is None else Path(path)
    where = str(file)
    prompts = list(load_data(file.name, _PromptFile, data_dir=file.parent).prompts)
    if lengths is not None:
        prompts = [p for p in prompts if p.length in lengths]
    if not prompts:
        raise DataError(f"No prompts selected from {where}.", fix="Check the file and the lengths asked for.")
    return prompts


def as_prompts(prompts: Sequence[Prompt] | Sequence[str] | None) -> list[Prompt]:
    """Accept prompt objects, plain strings (ids p0, p1, ...) or None (the bundled set)."""
    if prompts is None:
        return load_prompts()
    if not prompts:
        raise DataError(
            "The prompt list is empty.", fix="Pass at least one prompt, or None for the bundled set."
        )
    return [p if isinstance(p, Prompt) else Prompt(id=f"p{i}", text=str(p)) for i, p in enumerate(prompts)]


def draw_prompts(
    prompts: Sequence[Prompt], n: int, *, order: PromptOrder = "random", seed: int = DEFAULT_PROMPT_SEED
) -> list[Prompt]:
    """``n`` prompts to send, in order: shuffled passes through ``prompts`` (``random``) or file order.

    ``random`` shuffles the whole set with ``random.Random(seed)``, deals it, and reshuffles for
    the next pass, so each prompt appears ``n // len(prompts)`` or one more times: the mix of
    lengths matches the set's, and the same seed gives the same order. ``fixed`` cycles in file order.
    """
    if order not in PROMPT_ORDERS:
        raise ConfigError(f"Unknown prompt order {order!r}.", fix=f"Use one of {', '.join(PROMPT_ORDERS)}.")
    if not prompts:
        raise DataError("The prompt list is empty.", fix="Pass at least one prompt.")
    if n < 0:
        raise ValueError("n must be at least 0")
    if order == "fixed":
        return [prompts[i % len(prompts)] for i in range(n)]
    rng = random.Random(seed)
    drawn: list[Prompt] = []
    while len(drawn) < n:
        deck = list(prompts)
        rng.shuffle(deck)
        drawn.extend(deck[: n - len(drawn)])
    return drawn


LENGTH_ORDER: tuple[str, ...] = ("short", "medium", "long")


def length_mix(prompts: Sequence[Prompt]) -> dict[str, int]:
    """How many prompts of each length: short, medium, long first, then others (``{"short": 3, ...}``)."""
    counts = Counter(p.length or "unlabelled" for p in prompts)
    rank = {name: i for i, name in enumerate(LENGTH_ORDER)}
    return dict(sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def describe_mix(prompts: Sequence[Prompt]) -> str:
    """The length mix as text, e.g. ``"short 3, medium 3, long 2"``."""
    return ", ".join(f"{length} {count}" for length, count in length_mix(prompts).items())
