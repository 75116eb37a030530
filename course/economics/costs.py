"""Cost model for both sides: API bills, self-hosting TCO, break-even, sensitivity and hybrid blends.

Pure functions over frozen dataclasses; units are in the names. Volumes are tokens per day, counting
input AND output tokens. A month is ``DAYS_PER_MONTH = 30.4`` days unless a function is given
``days_per_month=`` (the source articles use 30): 24 h x 30.4 = 729.6 GPU-hours, close to the 730 h
clouds quote for a month. The source articles' figures are reproduced
from these functions in :mod:`course.teaching.source_costs`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from course.economics.prices import ApiPrice, GpuRate
from course.errors import ConfigError

DAYS_PER_MONTH = 30.4
SOURCE_DAYS_PER_MONTH = 30.0  # articles 003 and 004 both count 10M tokens/day as ~300M tokens/month
TOKENS_PER_MTOK = 1_000_000
SECONDS_PER_HOUR = 3_600
_MAX_STEPS = 10_000  # replica counts the break-even solver walks before it summarises
MAX_SWEEP_STEPS = 2_000  # hybrid_sweep: most shares of each kind (the plots cap replica steps alike)


def _check(
    name: str, value: float, *, low: float = 0.0, high: float = math.inf, open_low: bool = False
) -> None:
    bad_low = value <= low if open_low else value < low
    if isinstance(value, bool) or not math.isfinite(value) or bad_low or value > high:
        bound = f"{'above' if open_low else 'at least'} {low:g}" + (
            f" and at most {high:g}" if high < math.inf else ""
        )
        raise ConfigError(f"{name} is {value!r}; it must be {bound}.", fix=f"Pass a {name} {bound}.")


# --- the API side ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ApiPlan:
    """An API model's prices plus the traffic mix that turns them into one blended price.

    ``input_share``: fraction of all tokens that are input (prompt) tokens. ``cached_input_share``:
    fraction of input tokens billed at the cached rate (a model with no cached price bills them at
    the input price). ``reasoning_tokens_per_output_token``: hidden reasoning ("thinking") tokens a
    reasoning model (GPT-5 class, o3) generates per visible output token; they are billed as output
    tokens but never counted in the traffic volume, so 2.0 triples the output bill.
    """

    usd_per_mtok_input: float
    usd_per_mtok_output: float
    usd_per_mtok_cached_input: float | None = None
    input_share: float
    cached_input_share: float = 0.0
    reasoning_tokens_per_output_token: float = 0.0
    fixed_usd_per_month: float = 0.0
    label: str = "API"

    def __post_init__(self) -> None:
        _check("usd_per_mtok_input", self.usd_per_mtok_input)
        _check("usd_per_mtok_output", self.usd_per_mtok_output)
        if self.usd_per_mtok_cached_input is not None:
            _check("usd_per_mtok_cached_input", self.usd_per_mtok_cached_input)
        _check("input_share", self.input_share, high=1.0)
        _check("cached_input_share", self.cached_input_share, high=1.0)
        _check("reasoning_tokens_per_output_token", self.reasoning_tokens_per_output_token, high=100.0)
        _check("fixed_usd_per_month", self.fixed_usd_per_month)

    @classmethod
    def from_price(
        cls,
        price: ApiPrice,
        *,
        input_share: float,
        cached_input_share: float = 0.0,
        reasoning_tokens_per_output_token: float = 0.0,
        fixed_usd_per_month: float = 0.0,
    ) -> ApiPlan:
        """A plan priced from a snapshot row."""
        return cls(
            usd_per_mtok_input=price.usd_per_mtok_input,
            usd_per_mtok_output=price.usd_per_mtok_output,
            usd_per_mtok_cached_input=price.usd_per_mtok_cached_input,
            input_share=input_share,
            cached_input_share=cached_input_share,
            reasoning_tokens_per_output_token=reasoning_tokens_per_output_token,
            fixed_usd_per_month=fixed_usd_per_month,
            label=price.name,
        )

    @property
    def usd_per_mtok_input_effective(self) -> float:
        """Input price after the cache discount on ``cached_input_share`` of input tokens."""
        cached = self.usd_per_mtok_cached_input
        cached = self.usd_per_mtok_input if cached is None else cached
        return self.cached_input_share * cached + (1 - self.cached_input_share) * self.usd_per_mtok_input

    @property
    def usd_per_mtok_output_effective(self) -> float:
        """What 1M visible output tokens cost, their hidden reasoning tokens (billed as output) included."""
        return self.usd_per_mtok_output * (1 + self.reasoning_tokens_per_output_token)

    @property
    def blended_usd_per_mtok(self) -> float:
        """USD per 1M tokens of this traffic mix (input and visible output together)."""
        share = self.input_share
        return share * self.usd_per_mtok_input_effective + (1 - share) * self.usd_per_mtok_output_effective


@dataclass(frozen=True)
class ApiCost:
    """One month of API traffic, split by what is billed."""

    tokens_per_day: float
    input_usd_per_month: float
    output_usd_per_month: float  # visible output and reasoning tokens together
    fixed_usd_per_month: float
    usd_per_month: float
    usd_per_mtok: float  # effective, fixed costs included (inf at zero volume with a fixed cost)
    reasoning_usd_per_month: float = 0.0  # the part of the output bill that is hidden reasoning tokens


def api_monthly_cost(
    plan: ApiPlan, tokens_per_day: float, *, days_per_month: float = DAYS_PER_MONTH
) -> ApiCost:
    """What ``tokens_per_day`` of ``plan``'s traffic costs per month."""
    _check("tokens_per_day", tokens_per_day)
    mtok = tokens_per_day * days_per_month / TOKENS_PER_MTOK
    input_usd = mtok * plan.input_share * plan.usd_per_mtok_input_effective
    visible_usd = mtok * (1 - plan.input_share) * plan.usd_per_mtok_output
    reasoning_usd = visible_usd * plan.reasoning_tokens_per_output_token
    total = input_usd + visible_usd + reasoning_usd + plan.fixed_usd_per_month
    return ApiCost(
        tokens_per_day=tokens_per_day,
        input_usd_per_month=input_usd,
        output_usd_per_month=visible_usd + reasoning_usd,
        fixed_usd_per_month=plan.fixed_usd_per_month,
        usd_per_month=total,
        usd_per_mtok=effective_usd_per_mtok(total, tokens_per_day, days_per_month=days_per_month),
        reasoning_usd_per_month=reasoning_usd,
    )


