"""From what a lab measured to its headline numbers (:mod:`course.labs.results`), one function per lab.

Each lab's "Save your headline numbers" cell calls one of these and passes the result to
:func:`course.labs.results.save_headline`, so the cell stays one or two lines and the arithmetic
is tested here. Nothing is estimated: a figure the run did not measure stays ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from course.backends.base import BackendInfo
from course.economics.costs import SelfHostSetup
from course.economics.prices import ApiPrice
from course.economics.selfhost import SelfHostQuote
from course.errors import ConfigError
from course.evals.runner import ItemResult
from course.evals.stats import accuracy_interval
from course.labs.results import (
    Lab01Headline,
    Lab02Headline,
    Lab03Headline,
    Lab04Headline,
    QualitySide,
)
from course.measure.machine_load import MachineLoad
from course.measure.runner import RepeatedWorkloads, WorkloadResult
from course.measure.speed import SpeedResult
from course.measure.summary import LatencySummary
from course.measure.sweep import RepeatedSweep

Figures = TypeVar("Figures", bound=BaseModel)


def _measured(value: float | None, what: str) -> float:
    """``value`` as a float, or an error when the run produced no such figure (NaN: every request failed)."""
    if value is None or not math.isfinite(value):
        raise ConfigError(
            f"No {what} was measured (every request failed?).", fix="Re-run the lab's timing cells first."
        )
    return float(value)


def _optional(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _build(model: type[Figures], fields: Mapping[str, Any]) -> Figures:
    """``model(**fields)``, with a course error naming the first field that does not fit."""
    try:
        return model.model_validate(dict(fields))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            f"{model.__name__}.{where}: {first['msg']} (got {first.get('input')!r}).",
            fix="Check the lab's measurement cells ran, then save again.",
        ) from None


def lab01_headline(table: pd.DataFrame, *, info: BackendInfo, quant: str = "Q8_0") -> Lab01Headline:
    """Lab 01: the ``quant`` row of :func:`course.measure.quant_compare.compare_quants`' table; model:
    ``info``."""
    if quant not in table.index:
        raise ConfigError(
            f"The quantization table has no {quant!r} row (rows: {', '.join(map(str, table.index))}).",
            fix="Pass quant= one of the table's rows.",
        )
    row = table.loc[quant]
    return _build(
        Lab01Headline,
        {
            "model": info.model,
            "quant": quant,
            "decode_tokens_per_s": _measured(row["decode_tokens_per_s"], "decode speed"),
            "ttft_s": _optional(row["ttft_s"]),
            "gpu_layers_offloaded": info.gpu_layers,
        },
    )


def _load_fields(load: MachineLoad | None) -> dict[str, Any]:
    return {"machine_busy": load.busy, "machine_load_note": load.describe()} if load else {}


def lab01_speed_headline(
    speed: SpeedResult, *, info: BackendInfo, quant: str, load: MachineLoad | None = None
) -> Lab01Headline:
    """Lab 01: the model you chatted with, timed with repeats (:func:`course.measure.speed.measure_speed`)."""
    decode, ttft = speed.decode_tokens_per_s, speed.ttft_s
    return _build(
        Lab01Headline,
        {
            "model": info.model,
            "quant": quant,
            "decode_tokens_per_s": _measured(decode.median, "decode speed"),
            "ttft_s": _optional(ttft.median),
            "gpu_layers_offloaded": info.gpu_layers,
            "repeats": decode.n,
            "decode_tokens_per_s_min": _optional(decode.low),
            "decode_tokens_per_s_max": _optional(decode.high),
            "ttft_s_min": _optional(ttft.low),
            "ttft_s_max": _optional(ttft.high),
            **_load_fields(load),
        },
    )


def usd_per_request(run: WorkloadResult, price: ApiPrice) -> float:
    """Mean list-price cost of one request of ``run``: its own input and output token counts."""
    frame = run.frame
    usd = frame["prompt_tokens"].sum() * price.usd_per_mtok_input
    usd += frame["output_tokens"].sum() * price.usd_per_mtok_output
    return float(usd / 1e6 / len(frame))


def lab02_headline(
    local_run: WorkloadResult,
    api_run: WorkloadResult,
    *,
    price: ApiPrice,
    api_label: str,
    real_run: WorkloadResult | None = None,
) -> Lab02Headline:
    """Lab 02: p50 TTFT and TPOT of both sides (and of the real API when it answered), the API priced."""
    return _build(
        Lab02Headline,
        {
            "n_requests": len(local_run.requests),
            "output_tokens_per_request": float(local_run.frame["output_tokens"].mean()),
            "local_ttft_p50_s": _measured(local_run.summary.ttft_p50_s, "local TTFT"),
            "local_tpot_p50_s": _measured(local_run.summary.tpot_p50_s, "local TPOT"),
            "api_label": api_label,
            "api_ttft_p50_s": _measured(api_run.summary.ttft_p50_s, "API TTFT"),
            "api_tpot_p50_s": _measured(api_run.summary.tpot_p50_s, "API TPOT"),
            "api_model_priced": price.name,
            "api_usd_per_request": usd_per_request(api_run, price),
            "real_api_ttft_p50_s": _optional(real_run.summary.ttft_p50_s) if real_run else None,
            "real_api_tpot_p50_s": _optional(real_run.summary.tpot_p50_s) if real_run else None,
        },
    )


def lab02_repeated_headline(
    repeated: RepeatedWorkloads,
    *,
    local: str,
    api: str,
    price: ApiPrice,
    api_label: str,
    local_model: str | None = None,
    real_run: WorkloadResult | None = None,
) -> Lab02Headline:
    """Lab 02 with interleaved repeats: each p50 is the median of the repeats' p50s, with their min and max.

    ``local`` and ``api`` are the two keys of ``repeated``; the API side is priced on its own token counts.
    """
    loc, far = repeated[local], repeated[api]
    fields: dict[str, Any] = {
        "n_requests": len(loc.requests),
        "output_tokens_per_request": float(loc.frame["output_tokens"].mean()),
        "api_label": api_label,
        "api_model_priced": price.name,
        "api_usd_per_request": usd_per_request(far.runs[0], price),
        "real_api_ttft_p50_s": _optional(real_run.summary.ttft_p50_s) if real_run else None,
        "real_api_tpot_p50_s": _optional(real_run.summary.tpot_p50_s) if real_run else None,
        "repeats": len(loc.runs),
        "local_model": local_model,
        **_load_fields(repeated.load),
    }
    for side, w in (("local", loc), ("api", far)):
        for metric in ("ttft", "tpot"):
            s = w.p50(metric)
            fields[f"{side}_{metric}_p50_s"] = _measured(s.median, f"{side} {metric.upper()}")
            fields[f"{side}_{metric}_p50_s_min"] = _optional(s.low)
            fields[f"{side}_{metric}_p50_s_max"] = _optional(s.high)
    return _build(Lab02Headline, fields)


def lab03_repeated_headline(
    sweep: RepeatedSweep,
    *,
    requests_per_level: int | None = None,
    model: str | None = None,
    load: MachineLoad | None = None,
) -> Lab03Headline:
    """Lab 03 with repeated sweeps: each level's medians over the repeats, with the range of throughput."""
    levels_saved = []
    for s in sorted(sweep.levels(), key=lambda level: level.concurrency):
        tput, tpot = s.output_tokens_per_s, s.tpot_p50_s
        levels_saved.append(
            {
                "concurrency": s.concurrency,
                "output_tokens_per_s": _measured(tput.median, "aggregate throughput"),
                "ttft_p50_s": _measured(s.ttft_p50_s.median, f"TTFT at concurrency {s.concurrency}"),
                "tpot_p50_s": _measured(tpot.median, f"TPOT at concurrency {s.concurrency}"),
                "goodput_requests_per_s": _optional(s.goodput_requests_per_s.median),
                "output_tokens_per_s_min": _optional(tput.low),
                "output_tokens_per_s_max": _optional(tput.high),
                "tpot_p50_s_min": _optional(tpot.low),
                "tpot_p50_s_max": _optional(tpot.high),
            }
        )
    return _build(
        Lab03Headline,
        {
            "server": sweep.label,
            "requests_per_level": requests_per_level,
            "levels": levels_saved,
            "repeats": len(sweep.runs),
            "model": model,
            **_load_fields(load),
        },
    )


