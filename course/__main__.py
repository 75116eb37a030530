"""`python -m course ...`: the course's command line (`--help` on every subcommand)."""

from __future__ import annotations

import argparse
import importlib
import sys

from course.errors import CourseError

#: subcommand modules under course.commands; each defines register(subparsers)
COMMANDS = ("models", "bench", "prices", "quiz", "memo", "cost", "facts")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m course",
        description="Open vs Frontier: the production decision — course tools.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"course.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"course.commands.{name}":
                raise
            continue  # a command not installed in this build
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
