"""Item analysis of one quiz from a learner × question score table: pure arithmetic, no nbgrader, no files.

Per question: difficulty (share of the points earned; share correct for one-point questions), discrimination
(correlation with the REST of the score, i.e. the point-biserial for right/wrong questions, and the
upper-minus-lower 27% index), how often each option was chosen (multiple choice), the score share in each
quintile of total score, and flags with plain-language reasons for questions that look broken.

Ranks and ties: learners are ranked by total score; a group (the top 27%, a quintile) is a stretch of that
ranking, and learners tied on a total that straddles a group's edge each count with the same fraction
(the share of their tied block inside the group). So no result depends on learner names or input order.
grader.report reads the table from nbgrader's gradebook and writes CSV, HTML and PNG.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from course.errors import CourseError

#: share of learners in each of the upper and lower groups (Kelley's 27%)
GROUP_SHARE = 0.27
QUINTILES = 5
#: what a multiple-choice answer is recorded as when it is not one of the letters
BLANK = "blank"  # no answer (the release's `raise NotImplementedError()` left in place)
OTHER = "other"  # something that is not one of the letters: "b", " B", a computed value, unreadable
#: Ebel's bands for the upper-lower index D (Ebel 1965), from the top
D_BANDS = ((0.40, "very good"), (0.30, "good"), (0.20, "fair"), (0.0, "poor"))
#: flag severities: "problem" = looks broken, fix before reuse; "check" = read the question again
PROBLEM, CHECK = "problem", "check"
_EPS = 1e-9


class ItemAnalysisError(CourseError):
    """The scores cannot be analysed (no learners, a table that does not match the questions, ...)."""


@dataclass(frozen=True)
class ItemSpec:
    """What the analysis needs to know about one question (``key`` and ``letters`` for multiple choice)."""

    item: str
    max_points: float
    title: str = ""
    key: str | None = None
    letters: tuple[str, ...] = ()
    option_texts: tuple[str, ...] = ()

    @property
    def is_mc(self) -> bool:
        return bool(self.letters)


@dataclass(frozen=True)
class OptionStats:
    """How often one answer of a multiple-choice question was given (``option``: a letter, BLANK or OTHER)."""

    option: str
    text: str
    correct: bool
    chosen: int
    chosen_share: float
    upper_share: float
    lower_share: float
    #: mean total score share of the learners who chose it (None: nobody did)
    mean_total_share: float | None


@dataclass(frozen=True)
class Flag:
    """Why a question needs a look: ``code`` for machines, ``reason`` for the instructor."""

    code: str
    severity: str
    reason: str


@dataclass(frozen=True)
class ItemStats:
    """One question's figures. Shares are of the question's points (0..1); correlations are Pearson's r."""

    item: str
    title: str
    kind: str  # "mc" or "points"
    max_points: float
    learners: int
    difficulty_share: float
    full_marks_share: float
    #: correlation of the question's score with the rest of the quiz's score (None: no variation)
    rest_correlation: float | None
    upper_share: float
    lower_share: float
    upper_lower_d: float
    quintile_shares: tuple[float, ...]
    key: str | None
    options: tuple[OptionStats, ...]
    #: learners whose parsed choice disagrees with their score (chose the key and lost points, or the reverse)
    key_mismatches: int
    flags: tuple[Flag, ...]

    @property
    def discrimination_label(self) -> str:
        """Ebel's band of the upper-lower index ("negative" below 0, "none" when everyone scored alike)."""
        if self.upper_lower_d < -_EPS:
            return "negative"
        if self.rest_correlation is None and abs(self.upper_lower_d) < _EPS:
            return "none"
        return next(label for floor, label in D_BANDS if self.upper_lower_d >= floor - _EPS)

    @property
    def wrong_options(self) -> tuple[OptionStats, ...]:
        """The options that are not the key, most chosen first."""
        wrong = [o for o in self.options if not o.correct]
        return tuple(sorted(wrong, key=lambda o: -o.chosen))


@dataclass(frozen=True)
class NumberSpec:
    """One graded number (a part of a numeric question): the learner's variable, the answer ± tolerance."""

    item: str
    grade_id: str
    var: str
    answer: float
    tolerance: float


@dataclass(frozen=True)
class NumberStats:
    """What the learners typed for one graded number: right, blank, not a plain number, and the most common
    wrong values (rounded to 6 significant digits, most frequent first): a wrong number many learners share
    is a shared slip (e.g. the FP16 memory rule applied at 4 bits) worth teaching against."""

    spec: NumberSpec
    learners: int
    right: int
    blank: int
    other: int
    wrong: tuple[tuple[float, int], ...]


