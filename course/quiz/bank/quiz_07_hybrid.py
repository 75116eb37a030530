"""Quiz 07 · Hybrid and migration (lesson 07): routing with a fallback chain, a phased migration with quality
gates, monitoring both paths, router products versus your own.

Blended cost and quality come from :mod:`course.economics.fallback_chain`, the migration gate from
:func:`course.routing.migration.check_gate` (quality within 5% of the API's, relative), cost per quality point
from :mod:`course.economics.quality_cost`: the functions lesson 07 and lab 06 use.
"""

from course.economics.fallback_chain import Tier, routed_by_difficulty
from course.economics.quality_cost import usd_per_quality_point
from course.quiz.bank.sources import SOURCE_000, SOURCE_002, SOURCE_003, SOURCE_004, cite
from course.quiz.model import (
    Case,
    Code,
    CodeTest,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Part,
    Quiz,
)
from course.routing.migration import WeekMetrics, check_gate

# q01-q02: a support desk of 200,000 tickets a day; all on the frontier model would cost USD 40,000 a month
Q01_REQUESTS = 200_000 * 30
Q01_FRONTIER_USD = 40_000 / Q01_REQUESTS
Q01_SMALL_USD = 800 / (0.80 * Q01_REQUESTS)  # a flat USD 800 a month, spread over the tickets it gets


def _q01_usd_per_month(*, escalate: float) -> float:
    small = Tier(name="8B", usd_per_request=Q01_SMALL_USD, accuracy=0.95, escalate_share=escalate)
    frontier = Tier(name="frontier", usd_per_request=Q01_FRONTIER_USD, accuracy=0.88)
    result = routed_by_difficulty(easy_share=0.80, easy_chain=(small, frontier), hard_chain=(frontier,))
    return result.usd_per_request * Q01_REQUESTS


def _q02_quality(easy: float, hard: float) -> float:
    return routed_by_difficulty(
        easy_share=0.80,
        easy_chain=(Tier(name="easy", usd_per_request=0.0, accuracy=easy),),
        hard_chain=(Tier(name="hard", usd_per_request=0.0, accuracy=hard),),
    ).accuracy


# q05: the gate of lesson 07, stage by stage
STAGES = ("shadow", "canary", "25%", "50%", "75%", "full")


def _next_stage(stage: str, quality_open: float | None, quality_api: float, days_at_stage: int) -> str:
    """The expected answer, from the course's own gate (course.routing.migration.check_gate)."""
    action = check_gate(WeekMetrics(quality_open=quality_open, quality_api=quality_api)).action
    i = STAGES.index(stage)
    if action == "roll back":
        return STAGES[max(0, i - 1)]
    if action == "advance" and days_at_stage >= 7:
        return STAGES[min(i + 1, len(STAGES) - 1)]
    return stage


def _gate_case(stage: str, quality_open: float | None, quality_api: float, days: int, **kw: bool) -> Case:
    call = (
        f'next_stage(stage="{stage}", quality_open={quality_open}, quality_api={quality_api}, '
        f"days_at_stage={days})"
    )
    return Case(call, _next_stage(stage, quality_open, quality_api, days), **kw)


# q09: cost per quality point
Q09_API = usd_per_quality_point(6_800, 92)
Q09_SELF = usd_per_quality_point(2_610, 87)

