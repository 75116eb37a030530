"""Licences and the openness spectrum: what a model's terms allow a deployment to do.

The facts live in ``course/data/licences.json`` (each row dated and sourced); this module loads and checks
them, shows them as tables, and checks a deployment plan against every licence
(:func:`check_deployment`, :func:`check_plan_against_all`). A summary for teaching, not legal advice.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from course.data import DATA_DIR
from course.errors import ConfigError, DataError

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
_COMMERCIAL = ("yes", "no")
_TRAIN_OTHERS = ("allowed", "conditions", "forbidden")
_ARTEFACT = ("open", "closed")


@dataclass(frozen=True)
class Licence:
    """One licence or set of API terms, read for what it lets a product do."""

    id: str
    name: str
    family: str
    osi_approved: bool
    weights_downloadable: bool
    commercial_use: str  # "yes" or "no"
    mau_limit: int | None  # monthly active users above which a separate licence is needed
    use_policy: str | None
    redistribution: str
    derivatives: str
    outputs: str
    train_other_models: str  # "allowed", "conditions" or "forbidden"
    data_terms: str
    examples: str
    source: str
    as_of: date
    source_says: str


@dataclass(frozen=True)
class ModelOpenness:
    """Where one model sits on the spectrum, artefact by artefact."""

    name: str
    developer: str
    openness: Openness
    weights: str  # "open" or "closed"
    training_code: str
    training_data: str
    licence: str | None
    source: str
    as_of: date
    seed: str


@dataclass(frozen=True)
class Want:
    """Something a buyer says they want from "open", and the least openness that delivers it."""

    want: str
    needs: Openness
    why: str
    seed: str


@dataclass(frozen=True)
class LicenceBook:
    licences: tuple[Licence, ...]
    models: tuple[ModelOpenness, ...]
    wants: tuple[Want, ...]

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


# --- loading and checking -------------------------------------------------------------------------


def _load(path: Path) -> LicenceBook:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"Licence file {path} does not exist.", fix="Restore course/data/licences.json."
        ) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}.",
            fix="Fix the JSON syntax there.",
        ) from None
    for key in ("licences", "models", "wants"):
        if not isinstance(raw.get(key), list) or not raw[key]:
            raise DataError(f"{path.name}: {key!r} must be a non-empty list.", fix="Add the rows.")
    licences = tuple(_licence(path, i, row) for i, row in enumerate(raw["licences"]))
    ids = [lic.id for lic in licences]
    if len(set(ids)) != len(ids):
        raise DataError(f"{path.name}: licence ids repeat: {ids}.", fix="Give each licence its own id.")
    models = tuple(_model(path, i, row, set(ids)) for i, row in enumerate(raw["models"]))
    wants = tuple(_want(path, i, row) for i, row in enumerate(raw["wants"]))
    return LicenceBook(licences, models, wants)


def _fields(path: Path, where: str, row: Any, cls: type) -> dict[str, Any]:
    names = [f for f in cls.__dataclass_fields__]
    if not isinstance(row, dict):
        raise DataError(f"{path.name}: {where} is not an object.", fix='Write it as {"field": value}.')
    missing = [n for n in names if n not in row]
    extra = [n for n in row if n not in names]
    if missing or extra:
        raise DataError(
            f"{path.name}: {where} has missing fields {missing} and unknown fields {extra}.",
            fix=f"Use exactly these fields: {', '.join(names)}.",
        )
    return dict(row)


def _choice(path: Path, where: str, row: dict[str, Any], field: str, choices: tuple[str, ...]) -> None:
    if row[field] not in choices:
        raise DataError(
            f"{path.name}: {where}, field {field!r} is {row[field]!r}.",
            fix=f"Use one of: {', '.join(choices)}.",
        )


def _dated(path: Path, where: str, row: dict[str, Any]) -> None:
    source = row["source"]
    if not isinstance(source, str) or not source.startswith("https://"):
        raise DataError(f"{path.name}: {where} has source {source!r}.", fix="Give an https:// URL.")
    try:
        row["as_of"] = date.fromisoformat(row["as_of"])
    except (TypeError, ValueError):
        raise DataError(
            f"{path.name}: {where} has as_of {row['as_of']!r}.", fix="Write the date read as YYYY-MM-DD."
        ) from None


def _licence(path: Path, i: int, raw: Any) -> Licence:
    where = f"licences[{i}]"
    row = _fields(path, where, raw, Licence)
    _choice(path, where, row, "commercial_use", _COMMERCIAL)
    _choice(path, where, row, "train_other_models", _TRAIN_OTHERS)
    limit = row["mau_limit"]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise DataError(
            f"{path.name}: {where} has mau_limit {limit!r}.", fix="A whole number of users, or null."
        )
    _dated(path, where, row)
    return Licence(**row)


def _model(path: Path, i: int, raw: Any, licence_ids: set[str]) -> ModelOpenness:
    where = f"models[{i}]"
    row = _fields(path, where, raw, ModelOpenness)
    _choice(path, where, row, "openness", OPENNESS_LEVELS)
    for field in ("weights", "training_code", "training_data"):
        _choice(path, where, row, field, _ARTEFACT)
    if row["licence"] is not None and row["licence"] not in licence_ids:
        raise DataError(
            f"{path.name}: {where} names licence {row['licence']!r}, which is not in 'licences'.",
            fix="Add the licence row or correct the id.",
        )
    expected = _openness_from_artefacts(row)
    if row["openness"] != expected:
        raise DataError(
            f"{path.name}: {where} ({row['name']}) says {row['openness']!r}; its artefacts make it "
            f"{expected!r}.",
            fix="Make 'openness' agree with weights / training_code / training_data.",
        )
    _dated(path, where, row)
    return ModelOpenness(**row)


def _openness_from_artefacts(row: dict[str, Any]) -> str:
    if row["weights"] == "closed":
        return "closed_api"
    if row["training_code"] == "open" and row["training_data"] == "open":
        return "fully_open"
    return "weights_available"


def _want(path: Path, i: int, raw: Any) -> Want:
    where = f"wants[{i}]"
    row = _fields(path, where, raw, Want)
    _choice(path, where, row, "needs", OPENNESS_LEVELS)
    return Want(**row)
