"""Quality on your own workload: evaluation items, scoring, and runs over a backend.

- :mod:`.items`: the course's evaluation set (train and eval splits) and a learner's CSV/JSONL loader.
- :mod:`.scoring`: valid JSON, schema conformance and correctness of one answer.
- :mod:`.runner`: run a backend over items and summarise; ``constrained=True`` decodes under each task's
  schema on any backend that declares ``supports_json_schema`` (in-process, loopback servers, an API).
- :mod:`.sides`: the API side (a real API, or the frontier stand-in offline) and sampling.
- :mod:`.generate`: how the course's set was written (templates, fixed seed).
"""

from course.evals.items import (
    CATEGORIES,
    INSTRUCTIONS,
    SCHEMAS,
    EvalItem,
    EvalSetError,
    load_eval_set,
    load_items,
)
from course.evals.runner import ItemResult, results_frame, run_eval, save_results, summary_frame
from course.evals.scoring import AnswerScore, parse_json_answer, score_answer
from course.evals.sides import ApiSide, api_side, stratified_sample

__all__ = [
    "CATEGORIES",
    "INSTRUCTIONS",
    "SCHEMAS",
    "AnswerScore",
    "ApiSide",
    "EvalItem",
    "EvalSetError",
    "ItemResult",
    "api_side",
    "load_eval_set",
    "load_items",
    "parse_json_answer",
    "results_frame",
    "run_eval",
    "save_results",
    "score_answer",
    "stratified_sample",
    "summary_frame",
]
