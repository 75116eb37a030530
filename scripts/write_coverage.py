"""Write docs/coverage.md (source-article ideas -> outcomes -> lesson sections -> labs -> quiz questions).

Usage: python scripts/write_coverage.py [--check] [--problems]

--check     exit 1 if docs/coverage.md differs from what would be written now (nothing is written)
--problems  also list every lesson, section, lab or quiz the table names that does not exist
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.curriculum.coverage import coverage_problems, render_coverage  # noqa: E402

TARGET = ROOT / "docs" / "coverage.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed file")
    parser.add_argument("--problems", action="store_true", help="list names that do not exist")
    args = parser.parse_args(argv)
    text = render_coverage(ROOT)
    status = 0
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/write_coverage.py")
            status = 1
        else:
            print(f"{TARGET.relative_to(ROOT)} is up to date")
    else:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")
    if args.problems:
        problems = coverage_problems(ROOT)
        for line in problems:
            print("problem:", line)
        status = status or (1 if problems else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
