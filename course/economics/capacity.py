"""What one serving replica can do: prefill and decode apart, and decode rising with concurrency until a cap.

The capacity model behind every self-hosted cost in the course (lesson 03, lab 04, the calculators,
``python -m course cost``, the memo, labs 05-07, lesson 05's latency budget):

* **Prefill** (reading prompts) runs many tokens per pass over the weights: it is limited by the GPU's
  arithmetic, fast, and about as fast alone as under load. **Decode** (writing answers) makes one token per
  stream per pass: alone it is limited by memory bandwidth (every weight read for one token); with ``c``
  streams in flight one pass serves all of them, so aggregate decode rises with ``c`` until arithmetic,
  memory bandwidth for the KV cache, or KV-cache *memory* (how many sequences fit beside the weights)
  caps it. Here one decode step of ``c`` streams takes ``1/d1 + (c - 1)/D`` seconds: ``d1`` is one
  stream's own rate, ``D`` the aggregate ceiling, so aggregate decode is ``c`` ÷ that and each stream's
  slowdown is ``1 + (c - 1)·d1/D``; past ``max_streams`` (the KV cache is full) further requests queue.
* A workload mixes them: tokens/s over a mix is the harmonic blend by the input share
  (:func:`course.economics.costs.mixed_throughput_tokens_per_s`).

The rates come from published measurements (:mod:`course.economics.throughput`): at maximum load a
serving engine's output tokens/s ``O`` for requests of ``I`` prompt and ``N`` output tokens obeys
``1/O = (I/N)/P + 1/D`` when every request costs ``I/P + N/D`` seconds of the replica. Two published
rows of one configuration with the same sequence length, one almost all prompt (2,048 in, 128 out) and
one almost all output (128 in, 2,048 out), give two equations for the two unknowns ``P`` and ``D``
(:func:`fit_two_rates`). The fit holds for requests of about that length; :func:`fit_check` shows how
far it misses the configuration's other rows (shorter requests run faster, longer ones slower: the KV
cache).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from course.economics.costs import mixed_throughput_tokens_per_s
from course.economics.sizing import DEFAULT_OVERHEAD_GB, SHAPES
from course.economics.throughput import ServedModel, ThroughputRow, gaps_for, rows_for
from course.errors import ConfigError, NoPublishedThroughputError
from course.models.memory import kv_cache_gb, weights_gb

Basis = Literal["published", "your roofline", "assumed"]
#: bits per weight and bytes per KV value by quantization (FP8 engines keep an FP8 KV cache)
_BITS = {"FP8": 8.0, "FP16": 16.0, "BF16": 16.0, "Q4_0": 4.5, "Q4_K_M": 4.85, "Q8_0": 8.5}
_KV_BYTES = {"FP8": 1.0}
KV_MEMORY_FRACTION = 0.9  # share of GPU memory a server gives weights + KV cache (vLLM's default is 0.9)


@dataclass(frozen=True, kw_only=True)
class ServingCapacity:
    """One replica (``gpus_per_replica`` GPUs holding one copy of the model) and what it sustains.

    ``prefill_tokens_per_s`` and ``decode_tokens_per_s`` are aggregate at full load (many requests in
    flight); ``decode_tokens_per_s_one_stream`` is one request alone (None when nothing gave it);
    ``max_streams`` how many sequences of the sized length fit in the KV cache (None: not sized).
    ``sources`` names what the numbers come from (row ids of course/data/throughput.json).
    """

    label: str
    gpu: str
    gpus_per_replica: int
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    quantization: str = ""
    decode_tokens_per_s_one_stream: float | None = None
    max_streams: int | None = None
    basis: Basis = "published"
    sources: tuple[str, ...] = ()
    one_stream_source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("prefill_tokens_per_s", "decode_tokens_per_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
                raise ConfigError(f"{name} is {value!r}.", fix=f"Pass {name} above 0 tokens/s.")
        one = self.decode_tokens_per_s_one_stream
        if one is not None and (not math.isfinite(one) or one <= 0):
            raise ConfigError(
                f"decode_tokens_per_s_one_stream is {one!r}.", fix="Pass a rate above 0, or None."
            )
        if isinstance(self.gpus_per_replica, bool) or self.gpus_per_replica < 1:
            raise ConfigError(f"gpus_per_replica is {self.gpus_per_replica!r}.", fix="Pass 1 or more.")
        if self.max_streams is not None and self.max_streams < 1:
            raise ConfigError(f"max_streams is {self.max_streams!r}.", fix="Pass 1 or more, or None.")

    def blended_tokens_per_s(self, *, input_share: float) -> float:
        """Prompt and output tokens/s at full load for a workload with ``input_share`` prompt tokens."""
        return mixed_throughput_tokens_per_s(
            prefill_tokens_per_s=self.prefill_tokens_per_s,
            decode_tokens_per_s=self.decode_tokens_per_s,
            input_share=input_share,
        )

    def per_gpu_tokens_per_s(self, *, input_share: float) -> float:
        return self.blended_tokens_per_s(input_share=input_share) / self.gpus_per_replica

    # --- concurrency ------------------------------------------------------------------------------

    def _one_stream(self) -> float:
        if self.decode_tokens_per_s_one_stream is None:
            raise ConfigError(
                f"{self.label}: no one-stream decode rate, so the concurrency curve cannot be drawn.",
                fix="Pass decode_tokens_per_s_one_stream: a published batch-1 figure, or your roofline ratio "
                "scaled to the GPU (course.measure.roofline.scaled_decode_tokens_per_s).",
            )
        return self.decode_tokens_per_s_one_stream

    def streams_served(self, concurrency: int) -> int:
        """Requests decoding together at ``concurrency`` in flight (the rest wait for KV-cache room)."""
        _check_concurrency(concurrency)
        return concurrency if self.max_streams is None else min(concurrency, self.max_streams)

    def step_time_s(self, concurrency: int) -> float:
        """Seconds for one decode step (one token for each stream being served)."""
        c = self.streams_served(concurrency)
        return 1 / self._one_stream() + (c - 1) / self.decode_tokens_per_s

    def aggregate_decode_tokens_per_s(self, concurrency: int) -> float:
        """Output tokens per second over all streams with ``concurrency`` requests in flight."""
        return self.streams_served(concurrency) / self.step_time_s(concurrency)

    def per_stream_decode_tokens_per_s(self, concurrency: int) -> float:
        """One stream's output tokens per second while it is served."""
        return 1 / self.step_time_s(concurrency)

    def slowdown(self, concurrency: int) -> float:
        """How many times slower each served stream decodes than alone: ``1 + (c - 1)·d1/D``, growing
        without bound (and queueing once ``max_streams`` are in flight)."""
        return self.step_time_s(concurrency) * self._one_stream()

    def queued_share(self, concurrency: int) -> float:
        """The share of requests in flight that wait for a KV-cache slot (0 below ``max_streams``)."""
        return 1 - self.streams_served(concurrency) / concurrency


