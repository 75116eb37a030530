"""Quiz 04 · Privacy, sovereignty and compliance (lesson 04): HIPAA, GDPR, residency, the middle path."""

from course.quiz.bank.sources import SOURCE_001, SOURCE_002, SOURCE_003, SOURCE_004, cite
from course.quiz.model import Case, Code, CodeTest, MultipleChoice, Numeric, Option, Part, Quiz

QUIZ = Quiz(
    quiz_id="quiz-04-privacy",
    title="Privacy, sovereignty and compliance",
    intro=(
        "Say what HIPAA, GDPR and residency rules ask of an LLM deployment, spot when a private deployment "
        "of a "
        "frontier model satisfies them, and when only open weights on your own hardware will do. These "
        "questions teach the shape of the rules, not legal advice: real decisions go through your compliance "
        "team."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="A clinic and a chatbot",
            outcome="L04.1",
            seed=cite(
                SOURCE_004, "PHI cannot go to a third-party API without a Business Associate Agreement"
            ),
            scenario=(
                "A US clinic wants an LLM to draft replies to patient messages, which contain protected "
                "health "
                "information (PHI). The vendor it likes offers its API under standard terms, with TLS "
                "encryption. What does HIPAA require before any PHI is sent?"
            ),
            options=(
                Option(
                    "Nothing more: encryption in transit is what HIPAA asks for.",
                    why=(
                        "Tempting because encryption is one HIPAA safeguard, but a vendor handling PHI for "
                        "the "
                        "clinic is a business associate and needs a contract, not just TLS."
                    ),
                ),
                Option(
                    "A Business Associate Agreement with the vendor, for a service the vendor offers as "
                    "HIPAA-eligible.",
                    why=(
                        "Right: seed 004's healthcare scenario turns on exactly this: PHI may go to a third "
                        "party "
                        "only under a BAA (some enterprise offerings sign one)."
                    ),
                    correct=True,
                ),
                Option(
                    "Self-hosting: HIPAA forbids sending PHI to any cloud service.",
                    why=(
                        "Tempting because many teams self-host for HIPAA, but HIPAA allows business "
                        "associates "
                        "under a BAA; self-hosting is one way, not the only one."
                    ),
                ),
                Option(
                    "Written consent from each patient; with consent no contract is needed.",
                    why=(
                        "Patient consent does not replace the business-associate contract for a vendor "
                        "handling PHI."
                    ),
                ),
            ),
            explanation=(
                "HIPAA: a covered entity may share PHI with a service provider (a business associate) only "
                "under "
                "a BAA. Whether to go further (data never leaves our VPC, as seed 004's startup chose) is a "
                "policy choice on top of the law."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title="An EU shop and a US API",
            outcome="L04.1",
            seed=cite(SOURCE_003, "GDPR Article 28 sub-processor requirements"),
            scenario=(
                "A German online shop wants a US-based LLM API to summarise customer e-mails (names, "
                "addresses, "
                "order problems). Which list is closest to what GDPR asks of this set-up?"
            ),
            options=(
                Option(
                    "Nothing, as long as the provider deletes the data within 30 days.",
                    why=(
                        "Deletion periods matter, but they do not replace a lawful basis, a contract or a "
                        "transfer basis."
                    ),
                ),
                Option(
                    "It is forbidden: GDPR bans sending personal data outside the EU.",
                    why=(
                        "Tempting, but GDPR allows transfers with a legal basis for them (an adequacy "
                        "decision "
                        "such as the EU-US Data Privacy Framework for certified firms, or standard "
                        "contractual "
                        "clauses)."
                    ),
                ),
                Option(
                    "Each customer's explicit consent for every e-mail, and nothing else.",
                    why=(
                        "Consent is one lawful basis among six and often not the best fit; it also does not "
                        "cover the processor contract or the transfer."
                    ),
                ),
                Option(
                    "A lawful basis for the processing, a processor agreement with the provider (Article "
                    "28), "
                    "and a valid basis for the transfer to the US.",
                    why=(
                        "Right: lawful basis, a data-processing agreement with the processor, and a transfer "
                        "mechanism, plus the usual duties (information, minimisation, retention)."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "GDPR does not forbid LLM APIs; it asks for a lawful basis (Art. 6), a processor contract "
                "(Art. "
                "28), and a basis for transfers outside the EU (adequacy or safeguards such as SCCs)."
            ),
        ),
        Numeric(
            qid="q03",
            title="What a GDPR breach can cost",
            outcome="L04.1",
            seed=cite(SOURCE_002, "EU GDPR sensitive data can force the deployment choice"),
            scenario=(
                "GDPR's upper tier of fines is **up to EUR 20 million or 4% of worldwide annual turnover, "
                "whichever is higher**. Give the maximum for two companies, in millions of euros."
            ),
            parts=(
                Part(
                    var="q03a_max_fine_meur",
                    ask="A group with EUR 800 million turnover",
                    unit="million EUR",
                    answer=max(20.0, 0.04 * 800),
                    tolerance=0.1,
                    mistakes=(20.0,),
                ),
                Part(
                    var="q03b_max_fine_meur",
                    ask="A start-up with EUR 300 million turnover",
                    unit="million EUR",
                    answer=max(20.0, 0.04 * 300),
                    tolerance=0.1,
                    mistakes=(0.04 * 300,),
                ),
            ),
            explanation=(
                "Whichever is higher: 4% of 800M = 32M > 20M, so EUR 32M; 4% of 300M = 12M < 20M, so EUR "
                "20M. "
                "The floor makes the risk large even for a mid-size company; that is why compliance teams "
                "weigh "
                "in before the architecture is fixed."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="Frontier quality, private deployment",
            outcome="L04.2",
            seed=cite(
                SOURCE_002, "frontier API via a privacy-preserving deployment often satisfies compliance"
            ),
            scenario=(
                "A hospital group wants the best available model to summarise clinical notes. Compliance "
                "requires a BAA, and that the data stays in the group's own cloud account and region. The "
                "group "
                "has no ML-operations team. What fits best?"
            ),
            options=(
                Option(
                    "Self-host an open 70B model, since privacy always means self-hosting.",
                    why=(
                        "Tempting, but the requirements (BAA, own account, region) can be met without "
                        "running "
                        "GPUs, and the group has no one to run them."
                    ),
                ),
                Option(
                    "A frontier model in a private deployment (for example Azure OpenAI under a BAA, or "
                    "Bedrock "
                    "in their VPC) in their region.",
                    why=(
                        "Right: seed 002 (2026-04-29) names this middle path: it often satisfies compliance "
                        "while keeping the quality lead, with no GPUs to operate."
                    ),
                    correct=True,
                ),
                Option(
                    "The provider's public consumer chat app with history turned off.",
                    why="No BAA, no account or region control: the requirements are not met.",
                ),
                Option(
                    "Wait until open models match the frontier on clinical text.",
                    why="A compliant option exists now; waiting is a choice with its own cost.",
                ),
            ),
            explanation=(
                "Privacy does not always mean self-hosting: Azure OpenAI under a BAA, Bedrock in a VPC, "
                "Vertex "
                "AI with data residency keep data inside contractual and regional bounds with frontier "
                "models."
            ),
        ),
        Numeric(
            qid="q05",
            title="Pricing the two compliant options",
            outcome="L04.2",
            seed=cite(
                SOURCE_004, "self-hosting on A100s vs API costs; fully loaded cost includes the engineer"
            ),
            scenario=(
                "Two options both pass the compliance review. **Private deployment**: **2 reserved capacity "
                "units at USD 21 an hour** each, billed for all **730 hours** of the month. "
                "**Self-hosting**: **4 "
                "GPUs at USD 2.50 an hour** for 730 hours, plus **one ML engineer at USD 15,000 a month** "
                "to run "
                "them."
            ),
            parts=(
                Part(
                    var="q05a_private_usd",
                    ask="The private deployment's monthly cost",
                    unit="USD",
                    answer=2 * 21 * 730,
                    tolerance=5.0,
                ),
                Part(
                    var="q05b_self_host_usd",
                    ask="Self-hosting's monthly cost",
                    unit="USD",
                    answer=4 * 2.50 * 730 + 15_000,
                    tolerance=5.0,
                    mistakes=(4 * 2.50 * 730,),
                ),
                Part(
                    var="q05c_private_extra_usd",
                    ask="How much more the private deployment costs a month (negative if less)",
                    unit="USD",
                    answer=2 * 21 * 730 - (4 * 2.50 * 730 + 15_000),
                    tolerance=10.0,
                    mistakes=(2 * 21 * 730 - 4 * 2.50 * 730,),
                ),
            ),
            explanation=(
                "Private: 2 x 21 x 730 = USD 30,660. Self-hosted: 4 x 2.50 x 730 = USD 7,300 of GPUs plus "
                "USD "
                "15,000 of engineer = USD 22,300. The private deployment costs USD 8,360 more, the price of "
                "frontier quality and no GPU operations; without the engineer, self-hosting would look USD "
                "23,360 cheaper, which is how teams fool themselves."
            ),
        ),
        MultipleChoice(
            qid="q06",
            title="Weeks without a network",
            outcome="L04.3",
            seed=cite(SOURCE_003, "on-device and offline: open source is the only option"),
            scenario=(
                "An offshore inspection company wants an assistant on rugged tablets that technicians use on "
                "platforms with **no connectivity for weeks**. Reports must be drafted on the spot. Which "
                "option "
                "can work?"
            ),
            options=(
                Option(
                    "A frontier API with a regional endpoint close to the platforms.",
                    why=(
                        "Any API needs a network path; a nearer region does not help with no connection at "
                        "all."
                    ),
                ),
                Option(
                    "A private frontier deployment in the company's own cloud account.",
                    why=(
                        "Tempting because it is 'private', but it still runs in a data centre the tablets "
                        "cannot "
                        "reach."
                    ),
                ),
                Option(
                    "A small open-weights model running on the tablets themselves.",
                    why=(
                        "Right: offline and on-device use is where only open weights work (seed 003: 'no "
                        "exceptions')."
                    ),
                    correct=True,
                ),
                Option(
                    "Queue the requests and call the API when the tablets are back in port.",
                    why="That misses the requirement: reports must be drafted on the spot, weeks earlier.",
                ),
            ),
            explanation=(
                "Offline, on-device and air-gapped settings rule out every hosted model, public or private. "
                "The question becomes which open model fits the device (next question)."
            ),
        ),
        Numeric(
            qid="q07",
            title="What fits on the device",
            outcome="L04.3",
            seed=cite(SOURCE_003, "on-device deployment needs locally running models"),
            scenario=(
                "The tablets have **16 GB** of memory; the operating system and the app keep **6 GB**. "
                "Weights "
                "are quantized to **4 bits**, and the runtime and KV cache add **20%** on top of the "
                "weights. "
                "Count 1 GB = 1e9 bytes."
            ),
            parts=(
                Part(
                    var="q07a_budget_gb",
                    ask="Memory left for the model",
                    unit="GB",
                    answer=16 - 6,
                    tolerance=0.05,
                ),
                Part(
                    var="q07b_max_params_b",
                    ask="The largest model that fits",
                    unit="billion parameters",
                    answer=(16 - 6) / (4 / 8 * 1.2),
                    tolerance=0.1,
                    working="(16 - 6) / (4 / 8 * 1.2)",
                    mistakes=((16 - 6) / (4 / 8), (16 - 6) / 2),
                ),
                Part(
                    var="q07c_14b_needs_gb",
                    ask="The memory a 14B model needs in this set-up",
                    unit="GB",
                    answer=14 * 4 / 8 * 1.2,
                    tolerance=0.05,
                    mistakes=(14 * 2,),
                ),
            ),
            explanation=(
                "10 GB free; each billion parameters at 4 bits is 0.5 GB, 0.6 GB with 20% overhead, so up to "
                "about 16.7B parameters; a 14B model needs 8.4 GB and fits. Seed 003's '2 GB per billion at "
                "4-bit' would allow only 5B: that is the 16-bit figure."
            ),
        ),
        MultipleChoice(
            qid="q08",
            title="No third parties, including clouds",
            outcome="L04.4",
            seed=cite(SOURCE_002, "contracts that prohibit sending data to third parties"),
            scenario=(
                "A defence supplier's contract says project data may be processed only on **the supplier's "
                "own "
                "premises, by no third-party processor, cloud hosting included**. Engineers want an "
                "assistant "
                "for the project's documents. Which deployment complies?"
            ),
            options=(
                Option(
                    "Open weights on GPUs rented from a cloud provider, in a private VPC.",
                    why=(
                        "Tempting because the model is self-hosted, but the cloud provider is a third-party "
                        "processor and the premises are not the supplier's."
                    ),
                ),
                Option(
                    "Open weights on servers in the supplier's own building.",
                    why="Right: the only option with no third party and no data leaving the premises.",
                    correct=True,
                ),
                Option(
                    "A frontier model in a private deployment under a strict DPA.",
                    why="A DPA governs a third party; the contract forbids having one at all.",
                ),
                Option(
                    "A frontier API with zero data retention.",
                    why="Zero retention still sends the data to a third party for processing.",
                ),
            ),
            explanation=(
                "Read 'self-hosted' carefully: a rented cloud GPU is someone else's hardware. Contracts that "
                "forbid any processor, or air-gapped networks, need open weights on your own machines."
            ),
        ),
        MultipleChoice(
            qid="q09",
            title="When privacy is not the constraint",
            outcome="L04.4",
            seed=cite(SOURCE_001, "use frontier closed models for low-volume use and hosted simplicity"),
            scenario=(
                "A tourism board generates descriptions of public attractions from **public** data, a few "
                "thousand requests a month, with one developer. Someone proposes self-hosting 'to be safe on "
                "privacy'. Which deployment class fits?"
            ),
            options=(
                Option(
                    "A public frontier or managed API under its standard terms.",
                    why=(
                        "Right: no personal or confidential data, low volume, no operations staff: privacy "
                        "does "
                        "not constrain the choice, so simplicity and quality win."
                    ),
                    correct=True,
                ),
                Option(
                    "Self-hosted open weights, because any data sent out is a risk.",
                    why=(
                        "Tempting as a reflex, but the data is public; self-hosting would add operations "
                        "work "
                        "for one developer with nothing to protect."
                    ),
                ),
                Option(
                    "A private frontier deployment with a BAA.",
                    why=(
                        "A BAA is for health data; there is none here, and the reserved capacity would sit "
                        "idle."
                    ),
                ),
            ),
            explanation=(
                "Classify by the data first: public data and low volume point to a plain API. Privacy "
                "arguments "
                "need private data."
            ),
        ),
        MultipleChoice(
            qid="q10",
            title="Residency for an EU insurer",
            outcome="L04.4",
            seed=cite(SOURCE_002, "Vertex AI with data residency; region-isolated deployment"),
            scenario=(
                "An insurer's regulator requires customer data to be **stored and processed within the "
                "EU**. The "
                "insurer needs strong reasoning for claims triage, has a signed DPA with its cloud "
                "provider, and "
                "no GPU team. Its current API processes requests in US data centres. What should it do?"
            ),
            options=(
                Option(
                    "Keep the API: the DPA already covers the processing.",
                    why=(
                        "Tempting because the DPA is in place, but a DPA does not move the processing; the "
                        "residency rule is about where it happens."
                    ),
                ),
                Option(
                    "Self-host open weights in its own data centre.",
                    why=(
                        "It would comply, but with no GPU team and a reasoning-heavy task it trades a "
                        "solvable "
                        "location problem for an operations and quality problem."
                    ),
                ),
                Option(
                    "Pseudonymise names and keep sending the claims to the US.",
                    why=(
                        "Tempting, but pseudonymised data is still personal data under GDPR, and the rule "
                        "covers "
                        "all customer data."
                    ),
                ),
                Option(
                    "Move to a frontier model deployed in an EU region of its cloud provider, with "
                    "processing "
                    "pinned to that region.",
                    why=(
                        "Right: a private frontier deployment with data residency meets the rule and keeps "
                        "quality."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Residency rules ask where data is stored and processed. Region-pinned private deployments "
                "(Vertex AI with data residency, Azure OpenAI or Bedrock in an EU region) answer them "
                "without "
                "self-hosting."
            ),
        ),
        Code(
            qid="q11",
            title="Classify a deployment",
            outcome="L04.4",
            seed=cite(SOURCE_002, "compliance: self-hosted open source or frontier in a private deployment"),
            scenario=(
                "Write `deployment_for` from the team's rules, in this order:\n\n"
                '1. Needs to work offline, or no third party may process the data: `"self-hosted open '
                'weights"`.\n'
                '2. Regulated data (health, financial, personal data under residency rules): `"private '
                'frontier"` if a private deployment with the right agreement (BAA, DPA, region) is '
                "available, "
                'else `"self-hosted open weights"`.\n'
                '3. Otherwise: `"api"`.'
            ),
            signature='''def deployment_for(
    *,
    needs_offline: bool,
    third_parties_allowed: bool,
    regulated: bool,
    private_deployment_available: bool,
) -> str:
    """"api", "private frontier" or "self-hosted open weights"."""''',
            solution="""    if needs_offline or not third_parties_allowed:
        return "self-hosted open weights"
    if regulated:
        return "private frontier" if private_deployment_available else "self-hosted open weights"
    return "api\"""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "deployment_for(needs_offline=False, third_parties_allowed=True, regulated=False,"
                            " private_deployment_available=False)",
                            "api",
                            hidden=False,
                        ),
                        Case(
                            "deployment_for(needs_offline=False, third_parties_allowed=True, regulated=True,"
                            " private_deployment_available=True)",
                            "private frontier",
                        ),
                        Case(
                            "deployment_for(needs_offline=False, third_parties_allowed=True, regulated=True,"
                            " private_deployment_available=False)",
                            "self-hosted open weights",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Offline use and a ban on third parties override everything else.",
                    cases=(
                        Case(
                            "deployment_for(needs_offline=True, third_parties_allowed=True, regulated=False,"
                            " private_deployment_available=True)",
                            "self-hosted open weights",
                        ),
                        Case(
                            "deployment_for(needs_offline=False, third_parties_allowed=False, regulated=True,"
                            " private_deployment_available=True)",
                            "self-hosted open weights",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    if regulated:
        return "private frontier" if private_deployment_available else "self-hosted open weights"
    if needs_offline or not third_parties_allowed:
        return "self-hosted open weights"
    return "api\"""",
                """    if regulated or needs_offline or not third_parties_allowed:
        return "self-hosted open weights"
    return "api\"""",
            ),
            explanation=(
                "Order matters: hard constraints (offline, no third party) first, then regulated data, "
                "where a "
                "private frontier deployment is the middle path; only then the plain API. Treating every "
                "regulated case as self-hosting forgets the middle path."
            ),
        ),
        Code(
            qid="q12",
            title="The GDPR fine ceiling",
            outcome="L04.1",
            seed=cite(SOURCE_003, "GDPR constraints decide before capability does"),
            scenario=(
                'Write `gdpr_max_fine_eur(turnover_eur, tier)`: for `tier="upper"` the higher of EUR '
                '20,000,000 and 4% of the annual worldwide turnover; for `tier="lower"` the higher of EUR '
                "10,000,000 and 2%. Return a number in euros."
            ),
            signature='''def gdpr_max_fine_eur(turnover_eur: float, tier: str = "upper") -> float:
    """The maximum GDPR fine for a company with this annual turnover."""''',
            solution="""    if tier == "upper":
        return max(20_000_000, 0.04 * turnover_eur)
    return max(10_000_000, 0.02 * turnover_eur)""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case("gdpr_max_fine_eur(800_000_000)", 32_000_000.0, tolerance=1.0, hidden=False),
                        Case("gdpr_max_fine_eur(300_000_000)", 20_000_000, tolerance=1.0),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="The lower tier halves both the floor and the percentage.",
                    cases=(
                        Case('gdpr_max_fine_eur(2_000_000_000, "lower")', 40_000_000.0, tolerance=1.0),
                        Case('gdpr_max_fine_eur(100_000_000, tier="lower")', 10_000_000, tolerance=1.0),
                    ),
                ),
            ),
            wrong=(
                """    return 0.04 * turnover_eur if tier == "upper" else 0.02 * turnover_eur""",
                """    if tier == "upper":
        return min(20_000_000, 0.04 * turnover_eur)
    return min(10_000_000, 0.02 * turnover_eur)""",
            ),
            explanation=(
                "'Whichever is higher' is a max with a floor: small companies face the fixed amount, large "
                "ones "
                "the percentage."
            ),
        ),
        Code(
            qid="q13",
            title="The largest model a device can hold",
            outcome="L04.3",
            seed=cite(SOURCE_003, "on-device; the 2 GB per billion at 4-bit slip"),
            scenario=(
                "Write `max_params_b`: the largest model (billions of parameters) whose weights at `bits` "
                "bits, "
                "plus `overhead_fraction` on top of the weights (runtime, KV cache), fit in `device_gb` "
                "minus "
                "`reserved_gb`. Return `0.0` when nothing is left. 1 GB = 1e9 bytes.\n\n"
                "Worked example: 16 GB, 6 reserved, 4 bits, 20% overhead: about `16.67`."
            ),
            signature='''def max_params_b(
    *, device_gb: float, reserved_gb: float, bits: int, overhead_fraction: float = 0.2
) -> float:
    """Billions of parameters that fit in the memory left on the device."""''',
            solution="""    free_gb = device_gb - reserved_gb
    if free_gb <= 0:
        return 0.0
    return free_gb / (bits / 8 * (1 + overhead_fraction))""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "max_params_b(device_gb=16, reserved_gb=6, bits=4)",
                            10 / 0.6,
                            tolerance=1e-3,
                            hidden=False,
                        ),
                        Case("max_params_b(device_gb=8, reserved_gb=3, bits=4)", 5 / 0.6, tolerance=1e-3),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Other precisions and overheads; nothing left means 0.0.",
                    cases=(
                        Case(
                            "max_params_b(device_gb=24, reserved_gb=4, bits=8, overhead_fraction=0.25)",
                            16.0,
                            tolerance=1e-3,
                        ),
                        Case("max_params_b(device_gb=4, reserved_gb=6, bits=4)", 0.0),
                    ),
                ),
            ),
            wrong=(
                """    return (device_gb - reserved_gb) / 2""",
                """    return max(0.0, (device_gb - reserved_gb) / (bits / 8))""",
            ),
            explanation=(
                "Bytes per parameter = bits / 8, times (1 + overhead). The '2 GB per billion' rule gives 5B "
                "for "
                "10 GB: right for 16-bit weights, 3-4x too pessimistic at 4-bit."
            ),
        ),
    ),
)
