"""`python -m grader pool RESULTS...`: a workshop room's saved results pooled in one table, page and plots.

Each input is one participant's results (a folder or a zip; the participant's name is its stem; a folder
named ``results`` takes its parent's name), or a room: a folder of such folders and zips. A participant's
files are what the labs save (``labNN.json``, :mod:`course.labs.results`) and what ``course quiz check``
saves (``quiz-NN-*.json``, :mod:`course.quiz.selfcheck`), at the top of the folder or zip or in a
``results/`` inside it. Quiz scores also come from the instructor's ``grades.csv`` (``python -m grader
export``), which wins over a learner's own check of the same quiz.

Nothing a participant sends stops the pooling: a missing, partial or malformed file becomes a warning that
names it, and the rest is pooled. Zips are read member by member into a temporary folder (only lab and
quiz files, flattened); one with an absolute or ``..`` path, a link, too many members or too many bytes is
skipped whole.

    pool = pool_results([Path("room")], grades=Path("course/grades.csv"))
    files = write_pool(pool, out=Path("pool"))     # pooled.csv, quiz-scores.csv, pooled.html, *.png
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course.errors import CourseError
from course.io import make_folder
from course.labs.results import Problem, read_headlines
from course.quiz.selfcheck import QUIZ_FILE, read_checks
from grader.workshop.participants import GRADES, SELF_CHECK, Participant, Pool, QuizScore
from grader.workshop.pool_page import render_page
from grader.workshop.pool_plots import PLOTS, png_bytes

LAB_FILE = re.compile(r"^lab\d\d\.json$")
#: the labs whose figures the table pools (lab 06's router is not pooled)
POOLED_LABS = ("01", "02", "03", "04", "05")
MIB = 2**20


class PoolError(CourseError):
    """Nothing could be pooled, or the output could not be written."""


@dataclass(frozen=True)
class ZipLimits:
    """What a participant's zip may hold before it is skipped whole (a zip bomb, or not a results zip)."""

    max_members: int = 2000
    max_total_bytes: int = 64 * MIB  # uncompressed, as the zip declares it
    max_file_bytes: int = 4 * MIB  # one lab or quiz file, as read


@dataclass(frozen=True)
class PoolFiles:
    csv: Path
    quiz_csv: Path
    html: Path
    plots: tuple[Path, ...]


# --- finding the participants -------------------------------------------------------------------------------


def _has_results(folder: Path) -> bool:
    return folder.is_dir() and any(
        LAB_FILE.match(p.name) or QUIZ_FILE.match(p.name) for p in folder.iterdir() if p.is_file()
    )


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))


def _is_participant_folder(folder: Path) -> bool:
    if _has_results(folder) or _has_results(folder / "results"):
        return True
    return not any(p.is_dir() or p.suffix.lower() == ".zip" for p in _visible(folder))


def _name_of(path: Path) -> str:
    if path.is_dir() and path.name == "results" and path.resolve().parent.name:
        return path.resolve().parent.name
    return path.stem if path.suffix.lower() == ".zip" else path.name


