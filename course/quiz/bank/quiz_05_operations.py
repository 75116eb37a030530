"""Quiz 05 · Operations and latency (lesson 05): serving stacks, GPU memory, the operational burden, API
risks, latency budgets.

Memory figures come from :mod:`course.models.memory` and :mod:`course.economics.sizing` (the shapes lesson 05
uses), the monthly bill from :mod:`course.economics.costs`. The question kinds and their order are fixed:
``tests/test_grader_report.py`` builds a class of learners on this quiz (multiple choice at q01-q03, q07,
q09, with q02's key D; q04 numeric in three one-point parts starting with ``q04a_weights_gb``).
"""

from course.economics.costs import SelfHostSetup, self_host_monthly_cost
from course.economics.sizing import SHAPES, SOURCE_003_GB_PER_BILLION, bits_implied_by_source_003
from course.models.memory import kv_cache_gb, weights_gb
from course.quiz.bank.sources import SOURCE_002, SOURCE_003, SOURCE_004, cite
from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

MC_POINTS = 3

# q05: Llama 3.1 8B at 8 bits on a 24 GB card, 16 conversations of 8,192 tokens, FP16 KV cache
Q05_KV_GB = kv_cache_gb(SHAPES["Llama 3.1 8B"], n_ctx=8192, n_sequences=16, bytes_per_value=2)
Q05_WEIGHTS_GB = weights_gb(params=8.0e9, bits_per_weight=8)
Q05_KV_BYTES_PER_TOKEN = Q05_KV_GB * 1e9 / (16 * 8192)

# q08: two always-on replicas, one GPU each, for a 730-hour month, plus the people and tools around them
Q08_SETUP = SelfHostSetup(
    usd_per_gpu_hour=2.35,
    throughput_tokens_per_s=1_500,
    utilisation=0.5,
    min_replicas=2,
    engineering_hours_per_month=14,
    staff_usd_per_hour=115,
    fixed_usd_per_month=180 + 1_100,  # monitoring stack + on-call allowance
)
Q08 = self_host_monthly_cost(Q08_SETUP, 0.0, days_per_month=730 / 24)

# q10: a 30-day month, two independent providers at 99.9% and 99.5%
MONTH_MIN = 30 * 24 * 60