def effective_usd_per_mtok(
    usd_per_month: float, tokens_per_day: float, *, days_per_month: float = DAYS_PER_MONTH
) -> float:
    """Monthly cost divided by monthly volume, in USD per 1M tokens (inf for a cost at zero volume)."""
    mtok = tokens_per_day * days_per_month / TOKENS_PER_MTOK
    if mtok == 0:
        return 0.0 if usd_per_month == 0 else math.inf
    return usd_per_month / mtok


def input_share_for_price(
    price: ApiPrice | ApiPlan, target_usd_per_mtok: float, *, cached_input_share: float = 0.0
) -> float | None:
    """The input share at which ``price`` blends to ``target_usd_per_mtok`` (None: no mix reaches it)."""
    if isinstance(price, ApiPlan):
        plan = dataclasses.replace(price, cached_input_share=cached_input_share)
    else:
        plan = ApiPlan.from_price(price, input_share=0.0, cached_input_share=cached_input_share)
    low, out = plan.usd_per_mtok_input_effective, plan.usd_per_mtok_output_effective
    if out == low:
        return 1.0 if math.isclose(target_usd_per_mtok, out) else None
    share = (out - target_usd_per_mtok) / (out - low)
    return share if 0.0 <= share <= 1.0 else None


# --- the self-hosted side -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SelfHostSetup:
    """A self-hosted deployment: GPUs, measured throughput, and the people who keep it running.

    A *replica* is one copy of the model on ``gpus_per_replica`` GPUs (a 70B model in 16-bit needs
    two 80 GB cards). ``throughput_tokens_per_s`` is what one replica sustains in aggregate under
    load, counting prompt and generated tokens; ``utilisation`` is the share of serving time it runs
    at that rate (traffic is bursty). Always-on replicas are billed for ``serving_hours_per_day``
    whether busy or idle; with ``scale_to_zero`` only busy GPU-hours are billed (serverless GPUs, or a
    batch job that starts a GPU when work arrives).
    """

    usd_per_gpu_hour: float
    throughput_tokens_per_s: float
    utilisation: float
    gpus_per_replica: int = 1
    serving_hours_per_day: float = 24.0
    scale_to_zero: bool = False
    min_replicas: int = 1
    engineering_hours_per_month: float = 0.0
    oncall_hours_per_month: float = 0.0
    staff_usd_per_hour: float = 0.0
    fixed_usd_per_month: float = 0.0  # monitoring, storage, egress, licences
    label: str = "Self-host"

    def __post_init__(self) -> None:
        _check("usd_per_gpu_hour", self.usd_per_gpu_hour)
        _check("throughput_tokens_per_s", self.throughput_tokens_per_s, open_low=True)
        _check("utilisation", self.utilisation, high=1.0, open_low=True)
        _check("serving_hours_per_day", self.serving_hours_per_day, high=24.0, open_low=True)
        for name in ("gpus_per_replica", "min_replicas"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name[0] == "g" else 0):
                raise ConfigError(
                    f"{name} is {value!r}; it must be a whole number.", fix=f"Pass an int {name}."
                )
        for name in ("engineering_hours_per_month", "oncall_hours_per_month", "staff_usd_per_hour"):
            _check(name, getattr(self, name))
        _check("fixed_usd_per_month", self.fixed_usd_per_month)

    @classmethod
    def from_gpu(cls, rate: GpuRate, *, spot: bool = False, **options: Any) -> SelfHostSetup:
        """A setup billed at a snapshot GPU rate; ``options`` are the other fields."""
        options.setdefault("label", f"{rate.gpu} ({rate.provider}{', spot' if spot else ''})")
        return cls(usd_per_gpu_hour=rate.usd_per_hour(spot=spot), **options)

    @property
    def capacity_tokens_per_day_per_replica(self) -> float:
        return self.throughput_tokens_per_s * self.utilisation * self.serving_hours_per_day * SECONDS_PER_HOUR

    @property
    def staff_usd_per_month(self) -> float:
        return (self.engineering_hours_per_month + self.oncall_hours_per_month) * self.staff_usd_per_hour

    def replicas_needed(self, tokens_per_day: float) -> int:
        """Replicas that serve ``tokens_per_day`` (at least ``min_replicas`` unless scaling to zero)."""
        needed = math.ceil(tokens_per_day / self.capacity_tokens_per_day_per_replica)
        return needed if self.scale_to_zero else max(self.min_replicas, needed)


