"""Capability data and MoE arithmetic (course.teaching.capability); format checks
(course.evals.format_check)."""

import json

import pytest
from matplotlib.figure import Figure

from course.errors import ConfigError, DataError
from course.evals.format_check import check_json_reply, validity_rate
from course.plots.capability import plot_capability_gap
from course.teaching.capability import (
    CAPABILITY_PATH,
    chained_success_table,
    gap_table,
    load_capability,
    moe_footprint,
    moe_table,
    task_table,
)


def test_task_families_cover_the_outcome_list():
    tasks = " ".join(t.task for t in load_capability().task_families)
    for word in (
        "classification",
        "RAG",
        "embeddings",
        "code",
        "reasoning",
        "tool",
        "long context",
        "multilingual",
        "refusal",
        "knowledge",
    ):
        assert word in tasks
    assert set(task_table()["verdict"]) == {"open matches", "frontier leads", "open can win"}


def test_gap_table_reproduces_source_003_numbers():
    table = gap_table()
    assert table.loc["Agentic tasks", "gap (points)"] == 35
    assert table.loc["Classification", "gap (points)"] == 5
    # relative benchmark scores are not accuracies: no failure rate is derived from them
    assert not [c for c in table.columns if "fail" in c]


def test_chained_success_compounds_a_per_call_gap():
    table = chained_success_table({"open": 0.97, "frontier": 0.99}, calls=(1, 5, 20))
    assert table.loc[1, "open: task succeeds (%)"] == 97.0
    assert table.loc[20, "open: task succeeds (%)"] == pytest.approx(100 * 0.97**20, abs=0.05)
    assert table.loc[20, "frontier: task succeeds (%)"] == pytest.approx(100 * 0.99**20, abs=0.05)
    with pytest.raises(ConfigError, match="probability"):
        chained_success_table({"open": 1.2})
    with pytest.raises(ConfigError, match="step counts"):
        chained_success_table({"open": 0.9}, calls=(0,))


def test_moe_memory_follows_total_and_speed_follows_active():
    mixtral = next(m for m in load_capability().moe_models if m.name == "Mixtral 8x7B")
    f = moe_footprint(mixtral, bits_per_weight=4)
    assert f.weights_gb == pytest.approx(46.7 * 4 / 8)  # 23.35 GB: all experts resident
    assert f.gb_read_per_token == pytest.approx(12.9 * 4 / 8)  # 6.45 GB read per generated token
    assert f.gflops_per_token == pytest.approx(25.8)
    table = moe_table(bits_per_weight=16)
    assert (
        table.loc["Llama 3.1 70B (dense)", "GB read per token"]
        == table.loc["Llama 3.1 70B (dense)", "weights at 16 bits (GB)"]
    )
    with pytest.raises(ConfigError, match="Q4_K_M"):
        moe_footprint(mixtral, bits_per_weight=0.5)


def test_bad_capability_rows_are_named(tmp_path):
    data = json.loads(CAPABILITY_PATH.read_text())
    data["moe_models"][0]["active_params_b"] = 99.0
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match="at most the totals"):
        load_capability(path)
    data = json.loads(CAPABILITY_PATH.read_text())
    data["task_families"][0]["verdict"] = "tie"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match="verdict"):
        load_capability(path)


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ('{"category": "bug", "priority": "low"}', "valid"),
        ('  {"category": "bug", "priority": "low"}\n', "valid"),
        ('Here you go: {"category": "bug", "priority": "low"}', "prose around the JSON"),
        ('{"category": "bug", "priority": "low"} Hope this helps!', "prose around the JSON"),
        ('```json\n{"category": "bug", "priority": "low"}\n```', "wrapped in a code fence"),
        ('{"category": "bug", "priority": ', "cut off"),
        ("{'category': 'bug', 'priority': 'low'}", "syntax error"),
        ('{"category": "refund", "priority": "low"}', "value not allowed"),
        ('{"category": "bug"}', "missing keys"),
        ('["bug", "low"]', "not a JSON object"),
        ("I cannot tell.", "no JSON at all"),
    ],
)
def test_check_json_reply_names_the_first_problem(reply, problem):
    check = check_json_reply(
        reply, required_keys=["category", "priority"], allowed_values={"category": ["bug", "billing"]}
    )
    assert check.problem == problem
    assert check.ok is (problem == "valid")


def test_validity_rate_counts_and_gives_an_interval():
    replies = ['{"a": 1}'] * 9 + ["oops"]
    report = validity_rate(replies, required_keys=["a"])
    assert report.rate == 0.9 and report.problems == {"valid": 9, "no JSON at all": 1}
    assert report.interval.low < 0.9 < report.interval.high
    with pytest.raises(ConfigError, match="at least one"):
        validity_rate([])
    with pytest.raises(ConfigError, match="must be text"):
        check_json_reply(None)  # type: ignore[arg-type]


def test_capability_gap_figure():
    fig = plot_capability_gap()
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].patches) == 2 * len(load_capability().source_003_gap)
