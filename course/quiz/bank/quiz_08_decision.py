"""Quiz 08 · Decision frameworks and capstone (lesson 08): article 003's ordered questions, article 004's
matrix, article 002's decision tree, the three worked scenarios, when not to use each side, the
recommendation.

The frameworks' answers come from :mod:`course.teaching.decision` (the band table, the six-question flow,
the worked scenarios with lesson 08's reading of scenario A: 400 tokens an interaction at USD 25 per 1M).
"""

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
from course.teaching.decision import (
    WORKED_SCENARIOS,
    FlowAnswers,
    Recommendation,
    band_for_total,
    six_question_flow,
)

MATRIX_TABLE = """| Dimension | 1 | 2 | 3 | 4 | 5 |
|---|---|---|---|---|---|
| Capability (hardest task) | frontier reasoning, complex code, multimodal | strong reasoning in a specialist domain | solid general text work | classification, extraction, summaries, simple Q&A | one narrow task a small fine-tuned model learns |
| Data privacy | public data | internal data, ordinary company policy | customer personal data, consent to process | regulated data (health, financial, GDPR special categories) | classified or air-gapped |
| Volume | under 100K tokens/day | 100K-1M | 1-5M | 5-50M | over 50M |
| Ops tolerance | no ML infrastructure experience | cloud basics, no GPU operations | solid DevOps, willing to learn | ML platform team or MLOps engineers | large team running GPU clusters |
| Fine-tuning need | none | light: few-shot prompts suffice | moderate: an API's fine-tuning could do | heavy: domain adaptation | continuous, several specialised models |
| Latency need | 2-5 s is fine | 1-2 s | 0.5-1 s | under 500 ms | under 100 ms |"""  # noqa: E501

_BAND = {
    Recommendation.CLOSED_API: "closed",
    Recommendation.HYBRID: "hybrid",
    Recommendation.OPEN_PRIMARY: "open primary",
    Recommendation.OPEN_ONLY: "open only",
}
_FLOW = {
    Recommendation.OPEN_SELF_HOSTED: "open self-hosted",
    Recommendation.CLOSED_API: "closed API",
    Recommendation.EVALUATE_OPEN: "evaluate open",
    Recommendation.OPEN_FINE_TUNED: "open + fine-tuning",
    Recommendation.OPEN_ONLY: "open only",
}


def _band_case(scores: tuple[int, ...], *, hidden: bool = True) -> Case:
    """A matrix_band case whose answer is the course's band table (course.teaching.decision)."""
    return Case(
        f"matrix_band(scores={scores})", _BAND[band_for_total(sum(scores)).recommendation], hidden=hidden
    )


def _flow_case(
    privacy: bool,
    frontier: bool,
    team: bool,
    tokens: int,
    narrow: bool,
    offline: bool,
    *,
    hidden: bool = True,
) -> Case:
    """A source003_flow case whose answer is the course's six-question flow."""
    answers = FlowAnswers(
        privacy_constraint=privacy,
        frontier_reasoning=frontier,
        has_ml_team=team,
        tokens_per_day=tokens,
        narrow_task=narrow,
        needs_offline=offline,
    )
    call = (
        f"source003_flow(privacy_constraint={privacy}, frontier_reasoning={frontier}, has_ml_team={team}, "
        f"tokens_per_day={tokens}, narrow_task={narrow}, needs_offline={offline})"
    )
    return Case(call, _FLOW[six_question_flow(answers).recommendation], hidden=hidden)


# q09: lesson 08's reading of article 004's scenario A
SCENARIO_A = next(s for s in WORKED_SCENARIOS if s.key == "health")
Q09_INTERACTIONS = 50_000
Q09_TOKENS_PER_INTERACTION = SCENARIO_A.flow.tokens_per_day / Q09_INTERACTIONS
Q09_API_USD_PER_MTOK = 15_000 / (SCENARIO_A.flow.tokens_per_day * 30 / 1e6)

