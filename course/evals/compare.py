"""Several sides scored on the same items: accuracies with intervals, paired differences, and timing.

Every side answers the same items, so differences are read **paired** (``paired_difference`` in
:mod:`course.evals.stats`: only the items where two sides disagree carry information).
:func:`accuracy_table` gives each side's accuracy with its Wilson interval, overall and per task;
:func:`paired_table` each side against a reference side; :func:`unanswered_tasks` names any task no side
answered at all (an evaluation set that measures nothing there). :func:`compare_constrained_timing` times
plain against schema-constrained decoding with interleaved repeats, per output token and end to end, so a
sentence about which is faster is chosen by the numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from course.backends.base import Backend
from course.evals.items import TASKS, EvalItem
from course.evals.runner import ItemResult, run_eval
from course.evals.stats import accuracy_interval, paired_difference
from course.measure.machine_load import MachineLoad, check_machine_load, combine_loads
from course.measure.metrics import time_per_output_token_s
from course.measure.repeats import MIN_REPEATS, Spread, describe_change, interleave, spread
from course.measure.summary import percentile


def _groups(results: Iterable[ItemResult]) -> dict[tuple[str, bool], list[ItemResult]]:
    out: dict[tuple[str, bool], list[ItemResult]] = {}
    for r in results:
        out.setdefault((r.backend, r.constrained), []).append(r)
    return out


def _interval(rows: Sequence[ItemResult]) -> str:
    if not rows:
        return "n/a"
    iv = accuracy_interval(sum(r.correct for r in rows), len(rows))
    return f"{iv.accuracy:.0%} ({iv.low:.0%}–{iv.high:.0%})"


def accuracy_table(results: Iterable[ItemResult]) -> pd.DataFrame:
    """One row per side and decoding mode: accuracy with its Wilson 95% interval, overall, per task, hard."""
    rows = []
    for (side, constrained), g in _groups(results).items():
        row: dict[str, object] = {
            "side": side,
            "decoding": "schema-constrained" if constrained else "plain",
            "items": len(g),
            "correct (95% CI)": _interval(g),
        }
        for task in TASKS:
            row[f"{task} (95% CI)"] = _interval([r for r in g if r.task == task])
        row["hard items (95% CI)"] = _interval([r for r in g if r.difficulty == "hard"])
        row["valid JSON %"] = 100 * sum(r.json_valid for r in g) / len(g)
        row["E2E p50 (ms)"] = 1000 * percentile([r.e2e_s for r in g], 50)
        rows.append(row)
    return pd.DataFrame(rows)


def paired_table(results: Iterable[ItemResult], *, reference: str) -> pd.DataFrame:
    """Every other side minus ``reference``, in the same decoding mode, on the items both answered."""
    groups = _groups(results)
    rows = []
    for (side, constrained), g in groups.items():
        ref = groups.get((reference, constrained))
        if side == reference or ref is None:
            continue
        by_id = {r.item_id: r for r in ref}
        pairs = [(r, by_id[r.item_id]) for r in g if r.item_id in by_id]
        if not pairs:
            continue
        d = paired_difference([a.correct for a, _ in pairs], [b.correct for _, b in pairs])
        rows.append(
            {
                "side": side,
                "decoding": "schema-constrained" if constrained else "plain",
                f"minus {reference} (points)": round(100 * d.difference, 1),
                "95% CI (points)": f"{100 * d.low:+.1f} to {100 * d.high:+.1f}",
                "only this side right": d.only_a,
                f"only {reference} right": d.only_b,
                "McNemar exact p": d.p_value,
                "verdict": d.verdict,
            }
        )
    return pd.DataFrame(rows)


def unanswered_tasks(results: Iterable[ItemResult]) -> list[str]:
    """Tasks on which no side and no decoding mode got a single item right (empty when every task scores)."""
    rows = list(results)
    return [
        t for t in TASKS if any(r.task == t for r in rows) and not any(r.correct for r in rows if r.task == t)
    ]


@dataclass(frozen=True)
class ConstrainedTiming:
    """Plain vs schema-constrained decoding on one backend: per-repeat medians, and the load before."""

    label: str
    ms_per_token: dict[str, Spread]  # "plain" / "constrained" -> median ms per output token, per repeat
    e2e_ms: dict[str, Spread]  # median end-to-end ms per item, per repeat
    output_tokens: dict[str, float]  # mean output tokens per answer
    load: MachineLoad | None

    def frame(self) -> pd.DataFrame:
        rows = []
        for mode in ("plain", "constrained"):
            tok, e2e = self.ms_per_token[mode], self.e2e_ms[mode]
            rows.append(
                {
                    "decoding": mode,
                    "ms per output token (median)": tok.median,
                    "ms per output token (min–max)": f"{tok.low:.1f}–{tok.high:.1f}",
                    "E2E ms (median)": e2e.median,
                    "E2E ms (min–max)": f"{e2e.low:.0f}–{e2e.high:.0f}",
                    "output tokens per answer": round(self.output_tokens[mode], 1),
                    "repeats": tok.n,
                }
            )
        return pd.DataFrame(rows).set_index("decoding")

    def sentences(self) -> list[str]:
        """What the table says, computed from it: per token, end to end, and why they may differ."""
        per_token = describe_change(
            self.ms_per_token["plain"], self.ms_per_token["constrained"],
            what="Per output token, constrained decoding's time", fmt="{:.1f}", unit="ms",
        )  # fmt: skip
        e2e = describe_change(
            self.e2e_ms["plain"], self.e2e_ms["constrained"],
            what="End to end, the time per answer", fmt="{:,.0f}", unit="ms",
        )  # fmt: skip
        plain_n, constrained_n = self.output_tokens["plain"], self.output_tokens["constrained"]
        lengths = (
            f"Constrained answers averaged {constrained_n:.0f} output tokens against {plain_n:.0f} plain"
            + (
                ": a grammar also stops a model that would ramble past the JSON, so end-to-end time can fall "
                "even when each token costs more."
                if constrained_n < plain_n
                else "."
            )
        )
        return [f"{self.label}: {per_token}.", f"{e2e}.", lengths]


def compare_constrained_timing(
    backend: Backend,
    items: Sequence[EvalItem],
    *,
    label: str,
    shots: int = 0,
    repeats: int = MIN_REPEATS,
    max_tokens: int = 48,
) -> ConstrainedTiming:
    """Time ``items`` plain and schema-constrained, ``repeats`` interleaved rounds (scores are not kept).

    Each mode first runs once untimed, so neither pays the cold start inside its timed rounds.
    """

    def run(constrained: bool):
        return lambda: run_eval(
            backend,
            items,
            label=label,
            constrained=constrained,
            progress=False,
            shots=shots,
            max_tokens=max_tokens,
        )

    modes = {"plain": run(False), "constrained": run(True)}
    for warm in modes.values():  # untimed: the first run after loading pays for cold caches (and the grammar)
        warm()
    load = check_machine_load()
    rounds = interleave(modes, repeats=repeats)
    load = combine_loads(load, check_machine_load())
    per_token: dict[str, Spread] = {}
    e2e: dict[str, Spread] = {}
    tokens: dict[str, float] = {}
    for mode, runs in rounds.items():
        per_token[mode] = spread(
            statistics.median(_tpot_ms(results)) for results in runs if _tpot_ms(results)
        )
        e2e[mode] = spread(statistics.median(1000 * r.e2e_s for r in results) for results in runs)
        tokens[mode] = statistics.mean(r.output_tokens for results in runs for r in results)
    return ConstrainedTiming(label, per_token, e2e, tokens, load)


def _tpot_ms(results: Sequence[ItemResult]) -> list[float]:
    """Each answer's time per output token after the first (TPOT), in ms, where it has two tokens or more."""
    tpots = (time_per_output_token_s(r.e2e_s, r.ttft_s, r.output_tokens) for r in results)
    return [1000 * t for t in tpots if t is not None]


