"""The capacity model and the three options (course.economics.throughput, capacity, selfhost).

The published rows are the real data file; the arithmetic is checked by hand on them: two rows of one
configuration give the prefill and decode rates, the harmonic blend gives a mix's throughput, and the
hourly rate over the tokens an hour gives USD per 1M tokens.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from course.datafiles import fact_status
from course.economics import capacity, costs, throughput
from course.economics.prices import reference_model, reference_models
from course.economics.selfhost import CHECK_FACTOR, check_against_managed, option_prices, quote_self_host
from course.errors import ConfigError, DataError

EIGHT_B = throughput.served_model("llama-3.1-8b")
SEVENTY_B = throughput.served_model("llama-3.3-70b")


def _row(model_id: str) -> throughput.ThroughputRow:
    return next(r for r in throughput.published_rows() if r.id == model_id)


def test_every_published_row_is_sourced_checked_and_quoted() -> None:
    rows = throughput.published_rows()
    assert all(fact_status(r) == "verified" for r in rows), [
        r.id for r in rows if fact_status(r) != "verified"
    ]
    assert all(r.as_of is not None or r.as_of_note.strip() for r in rows)
    # the matrix the issue asks for: an 8B and a 70B, on H100, A100 and a cheaper GPU, at maximum load
    for model in (EIGHT_B, SEVENTY_B):
        for gpu in ("H100 80GB", "A100 80GB", "L40S 48GB"):
            assert capacity.published_fits(model, gpu), (model.key, gpu)
    # batch 1 where it was found; what was not found is named in the gaps, not filled in
    assert capacity.one_stream_rows(EIGHT_B, "H100 80GB") and capacity.one_stream_rows(SEVENTY_B, "H100 80GB")
    assert {(g.model, g.gpu) for g in throughput.gaps()} >= {
        ("llama-3.1-8b", "L40S 48GB"),
        ("llama-3.1-8b", "L4 24GB"),
    }


def test_two_rows_give_prefill_and_decode_by_hand() -> None:
    """1/O = (I/N)/P + 1/D for each row: 2048+128 at 3,556.73 and 128+2048 at 21,109.38 output tok/s."""
    heavy, light = (
        _row("trtllm-0.17/h100/llama-3.1-8b/fp8-tp1/2048-128"),
        _row("trtllm-0.17/h100/llama-3.1-8b/fp8-tp1/128-2048"),
    )
    prefill, decode = capacity.fit_two_rates(heavy, light)
    ya, yb, ra, rb = 1 / 3556.73, 1 / 21109.38, 2048 / 128, 128 / 2048
    inv_p = (ya - yb) / (ra - rb)
    assert prefill == pytest.approx(1 / inv_p) and decode == pytest.approx(1 / (ya - ra * inv_p))
    assert 60_000 < prefill < 75_000 and 20_000 < decode < 23_000  # prefill about three times decode
    for row in (heavy, light):  # the fit reproduces both rows exactly
        per_request_s = row.input_tokens / prefill + row.output_tokens / decode
        assert row.output_tokens / per_request_s == pytest.approx(row.output_tokens_per_s)
    with pytest.raises(ConfigError, match="same mix"):
        capacity.fit_two_rates(heavy, heavy)


def test_the_blend_is_harmonic_and_the_price_is_the_hour_over_its_tokens() -> None:
    q = quote_self_host("llama-3.1-8b", "H100", utilisation=0.5, input_share=0.85, gpu_provider="lambda")
    cap = q.capacity
    blended = 1 / (0.85 / cap.prefill_tokens_per_s + 0.15 / cap.decode_tokens_per_s)
    assert q.tokens_per_s == pytest.approx(blended)
    per_hour = q.rate.usd_per_hour_on_demand * cap.gpus_per_replica
    assert q.usd_per_mtok == pytest.approx(per_hour / (3600 * blended * 0.5) * 1e6)
    assert q.usd_per_mtok_full_load == pytest.approx(q.usd_per_mtok / 2)
    assert q.rate.provider == "lambda" and cap.basis == "published" and len(cap.sources) == 2
    # prompt tokens are not charged at decode speed: an output-only price would be several times dearer
    decode_only = per_hour / (3600 * cap.decode_tokens_per_s * 0.5) * 1e6
    assert decode_only > 2 * q.usd_per_mtok


def test_the_cheapest_configuration_per_gpu_is_chosen() -> None:
    fits = capacity.published_fits(SEVENTY_B, "H100 80GB")
    best = capacity.best_published_capacity(SEVENTY_B, "H100 80GB", input_share=0.85)
    per_gpu = {f.capacity.label: f.capacity.per_gpu_tokens_per_s(input_share=0.85) for f in fits}
    assert best.capacity.per_gpu_tokens_per_s(input_share=0.85) == max(per_gpu.values())
    assert best.capacity.gpus_per_replica == 2  # one H100 holds 70B at FP8 with no room to batch


def test_decode_rises_with_concurrency_to_a_ceiling_and_streams_slow_without_bound() -> None:
    cap = capacity.best_published_capacity(
        EIGHT_B, "H100 80GB", input_share=0.85, tokens_per_sequence=950
    ).capacity
    d1, ceiling = cap.decode_tokens_per_s_one_stream, cap.decode_tokens_per_s
    assert d1 is not None and cap.max_streams is not None and cap.max_streams > 100
    assert cap.aggregate_decode_tokens_per_s(1) == pytest.approx(d1)
    levels = [1, 4, 16, 64, 256]
    aggregate = [cap.aggregate_decode_tokens_per_s(c) for c in levels]
    assert aggregate == sorted(aggregate) and aggregate[-1] < ceiling
    assert cap.slowdown(256) == pytest.approx(1 + 255 * d1 / ceiling) and cap.slowdown(256) > 2
    past = cap.max_streams * 4
    assert cap.slowdown(past) == cap.slowdown(cap.max_streams) and cap.queued_share(past) == pytest.approx(
        0.75
    )
    with pytest.raises(ConfigError, match="concurrency"):
        cap.slowdown(0)


def test_the_kv_cache_caps_the_streams_by_hand() -> None:
    """Llama 3.1 8B at FP8 on one 80 GB card: 0.9 × 80 GB − 8.03 GB of weights − 1.5 GB, over 2 × 32 layers ×
    8 KV heads × 128 × 1 byte per token."""
    n = capacity.max_streams(EIGHT_B, gpu="H100 80GB", gpus=1, quantization="FP8", tokens_per_sequence=1000)
    per_sequence_gb = 2 * 32 * 8 * 128 * 1000 * 1 / 1e9
    assert n == math.floor((0.9 * 80 - 8.030261248 - 1.5) / per_sequence_gb)
    assert (
        capacity.max_streams(
            SEVENTY_B, gpu="H100 80GB", gpus=1, quantization="FP16", tokens_per_sequence=1000
        )
        is None
    )


def test_three_options_for_the_same_mix_and_the_check() -> None:
    q = quote_self_host("llama-3.3-70b", "H100", utilisation=1.0, input_share=0.75)
    assert {o.kind for o in q.managed} == {"managed host"} and len(q.managed) >= 2
    assert all("70B" in o.label for o in q.managed)
    assert [o.label for o in q.apis] == [p.name for p in reference_models()]
    frontier = reference_model("frontier")
    assert q.apis[0].usd_per_mtok == pytest.approx(
        0.75 * frontier.usd_per_mtok_input + 0.25 * frontier.usd_per_mtok_output
    )
    assert q.check.verdict in ("ok", "too low", "too high") and "managed hosts" in q.check.message
    evens = dict((o.label, be) for o, be in q.break_evens())
    assert evens[frontier.name].tokens_per_day is not None  # against a frontier API a break-even exists
    cheap = min(q.managed, key=lambda o: o.usd_per_mtok)
    assert (evens[cheap.label].tokens_per_day or math.inf) > evens[frontier.name].tokens_per_day


def test_the_check_names_the_likeliest_wrong_input() -> None:
    managed = option_prices(
        [p for p in _snapshot().api_prices if p.model == "llama-3.1-8b-instant"],
        kind="managed host",
        input_share=0.85,
    )
    assert managed
    price = managed[0].usd_per_mtok
    one_stream = capacity.assumed_capacity(label="one stream", gpu="H100 80GB", prefill_tokens_per_s=500,
                                           decode_tokens_per_s=100)  # fmt: skip
    high = check_against_managed(price * CHECK_FACTOR * 2, managed, capacity=one_stream, utilisation=1.0,
                                 gpu_usd_per_hour=3)  # fmt: skip
    assert high.verdict == "too high" and "batching" in high.message and high.ratio == pytest.approx(6)
    published = capacity.best_published_capacity(EIGHT_B, "H100 80GB", input_share=0.85).capacity
    dear = check_against_managed(price * 4, managed, capacity=published, utilisation=1.0, gpu_usd_per_hour=3)
    assert dear.verdict == "too high" and "GPU price" in dear.message and "idle" not in dear.message
    # utilisation does not change the price at full load, so it is never the check's cause; an idle GPU's
    # price per token is said beside the verdict
    idle = check_against_managed(price, managed, capacity=published, utilisation=0.1, gpu_usd_per_hour=3)
    assert idle.verdict == "ok" and "At 10% utilisation" in idle.message and "idle GPU" in idle.message
    low = check_against_managed(price / 10, managed, capacity=published, utilisation=1.0, gpu_usd_per_hour=3)
    assert low.verdict == "too low" and "no latency target" in low.message
    assert (
        check_against_managed(price, managed, capacity=published, utilisation=1.0, gpu_usd_per_hour=3).verdict
        == "ok"
    )


def test_unknown_models_gpus_and_bad_inputs_say_how_to_fix() -> None:
    with pytest.raises(ConfigError, match=r"llama-3\.1-8b, llama-3\.3-70b"):
        quote_self_host("llama-9b", "H100", utilisation=1)
    with pytest.raises(ConfigError, match=r"No GPU called 'Voodoo'"):
        quote_self_host("llama-3.1-8b", "Voodoo", utilisation=1)
    with pytest.raises(ConfigError, match=r"No L4 table") as unsourced:
        quote_self_host("llama-3.1-8b", "L4", utilisation=1)
    assert "H100 80GB" in unsourced.value.fix
    with pytest.raises(ConfigError, match="no rental rate") as unpriced:  # Lambda rents no L40S
        quote_self_host("llama-3.1-8b", "L40S", utilisation=1, gpu_provider="lambda")
    assert "--usd-per-gpu-hour" in unpriced.value.fix
    snapshot_rate = quote_self_host("llama-3.1-8b", "L40S", utilisation=1, gpu_provider="aws").rate
    assert snapshot_rate.gpu == "L40S 48GB" and fact_status(snapshot_rate) == "verified"
    rated = quote_self_host("llama-3.1-8b", "L40S", utilisation=1, usd_per_gpu_hour=2.0)
    assert rated.rate.provider == "your rate" and rated.usd_per_mtok > 0
    for bad in ({"utilisation": 0}, {"utilisation": 1, "input_share": 1.5}):
        with pytest.raises(ConfigError):
            quote_self_host("llama-3.1-8b", "H100", **bad)


def test_a_row_without_a_figure_or_a_date_is_refused(tmp_path: Path) -> None:
    raw = json.loads(
        (Path(throughput.__file__).parents[1] / "data" / "throughput.json").read_text(encoding="utf-8")
    )
    bad = dict(raw["rows"][0], output_tokens_per_s=None)
    (tmp_path / "throughput.json").write_text(json.dumps({**raw, "rows": [bad]}), encoding="utf-8")
    with pytest.raises(DataError, match="has no figure"):
        throughput.throughput_data(data_dir=tmp_path)
    undated = dict(raw["rows"][0], as_of=None, as_of_note="")
    (tmp_path / "throughput.json").write_text(json.dumps({**raw, "rows": [undated]}), encoding="utf-8")
    with pytest.raises(DataError, match="as_of"):
        throughput.throughput_data(data_dir=tmp_path)


def test_mixed_throughput_is_the_one_blend() -> None:
    """costs.mixed_throughput_tokens_per_s is what the capacity model blends with (one formula)."""
    cap = capacity.assumed_capacity(
        label="x", gpu="H100 80GB", prefill_tokens_per_s=6000, decode_tokens_per_s=900
    )
    assert cap.blended_tokens_per_s(input_share=0.75) == pytest.approx(
        costs.mixed_throughput_tokens_per_s(
            prefill_tokens_per_s=6000, decode_tokens_per_s=900, input_share=0.75
        )
    )


def _snapshot():
    from course.economics.prices import load_prices

    return load_prices()


def test_reference_models_come_from_roles_in_the_snapshot() -> None:
    frontier = reference_models("frontier")
    assert frontier and all(p.role == "frontier" and p.status not in ("retired", "legacy") for p in frontier)
    assert reference_model("frontier") == frontier[0]
    assert reference_model("frontier-small").role == "frontier-small"
    with pytest.raises(ConfigError, match="Unknown role"):
        reference_models("cheapest")  # type: ignore[arg-type]
