"""Quiz 08 · Decision frameworks and capstone (lesson 08): scenario questions."""

from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

S000 = "000 · Open-Source vs Frontier Models: The Production Decision (2026)"
S002 = "002 · Open-source LLM vs frontier API: which one for which task in 2026 (2026-04-29)"
S003 = "003 · Open Source vs Closed AI: How to Decide (2026-06-24)"
S004 = "004 · Open Source vs Closed Source LLMs — Decision Framework (2026)"

MATRIX_TABLE = """| Dimension | 1 | 2 | 3 | 4 | 5 |
|---|---|---|---|---|---|
| Capability (hardest task) | frontier reasoning, complex code, multimodal | strong reasoning in a specialist domain | solid general text work | classification, extraction, summaries, simple Q&A | one narrow task a small fine-tuned model learns |
| Data privacy | public data | internal data, ordinary company policy | customer personal data, consent to process | regulated data (health, financial, GDPR special categories) | classified or air-gapped |
| Volume | under 100K tokens/day | 100K-1M | 1-5M | 5-50M | over 50M |
| Ops tolerance | no ML infrastructure experience | cloud basics, no GPU operations | solid DevOps, willing to learn | ML platform team or MLOps engineers | large team running GPU clusters |
| Fine-tuning need | none | light: few-shot prompts suffice | moderate: an API's fine-tuning could do | heavy: domain adaptation | continuous, several specialised models |
| Latency need | 2-5 s is fine | 1-2 s | 0.5-1 s | under 500 ms | under 100 ms |"""  # noqa: E501

