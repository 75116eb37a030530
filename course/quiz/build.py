"""Find the quizzes in course/quiz/bank/, check them, and write quizzes/<quiz-id>/<quiz-id>.ipynb.

``python quizzes/build.py [--check] [QUIZ_ID ...]`` (or ``python -m course quiz build``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from pathlib import Path

from course.quiz import leaks, run_cells, strategies
from course.quiz.model import Quiz, QuizError, choice_items, judgment_share, validate
from course.quiz.render import render_text

#: the nbgrader source folder of a source checkout
QUIZZES_DIR = Path(__file__).resolve().parents[2] / "quizzes"
BANK_PACKAGE = "course.quiz.bank"


def discover() -> dict[str, Quiz]:
    """Every quiz in course/quiz/bank/ (modules ``quiz_NN_slug.py`` holding ``QUIZ``), by quiz id."""
    bank = importlib.import_module(BANK_PACKAGE)
    quizzes: dict[str, Quiz] = {}
    for info in sorted(pkgutil.iter_modules(bank.__path__), key=lambda m: m.name):
        if not info.name.startswith("quiz_"):
            continue
        module = importlib.import_module(f"{BANK_PACKAGE}.{info.name}")
        quiz = getattr(module, "QUIZ", None)
        if not isinstance(quiz, Quiz):
            raise QuizError(
                f"{module.__file__} defines no QUIZ = Quiz(...).", fix="See quizzes/AUTHORING.md."
            )
        if quiz.quiz_id.replace("-", "_") != info.name:
            expected = quiz.quiz_id.replace("-", "_") + ".py"
            raise QuizError(f"{module.__file__} holds {quiz.quiz_id}; the file must be named {expected}.")
        quizzes[quiz.quiz_id] = quiz
    return quizzes


def load(quiz_id: str) -> Quiz:
    """One quiz by id, with a clear error listing the known ids."""
    quizzes = discover()
    if quiz_id not in quizzes:
        known = ", ".join(quizzes) or "none"
        raise QuizError(f"no quiz {quiz_id!r}.", fix=f"Use one of: {known}.")
    return quizzes[quiz_id]


def notebook_path(quiz_id: str, *, root: Path = QUIZZES_DIR) -> Path:
    return root / quiz_id / f"{quiz_id}.ipynb"


def checked_text(quiz: Quiz) -> str:
    """The quiz's notebook text after the static rules (balance and strategies included), the in-process
    test of its tests and the leak check pass."""
    validate(quiz)
    problems = run_cells.check(quiz)
    if problems:
        raise QuizError(
            f"{quiz.quiz_id}: the tests do not separate right from wrong answers:\n  - "
            + "\n  - ".join(problems),
            fix="Fix the answers, tolerances or wrong bodies in the quiz's data file, then rebuild.",
        )
    text = render_text(quiz)
    shown = leaks.leaks(quiz, leaks.visible_text(text))
    if shown:
        raise QuizError(
            f"{quiz.quiz_id}: a visible cell shows a graded answer:\n  - " + "\n  - ".join(shown),
            fix="Change the numbers of the worked example or scenario that shows it, then rebuild.",
        )
    return text


def check_bank(quizzes: dict[str, Quiz]) -> None:
    """Raise when a content-free strategy beats guessing over all the quizzes' choice items together."""
    problems = strategies.bank_problems(strategies.play(i for q in quizzes.values() for i in choice_items(q)))
    if problems:
        raise QuizError(
            "the bank as a whole can be gamed:\n  - " + "\n  - ".join(problems),
            fix="Rebalance the options (length, specific details, words shared with the question, letters).",
        )


def strategy_table(quizzes: dict[str, Quiz]) -> str:
    """Per quiz: the share of points on judgment, and what each content-free strategy and guessing would
    score on its choice items (expected items right, and as a share)."""
    head = f"{'quiz':<22} {'judgment':>8} {'items':>5} {'guessing':>11}" + "".join(
        f" {name:>11}" for name in strategies.STRATEGIES
    )
    lines = [head]
    every = []
    for quiz_id, quiz in quizzes.items():
        items = choice_items(quiz)
        every += items
        lines.append(_strategy_row(quiz_id, f"{judgment_share(quiz):.0%}", strategies.play(items)))
    if len(quizzes) > 1:
        points = sum(q.total_points for q in quizzes.values())
        judged = sum(judgment_share(q) * q.total_points for q in quizzes.values())
        lines.append(_strategy_row("all quizzes", f"{judged / points:.0%}", strategies.play(every)))
    lines.append(
        "(expected choice items right, and share; a strategy fails a quiz above guessing + "
        f"{strategies.QUIZ_MARGIN_ITEMS:g} item, the bank above guessing + "
        f"{strategies.BANK_MARGIN_SHARE:.0%}; letter = the best single letter)"
    )
    return "\n".join(lines)


def _strategy_row(label: str, judgment: str, scores: strategies.StrategyScores) -> str:
    def cell(expected: float) -> str:
        share = expected / scores.items if scores.items else 0.0
        return f"{expected:5.2f} ({share:3.0%})"

    row = f"{label:<22} {judgment:>8} {scores.items:>5} {cell(scores.chance):>11}"
    row += "".join(f" {cell(scores.scores[name]):>11}" for name in strategies.STRATEGIES)
    return row + f"  [{scores.best_letter}]"


def build(quiz_ids: list[str] | None = None, *, check: bool = False, root: Path = QUIZZES_DIR) -> list[Path]:
    """Write (or, with ``check``, compare) the notebooks; return the paths that changed (or differ)."""
    quizzes = discover()
    selected = quiz_ids or list(quizzes)
    if not quiz_ids:
        check_bank(quizzes)
    changed = []
    for quiz_id in selected:
        if quiz_id not in quizzes:
            raise QuizError(
                f"no quiz {quiz_id!r} in course/quiz/bank/.", fix=f"Use one of: {', '.join(quizzes)}."
            )
        text = checked_text(quizzes[quiz_id])
        path = notebook_path(quiz_id, root=root)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        changed.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return changed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("quiz_ids", nargs="*", metavar="QUIZ_ID", help="quizzes to build (default: all)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a committed notebook differs from its data",
    )


def run(args: argparse.Namespace) -> int:
    quizzes = discover()
    print(strategy_table({k: v for k, v in quizzes.items() if not args.quiz_ids or k in args.quiz_ids}))
    print()
    changed = build(args.quiz_ids, check=args.check)
    for path in changed:
        print(f"{'differs from its data' if args.check else 'wrote'}: {path}")
    if args.check and changed:
        print("Rebuild with: python quizzes/build.py")
        return 1
    if not changed:
        print("All quiz notebooks are up to date.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python quizzes/build.py", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except QuizError as exc:
        print(f"error: {exc}")
        return 2
