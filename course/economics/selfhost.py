"""Three options side by side: self-host open weights, buy them from a managed host, or call a frontier API.

:func:`quote_self_host` is the one price of self-hosting the course computes (lab 04, lesson 03,
``python -m course cost selfhost``, the calculators, the memo, labs 05 and 06's local price): a
published capacity (:mod:`course.economics.capacity`) blended by the workload's input share, on a GPU
rented at a snapshot rate, at a utilisation; beside it the managed hosts' list prices for the same
weights and the reference frontier APIs' (:func:`course.economics.prices.reference_models`), each
blended by the same mix; a :class:`PriceCheck` against the managed hosts; and the break-even volumes
against both, staff time included.

Managed hosts run at a profit, so their list price for the same weights bounds a sane self-hosting
estimate: a full-load figure far above it says an input is wrong (no batching, prompt tokens charged at
decode speed, a GPU price); far below it, an optimistic one. Utilisation does not change the full-load
price: when the price at the chosen utilisation passes the managed hosts, the check says so beside it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from course.economics.capacity import PublishedFit, ServingCapacity, best_published_capacity, fit_check
from course.economics.costs import (
    ApiPlan,
    BreakEven,
    SelfHostSetup,
    break_even,
    usd_per_mtok_self_hosted,
)
from course.economics.prices import ApiPrice, GpuRate, PriceSnapshot, load_prices, reference_models
from course.economics.throughput import ServedModel, gaps_for, rows_for, served_model
from course.errors import ConfigError

DEFAULT_INPUT_SHARE = 0.85  # lab 02's prompts: about 85% of tokens are prompt tokens
CHECK_FACTOR = 3.0  # a self-hosted price more than 3× above or below the managed hosts' is flagged
DEFAULT_STAFF_HOURS_PER_MONTH = 10.0  # article 002: "easily 10 hours/month of senior engineering time"
DEFAULT_STAFF_USD_PER_HOUR = 100.0


@dataclass(frozen=True)
class OptionPrice:
    """One option's list price for the workload's mix (USD per 1M tokens, input and output blended)."""

    kind: Literal["managed host", "frontier API"]
    label: str
    provider: str
    model: str
    usd_per_mtok: float
    as_of: str
    source: str
    status: str
    price: ApiPrice = field(repr=False)

    def plan(self, *, input_share: float) -> ApiPlan:
        return ApiPlan.from_price(self.price, input_share=input_share)


@dataclass(frozen=True)
class PriceCheck:
    """The self-hosted price at full load against the managed hosts' list prices for the same weights."""

    verdict: Literal["ok", "too high", "too low", "no managed host"]
    ratio: float | None  # self-hosted ÷ the nearest managed-host price (None: no managed host)
    message: str


@dataclass(frozen=True)
class SelfHostQuote:
    """What serving ``model`` on rented ``rate`` GPUs costs per token, beside the other two options."""

    model: ServedModel
    rate: GpuRate
    capacity: ServingCapacity
    fit: PublishedFit | None
    input_share: float
    utilisation: float
    tokens_per_s: float  # one replica, prompt and output tokens, at full load for this mix
    usd_per_mtok: float  # GPU cost only, at this utilisation
    usd_per_mtok_full_load: float
    managed: tuple[OptionPrice, ...]
    apis: tuple[OptionPrice, ...]
    check: PriceCheck
    gaps: tuple[str, ...] = ()

    @property
    def usd_per_replica_hour(self) -> float:
        return self.rate.usd_per_hour_on_demand * self.capacity.gpus_per_replica

    def setup(
        self,
        *,
        staff_hours_per_month: float = DEFAULT_STAFF_HOURS_PER_MONTH,
        staff_usd_per_hour: float = DEFAULT_STAFF_USD_PER_HOUR,
        fixed_usd_per_month: float = 0.0,
    ) -> SelfHostSetup:
        """The always-on deployment this quote prices, with people and fixed costs (for break-evens)."""
        return SelfHostSetup.from_gpu(
            self.rate,
            gpus_per_replica=self.capacity.gpus_per_replica,
            throughput_tokens_per_s=self.tokens_per_s,
            utilisation=self.utilisation,
            engineering_hours_per_month=staff_hours_per_month,
            staff_usd_per_hour=staff_usd_per_hour,
            fixed_usd_per_month=fixed_usd_per_month,
            label=f"{self.model.name} on {self.capacity.gpus_per_replica}× {self.rate.gpu}",
        )

    def break_evens(self, setup: SelfHostSetup | None = None) -> tuple[tuple[OptionPrice, BreakEven], ...]:
        """Break-even against every managed host and frontier API of the quote (staff included)."""
        setup = setup or self.setup()
        return tuple(
            (option, break_even(option.plan(input_share=self.input_share), setup))
            for option in (*self.managed, *self.apis)
        )

    def source_lines(self) -> tuple[str, ...]:
        """The published rows behind the throughput, one line each with its source."""
        if self.fit is None:
            return (f"{self.capacity.basis}: {self.capacity.note or self.capacity.label}",)
        lines = [f"{row.id}: {row.describe()} [{row.source}]" for row in self.fit.fitted_from]
        if self.capacity.one_stream_source:
            lines.append(f"one stream: {self.capacity.one_stream_source}")
        return tuple(lines)


