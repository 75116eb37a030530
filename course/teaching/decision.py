"""Decision frameworks from the source articles, each returning a recommendation WITH its reasons.

- :func:`six_question_flow`: article 003's six ordered questions (2026-05): the first question that
  fires decides.
- :func:`score_matrix`: article 004's six dimensions scored 1 (favours closed) to 5 (favours open),
  summed to 6-30 and read against its band table.
- :func:`apply_decision_tree`: article 002's decision tree (2026-04-29), task → choice.
- :data:`WORKED_SCENARIOS`: article 004's three worked scenarios as data, with one reading of each
  as flow answers and matrix scores; :data:`WHEN_NOT`: article 002's "when NOT to use" lists.

Both report ``warnings`` where the framework's own shortcut hides something (a later question that
contradicts the answer, a blocker averaged away by a sum, the article's two band rules disagreeing).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import Enum
from typing import Literal

from course.economics.costs import ApiPlan
from course.economics.prices import reference_model
from course.errors import ConfigError


class Recommendation(str, Enum):
    CLOSED_API = "Closed API"
    OPEN_SELF_HOSTED = "Open model, self-hosted"
    EVALUATE_OPEN = "Evaluate open models (cost)"
    OPEN_FINE_TUNED = "Open model + fine-tuning"
    HYBRID = "Hybrid: closed for hard tasks, open for volume"
    OPEN_PRIMARY = "Open models primary"
    OPEN_ONLY = "Open models only"
    OPEN_OR_PRIVATE_FRONTIER = "Open self-hosted, or a frontier model in a private deployment"
    DEPENDS = "Depends on the details"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FlowStep:
    """One question of the flow as asked."""

    number: int
    question: str
    answer: str
    fired: bool
    outcome: Recommendation | None


@dataclass(frozen=True)
class DimensionScore:
    key: str
    title: str
    score: int
    meaning: str
    leans: str  # "closed", "either" or "open"


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    recommendation: Recommendation
    meaning: str


@dataclass(frozen=True)
class Decision:
    """A framework's answer: what to do, why, and how it got there."""

    framework: str
    recommendation: Recommendation
    reasons: tuple[str, ...]
    path: tuple[FlowStep, ...] = ()  # the flow's questions, up to the one that decided
    scores: tuple[DimensionScore, ...] = ()  # the matrix's dimensions
    total: int | None = None
    band: Band | None = None
    warnings: tuple[str, ...] = ()


# --- article 003: six ordered questions --------------------------------------------------------------

VOLUME_THRESHOLD_TOKENS_PER_DAY = 5e6


@dataclass(frozen=True, kw_only=True)
class FlowAnswers:
    """Answers to article 003's six questions."""

    privacy_constraint: bool  # Q1: privacy or compliance rules on the data
    frontier_reasoning: bool  # Q2: frontier reasoning or agentic task
    has_ml_team: bool  # Q3: someone who can run inference infrastructure
    tokens_per_day: float  # Q4: compared with VOLUME_THRESHOLD_TOKENS_PER_DAY
    narrow_task: bool  # Q5: narrow, well-defined task with training data
    needs_offline: bool  # Q6: on-device or offline

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "tokens_per_day":
                if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
                    raise ConfigError(
                        f"tokens_per_day is {value!r}.", fix="Pass a volume of 0 or more tokens."
                    )
            elif not isinstance(value, bool):
                raise ConfigError(
                    f"{f.name} is {value!r}, not True/False.", fix=f"Answer {f.name} with a bool."
                )


QUESTIONS = (
    "Does the data carry privacy or compliance constraints?",
    "Is this a frontier reasoning or agentic task?",
    "Is there an ML engineer or infrastructure team?",
    "Is the volume above 5M tokens/day?",
    "Is the task narrow and domain-specific?",
    "Must it run on-device or offline?",
)
_WHY = {
    1: "Data that may not leave your infrastructure rules out third-party APIs: a legal choice, not a "
    "performance one.",
    2: "Closed frontier models still lead on long multi-step reasoning and tool use; open models here "
    "mean accepting a quality penalty.",
    3: "Self-hosting needs someone to run inference servers, GPUs, updates and monitoring; without that "
    "person the API is the correct option, not the lazy one.",
    4: "Above this volume API bills grow large enough that self-hosting savings may pay for the setup: run "
    "the break-even numbers.",
    5: "A narrow task with training data is where a fine-tuned small open model can beat a general "
    "frontier model, at a fraction of the cost per token.",
    6: "A closed API needs the network by definition; only open weights run on-device or offline.",
}


