"""Item analysis (grader.item_analysis, grader.report): hand-computed figures on small tables, the safe
parsing of learners' chosen options, and end to end on a real nbgrader course folder: a quiz released and a
dozen generated submissions with known answers autograded through nbgrader's Python API."""

from __future__ import annotations

import base64
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from quiz_submissions import submission

from course.quiz import run_cells
from course.quiz.build import discover
from course.quiz.grading import LocalCourse
from course.quiz.model import Code, MultipleChoice, Numeric
from course.quiz.render import graded_cells
from grader.item_analysis import (
    BLANK,
    OTHER,
    PROBLEM,
    ItemAnalysisError,
    ItemSpec,
    NumberSpec,
    analyse_items,
    band_weights,
    cronbach_alpha,
    group_size,
    tally_numbers,
)
from grader.report import ChoiceKey, chosen_option, typed_number, write_item_analysis, write_outputs

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# --- hand-computed ------------------------------------------------------------------------------------------

#: five learners, three questions (i3 is worth 2 points: partial credit)
#:         i1 i2 i3  total
#:   L1     0  1  0    1
#:   L2     0  1  1    2
#:   L3     1  0  1    2
#:   L4     1  0  2    3
#:   L5     1  1  2    4
SMALL = pd.DataFrame(
    {"i1": [0, 0, 1, 1, 1], "i2": [1, 1, 0, 0, 1], "i3": [0, 1, 1, 2, 2]},
    index=["L1", "L2", "L3", "L4", "L5"],
)
SMALL_SPECS = (
    ItemSpec("i1", 1, title="Pick a stack", key="B", letters=("A", "B", "C"), option_texts=("x", "y", "z")),
    ItemSpec("i2", 1),
    ItemSpec("i3", 2),
)
SMALL_CHOICES = {"i1": {"L1": "A", "L2": BLANK, "L3": "B", "L4": "B", "L5": "B"}}


def test_groups_by_rank_share_ties_fractionally() -> None:
    assert [group_size(n) for n in (1, 4, 5, 12, 100)] == [1, 1, 1, 3, 27]  # 27% rounded half up
    # sorted: 1 -> [0,1), 2 -> [1,2), the two 3s -> [2,4); the stretch [0, 1.5) holds all of "1", half of "2"
    assert band_weights([3, 1, 3, 2], low=0, high=1.5).tolist() == [0, 1, 0, 0.5]
    # top learner of four when two tie at the top: each tied learner counts half
    assert band_weights([3, 1, 3, 2], low=3, high=4).tolist() == [0.5, 0, 0.5, 0]