def lab03_headline(
    levels: Sequence[LatencySummary], *, server: str, requests_per_level: int | None = None
) -> Lab03Headline:
    """Lab 03: one sweep's levels (aggregate output tokens/s, p50 TTFT/TPOT, goodput), lowest first."""
    rows = sorted(levels, key=lambda s: s.concurrency or 0)
    levels_saved = [
        {
            "concurrency": s.concurrency,
            "output_tokens_per_s": _measured(s.output_tokens_per_s, "aggregate throughput"),
            "ttft_p50_s": _measured(s.ttft_p50_s, f"TTFT at concurrency {s.concurrency}"),
            "tpot_p50_s": _measured(s.tpot_p50_s, f"TPOT at concurrency {s.concurrency}"),
            "goodput_requests_per_s": _optional(s.goodput_requests_per_s),
        }
        for s in rows
    ]
    return _build(
        Lab03Headline, {"server": server, "requests_per_level": requests_per_level, "levels": levels_saved}
    )


#: lab 04's JSON line (results/lab04-cost.jsonl) -> Lab04Headline' field, where the names differ
_LAB04_KEYS = {
    "measured_decode_tokens_per_s": "decode_tokens_per_s",
    "embedded_decode_tok_s": "decode_tokens_per_s",  # the name in files saved before the rename
    "gpu_aggregate_tok_s": "gpu_aggregate_tokens_per_s",
}


