"""The quizzes' data: one module ``quiz_NN_slug.py`` per quiz defining ``QUIZ`` (quizzes/AUTHORING.md)."""
