"""Measure each side once, then replay the router's decisions (and both baselines) on those answers.

At temperature 0 a model gives the same answer to the same request, so the answers measured once per
side (:func:`measure_local` with log-probabilities; :func:`course.evals.run_eval` for the API) are what
a live :class:`course.routing.router.HybridRouter` would get. Replaying them under a policy costs nothing:
the lab compares thresholds, all-local and all-API without sending any request twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from course.backends.base import Backend
from course.errors import ConfigError
from course.evals.items import EvalItem
from course.evals.runner import ItemResult
from course.labs.results import Lab06Headline, RoutedPolicy
from course.routing.migration_replay import MigrationReplay
from course.routing.router import (
    MAX_TOKENS,
    Answer,
    Decision,
    PolicySummary,
    RequestRule,
    Route,
    RoutedRequest,
    RouterConfig,
    SidePrices,
    Signal,
    decide,
    local_answer,
    request_text,
    routed_request,
    scored,
    summarise,
    validate_answer,
)


def measure_local(
    backend: Backend,
    items: Sequence[EvalItem],
    *,
    constrained: bool = False,
    max_tokens: int = MAX_TOKENS,
    progress: bool = True,
) -> dict[str, Answer]:
    """The local model's scored answer to every item, by item id, with its token log-probabilities when
    the backend returns them (``supports_logprobs``; without, only validity can be replayed).
    ``constrained``: decoded under each item's JSON schema (the backend compiles it once per schema)."""
    if constrained and not backend.supports_json_schema:
        raise ConfigError(
            "measure_local(constrained=True) needs a backend that decodes under a JSON schema; "
            f"{type(backend).__name__} cannot.",
            fix="Pass one that can (InProcessBackend, a llama-server on loopback), or constrained=False.",
        )
    iterable: Sequence[EvalItem] = items
    if progress:
        from course.progress import progress_bar  # text when headless: no widget frozen at 0% when saved

        iterable = progress_bar(items, desc="local (with log-probs)", unit="item")
    answers = {}
    for item in iterable:
        schema = item.schema if constrained else None
        answer = local_answer(backend, item.messages(), max_tokens=max_tokens, json_schema=schema)
        answers[item.id] = scored(answer, item)
    return answers


def api_answers(results: Sequence[ItemResult]) -> dict[str, Answer]:
    """:func:`course.evals.run_eval`'s results as scored answers, by item id."""
    return {
        r.item_id: Answer(
            r.answer, r.e2e_s, r.prompt_tokens, r.output_tokens, correct=r.correct, error=r.error
        )
        for r in results
    }


def _check(items: Sequence[EvalItem], *sides: Mapping[str, Answer]) -> None:
    if not items:
        raise ConfigError("No items to replay.", fix="Pass the items you measured both sides on.")
    for side in sides:
        missing = [i.id for i in items if i.id not in side]
        if missing:
            raise ConfigError(
                f"No measured answer for {len(missing)} item(s), e.g. {missing[0]}.",
                fix="Measure both sides on the same items (measure_local and run_eval) before replaying.",
            )


def replay_router(
    items: Sequence[EvalItem],
    local: Mapping[str, Answer],
    api: Mapping[str, Answer],
    *,
    config: RouterConfig,
    prices: SidePrices,
    policy: str = "router",
) -> list[RoutedRequest]:
    """The router's decision on every item, from answers measured once per side (by item id)."""
    _check(items, local, api)
    if config.constrained:
        raise ConfigError(
            "A replay uses the answers as measured; constrained=True cannot change them.",
            fix="Measure with measure_local(..., constrained=True) and replay with constrained=False.",
        )
    records = []
    for item in items:
        rule_match = config.rule.match(request_text(item.messages())) if config.rule else None
        mine = None if rule_match else local[item.id]
        validation = validate_answer(mine.text, item.schema) if mine else None
        decision = decide(config=config, rule_match=rule_match, local=mine, validation=validation)
        records.append(
            routed_request(
                decision,
                request_id=item.id,
                policy=policy,
                local=mine,
                api=api[item.id],
                schema=item.schema,
                prices=prices,
                signal=config.signal,
                item=item,
            )
        )
    return records


def replay_one_side(
    items: Sequence[EvalItem], answers: Mapping[str, Answer], *, route: Route, prices: SidePrices
) -> list[RoutedRequest]:
    """Every request answered by one side, whatever it wrote: the all-local or the all-API baseline."""
    _check(items, answers)
    policy = "all local" if route == "local" else "all API"
    decision = Decision(route, policy, "no fallback" if route == "local" else "no local model")
    records = []
    for item in items:
        answer = answers[item.id]
        local, api = (answer, None) if route == "local" else (None, answer)
        records.append(
            routed_request(
                decision,
                request_id=item.id,
                policy=policy,
                local=local,
                api=api,
                schema=item.schema,
                prices=prices,
                item=item,
            )
        )
    return records


def replay_all_local(
    items: Sequence[EvalItem], local: Mapping[str, Answer], *, prices: SidePrices
) -> list[RoutedRequest]:
    """The all-local baseline: every request answered by the local model."""
    return replay_one_side(items, local, route="local", prices=prices)


