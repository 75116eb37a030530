"""Lab 07's decision memo: from the labs' saved figures and the learner's framework answers to one page.

- :mod:`.answers`: the framework answers (results/lab07-frameworks.json), validated.
- :mod:`.inputs`: read results and answers; name every missing input.
- :mod:`.content`: build the memo's sections (:mod:`.verdict` for the recommendation, :mod:`.cost` to
  price the learner's volume, :mod:`.charts` for its figures).
- :mod:`.render`, :mod:`.files`: Markdown with PNG figures, and a self-contained HTML page.
"""

from course.memo.answers import ANSWERS_FILE, FrameworkAnswers, framework_answers, load_answers, save_answers
from course.memo.content import build_memo
from course.memo.document import Memo
from course.memo.files import MEMO_STEM, MemoFiles, write_memo
from course.memo.inputs import MemoInputs, load_inputs, overview_frame
from course.memo.render import to_html, to_markdown

__all__ = [
    "ANSWERS_FILE",
    "MEMO_STEM",
    "FrameworkAnswers",
    "Memo",
    "MemoFiles",
    "MemoInputs",
    "build_memo",
    "framework_answers",
    "load_answers",
    "load_inputs",
    "overview_frame",
    "save_answers",
    "to_html",
    "to_markdown",
    "write_memo",
]
