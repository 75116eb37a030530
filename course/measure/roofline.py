"""The roofline: measured generation speed against this machine's memory-bandwidth limit (labs 01 and 04).

Three steps, each a small function so the lab shows its assumption beside its number (lab 04 sets the
result beside the published one-stream figures of :mod:`course.economics.throughput`):

1. :func:`measure_bandwidth_gb_s`: this machine's memory bandwidth, measured (numpy copies).
2. :func:`roofline`: generation tokens/s can be at most bandwidth ÷ bytes read per token (batch 1
   reads every weight once per token); the measured rate ÷ that roof is the *roofline ratio*.
3. :func:`scaled_decode_tokens_per_s`: the same ratio on another machine (a rented GPU) and another
   model: ratio × GPU bandwidth ÷ that model's bytes per token, one stream. What a GPU serves under load
   (many streams, prompts apart) is published, not scaled: :mod:`course.economics.capacity`.

GPU bandwidths are dated and sourced in ``course/data/gpu_bandwidth.json``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import model_validator

from course.datafiles import Day, Fact, Positive, RowsFile, Source, Text, data_row, load_data, problem
from course.errors import ConfigError, DataError


@dataclass(frozen=True)
class Roofline:
    """Measured generation speed against the memory-bandwidth limit of the machine it ran on."""

    bandwidth_gb_s: float
    bytes_per_token: int
    measured_tokens_per_s: float

    @property
    def roof_tokens_per_s(self) -> float:
        """The most tokens/s batch-1 generation can reach: bandwidth ÷ bytes read per token."""
        return self.bandwidth_gb_s * 1e9 / self.bytes_per_token

    @property
    def ratio(self) -> float:
        """Measured ÷ roof: the share of the memory-bandwidth limit this machine reached."""
        return self.measured_tokens_per_s / self.roof_tokens_per_s


@data_row
class GpuBandwidth(Fact):
    """A GPU's peak memory bandwidth from its maker's datasheet (a row of ``course/data/gpu_bandwidth.json``).

    ``nvidia_smi_name``: the words ``nvidia-smi`` prints for the card (``bench/gpu_offload.py`` matches
    them as whole words). ``unverified``: why a figure has no source page yet (copied from elsewhere).
    """

    gpu: Text
    memory_bandwidth_gb_s: Positive
    memory_gb: Positive
    as_of: Day
    source: Source | None = None
    unverified: str | None = None
    nvidia_smi_name: str | None = None
    note: str = ""
    checked: Day | None = None
    quote: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> GpuBandwidth:
        if not self.source and not (self.unverified or "").strip():
            raise problem(
                "is missing, and 'unverified' does not say why.",
                "Give the datasheet page (https://...), or say in 'unverified' why there is none yet.",
                field="source",
            )
        return self


class GpuBandwidthFile(RowsFile[GpuBandwidth]):
    """``course/data/gpu_bandwidth.json``: one row per GPU, names and nvidia-smi names unique."""

    @model_validator(mode="after")
    def _unique(self) -> GpuBandwidthFile:
        for key in ("gpu", "nvidia_smi_name"):
            seen: set[str] = set()
            for i, row in enumerate(self.rows):
                name = getattr(row, key)
                if name in seen:
                    raise problem(f"repeats {name!r}.", "Keep one row per GPU.", at=("rows", i, key))
                if name:
                    seen.add(name)
        return self


def measure_bandwidth_gb_s(
    *, buffer_mib: int = 128, repeats: int = 3, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Memory bandwidth of this machine: bytes read + written by a numpy copy ÷ time (best of ``repeats``).

    The buffer (``buffer_mib`` MiB, default 128) is larger than CPU caches, so the copy runs from
    main memory. One thread: llama.cpp uses more, so the roof is conservative on many-core machines.
    A first, untimed copy touches every page, so no timed copy pays for page faults. ``clock`` is the
    timer (seconds); tests pass their own to check the byte count without timing anything.
    """
    if buffer_mib < 16 or repeats < 1:
        raise ConfigError("buffer_mib must be at least 16 and repeats at least 1.", fix="Use the defaults.")
    src = np.ones(buffer_mib * 2**20 // 8, dtype=np.float64)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # touch every page first
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        np.copyto(dst, src)
        best = min(best, clock() - start)
    return (src.nbytes + dst.nbytes) / best / 1e9


def bytes_per_token(path: str | Path) -> int:
    """Tensor bytes read to generate one token: every tensor of the GGUF but the embedding table.

    The embedding table is only looked up (one row a token), unless the model ties it to the output
    layer (no ``output.weight``, as SmolLM2 does): then every token's logits read all of it.
    """
    import gguf

    reader = gguf.GGUFReader(Path(path))
    tied = not any(t.name == "output.weight" for t in reader.tensors)
    return sum(int(t.n_bytes) for t in reader.tensors if tied or t.name != "token_embd.weight")


def roofline(*, bandwidth_gb_s: float, bytes_per_token: int, measured_tokens_per_s: float) -> Roofline:
    """A :class:`Roofline` (checked: all three positive)."""
    for name, value in (
        ("bandwidth_gb_s", bandwidth_gb_s),
        ("bytes_per_token", bytes_per_token),
        ("measured_tokens_per_s", measured_tokens_per_s),
    ):
        if not value > 0:
            raise ConfigError(f"{name} is {value!r}; it must be positive.", fix="Pass a measured value.")
    return Roofline(bandwidth_gb_s, int(bytes_per_token), measured_tokens_per_s)


def gpu_bandwidths(*, data_dir: Path | None = None) -> dict[str, GpuBandwidth]:
    """GPU name -> its memory bandwidth (datasheet figures, dated; sourced, or marked unverified)."""
    rows = load_data("gpu_bandwidth.json", GpuBandwidthFile, data_dir=data_dir).rows
    return {r.gpu: r for r in rows}


def gpu_bandwidth(gpu: str) -> GpuBandwidth:
    known = gpu_bandwidths()
    if gpu not in known:
        raise DataError(f"No bandwidth figure for {gpu!r}.", fix=f"Use one of: {', '.join(known)}.")
    return known[gpu]


def scaled_decode_tokens_per_s(
    measured: Roofline, *, gpu_bandwidth_gb_s: float, model_bytes_per_token: float, gpus: int = 1
) -> float:
    """One stream's decode rate on a GPU: your roofline ratio × its roof (bandwidth ÷ bytes per token).

    Assumes the GPU reaches the same share of ITS bandwidth limit as your machine reached of its own
    (a GPU with a tuned server usually does better, a small model worse); ``gpus`` split the weights
    (tensor parallelism), each reading its share. This is one stream alone: what many streams at once
    sustain, and prompt processing, come from published measurements (course.economics.capacity), not
    from a multiplier on this figure.
    """
    if not (gpu_bandwidth_gb_s > 0 and model_bytes_per_token > 0) or isinstance(gpus, bool) or gpus < 1:
        raise ConfigError(
            "gpu_bandwidth_gb_s and model_bytes_per_token must be positive and gpus at least 1.",
            fix="Pass datasheet bandwidth, the model's bytes per token and the GPUs per replica.",
        )
    roof = gpu_bandwidth_gb_s * 1e9 * gpus / model_bytes_per_token
    return measured.ratio * roof


def measure_decode_tokens_per_s(backend, *, n_tokens: int = 48, repeats: int = 2) -> float:
    """Generation speed of ``backend`` (an in-process model): tokens after the first ÷ their time, best run.

    Fixed-length answers (end-of-text ignored), temperature 0, the best of ``repeats`` runs (the
    least disturbed by other programs on the machine).
    """
    from course.backends.base import GenerationOptions

    if n_tokens < 8 or repeats < 1:
        raise ConfigError("n_tokens must be at least 8 and repeats at least 1.", fix="Use the defaults.")
    options = GenerationOptions(max_tokens=n_tokens, temperature=0.0, ignore_eos=True)
    best = 0.0
    for i in range(repeats):
        prompt = [{"role": "user", "content": f"Run {i}: write about lighthouses."}]
        stream = backend.stream_chat(prompt, options=options)
        chunks = [c for c in stream if c.text]
        if len(chunks) < 2:
            continue
        first, last = chunks[0], chunks[-1]
        tokens = (last.n_tokens or len(chunks)) - (first.n_tokens or 1)
        if last.t_s > first.t_s and tokens > 0:
            best = max(best, tokens / (last.t_s - first.t_s))
    if best == 0.0:
        raise ConfigError("The model produced too few tokens to time.", fix="Raise n_tokens.")
    return best
