"""Quiz 05 · Operations and latency (lesson 05): scenario questions."""

from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

S002 = "002 · Open-source LLM vs frontier API: which one for which task in 2026 (2026-04-29)"
S003 = "003 · Open Source vs Closed AI: How to Decide (2026-06-24)"
S004 = "004 · Open Source vs Closed Source LLMs — Decision Framework (2026)"

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
            seed=f"{S004}: vLLM (PagedAttention, continuous batching) as the production standard",
            scenario="""Harbour Analytics runs an internal assistant for 1,200 employees on its own cloud
account: **Llama 3.1 70B at 8-bit** on **two H100 80 GB GPUs**. At the Monday-morning peak about
**150 chats are in flight at once**. The applications already speak the OpenAI chat API, and two platform
engineers will run the service. It is a new deployment in 2026.

Which serving stack fits this workload best?""",
            options=(
                Option(
                    "Ollama on each GPU, one model copy per card behind a load balancer",
                    why="Tempting because Ollama is the quickest to start and speaks an OpenAI-style API, "
                    "but it is built for development and single-user serving; it gives up most of the "
                    "batching throughput 150 concurrent chats need, and a 70B model at 8-bit (70 GB) barely "
                    "fits one card with no room for the KV cache.",
                ),
                Option(
                    "vLLM with the model split over both GPUs (tensor parallel), PagedAttention and "
                    "continuous batching, behind its OpenAI-compatible server",
                    why="Right: many concurrent streams on datacentre GPUs is exactly what PagedAttention "
                    "(KV cache in pages, little waste) and continuous batching (new requests join the batch "
                    "between decode steps) are for.",
                    correct=True,
                ),
                Option(
                    "Hugging Face TGI, which seed 004 lists as a production-grade server",
                    why="Tempting because the seed lists it beside vLLM, but Hugging Face put TGI into "
                    "maintenance mode in December 2025 (minor fixes only) and points new deployments to "
                    "vLLM, SGLang or llama.cpp: fine to keep running, not to start on.",
                ),
                Option(
                    "llama-cpp-python's built-in server on one GPU with the model at 4-bit",
                    why="Tempting because it is simple and quantized weights fit one card, but that server "
                    "answers one request at a time (measured in this course's lab 03), so 150 chats queue.",
                ),
            ),
            explanation="The deciding facts are concurrency (150 streams) and hardware (two datacentre "
            "GPUs). Throughput under concurrency comes from batching many sequences per decode step without "
            "wasting KV-cache memory: vLLM's continuous batching and PagedAttention. Ollama and llama.cpp "
            "shine on a laptop or a single user; TGI was a fine answer in 2024 but is in maintenance mode "
            "since December 2025. Lesson 05, 'Choosing a serving stack'.",
        ),
        MultipleChoice(
            qid="q02",
            title="Offline inspections on laptops without a GPU",
            outcome="L05.1",
            seed=f"{S003}: on-device and offline work needs open weights; {S004}: air-gapped deployment",
            scenario="""An energy company's inspectors fill in safety reports on **ruggedised laptops with
16 GB of RAM and no GPU**, on offshore platforms with **no network for days**. One inspector uses each laptop.
The team wants a **3B-parameter open model** to turn voice notes (already transcribed) into structured
reports.

Which way of serving the model fits?""",
            options=(
                Option(
                    "vLLM on each laptop, for its throughput",
                    why="Tempting because vLLM is the production standard, but it is built for GPUs and for "
                    "many concurrent users; one user on a CPU gains nothing from its batching.",
                ),
                Option(
                    "A managed open-model host (Together AI, Fireworks) reached over the API",
                    why="Tempting because it gives open weights without running servers, but it needs the "
                    "network, which the platforms do not have.",
                ),
                Option(
                    "A private deployment of a frontier model in the company's own cloud region",
                    why="Tempting because it keeps data in the company's tenancy, but it is still a remote "
                    "call: no network, no answer.",
                ),
                Option(
                    "llama.cpp (or Ollama, which wraps it) with the model as a 4-bit GGUF file on the "
                    "laptop's CPU",
                    why="Right: llama.cpp runs quantized GGUF models on a CPU in a few GB of RAM (3B at "
                    "4-bit is about 1.5-2 GB), with no network at all.",
                    correct=True,
                ),
            ),
            explanation="Offline, one user, no GPU: the model must run in-process on the laptop. A 3B model "
            "at 4 bits is 3e9 × 4 ÷ 8 = 1.5 GB of weights (about 2 GB as a Q4_K_M file), comfortable in 16 "
            "GB of RAM. Every remote option fails the 'no network' constraint, and vLLM's strengths (GPU "
            "batching) do not apply to a single user on a CPU. Seed 003's question 6: on-device or offline "
            "means open weights, no exceptions. Lesson 05, 'Choosing a serving stack'; lab 01 runs "
            "llama.cpp on a CPU.",
        ),
        MultipleChoice(
            qid="q03",
            title="Open weights without running GPUs",
            outcome="L05.1",
            seed=f"{S003}: managed open-source hosts (Together AI, Fireworks) as the middle path",
            scenario="""A four-person marketing-tech startup generates ad copy from public product data.
They chose **Llama 3.3 70B** because they plan to **fine-tune these same weights next year and may then run
them in-house**. Nobody on the team has run GPUs. Traffic is **bursty**: almost nothing at night, up to
**40 requests per second** during campaigns.

What should they use now?""",
            options=(
                Option(
                    "Rent two H100s around the clock and run vLLM themselves",
                    why="Tempting because it is the 'real' self-hosted setup, but nobody can run it, and the "
                    "GPUs sit idle at night while the bursts may still outgrow two cards.",
                ),
                Option(
                    "A managed open-model host serving Llama 3.3 70B behind an OpenAI-compatible API, paid "
                    "per token",
                    why="Right: the same open weights they plan to fine-tune, no GPUs to operate, and "
                    "per-token billing that follows the bursts; moving in-house later changes a base URL.",
                    correct=True,
                ),
                Option(
                    "A closed frontier API, since it is the simplest",
                    why="Tempting because simplicity is what a team without GPU skills needs, but it breaks "
                    "their stated plan: the weights they will fine-tune and may self-host are Llama's, and a "
                    "closed model's prompts and behaviour would have to be migrated later.",
                ),
                Option(
                    "Ollama on a developer's workstation, exposed to the internet",
                    why="Tempting because it is free and quick, but one workstation is a single point of "
                    "failure with no burst capacity and no security hardening.",
                ),
            ),
            explanation="Seed 003's FAQ calls managed open-model hosts (Together AI, Fireworks) 'often the "
            "best middle path for teams without dedicated infra engineers': priced below the frontier APIs, "
            "above raw self-hosted compute, with none of the operations. The constraints that decide it: "
            "keep the same weights (rules out the closed API), no GPU skills and bursty traffic (rules out "
            "renting GPUs or a workstation). Lesson 05, 'Managed open-model hosts'.",
        ),
        Numeric(
            qid="q04",
            title="Checking a rule of thumb for a 70B model at 4-bit",
            outcome="L05.2",
            seed=f"{S003}: 'roughly 2GB of VRAM per billion parameters at 4-bit' is the 16-bit figure",
            scenario="""A team sizing GPUs for **Llama 3.1 70B (70 billion parameters) quantized to 4 bits
per weight** reads a rule of thumb in an article: *"assume roughly 2 GB of VRAM per billion parameters at
4-bit quantization."* Before they order hardware, check the rule (ignore the KV cache and runtime overhead
here; 1 GB = 10^9 bytes).""",
            parts=(
                Part(
                    var="q04a_weights_gb",
                    ask="Memory the 4-bit weights take: parameters × bits ÷ 8",
                    unit="GB",
                    answer=70e9 * 4 / 8 / 1e9,
                    tolerance=0.5,
                    working="70e9 * 4 / 8 / 1e9",
                    mistakes=(140.0, 280.0),
                ),
                Part(
                    var="q04b_rule_gb",
                    ask="What the rule of thumb predicts for this model",
                    unit="GB",
                    answer=70 * 2.0,
                    tolerance=0.5,
                    working="70 * 2.0",
                    mistakes=(35.0,),
                ),
                Part(
                    var="q04c_rule_bits",
                    ask="The number of bits per parameter the rule actually assumes (2 GB per billion "
                    "parameters is how many bits each?)",
                    unit="bits",
                    answer=2.0e9 * 8 / 1e9,
                    tolerance=0.1,
                    working="2.0e9 * 8 / 1e9",
                    mistakes=(4.0, 2.0),
                ),
            ),
            explanation="Weights = 70e9 parameters × 4 bits ÷ 8 bits per byte = 35e9 bytes = 35 GB: one 48 "
            "GB or 80 GB card holds them with room for the KV cache. The rule gives 70 × 2 = 140 GB, four "
            "times too much: 2 GB per billion parameters is 2 bytes = 16 bits per parameter, the FP16/BF16 "
            "figure. Seed 003 (2026-06-24) states it 'at 4-bit' in its FAQ, yet in the same answer says 70B "
            "at 4-bit fits in 48 GB, which only the 35 GB figure allows. Real 4-bit GGUF files carry block "
            "scales (Q4_K_M is about 4.8 bits per weight, so about 42 GB), still far from 140 GB. Lesson "
            "05, 'Sizing GPU memory'.",
        ),
        Numeric(
            qid="q05",
            title="Does the KV cache fit on a 24 GB card?",
            outcome="L05.2",
            seed=f"{S003}: 8B on a single 16 GB GPU; memory = weights + KV cache",
            scenario="""A support team serves **Llama 3.1 8B (8.0 billion parameters) at 8 bits per weight**
on one **24 GB** GPU. The model has **32 layers, 8 key-value heads and a head dimension of 128**; the KV cache
is stored in FP16 (**2 bytes per value**). Each token keeps one key and one value vector per layer and KV
head. They want **16 concurrent conversations of up to 8,192 tokens** each. (1 GB = 10^9 bytes; ignore runtime
overhead.)""",
            parts=(
                Part(
                    var="q05a_kv_bytes_per_token",
                    ask="KV cache per token: 2 (key and value) × layers × KV heads × head dimension × bytes",
                    unit="bytes",
                    answer=2 * 32 * 8 * 128 * 2,
                    tolerance=1,
                    working="2 * 32 * 8 * 128 * 2",
                    mistakes=(65536, 524288),
                ),
                Part(
                    var="q05b_kv_total_gb",
                    ask="KV cache for all 16 conversations at 8,192 tokens",
                    unit="GB",
                    answer=2 * 32 * 8 * 128 * 2 * 16 * 8192 / 1e9,
                    tolerance=0.1,
                    working="2 * 32 * 8 * 128 * 2 * 16 * 8192 / 1e9",
                    mistakes=(1.07, 68.72),
                ),
                Part(
                    var="q05c_total_gb",
                    ask="Weights plus KV cache",
                    unit="GB",
                    answer=8.0e9 * 8 / 8 / 1e9 + 2 * 32 * 8 * 128 * 2 * 16 * 8192 / 1e9,
                    tolerance=0.1,
                    working="8.0e9 * 8 / 8 / 1e9 + 2 * 32 * 8 * 128 * 2 * 16 * 8192 / 1e9",
                    mistakes=(33.18, 17.18),
                ),
            ),
            explanation="Per token: 2 × 32 × 8 × 128 × 2 bytes = 131,072 bytes (128 KiB). For 16 × 8,192 = "
            "131,072 tokens that is 131,072 × 131,072 = 17.18e9 bytes = 17.18 GB. Weights at 8 bits: 8.0e9 "
            "× 8 ÷ 8 = 8 GB. Total 25.18 GB: it does NOT fit in 24 GB, before any runtime overhead. Fixes: "
            "fewer concurrent sequences, shorter contexts, an 8-bit KV cache (halves 17.18 GB), or 4-bit "
            "weights. The tempting slips: forgetting the factor 2 for keys and values (65,536 bytes), using "
            "all 32 attention heads instead of the 8 KV heads (grouped-query attention), or counting the "
            "weights at 16 bits (16 GB, total 33.18 GB). Lesson 05, 'Sizing GPU memory: the KV cache'.",
        ),
        Code(
            qid="q06",
            title="A VRAM estimate function",
            outcome="L05.2",
            seed=f"{S003}: replace the 2 GB/B rule with parameters × bits ÷ 8 + KV cache",
            scenario="""Your platform team wants one function in its capacity planner instead of the rule of
thumb: GPU memory = **weights (parameters × bits per weight ÷ 8)** + **KV cache** + **runtime overhead**,
all in GB (10^9 bytes). The parameter count is given in **billions**.

Write `vram_gb`. Example: 8 billion parameters at 16 bits with no KV cache and no overhead is 16.0 GB.""",
            signature='''def vram_gb(*, params_billion: float, bits_per_weight: float,
            kv_cache_gb: float = 0.0, overhead_gb: float = 0.0) -> float:
    """GPU memory in GB for the weights plus the KV cache plus the runtime overhead."""''',
            solution="""    return params_billion * bits_per_weight / 8 + kv_cache_gb + overhead_gb""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="Weights alone: billions of parameters × bits ÷ 8 gives GB directly "
                    "(1e9 parameters × 1 byte = 1 GB).",
                    cases=(
                        Case("vram_gb(params_billion=8, bits_per_weight=16)", 16.0, hidden=False),
                        Case("vram_gb(params_billion=70, bits_per_weight=4)", 35.0),
                        Case("vram_gb(params_billion=3, bits_per_weight=4.8)", 1.8),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="The KV cache and the runtime overhead add on top of the weights.",
                    cases=(
                        Case("vram_gb(params_billion=70, bits_per_weight=4, kv_cache_gb=10.7)", 45.7),
                        Case(
                            "vram_gb(params_billion=8, bits_per_weight=8, kv_cache_gb=17.18, "
                            "overhead_gb=1.5)",
                            26.68,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return params_billion * 2.0 + kv_cache_gb + overhead_gb""",
                """    return params_billion * bits_per_weight / 8""",
                """    return params_billion * bits_per_weight + kv_cache_gb + overhead_gb""",
            ),
            explanation="Memory in bytes is parameters × bits ÷ 8; with the parameters in billions the "
            "result is in GB. 70B at 4 bits = 35 GB, not the 140 GB that seed 003's '2 GB per billion at "
            "4-bit' gives (2 GB per billion is 16 bits). A planner that drops the KV cache undersizes "
            "long-context or high-concurrency serving (question q05 needed 17 GB of cache for 8 GB of "
            "weights). Lesson 05, 'Sizing GPU memory'; course.economics.sizing does the same sum with each "
            "model's "
            "real shape.",
        ),
        MultipleChoice(
            qid="q07",
            title="What the self-hosting plan left out",
            outcome="L05.3",
            seed=f"{S003}: 'My single A100 was a single point of failure'; {S004}: hidden costs of "
            "self-hosting",
            scenario="""Ledgerly, a six-engineer fintech, plans to move its **customer-facing**
invoice-extraction assistant from a frontier API to **one self-hosted H100 running vLLM**. Its contract with
customers promises **99.5% availability**. The budget sheet has two lines: the GPU at USD 2.20 an hour, and
one engineer-day of setup. Traffic doubles at every month's end.

What is the most serious gap in this plan?""",
            options=(
                Option(
                    "Llama's 700-million-monthly-active-user clause, which a fintech must clear with Meta",
                    why="Tempting because licences are a real check, but the clause only bites above 700M "
                    "monthly active users; Ledgerly is nowhere near it.",
                ),
                Option(
                    "The API's rate limits, which will still throttle requests after the move",
                    why="Tempting because rate limits hurt at month's end, but a self-hosted server has no "
                    "provider rate limit: its limit is its own capacity, which is the real problem here.",
                ),
                Option(
                    "One GPU is a single point of failure with no burst capacity, and nobody is budgeted for "
                    "monitoring, patching, model updates or on-call",
                    why="Right: a 99.5% promise with one card and no fallback fails at the first driver "
                    "crash or month-end spike, and the recurring operations work is missing from the budget.",
                    correct=True,
                ),
                Option(
                    "vLLM cannot serve a model on an H100 without a second card for tensor parallelism",
                    why="Tempting because large models do need tensor parallelism, but an extraction model "
                    "that fits one 80 GB card runs on it; the hardware is not the gap.",
                ),
            ),
            explanation="The seed 003 author found the same: 'My single A100 was a single point of failure. "
            "The API providers are not.' Seed 004 lists the recurring burden: GPU provisioning, health "
            "monitoring, auto-scaling, failover, on-call, model updates and security patches, with the "
            "fully loaded cost 2-3 times the bare GPU rate. A customer-facing 99.5% promise needs at least "
            "a second replica or an API fallback, capacity for month-end peaks, and people on call. Lesson "
            "05, 'The operational burden'.",
        ),
        Numeric(
            qid="q08",
            title="The fully loaded monthly bill",
            outcome="L05.3",
            seed=f"{S004}: the fully loaded cost of an A100 is 2-3× the bare rental; {S002}: ~10 h/month of "
            "senior engineering",
            scenario="""Ledgerly fixes its plan: **two H100 replicas** (one can fail over to the other) at
**USD 2.20 per GPU-hour**, running **730 hours a month** each. It adds a monitoring stack at **USD 150 a
month**, **12 engineer-hours a month** of patching, model updates and upgrades at **USD 110 an hour**, and an
on-call allowance of **USD 1,200 a month**.""",
            parts=(
                Part(
                    var="q08a_gpu_usd_per_month",
                    ask="GPU rental for both replicas",
                    unit="USD per month",
                    answer=2 * 2.20 * 730,
                    tolerance=1.0,
                    working="2 * 2.20 * 730",
                    mistakes=(1606.0,),
                ),
                Part(
                    var="q08b_total_usd_per_month",
                    ask="The fully loaded monthly cost (GPUs, monitoring, engineering hours, on-call)",
                    unit="USD per month",
                    answer=2 * 2.20 * 730 + 150 + 12 * 110 + 1200,
                    tolerance=1.0,
                    working="2 * 2.20 * 730 + 150 + 12 * 110 + 1200",
                    mistakes=(3212.0, 4276.0),
                ),
                Part(
                    var="q08c_non_gpu_percent",
                    ask="The share of the total that is not GPU rental",
                    unit="%",
                    answer=100 * (150 + 12 * 110 + 1200) / (2 * 2.20 * 730 + 150 + 12 * 110 + 1200),
                    tolerance=0.5,
                    working="100 * (150 + 12 * 110 + 1200) / (2 * 2.20 * 730 + 150 + 12 * 110 + 1200)",
                    mistakes=(83.1,),
                ),
            ),
            explanation="GPUs: 2 × 2.20 × 730 = USD 3,212. Total: 3,212 + 150 + 12 × 110 (1,320) + 1,200 = "
            "USD 5,882 a month. The non-GPU share is 2,670 ÷ 5,882 = 45.4%. The tempting slips: pricing one "
            "replica (USD 1,606), or only the GPUs (USD 3,212), which is the 'sticker price' seed 004 warns "
            "about; 83.1% is the non-GPU cost divided by the GPU cost instead of by the total. The loaded "
            "cost here is 1.8 times the GPUs alone, near seed 004's '2-3x'. Lesson 05, 'The operational "
            "burden'.",
        ),
        MultipleChoice(
            qid="q09",
            title="Launch day on one API",
            outcome="L05.4",
            seed=f"{S004}: rate limits, model deprecation, unilateral pricing changes on the API side",
            scenario="""Tandem, a travel app built on one frontier API, launches a feature: **18% of requests
fail with HTTP 429** during the evening peak. The same week the provider emails that the model version
Tandem's prompts were tuned on **will be retired in 90 days**.

Which answer names both risks and a fitting response?""",
            options=(
                Option(
                    "An outage and a price change: claim SLA credits and renegotiate the price",
                    why="Tempting because failed requests look like an outage, but 429 means 'too many "
                    "requests' for your quota, not the provider being down; and a retirement is not a price "
                    "change.",
                ),
                Option(
                    "A rate limit and a deprecation: raise the quota tier before launches, queue with "
                    "backoff and add a second provider as fallback; re-run the team's evaluation set on the "
                    "successor model and retune prompts before the date",
                    why="Right: both are API-side risks you plan for, not bugs; the fixes are capacity "
                    "planning with the provider, a fallback, and a measured migration on your own schedule.",
                    correct=True,
                ),
                Option(
                    "Bugs in Tandem's client: retry every failed request at once and pin the old model "
                    "version in the request",
                    why="Tempting because retrying feels safe, but immediate retries add load and more 429s, "
                    "and a retired model cannot be pinned once the provider removes it.",
                ),
                Option(
                    "A sign to self-host at once, which removes every limit",
                    why="Tempting after a bad launch, but self-hosting swaps provider limits for your own "
                    "capacity limit and the whole operational burden; it does not fix next week.",
                ),
            ),
            explanation="Seed 004 lists the API side's hidden costs: rate limits you cannot raise yourself "
            "during a spike, deprecations on the provider's timeline ('OpenAI deprecated GPT-3.5 Turbo'), "
            "unilateral price changes, and data processed on their servers. The responses: ask for higher "
            "limits before a launch, queue and back off, keep a second provider behind a fallback, and keep "
            "an evaluation set so a forced model change is a measured migration. Lesson 05, 'The API side's "
            "risks'.",
        ),
        Numeric(
            qid="q10",
            title="What an SLA allows, and what a fallback buys",
            outcome="L05.4",
            seed=f"{S003}: 99.9% uptime SLAs vs a single self-hosted A100",
            scenario="""A product team compares availability figures for a **30-day month**
(43,200 minutes). Provider A's SLA promises **99.9%** monthly uptime. Provider B also promises **99.9%**, and
its outages are **independent** of A's. Their own single-GPU server measured **99.0%** last quarter.""",
            parts=(
                Part(
                    var="q10a_sla_minutes",
                    ask="Downtime provider A's SLA allows in the month",
                    unit="minutes",
                    answer=43200 * (1 - 0.999),
                    tolerance=0.1,
                    working="43200 * (1 - 0.999)",
                    mistakes=(4.32, 432.0),
                ),
                Part(
                    var="q10b_both_down_seconds",
                    ask="Expected time in the month when A and B are down together (A with B as fallback)",
                    unit="seconds",
                    answer=43200 * 60 * (1 - 0.999) * (1 - 0.999),
                    tolerance=0.05,
                    working="43200 * 60 * (1 - 0.999) * (1 - 0.999)",
                    mistakes=(5184.0, 0.0432),
                ),
                Part(
                    var="q10c_own_gpu_minutes",
                    ask="Downtime of their single-GPU server at 99.0% in the month",
                    unit="minutes",
                    answer=43200 * (1 - 0.99),
                    tolerance=0.5,
                    working="43200 * (1 - 0.99)",
                    mistakes=(43.2,),
                ),
            ),
            explanation="99.9% of 43,200 minutes leaves 0.1% = 43.2 minutes of allowed downtime. With two "
            "independent providers, both are down 0.001 × 0.001 = one millionth of the time: 43,200 × 60 s "
            "× 1e-6 = 2.59 seconds a month (if failover is instant; in practice detection takes longer). "
            "Their own single GPU at 99.0% is down 432 minutes, over 7 hours a month. That is seed 003's "
            "lesson: a single self-hosted GPU is a single point of failure; the API providers' SLAs and "
            "spare capacity are part of what their price buys. An SLA is a refund promise, not a guarantee, "
            "hence the fallback. Lesson 05, 'The API side's risks'.",
        ),
        Numeric(
            qid="q11",
            title="A latency budget, alone and under load",
            outcome="L05.5",
            seed=f"{S003}: API latency 200-800 ms vs under 150 ms locally; {S004}: latency dimension",
            scenario="""A voice assistant reads answers of **200 tokens**. The time for one answer is the
network round trip + the time to first token (TTFT) + the remaining **199 tokens** at the decode rate.

* API path: round trip **0.12 s**, TTFT **0.45 s**, decode **70 tokens/s**.
* Self-hosted path next to the app: round trip **0.005 s**. With one request in flight its TTFT is
  **0.15 s** and decode **90 tokens/s**; at the planned **16 concurrent requests** its TTFT rises to
  **0.40 s** and each stream decodes at **45 tokens/s**.""",
            parts=(
                Part(
                    var="q11a_api_first_token_s",
                    ask="API path: time until the first token reaches the app",
                    unit="s",
                    answer=0.12 + 0.45,
                    tolerance=0.01,
                    working="0.12 + 0.45",
                    mistakes=(0.45,),
                ),
                Part(
                    var="q11b_api_total_s",
                    ask="API path: time for the whole 200-token answer",
                    unit="s",
                    answer=0.12 + 0.45 + 199 / 70,
                    tolerance=0.01,
                    working="0.12 + 0.45 + 199 / 70",
                    mistakes=(0.12 + 0.45 + 200 / 70, 0.45 + 199 / 70),
                ),
                Part(
                    var="q11c_self_16_total_s",
                    ask="Self-hosted path at 16 concurrent requests: time for the whole answer",
                    unit="s",
                    answer=0.005 + 0.40 + 199 / 45,
                    tolerance=0.01,
                    working="0.005 + 0.40 + 199 / 45",
                    mistakes=(0.005 + 0.15 + 199 / 90,),
                ),
            ),
            explanation="API: first token after 0.12 + 0.45 = 0.57 s; whole answer 0.57 + 199 ÷ 70 = 0.57 + "
            "2.843 = 3.413 s. Self-hosted alone: 0.005 + 0.15 + 199 ÷ 90 = 2.366 s, the 'faster than any "
            "API' result of seed 002. At 16 concurrent requests: 0.005 + 0.40 + 199 ÷ 45 = 4.827 s, slower "
            "than the API, because batching trades each stream's speed for total throughput and queued "
            "prefills raise TTFT. A benchmark at concurrency 1 would have hidden this. Slips: 200 instead "
            "of 199 decode tokens (the first token is inside TTFT), forgetting the round trip. Lesson 05, "
            "'A latency budget'.",
        ),
        Code(
            qid="q12",
            title="A latency budget function",
            outcome="L05.5",
            seed=f"{S004}: latency tolerance (under 500 ms, 1-2 s, 2-5 s); {S003}: network round trip to the "
            "API",
            scenario="""Write the function your team will use to check a request against its latency
target. One answer takes the **network round trip**, then the **time to first token** (which includes the
first token), then the **remaining tokens** (output tokens − 1) at the **decode rate**.

Example: round trip 0.1 s, TTFT 0.4 s, 101 output tokens at 50 tokens/s gives 0.1 + 0.4 + 100 ÷ 50 = 2.5
s.""",
            signature='''def e2e_latency_s(*, rtt_s: float, ttft_s: float, output_tokens: int,
                   decode_tokens_per_s: float) -> float:
    """Seconds from sending the request until the last token arrives."""''',
            solution="""    return rtt_s + ttft_s + (output_tokens - 1) / decode_tokens_per_s""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "e2e_latency_s(rtt_s=0.1, ttft_s=0.4, output_tokens=101, "
                            "decode_tokens_per_s=50.0)",
                            2.5,
                            hidden=False,
                        ),
                        Case(
                            "e2e_latency_s(rtt_s=0.12, ttft_s=0.45, output_tokens=200, "
                            "decode_tokens_per_s=70.0)",
                            0.12 + 0.45 + 199 / 70,
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="A one-token answer is all TTFT: no decode time after the first token.",
                    cases=(
                        Case(
                            "e2e_latency_s(rtt_s=0.005, ttft_s=0.15, output_tokens=1, "
                            "decode_tokens_per_s=90.0)",
                            0.155,
                        ),
                        Case(
                            "e2e_latency_s(rtt_s=0.0, ttft_s=0.4, output_tokens=46, "
                            "decode_tokens_per_s=45.0)",
                            1.4,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    return rtt_s + ttft_s + output_tokens / decode_tokens_per_s""",
                """    return ttft_s + (output_tokens - 1) / decode_tokens_per_s""",
                """    return rtt_s + ttft_s + (output_tokens - 1) * decode_tokens_per_s""",
            ),
            explanation="E2E = round trip + TTFT + (tokens − 1) ÷ decode rate. The first token arrives with "
            "TTFT, so only the remaining tokens take decode time (vLLM's TPOT definition divides by output "
            "tokens − 1 for the same reason). Dropping the round trip is what makes a local benchmark look "
            "better than the API from far away; counting all tokens at the decode rate double-counts the "
            "first. Lesson 05, 'A latency budget'; course.teaching.latency_budget splits the same seconds "
            "with a "
            "queue term for concurrency.",
        ),
        Code(
            qid="q13",
            title="Replicas for peak load with a spare",
            outcome="L05.3",
            seed=f"{S004}: failover, auto-scaling and burst capacity are the self-hoster's job",
            scenario="""A self-hosting team sizes its fleet for the **peak** load, not the average, and keeps
**spare replicas** so one can fail (or be patched) without losing capacity. Write `replicas_needed`: the
smallest whole number of replicas whose combined throughput covers the peak, **plus** the spares.

Example: a peak of 5,000 tokens/s with 1,800 tokens/s per replica and 1 spare needs 3 + 1 = 4 replicas.""",
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
                    explanation="Round up (a fraction of a replica does not exist) and add the spares on "
                    "top.",
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
            explanation="Capacity is whole replicas: ceil(peak ÷ per-replica throughput), then the spares "
            "(N+1 redundancy), which is what removes the single point of failure seed 003's author hit with "
            "one A100. 5,000 ÷ 1,800 = 2.78, so 3, plus 1 spare = 4; 9,001 ÷ 1,500 = 6.0007, so 7, plus 2 = "
            "9. Rounding down leaves the peak unserved; '+1' in place of the spares is right only when "
            "spare is 1. Lesson 05, 'The operational burden: burst capacity'.",
        ),
    ),
)