def option_prices(
    prices: Sequence[ApiPrice], *, kind: Literal["managed host", "frontier API"], input_share: float
) -> tuple[OptionPrice, ...]:
    return tuple(
        OptionPrice(
            kind=kind,
            label=p.name,
            provider=p.provider,
            model=p.model,
            usd_per_mtok=ApiPlan.from_price(p, input_share=input_share).blended_usd_per_mtok,
            as_of=p.as_of.isoformat(),
            source=p.source,
            status=p.status,
            price=p,
        )
        for p in prices
    )


def managed_hosts(model: ServedModel, *, snapshot: PriceSnapshot | None = None) -> tuple[ApiPrice, ...]:
    """The snapshot's rows that sell ``model``'s weights per token (those not retired)."""
    snap = snapshot or load_prices()
    wanted = {(h.provider.casefold(), h.model) for h in model.managed_hosts}
    return tuple(
        r for r in snap.api_prices if (r.provider.casefold(), r.model) in wanted and r.status != "retired"
    )


def check_against_managed(
    usd_per_mtok_full_load: float,
    managed: Sequence[OptionPrice],
    *,
    capacity: ServingCapacity,
    utilisation: float,
    gpu_usd_per_hour: float,
) -> PriceCheck:
    """Is the self-hosted price at full load within :data:`CHECK_FACTOR` of the managed hosts' prices?

    Beside a number outside that band it names the likeliest wrong input.
    """
    if not managed:
        return PriceCheck(
            "no managed host", None, "No managed host in the snapshot sells these weights: no check."
        )
    low = min(m.usd_per_mtok for m in managed)
    high = max(m.usd_per_mtok for m in managed)
    x = usd_per_mtok_full_load
    band = f"managed hosts USD {low:.3g}-{high:.3g} per 1M tokens"
    if x > CHECK_FACTOR * high:
        ratio = x / high
        if capacity.basis != "published":
            cause = "batching: the throughput is not an engine's under load (one stream, or a guessed gain)"
        else:
            cause = f"the GPU price (USD {gpu_usd_per_hour:g}/hour) or a prefill rate charged at decode speed"
        return PriceCheck(
            "too high",
            ratio,
            f"CHECK: USD {x:.3g} per 1M tokens at full load is {ratio:.1f}× the dearest managed host "
            f"({band}), which sells the same weights at a profit. Likeliest wrong input: {cause}."
            + _idle_note(x, utilisation, high),
        )
    if x < low / CHECK_FACTOR:
        ratio = x / low
        if capacity.basis == "published":
            cause = (
                "utilisation: 100% is a ceiling, and the published throughput is an engine's maximum (every "
                "request queued at once, no latency target); a service that must answer in seconds, with "
                "traffic that comes and goes, runs well below it"
            )
        else:
            cause = "a throughput no real server sustains (batching or prefill assumed too high)"
        return PriceCheck(
            "too low",
            ratio,
            f"CHECK: USD {x:.3g} per 1M tokens at full load is {1 / ratio:.1f}× below the cheapest managed "
            f"host ({band}). Likeliest wrong input: {cause}; or a GPU price below the market's.",
        )
    nearest = min(managed, key=lambda m: abs(m.usd_per_mtok - x))
    return PriceCheck(
        "ok",
        x / nearest.usd_per_mtok,
        f"Within {CHECK_FACTOR:g}× of the managed hosts ({band}): the inputs are plausible."
        + _idle_note(x, utilisation, high),
    )


