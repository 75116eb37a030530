"""Each lab's headline numbers, saved as one small JSON file in results/ and read back whole.

A lab ends by calling :func:`save_headline`, which writes ``results/labNN.json``::

    {"schema": 2, "lab": "04", "saved_at_utc": "...", "mode": "offline" | "real API",
     "machine": {...machine_info()...}, "headline": {...that lab's fields...}}

The memo (lab 07, ``python -m course memo``) and the workshop's pooled table (``python -m grader pool``)
read them with :func:`read_headlines`, which never raises on a participant's file: a missing, partial or
malformed file becomes a named problem, and the numbers that did load are still used. Every field name
carries its unit; the pydantic models below are the schema.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course.config import DEFAULT_API_MODEL, load_settings
from course.environment import machine_info
from course.errors import ConfigError
from course.io import write_text_atomically

SCHEMA_VERSION = 2  # 2: the lab's numbers are under "headline" (1 said "figures")
Mode = Literal["offline", "real API"]


class _Headline(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)  # extra fields are kept, never required


class Lab01Headline(_Headline):
    """Lab 01: the local model in-process on this machine (medians of repeats, with their ranges)."""

    model: str
    quant: str
    decode_tokens_per_s: float = Field(gt=0)
    ttft_s: float | None = Field(default=None, ge=0)
    gpu_layers_offloaded: int | None = Field(default=None, ge=0)
    # the spread of the repeats and the state of the machine (optional: older files lack them)
    repeats: int | None = Field(default=None, ge=1)
    decode_tokens_per_s_min: float | None = Field(default=None, gt=0)
    decode_tokens_per_s_max: float | None = Field(default=None, gt=0)
    ttft_s_min: float | None = Field(default=None, ge=0)
    ttft_s_max: float | None = Field(default=None, ge=0)
    machine_busy: bool | None = None
    machine_load_note: str | None = None


class Lab02Headline(_Headline):
    """Lab 02: the same prompts, in-process and behind an OpenAI-compatible API (p50 of each request)."""

    n_requests: int = Field(ge=1)
    output_tokens_per_request: float = Field(gt=0)
    local_ttft_p50_s: float = Field(ge=0)
    local_tpot_p50_s: float = Field(gt=0)
    api_label: str
    api_ttft_p50_s: float = Field(ge=0)
    api_tpot_p50_s: float = Field(gt=0)
    api_model_priced: str
    api_usd_per_request: float = Field(ge=0)
    real_api_ttft_p50_s: float | None = Field(default=None, ge=0)
    real_api_tpot_p50_s: float | None = Field(default=None, gt=0)
    # with repeats, each p50 above is the median of the repeats' p50s; their min and max (optional)
    repeats: int | None = Field(default=None, ge=1)
    local_model: str | None = None
    local_ttft_p50_s_min: float | None = Field(default=None, ge=0)
    local_ttft_p50_s_max: float | None = Field(default=None, ge=0)
    local_tpot_p50_s_min: float | None = Field(default=None, gt=0)
    local_tpot_p50_s_max: float | None = Field(default=None, gt=0)
    api_ttft_p50_s_min: float | None = Field(default=None, ge=0)
    api_ttft_p50_s_max: float | None = Field(default=None, ge=0)
    api_tpot_p50_s_min: float | None = Field(default=None, gt=0)
    api_tpot_p50_s_max: float | None = Field(default=None, gt=0)
    machine_busy: bool | None = None
    machine_load_note: str | None = None


class ConcurrencyLevel(BaseModel):
    model_config = ConfigDict(frozen=True)

    concurrency: int = Field(ge=1)
    output_tokens_per_s: float = Field(ge=0)
    ttft_p50_s: float = Field(ge=0)
    tpot_p50_s: float = Field(ge=0)
    goodput_requests_per_s: float | None = Field(default=None, ge=0)
    # with repeats, the figures above are medians; the range of aggregate throughput and TPOT (optional)
    output_tokens_per_s_min: float | None = Field(default=None, ge=0)
    output_tokens_per_s_max: float | None = Field(default=None, ge=0)
    tpot_p50_s_min: float | None = Field(default=None, ge=0)
    tpot_p50_s_max: float | None = Field(default=None, ge=0)


class Lab03Headline(_Headline):
    """Lab 03: a concurrency sweep against one server (the batching one when it was built)."""

    server: str
    levels: list[ConcurrencyLevel] = Field(min_length=1)
    requests_per_level: int | None = Field(default=None, ge=1)
    repeats: int | None = Field(default=None, ge=1)  # whole sweeps, interleaved with the other server's
    model: str | None = None
    machine_busy: bool | None = None
    machine_load_note: str | None = None


class SavedOption(BaseModel):
    """One of the three options lab 04 sets side by side, priced for the measured token mix."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["self-host", "managed host", "frontier API"]
    label: str
    usd_per_mtok: float = Field(ge=0)
    break_even_tokens_per_day: float | None = Field(default=None, ge=0)  # self-hosting against this option
    break_even_reason: str | None = None
    # with replica steps self-hosting can win and lose again: where it stays no dearer for good (None: never),
    # and how many windows it wins in (None: saved before this field existed)
    stays_cheaper_from_tokens_per_day: float | None = Field(default=None, ge=0)
    break_even_windows: int | None = Field(default=None, ge=0)
    as_of: date | None = None