def test_small_table_by_hand() -> None:
    analysis = analyse_items(SMALL, SMALL_SPECS, choices=SMALL_CHOICES, quiz_id="hand")
    i1, i2, i3 = analysis.items
    assert analysis.totals == (1, 2, 2, 3, 4) and analysis.max_total == 4
    # 5 learners: groups of floor(0.27 * 5 + 0.5) = 1: bottom = L1, top = L5.
    # Quintiles are the rank stretches [0,1) [1,2) [2,3) [3,4) [4,5):
    # L1 | half L2 + half L3 | the same | L4 | L5
    assert analysis.group_size == 1

    # i1: right for L3, L4, L5 -> difficulty 3/5. Rest = total - i1 = 1, 2, 1, 2, 3 (mean 1.8).
    # deviations x: -.6 -.6 .4 .4 .4; y: -.8 .2 -.8 .2 1.2 -> sum xy = .48 - .12 - .32 + .08 + .48 = 0.6,
    # sum x^2 = 1.2, sum y^2 = .64 + .04 + .64 + .04 + 1.44 = 2.8 -> r = 0.6 / sqrt(1.2 * 2.8) = 0.3273
    assert i1.difficulty_share == pytest.approx(0.6)
    assert (
        i1.rest_correlation == pytest.approx(0.6 / math.sqrt(1.2 * 2.8)) == pytest.approx(0.32733, abs=1e-5)
    )
    assert (i1.upper_share, i1.lower_share, i1.upper_lower_d) == (1.0, 0.0, 1.0)
    assert i1.quintile_shares == pytest.approx((0, 0.5, 0.5, 1, 1))  # (L2 0 + L3 1) / 2 in quintiles 2 and 3
    assert i1.discrimination_label == "very good" and i1.flags == ()

    # i2: right for L1, L2, L5 -> 0.6. Rest = 0, 1, 2, 3, 3 (mean 1.8).
    # x: .4 .4 -.6 -.6 .4; y: -1.8 -.8 .2 1.2 1.2 -> sum xy = -.72 - .32 - .12 - .72 + .48 = -1.4;
    # sum x^2 = 1.2; sum y^2 = 3.24 + .64 + .04 + 1.44 + 1.44 = 6.8
    assert (
        i2.rest_correlation == pytest.approx(-1.4 / math.sqrt(1.2 * 6.8)) == pytest.approx(-0.49010, abs=1e-5)
    )
    assert i2.upper_lower_d == 0.0  # L5 and L1 both right: the groups alone miss what the correlation sees
    assert i2.quintile_shares == pytest.approx((1, 0.5, 0.5, 0, 1))
    assert [f.code for f in i2.flags] == ["negative-discrimination"] and i2.flags[0].severity == PROBLEM
    assert "-0.49" in i2.flags[0].reason and "Check the key" in i2.flags[0].reason

    # i3 (2 points): 0 1 1 2 2 -> mean share 6/10 = 0.6; full marks 2/5. Rest = 1, 1, 1, 1, 2 (mean 1.2).
    # x: -1.2 -.2 -.2 .8 .8; y: -.2 -.2 -.2 -.2 .8 -> sum xy = .24 + .04 + .04 - .16 + .64 = 0.8,
    # sum x^2 = 1.44 + .04 + .04 + .64 + .64 = 2.8, sum y^2 = 4 * .04 + .64 = 0.8 -> r = 0.8 / sqrt(2.24)
    assert (i3.difficulty_share, i3.full_marks_share) == pytest.approx((0.6, 0.4))
    assert (
        i3.rest_correlation == pytest.approx(0.8 / math.sqrt(2.8 * 0.8)) == pytest.approx(0.53452, abs=1e-5)
    )
    assert i3.quintile_shares == pytest.approx((0, 0.5, 0.5, 1, 1)) and i3.kind == "points"

    # Options of i1 (key B): A by L1 (total 1 of 4), B by L3 L4 L5 (2, 3, 4 -> mean share 9/12), C by nobody.
    options = {o.option: o for o in i1.options}
    assert list(options) == ["A", "B", "C", BLANK]  # "other" only when someone gave one
    assert (options["A"].chosen, options["A"].lower_share, options["A"].mean_total_share) == (1, 1.0, 0.25)
    assert (options["B"].chosen, options["B"].upper_share, options["B"].correct) == (3, 1.0, True)
    assert options["B"].mean_total_share == pytest.approx(0.75)
    assert options["C"].chosen == 0 and options["C"].mean_total_share is None
    assert options[BLANK].chosen_share == pytest.approx(0.2)
    assert [o.option for o in i1.wrong_options][:2] == ["A", BLANK]

    # Cronbach's alpha: item variances .24 + .24 + .56 = 1.04 = variance of the totals (mean 2.4:
    # (1.96 + .16 + .16 + .36 + 2.56) / 5 = 1.04) -> alpha = 3/2 * (1 - 1.04/1.04) = 0
    assert analysis.alpha == pytest.approx(0.0, abs=1e-12)
    assert cronbach_alpha(np.array([[1, 1], [0, 0], [1, 1]], dtype=float)) == pytest.approx(1.0)
    assert any("Only 5 learners" in note for note in analysis.notes)


