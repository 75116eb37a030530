"""nbgrader's configuration for this course: the quizzes' source notebooks live in quizzes/.

Stock nbgrader works unchanged from the repository root, e.g.::

    nbgrader generate_assignment quiz-03-cost      # -> release/quiz-03-cost/ (no solutions, no hidden tests)
    nbgrader autograde quiz-03-cost                # submitted/<learner>/quiz-03-cost/ -> autograded/
    nbgrader generate_feedback quiz-03-cost        # -> feedback/<learner>/quiz-03-cost/*.html

and so does JupyterLab's Validate button on a released quiz. Learners need none of this:
`python -m course quiz fetch QUIZ` and `python -m course quiz check PATH` grade locally (see README.md).
"""

from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads this file)

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = "open-vs-frontier"
# The quizzes are authored as data in course/quiz/bank/ and built into quizzes/<id>/<id>.ipynb
# (python quizzes/build.py); each folder of quizzes/ is one nbgrader assignment.
c.CourseDirectory.source_directory = "quizzes"
# Per-cell limit when grading (nbgrader's default); a quiz cell runs in milliseconds.
c.Execute.timeout = 30
