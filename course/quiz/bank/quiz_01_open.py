"""Quiz 01 · What "open" means (lesson 01): the openness spectrum, licences, outputs, data terms, lock-in."""

from course.quiz.bank.sources import SOURCE_000, SOURCE_003, SOURCE_004, cite
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

# q08: what moving to a successor model costs, in engineer-hours
Q08_HOURS = 45 * 2.5 + 360 * 2 / 60 + 14 * 1.5 + 32
Q08_RATE = 105

QUIZ = Quiz(
    quiz_id="quiz-01-open",
    title='What "open" means',
    intro=(
        "Place models on the openness spectrum, read licences for a deployment, keep the model's licence "
        "apart from output ownership and data terms, and count what switching models costs. Where a "
        "question summarises a licence, answer from that summary."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="A regulator asks where the training data came from",
            outcome="L01.1",
            article=cite(SOURCE_003, "openness spectrum: weights-available vs fully open (OLMo 2, BLOOM)"),
            ideas=("003-01", "003-03"),
            scenario=(
                "A bank's model-risk team may deploy a model only if it can show the regulator **which data "
                "the model was trained on and how**, and reproduce a training run if asked. Which candidate "
                "meets that bar?"
            ),
            options=(
                Option(
                    "Llama 3.3 70B, because its weights are downloadable and the bank can run them on its "
                    "own servers in its own data centre.",
                    why=(
                        "Tempting because it is widely called open source, but it is weights-available: the "
                        "training data and full recipe are not published, so provenance cannot be shown."
                    ),
                ),
                Option(
                    "OLMo 2, because its weights, its training data and its training code and recipe are "
                    "all published.",
                    why=(
                        "Right: only a fully open model lets you audit and reproduce training; article 003 "
                        "names OLMo 2 and BLOOM as the small set that meets this bar."
                    ),
                    correct=True,
                ),
                Option(
                    "A frontier model through an enterprise API, with a data-processing agreement the "
                    "provider signs for the bank.",
                    why=(
                        "Tempting because the agreement is a real compliance document, but it governs what "
                        "happens to the bank's data, not what the model was trained on."
                    ),
                ),
                Option(
                    "Any model under Apache 2.0, because that licence is OSI-approved open source and so "
                    "covers the whole training pipeline.",
                    why=(
                        "Tempting because Apache 2.0 is a true open-source licence, but it licenses what was "
                        "released; it does not oblige anyone to publish the training data."
                    ),
                ),
            ),
            explanation=(
                "Openness is a spectrum: closed API, weights-available (weights, but not data or recipe) and "
                "fully open (weights, data and recipe). Provenance and reproducibility need the last. Lesson "
                "01, 'The openness spectrum'."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title='"We want open source"',
            outcome="L01.2",
            article=cite(SOURCE_003, "what buyers mean by open: privacy, customisation, cost at scale"),
            ideas=("003-02", "002-21"),
            scenario=(
                "A law firm's partners say they 'want open source'. Asked why, they give two reasons: "
                "client documents must **never leave the firm's servers**, and they want to **fine-tune on "
                "their own clause library**. What is the least openness that delivers both?"
            ),
            options=(
                Option(
                    "Fully open models only, because fine-tuning a model needs the data it was originally "
                    "trained on.",
                    why=(
                        "Tempting because fine-tuning sounds like 'more training', but it starts from the "
                        "released weights and your own data; the original data is not needed."
                    ),
                ),
                Option(
                    "A closed API with a fine-tuning endpoint and a zero-retention agreement on every "
                    "request.",
                    why=(
                        "Tempting because both features exist on some APIs, but documents still travel to "
                        "the provider, which the first requirement rules out."
                    ),
                ),
                Option(
                    "Training their own model from scratch on the clause library, on the firm's own servers, "
                    "the only way to own every part of it.",
                    why=(
                        "Far more than needed: it costs orders of magnitude more and adds nothing the two "
                        "asks require."
                    ),
                ),
                Option(
                    "Open weights: run in-house, client files stay put, and the weights can be adapted to "
                    "their drafting.",
                    why=(
                        "Right: article 003 points out that privacy, customisation and cost at scale are all "
                        "met by weights-available models; full openness matters for provenance."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Match the want to the openness: privacy, customisation and cost at scale need weights you "
                "can run; auditability of training needs data and recipe too. Lesson 01, 'What buyers "
                'actually want from "open"\'.'
            ),
        ),
        MultipleChoice(
            qid="q03",
            title="The 700M clause",
            outcome="L01.3",
            article=cite(SOURCE_003, "Llama licence restricts services above 700M monthly active users")
            + "; "
            + cite(SOURCE_004, "700M MAU threshold needs a separate agreement with Meta"),
            ideas=("003-04", "004-10"),
            scenario=(
                "A messaging company whose apps together had **850 million monthly active users** when "
                "Llama 3.1 was released wants to fine-tune Llama 3.1 70B and ship a feature on it. Its "
                "lawyers read the community licence. Which conclusion is right?"
            ),
            options=(
                Option(
                    "Past the user cap they need a separate licence from Meta first; an Apache-licensed "
                    "model has no such cap.",
                    why=(
                        "Right: the community licence requires a separate licence from Meta above 700M MAU "
                        "(article 004); Apache 2.0 has no user threshold."
                    ),
                    correct=True,
                ),
                Option(
                    "Fine-tuning creates a new model of their own, so once they have trained it on their "
                    "data the Llama licence no longer binds them.",
                    why=(
                        "Tempting because the fine-tuned weights are theirs to train, but a derivative of "
                        "Llama stays under Llama's licence terms."
                    ),
                ),
                Option(
                    "The 700M clause counts annual revenue in millions of dollars, so it depends on their "
                    "turnover, not on users.",
                    why="The threshold is counted in monthly active users, not revenue.",
                ),
                Option(
                    "Llama is open source, so a usage cap cannot apply to it; they may ship the feature "
                    "to all 850M users today.",
                    why=(
                        "Tempting, but Llama's licence is not OSI open source (article 003): it is a "
                        "community licence with conditions."
                    ),
                ),
            ),
            explanation=(
                "Read the licence for your deployment, not the label: 'open weights' can carry user "
                "thresholds, acceptable-use policies and terms that flow to derivatives. Lesson 01, "
                "'Licences side by side'."
            ),
        ),
        MultipleAnswer(
            qid="q04",
            title="Weights on an appliance",
            outcome="L01.3",
            article=cite(SOURCE_004, "licence table: Apache 2.0, Llama community, Mistral licence, API terms")
            + "; "
            + cite(SOURCE_003, "read the licence of the exact model version"),
            ideas=("004-10", "003-35"),
            scenario=(
                "A company wants to sell an on-premise appliance to hospitals **with the model weights "
                "inside it**; about 300 hospitals will buy one. Legal summarised five licences. Under which "
                "of them may it ship the appliance **without a further agreement**? Choose all that apply."
            ),
            options=(
                Option(
                    "Apache 2.0 (as on Mistral Small 3 or gpt-oss): use, modify, redistribute and sell; keep "
                    "the licence and notices.",
                    why="Allows it: redistribution and commercial use, with the notices kept.",
                    correct=True,
                ),
                Option(
                    "A vendor research licence (as on Mistral Large 2): free for research and testing; "
                    "production needs a commercial licence.",
                    why=(
                        "Does not: selling an appliance that serves patients is production use, whoever the "
                        "customer is; it needs the commercial licence first."
                    ),
                ),
                Option(
                    "Gemma 3's terms: commercial use and redistribution allowed; the use restrictions pass "
                    "to everyone who receives the model.",
                    why=(
                        "Allows it, on a condition: the hospitals must receive Gemma's use restrictions with "
                        "the appliance."
                    ),
                    correct=True,
                ),
                Option(
                    "A frontier API's terms of service: access to the model through the provider's API, "
                    "under its usage policy.",
                    why="Does not: an API's terms never include the weights, so there is nothing to ship.",
                ),
                Option(
                    "A model card that says 'open' next to the download link, with no licence file in the "
                    "repository at all.",
                    why=(
                        "Does not: without a licence nothing is granted; 'open' on a model card is "
                        "marketing, not permission."
                    ),
                ),
            ),
            explanation=(
                "Read each licence for this deployment: redistribution, commercial use, conditions. "
                "Apache 2.0 allows it; Gemma 3's terms allow it with their use restrictions passed on "
                "(Gemma 4 moved to Apache 2.0: the licence follows the version, not the brand); a research "
                "licence needs a commercial agreement; an API ships no weights; a missing licence grants "
                "nothing. Lesson 01, 'Licences side by side'."
            ),
        ),
        MultipleChoice(
            qid="q05",
            title="Three questions legal keeps mixing up",
            outcome="L01.4",
            article=cite(SOURCE_003, "output ownership is separate from the model licence"),
            ideas=("003-38",),
            scenario=(
                "A marketing start-up writes copy with a closed API and also with an Apache 2.0 model on its "
                "own servers. Legal asks: (1) what may we do with the model, (2) who owns the text it "
                "writes, (3) what happens to the prompts we send. Which statement keeps the three apart?"
            ),
            options=(
                Option(
                    "The model's licence decides all three, so text written by the Apache 2.0 model is "
                    "itself Apache 2.0 licensed.",
                    why=(
                        "Tempting because a licence feels like it covers everything the model touches, but "
                        "Apache 2.0 licenses the released weights and code, not the text you generate."
                    ),
                ),
                Option(
                    "With the API the provider owns the outputs, because its own servers produced the text "
                    "and its terms say so.",
                    why=(
                        "Tempting, but major API terms assign the outputs to the customer; ownership is set "
                        "by the terms, not by whose GPU ran."
                    ),
                ),
                Option(
                    "(1) is the model licence; (2) and (3) are set by the API's terms and data agreement, or "
                    "self-hosted by law and policy.",
                    why=(
                        "Right: licence, output ownership and data terms are three separate documents or "
                        "rules."
                    ),
                    correct=True,
                ),
                Option(
                    "Self-hosting settles all three at once, and data-protection law no longer applies to "
                    "prompts that never leave the company's own servers.",
                    why=(
                        "Self-hosting keeps prompts in-house, but the law (GDPR, for example) still applies "
                        "to processing you do yourself."
                    ),
                ),
            ),
            explanation=(
                "A model licence governs the weights; output ownership is set by the API's terms or, "
                "self-hosted, by ordinary law and contracts; the handling of prompts is set by the data "
                "terms (retention, training use, processors) or by your own infrastructure. Lesson 01, "
                "'Who owns the outputs, and what happens to your data'."
            ),
        ),
        Ordering(
            qid="q06",
            title="From closed to fully open",
            outcome="L01.1",
            article=cite(SOURCE_004, "four openness levels: fully open, open weights, restricted, closed"),
            ideas=("004-09", "003-01"),
            scenario=(
                "Article 004 splits the openness spectrum into four levels: closed, restricted open weights, "
                "open weights and fully open. Order these four models from the **most closed** to the "
                "**most open** by those levels."
            ),
            options=(
                Option(
                    "OLMo 2: weights, training data, training code and recipe published, under Apache 2.0.",
                    why="Last: fully open, the only one of the four whose training can be audited and rerun.",
                ),
                Option(
                    "Llama 3.3 70B: weights downloadable under a community licence with a 700M-user cap and "
                    "a use policy.",
                    why="Second: restricted open weights, because the licence limits who may use it and how.",
                ),
                Option(
                    "gpt-oss 120B: weights downloadable under Apache 2.0; training data not published.",
                    why="Third: open weights under a permissive licence, but data and recipe stay closed.",
                ),
                Option(
                    "A frontier model reached only through its provider's API under the provider's terms.",
                    why="First: closed, nothing leaves the provider but answers.",
                ),
            ),
            order="DBCA",
            explanation=(
                "Closed (API only), restricted open weights (Llama's licence caps users and imposes a "
                "policy), open weights (gpt-oss under Apache 2.0, data closed), fully open (OLMo 2). Lesson "
                "01 uses three stops and treats the restriction as a property of the licence: the same "
                "order, read from the licence column. Lesson 01, 'The openness spectrum'."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="The deprecation notice",
            outcome="L01.5",
            article=cite(SOURCE_004, "the model choice cascades: prompts, evaluation pipelines, adapters"),
            ideas=("004-01", "004-05"),
            scenario=(
                "Nine months into a product, a team's API provider announces that the model they use will be "
                "**retired in 90 days**. They have 40 prompts tuned to its style, an evaluation set whose "
                "baselines were scored on its outputs, and tool schemas in the provider's function-calling "
                "format. What does the move cost them?"
            ),
            options=(
                Option(
                    "Only a change of model name in the config, because the successor comes from the same "
                    "provider and keeps the old model's style.",
                    why=(
                        "Tempting because the API and the vendor stay the same, but a new model answers "
                        "differently; prompts and baselines were tuned to the old one."
                    ),
                ),
                Option(
                    "Rewriting instructions, re-grading the test set, porting every function definition and "
                    "re-checking quality, on the vendor's clock.",
                    why=(
                        "Right: article 004 lists exactly these switching costs, and you migrate on the "
                        "provider's schedule, not yours."
                    ),
                    correct=True,
                ),
                Option(
                    "Retraining the model's weights on their own data, since the successor has not seen "
                    "their prompts or schemas.",
                    why=(
                        "There are no weights to retrain on a closed API; the cost is in everything built "
                        "around it."
                    ),
                ),
                Option(
                    "Nothing at all had they chosen open weights, since a model you host yourself carries "
                    "no lock-in of any kind.",
                    why=(
                        "Tempting, but open weights move the lock-in: adapters, serving set-up and "
                        "evaluations are tied to a base model too; you just choose when to move."
                    ),
                ),
            ),
            explanation=(
                "The model choice cascades through prompts, evaluation, tools and fine-tunes. On an API you "
                "pay switching costs when the provider decides; with open weights you pay them when you "
                "decide. Lesson 01, 'Lock-in: the choice cascades through the stack'."
            ),
        ),
        Numeric(
            qid="q08",
            title="Pricing the migration",
            outcome="L01.5",
            article=cite(SOURCE_004, "switching costs grow monthly: prompts, evaluation datasets, schemas"),
            ideas=("004-05",),
            scenario=(
                "Another team estimates its own move to a successor model: **45 prompts at 2.5 hours each** "
                "to re-tune, **360 evaluation examples at 2 minutes each** to re-check by hand, **14 tool "
                "schemas at 1.5 hours each** to port, and a **32-hour** quality re-validation. Engineering "
                "costs **USD 105 an hour**."
            ),
            parts=(
                Part(
                    var="q08a_hours",
                    ask="Total engineering hours",
                    unit="hours",
                    answer=Q08_HOURS,
                    tolerance=1.0,
                    mistakes=(45 * 2.5 + 360 * 2 + 14 * 1.5 + 32,),
                ),
                Part(
                    var="q08b_usd",
                    ask="Their cost",
                    unit="USD",
                    answer=Q08_HOURS * Q08_RATE,
                    tolerance=100.0,
                ),
            ),
            explanation=(
                "112.5 h of prompts + 12 h of evaluation (360 x 2 min) + 21 h of schemas + 32 h of "
                "re-validation = 177.5 h, about USD 18,640. Lock-in is this bill, and it grows with every "
                "prompt and schema added. Lesson 01, 'Lock-in'."
            ),
        ),
        Numeric(
            qid="q09",
            title="Counting users across a group",
            outcome="L01.3",
            article=cite(SOURCE_004, "Llama community licence: 700M monthly active users threshold"),
            ideas=("003-04",),
            scenario=(
                "A media group's licence check for a Llama model. The licence counts the monthly active "
                "users of the products of the licensee **and its affiliates**. On the model's release date "
                "the group had three separate apps with **410M, 230M and 95M** monthly active users (no "
                "overlap). The threshold is **700M**."
            ),
            parts=(
                Part(
                    var="q09a_group_mau_m",
                    ask="The group's monthly active users as the licence counts them",
                    unit="million users",
                    answer=410 + 230 + 95,
                    tolerance=0.5,
                    mistakes=(410,),
                ),
                Part(
                    var="q09b_over_threshold_m",
                    ask="How far above the threshold that is (negative if below)",
                    unit="million users",
                    answer=410 + 230 + 95 - 700,
                    tolerance=0.5,
                    mistakes=(410 - 700,),
                ),
            ),
            explanation=(
                "Affiliates count, so 410 + 230 + 95 = 735M, 35M above the 700M threshold: the group needs a "
                "separate licence from Meta even though no single app is near the limit. Lesson 01, "
                "'Licences side by side'."
            ),
        ),
        Numeric(
            qid="q10",
            title="What sits in the provider's logs",
            outcome="L01.4",
            article=cite(SOURCE_003, "self-hosting keeps data in your network with your own retention"),
            ideas=("003-14",),
            scenario=(
                "An HR start-up sends **12,000 requests a day** to an API whose data terms say prompts are "
                "**retained for 30 days** for abuse monitoring, then deleted. Each request carries on "
                "average **1.5 records of personal data**. Assume a steady state."
            ),
            parts=(
                Part(
                    var="q10a_requests_retained",
                    ask="Requests held in the provider's logs at any moment",
                    unit="requests",
                    answer=12_000 * 30,
                    tolerance=1.0,
                    mistakes=(12_000,),
                ),
                Part(
                    var="q10b_personal_records",
                    ask="Personal-data records held there",
                    unit="records",
                    answer=12_000 * 30 * 1.5,
                    tolerance=1.0,
                ),
            ),
            explanation=(
                "30 days x 12,000 = 360,000 requests, carrying 540,000 personal-data records, held by a "
                "third party. The model's licence says nothing about this; the API's data terms (retention, "
                "training use, zero-retention options) do. Lesson 01, 'Who owns the outputs, and what "
                "happens to your data'."
            ),
        ),
        Numeric(
            qid="q11",
            title="Lock-in on the open side",
            outcome="L01.5",
            article=cite(SOURCE_000, "self-hosting gives the flexibility to swap models"),
            ideas=("000-17", "004-05", "003-36"),
            scenario=(
                "A team self-hosts a base model with **3 LoRA adapters** fine-tuned on it. A better base "
                "model comes out. Adapters do not transfer between base models, so each must be retrained: "
                "**8 GPU-hours at USD 2.50** and **12 engineer-hours at USD 95** (evaluation and sign-off) "
                "per adapter."
            ),
            parts=(
                Part(
                    var="q11_usd",
                    ask="The cost of moving the three adapters to the new base",
                    unit="USD",
                    answer=3 * (8 * 2.50 + 12 * 95),
                    tolerance=10.0,
                    mistakes=(3 * 8 * 2.50, 8 * 2.50 + 12 * 95),
                ),
            ),
            explanation=(
                "3 x (USD 20 of GPU time + USD 1,140 of engineering) = USD 3,480. The GPU time is trivial; "
                "the people evaluating the result are the cost. Open weights move the lock-in from the "
                "vendor to your own fine-tunes, but you choose the timing. Lesson 01, 'Lock-in'."
            ),
        ),
        Code(
            qid="q12",
            title="Four levels of openness",
            outcome="L01.1",
            article=cite(SOURCE_004, "four openness levels: fully open, open weights, restricted, closed"),
            ideas=("004-09", "003-01"),
            scenario=(
                "Write `openness_level` for a model inventory, using article 004's four levels:\n\n"
                '* `"closed"` when the weights are not public, whatever else is;\n'
                '* `"fully open"` when weights, training data and training recipe are all public and the '
                "licence restricts nothing;\n"
                '* `"restricted open weights"` when the weights are public but the licence restricts use '
                "(a user cap, a use policy, no commercial use);\n"
                '* `"open weights"` otherwise.\n\n'
                "Worked example: weights public under an unrestricted licence, data and recipe closed: "
                '`"open weights"`.'
            ),
            signature='''def openness_level(
    *, weights_public: bool, licence_restricts_use: bool, data_public: bool, recipe_public: bool
) -> str:
    """"closed", "restricted open weights", "open weights" or "fully open"."""''',
            solution="""    if not weights_public:
        return "closed"
    if licence_restricts_use:
        return "restricted open weights"
    if data_public and recipe_public:
        return "fully open"
    return "open weights\"""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "openness_level(weights_public=True, licence_restricts_use=False,"
                            " data_public=False, recipe_public=False)",
                            "open weights",
                            hidden=False,
                        ),
                        Case(
                            "openness_level(weights_public=False, licence_restricts_use=False,"
                            " data_public=True, recipe_public=True)",
                            "closed",
                        ),
                        Case(
                            "openness_level(weights_public=True, licence_restricts_use=False,"
                            " data_public=True, recipe_public=True)",
                            "fully open",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "A restrictive licence caps the level whatever else is published; fully open needs "
                        "data and recipe both."
                    ),
                    cases=(
                        Case(
                            "openness_level(weights_public=True, licence_restricts_use=True,"
                            " data_public=False, recipe_public=False)",
                            "restricted open weights",
                        ),
                        Case(
                            "openness_level(weights_public=True, licence_restricts_use=True,"
                            " data_public=True, recipe_public=True)",
                            "restricted open weights",
                        ),
                        Case(
                            "openness_level(weights_public=True, licence_restricts_use=False,"
                            " data_public=True, recipe_public=False)",
                            "open weights",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    if not weights_public:
        return "closed"
    if data_public and recipe_public:
        return "fully open"
    if licence_restricts_use:
        return "restricted open weights"
    return "open weights\"""",
                """    if not weights_public:
        return "closed"
    if licence_restricts_use:
        return "restricted open weights"
    if data_public:
        return "fully open"
    return "open weights\"""",
            ),
            explanation=(
                "Weights decide whether you can run the model at all; the licence decides what you may do "
                "with it; data and recipe decide whether you can audit and reproduce it. A restriction in "
                "the licence caps the level even when everything else is published. Lesson 01, 'The "
                "openness spectrum'."
            ),
        ),
        Code(
            qid="q13",
            title="A licence gate for deployments",
            outcome="L01.3",
            article=cite(SOURCE_004, "licence table and the three questions to ask before production"),
            ideas=("004-11", "004-10"),
            scenario=(
                "Write `licence_allows` for a deployment checklist, using these rules (the team's "
                "summary):\n\n"
                '* `"apache-2.0"`: everything is allowed.\n'
                '* `"llama-community"`: allowed if `monthly_active_users` is **at most 700,000,000**; above '
                "that, not without a separate licence (return `False`).\n"
                '* `"research-only"`: allowed only when `commercial` is `False`.\n'
                '* `"api-terms"`: allowed unless `ship_weights` is `True` (an API has no weights to ship).\n'
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
                            'licence_allows(licence="llama-community", monthly_active_users=712_000_000,'
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
                        "Research-only licences stop at commercial use; API terms never ship weights; an "
                        "unknown licence is not a yes."
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
                "research licences stop at commercial use, an API cannot ship weights, and anything unknown "
                "is a no until someone reads it. Lesson 01, 'Check a deployment against every licence'."
            ),
        ),
        Code(
            qid="q14",
            title="The least openness a want needs",
            outcome="L01.2",
            article=cite(SOURCE_003, "privacy, customisation and cost at scale are met by open weights"),
            ideas=("003-02", "003-03", "001-02"),
            scenario=(
                'Write `openness_needed(want)` for an intake form. For `"privacy"`, `"customisation"` and '
                '`"cost at scale"` it returns `"weights-available"`; for `"auditability"` (auditing and '
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
                "Privacy, customisation and cost at scale all follow from running the weights yourself; "
                "only auditing the training itself needs published data and recipe. Asking for 'fully "
                "open' when you mean privacy shrinks your choice to a handful of models for nothing. Lesson "
                "01, 'What buyers actually want from \"open\"'."
            ),
        ),
    ),
)
