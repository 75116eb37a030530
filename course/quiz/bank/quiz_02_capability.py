"""Quiz 02 · Capability by task (lesson 02): where open models match, format reliability, MoE, evaluations."""

from course.quiz.bank.sources import SOURCE_001, SOURCE_002, SOURCE_003, cite
from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

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


QUIZ = Quiz(
    quiz_id="quiz-02-capability",
    title="Capability by task",
    intro=(
        "Decide which workloads an open model can take today, measure the gap that matters in production "
        "(format reliability), size mixture-of-experts models, and plan an evaluation whose differences are "
        "real. Figures from the seeds are quoted with their date."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="The first workload to move",
            outcome="L02.1",
            seed=cite(SOURCE_003, "capability gap by task: classification 90% vs 95%, agentic 60% vs 95%"),
            scenario=(
                "An IT services company runs four workloads on a frontier API and wants to move **one** to a "
                "self-hosted open model first, with the least risk to quality. Which one?"
            ),
            options=(
                Option(
                    "An agent that plans and runs 15-step remediation jobs with 20 tools.",
                    why=(
                        "Tempting because it is the costliest workload, but agentic tool use is where open "
                        "models "
                        "lag most (seed 003: 60% vs 95%; seed 002: malformed tool calls 2-3x more common)."
                    ),
                ),
                Option(
                    "Routing incoming tickets into 12 fixed categories, 2M tickets a month.",
                    why=(
                        "Right: classification is a commodity task where the best open models are within "
                        "about 5 "
                        "points of the frontier (seed 003, May 2026), and the volume makes the saving real."
                    ),
                    correct=True,
                ),
                Option(
                    "Answering questions over 600-page contracts pasted whole into the prompt.",
                    why=(
                        "Tempting because it is 'just Q&A', but very long context is a frontier lead: open "
                        "models "
                        "nominally accept it but degrade as the context fills (seed 002)."
                    ),
                ),
                Option(
                    "Replying to customers in Estonian, Latvian and Lithuanian.",
                    why=(
                        "Tempting because replies look like commodity text, but multilingual quality, above "
                        "all "
                        "for smaller languages, is still a frontier lead (seed 002)."
                    ),
                ),
            ),
            explanation=(
                "Open models match the frontier on commodity text, classification, RAG, embeddings and "
                "popular-"
                "language code; they lag on multi-step reasoning, agentic tool use, long context, "
                "multilingual "
                "work, refusal calibration and recent knowledge."
            ),
        ),
        Numeric(
            qid="q02",
            title="Why agents feel the gap most",
            outcome="L02.1",
            seed=cite(SOURCE_002, "open models: malformed tool calls 2-3x more common"),
            scenario=(
                "An agent completes a task only if **all 12 of its tool calls** are well-formed. Assume "
                "calls "
                "fail independently: an open model gets a single call right **97%** of the time, a frontier "
                "model **99%** (3 failures in 100 versus 1, the 2-3x gap seed 002 reports). Give percentages."
            ),
            parts=(
                Part(
                    var="q02a_open_task_pct",
                    ask="The open model's chance of completing the task",
                    unit="%",
                    answer=0.97**12 * 100,
                    tolerance=0.2,
                    working="0.97**12 * 100",
                    mistakes=(97.0,),
                ),
                Part(
                    var="q02b_frontier_task_pct",
                    ask="The frontier model's chance",
                    unit="%",
                    answer=0.99**12 * 100,
                    tolerance=0.2,
                    working="0.99**12 * 100",
                    mistakes=(99.0,),
                ),
            ),
            explanation=(
                "0.97^12 = 69.4% against 0.99^12 = 88.6%: a 2-point gap per call becomes a 19-point gap per "
                "task. "
                "Multi-step and agentic work compounds small reliability gaps, which is why seed 003's "
                "agentic "
                "scores differ far more (60% vs 95%) than its classification scores (90% vs 95%)."
            ),
        ),
        MultipleChoice(
            qid="q03",
            title="Paying for embeddings",
            outcome="L02.1",
            seed=cite(SOURCE_002, "BGE M3, Jina, Nomic Embed match or beat text-embedding-3-small"),
            scenario=(
                "A document-search product embeds 5 million passages with a paid embedding API and re-embeds "
                "them monthly. Its retrieval quality is fine. What does the capability picture suggest?"
            ),
            options=(
                Option(
                    "Keep paying: embeddings are a frontier capability open models have not reached.",
                    why=(
                        "Tempting because the API is the default, but seed 002 (2026-04-29) reports open "
                        "embedding models matching or beating OpenAI's text-embedding-3-small on retrieval."
                    ),
                ),
                Option(
                    "Switch only if they also move generation to an open model; embeddings and generation "
                    "must "
                    "come from the same vendor.",
                    why=(
                        "Tempting for tidiness, but the retriever's embedding model and the generator are "
                        "independent choices."
                    ),
                ),
                Option(
                    "Try an open embedding model (BGE M3, Nomic Embed) on their own queries: if retrieval "
                    "holds "
                    "up, self-hosting it removes a recurring bill.",
                    why=(
                        "Right: embeddings are a task family where open models caught up; still, measure "
                        "recall "
                        "on your own queries before switching."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Embeddings are among the tasks where open models match the frontier; a small embedding "
                "model is "
                "also cheap to serve. Measure retrieval on your own data, then decide."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="The gap that broke the pipeline",
            outcome="L02.2",
            seed=cite(SOURCE_003, "the gap is instruction following and format reliability: malformed JSON"),
            scenario=(
                "After moving a classification pipeline to a self-hosted 8B model, a team finds the answers "
                "are "
                "usually right, but now and then the output is not valid JSON and the downstream job "
                "crashes. "
                "Which metric should gate the next model they try?"
            ),
            options=(
                Option(
                    "The model's score on a general knowledge benchmark such as MMLU.",
                    why=(
                        "Tempting because it is the famous number, but seed 003's author found the gap was "
                        "not knowledge: it was following format instructions reliably."
                    ),
                ),
                Option(
                    "Tokens per second on their GPU.",
                    why=(
                        "Speed matters for cost, but a fast model that breaks the parser still breaks the "
                        "pipeline."
                    ),
                ),
                Option(
                    "Perplexity on their documents.",
                    why=(
                        "Perplexity measures how well a model predicts text, not whether it follows your "
                        "output schema."
                    ),
                ),
                Option(
                    "The share of outputs on their own evaluation set that parse as JSON and match the "
                    "schema.",
                    why=(
                        "Right: the JSON-validity rate on your own inputs measures the practical gap "
                        "directly, "
                        "and sets how often a fallback or retry must run."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Open models often 'know' the answer but fail the format: measure format reliability (valid, "
                "schema-conforming outputs) on your own examples, alongside accuracy."
            ),
        ),
        Numeric(
            qid="q05",
            title="Measuring format reliability",
            outcome="L02.2",
            seed=cite(
                SOURCE_003, "malformed JSON broke the downstream pipeline; a fallback parser was needed"
            ),
            scenario=(
                "A team runs a candidate model on **500** of its own requests. **468** outputs parse as "
                "JSON; of "
                "those, **451** also match the required schema. In production the pipeline sees **40,000 "
                "requests a day**, and every output that is not schema-valid goes to a slower fallback."
            ),
            parts=(
                Part(
                    var="q05a_parse_pct",
                    ask="The parse rate",
                    unit="%",
                    answer=468 / 500 * 100,
                    tolerance=0.1,
                ),
                Part(
                    var="q05b_valid_pct",
                    ask="The schema-valid rate",
                    unit="%",
                    answer=451 / 500 * 100,
                    tolerance=0.1,
                    mistakes=(451 / 468 * 100,),
                ),
                Part(
                    var="q05c_fallbacks_per_day",
                    ask="Expected fallbacks a day",
                    unit="requests",
                    answer=40_000 * (1 - 451 / 500),
                    tolerance=10.0,
                    mistakes=(40_000 * (1 - 468 / 500),),
                ),
            ),
            explanation=(
                "Parse rate 468/500 = 93.6%; schema-valid 451/500 = 90.2% (divide by all 500, not by the 468 "
                "that parsed); 9.8% of 40,000 = 3,920 fallbacks a day. Parsing is not enough: the schema "
                "check "
                "is what the pipeline needs."
            ),
        ),
        MultipleChoice(
            qid="q06",
            title="The leaderboard and the clause classifier",
            outcome="L02.3",
            seed=cite(
                SOURCE_003, "a fine-tuned Mistral 7B outperforms GPT-4o on legal clause classification"
            ),
            scenario=(
                "A legal-tech firm classifies contract clauses into 40 types. A public leaderboard puts "
                "model X "
                "**6 points above** model Y on a general benchmark. They also have 3,000 labelled clauses. "
                "What "
                "should they do?"
            ),
            options=(
                Option(
                    "Pick model X: a 6-point lead on a broad benchmark carries over to any task.",
                    why=(
                        "Tempting because benchmarks are easy to compare, but they average many tasks unlike "
                        "yours; the ranking on one narrow task can flip."
                    ),
                ),
                Option(
                    "Run both, and a small model fine-tuned on part of their labelled clauses, on a few "
                    "hundred "
                    "held-out clauses of their own, and choose on that.",
                    why=(
                        "Right: evaluate on your workload. Seed 003 (May 2026) reports a fine-tuned Mistral "
                        "7B "
                        "beating GPT-4o on legal clause classification: narrow tasks reward fine-tuning."
                    ),
                    correct=True,
                ),
                Option(
                    "Pick the largest model available, since size predicts accuracy on specialised tasks.",
                    why=(
                        "Size helps general ability, but a small model calibrated on the task often wins a "
                        "narrow classification, at a fraction of the cost."
                    ),
                ),
                Option(
                    "Average the two models' benchmark scores with their price to rank them.",
                    why="A formula over someone else's benchmark still does not measure your task.",
                ),
            ),
            explanation=(
                "Generic benchmarks measure generic tasks. For one workload, build an evaluation from your "
                "own "
                "data; for a narrow task with labels, include a fine-tuned small model among the candidates."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="Sizing a mixture of experts",
            outcome="L02.4",
            seed=cite(SOURCE_003, "Mixtral 8x7B and 8x22B: mixture-of-experts routing"),
            scenario=(
                "Mixtral 8x7B has about **46.7B parameters in total**, of which about **12.9B are active** "
                "for "
                "each token (2 of 8 experts per layer, plus the shared layers). A team plans its GPU. What "
                "should they expect?"
            ),
            options=(
                Option(
                    "Memory and speed of a 12.9B dense model, since only that much is used per token.",
                    why=(
                        "Half right: per-token compute is close to a 13B model, but every expert must be "
                        "resident in memory because any token may be routed to any of them."
                    ),
                ),
                Option(
                    "Memory and speed of a 56B model (8 x 7B).",
                    why=(
                        "Tempting from the name, but experts share the attention layers, so the total is "
                        "46.7B, "
                        "and only 2 experts run per token."
                    ),
                ),
                Option(
                    "Memory for all 46.7B parameters; per-token compute and weight reads close to a 13B "
                    "model.",
                    why=(
                        "Right: total parameters set the memory, active parameters set the work per token, "
                        "so "
                        "an MoE model is fast for its size but needs memory for its full size."
                    ),
                    correct=True,
                ),
                Option(
                    "Memory of a 7B model, since one expert is loaded at a time.",
                    why="Experts are not swapped in per token; all of them stay loaded.",
                ),
            ),
            explanation=(
                "Mixture of experts: total parameters decide GPU memory; active parameters decide compute "
                "and "
                "memory traffic per token, hence speed."
            ),
        ),
        Numeric(
            qid="q08",
            title="MoE memory and a speed ceiling",
            outcome="L02.4",
            seed=cite(SOURCE_003, "mixture-of-experts models punch above their weight"),
            scenario=(
                "The same model, **46.7B total / 12.9B active parameters**, quantized to **4 bits** per "
                "weight "
                "(count 1 GB = 1e9 bytes and ignore the KV cache). Generating a token reads every **active** "
                "weight once; the GPU moves **2,000 GB/s** from memory, and nothing else limits decoding."
            ),
            parts=(
                Part(
                    var="q08a_weights_gb",
                    ask="Memory for the weights",
                    unit="GB",
                    answer=46.7 * 4 / 8,
                    tolerance=0.1,
                    mistakes=(12.9 * 4 / 8, 46.7 * 2),
                ),
                Part(
                    var="q08b_read_per_token_gb",
                    ask="Weights read per generated token",
                    unit="GB",
                    answer=12.9 * 4 / 8,
                    tolerance=0.05,
                    mistakes=(46.7 * 4 / 8,),
                ),
                Part(
                    var="q08c_max_tokens_per_s",
                    ask="The ceiling on tokens per second for one stream",
                    unit="tokens/s",
                    answer=2000 / (12.9 * 4 / 8),
                    tolerance=3.0,
                    mistakes=(2000 / (46.7 * 4 / 8),),
                ),
            ),
            explanation=(
                "Memory: 46.7e9 x 4 bits / 8 = 23.35 GB. Per token: 12.9e9 x 0.5 bytes = 6.45 GB read, so at "
                "2,000 GB/s at most 2,000 / 6.45 = about 310 tokens/s. A dense 46.7B model would top out at "
                "about 86 tokens/s on the same GPU: that is what 'active parameters' buy."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="86% versus 83% on 100 examples",
            outcome="L02.5",
            seed=cite(SOURCE_003, "run your own eval on 200-500 examples from your real workload")
            + "; "
            + cite(SOURCE_001, "run benchmarks on your use case"),
            scenario=(
                "On 100 of their own examples, a self-hosted model scores **83%** and the API model "
                "**86%**. The "
                "team lead wants to declare the API model better and stop. What is the soundest reading?"
            ),
            options=(
                Option(
                    "The API model is better: 3 points is a clear margin.",
                    why=(
                        "Tempting, but with 100 examples each accuracy has a 95% interval of about +/- 7 "
                        "points; a 3-point gap is well inside the noise."
                    ),
                ),
                Option(
                    "They are equal: any gap under 5 points is meaningless.",
                    why=(
                        "Also too strong: whether a gap is real depends on the sample size; with thousands "
                        "of "
                        "examples 3 points can be real."
                    ),
                ),
                Option(
                    "Not settled: at n = 100 the intervals overlap widely; extend to a few hundred examples "
                    "(seed "
                    "003 suggests 200-500) and compare the intervals, or the paired results, again.",
                    why=(
                        "Right: size the evaluation for the difference you care about, then decide; 100 "
                        "examples only resolve gaps of about 10 points."
                    ),
                    correct=True,
                ),
                Option(
                    "Rerun the same 100 examples a few times and average.",
                    why=(
                        "Tempting, but at temperature 0 the reruns repeat the same answers; more distinct "
                        "examples is what shrinks the interval."
                    ),
                ),
            ),
            explanation=(
                "An accuracy p measured on n examples has a 95% half-width of about 1.96 x sqrt(p(1-p)/n): "
                "about 7 points at n = 100, 3.4 at n = 400. Decide only on differences larger than the noise."
            ),
        ),
        Numeric(
            qid="q10",
            title="How many examples the evaluation needs",
            outcome="L02.5",
            seed=cite(SOURCE_003, "run your own eval on 200-500 examples"),
            scenario=(
                "A model answers **344 of 400** evaluation examples correctly. Use the normal "
                "approximation: the "
                "95% interval of an accuracy p on n examples is p +/- 1.96 x sqrt(p(1 - p) / n)."
            ),
            parts=(
                Part(
                    var="q10a_accuracy_pct",
                    ask="The accuracy",
                    unit="%",
                    answer=344 / 400 * 100,
                    tolerance=0.1,
                ),
                Part(
                    var="q10b_half_width_pts",
                    ask="The 95% half-width",
                    unit="percentage points",
                    answer=1.96 * (0.86 * 0.14 / 400) ** 0.5 * 100,
                    tolerance=0.1,
                    working="1.96 * (0.86 * 0.14 / 400) ** 0.5 * 100",
                    mistakes=((0.86 * 0.14 / 400) ** 0.5 * 100,),
                ),
                Part(
                    var="q10c_examples_needed",
                    ask=(
                        "The smallest whole number of examples that brings the half-width down to 2 points, "
                        "if the accuracy stays at 86%"
                    ),
                    unit="examples",
                    answer=1157,
                    tolerance=2.0,
                    mistakes=(400.0, 1.96 * 0.86 * 0.14 / 0.02**2),
                ),
            ),
            explanation=(
                "p = 0.86; half-width = 1.96 x sqrt(0.86 x 0.14 / 400) = 3.4 points. For 2 points: n = "
                "1.96^2 x "
                "0.86 x 0.14 / 0.02^2 = 1,156.3, so 1,157 examples. Halving the noise takes four times the "
                "examples."
            ),
        ),
        Code(
            qid="q11",
            title="A JSON-validity rate",
            outcome="L02.2",
            seed=cite(SOURCE_003, "malformed JSON from an open model broke a pipeline"),
            scenario=(
                "Write `valid_json_rate(outputs, required_keys)`: the fraction (0-1) of `outputs` (strings) "
                "that `json.loads` parses into a **dict** containing **every** key in `required_keys`. An "
                "empty "
                "list gives `0.0`. Import what you need inside the function.\n\n"
                "Worked example: `valid_json_rate(['{\"a\": 1}', 'not json', '{\"a\": 2, \"b\": 3}', '[1, "
                "2]'], "
                "('a',))` is `0.5` (the list parses but is not a dict)."
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
                "anything "
                "that parses (a list, a string) overstates reliability; the pipeline needs the schema."
            ),
        ),
        Code(
            qid="q12",
            title="Is the difference real?",
            outcome="L02.5",
            seed=cite(SOURCE_003, "run your own eval before deciding"),
            scenario=(
                "Write `difference_is_real(correct_a=..., correct_b=..., total=...)`: two models ran the "
                "same "
                "`total` examples. Return `True` when their 95% intervals (normal approximation, p +/- 1.96 "
                "x "
                "sqrt(p(1 - p) / n)) **do not overlap**, else `False`. (A conservative rule: a paired test "
                "can "
                "detect smaller differences; this one is what the team agreed on.)"
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
                            "difference_is_real(correct_a=86, correct_b=83, total=100)", False, hidden=False
                        ),
                        Case("difference_is_real(correct_a=930, correct_b=880, total=1000)", True),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "4.5 points on 400 examples is still inside the noise; order does not matter."
                    ),
                    cases=(
                        Case("difference_is_real(correct_a=344, correct_b=326, total=400)", False),
                        Case("difference_is_real(correct_a=880, correct_b=930, total=1000)", True),
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
                "in "
                "points ignores the sample size: 4.5 points is noise at n = 400, while 5 points is real at "
                "n = 1,000."
            ),
        ),
        Code(
            qid="q13",
            title="A decode-speed ceiling",
            outcome="L02.4",
            seed=cite(SOURCE_003, "mixture of experts: active parameters per token"),
            scenario=(
                "Write `decode_tokens_per_s_bound`: if each generated token reads every active weight once, "
                "a "
                "GPU moving `bandwidth_gb_s` GB/s can generate at most bandwidth / (active parameters x "
                "bits / "
                "8) tokens a second. `active_params_b` is in billions; 1 GB = 1e9 bytes.\n\n"
                "Worked example: 8B active at 16 bits on 1,000 GB/s: `62.5`."
            ),
            signature='''def decode_tokens_per_s_bound(
    *, active_params_b: float, bits: int, bandwidth_gb_s: float
) -> float:
    """Upper bound on single-stream tokens/s from memory bandwidth."""''',
            solution="""    gb_per_token = active_params_b * bits / 8
    return bandwidth_gb_s / gb_per_token""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "decode_tokens_per_s_bound(active_params_b=8, bits=16, bandwidth_gb_s=1000)",
                            62.5,
                            hidden=False,
                        ),
                        Case(
                            "decode_tokens_per_s_bound(active_params_b=70, bits=4, bandwidth_gb_s=3350)",
                            3350 / 35,
                            tolerance=1e-3,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="For a mixture of experts, only the active parameters are read per token.",
                    cases=(
                        Case(
                            "decode_tokens_per_s_bound(active_params_b=12.9, bits=4, bandwidth_gb_s=2000)",
                            2000 / 6.45,
                            tolerance=1e-3,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return bandwidth_gb_s / (active_params_b * bits)""",
                """    return bandwidth_gb_s / (active_params_b * 2)""",
            ),
            explanation=(
                "Bytes per token = parameters x bits / 8. Dividing by bits instead of bytes understates "
                "speed 8x; "
                "assuming 2 bytes per weight ignores quantization, which is exactly what 4-bit buys in speed."
            ),
        ),
    ),
)
