"""The two sides a lab compares: the local model in process, and "the API".

"The API" is a real OpenAI-compatible API when ``OPENAI_API_KEY`` (or ``OPENAI_BASE_URL``) is set,
with ``COURSE_API_MODEL`` choosing the model; otherwise it is the **frontier stand-in (offline)**:
the course's larger model served by ``llama_cpp.server`` on loopback, reached through the same
OpenAI client code, and priced at a real API's list price so the cost columns mean something.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field

from course.backends.base import Backend
from course.config import DEFAULT_API_MODEL, load_settings
from course.economics.prices import ApiPrice, api_price
from course.errors import DataError
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
        return ApiSide(backend, f"{model} (real API)", price, standin=False, note=note)

    from course.backends.loopback import llama_cpp_server

    stack = ExitStack()
    server = stack.enter_context(llama_cpp_server(STANDIN_NAME, model_alias="frontier-standin", n_ctx=512))
    price = api_price(default_model)
    note = (
        f"offline: the course's larger model on {server.base_url}, priced as if it were {price.name} "
        f"(list price as of {price.as_of})"
    )
    return ApiSide(server.backend(), STANDIN_LABEL, price, standin=True, note=note, _stack=stack)


def stratified_sample(items: Sequence[EvalItem], *, per_group: int, seed: int = 0) -> list[EvalItem]:
    """Up to ``per_group`` items of each (task, difficulty), drawn with a fixed seed, in file order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault((item.task, item.difficulty), []).append(i)
    rng = random.Random(seed)
    keep = sorted(i for idx in groups.values() for i in rng.sample(idx, min(per_group, len(idx))))
    return [items[i] for i in keep]
