"""Quiz 06 · Customisation (lesson 06): prompting, retrieval or fine-tuning; when a small fine-tuned model
wins and what it costs to find out; distillation and its terms; open embeddings.

Cost per correct answer and the error cost that flips a choice come from
:mod:`course.economics.quality_cost`, as in lessons 03 and 06.
"""

from course.economics.quality_cost import error_cost_to_flip, quality_cost
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

# q03: article 003's experiment, priced per request
Q03_SMALL = quality_cost("fine-tuned Mistral 7B", usd_per_request=0.0004, accuracy=0.84)
Q03_FRONTIER = quality_cost("frontier model", usd_per_request=6 * 0.0004, accuracy=0.89)
# q04: what finding out costs, and the net saving once the fine-tuned model's own server is paid
Q04_EXPERIMENT = 5000 * 90 / 3600 * 48 + 3 * 2.5 * 2.40 + 400 * 1.5 / 60 * 150 + 40 * 100
Q04_NET_SAVING = 2_600 - 900


def _flip_call(cheap_usd: float, cheap_accuracy: float, dear_usd: float, dear_accuracy: float) -> str:
    return (
        f"usd_per_error_to_flip(cheap_usd={cheap_usd}, cheap_accuracy={cheap_accuracy},"
        f" dear_usd={dear_usd}, dear_accuracy={dear_accuracy})"
    )


def _flip(cheap_usd: float, cheap_accuracy: float, dear_usd: float, dear_accuracy: float) -> float | None:
    """The expected answer, from the course's own function."""
    return error_cost_to_flip(
        quality_cost("cheap", usd_per_request=cheap_usd, accuracy=cheap_accuracy),
        quality_cost("dear", usd_per_request=dear_usd, accuracy=dear_accuracy),
    )


def _flip_case(*args: float, hidden: bool = True) -> Case:
    expected = _flip(*args)
    return Case(_flip_call(*args), expected, tolerance=1e-6, hidden=hidden)


