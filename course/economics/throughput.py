"""Published throughput of real models on real GPUs: the rows of ``course/data/throughput.json``.

A 2-core laptop and a course-sized model cannot measure what an 8B or 70B model does on an H100 under
load; serving engines' maintainers and GPU vendors publish it. Each row here is one published figure,
read from its source (``source``, ``checked``, and a verbatim ``quote``), with everything that decides
what it means: model, quantization, GPU and how many, engine and version, the load (every request queued
at once, a fixed number in flight, or a request rate), the input and output lengths, and which rate it
is (aggregate over all streams, or one stream's own). :mod:`course.economics.capacity` fits prefill and
decode rates to them; ``gaps`` names the cells of the model × GPU matrix that could not be sourced.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from course.datafiles import FILE_CONFIG, Day, Fact, Positive, Source, Text, data_row, load_data, problem
from course.errors import ConfigError

THROUGHPUT_FILE = "throughput.json"
Load = Literal["max", "concurrency", "request rate"]


@data_row
class ThroughputRow(Fact):
    """One published measurement. Rates are tokens per second; latencies milliseconds.

    ``output_tokens_per_s`` is aggregate output over all streams (at ``load``); ``ttft_ms`` and
    ``itl_ms`` are one request's time to first token and mean inter-token latency;
    ``*_one_stream`` figures are one request's own rate with nothing else running. ``as_of`` is the
    date the source states, or None with ``as_of_note`` saying what it states instead.
    """

    id: Text
    model: Text  # the course's key of the model family measured ("llama-3.1-8b")
    model_name: Text  # as the source names it
    quantization: Text
    gpu: Text  # as course/data/gpu_bandwidth.json and prices.json name it
    gpus: Annotated[int, Field(ge=1)]
    parallelism: Text
    engine: Text
    engine_version: Text
    load: Load
    concurrency: Annotated[int, Field(ge=1)] | None
    input_tokens: Annotated[float, Field(ge=0)] | None
    output_tokens: Annotated[float, Field(ge=0)] | None
    metric_note: Text
    source: Source
    as_of: Day | None
    as_of_note: str = ""
    request_rate_per_s: Positive | None = None
    output_tokens_per_s: Positive | None = None
    ttft_ms: Positive | None = None
    itl_ms: Positive | None = None
    decode_tokens_per_s_one_stream: Positive | None = None
    prefill_tokens_per_s_one_stream: Positive | None = None
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    @model_validator(mode="after")
    def _says_what_it_measured(self) -> ThroughputRow:
        rates = (
            self.output_tokens_per_s,
            self.itl_ms,
            self.decode_tokens_per_s_one_stream,
            self.prefill_tokens_per_s_one_stream,
        )
        if all(r is None for r in rates):
            raise problem(
                "has no figure.",
                "Give output_tokens_per_s, itl_ms or a *_one_stream rate.",
                field="output_tokens_per_s",
            )
        if self.as_of is None and not self.as_of_note.strip():
            raise problem(
                "is null, and 'as_of_note' does not say what date the source states instead.",
                "Give the date the source states (YYYY-MM-DD), or say in 'as_of_note' why there is none.",
                field="as_of",
            )
        if self.load == "concurrency" and self.concurrency is None:
            raise problem(
                "is missing for a fixed-concurrency row.", "Give the requests in flight.", field="concurrency"
            )
        return self

    @property
    def input_share(self) -> float | None:
        """The share of this row's tokens that are prompt tokens (None when the lengths are unknown)."""
        if (
            self.input_tokens is None
            or self.output_tokens is None
            or self.input_tokens + self.output_tokens == 0
        ):
            return None
        return self.input_tokens / (self.input_tokens + self.output_tokens)

    @property
    def total_tokens_per_s(self) -> float | None:
        """Prompt and output tokens per second, from the output rate and the lengths (None if unknown)."""
        if self.output_tokens_per_s is None or not self.output_tokens or self.input_tokens is None:
            return None
        return self.output_tokens_per_s * (self.input_tokens + self.output_tokens) / self.output_tokens

    @property
    def one_stream_decode_tokens_per_s(self) -> float | None:
        """One stream's decode rate: as published, or 1000 / ITL at one request in flight or a low rate."""
        if self.decode_tokens_per_s_one_stream is not None:
            return self.decode_tokens_per_s_one_stream
        light = (self.load == "concurrency" and self.concurrency == 1) or self.load == "request rate"
        return 1000.0 / self.itl_ms if light and self.itl_ms else None

    @property
    def one_stream_prefill_tokens_per_s(self) -> float | None:
        """One stream's prompt rate: as published, or prompt tokens ÷ TTFT at one request in flight or a
        low rate (TTFT includes the server's own overhead, so this is a lower bound)."""
        if self.prefill_tokens_per_s_one_stream is not None:
            return self.prefill_tokens_per_s_one_stream
        light = (self.load == "concurrency" and self.concurrency == 1) or self.load == "request rate"
        if light and self.ttft_ms and self.input_tokens:
            return self.input_tokens / (self.ttft_ms / 1000)
        return None

    @property
    def config(self) -> tuple[str, str, str, str, int]:
        """What a fit must hold fixed: GPU, engine and version, quantization, GPUs per replica."""
        return (
            self.gpu,
            f"{self.engine} {self.engine_version}",
            self.quantization,
            self.parallelism,
            self.gpus,
        )

    def describe(self) -> str:
        """One line: what was measured, where, and the figure."""
        lengths = (
            f"{self.input_tokens:g} in / {self.output_tokens:g} out"
            if self.input_tokens is not None and self.output_tokens is not None
            else "lengths not given"
        )
        load = {
            "max": "every request queued at once",
            "concurrency": f"{self.concurrency} in flight",
            "request rate": f"{self.request_rate_per_s or 0:g} requests/s",
        }[self.load]
        figures = []
        if self.output_tokens_per_s is not None:
            figures.append(f"{self.output_tokens_per_s:,.0f} output tok/s (all streams)")
        if self.itl_ms is not None:
            figures.append(f"ITL {self.itl_ms:g} ms")
        if self.ttft_ms is not None:
            figures.append(f"TTFT {self.ttft_ms:g} ms")
        for name, value in (
            ("decode, one stream", self.decode_tokens_per_s_one_stream),
            ("prefill, one stream", self.prefill_tokens_per_s_one_stream),
        ):
            if value is not None:
                figures.append(f"{name} {value:,.0f} tok/s")
        return (
            f"{self.model_name} {self.quantization} on {self.gpus}× {self.gpu} ({self.parallelism}), "
            f"{self.engine} {self.engine_version}, {lengths}, {load}: {'; '.join(figures)}"
        )


