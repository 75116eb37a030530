"""Lab 04's saved cost model, rebuilt so the memo can price the learner's own volume three ways.

Lab 04 priced self-hosting with :func:`course.economics.selfhost.quote_self_host` (published throughput
blended by the measured mix, one always-on replica of ``gpus_per_replica`` GPUs, staff time) and set it
beside the managed hosts of the same weights and the frontier APIs, each at its list price for the mix
(one blended USD per 1M tokens). Rebuilt from those saved fields, the same
:func:`course.economics.costs.break_even` gives lab 04's break-even back; a file saved before lab 04
recorded its assumptions cannot be rebuilt, and the memo says so rather than assume them.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.economics.costs import ApiPlan, SelfHostSetup, api_monthly_cost, self_host_monthly_cost
from course.labs.results import Lab04Headline, SavedOption


@dataclass(frozen=True)
class VolumeCost:
    """The options' monthly bills at one volume (the managed host only when lab 04 saved one)."""

    tokens_per_day: float
    api_usd_per_month: float
    self_usd_per_month: float
    replicas: int
    staff_usd_per_month: float
    managed_label: str | None = None
    managed_usd_per_month: float | None = None

    @property
    def cheaper(self) -> str:
        """The cheapest option: "self-hosted", "managed host" or "API"."""
        bills = {"self-hosted": self.self_usd_per_month, "API": self.api_usd_per_month}
        if self.managed_usd_per_month is not None:
            bills["managed host"] = self.managed_usd_per_month
        return min(bills, key=lambda k: (bills[k], k != "self-hosted"))


def _flat_plan(label: str, usd_per_mtok: float) -> ApiPlan:
    """A plan at one blended price (input and output already mixed in the measured proportion)."""
    return ApiPlan(
        usd_per_mtok_input=usd_per_mtok, usd_per_mtok_output=usd_per_mtok, input_share=0.5, label=label
    )


def api_plan(lab04: Lab04Headline) -> ApiPlan:
    """The frontier API at lab 04's blended price for the measured mix."""
    return _flat_plan(lab04.api_model, lab04.api_blended_usd_per_mtok)


def managed_option(lab04: Lab04Headline) -> SavedOption | None:
    """The cheapest managed host lab 04 priced for the same weights (None: an older file, or none sold)."""
    options = [o for o in (getattr(lab04, "options", None) or []) if o.kind == "managed host"]
    return min(options, key=lambda o: o.usd_per_mtok) if options else None


def managed_plan(lab04: Lab04Headline) -> ApiPlan | None:
    option = managed_option(lab04)
    return None if option is None else _flat_plan(option.label, option.usd_per_mtok)


def self_host_setup(lab04: Lab04Headline) -> SelfHostSetup | None:
    """Lab 04's replica, or None when its file lacks the assumptions (saved by an older lab 04)."""
    throughput = lab04.gpu_aggregate_tokens_per_s
    utilisation = lab04.utilisation
    engineering_hours = lab04.engineering_hours_per_month
    staff_usd_per_hour = lab04.staff_usd_per_hour
    if throughput is None or utilisation is None or engineering_hours is None or staff_usd_per_hour is None:
        return None
    return SelfHostSetup(
        usd_per_gpu_hour=lab04.gpu_usd_per_hour,
        throughput_tokens_per_s=throughput,
        utilisation=utilisation,
        gpus_per_replica=getattr(lab04, "gpus_per_replica", None) or 1,
        engineering_hours_per_month=engineering_hours,
        staff_usd_per_hour=staff_usd_per_hour,
        label=f"{lab04.served_model} on {lab04.gpu}",
    )


def volume_cost(lab04: Lab04Headline, tokens_per_day: float) -> VolumeCost | None:
    """The monthly bills at ``tokens_per_day`` (None when lab 04's assumptions were not saved)."""
    setup = self_host_setup(lab04)
    if setup is None:
        return None
    own = self_host_monthly_cost(setup, tokens_per_day)
    managed = managed_plan(lab04)
    return VolumeCost(
        tokens_per_day=tokens_per_day,
        api_usd_per_month=api_monthly_cost(api_plan(lab04), tokens_per_day).usd_per_month,
        self_usd_per_month=own.usd_per_month,
        replicas=own.replicas,
        staff_usd_per_month=own.staff_usd_per_month,
        managed_label=managed.label if managed else None,
        managed_usd_per_month=api_monthly_cost(managed, tokens_per_day).usd_per_month if managed else None,
    )
