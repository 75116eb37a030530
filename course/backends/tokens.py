"""Counting tokens: a GGUF's own tokenizer and chat template, or a labelled estimate.

An API backend counts with a tokenizer only when the server sends no usage. For a loopback server
serving a local GGUF, :class:`GgufTokenCounter` gives exact counts; for anything else the course
estimates 4 characters per token and says so (source ``"estimate"``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from course.backends.base import Message
from course.backends.lifetime import track
from course.errors import ModelLoadError
from course.native_log import capture_stderr

CHARS_PER_TOKEN_ESTIMATE = 4.0  # rough figure for English text with BPE tokenizers


class TokenCounter(Protocol):
    """Anything that counts the tokens of a text; :class:`GgufTokenCounter` also counts chat prompts."""

    def __call__(self, text: str) -> int: ...


def estimate_tokens(text: str) -> int:
    """A labelled guess: ``len(text) / 4`` rounded up. Use only when no tokenizer is known."""
    return math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE)


def render_messages(messages: Sequence[Message]) -> str:
    """A generic ChatML-like rendering, for counting prompt tokens when the real template is unknown."""
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) + (
        "<|im_start|>assistant\n"
    )


class GgufTokenCounter:
    """Exact token counts with a local GGUF's own vocabulary and chat template.

    Loads only the vocabulary (``vocab_only=True``: fast, even for big models), on first use.
    ``count_prompt`` renders messages with the model's chat template as the servers do;
    ``count_completion`` counts generated text as the continuation of that prompt. The servers
    differ by one token (measured): with a GGUF chat template llama_cpp.server adds no BOS, while
    llama-server adds it when the GGUF asks (``add_bos_token``): pass ``add_bos_with_template=True``
    to count as llama-server does.
    """

    def __init__(self, model_path: str | Path, *, add_bos_with_template: bool = False) -> None:
        self.model_path = Path(model_path)
        self.add_bos_with_template = add_bos_with_template
        self._lock = threading.Lock()
        self._llama: Any = None
        self._eog_ids: tuple[int, ...] | None = None
        self._formatter: Any = None  # Jinja2ChatFormatter, or False when the model has no template

    def __repr__(self) -> str:
        return (
            f"GgufTokenCounter({str(self.model_path)!r}, add_bos_with_template={self.add_bos_with_template})"
        )

    def _vocab(self) -> Any:
        with self._lock:
            if self._llama is None:
                import llama_cpp

                try:
                    with capture_stderr() as log:  # llama.cpp logs even with verbose=False
                        llama = llama_cpp.Llama(str(self.model_path), vocab_only=True, verbose=False)
                        self._llama = track(llama)
                except (ValueError, OSError) as exc:
                    raise ModelLoadError(
                        f"Could not read the tokenizer of {self.model_path}: {exc}\n{log.tail()}",
                        fix="Check that the path is a complete GGUF file (not a Git LFS pointer).",
                    ) from exc
            return self._llama

    def __call__(self, text: str) -> int:
        llama = self._vocab()
        with self._lock:
            return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _prompt(self, messages: Sequence[Message]) -> tuple[str, bool]:
        """The prompt text a llama.cpp server builds from ``messages``, and whether to add BOS."""
        llama = self._vocab()
        if self._formatter is None:  # compiled once: the template is a Jinja program
            self._formatter = (
                chat_formatter(llama) if llama.metadata.get("tokenizer.chat_template") else False
            )
        if self._formatter is False:
            return render_messages(messages), True
        add_bos = self.add_bos_with_template and bool(llama._model.add_bos_token())
        return self._formatter(messages=list(messages)).prompt, add_bos

    def _tokens(self, text: str, *, add_bos: bool) -> int:
        llama = self._vocab()
        with self._lock:
            return len(llama.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    def count_prompt(self, messages: Sequence[Message]) -> int:
        """Tokens of the prompt the server builds from ``messages`` (chat template + special tokens)."""
        prompt, add_bos = self._prompt(messages)
        return self._tokens(prompt, add_bos=add_bos)

    def count_completion(self, messages: Sequence[Message], text: str) -> int:
        """Tokens of ``text`` generated after the prompt of ``messages``.

        Counted as a continuation of the prompt: tokenizing the text alone would add the
        tokenizer's leading-space prefix and count one token too many.
        """
        prompt, add_bos = self._prompt(messages)
        return self._tokens(prompt + text, add_bos=add_bos) - self._tokens(prompt, add_bos=add_bos)

    def end_of_generation_ids(self) -> tuple[int, ...]:
        """Token ids that end generation (``</s>``, ``<|im_end|>``, ...): ban them to ignore EOS."""
        if self._eog_ids is None:  # a walk over the whole vocabulary: once, not on every request
            import llama_cpp

            llama = self._vocab()
            vocab = llama_cpp.llama_model_get_vocab(llama.model)  # public: Llama.model and the C API
            self._eog_ids = tuple(i for i in range(llama.n_vocab()) if llama_cpp.llama_vocab_is_eog(vocab, i))
        return self._eog_ids


@cache
def gguf_token_counter(model_path: Path, *, add_bos_with_template: bool = False) -> GgufTokenCounter:
    """One shared (thread-safe) counter per model file, so many backends load the vocabulary once."""
    return GgufTokenCounter(model_path, add_bos_with_template=add_bos_with_template)


def chat_formatter(llm: Any) -> Any:
    """The model's own chat template (from the GGUF) as llama-cpp-python's Jinja2 formatter."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        raise ModelLoadError(
            "This GGUF has no chat template (tokenizer.chat_template).",
            fix="Use a chat/instruct model, or one of the catalogue models (`python -m course models list`).",
        )
    model = llm._model
    bos = model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
    eos = model.token_get_text(llm.token_eos()) if llm.token_eos() >= 0 else ""
    return Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)


__all__ = [
    "CHARS_PER_TOKEN_ESTIMATE",
    "GgufTokenCounter",
    "TokenCounter",
    "chat_formatter",
    "estimate_tokens",
    "gguf_token_counter",
    "render_messages",
]
