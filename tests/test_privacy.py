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
    ai_act_duties,
    ai_act_table,
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
    assert "third party" in result.reasons[0] and "rents you the machines" in result.reasons[0]
    assert Deployment.SELF_HOSTED_CLOUD not in result.also_possible  # cloud hosting is a third party here


def test_data_that_must_stay_in_our_network_allows_rented_gpus_in_our_vpc():
    # article 004's scenario A: "never leave their AWS VPC" rules out every model service, not the cloud host
    result = classify(Scenario("x", data="health", regimes=("HIPAA",), within_own_network=True))
    assert result.choice is Deployment.SELF_HOSTED_CLOUD
    assert result.also_possible == (Deployment.SELF_HOSTED_OPEN,)
    assert any("VPC" in step for step in result.to_do)


def test_hipaa_with_a_baa_the_direct_api_first_then_the_cloud_deployment():
    result = classify(Scenario("x", data="health", regimes=("HIPAA",), needs_frontier_quality=True))
    assert result.choice is Deployment.API_UNDER_CONTRACT  # the least change that meets the rule
    assert result.also_possible[0] is Deployment.PRIVATE_FRONTIER
    assert Deployment.SELF_HOSTED_OPEN in result.also_possible
    assert any("BAA" in step for step in result.to_do) and any(
        "zero data retention" in s for s in result.to_do
    )
    cloud_only = [o for o in load_privacy().offerings if o.kind == "private cloud deployment"]
    via_cloud = classify(Scenario("x", data="health", regimes=("HIPAA",)), offerings=cloud_only)
    assert via_cloud.choice is Deployment.PRIVATE_FRONTIER
    assert any("private networking" in step for step in via_cloud.to_do)


def test_residency_depends_on_the_regions_offered():
    eu = classify(Scenario("x", data="personal", regimes=("GDPR", "residency"), residency="EU"))
    assert eu.choice is Deployment.PRIVATE_FRONTIER and any("EU endpoint" in s for s in eu.to_do)
    elsewhere = classify(Scenario("x", data="personal", regimes=("GDPR", "residency"), residency="Atlantis"))
    assert elsewhere.choice is Deployment.SELF_HOSTED_OPEN and "Atlantis" in elsewhere.reasons[0]
    assert classify(Scenario("x"), offerings=()).choice is Deployment.PUBLIC_API
    no_offer = classify(Scenario("x", data="health"), offerings=())
    assert no_offer.choice is Deployment.SELF_HOSTED_OPEN
    assert no_offer.also_possible == (Deployment.SELF_HOSTED_CLOUD,)  # no region named: a cloud may do


def test_bundled_scenarios_cover_all_five_answers():
    results = classify_all()
    assert {r.choice for r in results} == set(Deployment)
    by_name = {r.scenario.name: r.choice for r in results}
    assert (
        by_name["Patient chatbot; compliance says PHI never leaves our VPC"] is Deployment.SELF_HOSTED_CLOUD
    )
    assert (
        by_name["Patient chatbot; compliance accepts a vendor under a BAA"] is Deployment.API_UNDER_CONTRACT
    )
    assert by_name["EU bank answers customer e-mails; data stays in the EU"] is Deployment.PRIVATE_FRONTIER
    table = classification_table(results)
    assert list(table.columns) == ["deployment", "why", "also possible", "to do"]
    offerings = offerings_table()
    assert set(offerings["kind"]) == {"private cloud deployment", "direct API under contract"}
    assert {"HIPAA (US health data)"} <= set(regimes_table().index)
    for item in (*load_privacy().regimes, *load_privacy().offerings):
        assert item.source.startswith("https://") and item.as_of.year >= 2026


def test_ai_act_dates_and_who_becomes_a_model_provider():
    table = ai_act_table()
    assert table.loc["Art. 113(b)", "applies from"] == "2025-08-02"
    assert table.loc["Art. 111(3)", "applies from"] == "2027-08-02"
    assert table.loc["Art. 101(1)", "applies from"] == "2026-08-02"
    assert list(table["applies from"])[-1] == "(a criterion)"  # dated rules first, in date order
    for rule in load_privacy().ai_act:
        assert rule.quote and rule.checked is not None and rule.source.startswith("https://")
    # calling an API, self-hosting unchanged weights, a LoRA fine-tune: not the model's provider
    for share in (0.0, 0.001):
        user = ai_act_duties(modification_share=share)
        assert user.role.startswith("not a provider") and any("Art. 50" in d for d in user.duties)
    # more than a third of the original training compute, placed on the EU market: the new model's provider
    big = ai_act_duties(modification_share=0.4)
    assert big.role == "provider of a general-purpose AI model" and len(big.duties) == 4
    released = ai_act_duties(modification_share=0.4, open_licence=True)
    assert len(released.duties) == 2 and "Art. 53(2)" in " ".join(released.reasons)
    risky = ai_act_duties(modification_share=0.4, open_licence=True, systemic_risk=True)
    assert len(risky.duties) == 5 and "open-source-exception" not in risky.rules
    assert ai_act_duties(modification_share=0.4, places_on_eu_market=False).role.startswith("not a provider")
    known = {r.id for r in load_privacy().ai_act}
    assert set(big.rules) | set(risky.rules) | set(user.rules) <= known
    with pytest.raises(ConfigError, match="share"):
        ai_act_duties(modification_share=-1)


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
    assert len(words) == len(results) * len(Deployment)
    with pytest.raises(ValueError):
        plot_scenario_matrix([])
