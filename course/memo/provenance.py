"""What each input of the memo is: the learner's measurement, a published figure, or a course model.

A memo is only as good as its inputs, and they are of three kinds:

* **your measurement**: timed or scored on the learner's machine (labs 01-03's speeds, lab 05's
  accuracies, lab 06's routing), true of that machine and those models;
* **a published figure**: read from a dated source (the price snapshot, the published GPU throughput
  behind lab 04's self-hosted price);
* **a course model or the stand-in**: the course's small local model, or the offline stand-in playing a
  frontier API. Their *quality* shows the method and nothing about a production model.

:func:`demonstration_reasons` says why the memo must not recommend (quality measured on a course-sized
model or against the stand-in); :func:`provenance_rows` labels every input for the memo's table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from course.labs.results import LoadedResults

Kind = Literal["your measurement", "published figure", "course model / stand-in"]
#: names of the course's own models (the embedded one, the stand-in, synthetic speed-test models)
COURSE_MODEL_WORDS = ("tinychat", "embedded", "standin", "stand-in", "synthetic", "roofline-90m")
#: below this many parameters a model's quality says nothing about a production model's
PRODUCTION_PARAMS_B = 3.0
VERDICT_HOW = (
    "To get a verdict, rerun labs 05 and 06 with a real open model (COURSE_MODEL=llama-3.1-8b-q4km, or the "
    "model you would serve) and a real API (OPENAI_API_KEY set), then write the memo again."
)


@dataclass(frozen=True)
class ProvenanceRow:
    input: str
    kind: Kind
    detail: str


def params_billion(model_name: str) -> float | None:
    """Parameters in billions read from a model's name ("SmolLM2-135M-Instruct" → 0.135; "8B" → 8)."""
    found = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([bBmM])(?![a-zA-Z])", model_name)
    if not found:
        return None
    value = float(found.group(1))
    return value if found.group(2).lower() == "b" else value / 1000


def is_course_model(model_name: str) -> bool:
    """True for the course's own models and for any model too small to stand for a production one."""
    name = model_name.casefold()
    if any(word in name for word in COURSE_MODEL_WORDS):
        return True
    size = params_billion(model_name)
    return size is not None and size < PRODUCTION_PARAMS_B


def local_model_name(results: LoadedResults) -> str | None:
    """The local model the labs ran, as saved: lab 05's own record, lab 01's, or the name in the label of
    lab 05's local side (its labels name the model they ran)."""
    lab05, lab01 = results.headline("05"), results.headline("01")
    for found in (getattr(lab05, "local_model", None), getattr(lab01, "model", None)):
        if found:
            return str(found)
    local_sides = [s for s in (lab05.sides if lab05 else []) if s.side == "local"]
    best = max(local_sides, key=lambda s: s.accuracy, default=None)
    return best.label if best is not None else None


def demonstration_reasons(results: LoadedResults) -> list[str]:
    """Why the saved results cannot carry a recommendation (empty: they can)."""
    reasons = []
    labs = results.labs
    local = local_model_name(results)
    quality_labs = [lab for lab in ("05", "06") if lab in labs]
    if quality_labs and local is not None and is_course_model(local):
        size = params_billion(local)
        sized = f", about {size * 1000:.0f}M parameters" if size is not None and size < 1 else ""
        reasons.append(
            f"the local side's quality was measured on the course's small model ({local}{sized}); a model "
            "that size shows the method, and its quality does not decide a production question"
        )
    elif quality_labs and local is None:
        reasons.append("the local model the quality labs ran is not recorded (run lab 01 or lab 05 again)")
    offline = [lab for lab in quality_labs if labs[lab].mode == "offline"]
    if offline:
        which = " and ".join(f"lab {lab}" for lab in offline)
        reasons.append(
            f"the API side of {which} is the offline stand-in (a larger course model on this machine), "
            "not a frontier model"
        )
    return reasons


def provenance_rows(results: LoadedResults) -> list[ProvenanceRow]:
    """One row per input the memo uses, labelled by kind."""
    rows: list[ProvenanceRow] = []
    labs = results.labs
    local = local_model_name(results) or "the course's local model"
    course_local = is_course_model(local)
    for lab, what in (
        ("01", "one stream's decode speed"),
        ("02", "latency, local and API side"),
        ("03", "throughput under load"),
    ):
        if lab in labs:
            rows.append(ProvenanceRow(f"lab {lab}: {what}", "your measurement", f"{local} on this machine"))
    lab04 = results.headline("04")
    if lab04 is not None:
        basis = getattr(lab04, "throughput_basis", None)
        configuration = getattr(lab04, "throughput_configuration", None) or lab04.served_model
        if basis == "published":
            rows.append(
                ProvenanceRow(
                    "lab 04: GPU throughput (prefill, decode)",
                    "published figure",
                    f"{configuration}; rows {', '.join(lab04.throughput_source_rows or ())}",
                )
            )
        else:
            rows.append(
                ProvenanceRow(
                    "lab 04: GPU throughput",
                    "course model / stand-in",
                    "carried from this machine by an assumed roofline ratio and batching gain (an older "
                    "lab 04 file): run lab 04 again for published throughput",
                )
            )
        rows.append(
            ProvenanceRow(
                "lab 04: GPU rent, API and managed-host prices",
                "published figure",
                f"price snapshot (GPU rate as of {lab04.gpu_price_as_of or 'not recorded'}, API as of "
                f"{lab04.api_price_as_of or 'not recorded'})",
            )
        )
        if getattr(lab04, "input_share", None) is not None:
            rows.append(
                ProvenanceRow(
                    "lab 04: the token mix",
                    "your measurement",
                    f"{lab04.input_share:.0%} prompt tokens (lab 02's requests)",
                )
            )
    for lab in ("05", "06"):
        saved = labs.get(lab)
        if saved is None:
            continue
        what = "accuracy and cost per correct answer" if lab == "05" else "router against both baselines"
        local_kind: Kind = "course model / stand-in" if course_local else "your measurement"
        rows.append(ProvenanceRow(f"lab {lab}: {what}, local side", local_kind, local))
        api_kind: Kind = "course model / stand-in" if saved.mode == "offline" else "your measurement"
        api_detail = (
            "the offline stand-in, priced at a real API's list price"
            if saved.mode == "offline"
            else "a real API"
        )
        rows.append(ProvenanceRow(f"lab {lab}: {what}, API side", api_kind, api_detail))
    return rows
