"""Synthetic real-shape models: published parameter counts, and a real llama.cpp load."""

import pytest
from llama_cpp import Llama

from course.config import load_settings
from course.models.embedded import embedded_vocab
from course.models.gguf_llama import LlamaShape, random_tensor_source, write_llama_gguf
from course.models.quantize import weight_type_counts
from course.models.synthetic import SYNTHETIC_SHAPES, ensure_synthetic_model


def test_real_shapes_match_published_parameter_counts():
    # Meta's model cards: Llama 3.1 8B = 8,030,261,248; Llama 3.2 1B = 1,235,814,400 parameters
    assert SYNTHETIC_SHAPES["llama-8b"].n_params == 8_030_261_248
    assert SYNTHETIC_SHAPES["llama-1b"].n_params == 1_235_814_400


def test_tied_embeddings_model_loads_without_output_matrix(tmp_path):
    shape = LlamaShape(
        name="tied-test",
        n_layer=2,
        n_embd=256,
        n_ff=512,
        n_head=4,
        n_head_kv=4,
        n_vocab=2048,
        tied_embeddings=True,
    )
    path = write_llama_gguf(
        tmp_path / "tied.gguf",
        shape=shape,
        vocab=embedded_vocab().padded(2048),
        tensors=random_tensor_source(seed=1, unique_rows=64),
    )
    assert "output.weight" not in {name for name, _ in shape.tensor_shapes()}
    llm = Llama(model_path=str(path), n_ctx=256, n_threads=load_settings().n_threads, verbose=False)
    assert llm.n_vocab() == 2048
    assert len(list(zip(range(4), llm.generate(llm.tokenize(b"open weights"), temp=0)))) == 4
    llm.close()


def test_writer_rejects_a_tensor_of_the_wrong_shape(tmp_path):
    shape = SYNTHETIC_SHAPES["roofline-90m"]

    def wrong(name, tshape):
        return random_tensor_source(seed=0)(
            name, (tshape[0] + 1, *tshape[1:]) if len(tshape) == 2 else tshape
        )

    with pytest.raises(ValueError, match="expected"):
        write_llama_gguf(tmp_path / "bad.gguf", shape=shape, vocab=embedded_vocab(), tensors=wrong)
    assert not list(tmp_path.iterdir())  # no half-written file left behind


@pytest.mark.slow
def test_roofline_model_is_out_of_cache_size_and_quantized(tmp_path):
    path = ensure_synthetic_model("roofline-90m", quant="Q4_0", models_dir=tmp_path, progress=False)
    assert path.stat().st_size > 50e6
    assert weight_type_counts(path)["Q4_0"] >= 50
