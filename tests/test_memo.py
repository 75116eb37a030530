"""course.memo and `python -m course memo`: the decision memo from real saved results, gaps named, HTML whole.

The results folder is made the way the labs make it: real measurements on the embedded model (in
process, and behind a real loopback llama_cpp.server for the API side), turned into figures by
course.labs.headline and saved by save_headline. Lab 06 is not run here, so the memo must name it.
"""

from __future__ import annotations

import base64
import functools
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures_servers import lcs_server  # noqa: F401 - a fixture

from course.__main__ import main
from course.backends.base import GenerationOptions
from course.backends.inprocess import InProcessBackend
from course.economics.costs import break_even
from course.economics.prices import api_price
from course.economics.selfhost import quote_self_host
from course.environment import machine_info
from course.errors import ConfigError
from course.evals import load_eval_set, run_eval, stratified_sample
from course.labs.headline import (
    lab01_headline,
    lab02_headline,
    lab03_headline,
    lab04_headline,
    lab04_record,
    quality_sides,
)
from course.labs.results import Lab05Headline, Lab06Headline, lab_file, read_headlines, save_headline
from course.measure import load_prompts, run_workload, sweep_concurrency
from course.measure.quant_compare import compare_quants
from course.measure.roofline import bytes_per_token, measure_bandwidth_gb_s, roofline
from course.memo import (
    build_memo,
    framework_answers,
    load_answers,
    load_inputs,
    overview_frame,
    save_answers,
    to_html,
    write_memo,
)
from course.memo.cost import VolumeCost, api_plan, self_host_setup, volume_cost
from course.memo.numbers import duration, rate, usd
from course.memo.provenance import demonstration_reasons, is_course_model, params_billion, provenance_rows
from course.memo.verdict import Evidence, cost_evidence, headline
from course.teaching.decision import FlowAnswers, MatrixScores, compare_frameworks

OPTIONS = GenerationOptions(max_tokens=8, temperature=0.0, ignore_eos=True)
SECTIONS = ("Recommendation", "Missing inputs", "What each input is", "Workload", "Latency and throughput",
            "Quality and cost", "Framework scores", "Caveats", "Machine and dates")  # fmt: skip
ANSWERS = {
    "workload": "ticket triage for the memo test",
    "flow": FlowAnswers(
        privacy_constraint=False, frontier_reasoning=False, has_ml_team=True, tokens_per_day=2e7,
        narrow_task=True, needs_offline=False,
    ),
    "matrix": MatrixScores(capability=4, privacy=3, cost_volume=4, ops_tolerance=3, fine_tuning=3, latency=2),
    "tree_tasks": ["high_volume_text"],
}  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory, local_backend: InProcessBackend, embedded_paths, lcs_server) -> Path:  # noqa: F811
    """A results folder written by real, small runs of labs 01-05 and lab 07's answers."""
    folder = tmp_path_factory.mktemp("results")
    save = functools.partial(save_headline, mode="offline", machine=machine_info(), folder=folder)
    table = compare_quants(("Q8_0",), speed_tokens=16, repeats=1, n_threads=1, paths=embedded_paths)
    lab01 = lab01_headline(table, info=local_backend.info())
    save("01", lab01)

    prompts = load_prompts()[:2]
    api = lcs_server.backend()
    local_run = run_workload(local_backend, prompts=prompts, options=OPTIONS, label="local", progress=False)
    api_run = run_workload(api, prompts=prompts, options=OPTIONS, label="API stand-in", progress=False)
    price = api_price("gpt-4.1")
    save("02", lab02_headline(local_run, api_run, price=price, api_label="API stand-in (loopback)"))

    sweep = sweep_concurrency(
        lcs_server.backend,
        levels=(1, 2),
        requests_per_level=2,
        prompts=prompts,
        options=OPTIONS,
        progress=False,
    )
    save("03", lab03_headline(sweep.levels, server="llama_cpp.server (serial)", requests_per_level=2))

    # Lab 04's steps on this machine, with a smaller bandwidth test
    measured = roofline(
        bandwidth_gb_s=measure_bandwidth_gb_s(buffer_mib=16, repeats=1),
        bytes_per_token=bytes_per_token(embedded_paths["Q8_0"]),
        measured_tokens_per_s=lab01.decode_tokens_per_s,
    )
    frame = local_run.frame
    input_share = frame["prompt_tokens"].sum() / (frame["prompt_tokens"].sum() + frame["output_tokens"].sum())
    # lab 04 prices the GPU from published throughput (course.economics.selfhost), at this machine's mix
    quote = quote_self_host(
        "llama-3.1-8b", "H100 80GB", utilisation=0.5, input_share=float(input_share), gpu_provider="lambda"
    )
    setup = quote.setup(staff_hours_per_month=20, staff_usd_per_hour=100)
    record = lab04_record(
        quote,
        setup=setup,
        measured_decode_tokens_per_s=lab01.decode_tokens_per_s,
        roofline_ratio=measured.ratio,
    )
    self_usd = quote.usd_per_mtok
    save("04", lab04_headline(record))

    items = stratified_sample(load_eval_set("eval"), per_group=1, seed=0)
    scored = run_eval(local_backend, items, label="local", progress=False)
    scored += run_eval(api, items, label="API stand-in", progress=False)
    api.close()
    prices = {
        "local": (self_usd, self_usd),
        "API stand-in": (price.usd_per_mtok_input, price.usd_per_mtok_output),
    }
    sides = quality_sides(scored, usd_per_mtok=prices, api_label="API stand-in")
    save(
        "05",
        Lab05Headline(workload="course eval set, 1 item a group", sides=sides, local_price_note="lab 04"),
    )
    save_answers(framework_answers(**ANSWERS), folder)
    return folder