def six_question_flow(
    answers: FlowAnswers, *, volume_threshold_tokens_per_day: float = VOLUME_THRESHOLD_TOKENS_PER_DAY
) -> Decision:
    """Article 003's flow: ask the questions in order; the first that fires decides; else closed API.

    The article sets its volume line at 5M tokens/DAY in question 4 but at ~5M tokens/MONTH in its
    headline, a 30x gap; this function uses question 4's per-day figure (change it with the keyword).
    The order has shortcuts the article does not mention; they come back as ``warnings``.
    """
    fires = (
        (
            answers.privacy_constraint,
            "yes" if answers.privacy_constraint else "no",
            Recommendation.OPEN_SELF_HOSTED,
        ),
        (
            answers.frontier_reasoning,
            "yes" if answers.frontier_reasoning else "no",
            Recommendation.CLOSED_API,
        ),
        (not answers.has_ml_team, "yes" if answers.has_ml_team else "no", Recommendation.CLOSED_API),
        (
            answers.tokens_per_day > volume_threshold_tokens_per_day,
            f"{answers.tokens_per_day:,.0f} tokens/day vs {volume_threshold_tokens_per_day:,.0f}",
            Recommendation.EVALUATE_OPEN,
        ),
        (answers.narrow_task, "yes" if answers.narrow_task else "no", Recommendation.OPEN_FINE_TUNED),
        (answers.needs_offline, "yes" if answers.needs_offline else "no", Recommendation.OPEN_ONLY),
    )
    path: list[FlowStep] = []
    decided: FlowStep | None = None
    for number, (fired, answer, outcome) in enumerate(fires, start=1):
        step = FlowStep(number, QUESTIONS[number - 1], answer, fired, outcome if fired else None)
        path.append(step)
        if fired:
            decided = step
            break
    if decided is None or decided.outcome is None:
        recommendation = Recommendation.CLOSED_API
        reasons = (
            "No question fired: the default is a closed API.",
            "Start fast, validate the product, and revisit open models when volume or needs change.",
        )
    else:
        recommendation = decided.outcome
        reasons = (f"Q{decided.number} ({decided.question}) answered {decided.answer}.", _WHY[decided.number])
    return Decision(
        framework="six-question flow (article 003)",
        recommendation=recommendation,
        reasons=reasons,
        path=tuple(path),
        warnings=_flow_warnings(answers, recommendation, decided.number if decided else 7, fires),
    )


def _flow_warnings(
    answers: FlowAnswers, recommendation: Recommendation, stop: int, fires: tuple
) -> tuple[str, ...]:
    notes = []
    if answers.needs_offline and recommendation is not Recommendation.OPEN_ONLY:
        notes.append(
            f"Q6 also holds (on-device/offline): open weights are the ONLY option there, yet the order "
            f"stopped at Q{stop}. A closed API cannot run offline: resolve this conflict first."
        )
    if stop == 1 and not answers.has_ml_team:
        notes.append(
            "No ML/infra team (Q3) but Q1 already chose self-hosting: budget for that team, or use a "
            "private deployment of a frontier model (Azure OpenAI, Bedrock in your VPC, Vertex with data "
            "residency; article 002) if compliance accepts it."
        )
    if stop == 1 and answers.frontier_reasoning:
        notes.append(
            "The task also needs frontier reasoning (Q2): an open model will trail on it; a compliant "
            "private deployment of a frontier model may keep the quality (article 002)."
        )
    later = [n for n, (fired, _, _) in enumerate(fires, start=1) if fired and n > stop and n != 6]
    if later:
        notes.append(
            f"Not reached, as an earlier question decided: Q{', Q'.join(map(str, later))} would also fire."
        )
    return tuple(notes)


