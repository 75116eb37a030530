"""A hybrid router a team can lift: the local model answers first; the API takes what it should not keep.

Article 004's pattern (2026): "If the open source model's confidence score is below threshold, escalate
to the closed source model". For each request:

1. a :class:`RequestRule` (optional) sends the requests it matches straight to the API;
2. otherwise the local model answers, and the router reads how sure it was: the lowest (or the mean)
   log-probability of the tokens it chose, which the backend returns (:func:`local_answer`);
3. the answer is validated: a JSON object that follows the task's schema (:func:`validate_answer`);
4. :func:`decide` keeps it, or falls back to the API on invalid JSON, a schema break, low confidence
   or a local error. An API error is not retried here (the API backend retries); it fails gracefully.

:func:`decide` is pure (rule, answer and validation in; route and reason out): cheap to test and to
tune. Every request leaves a :class:`RoutedRequest` (route, why, latency, tokens, USD), and
:func:`summarise` turns a list of them into blended USD per 1k requests and per 1k correct answers,
accuracy and local share, using :mod:`course.economics.fallback_chain`'s fallback-chain arithmetic on the
tiers as measured. :class:`HybridRouter` routes live over two course backends; :mod:`course.routing.replay`
applies the same decisions to answers measured once per side.

The router works over any backend by what it declares it can do (``supports_logprobs``,
``supports_json_schema`` of :class:`course.backends.base.Backend`): the in-process model, a llama-server
on loopback, an API. A backend without log-probabilities can still route on validity alone.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import jsonschema

from course.backends.base import Backend, GenerationOptions, Message, clock
from course.economics.fallback_chain import ChainResult, Tier, routed_by_difficulty
from course.errors import ConfigError, CourseError
from course.evals.scoring import parse_json_answer, score_answer
from course.measure.summary import percentile

if TYPE_CHECKING:
    import pandas as pd

    from course.economics.prices import ApiPrice
    from course.evals.items import EvalItem

Route = Literal["local", "api"]
Signal = Literal["min", "mean"]
MAX_TOKENS = 96  # as course.evals.runner: the longest right answer of the course's set is about 80 tokens
#: Why a request went where it went (``RoutedRequest.reason``).
REASONS = ("kept", "rule", "invalid JSON", "schema", "low confidence", "local error", "all local", "all API")


# -- configuration -------------------------------------------------------------------------------


def request_text(messages: Sequence[Message]) -> str:
    """What a :class:`RequestRule` reads: the user's messages, joined."""
    return "\n".join(m["content"] for m in messages if m["role"] == "user")


@dataclass(frozen=True, kw_only=True)
class RequestRule:
    """Requests sent straight to the API, judged on the request alone (no local attempt).

    ``keywords``: case-insensitive phrases (e.g. ``"however"`` in a ticket that rules out a
    department); ``max_input_chars``: longer requests go to the API.
    """

    keywords: tuple[str, ...] = ()
    max_input_chars: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.keywords, str) or any(
            not isinstance(k, str) or not k.strip() for k in self.keywords
        ):
            raise ConfigError(
                f"keywords is {self.keywords!r}.", fix='Pass a tuple of non-empty phrases, e.g. ("however",).'
            )
        limit = self.max_input_chars
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ConfigError(
                f"max_input_chars is {limit!r}.", fix="Pass a whole number of characters, or None."
            )

    def match(self, text: str) -> str | None:
        """Why ``text`` (see :func:`request_text`) goes straight to the API; None lets it through."""
        lowered = text.lower()
        for word in self.keywords:
            if word.lower() in lowered:
                return f"mentions {word!r}"
        if self.max_input_chars is not None and len(text) > self.max_input_chars:
            return f"{len(text)} characters > {self.max_input_chars}"
        return None


