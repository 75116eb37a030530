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
