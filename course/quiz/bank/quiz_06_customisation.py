"""Quiz 06 · Customisation (lesson 06): scenario questions."""

from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

S002 = "002 · Open-source LLM vs frontier API: which one for which task in 2026 (2026-04-29)"
S003 = "003 · Open Source vs Closed AI: How to Decide (2026-06-24)"
S004 = "004 · Open Source vs Closed Source LLMs — Decision Framework (2026)"

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
            seed=f"{S004}: fine-tuning vs RAG vs prompting (dimension 5); {S002}: domain fine-tuning",
            scenario="""Casa Mobili, a furniture retailer, is building a shopping assistant with three needs:

1. Answer questions about **this week's stock and prices**; the catalogue changes every day.
2. Return every answer as **JSON in an existing six-field schema**; with the schema in the prompt and the
   provider's structured-output mode, the current model already returns valid JSON **99.6%** of the time.
3. Sort customer complaints into the firm's **37 internal categories**; **9,000 labelled complaints**
   exist, and the best prompt plateaued at **74%** accuracy.

Which assignment of tools fits the three needs?""",
            options=(
                Option(
                    "1 fine-tuning, 2 retrieval, 3 prompting",
                    why="Tempting because fine-tuning sounds like 'teaching the model our catalogue', but "
                    "facts that change daily go stale inside weights; retrieval cannot enforce a format; and "
                    "prompting is what already plateaued on the categories.",
                ),
                Option(
                    "1 retrieval, 2 fine-tuning, 3 retrieval",
                    why="Tempting because JSON validity is a well-known weak spot, but at 99.6% with a "
                    "schema the format need is already met by prompting; and retrieval does not teach a "
                    "37-way labelling behaviour.",
                ),
                Option(
                    "1 retrieval, 2 prompting with the schema (structured output), 3 fine-tuning on the "
                    "9,000 labelled complaints",
                    why="Right: changing knowledge goes in the context at request time, a format that "
                    "prompting already meets stays in the prompt, and a behaviour learned from thousands of "
                    "labelled examples is what fine-tuning is for.",
                    correct=True,
                ),
                Option(
                    "Fine-tune one model on all three, so a single tool covers everything",
                    why="Tempting because one tool is simpler to run, but the catalogue would need "
                    "retraining every day and the format need costs nothing today.",
                ),
            ),
            explanation="Knowledge vs behaviour vs format: knowledge that changes (stock, prices) belongs in "
            "retrieval, fetched fresh for each request; a format is first a prompting problem (a schema, "
            "structured output, a validator) and is solved here at 99.6%; a behaviour that prompting cannot "
            "reach but thousands of labelled examples can teach is the case for fine-tuning. Seed 002: "
            "fine-tuning an open model on your domain data 'outperforms prompt engineering on a frontier "
            "model for that domain'. Lesson 06, 'Prompting, retrieval or fine-tuning?'.",
        ),
        Code(
            qid="q02",
            title="A customisation rule for the platform team",
            outcome="L06.1",
            seed=f"{S004}: 'If prompt engineering solves your customization needs, score it low'",
            scenario="""Your platform team triages customisation requests with one rule, and wants it as
a function:

* need `"knowledge"` (facts the model must know or cite) → `"retrieval"`;
* need `"format"` (the shape of the output) → `"prompting"`;
* need `"behaviour"` (a skill, a tone, a labelling policy) → `"fine-tuning"` when there are **at least
  1,000 labelled examples** and prompting scored **below the target accuracy**; otherwise `"prompting"`
  (collect data first, or the prompt is good enough).

Example: `customisation_for(need="knowledge", labelled_examples=0, prompt_accuracy=0.5,
target_accuracy=0.9)` returns `"retrieval"`.""",
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
            explanation="The rule encodes lesson 06's split: knowledge → retrieval (fresh, citable, no "
            "retraining when facts change); format → prompting first (schemas, structured output, a "
            "validator); behaviour → fine-tuning only with data (at least 1,000 labelled examples here) and "
            "evidence that prompting misses the target. Fine-tuning for knowledge is the classic mistake; "
            "fine-tuning every behaviour request without data or a failed prompt wastes the training budget. "
            "The boundary is 'at least 1,000', so 1,000 qualifies and 999 does not.",
        ),
        Numeric(
            qid="q03",
            title="Cost per correct answer, not per request",
            outcome="L06.2",
            seed=f"{S003}: fine-tuned Mistral 7B 84%, GPT-3.5 Turbo 71%, GPT-4o 89% at 6× the cost",
            scenario="""A SaaS support team repeats a published experiment on its own tickets: a **Mistral 7B
fine-tuned on 4,000 support conversations** resolves tickets correctly **84%** of the time; **GPT-4o** with
a detailed prompt gets **89%**. Per request, the fine-tuned model costs **USD 0.0004** and GPT-4o costs
**6 times as much**.""",
            parts=(
                Part(
                    var="q03a_small_usd_per_1k_correct",
                    ask="Fine-tuned Mistral 7B: cost per 1,000 correct resolutions",
                    unit="USD",
                    answer=0.0004 / 0.84 * 1000,
                    tolerance=0.01,
                    working="0.0004 / 0.84 * 1000",
                    mistakes=(0.40, 0.336),
                ),
                Part(
                    var="q03b_gpt4o_usd_per_1k_correct",
                    ask="GPT-4o: cost per 1,000 correct resolutions",
                    unit="USD",
                    answer=6 * 0.0004 / 0.89 * 1000,
                    tolerance=0.01,
                    working="6 * 0.0004 / 0.89 * 1000",
                    mistakes=(2.40, 2.136),
                ),
                Part(
                    var="q03c_ratio",
                    ask="How many times more GPT-4o costs per correct resolution",
                    unit="×",
                    answer=(6 * 0.0004 / 0.89) / (0.0004 / 0.84),
                    tolerance=0.02,
                    working="(6 * 0.0004 / 0.89) / (0.0004 / 0.84)",
                    mistakes=(6.0,),
                ),
            ),
            explanation="Cost per correct answer = cost per request ÷ accuracy. Fine-tuned: 0.0004 ÷ 0.84 × "
            "1,000 = USD 0.476. GPT-4o: 0.0024 ÷ 0.89 × 1,000 = USD 2.697. Ratio 5.66, not 6: GPT-4o's "
            "higher accuracy claws back a little of its price. Multiplying by accuracy instead of dividing "
            "(0.336, 2.136) makes the cheaper, less accurate model look even cheaper. The figures follow "
            "seed 003's experiment (84% vs 71% for GPT-3.5 Turbo vs 89% for GPT-4o 'at 6x the cost', "
            "2026-06-24); whether the 5 points of accuracy are worth 5.66 times the price depends on what a "
            "wrong answer costs. Lesson 06, 'When a small fine-tuned model wins'.",
        ),
        Numeric(
            qid="q04",
            title="What it costs to find out",
            outcome="L06.2",
            seed=f"{S003}: fine-tuned 7B beats GPT-4o on clause classification; {S002}: 'measure this "
            "carefully'",
            scenario="""Lexa Legal wants to know whether a fine-tuned **Mistral 7B** beats its current
frontier API on contract-clause classification before switching. The experiment needs:

* **5,000 clauses labelled** by paralegals at **90 seconds each**, paid **USD 48 an hour**;
* **3 training runs** of **2.5 hours** each on one H100 at **USD 2.40 an hour**;
* a lawyer checks **400 held-out answers** at **1.5 minutes each**, at **USD 150 an hour**;
* **40 engineer-hours** at **USD 100 an hour** for the pipeline and the evaluation.

If the fine-tuned model wins, switching saves **USD 1,800 a month**.""",
            parts=(
                Part(
                    var="q04a_experiment_usd",
                    ask="Total cost of the experiment",
                    unit="USD",
                    answer=5000 * 90 / 3600 * 48 + 3 * 2.5 * 2.40 + 400 * 1.5 / 60 * 150 + 40 * 100,
                    tolerance=1.0,
                    working="5000 * 90 / 3600 * 48 + 3 * 2.5 * 2.40 + 400 * 1.5 / 60 * 150 + 40 * 100",
                    mistakes=(18.0, 6000.0 + 18.0),
                ),
                Part(
                    var="q04b_payback_months",
                    ask="Months of savings needed to pay the experiment back",
                    unit="months",
                    answer=(5000 * 90 / 3600 * 48 + 3 * 2.5 * 2.40 + 400 * 1.5 / 60 * 150 + 40 * 100) / 1800,
                    tolerance=0.05,
                    working="(5000 * 90 / 3600 * 48 + 3 * 2.5 * 2.40 + 400 * 1.5 / 60 * 150 + 40 * 100) / "
                    "1800",
                    mistakes=(0.01, 3.33),
                ),
            ),
            explanation="Labelling: 5,000 × 90 s = 125 h × USD 48 = USD 6,000. Training: 3 × 2.5 h × USD "
            "2.40 = USD 18. Evaluation: 400 × 1.5 min = 10 h × USD 150 = USD 1,500. Engineering: 40 × 100 = "
            "USD 4,000. Total USD 11,518, paid back in 11,518 ÷ 1,800 = 6.4 months if the model wins, and "
            "never if it loses. The GPU time (USD 18) is the smallest line: the data and the evaluation are "
            "the cost of finding out, which is why seed 002 says 'you should still measure this carefully'. "
            "Lesson 06, 'What it costs to find out'.",
        ),
        MultipleChoice(
            qid="q05",
            title="Where a small fine-tuned model can win",
            outcome="L06.2",
            seed=f"{S003}: 'A Mistral 7B model fine-tuned on legal contract clauses will outperform GPT-4o'",
            scenario="""Four teams each ask whether a **fine-tuned 7B-8B open model** could beat their
frontier API. Which team is most likely to get a yes?""",
            options=(
                Option(
                    "A tax firm planning across several jurisdictions, where each answer chains ten or more "
                    "reasoning steps over new client facts",
                    why="Tempting because the domain is narrow (tax), but the task is long multi-step "
                    "reasoning, where frontier models keep their clearest lead.",
                ),
                Option(
                    "A telecom routing support tickets into 25 fixed queues, with 12,000 past tickets "
                    "labelled by the queue that solved them",
                    why="Right: one narrow task, a stable label set and thousands of labelled examples: the "
                    "setting where a small model learns the task-specific calibration a generalist lacks.",
                    correct=True,
                ),
                Option(
                    "A travel start-up's open-ended assistant answering anything in 30 languages",
                    why="Tempting because fine-tuning can add languages, but open-ended, multilingual "
                    "breadth is where frontier models still lead and a small model has the least room.",
                ),
                Option(
                    "A product team whose label set changes every two weeks and which has 150 examples",
                    why="Tempting because it is a classification task, but 150 examples of a moving target "
                    "are too few to train on and too unstable to keep a fine-tune current.",
                ),
            ),
            explanation="Seed 003 (2026-06-24): a small model fine-tuned on a narrow task 'has less general "
            "knowledge but more task-specific calibration'; its own experiment had a fine-tuned Mistral 7B "
            "at 84% against GPT-3.5 Turbo's 71%. The conditions: one narrow, stable task, enough labelled "
            "data, and a measurable success metric. Multi-step reasoning and multilingual breadth are where "
            "seed 002 places the frontier's lead; a moving label set with little data cannot be learned. "
            "Lesson 06, 'When a small fine-tuned model wins'.",
        ),
        MultipleChoice(
            qid="q06",
            title="Which of these is distillation?",
            outcome="L06.3",
            seed=f"{S003}: use GPT-4o to generate training data and train a Llama or Mistral model",
            scenario="""A team wants to cut the cost of a summarisation feature that runs on GPT-4o. Four
engineers propose four plans. Which plan is **distillation** in the sense of seed 003's hybrid path?""",
            options=(
                Option(
                    "Quantise a 70B open model from 16 to 4 bits so it fits on one GPU",
                    why="Tempting because it also makes a model smaller and cheaper, but quantisation "
                    "compresses the same model's weights; no teacher writes any training data.",
                ),
                Option(
                    "Fine-tune Llama 3.1 8B with LoRA on 4,000 summaries written by the team's editors",
                    why="Tempting because it is fine-tuning a small open model, but the training data comes "
                    "from people, not from a frontier model: plain supervised fine-tuning.",
                ),
                Option(
                    "Send easy documents to an 8B model and hard ones to GPT-4o",
                    why="Tempting because it also cuts cost, but that is routing: no model learns from the "
                    "other.",
                ),
                Option(
                    "Have GPT-4o summarise 20,000 of their real documents, then fine-tune Llama 3.1 8B on "
                    "those input-summary pairs",
                    why="Right: a frontier 'teacher' writes the training data and a small open 'student' "
                    "learns to reproduce its behaviour at a fraction of the cost per token.",
                    correct=True,
                ),
            ),
            explanation="Distillation: a strong teacher model produces outputs (here summaries of your own "
            "inputs) and a smaller student is trained on them. Seed 003 describes it as a hybrid path: "
            "write prompts against GPT-4o, 'use GPT-4o to generate training data, and train a Llama or "
            "Mistral model to replicate that behavior'. Quantisation, human-labelled fine-tuning and "
            "routing are the three cost levers it is most often confused with. Check the teacher's terms "
            "first (next question). Lesson 06, 'Distillation'.",
        ),
        MultipleChoice(
            qid="q07",
            title="Whose terms govern the distilled model?",
            outcome="L06.3",
            seed=f"{S003}: output ownership is separate from the model licence",
            scenario="""Quillmate plans to generate **60,000 answers with a frontier API**, fine-tune **Llama
3.1 8B** on them, and sell the resulting model as a **general writing assistant** that competes with the
frontier provider's own products. Their lawyer asks what must be checked before they start.""",
            options=(
                Option(
                    "Nothing: the API's customers own the outputs they generate, so they may use them freely",
                    why="Tempting because seed 003 says you own the outputs you generate, but owning outputs "
                    "does not override the contract you accepted to get them.",
                ),
                Option(
                    "The provider's terms of use, which may forbid using outputs to build competing models, "
                    "and the Llama licence's conditions for distributing a derivative model",
                    why="Right: two documents govern this plan: the teacher's terms (how its outputs may be "
                    "used) and the student's licence (what you may do with and call the derived model).",
                    correct=True,
                ),
                Option(
                    "Only the Llama licence, since the trained weights are a Llama derivative",
                    why="Tempting because the student model is what ships, but the training data came from "
                    "the teacher under the teacher's terms.",
                ),
                Option(
                    "Nothing, as long as they use a fully open model such as OLMo as the student",
                    why="Tempting because full openness removes the student's licence conditions, but the "
                    "teacher's terms still govern its outputs.",
                ),
            ),
            explanation="Distillation sits under two sets of terms. The teacher: several frontier "
            "providers' terms of use forbid using outputs to develop models that compete with them, "
            "whatever the ownership of the outputs. The student: Llama's community licence sets conditions "
            "on distributing derivatives (attribution, naming, its acceptable-use policy, the 700M-user "
            "clause). Seed 003 keeps output ownership separate from the model licence (lesson 01); lesson "
            "06 adds the terms that govern training on outputs. Read both before generating a single "
            "example.",
        ),
        Numeric(
            qid="q08",
            title="The teacher's bill",
            outcome="L06.3",
            seed=f"{S003}: distil a frontier model into a small open one; reasoning tokens are billed as "
            "output",
            scenario="""A team distils a frontier model into an 8B student. It sends **20,000 prompts** of
**700 input tokens** each and gets answers of **450 output tokens** each. The teacher's price is **USD 2.50
per million input tokens** and **USD 10 per million output tokens**. A colleague proposes a reasoning model at
the **same prices** instead, which also spends **1,200 hidden reasoning tokens** per answer, billed as
output.""",
            parts=(
                Part(
                    var="q08a_teacher_usd",
                    ask="Cost of the 20,000 examples from the first teacher",
                    unit="USD",
                    answer=20000 * 700 / 1e6 * 2.50 + 20000 * 450 / 1e6 * 10,
                    tolerance=0.5,
                    working="20000 * 700 / 1e6 * 2.50 + 20000 * 450 / 1e6 * 10",
                    mistakes=(35.0, 57.5),
                ),
                Part(
                    var="q08b_reasoning_teacher_usd",
                    ask="Cost of the same examples from the reasoning teacher",
                    unit="USD",
                    answer=20000 * 700 / 1e6 * 2.50 + 20000 * (450 + 1200) / 1e6 * 10,
                    tolerance=0.5,
                    working="20000 * 700 / 1e6 * 2.50 + 20000 * (450 + 1200) / 1e6 * 10",
                    mistakes=(125.0, 185.0),
                ),
            ),
            explanation="Input: 20,000 × 700 = 14M tokens × USD 2.50 = USD 35. Output: 20,000 × 450 = 9M × "
            "USD 10 = USD 90. Total USD 125. The reasoning teacher bills 1,650 output tokens per answer: "
            "33M × USD 10 = USD 330, total USD 365, almost three times as much for the same visible data "
            "(reasoning tokens are billed as output: lesson 03). Slips: pricing output at the input rate "
            "(USD 57.50), or the reasoning tokens at the input rate (USD 185). Either way the teacher's "
            "bill is small next to labelling by hand, which is why distillation is popular; the terms (q07) "
            "are the real gate. Lesson 06, 'Distillation'.",
        ),
        MultipleChoice(
            qid="q09",
            title="What open embeddings save",
            outcome="L06.4",
            seed=f"{S002}: BGE M3, Jina, Nomic Embed match or beat text-embedding-3-small",
            scenario="""Archivo runs semantic search over **12 million** archived documents with a paid
embedding API. The provider has announced that the embedding model they use will be **retired next year**.
An engineer proposes switching to an **open embedding model** (BGE M3) on their own GPU.

What does the switch mainly buy them?""",
            options=(
                Option(
                    "Vectors compatible with the old API model's, so the existing index keeps working",
                    why="Tempting because both produce vectors of numbers, but vectors from different "
                    "embedding models live in different spaces: switching model always means re-embedding.",
                ),
                Option(
                    "No more vector database: open embeddings are searched inside the model",
                    why="Tempting because the model runs in-house, but retrieval still needs an index of "
                    "document vectors and a nearest-neighbour search.",
                ),
                Option(
                    "Control over when to re-embed (nobody can retire their model), documents that never "
                    "leave their infrastructure, and no per-token embedding fees",
                    why="Right: an index is tied to the model that built it; owning the weights means no "
                    "forced re-embedding on a provider's timeline, and the documents stay in-house.",
                    correct=True,
                ),
                Option(
                    "Better answers from the chat model, because open embeddings improve its reasoning",
                    why="Tempting because better retrieval can improve answers, but embeddings choose which "
                    "passages reach the model; they do not change how it reasons.",
                ),
            ),
            explanation="Embeddings are only comparable within one model, so an API embedding model's "
            "retirement forces a full re-embed on the provider's schedule. Open weights (BGE M3, Jina, "
            "Nomic Embed, which seed 002 says 'match or beat' text-embedding-3-small on retrieval "
            "benchmarks) remove that dependency, keep the corpus in-house and remove per-token fees. The "
            "next question shows that the fees are often the smallest of the three. Lesson 06, 'Open "
            "embeddings for retrieval'.",
        ),
        Numeric(
            qid="q10",
            title="Re-embedding an archive: API vs own GPU",
            outcome="L06.4",
            seed=f"{S002}: 'no reason to pay OpenAI for embeddings anymore'",
            scenario="""Archivo's **12 million documents** average **800 tokens** each. A full re-embedding
through the API costs **USD 0.02 per million tokens**. On their own **L4 GPU at USD 0.80 an hour**, BGE M3
embeds **20,000 tokens per second**. Queries add **3 million searches a month** of **30 tokens** each, at the
same API price.""",
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
                    var="q10b_gpu_hours",
                    ask="GPU hours for one full re-embedding on the L4",
                    unit="hours",
                    answer=12e6 * 800 / 20000 / 3600,
                    tolerance=0.5,
                    working="12e6 * 800 / 20000 / 3600",
                    mistakes=(8000.0, 480000.0),
                ),
                Part(
                    var="q10c_query_usd_per_month",
                    ask="Monthly API cost of embedding the queries",
                    unit="USD per month",
                    answer=3e6 * 30 / 1e6 * 0.02,
                    tolerance=0.05,
                    working="3e6 * 30 / 1e6 * 0.02",
                    mistakes=(18.0, 0.18),
                ),
            ),
            explanation="Corpus: 12e6 × 800 = 9.6e9 tokens = 9,600 million × USD 0.02 = USD 192 per full "
            "pass. On the L4: 9.6e9 ÷ 20,000 tokens/s = 480,000 s = 133.3 hours, about USD 107 of GPU time. "
            "Queries: 90M tokens × USD 0.02 = USD 1.80 a month. The money saved is small: at these prices "
            "open embeddings pay off through control (no forced re-embedding, the documents stay home) more "
            "than through fees, so seed 002's 'no reason to pay' is about quality parity, not a large bill. "
            "The slips: forgetting to divide by a million (USD 192,000), or seconds left as hours "
            "(480,000). Lesson 06, 'Open embeddings for retrieval'.",
        ),
        Code(
            qid="q11",
            title="Nearest document by cosine similarity",
            outcome="L06.4",
            seed=f"{S002}: self-hosted RAG with open embeddings (BGE M3, Jina, Nomic)",
            scenario="""Your retrieval step compares a query's embedding with each document's embedding by
**cosine similarity**: dot(a, b) ÷ (|a| × |b|), where |a| is the square root of dot(a, a). Write
`best_match`: the **index** of the document most similar to the query; on a tie, the **lowest** index.
Vectors are lists of floats of equal length, none of them all zeros.

Example: query `[1.0, 0.0]` against documents `[[0.0, 1.0], [2.0, 0.1]]` returns `1`.""",
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
                    explanation="Cosine ignores length: a long vector pointing elsewhere must not win on "
                    "its dot product alone.",
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
            explanation="Cosine similarity compares directions, not lengths: dot product ÷ both norms. "
            "Ranking by the raw dot product lets long documents (large norms) win, as in the [10, 0] case. "
            "On a tie ([0, 1] and [0, 7] both have cosine 1 with [0, 3]) the lowest index wins, so a strict "
            "'>' keeps the first best. Open embedding models such as BGE M3 usually return normalised "
            "vectors, where the dot product equals the cosine; do not rely on it without checking. Lesson "
            "06, 'Open embeddings for retrieval'.",
        ),
        Code(
            qid="q12",
            title="Cost per correct answer as a function",
            outcome="L06.2",
            seed=f"{S003}: fine-tuned 84% vs GPT-4o 89% at 6× the cost",
            scenario="""Your evaluation report compares models by **cost per correct answer**. Write
`usd_per_correct`: the cost of one request divided by the share of requests answered correctly. The accuracy
is a fraction between 0 and 1 (0.84 means 84%).

Example: a request costing USD 0.0024 at 89% accuracy gives about USD 0.0026966 per correct answer.""",
            signature='''def usd_per_correct(*, usd_per_request: float, accuracy: float) -> float:
    """USD per correct answer: cost per request divided by the fraction answered correctly."""''',
            solution="""    return usd_per_request / accuracy""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "usd_per_correct(usd_per_request=0.0024, accuracy=0.89)",
                            0.0024 / 0.89,
                            hidden=False,
                        ),
                        Case(
                            "usd_per_correct(usd_per_request=0.0004, accuracy=0.84)",
                            0.0004 / 0.84,
                            tolerance=1e-9,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="A perfect model costs exactly its price per answer; a 50% model twice that.",
                    cases=(
                        Case("usd_per_correct(usd_per_request=0.01, accuracy=1.0)", 0.01, tolerance=1e-9),
                        Case("usd_per_correct(usd_per_request=0.01, accuracy=0.5)", 0.02, tolerance=1e-9),
                    ),
                ),
            ),
            wrong=(
                """    return usd_per_request * accuracy""",
                """    return usd_per_request / (1 - accuracy)""",
                """    return usd_per_request""",
            ),
            explanation="If 84% of requests are answered correctly, every correct answer carries the cost of "
            "1 ÷ 0.84 = 1.19 requests: cost per correct = cost per request ÷ accuracy. Multiplying by the "
            "accuracy rewards the weaker model; dividing by the error rate measures something else (cost per "
            "wrong answer). Lesson 06 and lesson 03 ('cost per correct answer') compare models this way, "
            "after quality has been measured.",
        ),
    ),
)