def test_broken_questions_are_flagged_with_reasons() -> None:
    #        e  n  m   total   (n: nobody right; m: two scores contradict the chosen letter)
    #   w    1  0  1     2
    #   x    1  0  0     1
    #   y    1  0  0     1
    #   z    1  0  1     2
    scores = pd.DataFrame({"e": [1, 1, 1, 1], "n": [0, 0, 0, 0], "m": [1, 0, 0, 1]}, index=list("wxyz"))
    specs = (
        ItemSpec("e", 1),
        ItemSpec("n", 1, key="A", letters=("A", "B", "C")),
        ItemSpec("m", 1, key="A", letters=("A", "B")),
    )
    choices = {"n": {"w": "B", "x": "B", "y": "C", "z": OTHER}, "m": {"w": "A", "x": "A", "y": "B", "z": "B"}}
    e, n, m = analyse_items(scores, specs, choices=choices).items
    assert [f.code for f in e.flags] == ["everybody-right"]
    assert e.rest_correlation is None and e.discrimination_label == "none"
    # top group = the stretch [3, 4) of the ranking: w and z tie on 2 -> half each; w chose B, z "other"
    assert [f.code for f in n.flags] == ["nobody-right", "distractor-beats-key"]
    assert "chose B (50%) than the key A (0%)" in n.flags[1].reason
    assert {o.option: o.chosen for o in n.options} == {"A": 0, "B": 2, "C": 1, OTHER: 1}
    assert m.key_mismatches == 2  # x chose the key and scored 0; z chose B and scored
    assert "key-mismatch" in [f.code for f in m.flags]


def test_bad_tables_get_clear_errors() -> None:
    with pytest.raises(ItemAnalysisError, match="no column for question"):
        analyse_items(SMALL, (*SMALL_SPECS, ItemSpec("i9", 1)))
    with pytest.raises(ItemAnalysisError, match="no learner"):
        analyse_items(SMALL.iloc[0:0], SMALL_SPECS)
    with pytest.raises(ItemAnalysisError, match="key 'D' is not one of its letters"):
        analyse_items(SMALL, (ItemSpec("i1", 1, key="D", letters=("A", "B")),))
    with pytest.raises(ItemAnalysisError, match="empty cells"):
        analyse_items(SMALL.astype(float).where(SMALL > 0), SMALL_SPECS)


def test_outputs_of_the_small_table(tmp_path: Path) -> None:
    specs = (ItemSpec("i1", 1, title="Costs USD 450 or \\$450 a month", key="B", letters=("A", "B", "C"),
                      option_texts=("Pay $3/h", "<script>x</script>", "z")), *SMALL_SPECS[1:])  # fmt: skip
    analysis = analyse_items(SMALL, specs, choices=SMALL_CHOICES, quiz_id="hand")
    report = write_outputs(analysis, out_dir=tmp_path / "out")
    table = pd.read_csv(report.csv_path)
    assert table["item"].tolist() == ["i1", "i2", "i3"]
    assert table["rest_correlation"].tolist() == pytest.approx([0.3273, -0.4901, 0.5345], abs=1e-4)
    assert table.loc[0, "options_chosen"] == "A:1 B:3* C:0 blank:1"
    assert table.loc[1, "flags"] == "negative-discrimination" and report.needs_attention
    assert len(pd.read_csv(report.options_csv_path)) == 4
    page = report.html_path.read_text(encoding="utf-8")
    assert "$" not in page and "USD 450 or USD 450" in page and "Pay USD 3/h" in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert not re.search(r"(src|href)=['\"]?https?:", page), "the page must render offline"
    for png in (report.histogram_png, report.items_png):
        data = png.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5_000
        assert base64.b64encode(data).decode() in page, "figures are embedded in the page too"


# --- the learner's chosen option, parsed without running it -------------------------------------------------

KEY = ChoiceKey(var="q01", key="B", letters=("A", "B", "C", "D"), test_cell="q01-test")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('q01 = "B"', "B"),
        ("q01 = 'D'  # sure", "D"),
        ('q01: str = "C"', "C"),
        ('q01 = "A"\nq01 = "C"', "C"),
        ('q01 = "b"', OTHER),
        ('q01 = " B"', OTHER),
        ('q01 = "".join(["B"])', OTHER),
        ('if True:\n    q01 = "A"', OTHER),
        ('q01, other = "A", 1', OTHER),
        ("q01 = (", OTHER),
        ("# YOUR CODE HERE\nraise NotImplementedError()", BLANK),
        ('x = "q01"', BLANK),
        ('import os\nos.system("rm -rf /")  # never run: parsed only', BLANK),
    ],
)
def test_chosen_option_is_parsed_never_run(answer: str, expected: str) -> None:
    cells = [("intro", False, "x = 1"), ("q01-answer", False, answer), ("q01-test", True, 'q01 = "A"')]
    assert chosen_option(cells, KEY) == expected


