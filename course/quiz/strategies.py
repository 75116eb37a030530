"""Content-free answering strategies, and the share of a quiz's points on judgment.

A quiz that can be passed without reading the content tests test-taking, not the decision. This module plays
four strategies that never look at what the options *mean*, on every choice item of a quiz (multiple choice,
choose-all-that-apply, ordering), and compares what each would score with blind guessing:

``longest``
    pick the option with the most characters;
``specific``
    pick the option with the most *specific tokens*: tokens holding a digit (``70B``, ``USD 450``, ``5%``),
    acronyms (``GPU``, ``HIPAA``), capitalised words inside a sentence (``Llama``, ``Azure``) and
    ``code spans``;
``overlap``
    pick the option sharing the most distinct content words with the question (title and scenario);
``letter``
    always answer the same letter (the best letter for the quiz is reported); on an ordering item, keep the
    options in the order listed.

How an item scores (a share between 0 and 1, ties among the strategy's top picks split evenly):

* multiple choice: 1 if the pick is the key; guessing scores ``1 / options``;
* choose all that apply, with ``k`` right options: the strategy picks its top ``k``; the item scores the
  share of those picks that are right (``letter``: 1 if that letter is right); guessing: ``k / options``;
* ordering: the strategy orders the options by its score, highest first; the item scores the share of pairs
  in the key's order (``letter``: the order listed); guessing scores 0.5.

**Above chance by more than a small margin**, the rule the build enforces: a strategy fails a quiz when its
expected number of items right exceeds guessing's by more than :data:`QUIZ_MARGIN_ITEMS` (one item: with 5 to
9 choice items a quiz cannot spread letters more evenly than that), and fails the bank when, over every
quiz's choice items together, its share right exceeds guessing's by more than :data:`BANK_MARGIN_SHARE`.

**Judgment items** are the choice items (:data:`JUDGMENT_KINDS`); numeric and code items are arithmetic.
Each quiz puts at least :data:`MIN_JUDGMENT_SHARE` of its points on judgment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

#: the kinds of question that grade a decision rather than a computation
JUDGMENT_KINDS = frozenset({"mc", "multi", "order"})
MIN_JUDGMENT_SHARE = 0.40
#: a strategy may beat guessing on one quiz by at most this many items (expected hits)
QUIZ_MARGIN_ITEMS = 1.0
#: ... and over the whole bank by at most this share of the items
BANK_MARGIN_SHARE = 0.05
STRATEGIES = ("longest", "specific", "overlap", "letter")
LETTERS = "ABCDE"

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_TOKEN = re.compile(r"`[^`]+`|[^\s]+")
_SENTENCE_END = re.compile(r"[.!?:;]$")
#: words too common to count as shared with the question
STOPWORDS = frozenset(
    """a about above after again all also an and any are as at be because been before being below between both
    but by can could did do does doing down each either even every few for from further had has have having he
    her here his how i if in into is it its itself just least less like may me might more most much must my
    neither no nor not now of off on once one only or other our out over own per same she should so some such
    than that the their them then there these they this those through to too under until up upon us very was
    we were what when where which while who whom why will with would yet you your it's let's""".split()  # noqa: SIM905 (a list of 130 quoted words reads worse)
)


@dataclass(frozen=True)
class ChoiceItem:
    """What the strategies see of one question: its text, its options and how it is keyed.

    ``kind`` is ``mc``, ``multi`` or ``order``; ``key`` is the right letter (mc), the right letters (multi) or
    the letters in the right order (order)."""

    qid: str
    kind: str
    stem: str
    options: tuple[str, ...]
    key: str

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.options)]


@dataclass(frozen=True)
class StrategyScores:
    """Expected items right for each strategy and for guessing, over ``items`` choice items."""

    items: int
    chance: float
    scores: dict[str, float]
    best_letter: str

    def share(self, name: str) -> float:
        return self.scores[name] / self.items if self.items else 0.0

    @property
    def chance_share(self) -> float:
        return self.chance / self.items if self.items else 0.0


# --- features ----------------------------------------------------------------------------------------------


def content_words(text: str) -> set[str]:
    """Distinct lower-case words of ``text`` that are not stop words, a plural ``s`` removed."""
    words = set()
    for word in _WORD.findall(text.lower().replace("’", "'")):
        if word in STOPWORDS or len(word) < 3:
            continue
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return words


def specific_tokens(text: str) -> int:
    """How many tokens of ``text`` are specific: numbers, acronyms, names inside a sentence, code spans."""
    count = 0
    sentence_start = True
    for token in _TOKEN.findall(text.replace("**", "").replace("*", "")):
        bare = token.strip("()[]\"',.;:!?")
        code_or_number = token.startswith("`") or any(ch.isdigit() for ch in bare)
        acronym = len(bare) >= 2 and bare.isupper()
        if code_or_number or acronym or (bare[:1].isupper() and not sentence_start):
            count += 1
        sentence_start = bool(_SENTENCE_END.search(token))
    return count


def _feature(name: str, item: ChoiceItem) -> list[float]:
    if name == "longest":
        return [float(len(o.strip())) for o in item.options]
    if name == "specific":
        return [float(specific_tokens(o)) for o in item.options]
    if name == "overlap":
        stem = content_words(item.stem)
        return [float(len(stem & content_words(o))) for o in item.options]
    raise ValueError(name)


# --- scoring one item -------------------------------------------------------------------------------------


def chance(item: ChoiceItem) -> float:
    """What blind guessing scores on ``item`` (expected share)."""
    if item.kind == "mc":
        return 1 / len(item.options)
    if item.kind == "multi":
        return len(item.key) / len(item.options)
    return 0.5


def _top_k_precision(values: Sequence[float], right: set[int], k: int) -> float:
    """Expected share of right options among the ``k`` highest ``values`` (ties broken at random)."""
    order = sorted(set(values), reverse=True)
    picked, expected = 0, 0.0
    for level in order:
        tied = [i for i, v in enumerate(values) if v == level]
        take = min(k - picked, len(tied))
        expected += take * sum(1 for i in tied if i in right) / len(tied)
        picked += take
        if picked == k:
            break
    return expected / k


def _pair_agreement(values: Sequence[float], key_positions: Sequence[int]) -> float:
    """Share of pairs the order by descending ``values`` puts as the key does (a tie counts half)."""
    pairs = list(combinations(range(len(values)), 2))
    agree = 0.0
    for a, b in pairs:
        # key_positions[i]: where option i sits in the key (0 = first)
        first, second = (a, b) if key_positions[a] < key_positions[b] else (b, a)
        if values[first] > values[second]:
            agree += 1
        elif values[first] == values[second]:
            agree += 0.5
    return agree / len(pairs)


def score(name: str, item: ChoiceItem, *, letter: str = "A") -> float:
    """The expected share ``name`` scores on ``item`` (``letter``: what the ``letter`` strategy answers)."""
    right = {item.letters.index(x) for x in item.key}
    if name == "letter":
        if item.kind == "order":
            positions = [item.key.index(x) for x in item.letters]
            return _pair_agreement([-float(i) for i in range(len(item.options))], positions)
        return 1.0 if letter in item.key else 0.0
    values = _feature(name, item)
    if item.kind == "order":
        return _pair_agreement(values, [item.key.index(x) for x in item.letters])
    return _top_k_precision(values, right, len(item.key) if item.kind == "multi" else 1)


def play(items: Iterable[ChoiceItem]) -> StrategyScores:
    """Every strategy's expected number of items right over ``items``, and guessing's."""
    items = list(items)
    scores = {name: sum(score(name, i) for i in items) for name in STRATEGIES if name != "letter"}
    by_letter = {x: sum(score("letter", i, letter=x) for i in items) for x in LETTERS}
    best = max(LETTERS, key=lambda x: (by_letter[x], -LETTERS.index(x)))
    scores["letter"] = by_letter[best]
    return StrategyScores(len(items), sum(chance(i) for i in items), scores, best)


def quiz_problems(scores: StrategyScores, *, where: str) -> list[str]:
    """A line per strategy that beats guessing on one quiz by more than :data:`QUIZ_MARGIN_ITEMS`."""
    return [
        f"{where}: the content-free strategy '{name}' expects {scores.scores[name]:.2f} of {scores.items} "
        f"choice items right, guessing {scores.chance:.2f}: over {QUIZ_MARGIN_ITEMS:g} item above chance."
        for name in STRATEGIES
        if scores.scores[name] - scores.chance > QUIZ_MARGIN_ITEMS + 1e-9
    ]


def bank_problems(scores: StrategyScores) -> list[str]:
    """A line per strategy that beats guessing over the whole bank by more than :data:`BANK_MARGIN_SHARE`."""
    return [
        f"bank: the content-free strategy '{name}' scores {scores.share(name):.0%} of {scores.items} choice "
        f"items, guessing {scores.chance_share:.0%}: more than {BANK_MARGIN_SHARE:.0%} above chance."
        for name in STRATEGIES
        if scores.share(name) - scores.chance_share > BANK_MARGIN_SHARE + 1e-9
    ]