class Lab04Headline(_Headline):
    """Lab 04: cost per 1M tokens of the three options, from published throughput and this machine's ratios.

    ``decode_tokens_per_s`` is the course model's decode speed measured on this machine; the GPU's
    rates (``gpu_prefill_tokens_per_s``, ``gpu_decode_tokens_per_s``, at full load, and
    ``gpu_aggregate_tokens_per_s`` blended by ``input_share``) are published measurements
    (``throughput_source_rows``, course/data/throughput.json) unless ``throughput_basis`` says otherwise.
    """

    decode_tokens_per_s: float = Field(gt=0)
    gpu: str
    gpu_usd_per_hour: float = Field(gt=0)
    served_model: str
    self_usd_per_mtok: float = Field(ge=0)
    api_model: str
    api_blended_usd_per_mtok: float = Field(ge=0)
    break_even_tokens_per_day: float | None = Field(default=None, ge=0)
    # the assumptions behind those figures (optional: files saved before they were added lack them)
    gpu_provider: str | None = None
    gpu_aggregate_tokens_per_s: float | None = Field(default=None, gt=0)
    utilisation: float | None = Field(default=None, gt=0, le=1)
    batching_gain: float | None = Field(default=None, ge=1)
    roofline_ratio: float | None = Field(default=None, gt=0)
    engineering_hours_per_month: float | None = Field(default=None, ge=0)
    staff_usd_per_hour: float | None = Field(default=None, ge=0)
    api_price_as_of: date | None = None
    gpu_price_as_of: date | None = None
    break_even_reason: str | None = None
    # the capacity model and the three options (optional: files saved before they were added lack them)
    throughput_basis: Literal["published", "your roofline", "assumed"] | None = None
    throughput_configuration: str | None = None
    throughput_source_rows: list[str] | None = None
    gpus_per_replica: int | None = Field(default=None, ge=1)
    input_share: float | None = Field(default=None, ge=0, le=1)
    gpu_prefill_tokens_per_s: float | None = Field(default=None, gt=0)
    gpu_decode_tokens_per_s: float | None = Field(default=None, gt=0)
    measured_prefill_tokens_per_s: float | None = Field(default=None, gt=0)  # the course model, this machine
    roofline_one_stream_tokens_per_s: float | None = Field(
        default=None, gt=0
    )  # your ratio, scaled to the GPU
    published_one_stream_tokens_per_s: float | None = Field(default=None, gt=0)
    self_usd_per_mtok_full_load: float | None = Field(default=None, ge=0)
    price_check: str | None = None
    price_check_verdict: str | None = None
    options: list[SavedOption] | None = None