def lab04_record(
    quote: SelfHostQuote,
    *,
    setup: SelfHostSetup,
    measured_decode_tokens_per_s: float,
    measured_prefill_tokens_per_s: float | None = None,
    roofline_ratio: float | None = None,
    roofline_one_stream_tokens_per_s: float | None = None,
    local_model: str | None = None,
) -> dict[str, Any]:
    """Lab 04's JSON line from its quote (:func:`course.economics.selfhost.quote_self_host`) and what this
    machine measured: the three options for the measured mix, each with self-hosting's break-even against
    it (``setup``: the quote's deployment with staff time), and where every figure came from.
    ``local_model`` names the model whose speed was measured on this machine."""
    evens = dict((o.label, be) for o, be in quote.break_evens(setup))
    frontier = next(
        (o for o in quote.apis if o.price.role == "frontier"), quote.apis[0] if quote.apis else None
    )
    if frontier is None:
        raise ConfigError(
            "The quote has no frontier API to compare with.", fix="Give a prices.json row a role."
        )
    cap = quote.capacity
    options = [
        {
            "kind": "self-host",
            "label": f"{quote.model.name} on {cap.gpus_per_replica}× {quote.rate.gpu}",
            "usd_per_mtok": quote.usd_per_mtok,
            "as_of": str(quote.rate.as_of),
        },
        *(
            {
                "kind": o.kind,
                "label": o.label,
                "usd_per_mtok": o.usd_per_mtok,
                "break_even_tokens_per_day": evens[o.label].tokens_per_day,
                "break_even_reason": evens[o.label].reason,
                "stays_cheaper_from_tokens_per_day": evens[o.label].stays_cheaper_from_tokens_per_day,
                "break_even_windows": len(evens[o.label].windows),
                "as_of": o.as_of,
            }
            for o in (*quote.managed, *quote.apis)
        ),
    ]
    return {
        "throughput_source": "published measurements (course/data/throughput.json)",
        "local_model": local_model,
        "measured_decode_tokens_per_s": measured_decode_tokens_per_s,
        "measured_prefill_tokens_per_s": measured_prefill_tokens_per_s,
        "roofline_ratio": roofline_ratio,
        "roofline_one_stream_tokens_per_s": roofline_one_stream_tokens_per_s,
        "published_one_stream_tokens_per_s": cap.decode_tokens_per_s_one_stream,
        "gpu": quote.rate.gpu,
        "gpu_provider": quote.rate.provider,
        "gpu_usd_per_hour": quote.rate.usd_per_hour_on_demand,
        "gpus_per_replica": cap.gpus_per_replica,
        "served_model": quote.model.name,
        "utilisation": quote.utilisation,
        "input_share": quote.input_share,
        "throughput_basis": cap.basis,
        "throughput_configuration": cap.label,
        "throughput_source_rows": list(cap.sources),
        "gpu_prefill_tokens_per_s": cap.prefill_tokens_per_s,
        "gpu_decode_tokens_per_s": cap.decode_tokens_per_s,
        "gpu_aggregate_tok_s": quote.tokens_per_s,
        "self_usd_per_mtok": quote.usd_per_mtok,
        "self_usd_per_mtok_full_load": quote.usd_per_mtok_full_load,
        "price_check": quote.check.message,
        "price_check_verdict": quote.check.verdict,
        "api_model": frontier.label,
        "api_blended_usd_per_mtok": frontier.usd_per_mtok,
        "api_price_as_of": frontier.as_of,
        "break_even_tokens_per_day": evens[frontier.label].tokens_per_day,
        "break_even_reason": evens[frontier.label].reason,
        "engineering_hours_per_month": setup.engineering_hours_per_month,
        "staff_usd_per_hour": setup.staff_usd_per_hour,
        "gpu_price_as_of": str(quote.rate.as_of),
        "options": options,
    }


