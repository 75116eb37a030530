"""`python -m course quiz list | fetch QUIZ | check PATH | build`: the scenario quizzes, graded locally."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.quiz import build as quiz_build
from course.quiz import model as quiz_model
from course.quiz import selfcheck


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quiz",
        help="fetch a scenario quiz and score your answers locally (nbgrader, offline)",
        description=__doc__,
    )
    sub = parser.add_subparsers(dest="quiz_command", metavar="ACTION", required=True)

    p_list = sub.add_parser(
        "list", help="the quizzes: ids, questions, points", description="List the quizzes."
    )
    p_list.set_defaults(handler=_list)

    p_fetch = sub.add_parser(
        "fetch",
        help="release a quiz into your folder (default my-quizzes/)",
        description="Write the learner's version of a quiz (no solutions, no hidden tests) to "
        "DEST/QUIZ/QUIZ.ipynb; open it in JupyterLab and answer in the answer cells.",
    )
    p_fetch.add_argument("quiz_id", metavar="QUIZ", help="a quiz id, e.g. quiz-03-cost (see `quiz list`)")
    p_fetch.add_argument(
        "--dest", type=Path, default=selfcheck.DEFAULT_DEST, help="folder (default: %(default)s)"
    )
    p_fetch.add_argument(
        "--force", action="store_true", help="replace an existing copy (it is kept as .ipynb.bak)"
    )
    p_fetch.set_defaults(handler=_fetch)

    p_check = sub.add_parser(
        "check",
        help="score your copy of a quiz and show the explanations",
        description="Autograde your notebook with nbgrader in a temporary course folder (your file is "
        "only read), print the score per question and the explanations.",
    )
    p_check.add_argument(
        "path",
        type=Path,
        metavar="PATH",
        help="your notebook, e.g. my-quizzes/quiz-03-cost/quiz-03-cost.ipynb",
    )
    p_check.add_argument("--quiz", dest="quiz_id", help="the quiz id, if the file name does not say it")
    p_check.add_argument(
        "--explain",
        choices=("all", "missed", "none"),
        default="all",
        help="which explanations to print (default: %(default)s)",
    )
    p_check.set_defaults(handler=_check)

    p_build = sub.add_parser(
        "build",
        help="(authors) rebuild quizzes/<id>/<id>.ipynb from course/quiz/bank/",
        description=quiz_build.__doc__.splitlines()[0] + " See quizzes/AUTHORING.md.",
    )
    quiz_build.add_arguments(p_build)
    p_build.set_defaults(handler=quiz_build.run)


#: (kind, column heading) for `quiz list`, one column per question kind
_KIND_COLUMNS = (("mc", "mc"), ("multi", "all"), ("order", "order"), ("numeric", "num"), ("code", "code"))


def _list(args: argparse.Namespace) -> int:
    quizzes = quiz_build.discover()
    kinds = "".join(f" {head:>5}" for _, head in _KIND_COLUMNS)
    print(f"{'quiz':<24} {'questions':>9}{kinds} {'points':>7} {'judged':>6}  title")
    for quiz_id, quiz in quizzes.items():
        counts = "".join(f" {quiz.count(kind):>5}" for kind, _ in _KIND_COLUMNS)
        judged = f"{quiz_model.judgment_share(quiz):.0%}"
        size = f"{len(quiz.questions):>9}{counts} {quiz.total_points:>7} {judged:>6}"
        print(f"{quiz_id:<24} {size}  {quiz.title}")
    print("\nmc: one letter; all: choose all that apply; order: put in order; judged: share of the points")
    print("on those three kinds (judgment), the rest on numbers and code.")
    print("Start one with: python -m course quiz fetch QUIZ")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    path = selfcheck.fetch(args.quiz_id, dest=args.dest, force=args.force)
    print(f"Your copy: {path}")
    print("Open it in JupyterLab (make lab), answer in the answer cells, save, then score it with:")
    print(f"  python -m course quiz check {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    result = selfcheck.check(args.path, quiz_id=args.quiz_id)
    print(selfcheck.report(result, explain=args.explain), end="")
    saved = selfcheck.save_check(result)
    print(f"Score saved to {saved} (a workshop's pooled results read it).")
    return 0
