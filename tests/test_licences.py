"""Licence data and deployment checks (course.teaching.licences) and the openness figure."""

import json

import pytest
from matplotlib.figure import Figure

from course.errors import ConfigError, DataError
from course.plots.openness import plot_openness_spectrum
from course.teaching.licences import (
    LICENCES_PATH,
    check_deployment,
    check_plan_against_all,
    licence_table,
    load_licences,
    openness_table,
    wants_table,
)


def test_bundled_data_has_the_licences_the_outcomes_name():
    book = load_licences()
    ids = {lic.id for lic in book.licences}
    assert {"apache-2.0", "llama-3.x-community", "gemma-terms", "mistral-research", "openai-api"} <= ids
    assert {m.openness for m in book.models} == {"closed_api", "weights_available", "fully_open"}
    fully_open = {m.name.split()[0] for m in book.models if m.openness == "fully_open"}
    assert {"OLMo", "BLOOM"} <= fully_open
    # Mistral ships two licence families: one model under each
    mistral = {m.licence for m in book.models if m.developer == "Mistral AI"}
    assert mistral == {"apache-2.0", "mistral-research"}
    for lic in book.licences:  # as_of is the date the source states; checked, the day it was read
        assert lic.source.startswith("https://") and lic.checked is not None and lic.checked.year >= 2026


def test_only_auditability_needs_a_fully_open_model():
    needs = {w.want.split(":")[0]: w.needs for w in load_licences().wants}
    assert needs.pop("auditability") == "fully_open"
    assert set(needs.values()) == {"weights_available"}


def test_llama_user_cap_blocks_only_above_700m():
    assert check_deployment("llama-3.x-community", monthly_active_users=700_000_000).verdict != "not allowed"
    big = check_deployment("llama-3.x-community", monthly_active_users=700_000_001)
    assert big.verdict == "not allowed" and "700,000,000" in big.blockers[0]
    assert any("Acceptable Use" in c for c in big.conditions)


def test_research_licence_blocks_commercial_use_but_not_research():
    assert check_deployment("mistral-research", monthly_active_users=10).verdict == "not allowed"
    assert (
        check_deployment("mistral-research", monthly_active_users=10, commercial=False).verdict == "allowed"
    )
    assert (
        check_deployment("apache-2.0", monthly_active_users=10**9, redistribute_weights=True).blockers == ()
    )


def test_api_terms_cannot_be_self_hosted_and_forbid_training_on_outputs():
    hosted = check_deployment("openai-api", monthly_active_users=10)
    assert "no weights" in hosted.blockers[0]
    # Anthropic's Usage Policy forbids training any model on outputs; OpenAI's terms only competing ones
    api = check_deployment(
        "anthropic-api", monthly_active_users=10, self_host=False, train_other_models_on_outputs=True
    )
    assert api.verdict == "not allowed" and any(c.startswith("data:") for c in api.conditions)
    openai = check_deployment(
        "openai-api", monthly_active_users=10, self_host=False, train_other_models_on_outputs=True
    )
    assert openai.verdict == "allowed, with conditions"


def test_plan_against_all_gives_one_row_per_licence():
    table = check_plan_against_all(monthly_active_users=900_000_000, train_other_models_on_outputs=True)
    verdicts = dict(zip(table["licence"], table["verdict"], strict=True))
    assert verdicts["Apache License 2.0"] == "allowed"
    assert verdicts["Llama 3.1 / 3.3 Community License"] == "not allowed"
    assert verdicts["Gemma Terms of Use"] == "allowed, with conditions"
    assert len(licence_table()) == len(load_licences().licences)
    assert len(openness_table()) == len(load_licences().models)
    assert "least openness that delivers it" in wants_table().columns


def test_bad_arguments_say_how_to_fix():
    with pytest.raises(ConfigError, match="No licence with id"):
        check_deployment("gpl", monthly_active_users=1)
    with pytest.raises(ConfigError, match="whole number"):
        check_deployment("apache-2.0", monthly_active_users=1.5)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d["licences"][0].update(commercial_use="maybe"), "commercial_use"),
        (lambda d: d["licences"][0].pop("source"), r"licences\[0\].*'source' is missing"),
        (lambda d: d["licences"][1].update(as_of="last year"), "YYYY-MM-DD"),
        (lambda d: d["models"][0].update(licence="nope"), "not in 'licences'"),
        (lambda d: d["models"][7].update(training_data="closed"), "artefacts make it"),
        (lambda d: d["licences"][1].update(source="http://x"), "https"),
    ],
)
def test_bad_data_rows_are_named(tmp_path, edit, words):
    data = json.loads(LICENCES_PATH.read_text())
    edit(data)
    path = tmp_path / "licences.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=words):
        load_licences(path)


def test_openness_figure_has_one_row_per_model_closed_first():
    fig = plot_openness_spectrum()
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == len(load_licences().models)
    assert "closed" in labels[0] and "fully open" in labels[-1]