def mixed_throughput_tokens_per_s(
    *, prefill_tokens_per_s: float, decode_tokens_per_s: float, input_share: float
) -> float:
    """Tokens/s over a mix of prompt (fast, prefill) and generated (slow, decode) tokens."""
    _check("prefill_tokens_per_s", prefill_tokens_per_s, open_low=True)
    _check("decode_tokens_per_s", decode_tokens_per_s, open_low=True)
    _check("input_share", input_share, high=1.0)
    return 1.0 / (input_share / prefill_tokens_per_s + (1 - input_share) / decode_tokens_per_s)


@dataclass(frozen=True)
class SelfHostCost:
    """One month of self-hosting at a given volume."""

    tokens_per_day: float
    replicas: int
    gpus: int
    gpu_hours_per_month: float
    gpu_usd_per_month: float
    staff_usd_per_month: float
    fixed_usd_per_month: float
    usd_per_month: float
    capacity_tokens_per_day: float
    load_share: float  # tokens_per_day / capacity_tokens_per_day
    usd_per_mtok: float


def self_host_monthly_cost(
    setup: SelfHostSetup, tokens_per_day: float, *, days_per_month: float = DAYS_PER_MONTH
) -> SelfHostCost:
    """What serving ``tokens_per_day`` on ``setup`` costs per month (a step function of volume)."""
    _check("tokens_per_day", tokens_per_day)
    replicas = setup.replicas_needed(tokens_per_day)
    if setup.scale_to_zero:
        busy_hours_per_day = tokens_per_day / (
            setup.throughput_tokens_per_s * setup.utilisation * SECONDS_PER_HOUR
        )
        gpu_hours = busy_hours_per_day * setup.gpus_per_replica * days_per_month
    else:
        gpu_hours = replicas * setup.gpus_per_replica * setup.serving_hours_per_day * days_per_month
    gpu_usd = gpu_hours * setup.usd_per_gpu_hour
    total = gpu_usd + setup.staff_usd_per_month + setup.fixed_usd_per_month
    capacity = replicas * setup.capacity_tokens_per_day_per_replica
    return SelfHostCost(
        tokens_per_day=tokens_per_day,
        replicas=replicas,
        gpus=replicas * setup.gpus_per_replica,
        gpu_hours_per_month=gpu_hours,
        gpu_usd_per_month=gpu_usd,
        staff_usd_per_month=setup.staff_usd_per_month,
        fixed_usd_per_month=setup.fixed_usd_per_month,
        usd_per_month=total,
        capacity_tokens_per_day=capacity,
        load_share=tokens_per_day / capacity if capacity else 0.0,
        usd_per_mtok=effective_usd_per_mtok(total, tokens_per_day, days_per_month=days_per_month),
    )


