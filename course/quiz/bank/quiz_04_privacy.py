"""Quiz 04 · Privacy, sovereignty and compliance (lesson 04): HIPAA, GDPR, residency, the deployment classes.

The five deployment classes are lesson 04's (:class:`course.teaching.privacy.Deployment`): a frontier API on
standard terms, the same API under contract (a BAA or zero data retention), a frontier model in a private
cloud deployment, open weights self-hosted on rented cloud GPUs inside your own network (IaaS), and open
weights on your own hardware. Memory figures come from :func:`course.models.memory.weights_gb`.
"""

from course.models.memory import weights_gb
from course.quiz.bank.sources import SOURCE_000, SOURCE_001, SOURCE_002, SOURCE_003, SOURCE_004, cite
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

# q05: two compliant options, priced for a 730-hour month
Q05_PRIVATE = 2 * 23 * 730
Q05_SELF = 4 * 2.60 * 730 + 14_500
# q07: a 12 GB tablet, 4.5 GB kept by the system, 4-bit weights, 25% for runtime and KV cache
Q07_FREE_GB, Q07_BITS, Q07_OVERHEAD = 12 - 4.5, 4, 0.25
Q07_GB_PER_BILLION = weights_gb(params=1e9, bits_per_weight=Q07_BITS) * (1 + Q07_OVERHEAD)

_CLASSIFY_ARGS = (
    "needs_offline", "no_outside_party", "must_stay_in_network", "regulated", "api_contract_ok",
    "private_deployment_ok",
)  # fmt: skip


def _classify_call(*flags: bool) -> str:
    return "deployment_class(" + ", ".join(f"{k}={v}" for k, v in zip(_CLASSIFY_ARGS, flags)) + ")"


