"""Quiz 02 · Capability by task (lesson 02): where open models match, format reliability, MoE, evaluations.

Memory figures come from :func:`course.models.memory.weights_gb` and the evaluation arithmetic from
:mod:`course.evals.stats`, the functions lesson 02 uses.
"""

from course.evals.stats import difference_interval, examples_for_margin, margin_of_error
from course.models.memory import weights_gb
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

_JSON_CASES: tuple[tuple[tuple[list[str], tuple[str, ...]], float], ...] = (
    ((['{"a": 1}', "not json", '{"a": 2, "b": 3}', "[1, 2]"], ("a",)), 0.5),
    ((['{"label": "spam"}', '{"label": "ham"', '{"lab": "x"}'], ("label",)), 1 / 3),
    (([], ()), 0.0),
    ((["{}", '{"x": null}'], ()), 1.0),
    ((['```json {"a": 1} ```', '{"a": 1}'], ("a",)), 0.5),
)


def _json_case(index: int, *, hidden: bool = True) -> Case:
    (outputs, keys), expect = _JSON_CASES[index]
    return Case(f"valid_json_rate({outputs!r}, {keys!r})", expect, hidden=hidden)


# q02: a task that needs every one of its tool calls to be well-formed
Q02_CALLS, Q02_OPEN, Q02_FRONTIER = 15, 0.975, 0.99
# q05: format reliability on 500 of the team's own requests
Q05_RUNS, Q05_PARSED, Q05_VALID, Q05_DAILY = 500, 471, 452, 60_000
# q08: Mixtral 8x22B at 4 bits on a GPU moving 3,350 GB/s
Q08_TOTAL_B, Q08_ACTIVE_B, Q08_BITS, Q08_GB_S = 141.0, 39.0, 4, 3_350
Q08_WEIGHTS_GB = weights_gb(params=Q08_TOTAL_B * 1e9, bits_per_weight=Q08_BITS)
Q08_READ_GB = weights_gb(params=Q08_ACTIVE_B * 1e9, bits_per_weight=Q08_BITS)
# q15: article 004's screen, the hardest 50 cases through both models
Q15_N, Q15_OPEN, Q15_API = 50, 41, 43
Q15_GAP = difference_interval(Q15_OPEN, Q15_N, Q15_API, Q15_N)  # open − API, Newcombe's 95% interval
Q15_LOW, Q15_HIGH = round(Q15_GAP.low * 100), round(Q15_GAP.high * 100)
# q10: an accuracy on 400 examples and the examples a 2.5-point half-width needs
Q10_CORRECT, Q10_N, Q10_TARGET = 312, 400, 0.025

