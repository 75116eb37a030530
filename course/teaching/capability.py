"""Capability by task: where open models match or lag (as the source articles report it), and MoE sizes.

Data: ``course/data/capability.json``. Every task row names the source article it comes from; the MoE rows
carry a source and a date. Memory and speed arithmetic reuse :mod:`course.models.memory`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from course.data import DATA_DIR
from course.datafiles import (
    FILE_CONFIG,
    Day,
    Fact,
    HttpsUrl,
    Positive,
    Source,
    Text,
    data_row,
    load_data,
    problem,
)
from course.errors import ConfigError
from course.models.memory import weights_gb

if TYPE_CHECKING:
    import pandas as pd

CAPABILITY_PATH = DATA_DIR / "capability.json"
Verdict = Literal["open matches", "frontier leads", "open can win"]
VERDICTS: tuple[Verdict, ...] = ("open matches", "frontier leads", "open can win")
Percent = Annotated[float, Field(ge=0, le=100)]


@data_row
class TaskFamily(Fact):
    task: Text
    verdict: Verdict
    evidence: Text
    article: Text  # source article number(s), e.g. "002, 003"
    source: Source | None = None  # the article (or page) the evidence was read in
    as_of: Day | None = None
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


@data_row
class GapRow(Fact):
    """One bar pair of article 003's chart (relative benchmark scores, percent: not accuracies)."""

    task: Text
    open_pct: Percent
    closed_pct: Percent
    gap: Text
    source: Source | None = None
    as_of: Day | None = None
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


@data_row
class MoeModel(Fact):
    name: Text
    total_params_b: Positive
    active_params_b: Positive
    experts: Annotated[int, Field(ge=1)]
    active_experts: Annotated[int, Field(ge=1)]
    source: HttpsUrl
    as_of: Day
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    @model_validator(mode="after")
    def _active_within_totals(self) -> MoeModel:
        if self.active_params_b > self.total_params_b or self.active_experts > self.experts:
            raise problem(
                f"({self.active_params_b}B of {self.total_params_b}B, {self.active_experts} of "
                f"{self.experts} experts) exceeds the totals.",
                "Active parameters and experts must be positive and at most the totals.",
                field="active_params_b",
            )
        return self


@dataclass(frozen=True)
class MoeFootprint:
    """What total and active parameters mean for one model at one precision."""

    name: str
    total_params_b: float
    active_params_b: float
    weights_gb: float  # every expert must be in memory
    gb_read_per_token: float  # decode reads only the active weights (the speed bound)
    gflops_per_token: float  # about 2 FLOPs per active parameter


class CapabilityData(BaseModel):
    """``course/data/capability.json``: task families, article 003's gap chart, mixture-of-experts shapes."""

    model_config = FILE_CONFIG

    about: str = ""
    as_of: Day | None = None
    task_families: tuple[TaskFamily, ...] = Field(min_length=1)
    source_003_gap: tuple[GapRow, ...] = Field(min_length=1)
    source_003_gap_note: Text
    moe_models: tuple[MoeModel, ...] = Field(min_length=1)


def load_capability(path: str | Path | None = None) -> CapabilityData:
    """Read and check the capability file (the bundled one when ``path`` is None, read once)."""
    return _load(Path(path)) if path is not None else _bundled()


@functools.cache
def _bundled() -> CapabilityData:
    return _load(CAPABILITY_PATH)


def task_table(data: CapabilityData | None = None) -> pd.DataFrame:
    """Task families with the articles' verdict and evidence, grouped by verdict."""
    import pandas as pd

    data = data or load_capability()
    rows = [
        {
            "task family": t.task,
            "verdict": t.verdict,
            "what the article reports": t.evidence,
            "article": t.article,
        }
        for t in sorted(data.task_families, key=lambda t: VERDICTS.index(t.verdict))
    ]
    return pd.DataFrame(rows)


def gap_table(data: CapabilityData | None = None) -> pd.DataFrame:
    """Article 003's gap chart as numbers, with the gap in points.

    The scores are *relative benchmark scores*, not accuracies (the article says so), so no failure rate
    is derived from them: :func:`chained_success_table` shows, with per-call reliabilities stated as
    assumptions, why the gap grows with the number of steps.
    """
    import pandas as pd

    data = data or load_capability()
    rows = [
        {
            "task": g.task,
            "open (score %)": g.open_pct,
            "frontier (score %)": g.closed_pct,
            "gap (points)": g.closed_pct - g.open_pct,
            "article's label": g.gap,
        }
        for g in data.source_003_gap
    ]
    return pd.DataFrame(rows).set_index("task")


def chained_success_table(per_call: dict[str, float], *, calls: tuple[int, ...] = (1, 5, 20)) -> pd.DataFrame:
    """Task success when a task needs ``n`` steps that must all succeed, each independently with the given
    per-call reliability: ``per_call ** n``. An illustration with stated assumptions, not a measurement."""
    import pandas as pd

    for name, p in per_call.items():
        if not 0 < p <= 1:
            raise ConfigError(
                f"the per-call reliability of {name!r} is {p!r}.",
                fix="Give a probability between 0 and 1, e.g. 0.97 for 97 calls in 100 well-formed.",
            )
    if not calls or min(calls) < 1:
        raise ConfigError(f"calls is {calls!r}.", fix="Give step counts of 1 or more, e.g. (1, 5, 20).")
    rows = [
        {
            "steps in the task": n,
            **{f"{name}: task succeeds (%)": round(100 * p**n, 1) for name, p in per_call.items()},
        }
        for n in calls
    ]
    return pd.DataFrame(rows).set_index("steps in the task")


def moe_footprint(model: MoeModel, *, bits_per_weight: float) -> MoeFootprint:
    """Memory for all experts, bytes and FLOPs per generated token for the active ones."""
    if not 1 <= bits_per_weight <= 32:
        raise ConfigError(
            f"bits_per_weight is {bits_per_weight!r}.",
            fix="Use 1-32: 16 for FP16, 8.5 for Q8_0, about 4.85 for Q4_K_M (4.5 is Q4_0).",
        )
    return MoeFootprint(
        name=model.name,
        total_params_b=model.total_params_b,
        active_params_b=model.active_params_b,
        weights_gb=weights_gb(params=model.total_params_b * 1e9, bits_per_weight=bits_per_weight),
        gb_read_per_token=weights_gb(params=model.active_params_b * 1e9, bits_per_weight=bits_per_weight),
        gflops_per_token=2 * model.active_params_b,
    )


def moe_table(*, bits_per_weight: float = 4.85, data: CapabilityData | None = None) -> pd.DataFrame:
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
    return load_data(path.name, CapabilityData, data_dir=path.parent)