class QualitySide(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    n_items: int = Field(ge=1)
    accuracy: float = Field(ge=0, le=1)
    usd_per_mtok: float = Field(ge=0)
    usd_per_correct_answer: float | None = Field(default=None, ge=0)
    side: Literal["local", "API"] | None = None  # which side of the comparison this row is
    constrained: bool = False  # JSON-schema-constrained decoding (local side only)
    hard_accuracy: float | None = Field(default=None, ge=0, le=1)
    # Wilson 95% interval of the accuracy, and what the side is (optional: files saved before lack them)
    accuracy_low: float | None = Field(default=None, ge=0, le=1)
    accuracy_high: float | None = Field(default=None, ge=0, le=1)
    kind: str | None = None  # "generic open model", "task-trained model", "API" / "API stand-in"
    shots: int | None = Field(default=None, ge=0)  # worked examples before each item


class Lab05Headline(_Headline):
    """Lab 05: quality on the learner's workload, per side."""

    workload: str
    sides: list[QualitySide] = Field(min_length=1)
    local_price_note: str | None = None  # where the local side's USD per 1M tokens came from
    unanswered_tasks: list[str] | None = None  # tasks no side got a single item right (optional)
    machine_load_note: str | None = None


class RoutedPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    accuracy: float = Field(ge=0, le=1)
    usd_per_1k_requests: float = Field(ge=0)
    local_share: float = Field(ge=0, le=1)


class Lab06Headline(_Headline):
    """Lab 06: the hybrid router against both single-sided baselines, and the replayed migration."""

    n_requests: int = Field(ge=1)
    policies: list[RoutedPolicy] = Field(min_length=1)  # "all local", "all API", "router", ...
    migration_final_phase: str | None = None
    migration_final_open_share: float | None = Field(default=None, ge=0, le=1)
    migration_rollbacks: int | None = Field(default=None, ge=0)
    # how the router decided and what it was compared with (optional: files saved before lack them)
    router_rule: str | None = None  # e.g. "min token log-prob >= -0.3; valid JSON following the schema"
    api_label: str | None = None
    local_usd_per_mtok: float | None = Field(default=None, ge=0)
    local_price_note: str | None = None  # where the local side's USD per 1M tokens came from
    migration_open_path: str | None = None  # what the replayed migration moved traffic onto
    router_verdict: str | None = None  # the router against both baselines, in words computed from the figures


HEADLINE_BY_LAB: dict[str, type[_Headline]] = {
    "01": Lab01Headline,
    "02": Lab02Headline,
    "03": Lab03Headline,
    "04": Lab04Headline,
    "05": Lab05Headline,
    "06": Lab06Headline,
}


class SavedLab(BaseModel):
    """One results/labNN.json as saved."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = Field(alias="schema")
    lab: str
    saved_at_utc: datetime
    mode: Mode
    machine: dict[str, Any]
    headline: dict[str, Any]

    def typed_headline(self) -> _Headline:
        return HEADLINE_BY_LAB[self.lab].model_validate(self.headline)


def results_dir() -> Path:
    """Where labs save results: ``COURSE_RESULTS_DIR``, else ``results/`` at the course's root."""
    env = os.environ.get("COURSE_RESULTS_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def lab_file(lab: str, folder: Path | None = None) -> Path:
    return (folder or results_dir()) / f"lab{lab}.json"


def save_headline(
    lab: str,
    headline: _Headline | dict[str, Any],
    *,
    mode: Mode,
    machine: dict[str, Any] | None = None,
    folder: Path | None = None,
) -> Path:
    """Validate ``headline`` against the lab's schema and write ``labNN.json`` atomically (replacing it)."""
    if lab not in HEADLINE_BY_LAB:
        raise ConfigError(
            f"No headline schema for lab {lab!r}.", fix=f"Use one of {sorted(HEADLINE_BY_LAB)}."
        )
    model = HEADLINE_BY_LAB[lab]
    try:
        typed = headline if isinstance(headline, model) else model.model_validate(dict(headline))
    except ValidationError as exc:
        raise ConfigError(
            f"Lab {lab}'s headline numbers do not fit their schema: {_first_error(exc)}",
            fix=f"Pass the fields of course.labs.results.{model.__name__}.",
        ) from exc
    if machine is None:
        machine = machine_info()
    record = {
        "schema": SCHEMA_VERSION,
        "lab": lab,
        "saved_at_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "machine": machine,
        "headline": typed.model_dump(mode="json"),
    }
    return write_text_atomically(lab_file(lab, folder), json.dumps(record, indent=1, ensure_ascii=False))


@dataclass(frozen=True)
class Problem:
    """Why a file did not load: which file (its name in the folder, or the folder itself when it is missing)
    and what is wrong with it, kept apart so that a reader can name the file its own way (the workshop's
    pool names it inside a participant's zip) without parsing the text back. ``str()`` gives the line."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class LoadedResults:
    """What one results folder holds: the labs that loaded, and a :class:`Problem` for each that did not."""

    folder: Path
    labs: dict[str, SavedLab] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    typed: dict[str, _Headline] = field(default_factory=dict, repr=False)  # validated once, when read

    def headline(self, lab: str) -> Any | None:
        """That lab's typed headline numbers (e.g. :class:`Lab04Headline`); None when missing or broken."""
        return self.typed.get(lab)

    @property
    def missing(self) -> list[str]:
        return [lab for lab in HEADLINE_BY_LAB if lab not in self.labs]

    def problem_for(self, lab: str) -> Problem | None:
        """Why lab ``lab``'s file did not load (None: it loaded, or there is no file)."""
        name = lab_file(lab, self.folder).name
        return next((p for p in self.problems if p.file == name), None)


def read_headlines(folder: str | Path) -> LoadedResults:
    """Read every ``labNN.json`` in ``folder``; never raises for a file's content (see ``problems``)."""
    folder = Path(folder)
    loaded = LoadedResults(folder=folder)
    if not folder.is_dir():
        loaded.problems.append(
            Problem(str(folder), "no such folder (run the labs, or pass the folder they saved into)")
        )
        return loaded
    for lab in HEADLINE_BY_LAB:
        path = lab_file(lab, folder)
        if not path.exists():
            continue
        problem = _load_one(path, lab, loaded)
        if problem:
            loaded.problems.append(Problem(path.name, problem))
    return loaded


def _load_one(path: Path, lab: str, loaded: LoadedResults) -> str | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return "not text (is it really a course results file?)"
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg} at line {exc.lineno}); run lab {lab} again to rewrite it"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not isinstance(raw, dict):
        return "not a JSON object"
    if raw.get("schema") != SCHEMA_VERSION:
        return f"schema {raw.get('schema')!r}, this course reads schema {SCHEMA_VERSION}; run lab {lab} again"
    if raw.get("lab") != lab:
        return f"says it is lab {raw.get('lab')!r}, but its name says lab {lab}"
    try:
        saved = SavedLab.model_validate(raw)
        typed = saved.typed_headline()
    except ValidationError as exc:
        return f"{_first_error(exc)}; run lab {lab} again to rewrite it"
    loaded.labs[lab] = saved
    loaded.typed[lab] = typed
    return None


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