# --- article 004: six dimensions scored 1-5 ----------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    question: str
    levels: tuple[str, str, str, str, str]  # what a score of 1..5 means


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("capability", "Capability", "How hard is the hardest task the system must do?", (
        "frontier reasoning, complex code or multimodal work",
        "strong reasoning in a specialist domain",
        "solid general text generation and analysis",
        "classification, extraction, summaries, simple Q&A",
        "one narrow task a small fine-tuned model can learn (format conversion, routing)",
    )),
    Dimension("privacy", "Data privacy", "Where may the data go?", (
        "public data, no constraint",
        "internal data under ordinary company policy (an enterprise agreement covers it)",
        "customer personal data with consent to process it",
        "regulated data (health records, GDPR special categories, financial)",
        "classified or air-gapped: no external call allowed",
    )),
    Dimension("cost_volume", "Cost and volume", "How many tokens a day, and what budget?", (
        "under 100K tokens/day",
        "100K-1M tokens/day",
        "1-5M tokens/day: the break-even zone",
        "5-50M tokens/day",
        "over 50M tokens/day",
    )),
    Dimension("ops_tolerance", "Ops tolerance", "Can the team run ML infrastructure?", (
        "no ML infrastructure experience, small team",
        "cloud basics, no GPU or ML operations",
        "solid DevOps, willing to learn ML operations",
        "an ML platform team or dedicated MLOps engineers",
        "a large ML infrastructure team that runs GPU clusters",
    )),
    Dimension("fine_tuning", "Fine-tuning need", "How much must the model's behaviour be customised?", (
        "none: general prompting works",
        "light: few-shot prompts are enough",
        "moderate: an API's fine-tuning could do",
        "heavy: domain adaptation, specialised behaviour",
        "continuous fine-tuning, several specialised models",
    )),
    Dimension("latency", "Latency", "What response time does the product need?", (
        "2-5 s is fine (batch, async)",
        "1-2 s (an ordinary web app)",
        "0.5-1 s (interactive)",
        "under 500 ms (real-time features, autocomplete)",
        "under 100 ms (inline suggestions, edge devices)",
    )),
)  # fmt: skip

BANDS: tuple[Band, ...] = (
    Band(6, 12, Recommendation.CLOSED_API, "Simplicity and capability win: use closed APIs."),
    Band(
        13,
        18,
        Recommendation.HYBRID,
        "Closed models for complex tasks, open ones for volume or private data.",
    ),
    Band(
        19,
        24,
        Recommendation.OPEN_PRIMARY,
        "The economics and requirements justify building the infrastructure.",
    ),
    Band(25, 30, Recommendation.OPEN_ONLY, "Privacy, scale or customisation make closed models unviable."),
)


@dataclass(frozen=True, kw_only=True)
class MatrixScores:
    """One score per dimension: 1 strongly favours closed models, 5 strongly favours open ones."""

    capability: int
    privacy: int
    cost_volume: int
    ops_tolerance: int
    fine_tuning: int
    latency: int

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise ConfigError(
                    f"The {f.name} score is {value!r}; scores are whole numbers from 1 to 5.",
                    fix="Score each dimension 1 (strongly favours closed) to 5 (strongly favours open).",
                )

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


def band_for_total(total: int) -> Band:
    """The article's band TABLE: 6-12 closed, 13-18 hybrid, 19-24 open primary, 25-30 open only."""
    for band in BANDS:
        if band.low <= total <= band.high:
            return band
    raise ConfigError(f"A total of {total} is outside 6-30.", fix="Sum six scores of 1-5.")


def text_rule_for_total(total: int) -> Recommendation:
    """The article's PROSE rule: "above 18 ... open source", "below 12 ... closed", "between 12-18 hybrid".

    It disagrees with the band table at exactly 12 (prose: hybrid; table: closed) and has no
    open-only band. :func:`score_matrix` follows the table and warns at 12.
    """
    if total < 12:
        return Recommendation.CLOSED_API
    return Recommendation.HYBRID if total <= 18 else Recommendation.OPEN_PRIMARY


