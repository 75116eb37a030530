"""Confidence intervals and sample sizes (course.evals.stats), checked against published reference values."""

import pytest
from matplotlib.figure import Figure

from course.errors import ConfigError
from course.evals.stats import (
    accuracy_interval,
    difference_interval,
    examples_for_margin,
    examples_to_tell_apart,
    margin_of_error,
    mcnemar_exact_p,
    paired_difference,
    z_value,
)
from course.plots.intervals import plot_interval_width


def test_wilson_interval_matches_reference_values():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662
    ci = accuracy_interval(81, 263)
    assert (ci.low, ci.high) == pytest.approx((0.2553, 0.3662), abs=5e-4)
    # 15/148 -> 0.0624 to 0.1605 (same table)
    ci = accuracy_interval(15, 148)
    assert (ci.low, ci.high) == pytest.approx((0.0624, 0.1605), abs=5e-4)


def test_wilson_interval_stays_inside_zero_and_one():
    assert accuracy_interval(0, 10).low == 0.0
    assert accuracy_interval(10, 10).high == 1.0
    assert accuracy_interval(10, 10).low == pytest.approx(0.7225, abs=5e-4)  # 3/(n) rule's cousin
    assert "84.0%" in str(accuracy_interval(84, 100))


def test_interval_narrows_with_more_examples_as_one_over_root_n():
    small, big = accuracy_interval(160, 200), accuracy_interval(640, 800)
    assert big.half_width_pct_points == pytest.approx(small.half_width_pct_points / 2, rel=0.05)


def test_difference_interval_newcombe_reference():
    # Newcombe (1998b), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80 -> +0.0524 to +0.3339
    diff = difference_interval(56, 70, 48, 80)
    assert (diff.low, diff.high) == pytest.approx((0.0524, 0.3339), abs=5e-4)
    assert diff.tells_apart
    assert not difference_interval(178, 200, 168, 200).tells_apart  # 89% vs 84% on 200 each: not enough


def test_sample_sizes():
    assert z_value(0.95) == pytest.approx(1.95996, abs=1e-4)
    assert margin_of_error(385) == pytest.approx(0.04995, abs=1e-4)  # the classic 385 for ±5 points
    assert examples_for_margin(0.05) == 385
    assert examples_for_margin(0.05, accuracy=0.9) == 139
    # Fleiss' formula without continuity correction: 0.84 vs 0.89 at 95%/80% needs about 727 per arm
    assert examples_to_tell_apart(0.84, 0.89) == pytest.approx(727, abs=8)
    assert examples_to_tell_apart(0.71, 0.84) < examples_to_tell_apart(0.84, 0.89)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: accuracy_interval(201, 200), "between 0 and n"),
        (lambda: accuracy_interval(5, 0), "at least one example"),
        (lambda: accuracy_interval(5.0, 10), "whole number"),
        (lambda: accuracy_interval(5, 10, confidence=95), "95% is 0.95"),
        (lambda: examples_to_tell_apart(0.8, 0.8), "gap of zero"),
        (lambda: margin_of_error(0), "at least 1"),
    ],
)
def test_bad_input_says_how_to_fix(call, words):
    with pytest.raises(ConfigError, match=words) as info:
        call()
    assert "How to fix" in str(info.value)


def test_interval_width_figure():
    fig = plot_interval_width(accuracies=(0.8,), n_range=(20, 600))
    assert isinstance(fig, Figure)
    line = fig.axes[0].lines[0]
    ys = line.get_ydata()
    assert ys[0] > ys[-1]  # wider at 20 examples than at 600
    with pytest.raises(ValueError):
        plot_interval_width(n_range=(10, 5))


def test_wilson_bounds_takes_a_rate():
    from course.evals.stats import wilson_bounds

    ci = accuracy_interval(84, 100)
    assert wilson_bounds(0.84, 100) == pytest.approx((ci.low, ci.high))
    with pytest.raises(ConfigError, match="above 0"):
        wilson_bounds(0.5, 0)