def task_leaders(results: Iterable[ItemResult], *, constrained: bool = False) -> list[str]:
    """One sentence per task: which side answered most items right, and whether its lead is clear.

    The lead is called clear only when the leader's Wilson interval and the runner-up's do not overlap; the
    sentence is computed from the same counts as :func:`accuracy_table`, so it cannot contradict it.
    """
    rows = [r for r in results if r.constrained == constrained]
    out = []
    for task in TASKS:
        scores: dict[str, tuple[int, int]] = {}
        for r in rows:
            if r.task == task:
                right, n = scores.get(r.backend, (0, 0))
                scores[r.backend] = (right + int(r.correct), n + 1)
        if not scores:
            continue
        ranked = sorted(scores.items(), key=lambda kv: kv[1][0] / kv[1][1], reverse=True)
        (leader, (right, n)), rest = ranked[0], ranked[1:]
        lead = accuracy_interval(right, n)
        if right == 0:
            out.append(f"{task}: no side got an item right.")
            continue
        tied = [(name, r2, n2) for name, (r2, n2) in rest if r2 * n == right * n2]  # the same share right
        if tied:
            if all(n2 == n for _, _, n2 in tied):
                both = " and ".join([leader, *(name for name, _, _ in tied)])
                out.append(f"{task}: {both} are tied at {right}/{n} ({lead.low:.0%}–{lead.high:.0%}).")
            else:
                each = " and ".join(f"{name} ({r2}/{n2})" for name, r2, n2 in [(leader, right, n), *tied])
                out.append(f"{task}: {each} are tied at {right / n:.0%} right.")
            continue
        text = f"{task}: {leader} leads with {right}/{n} ({lead.low:.0%}–{lead.high:.0%})"
        if rest:
            (second, (right2, n2)) = rest[0]
            runner = accuracy_interval(right2, n2)
            clear = lead.low > runner.high
            text += f" against {second}'s {right2}/{n2} ({runner.low:.0%}–{runner.high:.0%}): " + (
                "a clear lead, the intervals do not overlap."
                if clear
                else "the intervals overlap, so not a clear lead."
            )
        out.append(text)
    return out
