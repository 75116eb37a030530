"""The sides a lab compares: open models run in process, and "the API".

Lab 05 compares three: a **generic small open model** (SmolLM2-135M-Instruct, pretrained by Hugging Face,
shown two worked examples of each task), the **course's task-trained model** (a few-MB model trained on the
task's train split, asked zero-shot: it learned the format), and **the API** (:func:`open_sides`,
:func:`api_side`).

"The API" is a real OpenAI-compatible API when ``OPENAI_API_KEY`` (or ``OPENAI_BASE_URL``) is set,
with ``COURSE_API_MODEL`` choosing the model (shown the same two examples as SmolLM2: both are generic);
otherwise it is the **frontier stand-in (offline)**: the course's larger model served by
``llama_cpp.server`` on loopback, reached through the same OpenAI client code, asked zero-shot as it was
trained, and priced at a real API's list price so the cost columns mean something.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

from course.backends.base import Backend
from course.config import DEFAULT_API_MODEL, DEFAULT_LOCAL_MODEL, load_settings
from course.economics.prices import ApiPrice, api_price
from course.errors import ConfigError, DataError
from course.evals.items import EvalItem
from course.models.embedded import STANDIN_LABEL, STANDIN_NAME


@dataclass
class ApiSide:
    """The API side of a comparison; call :meth:`close` (or use ``with``) to stop a stand-in server."""

    backend: Backend
    label: str
    price: ApiPrice
    standin: bool
    note: str
    _stack: ExitStack = field(repr=False, default_factory=ExitStack)
    shots: int = 0  # worked examples before each item: 2 for a real (generic) API, 0 for the stand-in

    def close(self) -> None:
        self.backend.close()
        self._stack.close()

    def __enter__(self) -> ApiSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def api_side(*, default_model: str = DEFAULT_API_MODEL, timeout_s: float = 60.0) -> ApiSide:
    """The real API when one is configured, else the frontier stand-in on a loopback server."""
    settings = load_settings()
    if settings.real_api_configured:
        from course.backends.api import ApiBackend

        model = settings.api_model or default_model
        backend = ApiBackend(model, timeout_s=timeout_s)
        try:
            price, note = api_price(model), f"billed at {model}'s list price"
        except DataError:
            price = api_price(default_model)
            note = f"{model} is not in the price snapshot: priced at {price.name}'s list price instead"
        return ApiSide(backend, f"{model} (real API)", price, standin=False, note=note, shots=GENERIC_SHOTS)

    from course.backends.loopback import llama_cpp_server

    stack = ExitStack()
    server = stack.enter_context(llama_cpp_server(STANDIN_NAME, model_alias="frontier-standin", n_ctx=512))
    price = api_price(default_model)
    note = (
        f"offline: the course's larger model on {server.base_url}, priced as if it were {price.name} "
        f"(list price as of {price.as_of})"
    )
    return ApiSide(server.backend(), STANDIN_LABEL, price, standin=True, note=note, _stack=stack)


#: Worked examples a generic model is shown before each item (from the train split).
GENERIC_SHOTS = 2


@dataclass
class OpenSide:
    """An open model run in this process for a comparison: its backend, what it is, how it is prompted."""

    label: str
    backend: Backend
    kind: str
    shots: int
    note: str

    def close(self) -> None:
        self.backend.close()


def open_sides(
    *, generic: str = DEFAULT_LOCAL_MODEL, trained: str = "embedded", n_ctx: int = 1024
) -> list[OpenSide]:
    """The two open sides of lab 05: the generic model and the course's task-trained model, loaded.

    ``generic`` is SmolLM2-135M-Instruct unless named: not ``COURSE_MODEL``, which may be ``embedded``, the
    trained side itself. Both sides resolving to the same file is refused (ConfigError). The generic model
    keeps llama.cpp's prompt cache (its two worked examples are the same prefix for every item, as a server
    would reuse it).
    """
    from course.backends.inprocess import InProcessBackend
    from course.models.resolve import resolve_model

    generic_path, trained_path = resolve_model(generic), resolve_model(trained)
    if generic_path.resolve() == trained_path.resolve():
        raise ConfigError(
            f"The generic side ({generic!r}) and the task-trained side ({trained!r}) are the same file, "
            f"{generic_path.name}: the comparison would set the model against itself.",
            fix=f"Pass a pretrained model as generic (the default is {DEFAULT_LOCAL_MODEL!r}; `make model` "
            "installs it), not the course's task-trained model.",
        )
    small = InProcessBackend(str(generic_path), n_ctx=n_ctx, prompt_cache=True)
    try:
        course_model = InProcessBackend(str(trained_path), n_ctx=512)
    except BaseException:
        small.close()
        raise
    name = small.info().model
    return [
        OpenSide(
            f"{name} (generic, {GENERIC_SHOTS} examples)",
            small,
            "generic open model",
            GENERIC_SHOTS,
            f"{name}: a pretrained open model that never saw this task, shown {GENERIC_SHOTS} worked "
            "examples of it from the train split",
        ),
        OpenSide(
            "course model (task-trained)",
            course_model,
            "task-trained model",
            0,
            "the course's few-MB model trained on the task's train split (easy items), asked zero-shot",
        ),
    ]


def stratified_sample(items: Sequence[EvalItem], *, per_group: int, seed: int = 0) -> list[EvalItem]:
    """Up to ``per_group`` items of each (task, difficulty), drawn with a fixed seed, in file order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault((item.task, item.difficulty), []).append(i)
    rng = random.Random(seed)
    keep = sorted(i for idx in groups.values() for i in rng.sample(idx, min(per_group, len(idx))))
    return [items[i] for i in keep]