@dataclass(frozen=True, kw_only=True)
class RouterConfig:
    """When the local answer is kept.

    ``min_logprob``: kept only when its ``signal`` (the lowest or the mean token log-probability) is
    at least this (0 = certain; -0.3: the least sure token had about 74%); None routes on validity
    alone. ``require_schema``: valid JSON that breaks the schema falls back too. ``rule``: requests
    sent to the API without a local attempt. ``constrained``: the local model decodes under the
    schema (llama.cpp's grammar), so its JSON is always valid and only confidence is left to judge.
    """

    signal: Signal = "min"
    min_logprob: float | None = -0.3
    require_schema: bool = True
    rule: RequestRule | None = None
    constrained: bool = False

    def __post_init__(self) -> None:
        if self.signal not in ("min", "mean"):
            raise ConfigError(f"signal is {self.signal!r}.", fix='Pass "min" or "mean".')
        t = self.min_logprob
        if t is not None and (isinstance(t, bool) or not isinstance(t, int | float) or not -50 <= t <= 0):
            raise ConfigError(
                f"min_logprob is {t!r}; log-probabilities are 0 (certain) or below.",
                fix="Pass a threshold between -50 and 0 (e.g. -0.3), or None to route on validity alone.",
            )
        if self.rule is not None and not isinstance(self.rule, RequestRule):
            raise ConfigError(f"rule is {self.rule!r}.", fix="Pass a RequestRule(...) or None.")

    def describe(self) -> str:
        """One line: when the local answer is kept."""
        kept = ["JSON following the schema" if self.require_schema else "valid JSON"]
        if self.min_logprob is not None:
            kept.append(f"{self.signal} token log-prob ≥ {self.min_logprob:g}")
        if self.constrained:
            kept.append("decoded under the schema's grammar")
        text = "local answer kept when: " + "; ".join(kept)
        if self.rule is not None:
            sent = [f"mentioning {k!r}" for k in self.rule.keywords]
            if self.rule.max_input_chars:
                sent.append(f"longer than {self.rule.max_input_chars} characters")
            text += f"; requests {' or '.join(sent)} go straight to the API"
        return text