def _check_concurrency(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigError(f"concurrency is {concurrency!r}.", fix="Pass a whole number of 1 or more.")


# --- fitting published rows ----------------------------------------------------------------------


def fit_two_rates(a: ThroughputRow, b: ThroughputRow) -> tuple[float, float]:
    """(prefill, decode) tokens/s from two maximum-load rows of one configuration with different mixes.

    Each row gives ``1/O = (I/N)/P + 1/D``: two rows, two unknowns. Raises when the rows cannot
    determine them (same mix, or a solution that is not positive).
    """
    for row in (a, b):
        if (
            row.load != "max"
            or row.output_tokens_per_s is None
            or not row.output_tokens
            or row.input_tokens is None
        ):
            raise ConfigError(
                f"Row {row.id} is not a maximum-load row with lengths and an output rate.",
                fix="Fit two rows whose load is 'max' and which give input_tokens, output_tokens and "
                "output_tokens_per_s.",
            )
    ra = a.input_tokens / a.output_tokens  # type: ignore[operator]  # checked just above
    rb = b.input_tokens / b.output_tokens  # type: ignore[operator]
    ya, yb = 1 / a.output_tokens_per_s, 1 / b.output_tokens_per_s  # type: ignore[operator]
    if math.isclose(ra, rb):
        raise ConfigError(f"Rows {a.id} and {b.id} have the same mix.", fix="Fit rows with different mixes.")
    inv_p = (ya - yb) / (ra - rb)
    inv_d = ya - ra * inv_p
    if inv_p <= 0 or inv_d <= 0:
        raise ConfigError(
            f"Rows {a.id} and {b.id} give no positive prefill and decode rates.",
            fix="Fit two rows of the same configuration and sequence length.",
        )
    return 1 / inv_p, 1 / inv_d


def _fit_pair(rows: Sequence[ThroughputRow]) -> tuple[ThroughputRow, ThroughputRow] | None:
    """The pair of maximum-load rows with the same sequence length and the most different mixes."""
    usable = [r for r in rows if r.load == "max" and r.output_tokens_per_s and r.input_share is not None]
    best: tuple[float, tuple[ThroughputRow, ThroughputRow]] | None = None
    for i, a in enumerate(usable):
        for b in usable[i + 1 :]:
            same_length = math.isclose(
                (a.input_tokens or 0) + (a.output_tokens or 0), (b.input_tokens or 0) + (b.output_tokens or 0)
            )
            spread = abs((a.input_share or 0) - (b.input_share or 0))
            score = spread + (1.0 if same_length else 0.0)
            if spread > 0.2 and (best is None or score > best[0]):
                best = (score, (a, b) if (a.input_share or 0) >= (b.input_share or 0) else (b, a))
    return best[1] if best else None


@dataclass(frozen=True)
class FitCheck:
    """A published row beside what the fitted two-rate model predicts for it."""

    row_id: str
    input_tokens: float
    output_tokens: float
    published_output_tokens_per_s: float
    predicted_output_tokens_per_s: float

    @property
    def ratio(self) -> float:
        """Predicted ÷ published."""
        return self.predicted_output_tokens_per_s / self.published_output_tokens_per_s


def fit_check(capacity: ServingCapacity, rows: Sequence[ThroughputRow]) -> tuple[FitCheck, ...]:
    """The fitted model against every maximum-load row in ``rows`` (its own configuration's, typically)."""
    checks = []
    for r in rows:
        if r.load != "max" or not r.output_tokens or r.input_tokens is None or r.output_tokens_per_s is None:
            continue
        per_request_s = (
            r.input_tokens / capacity.prefill_tokens_per_s + r.output_tokens / capacity.decode_tokens_per_s
        )
        checks.append(
            FitCheck(
                r.id, r.input_tokens, r.output_tokens, r.output_tokens_per_s, r.output_tokens / per_request_s
            )
        )
    return tuple(checks)


# --- from published rows to a replica ------------------------------------------------------------


def gpu_memory_gb(gpu: str) -> float:
    """A GPU's memory from the course's name for it ("H100 80GB" → 80)."""
    found = re.search(r"(\d+(?:\.\d+)?)\s*GB", gpu)
    if not found:
        raise ConfigError(
            f"No memory size in the GPU name {gpu!r}.",
            fix="Name GPUs as the price snapshot does, e.g. 'H100 80GB'.",
        )
    return float(found.group(1))


def max_streams(
    model: ServedModel, *, gpu: str, gpus: int, quantization: str, tokens_per_sequence: int
) -> int | None:
    """Sequences of ``tokens_per_sequence`` whose KV cache fits beside the weights (None: it does not fit)."""
    shape = SHAPES.get(model.shape)
    if shape is None:
        raise ConfigError(
            f"No shape {model.shape!r} for {model.key}.", fix=f"Use one of: {', '.join(SHAPES)}."
        )
    bits = _BITS.get(quantization.upper())
    if bits is None:
        return None
    budget = gpus * gpu_memory_gb(gpu) * KV_MEMORY_FRACTION - weights_gb(
        params=shape.n_params, bits_per_weight=bits
    )
    budget -= DEFAULT_OVERHEAD_GB * gpus
    per_sequence = kv_cache_gb(
        shape, n_ctx=tokens_per_sequence, bytes_per_value=_KV_BYTES.get(quantization.upper(), 2.0)
    )
    n = math.floor(budget / per_sequence)
    return n if n >= 1 else None


@dataclass(frozen=True)
class PublishedFit:
    """A configuration's two fitted rates and the rows behind them."""

    capacity: ServingCapacity
    fitted_from: tuple[ThroughputRow, ThroughputRow]
    other_rows: tuple[ThroughputRow, ...]  # the configuration's rows the fit did not use


def published_fits(
    model: ServedModel, gpu: str, *, tokens_per_sequence: int = 2176, data_dir: object = None
) -> tuple[PublishedFit, ...]:
    """One fit per configuration (engine and version, quantization, GPUs) that has a usable pair of rows."""
    rows = rows_for(model, gpu, data_dir=data_dir)  # type: ignore[arg-type]  # a Path or None
    configs: dict[tuple[str, str, str, str, int], list[ThroughputRow]] = {}
    for r in rows:
        configs.setdefault(r.config, []).append(r)
    fits = []
    for config, members in configs.items():
        pair = _fit_pair(members)
        if pair is None:
            continue
        prefill, decode = fit_two_rates(*pair)
        gpu_name, engine, quant, parallel, gpus = config
        one, one_source = _one_stream(rows, quantization=quant, gpus=gpus)
        capacity = ServingCapacity(
            label=f"{model.name}, {quant} on {gpus}× {gpu_name} ({parallel}), {engine}",
            gpu=gpu_name,
            gpus_per_replica=gpus,
            prefill_tokens_per_s=prefill,
            decode_tokens_per_s=decode,
            quantization=quant,
            decode_tokens_per_s_one_stream=one,
            max_streams=max_streams(
                model, gpu=gpu_name, gpus=gpus, quantization=quant, tokens_per_sequence=tokens_per_sequence
            ),
            basis="published",
            sources=(pair[0].id, pair[1].id),
            one_stream_source=one_source,
            note=(
                f"fitted to two published rows of {pair[0].input_tokens:g}+{pair[0].output_tokens:g} and "
                f"{pair[1].input_tokens:g}+{pair[1].output_tokens:g} tokens per request"
            ),
        )
        fits.append(PublishedFit(capacity, pair, tuple(m for m in members if m not in pair)))
    return tuple(fits)


def _one_stream(rows: Sequence[ThroughputRow], *, quantization: str, gpus: int) -> tuple[float | None, str]:
    """A published one-stream decode rate: same quantization and GPU count first, then the nearest."""
    candidates = [r for r in rows if r.one_stream_decode_tokens_per_s is not None]
    candidates.sort(key=lambda r: (r.quantization != quantization, r.gpus != gpus))
    if not candidates:
        return None, ""
    best = candidates[0]
    caveat = (
        ""
        if best.quantization == quantization and best.gpus == gpus
        else (f" (measured at {best.quantization} on {best.gpus} GPU(s), not {quantization} on {gpus})")
    )
    return best.one_stream_decode_tokens_per_s, best.id + caveat


def best_published_capacity(
    model: ServedModel,
    gpu: str,
    *,
    input_share: float,
    tokens_per_sequence: int = 2176,
    data_dir: object = None,
) -> PublishedFit:
    """The configuration that serves ``input_share``'s mix at the lowest cost per token on ``gpu``: the
    most tokens per second per GPU (a team picks the parallelism that pays best)."""
    fits = published_fits(model, gpu, tokens_per_sequence=tokens_per_sequence, data_dir=data_dir)
    if not fits:
        measured = sorted(
            {f.capacity.gpu for g in _measured_gpus(model, data_dir) for f in published_fits(model, g)}
        )
        why = " ".join(g.why for g in gaps_for(model, gpu))
        raise NoPublishedThroughputError(
            f"No published maximum-load pair of rows for {model.name} on {gpu}." + (f" {why}" if why else ""),
            fix=f"Pick a GPU with published throughput for this model ({', '.join(measured)}), or pass "
            "your own prefill and decode rates (a ServingCapacity labelled as yours).",
            measured_gpus=tuple(measured),
        )
    return max(fits, key=lambda f: f.capacity.per_gpu_tokens_per_s(input_share=input_share))


def weight_bytes(model: ServedModel, quantization: str) -> float:
    """Bytes of weights one decode step reads (parameters × bits ÷ 8) at ``quantization``."""
    bits = _BITS.get(quantization.upper())
    if bits is None:
        raise ConfigError(f"Unknown quantization {quantization!r}.", fix=f"Use one of: {', '.join(_BITS)}.")
    return weights_gb(params=SHAPES[model.shape].n_params, bits_per_weight=bits) * 1e9


def one_stream_rows(model: ServedModel, gpu: str, *, data_dir: object = None) -> tuple[ThroughputRow, ...]:
    """Published rows that give one stream's own decode or prompt rate for ``model`` on ``gpu``."""
    return tuple(
        r
        for r in rows_for(model, gpu, data_dir=data_dir)  # type: ignore[arg-type]  # a Path or None
        if r.one_stream_decode_tokens_per_s is not None or r.one_stream_prefill_tokens_per_s is not None
    )


def _measured_gpus(model: ServedModel, data_dir: object) -> set[str]:
    return {r.gpu for r in rows_for(model, data_dir=data_dir)}  # type: ignore[arg-type]  # a Path or None


def assumed_capacity(
    *,
    label: str,
    gpu: str,
    prefill_tokens_per_s: float,
    decode_tokens_per_s: float,
    decode_tokens_per_s_one_stream: float | None = None,
    gpus_per_replica: int = 1,
    basis: Basis = "assumed",
    note: str = "",
) -> ServingCapacity:
    """A replica from rates you state (your measurement, an assumption): labelled as such."""
    return ServingCapacity(
        label=label,
        gpu=gpu,
        gpus_per_replica=gpus_per_replica,
        prefill_tokens_per_s=prefill_tokens_per_s,
        decode_tokens_per_s=decode_tokens_per_s,
        decode_tokens_per_s_one_stream=decode_tokens_per_s_one_stream,
        basis=basis,
        note=note,
    )