QUIZ = Quiz(
    quiz_id="quiz-07-hybrid",
    title="Hybrid and migration",
    intro=(
        "Thirteen scenarios about running open and frontier models side by side: routing by difficulty with "
        "a fallback chain, its blended cost and quality, a phased migration with quality gates, monitoring "
        "both paths, and router products versus your own. Every number you need is in the question; a month "
        "is 30 days unless the question says otherwise."
    ),
    questions=(
        Numeric(
            qid="q01",
            title="A support desk's blended bill",
            outcome="L07.1",
            article=cite(
                SOURCE_004, "Scenario C: 200,000 tickets/day, USD 40,000+/month all-frontier, USD 12,000"
            ),
            ideas=("004-24", "000-15", "002-22", "003-30"),
            scenario=(
                "Helpwise handles **200,000 support tickets a day**. Sending every ticket to its frontier "
                "API model would cost **USD 40,000 a month** (30 days). The team routes **80%** of tickets "
                "(classification and templated replies) to a fine-tuned **Llama 3.1 8B on two A10G GPUs** "
                "at a flat **USD 800 a month**, and **20%** (technical troubleshooting) to the frontier "
                "model at the same price per ticket as before.\n\nThen they add a fallback: when the 8B "
                "model's confidence is low, the ticket is **escalated** to the frontier model as well (the "
                "8B's work is already paid for). **10% of the tickets routed to the 8B** are escalated."
            ),
            parts=(
                Part(
                    var="q01a_blended_usd_per_month",
                    ask="Monthly cost of the 80/20 split, before escalations",
                    unit="USD per month",
                    answer=_q01_usd_per_month(escalate=0.0),
                    tolerance=1.0,
                    mistakes=(8000.0, 32800.0),
                ),
                Part(
                    var="q01b_with_escalation_usd_per_month",
                    ask="Monthly cost with the escalations",
                    unit="USD per month",
                    answer=_q01_usd_per_month(escalate=0.10),
                    tolerance=1.0,
                    mistakes=(8800.0 + 0.10 * 40000, 8800.0),
                ),
            ),
            explanation=(
                "Per ticket the frontier model costs 40,000 / (200,000 x 30) = USD 0.00667. Split: 20% of "
                "USD 40,000 = USD 8,000 plus the flat USD 800 = USD 8,800, 22% of the all-frontier bill. "
                "Escalations: 10% of the 80% = 8% of all tickets also go to the frontier model, adding 0.08 "
                "x 40,000 = USD 3,200: USD 12,000, 30% of the all-frontier bill. That is one set of "
                "assumptions that reproduces article 004's blended figure for its Scenario C (which used "
                "GPT-4o). A fallback chain is not free: every escalation pays twice. Slip: taking 10% of "
                "all tickets (USD 12,800). Lesson 07, 'A router by difficulty, with a fallback chain'."
            ),
        ),
        Numeric(
            qid="q02",
            title="What the router does to quality",
            outcome="L07.1",
            article=cite(SOURCE_004, "route simple tasks to Llama 8B, complex ones to the frontier")
            + "; "
            + cite(SOURCE_003, "the classification gap is small"),
            ideas=("003-27", "003-10"),
            scenario=(
                "Helpwise measured resolution quality on a labelled sample. **Easy tickets (80% of "
                "traffic)**: the fine-tuned 8B resolves **95%** correctly, the frontier model **96%**. "
                "**Hard tickets (20%)**: the frontier model resolves **88%**; the 8B only **61%**. The "
                "router sends easy tickets to the 8B and hard ones to the frontier model (ignore escalations "
                "here)."
            ),
            parts=(
                Part(
                    var="q02a_routed_quality",
                    ask="Share resolved correctly with the router",
                    unit="fraction (0-1)",
                    answer=_q02_quality(0.95, 0.88),
                    tolerance=0.002,
                    mistakes=((0.95 + 0.88) / 2, _q02_quality(0.95, 0.61)),
                ),
                Part(
                    var="q02b_all_8b_quality",
                    ask="Share resolved correctly if every ticket went to the 8B",
                    unit="fraction (0-1)",
                    answer=_q02_quality(0.95, 0.61),
                    tolerance=0.002,
                    mistakes=((0.95 + 0.61) / 2,),
                ),
            ),
            explanation=(
                "Blended quality is the traffic-weighted mean of each path's quality on the traffic it gets: "
                "0.8 x 0.95 + 0.2 x 0.88 = 0.936 with the router, against 0.944 with the frontier model "
                "everywhere and 0.882 with the 8B everywhere. The router gives up 0.8 points of quality for "
                "22-30% of the all-frontier cost (question 1, without and with escalations); sending "
                "everything to the 8B loses 6.2 points, almost all on the hard tickets. A plain average of "
                "the path qualities (0.915) ignores the traffic mix. Lesson 07, 'A router by difficulty'."
            ),
        ),
        Code(
            qid="q03",
            title="A routing rule with a fallback chain",
            outcome="L07.1",
            article=cite(SOURCE_004, "complexity classifier, routing logic and a fallback chain"),
            ideas=("004-24", "002-22"),
            scenario=(
                "Write the router's rule. It returns the **fallback chain**: the backends to try in order, "
                'joined by `" > "`. Backends: `"open-8b"`, `"open-70b"` and `"frontier"`. The open models '
                "accept prompts of up to **32,000 tokens**. A classifier gives each request a **difficulty** "
                "from 0 to 1.\n\n"
                '* A prompt **over 32,000 tokens** -> `"frontier"` only.\n'
                '* Otherwise, difficulty **below 0.3** -> `"open-8b > open-70b > frontier"`;\n'
                '* difficulty **below 0.7** -> `"open-70b > frontier"`;\n'
                '* otherwise -> `"frontier > open-70b"` (the open model answers when the API is down).\n\n'
                'Example: `route(difficulty=0.1, prompt_tokens=900)` returns `"open-8b > open-70b > '
                'frontier"`.'
            ),
            signature='''def route(*, difficulty: float, prompt_tokens: int) -> str:
    """The fallback chain for one request, backends joined by ' > '."""''',
            solution="""    if prompt_tokens > 32000:
        return "frontier"
    if difficulty < 0.3:
        return "open-8b > open-70b > frontier"
    if difficulty < 0.7:
        return "open-70b > frontier"
    return "frontier > open-70b\"""",
            tests=(
                CodeTest(
                    points=1,
                    explanation=(
                        "Each difficulty band gets its own chain, the boundaries belonging to the band above."
                    ),
                    cases=(
                        Case(
                            "route(difficulty=0.1, prompt_tokens=900)",
                            "open-8b > open-70b > frontier",
                            hidden=False,
                        ),
                        Case("route(difficulty=0.3, prompt_tokens=900)", "open-70b > frontier"),
                        Case("route(difficulty=0.69, prompt_tokens=5000)", "open-70b > frontier"),
                        Case("route(difficulty=0.7, prompt_tokens=5000)", "frontier > open-70b"),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Context length is checked first: an easy task with a long prompt still cannot go "
                        "to a model whose window is too short."
                    ),
                    cases=(
                        Case("route(difficulty=0.05, prompt_tokens=120000)", "frontier"),
                        Case("route(difficulty=0.95, prompt_tokens=32001)", "frontier"),
                        Case("route(difficulty=0.05, prompt_tokens=32000)", "open-8b > open-70b > frontier"),
                    ),
                ),
            ),
            wrong=(
                """    if difficulty < 0.3:
        return "open-8b > open-70b > frontier"
    if difficulty < 0.7:
        return "open-70b > frontier"
    return "frontier > open-70b\"""",
                """    if prompt_tokens > 32000:
        return "frontier"
    if difficulty <= 0.3:
        return "open-8b > open-70b > frontier"
    if difficulty <= 0.7:
        return "open-70b > frontier"
    return "frontier > open-70b\"""",
                """    if prompt_tokens >= 32000:
        return "frontier"
    if difficulty < 0.3:
        return "open-8b > open-70b > frontier"
    if difficulty < 0.7:
        return "open-70b > frontier"
    return "frontier\"""",
            ),
            explanation=(
                "Hard constraints come before preferences: a prompt that does not fit the open models' "
                "window goes to the frontier model whatever its difficulty. Then difficulty picks the "
                "cheapest model likely to handle the request, with stronger models behind it (article 004: "
                "escalate when confidence is below threshold), and the hardest requests keep an open "
                "fallback for API outages. Lesson 07, 'A router by difficulty, with a fallback chain'."
            ),
        ),
        Ordering(
            qid="q04",
            title="Ordering a migration",
            outcome="L07.2",
            article=cite(
                SOURCE_004, "shadow, canary 5-10%, gradual 25/50/75%, full with the API as fallback"
            ),
            ideas=("004-28", "004-08", "003-05"),
            scenario=(
                "Stackmint summarises **40,000 contracts a day** through a frontier API and wants to move "
                "the workload to a self-hosted open model. Order these five steps the way a safe phased "
                "migration runs them, **first to last**."
            ),
            options=(
                Option(
                    "Serve 25%, then 50%, then 75% of traffic from the open model, a week of parity each.",
                    why="Fourth: the gradual phase, each step behind a quality gate.",
                ),
                Option(
                    "Serve all traffic from the open model, with the API still configured as a fallback.",
                    why="Last: the full phase, with the safety net kept.",
                ),
                Option(
                    "Run every live request through both models, answering from the API, and compare.",
                    why="Second: shadow mode, where real traffic meets the open model at no risk.",
                ),
                Option(
                    "Answer 5% of live requests with the open model and watch quality and user feedback.",
                    why="Third: the canary, where real users first see the open model's answers.",
                ),
                Option(
                    "Score both models on 300 past contracts with known summaries, offline, in a day.",
                    why="First: the offline evaluation that earns a place in shadow mode.",
                ),
            ),
            order="ECDAB",
            points=3,
            explanation=(
                "Offline parity on a few hundred examples is the entry ticket, not a licence to switch. Then "
                "article 004's four phases: shadow (0% served, everything compared), canary (5-10%, revert "
                "on any degraded metric), gradual (25%, 50%, 75%, at least a week of parity each), full "
                "(100%, the API still configured as a fallback). Lesson 07, 'The migration path'; "
                "course.routing.migration walks this plan week by week."
            ),
        ),
        Code(
            qid="q05",
            title="The migration's quality gate",
            outcome="L07.2",
            article=cite(SOURCE_004, "alert on a regression over 5%; a week of parity per step"),
            ideas=("004-28", "004-27"),
            scenario=(
                'Write the weekly gate of lesson 07\'s migration. The stages, in order, are `"shadow"`, '
                '`"canary"`, `"25%"`, `"50%"`, `"75%"`, `"full"`. `quality_open` and `quality_api` are the '
                "two paths' scores on the same requests this week (0-1); `quality_open` is `None` when the "
                "open path was not measured.\n\n"
                "* No measurement -> the **same** stage (hold: measure before moving).\n"
                "* The open model's quality more than **5% below the API's, relative** ((api - open) / api "
                '> 0.05) -> **roll back one stage** (`"shadow"` stays `"shadow"`).\n'
                '* Otherwise, after **at least 7 days** at the stage -> the **next** stage (`"full"` '
                'stays `"full"`); before that, the same stage.\n\n'
                'Example: `next_stage(stage="canary", quality_open=0.86, quality_api=0.88, '
                'days_at_stage=7)` returns `"25%"`.'
            ),
            signature='''def next_stage(
    *, stage: str, quality_open: float | None, quality_api: float, days_at_stage: int
) -> str:
    """The stage for next week: advance, hold, or roll back one stage."""''',
            solution="""    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    i = stages.index(stage)
    if quality_open is None:
        return stage
    if (quality_api - quality_open) / quality_api > 0.05:
        return stages[max(0, i - 1)]
    if days_at_stage >= 7:
        return stages[min(i + 1, len(stages) - 1)]
    return stage""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="A passed gate advances exactly one stage; the 5% is relative to the API.",
                    cases=(
                        _gate_case("canary", 0.86, 0.88, 7, hidden=False),
                        _gate_case("shadow", 0.80, 0.84, 14),
                        _gate_case("75%", 0.62, 0.65, 9),
                        _gate_case("full", 0.90, 0.90, 30),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Too few days or no measurement holds; a drop beyond 5% of the API's score rolls "
                        "back one stage, whatever the stage."
                    ),
                    cases=(
                        _gate_case("50%", 0.91, 0.90, 6),
                        _gate_case("25%", None, 0.90, 10),
                        _gate_case("25%", 0.80, 0.86, 10),
                        _gate_case("full", 0.70, 0.80, 30),
                        _gate_case("shadow", 0.50, 0.90, 7),
                        _gate_case("50%", 0.56, 0.60, 8),
                    ),
                ),
            ),
            wrong=(
                """    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    i = stages.index(stage)
    if quality_open is None:
        return stage
    if quality_api - quality_open > 0.05:
        return stages[max(0, i - 1)]
    if days_at_stage >= 7:
        return stages[min(i + 1, len(stages) - 1)]
    return stage""",
                """    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    i = stages.index(stage)
    if quality_open is None:
        return stage
    if (quality_api - quality_open) / quality_api > 0.05:
        return stages[max(0, i - 1)]
    return stages[min(i + 1, len(stages) - 1)]""",
                """    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    i = stages.index(stage)
    if quality_open is None or stage == "full":
        return stage
    if (quality_api - quality_open) / quality_api > 0.05:
        return "shadow"
    if days_at_stage >= 7:
        return stages[i + 1]
    return stage""",
            ),
            explanation=(
                "The gate has three outcomes: advance (within 5% of the API, relative, for a week), hold "
                "(no measurement, or not a week yet), roll back one stage (a drop past the threshold, at "
                "any stage, 'full' included: that is why the API stays configured). The threshold is "
                "relative, as in lesson 07 and lab 06: at an API score of 0.60, an open score of 0.56 is "
                "6.7% below and rolls back, though it is only 0.04 below in absolute points. Lesson 07, "
                "'Quality gates'; course.routing.migration."
            ),
        ),
        Numeric(
            qid="q06",
            title="How long the canary must run",
            outcome="L07.2",
            article=cite(SOURCE_004, "canary 5-10% of production traffic, monitor quality and user feedback"),
            ideas=("004-28",),
            scenario=(
                "Stackmint's canary sends a share of its **40,000 requests a day** to the open model. "
                "**12%** of canary responses receive a user rating. The team wants **1,500 rated canary "
                "responses** before deciding (enough to tell a 3-point drop from noise)."
            ),
            parts=(
                Part(
                    var="q06a_days_at_5pct",
                    ask="Days until 1,500 rated responses at a 5% canary",
                    unit="days",
                    answer=1500 / (40000 * 0.05 * 0.12),
                    tolerance=0.05,
                    working="1500 / (40000 * 0.05 * 0.12)",
                    mistakes=(0.75, 0.3125),
                ),
                Part(
                    var="q06b_days_at_10pct",
                    ask="Days until 1,500 rated responses at a 10% canary",
                    unit="days",
                    answer=1500 / (40000 * 0.10 * 0.12),
                    tolerance=0.05,
                    working="1500 / (40000 * 0.10 * 0.12)",
                    mistakes=(6.25, 12.5),
                ),
            ),
            explanation=(
                "At 5%: 40,000 x 0.05 = 2,000 canary requests a day, 12% rated = 240 ratings a day, so "
                "1,500 / 240 = 6.25 days. At 10%: 480 a day, 3.125 days. A bigger canary learns faster but "
                "exposes more users; article 004's 5-10% for two weeks gives enough ratings here either way. "
                "The slip is forgetting that only rated responses count (0.75 days at 5%). Lesson 07, 'The "
                "migration path'; lesson 02 says how many examples a difference needs."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="After the migration: cancel the API?",
            outcome="L07.2",
            article=cite(SOURCE_004, "keep the API as a safety net even after full migration"),
            ideas=("004-28", "004-08"),
            scenario=(
                "Stackmint reached 100% on the self-hosted model three weeks ago; quality has held. The "
                "finance lead proposes **deleting the API integration and cancelling the contract** to save "
                "its **USD 300 a month** minimum commitment. What should the engineering lead answer?"
            ),
            options=(
                Option(
                    "Agree: the migration is finished and monitored, so the API integration is dead weight.",
                    why=(
                        "Tempting because the numbers look stable, but three weeks without incident says "
                        "little about a GPU outage, a traffic spike or a bad model update next quarter."
                    ),
                ),
                Option(
                    "Keep the integration configured and drilled as a fallback; the fee is the insurance.",
                    why=(
                        "Right: article 004's last phase keeps the closed API as a fallback, so a GPU "
                        "failure or a regression after an update fails over instead of failing customers."
                    ),
                    correct=True,
                ),
                Option(
                    "Agree, but keep the prompts in git, since re-enabling the API later takes minutes.",
                    why=(
                        "Tempting because it sounds like cheap insurance, but under an outage the keys, "
                        "quota, tested prompts and failover path must already work; a dormant integration "
                        "rots."
                    ),
                ),
                Option(
                    "Keep sending half of all traffic to the API for good, to compare the two paths daily.",
                    why=(
                        "Tempting because comparison matters, but a sampled shadow comparison does that for "
                        "a fraction of the cost; 50% gives up the savings that justified the migration."
                    ),
                ),
            ),
            explanation=(
                "Article 004: even after full migration, maintain your closed-source API integration; if the "
                "GPU cluster goes down or a model update causes a regression, fail over to the API while you "
                "diagnose. A fallback only works if it is exercised (a small share of traffic or regular "
                "failover drills). Lesson 07, 'The migration path'."
            ),
        ),
        MultipleChoice(
            qid="q08",
            title="The suite is green, the users are not",
            outcome="L07.3",
            article=cite(SOURCE_004, "weekly evaluation suite, shadow A/B comparison, user feedback"),
            ideas=("004-27", "003-26"),
            scenario=(
                "Two weeks after Helpwise upgraded its open model to a newer release, the **weekly "
                "80-example evaluation suite** scores the same as before. But on the open path the "
                "**regenerate rate** rose from **4% to 9%** and thumbs-down from **2% to 5%**; on the API "
                "path both are unchanged. What should the team conclude and do?"
            ),
            options=(
                Option(
                    "The suite is the ground truth and it is flat, so nothing regressed; users will adapt.",
                    why=(
                        "Tempting because a fixed suite feels objective, but 80 fixed examples cannot cover "
                        "what changed in live traffic; the user signals moved only on the path that changed."
                    ),
                ),
                Option(
                    "Users are noisy, so replace the evaluation suite with user feedback alone from now on.",
                    why=(
                        "Tempting because feedback caught this, but feedback is slow, biased towards unhappy "
                        "users and says nothing before release; it complements the suite."
                    ),
                ),
                Option(
                    "The API path must have improved, which makes the open path look worse by comparison.",
                    why=(
                        "Tempting as an explanation, but the API path's own signals are unchanged; the open "
                        "path's rates moved in absolute terms."
                    ),
                ),
                Option(
                    "A regression the suite misses: shadow-compare the cases, add them, shift traffic back.",
                    why=(
                        "Right: a signal that moved on one path only, right after a change on that path, "
                        "points at the change; the shadow comparison finds the cases, and the suite grows "
                        "with them."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Article 004 lists four monitoring layers: a weekly suite (50-100 examples, alert on a "
                "regression over 5%), shadow A/B comparison of sampled production requests, user feedback "
                "(thumbs, regenerations, abandonment) by model path, and cost per quality point. They catch "
                "different failures: shadow runs catch what synthetic suites miss. Lesson 07, 'Monitoring "
                "both paths'."
            ),
        ),
        Numeric(
            qid="q09",
            title="Cost per quality point",
            outcome="L07.3",
            article=cite(SOURCE_004, "half the cost at 95% of the quality is the better production choice"),
            ideas=("004-27",),
            scenario=(
                "Each month Helpwise divides each path's cost by its quality score (0-100 on the team's "
                "rubric). The **API path** costs **USD 6,800 a month** and scores **92**. The **self-hosted "
                "path** costs **USD 2,610 a month** and scores **87**."
            ),
            parts=(
                Part(
                    var="q09a_self_usd_per_point",
                    ask="Self-hosted path: USD per quality point",
                    unit="USD per point",
                    answer=Q09_SELF,
                    tolerance=0.1,
                    mistakes=(87 / 2610, 2610 / 92),
                ),
                Part(
                    var="q09b_relative_quality_percent",
                    ask="The self-hosted path's quality as a percentage of the API path's",
                    unit="%",
                    answer=100 * 87 / 92,
                    tolerance=0.1,
                    mistakes=(5.0, 100 * 92 / 87),
                ),
            ),
            explanation=(
                "API: 6,800 / 92 = USD 73.9 per point. Self-hosted: 2,610 / 87 = USD 30 per point. The "
                "self-hosted path gives 87 / 92 = 94.6% of the quality at 38% of the cost, close to article "
                "004's example of 'half as much but 95% as well'. Whether it is 'better' still depends on "
                "what the missing 5.4% costs the business. Slips: dividing quality by cost, crossing the two "
                "paths' figures. Lesson 07, 'Monitoring both paths'."
            ),
        ),
        Code(
            qid="q10",
            title="Weekly regression alerts",
            outcome="L07.3",
            article=cite(
                SOURCE_004, "track accuracy, format compliance and latency; alert on any regression >5%"
            ),
            ideas=("004-27",),
            scenario=(
                "Write the alert rule of your weekly evaluation job. `baseline` and `current` map metric "
                "names to scores where **higher is better** (accuracy, format compliance, ...). A metric "
                "**regresses** when it fell by **more than `threshold`** of its baseline value: (baseline - "
                "current) / baseline > threshold. A metric missing from `current` also counts as a "
                'regression. Return the regressed metric names **sorted alphabetically and joined by `", '
                '"`**, or `""` when none regressed.\n\n'
                'Example: `regression_alerts(baseline={"accuracy": 0.90}, current={"accuracy": 0.80})` '
                'returns `"accuracy"`.'
            ),
            signature='''def regression_alerts(*, baseline: dict[str, float], current: dict[str, float],
                      threshold: float = 0.05) -> str:
    """Names of the metrics that fell more than `threshold` of their baseline, sorted, joined by ', '."""''',
            solution="""    regressed = []
    for name, before in baseline.items():
        if name not in current or (before - current[name]) / before > threshold:
            regressed.append(name)
    return ", ".join(sorted(regressed))""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="The drop is relative to the baseline: 0.90 -> 0.86 is 4.4%, under 5%.",
                    cases=(
                        Case(
                            'regression_alerts(baseline={"accuracy": 0.90}, current={"accuracy": 0.80})',
                            "accuracy",
                            hidden=False,
                        ),
                        Case(
                            'regression_alerts(baseline={"accuracy": 0.90}, current={"accuracy": 0.86})', ""
                        ),
                        Case(
                            'regression_alerts(baseline={"format": 0.99, "accuracy": 0.90}, '
                            'current={"format": 0.92, "accuracy": 0.95})',
                            "format",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Several regressions come back sorted; a metric the job failed to produce is itself "
                        "an alert; the threshold is a parameter."
                    ),
                    cases=(
                        Case(
                            'regression_alerts(baseline={"tone": 0.8, "accuracy": 0.9, "format": 1.0}, '
                            'current={"tone": 0.7, "accuracy": 0.8, "format": 1.0})',
                            "accuracy, tone",
                        ),
                        Case(
                            'regression_alerts(baseline={"accuracy": 0.9, "format": 0.98}, '
                            'current={"accuracy": 0.9})',
                            "format",
                        ),
                        Case(
                            'regression_alerts(baseline={"accuracy": 0.9}, current={"accuracy": 0.87}, '
                            "threshold=0.02)",
                            "accuracy",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    regressed = []
    for name, before in baseline.items():
        if name in current and before - current[name] > threshold:
            regressed.append(name)
    return ", ".join(sorted(regressed))""",
                """    regressed = []
    for name, before in baseline.items():
        if name not in current or (before - current[name]) / before > threshold:
            regressed.append(name)
    return ", ".join(regressed)""",
            ),
            explanation=(
                "Article 004's weekly suite alerts on 'any regression >5%'. Relative drops make metrics on "
                "different scales comparable: format compliance falling from 0.99 to 0.92 is a 7.1% drop, "
                "accuracy from 0.90 to 0.86 is 4.4%. A metric that vanished from the report (a crashed "
                "scorer) must alert, not pass silently. Lesson 07, 'Monitoring both paths'."
            ),
        ),
        MultipleChoice(
            qid="q11",
            title="A router that may not leave the VPC",
            outcome="L07.4",
            article=cite(SOURCE_002, "routing tools: Martian, Portkey, OpenRouter, your own router"),
            ideas=("002-23",),
            scenario=(
                "Medrisk processes health claims. Its compliance team allows data to go only to services "
                "inside its cloud account (where it has a BAA covering a private frontier deployment). It "
                "wants to route easy claims to a self-hosted Llama model and hard ones to the private "
                "frontier deployment, with a fallback between them. Which router setup fits?"
            ),
            options=(
                Option(
                    "OpenRouter's hosted API, for one key and automatic fallbacks across many models.",
                    why=(
                        "Tempting because it gives routing and fallbacks out of the box, but every prompt "
                        "would pass through a third party outside the account, which compliance forbids."
                    ),
                ),
                Option(
                    "A hosted router service that picks each prompt's model by its predicted quality.",
                    why=(
                        "Tempting because quality-based routing is what they want, but a hosted router sees "
                        "every claim: a new data processor compliance would have to approve."
                    ),
                ),
                Option(
                    "Their own router, or a self-hosted gateway, inside the account with the fallback chain.",
                    why=(
                        "Right: routing logic is small; running it inside the account keeps every claim "
                        "within the boundary compliance approved."
                    ),
                    correct=True,
                ),
                Option(
                    "No router: send every claim to the private frontier deployment to keep things simple.",
                    why=(
                        "Tempting for simplicity, and compliant, but it gives up the cost saving on easy "
                        "claims the team set out to capture."
                    ),
                ),
            ),
            explanation=(
                "A hosted router is a data processor: it sees every prompt. Article 002 lists Martian, "
                "Portkey, OpenRouter 'or your own router'; the data boundary decides. Products win when "
                "data may leave, the team is small and many providers must be managed; building (or "
                "self-hosting a gateway) wins when the data cannot leave, the routing signal is your own, "
                "or the product's fee grows with volume (next question). Lesson 07, 'Router products or "
                "your own'."
            ),
        ),
        Numeric(
            qid="q12",
            title="Buy or build a router",
            outcome="L07.4",
            article=cite(SOURCE_002, "routing tools vs your own router")
            + "; "
            + cite(SOURCE_004, "multi-provider routing with fallback"),
            ideas=("002-23", "004-24"),
            scenario=(
                "A team sends **USD 20,000 a month** of API traffic through a hosted router that charges a "
                "fee of **5% of the API spend routed through it** (an illustrative fee for this question). "
                "Building its own router would take **160 engineer-hours** up front and **6 hours a month** "
                "of upkeep, at **USD 110 an hour**. Ignore everything else."
            ),
            parts=(
                Part(
                    var="q12a_breakeven_months",
                    ask="Months until building costs less in total than the hosted router",
                    unit="months",
                    answer=160 * 110 / (0.05 * 20000 - 6 * 110),
                    tolerance=0.1,
                    working="160 * 110 / (0.05 * 20000 - 6 * 110)",
                    mistakes=(17.6, 26.67),
                ),
                Part(
                    var="q12b_breakeven_months_at_60k",
                    ask="The same break-even if the API spend grows to USD 60,000 a month",
                    unit="months",
                    answer=160 * 110 / (0.05 * 60000 - 6 * 110),
                    tolerance=0.1,
                    working="160 * 110 / (0.05 * 60000 - 6 * 110)",
                    mistakes=(5.87,),
                ),
            ),
            explanation=(
                "Fee: 5% of USD 20,000 = USD 1,000 a month. Building costs 160 x 110 = USD 17,600 up front "
                "and saves 1,000 - 660 = USD 340 a month, so it pays back after 17,600 / 340 = 51.8 months: "
                "buy. At USD 60,000 of spend the fee is USD 3,000, the saving USD 2,340, and the break-even "
                "7.5 months: build, if the team can run it. A percentage fee grows with volume while upkeep "
                "does not. Slips: ignoring the upkeep (17.6 months), or dividing by the upkeep (26.7). "
                "Lesson 07, 'Router products or your own'."
            ),
        ),
        MultipleAnswer(
            qid="q13",
            title="Who notices a silent model update?",
            outcome="L07.3",
            article=cite(SOURCE_004, "weekly suite, shadow A/B, user feedback, cost per quality point"),
            ideas=("004-27",),
            scenario=(
                "Last Tuesday the API provider silently updated the model behind the alias Helpwise calls; "
                "its answers to refund questions got worse. Nothing else changed. Which of Helpwise's "
                "monitoring signals can catch this **before** customers complain about it? Choose all that "
                "apply."
            ),
            options=(
                Option(
                    "The weekly run of 80 fixed examples through both paths, alerting on a 5% drop.",
                    why=(
                        "Catches it, if refund questions are in the suite: that is what a fixed weekly suite "
                        "is for (silent provider updates)."
                    ),
                    correct=True,
                ),
                Option(
                    "Thumbs-down and regenerate rates from users, split by the path that answered them.",
                    why="Catches it only after customers react: it is the complaint, not a warning.",
                ),
                Option(
                    "A sample of live requests sent to both paths and compared by an automated rubric.",
                    why="Catches it: shadow comparison sees real refund questions as they arrive.",
                    correct=True,
                ),
                Option(
                    "The monthly cost per quality point of each path, reviewed at the end of the month.",
                    why="Too late and too coarse: a monthly ratio of cost to last month's scores.",
                ),
                Option(
                    "The p95 latency alert on the API path, which pages on-call above two seconds.",
                    why="Not this failure: worse answers can arrive as fast as good ones.",
                ),
            ),
            explanation=(
                "Article 004's four layers catch different failures. A fixed weekly suite and a shadow "
                "comparison of sampled live traffic run before customers notice; user feedback is the "
                "slowest signal (it is the complaint); cost per quality point is a monthly review; latency "
                "says nothing about quality. Pin model versions where the provider allows it. Lesson 07, "
                "'Monitoring both paths'."
            ),
        ),
        MultipleChoice(
            qid="q14",
            title="Classifier or model?",
            outcome="L07.1",
            article=cite(SOURCE_000, "different workloads have different requirements")
            + "; "
            + cite(SOURCE_003, "keep classification open, customer-facing work closed"),
            ideas=("000-15", "003-27", "004-24"),
            scenario=(
                "After Helpwise's router went live, overall quality fell **4 points** more than the pilot "
                "predicted. One engineer blames the **difficulty classifier** (hard tickets sent to the 8B); "
                "another blames the **8B model** (it got worse on easy tickets). Which single measurement "
                "settles it?"
            ),
            options=(
                Option(
                    "The 8B model's accuracy on the weekly evaluation suite, compared with the pilot's "
                    "score.",
                    why=(
                        "Tempting, but a flat suite score would not clear the classifier, and the suite's "
                        "easy/hard mix is not the router's."
                    ),
                ),
                Option(
                    "Label a sample of the 8B's traffic: count the misrouted hard cases, score the rest.",
                    why=(
                        "Right: it separates the two causes at once: many hard tickets in the 8B's traffic "
                        "blame the classifier; low accuracy on truly easy ones blames the model."
                    ),
                    correct=True,
                ),
                Option(
                    "The share of tickets the 8B escalated to the frontier model last week, day by day.",
                    why=(
                        "Tempting because escalations track difficulty, but both causes can move it: a worse "
                        "model escalates more, and so does more misrouted hard traffic."
                    ),
                ),
                Option(
                    "The frontier model's accuracy on the hard tickets, measured again on a fresh sample.",
                    why=(
                        "It measures the path nobody blames; the quality drop is on the 8B's side of the "
                        "router."
                    ),
                ),
            ),
            explanation=(
                "A router's quality is the classifier's mistakes plus each model's quality on the traffic "
                "it really gets. Label a sample of what reached the small model: the share of hard tickets "
                "in it measures the classifier, its accuracy on the easy ones measures the model. Lesson "
                "07, 'A router by difficulty' (exercise 2 models a bad classifier)."
            ),
        ),
        MultipleChoice(
            qid="q15",
            title="Half to two thirds of the traffic, on paper",
            outcome="L07.2",
            article=cite(
                SOURCE_004, "log requests, sort by complexity, move the 50-70% simple enough to open models"
            ),
            ideas=("004-31",),
            scenario=(
                "After four months on an API, a product team reads article 004's estimate that **50-70%** "
                "of requests are simple enough for an open model. Its engineering lead proposes routing "
                "**60%** of all traffic to a self-hosted 8B model from next Monday, keeping the API for the "
                "rest. What is the soundest plan?"
            ),
            options=(
                Option(
                    "Measure the share on the team's own logs first: sort logged requests by complexity, "
                    "shadow the open model on the candidates, then canary 5-10% of one workload.",
                    why=(
                        "Right: 50-70% is another product's traffic; the share that is simple enough, and "
                        "the quality on it, are measured on yours, one workload at a time behind a gate."
                    ),
                    correct=True,
                ),
                Option(
                    "Route the 60% on Monday: it sits in the middle of the article's range, and the API "
                    "stays configured as the fallback if the open model's answers disappoint.",
                    why=(
                        "The fallback catches errors and outages, not confident wrong answers; and nobody "
                        "has measured which 60% of this product's requests are the simple ones."
                    ),
                ),
                Option(
                    "Route 70%, the top of the range: savings grow with every request moved, and the "
                    "weekly quality gate will roll the share back if accuracy falls by more than 5%.",
                    why=(
                        "A gate protects a rollout it has a baseline for; starting at 70% of all traffic "
                        "skips the shadow and canary steps that give it one."
                    ),
                ),
                Option(
                    "Wait until every workload can move at once: running two paths side by side doubles "
                    "the operational work for a saving that only pays once all traffic has left the API.",
                    why=(
                        "A hybrid pays per workload moved; the migration path moves one workload at a time "
                        "on purpose, and keeps the API for what the open model cannot do."
                    ),
                ),
            ),
            explanation=(
                "Article 004's 50-70% is an estimate from other traffic. Lesson 07's migration path finds "
                "candidates in your own logs after months of real traffic, then moves one workload at a "
                "time: shadow (compare offline, nothing shown), canary 5-10%, gradual 25/50/75%, full with "
                "the API as fallback, a quality gate at each step. Lab 06 replays this on logged requests. "
                "Lesson 07, 'The migration path'."
            ),
        ),
    ),
)
