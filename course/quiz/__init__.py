"""Scenario quizzes: authored as data (model), rendered to nbgrader source notebooks (render), released and
autograded locally through nbgrader's Python API (grading), checked by learners (selfcheck).

See quizzes/AUTHORING.md. Importing this package imports nothing heavy (nbgrader loads on first use).
"""
