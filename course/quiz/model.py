"""A quiz as data: scenario questions and their checks.

Five kinds: multiple choice (one letter), choose all that apply (several letters), ordering (the letters in
order), numeric (numbers computed from the scenario) and short code (a function). The first three grade a
judgment, the last two arithmetic (:mod:`course.quiz.strategies` holds the rules on balance between them).
Every question names the source article it rests on (``article``) and the ideas it tests (``ideas``: ids
from ``course/data/source_ideas.json``).

Authors write one module-level ``QUIZ = Quiz(...)`` per file in course/quiz/bank/ (see quizzes/AUTHORING.md);
:func:`validate` checks the static rules; course.quiz.render turns a quiz into an nbgrader source notebook.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import ClassVar

from course.errors import CourseError
from course.quiz import strategies

#: the values a code question's case may expect (compared exactly, numbers within a tolerance)
Expected = float | int | str | bool | None

#: docs/outcomes.md in a source checkout (the package is installed editable)
OUTCOMES_PATH = Path(__file__).resolve().parents[2] / "docs" / "outcomes.md"

MIN_QUESTIONS = 10
MIN_PER_KIND = 3
LETTERS = "ABCDE"
#: a multiple-choice key may be at most this many times as long as the mean of its distractors
MAX_KEY_LENGTH_RATIO = 1.25
_QUIZ_ID = re.compile(r"^quiz-(\d\d)-[a-z]+$")
_QID = re.compile(r"^q\d\d$")
_OUTCOME = re.compile(r"\*\*(L\d\d\.\d+)\*\*")
_DOLLAR = re.compile(r"(?<!\\)\$")
#: the articles are "source articles" in the course's prose (course/data/sources.json), never "seeds"
_SEED_WORD = re.compile(r"\bseeds?\b", re.IGNORECASE)
#: code a question may not contain: answers must not depend on course data, files or the network
_FORBIDDEN = re.compile(r"\b(import\s+course|from\s+course|open\(|urllib|requests|httpx|socket|subprocess)\b")


class QuizError(CourseError):
    """A quiz's data breaks an authoring rule, or a quiz cannot be released or graded."""


@dataclass(frozen=True)
class Option:
    """One option of a multiple-choice question; ``why`` says why it is right or why it tempts."""

    text: str
    _: KW_ONLY
    why: str
    correct: bool = False


@dataclass(frozen=True, kw_only=True)
class _Question:
    """What every question has: its id (``q01``), title, outcome, source article, ideas and scenario."""

    qid: str
    title: str
    outcome: str
    article: str
    ideas: tuple[str, ...]
    scenario: str


@dataclass(frozen=True, kw_only=True)
class _Choice(_Question):
    """A question whose options the learner chooses from by letter; the learner sets the variable ``qid``."""

    options: tuple[Option, ...]

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(LETTERS[: len(self.options)])

    @property
    def names(self) -> tuple[str, ...]:
        return (self.qid,)


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(_Choice):
    """Pick one letter; the learner sets the variable named like the qid (``q01 = "B"``)."""

    kind: ClassVar[str] = "mc"
    explanation: str
    points: int = 2

    @property
    def answer(self) -> str:
        """The letter of the correct option."""
        return next(letter for letter, o in zip(self.letters, self.options) if o.correct)

    @property
    def total_points(self) -> int:
        return self.points


@dataclass(frozen=True)
class Part:
    """One graded number of a numeric question: the learner sets ``var``; ``answer`` ± ``tolerance`` wins."""

    _: KW_ONLY
    var: str
    ask: str
    unit: str
    answer: float
    tolerance: float
    points: int = 1
    working: str | None = None
    mistakes: tuple[float, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Numeric(_Question):
    """Numbers computed from the scenario's data, one test cell (and partial credit) per part."""

    kind: ClassVar[str] = "numeric"
    parts: tuple[Part, ...]
    explanation: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.var for p in self.parts)

    @property
    def total_points(self) -> int:
        return sum(p.points for p in self.parts)


@dataclass(frozen=True)
class Case:
    """A call written with literals and what it must return."""

    call: str
    expect: Expected
    _: KW_ONLY
    tolerance: float = 1e-6
    hidden: bool = True


@dataclass(frozen=True)
class CodeTest:
    """One test cell of a code question (its own points: several give partial credit)."""

    _: KW_ONLY
    cases: tuple[Case, ...]
    points: int = 1
    explanation: str = ""