@dataclass(frozen=True)
class ItemAnalysis:
    """The whole quiz: per-question figures plus the distribution of totals."""

    quiz_id: str
    learners: tuple[str, ...]
    totals: tuple[float, ...]
    max_total: float
    group_size: int
    #: Cronbach's alpha over the questions (KR-20 when every question is right/wrong); None if undefined
    alpha: float | None
    items: tuple[ItemStats, ...]
    notes: tuple[str, ...] = ()
    numbers: tuple[NumberStats, ...] = ()

    @property
    def mean_total(self) -> float:
        return float(np.mean(self.totals))

    @property
    def sd_total(self) -> float:
        """Population standard deviation of the totals (points)."""
        return float(np.std(self.totals))

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(i for i in self.items if i.flags)

    def frame(self) -> pd.DataFrame:
        """One row per question: the per-question CSV."""
        rows = []
        for i in self.items:
            row = {
                "item": i.item,
                "title": i.title,
                "kind": i.kind,
                "max_points": i.max_points,
                "learners": i.learners,
                "difficulty_share": i.difficulty_share,
                "full_marks_share": i.full_marks_share,
                "rest_correlation": i.rest_correlation,
                "upper_share": i.upper_share,
                "lower_share": i.lower_share,
                "upper_lower_d": i.upper_lower_d,
                "discrimination": i.discrimination_label,
            }
            row |= {f"quintile_{k + 1}_share": s for k, s in enumerate(i.quintile_shares)}
            row |= {
                "key": i.key or "",
                "options_chosen": " ".join(
                    f"{o.option}:{o.chosen}{'*' if o.correct else ''}" for o in i.options
                ),
                "top_wrong_option": next((o.option for o in i.wrong_options if o.chosen), ""),
                "key_mismatches": i.key_mismatches,
                "flags": ";".join(f.code for f in i.flags),
                "reasons": " ".join(f.reason for f in i.flags),
            }
            rows.append(row)
        return pd.DataFrame(rows)

    def options_frame(self) -> pd.DataFrame:
        """One row per (multiple-choice question, answer given)."""
        rows = [
            {"item": i.item, **{k: getattr(o, k) for k in OptionStats.__dataclass_fields__}}
            for i in self.items
            for o in i.options
        ]
        columns = ["item", *OptionStats.__dataclass_fields__]
        return pd.DataFrame(rows, columns=columns)

    def numbers_frame(self) -> pd.DataFrame:
        """One row per graded number: right, blank, other and the most common wrong values."""
        rows = [
            {
                "item": n.spec.item,
                "grade_id": n.spec.grade_id,
                "var": n.spec.var,
                "answer": float(f"{n.spec.answer:.10g}"),
                "tolerance": n.spec.tolerance,
                "learners": n.learners,
                "right": n.right,
                "blank": n.blank,
                "other": n.other,
                "common_wrong_values": " ".join(f"{value:g}:{count}" for value, count in n.wrong),
            }
            for n in self.numbers
        ]
        columns = ["item", "grade_id", "var", "answer", "tolerance", "learners", "right", "blank", "other"]
        return pd.DataFrame(rows, columns=[*columns, "common_wrong_values"])


# --- groups of learners by rank -----------------------------------------------------------------------------


def group_size(learners: int) -> int:
    """Learners in each of the upper and lower groups: 27% rounded half up, at least 1."""
    return max(1, math.floor(GROUP_SHARE * learners + 0.5))


def band_weights(totals: Sequence[float], *, low: float, high: float) -> np.ndarray:
    """Each learner's weight in the stretch [low, high) of the ranking (position 0 = lowest total; each
    learner is one unit long). Tied learners share their block's overlap with the stretch equally."""
    values = np.round(np.asarray(totals, dtype=float), 9)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ends = starts + counts
    overlap = np.clip(np.minimum(ends, high) - np.maximum(starts, low), 0, None)
    return (overlap / counts)[inverse]


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(values * weights) / np.sum(weights))


def _correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2 or np.std(x) < _EPS or np.std(y) < _EPS:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def cronbach_alpha(points: np.ndarray) -> float | None:
    """Cronbach's alpha of a learners × items points table (population variances; None if undefined)."""
    k = points.shape[1]
    total_var = float(np.var(points.sum(axis=1)))
    if k < 2 or total_var < _EPS:
        return None
    return k / (k - 1) * (1 - float(np.var(points, axis=0).sum()) / total_var)


