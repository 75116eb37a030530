"""Is this machine busy? Checked before anything is timed, and said beside the numbers.

llama.cpp's threads wait for each other by spinning, so another program using part of one core can slow a
run several times over: two runs of the same lab on one laptop disagreed by 18× when something else was
running. :func:`check_machine_load` samples, for a fraction of a second, how much CPU every *other* process
uses (psutil where installed, else Linux's ``/proc``) and reads the load average. Timing code samples before
and after a measurement (:func:`combine_loads`: something may start while it runs). A lab prints
:meth:`MachineLoad.describe` next to its table, and saves it with the numbers.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

#: Other processes using this much CPU (in cores: 1.0 = one core fully busy) make a timing unreliable.
BUSY_OTHER_CORES = 0.25
#: With no per-process figures, a 1-minute load average above this share of the cores counts as busy.
BUSY_LOAD_SHARE = 0.75


@dataclass(frozen=True)
class MachineLoad:
    """What else was running when a measurement started.

    ``others_cores``: CPU used by every other process during the sample, in cores (None when it could not be
    read); ``busiest``: the top few as (name, cores); ``load_1min``: the 1-minute load average (it also counts
    this notebook's own earlier work, so it is context, not the verdict, unless some processes' CPU times
    could not be read); ``own_cores``: CPU used by this notebook's own child processes (a llama.cpp server it
    started), reported apart and not counted as "other"; ``unreadable``: processes whose CPU times could not
    be read (another user's, without permission).
    """

    cores: int
    load_1min: float | None
    others_cores: float | None
    busiest: tuple[tuple[str, float], ...] = ()
    sample_s: float = 0.0
    method: str = "load average only"
    when: str = "when timing started"
    own_cores: float | None = None
    unreadable: int = 0

    @property
    def _load_busy(self) -> bool:
        return self.load_1min is not None and self.load_1min > BUSY_LOAD_SHARE * self.cores

    @property
    def busy(self) -> bool:
        if self.others_cores is not None:
            # Processes we could not read may be the busy ones: then the load average has a say too.
            return self.others_cores >= BUSY_OTHER_CORES or (self.unreadable > 0 and self._load_busy)
        return self._load_busy

    def describe(self) -> str:
        """One line for beside a table: BUSY or quiet, and the figures behind it."""
        load = (
            f"load average {self.load_1min:.2f} on {self.cores} cores" if self.load_1min is not None else ""
        )
        if self.others_cores is not None:
            others = f"other processes used {self.others_cores:.2f} cores"
            if self.busiest:
                top = ", ".join(f"{name} {cores:.2f}" for name, cores in self.busiest)
                others += f" ({top})"
            own = (
                f"this notebook's own processes (its servers) used {self.own_cores:.2f} cores, not counted"
                if self.own_cores is not None and self.own_cores >= 0.01
                else ""
            )
            hidden = (
                f"{self.unreadable} processes' CPU times could not be read, so the load average counts too"
                if self.unreadable
                else ""
            )
            detail = "; ".join(x for x in (others, own, load, hidden) if x)
        else:
            detail = load or "no load figures on this system"
        if self.busy:
            return (
                f"Machine BUSY {self.when}: {detail}. Expect slower and more scattered numbers; "
                "close other programs and run the cell again to compare."
            )
        return f"Machine quiet {self.when}: {detail}."

    def as_record(self) -> dict[str, object]:
        """A JSON-ready summary to save with results."""
        return {
            "busy": self.busy,
            "cores": self.cores,
            "load_1min": self.load_1min,
            "others_cores": None if self.others_cores is None else round(self.others_cores, 3),
            "own_cores": None if self.own_cores is None else round(self.own_cores, 3),
            "unreadable": self.unreadable,
            "note": self.describe(),
        }


def combine_loads(before: MachineLoad, after: MachineLoad) -> MachineLoad:
    """One verdict for a measurement sampled before and after it: the busier sample, saying when.

    Other programs can start while a cell runs; a check before timing alone would call such a run quiet.
    """
    if after.busy and not before.busy:
        return dataclasses.replace(after, when="by the end of the timing (something started while it ran)")
    if before.busy and not after.busy:
        return dataclasses.replace(before, when="when timing started (quiet again by its end)")
    worst = before if (before.others_cores or 0) >= (after.others_cores or 0) else after
    return dataclasses.replace(worst, when="before and after the timing")


def check_machine_load(*, sample_s: float = 0.5, top: int = 3) -> MachineLoad:
    """Sample other processes' CPU use for ``sample_s`` seconds.

    This process and its own children (a llama.cpp server a notebook started) are not "other": their use is
    reported apart as ``own_cores``. Processes whose CPU times cannot be read are counted in ``unreadable``.
    """
    cores = os.cpu_count() or 1
    try:
        load_1min: float | None = os.getloadavg()[0]
    except (OSError, AttributeError):  # Windows has no load average
        load_1min = None
    for method, reader in (("psutil", _psutil_times), ("/proc", _proc_times)):
        read = reader()
        if read is None:
            continue
        first, unreadable_first = read
        start = time.perf_counter()
        time.sleep(sample_s)
        second, unreadable_second = reader() or ({}, 0)
        elapsed = time.perf_counter() - start
        mine = _descendants(os.getpid(), {**first, **second})
        used = {
            pid: (name, (cpu - first[pid].cpu) / elapsed)
            for pid, (name, cpu, _) in second.items()
            if pid in first and cpu >= first[pid].cpu
        }
        own = sum(c for pid, (_, c) in used.items() if pid in mine)
        others = {pid: pair for pid, pair in used.items() if pid not in mine}
        total = sum(cores_used for _, cores_used in others.values())
        ranked = sorted(others.values(), key=lambda pair: pair[1], reverse=True)
        busiest = tuple((name, round(c, 2)) for name, c in ranked[:top] if c >= 0.05)
        return MachineLoad(
            cores,
            load_1min,
            total,
            busiest,
            elapsed,
            method,
            own_cores=own,
            unreadable=max(unreadable_first, unreadable_second),
        )
    return MachineLoad(cores, load_1min, None)


class _Times(NamedTuple):
    name: str
    cpu: float  # CPU seconds used so far
    ppid: int


CpuTimes = dict[int, _Times]  # pid -> (name, CPU seconds, parent pid)


def _descendants(root: int, times: CpuTimes) -> set[int]:
    """``root`` and every process below it, from the parent ids read with the times."""
    children: dict[int, list[int]] = {}
    for pid, t in times.items():
        children.setdefault(t.ppid, []).append(pid)
    out, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _psutil_times() -> tuple[CpuTimes, int] | None:
    try:
        import psutil  # type: ignore[import-untyped]  # a dev dependency here; no stubs installed
    except ImportError:
        return None
    me = os.getpid()
    out: CpuTimes = {}
    unreadable = 0
    for proc in psutil.process_iter(["name", "cpu_times", "ppid"]):
        info = proc.info
        times = info.get("cpu_times")
        if proc.pid in (0, me):  # pid 0 is the kernel's idle task on some systems, not a program
            continue
        if times is None:  # access denied (or it ended while we looked)
            unreadable += 1
            continue
        name = str(info.get("name") or proc.pid)
        out[proc.pid] = _Times(name, float(times.user + times.system), int(info.get("ppid") or 0))
    return out, unreadable


def _proc_times() -> tuple[CpuTimes, int] | None:
    root = Path("/proc")
    if not (root / "self" / "stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    out: CpuTimes = {}
    unreadable = 0
    for entry in root.iterdir():
        if not entry.name.isdigit() or int(entry.name) in (0, me):
            continue
        try:
            raw = (entry / "stat").read_text()
        except PermissionError:
            unreadable += 1
            continue
        except OSError:  # the process ended while we looked
            continue
        name = raw[raw.find("(") + 1 : raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        out[int(entry.name)] = _Times(name, cpu, int(fields[1]))
    return out, unreadable