@dataclass(frozen=True, kw_only=True)
class Code(_Question):
    """Write a short function: ``signature`` is shown, ``solution`` (the body) is removed on release."""

    kind: ClassVar[str] = "code"
    signature: str
    solution: str
    tests: tuple[CodeTest, ...]
    wrong: tuple[str, ...]
    explanation: str

    @property
    def function_name(self) -> str:
        match = re.match(r"\s*def\s+([A-Za-z_]\w*)\s*\(", self.signature)
        if not match:
            raise QuizError(f"{self.qid}: the signature must start with `def name(`.")
        return match.group(1)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.function_name,)

    @property
    def total_points(self) -> int:
        return sum(t.points for t in self.tests)


@dataclass(frozen=True, kw_only=True)
class MultipleAnswer(_Choice):
    """Choose all that apply: the learner sets the qid to the letters chosen (``q05 = "BD"``, any order).

    Partial credit: each right letter scores a point and each wrong letter takes one away, never below 0;
    the question is worth one point per right option. One graded cell per point: cell ``j`` passes when the
    net count reaches ``j`` (:meth:`accepts`)."""

    kind: ClassVar[str] = "multi"
    explanation: str

    @property
    def answer(self) -> str:
        """The right letters, in order."""
        return "".join(letter for letter, o in zip(self.letters, self.options) if o.correct)

    @property
    def total_points(self) -> int:
        return len(self.answer)

    def net(self, value: str) -> int:
        """Right letters chosen minus wrong letters chosen."""
        return sum(1 if x in self.answer else -1 for x in self.letters if x in value)

    def accepts(self, cell: int, value: object) -> bool:
        """Whether graded cell ``cell`` (0-based) passes for the learner's ``value``."""
        if value.__class__ is not str or not value or value.strip("".join(self.letters)):
            return False
        return any(x in value for x in self.letters) and self.net(value) >= cell + 1


@dataclass(frozen=True, kw_only=True)
class Ordering(_Choice):
    """Order the options: the learner sets the qid to every letter once, first to last (``q07 = "CADB"``).

    ``order`` is the right order. Partial credit: ``points`` for the right order, one point off for each
    pair of options in the wrong order, never below 0. One graded cell per point: cell ``j`` passes when at
    most ``points - 1 - j`` pairs are out of order (:meth:`accepts`)."""

    kind: ClassVar[str] = "order"
    order: str
    explanation: str
    points: int = 2

    @property
    def answer(self) -> str:
        return self.order

    @property
    def total_points(self) -> int:
        return self.points

    def pairs(self) -> list[tuple[str, str]]:
        """Every pair of letters (first, second) in the right order."""
        return [(a, b) for i, a in enumerate(self.order) for b in self.order[i + 1 :]]

    def inversions(self, value: str) -> int:
        """Pairs ``value`` puts in the wrong order."""
        return sum(1 for a, b in self.pairs() if value.find(a) > value.find(b))

    def accepts(self, cell: int, value: object) -> bool:
        """Whether graded cell ``cell`` (0-based) passes for the learner's ``value``."""
        if value.__class__ is not str or len(value) != len(self.letters):
            return False
        if any(value.count(x) != 1 for x in self.letters):
            return False
        return self.inversions(value) <= self.points - 1 - cell


Question = MultipleChoice | MultipleAnswer | Ordering | Numeric | Code
#: the kinds whose options the learner chooses from (and content-free strategies can play)
ChoiceQuestion = MultipleChoice | MultipleAnswer | Ordering


@dataclass(frozen=True)
class Quiz:
    """One quiz: an nbgrader assignment named ``quiz_id`` (e.g. ``quiz-05-operations``)."""

    _: KW_ONLY
    quiz_id: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def lesson(self) -> str:
        """The lesson's outcome prefix, e.g. ``L05``."""
        match = _QUIZ_ID.match(self.quiz_id)
        if not match:
            raise QuizError(
                f"quiz id {self.quiz_id!r} is not of the form quiz-NN-slug.",
                fix="Use the quiz ids listed in docs/outcomes.md.",
            )
        return f"L{match.group(1)}"

    @property
    def total_points(self) -> int:
        return sum(q.total_points for q in self.questions)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.qid == qid:
                return q
        raise QuizError(f"{self.quiz_id} has no question {qid!r}.")

    def count(self, kind: str) -> int:
        return sum(1 for q in self.questions if q.kind == kind)