def _leans(score: int) -> str:
    return "closed" if score <= 2 else ("either" if score == 3 else "open")


def score_matrix(scores: MatrixScores, *, data_cannot_leave_vpc: bool = False) -> Decision:
    """Article 004's matrix: sum the six scores and read the band table.

    Privacy scored 5, or data that cannot leave your VPC, overrides every other dimension (the article's
    rule): the answer is then open models only, whatever the total. Note the article's two rules for the
    bands disagree at 12 (see :func:`text_rule_for_total`); the table is used here. The article also pairs
    each volume score with a budget band ($500/month at 100K tokens/day) that list prices do not
    produce (100K tokens/day is a few dollars a month at GPT-4o's price): score on volume.
    """
    if not isinstance(data_cannot_leave_vpc, bool):
        raise ConfigError(f"data_cannot_leave_vpc is {data_cannot_leave_vpc!r}.", fix="Pass True or False.")
    rows = tuple(
        DimensionScore(d.key, d.title, s, d.levels[s - 1], _leans(s))
        for d in DIMENSIONS
        for s in (getattr(scores, d.key),)
    )
    total = scores.total
    band = band_for_total(total)
    reasons = [f"{r.title} {r.score}/5: {r.meaning} (leans {r.leans})." for r in rows]
    warnings = []
    override = scores.privacy == 5 or data_cannot_leave_vpc
    if override:
        cause = "privacy is scored 5" if scores.privacy == 5 else "the data cannot leave your VPC"
        recommendation = Recommendation.OPEN_ONLY
        reasons.insert(0, f"Override: {cause}, which rules out every external API whatever the other scores.")
        reasons.append(
            f"Without the override the total {total}/30 would read as: {band.recommendation.value}."
        )
    else:
        recommendation = band.recommendation
        reasons.append(f"Total {total}/30 is in the {band.low}-{band.high} band: {band.meaning}")
    if (
        text_rule_for_total(total) is Recommendation.HYBRID
        and band.recommendation is Recommendation.CLOSED_API
    ):
        warnings.append(
            "At 12 the article contradicts itself: its prose says 'below 12 closed, 12-18 hybrid' (so "
            "hybrid) while its band table puts 6-12 in closed. This follows the table."
        )
    if not override and recommendation is not Recommendation.CLOSED_API:
        if scores.capability == 1:
            warnings.append(
                "Capability is 1 (the hardest task needs a frontier model) but the sum outvoted it: keep a "
                "closed model for that task."
            )
        if scores.ops_tolerance == 1:
            warnings.append(
                "Ops tolerance is 1 (no one to run GPUs): a managed open-model API (Together, Fireworks, "
                "Groq) gives open weights without running them yourself."
            )
    return Decision(
        framework="scoring matrix (article 004)",
        recommendation=recommendation,
        reasons=tuple(reasons),
        scores=rows,
        total=total,
        band=band,
        warnings=tuple(warnings),
    )


# --- article 002: a decision tree, task -> choice ----------------------------------------------------

Leans = Literal["open", "closed", "either"]


@dataclass(frozen=True)
class TreeBranch:
    """One line of article 002's tree: a kind of task and the choice it points to."""

    key: str
    task: str
    choice: str
    leans: Leans
    recommendation: Recommendation


