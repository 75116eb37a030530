"""Both course models on the whole evaluation split, with and without schema-constrained decoding.

Prints accuracy (all, easy, hard), share of fields right, valid JSON and schema conformance, and the
median end-to-end time per item, for the small local model and the frontier stand-in (offline),
both in process (llama.cpp, temperature 0), then a RATIO line: the stand-in's accuracy on hard
items ÷ the small model's (target ≥ 1.2: the stand-in must be clearly better where it matters).

    python bench/eval_models.py            # all 240 items (a few minutes on 2 cores)
    python bench/eval_models.py --quick    # 8 items per task and difficulty
"""

from __future__ import annotations

import sys

from _common import machine, parser, verdict

from course.backends.inprocess import InProcessBackend
from course.evals import load_eval_set, run_eval, stratified_sample, summary_frame
from course.models.embedded import STANDIN_LABEL

TARGET = 1.2


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    items = load_eval_set("eval")
    if args.quick:
        items = stratified_sample(items, per_group=8, seed=0)
    print(f"machine: {machine()}; {len(items)} items of the eval split")
    results = []
    for spec, label in (("embedded", "small local model"), ("standin", STANDIN_LABEL)):
        with InProcessBackend(spec, n_threads=args.threads) as backend:
            results += run_eval(backend, items, label=label, progress=True)
            results += run_eval(backend, items, label=label, constrained=True, progress=True)
    table = summary_frame(results)
    print(table.round(1).to_string(index=False))
    plain = table[~table["constrained"]].set_index("backend")
    small, big = plain.loc["small local model", "hard %"], plain.loc[STANDIN_LABEL, "hard %"]
    print(verdict("standin_vs_small_hard_accuracy", big / small if small else float("inf"), TARGET))
    return 0


if __name__ == "__main__":
    sys.exit(main())