def replay_all_api(
    items: Sequence[EvalItem], api: Mapping[str, Answer], *, prices: SidePrices
) -> list[RoutedRequest]:
    """The all-API baseline: every request answered by the API."""
    return replay_one_side(items, api, route="api", prices=prices)


def sweep_thresholds(
    items: Sequence[EvalItem],
    local: Mapping[str, Answer],
    api: Mapping[str, Answer],
    *,
    thresholds: Sequence[float],
    prices: SidePrices,
    signal: Signal = "min",
    rule: RequestRule | None = None,
) -> list[tuple[float, PolicySummary]]:
    """The router replayed at each ``min_logprob`` threshold: ``(threshold, summary)`` pairs."""
    if not thresholds:
        raise ConfigError("No thresholds to sweep.", fix="Pass e.g. (-2, -1, -0.5, -0.3, -0.1).")
    out = []
    for t in thresholds:
        config = RouterConfig(signal=signal, min_logprob=t, rule=rule)
        out.append((t, summarise(replay_router(items, local, api, config=config, prices=prices))))
    return out


#: the three policies the router is judged by: itself and the two single-sided baselines
POLICIES_JUDGED = ("router", "all API", "all local")


def judge_router(policies: Sequence[PolicySummary], *, max_quality_drop: float = 0.05) -> str:
    """The router against both single-sided baselines, in one or two sentences computed from the figures.

    It earns its place on cost only when it is cheaper than all-API per request while its accuracy is
    within ``max_quality_drop`` (relative) of the API's; against all-local, the second sentence says what its
    extra cost buys in accuracy.
    """
    by = {p.policy: p for p in policies}
    missing = [name for name in POLICIES_JUDGED if name not in by]
    if missing:
        raise ConfigError(
            f"No {', '.join(missing)} summary to judge the router against.",
            fix="Summarise the router and both baselines (replay_router, replay_all_api, replay_all_local).",
        )
    router, api, local = by["router"], by["all API"], by["all local"]
    per_1k = router.usd_per_1k_requests
    vs_api = per_1k / api.usd_per_1k_requests if api.usd_per_1k_requests else math.inf
    drop = (api.accuracy - router.accuracy) / api.accuracy if api.accuracy else 0.0
    if local.usd_per_1k_requests:
        vs_local = f"{per_1k / local.usd_per_1k_requests:.1f}× all-local's"
    else:
        vs_local = "above all-local's (which costs nothing per request here)"
    gain = router.accuracy - local.accuracy
    buys = (
        f"over all-local it buys {gain * 100:+.0f} points of accuracy"
        if gain > 0
        else "over all-local it buys no accuracy"
    )
    text = (
        f"The router answers {router.accuracy:.0%} right at USD {per_1k:.3g} per 1,000 requests: "
        f"{vs_api:.0%} of all-API's cost ({api.accuracy:.0%} right) and {vs_local} "
        f"({local.accuracy:.0%} right), {router.local_share:.0%} answered locally; {buys}. "
    )
    if vs_api < 1 and drop <= max_quality_drop:
        return text + (
            f"It is cheaper than all-API within {max_quality_drop:.0%} of its accuracy: on these prices it "
            "earns its place on cost."
        )
    if vs_api >= 1:
        return text + (
            "It costs at least as much as all-API: on these prices it does not save money, and it has to "
            "earn its place on quality, privacy or control."
        )
    return text + (
        f"It is cheaper than all-API but trails its accuracy by {drop:.0%} (more than "
        f"{max_quality_drop:.0%}): price the errors before choosing it (cost per correct answer)."
    )


def lab06_headline(
    policies: Sequence[PolicySummary],
    *,
    config: RouterConfig,
    api_label: str,
    prices: SidePrices,
    local_price_note: str | None = None,
    replay: MigrationReplay | None = None,
) -> Lab06Headline:
    """Lab 06's headline figures: each policy's accuracy, USD per 1k requests and local share, the
    router judged against both baselines, and where the replayed migration ended."""
    if not policies:
        raise ConfigError("No policies to save.", fix="Summarise all local, all API and the router first.")
    return Lab06Headline(
        n_requests=policies[0].n_requests,
        policies=[
            RoutedPolicy(
                name=s.policy,
                accuracy=s.accuracy,
                usd_per_1k_requests=s.usd_per_1k_requests,
                local_share=s.local_share,
            )
            for s in policies
        ],
        migration_final_phase=replay.final_step.phase if replay else None,
        migration_final_open_share=replay.final_step.open_share if replay else None,
        migration_rollbacks=replay.rollbacks if replay else None,
        router_rule=config.describe(),
        api_label=api_label,
        local_usd_per_mtok=prices.local_usd_per_mtok,
        local_price_note=local_price_note,
        migration_open_path=replay.open_label if replay else None,
        router_verdict=judge_router(policies)
        if set(POLICIES_JUDGED) <= {p.policy for p in policies}
        else None,
    )
