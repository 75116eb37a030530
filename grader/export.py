"""Grades out of the gradebook: one CSV row per learner and quiz, with per-question scores."""

from __future__ import annotations

import csv
from pathlib import Path

from grader.course_dir import CourseFolder, load_config, scripts_on_path


def question_of(grade_id: str) -> str:
    """``q04b-test`` -> ``q04`` (parts of one question add up)."""
    head = grade_id.split("-")[0]
    return head[:3] if len(head) > 3 and head[:3].startswith("q") and head[1:3].isdigit() else head


def export(folder: CourseFolder, out: Path) -> int:
    """Write ``out`` (CSV: learner, quiz, score, max_score, then q01..qNN per quiz); return rows written."""
    from nbgrader.api import Gradebook

    rows: list[dict] = []
    questions: set[str] = set()
    with scripts_on_path(), Gradebook(folder.db_url, load_config(folder).CourseDirectory.course_id) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                row = {
                    "learner": sub.student.id,
                    "quiz": assignment.name,
                    "score": float(sub.score),
                    "max_score": float(sub.max_score),
                }
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        q = question_of(grade.name)
                        questions.add(q)
                        row[q] = row.get(q, 0.0) + float(grade.score or 0.0)
                rows.append(row)
    columns = ["learner", "quiz", "score", "max_score", *sorted(questions)]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["quiz"], r["learner"])))
    return len(rows)