def test_the_memo_shows_the_measured_figures_and_names_the_lab_not_run(results: Path, tmp_path: Path) -> None:
    inputs = load_inputs(results)
    memo = build_memo(inputs)
    assert memo.missing == ["Lab 06 not run: no hybrid-router comparison"]
    files = write_memo(memo, tmp_path / "memo")
    text = files.markdown.read_text(encoding="utf-8")
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == list(SECTIONS)
    assert "Lab 06 not run: no hybrid-router comparison" in text
    figs = inputs.results
    lab02, lab04 = figs.headline("02"), figs.headline("04")
    for shown in (
        duration(lab02.local_ttft_p50_s),
        rate(1 / lab02.api_tpot_p50_s),
        usd(lab04.self_usd_per_mtok),
    ):
        assert shown in text
    assert all(side.label in text for side in figs.headline("05").sides)
    assert figs.labs["01"].machine["cpu"] in text and ANSWERS["workload"] in text
    assert "$" not in text and "$" not in files.html.read_text(encoding="utf-8")
    assert sorted(p.name for p in files.figures) == ["memo-cost.png", "memo-speed.png"]
    for path in files.figures:
        assert path.read_bytes().startswith(b"\x89PNG") and f"]({path.name})" in text


def test_the_memo_rebuilds_lab04_cost_model_and_prices_the_learners_volume(results: Path) -> None:
    inputs = load_inputs(results)
    lab04 = inputs.results.headline("04")
    assert lab04.break_even_tokens_per_day is not None  # a frontier API's price: a break-even exists
    rebuilt = break_even(api_plan(lab04), self_host_setup(lab04))
    assert rebuilt.tokens_per_day == pytest.approx(lab04.break_even_tokens_per_day)
    at = volume_cost(lab04, ANSWERS["flow"].tokens_per_day)
    recommendation = build_memo(inputs).sections[0]
    evidence = recommendation.blocks[1].items
    assert any(usd(at.api_usd_per_month) in line and usd(at.self_usd_per_month) in line for line in evidence)


def test_a_cheapest_managed_host_is_named_but_is_not_evidence_for_self_hosting(results: Path) -> None:
    """A managed host of the open weights sends prompts out as an API does: when it is the cheapest, the lean
    still compares self-hosting with the API (it used to count as "open")."""
    lab04 = load_inputs(results).results.headline("04")
    shared = {"tokens_per_day": 2e7, "replicas": 1, "staff_usd_per_month": 1000.0, "managed_label": "Groq"}

    def evidence(*, api: float, own: float, host: float | None = 50.0) -> Evidence:
        bills = VolumeCost(
            api_usd_per_month=api, self_usd_per_month=own, managed_usd_per_month=host, **shared
        )
        return cost_evidence(lab04, 2e7, bills)

    self_dearer = evidence(api=2000.0, own=3000.0)
    assert self_dearer.leans == "API" and "the cheapest is the managed host" in self_dearer.finding
    assert "the API is cheaper" in self_dearer.finding
    self_cheaper = evidence(api=3000.0, own=2000.0)
    assert self_cheaper.leans == "open" and "self-hosting is cheaper" in self_cheaper.finding
    assert evidence(api=2000.0, own=3000.0, host=None).finding.endswith("the cheapest is the API.")


def test_the_html_is_one_self_contained_page(results: Path) -> None:
    memo = build_memo(load_inputs(results))
    page = to_html(memo)

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, dict[str, str | None]]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

    parser = Collect()
    parser.feed(page)
    names = [tag for tag, _ in parser.tags]
    assert names[0] == "html" and not {"script", "link", "iframe", "object"} & set(names)
    images = [attrs["src"] for tag, attrs in parser.tags if tag == "img"]
    assert len(images) == len(memo.figures) == 2
    for src in images:
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64" and base64.b64decode(data).startswith(b"\x89PNG")
    links = [(k, a) for _, attrs in parser.tags for k, a in attrs.items() if k in ("href", "src")]
    assert all(k == "src" and a.startswith("data:") for k, a in links)  # nothing fetched or linked
    fragment = to_html(memo, standalone=False)  # what lab 07 displays inline
    assert fragment.startswith('<div class="course-memo">') and "<html" not in fragment