QUIZ = Quiz(
    quiz_id="quiz-08-decision",
    title="Decision frameworks and capstone",
    intro=(
        "Fourteen scenarios that put whole workloads through the course's decision frameworks: seed 003's "
        "six ordered questions, seed 004's six-dimension matrix (and where its text and its bands disagree), "
        "seed 002's decision tree, the three worked scenarios, when not to use each side, and writing a "
        "recommendation with its caveats. Every number you need is in the question; a month is 30 days "
        "unless the question says otherwise."
    ),
    questions=(
        Code(
            qid="q01",
            title="The matrix's band table as a function",
            outcome="L08.1",
            seed=f"{S004}: six dimensions scored 1-5, totals 6-30 read against a band table",
            scenario="""Seed 004 scores six dimensions from 1 (favours closed models) to 5 (favours open ones)
and reads the total against its **band table**: **6-12** closed APIs, **13-18** hybrid, **19-24** open models
primary, **25-30** open models only. Write `matrix_band`, which takes the six scores as a tuple and returns
`"closed"`, `"hybrid"`, `"open primary"` or `"open only"` **by the table**.

Example: `matrix_band(scores=(2, 2, 2, 2, 2, 2))` returns `"closed"` (total 12).""",
            signature='''def matrix_band(*, scores: tuple[int, int, int, int, int, int]) -> str:
    """The band for six 1-5 scores: 'closed', 'hybrid', 'open primary' or 'open only'."""''',
            solution="""    total = sum(scores)
    if total <= 12:
        return "closed"
    if total <= 18:
        return "hybrid"
    if total <= 24:
        return "open primary"
    return "open only\"""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="The table's bands include both ends: 12 is closed, 13 and 18 are hybrid.",
                    cases=(
                        Case("matrix_band(scores=(2, 2, 2, 2, 2, 2))", "closed", hidden=False),
                        Case("matrix_band(scores=(1, 1, 1, 1, 1, 1))", "closed"),
                        Case("matrix_band(scores=(3, 2, 2, 2, 2, 2))", "hybrid"),
                        Case("matrix_band(scores=(3, 3, 3, 3, 3, 3))", "hybrid"),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="19-24 is open primary and 25-30 open only: the seed's text has no open-only "
                    "band at all.",
                    cases=(
                        Case("matrix_band(scores=(4, 3, 3, 3, 3, 3))", "open primary"),
                        Case("matrix_band(scores=(4, 4, 4, 4, 4, 4))", "open primary"),
                        Case("matrix_band(scores=(5, 4, 4, 4, 4, 4))", "open only"),
                        Case("matrix_band(scores=(5, 5, 5, 5, 5, 5))", "open only"),
                    ),
                ),
            ),
            wrong=(
                """    total = sum(scores)
    if total < 12:
        return "closed"
    if total <= 18:
        return "hybrid"
    if total <= 24:
        return "open primary"
    return "open only\"""",
                """    total = sum(scores)
    if total <= 12:
        return "closed"
    if total <= 18:
        return "hybrid"
    return "open primary\"""",
            ),
            explanation="The band table reads 6-12, 13-18, 19-24, 25-30, both ends included. The seed's "
            "prose says something else: 'above 18 open source ... below 12, stick with closed ... between "
            "12-18, consider a hybrid'. Coding the prose ('< 12 closed') puts 12 in hybrid; it also has no "
            "open-only band. The two agree everywhere except at 12 and in the 25-30 band. "
            "course.teaching.decision "
            "follows the table and warns at 12. Lesson 08, 'The six-dimension matrix'.",
        ),
        MultipleChoice(
            qid="q02",
            title="A total of exactly 12",
            outcome="L08.1",
            seed=f"{S004}: 'above 18 ... below 12 ... between 12-18' vs its band table 6-12 / 13-18",
            scenario="""Pillarbox, a parcel-tracking company, scores its customer-email assistant on seed
004's matrix: capability 2, privacy 2, volume 2, ops tolerance 2, fine-tuning 2, latency 2, a **total of 12**.
The product manager asks: "so what does the framework say?\"""",
            options=(
                Option(
                    "It gives two answers: the band table puts 12 in closed APIs (6-12), the text puts it "
                    "in hybrid ('between 12-18'); report the disagreement and decide on the dimensions "
                    "themselves",
                    why="Right: the seed contradicts itself exactly at 12, so the honest report names both "
                    "readings and looks at which dimensions drive the score.",
                    correct=True,
                ),
                Option(
                    "Closed APIs, without ambiguity: 12 is in the 6-12 band",
                    why="Tempting because the table is the clearer of the two rules, but the same article's "
                    "text says 'below 12' is closed and 12-18 hybrid: at 12 it is ambiguous.",
                ),
                Option(
                    "Hybrid, without ambiguity: the text says 'between 12-18, consider a hybrid approach'",
                    why="Tempting because the prose is what most readers remember, but the table beneath it "
                    "puts 12 in the closed band.",
                ),
                Option(
                    "Open models primary, since every dimension is above 1",
                    why="Tempting if you read 'above 1' as 'leans open', but scores of 2 lean closed; open "
                    "primary starts at 19 in the table and 'above 18' in the text.",
                ),
            ),
            explanation="Seed 004's text: 'A total score above 18 suggests open source ... Below 12, stick "
            "with closed source APIs. Between 12-18, consider a hybrid approach.' Its band table: 6-12 "
            "closed, 13-18 hybrid, 19-24 open primary, 25-30 open only. At 12 the two disagree. A total at "
            "a band edge is a weak signal anyway: here every dimension leans closed (scores of 2), which "
            "favours closed APIs on the merits. Lesson 08, 'The six-dimension matrix: where its text and "
            "bands disagree'.",
        ),
        Numeric(
            qid="q03",
            title="Scoring an insurer's claims triage",
            outcome="L08.1",
            seed=f"{S004}: the six dimensions and their 1-5 levels",
            scenario=f"""Score this workload on seed 004's matrix (levels summarised below).

Northwind Insurance wants to **extract fields from claims and classify them** into 20 types. The claims hold
**regulated health and financial data**, which its enterprise agreements may process only in approved
environments. Volume is **8M tokens a day**. Its cloud team has **basic cloud experience; nobody has run
GPUs**. **Few-shot prompts** already reach the target accuracy. Claims are processed in an **overnight batch**
(answers may take seconds).

{MATRIX_TABLE}

Next year Northwind plans to hire **two MLOps engineers** and to add **heavy domain adaptation** (fine-tuning
on its own claims); nothing else changes.""",
            parts=(
                Part(
                    var="q03a_total_now",
                    ask="The matrix total today",
                    unit="points",
                    answer=4 + 4 + 4 + 2 + 2 + 1,
                    tolerance=0.1,
                    working="4 + 4 + 4 + 2 + 2 + 1",
                    mistakes=(18.0, 16.0),
                ),
                Part(
                    var="q03b_total_next_year",
                    ask="The matrix total after next year's changes",
                    unit="points",
                    answer=4 + 4 + 4 + 4 + 4 + 1,
                    tolerance=0.1,
                    working="4 + 4 + 4 + 4 + 4 + 1",
                    mistakes=(19.0, 17.0),
                ),
            ),
            explanation="Today: capability 4 (classification and extraction), privacy 4 (regulated data), "
            "volume 4 (8M tokens/day is in 5-50M), ops 2 (cloud basics, no GPU operations), fine-tuning 2 "
            "(few-shot suffices), latency 1 (batch): 17, a hybrid under both the table and the text. Next "
            "year ops and fine-tuning become 4: 21, open primary. The score moved because the team and the "
            "need changed, not the workload, which is why the matrix should be re-run when the team "
            "changes. Slips: volume 3 (treating 8M as the 1-5M zone) or latency 2. Lesson 08, 'The "
            "six-dimension matrix'.",
        ),
        MultipleChoice(
            qid="q04",
            title="Seed 003's questions, in order",
            outcome="L08.1",
            seed=f"{S003}: six questions answered in order; the first that fires decides",
            scenario="""Tallyho classifies **public product reviews** into 12 labels: **30M tokens a day**, a
**narrow task** with **20,000 labelled reviews**, no offline need, no frontier reasoning, and **no ML engineer
or infrastructure team**. Run seed 003's six questions in order (1 privacy, 2 frontier reasoning, 3 ML/infra
team, 4 over 5M tokens/day, 5 narrow task, 6 on-device/offline). What does the framework return?""",
            options=(
                Option(
                    "Evaluate open models: question 4 fires at 30M tokens a day",
                    why="Tempting because the volume is six times the threshold, but the flow never reaches "
                    "question 4: question 3 has already decided.",
                ),
                Option(
                    "Open model plus fine-tuning: question 5 fires on a narrow task with labelled data",
                    why="Tempting because this is the best fit on the merits, but question 5 comes after "
                    "question 3, which stops the flow.",
                ),
                Option(
                    "Closed API: question 3 fires (no ML or infra team), even though questions 4 and 5 would "
                    "also fire; note those as caveats (hire, or use a managed open-model host)",
                    why="Right: the first question that fires decides. Q3 answered 'no team' returns closed "
                    "API; the later questions that also fire belong in the caveats.",
                    correct=True,
                ),
                Option(
                    "Open model, self-hosted: question 1 fires because reviews contain customer data",
                    why="Tempting because reviews are written by customers, but they are public: there is no "
                    "privacy constraint, so question 1 does not fire.",
                ),
            ),
            explanation="Seed 003 (2026-06-24) orders its questions so that the first 'yes' (or, for Q3, "
            "'no') decides. No ML team means closed API: 'the API is not the lazy option, it's the correct "
            "option'. The order hides that Q4 (volume) and Q5 (narrow task) also fire: a good "
            "recommendation reports them, and a managed open-model host gives open weights without a team. "
            "course.teaching.decision lists 'not reached' questions as warnings. Lesson 08, 'Seed 003's "
            "ordered "
            "questions'.",
        ),
        Numeric(
            qid="q05",
            title="Two thresholds in one article",
            outcome="L08.1",
            seed=f"{S003}: headline '~5 million tokens/month' vs question 4 'more than 5M tokens/day'",
            scenario="""Seed 003 advises planning a migration path when volume **exceeds about 5 million
tokens a month** (its headline), and its question 4 asks whether you process **more than 5 million tokens a
day**. A team processes **40 million tokens a month** (30 days).""",
            parts=(
                Part(
                    var="q05a_million_tokens_per_day",
                    ask="The team's volume per day",
                    unit="million tokens per day",
                    answer=40 / 30,
                    tolerance=0.01,
                    working="40 / 30",
                    mistakes=(40.0, 1200.0),
                ),
                Part(
                    var="q05b_threshold_ratio",
                    ask="How many times larger question 4's threshold is than the headline's, per month",
                    unit="×",
                    answer=5 * 30 / 5,
                    tolerance=0.1,
                    working="5 * 30 / 5",
                    mistakes=(1.0, 150.0),
                ),
                Part(
                    var="q05c_share_of_q4_threshold",
                    ask="The team's daily volume as a fraction of question 4's threshold",
                    unit="fraction",
                    answer=(40 / 30) / 5,
                    tolerance=0.01,
                    working="(40 / 30) / 5",
                    mistakes=(8.0,),
                ),
            ),
            explanation="40M a month ÷ 30 = 1.33M tokens a day. Question 4's 5M a day is 150M a month, 30 "
            "times the headline's 5M a month. The team is 8 times over the headline threshold (plan the "
            "migration) but at 0.27 of question 4's (stay on the API): the same article gives opposite "
            "advice. The fix is to compute a break-even with your own prices, mix and staff costs (lesson "
            "03) instead of borrowing either threshold. Lesson 08, 'Seed 003's ordered questions'.",
        ),
        Code(
            qid="q06",
            title="Seed 003's flow as a function",
            outcome="L08.1",
            seed=f"{S003}: the 6-question decision framework and its default",
            scenario="""Write seed 003's six ordered questions as a function. Ask them in this order and
return the outcome of the **first** that fires:

1. privacy or compliance constraint → `"open self-hosted"`
2. frontier reasoning or agentic task → `"closed API"`
3. **no** ML or infrastructure team → `"closed API"`
4. more than **5,000,000** tokens a day (strictly more) → `"evaluate open"`
5. narrow, domain-specific task → `"open + fine-tuning"`
6. on-device or offline → `"open only"`

If none fires, return the default `"closed API"`.

Example: everything false, a team present and 1,000,000 tokens a day returns `"closed API"`.""",
            signature='''def source003_flow(*, privacy_constraint: bool, frontier_reasoning: bool,
                 has_ml_team: bool, tokens_per_day: float, narrow_task: bool,
                 needs_offline: bool) -> str:
    """The outcome of the first of seed 003's six questions that fires, else 'closed API'."""''',
            solution="""    if privacy_constraint:
        return "open self-hosted"
    if frontier_reasoning:
        return "closed API"
    if not has_ml_team:
        return "closed API"
    if tokens_per_day > 5_000_000:
        return "evaluate open"
    if narrow_task:
        return "open + fine-tuning"
    if needs_offline:
        return "open only"
    return "closed API\"""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="The earliest question wins: privacy before everything, 'no team' before "
                    "volume.",
                    cases=(
                        Case(
                            "source003_flow(privacy_constraint=False, frontier_reasoning=False, "
                            "has_ml_team=True, tokens_per_day=1000000, narrow_task=False, "
                            "needs_offline=False)",
                            "closed API",
                            hidden=False,
                        ),
                        Case(
                            "source003_flow(privacy_constraint=True, frontier_reasoning=True, "
                            "has_ml_team=False, tokens_per_day=100, narrow_task=False, needs_offline=True)",
                            "open self-hosted",
                        ),
                        Case(
                            "source003_flow(privacy_constraint=False, frontier_reasoning=False, "
                            "has_ml_team=False, tokens_per_day=30000000, narrow_task=True, "
                            "needs_offline=False)",
                            "closed API",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="With a team, volume (strictly over 5M), then the narrow task, then offline.",
                    cases=(
                        Case(
                            "source003_flow(privacy_constraint=False, frontier_reasoning=False, "
                            "has_ml_team=True, tokens_per_day=6000000, narrow_task=True, "
                            "needs_offline=False)",
                            "evaluate open",
                        ),
                        Case(
                            "source003_flow(privacy_constraint=False, frontier_reasoning=False, "
                            "has_ml_team=True, tokens_per_day=5000000, narrow_task=True, "
                            "needs_offline=False)",
                            "open + fine-tuning",
                        ),
                        Case(
                            "source003_flow(privacy_constraint=False, frontier_reasoning=False, "
                            "has_ml_team=True, tokens_per_day=200000, narrow_task=False, "
                            "needs_offline=True)",
                            "open only",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    if needs_offline:
        return "open only"
    if privacy_constraint:
        return "open self-hosted"
    if frontier_reasoning:
        return "closed API"
    if not has_ml_team:
        return "closed API"
    if tokens_per_day > 5_000_000:
        return "evaluate open"
    if narrow_task:
        return "open + fine-tuning"
    return "closed API\"""",
                """    if privacy_constraint:
        return "open self-hosted"
    if frontier_reasoning:
        return "closed API"
    if tokens_per_day >= 5_000_000:
        return "evaluate open"
    if not has_ml_team:
        return "closed API"
    if narrow_task:
        return "open + fine-tuning"
    if needs_offline:
        return "open only"
    return "closed API\"""",
            ),
            explanation="The flow is an ordered list of guards: the first that fires returns. Its order is a "
            "choice with consequences: 'no team' (Q3) stops a 30M-tokens-a-day narrow task before volume and "
            "fine-tuning are considered, and offline (Q6) comes last although it is the one constraint with "
            "'no exceptions'; a privacy-constrained offline workload still gets 'open self-hosted', which is "
            "consistent. Moving offline first changes other answers (the first wrong version), and '>= 5M' "
            "changes the boundary the seed wrote as 'more than'. Lesson 08, 'Seed 003's ordered questions'; "
            "course.teaching.decision.six_question_flow adds the warnings.",
        ),
        MultipleChoice(
            qid="q07",
            title="Reading seed 002's decision tree",
            outcome="L08.2",
            seed=f"{S002}: decision tree (task → choice)",
            scenario="""Four teams quote seed 002's decision tree to justify a choice. Which one **misreads**
it?""",
            options=(
                Option(
                    "A search team: embeddings for our RAG index, so an open embedding model (BGE M3, Jina, "
                    "Nomic)",
                    why="A faithful reading: the tree sends embeddings to open models.",
                ),
                Option(
                    "A hospital: patient data with residency rules, so we must self-host open weights; the "
                    "tree allows nothing else",
                    why="The misreading: for compliance and data residency the tree gives two branches, "
                    "self-hosted open models OR a frontier model in a private deployment.",
                    correct=True,
                ),
                Option(
                    "A legal team: 400,000-token contract bundles in one pass, so a long-context frontier "
                    "model (the tree names Gemini 2.5 Pro above 200k tokens)",
                    why="A faithful reading: long context over 200k tokens goes to the frontier model the "
                    "tree names.",
                ),
                Option(
                    "A platform team: a Python and JavaScript coding assistant at scale, so a DeepSeek "
                    "Coder-class open model",
                    why="A faithful reading: the tree says coding 'depends', with open coder models for "
                    "Python/JS at scale and frontier models for multi-language or complex work.",
                ),
            ),
            explanation="Seed 002 (2026-04-29): 'Compliance / data residency requirement: open-source "
            "self-hosted or frontier in private deployment.' The middle path (Azure OpenAI under a BAA, "
            "Bedrock in a VPC, Vertex AI with data residency) 'often satisfies compliance while keeping the "
            "quality lead'. Privacy does not always mean self-hosting (lesson 04). Lesson 08, 'Seed 002's "
            "decision tree'.",
        ),
        Numeric(
            qid="q08",
            title="Internal tools at a software company",
            outcome="L08.3",
            seed=f"{S004}: Scenario B, 5,000 requests/day at about USD 800/month vs USD 3,000+/month "
            "self-hosted",
            scenario="""A 500-person software company runs AI meeting summaries, document summaries and code
review for its staff: **5,000 requests a day** cost **USD 800 a month** (30 days) through APIs. Self-hosting
on A100 GPUs would cost a flat **USD 3,000 a month**. Assume the API's cost per request stays the same as
volume grows.""",
            parts=(
                Part(
                    var="q08a_usd_per_request",
                    ask="The API's cost per request",
                    unit="USD",
                    answer=800 / (5000 * 30),
                    tolerance=0.0001,
                    working="800 / (5000 * 30)",
                    mistakes=(0.16,),
                ),
                Part(
                    var="q08b_breakeven_requests_per_day",
                    ask="Requests a day at which the API costs as much as self-hosting",
                    unit="requests per day",
                    answer=3000 / (800 / (5000 * 30)) / 30,
                    tolerance=10.0,
                    working="3000 / (800 / (5000 * 30)) / 30",
                    mistakes=(562500.0,),
                ),
                Part(
                    var="q08c_growth_factor",
                    ask="How many times today's volume that break-even is",
                    unit="×",
                    answer=3000 / 800,
                    tolerance=0.01,
                    working="3000 / 800",
                    mistakes=(0.267,),
                ),
            ),
            explanation="800 ÷ (5,000 × 30) = USD 0.00533 a request. Self-hosting's USD 3,000 buys 3,000 ÷ "
            "0.00533 = 562,500 requests a month = 18,750 a day, 3.75 times today's volume; and that ignores "
            "the MLOps staff this company does not have. Seed 004's Scenario B also needed frontier "
            "reasoning for code review and shipped in two weeks on an API: closed models via routing win on "
            "every count. Slip: leaving the break-even per month (562,500). Lesson 08, 'Three scenarios'.",
        ),
        Numeric(
            qid="q09",
            title="A health-care product's numbers",
            outcome="L08.3",
            seed=f"{S004}: Scenario A, 50,000 interactions/day, API over USD 15,000/month vs 4 A100s USD "
            "6,000",
            scenario="""A digital-health company's patient assistant handles **50,000 interactions a day**.
Its API bill would be **USD 15,000 a month** (30 days). Self-hosting on **4 A100 80 GB GPUs** costs **USD
6,000 a month**, the GPUs running **730 hours a month**. Interactions average **1,500 tokens** in total.""",
            parts=(
                Part(
                    var="q09a_api_usd_per_interaction",
                    ask="The API's cost per interaction",
                    unit="USD",
                    answer=15000 / (50000 * 30),
                    tolerance=0.0005,
                    working="15000 / (50000 * 30)",
                    mistakes=(0.3,),
                ),
                Part(
                    var="q09b_usd_per_gpu_hour",
                    ask="The self-hosted cost per GPU-hour",
                    unit="USD per GPU-hour",
                    answer=6000 / (4 * 730),
                    tolerance=0.01,
                    working="6000 / (4 * 730)",
                    mistakes=(8.22,),
                ),
                Part(
                    var="q09c_api_usd_per_mtok",
                    ask="The API's implied blended price per million tokens",
                    unit="USD per 1M tokens",
                    answer=15000 / (50000 * 30) / 1500 * 1e6,
                    tolerance=0.01,
                    working="15000 / (50000 * 30) / 1500 * 1e6",
                    mistakes=(0.0067,),
                ),
            ),
            explanation="API: 15,000 ÷ 1.5M interactions = USD 0.01 each. Self-hosted: 6,000 ÷ (4 × 730) = "
            "USD 2.05 per GPU-hour, inside seed 004's 'USD 2-3/hour' for a bare A100, so the USD 6,000 has "
            "no staff in it. Implied API price: 0.01 ÷ 1,500 tokens × 1M = USD 6.67 per million tokens, a "
            "plausible blended frontier price. But cost was the third reason in seed 004's Scenario A: the "
            "compliance team required that data never leave the VPC, and a LoRA fine-tune scored 15% above "
            "GPT-4 on their evaluation. Lesson 08, 'Three scenarios'.",
        ),
        MultipleChoice(
            qid="q10",
            title="What would flip the health-care decision?",
            outcome="L08.3",
            seed=f"{S004}: Scenario A (HIPAA, data must stay in the VPC); {S002}: frontier in a private "
            "deployment",
            scenario="""Seed 004's health-care startup self-hosts Llama 3.1 70B because its compliance team
requires that patient data **never leave its AWS VPC**, a LoRA fine-tune beat GPT-4 on its domain, and
50,000 interactions a day make the API bill larger than four A100s. Which **different** company should land on
a **frontier model in a private deployment** instead?""",
            options=(
                Option(
                    "The same startup at 100,000 interactions a day",
                    why="Tempting because scale changes decisions, but more volume only strengthens the case "
                    "for self-hosting.",
                ),
                Option(
                    "The same startup, noting that OpenAI Enterprise offers a BAA: the original choice was "
                    "a mistake",
                    why="Tempting because a BAA is what HIPAA requires, but this compliance team went "
                    "further (data never leaves the VPC), and cost and fine-tuning also favoured "
                    "self-hosting.",
                ),
                Option(
                    "The same startup with a stricter latency target of 300 ms",
                    why="Tempting because latency matters for a chat product, but a tighter budget favours a "
                    "co-located open model, not a remote API.",
                ),
                Option(
                    "A clinic network with 5,000 interactions a day, a compliance team that accepts a "
                    "BAA-covered frontier deployment in its own cloud region, and no one to run GPUs",
                    why="Right: compliance is met by the private deployment, volume is far below the GPU "
                    "break-even, and there is no team to run infrastructure: every reason to self-host is "
                    "gone.",
                    correct=True,
                ),
            ),
            explanation="The health-care scenario self-hosted for three reasons at once: a "
            "stricter-than-HIPAA rule (data never leaves the VPC), a fine-tuning gain, and volume. Remove "
            "all three (compliance accepts a BAA-covered private deployment such as Azure OpenAI or Bedrock "
            "in the VPC, low volume, no MLOps team) and the middle path wins: frontier quality, compliant, "
            "no GPUs. Privacy does not always mean self-hosting (seed 002). Lesson 08, 'Three scenarios'; "
            "lesson 04 for the middle path.",
        ),
        MultipleChoice(
            qid="q11",
            title="Future-proofing a three-person start-up",
            outcome="L08.4",
            seed=f"{S002}: when NOT to use open-source; {S000}: the gap 12 months out cannot be predicted",
            scenario="""Brightpath has **three engineers**, no product-market fit yet, and
a **mission-critical** scheduling product for clinics' staff rotas (no patient data). Its CTO wants to
self-host an open model now and
sign a **12-month reserved GPU contract**, arguing that "open models will certainly overtake the frontier
within a year". What is the best advice?""",
            options=(
                Option(
                    "Stay on the best API model for now; nobody can predict the gap 12 months out, so keep "
                    "a thin model interface and an evaluation set that make switching cheap when the facts "
                    "change",
                    why="Right: a small team with a mission-critical product and no product-market fit is "
                    "exactly seed 002's 'don't self-host' case, and an unpredictable gap argues for keeping "
                    "options open, not for a 12-month bet.",
                    correct=True,
                ),
                Option(
                    "Sign the contract: reserved GPUs are 30-60% cheaper, and open models will catch up",
                    why="Tempting because reserved pricing is a real discount (seed 004), but it locks a "
                    "three-person team into running infrastructure on a prediction nobody can make.",
                ),
                Option(
                    "Commit to one frontier provider for three years: the frontier will only widen its lead",
                    why="Tempting as the opposite bet, but it is the same mistake: a long commitment built "
                    "on a forecast of the gap, plus lock-in.",
                ),
                Option(
                    "Train their own small model from scratch so that neither side's progress matters",
                    why="Tempting as independence, but it costs far more than either option and solves none "
                    "of the team's problems.",
                ),
            ),
            explanation="Seed 002 (2026-04-29): 'If your product is mission-critical and your team has 1-3 "
            "engineers, don't self-host', and early-stage teams should 'use the best model available "
            "regardless of cost'. Seeds 000/001 list 'predict the open vs closed gap 12 months out' among "
            "what cannot be done. The robust move is cheap switching: one model interface, your own "
            "evaluation set, the decision re-run when volume, team or models change. Lesson 08, 'When not "
            "to use each side'.",
        ),
        MultipleChoice(
            qid="q12",
            title="When the two frameworks disagree",
            outcome="L08.5",
            seed=f"{S003}: Q3 (no ML team) → closed API; {S004}: matrix total 19-24 → open primary",
            scenario="""You put your own workload through both frameworks. Seed 003's flow stops at question 3
(**no ML or infrastructure team**) and returns **closed API**. Seed 004's matrix totals **20** (open models
primary), with ops tolerance scored **1** and high scores for volume, fine-tuning need and latency. Which
recommendation would you write?""",
            options=(
                Option(
                    "Open models primary: the matrix weighs six dimensions, the flow only one",
                    why="Tempting because more dimensions sound more thorough, but a sum lets high scores "
                    "elsewhere outvote a blocker: nobody can run the infrastructure.",
                ),
                Option(
                    "Hybrid, splitting the difference between the two frameworks",
                    why="Tempting as a compromise, but averaging recommendations is not a reason; the "
                    "blocker still applies to the open half.",
                ),
                Option(
                    "A closed API or a managed open-model host now, because the ops score of 1 is a blocker "
                    "the matrix's sum hid; caveats: revisit when an MLOps hire lands or volume passes the "
                    "break-even",
                    why="Right: the recommendation follows the blocker, names the disagreement and says what "
                    "would change it, which is what a recommendation with caveats means.",
                    correct=True,
                ),
                Option(
                    "No recommendation: frameworks that disagree are useless",
                    why="Tempting out of frustration, but the disagreement is information: it points at the "
                    "dimension that decides.",
                ),
            ),
            explanation="A weighted sum can hide a blocker (ops tolerance 1) that an ordered flow treats as "
            "decisive. The capstone recommendation reports both results, explains why they differ, follows "
            "the constraint that cannot be traded away, and lists what would change the answer (an MLOps "
            "hire, volume over the break-even, a managed open-model host as the bridge). "
            "course.teaching.decision.score_matrix warns when ops is 1 and the total still says open. "
            "Lesson 08, "
            "'Your own workload'.",
        ),
        Code(
            qid="q13",
            title="Caveats the matrix's sum can hide",
            outcome="L08.5",
            seed=f"{S004}: privacy 'overrides every other dimension'; the 12 edge; blockers in a sum",
            scenario="""Your capstone report prints the caveats that seed 004's total can hide. Write
`caveats`, returning the caveat codes that apply, **in this order**, joined by `", "` (or `""` if none):

1. `"privacy-override"` if privacy is **5** (air-gapped or classified: open only, whatever the total);
2. `"capability-blocker"` if capability is **1** and the total is **13 or more** (the sum recommends open
   models for a workload whose hardest task needs a frontier model);
3. `"ops-blocker"` if ops tolerance is **1** and the total is **13 or more**;
4. `"edge-12"` if the total is exactly **12** (the seed's text and its table disagree).

Example: capability 1, privacy 3, volume 4, ops 3, fine-tuning 3, latency 2 (total 16) returns
`"capability-blocker"`.""",
            signature='''def caveats(*, capability: int, privacy: int, cost_volume: int, ops_tolerance: int,
            fine_tuning: int, latency: int) -> str:
    """The caveat codes that apply to one matrix scoring, in order, joined by ', '."""''',
            solution="""    total = capability + privacy + cost_volume + ops_tolerance + fine_tuning + latency
    found = []
    if privacy == 5:
        found.append("privacy-override")
    if capability == 1 and total >= 13:
        found.append("capability-blocker")
    if ops_tolerance == 1 and total >= 13:
        found.append("ops-blocker")
    if total == 12:
        found.append("edge-12")
    return ", ".join(found)""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="Each caveat on its own.",
                    cases=(
                        Case(
                            "caveats(capability=1, privacy=3, cost_volume=4, ops_tolerance=3, fine_tuning=3, "
                            "latency=2)",
                            "capability-blocker",
                            hidden=False,
                        ),
                        Case(
                            "caveats(capability=4, privacy=2, cost_volume=3, ops_tolerance=1, fine_tuning=3, "
                            "latency=3)",
                            "ops-blocker",
                        ),
                        Case(
                            "caveats(capability=2, privacy=2, cost_volume=2, ops_tolerance=2, fine_tuning=2, "
                            "latency=2)",
                            "edge-12",
                        ),
                        Case(
                            "caveats(capability=3, privacy=3, cost_volume=3, ops_tolerance=3, fine_tuning=3, "
                            "latency=3)",
                            "",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Blockers matter only when the total points away from closed APIs (13 or "
                    "more); several caveats come back in the stated order.",
                    cases=(
                        Case(
                            "caveats(capability=1, privacy=5, cost_volume=4, ops_tolerance=1, fine_tuning=3, "
                            "latency=3)",
                            "privacy-override, capability-blocker, ops-blocker",
                        ),
                        Case(
                            "caveats(capability=1, privacy=1, cost_volume=1, ops_tolerance=1, fine_tuning=1, "
                            "latency=1)",
                            "",
                        ),
                        Case(
                            "caveats(capability=1, privacy=2, cost_volume=2, ops_tolerance=2, fine_tuning=3, "
                            "latency=2)",
                            "edge-12",
                        ),
                        Case(
                            "caveats(capability=1, privacy=2, cost_volume=3, ops_tolerance=2, fine_tuning=3, "
                            "latency=2)",
                            "capability-blocker",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    total = capability + privacy + cost_volume + ops_tolerance + fine_tuning + latency
    found = []
    if privacy == 5:
        found.append("privacy-override")
    if capability == 1:
        found.append("capability-blocker")
    if ops_tolerance == 1:
        found.append("ops-blocker")
    if total == 12:
        found.append("edge-12")
    return ", ".join(found)""",
                """    total = capability + privacy + cost_volume + ops_tolerance + fine_tuning + latency
    found = []
    if privacy == 5:
        found.append("privacy-override")
    if capability == 1 and total > 13:
        found.append("capability-blocker")
    if ops_tolerance == 1 and total > 13:
        found.append("ops-blocker")
    if total == 12:
        found.append("edge-12")
    return ", ".join(found)""",
            ),
            explanation="A total compresses six judgements into one number, and three things get lost: a "
            "privacy score of 5 that seed 004 says 'overrides every other dimension', a capability of 1 or "
            "an ops tolerance of 1 outvoted by high scores elsewhere, and the band edge at 12 where the "
            "seed's text and table disagree. Below 13 the blockers change nothing (the answer is already "
            "closed APIs), which is why the rule checks the total. course.teaching.decision.score_matrix "
            "produces "
            "the same warnings. Lesson 08, 'Your own workload: the recommendation and its caveats'.",
        ),
        MultipleChoice(
            qid="q14",
            title="A multilingual assistant on the decision tree",
            outcome="L08.2",
            seed=f"{S002}: decision tree rows 'multilingual product' and 'customer-facing agent, quality "
            "critical'",
            scenario="""Lingua Ledger builds a **customer-facing** assistant that explains a bank's public
product terms in **14 languages**, including Swahili, Tagalog and Khmer; no customer data reaches the model.
A wrong answer is a compliance incident, so **quality is critical**. Volume is about **3M tokens a day**.
Retrieval over the product documents feeds the assistant. Where does seed 002's decision tree send the
**generator**?""",
            options=(
                Option(
                    "Self-hosted open model: the tree sends high-volume text processing there",
                    why="Tempting because open models are cheaper per token, but 3M tokens a day is not the "
                    "tree's high-volume case, and this is not background text processing.",
                ),
                Option(
                    "A frontier API: both the 'multilingual product' and the 'customer-facing agent, quality "
                    "critical' rows point there",
                    why="Right: two rows agree, and seed 002 names multilingual quality, above all in "
                    "under-resourced languages, as a place where frontier models still lead.",
                    correct=True,
                ),
                Option(
                    "An open model fine-tuned on the bank's documents: the tree sends domain fine-tuning to "
                    "open models",
                    why="Tempting because banking is a domain, but the hard part here is language breadth, "
                    "not a narrow behaviour; a small model fine-tuned in 14 languages trails where it "
                    "matters.",
                ),
                Option(
                    "An open model end to end, since the tree sends embeddings to open models",
                    why="Tempting because the retrieval step can indeed use open embeddings, but that row "
                    "covers the embeddings, not the model that writes the answers.",
                ),
            ),
            explanation="Seed 002's tree (2026-04-29) maps tasks to choices: 'Multilingual product: "
            "frontier API' and 'Customer-facing AI agent, quality critical: frontier API'. The same tree "
            "sends embeddings to open models (BGE M3, Jina, Nomic), so a sensible design mixes both: open "
            "embeddings for retrieval, a frontier model for the answers. The tree reads one task at a time; "
            "a product made of several tasks gets several rows. Lesson 08, 'Seed 002's decision tree'.",
        ),
    ),
)
