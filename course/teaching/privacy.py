"""Privacy, sovereignty and compliance: classify a deployment scenario, with the reasons.

Five answers, not two, from the least to the most control (:class:`Deployment`):

1. a frontier API on its standard terms;
2. the same API **under contract**: the model provider's own API with a signed BAA, zero data retention
   or a regional endpoint (the provider still runs the model on your prompts);
3. a frontier model in a **private cloud deployment** (Azure OpenAI, Bedrock, Vertex AI: a cloud contract
   with a BAA or a processor agreement, a private network, a guaranteed region);
4. open weights **self-hosted on rented cloud** (IaaS): your own model server on GPUs you rent inside your
   own network (VPC); the cloud hosts the machines under its BAA or DPA, but no model service receives
   the prompts;
5. open weights **on your own hardware**: no outside party hosts or processes anything.

"Third party" therefore has two strengths, and scenarios say which one applies: "the data must not leave
our network" (``within_own_network``: rented machines in your VPC still qualify, a model service does not)
and "no outside party at all, cloud hosting included" (``no_third_parties``). :func:`classify` applies the
rules in order, the hardest constraint first, and among the deployments that satisfy every rule picks the
one that asks least of the team (an API before a cloud deployment before running your own servers),
naming the others under "also possible". The offerings and regimes it knows, and the EU AI Act's dates and
duties for general-purpose models (:func:`ai_act_table`, :func:`ai_act_duties`), are dated, sourced rows in
``course/data/privacy.json``. A teaching model, not legal advice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator, with_config

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, ROW_CONFIG, Day, Fact, HttpsUrl, Text, data_row, load_data, problem
from course.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

PRIVACY_PATH = DATA_DIR / "privacy.json"
DataKind = Literal["public", "internal", "personal", "financial", "health", "classified"]
DATA_KINDS: tuple[DataKind, ...] = ("public", "internal", "personal", "financial", "health", "classified")
_SENSITIVE = {"personal", "financial", "health"}


class Deployment(str, Enum):
    """The five deployment classes, from the least to the most control (the module docstring)."""

    PUBLIC_API = "frontier API, standard terms"
    API_UNDER_CONTRACT = "frontier API under a BAA or zero data retention"
    PRIVATE_FRONTIER = "frontier model, private cloud deployment"
    SELF_HOSTED_CLOUD = "open weights, self-hosted on rented cloud (IaaS)"
    SELF_HOSTED_OPEN = "open weights, self-hosted on your own hardware"

    def __str__(self) -> str:
        return self.value


@data_row
class Regime(Fact):
    id: Text
    name: Text
    requires: Text
    source: HttpsUrl
    as_of: Day
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


OfferingKind = Literal["private cloud deployment", "direct API under contract"]
LawDay = Annotated[str, AfterValidator(lambda text: date.fromisoformat(text).isoformat())]


@data_row
class Offering(Fact):
    """A frontier model offered under terms that can meet privacy rules: inside a cloud contract (a
    private cloud deployment), or through the model provider's own API under a BAA, zero data retention
    or a regional endpoint (``kind`` says which)."""

    name: Text
    provider: Text
    models: Text
    regimes: tuple[str, ...]
    regions: tuple[str, ...]
    private_network: bool
    notes: str
    source: HttpsUrl
    as_of: Day
    kind: OfferingKind = "private cloud deployment"
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


@data_row
class AiActRule(Fact):
    """One dated rule of the EU AI Act (Regulation (EU) 2024/1689, as amended) that a team choosing between
    open weights and an API meets: when it applies, to whom, and what it asks."""

    id: Text
    rule: Text  # e.g. "Art. 53(2)"
    # The day the law says the rule applies, often still ahead: a date of the law, not the date a fact was
    # read, so it is ISO text that the "no fact dated after today" check does not read. None for a criterion.
    applies_from: LawDay | None
    who: Text  # "provider of a general-purpose AI model", "deployer of an AI system", ...
    says: Text  # the rule in the course's words
    source: HttpsUrl
    as_of: Day
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


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
    no_third_parties: bool = False  # contract or policy: no outside party at all, cloud hosting included
    within_own_network: bool = False  # the data must not leave our network (our VPC counts): no model service
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
    """``course/data/privacy.json``: the rules, the frontier offerings under contract, the worked scenarios,
    and the EU AI Act's rules for general-purpose models."""

    model_config = FILE_CONFIG

    about: str = ""
    as_of: Day | None = None
    regimes: tuple[Regime, ...] = Field(min_length=1)
    offerings: tuple[Offering, ...] = Field(min_length=1)
    scenarios: tuple[Scenario, ...] = Field(min_length=1)
    ai_act: tuple[AiActRule, ...] = ()

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
    """The deployment for a scenario, hardest constraint first; among those that meet every rule, the one
    that asks least of the team, with the others as "also possible"."""
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
                "no outside party may process or even host the data: a model service is a third party, "
                "and so is a cloud that rents you the machines (someone else's hardware, a processor "
                "under the law)",
            ),
            to_do=("self-host on hardware you own or control (on premises)", *quality_note),
        )
    if s.within_own_network:
        return Classification(
            s,
            Deployment.SELF_HOSTED_CLOUD,
            (
                "the data may not leave your own network: no model service may receive it, but GPUs you "
                "rent inside your own VPC are part of your network (the cloud hosts the machines; it does "
                "not run a model on your prompts)",
            ),
            also_possible=(Deployment.SELF_HOSTED_OPEN,),
            to_do=(
                "rent GPU machines inside your own VPC, under the cloud's BAA or DPA for the hosting",
                "keep prompts, logs and backups inside the VPC; no calls to outside model APIs",
                *quality_note,
            ),
        )
    regulated = bool(s.regimes) or s.data in _SENSITIVE or s.residency is not None
    if regulated:
        needed = set(s.regimes) - {"residency"}
        fits = [
            o
            for o in offerings
            if needed <= set(o.regimes) and (s.residency is None or s.residency in o.regions)
        ]
        direct = [o for o in fits if o.kind == "direct API under contract"]
        cloud = [o for o in fits if o.kind == "private cloud deployment"]
        rules = ", ".join(sorted(needed)) or f"{s.data} data"
        region = f" in the {s.residency} region" if s.residency else ""
        if direct or cloud:
            choice = Deployment.API_UNDER_CONTRACT if direct else Deployment.PRIVATE_FRONTIER
            chosen = direct or cloud
            names = ", ".join(o.name for o in chosen)
            how = (
                "the provider's own API under contract"
                if direct
                else "a frontier model under a cloud contract"
            )
            also = ((Deployment.PRIVATE_FRONTIER,) if direct and cloud else ()) + (
                Deployment.SELF_HOSTED_CLOUD,
                Deployment.SELF_HOSTED_OPEN,
            )
            return Classification(
                s,
                choice,
                (f"{rules}{region} can be met by {how}: {names}",),
                also_possible=also,
                to_do=_contract_steps(needed, s.residency, direct=bool(direct)),
            )
        wanted = ", ".join(sorted(needed)) or f"{s.data} data"
        region = f" with data kept in {s.residency}" if s.residency else ""
        return Classification(
            s,
            Deployment.SELF_HOSTED_OPEN,
            (f"no frontier offering listed meets {wanted}{region}",),
            also_possible=() if s.residency else (Deployment.SELF_HOSTED_CLOUD,),
            to_do=(
                "self-host inside the required region: on your own hardware, or on rented GPUs if a cloud "
                "has a region there",
                *quality_note,
            ),
        )
    return Classification(
        s,
        Deployment.PUBLIC_API,
        (f"{s.data} data under no special rule: the standard API terms are enough",),
        also_possible=tuple(d for d in Deployment if d is not Deployment.PUBLIC_API),
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
            "kind": o.kind,
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


def _contract_steps(needed: set[str], residency: str | None, *, direct: bool = False) -> tuple[str, ...]:
    steps = []
    if "HIPAA" in needed:
        steps.append("sign the provider's BAA before any PHI is sent")
    if "GDPR" in needed:
        steps.append("sign the data-processing agreement; record the lawful basis")
    if residency:
        steps.append(f"deploy to a {residency} endpoint and check the model is offered there")
    if direct:
        steps.append(
            "apply for zero data retention; use only the endpoints and features the BAA or ZDR covers"
        )
    else:
        steps.append("use private networking; confirm retention and abuse-monitoring terms")
    return tuple(steps)


AI_ACT_PROVIDER = "provider of a general-purpose AI model"


@dataclass(frozen=True)
class AiActAssessment:
    """What the EU AI Act's rules for general-purpose models ask of one team, with the rules behind it."""

    role: str
    duties: tuple[str, ...]
    reasons: tuple[str, ...]
    rules: tuple[str, ...]  # ids of the rows of privacy.json's ``ai_act`` it rests on


def ai_act_table(data: PrivacyData | None = None) -> pd.DataFrame:
    """The EU AI Act rules the course teaches, in date order: when, who, what, where it says so."""
    import pandas as pd

    data = data or load_privacy()
    rows = [
        {
            "rule": r.rule,
            "applies from": r.applies_from or "(a criterion)",
            "who": r.who,
            "what it says": r.says,
        }
        for r in sorted(data.ai_act, key=lambda r: (r.applies_from is None, r.applies_from or ""))
    ]
    return pd.DataFrame(rows).set_index("rule")


def ai_act_duties(
    *,
    modification_share: float = 0.0,
    places_on_eu_market: bool = True,
    open_licence: bool = False,
    systemic_risk: bool = False,
) -> AiActAssessment:
    """Whether a team becomes the *provider* of a general-purpose model under the AI Act, and what that asks.

    ``modification_share`` is the compute the team spent changing someone else's model (fine-tuning,
    continued training) as a share of what training the original took: 0 for a team that calls an API or
    self-hosts weights unchanged, a tiny fraction for a LoRA fine-tune. The Commission's guidelines take
    more than a third as the indicative sign that the modified model is a new model with a new provider.
    ``open_licence``: the team publishes the weights under a free and open-source licence (Art. 53(2));
    ``systemic_risk``: the model is above the 10^25 FLOP presumption or designated (Art. 51).
    """
    if not modification_share >= 0:
        raise ConfigError(
            f"modification_share is {modification_share!r}.",
            fix="Give the modification's compute as a share of the original's: 0 for none, 0.4 for 40%.",
        )
    if modification_share <= 1 / 3 or not places_on_eu_market:
        why = (
            "you use a model someone else provides (through an API, or as weights you run unchanged)"
            if modification_share == 0
            else "a modification using a third or less of the original training compute does not make a "
            "new model under the Commission's guidelines"
        )
        if not places_on_eu_market and modification_share > 1 / 3:
            why = "the modified model is not placed on the EU market"
        return AiActAssessment(
            role="not a provider of a general-purpose model: provider or deployer of an AI system",
            duties=(
                "no Chapter V (Art. 53) duties of your own; the model's provider owes them, so ask it for "
                "the documentation it must give integrators",
                "transparency (Art. 50) from 2 August 2026: tell people they are talking to an AI, "
                "disclose deep fakes and AI text published on matters of public interest",
                "high-risk duties only if your use is high-risk (Annex III uses from 2 December 2027)",
            ),
            reasons=(why,),
            rules=("gpai-provider-duties", "modifier-threshold", "transparency", "high-risk-dates"),
        )
    duties = [
        "technical documentation of the model (Annex XI), for the AI Office on request",
        "information and documentation for those who integrate it (Annex XII)",
        "a policy to comply with EU copyright law, honouring text-and-data-mining opt-outs",
        "a public summary of the content used for training, on the AI Office's template",
    ]
    reasons = [
        "the modification used more than a third of the original model's training compute: the "
        "Commission's guidelines treat the result as a new model and you as its provider (duties limited "
        "to the modification)"
    ]
    rules = ["modifier-threshold", "gpai-provider-duties", "gpai-apply", "gpai-fines"]
    if open_licence and not systemic_risk:
        duties = duties[2:]
        reasons.append(
            "weights and architecture published under a free and open-source licence: the two documentation "
            "duties fall away (Art. 53(2)); the copyright policy and training summary remain"
        )
        rules.append("open-source-exception")
    if systemic_risk:
        duties += [
            "evaluate the model, assess and mitigate systemic risks, report serious incidents and protect "
            "its cybersecurity (Art. 55); notify the Commission"
        ]
        reasons.append("a model with systemic risk: no open-source exception, and the Art. 55 duties apply")
        rules.append("systemic-risk")
    return AiActAssessment(
        role=AI_ACT_PROVIDER,
        duties=tuple(duties),
        reasons=tuple(reasons),
        rules=tuple(rules),
    )


def _load(path: Path) -> PrivacyData:
    return load_data(path.name, PrivacyData, data_dir=path.parent)