def find_participants(inputs: list[Path]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(name, folder or zip) of every participant the inputs name, and a warning per input not usable."""
    found: list[tuple[str, Path]] = []
    warnings: list[str] = []
    for path in map(Path, inputs):
        if path.is_dir():
            try:
                if _is_participant_folder(path):
                    found.append((_name_of(path), path))
                else:
                    found += [
                        (_name_of(p), p) for p in _visible(path) if p.is_dir() or p.suffix.lower() == ".zip"
                    ]
            except OSError as exc:
                warnings.append(f"{path}: cannot be listed ({exc.strerror}); skipped")
        elif path.is_file():
            found.append((_name_of(path), path))
        else:
            warnings.append(f"{path}: no such folder or zip; skipped")
    names: dict[str, int] = {}
    unique = []
    for name, path in found:
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:
            new = f"{name} ({names[name]})"
            warnings.append(f"{path}: a second participant named {name!r}; pooled as {new!r}")
            name = new
        unique.append((name, path))
    return unique, warnings


# --- reading one participant --------------------------------------------------------------------------------


def _results_folder(folder: Path) -> Path:
    return folder / "results" if not _has_results(folder) and (folder / "results").is_dir() else folder


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return f"{name!r} has an absolute path"
    if ".." in parts:
        return f"{name!r} has a path that leaves its folder (..)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{name!r} is a symbolic link"
    if info.flag_bits & 0x1:
        return f"{name!r} is encrypted"
    return None


def _check_zip(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> str | None:
    if len(infos) > limits.max_members:
        return f"{len(infos)} members, more than the {limits.max_members} a results zip may hold"
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_bytes:
        return (
            f"{total / MIB:.3g} MiB uncompressed, more than the {limits.max_total_bytes / MIB:.3g} MiB "
            "a results zip may hold"
        )
    return next((why for why in map(_unsafe, infos) if why), None)


def _wanted(infos: list[zipfile.ZipInfo], where: str) -> tuple[dict[str, zipfile.ZipInfo], list[str]]:
    """The lab and quiz files of a zip by file name (the shallowest of each name), and duplicate warnings."""
    by_name: dict[str, list[zipfile.ZipInfo]] = {}
    for info in infos:
        base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
        if (
            info.is_dir()
            or "__MACOSX/" in info.filename
            or not (LAB_FILE.match(base) or QUIZ_FILE.match(base))
        ):
            continue
        by_name.setdefault(base, []).append(info)
    chosen, warnings = {}, []
    for base, candidates in sorted(by_name.items()):
        candidates.sort(key=lambda i: (i.filename.count("/"), i.filename))
        chosen[base] = candidates[0]
        if len(candidates) > 1:
            others = ", ".join(i.filename for i in candidates[1:])
            warnings.append(
                f"{where}: holds {len(candidates)} {base} files; used {candidates[0].filename}, not {others}"
            )
    return chosen, warnings


def _unzip(path: Path, into: Path, limits: ZipLimits) -> tuple[dict[str, str] | None, list[str]]:
    """Copy a zip's lab and quiz files into ``into`` (flat): file name -> member name; None: skipped."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            refused = _check_zip(infos, limits)
            if refused:
                return None, [f"{path}: refused, skipped whole: {refused}"]
            chosen, warnings = _wanted(infos, str(path))
            into.mkdir(parents=True, exist_ok=True)
            members = {}
            for base, info in chosen.items():
                where = f"{path}:{info.filename}"
                try:
                    with archive.open(info) as member:
                        data = member.read(limits.max_file_bytes + 1)
                except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
                    warnings.append(f"{where}: cannot be unpacked ({exc}); skipped")
                    continue
                if len(data) > limits.max_file_bytes:
                    warnings.append(f"{where}: more than {limits.max_file_bytes / MIB:g} MiB; skipped")
                    continue
                (into / base).write_bytes(data)
                members[base] = info.filename
            return members, warnings
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return None, [f"{path}: not a readable zip ({exc}); skipped"]


def _named(problems: list[Problem], where: str, members: dict[str, str] | None) -> list[str]:
    """``lab02.json: ...`` -> ``room/erin/lab02.json: ...`` (or ``carol.zip:results/lab02.json: ...``)."""
    named = []
    for problem in problems:
        if members is not None and problem.file in members:
            named.append(f"{where}:{members[problem.file]}: {problem.message}")
        elif LAB_FILE.match(problem.file) or QUIZ_FILE.match(problem.file):
            named.append(f"{where}/{problem.file}: {problem.message}")
        else:
            named.append(f"{where}: {problem}")
    return named


def read_participant(
    name: str, path: Path, *, workdir: Path, limits: ZipLimits = ZipLimits()
) -> tuple[Participant, list[str]]:
    """One participant's results from a folder or zip (zips unpacked under ``workdir``), and warnings."""
    path = Path(path)
    members: dict[str, str] | None = None
    warnings: list[str] = []
    if path.is_dir():
        folder, where = _results_folder(path), str(_results_folder(path))
    elif zipfile.is_zipfile(path):
        folder, where = workdir / f"zip-{len(list(workdir.iterdir()))}", str(path)
        members, warnings = _unzip(path, folder, limits)
        if members is None:
            return Participant(name, str(path)), warnings
    else:
        what = "not a readable zip (cut off while copying?)" if path.suffix.lower() == ".zip" else "not a zip"
        return Participant(name, str(path)), [f"{path}: {what}; skipped (pass results folders or zips)"]
    results = read_headlines(folder)
    checks, quiz_problems = read_checks(folder)
    warnings += _named(results.problems + quiz_problems, where, members)
    if not results.labs and not checks and not results.problems and not quiz_problems:
        warnings.append(
            f"{where}: no lab or quiz results in it (expected labNN.json files, as the labs save them in "
            "results/); nothing pooled for this participant"
        )
    return Participant(name, where, results, checks), warnings


# --- grades.csv ------------------------------------------------------------------------------------------


def read_grades(path: Path) -> tuple[list[QuizScore], list[str]]:
    """Scores per learner and quiz from ``python -m grader export``'s CSV, and a warning per bad line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{path}: no such file; no instructor's quiz scores pooled"]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot be read ({exc}); no instructor's quiz scores pooled"]
    reader = csv.DictReader(text.splitlines())
    needed = {"learner", "quiz", "score", "max_score"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        return [], [
            f"{path}: no column {', '.join(sorted(missing))} (is it python -m grader export's grades.csv?); "
            "no instructor's quiz scores pooled"
        ]
    scores, warnings = [], []
    for line, row in enumerate(reader, start=2):
        learner, quiz = (row.get("learner") or "").strip(), (row.get("quiz") or "").strip()
        try:
            points, top = float(row["score"]), float(row["max_score"])
        except (TypeError, ValueError):
            warnings.append(
                f"{path} line {line}: score {row.get('score')!r} of {row.get('max_score')!r} is not a "
                "number; skipped"
            )
            continue
        if not learner or not quiz or not (0 <= points <= top) or not math.isfinite(top) or top <= 0:
            warnings.append(
                f"{path} line {line}: learner {learner!r}, quiz {quiz!r}, score {points:g} of {top:g} "
                "does not make sense; skipped"
            )
            continue
        scores.append(QuizScore(learner, quiz, points, top, GRADES))
    return scores, warnings


# --- the room -----------------------------------------------------------------------------------------------


def _missing_lab_warnings(participants: list[Participant]) -> list[str]:
    """A lab some participants saved and another did not (nor sent a broken file of): a partial result."""
    with_results = [
        (p, p.results) for p in participants if p.results is not None and (p.results.labs or p.quiz_checks)
    ]
    counts = {lab: sum(lab in results.labs for _, results in with_results) for lab in POOLED_LABS}
    warnings = []
    for p, results in with_results:
        for lab, count in counts.items():
            name = f"lab{lab}.json"
            if count and lab not in results.labs and results.problem_for(lab) is None:  # else named
                where = f"{p.source}: {name}" if p.source.endswith(".zip") else f"{p.source}/{name}"
                warnings.append(f"{where}: missing ({count} of {len(with_results)} participants saved it)")
    return warnings


def pool_results(inputs: list[Path], *, grades: Path | None = None, limits: ZipLimits = ZipLimits()) -> Pool:
    """Read every participant the inputs name (and ``grades``); never raises for what a participant sent."""
    found, warnings = find_participants(inputs)
    participants: list[Participant] = []
    with tempfile.TemporaryDirectory(prefix="grader-pool-") as tmp:
        for name, path in found:
            try:
                participant, problems = read_participant(name, path, workdir=Path(tmp), limits=limits)
            except OSError as exc:  # a folder or zip this user may not read
                participant, problems = (
                    Participant(name, str(path)),
                    [f"{path}: cannot be read ({exc}); skipped"],
                )
            participants.append(participant)
            warnings += problems
    warnings += _missing_lab_warnings(participants)
    graded, grade_warnings = read_grades(grades) if grades is not None else ([], [])
    warnings += grade_warnings
    known = {p.name for p in participants}
    for learner in sorted({s.participant for s in graded} - known):
        warnings.append(
            f"{grades}: learner {learner!r} has quiz scores but no results folder or zip among the inputs"
        )
        participants.append(Participant(learner, str(grades)))
    scores = _quiz_scores(participants, graded)
    if not participants:
        raise PoolError(
            "Nothing to pool: no participant's folder or zip was found."
            + (f" ({'; '.join(warnings)})" if warnings else ""),
            fix="Pass the participants' results folders or zips, or a folder holding them.",
        )
    return Pool(tuple(sorted(participants, key=lambda p: p.name)), tuple(scores), tuple(warnings))


def _quiz_scores(participants: list[Participant], graded: list[QuizScore]) -> list[QuizScore]:
    """The instructor's grade of a quiz when there is one, else the learner's own saved check."""
    scores = {(s.participant, s.quiz_id): s for s in graded}
    for p in participants:
        for quiz_id, check in p.quiz_checks.items():
            scores.setdefault(
                (p.name, quiz_id), QuizScore(p.name, quiz_id, check.points, check.max_points, SELF_CHECK)
            )
    return sorted(scores.values(), key=lambda s: (s.participant, s.quiz_id))


# --- writing -----------------------------------------------------------------------------------------------


def write_pool(pool: Pool, *, out: Path) -> PoolFiles:
    """Write pooled.csv, quiz-scores.csv, the PNG plots and pooled.html (plots embedded) into ``out``."""
    out = make_folder(out, error=PoolError)
    table = pool.table()
    table.to_csv(out / "pooled.csv", index=False)
    quiz_csv = out / "quiz-scores.csv"
    with quiz_csv.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["participant", "quiz", "points", "max_points", "source"])
        writer.writerows(
            (s.participant, s.quiz_id, s.points, s.max_points, s.source) for s in pool.quiz_scores
        )
    pngs: dict[str, bytes] = {}
    for name, draw in PLOTS.items():
        figure = draw(pool, table)
        path = out / f"{name}.png"
        if figure is None:
            path.unlink(missing_ok=True)  # a plot from an earlier pool would no longer match the table
            continue
        pngs[name] = png_bytes(figure)
        path.write_bytes(pngs[name])
    html = out / "pooled.html"
    html.write_text(render_page(pool, table, pngs=pngs), encoding="utf-8")
    return PoolFiles(out / "pooled.csv", quiz_csv, html, tuple(out / f"{name}.png" for name in pngs))


# --- the command --------------------------------------------------------------------------------------------


def add_command(add) -> None:
    p = add(
        "pool",
        "pooled results of many participants: one table and a few plots",
        "Read many participants' results folders or zips (their labs' labNN.json and quiz checks; a folder "
        "of such folders and zips is a room), plus the instructor's grades.csv, and write into OUT: "
        "pooled.csv (one row per participant: machine, decode tokens/s, TTFT, tokens/s per concurrency, "
        "USD per 1M tokens, break-even tokens/day, accuracy per side, quiz scores), quiz-scores.csv, "
        "pooled.html (table, warnings, plots) and the plots as PNG. Every missing, partial or malformed "
        "file is named in a warning; exit status 1 when there is one. The --course option is not used.",
    )
    p.add_argument(
        "inputs",
        type=Path,
        nargs="+",
        metavar="RESULTS",
        help="participants' folders or zips, or a room folder",
    )
    p.add_argument(
        "--grades", type=Path, default=None, help="grades.csv from `python -m grader export` (quiz scores)"
    )
    p.add_argument("--out", type=Path, default=Path("pool"), help="output folder (default: %(default)s)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pool = pool_results(args.inputs, grades=args.grades)
    files = write_pool(pool, out=args.out)
    with_labs = sum(1 for p in pool.participants if p.results is not None and p.results.labs)
    print(
        f"Pooled {len(pool.participants)} participant(s) ({with_labs} with lab results, "
        f"{len({s.participant for s in pool.quiz_scores})} with quiz scores)"
    )
    for path in (files.csv, files.quiz_csv, files.html, *files.plots):
        print(f"  wrote {path}")
    for line in pool.warnings:
        print(f"  WARNING {line}")
    if pool.warnings:
        print(f"{len(pool.warnings)} warning(s): the files named above were skipped or are incomplete.")
    return 1 if pool.warnings else 0
