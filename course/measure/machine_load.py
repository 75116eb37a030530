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

#: Other processes using this much CPU (in cores: 1.0 = one core fully busy) make a timing unreliable.
BUSY_OTHER_CORES = 0.25
#: With no per-process figures, a 1-minute load average above this share of the cores counts as busy.
BUSY_LOAD_SHARE = 0.75


@dataclass(frozen=True)
class MachineLoad:
    """What else was running when a measurement started.

    ``others_cores``: CPU used by every other process during the sample, in cores (None when it could not be
    read); ``busiest``: the top few as (name, cores); ``load_1min``: the 1-minute load average (it also counts
    this notebook's own earlier work, so it is context, not the verdict).
    """

    cores: int
    load_1min: float | None
    others_cores: float | None
    busiest: tuple[tuple[str, float], ...] = ()
    sample_s: float = 0.0
    method: str = "load average only"
    when: str = "when timing started"

    @property
    def busy(self) -> bool:
        if self.others_cores is not None:
            return self.others_cores >= BUSY_OTHER_CORES
        return self.load_1min is not None and self.load_1min > BUSY_LOAD_SHARE * self.cores

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
            detail = "; ".join(x for x in (others, load) if x)
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
    """Sample other processes' CPU use for ``sample_s`` seconds (this process excluded)."""
    cores = os.cpu_count() or 1
    try:
        load_1min: float | None = os.getloadavg()[0]
    except (OSError, AttributeError):  # Windows has no load average
        load_1min = None
    for method, reader in (("psutil", _psutil_times), ("/proc", _proc_times)):
        first = reader()
        if first is None:
            continue
        start = time.perf_counter()
        time.sleep(sample_s)
        second = reader() or {}
        elapsed = time.perf_counter() - start
        used = {
            pid: (name, (cpu - first[pid][1]) / elapsed)
            for pid, (name, cpu) in second.items()
            if pid in first and cpu >= first[pid][1]
        }
        total = sum(cores_used for _, cores_used in used.values())
        ranked = sorted(used.values(), key=lambda pair: pair[1], reverse=True)
        busiest = tuple((name, round(c, 2)) for name, c in ranked[:top] if c >= 0.05)
        return MachineLoad(cores, load_1min, total, busiest, elapsed, method)
    return MachineLoad(cores, load_1min, None)


CpuTimes = dict[int, tuple[str, float]]  # pid -> (name, CPU seconds used so far)


def _psutil_times() -> CpuTimes | None:
    try:
        import psutil  # type: ignore[import-untyped]  # a dev dependency here; no stubs installed
    except ImportError:
        return None
    me = os.getpid()
    out: CpuTimes = {}
    for proc in psutil.process_iter(["name", "cpu_times"]):
        info = proc.info
        times = info.get("cpu_times")
        if proc.pid == me or times is None:
            continue
        out[proc.pid] = (str(info.get("name") or proc.pid), float(times.user + times.system))
    return out


def _proc_times() -> CpuTimes | None:
    root = Path("/proc")
    if not (root / "self" / "stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    out: CpuTimes = {}
    for entry in root.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        name = raw[raw.find("(") + 1 : raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2 :].split()
        out[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / ticks)  # utime + stime
    return out