DECISION_TREE: tuple[TreeBranch, ...] = (
    TreeBranch("high_volume_text", "High-volume text processing, low cost wanted",
               "open model, self-hosted", "open", Recommendation.OPEN_SELF_HOSTED),
    TreeBranch("customer_facing_agent", "Customer-facing AI agent, quality critical",
               "frontier API", "closed", Recommendation.CLOSED_API),
    TreeBranch("compliance", "Compliance or data-residency requirement",
               "open self-hosted, or a frontier model in a private deployment", "either",
               Recommendation.OPEN_OR_PRIVATE_FRONTIER),
    TreeBranch("embeddings", "Embeddings", "open embedding model (BGE-M3, Jina, Nomic)", "open",
               Recommendation.OPEN_SELF_HOSTED),
    TreeBranch("long_context", "Long context (over 200K tokens)", "a frontier long-context model (the "
               "article names Gemini 2.5 Pro, since retired from the Gemini API)", "closed",
               Recommendation.CLOSED_API),
    TreeBranch("multilingual", "Multilingual product", "frontier API", "closed", Recommendation.CLOSED_API),
    TreeBranch("coding_agent", "Coding agent", "depends: an open coder for Python/JS at scale, a frontier "
               "model for many languages or complex tasks", "either", Recommendation.DEPENDS),
    TreeBranch("domain_fine_tuning", "Domain fine-tuning needed", "open model", "open",
               Recommendation.OPEN_FINE_TUNED),
)  # fmt: skip
TREE_KEYS = tuple(b.key for b in DECISION_TREE)


def apply_decision_tree(tasks: Iterable[str]) -> Decision:
    """Article 002's tree on every task that describes the workload (keys of :data:`TREE_KEYS`).

    The tree gives one choice per task and says nothing when a workload matches several: branches
    that lean different ways come back as a hybrid with a warning, which is how the article's own
    "practical hybrid pattern" resolves them.
    """
    keys = list(dict.fromkeys(tasks))
    unknown = [k for k in keys if k not in TREE_KEYS]
    if unknown or not keys:
        raise ConfigError(
            f"Unknown or missing tree tasks: {unknown or 'none given'}.",
            fix=f"Use some of: {', '.join(TREE_KEYS)}.",
        )
    branches = [b for b in DECISION_TREE if b.key in keys]
    reasons = tuple(f"{b.task} → {b.choice}." for b in branches)
    leans = {b.leans for b in branches}
    warnings: list[str] = []
    if len(branches) == 1:
        recommendation = branches[0].recommendation
    elif {"open", "closed"} <= leans:
        recommendation = Recommendation.HYBRID
        warnings.append(
            "The tree points both ways for this workload and gives no rule to choose: split it, sending each "
            "kind of request to its own side (article 002's hybrid pattern), or rank the branches yourself."
        )
    elif "open" in leans:
        opens = {b.recommendation for b in branches if b.leans == "open"}
        recommendation = opens.pop() if len(opens) == 1 else Recommendation.OPEN_SELF_HOSTED
    elif "closed" in leans and "compliance" in keys:
        recommendation = Recommendation.OPEN_OR_PRIVATE_FRONTIER
        warnings.append(
            "Compliance narrows the closed branches to frontier models in a private deployment "
            "(Azure OpenAI, Bedrock in your VPC, Vertex AI with data residency)."
        )
    elif "closed" in leans:
        recommendation = Recommendation.CLOSED_API
    else:
        recommendation = Recommendation.DEPENDS
    return Decision(
        framework="decision tree (article 002)",
        recommendation=recommendation,
        reasons=reasons,
        warnings=tuple(warnings),
    )


# --- article 002: when NOT to use each side -----------------------------------------------------------

WHEN_NOT: dict[str, tuple[str, ...]] = {
    "open": (
        "A mission-critical product with a team of 1-3 engineers: keeping an inference stack up swallows "
        "the roadmap.",
        "Long-horizon reasoning (research, multi-step planning): prompt-engineering around an open model's "
        "limits costs more than the API bill it saves.",
        "Before product-market fit: iteration speed and quality matter more than infrastructure savings.",
    ),
    "frontier": (
        "Data you may not legally send to a US-based API: self-host, or use a region-isolated deployment.",
        "Inference cost is the bottleneck of your unit economics (billions of tokens, e.g. moderation).",
        "A fine-tuned small open model measurably beats prompting a frontier one on your task.",
        "You value weights you can audit, modify and ship: a values choice, and a legitimate one.",
    ),
}


# --- article 004: three worked scenarios ------------------------------------------------------------