@dataclass(frozen=True)
class CostComparison:
    """Both sides at one volume."""

    tokens_per_day: float
    api: ApiCost
    self_host: SelfHostCost
    cheaper: Literal["api", "self_host", "equal"]
    saving_usd_per_month: float  # API minus self-host: > 0 when self-hosting saves money


def compare_costs(
    plan: ApiPlan, setup: SelfHostSetup, tokens_per_day: float, *, days_per_month: float = DAYS_PER_MONTH
) -> CostComparison:
    """Monthly cost of both sides at ``tokens_per_day``."""
    api = api_monthly_cost(plan, tokens_per_day, days_per_month=days_per_month)
    own = self_host_monthly_cost(setup, tokens_per_day, days_per_month=days_per_month)
    saving = api.usd_per_month - own.usd_per_month
    cheaper: Literal["api", "self_host", "equal"] = (
        "equal" if math.isclose(saving, 0.0, abs_tol=1e-9) else ("self_host" if saving > 0 else "api")
    )
    return CostComparison(tokens_per_day, api, own, cheaper, saving)


# --- break-even -----------------------------------------------------------------------------------

BreakEvenStatus = Literal["crosses", "windows_only", "api_always_cheaper", "self_host_always_cheaper"]


@dataclass(frozen=True)
class BreakEven:
    """Where self-hosting stops costing more than the API.

    ``tokens_per_day`` is the lowest volume at which self-hosting costs no more than the API (None:
    never). Adding a replica makes self-hosting jump in cost, so it can be cheaper in ``windows``
    (tokens/day, the last one open-ended when it stays cheaper) with gaps between them.
    """

    status: BreakEvenStatus
    tokens_per_day: float | None
    windows: tuple[tuple[float, float], ...]
    reason: str
    truncated: bool = False  # the solver skipped some of many small windows in the middle

    @property
    def stays_cheaper_from_tokens_per_day(self) -> float | None:
        """The volume from which self-hosting stays no dearer at every higher volume."""
        if self.windows and math.isinf(self.windows[-1][1]):
            return self.windows[-1][0]
        return None