# --- the analysis -------------------------------------------------------------------------------------------


def analyse_items(
    scores: pd.DataFrame,
    specs: Sequence[ItemSpec],
    *,
    choices: Mapping[str, Mapping[str, str]] | None = None,
    numbers: Mapping[NumberSpec, Mapping[str, float | str]] | None = None,
    quiz_id: str = "",
    notes: Sequence[str] = (),
) -> ItemAnalysis:
    """Analyse ``scores`` (index: learner ids; one column of points per spec's ``item``).

    ``choices[item][learner]`` is the answer a learner gave to a multiple-choice question: one of the spec's
    ``letters``, :data:`BLANK` or :data:`OTHER` (missing learners count as OTHER); ``numbers[spec][learner]``
    the number a learner gave for a graded number (a float, BLANK or OTHER)."""
    choices = choices or {}
    _check_table(scores, specs)
    learners = tuple(str(x) for x in scores.index)
    points = scores[[s.item for s in specs]].to_numpy(dtype=float)
    max_points = np.array([s.max_points for s in specs], dtype=float)
    totals = points.sum(axis=1)
    max_total = float(max_points.sum())
    n = len(learners)
    size = group_size(n)
    upper = band_weights(totals, low=n - size, high=n)
    lower = band_weights(totals, low=0, high=size)
    quintiles = [band_weights(totals, low=k * n / QUINTILES, high=(k + 1) * n / QUINTILES) for k in range(5)]
    items = []
    for j, spec in enumerate(specs):
        item_points = points[:, j]
        share = item_points / spec.max_points
        up, low = _weighted_mean(share, upper), _weighted_mean(share, lower)
        given = [choices.get(spec.item, {}).get(learner, OTHER) for learner in learners]
        options = _option_stats(spec, given, totals / max_total, upper, lower)
        mismatches = _key_mismatches(spec, given, share)
        stats = ItemStats(
            item=spec.item,
            title=spec.title,
            kind="mc" if spec.is_mc else "points",
            max_points=spec.max_points,
            learners=n,
            difficulty_share=float(share.mean()),
            full_marks_share=float(np.mean(item_points >= spec.max_points - _EPS)),
            rest_correlation=_correlation(item_points, totals - item_points),
            upper_share=up,
            lower_share=low,
            upper_lower_d=up - low,
            quintile_shares=tuple(_weighted_mean(share, w) for w in quintiles),
            key=spec.key,
            options=options,
            key_mismatches=mismatches,
            flags=(),
        )
        items.append(_with_flags(stats))
    all_notes = list(notes)
    if n < 20:
        all_notes.append(
            f"Only {n} learner{'s' if n != 1 else ''}: discrimination figures swing with one or two "
            "answers; read them as hints, and pool several groups before rewriting a question on them."
        )
    return ItemAnalysis(
        quiz_id=quiz_id,
        learners=learners,
        totals=tuple(float(t) for t in totals),
        max_total=max_total,
        group_size=size,
        alpha=cronbach_alpha(points),
        items=tuple(items),
        notes=tuple(all_notes),
        numbers=tuple(
            tally_numbers(spec, [given.get(learner, OTHER) for learner in learners])
            for spec, given in (numbers or {}).items()
        ),
    )


def tally_numbers(spec: NumberSpec, values: Sequence[float | str], *, top: int = 5) -> NumberStats:
    """Count right (within the tolerance, as the test checks), blank, other and the ``top`` wrong values."""
    right = blank = other = 0
    wrong: dict[float, int] = {}
    for value in values:
        if value == BLANK:
            blank += 1
        elif isinstance(value, str) or not math.isfinite(value):
            other += 1
        elif -spec.tolerance <= value - spec.answer <= spec.tolerance:
            right += 1
        else:
            key = float(f"{value:.6g}")
            wrong[key] = wrong.get(key, 0) + 1
    common = sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return NumberStats(spec, len(values), right, blank, other, tuple(common))


def _check_table(scores: pd.DataFrame, specs: Sequence[ItemSpec]) -> None:
    if scores.empty or len(scores.index) == 0:
        raise ItemAnalysisError(
            "no learner's scores to analyse.", fix="Autograde some submissions first, then run the report."
        )
    missing = [s.item for s in specs if s.item not in scores.columns]
    if not specs or missing:
        raise ItemAnalysisError(
            f"the score table has no column for question(s): {', '.join(missing) or '(no questions given)'}.",
            fix="Pass one column of points per question (ItemSpec.item) and one ItemSpec per column.",
        )
    for s in specs:
        if not s.max_points > 0:
            raise ItemAnalysisError(f"{s.item}: max_points must be positive, not {s.max_points}.")
        if s.key is not None and s.key not in s.letters:
            raise ItemAnalysisError(f"{s.item}: the key {s.key!r} is not one of its letters {s.letters}.")
    values = scores[[s.item for s in specs]]
    if values.isna().any().any():
        raise ItemAnalysisError(
            "the score table has empty cells.", fix="Score ungraded cells as 0 or leave those learners out."
        )


