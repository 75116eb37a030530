"""Quiz 07 · Hybrid and migration (lesson 07): scenario questions."""

from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

S002 = "002 · Open-source LLM vs frontier API: which one for which task in 2026 (2026-04-29)"
S003 = "003 · Open Source vs Closed AI: How to Decide (2026-06-24)"
S004 = "004 · Open Source vs Closed Source LLMs — Decision Framework (2026)"

QUIZ = Quiz(
    quiz_id="quiz-07-hybrid",
    title="Hybrid and migration",
    intro=(
        "Twelve scenarios about running open and frontier models side by side: routing by difficulty with a "
        "fallback chain, its blended cost and quality, a phased migration with quality gates, monitoring "
        "both paths, and router products versus your own. Every number you need is in the question; a "
        "month is 30 days unless the question says otherwise."
    ),
    questions=(
        Numeric(
            qid="q01",
            title="A support desk's blended bill",
            outcome="L07.1",
            seed=f"{S004}: Scenario C, 200,000 tickets/day, USD 40,000+/month on GPT-4o, blended USD 12,000",
            scenario="""Helpwise handles **200,000 support tickets a day**. Sending every ticket to GPT-4o
would cost **USD 40,000 a month** (30 days). The team routes **80%** of tickets (classification and
templated replies) to a fine-tuned **Llama 3.1 8B on two A10G GPUs** at a flat **USD 800 a month**, and
**20%** (technical troubleshooting) to GPT-4o at the same price per ticket as before.

Then they add a fallback: when the 8B model's confidence is low, the ticket is **escalated** to GPT-4o as
well (the 8B's work is already paid for). **10% of the tickets routed to the 8B** are escalated.""",
            parts=(
                Part(
                    var="q01a_gpt4o_usd_per_ticket",
                    ask="GPT-4o's cost per ticket",
                    unit="USD",
                    answer=40000 / (200000 * 30),
                    tolerance=0.0001,
                    working="40000 / (200000 * 30)",
                    mistakes=(0.2,),
                ),
                Part(
                    var="q01b_blended_usd_per_month",
                    ask="Monthly cost of the 80/20 split, before escalations",
                    unit="USD per month",
                    answer=0.20 * 40000 + 800,
                    tolerance=1.0,
                    working="0.20 * 40000 + 800",
                    mistakes=(8000.0, 32800.0),
                ),
                Part(
                    var="q01c_with_escalation_usd_per_month",
                    ask="Monthly cost with the escalations",
                    unit="USD per month",
                    answer=0.20 * 40000 + 800 + 0.80 * 0.10 * 40000,
                    tolerance=1.0,
                    working="0.20 * 40000 + 800 + 0.80 * 0.10 * 40000",
                    mistakes=(8800.0 + 0.10 * 40000, 8800.0),
                ),
            ),
            explanation="Per ticket: 40,000 ÷ (200,000 × 30) = USD 0.00667. Split: 20% of USD 40,000 = USD "
            "8,000 plus the flat USD 800 = USD 8,800. Escalations: 10% of the 80% = 8% of all tickets also "
            "go to GPT-4o, adding 0.08 × 40,000 = USD 3,200: USD 12,000. That is one set of assumptions "
            "that reproduces seed 004's blended figure for its Scenario C, which the 80/20 split alone does "
            "not (USD 8,800); the seed does not say where its figure comes from. A fallback chain is not "
            "free: every escalation pays twice. Slip: taking 10% of all tickets (USD 12,800) instead of 10% "
            "of the 8B's share. Lesson 07, 'Routing by difficulty: blended cost'.",
        ),
        Numeric(
            qid="q02",
            title="What the router does to quality",
            outcome="L07.1",
            seed=f"{S004}: route simple tasks to Llama 8B, complex ones to GPT-4o; {S003}: classification "
            "gap is small",
            scenario="""Helpwise measured resolution quality on a labelled sample. **Easy tickets (80% of
traffic)**: the fine-tuned 8B resolves **95%** correctly, GPT-4o **96%**. **Hard tickets (20%)**: GPT-4o
resolves **88%**; the 8B only **61%**. The router sends easy tickets to the 8B and hard ones to GPT-4o
(ignore escalations here).""",
            parts=(
                Part(
                    var="q02a_routed_quality",
                    ask="Share resolved correctly with the router",
                    unit="fraction (0-1)",
                    answer=0.80 * 0.95 + 0.20 * 0.88,
                    tolerance=0.002,
                    working="0.80 * 0.95 + 0.20 * 0.88",
                    mistakes=(0.915, 0.8820),
                ),
                Part(
                    var="q02b_all_gpt4o_quality",
                    ask="Share resolved correctly if every ticket went to GPT-4o",
                    unit="fraction (0-1)",
                    answer=0.80 * 0.96 + 0.20 * 0.88,
                    tolerance=0.002,
                    working="0.80 * 0.96 + 0.20 * 0.88",
                    mistakes=(0.92,),
                ),
                Part(
                    var="q02c_all_8b_quality",
                    ask="Share resolved correctly if every ticket went to the 8B",
                    unit="fraction (0-1)",
                    answer=0.80 * 0.95 + 0.20 * 0.61,
                    tolerance=0.002,
                    working="0.80 * 0.95 + 0.20 * 0.61",
                    mistakes=(0.78,),
                ),
            ),
            explanation="Blended quality is the traffic-weighted mean of each path's quality on the traffic "
            "it gets: 0.8 × 0.95 + 0.2 × 0.88 = 0.936 with the router, 0.944 with GPT-4o everywhere, 0.882 "
            "with the 8B everywhere. The router gives up 0.8 points of quality for about 70% of the cost "
            "(q01); sending everything to the 8B loses 6.2 points, almost all on the hard tickets. A plain "
            "average of the path qualities (0.915) ignores the traffic mix. Lesson 07, 'Routing by "
            "difficulty: blended quality'.",
        ),
        Code(
            qid="q03",
            title="A routing rule with a fallback chain",
            outcome="L07.1",
            seed=f"{S004}: complexity classifier, routing logic and a fallback chain; {S002}: long context "
            "on frontier",
            scenario="""Write the router's rule. It returns the **fallback chain**: the backends to try in
order, joined by `" > "`. Backends: `"open-8b"`, `"open-70b"` and `"frontier"`. The open models accept
prompts of up to **32,000 tokens**. A classifier gives each request a **difficulty** from 0 to 1.

* A prompt **over 32,000 tokens** → `"frontier"` only.
* Otherwise, difficulty **below 0.3** → `"open-8b > open-70b > frontier"`;
* difficulty **below 0.7** → `"open-70b > frontier"`;
* otherwise → `"frontier > open-70b"` (the open model answers when the API is down).

Example: `route(difficulty=0.1, prompt_tokens=900)` returns `"open-8b > open-70b > frontier"`.""",
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
                    explanation="Each difficulty band gets its own chain, the boundaries belonging to the "
                    "band above.",
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
                    explanation="Context length is checked first: an easy task with a long prompt still "
                    "cannot go to a model whose window is too short.",
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
            explanation="Hard constraints come before preferences: a prompt that does not fit the open "
            "models' window goes to the frontier model whatever its difficulty (seed 002's tree sends long "
            "context to a frontier model). Then difficulty picks the cheapest model likely to handle the "
            "request, with stronger models behind it (seed 004: 'if the open source model's confidence "
            "score is below threshold, escalate'), and the hardest requests keep an open fallback for API "
            "outages. Lesson 07, 'A router with a fallback chain'; course.economics.fallback_chain "
            "measures the same idea on "
            "a workload.",
        ),
        MultipleChoice(
            qid="q04",
            title="Ordering a migration",
            outcome="L07.2",
            seed=f"{S004}: shadow (weeks 1-2), canary 5-10% (weeks 3-4), gradual 25/50/75% (weeks 5-8), full",
            scenario="""Stackmint summarises **40,000 contracts a day** through a frontier API and wants to
move the workload to a self-hosted open model. Offline tests on 300 examples look on par. Which plan follows a
safe phased migration?""",
            options=(
                Option(
                    "Canary at 50% for a week to gather data fast, then shadow mode to compare, then 100%",
                    why="Tempting because more traffic gives results sooner, but a 50% 'canary' exposes half "
                    "the customers to an unproven model, and shadow mode belongs before any live traffic.",
                ),
                Option(
                    "Switch 100% over a weekend, since the offline tests show parity, and cancel the API",
                    why="Tempting because 300 offline examples look convincing, but production traffic has "
                    "cases the sample missed, and without the API there is nothing to fall back to.",
                ),
                Option(
                    "Shadow (answer from the API, run every request through both and compare), then 5-10% "
                    "canary, then 25%, 50%, 75% with a quality gate each week, then 100% with the API kept "
                    "as a fallback",
                    why="Right: every step exposes more traffic only after the previous one passed its gate, "
                    "and the API stays ready for spikes, outages and regressions.",
                    correct=True,
                ),
                Option(
                    "Shadow for two weeks, then 100% as soon as the shadow comparison shows parity",
                    why="Tempting because shadow mode is the careful first step, but it skips the canary, "
                    "where real users' reactions (feedback, regenerations) are first measured.",
                ),
            ),
            explanation="Seed 004's four phases: shadow (0% served, all compared offline), canary (5-10%, "
            "revert on any degraded metric), gradual (25%, 50%, 75%, at least a week of parity each), full "
            "(100%, the closed API still configured as a fallback). Offline parity on a few hundred "
            "examples is the entry ticket to shadow mode, not a licence to switch. Lesson 07, 'A phased "
            "migration'; course.routing.migration walks this plan week by week.",
        ),
        Code(
            qid="q05",
            title="The migration's quality gate",
            outcome="L07.2",
            seed=f"{S004}: 'If any metric degrades beyond threshold, revert immediately'; a week of parity "
            "per step",
            scenario="""Write the gate your migration runs every week. The stages, in order, are `"shadow"`,
`"canary"`, `"25%"`, `"50%"`, `"75%"`, `"full"`. `quality_delta` is the open model's quality **minus** the
API's on the same requests (e.g. −0.03 = three points worse).

* `quality_delta` **below −0.05** → return `"api"` (roll back: serve everything from the API);
* else, if the stage is `"full"` → `"full"`;
* else, if `quality_delta` is **at least −0.01** and the stage has run **at least 7 days** → the **next**
stage;
* otherwise → the **same** stage (hold and keep measuring).

Example: `next_stage(stage="canary", quality_delta=0.0, days_at_stage=7)` returns `"25%"`.""",
            signature='''def next_stage(*, stage: str, quality_delta: float, days_at_stage: int) -> str:
    """The stage for next week: advance, hold, or 'api' to roll back."""''',
            solution="""    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    if quality_delta < -0.05:
        return "api"
    if stage == "full":
        return "full"
    if quality_delta >= -0.01 and days_at_stage >= 7:
        return stages[stages.index(stage) + 1]
    return stage""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="A passed gate advances exactly one stage.",
                    cases=(
                        Case(
                            'next_stage(stage="canary", quality_delta=0.0, days_at_stage=7)',
                            "25%",
                            hidden=False,
                        ),
                        Case('next_stage(stage="shadow", quality_delta=0.004, days_at_stage=14)', "canary"),
                        Case('next_stage(stage="75%", quality_delta=-0.01, days_at_stage=7)', "full"),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Too few days or a small drop holds; a drop beyond five points rolls back, "
                    "whatever the stage.",
                    cases=(
                        Case('next_stage(stage="50%", quality_delta=0.02, days_at_stage=6)', "50%"),
                        Case('next_stage(stage="25%", quality_delta=-0.03, days_at_stage=10)', "25%"),
                        Case('next_stage(stage="25%", quality_delta=-0.06, days_at_stage=10)', "api"),
                        Case('next_stage(stage="full", quality_delta=-0.08, days_at_stage=30)', "api"),
                        Case('next_stage(stage="full", quality_delta=0.0, days_at_stage=30)', "full"),
                    ),
                ),
            ),
            wrong=(
                """    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    if stage == "full":
        return "full"
    if quality_delta < -0.05:
        return "api"
    if quality_delta >= -0.01 and days_at_stage >= 7:
        return stages[stages.index(stage) + 1]
    return stage""",
                """    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    if quality_delta < -0.05:
        return "api"
    if stage == "full":
        return "full"
    if quality_delta >= -0.01:
        return stages[stages.index(stage) + 1]
    return stage""",
                """    stages = ("shadow", "canary", "25%", "50%", "75%", "full")
    if quality_delta < -0.01:
        return "api"
    if stage == "full":
        return "full"
    if days_at_stage >= 7:
        return stages[stages.index(stage) + 1]
    return stage""",
            ),
            explanation="The gate has three outcomes: advance (parity held for a week), hold (not enough "
            "time, or a small drop worth watching), roll back (a drop past the threshold, at any stage, "
            "including 'full': that is why the API stays configured). Checking 'full' before the rollback "
            "would leave a regressed model serving all traffic; advancing without the 7 days skips seed "
            "004's 'validate quality parity for at least one week'; rolling back on any small drop makes "
            "the migration unfinishable with noisy metrics. Lesson 07, 'Quality gates'.",
        ),
        Numeric(
            qid="q06",
            title="How long the canary must run",
            outcome="L07.2",
            seed=f"{S004}: canary 5-10% of production traffic, monitor quality metrics and user feedback",
            scenario="""Stackmint's canary sends a share of its **40,000 requests a day** to the open model.
**12%** of canary responses receive a user rating. The team wants **1,500 rated canary responses** before
deciding (enough to tell a 3-point drop from noise).""",
            parts=(
                Part(
                    var="q06a_rated_per_day",
                    ask="Rated canary responses per day at a 5% canary",
                    unit="responses per day",
                    answer=40000 * 0.05 * 0.12,
                    tolerance=0.5,
                    working="40000 * 0.05 * 0.12",
                    mistakes=(2000.0, 4800.0),
                ),
                Part(
                    var="q06b_days_at_5pct",
                    ask="Days until 1,500 rated responses at 5%",
                    unit="days",
                    answer=1500 / (40000 * 0.05 * 0.12),
                    tolerance=0.05,
                    working="1500 / (40000 * 0.05 * 0.12)",
                    mistakes=(0.75, 0.3125),
                ),
                Part(
                    var="q06c_days_at_10pct",
                    ask="Days until 1,500 rated responses at a 10% canary",
                    unit="days",
                    answer=1500 / (40000 * 0.10 * 0.12),
                    tolerance=0.05,
                    working="1500 / (40000 * 0.10 * 0.12)",
                    mistakes=(6.25, 12.5),
                ),
            ),
            explanation="At 5%: 40,000 × 0.05 = 2,000 canary requests a day, 12% rated = 240 ratings a day, "
            "so 1,500 ÷ 240 = 6.25 days. At 10%: 480 a day, 3.125 days. A bigger canary learns faster but "
            "exposes more users; seed 004's 5-10% for two weeks gives enough ratings here either way. The "
            "slip is forgetting that only rated responses count (0.75 days at 5%). Lesson 07, 'A phased "
            "migration: how long each step takes'; lesson 02 says how many examples a difference needs.",
        ),
        MultipleChoice(
            qid="q07",
            title="After the migration: cancel the API?",
            outcome="L07.2",
            seed=f"{S004}: 'Keep the API as a safety net' even after full migration",
            scenario="""Stackmint reached 100% on the self-hosted model three weeks ago; quality has held. The
finance lead proposes **deleting the API integration and cancelling the contract** to save its **USD 300 a
month** minimum commitment. What should the engineering lead answer?""",
            options=(
                Option(
                    "Agree: the migration is finished and monitored, so the API is dead weight",
                    why="Tempting because the numbers look stable, but three weeks without incident says "
                    "little about a GPU outage, a traffic spike or a bad model update next quarter.",
                ),
                Option(
                    "Agree, but keep the prompts in git: re-enabling the API later takes minutes",
                    why="Tempting because it sounds like a cheap insurance, but under an outage the keys, "
                    "quota, tested prompts and failover path must already work; a dormant integration rots.",
                ),
                Option(
                    "Keep sending half of the traffic to the API forever, to compare the two",
                    why="Tempting because comparison matters, but a sampled shadow comparison does that for "
                    "a fraction of the cost; 50% gives up the savings that justified the migration.",
                ),
                Option(
                    "Keep the integration configured and tested as a fallback for outages, spikes beyond "
                    "GPU capacity and quality regressions; USD 300 a month is the price of that insurance",
                    why="Right: seed 004's last phase keeps the closed API as a fallback, so a GPU failure "
                    "or a regression after an update fails over instead of failing customers.",
                    correct=True,
                ),
            ),
            explanation="Seed 004: 'Even after full migration, maintain your closed source API integration. "
            "If your GPU cluster goes down or a model update causes quality regression, you can fail over "
            "to the API while you diagnose.' A fallback only works if it is exercised (e.g. a small share "
            "of traffic or regular failover drills). Lesson 07, 'A phased migration: the safety net'.",
        ),
        MultipleChoice(
            qid="q08",
            title="The suite is green, the users are not",
            outcome="L07.3",
            seed=f"{S004}: weekly evaluation suite, shadow A/B comparison, user feedback signals",
            scenario="""Two weeks after Helpwise upgraded its open model to a newer release, the **weekly
80-example evaluation suite** scores the same as before. But on the open path the **regenerate rate** rose
from **4% to 9%** and thumbs-down from **2% to 5%**; on the API path both are unchanged. What should the
team conclude and do?""",
            options=(
                Option(
                    "The suite is the ground truth and it is flat, so nothing regressed; the users will "
                    "adapt",
                    why="Tempting because a fixed suite feels objective, but 80 fixed examples cannot cover "
                    "what changed in live traffic; the user signals moved only on the path that changed.",
                ),
                Option(
                    "The upgrade regressed on live traffic the suite does not cover: shadow-compare the "
                    "affected requests against the API path, add them to the suite, and shift traffic back "
                    "until parity returns",
                    why="Right: a signal that moved on one path only, right after a change on that path, "
                    "points at the change; the shadow comparison finds the cases, and the suite grows with "
                    "them.",
                    correct=True,
                ),
                Option(
                    "Users are noisy: replace the evaluation suite with user feedback alone",
                    why="Tempting because feedback caught this, but feedback is slow, biased towards unhappy "
                    "users and says nothing before release; it complements the suite.",
                ),
                Option(
                    "The API path must have improved, which makes the open path look worse by comparison",
                    why="Tempting as an explanation, but the API path's own signals are unchanged; the "
                    "open path's rates moved in absolute terms.",
                ),
            ),
            explanation="Seed 004 lists four monitoring layers: a weekly suite (50-100 examples, alert on a "
            "regression over 5%), shadow A/B comparison of sampled production requests, user feedback "
            "(thumbs, regenerations, abandonment) by model path, and cost per quality point. They catch "
            "different failures: 'shadow-run a sample ... catches quality differences that synthetic test "
            "suites miss'. Lesson 07, 'Monitoring both paths'.",
        ),
        Numeric(
            qid="q09",
            title="Cost per quality point",
            outcome="L07.3",
            seed=f"{S004}: 'a model that costs half as much but scores 95% as well is the better production "
            "choice'",
            scenario="""Each month Helpwise divides each path's cost by its quality score (0-100 on the team's
rubric). The **API path** costs **USD 6,300 a month** and scores **90**. The **self-hosted path** costs
**USD 2,550 a month** and scores **85**.""",
            parts=(
                Part(
                    var="q09a_api_usd_per_point",
                    ask="API path: USD per quality point",
                    unit="USD per point",
                    answer=6300 / 90,
                    tolerance=0.1,
                    working="6300 / 90",
                    mistakes=(0.0143, 74.12),
                ),
                Part(
                    var="q09b_self_usd_per_point",
                    ask="Self-hosted path: USD per quality point",
                    unit="USD per point",
                    answer=2550 / 85,
                    tolerance=0.1,
                    working="2550 / 85",
                    mistakes=(28.33,),
                ),
                Part(
                    var="q09c_relative_quality_percent",
                    ask="The self-hosted path's quality as a percentage of the API path's",
                    unit="%",
                    answer=100 * 85 / 90,
                    tolerance=0.1,
                    working="100 * 85 / 90",
                    mistakes=(5.0, 105.88),
                ),
            ),
            explanation="API: 6,300 ÷ 90 = USD 70 per point. Self-hosted: 2,550 ÷ 85 = USD 30 per point. "
            "The self-hosted path gives 85 ÷ 90 = 94.4% of the quality at 40% of the cost, close to seed "
            "004's example of 'half as much but 95% as well'. Whether it is 'better' still depends on what "
            "the missing 5.6% costs the business (a wrong answer to an angry customer). Slips: dividing "
            "quality by cost, crossing the two paths' figures (74.12 = 6,300 ÷ 85). Lesson 07, 'Monitoring "
            "both paths: cost per quality point'.",
        ),
        Code(
            qid="q10",
            title="Weekly regression alerts",
            outcome="L07.3",
            seed=f"{S004}: 'Track accuracy, format compliance, and latency. Alert on any regression >5%'",
            scenario="""Write the alert rule of your weekly evaluation job. `baseline` and `current` map
metric names to scores where **higher is better** (accuracy, format compliance, ...). A metric **regresses**
when it fell by **more than `threshold`** of its baseline value: (baseline − current) ÷ baseline > threshold.
A metric missing from `current` also counts as a regression. Return the regressed metric names **sorted
alphabetically and joined by `", "`**, or `""` when none regressed.

Example: `regression_alerts(baseline={"accuracy": 0.90}, current={"accuracy": 0.80})` returns
`"accuracy"`.""",
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
                    explanation="The drop is relative to the baseline: 0.90 → 0.86 is 4.4%, under 5%.",
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
                    explanation="Several regressions come back sorted; a metric the job failed to produce is "
                    "itself an alert; the threshold is a parameter.",
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
            explanation="Seed 004's weekly suite alerts on 'any regression >5%'. Relative drops make "
            "metrics on different scales comparable: format compliance falling from 0.99 to 0.92 is a 7.1% "
            "drop, accuracy from 0.90 to 0.86 is 4.4%. A metric that vanished from the report (a crashed "
            "scorer) must alert, not pass silently. Sorting makes the alert text stable for deduplication. "
            "Lesson 07, 'Monitoring both paths'.",
        ),
        MultipleChoice(
            qid="q11",
            title="A router that may not leave the VPC",
            outcome="L07.4",
            seed=f"{S002}: routing tools (Martian, Portkey, OpenRouter, your own router)",
            scenario="""Medrisk processes health claims. Its compliance team allows data to go only to
services inside its cloud account (where it has a BAA covering a private frontier deployment). It wants to
route easy claims to a self-hosted Llama model and hard ones to the private frontier deployment, with a
fallback between them. Which router setup fits?""",
            options=(
                Option(
                    "OpenRouter's hosted API: one key and automatic fallbacks across many models",
                    why="Tempting because it gives routing and fallbacks out of the box, but every prompt "
                    "would pass through a third party outside the account, which compliance forbids.",
                ),
                Option(
                    "A hosted router service that picks the model by predicted quality for each prompt",
                    why="Tempting because quality-based routing is what they want, but a hosted router sees "
                    "every claim: a new data processor compliance would have to approve.",
                ),
                Option(
                    "No router: send everything to the private frontier deployment to keep it simple",
                    why="Tempting for simplicity, and compliant, but it gives up the cost saving on easy "
                    "claims the team set out to capture.",
                ),
                Option(
                    "Their own router (or a self-hosted open-source gateway) running inside the account, "
                    "with a small difficulty classifier and the fallback chain",
                    why="Right: routing logic is small; running it inside the account keeps every claim "
                    "within the boundary compliance approved.",
                    correct=True,
                ),
            ),
            explanation="A hosted router is a data processor: it sees every prompt. Seed 002 lists Martian, "
            "Portkey, OpenRouter 'or your own router'; the data boundary decides. Products win when data may "
            "leave, the team is small and many providers must be managed; building (or self-hosting a "
            "gateway) wins when the data cannot leave, the routing signal is specific to your workload, or "
            "the product's fee grows with volume (next question). Lesson 07, 'Router products vs your own'.",
        ),
        Numeric(
            qid="q12",
            title="Buy or build a router",
            outcome="L07.4",
            seed=f"{S002}: routing tools vs your own router; {S004}: multi-provider routing with fallback",
            scenario="""A team sends **USD 20,000 a month** of API traffic through a hosted router that
charges a fee of **5% of the API spend routed through it** (an illustrative fee for this question). Building
its own router would take **160 engineer-hours** up front and **6 hours a month** of upkeep, at **USD 110 an
hour**. Ignore everything else.""",
            parts=(
                Part(
                    var="q12a_fee_usd_per_month",
                    ask="The hosted router's monthly fee",
                    unit="USD per month",
                    answer=0.05 * 20000,
                    tolerance=1.0,
                    working="0.05 * 20000",
                    mistakes=(100.0,),
                ),
                Part(
                    var="q12b_breakeven_months",
                    ask="Months until building costs less in total than the hosted router",
                    unit="months",
                    answer=160 * 110 / (0.05 * 20000 - 6 * 110),
                    tolerance=0.1,
                    working="160 * 110 / (0.05 * 20000 - 6 * 110)",
                    mistakes=(17.6, 26.67),
                ),
                Part(
                    var="q12c_breakeven_months_at_60k",
                    ask="The same break-even if the API spend grows to USD 60,000 a month",
                    unit="months",
                    answer=160 * 110 / (0.05 * 60000 - 6 * 110),
                    tolerance=0.1,
                    working="160 * 110 / (0.05 * 60000 - 6 * 110)",
                    mistakes=(5.87,),
                ),
            ),
            explanation="Fee: 5% of USD 20,000 = USD 1,000 a month. Building costs 160 × 110 = USD 17,600 "
            "up front and saves 1,000 − 660 = USD 340 a month, so it pays back after 17,600 ÷ 340 = 51.8 "
            "months: buy. At USD 60,000 of spend the fee is USD 3,000, the saving USD 2,340, and the "
            "break-even 7.5 months: build, if the team can run it. A percentage fee grows with volume while "
            "upkeep does not. Slips: ignoring the upkeep (17,600 ÷ 1,000 = 17.6 months), or dividing by the "
            "upkeep (26.7) instead of the difference. Lesson 07, 'Router products vs your own'.",
        ),
    ),
)
