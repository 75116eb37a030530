"""The committed trained embedded model: built as shipped, it answers its questions (llama.cpp, no torch)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import gguf
import llama_cpp
import pytest

from course.config import load_settings
from course.models.embedded import embedded_vocab, ensure_embedded_model, qa_pairs, trained_weights_file
from course.models.quantize import weight_type_counts

TRAINED = trained_weights_file()

pytestmark = pytest.mark.skipif(
    not TRAINED.exists(),
    reason=f"no trained embedded model at {TRAINED} (make it with scripts/train_embedded_model.py)",
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


def test_build_copies_the_committed_file(models_dir: Path) -> None:
    built = ensure_embedded_model("F16", models_dir=models_dir)
    assert _sha256(built) == _sha256(TRAINED)


def test_committed_file_is_trained_on_the_current_vocabulary() -> None:
    # qa.json defines the vocabulary: editing it without retraining leaves a stale file
    reader = gguf.GGUFReader(TRAINED)
    assert tuple(reader.fields["tokenizer.ggml.tokens"].contents()) == embedded_vocab().tokens
    assert "trained" in reader.fields["general.description"].contents()
    assert TRAINED.stat().st_size <= 8 * 1024 * 1024


def test_q8_0_answers_its_questions_verbatim_and_stops(models_dir: Path) -> None:
    path = ensure_embedded_model("Q8_0", models_dir=models_dir)
    assert weight_type_counts(path)["Q8_0"] > 0  # really quantized, not a silent F16 fallback
    # COURSE_THREADS (one per worker under `make test`): two spinning threads per worker on two cores
    # made this test 78 s instead of a few seconds.
    threads = load_settings().n_threads
    llm = llama_cpp.Llama(str(path), n_ctx=512, n_threads=threads, n_threads_batch=threads, verbose=False)
    pairs = qa_pairs()
    wrong: dict[str, tuple[str, str | None]] = {}
    for pair in pairs:
        reply = llm.create_chat_completion(
            [{"role": "user", "content": pair["q"]}], temperature=0.0, max_tokens=96
        )
        choice = reply["choices"][0]
        text, reason = choice["message"]["content"], choice["finish_reason"]
        if text != pair["a"] or reason != "stop":  # "stop": it ended at <|im_end|> by itself
            wrong[pair["q"]] = (text, reason)
    llm.close()
    assert len(wrong) <= len(pairs) // 10, f"{len(wrong)}/{len(pairs)} answers differ: {wrong}"
