"""Quiz 03 · Cost and break-even (lesson 03): API bills, self-hosted cost, break-even, reconciling articles.

The worked numbers come from the course's cost model (:mod:`course.economics.costs`,
:mod:`course.economics.quality_cost`), so the quiz and lesson 03 cannot drift apart.
"""

from course.economics.costs import (
    ApiPlan,
    SelfHostSetup,
    api_monthly_cost,
    break_even,
    self_host_monthly_cost,
)
from course.economics.quality_cost import quality_cost
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

DAYS = 30

# --- q01: a legal assistant with a cached system prompt and a reasoning model -------------------------------
Q01_REQUESTS_PER_DAY = 40_000
Q01_CACHED, Q01_FRESH, Q01_VISIBLE, Q01_REASONING = 2_000, 800, 300, 1_500


def _q01_plan(*, reasoning: bool = True, cached: bool = True) -> ApiPlan:
    prompt = Q01_CACHED + Q01_FRESH
    return ApiPlan(
        usd_per_mtok_input=1.25,
        usd_per_mtok_output=10.00,
        usd_per_mtok_cached_input=0.125,
        input_share=prompt / (prompt + Q01_VISIBLE),
        cached_input_share=Q01_CACHED / prompt if cached else 0.0,
        reasoning_tokens_per_output_token=Q01_REASONING / Q01_VISIBLE if reasoning else 0.0,
    )


def _q01_bill(**options: bool) -> float:
    tokens_per_day = Q01_REQUESTS_PER_DAY * (Q01_CACHED + Q01_FRESH + Q01_VISIBLE)
    return api_monthly_cost(_q01_plan(**options), tokens_per_day, days_per_month=DAYS).usd_per_month


# --- q03: an insurer's self-hosted 70B, billed for every hour of the month ----------------------------------
Q03_SETUP = SelfHostSetup(
    usd_per_gpu_hour=2.40,
    throughput_tokens_per_s=1_800,
    utilisation=0.35,
    engineering_hours_per_month=24,
    staff_usd_per_hour=95,
)
Q03_HOURS = 730
Q03 = self_host_monthly_cost(
    Q03_SETUP, 2 * Q03_SETUP.capacity_tokens_per_day_per_replica, days_per_month=Q03_HOURS / 24
)

# --- q05: a flat self-hosted cost against a blended API price -----------------------------------------------
Q05_API = ApiPlan(usd_per_mtok_input=2.40, usd_per_mtok_output=2.40, input_share=0.5)


def _q05_setup(*, extra_usd: float = 0.0) -> SelfHostSetup:
    return SelfHostSetup(
        usd_per_gpu_hour=2.10,
        gpus_per_replica=2,
        throughput_tokens_per_s=2_000,
        utilisation=0.9,
        engineering_hours_per_month=16,
        staff_usd_per_hour=110,
        fixed_usd_per_month=extra_usd,
    )


def _q05_break_even_mtok_per_day(*, extra_usd: float = 0.0) -> float:
    found = break_even(Q05_API, _q05_setup(extra_usd=extra_usd), days_per_month=DAYS).tokens_per_day
    assert found is not None
    return found / 1e6


# --- q08: cost per correct answer, with the price of a wrong one --------------------------------------------
Q08_SMALL = quality_cost("fine-tuned 7B", usd_per_request=0.003, accuracy=0.83, usd_per_error=0.40)
Q08_FRONTIER = quality_cost("frontier", usd_per_request=0.015, accuracy=0.91, usd_per_error=0.40)
Q08_TICKETS = 250_000

# --- q11: seats or tokens -----------------------------------------------------------------------------------
Q11_SEATS, Q11_SEAT_USD = 180, 25.0
Q11_WORKDAYS = 21
Q11_USD_PER_REQUEST = (1_600 * 3.00 + 400 * 15.00) / 1e6  # 1,600 input + 400 output tokens at USD 3 / 15
Q11_TOKEN_BILL = Q11_SEATS * 0.6 * 25 * Q11_WORKDAYS * Q11_USD_PER_REQUEST  # 60% active, 25 requests a day


# --- q15: above article 002's "50M tokens a month", at this team's prices -----------------------------------
Q15_MTOK_PER_MONTH, Q15_INPUT_SHARE = 60, 0.8
Q15_API = ApiPlan(usd_per_mtok_input=1.25, usd_per_mtok_output=10.0, input_share=Q15_INPUT_SHARE)
Q15_SETUP = SelfHostSetup(
    usd_per_gpu_hour=2.50,
    throughput_tokens_per_s=2_000,
    utilisation=0.5,
    engineering_hours_per_month=10,
    staff_usd_per_hour=100,
)
Q15_API_USD = api_monthly_cost(Q15_API, Q15_MTOK_PER_MONTH * 1e6 / DAYS, days_per_month=DAYS).usd_per_month
Q15_OWN_USD = self_host_monthly_cost(
    Q15_SETUP, Q15_MTOK_PER_MONTH * 1e6 / DAYS, days_per_month=DAYS
).usd_per_month
_Q15_CROSSING = break_even(Q15_API, Q15_SETUP, days_per_month=DAYS).tokens_per_day
assert _Q15_CROSSING is not None
Q15_CROSSING_MTOK_PER_MONTH = _Q15_CROSSING * DAYS / 1e6

