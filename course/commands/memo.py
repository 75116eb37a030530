"""`python -m course memo`: write the decision memo from the labs' saved results, without the notebook.

Reads results/labNN.json (labs 01-06) and results/lab07-frameworks.json (the framework answers lab 07
saves), and writes decision-memo.md, its PNG figures and a self-contained decision-memo.html. Missing
or unreadable inputs are named in the memo and listed here; nothing is estimated in their place.

Exit status: 0 when the memo was written (even with inputs missing: the memo names them); with
--strict, 1 when any input was missing; 2 when the memo could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.memo import build_memo, load_inputs, write_memo


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "memo",
        help="write the decision memo (Markdown + HTML) from the labs' saved results",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="the labs' results folder (default: COURSE_RESULTS_DIR or results/)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the memo (default: RESULTS/memo)"
    )
    parser.add_argument(
        "--answers",
        type=Path,
        default=None,
        help="the framework answers (default: RESULTS/lab07-frameworks.json)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when any input is missing")
    parser.set_defaults(handler=_memo)


def _memo(args: argparse.Namespace) -> int:
    from course.errors import ConfigError
    from course.labs.results import results_dir

    if args.results is not None and not args.results.is_dir():
        raise ConfigError(
            f"--results {args.results}: no such folder.",
            fix="Pass the folder the labs saved into (by default results/ at the course's root).",
        )
    results = args.results or results_dir()
    inputs = load_inputs(results, answers_path=args.answers)
    memo = build_memo(inputs)
    files = write_memo(memo, args.out or results / "memo")
    print(f"wrote {files.markdown}")
    print(f"wrote {files.html} (self-contained: figures embedded)")
    for path in files.figures:
        print(f"wrote {path}")
    if memo.missing:
        print(f"{len(memo.missing)} input(s) missing, named in the memo:", file=sys.stderr)
        for line in memo.missing:
            print(f"  - {line}", file=sys.stderr)
    else:
        print("every lab's results and the framework answers were found")
    return 1 if args.strict and memo.missing else 0
