"""The frontier stand-in (offline): committed, small, served on loopback, and better on hard items."""

from __future__ import annotations

from pathlib import Path

import gguf
import pytest

from course.backends.inprocess import InProcessBackend
from course.config import DEFAULT_API_MODEL
from course.economics.prices import api_price
from course.errors import ModelError
from course.evals import api_side, load_eval_set, run_eval, stratified_sample
from course.models import embedded
from course.models.embedded import (
    EMBEDDED_SHAPE,
    STANDIN_LABEL,
    STANDIN_SHAPE,
    embedded_vocab,
    standin_weights_file,
    trained_weights_file,
)
from course.models.quantize import weight_type_counts
from course.models.resolve import resolve_model

STANDIN = standin_weights_file()
pytestmark = pytest.mark.skipif(not STANDIN.exists(), reason=f"no stand-in at {STANDIN}")


def test_both_committed_models_together_stay_under_15_mb() -> None:
    assert STANDIN.stat().st_size + trained_weights_file().stat().st_size < 15 * 10**6


def test_stand_in_is_a_larger_quantized_model_on_the_same_vocabulary() -> None:
    reader = gguf.GGUFReader(STANDIN)
    assert tuple(reader.fields["tokenizer.ggml.tokens"].contents()) == embedded_vocab().tokens
    assert "frontier stand-in (offline)" in reader.fields["general.description"].contents()
    assert weight_type_counts(STANDIN)["Q8_0"] > 0
    assert STANDIN_SHAPE.n_params > 1.4 * EMBEDDED_SHAPE.n_params


def test_resolve_names_the_stand_in() -> None:
    assert resolve_model("standin") == STANDIN


def test_a_missing_stand_in_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "standin_weights_file", lambda: tmp_path / "gone.gguf")
    with pytest.raises(ModelError, match="frontier stand-in") as info:
        resolve_model("standin")
    assert "train_embedded_model.py --model standin" in info.value.fix


@pytest.fixture(scope="module")
def hard_items():
    return stratified_sample(
        [i for i in load_eval_set("eval") if i.difficulty == "hard"], per_group=10, seed=2
    )


@pytest.mark.slow
def test_stand_in_beats_the_small_model_on_hard_items(embedded_paths: dict[str, Path], hard_items) -> None:
    with InProcessBackend(embedded_paths["Q8_0"]) as small:
        mine = run_eval(small, hard_items, label="small", progress=False)
    with InProcessBackend("standin") as big:
        theirs = run_eval(big, hard_items, label="stand-in", progress=False)
    small_right, big_right = sum(r.correct for r in mine), sum(r.correct for r in theirs)
    assert big_right >= small_right + 3, (small_right, big_right)


@pytest.mark.slow
def test_offline_api_side_is_the_labelled_stand_in_behind_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    item = load_eval_set("eval")[0]
    with api_side() as side:
        assert side.standin and side.label == STANDIN_LABEL
        assert "offline" in side.note and "127.0.0.1" in side.note
        assert side.price.name == api_price(DEFAULT_API_MODEL).name
        [result] = run_eval(side.backend, [item], label=side.label, progress=False)
        assert result.json_valid and result.prompt_tokens > 0 and result.e2e_s > 0
        base_url = side.backend.base_url
    assert base_url.startswith("http://127.0.0.1:")
