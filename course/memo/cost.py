"""Lab 04's saved cost model, rebuilt so the memo can price the learner's own volume.

Lab 04 priced the API at its list price for the measured token mix (one blended USD per 1M tokens)
and self-hosting as one always-on GPU replica (:meth:`course.economics.costs.SelfHostSetup.from_gpu`'s
defaults) at the throughput, utilisation and staff time it saved. Rebuilt from those fields, the same
:func:`course.economics.costs.break_even` gives lab 04's break-even back; a file saved before lab 04 recorded
its assumptions cannot be rebuilt, and the memo says so rather than assume them.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.economics.costs import ApiPlan, SelfHostSetup, api_monthly_cost, self_host_monthly_cost
from course.labs.results import Lab04Headline


@dataclass(frozen=True)
class VolumeCost:
    """Both sides' monthly bill at one volume."""

    tokens_per_day: float
    api_usd_per_month: float
    self_usd_per_month: float
    replicas: int
    staff_usd_per_month: float

    @property
    def cheaper(self) -> str:
        return "self-hosted" if self.self_usd_per_month <= self.api_usd_per_month else "API"


def api_plan(lab04: Lab04Headline) -> ApiPlan:
    """The API at lab 04's blended price (input and output already mixed in its measured proportion)."""
    blended = lab04.api_blended_usd_per_mtok
    return ApiPlan(
        usd_per_mtok_input=blended, usd_per_mtok_output=blended, input_share=0.5, label=lab04.api_model
    )


def self_host_setup(lab04: Lab04Headline) -> SelfHostSetup | None:
    """Lab 04's GPU replica, or None when its file lacks the assumptions (saved by an older lab 04)."""
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
        engineering_hours_per_month=engineering_hours,
        staff_usd_per_hour=staff_usd_per_hour,
        label=f"{lab04.served_model} on {lab04.gpu}",
    )


def volume_cost(lab04: Lab04Headline, tokens_per_day: float) -> VolumeCost | None:
    """Both monthly bills at ``tokens_per_day`` (None when lab 04's assumptions were not saved)."""
    setup = self_host_setup(lab04)
    if setup is None:
        return None
    own = self_host_monthly_cost(setup, tokens_per_day)
    return VolumeCost(
        tokens_per_day=tokens_per_day,
        api_usd_per_month=api_monthly_cost(api_plan(lab04), tokens_per_day).usd_per_month,
        self_usd_per_month=own.usd_per_month,
        replicas=own.replicas,
        staff_usd_per_month=own.staff_usd_per_month,
    )