def _option_stats(
    spec: ItemSpec, given: list[str], total_share: np.ndarray, upper: np.ndarray, lower: np.ndarray
) -> tuple[OptionStats, ...]:
    if not spec.is_mc:
        return ()
    texts = dict(zip(spec.letters, spec.option_texts))
    n = len(given)
    chosen_by = np.asarray(given, dtype=object)
    stats = []
    for option in (*spec.letters, BLANK, OTHER):
        mask = chosen_by == option
        count = int(mask.sum())
        if option in (BLANK, OTHER) and count == 0:
            continue
        stats.append(
            OptionStats(
                option=option,
                text=texts.get(option, ""),
                correct=option == spec.key,
                chosen=count,
                chosen_share=count / n,
                upper_share=_weighted_mean(mask.astype(float), upper),
                lower_share=_weighted_mean(mask.astype(float), lower),
                mean_total_share=float(total_share[mask].mean()) if count else None,
            )
        )
    return tuple(stats)


def _key_mismatches(spec: ItemSpec, given: list[str], share: np.ndarray) -> int:
    if spec.key is None:
        return 0
    mismatches = 0
    for choice, got in zip(given, share):
        lost_with_key = choice == spec.key and got < 1 - _EPS
        scored_without = choice in spec.letters and choice != spec.key and got > _EPS
        mismatches += lost_with_key or scored_without
    return mismatches


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _with_flags(s: ItemStats) -> ItemStats:
    flags = []
    if s.difficulty_share < _EPS:
        flags.append(
            Flag(
                "nobody-right",
                PROBLEM,
                f"No learner scored on {s.item}. Check the answer key and hidden test against the source "
                "first (a wrong key marks every answer wrong), then whether the lesson teaches it.",
            )
        )
    elif s.full_marks_share < _EPS and s.max_points > 1:
        flags.append(
            Flag(
                "nobody-full-marks",
                CHECK,
                f"Nobody got full marks on {s.item} (on average {_pct(s.difficulty_share)} of its points): "
                "one of its parts may be mis-keyed or its tolerance too tight.",
            )
        )
    if s.full_marks_share > 1 - _EPS:
        flags.append(
            Flag(
                "everybody-right",
                CHECK,
                f"Every learner got full marks on {s.item}, so it does not tell strong and weak "
                "learners apart. Fine as a warm-up; otherwise make its distractors or numbers harder.",
            )
        )
    if s.rest_correlation is not None and s.rest_correlation < 0:
        flags.append(
            Flag(
                "negative-discrimination",
                PROBLEM,
                f"Learners who did worse on the rest of the quiz did better on {s.item} (correlation "
                f"with the rest {s.rest_correlation:+.2f}; top 27% {_pct(s.upper_share)} vs bottom 27% "
                f"{_pct(s.lower_share)}). Check the key, then look for wording strong learners read "
                "differently, or a cue that rewards guessing.",
            )
        )
    if s.key_mismatches:
        flags.append(
            Flag(
                "key-mismatch",
                PROBLEM,
                f"{s.key_mismatches} learner(s) on {s.item} scored otherwise than their chosen letter says "
                f"(the key is {s.key}): the hidden test and the key disagree, or the answer was not set as "
                "a plain letter. Open those notebooks.",
            )
        )
    key = next((o for o in s.options if o.correct), None)
    if key is not None:
        rivals = [o for o in s.options if not o.correct and o.option not in (BLANK, OTHER)]
        strong = [o for o in rivals if o.upper_share > key.upper_share + _EPS]
        if strong:
            best = max(strong, key=lambda o: o.upper_share)
            flags.append(
                Flag(
                    "distractor-beats-key",
                    CHECK,
                    f"More of the top 27% chose {best.option} ({_pct(best.upper_share)}) than the key "
                    f"{key.option} ({_pct(key.upper_share)}) on {s.item}: {best.option} may also be "
                    "defensible, or the key may be wrong.",
                )
            )
    return replace(s, flags=tuple(flags))
