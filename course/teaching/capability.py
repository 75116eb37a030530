"""Capability by task: where open models match or lag (as the seeds report it), and mixture-of-experts sizes.

Data: ``course/data/capability.json``. Every task row names the seed article it comes from; the MoE rows
carry a source and a date. Memory and speed arithmetic reuse :mod:`course.models.memory`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from course.data import DATA_DIR
from course.errors import ConfigError, DataError
from course.models.memory import weights_gb

if TYPE_CHECKING:
    import pandas as pd

CAPABILITY_PATH = DATA_DIR / "capability.json"
VERDICTS = ("open matches", "frontier leads", "open can win")


@dataclass(frozen=True)
class TaskFamily:
    task: str
    verdict: str  # one of VERDICTS
    evidence: str
    seed: str  # seed number(s), e.g. "002, 003"


@dataclass(frozen=True)
class GapRow:
    """One bar pair of seed 003's chart (relative benchmark scores, percent)."""

    task: str
    open_pct: float
    closed_pct: float
    gap: str


@dataclass(frozen=True)
class MoeModel:
    name: str
    total_params_b: float
    active_params_b: float
    experts: int
    active_experts: int
    source: str
    as_of: date


@dataclass(frozen=True)
class MoeFootprint:
    """What total and active parameters mean for one model at one precision."""

    name: str
    total_params_b: float
    active_params_b: float
    weights_gb: float  # every expert must be in memory
    gb_read_per_token: float  # decode reads only the active weights (the speed bound)
    gflops_per_token: float  # about 2 FLOPs per active parameter


@dataclass(frozen=True)
class CapabilityData:
    task_families: tuple[TaskFamily, ...]
    source_003_gap: tuple[GapRow, ...]
    source_003_gap_note: str
    moe_models: tuple[MoeModel, ...]


def load_capability(path: str | Path | None = None) -> CapabilityData:
    """Read and check the capability file (the bundled one when ``path`` is None, read once)."""
    return _load(Path(path)) if path is not None else _bundled()


@functools.cache
def _bundled() -> CapabilityData:
    return _load(CAPABILITY_PATH)


def task_table(data: CapabilityData | None = None) -> pd.DataFrame:
    """Task families with the seed's verdict and evidence, grouped by verdict."""
    import pandas as pd

    data = data or load_capability()
    rows = [
        {"task family": t.task, "verdict": t.verdict, "what the seed reports": t.evidence, "seed": t.seed}
        for t in sorted(data.task_families, key=lambda t: VERDICTS.index(t.verdict))
    ]
    return pd.DataFrame(rows)


def gap_table(data: CapabilityData | None = None) -> pd.DataFrame:
    """Seed 003's gap chart as numbers, with the gap in points and the error rates it implies."""
    import pandas as pd

    data = data or load_capability()
    rows = [
        {
            "task": g.task,
            "open (score %)": g.open_pct,
            "frontier (score %)": g.closed_pct,
            "gap (points)": g.closed_pct - g.open_pct,
            "open fails ÷ frontier fails": round((100 - g.open_pct) / (100 - g.closed_pct), 1),
            "seed's label": g.gap,
        }
        for g in data.source_003_gap
    ]
    return pd.DataFrame(rows).set_index("task")


def moe_footprint(model: MoeModel, *, bits_per_weight: float) -> MoeFootprint:
    """Memory for all experts, bytes and FLOPs per generated token for the active ones."""
    if not 1 <= bits_per_weight <= 32:
        raise ConfigError(
            f"bits_per_weight is {bits_per_weight!r}.",
            fix="Use 1-32: 16 for FP16, 8 for Q8_0, about 4.5 for Q4_K_M.",
        )
    return MoeFootprint(
        name=model.name,
        total_params_b=model.total_params_b,
        active_params_b=model.active_params_b,
        weights_gb=weights_gb(params=model.total_params_b * 1e9, bits_per_weight=bits_per_weight),
        gb_read_per_token=weights_gb(params=model.active_params_b * 1e9, bits_per_weight=bits_per_weight),
        gflops_per_token=2 * model.active_params_b,
    )


def moe_table(*, bits_per_weight: float = 4.5, data: CapabilityData | None = None) -> pd.DataFrame:
    """Every MoE and dense model: memory from total parameters, speed bound from active ones."""
    import pandas as pd

    data = data or load_capability()
    rows = []
    for m in data.moe_models:
        f = moe_footprint(m, bits_per_weight=bits_per_weight)
        rows.append(
            {
                "model": m.name,
                "experts (active/total)": f"{m.active_experts}/{m.experts}",
                "total params (B)": f.total_params_b,
                "active params (B)": f.active_params_b,
                f"weights at {bits_per_weight:g} bits (GB)": round(f.weights_gb, 1),
                "GB read per token": round(f.gb_read_per_token, 1),
                "GFLOPs per token": round(f.gflops_per_token),
            }
        )
    return pd.DataFrame(rows).set_index("model")


def _load(path: Path) -> CapabilityData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path} does not exist.", fix="Restore course/data/capability.json.") from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}.", fix="Fix it."
        ) from None
    try:
        tasks = tuple(TaskFamily(**row) for row in raw["task_families"])
        gaps = tuple(GapRow(**row) for row in raw["source_003_gap"])
        moes = tuple(
            MoeModel(**{**row, "as_of": date.fromisoformat(row["as_of"])}) for row in raw["moe_models"]
        )
        note = str(raw["source_003_gap_note"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"{path.name}: a row does not fit its fields ({exc}).",
            fix="Compare the row with the dataclasses in course/teaching/capability.py.",
        ) from None
    for t in tasks:
        if t.verdict not in VERDICTS:
            raise DataError(
                f"{path.name}: task {t.task!r} has verdict {t.verdict!r}.", fix=f"Use one of {VERDICTS}."
            )
    for g in gaps:
        if not 0 <= g.open_pct <= 100 or not 0 <= g.closed_pct <= 100:
            raise DataError(
                f"{path.name}: gap row {g.task!r} is outside 0-100%.", fix="Scores are percentages."
            )
    for m in moes:
        if not 0 < m.active_params_b <= m.total_params_b or not 0 < m.active_experts <= m.experts:
            raise DataError(
                f"{path.name}: {m.name} has active {m.active_params_b}B of {m.total_params_b}B, "
                f"{m.active_experts} of {m.experts} experts.",
                fix="Active parameters and experts must be positive and at most the totals.",
            )
        if not m.source.startswith("https://"):
            raise DataError(f"{path.name}: {m.name} has source {m.source!r}.", fix="Give an https:// URL.")
    return CapabilityData(tasks, gaps, note, moes)