def _pairs(both: int, only_a: int, only_b: int, neither: int) -> tuple[list[bool], list[bool]]:
    """Two answer lists with these four cell counts (A right / B right per item)."""
    a = [True] * both + [True] * only_a + [False] * only_b + [False] * neither
    b = [True] * both + [False] * only_a + [True] * only_b + [False] * neither
    return a, b


def test_paired_difference_matches_published_reference_values():
    # Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables, ch. 8 (the R package
    # contingencytables' tests): Cavo et al. (2012), complete response before/after consolidation therapy,
    # 59 both, 6 before only, 16 after only, 80 neither: Newcombe's square-and-add interval (method 10)
    # -0.0621 (95% CI -0.1186 to -0.0046); McNemar's exact conditional test P = 0.0525
    d = paired_difference(*_pairs(59, 6, 16, 80))
    assert d.difference == pytest.approx(-0.0621, abs=5e-5)
    assert (d.low, d.high) == pytest.approx((-0.1186, -0.0046), abs=5e-5)
    assert d.p_value == pytest.approx(0.0525, abs=5e-5)
    # the textbook case where the two criteria disagree (interval excludes 0, p > 0.05): no firm verdict
    assert not d.tells_apart and d.verdict.startswith("borderline")
    # Agresti (2007), An Introduction to Categorical Data Analysis, table 8.1 (approval of the prime minister,
    # two surveys of the same 1,600 people): 794, 150, 86, 570 -> McNemar z^2 = 17.36 (z = 4.17), and the
    # difference 0.04 with 95% CI 0.02 to 0.06 (at this size the score and Wald intervals agree)
    d = paired_difference(*_pairs(794, 150, 86, 570))
    assert d.statistic == pytest.approx(17.36, abs=5e-3) and d.statistic**0.5 == pytest.approx(4.17, abs=5e-3)
    assert d.difference == pytest.approx(0.04) and (d.low, d.high) == pytest.approx((0.021, 0.059), abs=1e-3)
    assert (d.accuracy_a, d.accuracy_b) == pytest.approx((0.59, 0.55))


def test_paired_difference_is_tighter_than_treating_the_sets_as_separate():
    a, b = _pairs(59, 6, 16, 80)
    paired = paired_difference(a, b)
    separate = difference_interval(sum(a), len(a), sum(b), len(b))
    assert paired.high - paired.low < separate.high - separate.low
    assert paired.high < 0 and not separate.high < 0  # the same data, read two ways: only paired excludes 0


def test_mcnemar_exact_p_small_cases_and_refusals():
    assert mcnemar_exact_p(0, 0) == 1.0  # no disagreement: no evidence either way
    assert mcnemar_exact_p(1, 6) == pytest.approx(2 * (1 + 7) / 128)  # two-sided binomial tail, by hand
    assert mcnemar_exact_p(6, 1) == mcnemar_exact_p(1, 6)
    with pytest.raises(ConfigError, match="same examples"):
        paired_difference([True, False], [True])
    with pytest.raises(ConfigError):
        mcnemar_exact_p(-1, 2)
    assert "McNemar exact p" in str(paired_difference([True, False, True], [False, False, True]))


def test_paired_verdict_never_contradicts_the_p_value_beside_it():
    # n = 20, only A right on 4, never only B: Newcombe's interval is 0.0 to +36.9 points, McNemar p = 0.125
    d = paired_difference(*_pairs(8, 4, 0, 8))
    assert d.low > -1e-9 and d.p_value == pytest.approx(0.125)
    assert not d.tells_apart and "borderline" in str(d)
    clear = paired_difference(*_pairs(8, 10, 0, 2))  # 10 disagreements, all one way: p = 0.002
    assert clear.tells_apart and clear.verdict == "a real difference"
    same = paired_difference(*_pairs(8, 2, 2, 8))
    assert same.verdict == "cannot tell them apart"
