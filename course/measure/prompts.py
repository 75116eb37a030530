"""The bundled prompt set for timing runs, and salting so no request reuses a cached prompt.

Servers and llama.cpp itself reuse the cached prefix of an earlier prompt: a repeated prompt then
skips most of its prefill and its TTFT is wrong (measured: 48 ms, then 16 ms). Each timed request
therefore starts with a unique tag, ``[17:3f2a9b1c]`` (request number, then run id), so its prompt
shares no prefix with an earlier one beyond the chat template's first few tokens (real traffic
shares those too). The local backend also resets its cache between requests unless built with
``prompt_cache=True``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from course.backends.base import Message
from course.errors import DataError


@dataclass(frozen=True)
class Prompt:
    """One prompt of a workload."""

    id: str
    text: str
    length: str = "short"

    def messages(self, *, salt: str | None = None) -> list[Message]:
        """The chat messages to send; ``salt`` (if any) is put first so prompts never share a prefix."""
        content = f"[{salt}] {self.text}" if salt else self.text
        return [{"role": "user", "content": content}]


def load_prompts(path: str | Path | None = None, *, lengths: tuple[str, ...] | None = None) -> list[Prompt]:
    """The bundled prompt set (course/data/prompts.json) or a JSON file of the same shape.

    The file holds ``{"prompts": [{"id", "text", "length"}, ...]}``; ``lengths`` keeps only
    some lengths (``("short",)``).
    """
    try:
        if path is None:
            raw = resources.files("course.data").joinpath("prompts.json").read_text(encoding="utf-8")
            where = "course/data/prompts.json"
        else:
            raw = Path(path).read_text(encoding="utf-8")
            where = str(path)
        items = json.loads(raw)["prompts"]
        prompts = [
            Prompt(id=str(p["id"]), text=str(p["text"]), length=str(p.get("length", ""))) for p in items
        ]
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"Could not read a prompt set from {path or 'the bundled prompts'}: {exc}",
            fix='Give a JSON file shaped like {"prompts": [{"id": "a", "text": "...", "length": "short"}]}.',
        ) from exc
    if lengths is not None:
        prompts = [p for p in prompts if p.length in lengths]
    if not prompts:
        raise DataError(f"No prompts selected from {where}.", fix="Check the file and the lengths asked for.")
    return prompts


def as_prompts(prompts: list[Prompt] | list[str] | None) -> list[Prompt]:
    """Accept prompt objects, plain strings (ids p0, p1, ...) or None (the bundled set)."""
    if prompts is None:
        return load_prompts()
    if not prompts:
        raise DataError(
            "The prompt list is empty.", fix="Pass at least one prompt, or None for the bundled set."
        )
    return [p if isinstance(p, Prompt) else Prompt(id=f"p{i}", text=str(p)) for i, p in enumerate(prompts)]
