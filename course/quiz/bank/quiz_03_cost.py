"""Quiz 03 · Cost and break-even (lesson 03): API bills, self-hosted cost, break-even, the seeds' gaps."""

from course.quiz.bank.sources import SOURCE_002, SOURCE_003, SOURCE_004, cite
from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

QUIZ = Quiz(
    quiz_id="quiz-03-cost",
    title="Cost and break-even",
    intro=(
        "Price a workload on an API and on your own GPUs, find where they cross, and say which assumption "
        "moves the answer. Every price in these questions is stated in the question (they are the scenario's "
        "prices, not today's): use exactly those, and a 30-day month unless the question says otherwise."
    ),
    questions=(
        Numeric(
            qid="q01",
            title="The monthly bill of a mixed workload",
            outcome="L03.1",
            seed=cite(SOURCE_003, "10M tokens/day of mixed input/output priced per month"),
            scenario=(
                "A news publisher summarises and tags articles: **10 million tokens a day**, of which **70% "
                "are "
                "input** (the articles) and **30% output** (summaries and tags). Their API charges **USD "
                "2.50 per "
                "1M input tokens** and **USD 10.00 per 1M output tokens**. Count a 30-day month."
            ),
            parts=(
                Part(
                    var="q01a_input_usd",
                    ask="The month's input-token cost",
                    unit="USD",
                    answer=10e6 * 0.70 * 30 / 1e6 * 2.50,
                    tolerance=1.0,
                    working="10e6 * 0.70 * 30 / 1e6 * 2.50",
                    mistakes=(10e6 * 30 / 1e6 * 2.50,),
                ),
                Part(
                    var="q01b_output_usd",
                    ask="The month's output-token cost",
                    unit="USD",
                    answer=10e6 * 0.30 * 30 / 1e6 * 10.00,
                    tolerance=1.0,
                    working="10e6 * 0.30 * 30 / 1e6 * 10.00",
                ),
                Part(
                    var="q01c_total_usd",
                    ask="The month's total",
                    unit="USD",
                    answer=525.0 + 900.0,
                    tolerance=2.0,
                    working="525.0 + 900.0",
                    mistakes=(450.0, 7500.0, 10e6 * 30 / 1e6 * (2.50 + 10.00) / 2),
                ),
            ),
            explanation=(
                "300M tokens a month: 210M input x USD 2.50/M = USD 525 and 90M output x USD 10/M = USD "
                "900, so "
                "USD 1,425. Output tokens cost 4x input here, so the mix matters as much as the volume: "
                "averaging "
                "the two prices (USD 6.25/M, USD 1,875) or pricing everything as input (USD 750) both "
                "mislead. "
                "Seed 003 (May 2026) quotes about USD 450 for the same 10M tokens/day, which needs a blended "
                "USD 1.50 per 1M: a far more input-heavy mix or a cheaper tier."
            ),
        ),
        Numeric(
            qid="q02",
            title="Caching and reasoning tokens",
            outcome="L03.1",
            seed=cite(SOURCE_004, "API cost per token; reasoning tokens are billed as output"),
            scenario=(
                "A legal-research assistant uses a reasoning model. Each request sends a **1,800-token "
                "system "
                "prompt that the provider caches** plus **600 fresh input tokens**, and gets **400 visible "
                "output "
                "tokens** after **1,200 reasoning tokens**, which the provider bills as output. Prices: "
                "**USD 1.25 "
                "per 1M input**, **USD 0.125 per 1M cached input**, **USD 10.00 per 1M output**. Volume: "
                "**50,000 "
                "requests a day**, 30 days."
            ),
            parts=(
                Part(
                    var="q02a_monthly_usd",
                    ask="The real monthly bill",
                    unit="USD",
                    answer=(1800 * 0.125 + 600 * 1.25 + (400 + 1200) * 10.00) / 1e6 * 50_000 * 30,
                    tolerance=10.0,
                    working="(1800 * 0.125 + 600 * 1.25 + (400 + 1200) * 10.00) / 1e6 * 50_000 * 30",
                    mistakes=((1800 * 0.125 + 600 * 1.25 + 400 * 10.00) / 1e6 * 50_000 * 30,),
                ),
                Part(
                    var="q02b_forgot_reasoning_usd",
                    ask="The estimate of a planner who forgot the reasoning tokens (caching counted)",
                    unit="USD",
                    answer=(1800 * 0.125 + 600 * 1.25 + 400 * 10.00) / 1e6 * 50_000 * 30,
                    tolerance=10.0,
                ),
                Part(
                    var="q02c_no_cache_usd",
                    ask="The real bill if the provider did not cache the system prompt",
                    unit="USD",
                    answer=((1800 + 600) * 1.25 + 1600 * 10.00) / 1e6 * 50_000 * 30,
                    tolerance=10.0,
                ),
            ),
            explanation=(
                "Per request: cached 1,800 x 0.125 + fresh 600 x 1.25 + output (400 + 1,200) x 10, all per "
                "1M, "
                "= USD 0.016975; times 1.5M requests a month = USD 25,462.50. Forgetting the reasoning "
                "tokens "
                "gives USD 7,462.50, less than a third of the bill: reasoning tokens are invisible in the "
                "answer "
                "but billed at the output price. Caching saves USD 3,037.50 here (USD 28,500 without it): "
                "real, "
                "but small next to the output side."
            ),
        ),
        MultipleChoice(
            qid="q03",
            title="Two seeds, one volume, a 16x gap",
            outcome="L03.4",
            seed=cite(SOURCE_003, "GPT-4o about USD 450/month at 10M tokens/day")
            + "; "
            + cite(SOURCE_004, "GPT-4o about USD 7,500/month at 10M tokens/day"),
            scenario=(
                "Your CFO found two articles. Seed 003 (May 2026) says 10M tokens a day on GPT-4o costs "
                "about "
                "**USD 450 a month**; seed 004 (2026) says the same volume costs about **USD 7,500 a "
                "month**. "
                "Both count about 300M tokens a month; GPT-4o's list prices then were **USD 2.50 per 1M "
                "input** "
                "and **USD 10 per 1M output** tokens. What best explains a gap of about 16x?"
            ),
            options=(
                Option(
                    "One article counts 30 days and the other 31.",
                    why="Tempting because month lengths do differ, but that moves a bill by 3%, not 16x.",
                ),
                Option(
                    "They assume different prices per token: 450 implies about USD 1.50 per 1M tokens "
                    "blended, "
                    "7,500 implies USD 25 per 1M, more than even an all-output bill at USD 10 per 1M.",
                    why=(
                        "Right: divide each bill by 300M tokens. USD 25/M is above the output price quoted "
                        "for "
                        "GPT-4o at USD 10/M, so seed 004 must assume an older, pricier GPT-4-class rate; "
                        "seed 003 "
                        "a cheap, input-heavy mix."
                    ),
                    correct=True,
                ),
                Option(
                    "Seed 004 includes the engineering time to run the API integration.",
                    why=(
                        "Tempting because hidden costs are a theme of seed 004, but it puts engineering "
                        "time on "
                        "the self-hosting side; its API column is tokens x price."
                    ),
                ),
                Option(
                    "Seed 003 converts prices to rupees at 93 per USD, which shrinks the dollar figure.",
                    why=(
                        "Tempting because seed 003 does print rupee amounts, but it quotes USD first and "
                        "converts "
                        "for display; the conversion does not change the dollar figure."
                    ),
                ),
            ),
            explanation=(
                "Reconcile figures by recovering their assumptions: price per 1M tokens, input/output mix, "
                "days, "
                "discounts. 450 / 300 = USD 1.50 per 1M; 7,500 / 300 = USD 25 per 1M; the ratio is 16.7."
            ),
        ),
        Numeric(
            qid="q04",
            title="What a self-hosted token really costs",
            outcome="L03.2",
            seed=cite(SOURCE_002, "H100 USD 1-3/hour; about 10 hours a month of senior engineering time"),
            scenario=(
                "An insurer self-hosts a 70B model on **2 replicas**, each on one GPU rented at **USD 2.20 "
                "an "
                "hour**, running all **730 hours** of the month. One replica serves **1,500 tokens/s** at "
                "full "
                "load, but traffic keeps them busy only **40% of the time** on average. Operating it takes "
                "**20 "
                "engineer-hours a month at USD 100 an hour**."
            ),
            parts=(
                Part(
                    var="q04a_monthly_usd",
                    ask="The monthly cost, GPUs plus staff",
                    unit="USD",
                    answer=2 * 2.20 * 730 + 20 * 100,
                    tolerance=5.0,
                    working="2 * 2.20 * 730 + 20 * 100",
                    mistakes=(2 * 2.20 * 730,),
                ),
                Part(
                    var="q04b_mtok_per_month",
                    ask="Tokens actually served in the month, in millions",
                    unit="million tokens",
                    answer=2 * 1500 * 0.40 * 3600 * 730 / 1e6,
                    tolerance=5.0,
                    working="2 * 1500 * 0.40 * 3600 * 730 / 1e6",
                    mistakes=(2 * 1500 * 3600 * 730 / 1e6,),
                ),
                Part(
                    var="q04c_usd_per_mtok",
                    ask="The effective cost per 1M tokens served",
                    unit="USD per 1M tokens",
                    answer=(2 * 2.20 * 730 + 20 * 100) / (2 * 1500 * 0.40 * 3600 * 730 / 1e6),
                    tolerance=0.01,
                    mistakes=((2 * 2.20 * 730 + 20 * 100) / (2 * 1500 * 3600 * 730 / 1e6),),
                ),
            ),
            explanation=(
                "GPUs 2 x 2.20 x 730 = USD 3,212, staff USD 2,000: USD 5,212. Served: 2 x 1,500 tokens/s x "
                "40% "
                "x 2,628,000 s = 3,153.6M tokens, so about USD 1.65 per 1M. At 100% utilisation the same "
                "setup "
                "would look like USD 0.66 per 1M: utilisation and staff time, not the GPU's hourly rate, "
                "decide "
                "the self-hosted price per token."
            ),
        ),
        MultipleChoice(
            qid="q05",
            title="The cheap self-hosting figure",
            outcome="L03.2",
            seed=cite(
                SOURCE_003, "Llama 3 70B on an A100 spot instance about USD 180/month plus engineering time"
            ),
            scenario=(
                "A product manager quotes seed 003: self-hosting Llama 3 70B on one A100 **spot** instance "
                "costs "
                "about **USD 180 a month**, versus USD 450 on the API, and proposes to switch the company's "
                "customer-facing assistant next sprint. What is the strongest objection?"
            ),
            options=(
                Option(
                    "USD 180 is compute only: it leaves out the engineering time to run it, and one spot "
                    "GPU can "
                    "be reclaimed at any moment, a single point of failure for a customer-facing service.",
                    why=(
                        "Right: seed 003 itself adds 'plus your engineering time', seed 002 counts about 10 "
                        "hours "
                        "a month of senior engineering, and seed 004 puts the fully loaded cost at 2-3x the "
                        "bare "
                        "GPU. Spot capacity trades price for interruptions."
                    ),
                    correct=True,
                ),
                Option(
                    "A 70B model cannot run on one A100 at all.",
                    why=(
                        "Tempting, since 70B in 16-bit needs about 140 GB, but at 4-bit the weights take "
                        "about "
                        "35 GB and fit an 80 GB A100 with room for the KV cache."
                    ),
                ),
                Option(
                    "Spot GPUs cost more than on-demand ones, so the figure is too low for that reason.",
                    why=(
                        "Backwards: spot is the discounted (and interruptible) tier; seed 004 says 30-60% "
                        "off."
                    ),
                ),
                Option(
                    "Open-weight models charge a licence fee per token that the figure omits.",
                    why=(
                        "Tempting if you think 'open' has a meter, but Llama's licence has no per-token "
                        "fee; its "
                        "catch is the 700M monthly-active-user clause."
                    ),
                ),
            ),
            explanation=(
                "Compare like with like: the API price includes operations, redundancy and burst capacity; a "
                "self-hosted compute price does not. Add staff time and availability before comparing."
            ),
        ),
        Numeric(
            qid="q06",
            title="Where the lines cross",
            outcome="L03.3",
            seed=cite(SOURCE_004, "break-even roughly 3-5M tokens/day for 70B; self-hosted costs are flat"),
            scenario=(
                "A support platform pays a blended **USD 3.00 per 1M tokens** on its API. A self-hosted "
                "setup "
                "with enough capacity for its growth plan costs a flat **USD 4,500 a month** (GPUs, staff "
                "and "
                "monitoring), whatever the volume; treat its extra cost per token as zero. Count 30 days."
            ),
            parts=(
                Part(
                    var="q06a_breakeven_mtok_month",
                    ask="The break-even volume per month",
                    unit="million tokens",
                    answer=4500 / 3.00,
                    tolerance=5.0,
                    working="4500 / 3.00",
                ),
                Part(
                    var="q06b_breakeven_mtok_day",
                    ask="The same break-even per day",
                    unit="million tokens",
                    answer=4500 / 3.00 / 30,
                    tolerance=0.5,
                    working="4500 / 3.00 / 30",
                ),
                Part(
                    var="q06c_breakeven_staff_doubled_mtok_day",
                    ask=(
                        "The break-even per day if the staff time turns out to cost USD 2,000 a month more "
                        "than "
                        "planned"
                    ),
                    unit="million tokens",
                    answer=(4500 + 2000) / 3.00 / 30,
                    tolerance=0.5,
                    mistakes=(4500 / 3.00 / 30,),
                ),
            ),
            explanation=(
                "Break-even is where the API bill equals the flat cost: 4,500 / 3.00 = 1,500M tokens a "
                "month, "
                "50M a day. USD 2,000 more staff cost moves it to about 72.2M a day, +44%: fixed costs and "
                "the "
                "API price are the assumptions that move break-even most, so test them first (sensitivity)."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="The sensitivity that matters",
            outcome="L03.3",
            seed=cite(SOURCE_004, "self-hosted cost is flat; reserved or spot GPUs 30-60% cheaper"),
            scenario=(
                "A team's spreadsheet finds self-hosting cheaper than the API above **20M tokens a day**; "
                "they "
                "run 25M. Their inputs: API USD 3 per 1M, 2 on-demand GPUs, 10 staff hours a month, GPUs 60% "
                "busy. The one number they have not checked is staff time: their only ML engineer says "
                "running "
                "it will take **a quarter of her time**, not 10 hours. What should they conclude?"
            ),
            options=(
                Option(
                    "Nothing changes: staff time is a one-off set-up cost and break-even looks at running "
                    "costs.",
                    why=(
                        "Tempting because set-up is one-off, but monitoring, updates, patches and on-call "
                        "recur "
                        "every month (seed 004): they are running costs."
                    ),
                ),
                Option(
                    "Recompute: about 40 hours a month instead of 10 raises the fixed cost, which moves "
                    "break-even up, possibly above their 25M tokens a day.",
                    why=(
                        "Right: break-even volume = fixed monthly cost / API price per token, so it rises in "
                        "step with every fixed dollar; 30 more hours at a senior rate can add thousands."
                    ),
                    correct=True,
                ),
                Option(
                    "Switch now and move to spot GPUs later to absorb the extra staff cost.",
                    why=(
                        "Tempting since spot is 30-60% cheaper (seed 004), but it trades availability for "
                        "price "
                        "and is a separate decision; it does not answer whether the switch pays today."
                    ),
                ),
                Option(
                    "Raise the GPU utilisation assumption to 90% so the numbers work again.",
                    why=(
                        "Utilisation is measured from traffic, not chosen to rescue a spreadsheet; with a "
                        "flat "
                        "cost it does not change the break-even volume anyway."
                    ),
                ),
            ),
            explanation=(
                "Sensitivity analysis means moving each assumption over its plausible range and seeing "
                "which one "
                "flips the decision. For self-hosting, staff time and the API price are usually the two "
                "biggest."
            ),
        ),
        Numeric(
            qid="q08",
            title="Cost per correct answer",
            outcome="L03.5",
            seed=cite(SOURCE_003, "fine-tuned Mistral 7B 84% vs GPT-4o 89% at 6x the cost per request"),
            scenario=(
                "Seed 003 (May 2026) reports a support-ticket evaluation: a **fine-tuned 7B model resolves "
                "84%** "
                "of tickets correctly, a **frontier model 89%**, at **6x the cost per request**. Take USD "
                "0.002 "
                "per request for the small model and USD 0.012 for the frontier one. Each wrong answer costs "
                "**USD 0.50 of human rework**. Volume: **300,000 tickets a month**."
            ),
            parts=(
                Part(
                    var="q08a_small_usd_per_correct",
                    ask="The small model's model cost per correct answer",
                    unit="USD",
                    answer=0.002 / 0.84,
                    tolerance=0.00002,
                    mistakes=(0.002,),
                ),
                Part(
                    var="q08b_frontier_usd_per_correct",
                    ask="The frontier model's model cost per correct answer",
                    unit="USD",
                    answer=0.012 / 0.89,
                    tolerance=0.0001,
                    mistakes=(0.012,),
                ),
                Part(
                    var="q08c_small_extra_usd_month",
                    ask=(
                        "Counting rework, how much MORE a month the small model costs than the frontier one "
                        "(negative if it costs less)"
                    ),
                    unit="USD",
                    answer=300_000 * ((0.002 + 0.16 * 0.50) - (0.012 + 0.11 * 0.50)),
                    tolerance=10.0,
                    mistakes=(300_000 * (0.002 - 0.012),),
                ),
            ),
            explanation=(
                "Per correct answer the small model is 5.7x cheaper (USD 0.00238 vs 0.01348). But each wrong "
                "answer costs USD 0.50: small 0.002 + 16% x 0.50 = USD 0.082 a ticket, frontier 0.012 + 11% "
                "x "
                "0.50 = USD 0.067, so the small model costs USD 4,500 a month MORE. Price per token or per "
                "request says nothing until quality is measured and the cost of an error is counted."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="A fair comparison for a batch job",
            outcome="L03.5",
            seed=cite(SOURCE_004, "reserved or spot GPUs 30-60% cheaper; API volume discounts 10-30%"),
            scenario=(
                "Every night a retailer summarises **200M tokens** of product reviews; results are needed by "
                "morning, nobody waits on a single request. The analyst compares the API's standard "
                "on-demand "
                "price with a 1-year reserved GPU and concludes self-hosting wins by 55%. What is wrong "
                "with the "
                "comparison?"
            ),
            options=(
                Option(
                    "Nothing: reserved GPUs are the realistic option for a steady nightly job.",
                    why=(
                        "Half right: reserved GPUs suit steady load, but the API side was priced at its most "
                        "expensive tier, so the 55% is not a like-for-like gap."
                    ),
                ),
                Option(
                    "It discounts one side only: a latency-tolerant job qualifies for the API's batch tier "
                    "and "
                    "volume discounts too, so compare discounted with discounted.",
                    why=(
                        "Right: batch APIs typically cost about half of on-demand for asynchronous work, and "
                        "seed 004 notes 10-30% volume discounts; compare best realistic price against best."
                    ),
                    correct=True,
                ),
                Option(
                    "Batch jobs always favour APIs because GPUs sit idle during the day.",
                    why=(
                        "Tempting: idle time does raise the cost per token of an always-on GPU, but "
                        "'always' is "
                        "wrong: a box can serve daytime work too, or be rented only at night."
                    ),
                ),
                Option(
                    "It should compare cost per token, not per month.",
                    why=(
                        "Per token or per month gives the same verdict at a fixed volume; units are not the "
                        "flaw."
                    ),
                ),
            ),
            explanation=(
                "Discounts exist on both sides: spot and reserved GPUs (30-60% off, seed 004), API batch "
                "tiers "
                "and volume discounts. A fair comparison applies the discounts each side would really get."
            ),
        ),
        Code(
            qid="q10",
            title="A monthly API cost function",
            outcome="L03.1",
            seed=cite(SOURCE_004, "API pricing per 1M tokens; reasoning tokens billed as output"),
            scenario=(
                "Write `monthly_api_cost_usd` for the team's planning notebook. Per request, "
                "`input_tokens` fresh input tokens, `cached_tokens` cached input tokens, `output_tokens` "
                "visible "
                "output tokens and `reasoning_tokens` hidden reasoning tokens; **reasoning tokens are "
                "billed at "
                "the output price**. Prices are per 1M tokens. Return the cost of `requests_per_day` "
                "requests "
                "over `days` days, in USD (a float, not rounded).\n\n"
                "Worked example: 1,000 requests a day for 30 days, 500 input and 200 output tokens each, "
                "USD 2 "
                "in / USD 8 out, nothing cached, no reasoning: USD 78.0."
            ),
            signature='''def monthly_api_cost_usd(
    *,
    requests_per_day: float,
    input_tokens: float,
    output_tokens: float,
    usd_per_mtok_in: float,
    usd_per_mtok_out: float,
    reasoning_tokens: float = 0.0,
    cached_tokens: float = 0.0,
    usd_per_mtok_cached: float = 0.0,
    days: int = 30,
) -> float:
    """USD for `days` days of `requests_per_day` requests (prices per 1M tokens; reasoning = output)."""''',
            solution="""    per_request = (
        input_tokens * usd_per_mtok_in
        + cached_tokens * usd_per_mtok_cached
        + (output_tokens + reasoning_tokens) * usd_per_mtok_out
    ) / 1e6
    return per_request * requests_per_day * days""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "monthly_api_cost_usd(requests_per_day=1000, input_tokens=500, output_tokens=200,"
                            " usd_per_mtok_in=2.0, usd_per_mtok_out=8.0)",
                            78.0,
                            hidden=False,
                        ),
                        Case(
                            "monthly_api_cost_usd(requests_per_day=2000, input_tokens=1000, "
                            "output_tokens=500,"
                            " usd_per_mtok_in=3.0, usd_per_mtok_out=15.0, days=31)",
                            651.0,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Reasoning tokens are billed at the output price.",
                    cases=(
                        Case(
                            "monthly_api_cost_usd(requests_per_day=50000, input_tokens=600, "
                            "output_tokens=400,"
                            " usd_per_mtok_in=1.25, usd_per_mtok_out=10.0, reasoning_tokens=1200)",
                            25125.0,
                            tolerance=0.01,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Cached input tokens have their own price.",
                    cases=(
                        Case(
                            "monthly_api_cost_usd(requests_per_day=50000, input_tokens=600, "
                            "output_tokens=400,"
                            " usd_per_mtok_in=1.25, usd_per_mtok_out=10.0, reasoning_tokens=1200,"
                            " cached_tokens=1800, usd_per_mtok_cached=0.125)",
                            25462.5,
                            tolerance=0.01,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    cost = input_tokens * usd_per_mtok_in + output_tokens * usd_per_mtok_out
    return cost / 1e6 * requests_per_day * days""",
                """    return (
        (input_tokens + reasoning_tokens + cached_tokens) * usd_per_mtok_in + output_tokens * usd_per_mtok_out
    ) / 1e6 * requests_per_day * days""",
            ),
            explanation=(
                "Cost per request = (fresh input x input price + cached x cached price + (output + "
                "reasoning) x "
                "output price) / 1e6; times requests per day and days. The tempting slips: dropping "
                "reasoning "
                "tokens, or billing them (and cached tokens) at the input price."
            ),
        ),
        Code(
            qid="q11",
            title="Effective self-hosted price per 1M tokens",
            outcome="L03.2",
            seed=cite(SOURCE_002, "GPU rental plus engineering time; real self-hosting costs"),
            scenario=(
                "Write `self_host_usd_per_mtok`: the monthly cost of `gpus` GPUs at `gpu_usd_per_hour` for "
                "`hours_per_month` hours plus `staff_hours` at `usd_per_staff_hour`, divided by the "
                "millions of "
                "tokens actually served: each GPU serves `tokens_per_s_per_gpu` at full load and is busy a "
                "fraction `utilisation` (0-1) of the time.\n\n"
                "Worked example: 1 GPU at USD 2 an hour, 1,000 tokens/s, utilisation 0.5, no staff, 730 "
                "hours: "
                "USD 1,460 for 1,314M tokens, about USD 1.111 per 1M."
            ),
            signature='''def self_host_usd_per_mtok(
    *,
    gpus: int,
    gpu_usd_per_hour: float,
    tokens_per_s_per_gpu: float,
    utilisation: float,
    staff_hours: float = 0.0,
    usd_per_staff_hour: float = 0.0,
    hours_per_month: float = 730.0,
) -> float:
    """Monthly GPU + staff cost divided by the millions of tokens served in the month."""''',
            solution="""    usd = gpus * gpu_usd_per_hour * hours_per_month + staff_hours * usd_per_staff_hour
    served_mtok = gpus * tokens_per_s_per_gpu * utilisation * 3600 * hours_per_month / 1e6
    return usd / served_mtok""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "self_host_usd_per_mtok(gpus=1, gpu_usd_per_hour=2.0, tokens_per_s_per_gpu=1000,"
                            " utilisation=0.5)",
                            1460 / 1314,
                            tolerance=1e-4,
                            hidden=False,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Staff time is part of the monthly cost.",
                    cases=(
                        Case(
                            "self_host_usd_per_mtok(gpus=2, gpu_usd_per_hour=2.2, tokens_per_s_per_gpu=1500,"
                            " utilisation=0.4, staff_hours=20, usd_per_staff_hour=100)",
                            5212 / 3153.6,
                            tolerance=1e-4,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Utilisation divides the tokens served, so low utilisation raises the price.",
                    cases=(
                        Case(
                            "self_host_usd_per_mtok(gpus=4, gpu_usd_per_hour=3.0, tokens_per_s_per_gpu=2500,"
                            " utilisation=0.1, hours_per_month=720)",
                            4 * 3.0 * 720 / (4 * 2500 * 0.1 * 3600 * 720 / 1e6),
                            tolerance=1e-4,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    cost_usd = gpus * gpu_usd_per_hour * hours_per_month + staff_hours * usd_per_staff_hour
    return cost_usd / (gpus * tokens_per_s_per_gpu * 3600 * hours_per_month / 1e6)""",
                """    cost_usd = gpus * gpu_usd_per_hour * hours_per_month
    return cost_usd / (gpus * tokens_per_s_per_gpu * utilisation * 3600 * hours_per_month / 1e6)""",
            ),
            explanation=(
                "Cost: GPUs x rate x hours + staff. Tokens: GPUs x tokens/s x utilisation x 3,600 x hours. "
                "The "
                "tempting slips: assuming 100% utilisation (the GPU is paid for while idle) or leaving out "
                "staff."
            ),
        ),
        Code(
            qid="q12",
            title="A break-even function",
            outcome="L03.3",
            seed=cite(SOURCE_004, "break-even between API and self-hosted cost"),
            scenario=(
                "Write `break_even_mtok_per_day`: the daily volume (millions of tokens) at which a "
                "self-hosted "
                "setup costing `fixed_usd_per_month` plus `self_host_usd_per_mtok` per 1M tokens costs the "
                "same "
                "as an API at `api_usd_per_mtok`, over `days` days. If the API is not dearer per token than "
                "the "
                "self-hosted marginal cost, the lines never cross: return `None`.\n\n"
                "Worked example: USD 4,500 a month, API USD 3.00 per 1M, no marginal cost, 30 days: 50.0."
            ),
            signature='''def break_even_mtok_per_day(
    *,
    fixed_usd_per_month: float,
    api_usd_per_mtok: float,
    self_host_usd_per_mtok: float = 0.0,
    days: int = 30,
) -> float | None:
    """Millions of tokens a day where both cost the same; None if self-hosting never becomes cheaper."""''',
            solution="""    saving_per_mtok = api_usd_per_mtok - self_host_usd_per_mtok
    if saving_per_mtok <= 0:
        return None
    return fixed_usd_per_month / saving_per_mtok / days""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "break_even_mtok_per_day(fixed_usd_per_month=4500, api_usd_per_mtok=3.0)",
                            50.0,
                            hidden=False,
                        ),
                        Case(
                            "break_even_mtok_per_day(fixed_usd_per_month=6500, api_usd_per_mtok=3.0)",
                            6500 / 3.0 / 30,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="A marginal self-hosted cost narrows the saving per token.",
                    cases=(
                        Case(
                            "break_even_mtok_per_day(fixed_usd_per_month=3000, api_usd_per_mtok=2.5,"
                            " self_host_usd_per_mtok=0.5, days=31)",
                            3000 / 2.0 / 31,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="When the API is as cheap per token as self-hosting, there is no break-even.",
                    cases=(
                        Case(
                            "break_even_mtok_per_day(fixed_usd_per_month=3000, api_usd_per_mtok=0.4,"
                            " self_host_usd_per_mtok=0.5)",
                            None,
                        ),
                        Case(
                            "break_even_mtok_per_day(fixed_usd_per_month=100, api_usd_per_mtok=0.5,"
                            " self_host_usd_per_mtok=0.5)",
                            None,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return fixed_usd_per_month / api_usd_per_mtok / days""",
                """    saving_per_mtok = api_usd_per_mtok - self_host_usd_per_mtok
    if saving_per_mtok <= 0:
        return None
    return fixed_usd_per_month / saving_per_mtok""",
            ),
            explanation=(
                "Break-even: fixed = volume x (API price - marginal price), so volume = fixed / saving per "
                "1M; "
                "divide by days for a daily figure. A saving of zero or less means the API stays cheaper at "
                "any "
                "volume."
            ),
        ),
    ),
)
