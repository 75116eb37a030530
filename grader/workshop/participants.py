"""The pooled room as data: each participant's loaded results, the quiz scores, and the one table of them.

Kept apart from :mod:`grader.workshop.pool` (which finds participants, reads folders and zips and writes the
files), so that the page (:mod:`grader.workshop.pool_page`) and the plots (:mod:`grader.workshop.pool_plots`)
depend on the data alone and the pool imports all three without a cycle.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from course.labs.results import LoadedResults
from course.quiz.selfcheck import SavedQuizCheck

#: where a quiz score came from (:attr:`QuizScore.source`)
GRADES = "grades.csv"
SELF_CHECK = "self-check"


@dataclass(frozen=True)
class QuizScore:
    participant: str
    quiz_id: str
    points: float
    max_points: float
    source: str  # GRADES or SELF_CHECK


@dataclass(frozen=True)
class Participant:
    """One participant's loaded results (``results`` is None when none could be read at all)."""

    name: str
    source: str
    results: LoadedResults | None = None
    quiz_checks: dict[str, SavedQuizCheck] = field(default_factory=dict)

    def machine(self) -> dict[str, Any]:
        """The machine of the first lab that loaded (lab 01 first): what it says about CPU, cores, GPU."""
        if self.results is None:
            return {}
        for lab in sorted(self.results.labs):
            machine = self.results.labs[lab].machine
            if isinstance(machine, dict):
                return machine
        return {}


@dataclass(frozen=True)
class Pool:
    """The room: participants in name order, their quiz scores, and a warning per file that is not right."""

    participants: tuple[Participant, ...]
    quiz_scores: tuple[QuizScore, ...]
    warnings: tuple[str, ...]

    def table(self) -> pd.DataFrame:
        """One row per participant (pooled.csv): machine, speed, cost, accuracy and quiz figures."""
        return pooled_table(self)


# --- the table ----------------------------------------------------------------------------------------------

#: columns of pooled.csv before the per-concurrency and per-quiz ones (units in the names)
MACHINE_COLUMNS = ("cpu", "gpu", "logical_cores", "memory_gib")
SPEED_COLUMNS = (
    "model", "quant", "decode_tokens_per_s",  # lab 01
    "local_ttft_p50_s", "api_ttft_p50_s", "real_api_ttft_p50_s", "api_label", "api_mode",  # lab 02
    "concurrency_server",  # lab 03, then c<N>_output_tokens_per_s per level
)  # fmt: skip
COST_QUALITY_COLUMNS = (
    "rented_gpu", "self_usd_per_mtok", "api_blended_usd_per_mtok", "break_even_tokens_per_day",  # lab 04
    "break_even_reason",
    "workload", "local_accuracy", "local_constrained_accuracy", "api_accuracy",  # lab 05
)  # fmt: skip


def concurrency_column(level: int) -> str:
    return f"c{level}_output_tokens_per_s"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 1 and number.is_integer() else None


def _lab_row(p: Participant) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if p.results is None:
        return row
    machine = p.machine()
    row.update(
        cpu=_text(machine.get("cpu")),
        gpu=_text(machine.get("gpu")),
        logical_cores=_count(machine.get("logical_cores")),
        memory_gib=_number(machine.get("memory_gib")),
    )
    if lab01 := p.results.headline("01"):
        row.update(model=lab01.model, quant=lab01.quant, decode_tokens_per_s=lab01.decode_tokens_per_s)
    if lab02 := p.results.headline("02"):
        row.update(
            local_ttft_p50_s=lab02.local_ttft_p50_s,
            api_ttft_p50_s=lab02.api_ttft_p50_s,
            real_api_ttft_p50_s=lab02.real_api_ttft_p50_s,
            api_label=lab02.api_label,
            api_mode=p.results.labs["02"].mode,
        )
    if lab03 := p.results.headline("03"):
        row["concurrency_server"] = lab03.server
        row.update({concurrency_column(v.concurrency): v.output_tokens_per_s for v in lab03.levels})
    if lab04 := p.results.headline("04"):
        row.update(
            rented_gpu=lab04.gpu,
            self_usd_per_mtok=lab04.self_usd_per_mtok,
            api_blended_usd_per_mtok=lab04.api_blended_usd_per_mtok,
            break_even_tokens_per_day=lab04.break_even_tokens_per_day,
            break_even_reason=lab04.break_even_reason,
        )
    if lab05 := p.results.headline("05"):
        row["workload"] = lab05.workload
        for column, side, constrained in (
            ("local_accuracy", "local", False),
            ("local_constrained_accuracy", "local", True),
            ("api_accuracy", "API", False),
        ):
            match = next((s for s in lab05.sides if s.side == side and s.constrained == constrained), None)
            row[column] = match.accuracy if match else None
    return row


def pooled_table(pool: Pool) -> pd.DataFrame:
    """One row per participant, in name order; a figure a participant did not save is empty (NaN/None)."""
    rows = []
    for p in pool.participants:
        row: dict[str, Any] = {"participant": p.name, "source": p.source}
        row["labs_saved"] = " ".join(sorted(p.results.labs)) if p.results is not None else ""
        row.update(_lab_row(p))
        rows.append(row)
    levels = sorted({int(k[1:].split("_")[0]) for row in rows for k in row if re.match(r"^c\d+_output", k)})
    quizzes = sorted({s.quiz_id for s in pool.quiz_scores})
    by_participant: dict[str, list[QuizScore]] = {}
    for s in pool.quiz_scores:
        by_participant.setdefault(s.participant, []).append(s)
    for row in rows:
        taken = by_participant.get(row["participant"], [])
        for s in taken:
            row[f"{s.quiz_id}_points"] = s.points
            row[f"{s.quiz_id}_max_points"] = s.max_points
        row["quiz_points"] = sum(s.points for s in taken) if taken else None
        row["quiz_max_points"] = sum(s.max_points for s in taken) if taken else None
        row["quiz_sources"] = " ".join(sorted({s.source for s in taken}))
    columns = [
        "participant", *MACHINE_COLUMNS, *SPEED_COLUMNS, *map(concurrency_column, levels),
        *COST_QUALITY_COLUMNS,
        *(f"{q}_{what}" for q in quizzes for what in ("points", "max_points")),
        "quiz_points", "quiz_max_points", "quiz_sources", "labs_saved", "source",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({"logical_cores": "Int64"})