@dataclass(frozen=True)
class WorkedScenario:
    """One of article 004's scenarios: what the article decided and why, plus one reading of it for each
    framework.

    ``flow``, ``matrix`` and ``tree_tasks`` are the course's reading of the article's text, not the
    article's: where the text gives no number, ``assumptions`` says what was assumed.
    """

    key: str
    title: str
    context: str
    source_decision: Recommendation
    source_reasons: tuple[str, ...]
    flow: FlowAnswers
    matrix: MatrixScores
    data_cannot_leave_vpc: bool
    tree_tasks: tuple[str, ...]
    assumptions: str


#: The API price article 004's volumes imply: its cost table puts 1M tokens a day at about USD 750 a month
#: (750 / 30 days = USD 25 per 1M tokens). Not a list price of any model; see article_price_note().
ARTICLE_004_USD_PER_MTOK = 25.0


def article_price_note() -> str:
    """How article 004's implied API price compares with the course's frontier reference model today."""
    frontier = reference_model("frontier")
    blended = ApiPlan.from_price(frontier, input_share=0.75).blended_usd_per_mtok
    return (
        f"Article 004's volumes assume about USD {ARTICLE_004_USD_PER_MTOK:g} per 1M tokens (its table: "
        f"USD 750 a month for 1M tokens a day). {frontier.name}, the course's frontier reference, blends to "
        f"USD {blended:.2f} per 1M at 75% input tokens (list price as of {frontier.as_of}), "
        f"{ARTICLE_004_USD_PER_MTOK / blended:.1f}x less: the same monthly bills would buy that many times "
        "the tokens today, so read the volumes below as the article's, not as today's."
    )


