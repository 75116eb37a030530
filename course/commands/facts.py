"""`python -m course facts`: every fact row of course/data, its age and status; exit 1 if a lesson's is stale.

A fact row is verified when it names its source, the date the source states, the day it was checked and
a short quote from the source (course.datafiles.Fact). The command lists every row with its status and
age (days since it was checked), which lessons and labs use its file, and then the rows that cannot back a
lesson today: unverified or unchecked rows, and rows checked more than 180 days ago, in a file a lesson
or lab uses. It exits 1 when there is such a row, so a scheduled CI run says when the course needs a
re-check (docs/refresh-prices.md covers the prices; every other row is re-read by hand).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from course.curriculum import freshness
from course.data import DATA_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "facts",
        help="list every fact row with its age and status (exit 1 when a lesson uses a stale one)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--file", action="append", default=[], help="only this data file (repeatable)")
    parser.add_argument("--problems", action="store_true", help="list only the rows with a problem")
    parser.add_argument("--json", action="store_true", help="print JSON (one object per row)")
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="the day to count ages from (default: today)"
    )
    parser.add_argument(
        "--max-age-days", type=int, default=freshness.MAX_AGE_DAYS, help="oldest acceptable check (days)"
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help=argparse.SUPPRESS)
    parser.set_defaults(handler=_facts)


def _facts(args: argparse.Namespace) -> int:
    today = args.today or date.today()
    rows = [r for r in freshness.fact_rows(data_dir=args.data_dir) if not args.file or r.file in args.file]
    used = freshness.usage(data_dir=args.data_dir)
    stale = [
        (row, problems)
        for row, problems in freshness.stale_rows(
            today=today, data_dir=args.data_dir, max_age_days=args.max_age_days
        )
        if not args.file or row.file in args.file
    ]
    stale_where = {row.where for row, _ in stale}
    if args.json:
        print(json.dumps([_as_json(r, today, used, args.max_age_days) for r in rows], indent=1))
    else:
        max_age = args.max_age_days
        print(format_rows(rows, today=today, used=used, only_problems=args.problems, max_age=max_age))
        print(format_summary(rows, stale, today=today, max_age=args.max_age_days))
    return 1 if stale_where else 0


def format_rows(
    rows: list[freshness.FactRow],
    *,
    today: date,
    used: dict[str, tuple[str, ...]],
    only_problems: bool = False,
    max_age: int = freshness.MAX_AGE_DAYS,
) -> str:
    """One line per row: status, age in days, day checked, where, and the source; grouped by file."""
    lines: list[str] = []
    current = ""
    for row in rows:
        problems = row.problems(today, max_age_days=max_age)
        if only_problems and not problems:
            continue
        if row.file != current:
            current = row.file
            users = used.get(row.file, ())
            used_by = f": {', '.join(users)}" if users else ""
            lines.append(f"\n{row.file} (used by {len(users)} lessons and labs{used_by})")
        age = row.age_days(today)
        lines.append(
            f"  {row.status:<10} {'-' if age is None else f'{age}d':>6}  {row.checked or '-'!s:<10}  "
            f"{row.table}[{row.index}] {row.label}  <{row.source or 'no source'}>"
        )
        lines += [f"      ! {p}" for p in problems]
    return "\n".join(lines).lstrip("\n")


def format_summary(
    rows: list[freshness.FactRow],
    stale: list[tuple[freshness.FactRow, tuple[str, ...]]],
    *,
    today: date,
    max_age: int = freshness.MAX_AGE_DAYS,
) -> str:
    counts = Counter(r.status for r in rows)
    text = (
        f"\n{len(rows)} fact rows on {today}: {counts['verified']} verified, "
        f"{counts['unverified']} unverified, {counts['unchecked']} unchecked."
    )
    if not stale:
        return text + f" Every row a lesson or lab uses is verified and checked within {max_age} days."
    lines = [text, f"{len(stale)} rows used by lessons or labs cannot back them today:"]
    lines += [f"  {row.where}: {'; '.join(problems)}" for row, problems in stale]
    lines.append(
        "Re-read each source and update checked and quote (or say why in 'unverified'): "
        "docs/refresh-prices.md."
    )
    return "\n".join(lines)


def _as_json(
    row: freshness.FactRow, today: date, used: dict[str, tuple[str, ...]], max_age: int
) -> dict[str, Any]:
    return {
        "file": row.file,
        "table": row.table,
        "index": row.index,
        "label": row.label,
        "status": row.status,
        "source": row.source,
        "as_of": row.as_of.isoformat() if row.as_of else None,
        "checked": row.checked.isoformat() if row.checked else None,
        "age_days": row.age_days(today),
        "used_by": list(used.get(row.file, ())),
        "problems": list(row.problems(today, max_age_days=max_age)),
    }