NUMBER = NumberSpec("q02", "q02a-test", "q02a_weights_gb", 35.0, 0.5)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("q02a_weights_gb = 35", 35.0),
        ("q02a_weights_gb = 70e9 * 4 / 8 / 1e9", 35.0),
        ("q02a_weights_gb = -(2 ** 3) + 10 // 3 % 2", -7.0),
        ("q02a_weights_gb = 140.0  # the 2 GB per billion rule", 140.0),
        ("q02a_weights_gb = weights", OTHER),
        ("q02a_weights_gb = float('35')", OTHER),
        ("q02a_weights_gb = True", OTHER),
        ("q02a_weights_gb = '35'", OTHER),
        ("q02a_weights_gb = 10 ** 10 ** 10", OTHER),  # refused, not computed
        ("q02a_weights_gb = 1 / 0", OTHER),
        ("q02a_weights_gb = 1e308 * 10", OTHER),
        ("q02a_weights_gb = 30\nq02a_weights_gb += 5", OTHER),
        ("raise NotImplementedError()", BLANK),
    ],
)
def test_typed_number_is_evaluated_on_the_syntax_tree(answer: str, expected: float | str) -> None:
    cells = [("q02-answer", False, answer), ("q02a-test", True, "q02a_weights_gb = 35")]
    assert typed_number(cells, NUMBER) == expected


def test_tally_numbers_by_hand() -> None:
    # 35 and 35.4 are within 35 ± 0.5; 140 twice (the FP16 rule), 70 once; one blank, one not a number
    stats = tally_numbers(NUMBER, [35.0, 35.4, 140.0, 70.0, 140.0, BLANK, OTHER, 35.5000001])
    assert (stats.learners, stats.right, stats.blank, stats.other) == (8, 2, 1, 1)
    assert stats.wrong == ((140.0, 2), (35.5, 1), (70.0, 1))  # most common first, then by value


def test_chosen_option_stops_at_the_test_and_reads_other_cells() -> None:
    cells = [
        ("", False, 'q01 = "A"'),
        ("q01-answer", False, "pass"),
        ("q01-test", True, ""),
        ("", False, 'q01 = "C"'),
    ]
    assert chosen_option(cells, KEY) == "A"  # set in an earlier cell; the later cell runs after the test


# --- end to end on a real course folder ---------------------------------------------------------------------

QUIZ_ID = "quiz-05-operations"
LEARNERS = 12
#: who answers each question right: learner i (0..11) is right when RULE[qid](i) holds
RULES = {
    "q01": lambda i: True,  # everybody right
    "q02": lambda i: False,  # nobody right
    "q03": lambda i: i < 4,  # only the weakest: negative discrimination
    "q07": lambda i: i >= 3,
    "q09": lambda i: i >= 6,
}
THRESHOLDS = {"q05": 1, "q06": 4, "q08": 7, "q10": 9, "q11": 3, "q12": 5, "q13": 10}
BLANK_ANSWER = "raise NotImplementedError()"


def _wrong_letter(q: MultipleChoice, i: int) -> str:
    wrong = [x for x in q.letters if x != q.answer]
    return wrong[i % len(wrong)]