QUIZ = Quiz(
    quiz_id="quiz-03-cost",
    title="Cost and break-even",
    intro=(
        "Price a workload on an API and on your own GPUs, find where they cross, say which assumption moves "
        "the answer, and spot what a cost comparison left out. Every price here is stated in the question "
        "(the scenario's prices, not today's): use exactly those, and a 30-day month unless the question "
        "says otherwise."
    ),
    questions=(
        Numeric(
            qid="q01",
            title="Caching, reasoning tokens and words",
            outcome="L03.1",
            article=cite(SOURCE_003, "tokens, not words, are billed; about 0.75 words per token"),
            ideas=("003-39",),
            scenario=(
                "A legal-research assistant runs on a reasoning model. Each request sends a system prompt of "
                "**1,500 words**, which the provider caches, plus **800 fresh input tokens**, and gets "
                "**300 visible output tokens** after **1,500 hidden reasoning tokens**, which the provider "
                "bills as output. Count **0.75 words per token**. Prices: **USD 1.25 per 1M input tokens**, "
                "**USD 0.125 per 1M cached input tokens**, **USD 10.00 per 1M output tokens**. Volume: "
                "**40,000 requests a day**."
            ),
            parts=(
                Part(
                    var="q01a_monthly_usd",
                    ask="The real monthly bill",
                    unit="USD",
                    answer=_q01_bill(),
                    tolerance=10.0,
                    mistakes=(_q01_bill(reasoning=False), _q01_bill(cached=False)),
                ),
                Part(
                    var="q01b_reasoning_share_pct",
                    ask="The share of that bill paid for the hidden reasoning tokens",
                    unit="%",
                    answer=100 * (_q01_bill() - _q01_bill(reasoning=False)) / _q01_bill(),
                    tolerance=0.5,
                    mistakes=(100 * Q01_REASONING / (Q01_REASONING + Q01_VISIBLE),),
                ),
            ),
            explanation=(
                "The 1,500-word prompt is 1,500 / 0.75 = 2,000 tokens. Per request: cached 2,000 x 0.125 + "
                "fresh 800 x 1.25 + output (300 + 1,500) x 10, per 1M tokens, = USD 0.01925; times 1.2M "
                "requests a month = USD 23,100. Without the reasoning tokens the bill would be USD 5,100, "
                "so 78% of the bill is tokens nobody reads: they are billed at the output price. Counting "
                "the prompt in words (1,500 instead of 2,000 tokens) or forgetting the cache (USD 27,600) "
                "are the other slips. Lesson 03, 'Reasoning tokens are billed as output'."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title="Two articles, one volume, a 16x gap",
            outcome="L03.4",
            article=cite(SOURCE_003, "GPT-4o about USD 450/month at 10M tokens/day")
            + "; "
            + cite(SOURCE_004, "about USD 7,500/month at 10M tokens/day"),
            ideas=("003-06", "004-25"),
            scenario=(
                "Your CFO found two articles. Article 003 (May 2026 prices) says 10M tokens a day on GPT-4o "
                "costs about **USD 450 a month**; article 004 (2026) says the same volume costs about "
                "**USD 7,500 a month**. Both count about 300M tokens a month. GPT-4o's list prices then were "
                "**USD 2.50 per 1M input** and **USD 10 per 1M output** tokens. What best explains a gap of "
                "about 16x?"
            ),
            options=(
                Option(
                    "Article 003 counts a 30-day month and article 004 a 31-day one, and the extra day "
                    "compounds with the higher daily peak that 31-day months see.",
                    why="Tempting because month lengths do differ, but a day moves a bill by 3%, not 16x.",
                ),
                Option(
                    "Article 004 adds the engineering hours for building the API integration into its "
                    "monthly API column, on top of the tokens.",
                    why=(
                        "Tempting because hidden costs are a theme of article 004, but it puts engineering "
                        "time on the self-hosting side; its API column is tokens x price."
                    ),
                ),
                Option(
                    "Different prices per token: one bill implies a cheap input-heavy blend, the other a "
                    "rate above GPT-4o's output price.",
                    why=(
                        "Right: divide each bill by 300M tokens. USD 25 per 1M is above GPT-4o's USD 10 "
                        "output price, so article 004 must assume an older, pricier GPT-4-class rate; "
                        "article 003 a cheap, input-heavy mix."
                    ),
                    correct=True,
                ),
                Option(
                    "Article 003 quotes its prices after converting rupees at 93 per USD, and the "
                    "conversion shrinks the dollar figure it prints.",
                    why=(
                        "Tempting because article 003 does print rupee amounts, but it quotes USD first and "
                        "converts for display; the conversion does not change the dollar figure."
                    ),
                ),
            ),
            explanation=(
                "Reconcile figures by recovering their assumptions: price per 1M tokens, input/output mix, "
                "days, discounts. 450 / 300 = USD 1.50 per 1M; 7,500 / 300 = USD 25 per 1M; the ratio is "
                "16.7. Lesson 03, 'Where the 16x comes from'."
            ),
        ),
        Numeric(
            qid="q03",
            title="What a self-hosted token really costs",
            outcome="L03.2",
            article=cite(SOURCE_002, "H100 USD 1-3/hour; about 10 hours a month of senior engineering time"),
            ideas=("002-12", "002-13", "000-07"),
            scenario=(
                "An insurer self-hosts a 70B model on **2 replicas**, each on one GPU rented at **USD 2.40 "
                "an hour** for all **730 hours** of the month. One replica serves **1,800 tokens/s** at full "
                "load, but traffic keeps the replicas busy only **35% of the time** on average. Operating it "
                "takes **24 engineer-hours a month at USD 95 an hour**."
            ),
            parts=(
                Part(
                    var="q03a_monthly_usd",
                    ask="The monthly cost, GPUs plus staff",
                    unit="USD",
                    answer=Q03.usd_per_month,
                    tolerance=5.0,
                    mistakes=(Q03.gpu_usd_per_month,),
                ),
                Part(
                    var="q03b_usd_per_mtok",
                    ask="The effective cost per 1M tokens actually served",
                    unit="USD per 1M tokens",
                    answer=Q03.usd_per_mtok,
                    tolerance=0.01,
                    mistakes=(Q03.usd_per_mtok * Q03_SETUP.utilisation,),
                ),
            ),
            explanation=(
                "GPUs 2 x 2.40 x 730 = USD 3,504, staff 24 x 95 = USD 2,280: USD 5,784 a month. Served: "
                "2 x 1,800 tokens/s x 35% x 2,628,000 s = 3,311M tokens, so about USD 1.75 per 1M. At 100% "
                "utilisation the same setup would look like USD 0.61 per 1M: utilisation and staff time, not "
                "the GPU's hourly rate, set the self-hosted price per token. Lesson 03, 'The self-hosted "
                "side'."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="The cheap self-hosting figure",
            outcome="L03.2",
            article=cite(SOURCE_003, "Llama 3 70B on an A100 spot instance about USD 180/month"),
            ideas=("000-07", "003-06", "003-21", "003-07"),
            scenario=(
                "A product manager quotes article 003: self-hosting Llama 3 70B on one A100 **spot** "
                "instance costs about **USD 180 a month**, against USD 450 on the API, and proposes to move "
                "the company's customer-facing assistant next sprint. What is the strongest objection?"
            ),
            options=(
                Option(
                    "USD 180 is compute only: it leaves out the engineers who run it, and one spot GPU, "
                    "reclaimable at any minute, serves every customer.",
                    why=(
                        "Right: article 003 itself adds 'plus your engineering time', article 002 counts "
                        "about 10 hours a month of senior engineering, and article 004 puts the fully loaded "
                        "cost at 2-3x the bare GPU. Spot capacity trades price for interruptions."
                    ),
                    correct=True,
                ),
                Option(
                    "A 70B model cannot fit on one A100 at any precision, so the USD 180 must describe a "
                    "smaller model than the one the assistant needs to answer customers.",
                    why=(
                        "Tempting, since 70B in 16-bit needs about 140 GB, but at 4-bit the weights take "
                        "about 35 GB and fit an 80 GB A100 with room for the KV cache."
                    ),
                ),
                Option(
                    "Spot GPUs are billed above on-demand ones during peak hours, so USD 180 is a night-time "
                    "rate that doubles once the assistant runs by day.",
                    why=(
                        "Backwards: spot is the discounted (and interruptible) tier; article 004 puts the "
                        "saving at 30-60%."
                    ),
                ),
                Option(
                    "Llama's licence charges a fee per million tokens above a free tier, and USD 180 leaves "
                    "that fee out of the monthly figure.",
                    why=(
                        "Tempting if you think 'open' has a meter, but Llama's licence has no per-token fee; "
                        "its catch is the 700M monthly-active-user clause."
                    ),
                ),
            ),
            explanation=(
                "Compare like with like: an API price includes operations, redundancy and burst capacity; a "
                "self-hosted compute price does not. Add staff time and availability before comparing. "
                "Lesson 03, 'The self-hosted side'."
            ),
        ),
        Numeric(
            qid="q05",
            title="Where the lines cross",
            outcome="L03.3",
            article=cite(
                SOURCE_004, "break-even roughly 3-5M tokens/day for 70B; self-hosted costs are flat"
            ),
            ideas=("004-02", "000-03"),
            scenario=(
                "A support platform pays a blended **USD 2.40 per 1M tokens** on its API. The self-hosted "
                "alternative is one replica on **2 GPUs at USD 2.10 an hour**, running 24 hours a day, plus "
                "**16 engineer-hours a month at USD 110**; it can serve far more than the platform's volume, "
                "and its cost does not depend on the tokens served. Count 30 days."
            ),
            parts=(
                Part(
                    var="q05a_breakeven_mtok_day",
                    ask="The daily volume at which both cost the same",
                    unit="million tokens",
                    answer=_q05_break_even_mtok_per_day(),
                    tolerance=0.5,
                    mistakes=(_q05_break_even_mtok_per_day() * DAYS,),
                ),
                Part(
                    var="q05b_breakeven_oncall_mtok_day",
                    ask="The same break-even if an on-call rota adds USD 1,500 a month",
                    unit="million tokens",
                    answer=_q05_break_even_mtok_per_day(extra_usd=1_500),
                    tolerance=0.5,
                    mistakes=(_q05_break_even_mtok_per_day(),),
                ),
            ),
            explanation=(
                "Flat cost: 2 x 2.10 x 720 h = USD 3,024 of GPUs + 16 x 110 = USD 1,760 of staff = USD 4,784 "
                "a month. Break-even: 4,784 / 2.40 = 1,993M tokens a month, 66.4M a day. The on-call rota "
                "moves it to 6,284 / 2.40 / 30 = 87.3M a day, +31%: fixed costs and the API price move "
                "break-even most. Lesson 03, 'Break-even, with step costs'."
            ),
        ),
        Ordering(
            qid="q06",
            title="Which assumption moves break-even most?",
            outcome="L03.3",
            article=cite(
                SOURCE_004, "self-hosted costs are flat; break-even depends on GPU pricing and volume"
            ),
            ideas=("004-02", "003-08"),
            scenario=(
                "A team's break-even is its flat monthly self-hosted cost divided by the API price: today "
                "(GPUs USD 3,200 + staff USD 2,000 + monitoring USD 400) / USD 2.00 per 1M tokens = 2,800M "
                "tokens a month. Each assumption below is uncertain over the range given, the others staying "
                "put. Order them by **how far break-even moves** across the range, **largest swing first** "
                "(the tornado chart of lesson 03)."
            ),
            options=(
                Option(
                    "Monitoring and logging: USD 200 to USD 800 a month.",
                    why="Smallest: USD 600 of range moves break-even 300M tokens a month (2,700 to 3,000).",
                ),
                Option(
                    "The API's blended price: USD 1.60 to USD 2.50 per 1M tokens.",
                    why="Second: 5,600 / 2.50 = 2,240M to 5,600 / 1.60 = 3,500M, a swing of 1,260M.",
                ),
                Option(
                    "The GPU rental rate: 25% below to 25% above the USD 3,200 quoted.",
                    why="Third: GPUs USD 2,400 to USD 4,000 move break-even from 2,400M to 3,200M: 800M.",
                ),
                Option(
                    "Staff time: 10 to 40 engineer-hours a month at USD 100 an hour.",
                    why="Largest: staff of USD 1,000 to 4,000 move break-even from 2,300M to 3,800M: 1,500M.",
                ),
            ),
            order="DBCA",
            points=3,
            explanation=(
                "Compute both ends of each range and compare the spreads: staff 1,500M, API price 1,260M, "
                "GPU rate 800M, monitoring 300M tokens a month. The cheapest item on the GPU invoice is not "
                "where the uncertainty lives: staff time and the API price decide, so measure those first. "
                "Lesson 03, 'Which assumption matters most? A tornado chart'."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="One measurement to settle an argument",
            outcome="L03.3",
            article=cite(SOURCE_003, "at 100M tokens/day self-hosting can be 70-80% cheaper"),
            ideas=("003-09", "003-18"),
            scenario=(
                "Two engineers disagree whether self-hosting an 8B model pays at **30M tokens a day**. One "
                "prices it with a vendor blog's **2,500 tokens/s** per GPU and finds it cheap; the other "
                "with his own **400 tokens/s**, measured by sending one request at a time, and finds it "
                "dear. Everything else in their sheets agrees. Which single measurement settles it?"
            ),
            options=(
                Option(
                    "The GPU's memory bandwidth from its datasheet, divided by the model's weight size in "
                    "bytes, to give the true ceiling on tokens per second for one stream.",
                    why=(
                        "Tempting because the roofline is a real bound, but it bounds one stream's decode "
                        "speed; the sheets need the aggregate rate under many concurrent requests."
                    ),
                ),
                Option(
                    "The time to first token of a 2,000-token prompt on the GPU, measured with nothing "
                    "else running, repeated five times and averaged.",
                    why=(
                        "Tempting because latency is measurable at once, but TTFT at concurrency 1 says "
                        "little about how many tokens a second the GPU serves when busy."
                    ),
                ),
                Option(
                    "The API provider's published tokens per second for the same 8B model, since both "
                    "sides would run identical weights on similar data-centre GPUs.",
                    why=(
                        "Tempting as a benchmark, but a provider's per-stream speed is neither their batch "
                        "throughput nor yours on your hardware, engine and mix."
                    ),
                ),
                Option(
                    "Tokens per second one replica serves at the concurrency they plan to run, on their own "
                    "prompts and input/output mix, over several minutes.",
                    why=(
                        "Right: cost per token divides the GPU bill by this aggregate throughput. Batching "
                        "multiplies it, and the mix (prefill fast, decode slow) sets it: only their own "
                        "measurement under load settles the argument."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Throughput is the assumption that flips conclusions: 400 vs 2,500 tokens/s is a 6x swing "
                "in cost per token. Measure it the way you will run it: at your concurrency, on your mix of "
                "prompt and generated tokens, long enough to be stable. Lesson 03, 'Throughput: the "
                "assumption that flips two conclusions'."
            ),
        ),
        Numeric(
            qid="q08",
            title="Cost per correct answer",
            outcome="L03.5",
            article=cite(SOURCE_003, "fine-tuned 7B 84% vs GPT-4o 89% at 6x the cost per request"),
            ideas=("003-15", "002-25"),
            scenario=(
                "An evaluation on a support team's own tickets: a **fine-tuned 7B model resolves 83%** "
                "correctly at **USD 0.003 a ticket**, a **frontier model 91%** at **USD 0.015 a ticket**. "
                "Each wrong answer costs **USD 0.40 of human rework**. Volume: **250,000 tickets a month**."
            ),
            parts=(
                Part(
                    var="q08a_small_usd_per_correct",
                    ask="The small model's model cost per correct answer",
                    unit="USD",
                    answer=Q08_SMALL.usd_per_correct_answer,
                    tolerance=0.00002,
                    mistakes=(Q08_SMALL.usd_per_request, Q08_SMALL.usd_per_request * Q08_SMALL.accuracy),
                ),
                Part(
                    var="q08b_small_extra_usd_month",
                    ask=(
                        "Counting rework, how much MORE a month the small model costs than the frontier one "
                        "(negative if it costs less)"
                    ),
                    unit="USD",
                    answer=Q08_TICKETS
                    * (Q08_SMALL.usd_per_request_with_errors - Q08_FRONTIER.usd_per_request_with_errors),
                    tolerance=10.0,
                    mistakes=(Q08_TICKETS * (Q08_SMALL.usd_per_request - Q08_FRONTIER.usd_per_request),),
                ),
            ),
            explanation=(
                "Per correct answer the small model costs 0.003 / 0.83 = USD 0.00361, the frontier one "
                "0.015 / 0.91 = USD 0.0165. But each wrong answer costs USD 0.40: small 0.003 + 17% x 0.40 "
                "= USD 0.071 a ticket, frontier 0.015 + 9% x 0.40 = USD 0.051, so the small model costs "
                "USD 5,000 a month MORE. Price per token or per request says nothing until quality is "
                "measured and the cost of an error is counted. Lesson 03, 'Cost per correct answer'."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="A fair comparison for a batch job",
            outcome="L03.5",
            article=cite(SOURCE_004, "reserved or spot GPUs 30-60% cheaper; API volume discounts 10-30%"),
            ideas=("004-26",),
            scenario=(
                "Every night a retailer summarises **200M tokens** of product reviews; results are needed by "
                "morning and nobody waits on a single request. The analyst prices the API at its standard "
                "on-demand rate, self-hosting on a 1-year reserved GPU, and concludes that self-hosting wins "
                "by 55%. What is wrong with the comparison?"
            ),
            options=(
                Option(
                    "Nothing: a 1-year reservation is the realistic price for a steady nightly job, and the "
                    "on-demand rate is what the API charges everyone.",
                    why=(
                        "Half right: reserved GPUs suit steady load, but the API side was priced at its most "
                        "expensive tier, so the 55% is not a like-for-like gap."
                    ),
                ),
                Option(
                    "It discounts one side only: an overnight job qualifies for the API's batch tier, often "
                    "half price, and for its volume discounts too.",
                    why=(
                        "Right: batch APIs typically cost about half of on-demand for asynchronous work, and "
                        "article 004 notes 10-30% volume discounts; compare best realistic price with best."
                    ),
                    correct=True,
                ),
                Option(
                    "Batch jobs always favour the API, because a reserved GPU sits idle for the 16 hours a "
                    "day when no reviews arrive.",
                    why=(
                        "Tempting: idle time raises the cost per token of an always-on GPU, but 'always' is "
                        "wrong: the box can serve daytime work too, or be rented only at night."
                    ),
                ),
                Option(
                    "It compares monthly totals, where it should compare cost per 1M tokens, which is the "
                    "only unit the two sides share.",
                    why=(
                        "Per token or per month gives the same verdict at a fixed volume; the unit is not "
                        "the flaw."
                    ),
                ),
            ),
            explanation=(
                "Discounts exist on both sides: spot and reserved GPUs (30-60% off, article 004), API batch "
                "tiers and volume discounts. A fair comparison applies the discounts each side would really "
                "get. Lesson 03, 'Discounts: batch, volume, spot and reserved'."
            ),
        ),
        MultipleAnswer(
            qid="q10",
            title="What is wrong in this cost sheet?",
            outcome="L03.2",
            article=cite(SOURCE_000, "open weights have hidden infrastructure costs")
            + "; "
            + cite(SOURCE_004, "a fully loaded A100 costs 2-3x the bare rate"),
            ideas=("000-07", "004-19"),
            scenario=(
                "A consultant's sheet compares a reasoning-model API with self-hosting for an internal "
                "assistant and recommends self-hosting. Which of these lines are **errors**, whichever side "
                "they favour? Choose all that apply."
            ),
            options=(
                Option(
                    "The API's hidden reasoning tokens are priced at the input rate of USD 1.25 per 1M, "
                    "not at the output rate of USD 10.",
                    why=(
                        "An error: reasoning tokens are billed at the output price; at the input rate the "
                        "API looks cheaper than it is."
                    ),
                    correct=True,
                ),
                Option(
                    "The GPUs are billed for all 730 hours of the month, although traffic keeps them busy "
                    "only 40% of the time.",
                    why=(
                        "Not an error: an always-on GPU is paid for while idle; that is why utilisation "
                        "raises the cost per token."
                    ),
                ),
                Option(
                    "Twenty engineer-hours of set-up appear once, in the first month, and no staff time is "
                    "counted in the months after.",
                    why=(
                        "An error: monitoring, patching, model updates and on-call recur every month "
                        "(article 004 calls MLOps overhead a full-time job)."
                    ),
                    correct=True,
                ),
                Option(
                    "The throughput per GPU is measured at the 16 concurrent requests the assistant sees "
                    "at its daily peak, on real prompts.",
                    why="Not an error: that is how throughput should be measured for a cost per token.",
                ),
                Option(
                    "A second replica is included so that the service survives one GPU failing during "
                    "working hours without an outage.",
                    why=(
                        "Not an error: redundancy is part of a fair self-hosted price; an API's price "
                        "already includes it."
                    ),
                ),
            ),
            explanation=(
                "Two lines are wrong. Reasoning tokens priced as input understate the API bill (an error, "
                "whichever side it favours), and set-up hours counted once leave out the recurring staff "
                "time that makes self-hosting 2-3x the bare GPU (article 004). Billing idle hours, measuring "
                "throughput under real concurrency and paying for a spare replica are what a fair sheet "
                "does. Lesson 03, 'The API side' and 'The self-hosted side'."
            ),
        ),
        Numeric(
            qid="q11",
            title="Seats or tokens",
            outcome="L03.1",
            article=cite(SOURCE_000, "per-employee seat pricing vs per-token API pricing"),
            ideas=("000-18",),
            scenario=(
                "A firm of **180 employees** can buy an AI assistant at **USD 25 per seat a month** (every "
                "employee gets a seat, used or not), or build the same assistant on an API. An API request "
                "averages **1,600 input and 400 output tokens** at **USD 3.00 / USD 15.00 per 1M**. On a "
                "pilot, **60% of employees** used it, each about **25 requests per working day**, over **21 "
                "working days** a month."
            ),
            parts=(
                Part(
                    var="q11a_api_usd_month",
                    ask="The monthly API bill at the pilot's usage",
                    unit="USD",
                    answer=Q11_TOKEN_BILL,
                    tolerance=2.0,
                    mistakes=(Q11_TOKEN_BILL / 0.6,),
                ),
                Part(
                    var="q11b_breakeven_requests_per_day",
                    ask=(
                        "Requests per active employee per working day at which the API bill equals the "
                        "seats' bill (same 60% active)"
                    ),
                    unit="requests",
                    answer=Q11_SEATS * Q11_SEAT_USD / (Q11_SEATS * 0.6 * Q11_WORKDAYS * Q11_USD_PER_REQUEST),
                    tolerance=0.5,
                    mistakes=(Q11_SEATS * Q11_SEAT_USD / (Q11_SEATS * Q11_WORKDAYS * Q11_USD_PER_REQUEST),),
                ),
            ),
            explanation=(
                "A request costs (1,600 x 3 + 400 x 15) / 1e6 = USD 0.0108. The API: 108 active users x 25 "
                "x 21 days x 0.0108 = USD 612 a month, against 180 x 25 = USD 4,500 for seats. Equal at "
                "4,500 / (108 x 21 x 0.0108) = 184 requests per active user per day. Seats are the "
                "predictable price (a fixed line per employee, used or not); tokens follow usage, which is "
                "cheaper for light use and must be capped or monitored for heavy use. Lesson 03, 'The API "
                "side'."
            ),
        ),
        Code(
            qid="q12",
            title="Which API plan is cheapest for this mix?",
            outcome="L03.1",
            article=cite(SOURCE_004, "API pricing per token; compare plans on your own mix"),
            ideas=("004-02", "003-39"),
            scenario=(
                "Write `cheapest_plan` for a planning notebook. `plans` maps a plan's name to a tuple "
                "`(usd_per_mtok_in, usd_per_mtok_out, reasoning_per_output)`: its prices per 1M tokens and "
                "the hidden reasoning tokens it generates per visible output token, **billed at the output "
                "price**. Return the name of the plan with the lowest cost for one request of `input_tokens` "
                "and `output_tokens` (visible); on a tie, the name that sorts first.\n\n"
                'Worked example: `cheapest_plan(input_tokens=1000, output_tokens=100, plans={"a": (1.0, '
                '4.0, 0.0), "b": (0.5, 8.0, 0.0)})` is `"b"`.'
            ),
            signature='''def cheapest_plan(
    *, input_tokens: float, output_tokens: float, plans: dict[str, tuple[float, float, float]]
) -> str:
    """The name of the plan that prices this request lowest (ties: the name that sorts first)."""''',
            solution="""    def cost(name):
        usd_in, usd_out, reasoning = plans[name]
        return (input_tokens * usd_in + output_tokens * (1 + reasoning) * usd_out) / 1e6

    return min(sorted(plans), key=cost)""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="The mix decides: input-heavy requests favour cheap input, output-heavy ones "
                    "cheap output.",
                    cases=(
                        Case(
                            'cheapest_plan(input_tokens=1000, output_tokens=100, plans={"a": (1.0, 4.0, 0.0),'
                            ' "b": (0.5, 8.0, 0.0)})',
                            "b",
                            hidden=False,
                        ),
                        Case(
                            'cheapest_plan(input_tokens=200, output_tokens=900, plans={"a": (1.0, 4.0, 0.0),'
                            ' "b": (0.5, 8.0, 0.0)})',
                            "a",
                        ),
                        Case(
                            'cheapest_plan(input_tokens=500, output_tokens=500, plans={"z": (2.0, 2.0, 0.0),'
                            ' "m": (1.0, 3.0, 0.0), "k": (3.0, 1.0, 0.0)})',
                            "k",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Hidden reasoning tokens are billed as output and can flip the ranking.",
                    cases=(
                        Case(
                            'cheapest_plan(input_tokens=3000, output_tokens=400, plans={"think": (1.25, '
                            '10.0, 3.0), "plain": (2.5, 10.0, 0.0)})',
                            "plain",
                        ),
                        Case(
                            'cheapest_plan(input_tokens=3000, output_tokens=400, plans={"think": (1.25, '
                            '10.0, 0.2), "plain": (2.5, 10.0, 0.0)})',
                            "think",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    def cost(name):
        usd_in, usd_out, reasoning = plans[name]
        return (input_tokens * usd_in + output_tokens * usd_out) / 1e6

    return min(sorted(plans), key=cost)""",
                """    return min(sorted(plans), key=lambda name: plans[name][0] + plans[name][1])""",
            ),
            explanation=(
                "Price one request per plan: input x input price + output x (1 + reasoning per output "
                "token) x output price. Ranking plans by their list prices alone ignores your mix; "
                "ignoring the reasoning tokens picks a reasoning model that costs several times more. "
                "Lesson 03, 'The API side' and 'Reasoning tokens are billed as output'."
            ),
        ),
        Code(
            qid="q13",
            title="The utilisation a self-hosted price needs",
            outcome="L03.2",
            article=cite(SOURCE_002, "GPU rental plus engineering time; real self-hosting costs"),
            ideas=("002-12", "000-07"),
            scenario=(
                "Write `utilisation_needed`: the share of the time (0-1) that `gpus` GPUs at "
                "`gpu_usd_per_hour` for `hours_per_month` hours, plus `staff_usd_per_month`, must be busy "
                "for the cost per 1M tokens served to come down to `target_usd_per_mtok`. Each GPU serves "
                "`tokens_per_s_per_gpu` when busy. Return `None` when even 100% busy is not enough.\n\n"
                "Worked example: 1 GPU at USD 2 an hour, 1,000 tokens/s, no staff, 730 hours, target USD "
                "1.00 per 1M: about `0.556`."
            ),
            signature='''def utilisation_needed(
    *,
    gpus: int,
    gpu_usd_per_hour: float,
    tokens_per_s_per_gpu: float,
    target_usd_per_mtok: float,
    staff_usd_per_month: float = 0.0,
    hours_per_month: float = 730.0,
) -> float | None:
    """The busy share (0-1) at which the cost per 1M tokens served equals the target; None if above 1."""''',
            solution="""    usd = gpus * gpu_usd_per_hour * hours_per_month + staff_usd_per_month
    full_load_mtok = gpus * tokens_per_s_per_gpu * 3600 * hours_per_month / 1e6
    needed = usd / (target_usd_per_mtok * full_load_mtok)
    return needed if needed <= 1 else None""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "utilisation_needed(gpus=1, gpu_usd_per_hour=2.0, tokens_per_s_per_gpu=1000,"
                            " target_usd_per_mtok=1.0)",
                            1460 / 2628,
                            tolerance=1e-4,
                            hidden=False,
                        ),
                        Case(
                            "utilisation_needed(gpus=4, gpu_usd_per_hour=3.1, tokens_per_s_per_gpu=2200,"
                            " target_usd_per_mtok=0.9, hours_per_month=720)",
                            4 * 3.1 * 720 / (0.9 * 4 * 2200 * 3600 * 720 / 1e6),
                            tolerance=1e-4,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Staff cost raises the busy share needed; past 100% the target is out of "
                    "reach.",
                    cases=(
                        Case(
                            "utilisation_needed(gpus=2, gpu_usd_per_hour=2.5, tokens_per_s_per_gpu=1200,"
                            " target_usd_per_mtok=1.2, staff_usd_per_month=1800)",
                            (2 * 2.5 * 730 + 1800) / (1.2 * 2 * 1200 * 3600 * 730 / 1e6),
                            tolerance=1e-4,
                        ),
                        Case(
                            "utilisation_needed(gpus=1, gpu_usd_per_hour=2.0, tokens_per_s_per_gpu=500,"
                            " target_usd_per_mtok=0.5, staff_usd_per_month=3000)",
                            None,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    usd = gpus * gpu_usd_per_hour * hours_per_month
    full_load_mtok = gpus * tokens_per_s_per_gpu * 3600 * hours_per_month / 1e6
    needed = usd / (target_usd_per_mtok * full_load_mtok)
    return needed if needed <= 1 else None""",
                """    usd = gpus * gpu_usd_per_hour * hours_per_month + staff_usd_per_month
    full_load_mtok = gpus * tokens_per_s_per_gpu * 3600 * hours_per_month / 1e6
    return usd / (target_usd_per_mtok * full_load_mtok)""",
            ),
            explanation=(
                "Cost per 1M served = monthly cost / (full-load tokens x utilisation), so utilisation = "
                "monthly cost / (target x full-load tokens). It answers the question a planner actually "
                "asks: how busy must the GPUs be for self-hosting to match the API? Leaving out staff "
                "makes the bar look easy; above 100% the answer is 'never at this size'. Lesson 03, 'The "
                "self-hosted side'."
            ),
        ),
        Code(
            qid="q14",
            title="Break-even on a staircase",
            outcome="L03.3",
            article=cite(SOURCE_004, "cost table by volume: 2x A100, then 4x, then 8x as volume grows"),
            ideas=("004-25", "004-02"),
            scenario=(
                "Self-hosted cost is a staircase: each replica serves up to `replica_mtok_per_day` million "
                "tokens a day and costs `replica_usd_per_month`; staff cost `staff_usd_per_month` whatever "
                "the replicas. Write `first_breakeven_mtok_per_day`: the **lowest** whole number of million "
                "tokens a day, from 1 to `max_mtok_per_day`, at which self-hosting (with just enough "
                "replicas) costs no more than an API at `api_usd_per_mtok` over 30 days. Return `None` if "
                "there is none.\n\n"
                "Worked example: replicas of 40M/day at USD 4,000, staff USD 2,000, API USD 4.00 per 1M, up "
                "to 200: `117`."
            ),
            signature='''def first_breakeven_mtok_per_day(
    *,
    replica_mtok_per_day: float,
    replica_usd_per_month: float,
    staff_usd_per_month: float,
    api_usd_per_mtok: float,
    max_mtok_per_day: int = 1000,
) -> int | None:
    """Lowest whole million tokens a day at which self-hosting costs no more than the API, else None."""''',
            solution="""    for mtok in range(1, max_mtok_per_day + 1):
        replicas = -(-mtok // replica_mtok_per_day)
        own = replicas * replica_usd_per_month + staff_usd_per_month
        if own <= mtok * 30 * api_usd_per_mtok:
            return mtok
    return None""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "first_breakeven_mtok_per_day(replica_mtok_per_day=40,"
                            " replica_usd_per_month=4000, staff_usd_per_month=2000,"
                            " api_usd_per_mtok=4.0, max_mtok_per_day=200)",
                            117,
                            hidden=False,
                        ),
                        Case(
                            "first_breakeven_mtok_per_day(replica_mtok_per_day=100,"
                            " replica_usd_per_month=3000, staff_usd_per_month=1500, api_usd_per_mtok=1.5)",
                            100,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="A second replica can push the crossing past the first replica's capacity, "
                    "or out of reach.",
                    cases=(
                        Case(
                            "first_breakeven_mtok_per_day(replica_mtok_per_day=60,"
                            " replica_usd_per_month=5000, staff_usd_per_month=4000, api_usd_per_mtok=3.5)",
                            229,
                        ),
                        Case(
                            "first_breakeven_mtok_per_day(replica_mtok_per_day=20,"
                            " replica_usd_per_month=2500, staff_usd_per_month=3000, api_usd_per_mtok=4.0)",
                            None,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    mtok = (replica_usd_per_month + staff_usd_per_month) / (30 * api_usd_per_mtok)
    return -(-int(mtok * 1000) // 1000)""",
                """    for mtok in range(1, max_mtok_per_day + 1):
        own = replica_usd_per_month + staff_usd_per_month
        if own <= mtok * 30 * api_usd_per_mtok:
            return mtok
    return None""",
            ),
            explanation=(
                "Walk the volumes: replicas = ceil(volume / capacity), cost = replicas x replica price + "
                "staff, and stop at the first volume where the API bill (volume x 30 x price) is at least "
                "that. In the worked example one replica would cross at 6,000 / 120 = 50M, but it only "
                "serves 40M; two (USD 10,000) would cross at 83.3M but serve 80M; three (USD 14,000) cross "
                "at 116.7M, within their 120M: 117. When a full replica's worth of API tokens (capacity x 30 "
                "x price) costs less than the replica, the lines never cross. A formula for one replica "
                "ignores the steps; lesson 03, 'Break-even, with step costs', draws the same staircase."
            ),
        ),
        MultipleChoice(
            qid="q15",
            title="Above article 002's line",
            outcome="L03.4",
            article=cite(
                SOURCE_002, "below about 50M tokens a month, frontier APIs are cheaper after engineering"
            ),
            ideas=("002-15", "000-07"),
            scenario=(
                f"A team sends **{Q15_MTOK_PER_MONTH}M tokens a month** ({Q15_INPUT_SHARE:.0%} prompt "
                "tokens) to an API at **USD 1.25 / 10** per 1M input / output tokens. Article 002 says "
                "frontier APIs are cheaper only below about 50M tokens a month, so the CTO proposes "
                "self-hosting an 8B model on one rented GPU at **USD 2.50 an hour**, all month, with **10 "
                "staff hours a month at USD 100**. What is the soundest reply?"
            ),
            options=(
                Option(
                    "Self-host: the team is past the article's 50M line, and each token beyond it is cheaper "
                    "on a GPU that is paid for anyway, so the gap only grows from here.",
                    why=(
                        "The article's line is one reading of its own assumptions; at these prices the GPU "
                        "and staff cost over ten times the API bill."
                    ),
                ),
                Option(
                    "Self-host the prompt tokens only: they are 80% of the volume, and a GPU processes "
                    "prompt tokens many times faster than output, so that share pays for the GPU.",
                    why=(
                        "Prefill is cheap on a GPU, but the GPU is billed by the hour whatever it does; "
                        "splitting one request between two systems also adds work and latency."
                    ),
                ),
                Option(
                    "Call it a tie: 60M and 50M tokens differ by 20%, which is less than the spread of "
                    "GPU prices between providers, so either choice is defensible.",
                    why=(
                        "Compute the two bills: they are an order of magnitude apart, not within any "
                        "spread of GPU prices."
                    ),
                ),
                Option(
                    f"Stay on the API: it bills about USD {Q15_API_USD:,.0f} a month against about USD "
                    f"{Q15_OWN_USD:,.0f} for the GPU and staff; at these prices the bills cross only near "
                    f"{Q15_CROSSING_MTOK_PER_MONTH:,.0f}M tokens a month.",
                    why=(
                        "Right: an article's threshold carries its own prices and staffing; the crossing "
                        "follows from yours."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                f"API: 60M x (0.8 x 1.25 + 0.2 x 10) / 1M = USD {Q15_API_USD:,.0f} a month. Self-hosted: "
                f"{DAYS * 24} GPU hours x USD 2.50 + 10 x USD 100 = USD {Q15_OWN_USD:,.0f}, whatever the "
                f"volume. The bills cross near {Q15_CROSSING_MTOK_PER_MONTH:,.0f}M tokens a month (the "
                f"API at USD {Q15_API.blended_usd_per_mtok:g} per 1M blended). Article 002's 50M a month "
                "rests on its own prices, GPU and staffing; lesson 03, 'Three articles, three answers', "
                "reproduces each article's figure from named assumptions."
            ),
        ),
    ),
)
