"""Write the memo: one section per question a team asks, each built only from figures that were saved.

A figure that is absent is not estimated or defaulted: its section says which lab would provide it,
and :attr:`Memo.missing` lists every gap (the same lines as :attr:`MemoInputs.missing`).
"""

from __future__ import annotations

from datetime import datetime, timezone

from course.labs.results import (
    Lab01Headline,
    Lab02Headline,
    Lab03Headline,
    Lab04Headline,
    Lab05Headline,
    Lab06Headline,
    LoadedResults,
    SavedLab,
    SavedOption,
)
from course.memo.charts import cost_chart, speed_chart
from course.memo.cost import VolumeCost, volume_cost
from course.memo.document import Block, Bullets, FigureRef, Memo, Paragraph, Section, Table
from course.memo.inputs import LAB_TITLES, WITHOUT_ANSWERS, WITHOUT_LAB, MemoInputs
from course.memo.numbers import duration, percent, rate, tokens, usd
from course.memo.provenance import demonstration_reasons, provenance_rows
from course.memo.verdict import (
    Evidence,
    accuracy_evidence,
    compared_sides,
    cost_evidence,
    headline,
    interval_half_width,
    per_correct_evidence,
)
from course.teaching.decision import QUESTIONS, STANDING_CAVEATS, Comparison, Decision, compare_frameworks