@data_row
class ManagedHost:
    """Where the same open weights are sold per token: a (provider, model id) pair of prices.json."""

    provider: Text
    model: Text


@data_row
class ServedModel:
    """A model the cost command and lab 04 know how to price on a rented GPU.

    ``shape`` is its key in :data:`course.economics.sizing.SHAPES` (layers, heads: the KV cache);
    ``row_models`` the families in the rows whose measurements count for it.
    """

    key: Text
    name: Text
    shape: Text
    row_models: tuple[str, ...] = Field(min_length=1)
    managed_hosts: tuple[ManagedHost, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str = ""


@data_row
class Gap:
    """A cell of the model × GPU × measure matrix the published sources read did not fill."""

    model: Text
    gpu: Text
    measure: Text
    why: Text


class ThroughputFile(BaseModel):
    """``course/data/throughput.json``: models, published rows (ids unique) and the gaps."""

    model_config = FILE_CONFIG

    schema_version: Literal[1] = 1
    note: str = ""
    units: dict[str, str] = Field(default_factory=dict)
    models: tuple[ServedModel, ...] = Field(min_length=1)
    rows: tuple[ThroughputRow, ...] = Field(min_length=1)
    gaps: tuple[Gap, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> ThroughputFile:
        seen: set[str] = set()
        for i, row in enumerate(self.rows):
            if row.id in seen:
                raise problem(f"repeats {row.id!r}.", "Give each row its own id.", at=("rows", i, "id"))
            seen.add(row.id)
        names: set[str] = set()
        for i, model in enumerate(self.models):
            for name in (model.key, *model.aliases):
                if _norm(name) in names:
                    raise problem(
                        f"repeats {name!r}.", "Keep model keys and aliases unique.", at=("models", i)
                    )
                names.add(_norm(name))
        return self


@functools.cache
def _bundled() -> ThroughputFile:
    return load_data(THROUGHPUT_FILE, ThroughputFile)


def throughput_data(*, data_dir: Path | None = None) -> ThroughputFile:
    """The whole file (the bundled one is read once, then cached)."""
    return _bundled() if data_dir is None else load_data(THROUGHPUT_FILE, ThroughputFile, data_dir=data_dir)


def published_rows(*, data_dir: Path | None = None) -> tuple[ThroughputRow, ...]:
    return throughput_data(data_dir=data_dir).rows


def served_models(*, data_dir: Path | None = None) -> tuple[ServedModel, ...]:
    return throughput_data(data_dir=data_dir).models


def gaps(*, data_dir: Path | None = None) -> tuple[Gap, ...]:
    return throughput_data(data_dir=data_dir).gaps


def served_model(name: str, *, data_dir: Path | None = None) -> ServedModel:
    """The model ``name`` (its key or an alias, any case or punctuation); an error lists the known ones."""
    models = served_models(data_dir=data_dir)
    for m in models:
        if _norm(name) in {_norm(m.key), *(_norm(a) for a in m.aliases)}:
            return m
    known = ", ".join(m.key for m in models)
    raise ConfigError(
        f"No published throughput for a model called {name!r}.",
        fix=f"Use one of: {known} (course/data/throughput.json lists the models and their sources).",
    )


def rows_for(
    model: ServedModel, gpu: str | None = None, *, data_dir: Path | None = None
) -> tuple[ThroughputRow, ...]:
    """The published rows that measure ``model`` (on ``gpu`` when given)."""
    return tuple(
        r
        for r in published_rows(data_dir=data_dir)
        if r.model in model.row_models and (gpu is None or _norm(r.gpu) == _norm(gpu))
    )


def gaps_for(model: ServedModel, gpu: str, *, data_dir: Path | None = None) -> tuple[Gap, ...]:
    return tuple(
        g for g in gaps(data_dir=data_dir) if g.model in model.row_models and _norm(g.gpu) == _norm(gpu)
    )


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())
