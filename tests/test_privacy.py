"""Deployment classification (course.teaching.privacy): the rules in order, the bundled scenarios, bad
input."""

import json

import pytest
from matplotlib.figure import Figure

from course.errors import ConfigError, DataError
from course.plots.privacy import plot_scenario_matrix
from course.teaching.privacy import (
    PRIVACY_PATH,
    Deployment,
    Scenario,
    classification_table,
    classify,
    classify_all,
    load_privacy,
    offerings_table,
    regimes_table,
)


def test_offline_and_air_gapped_need_open_weights_whatever_else_is_true():
    for kwargs in ({"offline_or_on_device": True}, {"air_gapped": True}):
        result = classify(Scenario("x", data="public", **kwargs))
        assert result.choice is Deployment.SELF_HOSTED_OPEN and result.also_possible == ()


def test_no_third_parties_rules_out_a_private_deployment_too():
    result = classify(Scenario("x", data="health", regimes=("HIPAA",), no_third_parties=True))
    assert result.choice is Deployment.SELF_HOSTED_OPEN
    assert "third party" in result.reasons[0]


def test_hipaa_with_a_baa_is_the_middle_path():
    result = classify(Scenario("x", data="health", regimes=("HIPAA",), needs_frontier_quality=True))
    assert result.choice is Deployment.PRIVATE_FRONTIER
    assert Deployment.SELF_HOSTED_OPEN in result.also_possible
    assert any("BAA" in step for step in result.to_do)


def test_residency_depends_on_the_regions_offered():
    eu = classify(Scenario("x", data="personal", regimes=("GDPR", "residency"), residency="EU"))
    assert eu.choice is Deployment.PRIVATE_FRONTIER and any("EU endpoint" in s for s in eu.to_do)
    elsewhere = classify(Scenario("x", data="personal", regimes=("GDPR", "residency"), residency="Atlantis"))
    assert elsewhere.choice is Deployment.SELF_HOSTED_OPEN and "Atlantis" in elsewhere.reasons[0]
    assert classify(Scenario("x"), offerings=()).choice is Deployment.PUBLIC_API
    assert classify(Scenario("x", data="health"), offerings=()).choice is Deployment.SELF_HOSTED_OPEN


def test_bundled_scenarios_cover_all_three_answers():
    results = classify_all()
    assert {r.choice for r in results} == set(Deployment)
    by_name = {r.scenario.name: r.choice for r in results}
    assert by_name["Patient chatbot; compliance says PHI never leaves our VPC"] is Deployment.SELF_HOSTED_OPEN
    assert by_name["Patient chatbot; compliance accepts a vendor under a BAA"] is Deployment.PRIVATE_FRONTIER
    table = classification_table(results)
    assert list(table.columns) == ["deployment", "why", "also possible", "to do"]
    assert len(offerings_table()) == 3 and {"HIPAA (US health data)"} <= set(regimes_table().index)
    for item in (*load_privacy().regimes, *load_privacy().offerings):
        assert item.source.startswith("https://") and item.as_of.year >= 2026


def test_bad_scenarios_say_how_to_fix():
    with pytest.raises(ConfigError, match="public, internal"):
        Scenario("x", data="secret")
    with pytest.raises(ConfigError, match="tuple"):
        Scenario("x", regimes="HIPAA")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="residency="):
        Scenario("x", regimes=("residency",))


def test_bad_data_file_is_named(tmp_path):
    data = json.loads(PRIVACY_PATH.read_text())
    data["offerings"][0]["regimes"].append("SOX")
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match="SOX"):
        load_privacy(path)
    data = json.loads(PRIVACY_PATH.read_text())
    data["scenarios"][0]["data"] = "secret"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"scenarios\[0\].*'data' is 'secret'"):
        load_privacy(path)


def test_scenario_matrix_marks_one_choice_per_row():
    results = classify_all()
    fig = plot_scenario_matrix(results)
    assert isinstance(fig, Figure)
    words = [t.get_text() for t in fig.axes[0].texts]
    assert words.count("chosen") == len(results)
    with pytest.raises(ValueError):
        plot_scenario_matrix([])
