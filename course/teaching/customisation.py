"""Prompting, retrieval or fine-tuning: which lever for which need, and what finding out costs.

- :func:`choose_lever`: a need (knowledge, behaviour, format) → the cheapest lever that addresses it.
- :func:`fine_tune_budget`: the one-off cost of finding out whether a small fine-tuned model wins
  (labelled or distilled data, training GPU-hours, an evaluation), and how many requests repay it;
  :func:`serving_usd_per_request` prices the fine-tuned model's requests on a self-hosted server, its
  fixed costs (replicas around the clock, staff) included.
- :func:`distillation_terms` and :func:`embedding_prices`: dated, sourced rows of
  ``course/data/customisation.json``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from course.datafiles import FILE_CONFIG, Day, Fact, Source, Text, data_row, load_data
from course.economics.costs import DAYS_PER_MONTH, SelfHostSetup, self_host_monthly_cost
from course.errors import ConfigError

Need = Literal["knowledge", "behaviour", "format"]
Lever = Literal["prompting", "retrieval", "fine-tuning"]

_LEVERS: dict[Need, tuple[Lever, str]] = {
    "knowledge": (
        "retrieval",
        "Facts the model lacks (private documents, anything newer than its cut-off) belong in the prompt at "
        "request time: retrieve them. Fine-tuning teaches facts poorly and must be redone when they change.",
    ),
    "behaviour": (
        "fine-tuning",
        "A style, a domain's judgement or a narrow task done millions of times is learned from examples: "
        "fine-tune once prompting with instructions and a few examples has hit its ceiling.",
    ),
    "format": (
        "prompting",
        "An exact output format is first a prompting job: instructions, examples, and the server's "
        "structured-output or grammar option (llama.cpp grammars, vLLM guided decoding). Fine-tune only if "
        "the validity rate stays too low.",
    ),
}


@dataclass(frozen=True)
class LeverChoice:
    need: Need
    lever: Lever
    why: str
    first_try: Lever  # always try the cheapest lever first


def choose_lever(need: Need) -> LeverChoice:
    """The lever for one need; try prompting first whatever the need (it costs hours, not weeks)."""
    if need not in _LEVERS:
        raise ConfigError(f"Unknown need {need!r}.", fix=f"Use one of: {', '.join(_LEVERS)}.")
    lever, why = _LEVERS[need]
    return LeverChoice(need, lever, why, "prompting")


def _check(name: str, value: float) -> None:
    if isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name} is {value!r}.", fix=f"Pass {name} as 0 or more.")


@dataclass(frozen=True)
class FineTuneBudget:
    """The one-off cost of finding out, by part, and the requests that repay it."""

    data_usd: float
    training_usd: float
    evaluation_usd: float
    total_usd: float
    saving_usd_per_request: float
    payback_requests: float  # inf when the small model saves nothing per request


def fine_tune_budget(
    *,
    examples: int,
    usd_per_example: float,
    training_gpu_hours: float,
    usd_per_gpu_hour: float,
    eval_examples: int,
    eval_usd_per_example: float,
    usd_per_request_now: float,
    usd_per_request_after: float,
) -> FineTuneBudget:
    """What it costs to find out, and after how many requests the cheaper model has paid for it.

    ``usd_per_example``: labelling by people, or generating with a frontier model (distillation: its
    tokens per example × price). Evaluation runs both models on ``eval_examples`` and has people check.
    """
    for name, value in (("examples", examples), ("eval_examples", eval_examples)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{name} is {value!r}.", fix=f"Pass {name} as a whole number.")
    for name in (
        "usd_per_example",
        "training_gpu_hours",
        "usd_per_gpu_hour",
        "eval_usd_per_example",
        "usd_per_request_now",
        "usd_per_request_after",
    ):
        _check(name, locals()[name])
    data = examples * usd_per_example
    training = training_gpu_hours * usd_per_gpu_hour
    evaluation = eval_examples * eval_usd_per_example
    total = data + training + evaluation
    saving = usd_per_request_now - usd_per_request_after
    payback = total / saving if saving > 0 else math.inf
    return FineTuneBudget(data, training, evaluation, total, saving, payback)


def serving_usd_per_request(
    setup: SelfHostSetup,
    *,
    requests_per_day: float,
    tokens_per_request: float,
    days_per_month: float = DAYS_PER_MONTH,
) -> float:
    """What one request costs on a self-hosted ``setup`` at this volume, its fixed costs included.

    The month's bill (:func:`course.economics.costs.self_host_monthly_cost`: whole replicas billed around
    the clock, staff and fixed costs) over the month's requests. This is the "after" price of a fine-tune
    served on your own GPU: at a low volume the replica and the people who run it cost far more per
    request than the tokens, so a fine-tune that saves per token can still never pay back.
    """
    _check("requests_per_day", requests_per_day)
    _check("tokens_per_request", tokens_per_request)
    if requests_per_day == 0:
        return math.inf
    bill = self_host_monthly_cost(setup, requests_per_day * tokens_per_request, days_per_month=days_per_month)
    return bill.usd_per_month / (requests_per_day * days_per_month)


def distillation_usd_per_example(
    *, prompt_tokens: int, output_tokens: int, usd_per_mtok_input: float, usd_per_mtok_output: float
) -> float:
    """What one training example costs when a frontier model writes it."""
    for name, value in (("prompt_tokens", prompt_tokens), ("output_tokens", output_tokens)):
        _check(name, value)
    _check("usd_per_mtok_input", usd_per_mtok_input)
    _check("usd_per_mtok_output", usd_per_mtok_output)
    return (prompt_tokens * usd_per_mtok_input + output_tokens * usd_per_mtok_output) / 1e6


@data_row
class Terms(Fact):
    """What one licence or set of terms says about training on a model's outputs."""

    name: Text
    subject: Text
    rule: Text
    as_of: Day
    source: Source
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


@data_row
class EmbeddingPrice(Fact):
    name: Text
    usd_per_mtok: Annotated[float, Field(ge=0)] | None  # None: self-hosted, you pay for the GPU instead
    open_weights: bool
    as_of: Day
    source: Source
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


class CustomisationFile(BaseModel):
    """``course/data/customisation.json``: distillation terms and embedding prices."""

    model_config = FILE_CONFIG

    note: str = ""
    terms: tuple[Terms, ...] = Field(min_length=1)
    embedding_prices: tuple[EmbeddingPrice, ...] = Field(min_length=1)


@functools.cache
def _file() -> CustomisationFile:
    return load_data("customisation.json", CustomisationFile)


def distillation_terms() -> tuple[Terms, ...]:
    """What each provider's terms say about training another model on its outputs."""
    return _file().terms


def embedding_prices() -> tuple[EmbeddingPrice, ...]:
    return _file().embedding_prices


def embedding_cost_usd(*, corpus_tokens: float, usd_per_mtok: float, reembeds_per_year: int = 0) -> float:
    """API cost to embed a corpus once, plus ``reembeds_per_year`` full re-embeddings (model changes)."""
    _check("corpus_tokens", corpus_tokens)
    _check("usd_per_mtok", usd_per_mtok)
    return corpus_tokens / 1e6 * usd_per_mtok * (1 + reembeds_per_year)


def self_hosted_embedding_hours(*, corpus_tokens: float, tokens_per_s: float) -> float:
    """GPU-hours to embed a corpus at a measured ``tokens_per_s``."""
    _check("corpus_tokens", corpus_tokens)
    if not tokens_per_s > 0:
        raise ConfigError(f"tokens_per_s is {tokens_per_s!r}.", fix="Pass a measured rate above 0.")
    return corpus_tokens / tokens_per_s / 3600