QUIZ = Quiz(
    quiz_id="quiz-04-privacy",
    title="Privacy, sovereignty and compliance",
    intro=(
        "Say what HIPAA, GDPR and residency rules ask of an LLM deployment, spot when a frontier model under "
        "contract or in a private deployment satisfies them, and when only open weights will do, on rented "
        "GPUs inside your own network or on your own hardware. These questions teach the shape of the "
        "rules, not legal advice: real decisions go through your compliance team."
    ),
    questions=(
        MultipleChoice(
            qid="q01",
            title="A clinic and a chatbot",
            outcome="L04.1",
            article=cite(SOURCE_003, "HIPAA and GDPR Article 28 may forbid an API without agreements"),
            ideas=("003-29", "000-11"),
            scenario=(
                "A US clinic wants an LLM to draft replies to patient messages, which contain protected "
                "health information (PHI). The vendor it likes offers its API under standard terms, with TLS "
                "encryption. What does HIPAA require before any PHI is sent?"
            ),
            options=(
                Option(
                    "Nothing more than it has: TLS encryption in transit is the safeguard HIPAA asks of a "
                    "vendor's API.",
                    why=(
                        "Tempting because encryption is one HIPAA safeguard, but a vendor handling PHI for "
                        "the clinic is a business associate and needs a contract, not just TLS."
                    ),
                ),
                Option(
                    "Self-hosting, because HIPAA forbids sending PHI to any cloud service or API under any "
                    "contract.",
                    why=(
                        "Tempting because many teams self-host for HIPAA, but HIPAA allows business "
                        "associates under a BAA; self-hosting is one way, not the only one."
                    ),
                ),
                Option(
                    "A business associate agreement (BAA) with the vendor, for a service it offers as "
                    "HIPAA-eligible.",
                    why=(
                        "Right: PHI may go to a vendor only under a BAA; several providers sign one for "
                        "their API or for a private cloud deployment."
                    ),
                    correct=True,
                ),
                Option(
                    "Written consent from each patient to the API's terms, after which no contract with "
                    "the vendor is needed.",
                    why=(
                        "Patient consent does not replace the business-associate contract for a vendor "
                        "handling PHI."
                    ),
                ),
            ),
            explanation=(
                "HIPAA: a covered entity may share PHI with a service provider (a business associate) only "
                "under a BAA. Whether to go further (data never leaves our network, as article 004's "
                "start-up chose) is a policy choice on top of the law. Lesson 04, 'What the rules ask of an "
                "LLM deployment'."
            ),
        ),
        MultipleChoice(
            qid="q02",
            title="An EU shop and a US API",
            outcome="L04.1",
            article=cite(SOURCE_003, "GDPR Article 28 sub-processor requirements"),
            ideas=("003-29", "000-12"),
            scenario=(
                "A German online shop wants a US-based LLM API to summarise customer e-mails (names, "
                "addresses, order problems). Which list is closest to what GDPR asks of this set-up?"
            ),
            options=(
                Option(
                    "A lawful basis for the processing, a processor agreement with the provider (Article "
                    "28), and a basis for the US transfer.",
                    why=(
                        "Right: lawful basis, a data-processing agreement with the processor, and a transfer "
                        "mechanism, plus the usual duties (information, minimisation, retention)."
                    ),
                    correct=True,
                ),
                Option(
                    "Nothing, as long as the provider deletes every e-mail within 30 days of receiving it "
                    "and never trains on them.",
                    why=(
                        "Deletion periods matter, but they do not replace a lawful basis, a contract or a "
                        "transfer basis."
                    ),
                ),
                Option(
                    "It is forbidden outright: GDPR bans sending any personal data to a processor outside "
                    "the EU or EEA.",
                    why=(
                        "Tempting, but GDPR allows transfers with a legal basis (an adequacy decision such "
                        "as the EU-US Data Privacy Framework for certified firms, or standard contractual "
                        "clauses)."
                    ),
                ),
                Option(
                    "Each customer's explicit consent for every single e-mail, which then covers the "
                    "provider and the transfer.",
                    why=(
                        "Consent is one lawful basis among six and often not the best fit; it also does not "
                        "cover the processor contract or the transfer."
                    ),
                ),
            ),
            explanation=(
                "GDPR does not forbid LLM APIs; it asks for a lawful basis (Art. 6), a processor contract "
                "(Art. 28), and a basis for transfers outside the EU (adequacy or safeguards such as SCCs). "
                "Lesson 04, 'What the rules ask of an LLM deployment'."
            ),
        ),
        Numeric(
            qid="q03",
            title="What a GDPR breach can cost",
            outcome="L04.1",
            article=cite(SOURCE_002, "data-sovereignty law can force the deployment choice"),
            ideas=("002-17",),
            scenario=(
                "GDPR's upper tier of fines is **up to EUR 20 million or 4% of worldwide annual turnover, "
                "whichever is higher**. Give the maximum for two companies, in millions of euros."
            ),
            parts=(
                Part(
                    var="q03a_max_fine_meur",
                    ask="A group with EUR 1,150 million turnover",
                    unit="million EUR",
                    answer=max(20.0, 0.04 * 1_150),
                    tolerance=0.1,
                    mistakes=(20.0,),
                ),
                Part(
                    var="q03b_max_fine_meur",
                    ask="A scale-up with EUR 275 million turnover",
                    unit="million EUR",
                    answer=max(20.0, 0.04 * 275),
                    tolerance=0.1,
                    mistakes=(0.04 * 275,),
                ),
            ),
            explanation=(
                "Whichever is higher: 4% of 1,150M = 46M > 20M, so EUR 46M; 4% of 275M = 11M < 20M, so EUR "
                "20M. The floor makes the risk large even for a mid-size company; that is why compliance "
                "teams weigh in before the architecture is fixed. Lesson 04, 'What the rules ask'."
            ),
        ),
        MultipleChoice(
            qid="q04",
            title="Frontier quality, private deployment",
            outcome="L04.2",
            article=cite(SOURCE_002, "a frontier model in a private deployment often satisfies compliance"),
            ideas=("002-18",),
            scenario=(
                "A hospital group wants the best available model to summarise clinical notes. Compliance "
                "requires a BAA, and that the data stays in the group's own cloud account and region; a "
                "cloud model service under the cloud's BAA is acceptable to them. The group has no "
                "ML-operations team. What fits best?"
            ),
            options=(
                Option(
                    "Self-host an open 70B model on GPUs in their cloud account, since privacy always means "
                    "running the model yourself.",
                    why=(
                        "Tempting, but the requirements (BAA, own account, region) can be met without "
                        "running GPUs, and the group has no one to run them."
                    ),
                ),
                Option(
                    "A frontier model in a private deployment in their own account and region, e.g. "
                    "Bedrock or Azure under a BAA.",
                    why=(
                        "Right: article 002 names this middle path: it often satisfies compliance while "
                        "keeping the quality lead, with no GPUs to operate."
                    ),
                    correct=True,
                ),
                Option(
                    "The provider's consumer chat app with chat history switched off for every clinician "
                    "who uses it.",
                    why="No BAA, no account or region control: the requirements are not met.",
                ),
                Option(
                    "Wait until open models match the frontier on clinical text, then run one on their own "
                    "servers.",
                    why="A compliant option exists now; waiting is a choice with its own cost.",
                ),
            ),
            explanation=(
                "Privacy does not always mean self-hosting: Azure OpenAI under a BAA, Bedrock in your own "
                "account, Vertex AI with data residency keep data inside contractual and regional bounds "
                "with frontier models. Lesson 04, 'The middle path'."
            ),
        ),
        Numeric(
            qid="q05",
            title="Pricing the two compliant options",
            outcome="L04.2",
            article=cite(SOURCE_004, "a fully loaded GPU includes the engineer who runs it"),
            ideas=("004-19", "002-18"),
            scenario=(
                "Two options pass the compliance review. **Private deployment**: **2 reserved capacity units "
                "at USD 23 an hour** each, billed for all **730 hours** of the month. **Self-hosting**: **4 "
                "GPUs at USD 2.60 an hour** for 730 hours, plus **one ML engineer at USD 14,500 a month** to "
                "run them."
            ),
            parts=(
                Part(
                    var="q05a_self_host_usd",
                    ask="Self-hosting's monthly cost",
                    unit="USD",
                    answer=Q05_SELF,
                    tolerance=5.0,
                    mistakes=(4 * 2.60 * 730,),
                ),
                Part(
                    var="q05b_private_extra_usd",
                    ask="How much more the private deployment costs a month (negative if less)",
                    unit="USD",
                    answer=Q05_PRIVATE - Q05_SELF,
                    tolerance=10.0,
                    mistakes=(Q05_PRIVATE - 4 * 2.60 * 730,),
                ),
            ),
            explanation=(
                "Private: 2 x 23 x 730 = USD 33,580. Self-hosted: 4 x 2.60 x 730 = USD 7,592 of GPUs plus "
                "USD 14,500 of engineer = USD 22,092. The private deployment costs USD 11,488 more, the "
                "price of frontier quality and no GPU operations; without the engineer, self-hosting would "
                "look USD 25,988 cheaper, which is how teams fool themselves. Lesson 04, 'The middle path'."
            ),
        ),
        MultipleChoice(
            qid="q06",
            title="Weeks without a network",
            outcome="L04.3",
            article=cite(SOURCE_003, "on-device and offline: open source is the only option"),
            ideas=("003-16",),
            scenario=(
                "An offshore inspection company wants an assistant on rugged tablets that technicians use on "
                "platforms with **no connectivity for weeks**. Reports must be drafted on the spot. Which "
                "option can work?"
            ),
            options=(
                Option(
                    "A frontier API reached through the provider's regional endpoint nearest to the "
                    "platforms, to keep latency low.",
                    why=(
                        "Any API needs a network path; a nearer region does not help with no connection at "
                        "all."
                    ),
                ),
                Option(
                    "A private frontier deployment in the company's own cloud account, in the region nearest "
                    "the fields.",
                    why=(
                        "Tempting because it is 'private', but it still runs in a data centre the tablets "
                        "cannot reach."
                    ),
                ),
                Option(
                    "Queue each request on the tablet and call the API when it is back in port, weeks later.",
                    why="That misses the requirement: reports must be drafted on the spot, weeks earlier.",
                ),
                Option(
                    "A small open-weights model that runs on the tablets themselves, with no network "
                    "involved.",
                    why=(
                        "Right: offline and on-device use is where only open weights work (article 003: "
                        "'no exceptions')."
                    ),
                    correct=True,
                ),
            ),
            explanation=(
                "Offline, on-device and air-gapped settings rule out every hosted model, public or private. "
                "The question becomes which open model fits the device (next question). Lesson 04, 'When "
                "only open weights work'."
            ),
        ),
        Numeric(
            qid="q07",
            title="What fits on the device",
            outcome="L04.3",
            article=cite(SOURCE_003, "on-device deployment needs locally running models"),
            ideas=("003-16", "003-33"),
            scenario=(
                "The tablets have **12 GB** of memory; the operating system and the app keep **4.5 GB**. "
                "Weights are quantized to **4 bits**, and the runtime and KV cache add **25%** on top of the "
                "weights. Count 1 GB = 1e9 bytes."
            ),
            parts=(
                Part(
                    var="q07a_max_params_b",
                    ask="The largest model that fits",
                    unit="billion parameters",
                    answer=Q07_FREE_GB / Q07_GB_PER_BILLION,
                    tolerance=0.1,
                    mistakes=(Q07_FREE_GB / 0.5, Q07_FREE_GB / 2, 12 / Q07_GB_PER_BILLION),
                ),
                Part(
                    var="q07b_9b_needs_gb",
                    ask="The memory a 9B model needs in this set-up",
                    unit="GB",
                    answer=9 * Q07_GB_PER_BILLION,
                    tolerance=0.05,
                    mistakes=(9 * 2, 9 * 0.5),
                ),
            ),
            explanation=(
                "7.5 GB free; each billion parameters at 4 bits is 0.5 GB, 0.625 GB with 25% on top, so up "
                "to 12B parameters; a 9B model needs 5.625 GB and fits with room to spare. Article 003's '2 "
                "GB per billion at 4-bit' would allow under 4B: that is the 16-bit figure. Lesson 04, 'When "
                "only open weights work'; lesson 05 sizes memory in detail."
            ),
        ),
        MultipleChoice(
            qid="q08",
            title="No outside party, cloud hosting included",
            outcome="L04.4",
            article=cite(SOURCE_002, "contracts that forbid third parties need self-hosted open weights"),
            ideas=("002-17", "004-03", "000-02"),
            scenario=(
                "A defence supplier's contract says project data may be processed only on **the supplier's "
                "own premises, by no outside party, cloud hosting included**. Engineers want an assistant "
                "for the project's documents. Which deployment complies?"
            ),
            options=(
                Option(
                    "Open weights served on machines the supplier owns, in its own building, run by its "
                    "own staff.",
                    why=(
                        "Right: the only option with no outside party hosting or processing anything, and "
                        "no data leaving the premises."
                    ),
                    correct=True,
                ),
                Option(
                    "Open weights on GPUs rented from a cloud inside the supplier's own private network "
                    "(VPC); no model service sees a prompt.",
                    why=(
                        "Tempting, and enough for 'the data must not leave our network', but the cloud "
                        "still hosts the machines: an outside party, off the premises. This contract "
                        "excludes cloud hosting."
                    ),
                ),
                Option(
                    "A frontier model in a private cloud deployment, under a strict processing agreement "
                    "and a pinned region.",
                    why="A processing agreement governs an outside party; this contract forbids having one.",
                ),
                Option(
                    "The provider's own API under a zero-data-retention agreement, so that no prompt is "
                    "ever stored.",
                    why="Zero retention still sends each prompt to an outside party for processing.",
                ),
            ),
            explanation=(
                "Read the constraint's strength. 'The data must not leave our network' allows open weights "
                "on GPUs rented inside your own VPC (the cloud hosts machines; no model service receives the "
                "prompts). 'No outside party, cloud hosting included' (or air-gapped) needs open weights on "
                "hardware you own or control. Lesson 04, 'Classify a scenario'."
            ),
        ),
        MultipleAnswer(
            qid="q09",
            title="Inside our own network",
            outcome="L04.4",
            article=cite(SOURCE_003, "self-hosting keeps data in your network with your own audit trail")
            + "; "
            + cite(SOURCE_004, "privacy constraints can disqualify APIs outright"),
            ideas=("003-14", "004-03", "000-02"),
            scenario=(
                "A health insurer's compliance team rules: **patient data must not leave our own network "
                "(our cloud VPC counts); no model service may receive it**. The cloud's BAA for hosting "
                "machines is in place. Which deployments satisfy the rule? Choose all that apply."
            ),
            options=(
                Option(
                    "A frontier model as a private cloud service in the insurer's account, under the "
                    "cloud's BAA and a pinned region.",
                    why=(
                        "Does not: it is still a model service that receives the prompts, which this rule "
                        "excludes, even inside the account."
                    ),
                ),
                Option(
                    "Open weights on GPU machines rented inside the insurer's VPC, served by its own vLLM "
                    "instances.",
                    why=(
                        "Satisfies: rented machines inside the VPC are part of the insurer's network, and "
                        "no model service sees the data (self-hosted on rented cloud, IaaS)."
                    ),
                    correct=True,
                ),
                Option(
                    "The model provider's own API under a signed BAA and a zero-data-retention agreement.",
                    why="Does not: the data leaves the network for the provider's servers.",
                ),
                Option(
                    "Open weights on servers the insurer owns, in its own data centre, linked to the VPC.",
                    why="Satisfies, with more to run: no outside party hosts or processes anything.",
                    correct=True,
                ),
                Option(
                    "A hosted router that forwards each request to the cheapest compliant model provider.",
                    why="Does not: the router itself is an outside service that sees every prompt.",
                ),
            ),
            explanation=(
                "'Must not leave our network' is the weaker of lesson 04's two strengths of 'third party': "
                "open weights on GPUs rented inside your own VPC qualify (IaaS: the cloud hosts machines, it "
                "does not run a model on your prompts), and so does your own hardware; any model service, "
                "private or public, or a hosted router does not. Lesson 04, 'Classify a scenario'."
            ),
        ),
        Ordering(
            qid="q10",
            title="Least control first",
            outcome="L04.4",
            article=cite(SOURCE_000, "sovereignty and compliance decide first for regulated data")
            + "; "
            + cite(SOURCE_001, "frontier closed models for hosted simplicity"),
            ideas=("000-11", "001-01", "002-17"),
            scenario=(
                "Lesson 04 picks, for each workload, the deployment that meets every rule while asking least "
                "of the team. Order these four workloads by the deployment that fits, from the one that "
                "needs the **least** control to the one that needs the **most**."
            ),
            options=(
                Option(
                    "A defence supplier whose contract forbids any outside party, cloud hosting included.",
                    why="Last: open weights on its own hardware, the most control of all.",
                ),
                Option(
                    "A tourism board writing descriptions of public attractions from public data.",
                    why="First: public data under no rule; a frontier API on standard terms.",
                ),
                Option(
                    "An EU insurer needing EU processing and strong reasoning, with no GPU team.",
                    why="Third: a frontier model in a private deployment pinned to an EU region.",
                ),
                Option(
                    "A US clinic whose compliance team accepts a provider's API under a signed BAA.",
                    why="Second: the provider's own API under contract (a BAA), still a hosted API.",
                ),
            ),
            order="BDCA",
            explanation=(
                "From least to most control: a frontier API on standard terms, the same API under contract "
                "(BAA or zero retention), a frontier model in a private cloud deployment, open weights on "
                "rented GPUs in your network, open weights on your own hardware. Pick the first that meets "
                "every rule: public data needs nothing; an accepted BAA is a contract; residency without a "
                "GPU team is a region-pinned private deployment; 'no outside party' is your own hardware. "
                "Lesson 04, 'Classify a scenario'."
            ),
        ),
        MultipleChoice(
            qid="q11",
            title="Residency for an EU insurer",
            outcome="L04.4",
            article=cite(SOURCE_002, "Vertex AI with data residency; region-isolated deployment"),
            ideas=("000-12", "002-18"),
            scenario=(
                "An insurer's regulator requires customer data to be **stored and processed within the EU**. "
                "The insurer needs strong reasoning for claims triage, has a signed DPA with its cloud "
                "provider, and no GPU team. Its current API processes requests in US data centres. What "
                "should it do?"
            ),
            options=(
                Option(
                    "Keep the current API, because the signed DPA with its cloud provider already covers "
                    "the processing.",
                    why=(
                        "Tempting because the DPA is in place, but a DPA does not move the processing; the "
                        "residency rule is about where it happens."
                    ),
                ),
                Option(
                    "Pseudonymise names in each claim and keep sending the claims to the US data centres "
                    "as before.",
                    why=(
                        "Tempting, but pseudonymised data is still personal data under GDPR, and the rule "
                        "covers all customer data."
                    ),
                ),
                Option(
                    "Move to a frontier model deployed in an EU region of its cloud, with processing pinned "
                    "to that region.",
                    why=(
                        "Right: a private frontier deployment with data residency meets the rule and keeps "
                        "quality."
                    ),
                    correct=True,
                ),
                Option(
                    "Self-host open weights in its own EU data centre, hiring a GPU team for the purpose "
                    "first.",
                    why=(
                        "It would comply, but with no GPU team and a reasoning-heavy task it trades a "
                        "solvable location problem for an operations and quality problem."
                    ),
                ),
            ),
            explanation=(
                "Residency rules ask where data is stored and processed. Region-pinned private deployments "
                "(Vertex AI with data residency, Azure OpenAI or Bedrock in an EU region) answer them "
                "without self-hosting. Lesson 04, 'The middle path'."
            ),
        ),
        Code(
            qid="q12",
            title="Classify a deployment",
            outcome="L04.4",
            article=cite(
                SOURCE_002, "compliance: self-hosted open source or frontier in a private deployment"
            ),
            ideas=("002-17", "002-18", "004-03"),
            scenario=(
                "Write `deployment_class` from the team's rules, applied **in this order** (the first that "
                "applies decides):\n\n"
                '1. Must work offline, or no outside party may host or process the data: `"own hardware"`.\n'
                '2. The data must not leave our network (rented machines in our VPC count): `"rented '
                'cloud"` (open weights on GPUs rented inside the VPC).\n'
                '3. Regulated data: `"api under contract"` if compliance accepts the provider\'s own API '
                'under a BAA or zero retention; else `"private frontier"` if a private deployment is '
                'available; else `"own hardware"`.\n'
                '4. Otherwise: `"api"`.\n\n'
                'Worked example: nothing regulated and no constraint gives `"api"`.'
            ),
            signature='''def deployment_class(
    *,
    needs_offline: bool,
    no_outside_party: bool,
    must_stay_in_network: bool,
    regulated: bool,
    api_contract_ok: bool,
    private_deployment_ok: bool,
) -> str:
    """"api", "api under contract", "private frontier", "rented cloud" or "own hardware"."""''',
            solution="""    if needs_offline or no_outside_party:
        return "own hardware"
    if must_stay_in_network:
        return "rented cloud"
    if regulated:
        if api_contract_ok:
            return "api under contract"
        if private_deployment_ok:
            return "private frontier"
        return "own hardware"
    return "api\"""",
            tests=(
                CodeTest(
                    points=1,
                    explanation="Regulated data takes the lightest contract that compliance accepts.",
                    cases=(
                        Case(_classify_call(False, False, False, False, False, False), "api", hidden=False),
                        Case(_classify_call(False, False, False, True, True, True), "api under contract"),
                        Case(_classify_call(False, False, False, True, False, True), "private frontier"),
                        Case(_classify_call(False, False, False, True, False, False), "own hardware"),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation=(
                        "Hard constraints come first: offline or no outside party means your own hardware; "
                        "'not outside our network' allows rented GPUs in the VPC, whatever contracts exist."
                    ),
                    cases=(
                        Case(_classify_call(True, False, False, False, True, True), "own hardware"),
                        Case(_classify_call(False, True, True, True, True, True), "own hardware"),
                        Case(_classify_call(False, False, True, True, True, True), "rented cloud"),
                        Case(_classify_call(False, False, True, False, False, False), "rented cloud"),
                    ),
                ),
            ),
            wrong=(
                """    if needs_offline or no_outside_party or must_stay_in_network:
        return "own hardware"
    if regulated:
        if api_contract_ok:
            return "api under contract"
        if private_deployment_ok:
            return "private frontier"
        return "own hardware"
    return "api\"""",
                """    if regulated:
        if api_contract_ok:
            return "api under contract"
        if private_deployment_ok:
            return "private frontier"
        return "own hardware"
    if needs_offline or no_outside_party:
        return "own hardware"
    if must_stay_in_network:
        return "rented cloud"
    return "api\"""",
            ),
            explanation=(
                "Order matters: hard constraints first (offline, no outside party), then the network "
                "boundary (rented GPUs inside your VPC are in your network, a model service is not), then "
                "regulated data with the lightest contract compliance accepts, and only then the plain API. "
                "Treating 'not outside our network' as 'own hardware' forgets IaaS; checking contracts first "
                "sends data past a hard rule. course.teaching.privacy.classify applies the same order."
            ),
        ),
        Code(
            qid="q13",
            title="What GDPR still asks",
            outcome="L04.1",
            article=cite(SOURCE_003, "GDPR Article 28 sub-processor requirements"),
            ideas=("003-29",),
            scenario=(
                "Write `gdpr_gaps` for a design review of an LLM API used on EU data. If the requests hold "
                'no personal data, nothing is missing: return `""`. Otherwise return the requirements '
                'still missing, **in this order**, joined by `", "`: `"lawful basis"` (none recorded), '
                '`"processor agreement"` (no Article 28 contract with the provider), `"transfer basis"` '
                "(the provider processes outside the EU and there is no adequacy decision or safeguard).\n\n"
                'Worked example: personal data, nothing in place, processing outside the EU: `"lawful '
                'basis, processor agreement, transfer basis"`.'
            ),
            signature='''def gdpr_gaps(
    *,
    personal_data: bool,
    lawful_basis: bool,
    processor_agreement: bool,
    outside_eu: bool,
    transfer_basis: bool,
) -> str:
    """The GDPR requirements still missing, in order, joined by ', ' ('' if none)."""''',
            solution="""    if not personal_data:
        return ""
    gaps = []
    if not lawful_basis:
        gaps.append("lawful basis")
    if not processor_agreement:
        gaps.append("processor agreement")
    if outside_eu and not transfer_basis:
        gaps.append("transfer basis")
    return ", ".join(gaps)""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case(
                            "gdpr_gaps(personal_data=True, lawful_basis=False, processor_agreement=False,"
                            " outside_eu=True, transfer_basis=False)",
                            "lawful basis, processor agreement, transfer basis",
                            hidden=False,
                        ),
                        Case(
                            "gdpr_gaps(personal_data=True, lawful_basis=True, processor_agreement=True,"
                            " outside_eu=True, transfer_basis=True)",
                            "",
                        ),
                        Case(
                            "gdpr_gaps(personal_data=False, lawful_basis=False, processor_agreement=False,"
                            " outside_eu=True, transfer_basis=False)",
                            "",
                        ),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="A transfer basis matters only for processing outside the EU.",
                    cases=(
                        Case(
                            "gdpr_gaps(personal_data=True, lawful_basis=True, processor_agreement=False,"
                            " outside_eu=False, transfer_basis=False)",
                            "processor agreement",
                        ),
                        Case(
                            "gdpr_gaps(personal_data=True, lawful_basis=True, processor_agreement=True,"
                            " outside_eu=True, transfer_basis=False)",
                            "transfer basis",
                        ),
                    ),
                ),
            ),
            wrong=(
                """    gaps = []
    if not lawful_basis:
        gaps.append("lawful basis")
    if not processor_agreement:
        gaps.append("processor agreement")
    if not transfer_basis:
        gaps.append("transfer basis")
    return ", ".join(gaps)""",
            ),
            explanation=(
                "GDPR asks three things of an LLM API on personal data: a lawful basis (Art. 6), a "
                "processor contract with the provider (Art. 28), and, for processing outside the EU, a "
                "transfer basis (adequacy such as the EU-US Data Privacy Framework for certified firms, or "
                "standard contractual clauses). A transfer basis is not needed when nothing leaves the EU, "
                "and none of it applies without personal data. Lesson 04, 'What the rules ask'."
            ),
        ),
        Code(
            qid="q14",
            title="The most bits that fit",
            outcome="L04.3",
            article=cite(SOURCE_003, "on-device; the 2 GB per billion at 4-bit slip"),
            ideas=("003-16", "003-33"),
            scenario=(
                "Write `most_bits_that_fit`: the **highest** precision in `choices` (bits per weight) at "
                "which a model of `params_b` billion parameters fits in `device_gb` minus `reserved_gb`, "
                "counting `overhead_fraction` on top of the weights (runtime, KV cache). Return `None` when "
                "none fits. 1 GB = 1e9 bytes.\n\n"
                "Worked example: 8B on a 16 GB device with 4 GB reserved and 20% overhead: `8` (16-bit "
                "needs 19.2 GB; 8-bit needs 9.6)."
            ),
            signature='''def most_bits_that_fit(
    *,
    params_b: float,
    device_gb: float,
    reserved_gb: float,
    overhead_fraction: float = 0.2,
    choices: tuple[int, ...] = (16, 8, 6, 5, 4, 3),
) -> int | None:
    """The highest bits per weight in `choices` at which the model fits, or None."""''',
            solution="""    free_gb = device_gb - reserved_gb
    fitting = [b for b in choices if params_b * b / 8 * (1 + overhead_fraction) <= free_gb]
    return max(fitting) if fitting else None""",
            tests=(
                CodeTest(
                    points=1,
                    cases=(
                        Case("most_bits_that_fit(params_b=8, device_gb=16, reserved_gb=4)", 8, hidden=False),
                        Case("most_bits_that_fit(params_b=14, device_gb=16, reserved_gb=6)", 4),
                        Case("most_bits_that_fit(params_b=3, device_gb=8, reserved_gb=3)", 8),
                    ),
                ),
                CodeTest(
                    points=1,
                    explanation="Overhead counts on top of the weights; when nothing fits, say so.",
                    cases=(
                        Case(
                            "most_bits_that_fit(params_b=70, device_gb=48, reserved_gb=2,"
                            " overhead_fraction=0.1)",
                            4,
                        ),
                        Case("most_bits_that_fit(params_b=70, device_gb=24, reserved_gb=4)", None),
                        Case(
                            "most_bits_that_fit(params_b=7, device_gb=24, reserved_gb=4, choices=(8, 16, 4))",
                            16,
                        ),
                    ),
                ),
            ),
            wrong=(
                """    free_gb = device_gb - reserved_gb
    fitting = [b for b in choices if params_b * b / 8 <= free_gb]
    return max(fitting) if fitting else None""",
                """    free_gb = device_gb - reserved_gb
    for b in choices:
        if params_b * b / 8 * (1 + overhead_fraction) <= free_gb:
            return b
    return None""",
                """    free_gb = device_gb - reserved_gb
    return 4 if params_b * 2 <= free_gb else None""",
            ),
            explanation=(
                "Bytes per parameter = bits / 8, times (1 + overhead); keep the highest precision that "
                "fits, because quality falls as bits fall. Taking the first choice that fits only works "
                "when the choices are sorted; leaving out the overhead overfills the device; the '2 GB per "
                "billion' rule is the 16-bit figure, 4x too pessimistic at 4-bit. Lesson 04, 'When only "
                "open weights work'."
            ),
        ),
    ),
)
