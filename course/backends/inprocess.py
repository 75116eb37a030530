"""The in-process backend: a GGUF model run inside this Python process by llama-cpp-python.

"In-process" as opposed to a model served over HTTP on loopback (:mod:`course.backends.loopback`)
or a remote API (:mod:`course.backends.api`). Everything a learner needs to check is reported by
:meth:`InProcessBackend.info`: the device, the
layers offloaded to a GPU, the threads, the context size, and any adjustment made to the options.
llama.cpp's verbose load log is captured (not printed) and quoted when loading fails.

Both capabilities of :class:`~course.backends.base.Backend` are implemented here:

- **log-probabilities** (``GenerationOptions(logprobs=True)``): the log-softmax of the logits that chose
  each token, before any grammar. llama-cpp-python has no public per-step accessor for them without
  ``logits_all=True`` (``Llama.scores``/``eval_logits``/``create_completion(logprobs=...)`` all need
  it, and it computes and copies the logits of every *prompt* token too: slower prompts and an
  ``n_ctx × n_vocab`` buffer, wrong for a backend that is timed); ``generate(logits_processor=...)`` runs
  a callback its own source marks as probably broken, and ``stopping_criteria`` gets stale rows without
  ``logits_all``. So :meth:`InProcessBackend._chosen_logprob` reads the context's last logits row through
  llama.cpp's C API (``llama_get_logits_ith`` on the public ``Llama.ctx``), the one place in the course
  that does;
- **JSON-schema decoding** (``json_schema=``): ``LlamaGrammar.from_json_schema``, compiled once per
  schema and cached on the backend, given to llama.cpp's sampler.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Literal

from course.backends.amx import AMX_NOTE, build_uses_amx, extra_buffer_types_off
from course.backends.base import (
    Backend,
    BackendInfo,
    ChatStream,
    GenerationOptions,
    Message,
    StopScanner,
    StreamChunk,
    TokenUsage,
    clock,
)
from course.backends.lifetime import track
from course.backends.offload import decide_gpu_layers, describe_device
from course.backends.tokens import chat_formatter
from course.config import load_settings
from course.errors import ConfigError, ContextOverflowError, ModelLoadError
from course.models.resolve import check_gguf_file, resolve_model
from course.native_log import CapturedLog, capture_stderr

CTX_MULTIPLE = 256  # llama-cpp-python breaks (numpy broadcast error) on other n_ctx values


def round_n_ctx(n_ctx: int) -> int:
    """Round ``n_ctx`` up to the next multiple of 256 (at least 256)."""
    if n_ctx < 1:
        raise ValueError("n_ctx must be positive")
    return max(CTX_MULTIPLE, -(-n_ctx // CTX_MULTIPLE) * CTX_MULTIPLE)


class InProcessBackend(Backend):
    """A chat model run in this Python process by llama.cpp (one request at a time).

    ``model`` is a GGUF path, a catalogue name, ``"embedded"`` / ``"embedded:Q4_K_M"``,
    ``"synthetic:NAME[:QUANT]"``, or None (then ``COURSE_MODEL``, else SmolLM2, ``smollm2-135m``).
    ``n_gpu_layers="auto"``: ``COURSE_GPU_LAYERS``, else every layer when the build can offload and
    none otherwise (:func:`course.backends.offload.decide_gpu_layers`). ``prompt_cache=False``
    re-evaluates every prompt, so repeated prompts are timed honestly (llama.cpp otherwise reuses
    the cached prefix).
    """

    name = "inprocess"
    supports_logprobs = True
    supports_json_schema = True

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        n_ctx: int = 512,
        n_threads: int | None = None,
        n_threads_batch: int | None = None,
        n_gpu_layers: int | Literal["auto"] = "auto",
        n_batch: int = 512,
        flash_attn: bool = False,
        prompt_cache: bool = False,
        seed: int = 0,
    ) -> None:
        import llama_cpp

        self.model_path = resolve_model(model)
        check_gguf_file(self.model_path)
        settings = load_settings()
        notes: list[str] = []
        rounded = round_n_ctx(n_ctx)
        if rounded != n_ctx:
            notes.append(f"n_ctx {n_ctx} rounded up to {rounded} (llama-cpp-python needs a multiple of 256)")
            warnings.warn(notes[-1], stacklevel=2)
        self.n_ctx = rounded
        if (n_threads is not None and n_threads < 1) or (n_threads_batch is not None and n_threads_batch < 1):
            raise ConfigError(
                "n_threads and n_threads_batch must be at least 1.",
                fix="Leave them unset (COURSE_THREADS, else every logical core) or pass a positive count.",
            )
        self.n_threads = n_threads or settings.n_threads
        self.n_threads_batch = n_threads_batch or self.n_threads
        offload = decide_gpu_layers(n_gpu_layers)
        self.requested_gpu_layers = offload.gpu_layers
        if offload.note:
            notes.append(offload.note)
        self.prompt_cache = prompt_cache
        amx = build_uses_amx()
        if amx:
            notes.append(AMX_NOTE)
            warnings.warn(AMX_NOTE, stacklevel=2)

        with capture_stderr() as log, extra_buffer_types_off() if amx else nullcontext():
            try:
                self._llm = llama_cpp.Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads_batch,
                    n_gpu_layers=self.requested_gpu_layers,
                    n_batch=min(n_batch, self.n_ctx),
                    flash_attn=flash_attn,
                    seed=seed,
                    verbose=True,  # the log is captured, and quoted if loading fails
                )
                error: Exception | None = None
            except (ValueError, RuntimeError, OSError) as exc:
                error = exc
        self.load_log = log
        _quiet_llama_log()  # loading set llama.cpp's global log to verbose; later calls would print
        if error is not None:
            raise _load_error(self.model_path, error, log) from error
        self._llm.verbose = False  # no per-request prints from llama-cpp-python
        track(self._llm)  # closed at exit if the caller never closes this backend
        arch = self._llm.metadata.get("general.architecture", "llama")  # qwen2, gemma2, phi3, ...
        self.n_layer = int(self._llm.metadata.get(f"{arch}.block_count", 0) or 0)
        self.gpu_layers, self.device = describe_device(
            log.lines, requested=self.requested_gpu_layers, n_layer=self.n_layer
        )
        self._notes = tuple(notes)
        self._formatter = chat_formatter(self._llm)
        self._vocab = llama_cpp.llama_model_get_vocab(self._llm.model)  # public: end-of-generation tokens
        self._n_vocab = self._llm.n_vocab()
        self._grammars: dict[str, Any] = {}  # JSON schema (canonical text) -> LlamaGrammar

    # -- Backend -----------------------------------------------------------------------------
    def info(self) -> BackendInfo:
        return BackendInfo(
            backend=self.name,
            model=self.model_path.stem,
            device=self.device,
            n_threads=self.n_threads,
            gpu_layers=self.gpu_layers,
            n_ctx=self.n_ctx,
            model_path=str(self.model_path),
            notes=self._notes,
        )

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        """The exact token ids the model sees for ``messages`` (chat template applied)."""
        rendered = self._formatter(messages=messages)
        return self._llm.tokenize(rendered.prompt.encode("utf-8"), add_bos=True, special=True)

    def grammar(self, schema: Mapping[str, Any]) -> Any:
        """llama.cpp's grammar for JSON following ``schema``, compiled once per schema."""
        from llama_cpp import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        return self._grammars[key]

    def _chosen_logprob(self, token: int) -> float:
        """The log-probability the model gave ``token``: log-softmax of the logits that chose it.

        Right after ``Llama.generate`` yields a token those logits are still the context's last row
        (the sampler works on a copy, so no grammar has touched them); the next token is evaluated
        only when the generator resumes. Read through llama.cpp's C API: see the module docstring.
        """
        import llama_cpp
        import numpy as np

        row = llama_cpp.llama_get_logits_ith(self._llm.ctx, -1)
        logits = np.ctypeslib.as_array(row, shape=(self._n_vocab,))
        top = float(logits.max())
        return float(logits[token]) - top - math.log(float(np.exp(logits - top).sum()))

    def _produce(
        self, stream: ChatStream, messages: list[Message], options: GenerationOptions
    ) -> Iterator[StreamChunk]:
        import llama_cpp

        tokens = self.prompt_tokens(messages)
        budget = self.n_ctx - len(tokens)
        if budget < 1 or (options.max_tokens > budget and not options.ignore_eos and budget < 16):
            raise ContextOverflowError(
                f"The prompt is {len(tokens)} tokens; the context window is {self.n_ctx}.",
                fix="Shorten the prompt, or load the model with a larger n_ctx "
                f"(for example InProcessBackend(n_ctx={round_n_ctx(len(tokens) + options.max_tokens)})).",
            )
        max_new = min(options.max_tokens, budget)
        grammar = self.grammar(options.json_schema) if options.json_schema is not None else None
        if not self.prompt_cache:
            self._llm.reset()  # forget the previous prompt so its prefix is not reused
        if options.seed is not None:
            self._llm.set_seed(options.seed)
        scanner = StopScanner(options.stop)
        generated: list[int] = []
        pending: list[int] = []  # tokens whose bytes do not yet form complete UTF-8
        logprobs: list[float] = []  # one per generated token, when asked
        unshown: list[float] = []  # log-probabilities of tokens no chunk has carried yet
        finish = "length"

        def chunk(text: str) -> StreamChunk:
            lp = math.fsum(unshown) if options.logprobs else None
            unshown.clear()
            return StreamChunk(text, clock(), len(generated), lp)

        for token in self._llm.generate(tokens, temp=options.temperature, grammar=grammar):
            if not options.ignore_eos and llama_cpp.llama_vocab_is_eog(self._vocab, token):
                finish = "stop"
                break
            generated.append(token)
            if options.logprobs:
                logprobs.append(self._chosen_logprob(token))
                unshown.append(logprobs[-1])
            pending.append(token)
            piece = _decode_complete(self._llm, pending)
            if piece is not None:
                pending.clear()
                shown = scanner.feed(piece)  # text that may start a stop string waits for the next piece
                if shown:
                    yield chunk(shown)
                if scanner.stopped:
                    finish = "stop"
                    break
            if len(generated) >= max_new:
                break
        if pending and not scanner.stopped:
            tail = scanner.feed(self._llm.detokenize(pending).decode("utf-8", errors="replace"))
            if tail:
                yield chunk(tail)
            finish = "stop" if scanner.stopped else finish
        tail = scanner.flush()
        if tail:
            yield chunk(tail)
        stream.usage = TokenUsage(len(tokens), len(generated), source="backend")
        stream.finish_reason = finish
        if options.logprobs:
            stream.token_logprobs = tuple(logprobs)

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            with capture_stderr():  # llama.cpp logs its teardown
                llm.close()
            self._llm = None  # type: ignore[assignment]  # closed: the attribute is typed for the open model

    @property
    def llama(self):
        return self._llm


def _quiet_llama_log() -> None:
    from llama_cpp import _logger

    _logger.set_verbose(False)


def _decode_complete(llm, pending: list[int]) -> str | None:
    """Decode ``pending`` if its bytes are complete UTF-8, else None (wait for more tokens)."""
    raw = llm.detokenize(pending)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None if len(pending) < 4 else raw.decode("utf-8", errors="replace")


def _load_error(path: Path, exc: Exception, log: CapturedLog) -> ModelLoadError:
    causes = [
        line.strip()
        for line in log.lines
        if any(w in line.lower() for w in ("error", "failed", "invalid", "magic", "truncat", "out of"))
    ]
    quoted = "\n    ".join(causes[-6:] or log.lines[-6:])
    return ModelLoadError(
        f"llama.cpp could not load {path}: {exc}\n  llama.cpp said:\n    {quoted}",
        fix="The file may be truncated or corrupt (re-download or rebuild it: "
        "`python -m course models build` for the embedded model, "
        "`python -m course models fetch NAME` for a catalogue model).",
    )