def lab04_headline(record: Mapping[str, Any]) -> Lab04Headline:
    """Lab 04: its saved JSON line (measurements, assumptions, results) as :class:`Lab04Headline`.

    Keys the schema does not name (the machine, the roofline's raw inputs) stay in the JSONL file only.
    """
    fields = set(Lab04Headline.model_fields)
    picked = {_LAB04_KEYS.get(key, key): value for key, value in record.items()}
    return _build(Lab04Headline, {key: value for key, value in picked.items() if key in fields})


def quality_sides(
    results: Sequence[ItemResult],
    *,
    usd_per_mtok: Mapping[str, tuple[float, float]],
    api_label: str,
    kinds: Mapping[str, str] | None = None,
) -> list[QualitySide]:
    """Lab 05: one :class:`QualitySide` per backend (and per constrained run), priced per its token mix.

    ``usd_per_mtok`` maps a backend label to its (input, output) USD per 1M tokens, as
    :func:`course.evals.summary_frame` takes it. A side's USD per 1M tokens is its own bill over its
    own tokens; USD per correct answer is that bill over its right answers (None with none right).
    A side whose requests all failed used no tokens and has no price: it is left out. Each side carries
    the Wilson 95% interval of its accuracy, its ``kinds[label]`` when given, and its worked examples.
    """
    groups: dict[tuple[str, bool], list[ItemResult]] = {}
    for r in results:
        groups.setdefault((r.backend, r.constrained), []).append(r)
    sides = []
    for (label, constrained), rows in groups.items():
        if label not in usd_per_mtok:
            raise ConfigError(f"No price for {label!r}.", fix="Add it to usd_per_mtok as (input, output).")
        usd_in, usd_out = usd_per_mtok[label]
        tokens_in = sum(r.prompt_tokens for r in rows)
        tokens_out = sum(r.output_tokens for r in rows)
        if tokens_in + tokens_out == 0:
            continue
        usd = (tokens_in * usd_in + tokens_out * usd_out) / 1e6
        correct = sum(r.correct for r in rows)
        hard = [r for r in rows if r.difficulty == "hard"]
        interval = accuracy_interval(correct, len(rows))
        side = {
            "label": f"{label}, constrained" if constrained else label,
            "n_items": len(rows),
            "accuracy": correct / len(rows),
            "usd_per_mtok": usd / (tokens_in + tokens_out) * 1e6,
            "usd_per_correct_answer": usd / correct if correct else None,
            "side": "API" if label == api_label else "local",
            "constrained": constrained,
            "hard_accuracy": sum(r.correct for r in hard) / len(hard) if hard else None,
            "accuracy_low": interval.low,
            "accuracy_high": interval.high,
            "kind": (kinds or {}).get(label),
            "shots": max(r.shots for r in rows),
        }
        sides.append(_build(QualitySide, side))
    if not sides:
        raise ConfigError("No side used any tokens: nothing to price.", fix="Re-run the lab's evaluation.")
    return sides
