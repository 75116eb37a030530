"""Privacy, sovereignty and compliance: classify a deployment scenario, with the reasons.

Three answers, not two: a frontier API on its standard terms, a frontier model in a **private
deployment** (a cloud contract with a BAA or a processor agreement, a private network, a guaranteed
region), or **self-hosted open weights**. :func:`classify` applies the rules in order, the hardest
constraint first; the offerings and regimes it knows are dated, sourced rows in
``course/data/privacy.json``. A teaching model, not legal advice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, model_validator, with_config

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, ROW_CONFIG, Day, HttpsUrl, Text, data_row, load_data, problem
from course.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

PRIVACY_PATH = DATA_DIR / "privacy.json"
DataKind = Literal["public", "internal", "personal", "financial", "health", "classified"]
DATA_KINDS: tuple[DataKind, ...] = ("public", "internal", "personal", "financial", "health", "classified")
_SENSITIVE = {"personal", "financial", "health"}


class Deployment(str, Enum):
    PUBLIC_API = "frontier API, standard terms"
    PRIVATE_FRONTIER = "frontier model, private deployment"
    SELF_HOSTED_OPEN = "open weights, self-hosted"

    def __str__(self) -> str:
        return self.value


@data_row
class Regime:
    id: Text
    name: Text
    requires: Text
    source: HttpsUrl
    as_of: Day


@data_row
class Offering:
    """A frontier model offered inside a cloud contract that can meet privacy rules."""

    name: Text
    provider: Text
    models: Text
    regimes: tuple[str, ...]
    regions: tuple[str, ...]
    private_network: bool
    notes: str
    source: HttpsUrl
    as_of: Day


@with_config(ROW_CONFIG)
@dataclass(frozen=True)
class Scenario:
    """A workload described by its data and its constraints (every option keyword-only).

    A plain dataclass, so that building one by hand says what is wrong in the course's words
    (:class:`ConfigError`); rows of ``privacy.json`` are checked by pydantic against the same fields.
    """

    name: str
    data: DataKind = "internal"
    regimes: tuple[str, ...] = ()  # "HIPAA", "GDPR", "residency"
    residency: str | None = None  # region the data must stay in, e.g. "EU"
    offline_or_on_device: bool = False
    air_gapped: bool = False
    no_third_parties: bool = False  # contract or policy: no outside processor at all
    needs_frontier_quality: bool = False
    article: str = ""  # the source article the scenario comes from, e.g. "003"

    def __post_init__(self) -> None:
        if self.data not in DATA_KINDS:
            raise ConfigError(f"data is {self.data!r}.", fix=f"Use one of: {', '.join(DATA_KINDS)}.")
        if isinstance(self.regimes, str):
            raise ConfigError(f"regimes is the text {self.regimes!r}.", fix='Pass a tuple, e.g. ("HIPAA",).')
        if "residency" in self.regimes and not self.residency:
            raise ConfigError(
                f"{self.name}: the residency regime is set but no region is named.",
                fix='Pass residency="EU" (or the country or region the data must stay in).',
            )


@dataclass(frozen=True)
class Classification:
    scenario: Scenario
    choice: Deployment
    reasons: tuple[str, ...]
    also_possible: tuple[Deployment, ...] = ()
    to_do: tuple[str, ...] = field(default=())


class PrivacyData(BaseModel):
    """``course/data/privacy.json``: the rules, the private frontier offerings, the worked scenarios."""

    model_config = FILE_CONFIG

    about: str = ""
    as_of: Day | None = None
    regimes: tuple[Regime, ...] = Field(min_length=1)
    offerings: tuple[Offering, ...] = Field(min_length=1)
    scenarios: tuple[Scenario, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_are_known(self) -> PrivacyData:
        known = {r.id for r in self.regimes}
        named: tuple[tuple[str, Sequence[Offering | Scenario]], ...] = (
            ("offerings", self.offerings),
            ("scenarios", self.scenarios),
        )
        for key, items in named:
            for i, item in enumerate(items):
                unknown = sorted(set(item.regimes) - known)
                if unknown:
                    raise problem(
                        f"names unknown rules {unknown}.",
                        f"Use rules listed in 'regimes': {', '.join(sorted(known))}.",
                        at=(key, i, "regimes"),
                    )
        return self


def load_privacy(path: str | Path | None = None) -> PrivacyData:
    """Read and check the privacy file (the bundled one when ``path`` is None, read once)."""
    return _load(Path(path)) if path is not None else _bundled()


@functools.cache
def _bundled() -> PrivacyData:
    return _load(PRIVACY_PATH)


def classify(scenario: Scenario, *, offerings: Sequence[Offering] | None = None) -> Classification:
    """API / private frontier deployment / self-hosted open weights, hardest constraint first."""
    offerings = load_privacy().offerings if offerings is None else tuple(offerings)
    s = scenario
    quality_note = (
        ("expect a quality gap on hard tasks: evaluate open models on your own examples first",)
        if s.needs_frontier_quality
        else ()
    )
    if s.offline_or_on_device or s.air_gapped:
        why = "it must run without a network" if s.offline_or_on_device else "the network is air-gapped"
        return Classification(
            s,
            Deployment.SELF_HOSTED_OPEN,
            (f"{why}: only weights you hold can run there; every API needs a connection",),
            to_do=("pick a model small enough for the device or the servers inside", *quality_note),
        )
    if s.no_third_parties:
        return Classification(
            s,
            Deployment.SELF_HOSTED_OPEN,
            (
                "no outside processor is allowed: a cloud provider is a third party, "
                "even in a private deployment",
            ),
            to_do=("self-host on infrastructure you control", *quality_note),
        )
    regulated = bool(s.regimes) or s.data in _SENSITIVE or s.residency is not None
    if regulated:
        needed = set(s.regimes) - {"residency"}
        fits = [
            o
            for o in offerings
            if needed <= set(o.regimes) and (s.residency is None or s.residency in o.regions)
        ]
        if fits:
            names = ", ".join(o.name for o in fits)
            rules = ", ".join(sorted(needed)) or f"{s.data} data"
            region = f" in the {s.residency} region" if s.residency else ""
            return Classification(
                s,
                Deployment.PRIVATE_FRONTIER,
                (f"{rules}{region} can be met by a frontier model under a cloud contract: {names}",),
                also_possible=(Deployment.SELF_HOSTED_OPEN,),
                to_do=_contract_steps(needed, s.residency),
            )
        wanted = ", ".join(sorted(needed)) or f"{s.data} data"
        region = f" with data kept in {s.residency}" if s.residency else ""
        return Classification(
            s,
            Deployment.SELF_HOSTED_OPEN,
            (f"no private frontier offering listed meets {wanted}{region}",),
            to_do=("self-host inside the required region", *quality_note),
        )
    return Classification(
        s,
        Deployment.PUBLIC_API,
        (f"{s.data} data under no special rule: the standard API terms are enough",),
        also_possible=(Deployment.PRIVATE_FRONTIER, Deployment.SELF_HOSTED_OPEN),
        to_do=("read the provider's data terms (retention, training on your data)",),
    )


def classify_all(scenarios: Sequence[Scenario] | None = None) -> list[Classification]:
    """Classify the bundled scenarios (or yours)."""
    return [classify(s) for s in (load_privacy().scenarios if scenarios is None else scenarios)]


def classification_table(results: Sequence[Classification]) -> pd.DataFrame:
    """One readable row per scenario: the choice, why, what else would work, what to do."""
    import pandas as pd

    rows = [
        {
            "scenario": r.scenario.name,
            "deployment": str(r.choice),
            "why": "; ".join(r.reasons),
            "also possible": ", ".join(str(d) for d in r.also_possible) or "nothing else",
            "to do": "; ".join(r.to_do),
        }
        for r in results
    ]
    return pd.DataFrame(rows).set_index("scenario")


def offerings_table(data: PrivacyData | None = None) -> pd.DataFrame:
    import pandas as pd

    data = data or load_privacy()
    rows = [
        {
            "offering": o.name,
            "frontier models": o.models,
            "rules it can meet": ", ".join(o.regimes),
            "regions (examples)": ", ".join(o.regions),
            "private network": "yes" if o.private_network else "no",
            "notes": o.notes,
            "as of": o.as_of.isoformat(),
        }
        for o in data.offerings
    ]
    return pd.DataFrame(rows).set_index("offering")


def regimes_table(data: PrivacyData | None = None) -> pd.DataFrame:
    import pandas as pd

    data = data or load_privacy()
    rows = [{"rule": r.name, "what it requires of an LLM deployment": r.requires} for r in data.regimes]
    return pd.DataFrame(rows).set_index("rule")


def _contract_steps(needed: set[str], residency: str | None) -> tuple[str, ...]:
    steps = []
    if "HIPAA" in needed:
        steps.append("sign the provider's BAA before any PHI is sent")
    if "GDPR" in needed:
        steps.append("sign the data-processing agreement; record the lawful basis")
    if residency:
        steps.append(f"deploy to a {residency} endpoint and check the model is offered there")
    steps.append("use private networking; confirm retention and abuse-monitoring terms")
    return tuple(steps)


def _load(path: Path) -> PrivacyData:
    return load_data(path.name, PrivacyData, data_dir=path.parent)
