"""What the memo is written from: the labs' saved figures and the framework answers, and what is missing.

:func:`load_inputs` never raises for a file's content: a lab that was not run, a file that is
broken, answers not yet saved — each becomes one line of :attr:`MemoInputs.missing`, saying what the
memo cannot show because of it ("Lab 03 not run: no concurrency figure").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course.labs.results import HEADLINE_BY_LAB, LoadedResults, read_headlines
from course.memo.answers import FrameworkAnswers, answers_file, load_answers

LAB_TITLES = {
    "01": "a local model",
    "02": "time local vs API",
    "03": "concurrency",
    "04": "cost from your measurements",
    "05": "quality on your workload",
    "06": "hybrid router and migration",
}

#: what the memo lacks when a lab's figures are absent
WITHOUT_LAB = {
    "01": "no single-stream speed of the local model",
    "02": "no latency figures (TTFT, TPOT) for either side",
    "03": "no concurrency figure",
    "04": "no cost per 1M tokens and no break-even volume",
    "05": "no quality figures and no cost per correct answer",
    "06": "no hybrid-router comparison",
}
WITHOUT_ANSWERS = "no workload volume, no framework scores and no recommendation"


@dataclass(frozen=True)
class MemoInputs:
    """The saved results, the answers (or the line saying why there are none), and every gap named."""

    results: LoadedResults
    answers: FrameworkAnswers | None
    answers_path: Path
    answers_problem: str | None

    @property
    def missing(self) -> list[str]:
        """One line per absent or unreadable input, saying what the memo cannot show without it."""
        lines = []
        for lab in HEADLINE_BY_LAB:
            if lab in self.results.labs:
                continue
            problem = self.problem_for(lab)
            if problem:
                lines.append(f"Lab {lab} results unreadable ({problem}): {WITHOUT_LAB[lab]}")
            else:
                lines.append(f"Lab {lab} not run: {WITHOUT_LAB[lab]}")
        of_labs = {self.results.problem_for(lab) for lab in HEADLINE_BY_LAB}
        lines += [f"Results folder: {p}" for p in self.results.problems if p not in of_labs]
        if self.answers is None and not self.answers_path.exists():
            name = self.answers_path.name
            lines.append(f"Framework answers not saved (lab 07 saves {name}): {WITHOUT_ANSWERS}")
        elif self.answers is None:
            lines.append(f"Framework answers unreadable ({self.answers_problem}): {WITHOUT_ANSWERS}")
        return lines

    def problem_for(self, lab: str) -> str | None:
        """The line saying why lab ``lab``'s file did not load (None: it loaded, or there is no file)."""
        problem = self.results.problem_for(lab)
        return None if problem is None else str(problem)


def load_inputs(results_folder: str | Path, *, answers_path: str | Path | None = None) -> MemoInputs:
    """Read ``results_folder``'s ``labNN.json`` files and the answers (default: the folder's lab07 file)."""
    folder = Path(results_folder)
    path = Path(answers_path) if answers_path else answers_file(folder)
    answers, problem = load_answers(path)
    return MemoInputs(read_headlines(folder), answers, path, problem)


def _answers_status(inputs: MemoInputs) -> str:
    if not inputs.answers_path.exists():
        return "not saved yet (section 2 of lab 07 saves them)"
    return f"unreadable: {inputs.answers_problem}"


def overview_frame(inputs: MemoInputs) -> pd.DataFrame:
    """One row per lab (and the answers): found or not, when it was saved, offline or against a real API."""
    rows = []
    for lab, title in LAB_TITLES.items():
        saved = inputs.results.labs.get(lab)
        problem = inputs.problem_for(lab)
        status = "saved" if saved else (f"unreadable: {problem}" if problem else "not run")
        rows.append(
            {
                "lab": f"{lab} · {title}",
                "status": status,
                "saved (UTC)": saved.saved_at_utc.strftime("%Y-%m-%d %H:%M") if saved else "",
                "mode": saved.mode if saved else "",
                "the memo lacks": "" if saved else WITHOUT_LAB[lab],
            }
        )
    answers = inputs.answers
    rows.append(
        {
            "lab": "07 · framework answers",
            "status": "saved" if answers else _answers_status(inputs),
            "saved (UTC)": answers.answered_at_utc.strftime("%Y-%m-%d %H:%M") if answers else "",
            "mode": "",
            "the memo lacks": "" if answers else WITHOUT_ANSWERS,
        }
    )
    return pd.DataFrame(rows)
