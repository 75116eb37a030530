"""Write llama-architecture GGUF files with the ``gguf`` package, one tensor at a time.

Tensors are streamed to disk in order, so even an 8B-parameter shape (about 16 GB at F16) is
written with memory for only its largest tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gguf
import numpy as np

from course.io import atomic_path
from course.models.vocab import CHATML_TEMPLATE, Vocab


@dataclass(frozen=True)
class LlamaShape:
    """The hyper-parameters that fix a llama model's tensor shapes."""

    name: str
    n_layer: int
    n_embd: int
    n_ff: int
    n_head: int
    n_head_kv: int
    n_vocab: int
    n_ctx_train: int = 2048
    rope_theta: float = 10000.0
    rms_eps: float = 1e-5
    tied_embeddings: bool = False

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head

    def tensor_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """(GGUF tensor name, numpy shape) in file order; matrices are (out, in)."""
        kv = self.n_head_kv * self.head_dim
        shapes: list[tuple[str, tuple[int, ...]]] = [("token_embd.weight", (self.n_vocab, self.n_embd))]
        for i in range(self.n_layer):
            b = f"blk.{i}"
            shapes += [
                (f"{b}.attn_norm.weight", (self.n_embd,)),
                (f"{b}.attn_q.weight", (self.n_embd, self.n_embd)),
                (f"{b}.attn_k.weight", (kv, self.n_embd)),
                (f"{b}.attn_v.weight", (kv, self.n_embd)),
                (f"{b}.attn_output.weight", (self.n_embd, self.n_embd)),
                (f"{b}.ffn_norm.weight", (self.n_embd,)),
                (f"{b}.ffn_gate.weight", (self.n_ff, self.n_embd)),
                (f"{b}.ffn_up.weight", (self.n_ff, self.n_embd)),
                (f"{b}.ffn_down.weight", (self.n_embd, self.n_ff)),
            ]
        shapes.append(("output_norm.weight", (self.n_embd,)))
        if not self.tied_embeddings:
            shapes.append(("output.weight", (self.n_vocab, self.n_embd)))
        return shapes

    @property
    def n_params(self) -> int:
        return sum(int(np.prod(shape)) for _, shape in self.tensor_shapes())


TensorSource = Callable[[str, tuple[int, ...]], np.ndarray]
"""Returns the values of one tensor given its name and shape (F32 for norms, F16 otherwise)."""


def tensor_dtype(name: str) -> type[np.floating]:
    """Norm weights stay F32 (llama.cpp expects it); every other tensor is F16."""
    return np.float32 if name.endswith("norm.weight") else np.float16


def random_tensor_source(*, seed: int, std: float = 0.02, unique_rows: int | None = None) -> TensorSource:
    """Deterministic random weights: N(0, std) matrices, norm weights of 1.

    ``unique_rows`` draws only that many random rows per matrix and repeats them: speed in
    llama.cpp depends on shapes and types, not values, so large synthetic models are made fast.
    """

    def source(name: str, shape: tuple[int, ...]) -> np.ndarray:
        if len(shape) == 1:
            return np.ones(shape, dtype=np.float32)
        # one generator per tensor (seeded by its name) keeps every tensor independent of order
        rng = np.random.default_rng([seed, *name.encode()])
        rows = shape[0] if unique_rows is None else min(shape[0], unique_rows)
        block = np.empty((rows, shape[1]), dtype=np.float16)
        rows_per_chunk = max(1, (1 << 24) // shape[1])  # ~16 M values at a time
        for start in range(0, rows, rows_per_chunk):
            stop = min(rows, start + rows_per_chunk)
            block[start:stop] = rng.standard_normal((stop - start, shape[1]), dtype=np.float32) * np.float32(
                std
            )
        if rows == shape[0]:
            return block
        return np.resize(block, shape)  # repeats the block's rows

    return source


def write_llama_gguf(
    path: Path,
    *,
    shape: LlamaShape,
    vocab: Vocab,
    tensors: TensorSource,
    description: str = "",
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write ``shape`` with weights from ``tensors`` to ``path`` (F16, norms F32).

    ``progress`` is called with the byte count of each tensor once written.
    """
    if len(vocab) != shape.n_vocab:
        raise ValueError(f"vocabulary has {len(vocab)} tokens, shape expects {shape.n_vocab}")
    with atomic_path(path) as tmp:  # a crash never leaves a half-written file under the final name
        _write(
            gguf.GGUFWriter(tmp, arch="llama"),
            shape=shape,
            vocab=vocab,
            tensors=tensors,
            description=description,
            progress=progress,
        )
    return path


def _write(
    writer: gguf.GGUFWriter,
    *,
    shape: LlamaShape,
    vocab: Vocab,
    tensors: TensorSource,
    description: str,
    progress: Callable[[int], None] | None,
) -> None:
    """Fill ``writer`` (header, vocabulary, tensors) and close it, on failure too."""
    writer.add_name(shape.name)
    if description:
        writer.add_description(description)
    writer.add_context_length(shape.n_ctx_train)
    writer.add_embedding_length(shape.n_embd)
    writer.add_block_count(shape.n_layer)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_rope_dimension_count(shape.head_dim)
    writer.add_rope_freq_base(shape.rope_theta)
    writer.add_layer_norm_rms_eps(shape.rms_eps)
    writer.add_vocab_size(shape.n_vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(list(vocab.tokens))
    writer.add_token_scores(list(vocab.scores))
    writer.add_token_types(list(vocab.types))
    writer.add_bos_token_id(vocab.bos_id)
    writer.add_eos_token_id(vocab.eos_id)
    writer.add_unk_token_id(vocab.unk_id)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHATML_TEMPLATE)

    order = shape.tensor_shapes()
    for name, tshape in order:
        dtype = np.dtype(tensor_dtype(name))
        writer.add_tensor_info(name, tshape, dtype, int(np.prod(tshape)) * dtype.itemsize)
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for name, tshape in order:
            array = tensors(name, tshape).astype(tensor_dtype(name), copy=False)
            if array.shape != tshape:
                raise ValueError(f"tensor {name} has shape {array.shape}, expected {tshape}")
            writer.write_tensor_data(np.ascontiguousarray(array))
            if progress is not None:
                progress(array.nbytes)
            del array
    finally:
        writer.close()