def _body(q, i: int) -> str:
    """Learner i's answer to q: right or wrong by the plan, with a few blanks and odd answers."""
    if isinstance(q, MultipleChoice):
        if q.qid == "q07" and i == 0:
            return BLANK_ANSWER
        if q.qid == "q02" and i == 0:
            return f'{q.qid} = "{q.answer.lower()}"'  # lowercase key: "other", scored 0
        letter = q.answer if RULES[q.qid](i) else _wrong_letter(q, i)
        return f'{q.qid} = "{letter}"'
    if isinstance(q, Numeric):
        lines = []
        for k, part in enumerate(q.parts):
            right = i >= (2 + 3 * k if q.qid == "q04" else THRESHOLDS[q.qid])  # q04: parts a/b/c from 2/5/8
            value = part.answer if right else part.answer + 3 * part.tolerance
            lines.append(f"{part.var} = {value!r}")
        return "\n".join(lines)
    assert isinstance(q, Code)
    return q.solution if i >= THRESHOLDS[q.qid] else q.wrong[0]


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, dict]:
    """A course folder with LEARNERS autograded submissions of QUIZ_ID; the expected points per learner and
    question (from running the same answers in-process), and the letters each learner chose."""
    quiz = discover()[QUIZ_ID]
    course = LocalCourse(tmp_path_factory.mktemp("report-course"))
    released = course.release(QUIZ_ID).read_text(encoding="utf-8")
    expected, chosen = {}, {q.qid: {} for q in quiz.questions if isinstance(q, MultipleChoice)}
    for i in range(LEARNERS):
        learner = f"learner-{i:02d}"
        bodies = {q.qid: _body(q, i) for q in quiz.questions}
        passed = run_cells.run(quiz, bodies=bodies)
        expected[learner] = {
            q.qid: float(sum(c.points for c in graded_cells(q) if passed[c.grade_id])) for q in quiz.questions
        }
        for qid in chosen:
            letter = re.fullmatch(r'\w+ = "(\w)"', bodies[qid])
            chosen[qid][learner] = BLANK if letter is None else letter.group(1)
        result = course.autograde(QUIZ_ID, learner, submission(released, quiz, bodies))
        assert {q: s for q, (s, _) in result.by_question().items()} == expected[learner], learner
    return course.root, pd.DataFrame.from_dict(expected, orient="index"), chosen


def test_report_on_a_real_course_matches_the_known_answers(graded_course, tmp_path: Path) -> None:
    root, expected, chosen = graded_course
    quiz = discover()[QUIZ_ID]
    report = write_item_analysis(course_dir=root, quiz_id=QUIZ_ID, out_dir=tmp_path / "report")
    table = pd.read_csv(report.csv_path).set_index("item")
    assert list(table.index) == [q.qid for q in quiz.questions] and (table["learners"] == LEARNERS).all()
    maxima = pd.Series({q.qid: q.total_points for q in quiz.questions})
    assert table["max_points"].to_dict() == pytest.approx(maxima.to_dict())
    # difficulty = mean share of points; discrimination = correlation with the rest, computed here directly
    totals = expected.sum(axis=1)
    assert sorted(report.analysis.totals) == sorted(totals.tolist())
    for qid in expected.columns:
        share = expected[qid] / maxima[qid]
        assert table.loc[qid, "difficulty_share"] == pytest.approx(share.mean(), abs=1e-4), qid
        rest = totals - expected[qid]
        r = None if share.std() == 0 else float(np.corrcoef(expected[qid], rest)[0, 1])
        got = table.loc[qid, "rest_correlation"]
        assert pd.isna(got) if r is None else got == pytest.approx(r, abs=1e-4), qid
    assert table.loc["q04", "difficulty_share"] == pytest.approx((10 + 7 + 4) / 36, abs=1e-4)  # parts a/b/c
    # every option count equals the letters the generated learners typed
    for qid, letters in chosen.items():
        q = quiz.question(qid)
        counted = {
            o.option: o.chosen for o in next(i for i in report.analysis.items if i.item == qid).options
        }
        valid = (*q.letters, BLANK)
        typed = pd.Series(letters).map(lambda x, valid=valid: x if x in valid else OTHER).value_counts()
        assert {k: v for k, v in counted.items() if v} == typed.to_dict(), qid
        assert table.loc[qid, "key"] == q.answer and table.loc[qid, "key_mismatches"] == 0
    # numbers: each part right from its threshold on, and the one wrong value the plan typed for the rest
    numbers = pd.read_csv(report.numbers_csv_path)
    numeric = [q for q in quiz.questions if isinstance(q, Numeric)]
    assert len(numbers) == sum(len(q.parts) for q in numeric), "one row per graded number, none for code"
    for q in numeric:
        for k, part in enumerate(q.parts):
            row = numbers.set_index("var").loc[part.var]
            right = sum(
                _body(q, i).splitlines()[k] == f"{part.var} = {part.answer!r}" for i in range(LEARNERS)
            )
            assert (row["right"], row["blank"], row["other"]) == (right, 0, 0), part.var
            wrong = float(f"{part.answer + 3 * part.tolerance:.6g}")
            assert row["common_wrong_values"] == f"{wrong:g}:{LEARNERS - right}", part.var
    assert numbers.set_index("var").loc["q04a_weights_gb", "right"] == 10
    q02 = {o.option: o.chosen for o in report.analysis.items[1].options}
    assert q02 == {"A": 3, "B": 4, "C": 4, "D": 0, OTHER: 1}  # learners 3,6,9 / 1,4,7,10 / 2,5,8,11 / 0: "d"
    # the flags the plan built in, and no other "problem"
    flags = table["flags"].fillna("").to_dict()
    assert flags["q01"] == "everybody-right" and flags["q02"].startswith("nobody-right")
    assert flags["q03"].startswith("negative-discrimination")  # and its top group chose wrong letters
    problems = {i.item for i in report.analysis.items for f in i.flags if f.severity == PROBLEM}
    assert problems == {"q02", "q03"} and report.needs_attention
    page = report.html_path.read_text(encoding="utf-8")
    assert "$" not in page and "Questions that need a look" in page
    assert quiz.question("q01").options[1].text[:30] in page, "option texts come from the quiz's scenario"
    assert all(p.exists() and p.stat().st_size > 0 for p in report.paths)


