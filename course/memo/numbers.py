"""How the memo writes a number: units spelled out, money as "USD" (never a dollar sign), sensible digits."""

from __future__ import annotations

import math


def usd(value: float) -> str:
    """``1234.5`` → ``"USD 1,234"``, ``0.3`` → ``"USD 0.30"``, ``0.01234`` → ``"USD 0.0123"``."""
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"USD {value:,.0f}"
    if abs(value) >= 0.1 or value == 0:
        return f"USD {value:,.2f}"
    return f"USD {value:.3g}"


def duration(seconds: float) -> str:
    """``0.0123`` → ``"12.3 ms"``, ``1.5`` → ``"1.50 s"``."""
    if not math.isfinite(seconds):
        return "n/a"
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"


def rate(per_s: float, unit: str = "tok/s") -> str:
    """``4812.3`` → ``"4,812 tok/s"``, ``12.34`` → ``"12.3 tok/s"``."""
    if not math.isfinite(per_s):
        return "n/a"
    return f"{per_s:,.0f} {unit}" if per_s >= 100 else f"{per_s:.3g} {unit}"


def tokens(count: float) -> str:
    """``8e6`` → ``"8M"``, ``450_000`` → ``"450K"``, ``1.25e9`` → ``"1.25B"``."""
    if not math.isfinite(count):
        return "n/a"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if count >= size:
            return f"{count / size:.3g}{suffix}"
    return f"{count:.0f}"


def percent(fraction: float) -> str:
    """``0.756`` → ``"76%"``."""
    return f"{fraction * 100:.0f}%"
