"""A small SentencePiece-style ("llama") vocabulary built deterministically from text.

llama.cpp's SPM tokenizer merges adjacent pieces only when the merged string is itself in the
vocabulary, so every word piece is added together with all of its prefixes. The 256 ``<0xNN>``
byte tokens are required: llama.cpp falls back to them for any character not in the vocabulary
(without them loading fails with "Byte token ... is not set").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

SPACE = "\u2581"  # "▁", SentencePiece's visible space
UNK, BOS, EOS, IM_START, IM_END = "<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"
SPECIAL_TOKENS = (UNK, BOS, EOS, IM_START, IM_END)

# llama.cpp token types (gguf.TokenType)
TYPE_NORMAL, TYPE_UNKNOWN, TYPE_CONTROL, TYPE_UNUSED, TYPE_BYTE = 1, 2, 3, 5, 6

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

_WORD = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")


@dataclass(frozen=True)
class Vocab:
    """Token strings, merge scores and llama.cpp token types, index = token id."""

    tokens: tuple[str, ...]
    scores: tuple[float, ...]
    types: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def bos_id(self) -> int:
        return self.tokens.index(BOS)

    @property
    def eos_id(self) -> int:
        return self.tokens.index(EOS)

    @property
    def unk_id(self) -> int:
        return self.tokens.index(UNK)

    def padded(self, size: int) -> Vocab:
        """The same vocabulary padded with unused tokens to ``size`` entries (real-shape models)."""
        if size < len(self):
            raise ValueError(f"cannot pad a vocabulary of {len(self)} tokens down to {size}")
        extra = size - len(self)
        return Vocab(
            tokens=self.tokens + tuple(f"<unused_{i}>" for i in range(len(self), size)),
            scores=self.scores + (0.0,) * extra,
            types=self.types + (TYPE_UNUSED,) * extra,
        )


def build_vocab(corpus: str, *, size: int = 1024) -> Vocab:
    """Special tokens, byte tokens, printable ASCII, then frequent word pieces of ``corpus``."""
    tokens: list[str] = list(SPECIAL_TOKENS)
    types: list[int] = [TYPE_UNKNOWN, TYPE_CONTROL, TYPE_CONTROL, TYPE_CONTROL, TYPE_CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [TYPE_BYTE] * 256
    chars = [SPACE] + [chr(c) for c in range(33, 127)]
    tokens += chars
    types += [TYPE_NORMAL] * len(chars)
    if size < len(tokens):
        raise ValueError(f"size must be at least {len(tokens)} (specials, bytes and ASCII)")

    counts: Counter[str] = Counter()
    for word in _WORD.findall(corpus):
        if len(word) > 1:
            counts[SPACE + word] += 1
    known = set(tokens)
    pieces: list[str] = []
    # most frequent first, ties alphabetical: the same corpus always gives the same vocabulary
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        new = [word[:k] for k in range(2, len(word) + 1) if word[:k] not in known]
        if len(tokens) + len(pieces) + len(new) > size:
            continue
        pieces += new
        known.update(new)
    tokens += pieces
    types += [TYPE_NORMAL] * len(pieces)
    while len(tokens) < size:  # pad so the size is exactly as asked
        tokens.append(f"<unused_{len(tokens)}>")
        types.append(TYPE_UNUSED)
    # longer pieces merge first; byte/special/char tokens are never merge results
    scores = [float(len(tok)) if typ == TYPE_NORMAL else 0.0 for tok, typ in zip(tokens, types)]
    return Vocab(tokens=tuple(tokens), scores=tuple(scores), types=tuple(types))