QUIZ = Quiz(
    quiz_id="quiz-02-capability",
    title="Capability by task",
    intro=(
        "Decide which workloads an open model can take today, measure the gap that matters in production "
        "(format reliability), size mixture-of-experts models, and plan an evaluation whose differences are "
        "real. Figures from the source articles are quoted with their date."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="Paying for embeddings",
            outcome="L02.1",
            article=cite(SOURCE_002, "BGE M3, Jina, Nomic Embed match or beat text-embedding-3-small"),
            ideas=("002-02",),
            scenario=(
                "A document-search product embeds 5 million passages with a paid embedding API and re-embeds "
                "them monthly. Its retrieval quality is fine. What does the capability picture suggest?"
            ),
            options=(
                Option(
                    "Keep paying: embeddings are a frontier capability that open models have not reached "
                    "on MTEB's retrieval tasks.",
                    why=(
                        "Tempting because the API is the default, but article 002 (2026-04-29) reports open "
                        "embedding models matching or beating OpenAI's text-embedding-3-small on retrieval."
                    ),
                ),
                Option(
                    "Switch only when generation moves to Llama or Qwen too, since retriever and generator "
                    "must come from one vendor.",
                    why=(
                        "Tempting for tidiness, but the retriever's embedding model and the generator are "
                        "independent choices."
                    ),
                ),
                Option(
                    "Try an open embedding model on their own queries; if recall holds up, self-host it and "
                    "drop the bill.",
                    why=(
                        "Right: embeddings are a task family where open models caught up; still, measure "
                        "recall on your own queries before switching."
                    ),
                    correct=True,
                ),
                Option(
                    "Switch to Llama 3.3 70B and use its hidden states as embeddings, since a bigger model "
                    "embeds better.",
                    why=(
                        "Tempting because size often helps, but a chat model is not trained to embed; "
                        "dedicated embedding models are small, fast and better at retrieval."
                    ),
                ),
            ),
            explanation=(
                "Embeddings are among the tasks where open models match the frontier; a small embedding "
                "model is also cheap to serve. Measure retrieval on your own data, then decide. Lesson 02, "
                "'Where open models match and where they lag'."
            ),
        ),
        Numeric(
            qid="q02",
            title="Why agents feel the gap most",
            outcome="L02.1",
            article=cite(SOURCE_002, "open models: malformed tool calls 2-3x more common"),
            ideas=("002-08", "003-10"),
            scenario=(
                "An agent completes a task only if **all 15 of its tool calls** are well-formed. Assume "
                "calls fail independently: an open model gets a single call right **97.5%** of the time, a "
                "frontier model **99%** (2.5 failures in 100 against 1, within the 2-3x gap article 002 "
                "reports). Give percentages."
            ),
            parts=(
                Part(
                    var="q02a_open_task_pct",
                    ask="The open model's chance of completing the task",
                    unit="%",
                    answer=Q02_OPEN**Q02_CALLS * 100,
                    tolerance=0.2,
                    mistakes=(97.5, 100 - 15 * 2.5),
                ),
                Part(
                    var="q02b_frontier_task_pct",
                    ask="The frontier model's chance",
                    unit="%",
                    answer=Q02_FRONTIER**Q02_CALLS * 100,
                    tolerance=0.2,
                    mistakes=(99.0,),
                ),
            ),
            explanation=(
                "0.975^15 = 68.4% against 0.99^15 = 86.0%: a 1.5-point gap per call becomes a 17.6-point "
                "gap per task. Multi-step and agentic work compounds small reliability gaps, which is why "
                "article 003's agentic scores differ far more (60 vs 95) than its classification scores (90 "
                "vs 95). The per-call figures here are assumptions stated for the exercise, not "
                "measurements. Lesson 02, 'The real gap'."
            ),
        ),
        MultipleAnswer(
            qid="q03",
            title="Poor first candidates",
            outcome="L02.1",
            article=cite(SOURCE_002, "frontier leads on long context and non-English languages"),
            ideas=("002-07", "002-10", "002-01"),
            scenario=(
                "A services company plans which of its workloads to move to a self-hosted open model. Which "
                "of these are **poor first candidates**, because the frontier still leads clearly on them? "
                "Choose all that apply."
            ),
            options=(
                Option(
                    "Answering questions over 600-page contracts pasted whole into a single prompt.",
                    why=(
                        "Poor candidate: quality falls as a long context fills, and on many open models it "
                        "falls faster (article 002; lesson 02 corrects its figures): measure at your length."
                    ),
                    correct=True,
                ),
                Option(
                    "Summarising each of the day's 40 internal meeting notes into bullet points for the "
                    "team.",
                    why="Good candidate: summarising is commodity text, where open models match.",
                ),
                Option(
                    "Replying to customers in Estonian, Latvian and Lithuanian from the support inbox.",
                    why=(
                        "Poor candidate: quality in smaller languages is still a frontier lead (article 002)."
                    ),
                    correct=True,
                ),
                Option(
                    "Tagging incoming invoices with one of 14 cost centres from a fixed chart of accounts.",
                    why="Good candidate: classification into fixed labels is where open models are closest.",
                ),
                Option(
                    "Answering staff questions from the HR handbook with retrieved passages as context.",
                    why="Good candidate: retrieval-augmented Q&A over your documents is a commodity task.",
                ),
            ),
            explanation=(
                "Open models match the frontier on commodity text, classification, retrieval-augmented Q&A "
                "and embeddings; they lag on multi-step reasoning, agentic tool use, long context, smaller "
                "languages, refusal calibration and recent knowledge. Lesson 02, 'Where open models match "
                "and where they lag'."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="The gap that broke the pipeline",
            outcome="L02.2",
            article=cite(SOURCE_003, "the gap is instruction following and format reliability"),
            ideas=("003-11", "003-25"),
            scenario=(
                "After moving a classification pipeline to a self-hosted 8B model, a team finds the answers "
                "are usually right, but now and then the output is not valid JSON and the downstream job "
                "crashes. Which metric should gate the next model they try?"
            ),
            options=(
                Option(
                    "The model's score on a broad knowledge benchmark such as MMLU, as published on its "
                    "model card.",
                    why=(
                        "Tempting because it is the famous number, but article 003's author found the gap "
                        "was not knowledge: it was following format instructions reliably."
                    ),
                ),
                Option(
                    "The share of outputs on their own examples that parse as JSON and match the schema.",
                    why=(
                        "Right: the validity rate on your own inputs measures the practical gap directly, "
                        "and sets how often a fallback or retry must run."
                    ),
                    correct=True,
                ),
                Option(
                    "Tokens per second on their own GPU at the pipeline's batch size, measured over an hour.",
                    why=(
                        "Speed matters for cost, but a fast model that breaks the parser still breaks the "
                        "pipeline."
                    ),
                ),
                Option(
                    "Perplexity of each candidate on a sample of their own documents, lower being better.",
                    why=(
                        "Perplexity measures how well a model predicts text, not whether it follows your "
                        "output schema."
                    ),
                ),
            ),
            explanation=(
                "Open models often 'know' the answer but fail the format: measure format reliability (valid, "
                "schema-conforming outputs) on your own examples, alongside accuracy. Lesson 02, 'The real "
                "gap: instruction following and format reliability'."
            ),
        ),
        Numeric(
            qid="q05",
            title="Measuring format reliability",
            outcome="L02.2",
            article=cite(SOURCE_003, "malformed JSON broke the pipeline; a fallback parser was needed"),
            ideas=("003-25", "002-08"),
            scenario=(
                "A team runs a candidate model on **500** of its own requests. **471** outputs parse as "
                "JSON; of those, **452** also match the required schema. In production the pipeline sees "
                "**60,000 requests a day**, and every output that is not schema-valid goes to a slower "
                "fallback."
            ),
            parts=(
                Part(
                    var="q05a_valid_pct",
                    ask="The schema-valid rate",
                    unit="%",
                    answer=Q05_VALID / Q05_RUNS * 100,
                    tolerance=0.1,
                    mistakes=(Q05_VALID / Q05_PARSED * 100, Q05_PARSED / Q05_RUNS * 100),
                ),
                Part(
                    var="q05b_fallbacks_per_day",
                    ask="Expected fallbacks a day",
                    unit="requests",
                    answer=Q05_DAILY * (1 - Q05_VALID / Q05_RUNS),
                    tolerance=10.0,
                    mistakes=(Q05_DAILY * (1 - Q05_PARSED / Q05_RUNS),),
                ),
            ),
            explanation=(
                "Schema-valid 452/500 = 90.4% (divide by all 500, not by the 471 that parsed); 9.6% of "
                "60,000 = 5,760 fallbacks a day. Parsing is not enough: the schema check is what the "
                "pipeline needs. Lesson 02, 'The real gap'."
            ),
        ),
        MultipleChoice(
            qid="q06",
            title="The leaderboard and the clause classifier",
            outcome="L02.3",
            article=cite(SOURCE_003, "a fine-tuned Mistral 7B outperforms GPT-4o on legal clauses"),
            ideas=("003-12", "000-05"),
            scenario=(
                "A legal-tech firm classifies contract clauses into 40 types. A public leaderboard puts "
                "model X **6 points above** model Y on a general benchmark. The firm also has 3,000 "
                "labelled clauses. What should it do?"
            ),
            options=(
                Option(
                    "Test X, Y and a small model tuned on part of the labels, on a few hundred held-out "
                    "clauses of their own.",
                    why=(
                        "Right: evaluate on your workload. Article 003 reports a fine-tuned Mistral 7B "
                        "beating GPT-4o on legal clause classification: narrow tasks reward fine-tuning."
                    ),
                    correct=True,
                ),
                Option(
                    "Pick model X, because a 6-point lead on a broad benchmark carries over to narrow tasks "
                    "like clause types.",
                    why=(
                        "Tempting because benchmarks are easy to compare, but they average many tasks unlike "
                        "yours; the ranking on one narrow task can flip."
                    ),
                ),
                Option(
                    "Pick the largest model on offer, because size predicts accuracy on specialised legal "
                    "work better than anything.",
                    why=(
                        "Size helps general ability, but a small model calibrated on the task often wins a "
                        "narrow classification, at a fraction of the cost."
                    ),
                ),
                Option(
                    "Rank the two by benchmark score per dollar, combining the leaderboard with each "
                    "model's price per million tokens.",
                    why="A formula over someone else's benchmark still does not measure your task.",
                ),
            ),
            explanation=(
                "Generic benchmarks measure generic tasks. For one workload, build an evaluation from your "
                "own data; for a narrow task with labels, include a fine-tuned small model among the "
                "candidates. Lesson 02, 'Why generic benchmarks mislead'."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="Sizing a mixture of experts",
            outcome="L02.4",
            article=cite(SOURCE_003, "Mixtral 8x7B and 8x22B: mixture-of-experts routing"),
            ideas=("003-13",),
            scenario=(
                "Mixtral 8x7B has about **46.7B parameters in total**, of which about **12.9B are active** "
                "for each token (2 of 8 experts per layer, plus the shared layers). A team plans its GPU. "
                "What should it expect?"
            ),
            options=(
                Option(
                    "Memory and speed of a 12.9B dense model, since only 12.9B parameters are used for each "
                    "token.",
                    why=(
                        "Half right: per-token compute is close to a 13B model, but every expert must stay "
                        "in memory because any token may be routed to any of them."
                    ),
                ),
                Option(
                    "Memory and speed of a 56B dense model, since the name says eight experts of 7B each.",
                    why=(
                        "Tempting from the name, but experts share the attention layers, so the total is "
                        "46.7B, and only 2 experts run per token."
                    ),
                ),
                Option(
                    "Memory of a 7B model, since the router loads one expert into the GPU at a time.",
                    why="Experts are not swapped in per token; all of them stay loaded.",
                ),
                Option(
                    "Memory for all 46.7B parameters; compute and weight reads per token close to a 13B "
                    "model.",
                    why=(
                        "Right: total parameters set the memory, active parameters set the work per token, "
                        "so an MoE model is fast for its size but needs memory for its full size."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Mixture of experts: total parameters decide GPU memory; active parameters decide compute "
                "and memory traffic per token, hence speed. Lesson 02, 'Mixture-of-experts'."
            ),
        ),
        Numeric(
            qid="q08",
            title="A larger MoE: memory and a speed ceiling",
            outcome="L02.4",
            article=cite(SOURCE_003, "mixture-of-experts models punch above their weight"),
            ideas=("003-13",),
            scenario=(
                "Mixtral 8x22B has **141B parameters in total, 39B active** per token, here quantized to "
                "**4 bits** per weight (count 1 GB = 1e9 bytes and ignore the KV cache). Generating a token "
                "reads every **active** weight once; the GPUs move **3,350 GB/s** from memory, and nothing "
                "else limits decoding."
            ),
            parts=(
                Part(
                    var="q08a_weights_gb",
                    ask="Memory for the weights",
                    unit="GB",
                    answer=Q08_WEIGHTS_GB,
                    tolerance=0.2,
                    mistakes=(Q08_READ_GB, Q08_TOTAL_B * 2),
                ),
                Part(
                    var="q08b_max_tokens_per_s",
                    ask="The ceiling on tokens per second for one stream",
                    unit="tokens/s",
                    answer=Q08_GB_S / Q08_READ_GB,
                    tolerance=2.0,
                    mistakes=(Q08_GB_S / Q08_WEIGHTS_GB,),
                ),
            ),
            explanation=(
                "Memory: 141e9 x 4 bits / 8 = 70.5 GB, so two 80 GB cards or one with a tight KV cache. Per "
                "token: 39e9 x 0.5 bytes = 19.5 GB read, so at 3,350 GB/s at most 3,350 / 19.5 = about 172 "
                "tokens/s. A dense 141B model would top out near 48 tokens/s on the same memory: that is "
                "what 'active parameters' buy. Lesson 02, 'Mixture-of-experts'."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="86% versus 83% on 100 examples",
            outcome="L02.5",
            article=cite(SOURCE_003, "run your own eval on 200-500 examples from your real workload")
            + "; "
            + cite(SOURCE_000, "run benchmarks on your own use case"),
            ideas=("003-32", "002-25"),
            scenario=(
                "On 100 of their own examples, a self-hosted model scores **83%** and the API model **86%**. "
                "The team lead wants to declare the API model better and stop. What is the soundest reading?"
            ),
            options=(
                Option(
                    "The API model is better: a 3-point lead on 100 real examples of their own work is a "
                    "clear margin.",
                    why=(
                        "Tempting, but with 100 examples each accuracy has a 95% interval of about +/- 7 "
                        "points; a 3-point gap is well inside the noise."
                    ),
                ),
                Option(
                    "Not settled: at n = 100 the intervals overlap widely; extend to a few hundred examples "
                    "and compare again.",
                    why=(
                        "Right: size the evaluation for the difference you care about, then decide; 100 "
                        "examples only resolve gaps of about 10 points (article 003 suggests 200-500)."
                    ),
                    correct=True,
                ),
                Option(
                    "They are equal, because any gap under 5 points between two models is meaningless at "
                    "every sample size.",
                    why=(
                        "Also too strong: whether a gap is real depends on the sample size; with thousands "
                        "of examples 3 points can be real."
                    ),
                ),
                Option(
                    "Rerun the same 100 examples five times at temperature 0 and average the five scores.",
                    why=(
                        "Tempting, but at temperature 0 the reruns repeat the same answers; more distinct "
                        "examples is what shrinks the interval."
                    ),
                ),
            ),
            explanation=(
                "An accuracy p measured on n examples has a 95% half-width of about 1.96 x sqrt(p(1-p)/n): "
                "about 7 points at n = 100. Decide only on differences larger than the noise. Lesson 02, "
                "'Evaluate on your own examples: how many do you need?'."
            ),
        ),
        Numeric(
            qid="q10",
            title="How many examples the evaluation needs",
            outcome="L02.5",
            article=cite(SOURCE_003, "run your own eval on 200-500 examples"),
            ideas=("003-32",),
            scenario=(
                "A model answers **312 of 400** evaluation examples correctly. Use the normal approximation: "
                "the 95% interval of an accuracy p on n examples is p +/- 1.96 x sqrt(p(1 - p) / n)."
            ),
            parts=(
                Part(
                    var="q10a_half_width_pts",
                    ask="The 95% half-width",
                    unit="percentage points",
                    answer=margin_of_error(Q10_N, accuracy=Q10_CORRECT / Q10_N) * 100,
                    tolerance=0.1,
                    mistakes=(margin_of_error(Q10_N, accuracy=Q10_CORRECT / Q10_N) * 100 / 1.96,),
                ),
                Part(
                    var="q10b_examples_needed",
                    ask=(
                        "The smallest whole number of examples that brings the half-width down to 2.5 "
                        "points, if the accuracy stays the same"
                    ),
                    unit="examples",
                    answer=examples_for_margin(Q10_TARGET, accuracy=Q10_CORRECT / Q10_N),
                    tolerance=2.0,
                    mistakes=(float(Q10_N), 1.96 * 0.78 * 0.22 / Q10_TARGET**2),
                ),
            ),
            explanation=(
                "p = 312/400 = 0.78; half-width = 1.96 x sqrt(0.78 x 0.22 / 400) = 4.06 points. For 2.5 "
                "points: n = 1.96^2 x 0.78 x 0.22 / 0.025^2 = 1,054.7, so 1,055 examples. Shrinking the "
                "noise takes the square of the factor in examples. Lesson 02, 'Evaluate on your own "
                "examples'."
            ),
        ),
        Ordering(
            qid="q11",
            title="What to move first",
            outcome="L02.1",
            article=cite(SOURCE_003, "the capability gap is task-specific: small on RAG, large on agents"),
            ideas=("003-10", "002-03", "002-06"),
            scenario=(
                "A software company runs four workloads on a frontier API and will move them to an open "
                "model one at a time, **the least risky to quality first**. Order them, first move to last, "
                "using the task-by-task gaps lesson 02 shows (article 003's relative scores and article "
                "002)."
            ),
            options=(
                Option(
                    "A planning agent that chains 20 tool calls to fix failed deployments on its own.",
                    why="Last: agentic tool use shows the largest gap (article 003: 60 against 95).",
                ),
                Option(
                    "Answering developers' questions from the internal wiki with retrieved passages.",
                    why="First: retrieval-augmented Q&A has the smallest gap (90 against 95).",
                ),
                Option(
                    "Reviewing architecture proposals that take five or more steps of reasoning each.",
                    why="Third: multi-step reasoning is a clear frontier lead (70 against 95).",
                ),
                Option(
                    "Completing Python and JavaScript code in the developers' editors as they type.",
                    why="Second: popular-language code is competitive (85 against 95).",
                ),
            ),
            order="BDCA",
            explanation=(
                "Article 003's chart (relative benchmark scores, not accuracies): retrieval 90 vs 95, code "
                "generation 85 vs 95, complex reasoning 70 vs 95, agentic tasks 60 vs 95. Article 002 agrees "
                "that popular-language code is competitive and that multi-step reasoning and agents stay on "
                "the frontier. Move the small-gap workloads first, and measure each on your own examples "
                "before it moves. Lesson 02, 'Where open models match and where they lag'."
            ),
        ),
        Code(
            qid="q12",
            title="A JSON-validity rate",
            outcome="L02.2",
            article=cite(SOURCE_003, "malformed JSON from an open model broke a pipeline"),
            ideas=("003-25",),
            scenario=(
                "Write `valid_json_rate(outputs, required_keys)`: the fraction (0-1) of `outputs` (strings) "
                "that `json.loads` parses into a **dict** containing **every** key in `required_keys`. An "
                "empty list gives `0.0`. Import what you need inside the function.\n\n"
                "Worked example: `valid_json_rate(['{\"a\": 1}', 'not json', '{\"a\": 2, \"b\": 3}', '[1, "
                "2]'], ('a',))` is `0.5` (the list parses but is not a dict)."
            ),
            signature='''def valid_json_rate(
    outputs: list[str], required_keys: tuple[str, ...] = ()
) -> float:
    """Share of outputs that parse as a JSON object holding every required key."""''',
            solution="""    import json

    if not outputs:
        return 0.0
    valid = 0
    for text in outputs:
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict) and all(key in value for key in required_keys):
            valid += 1
    return valid / len(outputs)""",
            tests=(
                CodeTest(points=1, cases=(_json_case(0, hidden=False), _json_case(1))),
                CodeTest(
                    points=1,
                    explanation=(
                        "An empty list is 0.0; an object with no required keys counts; fenced JSON fails."
                    ),
                    cases=(_json_case(2), _json_case(3), _json_case(4)),
                ),
            ),
            wrong=(
                """    import json

    ok = 0
    for text in outputs:
        try:
            json.loads(text)
            ok += 1
        except ValueError:
            pass
    return ok / len(outputs) if outputs else 0.0""",
            ),
            explanation=(
                "Parse each output, require a dict, require the keys, divide by ALL outputs. Counting "
                "anything that parses (a list, a string) overstates reliability; the pipeline needs the "
                "schema. Lesson 02, 'The real gap'."
            ),
        ),
        Code(
            qid="q13",
            title="Is the difference real?",
            outcome="L02.5",
            article=cite(SOURCE_003, "run your own eval before deciding"),
            ideas=("003-32", "002-25"),
            scenario=(
                "Write `difference_is_real(correct_a=..., correct_b=..., total=...)`: two models ran the "
                "same `total` examples. Return `True` when their 95% intervals (normal approximation, p +/- "
                "1.96 x sqrt(p(1 - p) / n)) **do not overlap**, else `False`. (A conservative rule: a "
                "paired test can detect smaller differences; this one is what the team agreed "
                "on.)\n\nWorked example: `difference_is_real(correct_a=170, correct_b=150, total=200)` is "
                "`False`."
            ),
            signature='''def difference_is_real(*, correct_a: int, correct_b: int, total: int) -> bool:
    """True if the two accuracies' 95% intervals do not overlap."""''',
            solution="""    def interval(correct):
        p = correct / total
        half = 1.96 * (p * (1 - p) / total) ** 0.5
        return p - half, p + half

    low_a, high_a = interval(correct_a)
    low_b, high_b = interval(correct_b)
    return low_a > high_b or low_b > high_a""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "difference_is_real(correct_a=170, correct_b=150, total=200)", False, hidden=False
                        ),
                        Case("difference_is_real(correct_a=940, correct_b=890, total=1000)", True),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "5 points on 600 examples is still inside the noise; order does not matter."
                    ),
                    cases=(
                        Case("difference_is_real(correct_a=498, correct_b=468, total=600)", False),
                        Case("difference_is_real(correct_a=890, correct_b=940, total=1000)", True),
                    ),
                ),
            ),
            wrong=(
                """    return correct_a - correct_b > 0.02 * total""",
                """    gap = (correct_a - correct_b) / total
    return gap > 0.04 or gap < -0.04""",
            ),
            explanation=(
                "Compute each interval from its own p, then check for a gap between them. A fixed threshold "
                "in points ignores the sample size: 5 points is noise at n = 600, and real at n = 1,000 "
                "near 90%. Lesson 02, 'Evaluate on your own examples'."
            ),
        ),
        Code(
            qid="q14",
            title="How big may the active model be?",
            outcome="L02.4",
            article=cite(SOURCE_003, "mixture of experts: active parameters per token"),
            ideas=("003-13",),
            scenario=(
                "A product needs at least `target_tokens_per_s` for one stream. If each generated token "
                "reads every active weight once and memory bandwidth is the only limit, write "
                "`max_active_params_b`: the largest number of **active** parameters (billions) a model at "
                "`bits` bits per weight may have on a GPU moving `bandwidth_gb_s` GB/s. 1 GB = 1e9 "
                "bytes.\n\nWorked example: 1,000 GB/s, 8 bits, 50 tokens/s: `20.0`."
            ),
            signature='''def max_active_params_b(
    *, bandwidth_gb_s: float, bits: float, target_tokens_per_s: float
) -> float:
    """Largest active parameter count (billions) that still reaches the target decode speed."""''',
            solution="""    gb_per_token = bandwidth_gb_s / target_tokens_per_s
    return gb_per_token / (bits / 8)""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "max_active_params_b(bandwidth_gb_s=1000, bits=8, target_tokens_per_s=50)",
                            20.0,
                            hidden=False,
                        ),
                        Case(
                            "max_active_params_b(bandwidth_gb_s=2000, bits=16, target_tokens_per_s=100)",
                            10.0,
                            tolerance=1e-6,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Fewer bits per weight let a larger active model reach the same speed.",
                    cases=(
                        Case(
                            "max_active_params_b(bandwidth_gb_s=3350, bits=4, target_tokens_per_s=100)",
                            67.0,
                            tolerance=1e-6,
                        ),
                        Case(
                            "max_active_params_b(bandwidth_gb_s=900, bits=4.5, target_tokens_per_s=60)",
                            900 / 60 / (4.5 / 8),
                            tolerance=1e-6,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return bandwidth_gb_s / target_tokens_per_s / bits""",
                """    return bandwidth_gb_s / target_tokens_per_s / 2""",
            ),
            explanation=(
                "Each token may read at most bandwidth / target GB, and each billion parameters at b bits is "
                "b / 8 GB, so the active model may have bandwidth / target / (b / 8) billion parameters. For "
                "a mixture of experts only the active parameters count, which is how a 141B model can beat "
                "a dense 70B on speed. Dividing by bits instead of bytes is the 8x slip; 2 bytes per weight "
                "ignores quantization. Lesson 02, 'Mixture-of-experts'."
            ),
        ),
        MultipleChoice(
            qid="q15",
            title="Within 5 points on the hardest 50",
            outcome="L02.3",
            article=cite(
                SOURCE_004, "screen with your hardest 50 cases; within 5% means capability does not decide"
            ),
            ideas=("004-14", "003-32"),
            scenario=(
                f"Following article 004's screen, a team runs its **{Q15_N} hardest** support tickets "
                f"through a self-hosted model and the API model. The open model gets **{Q15_OPEN}** right "
                f"and the API **{Q15_API}**: {Q15_OPEN / Q15_N:.0%} against {Q15_API / Q15_N:.0%}, within "
                "the article's 5 points. What should the team take from this?"
            ),
            options=(
                Option(
                    "Capability no longer decides: the two scores are within 5 points, so the team can "
                    "choose on cost, privacy and operations and skip a larger evaluation.",
                    why=(
                        "Tempting, and it is how the article words its screen, but 50 cases cannot tell a "
                        "4-point gap from a 15-point one."
                    ),
                ),
                Option(
                    f"The API is better on what matters: {Q15_API} against {Q15_OPEN} on the hardest "
                    "tickets, and a larger sample would only dilute that lead with easy ones.",
                    why=(
                        "A 2-ticket lead on 50 is well inside the noise; and a sample of real traffic is "
                        "what the product will face, easy tickets included."
                    ),
                ),
                Option(
                    "Run the same 50 tickets five more times each at temperature 0.7 and average them: 250 "
                    "scored answers per model pin the gap down to about 2 points.",
                    why=(
                        "Reruns of the same tickets measure the sampling of one model's answers, not how "
                        "it does on tickets it has not seen; distinct examples shrink the interval."
                    ),
                ),
                Option(
                    f"The open model stays in the running, but 50 cases cannot size the gap (95% interval "
                    f"about {Q15_LOW:+d} to {Q15_HIGH:+d} points): sample a few hundred real tickets next.",
                    why=(
                        "Right: the screen answers 'is the open model out of its depth?', not 'which is "
                        "better?'; the next step is an evaluation sized for the gap that matters."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                f"Newcombe's 95% interval for {Q15_OPEN}/{Q15_N} minus {Q15_API}/{Q15_N} runs from about "
                f"{Q15_LOW:+d} to {Q15_HIGH:+d} points: either model could be ahead by 10. 'Within 5%' "
                "reads a point estimate. As a screen, 50 hard cases can show an open model is out of its "
                "depth; they cannot show two models are equal. Lesson 02, 'Why generic benchmarks mislead', "
                "and its evaluation plan (200-500 sampled examples; hundreds per model to tell 84% from 89%)."
            ),
        ),
    ),
)