def test_with_no_results_every_input_is_named_missing_and_nothing_is_drawn(tmp_path: Path) -> None:
    out = tmp_path / "memo"
    out.mkdir()
    (out / "memo-speed.png").write_bytes(b"from an earlier memo")
    memo = build_memo(load_inputs(tmp_path))
    assert len(memo.missing) == 7 and not memo.figures and not memo.complete
    files = write_memo(memo, out)
    text = files.markdown.read_text(encoding="utf-8")
    for lab in ("01", "02", "03", "04", "05", "06"):
        assert f"Lab {lab} not run:" in text
    assert "Framework answers not saved" in text and "**No recommendation yet.**" in text
    assert files.figures == () and not (out / "memo-speed.png").exists()  # a stale figure is removed
    assert "<img" not in files.html.read_text(encoding="utf-8")


def test_a_missing_results_folder_is_named_even_when_its_name_starts_like_a_lab_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inputs = load_inputs(Path("labs-results"))  # relative: its problem's file reads "labs-results"
    assert [p.file for p in inputs.results.problems] == ["labs-results"]
    assert "Results folder: labs-results: no such folder" in "\n".join(inputs.missing)
    assert inputs.problem_for("01") is None and "Lab 01 not run" in inputs.missing[0]


def test_broken_files_are_named_and_the_figures_that_loaded_are_still_used(
    results: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "results"
    shutil.copytree(results, folder)
    lab_file("02", folder).write_text(
        '{"schema": 1, "lab": "02", "saved', encoding="utf-8"
    )  # killed mid-write
    answers = json.loads((folder / "lab07-frameworks.json").read_text(encoding="utf-8"))
    answers["matrix"]["capability"] = 9
    (folder / "lab07-frameworks.json").write_text(json.dumps(answers), encoding="utf-8")
    inputs = load_inputs(folder)
    memo = build_memo(inputs)
    missing = "\n".join(memo.missing)
    assert "Lab 02 results unreadable (lab02.json: not valid JSON" in missing
    assert "Framework answers unreadable (lab07-frameworks.json: matrix: The capability score is 9" in missing
    text = write_memo(memo, tmp_path / "memo").markdown.read_text(encoding="utf-8")
    assert "Lab 02 results unreadable" in text and "Framework answers missing" in text
    assert rate(inputs.results.headline("01").decode_tokens_per_s) in text  # lab 01 still shown
    overview = overview_frame(inputs).set_index("lab")["status"]
    assert overview["02 · time local vs API"].startswith("unreadable: lab02.json: not valid JSON")
    assert overview["06 · hybrid router and migration"] == "not run"


def test_lab06_and_a_real_api_mode_show_in_the_memo(results: Path, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    shutil.copytree(results, folder)
    saved = read_headlines(folder)
    save_headline(
        "05", saved.headline("05"), mode="real API", machine=saved.labs["05"].machine, folder=folder
    )
    # Test input, not a measurement: lab 06's figures as its save cell would write them.
    policies = [
        {"name": "all local", "accuracy": 0.6, "usd_per_1k_requests": 0.1, "local_share": 1.0},
        {"name": "router", "accuracy": 0.8, "usd_per_1k_requests": 0.3, "local_share": 0.7},
    ]
    save_headline("06", Lab06Headline(n_requests=40, policies=policies), mode="offline", folder=folder)
    memo = build_memo(load_inputs(folder))
    assert memo.complete
    text = write_memo(memo, tmp_path / "memo").markdown.read_text(encoding="utf-8")
    assert "## Hybrid router (lab 06)" in text and "| router | 80% | USD 0.30 | 70% |" in text
    assert "Lab 05 called a real API" in text and "Labs 02 and 06 ran offline" in text


def test_answers_are_checked_by_the_frameworks_rules_and_round_trip(tmp_path: Path) -> None:
    answers = framework_answers(**ANSWERS)
    path = save_answers(answers, tmp_path)
    assert load_answers(path) == (answers, None)
    with pytest.raises(ConfigError, match="tree_tasks: unknown tree task"):
        framework_answers(**{**ANSWERS, "tree_tasks": ["chatbot"]})
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["flow"]["has_ml_team"] = 1  # strict: a number is not a yes/no answer
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_answers(path)[1].startswith(
        "lab07-frameworks.json: flow.has_ml_team: Input should be a valid boolean"
    )
    assert "not saved yet" in load_answers(tmp_path / "nowhere.json")[1]


def test_the_headline_tests_the_frameworks_against_the_measurements() -> None:
    agree = compare_frameworks(
        flow=ANSWERS["flow"], matrix=ANSWERS["matrix"], tree_tasks=["high_volume_text"]
    )
    cheaper_api = Evidence("cost at your volume (lab 04)", "API", "API cheaper")
    unresolved = Evidence("accuracy (lab 05)", None, "no difference")
    assert "provisionally" in headline(agree, [cheaper_api, unresolved])
    dearer_per_answer = Evidence("cost per correct answer (lab 05)", "API", "API cheaper per answer")
    assert headline(agree, [cheaper_api, dearer_per_answer, unresolved]).startswith(
        "**The API for now, on your measurements.**"
    ), "two measurements against the frameworks and none for them: the numbers lead"
    local_better = Evidence("accuracy (lab 05)", "open", "local better")
    assert "provisionally" in headline(agree, [cheaper_api, dearer_per_answer, local_better])
    assert "cost at your volume (lab 04) favours the API" in headline(agree, [cheaper_api])
    assert "do not contradict" in headline(agree, [Evidence("accuracy (lab 05)", "open", "local better")])
    assert "no measurement here tests it" in headline(agree, [unresolved])
    assert headline(None, [cheaper_api]).startswith("**No recommendation yet.**")
    split = compare_frameworks(
        flow=ANSWERS["flow"], matrix=MatrixScores(capability=1, privacy=1, cost_volume=1, ops_tolerance=1,
                                                  fine_tuning=1, latency=1), tree_tasks=["multilingual"],
    )  # fmt: skip
    assert headline(split, [cheaper_api]).startswith("**Lean to the API, and split the workload")


def test_the_command_writes_the_memo_and_lists_what_is_missing(results: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["memo", "--results", str(results), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert f"wrote {out / 'decision-memo.md'}" in printed.out and "memo-cost.png" in printed.out
    assert "Lab 06 not run" in printed.err
    assert main(["memo", "--results", str(results), "--out", str(out), "--strict"]) == 1
    assert main(["memo", "--results", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    answers = save_answers(framework_answers(**ANSWERS), tmp_path)
    assert main(["memo", "--results", str(empty), "--answers", str(answers)]) == 0
    assert ANSWERS["workload"] in (empty / "memo" / "decision-memo.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as help_exit:
        main(["memo", "--help"])
    assert help_exit.value.code == 0 and "Exit status" in capsys.readouterr().out


def test_course_models_and_the_stand_in_give_a_demonstration_not_a_recommendation(results: Path) -> None:
    """The offline defaults (the course's small model, the stand-in): the memo shows the method and says what
    to rerun; every input is labelled by kind."""
    inputs = load_inputs(results)
    reasons = demonstration_reasons(inputs.results)
    assert any("course's small model" in r for r in reasons) and any("stand-in" in r for r in reasons)
    top = build_memo(inputs).sections[0].blocks[0].text
    assert top.startswith("**Demonstration: no recommendation.**")
    assert "COURSE_MODEL" in top and "OPENAI_API_KEY" in top and "for now" not in top
    kinds = {row.input: row.kind for row in provenance_rows(inputs.results)}
    assert kinds["lab 04: GPU throughput (prefill, decode)"] == "published figure"
    assert kinds["lab 01: one stream's decode speed"] == "your measurement"
    assert kinds["lab 05: accuracy and cost per correct answer, local side"] == "course model / stand-in"
    assert kinds["lab 05: accuracy and cost per correct answer, API side"] == "course model / stand-in"


def test_a_real_model_and_a_real_api_lift_the_demonstration(results: Path, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    shutil.copytree(results, folder)
    saved = read_headlines(folder)
    real_local = saved.headline("05").model_copy(update={"local_model": "Meta-Llama-3.1-8B-Instruct-Q4_K_M"})
    save_headline("05", real_local, mode="real API", machine=saved.labs["05"].machine, folder=folder)
    inputs = load_inputs(folder)
    assert demonstration_reasons(inputs.results) == []
    assert not build_memo(inputs).sections[0].blocks[0].text.startswith("**Demonstration")


def test_model_sizes_are_read_from_names() -> None:
    assert params_billion("SmolLM2-135M-Instruct-Q8_0") == pytest.approx(0.135)
    assert params_billion("Meta-Llama-3.1-8B-Instruct-Q4_K_M") == 8
    assert params_billion("qwen2.5-0.5b-instruct-q4_k_m") == 0.5
    assert is_course_model("tinychat-q8_0") and is_course_model("SmolLM2-135M-Instruct")
    assert not is_course_model("Meta-Llama-3.1-8B-Instruct-Q4_K_M")