QUIZ = Quiz(
    quiz_id="quiz-05-operations",
    title="Operations and latency",
    intro=(
        "Thirteen scenarios about running a model in production: picking a serving stack, sizing GPU "
        "memory, pricing the operational burden, the risks of depending on an API, and building a latency "
        "budget. Every number you need is in the question; 1 GB means 10^9 bytes and a month is 30 days "
        "unless the question says otherwise."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="A serving stack for 150 concurrent chats",
            outcome="L05.1",
            article=cite(SOURCE_004, "vLLM (PagedAttention, continuous batching) as the production standard"),
            ideas=("004-17", "002-14"),
            points=MC_POINTS,
            scenario=(
                "Harbour Analytics runs an internal assistant for 1,200 employees on its own cloud account: "
                "**Llama 3.1 70B at 8-bit** on **two H100 80 GB GPUs**. At the Monday-morning peak about "
                "**150 chats are in flight at once**. The applications already speak the OpenAI chat API, "
                "and two platform engineers will run the service. It is a new deployment in 2026.\n\n"
                "Which serving stack fits this workload best?"
            ),
            options=(
                Option(
                    "Ollama on each GPU, one model copy per card, behind a round-robin load balancer.",
                    why=(
                        "Tempting because Ollama is the quickest to start and speaks an OpenAI-style API, "
                        "but it is built for development and single users; it gives up most of the batching "
                        "150 concurrent chats need, and 70 GB of 8-bit weights leave one card no room for "
                        "the KV cache."
                    ),
                ),
                Option(
                    "vLLM, the model split over both GPUs, with PagedAttention and continuous batching.",
                    why=(
                        "Right: many concurrent streams on datacentre GPUs is what PagedAttention (the KV "
                        "cache in pages, little waste) and continuous batching (requests join the batch "
                        "between decode steps) are for, behind an OpenAI-compatible server."
                    ),
                    correct=True,
                ),
                Option(
                    "Hugging Face TGI, which article 004 lists beside vLLM as a production-grade server.",
                    why=(
                        "Tempting because the article lists it, but Hugging Face put TGI into maintenance "
                        "mode in December 2025 (and it was reported archived in 2026), pointing new "
                        "deployments to vLLM, SGLang or llama.cpp."
                    ),
                ),
                Option(
                    "llama-cpp-python's built-in server on one GPU, with the weights requantized to 4-bit.",
                    why=(
                        "Tempting because it is simple and 4-bit weights fit one card, but that server "
                        "answers one request at a time (measured in this course's lab 03), so 150 chats "
                        "queue."
                    ),
                ),
            ),
            explanation=(
                "The deciding facts are concurrency (150 streams) and hardware (two datacentre GPUs). "
                "Throughput under concurrency comes from batching many sequences per decode step without "
                "wasting KV-cache memory: vLLM's continuous batching and PagedAttention. Ollama and "
                "llama.cpp shine on a laptop or for one user; TGI was a fine answer in 2024 but is in "
                "maintenance mode. Lesson 05, 'Serving stacks'."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title="Offline inspections on laptops without a GPU",
            outcome="L05.1",
            article=cite(SOURCE_003, "on-device and offline work needs open weights; serving choices"),
            ideas=("003-24", "003-16"),
            points=MC_POINTS,
            scenario=(
                "An energy company's inspectors fill in safety reports on **ruggedised laptops with 16 GB of "
                "RAM and no GPU**, on offshore platforms with **no network for days**. One inspector uses "
                "each laptop. The team wants a **3B-parameter open model** to turn voice notes (already "
                "transcribed) into structured reports.\n\nWhich way of serving the model fits?"
            ),
            options=(
                Option(
                    "vLLM on each laptop, for the continuous batching that made it the production standard.",
                    why=(
                        "Tempting because vLLM is the production standard, but it is built for GPUs and many "
                        "concurrent users; one user on a CPU gains nothing from its batching."
                    ),
                ),
                Option(
                    "A managed open-model host such as Together AI or Fireworks, reached over its API.",
                    why=(
                        "Tempting because it gives open weights without running servers, but it needs the "
                        "network, which the platforms do not have."
                    ),
                ),
                Option(
                    "A private deployment of a frontier model in the company's own cloud region and account.",
                    why=(
                        "Tempting because it keeps data in the company's tenancy, but it is still a remote "
                        "call: no network, no answer."
                    ),
                ),
                Option(
                    "llama.cpp (or Ollama, which wraps it) running a 4-bit GGUF of the model on the CPU.",
                    why=(
                        "Right: llama.cpp runs quantized GGUF models on a CPU in a few GB of RAM (3B at "
                        "4-bit is about 1.5-2 GB), with no network at all."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Offline, one user, no GPU: the model must run in-process on the laptop. A 3B model at 4 "
                "bits is 3e9 x 4 / 8 = 1.5 GB of weights (about 2 GB as a Q4_K_M file), comfortable in 16 GB "
                "of RAM. Every remote option fails the 'no network' constraint, and vLLM's strengths (GPU "
                "batching) do not apply to one user on a CPU. Lesson 05, 'Serving stacks'; lab 01 runs "
                "llama.cpp on a CPU."
            ),
        ),
        MultipleChoice(
            qid="q03",
            title="Open weights without running GPUs",
            outcome="L05.1",
            article=cite(SOURCE_003, "managed open-source hosts (Together AI, Fireworks) as the middle path"),
            ideas=("003-37",),
            points=MC_POINTS,
            scenario=(
                "A four-person marketing-tech start-up generates ad copy from public product data. They "
                "chose **Llama 3.3 70B** because they plan to **fine-tune these same weights next year and "
                "may then run them in-house**. Nobody on the team has run GPUs. Traffic is **bursty**: "
                "almost nothing at night, up to **40 requests per second** during campaigns.\n\nWhat should "
                "they use now?"
            ),
            options=(
                Option(
                    "A managed host serving the same Llama weights behind a compatible API, billed per "
                    "token.",
                    why=(
                        "Right: the same open weights they plan to fine-tune, no GPUs to operate, and "
                        "per-token billing that follows the bursts; moving in-house later changes a base URL."
                    ),
                    correct=True,
                ),
                Option(
                    "Two H100s rented around the clock with vLLM, so the setup matches next year's plan.",
                    why=(
                        "Tempting because it is the 'real' self-hosted setup, but nobody can run it, and the "
                        "GPUs sit idle at night while the bursts may still outgrow two cards."
                    ),
                ),
                Option(
                    "A closed frontier API, since that is the simplest option for a team without GPU skills.",
                    why=(
                        "Tempting because simplicity is what the team needs, but it breaks their plan: the "
                        "weights they will fine-tune are Llama's, and a closed model's prompts and behaviour "
                        "would have to be migrated later."
                    ),
                ),
                Option(
                    "Ollama on a developer's workstation, opened to the internet behind a reverse proxy.",
                    why=(
                        "Tempting because it is free and quick, but one workstation is a single point of "
                        "failure with no burst capacity and no security hardening."
                    ),
                ),
            ),
            explanation=(
                "Article 003 calls managed open-model hosts (Together AI, Fireworks) 'often the best middle "
                "path for teams without dedicated infra engineers': priced below the frontier APIs, above "
                "raw self-hosted compute, with none of the operations. The constraints that decide it: keep "
                "the same weights (rules out the closed API), no GPU skills and bursty traffic (rules out "
                "renting GPUs or a workstation). Lesson 05, 'Serving stacks'."
            ),
        ),
        Numeric(
            qid="q04",
            title="Checking a rule of thumb for a 70B model at 4-bit",
            outcome="L05.2",
            article=cite(
                SOURCE_003, "'roughly 2GB of VRAM per billion parameters at 4-bit' (the 16-bit figure)"
            ),
            ideas=("003-33", "003-34"),
            scenario=(
                "A team sizing GPUs for **Llama 3.1 70B (70 billion parameters) quantized to 4 bits per "
                'weight** reads a rule of thumb in an article: *"assume roughly 2 GB of VRAM per billion '
                'parameters at 4-bit quantization."* Before they order hardware, check the rule (ignore the '
                "KV cache and runtime overhead here; 1 GB = 10^9 bytes)."
            ),
            parts=(
                Part(
                    var="q04a_weights_gb",
                    ask="Memory the 4-bit weights take: parameters x bits / 8",
                    unit="GB",
                    answer=weights_gb(params=70e9, bits_per_weight=4),
                    tolerance=0.5,
                    working="70e9 * 4 / 8 / 1e9",
                    mistakes=(140.0, 280.0),
                ),
                Part(
                    var="q04b_rule_gb",
                    ask="What the rule of thumb predicts for this model",
                    unit="GB",
                    answer=70 * SOURCE_003_GB_PER_BILLION,
                    tolerance=0.5,
                    working="70 * 2.0",
                    mistakes=(35.0,),
                ),
                Part(
                    var="q04c_rule_bits",
                    ask="The bits per parameter the rule really assumes (2 GB per billion is how many bits?)",
                    unit="bits",
                    answer=bits_implied_by_source_003(),
                    tolerance=0.1,
                    working="2.0e9 * 8 / 1e9",
                    mistakes=(4.0, 2.0),
                ),
            ),
            explanation=(
                "Weights = 70e9 parameters x 4 bits / 8 bits per byte = 35e9 bytes = 35 GB: one 48 GB or 80 "
                "GB card holds them with room for the KV cache. The rule gives 70 x 2 = 140 GB, four times "
                "too much: 2 GB per billion parameters is 2 bytes = 16 bits per parameter, the FP16/BF16 "
                "figure. Article 003 states it 'at 4-bit', yet in the same answer says 70B at 4-bit fits in "
                "48 GB, which only the 35 GB figure allows. Real 4-bit GGUF files carry block scales (Q4_K_M "
                "is about 4.85 bits per weight, so about 42 GB), still far from 140 GB. Lesson 05, 'How much "
                "GPU memory?'."
            ),
        ),
        Numeric(
            qid="q05",
            title="Does the KV cache fit on a 24 GB card?",
            outcome="L05.2",
            article=cite(SOURCE_003, "8B on a single 16 GB GPU; memory = weights + KV cache"),
            ideas=("003-34",),
            scenario=(
                "A support team serves **Llama 3.1 8B (8.0 billion parameters) at 8 bits per weight** on one "
                "**24 GB** GPU. The model has **32 layers, 8 key-value heads and a head dimension of 128**; "
                "the KV cache is stored in FP16 (**2 bytes per value**). Each token keeps one key and one "
                "value vector per layer and KV head. They want **16 concurrent conversations of up to 8,192 "
                "tokens** each. (1 GB = 10^9 bytes; ignore runtime overhead.)"
            ),
            parts=(
                Part(
                    var="q05a_kv_total_gb",
                    ask="KV cache for all 16 conversations at 8,192 tokens",
                    unit="GB",
                    answer=Q05_KV_GB,
                    tolerance=0.1,
                    mistakes=(Q05_KV_GB / 2, Q05_KV_GB * 4, Q05_KV_GB / 16),
                ),
                Part(
                    var="q05b_total_gb",
                    ask="Weights plus KV cache",
                    unit="GB",
                    answer=Q05_WEIGHTS_GB + Q05_KV_GB,
                    tolerance=0.1,
                    mistakes=(2 * Q05_WEIGHTS_GB + Q05_KV_GB, Q05_WEIGHTS_GB + Q05_KV_GB / 2),
                ),
            ),
            explanation=(
                "Per token: 2 x 32 x 8 x 128 x 2 bytes = 131,072 bytes (128 KiB). For 16 x 8,192 = 131,072 "
                "tokens that is 17.18e9 bytes = 17.18 GB. Weights at 8 bits: 8 GB. Total 25.18 GB: it does "
                "NOT fit in 24 GB, before any runtime overhead. Fixes: fewer concurrent sequences, shorter "
                "contexts, an 8-bit KV cache (halves 17.18 GB), or 4-bit weights. The tempting slips: "
                "forgetting the factor 2 for keys and values, using all 32 attention heads instead of the 8 "
                "KV heads (grouped-query attention), or counting the weights at 16 bits. Lesson 05, 'The KV "
                "cache grows with concurrency'."
            ),
        ),
        Code(
            qid="q06",
            title="How many conversations fit?",
            outcome="L05.2",
            article=cite(SOURCE_003, "replace the 2 GB/B rule with parameters x bits / 8 + KV cache"),
            ideas=("003-33", "003-34"),
            scenario=(
                "Your capacity planner must say how many full-length conversations one GPU can hold at once. "
                "Write `max_sequences`: the largest whole number of sequences of `context_tokens` tokens "
                "whose KV cache (`kv_kib_per_token` KiB per token, 1 KiB = 1,024 bytes) fits beside the "
                "weights (`params_billion` at `bits_per_weight`) and `overhead_gb` in `gpu_gb` (1 GB = 10^9 "
                "bytes). Return 0 when even the weights do not leave room for one.\n\n"
                "Worked example: an 80 GB card, a 70B model at 4 bits, 320 KiB per token, 8,192-token "
                "sequences, 4 GB overhead: `15`."
            ),
            signature='''def max_sequences(
    *,
    gpu_gb: float,
    params_billion: float,
    bits_per_weight: float,
    kv_kib_per_token: float,
    context_tokens: int,
    overhead_gb: float = 0.0,
) -> int:
    """Whole sequences of `context_tokens` whose KV cache fits beside the weights and the overhead."""''',
            solution="""    free_gb = gpu_gb - params_billion * bits_per_weight / 8 - overhead_gb
    per_sequence_gb = kv_kib_per_token * 1024 * context_tokens / 1e9
    if free_gb < per_sequence_gb:
        return 0
    return int(free_gb // per_sequence_gb)""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "max_sequences(gpu_gb=80, params_billion=70, bits_per_weight=4,"
                            " kv_kib_per_token=320, context_tokens=8192, overhead_gb=4)",
                            15,
                            hidden=False,
                        ),
                        Case(
                            "max_sequences(gpu_gb=48, params_billion=8, bits_per_weight=16,"
                            " kv_kib_per_token=128, context_tokens=4096)",
                            59,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Round down: half a sequence does not fit; no room means 0.",
                    cases=(
                        Case(
                            "max_sequences(gpu_gb=24, params_billion=8, bits_per_weight=8,"
                            " kv_kib_per_token=128, context_tokens=32768, overhead_gb=1.5)",
                            3,
                        ),
                        Case(
                            "max_sequences(gpu_gb=40, params_billion=70, bits_per_weight=4,"
                            " kv_kib_per_token=320, context_tokens=8192)",
                            1,
                        ),
                        Case(
                            "max_sequences(gpu_gb=24, params_billion=14, bits_per_weight=16,"
                            " kv_kib_per_token=160, context_tokens=2048)",
                            0,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    free_gb = gpu_gb - params_billion * 2 - overhead_gb
    per_sequence_gb = kv_kib_per_token * 1024 * context_tokens / 1e9
    return max(0, int(free_gb // per_sequence_gb))""",
                """    free_gb = gpu_gb - params_billion * bits_per_weight / 8 - overhead_gb
    per_sequence_gb = kv_kib_per_token * 1000 * context_tokens / 1e9
    return max(0, round(free_gb / per_sequence_gb))""",
            ),
            explanation=(
                "Free memory = the card minus the weights (parameters x bits / 8) minus the overhead; each "
                "sequence reserves KiB per token x 1,024 x tokens bytes of KV cache; the answer is the whole "
                "number that fits. Using the '2 GB per billion' rule starves the cache; rounding up promises "
                "a sequence that does not fit. This is what caps concurrency on a GPU long before compute "
                "does. Lesson 05, 'The KV cache grows with concurrency'."
            ),
        ),
        MultipleChoice(
            qid="q07",
            title="What the self-hosting plan left out",
            outcome="L05.3",
            article=cite(SOURCE_003, "'My single A100 was a single point of failure'")
            + "; "
            + cite(SOURCE_004, "hidden costs of self-hosting"),
            ideas=("003-21", "004-20", "000-06", "003-36", "004-21"),
            points=MC_POINTS,
            scenario=(
                "Ledgerly, a six-engineer fintech, plans to move its **customer-facing** invoice-extraction "
                "assistant from a frontier API to **one self-hosted H100 running vLLM**. Its contract with "
                "customers promises **99.5% availability**. The budget sheet has two lines: the GPU at USD "
                "2.20 an hour, and one engineer-day of set-up. Traffic doubles at every month's end.\n\n"
                "What is the most serious gap in this plan?"
            ),
            options=(
                Option(
                    "Llama's 700-million-monthly-active-user clause, which a fintech must clear with Meta "
                    "first.",
                    why=(
                        "Tempting because licences are a real check, but the clause only bites above 700M "
                        "monthly active users; Ledgerly is nowhere near it."
                    ),
                ),
                Option(
                    "The API's rate limits, which will keep throttling month-end requests after the move.",
                    why=(
                        "Tempting because rate limits hurt at month's end, but a self-hosted server has no "
                        "provider rate limit: its limit is its own capacity, the real problem here."
                    ),
                ),
                Option(
                    "One GPU is a single point of failure with no burst room, and nobody is budgeted to run "
                    "it.",
                    why=(
                        "Right: a 99.5% promise with one card and no fallback fails at the first driver "
                        "crash or month-end spike, and monitoring, patching, updates and on-call are "
                        "missing."
                    ),
                    correct=True,
                ),
                Option(
                    "vLLM cannot serve any model on one H100 without a second card for tensor parallelism.",
                    why=(
                        "Tempting because large models do need tensor parallelism, but an extraction model "
                        "that fits one 80 GB card runs on it; the hardware is not the gap."
                    ),
                ),
            ),
            explanation=(
                "Article 003's author found the same: 'My single A100 was a single point of failure. The "
                "API providers are not.' Article 004 lists the recurring burden: GPU provisioning, health "
                "monitoring, auto-scaling, failover, on-call, model updates and security patches, with the "
                "fully loaded cost 2-3 times the bare GPU rate. A customer-facing 99.5% promise needs at "
                "least a second replica or an API fallback, capacity for month-end peaks, and people on "
                "call. Lesson 05, 'The operational burden of self-hosting'."
            ),
        ),
        Numeric(
            qid="q08",
            title="The fully loaded monthly bill",
            outcome="L05.3",
            article=cite(SOURCE_004, "the fully loaded cost of an A100 is 2-3x the bare rental")
            + "; "
            + cite(SOURCE_002, "about 10 hours a month of senior engineering"),
            ideas=("004-19", "002-13", "004-20", "004-21"),
            scenario=(
                "Ledgerly fixes its plan: **two H100 replicas** (one can fail over to the other) at **USD "
                "2.35 per GPU-hour**, running **730 hours a month** each. It adds a monitoring stack at "
                "**USD 180 a month**, **14 engineer-hours a month** of patching, model updates and upgrades "
                "at **USD 115 an hour**, and an on-call allowance of **USD 1,100 a month**."
            ),
            parts=(
                Part(
                    var="q08a_total_usd_per_month",
                    ask="The fully loaded monthly cost (GPUs, monitoring, engineering hours, on-call)",
                    unit="USD per month",
                    answer=Q08.usd_per_month,
                    tolerance=1.0,
                    mistakes=(Q08.gpu_usd_per_month, Q08.usd_per_month - Q08.gpu_usd_per_month / 2),
                ),
                Part(
                    var="q08b_non_gpu_percent",
                    ask="The share of the total that is not GPU rental",
                    unit="%",
                    answer=100 * (Q08.usd_per_month - Q08.gpu_usd_per_month) / Q08.usd_per_month,
                    tolerance=0.5,
                    mistakes=(100 * (Q08.usd_per_month - Q08.gpu_usd_per_month) / Q08.gpu_usd_per_month,),
                ),
            ),
            explanation=(
                "GPUs: 2 x 2.35 x 730 = USD 3,431. Total: 3,431 + 180 + 14 x 115 (1,610) + 1,100 = USD "
                "6,321 a month. The non-GPU share is 2,890 / 6,321 = 45.7%. The tempting slips: pricing one "
                "replica, or only the GPUs (USD 3,431), the 'sticker price' article 004 warns about; 84.2% "
                "is the non-GPU cost divided by the GPU cost instead of by the total. The loaded cost here "
                "is 1.8 times the GPUs alone, near article 004's '2-3x'. Lesson 05, 'The operational "
                "burden'."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="Launch day on one API",
            outcome="L05.4",
            article=cite(SOURCE_004, "rate limits, model deprecation, unilateral pricing changes"),
            ideas=("004-23",),
            points=MC_POINTS,
            scenario=(
                "Tandem, a travel app built on one frontier API, launches a feature: **18% of requests fail "
                "with HTTP 429** during the evening peak. The same week the provider e-mails that the model "
                "version Tandem's prompts were tuned on **will be retired in 90 days**.\n\nWhich answer "
                "names both risks and a fitting response?"
            ),
            options=(
                Option(
                    "An outage and a price change: claim SLA credits for the failures and renegotiate the "
                    "price before the retirement date.",
                    why=(
                        "Tempting because failed requests look like an outage, but 429 means 'too many "
                        "requests' for your quota, not the provider being down; and a retirement is not a "
                        "price change."
                    ),
                ),
                Option(
                    "A rate limit and a deprecation: raise the quota, back off and keep a second provider; "
                    "re-evaluate the successor model now.",
                    why=(
                        "Right: both are API-side risks you plan for, not bugs; the fixes are capacity "
                        "planning with the provider, a fallback, and a measured migration on your own "
                        "schedule."
                    ),
                    correct=True,
                ),
                Option(
                    "Bugs in Tandem's own client: retry every failed request at once and pin the old model "
                    "version in each request.",
                    why=(
                        "Tempting because retrying feels safe, but immediate retries add load and more 429s, "
                        "and a retired model cannot be pinned once the provider removes it."
                    ),
                ),
                Option(
                    "A sign to self-host at once, which removes every provider limit and every forced "
                    "migration for good.",
                    why=(
                        "Tempting after a bad launch, but self-hosting swaps provider limits for your own "
                        "capacity limit and the whole operational burden; it does not fix next week."
                    ),
                ),
            ),
            explanation=(
                "Article 004 lists the API side's hidden costs: rate limits you cannot raise yourself during "
                "a spike, deprecations on the provider's timeline, unilateral price changes, and data "
                "processed on their servers. The responses: ask for higher limits before a launch, queue and "
                "back off, keep a second provider behind a fallback, and keep an evaluation set so a forced "
                "model change is a measured migration. Lesson 05, 'The API side's risks'."
            ),
        ),
        Numeric(
            qid="q10",
            title="What an SLA allows, and what a fallback buys",
            outcome="L05.4",
            article=cite(SOURCE_003, "99.9% uptime SLAs vs a single self-hosted A100"),
            ideas=("003-21", "004-23"),
            scenario=(
                "A product team compares availability figures for a **30-day month** (43,200 minutes). "
                "Provider A's SLA promises **99.9%** monthly uptime. Provider B promises **99.5%**, and its "
                "outages are **independent** of A's. Their own single-GPU server measured **98.8%** last "
                "quarter."
            ),
            parts=(
                Part(
                    var="q10a_both_down_seconds",
                    ask="Expected time in the month when A and B are down together (A with B as fallback)",
                    unit="seconds",
                    answer=MONTH_MIN * 60 * (1 - 0.999) * (1 - 0.995),
                    tolerance=0.05,
                    mistakes=(MONTH_MIN * 60 * (1 - 0.999), MONTH_MIN * (1 - 0.999) * (1 - 0.995)),
                ),
                Part(
                    var="q10b_own_gpu_minutes",
                    ask="Downtime of their single-GPU server at 98.8% in the month",
                    unit="minutes",
                    answer=MONTH_MIN * (1 - 0.988),
                    tolerance=0.5,
                    mistakes=(MONTH_MIN * 0.012 / 60,),
                ),
            ),
            explanation=(
                "With two independent providers, both are down 0.001 x 0.005 = 5 millionths of the time: "
                "43,200 x 60 s x 5e-6 = 12.96 seconds a month (if failover is instant; in practice detection "
                "takes longer). Their own single GPU at 98.8% is down 518.4 minutes, over 8.6 hours a month. "
                "That is article 003's lesson: a single self-hosted GPU is a single point of failure; the "
                "providers' SLAs and spare capacity are part of what their price buys. An SLA is a refund "
                "promise, not a guarantee, hence the fallback. Lesson 05, 'The API side's risks'."
            ),
        ),
        Numeric(
            qid="q11",
            title="A latency budget, alone and under load",
            outcome="L05.5",
            article=cite(SOURCE_003, "API latency 200-800 ms vs under 150 ms locally")
            + "; "
            + cite(SOURCE_002, "local inference beats an API on latency once the round trip counts"),
            ideas=("003-23", "002-05", "004-16"),
            scenario=(
                "A voice assistant reads answers of **200 tokens**. The time for one answer is the network "
                "round trip + the time to first token (TTFT) + the remaining **199 tokens** at the decode "
                "rate.\n\n* API path: round trip **0.12 s**, TTFT **0.45 s**, decode **70 tokens/s**.\n* "
                "Self-hosted path next to the app: round trip **0.005 s**. With one request in flight its "
                "TTFT is **0.15 s** and decode **90 tokens/s**; at the planned **16 concurrent requests** "
                "its TTFT rises to **0.40 s** and each stream decodes at **45 tokens/s**."
            ),
            parts=(
                Part(
                    var="q11a_api_total_s",
                    ask="API path: time for the whole 200-token answer",
                    unit="s",
                    answer=0.12 + 0.45 + 199 / 70,
                    tolerance=0.01,
                    working="0.12 + 0.45 + 199 / 70",
                    mistakes=(0.12 + 0.45 + 200 / 70, 0.45 + 199 / 70),
                ),
                Part(
                    var="q11b_self_16_total_s",
                    ask="Self-hosted path at 16 concurrent requests: time for the whole answer",
                    unit="s",
                    answer=0.005 + 0.40 + 199 / 45,
                    tolerance=0.01,
                    working="0.005 + 0.40 + 199 / 45",
                    mistakes=(0.005 + 0.15 + 199 / 90,),
                ),
            ),
            explanation=(
                "API: first token after 0.12 + 0.45 = 0.57 s; whole answer 0.57 + 199 / 70 = 3.413 s. "
                "Self-hosted alone: 0.005 + 0.15 + 199 / 90 = 2.366 s, the 'faster than any API' result of "
                "article 002. At 16 concurrent requests: 0.005 + 0.40 + 199 / 45 = 4.827 s, slower than the "
                "API, because batching trades each stream's speed for total throughput and queued prefills "
                "raise TTFT. A benchmark at concurrency 1 would have hidden this. Slips: 200 instead of 199 "
                "decode tokens (the first token is inside TTFT), forgetting the round trip. Lesson 05, 'A "
                "latency budget'."
            ),
        ),
        Code(
            qid="q12",
            title="The longest answer within a latency target",
            outcome="L05.5",
            article=cite(SOURCE_004, "latency tolerance scored 1-5; measure the network round trip"),
            ideas=("004-16", "002-05"),
            scenario=(
                "A product sets a latency target per answer. One answer takes the **network round trip**, "
                "then the **time to first token** (which brings the first token), then each further token at "
                "the **decode rate**. Write `max_tokens_within`: the largest whole number of output tokens "
                "that arrives within `target_s`; `0` if even the first token is late.\n\n"
                "Worked example: round trip 0.1 s, TTFT 0.4 s, 50 tokens/s, target 2.5 s: `101`."
            ),
            signature='''def max_tokens_within(
    *, rtt_s: float, ttft_s: float, decode_tokens_per_s: float, target_s: float
) -> int:
    """The most output tokens that arrive within target_s (0 if the first token is late)."""''',
            solution="""    first_s = rtt_s + ttft_s
    if first_s > target_s:
        return 0
    return 1 + int((target_s - first_s) * decode_tokens_per_s + 1e-9)""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "max_tokens_within(rtt_s=0.1, ttft_s=0.4, decode_tokens_per_s=50.0, "
                            "target_s=2.5)",
                            101,
                            hidden=False,
                        ),
                        Case(
                            "max_tokens_within(rtt_s=0.2, ttft_s=0.6, decode_tokens_per_s=60.0, "
                            "target_s=3.0)",
                            133,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="A first token past the target leaves nothing; the round trip counts.",
                    cases=(
                        Case(
                            "max_tokens_within(rtt_s=0.3, ttft_s=0.9, decode_tokens_per_s=80.0, "
                            "target_s=1.0)",
                            0,
                        ),
                        Case(
                            "max_tokens_within(rtt_s=0.25, ttft_s=0.35, decode_tokens_per_s=40.0,"
                            " target_s=0.6)",
                            1,
                        ),
                        Case(
                            "max_tokens_within(rtt_s=0.005, ttft_s=0.4, decode_tokens_per_s=45.0,"
                            " target_s=4.0)",
                            162,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return int((target_s - rtt_s - ttft_s) * decode_tokens_per_s)""",
                """    first_s = ttft_s
    if first_s > target_s:
        return 0
    return 1 + int((target_s - first_s) * decode_tokens_per_s + 1e-9)""",
            ),
            explanation=(
                "The first token arrives at round trip + TTFT; each further token takes 1 / rate seconds, so "
                "n tokens take rtt + TTFT + (n - 1) / rate and the largest n within the target is 1 + "
                "floor((target - rtt - TTFT) x rate). Forgetting the round trip overstates what a remote API "
                "can deliver; forgetting the first token undercounts by one. Lesson 05, 'A latency budget'; "
                "course.teaching.latency_budget.max_output_tokens_within does the same with a concurrency "
                "slowdown."
            ),
        ),
        Code(
            qid="q13",
            title="Replicas for peak load with a spare",
            outcome="L05.3",
            article=cite(SOURCE_004, "failover, auto-scaling and burst capacity are the self-hoster's job"),
            ideas=("003-21", "000-08"),
            scenario=(
                "A self-hosting team sizes its fleet for the **peak** load, not the average, and keeps "
                "**spare replicas** so one can fail (or be patched) without losing capacity. Write "
                "`replicas_needed`: the smallest whole number of replicas whose combined throughput covers "
                "the peak, **plus** the spares.\n\n"
                "Example: a peak of 5,000 tokens/s with 1,800 tokens/s per replica and 1 spare needs 3 + 1 = "
                "4 replicas."
            ),
            signature='''def replicas_needed(*, peak_tokens_per_s: float, tokens_per_s_per_replica: float,
                    spare: int = 1) -> int:
    """Whole replicas that cover the peak throughput, plus the spares."""''',
            solution="""    whole = int(peak_tokens_per_s // tokens_per_s_per_replica)
    if whole * tokens_per_s_per_replica < peak_tokens_per_s:
        whole += 1
    return whole + spare""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "replicas_needed(peak_tokens_per_s=5000, tokens_per_s_per_replica=1800)",
                            4,
                            hidden=False,
                        ),
                        Case("replicas_needed(peak_tokens_per_s=3600, tokens_per_s_per_replica=1800)", 3),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Round up (a fraction of a replica does not exist), then add the spares.",
                    cases=(
                        Case(
                            "replicas_needed(peak_tokens_per_s=100, tokens_per_s_per_replica=1800, spare=0)",
                            1,
                        ),
                        Case(
                            "replicas_needed(peak_tokens_per_s=9001, tokens_per_s_per_replica=1500, spare=2)",
                            9,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return int(peak_tokens_per_s // tokens_per_s_per_replica) + spare""",
                """    return int(peak_tokens_per_s // tokens_per_s_per_replica) + 1""",
                """    return -(-peak_tokens_per_s // tokens_per_s_per_replica)""",
            ),
            explanation=(
                "Capacity is whole replicas: ceil(peak / per-replica throughput), then the spares (N+1 "
                "redundancy), which is what removes the single point of failure article 003's author hit "
                "with one A100. 9,001 / 1,500 = 6.0007, so 7, plus 2 = 9. Rounding down leaves the peak "
                "unserved; '+1' in place of the spares is right only when spare is 1. Lesson 05, 'The "
                "operational burden of self-hosting'."
            ),
        ),
    ),
)