def test_report_says_what_is_missing(graded_course, tmp_path: Path) -> None:
    root, _, _ = graded_course
    with pytest.raises(ItemAnalysisError, match="no gradebook") as info:
        write_item_analysis(course_dir=tmp_path, quiz_id=QUIZ_ID, out_dir=tmp_path / "out")
    assert "autograde" in str(info.value)
    with pytest.raises(ItemAnalysisError, match=f"no quiz 'quiz-99-none'.*it has: {QUIZ_ID}"):
        write_item_analysis(course_dir=root, quiz_id="quiz-99-none", out_dir=tmp_path / "out")


def test_unreadable_autograded_notebook_is_noted_not_fatal(graded_course, tmp_path: Path) -> None:
    root, _, _ = graded_course
    notebook = root / "autograded" / "learner-05" / QUIZ_ID / f"{QUIZ_ID}.ipynb"
    original, mode = notebook.read_bytes(), notebook.stat().st_mode
    notebook.chmod(mode | 0o200)  # nbgrader leaves it read-only (0444); only root writes it regardless
    try:
        notebook.write_bytes(b"\xff\xfe not json")
        report = write_item_analysis(course_dir=root, quiz_id=QUIZ_ID, out_dir=tmp_path / "out")
    finally:
        notebook.write_bytes(original)
        notebook.chmod(mode)
    assert any("learner-05" in note and "Could not read 1" in note for note in report.analysis.notes)
    assert len(report.analysis.learners) == LEARNERS, "the learner's scores still count"
    q01 = report.analysis.items[0]
    assert {o.option: o.chosen for o in q01.options}[OTHER] == 1


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own add_submission warns
def test_submissions_never_graded_are_left_out_and_named(graded_course, tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "course"
    shutil.copytree(graded_course[0], root)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_student("ghost")
        gradebook.add_submission(QUIZ_ID, "ghost")  # submitted, never autograded: no score at all
    report = write_item_analysis(course_dir=root, quiz_id=QUIZ_ID, out_dir=tmp_path / "out")
    assert "ghost" not in report.analysis.learners and len(report.analysis.learners) == LEARNERS
    assert report.analysis.notes[0].startswith("Left out 1 submission(s) that were never graded")
    assert "ghost" in report.html_path.read_text(encoding="utf-8")
