"""`python -m grader [--course DIR] COMMAND`: the instructor's steps over nbgrader, on its course folder.

  init DIR                  a course folder whose source is the repository's quizzes/
  release QUIZ              the learners' version (no solutions, no hidden tests) in release/
  collect QUIZ FROM         learners' files (a folder or zip: LEARNER.ipynb or LEARNER/...) into submitted/
  autograde QUIZ            parallel, sandboxed, resumable grading (--jobs N); a report line per oddity
  feedback QUIZ             feedback/<learner>/<quiz>/<quiz>.html: results and explanations, nothing hidden
  export                    grades.csv: per-question scores of every learner and quiz
  report QUIZ               item analysis (difficulty, discrimination, distractors) as HTML, CSV and PNG
  status                    what is released, submitted, graded, flagged; what the sandbox isolates

The workshop's commands (their own modules):
  kit OUT                   an offline kit for a room's laptops (wheels, models, released quizzes)
  pool RESULTS...           pooled results of many participants: one table and a few plots
  hub                       a JupyterHub for a room on loopback, with nbgrader's exchange

Exit status: 0 done; 1 done, but something needs the instructor's attention (listed); 2 error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from course.errors import CourseError
from grader import autograde, course_dir
from grader.course_dir import open_course
from grader.kernel import sandbox

# Each module defines add_command(add): it calls add(name, help, description), adds its arguments and sets
# handler=fn(args) -> exit status. Imported when the parser is built; keep their top-level imports light.
WORKSHOP_COMMANDS: tuple[str, ...] = (
    "grader.workshop.hub.command",
    "grader.workshop.kit",
    "grader.workshop.pool",
)

#: ``add(name, help, description)`` -> the sub-command's parser (what every add_command receives)
Add = Callable[[str, str, str], argparse.ArgumentParser]
COURSE_HELP = "the course folder (default: the current directory)"


def build_parser() -> argparse.ArgumentParser:
    """``python -m grader``'s parser: ``--course``, then the instructor's sub-commands and the workshop's."""
    parser = argparse.ArgumentParser(
        prog="python -m grader", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--course", type=Path, default=Path("."), help=COURSE_HELP)
    add = _sub_commands(parser)
    for add_command in COMMANDS:
        add_command(add)
    for module_name in WORKSHOP_COMMANDS:
        importlib.import_module(module_name).add_command(add)
    return parser


def _sub_commands(parser: argparse.ArgumentParser) -> Add:
    """The ``add`` that every sub-command registers itself with; each also takes ``--course`` after its name
    (SUPPRESS: when not given there, the value before the command name stands)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", type=Path, default=argparse.SUPPRESS, help=COURSE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=description)

    return add


def _add_init(add: Add) -> None:
    p = add(
        "init",
        "create a course folder wired to quizzes/",
        "Create DIR as an nbgrader course folder "
        "(nbgrader_config.py, release/, submitted/, autograded/, feedback/) whose source is quizzes/.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="the folder to create (may exist)")
    p.set_defaults(handler=_init)


def _init(args: argparse.Namespace) -> int:
    folder = course_dir.init(args.dir)
    print(f"Course folder ready: {folder.root}")
    print(f"  source: {folder.source_dir()}   config: {folder.config_path}")
    print(f"Next: python -m grader --course {folder.root} release QUIZ")
    return 0


def _add_release(add: Add) -> None:
    p = add(
        "release",
        "generate the learners' version of a quiz",
        "nbgrader's generate_assignment through its "
        "Python API: release/QUIZ/QUIZ.ipynb without solutions or hidden tests; records the quiz in the "
        "gradebook.",
    )
    p.add_argument("quiz_id", metavar="QUIZ", help="a quiz id, e.g. quiz-03-cost")
    p.set_defaults(handler=_release)


def _release(args: argparse.Namespace) -> int:
    path = course_dir.release(open_course(args.course), args.quiz_id)
    print(f"Released: {path}")
    return 0


def _add_collect(add: Add) -> None:
    p = add(
        "collect",
        "copy learners' files into submitted/",
        "Copy learners' files from FROM (a folder or a "
        "zip) into submitted/LEARNER/QUIZ/. LEARNER.ipynb becomes the quiz's notebook; LEARNER/... files "
        "keep their names. Learner ids are letters, digits, '.', '_' and '-'; anything else is refused, and "
        "listed.",
    )
    p.add_argument("quiz_id", metavar="QUIZ")
    p.add_argument("source", type=Path, metavar="FROM", help="a folder or zip of the learners' files")
    p.set_defaults(handler=_collect)


def _collect(args: argparse.Namespace) -> int:
    result = course_dir.collect(open_course(args.course), args.quiz_id, args.source)
    print(
        f"Collected {len(result.learners)} learner(s) for {args.quiz_id}: {', '.join(result.learners) or '-'}"
    )
    for rel, why in result.refused:
        print(f"  REFUSED {rel}: {why}")
    return 1 if result.refused else 0


def _add_autograde(add: Add) -> None:
    """Its defaults are autograde's own (:class:`grader.autograde.Options`, :class:`sandbox.Limits`)."""
    defaults = autograde.Options()
    p = add(
        "autograde",
        "grade every submission in sandboxed kernels, in parallel",
        "Autograde every learner's "
        "submission of QUIZ not graded yet: N workers, one fresh sandboxed kernel per submission, nbgrader's "
        "gradebook. Rerun after an interruption: finished submissions are not graded again.",
    )
    p.add_argument("quiz_id", metavar="QUIZ")
    p.add_argument("--jobs", type=int, default=defaults.jobs, help="parallel workers (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="regrade everything, even submissions already graded")
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=defaults.limits.cell_timeout_s,
        help="seconds a cell may run (default: %(default)s)",
    )
    p.add_argument(
        "--wall",
        type=float,
        default=defaults.limits.wall_s,
        help="seconds a submission may run (default: %(default)s)",
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=defaults.limits.memory_mb,
        help="address-space limit per kernel (default: %(default)s)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=_autograde)


def _autograde(args: argparse.Namespace) -> int:
    folder = open_course(args.course)
    limits = sandbox.Limits(cell_timeout_s=args.cell_timeout, wall_s=args.wall, memory_mb=args.memory_mb)
    options = autograde.Options(
        jobs=max(1, args.jobs), force=args.force, limits=limits, progress=not args.no_progress
    )
    try:
        summary = autograde.run(folder, args.quiz_id, options)
    except KeyboardInterrupt:
        done = autograde.read_ledger(folder, args.quiz_id, on_torn_tail=lambda _line: None)
        print(
            f"\nInterrupted: the batch stopped ({len(done)} learner(s) in the ledger). Rerun the same "
            "command to go on: finished submissions are not graded again.",
            file=sys.stderr,
        )
        return 130
    rate = len(summary.graded) / summary.wall_s * 60 if summary.wall_s and summary.graded else 0.0
    print(
        f"{args.quiz_id}: graded {len(summary.graded)}, already graded {len(summary.skipped)}, "
        f"{summary.wall_s:.1f} s ({rate:.1f} submissions/min, {options.jobs} worker(s))"
    )
    for record in sorted(summary.graded, key=lambda r: r.learner):
        score = "not graded" if record.score is None else f"{record.score:g}/{record.max_score:g}"
        print(f"  {record.learner:<20} {score:>10}")
        for f in record.findings:
            mark = "!!" if f.attention else "  "
            print(f"      {mark} [{f.code}] {f.message}")
    if summary.failed:
        names = ", ".join(r.learner for r in summary.failed)
        print(
            f"NOT GRADED ({len(summary.failed)}): {names}: the grader failed on them (above). Rerun the same "
            "command to grade exactly those again."
        )
    if summary.attention:
        names = ", ".join(r.learner for r in summary.attention)
        print(f"NEEDS ATTENTION ({len(summary.attention)}): {names}")
        return 1
    return 0


def _add_feedback(add: Add) -> None:
    p = add(
        "feedback",
        "write each learner's feedback page",
        "Write feedback/LEARNER/QUIZ/QUIZ.html for every "
        "autograded learner: score per question and its explanation; no hidden test, no traceback; offline.",
    )
    p.add_argument("quiz_id", metavar="QUIZ")
    p.set_defaults(handler=_feedback)


def _feedback(args: argparse.Namespace) -> int:
    from grader import feedback

    result = feedback.generate(open_course(args.course), args.quiz_id)
    print(f"Feedback pages written: {len(result.pages)}")
    for path in result.pages[:3]:
        print(f"  {path}")
    if result.skipped:
        print(f"Not autograded yet (no page): {', '.join(result.skipped)}")
    return 0


def _add_export(add: Add) -> None:
    p = add(
        "export",
        "write grades as CSV",
        "Write a CSV with one row per learner and quiz and a column per "
        "question (scores from the gradebook).",
    )
    p.add_argument("--out", type=Path, default=None, help="the CSV file (default: COURSE/grades.csv)")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from grader.export import export

    folder = open_course(args.course)
    out = args.out or folder.root / "grades.csv"
    rows = export(folder, out)
    print(f"Wrote {rows} row(s) to {out}")
    return 0


def _add_report(add: Add) -> None:
    p = add(
        "report",
        "item analysis of a quiz",
        "Item analysis of QUIZ: difficulty, discrimination, "
        "distractors, score by quintile, histogram; flags questions that look broken (HTML, CSV, PNG).",
    )
    p.add_argument("quiz_id", metavar="QUIZ")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: COURSE/reports/QUIZ)")
    p.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    try:
        from grader.report import write_item_analysis
    except ImportError as exc:
        raise course_dir.GraderError(
            f"the item analysis is not available: {exc}", fix="Install the course with its dependencies."
        ) from exc
    folder = open_course(args.course)
    folder.check_quiz(args.quiz_id)
    out = args.out or folder.root / "reports" / args.quiz_id
    result = write_item_analysis(course_dir=folder.root, quiz_id=args.quiz_id, out_dir=out)
    for name in ("html_path", "csv_path", "png_path"):
        if getattr(result, name, None):
            print(f"{name.removesuffix('_path').upper():>5}: {getattr(result, name)}")
    print(f"Item analysis written to {out}")
    return 0


def _add_status(add: Add) -> None:
    p = add(
        "status",
        "what is released, submitted, graded and flagged",
        "Per quiz: released or not, "
        "submissions, graded, flagged for attention, feedback pages; and what the sandbox isolates here.",
    )
    p.set_defaults(handler=_status)


def _status(args: argparse.Namespace) -> int:
    folder = open_course(args.course)
    print(f"Course folder {folder.root} (source: {folder.source_dir()})")
    heads = f"{'released':>8} {'submitted':>9} {'graded':>6} {'to retry':>8} {'flagged':>7} {'feedback':>8}"
    print(f"{'quiz':<24} {heads}")
    attention = 0
    for quiz_id in folder.quiz_ids():
        learners = folder.learners(quiz_id)
        ledger = autograde.read_ledger(folder, quiz_id)
        retry = sum(1 for r in ledger.values() if not r.done)
        flagged = sum(1 for r in ledger.values() if r.attention)
        attention += flagged
        pages = sum(1 for name in learners if (folder.feedback(name, quiz_id) / f"{quiz_id}.html").exists())
        released = "yes" if folder.release_notebook(quiz_id).exists() else "no"
        counts = f"{len(ledger) - retry:>6} {retry:>8} {flagged:>7} {pages:>8}"
        print(f"{quiz_id:<24} {released:>8} {len(learners):>9} {counts}")
    report = autograde.probe_sandbox(folder, sandbox.Limits())
    lines = sandbox.warnings(report)
    print("Sandbox: " + ("every isolation step works here." if not lines else ""))
    for line in lines:
        print(f"  WARNING {line}")
    return 1 if attention else 0


#: the instructor's sub-commands, in the order of the help
COMMANDS: tuple[Callable[[Add], None], ...] = (
    _add_init,
    _add_release,
    _add_collect,
    _add_autograde,
    _add_feedback,
    _add_export,
    _add_report,
    _add_status,
)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
