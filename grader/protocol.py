"""The fork server's protocol: one JSON object a line between the grader and its kernel server.

TypedDicts for the type checker; plain dicts at run time. This module imports nothing of the grader's, so
the kernel side (:mod:`grader.kernel.zygote`) and the grader's own checks (:mod:`grader.checks`) share it
without either importing the other.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class NameProbe(TypedDict):
    """Ask the kernel for a variable's value."""

    kind: Literal["name"]
    name: str


class CallProbe(TypedDict):
    """Ask the kernel for the value of a call of the learner's function on literal arguments."""

    kind: Literal["call"]
    expr: str


Probe = NameProbe | CallProbe
#: a value the kernel reports, encoded by type: ``[kind, value]`` (see :func:`_encode`)
Encoded = list[Any]


class CellRequest(TypedDict):
    """One code cell to run; ``checks``: the probes to answer before it runs (a question's first test)."""

    index: int
    source: str
    checks: list[Probe] | None


class RunRequest(TypedDict):
    """Run one submission's cells under ``policy`` (:meth:`grader.kernel.sandbox.Policy.to_json`)."""

    policy: dict[str, Any]
    cells: list[CellRequest]


class ProbeRequest(TypedDict):
    """Report what the sandbox isolates on this host."""

    probe: Literal[True]
    policy: dict[str, Any]


class StreamOutput(TypedDict):
    output_type: Literal["stream"]
    name: str
    text: str


class ErrorOutput(TypedDict):
    output_type: Literal["error"]
    ename: str
    evalue: str
    traceback: list[str]


#: a cell output, as nbformat's ``new_output`` takes it
Output = StreamOutput | ErrorOutput


class CellOutputs(TypedDict):
    outputs: list[Output]


class CellRun(CellOutputs):
    """The kernel's reply to a ``run`` command (without its ``done`` index)."""

    dropped_bytes: int


#: what the fork server reports about a submission besides its outputs
EventKind = Literal["stopped", "output_cap", "kernel_failed"]


class Event(TypedDict):
    """One thing the fork server did to a submission: a cell ``stopped`` (time limit, the kernel died), a
    cell's output cut at the byte cap (``detail``: the bytes dropped), or a kernel that never started
    (``kernel_failed``, ``cell`` -1)."""

    kind: EventKind
    cell: int
    detail: str


class RunResult(TypedDict):
    """The answer to a :class:`RunRequest`; cell indexes are strings (JSON object keys)."""

    outputs: dict[str, CellOutputs]
    values: dict[str, list[Encoded]]
    events: list[Event]
    sandbox: dict[str, str]
    elapsed_s: float


class ProbeResult(TypedDict):
    sandbox: dict[str, str]


class ErrorResult(TypedDict):
    """The server's answer when a request failed (it keeps serving)."""

    error: str
    trace: str