#: what the local side costs when lab 04 has not been run: the course's one cost model for this workload
ASSUMED_LOCAL_MODEL, ASSUMED_LOCAL_GPU, ASSUMED_LOCAL_UTILISATION = "llama-3.1-8b", "H100 80GB", 0.5


def assumed_local_usd_per_mtok() -> tuple[float, str]:
    """USD per 1M tokens of Llama 3.1 8B on one rented H100 at 50% utilisation, from published throughput
    (:func:`course.economics.selfhost.quote_self_host`: ``python -m course cost selfhost --model
    llama-3.1-8b --gpu H100 --utilisation 0.5``), with a note saying where it comes from."""
    from course.economics.selfhost import quote_self_host

    quote = quote_self_host(ASSUMED_LOCAL_MODEL, ASSUMED_LOCAL_GPU, utilisation=ASSUMED_LOCAL_UTILISATION)
    note = (
        f"an assumption: {quote.model.name} on {quote.capacity.gpus_per_replica} rented {quote.rate.gpu} at "
        f"{ASSUMED_LOCAL_UTILISATION:.0%} utilisation, from published throughput "
        f"({quote.capacity.label}); run lab 04 for your own figure"
    )
    return quote.usd_per_mtok, note


def local_usd_per_mtok(folder: str | Path | None = None) -> tuple[float, str]:
    """The local side's USD per 1M tokens: lab 04's figure from ``results/lab04.json`` when it is there,
    else :func:`assumed_local_usd_per_mtok`; with a note saying which."""
    lab04 = read_headlines(folder or results_dir()).headline("04")
    if lab04 is None:
        return assumed_local_usd_per_mtok()
    return float(lab04.self_usd_per_mtok), f"from your lab 04 results: {lab04.served_model} on {lab04.gpu}"


def api_mode() -> str:
    """One line saying which mode a lab runs in (never shows the key)."""
    settings = load_settings()
    if settings.real_api_configured:
        where = settings.openai_base_url or "https://api.openai.com/v1"
        model = settings.api_model or DEFAULT_API_MODEL  # what the labs call (course.evals.api_side)
        return f"Mode: REAL API ({model} at {where}); the API side is billed by your provider."
    return (
        "Mode: OFFLINE. No OPENAI_API_KEY is set, so the API side is the frontier stand-in (offline): "
        "a larger course model on a loopback server, priced at a real API's list price."
    )
