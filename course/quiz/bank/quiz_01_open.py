"""Quiz 01 · What "open" means (lesson 01): the openness spectrum, licences, outputs, data terms, lock-in."""

from course.quiz.bank.sources import SOURCE_003, SOURCE_004, cite
from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

QUIZ = Quiz(
    quiz_id="quiz-01-open",
    title='What "open" means',
    intro=(
        "Place models on the openness spectrum, read licences for a deployment, keep the model's licence "
        "apart "
        "from output ownership and data terms, and count what switching models costs. Where a question "
        "summarises a licence, answer from that summary."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="A regulator asks where the training data came from",
            outcome="L01.1",
            seed=cite(SOURCE_003, "openness spectrum: weights-available vs fully open (OLMo 2, BLOOM)"),
            scenario=(
                "A bank's model-risk team may deploy a model only if it can show the regulator **which data "
                "the model was trained on and how**, and reproduce a training run if asked. Which candidate "
                "meets that bar?"
            ),
            options=(
                Option(
                    "Llama 3.3 70B: the weights are downloadable and it runs on the bank's own servers.",
                    why=(
                        "Tempting because it is widely called open source, but it is weights-available: the "
                        "training data and full recipe are not published, so provenance cannot be shown."
                    ),
                ),
                Option(
                    "A frontier model through an enterprise API with a signed data-processing agreement.",
                    why=(
                        "Tempting because the DPA is a real compliance document, but it governs what "
                        "happens to "
                        "the bank's data, not what the model was trained on."
                    ),
                ),
                Option(
                    "OLMo 2: weights, training data and the training code and recipe are all published.",
                    why=(
                        "Right: only a fully open model lets you audit and reproduce training; seed 003 "
                        "names "
                        "OLMo 2 and BLOOM as the small universe that meets this bar."
                    ),
                    correct=True,
                ),
                Option(
                    "Any model under Apache 2.0, since that licence is OSI-approved open source.",
                    why=(
                        "Tempting because Apache 2.0 is a true open-source licence, but it licenses the "
                        "weights "
                        "and code released; it does not oblige anyone to publish the training data."
                    ),
                ),
            ),
            explanation=(
                "Openness is a spectrum: closed API, weights-available (weights, but not data or recipe) and "
                "fully open (weights, data and recipe). Provenance and reproducibility need the last."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title='"We want open source"',
            outcome="L01.2",
            seed=cite(
                SOURCE_003, "what buyers mean by open: privacy, customisation, cost at scale, auditability"
            ),
            scenario=(
                "A law firm's partners say they 'want open source'. Asked why, they give two reasons: client "
                "documents must **never leave the firm's servers**, and they want to **fine-tune on their "
                "own "
                "clause library**. What is the least openness that delivers both?"
            ),
            options=(
                Option(
                    "Fully open models only, because fine-tuning needs the original training data.",
                    why=(
                        "Tempting because fine-tuning sounds like 'more training', but it starts from the "
                        "released weights and your own data; the original data is not needed."
                    ),
                ),
                Option(
                    "Open weights: running them on their own servers keeps documents in-house, and the "
                    "weights "
                    "can be fine-tuned.",
                    why=(
                        "Right: seed 003 points out that privacy, customisation and cost at scale are all "
                        "satisfied by weights-available models; full openness matters for provenance."
                    ),
                    correct=True,
                ),
                Option(
                    "A closed API with a fine-tuning endpoint and a zero-retention agreement.",
                    why=(
                        "Tempting because both features exist on some APIs, but documents still travel to "
                        "the "
                        "provider, which the first requirement rules out."
                    ),
                ),
                Option(
                    "Training their own model from scratch, the only way to own it fully.",
                    why=(
                        "Far more than needed: it costs orders of magnitude more and adds nothing the two "
                        "asks require."
                    ),
                ),
            ),
            explanation=(
                "Match the want to the openness: privacy, customisation and cost at scale need weights you "
                "can "
                "run; auditability of training needs data and recipe too."
            ),
        ),
        MultipleChoice(
            qid="q03",
            title="The 700M clause",
            outcome="L01.3",
            seed=cite(SOURCE_003, "Llama licence restricts services above 700M monthly active users")
            + "; "
            + cite(SOURCE_004, "700M MAU threshold needs a separate agreement with Meta"),
            scenario=(
                "A messaging company whose apps together had **850 million monthly active users** when Llama "
                "3.1 was released wants to fine-tune Llama 3.1 70B and ship a feature on it. Its lawyers "
                "read "
                "the community licence. Which conclusion is right?"
            ),
            options=(
                Option(
                    "They may use it freely: Llama is open source, so usage limits cannot apply.",
                    why=(
                        "Tempting, but Llama's licence is not OSI open source (seed 003): it is a community "
                        "licence with conditions."
                    ),
                ),
                Option(
                    "Fine-tuning creates a new model, so the original licence no longer binds them.",
                    why=(
                        "Tempting because the fine-tuned weights are theirs to train, but a derivative of "
                        "Llama "
                        "stays under Llama's licence terms."
                    ),
                ),
                Option(
                    "The clause is about revenue, so it depends on their turnover, not users.",
                    why="The threshold is counted in monthly active users, not revenue.",
                ),
                Option(
                    "Above 700M monthly active users they must ask Meta for a separate licence first; an "
                    "Apache "
                    "2.0 model would carry no such threshold.",
                    why=(
                        "Right: the community licence requires a separate licence from Meta above 700M MAU "
                        "(seed 004); Apache 2.0 has no user threshold."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Read the licence for your deployment, not the label: 'open weights' can carry user "
                "thresholds, "
                "acceptable-use policies and terms that flow to derivatives."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="Weights on an appliance",
            outcome="L01.3",
            seed=cite(SOURCE_004, "licence table: Apache 2.0, Llama community, Mistral licence, API terms"),
            scenario=(
                "A company wants to sell an on-premise appliance to hospitals **with the model weights "
                "inside "
                "it**. Legal summarised four licences:\n\n"
                "1. *Apache 2.0*: use, modify, redistribute, sell; keep the notices.\n"
                "2. *A vendor research licence* (as on some Mistral models): free for research and testing; "
                "production or commercial use needs a commercial licence from the vendor.\n"
                "3. *Gemma's terms*: commercial use and redistribution allowed; the use restrictions must be "
                "passed on to everyone you give the model to, derivatives included.\n"
                "4. *A frontier API's terms*: access through the API only.\n\n"
                "Which statement is right?"
            ),
            options=(
                Option(
                    "Apache 2.0 and Gemma's terms allow the appliance (Gemma's use restrictions passed on to "
                    "the hospitals); the research licence needs a commercial agreement first; the API model "
                    "cannot be shipped at all.",
                    why=(
                        "Right: each licence read for this deployment: redistribution, commercial use, "
                        "conditions."
                    ),
                    correct=True,
                ),
                Option(
                    "All four allow it, since each vendor lets you download or call the model.",
                    why=(
                        "Tempting because access feels like permission, but downloading for research is not "
                        "selling, and an API gives no weights to ship."
                    ),
                ),
                Option(
                    "Only Apache 2.0 allows it: Gemma's terms forbid commercial use.",
                    why=(
                        "Tempting because Gemma's terms are not an open-source licence, but they allow "
                        "commercial use; their catch is the use restrictions that travel with the model."
                    ),
                ),
                Option(
                    "The research licence is fine if they sell only to teaching hospitals that do research.",
                    why=(
                        "Tempting, but selling an appliance that serves patients is production use, whoever "
                        "the customer is."
                    ),
                ),
            ),
            explanation=(
                "Mistral publishes models under two families of licence: Apache 2.0, and its own research or "
                "non-production licences that need a commercial agreement for production. Gemma's terms "
                "allow "
                "commercial use with restrictions that flow downstream. An API's terms never include weights."
            ),
        ),
        MultipleChoice(
            qid="q05",
            title="Three questions legal keeps mixing up",
            outcome="L01.4",
            seed=cite(
                SOURCE_004, "OpenAI ToS: data processed on the provider's servers; licence vs data terms"
            ),
            scenario=(
                "A marketing start-up writes copy with a closed API and also with an Apache 2.0 model on its "
                "own servers. Legal asks: (1) what may we do with the model, (2) who owns the text it "
                "writes, "
                "(3) what happens to the prompts we send. Which statement keeps the three apart correctly?"
            ),
            options=(
                Option(
                    "The model's licence decides all three: Apache 2.0 output is itself Apache 2.0 licensed.",
                    why=(
                        "Tempting because a licence feels like it covers everything the model touches, but "
                        "Apache 2.0 licenses the released weights and code, not the text you generate."
                    ),
                ),
                Option(
                    "With the API, the provider owns the outputs because its servers produced them.",
                    why=(
                        "Tempting, but major API terms assign the outputs to the customer; ownership is set "
                        "by "
                        "the terms, not by whose GPU ran."
                    ),
                ),
                Option(
                    "Self-hosting settles all three, and data-protection law no longer applies to the "
                    "prompts.",
                    why=(
                        "Self-hosting keeps prompts in-house, but the law (GDPR, for example) still applies "
                        "to "
                        "processing you do yourself."
                    ),
                ),
                Option(
                    "(1) is the model licence; (2) and (3) are set elsewhere: for the API by its terms of "
                    "service "
                    "and data-processing agreement, for the self-hosted model by the firm's own policies "
                    "and law.",
                    why=(
                        "Right: licence, output ownership and data terms are three separate documents or "
                        "rules."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "A model licence governs the weights; output ownership is set by the API's terms or, "
                "self-hosted, "
                "by ordinary law and contracts; the handling of prompts is set by the data terms (retention, "
                "training use, processors) or by your own infrastructure."
            ),
        ),
        MultipleChoice(
            qid="q06",
            title="The deprecation notice",
            outcome="L01.5",
            seed=cite(
                SOURCE_004, "the model choice cascades: prompts, evaluation pipelines, fine-tuned adapters"
            ),
            scenario=(
                "Nine months into a product, a team's API provider announces that the model they use will be "
                "**retired in 90 days**. They have 40 prompts tuned to its style, an evaluation set whose "
                "baselines were scored on its outputs, and tool schemas in the provider's function-calling "
                "format. What does the move cost them?"
            ),
            options=(
                Option(
                    "Changing the model name: the new model is from the same provider, so it behaves the "
                    "same.",
                    why=(
                        "Tempting because the API and the vendor stay the same, but a new model answers "
                        "differently; prompts and baselines were tuned to the old one."
                    ),
                ),
                Option(
                    "Re-tuning prompts, re-scoring the evaluation baselines, porting tool schemas and "
                    "re-running quality checks, on the provider's timeline.",
                    why=(
                        "Right: seed 004 lists exactly these switching costs, and notes that you migrate on "
                        "the "
                        "provider's schedule, not yours."
                    ),
                    correct=True,
                ),
                Option(
                    "Retraining the model's weights on their data.",
                    why=(
                        "There are no weights to retrain on a closed API; the cost is in everything built "
                        "around it."
                    ),
                ),
                Option(
                    "Nothing if they had used open weights, since open models have no lock-in at all.",
                    why=(
                        "Tempting, but open weights move the lock-in: fine-tuned adapters, serving set-up "
                        "and "
                        "evaluations are tied to a base model too; you just choose when to move."
                    ),
                ),
            ),
            explanation=(
                "The model choice cascades through prompts, evaluation, tools and fine-tunes. On an API you "
                "pay "
                "switching costs when the provider decides; with open weights you pay them when you decide."
            ),
        ),
        Numeric(
            qid="q07",
            title="Pricing the migration",
            outcome="L01.5",
            seed=cite(
                SOURCE_004, "switching costs grow monthly: prompts, evaluation datasets, function schemas"
            ),
            scenario=(
                "The team in the previous question estimates the migration: **40 prompts at 3 hours each** "
                "to "
                "re-tune, **300 evaluation examples at 2 minutes each** to re-check by hand, **12 tool "
                "schemas at "
                "1.5 hours each** to port, and a **40-hour** quality re-validation. Engineering costs **USD "
                "95 an "
                "hour**."
            ),
            parts=(
                Part(
                    var="q07a_hours",
                    ask="Total engineering hours",
                    unit="hours",
                    answer=40 * 3 + 300 * 2 / 60 + 12 * 1.5 + 40,
                    tolerance=1.0,
                    working="40 * 3 + 300 * 2 / 60 + 12 * 1.5 + 40",
                    mistakes=(40 * 3 + 300 * 2 + 12 * 1.5 + 40,),
                ),
                Part(
                    var="q07b_usd",
                    ask="Their cost",
                    unit="USD",
                    answer=(40 * 3 + 300 * 2 / 60 + 12 * 1.5 + 40) * 95,
                    tolerance=100.0,
                ),
            ),
            explanation=(
                "120 h of prompts + 10 h of evaluation (300 x 2 min) + 18 h of schemas + 40 h of "
                "re-validation = "
                "188 h, about USD 17,860. Lock-in is this bill, and it grows with every prompt and schema "
                "added."
            ),
        ),
        Numeric(
            qid="q08",
            title="Counting users across a group",
            outcome="L01.3",
            seed=cite(SOURCE_004, "Llama community licence: 700M monthly active users threshold"),
            scenario=(
                "A media group's licence check for a Llama model. The licence counts the monthly active "
                "users "
                "of the products of the licensee **and its affiliates**. On the model's release date the "
                "group "
                "had three separate apps with **410M, 230M and 95M** monthly active users (no overlap). The "
                "threshold is **700M**."
            ),
            parts=(
                Part(
                    var="q08a_group_mau_m",
                    ask="The group's monthly active users as the licence counts them",
                    unit="million users",
                    answer=410 + 230 + 95,
                    tolerance=0.5,
                    mistakes=(410,),
                ),
                Part(
                    var="q08b_over_threshold_m",
                    ask="How far above the threshold that is (negative if below)",
                    unit="million users",
                    answer=410 + 230 + 95 - 700,
                    tolerance=0.5,
                    mistakes=(410 - 700,),
                ),
            ),
            explanation=(
                "Affiliates count, so 410 + 230 + 95 = 735M, 35M above the 700M threshold: the group needs a "
                "separate licence from Meta even though no single app is near the limit."
            ),
        ),
        Numeric(
            qid="q09",
            title="What sits in the provider's logs",
            outcome="L01.4",
            seed=cite(SOURCE_004, "data processed on the provider's servers; check data retention policies"),
            scenario=(
                "An HR start-up sends **12,000 requests a day** to an API whose data terms say prompts are "
                "**retained for 30 days** for abuse monitoring, then deleted. Each request carries on "
                "average "
                "**1.5 records of personal data**. Assume a steady state."
            ),
            parts=(
                Part(
                    var="q09a_requests_retained",
                    ask="Requests held in the provider's logs at any moment",
                    unit="requests",
                    answer=12_000 * 30,
                    tolerance=1.0,
                    mistakes=(12_000,),
                ),
                Part(
                    var="q09b_personal_records",
                    ask="Personal-data records held there",
                    unit="records",
                    answer=12_000 * 30 * 1.5,
                    tolerance=1.0,
                ),
            ),
            explanation=(
                "30 days x 12,000 = 360,000 requests, carrying 540,000 personal-data records, held by a "
                "third "
                "party. The model's licence says nothing about this; the API's data terms (retention, "
                "training "
                "use, zero-retention options) do."
            ),
        ),
        Numeric(
            qid="q10",
            title="Lock-in on the open side",
            outcome="L01.5",
            seed=cite(SOURCE_004, "retraining fine-tuned adapters when the base model changes"),
            scenario=(
                "A team self-hosts a base model with **3 LoRA adapters** fine-tuned on it. A better base "
                "model "
                "comes out. Adapters do not transfer between base models, so each must be retrained: **8 "
                "GPU-hours at USD 2.50** and **12 engineer-hours at USD 95** (evaluation and sign-off) per "
                "adapter."
            ),
            parts=(
                Part(
                    var="q10_usd",
                    ask="The cost of moving the three adapters to the new base",
                    unit="USD",
                    answer=3 * (8 * 2.50 + 12 * 95),
                    tolerance=10.0,
                    mistakes=(3 * 8 * 2.50, 8 * 2.50 + 12 * 95),
                ),
            ),
            explanation=(
                "3 x (USD 20 of GPU time + USD 1,140 of engineering) = USD 3,480. The GPU time is trivial; "
                "the "
                "people evaluating the result are the cost. Open weights move the lock-in from the vendor "
                "to your "
                "own fine-tunes, but you choose the timing."
            ),
        ),
        Code(
            qid="q11",
            title="Where a model sits on the spectrum",
            outcome="L01.1",
            seed=cite(SOURCE_003, "the open-source AI spectrum"),
            scenario=(
                'Write `openness` for a model inventory. It returns `"closed"` when the weights are not '
                'public (whatever else is), `"fully open"` when weights, training data and training recipe '
                'are all public, and `"weights-available"` otherwise.'
            ),
            signature='''def openness(*, weights_public: bool, data_public: bool, recipe_public: bool) -> str:
    """"closed", "weights-available" or "fully open"."""''',
            solution="""    if not weights_public:
        return "closed"
    if data_public and recipe_public:
        return "fully open"
    return "weights-available\"""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "openness(weights_public=True, data_public=False, recipe_public=False)",
                            "weights-available",
                            hidden=False,
                        ),
                        Case(
                            "openness(weights_public=False, data_public=False, recipe_public=False)", "closed"
                        ),
                        Case(
                            "openness(weights_public=True, data_public=True, recipe_public=True)",
                            "fully open",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Fully open needs all three; published data without weights is still closed.",
                    cases=(
                        Case(
                            "openness(weights_public=True, data_public=True, recipe_public=False)",
                            "weights-available",
                        ),
                        Case(
                            "openness(weights_public=False, data_public=True, recipe_public=True)", "closed"
                        ),
                    ),
                ),
            ),
            wrong=(
                """    if not weights_public:
        return "closed"
    if data_public:
        return "fully open"
    return "weights-available\"""",
                """    if weights_public and data_public and recipe_public:
        return "fully open"
    if weights_public or data_public:
        return "weights-available"
    return "closed\"""",
            ),
            explanation=(
                "Weights decide whether you can run the model at all; data and recipe decide whether you can "
                "audit and reproduce it. Only all three make a model fully open."
            ),
        ),
        Code(
            qid="q12",
            title="A licence gate for deployments",
            outcome="L01.3",
            seed=cite(SOURCE_004, "licence table and the three questions to ask before production"),
            scenario=(
                "Write `licence_allows` for a deployment checklist, using these rules (the team's "
                "summary):\n\n"
                '* `"apache-2.0"`: everything is allowed.\n'
                '* `"llama-community"`: allowed if `monthly_active_users` is **at most 700,000,000**; '
                "above "
                "that, not without a separate licence (return `False`).\n"
                '* `"research-only"`: allowed only when `commercial` is `False`.\n'
                '* `"api-terms"`: allowed unless `ship_weights` is `True` (an API has no weights to '
                "ship).\n"
                "* any other licence: `False` (unknown licences need a lawyer first)."
            ),
            signature='''def licence_allows(
    *, licence: str, monthly_active_users: int, commercial: bool, ship_weights: bool
) -> bool:
    """True if the team's licence summary allows this deployment."""''',
            solution="""    if licence == "apache-2.0":
        return True
    if licence == "llama-community":
        return monthly_active_users <= 700_000_000
    if licence == "research-only":
        return not commercial
    if licence == "api-terms":
        return not ship_weights
    return False""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            'licence_allows(licence="apache-2.0", monthly_active_users=900_000_000,'
                            " commercial=True, ship_weights=True)",
                            True,
                            hidden=False,
                        ),
                        Case(
                            'licence_allows(licence="llama-community", monthly_active_users=735_000_000,'
                            " commercial=True, ship_weights=False)",
                            False,
                        ),
                        Case(
                            'licence_allows(licence="llama-community", monthly_active_users=700_000_000,'
                            " commercial=True, ship_weights=True)",
                            True,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Research-only licences stop at commercial use; API terms never ship weights."
                    ),
                    cases=(
                        Case(
                            'licence_allows(licence="research-only", monthly_active_users=10,'
                            " commercial=True, ship_weights=False)",
                            False,
                        ),
                        Case(
                            'licence_allows(licence="research-only", monthly_active_users=10,'
                            " commercial=False, ship_weights=True)",
                            True,
                        ),
                        Case(
                            'licence_allows(licence="api-terms", monthly_active_users=10,'
                            " commercial=True, ship_weights=True)",
                            False,
                        ),
                        Case(
                            'licence_allows(licence="api-terms", monthly_active_users=10,'
                            " commercial=True, ship_weights=False)",
                            True,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="An unknown licence is not a yes.",
                    cases=(
                        Case(
                            'licence_allows(licence="gemma-terms", monthly_active_users=10,'
                            " commercial=False, ship_weights=False)",
                            False,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    if licence == "llama-community":
        return monthly_active_users < 700_000_000
    return licence in ("apache-2.0", "research-only", "api-terms", "gemma-terms")""",
                """    if licence == "llama-community":
        return monthly_active_users <= 700_000_000
    if licence == "research-only":
        return not commercial
    return True""",
            ),
            explanation=(
                "Encode the licence summary literally: thresholds are inclusive as written ('at most'), "
                "research "
                "licences stop at commercial use, an API cannot ship weights, and anything unknown is a no "
                "until "
                "someone reads it."
            ),
        ),
        Code(
            qid="q13",
            title="The least openness a want needs",
            outcome="L01.2",
            seed=cite(
                SOURCE_003, "privacy, customisation and cost at scale are solved by weights-available models"
            ),
            scenario=(
                'Write `openness_needed(want)` for an intake form. For `"privacy"`, `"customisation"` '
                "and "
                '`"cost at scale"` it returns `"weights-available"`; for `"auditability"` (auditing '
                "and "
                'reproducing training) it returns `"fully open"`; for `"no operations"` (the team cannot '
                'run models) it returns `"closed"`; for anything else, `"ask"`.'
            ),
            signature='''def openness_needed(want: str) -> str:
    """The least openness that delivers `want`."""''',
            solution="""    if want in ("privacy", "customisation", "cost at scale"):
        return "weights-available"
    if want == "auditability":
        return "fully open"
    if want == "no operations":
        return "closed"
    return "ask\"""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case('openness_needed("privacy")', "weights-available", hidden=False),
                        Case('openness_needed("customisation")', "weights-available"),
                        Case('openness_needed("cost at scale")', "weights-available"),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Only provenance needs full openness; a team that cannot operate models wants an API."
                    ),
                    cases=(
                        Case('openness_needed("auditability")', "fully open"),
                        Case('openness_needed("no operations")', "closed"),
                        Case('openness_needed("vibes")', "ask"),
                    ),
                ),
            ),
            wrong=(
                """    if want in ("privacy", "auditability"):
        return "fully open"
    if want in ("customisation", "cost at scale"):
        return "weights-available"
    if want == "no operations":
        return "closed"
    return "ask\"""",
            ),
            explanation=(
                "Privacy, customisation and cost at scale all follow from running the weights yourself; only "
                "auditing the training itself needs published data and recipe. Asking for 'fully open' when "
                "you "
                "mean privacy shrinks your choice to a handful of models for nothing."
            ),
        ),
    ),
)