QUIZ = Quiz(
    quiz_id="quiz-08-decision",
    title="Decision frameworks and capstone",
    intro=(
        "Sixteen scenarios that put whole workloads through the course's decision frameworks: article 003's "
        "six ordered questions, article 004's six-dimension matrix (and where its text and its bands "
        "disagree), article 002's decision tree, the three worked scenarios, when not to use each side, and "
        "writing a recommendation with its caveats. Every number you need is in the question; a month is 30 "
        "days unless the question says otherwise."
    ),
    questions=(
        Code(
            qid="q01",
            title="The matrix's band table as a function",
            outcome="L08.1",
            article=cite(SOURCE_004, "six dimensions scored 1-5, totals 6-30 read against a band table"),
            ideas=("004-12", "004-13"),
            scenario=(
                "Article 004 scores six dimensions from 1 (favours closed models) to 5 (favours open ones) "
                "and reads the total against its **band table**: **6-12** closed APIs, **13-18** hybrid, "
                "**19-24** open models primary, **25-30** open models only. Write `matrix_band`, which "
                "takes "
                'the six scores as a tuple and returns `"closed"`, `"hybrid"`, `"open primary"` or `"open '
                'only"` **by the table**.\n\n'
                'Example: `matrix_band(scores=(2, 2, 2, 2, 2, 2))` returns `"closed"` (total 12).'
            ),
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
                        _band_case((2, 2, 2, 2, 2, 2), hidden=False),
                        _band_case((1, 1, 1, 1, 1, 1)),
                        _band_case((3, 2, 2, 2, 2, 2)),
                        _band_case((3, 3, 3, 3, 3, 3)),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "19-24 is open primary and 25-30 open only: the article's text has no open-only band."
                    ),
                    cases=(
                        _band_case((4, 3, 3, 3, 3, 3)),
                        _band_case((4, 4, 4, 4, 4, 4)),
                        _band_case((5, 4, 4, 4, 4, 4)),
                        _band_case((5, 5, 5, 5, 5, 5)),
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
            explanation=(
                "The band table reads 6-12, 13-18, 19-24, 25-30, both ends included. The article's prose "
                "says something else: 'above 18 open source ... below 12, stick with closed ... between "
                "12-18, consider a hybrid'. Coding the prose ('< 12 closed') puts 12 in hybrid; it also has "
                "no open-only band. course.teaching.decision follows the table and warns at 12. Lesson 08, "
                "'The article contradicts itself at 12'."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title="A total of exactly 12",
            outcome="L08.1",
            article=cite(SOURCE_004, "'above 18 ... below 12 ... between 12-18' vs its band table"),
            ideas=("004-13",),
            scenario=(
                "Pillarbox, a parcel-tracking company, scores its customer-email assistant on article 004's "
                "matrix: capability 2, privacy 2, volume 2, ops tolerance 2, fine-tuning 2, latency 2, a "
                '**total of 12**. The product manager asks: "so what does the framework say?"'
            ),
            options=(
                Option(
                    "Two answers: the table says closed, the text says hybrid; report both and read the "
                    "scores.",
                    why=(
                        "Right: the article contradicts itself exactly at 12, so the honest report names "
                        "both readings and looks at which dimensions drive the score."
                    ),
                    correct=True,
                ),
                Option(
                    "Closed APIs, without any ambiguity, because a total of 12 falls inside the table's "
                    "6-12 band.",
                    why=(
                        "Tempting because the table is the clearer of the two rules, but the same article's "
                        "text says 'below 12' is closed and 12-18 hybrid: at 12 it is ambiguous."
                    ),
                ),
                Option(
                    "Hybrid, without any ambiguity, because the text says 'between 12-18, consider hybrid'.",
                    why=(
                        "Tempting because the prose is what most readers remember, but the table beneath it "
                        "puts 12 in the closed band."
                    ),
                ),
                Option(
                    "Open models primary, because every one of the six dimensions scored above the lowest "
                    "level of 1.",
                    why=(
                        "Tempting if you read 'above 1' as 'leans open', but scores of 2 lean closed; open "
                        "primary starts at 19 in the table and 'above 18' in the text."
                    ),
                ),
            ),
            explanation=(
                "Article 004's text: 'A total score above 18 suggests open source ... Below 12, stick with "
                "closed source APIs. Between 12-18, consider a hybrid approach.' Its band table: 6-12 "
                "closed, 13-18 hybrid, 19-24 open primary, 25-30 open only. At 12 the two disagree. A total "
                "at a band edge is a weak signal anyway: here every dimension leans closed (scores of 2), "
                "which favours closed APIs on the merits. Lesson 08, 'The article contradicts itself at 12'."
            ),
        ),
        Numeric(
            qid="q03",
            title="Scoring an insurer's claims triage",
            outcome="L08.1",
            article=cite(SOURCE_004, "the six dimensions and their 1-5 levels"),
            ideas=("004-12", "004-33", "004-15"),
            scenario=(
                "Score this workload on article 004's matrix (levels summarised below). The levels are "
                "judgement calls, so each total is accepted **within 1 point**.\n\nNorthwind Insurance "
                "wants to **extract fields from claims and classify them** into 20 types. The claims hold "
                "**regulated health and financial data**, which its enterprise agreements may process only "
                "in approved environments. Volume is **8M tokens a day**. Its cloud team has **basic cloud "
                "experience; nobody has run GPUs**. **Few-shot prompts** already reach the target accuracy. "
                "Claims are processed in an **overnight batch** (answers may take seconds).\n\n"
                f"{MATRIX_TABLE}\n\n"
                "Next year Northwind plans to hire **two MLOps engineers** and to add **heavy domain "
                "adaptation** (fine-tuning on its own claims); nothing else changes."
            ),
            parts=(
                Part(
                    var="q03a_total_now",
                    ask="The matrix total today",
                    unit="points",
                    answer=4 + 4 + 4 + 2 + 2 + 1,
                    tolerance=1.0,
                    working="4 + 4 + 4 + 2 + 2 + 1",
                    mistakes=(20.0, 14.0),
                ),
                Part(
                    var="q03b_total_next_year",
                    ask="The matrix total after next year's changes",
                    unit="points",
                    answer=4 + 4 + 4 + 4 + 4 + 1,
                    tolerance=1.0,
                    working="4 + 4 + 4 + 4 + 4 + 1",
                    mistakes=(17.0, 24.0),
                ),
            ),
            explanation=(
                "Today: capability 4 (classification and extraction), privacy 4 (regulated data), volume 4 "
                "(8M tokens/day is in 5-50M), ops 2 (cloud basics, no GPU operations), fine-tuning 2 "
                "(few-shot suffices), latency 1 (batch): 17, a hybrid under both the table and the text; 16 "
                "or 18 (a level read one step differently) also score. Next year ops and fine-tuning become "
                "4: 21, open primary. The score moved because the team and the need changed, not the "
                "workload, which is why the matrix should be re-run when the team changes. Lesson 08, "
                "'Scoring the same scenarios'."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="Article 003's questions, in order",
            outcome="L08.1",
            article=cite(SOURCE_003, "six questions answered in order; the first that fires decides"),
            ideas=("003-28", "000-10"),
            scenario=(
                "Tallyho classifies **public product reviews** into 12 labels: **30M tokens a day**, a "
                "**narrow task** with **20,000 labelled reviews**, no offline need, no frontier reasoning, "
                "and **no ML engineer or infrastructure team**. Run article 003's six questions in order (1 "
                "privacy, 2 frontier reasoning, 3 ML/infra team, 4 over 5M tokens/day, 5 narrow task, 6 "
                "on-device/offline). What does the framework return?"
            ),
            options=(
                Option(
                    "Evaluate open models: question 4 fires at 30M tokens a day, six times the 5M-a-day "
                    "line.",
                    why=(
                        "Tempting because the volume is six times the threshold, but the flow never reaches "
                        "question 4: question 3 has already decided."
                    ),
                ),
                Option(
                    "Open model plus fine-tuning: question 5 fires on a narrow task with 20,000 labels.",
                    why=(
                        "Tempting because this is the best fit on the merits, but question 5 comes after "
                        "question 3, which stops the flow."
                    ),
                ),
                Option(
                    "Open model, self-hosted: question 1 fires, since the reviews come from customers.",
                    why=(
                        "Tempting because reviews are written by customers, but they are public: there is "
                        "no privacy constraint, so question 1 does not fire."
                    ),
                ),
                Option(
                    "Closed API: the 'no team' question fires first; later ones that fire go in the caveats.",
                    why=(
                        "Right: the first question that fires decides. Q3 answered 'no team' returns closed "
                        "API; the later questions that also fire belong in the caveats."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Article 003 orders its questions so that the first 'yes' (or, for Q3, 'no') decides. No ML "
                "team means closed API: 'the API is not the lazy option, it's the correct option'. The "
                "order hides that Q4 (volume) and Q5 (narrow task) also fire: a good recommendation reports "
                "them, and a managed open-model host gives open weights without a team. "
                "course.teaching.decision lists 'not reached' questions as warnings. Lesson 08, 'Article "
                "003: six questions, in order'."
            ),
        ),
        Numeric(
            qid="q05",
            title="Two thresholds in one article",
            outcome="L08.1",
            article=cite(SOURCE_003, "headline '~5 million tokens/month' vs question 4 '5M tokens/day'"),
            ideas=("003-05", "003-28"),
            scenario=(
                "Article 003 advises planning a migration path when volume **exceeds about 5 million tokens "
                "a month** (its headline), and its question 4 asks whether you process **more than 5 "
                "million tokens a day**. A team processes **42 million tokens a month** (30 days)."
            ),
            parts=(
                Part(
                    var="q05a_times_headline_threshold",
                    ask="How many times the headline's monthly threshold the team's volume is",
                    unit="x",
                    answer=42 / 5,
                    tolerance=0.01,
                    working="42 / 5",
                    mistakes=(42 / 150, 42.0),
                ),
                Part(
                    var="q05b_share_of_q4_threshold",
                    ask="The team's daily volume as a fraction of question 4's threshold",
                    unit="fraction",
                    answer=(42 / 30) / 5,
                    tolerance=0.01,
                    working="(42 / 30) / 5",
                    mistakes=(42 / 5, 42 / 30),
                ),
            ),
            explanation=(
                "42M a month is 8.4 times the headline's 5M a month (plan the migration), but 42 / 30 = "
                "1.4M tokens a day is 0.28 of question 4's 5M a day (stay on the API): question 4's "
                "threshold is 30 times the headline's. The same article gives opposite advice. The fix is "
                "to compute a break-even with your own prices, mix and staff costs (lesson 03) instead of "
                "borrowing either threshold. Lesson 08, 'Article 003: six questions, in order'."
            ),
        ),
        Code(
            qid="q06",
            title="Article 003's flow as a function",
            outcome="L08.1",
            article=cite(SOURCE_003, "the 6-question decision framework and its default"),
            ideas=("003-28",),
            scenario=(
                "Write article 003's six ordered questions as a function. Ask them in this order and return "
                "the outcome of the **first** that fires:\n\n"
                '1. privacy or compliance constraint -> `"open self-hosted"`\n'
                '2. frontier reasoning or agentic task -> `"closed API"`\n'
                '3. **no** ML or infrastructure team -> `"closed API"`\n'
                '4. more than **5,000,000** tokens a day (strictly more) -> `"evaluate open"`\n'
                '5. narrow, domain-specific task -> `"open + fine-tuning"`\n'
                '6. on-device or offline -> `"open only"`\n\n'
                'If none fires, return the default `"closed API"`.\n\n'
                'Example: everything false, a team present and 1,000,000 tokens a day returns `"closed '
                'API"`.'
            ),
            signature='''def source003_flow(*, privacy_constraint: bool, frontier_reasoning: bool,
                 has_ml_team: bool, tokens_per_day: float, narrow_task: bool,
                 needs_offline: bool) -> str:
    """The outcome of the first of article 003's six questions that fires, else 'closed API'."""''',
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
                    explanation="The earliest question wins: privacy first, 'no team' before volume.",
                    cases=(
                        _flow_case(False, False, True, 1_000_000, False, False, hidden=False),
                        _flow_case(True, True, False, 100, False, True),
                        _flow_case(False, False, False, 30_000_000, True, False),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="With a team, volume (strictly over 5M), then the narrow task, then offline.",
                    cases=(
                        _flow_case(False, False, True, 6_000_000, True, False),
                        _flow_case(False, False, True, 5_000_000, True, False),
                        _flow_case(False, False, True, 200_000, False, True),
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
            explanation=(
                "The flow is an ordered list of guards: the first that fires returns. Its order is a choice "
                "with consequences: 'no team' (Q3) stops a 30M-tokens-a-day narrow task before volume and "
                "fine-tuning are considered, and offline (Q6) comes last although it is the one constraint "
                "with 'no exceptions'. Moving offline first changes other answers, and '>= 5M' changes the "
                "boundary the article wrote as 'more than'. Lesson 08, 'Article 003: six questions, in "
                "order'; course.teaching.decision.six_question_flow adds the warnings."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="Reading article 002's decision tree",
            outcome="L08.2",
            article=cite(SOURCE_002, "decision tree (task -> choice)"),
            ideas=("002-24", "002-18"),
            scenario=(
                "Four teams quote article 002's decision tree (2026-04-29) to justify a choice. Which one "
                "**misreads** it?"
            ),
            options=(
                Option(
                    "A search team: embeddings for a RAG index, so an open model such as BGE M3 or Nomic.",
                    why="A faithful reading: the tree sends embeddings to open models.",
                ),
                Option(
                    "A legal team: 400,000-token bundles in one pass, so the long-context frontier model.",
                    why=(
                        "A faithful reading: long context over 200k tokens goes to a frontier model (the "
                        "tree named Gemini 2.5 Pro in April 2026; it has since been retired, so take "
                        "today's long-context frontier model)."
                    ),
                ),
                Option(
                    "A hospital: patient data under residency rules, so self-hosting is the only branch.",
                    why=(
                        "The misreading: for compliance and data residency the tree gives two branches, "
                        "self-hosted open models OR a frontier model in a private deployment."
                    ),
                    correct=True,
                ),
                Option(
                    "A platform team: a Python and JavaScript assistant at scale, so an open coder model.",
                    why=(
                        "A faithful reading: the tree says coding 'depends', with open coder models for "
                        "Python/JS at scale and frontier models for multi-language or complex work."
                    ),
                ),
            ),
            explanation=(
                "Article 002: 'Compliance / data residency requirement: open-source self-hosted or frontier "
                "in private deployment.' The middle path (Azure OpenAI under a BAA, Bedrock in a VPC, "
                "Vertex AI with data residency) often satisfies compliance while keeping the quality lead. "
                "Privacy does not always mean self-hosting (lesson 04). Lesson 08, 'Article 002: a decision "
                "tree, task -> choice'."
            ),
        ),
        Numeric(
            qid="q08",
            title="Internal tools at a software company",
            outcome="L08.3",
            article=cite(SOURCE_004, "Scenario B: 5,000 requests/day at about USD 800/month vs USD 3,000+"),
            ideas=("004-18", "000-14"),
            scenario=(
                "A 500-person software company runs AI meeting summaries, document summaries and code "
                "review for its staff: **5,000 requests a day** cost **USD 800 a month** (30 days) through "
                "APIs. Self-hosting on A100 GPUs would cost a flat **USD 3,000 a month**. Assume the API's "
                "cost per request stays the same as volume grows."
            ),
            parts=(
                Part(
                    var="q08a_breakeven_requests_per_day",
                    ask="Requests a day at which the API costs as much as self-hosting",
                    unit="requests per day",
                    answer=3000 / (800 / (5000 * 30)) / 30,
                    tolerance=10.0,
                    working="3000 / (800 / (5000 * 30)) / 30",
                    mistakes=(562500.0,),
                ),
                Part(
                    var="q08b_growth_factor",
                    ask="How many times today's volume that break-even is",
                    unit="x",
                    answer=3000 / 800,
                    tolerance=0.01,
                    working="3000 / 800",
                    mistakes=(800 / 3000,),
                ),
            ),
            explanation=(
                "800 / (5,000 x 30) = USD 0.00533 a request. Self-hosting's USD 3,000 buys 3,000 / 0.00533 "
                "= 562,500 requests a month = 18,750 a day, 3.75 times today's volume; and that ignores the "
                "MLOps staff this company does not have. Article 004's Scenario B also needed frontier "
                "reasoning for code review and shipped in two weeks on an API: closed models via routing "
                "win on every count. Slip: leaving the break-even per month. Lesson 08, 'Three worked "
                "scenarios'."
            ),
        ),
        Numeric(
            qid="q09",
            title="A health-care product's numbers",
            outcome="L08.3",
            article=cite(
                SOURCE_004, "Scenario A: 50,000 interactions/day, API over USD 15,000/month, 4 A100s"
            ),
            ideas=("004-18", "000-11"),
            scenario=(
                "Article 004's health-care start-up handles **50,000 patient interactions a day**. Its API "
                "bill would be **USD 15,000 a month** (30 days). Self-hosting on **4 A100 80 GB GPUs** "
                "costs **USD 6,000 a month**, the GPUs running **730 hours a month**. Lesson 08 reads the "
                "API bill at article 004's own price of **USD 25 per 1M tokens**."
            ),
            parts=(
                Part(
                    var="q09a_tokens_per_interaction",
                    ask="The tokens per interaction that this price and bill imply",
                    unit="tokens",
                    answer=Q09_TOKENS_PER_INTERACTION,
                    tolerance=1.0,
                    mistakes=(1500.0, 15_000 / (Q09_INTERACTIONS * 30) * 1e6 / 25 / 30),
                ),
                Part(
                    var="q09b_usd_per_gpu_hour",
                    ask="The self-hosted cost per GPU-hour",
                    unit="USD per GPU-hour",
                    answer=6000 / (4 * 730),
                    tolerance=0.01,
                    working="6000 / (4 * 730)",
                    mistakes=(6000 / 730,),
                ),
            ),
            explanation=(
                "API: 15,000 / (50,000 x 30) = USD 0.01 an interaction; at USD 25 per 1M tokens that is "
                "0.01 / 25 x 1M = 400 tokens an interaction, 20M tokens a day: the reading lesson 08 uses "
                "(decision.WORKED_SCENARIOS). Self-hosted: 6,000 / (4 x 730) = USD 2.05 per GPU-hour, "
                "inside article 004's 'USD 2-3/hour' for a bare A100, so the USD 6,000 has no staff in it. "
                "But cost was the third reason in Scenario A: compliance required that data never leave the "
                "VPC, and a LoRA fine-tune scored 15% above GPT-4 on their evaluation. Lesson 08, 'Three "
                "worked scenarios'."
            ),
        ),
        MultipleChoice(
            qid="q10",
            title="What would flip the health-care decision?",
            outcome="L08.3",
            article=cite(SOURCE_004, "Scenario A: data must stay in the VPC")
            + "; "
            + cite(SOURCE_002, "frontier in a private deployment"),
            ideas=("004-18", "002-18"),
            scenario=(
                "Article 004's health-care start-up self-hosts Llama 3.1 70B because its compliance team "
                "requires that patient data **never leave its AWS VPC**, a LoRA fine-tune beat GPT-4 on its "
                "domain, and 50,000 interactions a day make the API bill larger than four A100s. Which "
                "**different** company should land on a **frontier model in a private deployment** instead?"
            ),
            options=(
                Option(
                    "The same start-up at 100,000 interactions a day, with exactly the same compliance rule "
                    "as now.",
                    why=(
                        "Tempting because scale changes decisions, but more volume only strengthens the "
                        "case for self-hosting."
                    ),
                ),
                Option(
                    "The same start-up, now that some frontier APIs sign a BAA: its choice was a mistake.",
                    why=(
                        "Tempting because a BAA is what HIPAA requires, but this compliance team went "
                        "further (data never leaves the VPC), and cost and fine-tuning also favoured "
                        "self-hosting."
                    ),
                ),
                Option(
                    "A small clinic network whose compliance accepts a BAA-covered cloud model; no GPU "
                    "staff.",
                    why=(
                        "Right: compliance is met by the private deployment, volume is far below the GPU "
                        "break-even, and there is no team to run infrastructure: every reason to self-host "
                        "is gone."
                    ),
                    correct=True,
                ),
                Option(
                    "The same start-up with a stricter latency target of 300 ms for every single answer.",
                    why=(
                        "Tempting because latency matters for a chat product, but a tighter budget favours "
                        "a co-located open model, not a remote API."
                    ),
                ),
            ),
            explanation=(
                "The health-care scenario self-hosted for three reasons at once: a stricter-than-HIPAA rule "
                "(data never leaves the VPC, which no model service meets), a fine-tuning gain, and volume. "
                "Remove all three (compliance accepts a BAA-covered private deployment, low volume, no "
                "MLOps team) and the middle path wins: frontier quality, compliant, no GPUs. Lesson 08, "
                "'Three worked scenarios'; lesson 04 for the deployment classes."
            ),
        ),
        MultipleChoice(
            qid="q11",
            title="Future-proofing a three-person start-up",
            outcome="L08.4",
            article=cite(SOURCE_002, "when NOT to use open-source")
            + "; "
            + cite(SOURCE_000, "the gap 12 months out cannot be predicted"),
            ideas=("000-09", "002-19", "000-10"),
            scenario=(
                "Brightpath has **three engineers**, no product-market fit yet, and a **mission-critical** "
                "scheduling product for clinics' staff rotas (no patient data). Its CTO wants to self-host "
                'an open model now and sign a **12-month reserved GPU contract**, arguing that "open '
                "models will "
                'certainly overtake the frontier within a year". What is the best advice?'
            ),
            options=(
                Option(
                    "Sign: reserved GPUs are 30-60% cheaper, and open models will catch up within the year.",
                    why=(
                        "Tempting because reserved pricing is a real discount (article 004), but it locks a "
                        "three-person team into running infrastructure on a prediction nobody can make."
                    ),
                ),
                Option(
                    "Stay on a good API; nobody can predict the gap, so keep switching cheap with an eval "
                    "set.",
                    why=(
                        "Right: a small team with a mission-critical product and no product-market fit is "
                        "article 002's 'don't self-host' case, and an unpredictable gap argues for keeping "
                        "options open, not for a 12-month bet."
                    ),
                    correct=True,
                ),
                Option(
                    "Commit to one frontier provider for three years, as the frontier will only widen its "
                    "lead.",
                    why=(
                        "Tempting as the opposite bet, but it is the same mistake: a long commitment built "
                        "on a forecast of the gap, plus lock-in."
                    ),
                ),
                Option(
                    "Train their own small model from scratch, so that neither side's progress matters to "
                    "them.",
                    why=(
                        "Tempting as independence, but it costs far more than either option and solves none "
                        "of the team's problems."
                    ),
                ),
            ),
            explanation=(
                "Article 002: 'If your product is mission-critical and your team has 1-3 engineers, don't "
                "self-host', and early-stage teams should use the best model available. Articles 000 and "
                "001 list 'predict the open vs closed gap 12 months out' among what cannot be done. The "
                "robust move is cheap switching: one model interface, your own evaluation set, the decision "
                "re-run when volume, team or models change. Lesson 08, 'When NOT to use each side'."
            ),
        ),
        MultipleChoice(
            qid="q12",
            title="When the two frameworks disagree",
            outcome="L08.5",
            article=cite(SOURCE_003, "Q3 (no ML team) -> closed API")
            + "; "
            + cite(SOURCE_004, "matrix total 19-24 -> open primary"),
            ideas=("004-32", "003-28"),
            scenario=(
                "You put your own workload through both frameworks. Article 003's flow stops at question 3 "
                "(**no ML or infrastructure team**) and returns **closed API**. Article 004's matrix totals "
                "**20** (open models primary), with ops tolerance scored **1** and high scores for volume, "
                "fine-tuning need and latency. Which recommendation would you write?"
            ),
            options=(
                Option(
                    "Open models primary, because the matrix weighs 6 dimensions and the flow only 1.",
                    why=(
                        "Tempting because more dimensions sound more thorough, but a sum lets high scores "
                        "elsewhere outvote a blocker: nobody can run the infrastructure."
                    ),
                ),
                Option(
                    "Hybrid, splitting the difference between the two frameworks' answers down the middle.",
                    why=(
                        "Tempting as a compromise, but averaging recommendations is not a reason; the "
                        "blocker still applies to the open half."
                    ),
                ),
                Option(
                    "No recommendation at all, because two frameworks that disagree are both useless here.",
                    why=(
                        "Tempting out of frustration, but the disagreement is information: it points at the "
                        "dimension that decides."
                    ),
                ),
                Option(
                    "An API or a managed open host now, since ops blocks it; revisit after an MLOps hire.",
                    why=(
                        "Right: the recommendation follows the blocker, names the disagreement and says "
                        "what would change it, which is what a recommendation with caveats means."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "A weighted sum can hide a blocker (ops tolerance 1) that an ordered flow treats as "
                "decisive. The capstone recommendation reports both results, explains why they differ, "
                "follows the constraint that cannot be traded away, and lists what would change the answer "
                "(an MLOps hire, volume over the break-even, a managed open-model host as the bridge). "
                "Lesson 08, 'Capstone: your workload through both frameworks'."
            ),
        ),
        Code(
            qid="q13",
            title="Caveats the matrix's sum can hide",
            outcome="L08.5",
            article=cite(SOURCE_004, "privacy 'overrides every other dimension'; the 12 edge"),
            ideas=("004-12", "004-13", "004-32"),
            scenario=(
                "Your capstone report prints the caveats that article 004's total can hide. Write `caveats`, "
                'returning the caveat codes that apply, **in this order**, joined by `", "` (or `""` if '
                "none):\n\n"
                '1. `"privacy-override"` if privacy is **5** (air-gapped or classified: open only, whatever '
                "the total);\n"
                '2. `"capability-blocker"` if capability is **1** and the total is **13 or more** (the sum '
                "recommends open models for a workload whose hardest task needs a frontier model);\n"
                '3. `"ops-blocker"` if ops tolerance is **1** and the total is **13 or more**;\n'
                '4. `"edge-12"` if the total is exactly **12** (the article\'s text and its table '
                "disagree).\n\nExample: capability 1, privacy 3, volume 4, ops 3, fine-tuning 3, latency 2 "
                "(total 16) "
                'returns `"capability-blocker"`.'
            ),
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
                            "caveats(capability=1, privacy=3, cost_volume=4, ops_tolerance=3, "
                            "fine_tuning=3, latency=2)",
                            "capability-blocker",
                            hidden=False,
                        ),
                        Case(
                            "caveats(capability=4, privacy=2, cost_volume=3, ops_tolerance=1, "
                            "fine_tuning=3, latency=3)",
                            "ops-blocker",
                        ),
                        Case(
                            "caveats(capability=2, privacy=2, cost_volume=2, ops_tolerance=2, "
                            "fine_tuning=2, latency=2)",
                            "edge-12",
                        ),
                        Case(
                            "caveats(capability=3, privacy=3, cost_volume=3, ops_tolerance=3, "
                            "fine_tuning=3, latency=3)",
                            "",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Blockers matter only when the total points away from closed APIs (13 or more); "
                        "several caveats come back in the stated order."
                    ),
                    cases=(
                        Case(
                            "caveats(capability=1, privacy=5, cost_volume=4, ops_tolerance=1, "
                            "fine_tuning=3, latency=3)",
                            "privacy-override, capability-blocker, ops-blocker",
                        ),
                        Case(
                            "caveats(capability=1, privacy=1, cost_volume=1, ops_tolerance=1, "
                            "fine_tuning=1, latency=1)",
                            "",
                        ),
                        Case(
                            "caveats(capability=1, privacy=2, cost_volume=2, ops_tolerance=2, "
                            "fine_tuning=3, latency=2)",
                            "edge-12",
                        ),
                        Case(
                            "caveats(capability=1, privacy=2, cost_volume=3, ops_tolerance=2, "
                            "fine_tuning=3, latency=2)",
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
            explanation=(
                "A total compresses six judgements into one number, and three things get lost: a privacy "
                "score of 5 that article 004 says overrides every other dimension, a capability of 1 or an "
                "ops tolerance of 1 outvoted by high scores elsewhere, and the band edge at 12 where the "
                "article's text and table disagree. Below 13 the blockers change nothing (the answer is "
                "already closed APIs), which is why the rule checks the total. Lesson 08, 'Capstone'."
            ),
        ),
        MultipleChoice(
            qid="q14",
            title="A multilingual assistant on the decision tree",
            outcome="L08.2",
            article=cite(SOURCE_002, "decision tree rows 'multilingual product', 'customer-facing agent'"),
            ideas=("002-24", "002-10"),
            scenario=(
                "Lingua Ledger builds a **customer-facing** assistant that explains a bank's public product "
                "terms in **14 languages**, including Swahili, Tagalog and Khmer; no customer data reaches "
                "the model. A wrong answer is a compliance incident, so **quality is critical**. Volume is "
                "about **3M tokens a day**. Retrieval over the product documents feeds the assistant. Where "
                "does article 002's decision tree send the **generator**?"
            ),
            options=(
                Option(
                    "A self-hosted open model, since the tree sends high-volume text processing there.",
                    why=(
                        "Tempting because open models are cheaper per token, but 3M tokens a day is not the "
                        "tree's high-volume case, and this is not background text processing."
                    ),
                ),
                Option(
                    "An open model tuned on the bank's documents: the tree sends domain tuning to open "
                    "models.",
                    why=(
                        "Tempting because banking is a domain, but the hard part here is language breadth, "
                        "not a narrow behaviour; a small model fine-tuned in 14 languages trails where it "
                        "matters."
                    ),
                ),
                Option(
                    "A frontier API: the 'multilingual' and 'customer-facing, quality critical' rows agree.",
                    why=(
                        "Right: two rows agree, and article 002 names multilingual quality, above all in "
                        "under-resourced languages, as a place where frontier models still lead."
                    ),
                    correct=True,
                ),
                Option(
                    "An open model end to end, since the tree sends the RAG step's embeddings to open "
                    "models.",
                    why=(
                        "Tempting because the retrieval step can indeed use open embeddings, but that row "
                        "covers the embeddings, not the model that writes the answers."
                    ),
                ),
            ),
            explanation=(
                "Article 002's tree maps tasks to choices: 'Multilingual product: frontier API' and "
                "'Customer-facing AI agent, quality critical: frontier API'. The same tree sends embeddings "
                "to open models (BGE M3, Jina, Nomic), so a sensible design mixes both: open embeddings for "
                "retrieval, a frontier model for the answers. The tree reads one task at a time; a product "
                "made of several tasks gets several rows. Lesson 08, 'Article 002: a decision tree, task -> "
                "choice'."
            ),
        ),
        MultipleAnswer(
            qid="q15",
            title="When not to self-host",
            outcome="L08.4",
            article=cite(SOURCE_002, "when NOT to self-host and when NOT to use a frontier API"),
            ideas=("002-19", "002-20", "003-19", "004-06", "004-07"),
            scenario=(
                "Article 002 lists when **not to self-host** and when **not to use a frontier API**. Which "
                "of these teams are in its 'do not self-host' list? Choose all that apply."
            ),
            options=(
                Option(
                    "A team of three engineers whose product is mission-critical for its customers.",
                    why="In the list: 1-3 engineers and a mission-critical product means don't self-host.",
                    correct=True,
                ),
                Option(
                    "A team whose data legally cannot be sent to a US-based API provider at all.",
                    why="The other list: that is when NOT to use a frontier API.",
                ),
                Option(
                    "A moderation product whose inference bill decides its unit economics at scale.",
                    why="The other list: inference cost as the bottleneck favours self-hosting.",
                ),
                Option(
                    "A team before product-market fit, whose prompts and features change every week.",
                    why="In the list: before product-market fit, use the best model available, not GPUs.",
                    correct=True,
                ),
                Option(
                    "A team whose fine-tuned small model beats the API on its task by a measured margin.",
                    why="The other list: a fine-tuned model that wins is a reason to leave the API.",
                ),
            ),
            explanation=(
                "Article 002: do not self-host with a mission-critical product and 1-3 engineers, for "
                "long-horizon reasoning, or before product-market fit; do not use a frontier API when data "
                "legally cannot go to a US API, when inference cost decides your unit economics, or when a "
                "fine-tuned model measurably wins. Lesson 08, 'When NOT to use each side'."
            ),
        ),
        Ordering(
            qid="q16",
            title="Writing the recommendation",
            outcome="L08.5",
            article=cite(SOURCE_004, "use the matrix on your own use case; re-evaluate as things change")
            + "; "
            + cite(SOURCE_000, "run benchmarks on your own use case"),
            ideas=("004-32", "004-33", "000-05"),
            scenario=(
                "Your capstone turns a real workload into a recommendation. Order these five steps the way "
                "lessons 03 and 08 ask you to take them, **first to last**."
            ),
            options=(
                Option(
                    "Price each option that passed, at your own volume, including staff and discounts.",
                    why="Fourth: cost comes after quality, and only for the options still standing.",
                ),
                Option(
                    "Write the choice with its caveats, and the facts that would change it next quarter.",
                    why="Last: the recommendation, with what would flip it and when to re-run it.",
                ),
                Option(
                    "Split the product into its tasks, since each task may land on a different side.",
                    why="First: frameworks decide one task at a time (lesson 08's scenario C).",
                ),
                Option(
                    "Measure each remaining option's quality on a few hundred of your own examples.",
                    why="Third: quality must be measured before cost is compared (lesson 03).",
                ),
                Option(
                    "Apply the hard constraints (privacy, offline, no team) to rule options out early.",
                    why="Second: a hard constraint removes options before any measurement is spent on them.",
                ),
            ),
            order="CEDAB",
            points=3,
            explanation=(
                "Split the workload first (a product of several tasks gets several answers), apply the "
                "constraints that cannot be traded away, measure quality on your own examples, price only "
                "what passes (cost per correct answer, at your volume), then write the recommendation with "
                "its caveats and the facts that would change it: the choice is not made once (article 004). "
                "Lesson 08, 'Capstone'; lesson 03, 'Cost per correct answer, not per token'."
            ),
        ),
    ),
)