def break_even(plan: ApiPlan, setup: SelfHostSetup, *, days_per_month: float = DAYS_PER_MONTH) -> BreakEven:
    """Solve for the volumes where the monthly costs of the two sides are equal."""
    a = plan.blended_usd_per_mtok * days_per_month / TOKENS_PER_MTOK  # API USD/month per token/day
    c0 = plan.fixed_usd_per_month - setup.staff_usd_per_month - setup.fixed_usd_per_month
    if setup.scale_to_zero:
        b = setup.usd_per_gpu_hour * setup.gpus_per_replica * days_per_month
        b /= setup.throughput_tokens_per_s * setup.utilisation * SECONDS_PER_HOUR
        windows, truncated = _linear_windows(a - b, c0), False
        marginal = b * TOKENS_PER_MTOK / days_per_month
    else:
        replica_usd = (
            setup.usd_per_gpu_hour * setup.gpus_per_replica * setup.serving_hours_per_day * days_per_month
        )
        cap = setup.capacity_tokens_per_day_per_replica
        windows, truncated = _step_windows(a, c0, replica_usd, cap, max(setup.min_replicas, 1))
        marginal = replica_usd / cap * TOKENS_PER_MTOK / days_per_month
    other = "the API" if plan.label == "API" else plan.label
    return _describe(windows, truncated, plan.blended_usd_per_mtok, marginal, other=other)


def _linear_windows(slope: float, c0: float) -> list[tuple[float, float]]:
    """Where slope*V + c0 >= 0 for V >= 0."""
    if slope > 0:
        return [(max(0.0, -c0 / slope), math.inf)]
    if slope == 0:
        return [(0.0, math.inf)] if c0 >= 0 else []
    return [(0.0, c0 / -slope)] if c0 >= 0 else []


def _step_windows(
    a: float, c0: float, replica_usd: float, cap: float, n0: int
) -> tuple[list[tuple[float, float]], bool]:
    """Where a*V + c0 - n(V)*replica_usd >= 0, with n(V) = max(n0, ceil(V/cap)) replicas."""
    gain = a * cap - replica_usd  # how much each extra replica's worth of traffic improves the difference
    n = n0 if gain <= 0 else max(n0, math.floor(-c0 / gain))  # skip steps that cannot hold a window
    windows: list[tuple[float, float]] = []
    truncated = False
    for steps in range(_MAX_STEPS + 1):
        lo = 0.0 if n == n0 else (n - 1) * cap
        hi = n * cap
        start_diff = a * lo + c0 - n * replica_usd
        end_diff = a * hi + c0 - n * replica_usd
        if gain > 0 and start_diff >= 0 and end_diff - replica_usd >= 0:
            windows.append((lo, math.inf))  # every later step starts (and stays) cheaper
            break
        if gain <= 0 and end_diff < 0:
            break  # every later step ends dearer, so no later window
        if end_diff >= 0:
            windows.append((lo if start_diff >= 0 else (n * replica_usd - c0) / a, hi))
        if steps == _MAX_STEPS:
            truncated = True
            if gain > 0:  # jump to the step from which self-hosting stays cheaper
                n = max(n + 1, math.ceil((a * cap - c0) / gain))
                windows.append((max((n * replica_usd - c0) / a, (n - 1) * cap), math.inf))
            break
        n += 1
    merged: list[tuple[float, float]] = []
    for start, end in windows:
        if merged and math.isclose(merged[-1][1], start, rel_tol=1e-12):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged, truncated


def _describe(
    windows: list[tuple[float, float]],
    truncated: bool,
    api_usd_per_mtok: float,
    marginal_usd_per_mtok: float,
    *,
    other: str = "the API",
) -> BreakEven:
    """The break-even in words; ``other`` names the side compared (a plan's label, or "the API")."""
    if not windows:
        reason = (
            f"{other[0].upper()}{other[1:]} stays cheaper at every volume: self-hosting's marginal cost "
            f"(USD {marginal_usd_per_mtok:.2f} per 1M tokens at full load) is at or above "
            f"USD {api_usd_per_mtok:.2f} ({other}), or its fixed costs are never recovered."
        )
        return BreakEven("api_always_cheaper", None, (), reason, truncated)
    first = windows[0][0]
    sustained = math.isinf(windows[-1][1])
    if sustained and first == 0.0 and len(windows) == 1:
        return BreakEven(
            "self_host_always_cheaper", 0.0, tuple(windows), "Self-hosting is no dearer at any volume."
        )
    if sustained:
        reason = f"Self-hosting costs no more than {other} from {first:,.0f} tokens/day"
        if len(windows) > 1:
            reason += (
                f", but each added replica makes it dearer again for a while; "
                f"it stays cheaper from {windows[-1][0]:,.0f} tokens/day"
            )
        return BreakEven("crosses", first, tuple(windows), reason + ".", truncated)
    reason = (
        f"Self-hosting is cheaper only between {first:,.0f} and {windows[-1][1]:,.0f} tokens/day "
        f"(filling its replicas); at scale its USD {marginal_usd_per_mtok:.2f} per 1M tokens loses to "
        f"USD {api_usd_per_mtok:.2f} ({other})."
    )
    return BreakEven("windows_only", first, tuple(windows), reason, truncated)


