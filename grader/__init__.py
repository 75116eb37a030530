"""The instructor's grader over nbgrader: CLI, course folder, sandboxed parallel autograde, feedback, reports.

`python -m grader --help`; the design, the sandbox and its limits: grader/README.md.
"""
