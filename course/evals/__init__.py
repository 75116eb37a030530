"""Quality on your own workload: evaluation items, scoring, and runs over a backend.

- :mod:`.items`: the course's evaluation set (train and eval splits) and a learner's CSV/JSONL loader.
- :mod:`.scoring`: valid JSON, schema conformance and correctness of one answer.
- :mod:`.runner`: run a backend over items and summarise; ``constrained=True`` decodes under each task's
  schema on any backend that declares ``supports_json_schema`` (in-process, loopback servers, an API).
- :mod:`.sides`: the open sides (a generic model, the task-trained course model), the API side (a real
  API, or the frontier stand-in offline) and sampling.
- :mod:`.compare`: several sides on the same items: accuracies with Wilson intervals, paired differences
  (McNemar), tasks no side answers, plain vs constrained timing with repeats.
- :mod:`.stats`: intervals, paired and unpaired differences, sample sizes.
- :mod:`.generate`: how the course's set was written (templates, fixed seed).
"""

from course.evals.compare import (
    ConstrainedTiming,
    accuracy_table,
    compare_constrained_timing,
    paired_table,
    task_leaders,
    unanswered_tasks,
)
from course.evals.items import (
    CATEGORIES,
    INSTRUCTIONS,
    SCHEMAS,
    EvalItem,
    EvalSetError,
    few_shot_examples,
    load_eval_set,
    load_items,
)
from course.evals.runner import ItemResult, results_frame, run_eval, save_results, summary_frame
from course.evals.scoring import AnswerScore, parse_json_answer, score_answer
from course.evals.sides import GENERIC_SHOTS, ApiSide, OpenSide, api_side, open_sides, stratified_sample

__all__ = [
    "CATEGORIES",
    "GENERIC_SHOTS",
    "INSTRUCTIONS",
    "SCHEMAS",
    "AnswerScore",
    "ApiSide",
    "ConstrainedTiming",
    "EvalItem",
    "EvalSetError",
    "ItemResult",
    "OpenSide",
    "accuracy_table",
    "api_side",
    "compare_constrained_timing",
    "few_shot_examples",
    "load_eval_set",
    "load_items",
    "open_sides",
    "paired_table",
    "parse_json_answer",
    "results_frame",
    "run_eval",
    "save_results",
    "score_answer",
    "stratified_sample",
    "summary_frame",
    "task_leaders",
    "unanswered_tasks",
]