@dataclass(frozen=True, kw_only=True)
class SidePrices:
    """What a request costs on each side: the local model per token, the API at its list price."""

    local_usd_per_mtok: float
    api_usd_per_mtok_input: float
    api_usd_per_mtok_output: float

    def __post_init__(self) -> None:
        for name in ("local_usd_per_mtok", "api_usd_per_mtok_input", "api_usd_per_mtok_output"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
                raise ConfigError(
                    f"{name} is {value!r}.", fix="Pass a price in USD per 1M tokens, 0 or more."
                )

    @classmethod
    def from_api_price(cls, price: ApiPrice, *, local_usd_per_mtok: float) -> SidePrices:
        return cls(
            local_usd_per_mtok=local_usd_per_mtok,
            api_usd_per_mtok_input=price.usd_per_mtok_input,
            api_usd_per_mtok_output=price.usd_per_mtok_output,
        )

    def usd(self, route: Route, answer: Answer) -> float:
        if route == "local":
            return (answer.prompt_tokens + answer.output_tokens) * self.local_usd_per_mtok / 1e6
        return (
            answer.prompt_tokens * self.api_usd_per_mtok_input
            + answer.output_tokens * self.api_usd_per_mtok_output
        ) / 1e6


# -- answers and the pure decision ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One side's answer to one request; the local side adds each chosen token's log-probability."""

    text: str
    e2e_s: float
    prompt_tokens: int
    output_tokens: int
    token_logprobs: tuple[float, ...] = ()
    correct: bool | None = None  # None when no right answer is known (live traffic)
    error: str | None = None

    def confidence(self, signal: Signal = "min") -> float | None:
        """The lowest or the mean token log-probability; None when there are none."""
        values = self.token_logprobs
        if not values:
            return None
        return min(values) if signal == "min" else sum(values) / len(values)


@dataclass(frozen=True)
class Validation:
    json_valid: bool
    schema_ok: bool


def validate_answer(text: str, schema: Mapping[str, Any] | None) -> Validation:
    """Does ``text`` hold a JSON object, and does it follow ``schema`` (None: any object)?"""
    try:
        parsed = parse_json_answer(text)
    except ValueError:
        return Validation(False, False)
    if not isinstance(parsed, dict):
        return Validation(True, False)
    return Validation(True, schema is None or jsonschema.Draft202012Validator(schema).is_valid(parsed))


@dataclass(frozen=True)
class Decision:
    route: Route
    reason: str  # one of REASONS
    detail: str  # the figures behind it, for a person reading the log


def decide(
    *, config: RouterConfig, rule_match: str | None, local: Answer | None, validation: Validation | None
) -> Decision:
    """Keep the local answer or fall back to the API (pure: no model is called)."""
    if rule_match is not None:
        return Decision("api", "rule", f"rule: {rule_match}")
    if local is None or local.error is not None:
        return Decision(
            "api", "local error", local.error if local is not None and local.error else "no local answer"
        )
    if validation is None or not validation.json_valid:
        return Decision("api", "invalid JSON", "the local answer is not a JSON object")
    if config.require_schema and not validation.schema_ok:
        return Decision("api", "schema", "the local answer breaks the schema")
    if config.min_logprob is None:
        return Decision("local", "kept", "valid answer (no confidence check)")
    value = local.confidence(config.signal)
    if value is None:
        return Decision("api", "low confidence", "no token log-probabilities to judge by")
    if value < config.min_logprob:
        return Decision(
            "api", "low confidence", f"{config.signal} log-prob {value:.2f} < {config.min_logprob:g}"
        )
    return Decision("local", "kept", f"{config.signal} log-prob {value:.2f} ≥ {config.min_logprob:g}")


@dataclass(frozen=True)
class RoutedRequest:
    """What happened to one request: where it went, why, how long it took, what it cost."""

    request_id: str
    policy: str  # "router", "all local", "all API", ...
    route: Route  # who gave the final answer
    reason: str  # one of REASONS
    detail: str
    answer: str
    answer_valid: bool  # the final answer is a JSON object that follows the schema
    correct: bool | None
    confidence: float | None  # the local answer's signal, when the local model was asked
    local_tried: bool
    api_called: bool
    latency_s: float  # the local attempt, plus the API call when it fell back
    prompt_tokens: int  # both sides together
    output_tokens: int
    local_usd: float
    api_usd: float
    task: str = ""
    difficulty: str = ""
    error: str | None = None

    @property
    def usd(self) -> float:
        return self.local_usd + self.api_usd


def routed_request(
    decision: Decision,
    *,
    request_id: str,
    policy: str,
    local: Answer | None,
    api: Answer | None,
    schema: Mapping[str, Any] | None,
    prices: SidePrices,
    signal: Signal = "min",
    item: EvalItem | None = None,
) -> RoutedRequest:
    """The record of one request from its decision and the answers it got (``api``: when it was called)."""
    final = api if decision.route == "api" else local
    if final is None:
        raise ConfigError(f"{request_id}: routed to {decision.route} with no answer from it.", fix="Pass it.")
    asked = [a for a in (local, api if decision.route == "api" else None) if a is not None]
    return RoutedRequest(
        request_id=request_id,
        policy=policy,
        route=decision.route,
        reason=decision.reason,
        detail=decision.detail,
        answer=final.text,
        answer_valid=validate_answer(final.text, schema).schema_ok,
        correct=final.correct,
        confidence=local.confidence(signal) if local else None,
        local_tried=local is not None,
        api_called=decision.route == "api",
        latency_s=sum(a.e2e_s for a in asked),
        prompt_tokens=sum(a.prompt_tokens for a in asked),
        output_tokens=sum(a.output_tokens for a in asked),
        local_usd=prices.usd("local", local) if local else 0.0,
        api_usd=prices.usd("api", final) if decision.route == "api" else 0.0,
        task=item.task if item else "",
        difficulty=item.difficulty if item else "",
        error=final.error,
    )


# -- asking each side ----------------------------------------------------------------------------


def local_answer(
    backend: Backend,
    messages: Sequence[Message],
    *,
    max_tokens: int = MAX_TOKENS,
    json_schema: Mapping[str, Any] | None = None,
    logprobs: bool | None = None,
) -> Answer:
    """Ask the local model at temperature 0 and keep the log-probability of each token it chose (the
    log-softmax of its logits at that step, before any grammar), as the backend returns them.

    ``logprobs=None`` asks for them when the backend declares it can (``supports_logprobs``), so a
    backend without them still answers (for routing on validity alone); True insists. ``json_schema``
    decodes under the schema (``supports_json_schema``). A course error, including a capability the
    backend lacks, becomes ``Answer.error``.
    """
    want = backend.supports_logprobs if logprobs is None else logprobs
    try:
        options = GenerationOptions(
            max_tokens=max_tokens, temperature=0.0, logprobs=want, json_schema=json_schema
        )
        return _answer(backend, messages, options)
    except CourseError as exc:
        return Answer("", 0.0, 0, 0, error=f"{type(exc).__name__}: {exc.message}")


def ask(backend: Backend, messages: Sequence[Message], *, max_tokens: int = MAX_TOKENS) -> Answer:
    """One request at temperature 0 to any backend: text, end-to-end time, token counts."""
    return _answer(backend, messages, GenerationOptions(max_tokens=max_tokens, temperature=0.0))


def _answer(backend: Backend, messages: Sequence[Message], options: GenerationOptions) -> Answer:
    """Run one request; its time is the stream's own (:data:`course.backends.base.clock`)."""
    stream = backend.chat(messages, options=options)
    e2e = (stream.finished_s or clock()) - (stream.started_s or clock())
    usage = stream.usage
    n_in, n_out = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
    return Answer(stream.text, e2e, n_in, n_out, tuple(stream.token_logprobs or ()))


def scored(answer: Answer, item: EvalItem | None) -> Answer:
    """``answer`` with ``correct`` set against ``item`` (unchanged without one)."""
    return dataclasses.replace(answer, correct=score_answer(item, answer.text).correct) if item else answer


class HybridRouter:
    """Route live over two course backends: ``local`` first, ``api`` as the fallback (an ``ApiBackend``:
    the stand-in offline, a real API when ``OPENAI_API_KEY`` is set). :meth:`route` answers one request
    and returns its record.

    The confidence signal needs a local backend that returns log-probabilities (``supports_logprobs``:
    the in-process model, a llama-server on loopback, ...), ``constrained`` one that decodes under a
    JSON schema (``supports_json_schema``); without them, ``RouterConfig(min_logprob=None,
    constrained=False)`` routes on the answer's validity alone.
    """

    def __init__(
        self,
        local: Backend,
        api: Backend,
        *,
        config: RouterConfig,
        prices: SidePrices,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        if not isinstance(local, Backend) or not isinstance(api, Backend):
            raise ConfigError(
                "local and api must be course backends.", fix="Pass e.g. InProcessBackend() and api."
            )
        if config.min_logprob is not None and not local.supports_logprobs:
            raise ConfigError(
                "The confidence signal is the local model's token log-probabilities; the local side "
                f"({type(local).__name__}: {local.info().model}) does not return them.",
                fix="Pass a local backend that does (InProcessBackend, or the backend() of a llama-server on "
                "loopback), or RouterConfig(min_logprob=None) to route on the answer's validity alone.",
            )
        if config.constrained and not local.supports_json_schema:
            raise ConfigError(
                "Constrained decoding needs a local backend that decodes under a JSON schema; the local "
                f"side ({type(local).__name__}: {local.info().model}) cannot.",
                fix="Pass a local backend that can (InProcessBackend, a llama-server on loopback), or "
                "RouterConfig(constrained=False).",
            )
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise ConfigError(
                f"max_tokens is {max_tokens!r}.", fix="Pass a whole number of tokens, 1 or more."
            )
        self.local, self.api = local, api
        self.config, self.prices, self.max_tokens = config, prices, max_tokens

    def route(
        self,
        messages: Sequence[Message],
        *,
        schema: Mapping[str, Any] | None,
        request_id: str = "",
        item: EvalItem | None = None,
    ) -> RoutedRequest:
        """Answer one request; with ``item`` (an evaluation item: its right answer), score it too."""
        config = self.config
        rule_match = config.rule.match(request_text(messages)) if config.rule else None
        local = validation = None
        if rule_match is None:
            answer = local_answer(
                self.local,
                messages,
                max_tokens=self.max_tokens,
                json_schema=schema if config.constrained else None,
                logprobs=True if config.min_logprob is not None else None,  # None: when it returns them
            )
            local = scored(answer, item)
            validation = validate_answer(local.text, schema)
        decision = decide(config=config, rule_match=rule_match, local=local, validation=validation)
        api = None
        if decision.route == "api":
            try:
                api = scored(ask(self.api, messages, max_tokens=self.max_tokens), item)
            except CourseError as exc:  # the API backend has retried already: fail gracefully
                failed = f"{type(exc).__name__}: {exc.message}"
                api = Answer("", 0.0, 0, 0, correct=False if item else None, error=failed)
        return routed_request(
            decision,
            request_id=request_id or (item.id if item else ""),
            policy="router",
            local=local,
            api=api,
            schema=schema,
            prices=self.prices,
            signal=config.signal,
            item=item,
        )


# -- summaries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicySummary:
    """One policy over a set of requests: blended cost and quality, and who answered."""

    policy: str
    n_requests: int
    accuracy: float
    usd_per_1k_requests: float
    usd_per_1k_correct: float  # inf when nothing was correct
    local_share: float  # answered by the local model
    api_share: float  # reached (and was billed by) the API
    latency_p50_s: float
    latency_p90_s: float
    chain: (
        ChainResult  # course.economics.fallback_chain's view: each tier's reach, answers and cost per request
    )


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def measured_tiers(records: Sequence[RoutedRequest]) -> tuple[float, list[Tier], list[Tier]]:
    """Lesson 07's tiers, measured: ``(easy_share, easy_chain, hard_chain)`` for ``routed_by_difficulty``.

    The easy chain is local then API (requests the local model tried), the hard chain the API alone
    (requests a rule sent straight there). Each tier's price and accuracy are means over the requests
    it answered; the local tier's ``escalate_share`` is the share of its requests it passed on.
    """
    if not records:
        raise ConfigError("No routed requests to summarise.", fix="Route or replay at least one request.")
    if any(r.correct is None for r in records):
        raise ConfigError(
            "Some requests have no right answer to score against.",
            fix="Summarise requests routed with item= (or replayed from evaluation items).",
        )
    tried = [r for r in records if r.local_tried]
    direct = [r for r in records if not r.local_tried]
    kept = [r for r in tried if not r.api_called]
    passed = [r for r in tried if r.api_called]

    def accuracy(rows: list[RoutedRequest]) -> float:
        return _mean(float(bool(r.correct)) for r in rows)

    local = Tier(
        name="local",
        usd_per_request=_mean(r.local_usd for r in tried),
        accuracy=accuracy(kept),
        escalate_share=len(passed) / len(tried) if tried else 0.0,
    )
    after = Tier(name="API", usd_per_request=_mean(r.api_usd for r in passed), accuracy=accuracy(passed))
    alone = Tier(name="API", usd_per_request=_mean(r.api_usd for r in direct), accuracy=accuracy(direct))
    return len(tried) / len(records), [local, after], [alone]


def summarise(records: Sequence[RoutedRequest], *, policy: str | None = None) -> PolicySummary:
    """Blended USD per 1k requests and per 1k correct answers, accuracy, local share, latency."""
    easy_share, easy, hard = measured_tiers(records)
    chain = routed_by_difficulty(easy_share=easy_share, easy_chain=easy, hard_chain=hard)
    tiers = {t.name: t for t in chain.tiers}
    latencies = [r.latency_s for r in records]
    return PolicySummary(
        policy=policy or records[0].policy,
        n_requests=len(records),
        accuracy=chain.accuracy,
        usd_per_1k_requests=1000 * chain.usd_per_request,
        usd_per_1k_correct=1000 * chain.usd_per_correct_answer,
        local_share=tiers["local"].answer_share,
        api_share=tiers["API"].reach_share,
        latency_p50_s=percentile(latencies, 50),
        latency_p90_s=percentile(latencies, 90),
        chain=chain,
    )


def summary_table(summaries: Iterable[PolicySummary]) -> pd.DataFrame:
    """One row per policy, units in the column names."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "policy": s.policy,
                "requests": s.n_requests,
                "accuracy %": 100 * s.accuracy,
                "USD per 1k requests": s.usd_per_1k_requests,
                "USD per 1k correct": s.usd_per_1k_correct,
                "answered locally %": 100 * s.local_share,
                "reached the API %": 100 * s.api_share,
                "latency p50 (ms)": 1000 * s.latency_p50_s,
                "latency p90 (ms)": 1000 * s.latency_p90_s,
            }
            for s in summaries
        ]
    )


def records_frame(records: Iterable[RoutedRequest]) -> pd.DataFrame:
    """One row per routed request: every field of :class:`RoutedRequest`, plus ``usd``."""
    import pandas as pd

    return pd.DataFrame([{**dataclasses.asdict(r), "usd": r.usd} for r in records])


def reasons_table(records: Iterable[RoutedRequest]) -> pd.DataFrame:
    """How many requests each reason sent where, and how many of those were answered right."""
    frame = records_frame(records)
    if frame.empty:
        raise ConfigError("No routed requests.", fix="Route or replay at least one request.")
    table = frame.groupby(["route", "reason"], sort=False).agg(
        requests=("request_id", "size"), correct=("correct", "sum")
    )
    table["share %"] = 100 * table["requests"] / len(frame)
    return table.reset_index()