def build_memo(inputs: MemoInputs, *, now: datetime | None = None) -> Memo:
    """The memo for ``inputs``; every section is present, saying what is missing where a lab was not run."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    figs = inputs.results
    lab01, lab02, lab03 = figs.headline("01"), figs.headline("02"), figs.headline("03")
    lab04, lab05, lab06 = figs.headline("04"), figs.headline("05"), figs.headline("06")
    answers = inputs.answers
    volume = answers.flow.tokens_per_day if answers else None
    comparison = (
        compare_frameworks(
            flow=answers.flow,
            matrix=answers.matrix,
            tree_tasks=answers.tree_tasks,
            data_cannot_leave_vpc=answers.data_cannot_leave_vpc,
        )
        if answers
        else None
    )
    at_volume = volume_cost(lab04, volume) if lab04 and volume is not None else None
    evidence = [
        e
        for e in (
            cost_evidence(lab04, volume, at_volume) if lab04 and volume is not None else None,
            accuracy_evidence(lab05) if lab05 else None,
            per_correct_evidence(lab05) if lab05 else None,
        )
        if e is not None
    ]
    missing = inputs.missing
    memo_figures = {
        name: fig
        for name, fig in (
            ("memo-speed", speed_chart(lab01, lab02, lab03)),
            ("memo-cost", cost_chart(lab04, lab05, tokens_per_day=volume)),
        )
        if fig is not None
    }
    demonstration = demonstration_reasons(figs)
    sections = [
        _recommendation(comparison, evidence, answers.own_recommendation if answers else "", demonstration),
        *([Section("Missing inputs", (Bullets(tuple(missing)),))] if missing else []),
        _provenance(figs),
        _workload(inputs),
        _speed(lab01, lab02, lab03, "memo-speed" in memo_figures),
        _quality_and_cost(lab04, lab05, volume, at_volume, "memo-cost" in memo_figures),
        *([_hybrid(lab06)] if lab06 else []),
        _frameworks(comparison, inputs),
        _caveats(inputs),
        _machine_and_dates(inputs, now),
    ]
    title = f"Decision memo: {answers.workload}" if answers else "Decision memo: open model or frontier API?"
    byline = (
        f"Written {now:%Y-%m-%d %H:%M} UTC from the results in "
        f"`{figs.folder}`; {len(figs.labs)} of {len(LAB_TITLES)} labs saved"
        + (
            f", {len(missing)} input{'s' if len(missing) > 1 else ''} missing (listed below)."
            if missing
            else ", nothing missing."
        )
    )
    return Memo(title, byline, sections, missing, memo_figures, figs.folder, now)


def _not_run(lab: str) -> str:
    return f"Lab {lab} not run: {WITHOUT_LAB[lab]}."


# --- sections -------------------------------------------------------------------------------------


def _recommendation(
    comparison: Comparison | None, evidence: list[Evidence], own: str, demonstration: list[str]
) -> Section:
    blocks: list[Block] = [Paragraph(headline(comparison, evidence, demonstration=demonstration))]
    if evidence:
        blocks.append(Bullets(tuple(f"**{e.topic}**: {e.finding}" for e in evidence)))
    if own.strip():
        blocks.append(Paragraph(f"**In the learner's words:** {own.strip()}"))
    return Section("Recommendation", tuple(blocks))


def _provenance(results: LoadedResults) -> Section:
    rows = tuple((r.input, r.kind, r.detail) for r in provenance_rows(results))
    if not rows:
        return Section("What each input is", (Paragraph("No lab saved its results yet."),))
    return Section(
        "What each input is",
        (
            Table(("input", "kind", "detail"), rows),
            Paragraph(
                "Your measurements hold for this machine and these models; published figures for the source "
                "and date they carry; the course's models and the stand-in show the method only."
            ),
        ),
    )


def _workload(inputs: MemoInputs) -> Section:
    answers = inputs.answers
    if answers is None:
        return Section("Workload", (Paragraph(f"Framework answers missing: {WITHOUT_ANSWERS}."),))
    flow = answers.flow
    yes_no = {True: "yes", False: "no"}
    facts = [
        f"**{answers.workload}**, about {tokens(flow.tokens_per_day)} tokens a day (input + output).",
        f"Privacy or compliance constraints: {yes_no[flow.privacy_constraint]}"
        + ("; the data may not leave our own network" if answers.data_cannot_leave_vpc else "")
        + f". Frontier reasoning needed: {yes_no[flow.frontier_reasoning]}. "
        f"An ML/infrastructure team: {yes_no[flow.has_ml_team]}. Narrow task with training data: "
        f"{yes_no[flow.narrow_task]}. Must run offline: {yes_no[flow.needs_offline]}.",
        "Kinds of task (article 002's tree): " + ", ".join(f"`{t}`" for t in answers.tree_tasks) + ".",
    ]
    lab05 = inputs.results.headline("05")
    if lab05:
        n = max(s.n_items for s in lab05.sides)
        facts.append(f"Lab 05 measured quality on {n} items: {lab05.workload}.")
    return Section("Workload", (Bullets(tuple(facts)),))


def _speed(
    lab01: Lab01Headline | None, lab02: Lab02Headline | None, lab03: Lab03Headline | None, has_figure: bool
) -> Section:
    blocks: list[Block] = []
    if lab02:
        header = ["", "local (in-process)", lab02.api_label]
        ttft = [
            "TTFT p50",
            duration(lab02.local_ttft_p50_s) + _span(lab02.local_ttft_p50_s_min, lab02.local_ttft_p50_s_max),
            duration(lab02.api_ttft_p50_s) + _span(lab02.api_ttft_p50_s_min, lab02.api_ttft_p50_s_max),
        ]
        speed = [
            "output speed, one stream (1 ÷ TPOT p50)",
            rate(1 / lab02.local_tpot_p50_s)
            + _span(lab02.local_tpot_p50_s_max, lab02.local_tpot_p50_s_min, show=rate, inv=True),
            rate(1 / lab02.api_tpot_p50_s)
            + _span(lab02.api_tpot_p50_s_max, lab02.api_tpot_p50_s_min, show=rate, inv=True),
        ]
        if lab02.real_api_ttft_p50_s is not None and lab02.real_api_tpot_p50_s is not None:
            header.append("real API")
            ttft.append(duration(lab02.real_api_ttft_p50_s))
            speed.append(rate(1 / lab02.real_api_tpot_p50_s))
        rows = [tuple(ttft), tuple(speed)]
        blocks.append(Table(tuple(header), tuple(rows)))
        blocks.append(
            Paragraph(
                f"Lab 02: {lab02.n_requests} requests a side, "
                f"{lab02.output_tokens_per_request:.0f} output tokens each; at {lab02.api_model_priced}'s "
                f"list price one such request costs {usd(lab02.api_usd_per_request)}."
                + (
                    f" Each p50 is the median of {lab02.repeats} interleaved repeats (range in brackets)."
                    if lab02.repeats and lab02.repeats > 1
                    else ""
                )
            )
        )
    facts = []
    if lab01:
        offload = f", {lab01.gpu_layers_offloaded} layers on a GPU" if lab01.gpu_layers_offloaded else ""
        facts.append(
            f"Lab 01: {lab01.model} ({lab01.quant}{offload}) decodes "
            f"{rate(lab01.decode_tokens_per_s)}"
            + _span(lab01.decode_tokens_per_s_min, lab01.decode_tokens_per_s_max, show=rate, n=lab01.repeats)
            + " in-process"
            + (f", first token after {duration(lab01.ttft_s)}." if lab01.ttft_s is not None else ".")
        )
    if lab03:
        levels = sorted(lab03.levels, key=lambda level: level.concurrency)
        first, last = levels[0], levels[-1]
        gain = (
            last.output_tokens_per_s / first.output_tokens_per_s
            if first.output_tokens_per_s
            else float("nan")
        )
        facts.append(
            f"Lab 03, {lab03.server}: {rate(first.output_tokens_per_s)}"
            + _span(first.output_tokens_per_s_min, first.output_tokens_per_s_max, show=rate)
            + f" with {first.concurrency} request in flight, {rate(last.output_tokens_per_s)}"
            + _span(last.output_tokens_per_s_min, last.output_tokens_per_s_max, show=rate)
            + f" with {last.concurrency} ({gain:.2f}×, medians of {lab03.repeats or 1} sweep(s)); TTFT p50 "
            f"{duration(first.ttft_p50_s)} → {duration(last.ttft_p50_s)}."
        )
    busy = [
        f"lab {n}" for n, figs in (("01", lab01), ("02", lab02), ("03", lab03)) if figs and figs.machine_busy
    ]
    if busy:
        facts.append(f"Timed on a busy machine ({', '.join(busy)}): other programs were using the CPU.")
    facts += [_not_run(lab) for lab, figs in (("01", lab01), ("02", lab02), ("03", lab03)) if figs is None]
    blocks.append(Bullets(tuple(facts)))
    if has_figure:
        blocks.append(FigureRef("memo-speed", "Speed as measured on this machine (labs 01-03)."))
    return Section("Latency and throughput", tuple(blocks))


def _span(
    low: float | None, high: float | None, *, show=duration, inv: bool = False, n: int | None = None
) -> str:
    """``" (range a–b)"`` of repeated figures (``inv``: of their inverses, TPOT to tok/s); "" without."""
    if low is None or high is None or not (low > 0 and high > 0):
        return ""
    a, b = (1 / low, 1 / high) if inv else (low, high)
    repeats = f", {n} repeats" if n else ""
    return f" (range {show(a)}–{show(b)}{repeats})"


def _quality_and_cost(
    lab04: Lab04Headline | None,
    lab05: Lab05Headline | None,
    volume: float | None,
    at_volume: VolumeCost | None,
    has_figure: bool,
) -> Section:
    blocks: list[Block] = []
    if lab05:
        rows = []
        for s in lab05.sides:
            hard = percent(s.hard_accuracy) if s.hard_accuracy is not None else "n/a"
            per_correct = (
                usd(s.usd_per_correct_answer * 1000) if s.usd_per_correct_answer is not None else "none right"
            )
            rows.append(
                (s.label, str(s.n_items), f"{percent(s.accuracy)} ± {interval_half_width(s) * 100:.0f}", hard,
                 usd(s.usd_per_mtok), per_correct)
            )  # fmt: skip
        header = ("side", "items", "accuracy (95%)", "hard items", "USD per 1M tokens", "USD per 1k correct")
        blocks.append(Table(header, tuple(rows)))
    facts = []
    if lab04:
        options = getattr(lab04, "options", None)
        if options:
            blocks.append(
                Table(
                    ("option (lab 04)", "kind", "USD per 1M tokens", "self-hosting no dearer from"),
                    tuple(
                        (
                            o.label,
                            o.kind,
                            usd(o.usd_per_mtok),
                            "" if o.kind == "self-host" else _break_even_cell(o),
                        )
                        for o in options
                    ),
                )
            )
        gain = f", batching ×{lab04.batching_gain:g}" if lab04.batching_gain else ""
        util = f" at {percent(lab04.utilisation)} utilisation" if lab04.utilisation else ""
        gpu_date = f", as of {lab04.gpu_price_as_of}" if lab04.gpu_price_as_of else ""
        api_date = f" (list price as of {lab04.api_price_as_of})" if lab04.api_price_as_of else ""
        gpus = getattr(lab04, "gpus_per_replica", None) or 1
        configuration = getattr(lab04, "throughput_configuration", None)
        basis = (
            f", published throughput ({configuration})"
            if getattr(lab04, "throughput_basis", None) == "published"
            else ""
        )
        facts.append(
            f"Per 1M tokens (lab 04): self-hosted {lab04.served_model} on {gpus} × {lab04.gpu} "
            f"({usd(lab04.gpu_usd_per_hour)}/GPU-hour{gpu_date}){util}{gain}{basis}: "
            f"**{usd(lab04.self_usd_per_mtok)}**; "
            f"{lab04.api_model}{api_date} for your token mix: **{usd(lab04.api_blended_usd_per_mtok)}**."
        )
        if check := getattr(lab04, "price_check", None):
            facts.append(f"Check against the managed hosts (lab 04): {check}")
        if lab04.break_even_reason:
            facts.append(f"Break-even (lab 04, staff time included): {lab04.break_even_reason}")
        elif lab04.break_even_tokens_per_day is not None:
            facts.append(
                "Break-even (lab 04): self-hosting costs no more than the API from "
                f"**{tokens(lab04.break_even_tokens_per_day)} tokens/day**."
            )
        else:
            facts.append("Break-even (lab 04): none; the API stays cheaper at every volume.")
        if volume is not None and at_volume is None:
            facts.append(
                "Monthly bills at your volume not computed: this lab 04 file predates its saved assumptions "
                "(run lab 04 again)."
            )
    if lab05 and lab05.local_price_note:
        facts.append(f"The local side's USD per 1M tokens in lab 05: {lab05.local_price_note}.")
    facts += [_not_run(lab) for lab, figs in (("04", lab04), ("05", lab05)) if figs is None]
    blocks.append(Bullets(tuple(facts)))
    if has_figure:
        blocks.append(FigureRef("memo-cost", "Monthly cost against volume, and what a correct answer costs."))
    return Section("Quality and cost", tuple(blocks))


def _hybrid(lab06: Lab06Headline) -> Section:
    rows = tuple(
        (p.name, percent(p.accuracy), usd(p.usd_per_1k_requests), percent(p.local_share))
        for p in lab06.policies
    )
    blocks: list[Block] = [
        Table(("policy", "accuracy", "USD per 1k requests", "share served locally"), rows),
    ]
    facts = [f"Lab 06 routed {lab06.n_requests} requests" + _against(lab06) + "."]
    if rule := getattr(lab06, "router_rule", None):
        facts.append(f"The router's rule: {rule}.")
    if lab06.migration_final_phase:
        onto = getattr(lab06, "migration_open_path", None)
        share = (
            f" with {percent(lab06.migration_final_open_share)} of traffic on {onto or 'the open model'}"
            if lab06.migration_final_open_share is not None
            else ""
        )
        rollbacks = (
            f", after {lab06.migration_rollbacks} rollbacks" if lab06.migration_rollbacks is not None else ""
        )
        facts.append(f"The replayed migration ended at **{lab06.migration_final_phase}**{share}{rollbacks}.")
    if note := getattr(lab06, "local_price_note", None):
        facts.append(f"The local side's price in lab 06: {note}.")
    blocks.append(Bullets(tuple(facts)))
    return Section("Hybrid router (lab 06)", tuple(blocks))


def _against(lab06: Lab06Headline) -> str:
    api = getattr(lab06, "api_label", None)
    return f", against {api}" if api else ""


def _frameworks(comparison: Comparison | None, inputs: MemoInputs) -> Section:
    if comparison is None:
        return Section("Framework scores", (Paragraph(f"Framework answers missing: {WITHOUT_ANSWERS}."),))
    flow, matrix, tree = comparison.decisions
    stop = flow.path[-1].number
    rows = (
        (flow.framework, str(flow.recommendation), f"stopped at Q{stop}: {QUESTIONS[stop - 1]}"),
        (matrix.framework, str(matrix.recommendation), _matrix_how(matrix)),
        (tree.framework, str(tree.recommendation), " ".join(tree.reasons)),
    )
    blocks: list[Block] = [
        Table(("framework", "recommendation", "how it decided"), rows),
        Paragraph(comparison.summary),
    ]
    warnings = tuple(dict.fromkeys(w for d in comparison.decisions for w in d.warnings))
    if warnings:
        blocks.append(Bullets(tuple(f"Warning: {w}" for w in warnings)))
    return Section("Framework scores", tuple(blocks))


def _matrix_how(matrix: Decision) -> str:
    scores = ", ".join(f"{s.title} {s.score}" for s in matrix.scores)
    how = f"{matrix.total}/30 ({scores})"
    band = matrix.band
    if band is not None:
        how += f"; band {band.low}-{band.high}"
        if matrix.recommendation is not band.recommendation:
            how += f". {matrix.reasons[0]}"  # the override that replaced the band's answer
    return how


def _caveats(inputs: MemoInputs) -> Section:
    labs = inputs.results.labs
    figs = inputs.results
    notes = []
    sizes = []
    if (lab02 := figs.headline("02")) is not None:
        sizes.append(f"{lab02.n_requests} timed requests a side (lab 02)")
    if (lab03 := figs.headline("03")) is not None and lab03.requests_per_level:
        sizes.append(f"{lab03.requests_per_level} requests a concurrency level (lab 03)")
    if (lab05 := figs.headline("05")) is not None and (pair := compared_sides(lab05)):
        api = pair[1]
        sizes.append(
            f"{api.n_items} scored items a side (lab 05: accuracy "
            f"± {interval_half_width(api) * 100:.0f} points)"
        )
    if sizes:
        notes.append("Small samples: " + "; ".join(sizes) + ". Re-measure on 200-500 of your own items.")
    offline = [lab for lab in ("02", "05", "06") if lab in labs and labs[lab].mode == "offline"]
    real = [lab for lab in LAB_TITLES if lab in labs and labs[lab].mode == "real API"]
    if offline:
        which = (
            f"Labs {', '.join(offline[:-1])} and {offline[-1]}" if len(offline) > 1 else f"Lab {offline[0]}"
        )
        notes.append(
            f"{which} ran offline: the API side is a "
            "stand-in on this machine priced at a real API's list price, not a frontier model; its latency "
            "and accuracy say nothing about a real API's."
        )
    if real:
        which = f"Labs {', '.join(real[:-1])} and {real[-1]}" if len(real) > 1 else f"Lab {real[0]}"
        notes.append(f"{which} called a real API: its figures hold for that API on that day.")
    lab01 = figs.headline("01")
    model = f" ({lab01.model})" if lab01 else ""
    notes.append(
        f"The local side is the course's small model{model} on the machine below: it shows the method, "
        "not what an 8B or 70B model would do. Lab 04 priced the GPU from published throughput of a real "
        "model (its rows and sources are in lab04.json), with this machine's token mix and the utilisation "
        "it names."
    )
    machines = {_machine_key(saved) for saved in labs.values()}
    if len(machines) > 1:
        notes.append(
            f"The labs ran on {len(machines)} different machines: "
            "figures from different machines do not combine."
        )
    notes += list(STANDING_CAVEATS)
    return Section("Caveats", (Bullets(tuple(notes)),))


def _machine_key(saved: SavedLab) -> tuple[str, str, str]:
    m = saved.machine
    return (str(m.get("cpu", "?")), str(m.get("logical_cores", "?")), str(m.get("gpu", "?")))


def _cpu(machine: dict) -> str:
    cpu = str(machine.get("cpu", "CPU not recorded"))
    return cpu if "core" in cpu else f"{cpu}, {machine.get('logical_cores', '?')} logical cores"


def _machine_and_dates(inputs: MemoInputs, now: datetime) -> Section:
    labs = inputs.results.labs
    blocks: list[Block] = []
    if labs:
        latest = max(labs.values(), key=lambda saved: saved.saved_at_utc)
        m = latest.machine
        blocks.append(
            Paragraph(
                f"{_cpu(m)}, "
                f"{m.get('memory_gib', '?')} GiB memory; GPU: {m.get('gpu', 'not recorded')}; "
                f"{m.get('os', '')}; "
                f"Python {m.get('python', '?')}, llama-cpp-python {m.get('llama_cpp_python', '?') or '?'}."
            )
        )
        rows = tuple(
            (f"{lab} · {LAB_TITLES[lab]}", f"{saved.saved_at_utc:%Y-%m-%d %H:%M}", saved.mode)
            for lab, saved in sorted(labs.items())
        )
        blocks.append(Table(("lab", "saved (UTC)", "mode"), rows))
    else:
        blocks.append(Paragraph("No lab saved its results, so no machine was recorded."))
    if inputs.answers:
        blocks.append(
            Paragraph(f"Framework answers saved {inputs.answers.answered_at_utc:%Y-%m-%d %H:%M} UTC.")
        )
    blocks.append(Paragraph(f"Memo written {now:%Y-%m-%d %H:%M} UTC."))
    return Section("Machine and dates", tuple(blocks))


def _break_even_cell(option: SavedOption) -> str:
    """Where self-hosting is first no dearer than ``option`` and, with several windows, where it stays so."""
    first = option.break_even_tokens_per_day
    if first is None:
        return "never"
    cell = f"{tokens(first)} tokens/day"
    # saved by lab 04 since the windows were recorded (older files lack them: first crossing only)
    if (option.break_even_windows or 0) > 1:
        stays = option.stays_cheaper_from_tokens_per_day
        cell += " (first window; " + (
            f"stays no dearer from {tokens(stays)} tokens/day)" if stays is not None else "not for good)"
        )
    return cell