# --- sensitivity ----------------------------------------------------------------------------------

# (which side, field, readable name, upper bound): the assumptions a tornado chart varies
SENSITIVITY_PARAMETERS: tuple[tuple[str, str, str, float], ...] = (
    ("api", "usd_per_mtok_input", "API input price", math.inf),
    ("api", "usd_per_mtok_output", "API output price", math.inf),
    ("api", "input_share", "input share of tokens", 1.0),
    ("api", "cached_input_share", "cached share of input", 1.0),
    ("api", "reasoning_tokens_per_output_token", "reasoning tokens per output token", math.inf),
    ("self_host", "usd_per_gpu_hour", "GPU hourly rate", math.inf),
    ("self_host", "throughput_tokens_per_s", "throughput per replica", math.inf),
    ("self_host", "utilisation", "utilisation", 1.0),
    ("self_host", "engineering_hours_per_month", "engineering hours", math.inf),
    ("self_host", "oncall_hours_per_month", "on-call hours", math.inf),
    ("self_host", "staff_usd_per_hour", "staff hourly rate", math.inf),
    ("self_host", "fixed_usd_per_month", "fixed costs", math.inf),
)


@dataclass(frozen=True)
class Sensitivity:
    """The break-even volume with one assumption moved down and up (None: no break-even)."""

    parameter: str
    label: str
    base_value: float
    low_value: float
    high_value: float
    tokens_per_day_at_low: float | None
    tokens_per_day_at_high: float | None

    @property
    def spread_tokens_per_day(self) -> float:
        low = math.inf if self.tokens_per_day_at_low is None else self.tokens_per_day_at_low
        high = math.inf if self.tokens_per_day_at_high is None else self.tokens_per_day_at_high
        return 0.0 if low == high else abs(high - low)


@dataclass(frozen=True)
class SensitivityReport:
    base_tokens_per_day: float | None
    swing: float
    rows: tuple[Sensitivity, ...]  # widest spread first: the tornado's order


def break_even_sensitivity(
    plan: ApiPlan, setup: SelfHostSetup, *, swing: float = 0.2, days_per_month: float = DAYS_PER_MONTH
) -> SensitivityReport:
    """Move each non-zero assumption by -swing and +swing (shares capped at 1) and re-solve."""
    _check("swing", swing, high=1.0, open_low=True)
    rows = []
    for side, field, label, upper in SENSITIVITY_PARAMETERS:
        base = getattr(plan if side == "api" else setup, field)
        if base is None or base == 0:
            continue
        low, high = base * (1 - swing), min(base * (1 + swing), upper)
        if field == "utilisation":
            low = max(low, 1e-9)
        found = []
        for value in (low, high):
            p = dataclasses.replace(plan, **{field: value}) if side == "api" else plan
            s = dataclasses.replace(setup, **{field: value}) if side == "self_host" else setup
            found.append(break_even(p, s, days_per_month=days_per_month).tokens_per_day)
        rows.append(Sensitivity(f"{side}.{field}", label, base, low, high, found[0], found[1]))
    rows.sort(key=lambda r: r.spread_tokens_per_day, reverse=True)
    base_be = break_even(plan, setup, days_per_month=days_per_month).tokens_per_day
    return SensitivityReport(base_be, swing, tuple(rows))