def _idle_note(usd_per_mtok_full_load: float, utilisation: float, dearest_host: float) -> str:
    """A sentence when the price at the chosen utilisation (not at full load) passes the dearest host by
    more than :data:`CHECK_FACTOR`: the check above is on full load, where utilisation plays no part."""
    at_use = usd_per_mtok_full_load / utilisation
    if utilisation >= 1 or at_use <= CHECK_FACTOR * dearest_host:
        return ""
    return (
        f" At {utilisation:.0%} utilisation the price is USD {at_use:.3g} per 1M tokens, "
        f"{at_use / dearest_host:.1f}× the dearest managed host: an idle GPU bills its idle hours to the "
        "tokens it serves."
    )


def pick_gpu_rate(gpu: str, *, provider: str | None = None, snapshot: PriceSnapshot | None = None) -> GpuRate:
    """The snapshot's rate for ``gpu`` at ``provider``, or its cheapest on-demand rate when none is named."""
    snap = snapshot or load_prices()
    if provider is not None:
        return snap.gpu(gpu, provider=provider)
    norm = gpu.casefold().replace(" ", "")
    rows = [r for r in snap.gpu_rates if r.gpu.casefold().replace(" ", "").startswith(norm)]
    if not rows:
        snap.gpu(gpu)  # raises with the known names
    names = {r.gpu for r in rows}
    if len(names) > 1:
        raise ConfigError(f"{gpu!r} matches several GPUs: {', '.join(sorted(names))}.", fix="Name one.")
    return min(rows, key=lambda r: r.usd_per_hour_on_demand)


def known_gpus(model: ServedModel, *, snapshot: PriceSnapshot | None = None) -> tuple[str, ...]:
    """GPU names the course knows for ``model``: measured in the published rows, or priced in the snapshot."""
    snap = snapshot or load_prices()
    names = {r.gpu for r in rows_for(model)} | {r.gpu for r in snap.gpu_rates}
    return tuple(sorted(names))


def resolve_gpu(name: str, model: ServedModel, *, snapshot: PriceSnapshot | None = None) -> str:
    """The course's name for the GPU ``name`` ("H100" → "H100 80GB"), or an error listing the known ones."""
    known = known_gpus(model, snapshot=snapshot)
    norm = _norm(name)
    exact = [g for g in known if _norm(g) == norm]
    if exact:
        return exact[0]
    words = [g for g in known if _norm(g.split()[0]) == norm]  # "L4" is the L4 24GB, not the L40S 48GB
    if len(words) == 1:
        return words[0]
    starts = [g for g in known if _norm(g).startswith(norm)]
    priced = [g for g in starts if g in {r.gpu for r in (snapshot or load_prices()).gpu_rates}]
    if len(starts) == 1 or len(priced) == 1:
        return starts[0] if len(starts) == 1 else priced[0]
    measured = sorted({r.gpu for r in rows_for(model)})
    if starts:
        raise ConfigError(f"{name!r} matches several GPUs: {', '.join(starts)}.", fix="Name one of them.")
    raise ConfigError(
        f"No GPU called {name!r} in the published throughput or the price snapshot.",
        fix=f"Use one of: {', '.join(measured)} (published throughput for {model.name}); "
        f"priced GPUs: {', '.join(sorted({r.gpu for r in (snapshot or load_prices()).gpu_rates}))}.",
    )


