"""Licences and the openness spectrum: what a model's terms allow a deployment to do.

The facts live in ``course/data/licences.json`` (each row dated and sourced); this module loads and checks
them, shows them as tables, and checks a deployment plan against every licence
(:func:`check_deployment`, :func:`check_plan_against_all`). A summary for teaching, not legal advice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from course.data import DATA_DIR
from course.datafiles import FILE_CONFIG, Day, Fact, HttpsUrl, Source, Text, data_row, load_data, problem
from course.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

LICENCES_PATH = DATA_DIR / "licences.json"

Openness = Literal["closed_api", "weights_available", "fully_open"]
OPENNESS_LEVELS: tuple[Openness, ...] = ("closed_api", "weights_available", "fully_open")
OPENNESS_LABELS = {
    "closed_api": "closed (API only)",
    "weights_available": "weights available",
    "fully_open": "fully open (weights, data, recipe)",
}
Artefact = Literal["open", "closed"]


@data_row
class Licence(Fact):
    """One licence or set of API terms, read for what it lets a product do."""

    id: Text
    name: Text
    family: Text
    osi_approved: bool
    weights_downloadable: bool
    commercial_use: Literal["yes", "no"]
    mau_limit: (
        Annotated[int, Field(ge=1)] | None
    )  # monthly active users above which another licence is needed
    use_policy: str | None
    redistribution: Text
    derivatives: Text
    outputs: Text
    train_other_models: Literal["allowed", "conditions", "forbidden"]
    data_terms: Text
    examples: Text
    source: HttpsUrl
    as_of: Day
    source_says: Text
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


@data_row
class ModelOpenness(Fact):
    """Where one model sits on the spectrum, artefact by artefact."""

    name: Text
    developer: Text
    openness: Openness
    weights: Artefact
    training_code: Artefact
    training_data: Artefact
    licence: str | None
    source: Source  # the page it was read in, or the source article ("article 003 (2026-06-24)")
    as_of: Day
    article: Text  # the source article(s) it comes from, e.g. "003"
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    @model_validator(mode="after")
    def _openness_follows_artefacts(self) -> ModelOpenness:
        expected = _openness_from_artefacts(self)
        if self.openness != expected:
            raise problem(
                f"is {self.openness!r}; its artefacts make it {expected!r}.",
                "Make 'openness' agree with weights / training_code / training_data.",
                field="openness",
            )
        return self


@data_row
class Want(Fact):
    """Something a buyer says they want from "open", and the least openness that delivers it."""

    want: Text
    needs: Openness
    why: Text
    article: Text
    source: Source | None = None  # the source article, as "article 003 (2026-06-24)"
    as_of: Day | None = None
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


class LicenceBook(BaseModel):
    """``course/data/licences.json``: the licences, the models on the spectrum, the buyers' wants."""

    model_config = FILE_CONFIG

    about: str = ""
    as_of: Day | None = None
    licences: tuple[Licence, ...] = Field(min_length=1)
    models: tuple[ModelOpenness, ...] = Field(min_length=1)
    wants: tuple[Want, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_known_and_unique(self) -> LicenceBook:
        ids: list[str] = []
        for i, lic in enumerate(self.licences):
            if lic.id in ids:
                raise problem(
                    f"repeats {lic.id!r}.", "Give each licence its own id.", at=("licences", i, "id")
                )
            ids.append(lic.id)
        for i, model in enumerate(self.models):
            if model.licence is not None and model.licence not in ids:
                raise problem(
                    f"names {model.licence!r}, which is not in 'licences'.",
                    "Add the licence row or correct the id.",
                    at=("models", i, "licence"),
                )
        return self

    def licence(self, licence_id: str) -> Licence:
        for lic in self.licences:
            if lic.id == licence_id:
                return lic
        known = ", ".join(lic.id for lic in self.licences)
        raise ConfigError(f"No licence with id {licence_id!r}.", fix=f"Use one of: {known}.")


@dataclass(frozen=True)
class DeploymentCheck:
    """A plan checked against one licence: what blocks it, and what it must respect."""

    licence: Licence
    blockers: tuple[str, ...]
    conditions: tuple[str, ...]

    @property
    def verdict(self) -> str:
        if self.blockers:
            return "not allowed"
        return "allowed, with conditions" if self.conditions else "allowed"


def load_licences(path: str | Path | None = None) -> LicenceBook:
    """Read and check the licence file (the bundled one when ``path`` is None, read once)."""
    return _load(Path(path)) if path is not None else _bundled()


@functools.cache
def _bundled() -> LicenceBook:
    return _load(LICENCES_PATH)


def check_deployment(
    licence_id: str,
    *,
    monthly_active_users: int,
    commercial: bool = True,
    self_host: bool = True,
    redistribute_weights: bool = False,
    train_other_models_on_outputs: bool = False,
    book: LicenceBook | None = None,
) -> DeploymentCheck:
    """Check one deployment plan against one licence's terms."""
    if isinstance(monthly_active_users, bool) or not isinstance(monthly_active_users, int):
        raise ConfigError(
            f"monthly_active_users is {monthly_active_users!r}.", fix="Pass a whole number, e.g. 50_000."
        )
    if monthly_active_users < 0:
        raise ConfigError(f"monthly_active_users is {monthly_active_users}.", fix="Pass 0 or more.")
    lic = (book or load_licences()).licence(licence_id)
    blockers: list[str] = []
    conditions: list[str] = []
    if commercial and lic.commercial_use == "no":
        blockers.append("commercial use needs a separate commercial licence")
    if lic.mau_limit is not None and monthly_active_users > lic.mau_limit:
        blockers.append(
            f"{monthly_active_users:,} monthly active users is over the {lic.mau_limit:,} limit: "
            "ask the publisher for a licence"
        )
    if self_host and not lic.weights_downloadable:
        blockers.append("there are no weights to run on your own machines")
    if redistribute_weights:
        if lic.weights_downloadable:
            conditions.append(f"redistribution: {lic.redistribution}")
        else:
            blockers.append("there are no weights to redistribute")
    if train_other_models_on_outputs:
        if lic.train_other_models == "forbidden":
            blockers.append(f"training other models on outputs is restricted: {lic.outputs}")
        elif lic.train_other_models == "conditions":
            conditions.append(f"outputs used for training: {lic.derivatives}")
    if lic.use_policy:
        conditions.append(f"every use must respect {lic.use_policy}")
    if not self_host:
        conditions.append(f"data: {lic.data_terms}")
    return DeploymentCheck(lic, tuple(blockers), tuple(conditions))


def check_plan_against_all(
    *,
    monthly_active_users: int,
    commercial: bool = True,
    self_host: bool = True,
    redistribute_weights: bool = False,
    train_other_models_on_outputs: bool = False,
) -> pd.DataFrame:
    """One row per licence: the verdict for this plan and the reasons."""
    import pandas as pd

    book = load_licences()
    rows = []
    for lic in book.licences:
        plan_self_host = self_host and lic.weights_downloadable
        check = check_deployment(
            lic.id,
            monthly_active_users=monthly_active_users,
            commercial=commercial,
            self_host=plan_self_host,
            redistribute_weights=redistribute_weights,
            train_other_models_on_outputs=train_other_models_on_outputs,
            book=book,
        )
        rows.append(
            {
                "licence": lic.name,
                "verdict": check.verdict,
                "runs where": "your machines" if plan_self_host else "the provider's servers",
                "blockers": "; ".join(check.blockers) or "none",
                "conditions": "; ".join(check.conditions) or "none",
            }
        )
    return pd.DataFrame(rows)


def licence_table(book: LicenceBook | None = None) -> pd.DataFrame:
    """The licences side by side, one row each, with readable column names."""
    import pandas as pd

    book = book or load_licences()
    rows = [
        {
            "licence": lic.name,
            "OSI open source": "yes" if lic.osi_approved else "no",
            "weights": "download" if lic.weights_downloadable else "API only",
            "commercial use": lic.commercial_use,
            "user limit (MAU)": f"{lic.mau_limit:,}" if lic.mau_limit else "none",
            "use policy": lic.use_policy or "none",
            "outputs": lic.outputs,
            "examples": lic.examples,
            "as of": lic.as_of.isoformat(),
        }
        for lic in book.licences
    ]
    return pd.DataFrame(rows).set_index("licence")


def openness_table(book: LicenceBook | None = None) -> pd.DataFrame:
    """Models on the spectrum: which artefacts are public, and under which licence."""
    import pandas as pd

    book = book or load_licences()
    names = {lic.id: lic.name for lic in book.licences}
    rows = [
        {
            "model": m.name,
            "developer": m.developer,
            "openness": OPENNESS_LABELS[m.openness],
            "weights": m.weights,
            "training code": m.training_code,
            "training data": m.training_data,
            "licence": names.get(m.licence or "", "provider's API terms"),
        }
        for m in book.models
    ]
    return pd.DataFrame(rows).set_index("model")


def wants_table(book: LicenceBook | None = None) -> pd.DataFrame:
    """What buyers want from "open" and the least openness that gives it."""
    import pandas as pd

    book = book or load_licences()
    rows = [
        {"buyer wants": w.want, "least openness that delivers it": OPENNESS_LABELS[w.needs], "why": w.why}
        for w in book.wants
    ]
    return pd.DataFrame(rows)


# --- loading ----------------------------------------------------------------------------------------


def _load(path: Path) -> LicenceBook:
    return load_data(path.name, LicenceBook, data_dir=path.parent)


def _openness_from_artefacts(model: ModelOpenness) -> str:
    if model.weights == "closed":
        return "closed_api"
    if model.training_code == "open" and model.training_data == "open":
        return "fully_open"
    return "weights_available"