# --- hybrid ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HybridCost:
    """A share of the tokens self-hosted, the rest on the API (a side with no traffic costs nothing)."""

    self_host_share: float
    tokens_per_day: float
    api_usd_per_month: float
    self_host_usd_per_month: float
    self_host_gpus: int
    usd_per_month: float
    usd_per_mtok: float


def hybrid_monthly_cost(
    plan: ApiPlan,
    setup: SelfHostSetup,
    tokens_per_day: float,
    *,
    self_host_share: float,
    days_per_month: float = DAYS_PER_MONTH,
) -> HybridCost:
    """Monthly cost when ``self_host_share`` of the tokens run on ``setup`` and the rest on ``plan``."""
    _check("self_host_share", self_host_share, high=1.0)
    own_tokens = tokens_per_day * self_host_share
    api_usd = 0.0
    if self_host_share < 1:
        api_usd = api_monthly_cost(
            plan, tokens_per_day - own_tokens, days_per_month=days_per_month
        ).usd_per_month
    own_usd, gpus = 0.0, 0
    if self_host_share > 0:
        own = self_host_monthly_cost(setup, own_tokens, days_per_month=days_per_month)
        own_usd, gpus = own.usd_per_month, own.gpus
    total = api_usd + own_usd
    per_mtok = effective_usd_per_mtok(total, tokens_per_day, days_per_month=days_per_month)
    return HybridCost(self_host_share, tokens_per_day, api_usd, own_usd, gpus, total, per_mtok)


def hybrid_sweep(
    plan: ApiPlan,
    setup: SelfHostSetup,
    tokens_per_day: float,
    *,
    steps: int = 20,
    days_per_month: float = DAYS_PER_MONTH,
) -> tuple[HybridCost, ...]:
    """Hybrid costs over shares 0..1, plus the shares that exactly fill 1, 2, ... replicas.

    At most ``MAX_SWEEP_STEPS`` even steps and ``MAX_SWEEP_STEPS`` replica counts (spread evenly over
    all of them when more replicas would fit), so a huge volume stays a quick call, as in the plots.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_SWEEP_STEPS:
        raise ConfigError(
            f"steps is {steps!r}; it must be a whole number from 1 to {MAX_SWEEP_STEPS}.",
            fix=f"Pass steps between 1 and {MAX_SWEEP_STEPS} (20 draws a smooth curve).",
        )
    _check("tokens_per_day", tokens_per_day)
    shares = {i / steps for i in range(steps + 1)}
    if tokens_per_day > 0:
        cap = setup.capacity_tokens_per_day_per_replica
        most = math.floor(tokens_per_day / cap)
        counts: Iterable[int] = range(1, most + 1)
        if most > MAX_SWEEP_STEPS:
            counts = sorted(
                {max(1, round(i * most / MAX_SWEEP_STEPS)) for i in range(1, MAX_SWEEP_STEPS + 1)}
            )
        shares |= {n * cap / tokens_per_day for n in counts}
    return tuple(
        hybrid_monthly_cost(plan, setup, tokens_per_day, self_host_share=s, days_per_month=days_per_month)
        for s in sorted(shares)
    )


def usd_per_mtok_self_hosted(*, usd_per_hour: float, tokens_per_s: float, utilisation: float) -> float:
    """USD per 1M tokens of a rented machine: the hourly price over the tokens it makes in an hour of use.

    ``utilisation`` is the share of the paid hours it actually serves at ``tokens_per_s``.
    """
    if not (usd_per_hour >= 0 and tokens_per_s > 0 and 0 < utilisation <= 1):
        raise ConfigError(
            f"usd_per_hour={usd_per_hour}, tokens_per_s={tokens_per_s}, utilisation={utilisation}.",
            fix="Pass a price of 0 or more, a positive throughput and a utilisation in (0, 1].",
        )
    return usd_per_hour / (SECONDS_PER_HOUR * tokens_per_s * utilisation) * 1e6
