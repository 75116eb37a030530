"""How quiz questions cite the source articles: as the lessons do (``course.curriculum.sources``).

A question's ``article`` starts with one of these, e.g. ``article 003 (“How to Decide”, 2026-06-24)``,
followed by the idea it rests on (:func:`cite`). The titles and dates come from ``course/data/sources.json``,
so a quiz cites an article exactly as the lessons and ``docs/sources.md`` do.
"""

from course.curriculum.sources import article

SOURCE_000 = article("000").citation()
SOURCE_001 = article("001").citation()
SOURCE_002 = article("002").citation()
SOURCE_003 = article("003").citation()
SOURCE_004 = article("004").citation()


def cite(source: str, idea: str) -> str:
    """``source`` plus the idea a question rests on: ``cite(SOURCE_003, "2 GB/B at 4-bit")``."""
    return f"{source}: {idea}"
