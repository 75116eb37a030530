"""The local backend: a GGUF model run in-process by llama-cpp-python.

Everything a learner needs to check is reported by :meth:`LocalBackend.info`: the device, the
layers offloaded to a GPU, the threads, the context size, and any adjustment made to the options.
llama.cpp's verbose load log is captured (not printed) and quoted when loading fails.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from course.backends.base import (
    Backend,
    BackendInfo,
    ChatStream,
    GenerationOptions,
    Message,
    StreamChunk,
    TokenUsage,
    clock,
)
from course.config import load_settings
from course.errors import ContextOverflowError, ModelLoadError
from course.models.resolve import check_gguf_file, resolve_model
from course.native_log import CapturedLog, capture_stderr

CTX_MULTIPLE = 256  # llama-cpp-python breaks (numpy broadcast error) on other n_ctx values


def round_n_ctx(n_ctx: int) -> int:
    """Round ``n_ctx`` up to the next multiple of 256 (at least 256)."""
    if n_ctx < 1:
        raise ValueError("n_ctx must be positive")
    return max(CTX_MULTIPLE, -(-n_ctx // CTX_MULTIPLE) * CTX_MULTIPLE)


def gpu_offload_supported() -> bool:
    """True when this llama-cpp-python build can offload layers to a GPU (CUDA, Metal, ...)."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


class LocalBackend(Backend):
    """A chat model run in this process by llama.cpp.

    ``model`` is a GGUF path, a catalogue name, ``"embedded"`` / ``"embedded:Q4_K_M"``, or None
    (then ``COURSE_MODEL``, else the embedded model). ``n_gpu_layers="auto"`` offloads every layer
    when the build supports it and none otherwise. ``prompt_cache=False`` re-evaluates every
    prompt, so repeated prompts are timed honestly (llama.cpp otherwise reuses the cached prefix).
    """

    name = "local"
    reports_usage = True

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        n_ctx: int = 512,
        n_threads: int | None = None,
        n_threads_batch: int | None = None,
        n_gpu_layers: int | str = "auto",
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
        self.n_threads = n_threads or settings.n_threads
        self.n_threads_batch = n_threads_batch or self.n_threads
        self.gpu_supported = gpu_offload_supported()
        if n_gpu_layers == "auto":
            requested = settings.gpu_layers if settings.gpu_layers is not None else -1
            self.requested_gpu_layers = requested if self.gpu_supported else 0
        elif isinstance(n_gpu_layers, int):
            self.requested_gpu_layers = n_gpu_layers
            if n_gpu_layers != 0 and not self.gpu_supported:
                notes.append("this llama-cpp-python build has no GPU support: running on the CPU")
                self.requested_gpu_layers = 0
        else:
            raise ValueError(f"n_gpu_layers must be an int or 'auto', not {n_gpu_layers!r}")
        self.prompt_cache = prompt_cache

        with capture_stderr() as log:
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
        arch = self._llm.metadata.get("general.architecture", "llama")  # qwen2, gemma2, phi3, ...
        self.n_layer = int(self._llm.metadata.get(f"{arch}.block_count", 0) or 0)
        self.gpu_layers = _offloaded_layers(log, self.requested_gpu_layers, self.n_layer)
        self.device = _device_name(log) if self.gpu_layers else "CPU"
        self._notes = tuple(notes)
        self._formatter = chat_formatter(self._llm)

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
                f"(for example LocalBackend(n_ctx={round_n_ctx(len(tokens) + options.max_tokens)})).",
            )
        max_new = min(options.max_tokens, budget)
        if not self.prompt_cache:
            self._llm.reset()  # forget the previous prompt so its prefix is not reused
        if options.seed is not None:
            self._llm.set_seed(options.seed)
        vocab = self._llm._model.vocab
        generated: list[int] = []
        pending: list[int] = []  # tokens whose bytes do not yet form complete UTF-8
        finish = "length"
        text_so_far = ""
        for token in self._llm.generate(tokens, temp=options.temperature):
            if not options.ignore_eos and llama_cpp.llama_vocab_is_eog(vocab, token):
                finish = "stop"
                break
            generated.append(token)
            pending.append(token)
            piece = _decode_complete(self._llm, pending)
            if piece is not None:
                pending.clear()
                text_so_far += piece
                stop_at = _stop_index(text_so_far, options.stop)
                if stop_at is not None:
                    cut = len(text_so_far) - stop_at
                    piece = piece[: len(piece) - cut] if cut < len(piece) else ""
                    if piece:
                        yield StreamChunk(piece, clock(), len(generated))
                    finish = "stop"
                    break
                yield StreamChunk(piece, clock(), len(generated))
            if len(generated) >= max_new:
                break
        if pending and finish != "stop":
            tail = self._llm.detokenize(pending).decode("utf-8", errors="replace")
            if tail:
                yield StreamChunk(tail, clock(), len(generated))
        stream.usage = TokenUsage(len(tokens), len(generated), source="backend")
        stream.finish_reason = finish

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            with capture_stderr():  # llama.cpp logs its teardown
                llm.close()
            self._llm = None  # type: ignore[assignment]

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


def _stop_index(text: str, stops: tuple[str, ...]) -> int | None:
    hits = [text.find(s) for s in stops if s and s in text]
    return min(hits) if hits else None


def chat_formatter(llm):
    """The model's own chat template (from the GGUF) as llama-cpp-python's Jinja2 formatter."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        raise ModelLoadError(
            "This GGUF has no chat template (tokenizer.chat_template).",
            fix="Use a chat/instruct model, or one of the catalogue models (`python -m course models list`).",
        )
    model = llm._model
    bos = model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
    eos = model.token_get_text(llm.token_eos()) if llm.token_eos() >= 0 else ""
    return Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)


def _offloaded_layers(log: CapturedLog, requested: int, n_layer: int) -> int:
    for line in log.find("offloaded"):
        # "load_tensors: offloaded 33/33 layers to GPU"
        part = line.split("offloaded", 1)[1].strip().split(" ", 1)[0]
        if "/" in part and part.split("/")[0].isdigit():
            return int(part.split("/")[0])
    if requested == 0:
        return 0
    return n_layer + 1 if requested < 0 else min(requested, n_layer + 1)


def _device_name(log: CapturedLog) -> str:
    for line in log.lines:
        if "using device" in line:  # "llama_model_load_from_file_impl: using device CUDA0 (NVIDIA H100 ...)"
            return line.split("using device", 1)[1].strip()
    return "GPU"


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