QUIZ = Quiz(
    quiz_id="quiz-06-customisation",
    title="Customisation",
    intro=(
        "Twelve scenarios about making a model fit a job: prompting, retrieval or fine-tuning; when a small "
        "fine-tuned open model beats a frontier one and what it costs to find out; distillation and its "
        "terms; open embeddings for retrieval. Every number you need is in the question; a month is 30 days "
        "unless the question says otherwise."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="Three needs, three tools",
            outcome="L06.1",
            article=cite(SOURCE_004, "fine-tuning vs RAG vs prompting (dimension 5)")
            + "; "
            + cite(SOURCE_002, "domain fine-tuning beats prompting a frontier model"),
            ideas=("000-04", "002-04"),
            scenario=(
                "Casa Mobili, a furniture retailer, is building a shopping assistant with three needs:\n\n"
                "1. Answer questions about **this week's stock and prices**; the catalogue changes every "
                "day.\n"
                "2. Return every answer as **JSON in an existing six-field schema**; with the schema in the "
                "prompt and the provider's structured-output mode, the current model already returns valid "
                "JSON **99.6%** of the time.\n"
                "3. Sort customer complaints into the firm's **37 internal categories**; **9,000 labelled "
                "complaints** exist, and the best prompt plateaued at **74%** accuracy.\n\n"
                "Which assignment of tools fits the three needs?"
            ),
            options=(
                Option(
                    "1 fine-tuning on the catalogue, 2 retrieval of the schema, 3 prompting with more "
                    "examples.",
                    why=(
                        "Tempting because fine-tuning sounds like 'teaching the model our catalogue', but "
                        "facts that change daily go stale inside weights; retrieval cannot enforce a format; "
                        "and prompting is what already plateaued on the categories."
                    ),
                ),
                Option(
                    "1 retrieval, 2 fine-tuning for the JSON, 3 retrieval of similar past complaints.",
                    why=(
                        "Tempting because JSON validity is a known weak spot, but at 99.6% with a schema the "
                        "format need is already met by prompting; retrieval does not teach a 37-way "
                        "labelling behaviour."
                    ),
                ),
                Option(
                    "One model fine-tuned on all three needs at once, so one tool covers everything.",
                    why=(
                        "Tempting because one tool is simpler to run, but the catalogue would need "
                        "retraining every day and the format need costs nothing today."
                    ),
                ),
                Option(
                    "1 retrieval, 2 prompting with the schema, 3 fine-tuning on the 9,000 labelled cases.",
                    why=(
                        "Right: changing knowledge goes in the context at request time, a format prompting "
                        "already meets stays in the prompt, and a behaviour learned from thousands of "
                        "labelled examples is what fine-tuning is for."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Knowledge vs behaviour vs format: knowledge that changes (stock, prices) belongs in "
                "retrieval, fetched fresh for each request; a format is first a prompting problem (a schema, "
                "structured output, a validator) and is solved here at 99.6%; a behaviour that prompting "
                "cannot reach but thousands of labelled examples can teach is the case for fine-tuning. "
                "Lesson 06, 'Three levers for three needs'."
            ),
        ),
        Code(
            qid="q02",
            title="A customisation rule for the platform team",
            outcome="L06.1",
            article=cite(SOURCE_004, "if prompt engineering solves your customisation needs, score it low"),
            ideas=("000-04", "004-30"),
            scenario=(
                "Your platform team triages customisation requests with one rule, and wants it as a "
                "function:\n\n"
                '* need `"knowledge"` (facts the model must know or cite) -> `"retrieval"`;\n'
                '* need `"format"` (the shape of the output) -> `"prompting"`;\n'
                '* need `"behaviour"` (a skill, a tone, a labelling policy) -> `"fine-tuning"` when there '
                "are **at least 1,000 labelled examples** and prompting scored **below the target "
                'accuracy**; otherwise `"prompting"` (collect data first, or the prompt is good enough).\n\n'
                'Example: `customisation_for(need="knowledge", labelled_examples=0, prompt_accuracy=0.5, '
                'target_accuracy=0.9)` returns `"retrieval"`.'
            ),
            signature='''def customisation_for(*, need: str, labelled_examples: int, prompt_accuracy: float,
                      target_accuracy: float) -> str:
    """'retrieval', 'prompting' or 'fine-tuning' for one customisation need."""''',
            solution="""    if need == "knowledge":
        return "retrieval"
    if need == "behaviour" and labelled_examples >= 1000 and prompt_accuracy < target_accuracy:
        return "fine-tuning"
    return "prompting\"""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="Knowledge goes to retrieval and format to prompting, whatever the data.",
                    cases=(
                        Case(
                            'customisation_for(need="knowledge", labelled_examples=0, '
                            "prompt_accuracy=0.5, target_accuracy=0.9)",
                            "retrieval",
                            hidden=False,
                        ),
                        Case(
                            'customisation_for(need="knowledge", labelled_examples=50000, '
                            "prompt_accuracy=0.5, target_accuracy=0.9)",
                            "retrieval",
                        ),
                        Case(
                            'customisation_for(need="format", labelled_examples=20000, '
                            "prompt_accuracy=0.7, target_accuracy=0.99)",
                            "prompting",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Behaviour needs both enough labelled data and a prompt that falls short.",
                    cases=(
                        Case(
                            'customisation_for(need="behaviour", labelled_examples=9000, '
                            "prompt_accuracy=0.74, target_accuracy=0.85)",
                            "fine-tuning",
                        ),
                        Case(
                            'customisation_for(need="behaviour", labelled_examples=1000, '
                            "prompt_accuracy=0.8, target_accuracy=0.85)",
                            "fine-tuning",
                        ),
                        Case(
                            'customisation_for(need="behaviour", labelled_examples=999, '
                            "prompt_accuracy=0.6, target_accuracy=0.85)",
                            "prompting",
                        ),
                        Case(
                            'customisation_for(need="behaviour", labelled_examples=9000, '
                            "prompt_accuracy=0.9, target_accuracy=0.85)",
                            "prompting",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    if need == "knowledge":
        return "fine-tuning"
    if need == "behaviour" and labelled_examples >= 1000 and prompt_accuracy < target_accuracy:
        return "fine-tuning"
    return "prompting\"""",
                """    if need == "knowledge":
        return "retrieval"
    if need == "behaviour":
        return "fine-tuning"
    return "prompting\"""",
                """    if need == "knowledge":
        return "retrieval"
    if need == "behaviour" and labelled_examples > 1000 and prompt_accuracy < target_accuracy:
        return "fine-tuning"
    return "prompting\"""",
            ),
            explanation=(
                "The rule encodes lesson 06's split: knowledge -> retrieval (fresh, citable, no retraining "
                "when facts change); format -> prompting first (schemas, structured output, a validator); "
                "behaviour -> fine-tuning only with data (at least 1,000 labelled examples here) and "
                "evidence that prompting misses the target. Fine-tuning for knowledge is the classic "
                "mistake. The boundary is 'at least 1,000', so 1,000 qualifies and 999 does not."
            ),
        ),
        Numeric(
            qid="q03",
            title="Cost per correct answer, not per request",
            outcome="L06.2",
            article=cite(
                SOURCE_003, "fine-tuned Mistral 7B 84%, GPT-3.5 Turbo 71%, GPT-4o 89% at 6x the cost"
            ),
            ideas=("003-15",),
            scenario=(
                "Article 003 (2026-06-24) reports an experiment on support tickets: a **Mistral 7B "
                "fine-tuned on 4,000 conversations** resolves **84%** correctly, a frontier model with a "
                "detailed prompt (GPT-4o, in the article) **89%**. A SaaS team prices the same set-up today: "
                "the fine-tuned model costs **USD 0.0004 a request** and the frontier model **6 times as "
                "much**."
            ),
            parts=(
                Part(
                    var="q03a_frontier_usd_per_1k_correct",
                    ask="The frontier model: cost per 1,000 correct resolutions",
                    unit="USD",
                    answer=Q03_FRONTIER.usd_per_correct_answer * 1000,
                    tolerance=0.01,
                    mistakes=(2.40, 6 * 0.0004 * 0.89 * 1000),
                ),
                Part(
                    var="q03b_ratio",
                    ask="How many times more the frontier model costs per correct resolution",
                    unit="x",
                    answer=Q03_FRONTIER.usd_per_correct_answer / Q03_SMALL.usd_per_correct_answer,
                    tolerance=0.02,
                    mistakes=(6.0,),
                ),
            ),
            explanation=(
                "Cost per correct answer = cost per request / accuracy. Fine-tuned: 0.0004 / 0.84 x 1,000 = "
                "USD 0.476. Frontier: 0.0024 / 0.89 x 1,000 = USD 2.697. Ratio 5.66, not 6: the frontier "
                "model's higher accuracy claws back a little of its price. Multiplying by accuracy instead "
                "of dividing makes the cheaper, less accurate model look even cheaper. Whether 5 points of "
                "accuracy are worth 5.66 times the price depends on what a wrong answer costs (question 12). "
                "Lesson 06, 'When a small fine-tuned model wins'."
            ),
        ),
        Numeric(
            qid="q04",
            title="What it costs to find out",
            outcome="L06.2",
            article=cite(SOURCE_003, "fine-tuned 7B beats GPT-4o on clause classification")
            + "; "
            + cite(SOURCE_002, "measure this carefully"),
            ideas=("003-12", "002-04"),
            scenario=(
                "Lexa Legal wants to know whether a fine-tuned **Mistral 7B** beats its current frontier "
                "API on contract-clause classification before switching. The experiment needs:\n\n* **5,000 "
                "clauses labelled** by paralegals at **90 seconds each**, paid **USD 48 an hour**;\n* **3 "
                "training runs** of **2.5 hours** each on one H100 at **USD 2.40 an hour**;\n* a lawyer "
                "checks **400 held-out answers** at **1.5 minutes each**, at **USD 150 an hour**;\n* **40 "
                "engineer-hours** at **USD 100 an hour** for the pipeline and the evaluation.\n\nIf the "
                "fine-tuned model wins, switching saves **USD 2,600 a month** of API fees, but the "
                "fine-tuned model then needs its own server at **USD 900 a month**."
            ),
            parts=(
                Part(
                    var="q04a_experiment_usd",
                    ask="Total cost of the experiment",
                    unit="USD",
                    answer=Q04_EXPERIMENT,
                    tolerance=1.0,
                    mistakes=(Q04_EXPERIMENT - 40 * 100, 5000 * 90 / 60 * 48),
                ),
                Part(
                    var="q04b_payback_months",
                    ask="Months of net savings needed to pay the experiment back",
                    unit="months",
                    answer=Q04_EXPERIMENT / Q04_NET_SAVING,
                    tolerance=0.05,
                    mistakes=(Q04_EXPERIMENT / 2_600,),
                ),
            ),
            explanation=(
                "Labelling: 5,000 x 90 s = 125 h x USD 48 = USD 6,000. Training: 3 x 2.5 h x USD 2.40 = USD "
                "18. Evaluation: 400 x 1.5 min = 10 h x USD 150 = USD 1,500. Engineering: 40 x 100 = USD "
                "4,000. Total USD 11,518. The net saving is USD 2,600 - 900 = USD 1,700 a month, so payback "
                "takes 6.8 months if the model wins (4.4 if you forget the server it needs), and never if it "
                "loses. The GPU time (USD 18) is the smallest line: the data and the evaluation are the cost "
                "of finding out. Lesson 06, 'What it costs to find out'."
            ),
        ),
        MultipleChoice(
            qid="q05",
            title="Where a small fine-tuned model can win",
            outcome="L06.2",
            article=cite(SOURCE_003, "a Mistral 7B fine-tuned on legal clauses will outperform GPT-4o"),
            ideas=("003-12", "002-04"),
            scenario=(
                "Four teams each ask whether a **fine-tuned 7B-8B open model** could beat their frontier "
                "API. Which team is most likely to get a yes?"
            ),
            options=(
                Option(
                    "A tax firm planning across 9 jurisdictions, where each answer chains 10 or more "
                    "reasoning steps.",
                    why=(
                        "Tempting because the domain is narrow (tax), but the task is long multi-step "
                        "reasoning, where frontier models keep their clearest lead."
                    ),
                ),
                Option(
                    "A travel start-up's open-ended assistant that answers anything, in 30 languages.",
                    why=(
                        "Tempting because fine-tuning can add languages, but open-ended, multilingual "
                        "breadth is where frontier models still lead and a small model has the least room."
                    ),
                ),
                Option(
                    "A telecom routing tickets into 25 fixed queues, with 12,000 past tickets labelled.",
                    why=(
                        "Right: one narrow task, a stable label set and thousands of labelled examples: the "
                        "setting where a small model learns the task-specific calibration a generalist lacks."
                    ),
                    correct=True,
                ),
                Option(
                    "A product team whose label set changes every two weeks and which has 150 examples.",
                    why=(
                        "Tempting because it is a classification task, but 150 examples of a moving target "
                        "are too few to train on and too unstable to keep a fine-tune current."
                    ),
                ),
            ),
            explanation=(
                "Article 003: a small model fine-tuned on a narrow task 'has less general knowledge but more "
                "task-specific calibration'. The conditions: one narrow, stable task, enough labelled data, "
                "and a measurable success metric. Multi-step reasoning and multilingual breadth are where "
                "article 002 places the frontier's lead; a moving label set with little data cannot be "
                "learned. Lesson 06, 'When a small fine-tuned model wins'."
            ),
        ),
        MultipleAnswer(
            qid="q06",
            title="Which of these is distillation?",
            outcome="L06.3",
            article=cite(SOURCE_003, "use a frontier model to generate training data for a small model"),
            ideas=("003-31",),
            scenario=(
                "A team wants to cut the cost of a summarisation feature that runs on a frontier API model. "
                "Engineers propose five plans. Which of them are **distillation** in the sense of article "
                "003's hybrid path? Choose all that apply."
            ),
            options=(
                Option(
                    "Quantise a 70B open model from 16 to 4 bits so that it fits on a single GPU.",
                    why=(
                        "Not distillation: quantisation compresses the same model's weights; no teacher "
                        "writes training data."
                    ),
                ),
                Option(
                    "Have the frontier model summarise 20,000 real documents, then fine-tune an 8B on them.",
                    why=(
                        "Distillation: a frontier 'teacher' writes the training data and a small open "
                        "'student' learns to reproduce it."
                    ),
                    correct=True,
                ),
                Option(
                    "Fine-tune an 8B with LoRA on 4,000 summaries the team's own editors wrote by hand.",
                    why="Not distillation: the data comes from people, not from a teacher model.",
                ),
                Option(
                    "Send easy documents to an 8B model and hard ones to the frontier model, per request.",
                    why="Not distillation: that is routing; no model learns from the other.",
                ),
                Option(
                    "Have the frontier model tag 30,000 documents by topic, then train a small classifier.",
                    why=(
                        "Distillation too: the teacher's labels are the training data; the student learns "
                        "its behaviour on this one task."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Distillation: a strong teacher model produces outputs (summaries or labels of your own "
                "inputs) and a smaller student is trained on them. Article 003: 'use GPT-4o to generate "
                "training data, and train a Llama or Mistral model to replicate that behavior'. "
                "Quantisation, human-labelled fine-tuning and routing are the cost levers it is most often "
                "confused with. Check the teacher's terms first (next question). Lesson 06, 'Distillation'."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="Whose terms govern the distilled model?",
            outcome="L06.3",
            article=cite(SOURCE_003, "output ownership is separate from the model licence"),
            ideas=("003-31", "003-38"),
            scenario=(
                "Quillmate plans to generate **60,000 answers with a frontier API**, fine-tune **Llama 3.1 "
                "8B** on them, and sell the resulting model as a **general writing assistant** that competes "
                "with the frontier provider's own products. Their lawyer asks what must be checked before "
                "they start."
            ),
            options=(
                Option(
                    "The provider's terms on building competing models, and Llama's terms for derivatives.",
                    why=(
                        "Right: two documents govern this plan: the teacher's terms (how its outputs may be "
                        "used) and the student's licence (what you may do with and call the derived model)."
                    ),
                    correct=True,
                ),
                Option(
                    "Only the Llama licence, since the trained weights that ship are a Llama derivative.",
                    why=(
                        "Tempting because the student model is what ships, but the training data came from "
                        "the teacher under the teacher's terms."
                    ),
                ),
                Option(
                    "Nothing: API customers own the outputs they generate, so they may use them freely.",
                    why=(
                        "Tempting because article 003 says you own the outputs you generate, but owning "
                        "outputs does not override the contract you accepted to get them."
                    ),
                ),
                Option(
                    "Nothing, as long as the student is a fully open model such as OLMo instead of Llama.",
                    why=(
                        "Tempting because full openness removes the student's licence conditions, but the "
                        "teacher's terms still govern its outputs."
                    ),
                ),
            ),
            explanation=(
                "Distillation sits under two sets of terms. The teacher: frontier providers' terms of use "
                "forbid using outputs to develop models that compete with them, whatever the ownership of "
                "the outputs (some forbid more). The student: Llama's community licence sets conditions on "
                "distributing derivatives (attribution, naming, its acceptable-use policy, the 700M-user "
                "clause). Read both before generating a single example. Lesson 06, 'Distillation'."
            ),
        ),
        Ordering(
            qid="q08",
            title="Four ways to get 20,000 training examples",
            outcome="L06.3",
            article=cite(SOURCE_003, "distil a frontier model into a small open one"),
            ideas=("003-31",),
            scenario=(
                "A team needs **20,000 training examples**, each a **700-token prompt** with a **450-token "
                "answer**. Order these four ways of getting the answers from the **cheapest** to the "
                "**dearest**."
            ),
            options=(
                Option(
                    "A frontier model at USD 2.50 / USD 10 per 1M input / output tokens writes the answers.",
                    why="Second: 20,000 x (700 x 2.50 + 450 x 10) / 1e6 = USD 125.",
                ),
                Option(
                    "Paralegals write each answer by hand, 90 seconds each, paid USD 48 an hour.",
                    why="Dearest by far: 20,000 x 90 s = 500 hours x USD 48 = USD 24,000.",
                ),
                Option(
                    "The same frontier model through its batch API, at half its usual price per token.",
                    why="Cheapest: half of USD 125, USD 62.50, for answers that may take a day.",
                ),
                Option(
                    "A reasoning model at the same prices, which adds 1,200 hidden reasoning tokens each.",
                    why="Third: reasoning is billed as output: 20,000 x (1,750 + 16,500) / 1e6 = USD 365.",
                ),
            ),
            order="CADB",
            explanation=(
                "Batch USD 62.50 < frontier USD 125 < reasoning model USD 365 < paralegals USD 24,000. A "
                "teacher's bill is small next to labelling by hand, which is why distillation is popular; "
                "reasoning tokens, billed as output, nearly triple it; the terms (question 7) are the real "
                "gate. Lesson 06, 'Distillation'; lesson 03 for reasoning tokens and batch discounts."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="What open embeddings save",
            outcome="L06.4",
            article=cite(SOURCE_002, "BGE M3, Jina, Nomic Embed match or beat text-embedding-3-small"),
            ideas=("002-02",),
            scenario=(
                "Archivo runs semantic search over **12 million** archived documents with a paid embedding "
                "API. The provider has announced that the embedding model they use will be **retired next "
                "year**. An engineer proposes switching to an **open embedding model** (BGE M3) on their own "
                "GPU.\n\nWhat does the switch mainly buy them?"
            ),
            options=(
                Option(
                    "Vectors compatible with the old API model's, so that the existing index keeps working.",
                    why=(
                        "Tempting because both produce vectors of numbers, but vectors from different "
                        "embedding models live in different spaces: switching model always means "
                        "re-embedding."
                    ),
                ),
                Option(
                    "Control over when to re-embed, documents that stay in-house, and no per-token fees.",
                    why=(
                        "Right: an index is tied to the model that built it; owning the weights means no "
                        "forced re-embedding on a provider's timeline, and the documents stay in-house."
                    ),
                    correct=True,
                ),
                Option(
                    "No more vector database, because open embeddings are searched inside the model itself.",
                    why=(
                        "Tempting because the model runs in-house, but retrieval still needs an index of "
                        "document vectors and a nearest-neighbour search."
                    ),
                ),
                Option(
                    "Better answers from the chat model, because open embeddings improve how it reasons.",
                    why=(
                        "Tempting because better retrieval can improve answers, but embeddings choose which "
                        "passages reach the model; they do not change how it reasons."
                    ),
                ),
            ),
            explanation=(
                "Embeddings are only comparable within one model, so an API embedding model's retirement "
                "forces a full re-embed on the provider's schedule. Open weights (BGE M3, Jina, Nomic Embed, "
                "which article 002 says 'match or beat' text-embedding-3-small) remove that dependency, keep "
                "the corpus in-house and remove per-token fees; the next question shows the fees are often "
                "the smallest of the three. Lesson 06, 'Open embeddings for retrieval'."
            ),
        ),
        Numeric(
            qid="q10",
            title="Re-embedding an archive: API vs own GPU",
            outcome="L06.4",
            article=cite(SOURCE_002, "no reason to pay for embeddings anymore"),
            ideas=("002-02",),
            scenario=(
                "Archivo's **12 million documents** average **800 tokens** each. A full re-embedding through "
                "the API costs **USD 0.02 per million tokens**. On their own **L4 GPU at USD 0.80 an hour**, "
                "BGE M3 embeds **20,000 tokens per second**."
            ),
            parts=(
                Part(
                    var="q10a_api_reembed_usd",
                    ask="One full re-embedding through the API",
                    unit="USD",
                    answer=12e6 * 800 / 1e6 * 0.02,
                    tolerance=0.5,
                    working="12e6 * 800 / 1e6 * 0.02",
                    mistakes=(192000.0, 0.192),
                ),
                Part(
                    var="q10b_gpu_usd",
                    ask="The GPU time for one full re-embedding on the L4, in USD",
                    unit="USD",
                    answer=12e6 * 800 / 20000 / 3600 * 0.80,
                    tolerance=0.5,
                    working="12e6 * 800 / 20000 / 3600 * 0.80",
                    mistakes=(12e6 * 800 / 20000 * 0.80, 12e6 * 800 / 20000 / 60 * 0.80),
                ),
            ),
            explanation=(
                "Corpus: 12e6 x 800 = 9.6e9 tokens = 9,600 million x USD 0.02 = USD 192 per full pass. On "
                "the L4: 9.6e9 / 20,000 tokens/s = 480,000 s = 133.3 hours, about USD 107 of GPU time. The "
                "money saved is small: at these prices open embeddings pay off through control (no forced "
                "re-embedding, the documents stay home) more than through fees, so article 002's 'no reason "
                "to pay' is about quality parity, not a large bill. Lesson 06, 'Open embeddings for "
                "retrieval'."
            ),
        ),
        Code(
            qid="q11",
            title="Nearest document by cosine similarity",
            outcome="L06.4",
            article=cite(SOURCE_002, "self-hosted RAG with open embeddings (BGE M3, Jina, Nomic)"),
            ideas=("002-02",),
            scenario=(
                "Your retrieval step compares a query's embedding with each document's embedding by **cosine "
                "similarity**: dot(a, b) / (|a| x |b|), where |a| is the square root of dot(a, a). Write "
                "`best_match`: the **index** of the document most similar to the query; on a tie, the "
                "**lowest** index. Vectors are lists of floats of equal length, none of them all zeros.\n\n"
                "Example: query `[1.0, 0.0]` against documents `[[0.0, 1.0], [2.0, 0.1]]` returns `1`."
            ),
            signature='''def best_match(*, query: list[float], documents: list[list[float]]) -> int:
    """Index of the document with the highest cosine similarity to the query (lowest index on a tie)."""''',
            solution="""    def cosine(a, b):
        dot = sum(x * y for x, y in zip(a, b))
        norm_a = sum(x * x for x in a) ** 0.5
        norm_b = sum(y * y for y in b) ** 0.5
        return dot / (norm_a * norm_b)

    best, best_score = 0, cosine(query, documents[0])
    for index, doc in enumerate(documents[1:], start=1):
        score = cosine(query, doc)
        if score > best_score:
            best, best_score = index, score
    return best""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "best_match(query=[1.0, 0.0], documents=[[0.0, 1.0], [2.0, 0.1]])",
                            1,
                            hidden=False,
                        ),
                        Case(
                            "best_match(query=[0.2, 0.9, 0.1], documents=[[0.1, 1.0, 0.0], [1.0, 0.0, 0.0]])",
                            0,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Cosine ignores length: a long vector pointing elsewhere must not win on its dot "
                        "product alone."
                    ),
                    cases=(
                        Case("best_match(query=[1.0, 1.0], documents=[[10.0, 0.0], [1.0, 0.9]])", 1),
                        Case(
                            "best_match(query=[0.0, 3.0], documents=[[5.0, 5.0], [0.0, 1.0], [0.0, 7.0]])", 1
                        ),
                    ),
                ),
            ),
            wrong=(
                """    scores = [sum(x * y for x, y in zip(query, d)) for d in documents]
    return scores.index(max(scores))""",
                """    def cosine(a, b):
        dot = sum(x * y for x, y in zip(a, b))
        return dot / ((sum(x * x for x in a) ** 0.5) * (sum(y * y for y in b) ** 0.5))

    scores = [cosine(query, d) for d in documents]
    return len(scores) - 1 - scores[::-1].index(max(scores))""",
            ),
            explanation=(
                "Cosine similarity compares directions, not lengths: dot product / both norms. Ranking by "
                "the raw dot product lets long documents (large norms) win, as in the [10, 0] case. On a tie "
                "([0, 1] and [0, 7] both have cosine 1 with [0, 3]) the lowest index wins, so a strict '>' "
                "keeps the first best. Lesson 06, 'Open embeddings for retrieval'."
            ),
        ),
        Code(
            qid="q12",
            title="When is the dearer model cheaper?",
            outcome="L06.2",
            article=cite(SOURCE_003, "fine-tuned 84% vs GPT-4o 89% at 6x the cost")
            + "; "
            + cite(SOURCE_000, "run benchmarks on your own use case"),
            ideas=("003-15", "000-05"),
            scenario=(
                "A cheap model costs `cheap_usd` per request and is right `cheap_accuracy` of the time; a "
                "dear one costs `dear_usd` and is right `dear_accuracy` of the time (fractions 0-1). Every "
                "wrong answer costs the business the same amount. Write `usd_per_error_to_flip`: the cost "
                "per wrong answer **above which the dear model is cheaper overall** (price plus expected "
                "cost of errors, per request). If the dear model is not more accurate, return `0.0` when it "
                "is also cheaper per request and `None` otherwise.\n\n"
                "Worked example: USD 0.001 at 80% against USD 0.005 at 90%: `0.04`."
            ),
            signature='''def usd_per_error_to_flip(
    *, cheap_usd: float, cheap_accuracy: float, dear_usd: float, dear_accuracy: float
) -> float | None:
    """The cost of one wrong answer above which the dearer, more accurate model costs less overall."""''',
            solution="""    if dear_accuracy <= cheap_accuracy:
        return 0.0 if dear_usd < cheap_usd else None
    return max(0.0, (dear_usd - cheap_usd) / (dear_accuracy - cheap_accuracy))""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        _flip_case(0.001, 0.80, 0.005, 0.90, hidden=False),
                        _flip_case(0.0004, 0.84, 0.0024, 0.89),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "A dearer model that is not more accurate never pays off; a cheaper, more accurate "
                        "one always does."
                    ),
                    cases=(
                        _flip_case(0.002, 0.90, 0.010, 0.88),
                        _flip_case(0.003, 0.85, 0.002, 0.91),
                        _flip_case(0.004, 0.70, 0.004, 0.95),
                    ),
                ),
            ),
            wrong=(
                """    return (dear_usd - cheap_usd) / (dear_accuracy - cheap_accuracy)""",
                """    if dear_accuracy <= cheap_accuracy:
        return 0.0 if dear_usd < cheap_usd else None
    return max(0.0, (dear_usd - cheap_usd) / (1 - dear_accuracy))""",
            ),
            explanation=(
                "Per request, each option costs price + (1 - accuracy) x error cost. They are equal when "
                "error cost = (dear price - cheap price) / (dear accuracy - cheap accuracy); above it the "
                "accurate model wins. In article 003's experiment (USD 0.0004 at 84% against 0.0024 at 89%) "
                "a wrong answer worth more than 4 cents makes the frontier model the cheaper choice. Lesson "
                "06, 'When a small fine-tuned model wins'; course.economics.quality_cost.error_cost_to_flip."
            ),
        ),
    ),
)
