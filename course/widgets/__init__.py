"""Widgets for the notebooks: a view framework (:mod:`.views`) and the calculators (:mod:`.calculators`).

Everything a notebook uses is importable from ``course.widgets``, e.g. ``widgets.break_even_calculator()``.
"""

from course.widgets.calculators import (
    DEFAULT_ANSWERS,
    DEFAULT_SCORES,
    TABLE_VOLUMES_TOKENS_PER_DAY,
    BreakEvenView,
    CalculatorSettings,
    break_even_calculator,
    break_even_view,
    cost_table,
    question_flow_form,
    question_flow_view,
    scoring_matrix_form,
    scoring_matrix_view,
)
from course.widgets.views import LiveView, StaticView, escape_currency, figure_png, table_for_display

__all__ = [
    "DEFAULT_ANSWERS",
    "DEFAULT_SCORES",
    "TABLE_VOLUMES_TOKENS_PER_DAY",
    "BreakEvenView",
    "CalculatorSettings",
    "LiveView",
    "StaticView",
    "break_even_calculator",
    "break_even_view",
    "cost_table",
    "escape_currency",
    "figure_png",
    "question_flow_form",
    "question_flow_view",
    "scoring_matrix_form",
    "scoring_matrix_view",
    "table_for_display",
]
