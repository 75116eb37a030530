"""Build the nbgrader source notebooks quizzes/<quiz-id>/<quiz-id>.ipynb from course/quiz/bank/.

Usage: python quizzes/build.py [--check] [QUIZ_ID ...]   (see quizzes/AUTHORING.md)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course.quiz.build import main

if __name__ == "__main__":
    sys.exit(main())