WORKED_SCENARIOS: tuple[WorkedScenario, ...] = (
    WorkedScenario(
        key="health",
        title="A: health-care start-up, patient chatbot under HIPAA",
        context="Patient-facing chatbot on medications, symptoms and treatment plans; it processes protected "
        "health information; 50,000 patient interactions a day.",
        source_decision=Recommendation.OPEN_SELF_HOSTED,
        source_reasons=(
            "Compliance required the data never to leave the company's AWS VPC (a BAA alone was not enough).",
            "LoRA fine-tuning of Llama 3.1 70B on 5,000 verified medical Q&A pairs: 15% more accurate than "
            "GPT-4 on their own evaluation set.",
            "APIs would exceed USD 15,000/month; 4 A100 GPUs cost USD 6,000/month.",
        ),
        flow=FlowAnswers(
            privacy_constraint=True, frontier_reasoning=False, has_ml_team=True, tokens_per_day=20e6,
            narrow_task=True, needs_offline=False,
        ),
        matrix=MatrixScores(
            capability=2, privacy=4, cost_volume=4, ops_tolerance=4, fine_tuning=4, latency=2
        ),
        data_cannot_leave_vpc=True,
        tree_tasks=("compliance", "domain_fine_tuning"),
        assumptions="20M tokens/day: what USD 15,000/month means at article 004's own USD 25 per 1M tokens "
        "(400 tokens an interaction).",
    ),
    WorkedScenario(
        key="internal",
        title="B: 500-person software company, internal productivity tools",
        context="Code review, document summaries and meeting notes for staff; no regulated data; 5,000 "
        "requests a day across all features; no one with GPU experience.",
        source_decision=Recommendation.CLOSED_API,
        source_reasons=(
            "Shipped meeting summaries in two weeks on an API; self-hosting would have taken two months.",
            "Code review needs multi-file reasoning; Llama 3.1 70B missed subtle bugs in their evaluation.",
            "About USD 800/month on APIs against USD 3,000+/month for A100s.",
            "No MLOps team; routing sends summaries to GPT-4o mini and code review to Claude Sonnet.",
        ),
        flow=FlowAnswers(
            privacy_constraint=False, frontier_reasoning=True, has_ml_team=False, tokens_per_day=4e6,
            narrow_task=False, needs_offline=False,
        ),
        matrix=MatrixScores(
            capability=1, privacy=2, cost_volume=2, ops_tolerance=1, fine_tuning=1, latency=2
        ),
        data_cannot_leave_vpc=False,
        tree_tasks=("coding_agent",),
        assumptions="4M tokens/day: 5,000 requests of about 800 tokens (the article gives no token count).",
    ),
    WorkedScenario(
        key="support",
        title="C: customer-support platform, 200,000 tickets a day",
        context="Most tickets are simple routing and auto-replies; a subset needs complex technical "
        "troubleshooting.",
        source_decision=Recommendation.HYBRID,
        source_reasons=(
            "All on GPT-4o would cost USD 40,000+/month; 80% on a self-hosted Llama 3.1 8B brings the blend "
            "to USD 12,000/month.",
            "Classification and templated replies work on an 8B model fine-tuned on 10,000 tickets; "
            "troubleshooting needs frontier reasoning.",
            "Started 100% on the API and moved simple work over as the team built MLOps skills.",
        ),
        flow=FlowAnswers(
            privacy_constraint=False, frontier_reasoning=True, has_ml_team=True, tokens_per_day=53e6,
            narrow_task=True, needs_offline=False,
        ),
        matrix=MatrixScores(
            capability=2, privacy=2, cost_volume=5, ops_tolerance=3, fine_tuning=4, latency=2
        ),
        data_cannot_leave_vpc=False,
        tree_tasks=("high_volume_text", "customer_facing_agent", "domain_fine_tuning"),
        assumptions="53M tokens/day: what USD 40,000/month means at USD 25 per 1M tokens (about 270 tokens a "
        "ticket). Q2 is answered yes because part of the workload needs frontier reasoning.",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ScenarioRun:
    scenario: WorkedScenario
    flow: Decision
    matrix: Decision
    tree: Decision


def run_scenario(scenario: WorkedScenario) -> ScenarioRun:
    """All three frameworks on one worked scenario."""
    return ScenarioRun(
        scenario,
        six_question_flow(scenario.flow),
        score_matrix(scenario.matrix, data_cannot_leave_vpc=scenario.data_cannot_leave_vpc),
        apply_decision_tree(scenario.tree_tasks),
    )


# --- all three on one workload --------------------------------------------------------------------

STANDING_CAVEATS = (
    "Measure quality on 200-500 of your own examples before committing (lesson 02): every framework here "
    "takes capability as an answer you give, not a number it measures.",
    "Price both sides with your own volume, mix and throughput (lesson 03); the frameworks' volume lines are "
    "rules of thumb from articles that disagree with each other.",
    "Nobody can predict the open-vs-frontier gap 12 months out: both sides release every few months and "
    "prices move without notice. Keep switching cheap (an OpenAI-compatible interface, your own evaluation "
    "suite) and re-run this decision every quarter.",
)


@dataclass(frozen=True)
class Comparison:
    """The three frameworks on one workload, whether they agree, and the caveats that go with the answer."""

    decisions: tuple[Decision, ...]
    agree: bool
    summary: str
    caveats: tuple[str, ...]


def compare_frameworks(
    *,
    flow: FlowAnswers,
    matrix: MatrixScores,
    tree_tasks: Iterable[str],
    data_cannot_leave_vpc: bool = False,
) -> Comparison:
    """Article 003's flow, article 004's matrix and article 002's tree on the same workload, side by side."""
    decisions = (
        six_question_flow(flow),
        score_matrix(matrix, data_cannot_leave_vpc=data_cannot_leave_vpc),
        apply_decision_tree(tree_tasks),
    )
    answers = {d.recommendation for d in decisions}
    agree = len(answers) == 1
    named = "; ".join(f"the {d.framework} says {d.recommendation.value}" for d in decisions)
    if agree:
        summary = f"All three frameworks agree: {decisions[0].recommendation.value}."
    else:
        summary = (
            f"The frameworks disagree: {named}. Find the answer that separates them (usually capability, "
            "volume or a hard constraint) and settle it with a measurement, not a vote."
        )
    caveats = tuple(dict.fromkeys(w for d in decisions for w in d.warnings)) + STANDING_CAVEATS
    return Comparison(decisions, agree, summary, caveats)