def read_outcomes(path: Path = OUTCOMES_PATH) -> frozenset[str]:
    """The outcome ids (``L05.2``) declared in docs/outcomes.md."""
    try:
        return frozenset(_OUTCOME.findall(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise QuizError(
            f"cannot read the outcomes file {path}: {exc}",
            fix="Run from a source checkout of the course (docs/outcomes.md must exist).",
        ) from exc


def read_ideas() -> dict[str, str | None]:
    """The source articles' ideas (``course/data/source_ideas.json``): id -> outcome (None: left out)."""
    from course.curriculum.coverage import load_ideas  # the data file's reader, loaded on first use

    return {idea.id: idea.outcome for idea in load_ideas()}


def choice_items(quiz: Quiz) -> list[strategies.ChoiceItem]:
    """What the content-free strategies see of the quiz's choice questions."""
    return [
        strategies.ChoiceItem(
            q.qid, q.kind, f"{q.title}\n{q.scenario}", tuple(o.text for o in q.options), q.answer
        )
        for q in quiz.questions
        if isinstance(q, MultipleChoice | MultipleAnswer | Ordering)
    ]


def judgment_share(quiz: Quiz) -> float:
    """The share of the quiz's points on judgment items (multiple choice, choose all, ordering)."""
    judged = sum(q.total_points for q in quiz.questions if q.kind in strategies.JUDGMENT_KINDS)
    return judged / quiz.total_points if quiz.total_points else 0.0


def validate(
    quiz: Quiz, *, outcomes: frozenset[str] | None = None, ideas: dict[str, str | None] | None = None
) -> None:
    """Raise :class:`QuizError` listing every static authoring rule the quiz breaks."""
    outcomes = read_outcomes() if outcomes is None else outcomes
    ideas = read_ideas() if ideas is None else ideas
    problems: list[str] = []
    lesson = quiz.lesson
    problems += _check_counts(quiz)
    problems += _markdown_problems("intro", quiz.intro)
    seen: dict[str, str] = {}
    for index, q in enumerate(quiz.questions, start=1):
        where = f"{q.qid or f'question {index}'}"
        if q.qid != f"q{index:02d}" or not _QID.match(q.qid):
            problems.append(f"{where}: qids must run q01, q02, ... in order (expected q{index:02d}).")
        if q.outcome not in outcomes:
            problems.append(f"{where}: outcome {q.outcome!r} is not in docs/outcomes.md.")
        elif not q.outcome.startswith(lesson + "."):
            problems.append(f"{where}: outcome {q.outcome} belongs to another lesson than {lesson}.")
        for name, text in (("title", q.title), ("article", q.article), ("explanation", q.explanation)):
            if not text.strip():
                problems.append(f"{where}: {name} is empty.")
        if _SEED_WORD.search(" ".join((q.article, q.scenario, q.explanation, *_texts(q)))):
            problems.append(f"{where}: say 'source article' (or 'article 003'), not 'seed'.")
        problems += [f"{where}: {p}" for p in _idea_problems(q.ideas, ideas)]
        problems += _markdown_problems(f"{where} scenario", q.scenario)
        problems += _markdown_problems(f"{where} title", q.title)
        for name in q.names if not isinstance(q, Code) or _signature_ok(q) else ():
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                problems.append(f"{where}: {name!r} is not a plain Python name.")
            if name in seen:
                problems.append(f"{where}: name {name!r} is already used by {seen[name]}.")
            seen[name] = q.qid
        if isinstance(q, MultipleChoice):
            problems += [f"{where}: {p}" for p in _mc_problems(q)]
        elif isinstance(q, MultipleAnswer):
            problems += [f"{where}: {p}" for p in _multi_problems(q)]
        elif isinstance(q, Ordering):
            problems += [f"{where}: {p}" for p in _order_problems(q)]
        elif isinstance(q, Numeric):
            problems += [f"{where}: {p}" for p in _numeric_problems(q)]
        elif isinstance(q, Code):
            problems += [f"{where}: {p}" for p in _code_problems(q)]
        else:
            problems.append(f"{where}: unknown question type {q.__class__.__name__}.")
    covered = {q.outcome for q in quiz.questions}
    missing = sorted(o for o in outcomes if o.startswith(lesson + ".") and o not in covered)
    if missing:
        problems.append(f"outcomes of {lesson} tested by no question: {', '.join(missing)}.")
    if quiz.questions and judgment_share(quiz) < strategies.MIN_JUDGMENT_SHARE:
        problems.append(
            f"{judgment_share(quiz):.0%} of the points are on judgment items (multiple choice, choose all, "
            f"ordering); give them at least {strategies.MIN_JUDGMENT_SHARE:.0%}."
        )
    problems += strategies.quiz_problems(strategies.play(choice_items(quiz)), where="options")
    if problems:
        raise QuizError(
            f"{quiz.quiz_id} breaks {len(problems)} authoring rule(s):\n  - " + "\n  - ".join(problems),
            fix="Edit the quiz's data file (see quizzes/AUTHORING.md), then rebuild.",
        )


def _texts(q: Question) -> tuple[str, ...]:
    if isinstance(q, MultipleChoice | MultipleAnswer | Ordering):
        return tuple(t for o in q.options for t in (o.text, o.why))
    if isinstance(q, Numeric):
        return tuple(p.ask for p in q.parts)
    return tuple(t.explanation for t in q.tests)


def _idea_problems(named: tuple[str, ...], ideas: dict[str, str | None]) -> list[str]:
    if not named or named.__class__ is not tuple:
        return ['name the ideas it tests: ideas=("003-33", ...) from course/data/source_ideas.json.']
    problems = []
    for idea in named:
        if idea not in ideas:
            problems.append(f"idea {idea!r} is not in course/data/source_ideas.json.")
        elif ideas[idea] is None:
            problems.append(f"idea {idea!r} is marked left out in course/data/source_ideas.json.")
    if len(set(named)) != len(named):
        problems.append("an idea is named twice.")
    return problems


def _check_counts(quiz: Quiz) -> list[str]:
    problems = []
    if len(quiz.questions) < MIN_QUESTIONS:
        problems.append(f"{len(quiz.questions)} questions; a quiz needs at least {MIN_QUESTIONS}.")
    for kind in ("mc", "numeric", "code"):
        if quiz.count(kind) < MIN_PER_KIND:
            problems.append(f"{quiz.count(kind)} {kind} questions; each kind needs at least {MIN_PER_KIND}.")
    return problems


def _markdown_problems(where: str, text: str) -> list[str]:
    if _DOLLAR.search(text):
        return [f"{where}: unescaped `$` (JupyterLab typesets it as LaTeX): write `USD 450` or `\\$450`."]
    return []


def _points_ok(points: object) -> bool:
    return points.__class__ is int and points > 0


def _option_problems(options: tuple[Option, ...]) -> list[str]:
    problems = []
    if not 3 <= len(options) <= len(LETTERS):
        problems.append(f"{len(options)} options; give 3 to {len(LETTERS)}.")
    for letter, option in zip(LETTERS, options):
        if not option.text.strip() or not option.why.strip():
            problems.append(f"option {letter} needs a text and a `why`.")
        problems += _markdown_problems(f"option {letter}", option.text)
    return problems


def key_length_ratio(q: MultipleChoice) -> float:
    """The right option's length over the mean length of the others."""
    right = [len(o.text.strip()) for o in q.options if o.correct]
    others = [len(o.text.strip()) for o in q.options if not o.correct]
    return right[0] / (sum(others) / len(others)) if right and others and sum(others) else 0.0


def _mc_problems(q: MultipleChoice) -> list[str]:
    problems = _option_problems(q.options)
    if sum(o.correct for o in q.options) != 1:
        problems.append("exactly one option must be correct=True.")
    elif key_length_ratio(q) > MAX_KEY_LENGTH_RATIO:
        problems.append(
            f"the right option is {key_length_ratio(q):.2f}x as long as the others on average (at most "
            f"{MAX_KEY_LENGTH_RATIO:g}x): make the distractors as long and as specific as the answer."
        )
    if not _points_ok(q.points):
        problems.append("points must be a positive int.")
    return problems


def _multi_problems(q: MultipleAnswer) -> list[str]:
    problems = _option_problems(q.options)
    right = sum(o.correct for o in q.options)
    if not 2 <= right <= len(q.options) - right:
        problems.append(
            "mark at least 2 options correct=True and leave at least as many wrong (so that choosing every "
            "letter scores nothing)."
        )
    return problems


def _order_problems(q: Ordering) -> list[str]:
    problems = _option_problems(q.options)
    letters = "".join(q.letters)
    if len(q.options) < 4:
        problems.append("give 4 or 5 items to order.")
    if any(o.correct for o in q.options):
        problems.append("options of an ordering carry no correct=True: `order` holds the key.")
    if sorted(q.order) != sorted(letters):
        problems.append(f"order {q.order!r} must hold each of {letters} once.")
    elif q.order in (letters, letters[::-1]):
        problems.append("the right order is the order listed (or its reverse): shuffle the options.")
    if not _points_ok(q.points) or not 2 <= q.points <= 3:
        problems.append("points must be 2 or 3 (one point off per pair out of order).")
    return problems


def _numeric_problems(q: Numeric) -> list[str]:
    problems = []
    if not 1 <= len(q.parts) <= 8:
        problems.append("give 1 to 8 parts.")
    for letter, part in zip("abcdefgh", q.parts):
        at = f"part {letter} ({part.var})"
        if part.answer.__class__ not in (int, float):
            problems.append(f"{at}: answer must be an int or float.")
            continue
        if part.tolerance.__class__ not in (int, float) or not part.tolerance > 0:
            problems.append(f"{at}: tolerance must be a positive number (absolute, in {part.unit}).")
            continue
        if not _points_ok(part.points):
            problems.append(f"{at}: points must be a positive int.")
        problems += _markdown_problems(at, part.ask + part.unit)
        if part.working is not None:
            if _FORBIDDEN.search(part.working):
                problems.append(f"{at}: working may not import course data, files or the network.")
            else:
                try:
                    value = eval(compile(part.working, at, "eval"), {"__builtins__": {}})  # authors' own data
                except Exception as exc:  # the author's expression: report any failure
                    problems.append(f"{at}: working {part.working!r} fails: {exc!r}.")
                else:
                    if value.__class__ not in (int, float) or not _within(value, part.answer, part.tolerance):
                        problems.append(
                            f"{at}: working gives {value!r}, not {part.answer} ± {part.tolerance}."
                        )
        for mistake in part.mistakes:
            if _within(mistake, part.answer, part.tolerance):
                problems.append(f"{at}: mistake {mistake} lies within the tolerance: widen the gap.")
    return problems


def _within(value: float, answer: float, tolerance: float) -> bool:
    return -tolerance <= value - answer <= tolerance


def _signature_ok(q: Code) -> bool:
    try:
        return bool(q.function_name)
    except QuizError:
        return False


def _code_problems(q: Code) -> list[str]:
    problems = []
    if not _signature_ok(q):
        return ["the signature must start with `def name(`."]
    name = q.function_name
    for label, body in (("solution", q.solution), *((f"wrong[{i}]", w) for i, w in enumerate(q.wrong))):
        source = f"{q.signature}\n{body}\n"
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            problems.append(f"signature + {label} is not valid Python: {exc.msg} (line {exc.lineno}).")
            continue
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
            problems.append(
                f"signature + {label} must be one function definition (indent the body 4 spaces)."
            )
        elif label == "solution" and ast.get_docstring(tree.body[0]) is None:
            problems.append("the signature needs a docstring (the learner's specification).")
        if _FORBIDDEN.search(body):
            problems.append(f"{label} may not import course data, files or the network.")
    if not q.wrong:
        problems.append("give at least one plausible wrong body in `wrong`.")
    if not q.tests:
        problems.append("give at least one CodeTest.")
    for i, test in enumerate(q.tests):
        if not test.cases:
            problems.append(f"tests[{i}] has no cases.")
        if not _points_ok(test.points):
            problems.append(f"tests[{i}]: points must be a positive int.")
        for case in test.cases:
            problems += [f"tests[{i}] {case.call!r}: {p}" for p in _case_problems(case, name)]
    return problems


def _case_problems(case: Case, name: str) -> list[str]:
    try:
        tree = ast.parse(case.call, mode="eval")
    except SyntaxError:
        return ["not a valid Python expression."]
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.func.id != name:
        return [f"must be a call of {name}(...)."]
    problems = []
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        try:
            ast.literal_eval(arg)
        except ValueError:
            problems.append("arguments must be literals (numbers, strings, tuples, lists, dicts).")
    if case.expect is not None and case.expect.__class__ not in (float, int, str, bool):
        problems.append("expect must be a float, int, str, bool or None.")
    if case.expect.__class__ in (float, int) and not case.tolerance > 0:
        problems.append("a numeric case needs a positive tolerance.")
    return problems