def _norm(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def quote_self_host(
    model: str | ServedModel,
    gpu: str,
    *,
    utilisation: float,
    input_share: float = DEFAULT_INPUT_SHARE,
    gpu_provider: str | None = None,
    usd_per_gpu_hour: float | None = None,
    capacity: ServingCapacity | None = None,
    snapshot: PriceSnapshot | None = None,
) -> SelfHostQuote:
    """Price serving ``model`` on rented ``gpu``s at ``utilisation`` for a workload of ``input_share``.

    The capacity is the published configuration that serves this mix cheapest on that GPU, unless
    ``capacity`` is given (your own rates, labelled as such). The GPU rate is the snapshot's
    (``gpu_provider``'s, else its cheapest on-demand), unless ``usd_per_gpu_hour`` overrides it for a
    GPU the snapshot does not price.
    """
    if not 0 < utilisation <= 1:
        raise ConfigError(
            f"utilisation is {utilisation!r}.", fix="Pass a share above 0 and at most 1 (1.0 = always busy)."
        )
    if not 0 <= input_share <= 1:
        raise ConfigError(
            f"input_share is {input_share!r}.", fix="Pass a share from 0 to 1 (0.85: 85% prompt tokens)."
        )
    snap = snapshot or load_prices()
    served = model if isinstance(model, ServedModel) else served_model(model)
    gpu = resolve_gpu(gpu, served, snapshot=snap)
    fit = None
    if capacity is None:
        fit = best_published_capacity(served, gpu, input_share=input_share)
        capacity = fit.capacity
    rate = _rate(
        capacity.gpu if fit else gpu, provider=gpu_provider, usd_per_gpu_hour=usd_per_gpu_hour, snapshot=snap
    )
    tokens_per_s = capacity.blended_tokens_per_s(input_share=input_share)
    replica_usd_per_hour = rate.usd_per_hour_on_demand * capacity.gpus_per_replica
    full = usd_per_mtok_self_hosted(
        usd_per_hour=replica_usd_per_hour, tokens_per_s=tokens_per_s, utilisation=1.0
    )
    at = usd_per_mtok_self_hosted(
        usd_per_hour=replica_usd_per_hour, tokens_per_s=tokens_per_s, utilisation=utilisation
    )
    managed = option_prices(
        managed_hosts(served, snapshot=snap), kind="managed host", input_share=input_share
    )
    apis = option_prices(reference_models(snapshot=snap), kind="frontier API", input_share=input_share)
    check = check_against_managed(
        full,
        managed,
        capacity=capacity,
        utilisation=utilisation,
        gpu_usd_per_hour=rate.usd_per_hour_on_demand,
    )
    gaps = tuple(f"{g.measure}: {g.why}" for g in gaps_for(served, rate.gpu))
    return SelfHostQuote(
        served,
        rate,
        capacity,
        fit,
        input_share,
        utilisation,
        tokens_per_s,
        at,
        full,
        managed,
        apis,
        check,
        gaps,
    )


def _rate(
    gpu: str, *, provider: str | None, usd_per_gpu_hour: float | None, snapshot: PriceSnapshot
) -> GpuRate:
    if usd_per_gpu_hour is None:
        try:
            return pick_gpu_rate(gpu, provider=provider, snapshot=snapshot)
        except ConfigError as exc:
            raise ConfigError(
                f"{exc.message} The price snapshot has no rental rate for it.",
                fix=f"Pass usd_per_gpu_hour (--usd-per-gpu-hour) with a rate you have read, or pick a GPU "
                f"the snapshot prices: {', '.join(sorted({r.gpu for r in snapshot.gpu_rates}))}.",
            ) from None
    if not 0 < usd_per_gpu_hour < 200:
        raise ConfigError(
            f"usd_per_gpu_hour is {usd_per_gpu_hour!r}.", fix="Pass one GPU's hourly rate in USD."
        )
    return GpuRate(
        provider=provider or "your rate",
        gpu=gpu,
        instance="stated by you",
        vram_gb=_memory(gpu),
        usd_per_hour_on_demand=usd_per_gpu_hour,
        usd_per_hour_spot=None,
        as_of=snapshot.snapshot,
        source="https://example.org/your-rate",
        notes="A rate passed on the command line or in a notebook, not from the snapshot.",
        unverified="stated by the user",
    )


def _memory(gpu: str) -> float:
    from course.economics.capacity import gpu_memory_gb

    try:
        return gpu_memory_gb(gpu)
    except ConfigError:
        return 80.0


def fit_table_rows(quote: SelfHostQuote) -> tuple[dict[str, object], ...]:
    """The published rows of the quote's configuration beside what the fitted model predicts (for tables)."""
    if quote.fit is None:
        return ()
    rows = (*quote.fit.fitted_from, *quote.fit.other_rows)
    return tuple(
        {
            "row": c.row_id,
            "input tokens": c.input_tokens,
            "output tokens": c.output_tokens,
            "published output tok/s": c.published_output_tokens_per_s,
            "two-rate model": round(c.predicted_output_tokens_per_s),
            "model ÷ published": round(c.ratio, 2),
        }
        for c in fit_check(quote.capacity, rows)
    )


def median_managed_usd_per_mtok(quote: SelfHostQuote) -> float | None:
    return statistics.median(m.usd_per_mtok for m in quote.managed) if quote.managed else None


__all__ = [
    "CHECK_FACTOR",
    "DEFAULT_INPUT_SHARE",
    "OptionPrice",
    "PriceCheck",
    "SelfHostQuote",
    "check_against_managed",
    "fit_table_rows",
    "managed_hosts",
    "median_managed_usd_per_mtok",
    "option_prices",
    "pick_gpu_rate",
    "quote_self_host",
    "rows_for",
]
