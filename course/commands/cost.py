"""`python -m course cost selfhost`: self-hosting an open model, per token, beside the other two options.

Prints the throughput used (a serving engine's published measurements, with their source rows), the
self-hosted USD per 1M tokens at the utilisation you give (GPU cost only), the managed hosts' list prices
for the same weights and the reference frontier APIs' for the same token mix, a check against the
managed hosts, and the break-even volumes with staff time included. `--json` prints one object whose
`usd_per_mtok` is the self-hosted price. Lab 04 shows the same numbers (course.economics.selfhost).

Examples:
  python -m course cost selfhost --model llama-3.1-8b --gpu H100 --utilisation 1.0
  python -m course cost selfhost --model llama-3.3-70b --gpu A100 --utilisation 0.5 --input-share 0.85
  python -m course cost selfhost --model llama-3.1-8b --gpu L40S --gpu-provider aws --utilisation 1 --json
  python -m course cost selfhost --model llama-3.1-8b --gpu "RTX 4090" --utilisation 0.5 \
      --prefill-tokens-per-s 6000 --decode-tokens-per-s 1200      # rates you measured, for a GPU with no rows
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from course.errors import ConfigError, NoPublishedThroughputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cost",
        help="self-hosting cost per 1M tokens from published throughput, beside managed hosts and APIs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="cost_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "selfhost",
        help="price one model on one rented GPU type",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--model", required=True, help="llama-3.1-8b or llama-3.3-70b (course/data/throughput.json)"
    )
    p.add_argument(
        "--gpu", required=True, help="e.g. H100, A100, L40S (the course's GPU names, prefix is enough)"
    )
    p.add_argument(
        "--utilisation",
        type=float,
        required=True,
        help="share of paid GPU hours spent serving, 0-1 (1.0 = always busy)",
    )
    p.add_argument(
        "--input-share",
        type=float,
        default=None,
        help="share of tokens that are prompt tokens (default 0.85)",
    )
    p.add_argument(
        "--gpu-provider", default=None, help="whose rate from the price snapshot (default: its cheapest)"
    )
    p.add_argument(
        "--usd-per-gpu-hour",
        type=float,
        default=None,
        help="a GPU rate you have read (for a GPU the snapshot does not price)",
    )
    own = p.add_argument_group(
        "your own throughput",
        "for a GPU with no published rows, or to price your own measurement: full-load rates of one replica "
        "(many requests in flight), both needed",
    )
    own.add_argument("--prefill-tokens-per-s", type=float, default=None, help="prompt tokens/s at full load")
    own.add_argument("--decode-tokens-per-s", type=float, default=None, help="output tokens/s at full load")
    own.add_argument(
        "--gpus-per-replica", type=int, default=None, help="GPUs holding one copy of the model (default 1)"
    )
    p.add_argument("--staff-hours", type=float, default=None, help="engineering hours a month (default 10)")
    p.add_argument("--staff-usd-per-hour", type=float, default=None, help="staff cost per hour (default 100)")
    p.add_argument(
        "--json", action="store_true", help="print one JSON object (usd_per_mtok is the self-hosted price)"
    )
    p.set_defaults(handler=_selfhost)


def _selfhost(args: argparse.Namespace) -> int:
    from course.economics.selfhost import (
        DEFAULT_INPUT_SHARE,
        DEFAULT_STAFF_HOURS_PER_MONTH,
        DEFAULT_STAFF_USD_PER_HOUR,
        quote_self_host,
    )

    try:
        quote = quote_self_host(
            args.model,
            args.gpu,
            utilisation=args.utilisation,
            input_share=DEFAULT_INPUT_SHARE if args.input_share is None else args.input_share,
            gpu_provider=args.gpu_provider,
            usd_per_gpu_hour=args.usd_per_gpu_hour,
            capacity=_own_capacity(args),
        )
    except NoPublishedThroughputError as exc:
        raise ConfigError(
            exc.message,
            fix=f"Pick a GPU with published throughput for this model ({', '.join(exc.measured_gpus)}), or "
            "give your own full-load rates: --prefill-tokens-per-s and --decode-tokens-per-s "
            "(and --gpus-per-replica).",
        ) from exc
    hours = DEFAULT_STAFF_HOURS_PER_MONTH if args.staff_hours is None else args.staff_hours
    staff = DEFAULT_STAFF_USD_PER_HOUR if args.staff_usd_per_hour is None else args.staff_usd_per_hour
    setup = quote.setup(staff_hours_per_month=hours, staff_usd_per_hour=staff)
    evens = quote.break_evens(setup)
    record = _record(quote, evens, hours=hours, staff=staff)
    if args.json:
        print(json.dumps(record, indent=1, ensure_ascii=False))
    else:
        print(_text(record))
    return 0


def _own_capacity(args: argparse.Namespace) -> Any:
    """The replica the ``--prefill-tokens-per-s`` and ``--decode-tokens-per-s`` rates describe (None: use the
    published rows)."""
    from course.economics.capacity import assumed_capacity

    prefill, decode = args.prefill_tokens_per_s, args.decode_tokens_per_s
    if prefill is None and decode is None:
        if args.gpus_per_replica is not None:
            raise ConfigError(
                "--gpus-per-replica goes with your own rates; the published rows bring their own.",
                fix="Add --prefill-tokens-per-s and --decode-tokens-per-s, or leave --gpus-per-replica out.",
            )
        return None
    if prefill is None or decode is None:
        raise ConfigError(
            "Only one of --prefill-tokens-per-s and --decode-tokens-per-s was given.",
            fix="Give both (prompt and output tokens/s of one replica at full load), or neither to use "
            "the published rows.",
        )
    gpus = 1 if args.gpus_per_replica is None else args.gpus_per_replica  # 0 or less is refused below
    return assumed_capacity(
        label=f"your rates on {gpus}× {args.gpu}",
        gpu=args.gpu,
        prefill_tokens_per_s=prefill,
        decode_tokens_per_s=decode,
        gpus_per_replica=gpus,
        note="yours, from --prefill-tokens-per-s and --decode-tokens-per-s",
    )


def _record(quote: Any, evens: Any, *, hours: float, staff: float) -> dict[str, Any]:
    cap = quote.capacity
    rows = quote.fit.fitted_from if quote.fit else ()
    return {
        "model": quote.model.key,
        "model_name": quote.model.name,
        "gpu": quote.rate.gpu,
        "gpus_per_replica": cap.gpus_per_replica,
        "gpu_provider": quote.rate.provider,
        "usd_per_gpu_hour": quote.rate.usd_per_hour_on_demand,
        "gpu_rate_as_of": quote.rate.as_of.isoformat(),
        "gpu_rate_source": quote.rate.source,
        "utilisation": quote.utilisation,
        "input_share": quote.input_share,
        "throughput": {
            "basis": cap.basis,
            "configuration": cap.label,
            "prefill_tokens_per_s": cap.prefill_tokens_per_s,
            "decode_tokens_per_s": cap.decode_tokens_per_s,
            "tokens_per_s": quote.tokens_per_s,
            "decode_tokens_per_s_one_stream": cap.decode_tokens_per_s_one_stream,
            "max_streams": cap.max_streams,
            "how": cap.note,
            "source_rows": [
                {
                    "id": r.id,
                    "measured": r.describe(),
                    "source": r.source,
                    "as_of": r.as_of.isoformat() if r.as_of else None,
                    "as_of_note": r.as_of_note,
                    "checked": r.checked.isoformat() if r.checked else None,
                    "quote": r.quote,
                }
                for r in rows
            ],
        },
        "usd_per_mtok": quote.usd_per_mtok,
        "usd_per_mtok_full_load": quote.usd_per_mtok_full_load,
        "managed_hosts": [_option(o) for o in quote.managed],
        "frontier_apis": [_option(o) for o in quote.apis],
        "check": {"verdict": quote.check.verdict, "ratio": quote.check.ratio, "message": quote.check.message},
        "staff": {"hours_per_month": hours, "usd_per_hour": staff},
        "break_even": [
            {
                "against": o.label,
                "kind": o.kind,
                "status": be.status,
                "tokens_per_day": None if be.tokens_per_day is None else be.tokens_per_day,
                "windows": len(be.windows),
                "stays_cheaper_from_tokens_per_day": be.stays_cheaper_from_tokens_per_day,
                "reason": be.reason,
            }
            for o, be in evens
        ],
        "gaps": list(quote.gaps),
    }


def _option(o: Any) -> dict[str, Any]:
    return {
        "label": o.label,
        "provider": o.provider,
        "model": o.model,
        "usd_per_mtok": o.usd_per_mtok,
        "status": o.status,
        "as_of": o.as_of,
        "source": o.source,
    }


def _usd(value: float) -> str:
    return f"USD {value:,.3g}" if value < 100 else f"USD {value:,.0f}"


def _tokens(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "never"
    return f"{value / 1e6:,.1f}M tokens/day" if value >= 1e6 else f"{value:,.0f} tokens/day"


def _text(r: dict[str, Any]) -> str:
    t = r["throughput"]
    lines = [
        f"Self-hosting {r['model_name']} on {r['gpus_per_replica']}× {r['gpu']} "
        f"({r['gpu_provider']}, {_usd(r['usd_per_gpu_hour'])} per GPU-hour, as of {r['gpu_rate_as_of']})",
        f"Workload: {r['input_share']:.0%} prompt tokens; utilisation {r['utilisation']:.0%}.",
        "",
        f"Throughput used ({t['basis']}): {t['configuration']}",
        f"  prefill {t['prefill_tokens_per_s']:,.0f} tok/s and decode {t['decode_tokens_per_s']:,.0f} tok/s "
        f"at full load ({t['how']}) -> {t['tokens_per_s']:,.0f} tok/s for this mix",
    ]
    if t["decode_tokens_per_s_one_stream"]:
        lines.append(f"  one stream alone decodes {t['decode_tokens_per_s_one_stream']:,.0f} tok/s")
    for row in t["source_rows"]:
        lines.append(f"  row {row['id']}: {row['measured']}")
        lines.append(f"      {row['source']} (checked {row['checked']})")
    lines += [
        "",
        f"Self-hosted: {_usd(r['usd_per_mtok'])} per 1M tokens at {r['utilisation']:.0%} utilisation "
        f"({_usd(r['usd_per_mtok_full_load'])} at full load); GPU only, staff below.",
        "  " + r["check"]["message"],
        "Same weights on a managed host (list price, this mix): "
        + (
            "; ".join(f"{o['label']} {_usd(o['usd_per_mtok'])}" for o in r["managed_hosts"])
            or "none in the snapshot"
        ),
        "Frontier APIs (reference models, this mix): "
        + "; ".join(f"{o['label']} {_usd(o['usd_per_mtok'])}" for o in r["frontier_apis"]),
        "",
        f"Break-even with {r['staff']['hours_per_month']:g} staff hours a month at "
        f"{_usd(r['staff']['usd_per_hour'])}:",
    ]
    for be in r["break_even"]:
        when = "from " + _tokens(be["tokens_per_day"]) if be["tokens_per_day"] is not None else "never"
        if be.get("windows", 0) > 1:
            stays = be.get("stays_cheaper_from_tokens_per_day")
            when += " (first of several windows; " + (
                f"stays no dearer from {_tokens(stays)})" if stays is not None else "never for good)"
            )
        lines.append(f"  against {be['against']} ({be['kind']}): {when}")
    if r["gaps"]:
        lines.append("")
        lines.append("Not sourced for this GPU (course/data/throughput.json gaps):")
        lines += [f"  - {g}" for g in r["gaps"]]
    return "\n".join(lines)
