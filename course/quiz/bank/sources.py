"""How quiz questions cite the seed articles (a question's ``seed`` starts with one of these)."""

SOURCE_001 = "000/001 · Open-Source vs Frontier Models: The Production Decision (lesson page, reviewed 2026)"
SOURCE_002 = "002 · Open-source LLM vs frontier API: which one for which task in 2026 (updated 2026-04-29)"
SOURCE_003 = "003 · Open Source vs Closed AI: How to Decide (updated May 2026)"
SOURCE_004 = "004 · Open Source vs Closed Source LLMs — Decision Framework (2026)"


def cite(seed: str, idea: str) -> str:
    """``seed`` plus the idea a question rests on: ``cite(SOURCE_003, "2 GB/B at 4-bit")``."""
    return f"{seed}: {idea}"
