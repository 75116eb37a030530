"""The embedded model: deterministic bytes, real quantization, sizes that shrink."""

import hashlib
from pathlib import Path

import pytest
from llama_cpp import Llama

from course.config import load_settings
from course.models.embedded import EMBEDDED_SHAPE, ensure_all_variants
from course.models.quantize import tensor_types, weight_type_counts


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict[str, Path]]:
    first = ensure_all_variants(models_dir=tmp_path_factory.mktemp("build1"))
    second = ensure_all_variants(models_dir=tmp_path_factory.mktemp("build2"))
    return first, second


def test_build_is_byte_for_byte_deterministic(two_builds):
    first, second = two_builds
    assert set(first) == {"F16", "Q8_0", "Q4_0", "Q4_K_M"}
    for quant in first:
        assert _sha256(first[quant]) == _sha256(second[quant]), quant


def test_each_variant_has_the_expected_tensor_types(two_builds):
    paths, _ = two_builds
    assert weight_type_counts(paths["F16"]) == {"F16": 30}
    assert weight_type_counts(paths["Q8_0"]) == {"Q8_0": 30}
    q4_0 = weight_type_counts(paths["Q4_0"])
    assert q4_0["Q4_0"] >= 29 and "F16" not in q4_0  # llama.cpp keeps the output matrix at Q6_K
    q4_k_m = weight_type_counts(paths["Q4_K_M"])
    assert q4_k_m["Q4_K"] > q4_k_m["Q6_K"] > 0 and "F16" not in q4_k_m  # the K-quant really applied
    for path in paths.values():  # norms stay F32 in every variant
        norms = {t for name, t in tensor_types(path).items() if name.endswith("norm.weight")}
        assert norms == {"F32"}


def test_sizes_shrink_with_fewer_bits(two_builds):
    paths, _ = two_builds
    size = {q: p.stat().st_size for q, p in paths.items()}
    assert size["F16"] > size["Q8_0"] > size["Q4_K_M"] > size["Q4_0"]
    assert size["F16"] / size["Q4_0"] > 3  # 16 bits vs ~4.5 bits per weight
    expected_f16 = EMBEDDED_SHAPE.n_params * 2
    assert expected_f16 < size["F16"] < expected_f16 * 1.1  # the rest is header and vocabulary


def test_every_variant_loads_and_chats(two_builds):
    paths, _ = two_builds
    for quant, path in paths.items():
        llm = Llama(model_path=str(path), n_ctx=256, n_threads=load_settings().n_threads, verbose=False)
        out = llm.create_chat_completion(
            messages=[{"role": "user", "content": "What is TTFT?"}], max_tokens=8, temperature=0
        )
        assert out["usage"]["completion_tokens"] >= 1, quant
        assert llm.metadata["general.architecture"] == "llama"
        llm.close()


def test_a_trained_file_with_a_stale_vocabulary_is_refused(tmp_path, monkeypatch):
    from course.models import embedded
    from course.models.gguf_llama import random_tensor_source, write_llama_gguf
    from course.models.vocab import build_vocab

    stale = write_llama_gguf(
        tmp_path / "stale-f16.gguf",
        shape=EMBEDDED_SHAPE,
        vocab=build_vocab("a different corpus gives a different vocabulary", size=EMBEDDED_SHAPE.n_vocab),
        tensors=random_tensor_source(seed=3),
    )
    monkeypatch.setattr(embedded, "trained_weights_file", lambda: stale)
    with pytest.raises(embedded.ModelError) as err:
        embedded.build_embedded_f16(tmp_path / "out.gguf")
    assert "another vocabulary" in str(err.value) and "train_embedded_model.py" in err.value.fix
