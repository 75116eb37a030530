"""grader.workshop.pool: a room's saved results (folders, zips, grades.csv) pooled into one table, a page and
plots.

The room is written with the real course.labs.results.save_headline (alice's lab 01 measured on the
embedded model) and the real course.quiz.selfcheck.save_check; the broken files are broken the ways a
participant's would be: a run killed mid-write, a file of another schema, a zip that tries to leave its
folder.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from course.environment import machine_info
from course.labs.results import (
    ConcurrencyLevel,
    Lab01Headline,
    Lab02Headline,
    Lab03Headline,
    Lab04Headline,
    Lab05Headline,
    QualitySide,
    lab_file,
    save_headline,
)
from course.measure.roofline import measure_decode_tokens_per_s
from course.quiz.grading import CellScore, GradeResult
from course.quiz.selfcheck import read_checks, save_check
from grader.cli import main
from grader.workshop.participants import Pool
from grader.workshop.pool import ZipLimits, pool_results, write_pool

M2 = {"cpu": "Apple M2 Pro (12 logical cores)", "logical_cores": 12, "memory_gib": 32.0,
      "gpu": "no GPU found: everything runs on the CPU (fine for this course)"}  # fmt: skip
L4 = {"cpu": "Intel Xeon (8 logical cores)", "logical_cores": 8, "memory_gib": 31.3,
      "gpu": "NVIDIA L4; llama.cpp offloads layers to it"}  # fmt: skip
RYZEN = {
    "cpu": "AMD Ryzen 7 (16 logical cores)",
    "logical_cores": 16,
    "memory_gib": 64.0,
    "gpu": "no GPU found",
}


def _levels(*rates: float) -> list[ConcurrencyLevel]:
    return [
        ConcurrencyLevel(concurrency=2**i, output_tokens_per_s=r, ttft_p50_s=0.01 * 2**i, tpot_p50_s=0.004)
        for i, r in enumerate(rates)
    ]


def _lab02(local_ttft_s: float, api_ttft_s: float) -> Lab02Headline:
    return Lab02Headline(
        n_requests=8, output_tokens_per_request=64, local_ttft_p50_s=local_ttft_s, local_tpot_p50_s=0.002,
        api_label="frontier stand-in (offline)", api_ttft_p50_s=api_ttft_s, api_tpot_p50_s=0.01,
        api_model_priced="gpt-5-mini", api_usd_per_request=0.00021,
    )  # fmt: skip


def _lab04(self_usd: float, break_even: float | None, reason: str | None = None) -> Lab04Headline:
    return Lab04Headline(
        decode_tokens_per_s=100.0, gpu="L4", gpu_usd_per_hour=0.8, served_model="llama-8b Q4_K_M",
        self_usd_per_mtok=self_usd, api_model="gpt-5-mini", api_blended_usd_per_mtok=0.69,
        break_even_tokens_per_day=break_even, break_even_reason=reason,
    )  # fmt: skip


def _lab05(local: float, constrained: float, api: float) -> Lab05Headline:
    sides = [
        QualitySide(label="tinychat", n_items=20, accuracy=local, usd_per_mtok=0.2, side="local"),
        QualitySide(label="tinychat, constrained", n_items=20, accuracy=constrained, usd_per_mtok=0.2,
                    side="local", constrained=True),
        QualitySide(label="stand-in", n_items=20, accuracy=api, usd_per_mtok=0.69, side="API"),
    ]  # fmt: skip
    return Lab05Headline(workload="support-tickets", sides=sides)


def _check(quiz_id: str, got: list[float], top: list[float]) -> GradeResult:
    """A graded self-check as course.quiz.grading returns it (one test cell per question)."""
    cells = tuple(
        CellScore(f"q{i + 1:02d}-test", f"q{i + 1:02d}", "", "LO1", "mc", g, t, "why", "")
        for i, (g, t) in enumerate(zip(got, top))
    )
    return GradeResult(quiz_id, "learner", cells, Path("unused.ipynb"))


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory, local_backend) -> dict[str, object]:
    root = tmp_path_factory.mktemp("pool")
    room = root / "room"
    # alice: a course folder's results/, every lab, lab 01 measured here for real
    alice = room / "alice" / "results"
    decode = measure_decode_tokens_per_s(local_backend, n_tokens=32, repeats=1)
    info = local_backend.info()
    here = machine_info()
    lab01 = Lab01Headline(
        model=info.model, quant="Q8_0", decode_tokens_per_s=decode, gpu_layers_offloaded=info.gpu_layers
    )
    save_headline("01", lab01, mode="offline", machine=here, folder=alice)
    save_headline("02", _lab02(0.004, 0.090), mode="offline", machine=here, folder=alice)
    save_headline("03", Lab03Headline(server="llama-server", levels=_levels(90, 160, 240)), mode="offline",
                     machine=here, folder=alice)  # fmt: skip
    save_headline("04", _lab04(0.35, 2.0e6), mode="offline", machine=here, folder=alice)
    save_headline("05", _lab05(0.55, 0.70, 0.85), mode="offline", machine=here, folder=alice)
    save_check(_check("quiz-03-cost", [1, 0, 3], [3, 3, 3]), folder=alice)  # the grades.csv score wins
    save_check(_check("quiz-01-open", [3, 1], [3, 3]), folder=alice)
    # bob: files at the top of his folder, no lab 05, no break-even
    bob = room / "bob"
    save_headline("01", Lab01Headline(model="tinychat", quant="Q8_0", decode_tokens_per_s=48.5),
                     mode="offline", machine=M2, folder=bob)  # fmt: skip
    save_headline("02", _lab02(0.012, 0.140), mode="real API", machine=M2, folder=bob)
    save_headline("03", Lab03Headline(server="llama-server", levels=_levels(40, 70, 100, 120)),
                     mode="offline", machine=M2, folder=bob)  # fmt: skip
    save_headline("04", _lab04(2.9, None, "self-hosting never cheaper"), mode="offline", machine=M2,
                     folder=bob)  # fmt: skip
    # carol: a zip of her course folder's results/ with other files beside them
    staged = root / "staged-carol"
    save_headline("01", Lab01Headline(model="tinychat", quant="Q4_0", decode_tokens_per_s=310.0,
                     gpu_layers_offloaded=9), mode="offline", machine=L4, folder=staged)  # fmt: skip
    save_headline("04", _lab04(0.12, 9.0e7), mode="offline", machine=L4, folder=staged)
    save_headline("05", _lab05(0.60, 0.75, 0.80), mode="offline", machine=L4, folder=staged)
    save_check(_check("quiz-05-operations", [2, 2], [2, 3]), folder=staged)
    with zipfile.ZipFile(room / "carol.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(staged.iterdir()):
            archive.write(path, f"carol/results/{path.name}")
        archive.writestr("carol/results/lab03-sweep.csv", "concurrency,tokens_per_s\n1,90\n")
        archive.writestr("carol/notes.txt", "my notes")
    # dave: an empty folder
    (room / "dave").mkdir(parents=True)
    # erin: lab 02 cut off mid-write, lab 04 of another shape, a broken quiz file
    erin = room / "erin"
    save_headline("01", Lab01Headline(model="tinychat", quant="Q8_0", decode_tokens_per_s=120.0),
                     mode="offline", machine=RYZEN, folder=erin)  # fmt: skip
    save_headline("02", _lab02(0.006, 0.1), mode="offline", machine=RYZEN, folder=erin)
    text = lab_file("02", erin).read_text()
    lab_file("02", erin).write_text(text[: len(text) // 2])
    record = json.loads(lab_file("01", erin).read_text())
    record["lab"], record["headline"] = "04", {"self_usd_per_mtok": "cheap", "gpu": "L4"}
    lab_file("04", erin).write_text(json.dumps(record))
    (erin / "quiz-03-cost.json").write_text('{"schema": 1, "quiz_id": "quiz-03-cost", "poi')
    # mallory: a valid lab file and a member that climbs out of the folder
    with zipfile.ZipFile(room / "mallory.zip", "w") as archive:
        archive.write(lab_file("01", bob), "lab01.json")
        archive.writestr("../../escaped.json", "{}")
    grades = root / "grades.csv"
    with grades.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["learner", "quiz", "score", "max_score", "q01", "q02"])
        writer.writerows([
            ["alice", "quiz-03-cost", 20.0, 28.0, 3.0, 17.0],
            ["bob", "quiz-03-cost", 14.0, 28.0, 0.0, 14.0],
            ["bob", "quiz-05-operations", 9.0, 20.0, 4.0, 5.0],
            ["carol", "quiz-03-cost", "n/a", 28.0, "", ""],
            ["frank", "quiz-03-cost", 28.0, 28.0, 3.0, 25.0],
        ])  # fmt: skip
    return {"root": root, "room": room, "grades": grades, "decode": decode, "here": here}


@pytest.fixture(scope="module")
def pool(room: dict[str, object]) -> Pool:
    return pool_results([room["room"]], grades=room["grades"])


def test_the_table_holds_each_participants_figures(pool: Pool, room: dict[str, object]) -> None:
    table = pool.table().set_index("participant")
    assert list(table.index) == ["alice", "bob", "carol", "dave", "erin", "frank", "mallory"]
    alice, bob, carol = table.loc["alice"], table.loc["bob"], table.loc["carol"]
    assert alice["decode_tokens_per_s"] == pytest.approx(room["decode"])  # measured on the embedded model
    assert alice["cpu"] == room["here"]["cpu"] and alice["logical_cores"] == room["here"]["logical_cores"]
    assert (alice["local_ttft_p50_s"], alice["api_ttft_p50_s"]) == (0.004, 0.090)
    assert [alice[f"c{c}_output_tokens_per_s"] for c in (1, 2, 4)] == [90, 160, 240]
    assert pd.isna(alice["c8_output_tokens_per_s"]) and bob["c8_output_tokens_per_s"] == 120
    assert (alice["self_usd_per_mtok"], alice["break_even_tokens_per_day"]) == (0.35, 2.0e6)
    assert (alice["local_accuracy"], alice["local_constrained_accuracy"], alice["api_accuracy"]) == (
        0.55, 0.70, 0.85,
    )  # fmt: skip
    assert alice["labs_saved"] == "01 02 03 04 05" and alice["api_mode"] == "offline"
    assert bob["cpu"].startswith("Apple M2 Pro") and bob["decode_tokens_per_s"] == 48.5
    assert bob["api_mode"] == "real API" and pd.isna(bob["break_even_tokens_per_day"])
    assert bob["break_even_reason"] == "self-hosting never cheaper" and pd.isna(bob["local_accuracy"])
    assert carol["gpu"].startswith("NVIDIA L4") and carol["decode_tokens_per_s"] == 310.0
    assert carol["break_even_tokens_per_day"] == 9.0e7 and carol["labs_saved"] == "01 04 05"
    assert table.loc["erin", "labs_saved"] == "01" and table.loc["erin", "cpu"].startswith("AMD Ryzen")
    for empty in ("dave", "mallory", "frank"):
        assert table.loc[empty, "labs_saved"] == "" and pd.isna(table.loc[empty, "decode_tokens_per_s"])
    # quiz scores: the instructor's grade wins over alice's own check; checks fill the rest
    assert alice["quiz-03-cost_points"] == 20 and alice["quiz-01-open_points"] == 4
    assert alice["quiz_points"] == 24 and alice["quiz_max_points"] == 34
    assert alice["quiz_sources"] == "grades.csv self-check"
    assert (bob["quiz-03-cost_points"], bob["quiz-05-operations_points"], bob["quiz_points"]) == (14, 9, 23)
    assert carol["quiz-05-operations_points"] == 4 and carol["quiz-05-operations_max_points"] == 5
    assert pd.isna(carol["quiz-03-cost_points"])  # its grades.csv line is broken
    assert table.loc["frank", "quiz-03-cost_points"] == 28


def test_every_missing_partial_or_malformed_file_is_named_in_a_warning(
    pool: Pool, room: dict[str, object]
) -> None:
    room_dir, grades = room["room"], room["grades"]
    text = "\n".join(pool.warnings)
    expected = [
        f"{room_dir}/erin/lab02.json: not valid JSON",
        f"{room_dir}/erin/lab04.json: decode_tokens_per_s: Field required (and 5 more); run lab 04 again",
        f"{room_dir}/erin/quiz-03-cost.json: (top level): Invalid JSON: EOF while parsing",
        f"{room_dir}/mallory.zip: refused, skipped whole: '../../escaped.json' has a path that leaves",
        f"{room_dir}/dave: no lab or quiz results in it",
        f"{room_dir}/bob/lab05.json: missing (2 of 4 participants saved it)",
        f"{room_dir}/carol.zip: lab02.json: missing (2 of 4 participants saved it)",
        f"{room_dir}/carol.zip: lab03.json: missing",
        f"{room_dir}/erin/lab03.json: missing",
        f"{room_dir}/erin/lab05.json: missing",
        f"{grades} line 5: score 'n/a' of '28.0' is not a number",
        f"{grades}: learner 'frank' has quiz scores but no results folder or zip",
    ]
    for needle in expected:
        assert needle in text, f"no warning {needle!r} in:\n{text}"
    assert len(pool.warnings) == len(expected), text  # and no other
    assert not any("alice" in w for w in pool.warnings)
    assert not list(room["root"].parent.rglob("escaped.json")), "a zip member left the temporary folder"


def test_the_outputs_are_the_table_a_page_and_three_plots(pool: Pool, tmp_path: Path) -> None:
    files = write_pool(pool, out=tmp_path / "pool")
    written = pd.read_csv(files.csv)
    assert list(written["participant"]) == list(pool.table()["participant"])
    assert written.set_index("participant").loc["carol", "break_even_tokens_per_day"] == 9.0e7
    quiz = pd.read_csv(files.quiz_csv)
    assert len(quiz) == 6 and set(quiz["source"]) == {"grades.csv", "self-check"}
    assert sorted(p.name for p in files.plots) == [
        "pool-break-even.png", "pool-quiz-scores.png", "pool-speed.png",
    ]  # fmt: skip
    for path in files.plots:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    page = files.html.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and "$" not in page
    assert "USD 0.35" in page and "Warnings (12)" in page and "erin/lab02.json: not valid JSON" in page
    assert "Apple M2 Pro, 12 cores" in page and "20 / 28" in page


def test_the_command_writes_the_pool_and_exits_1_on_warnings(
    room: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["pool", str(room["room"]), "--grades", str(room["grades"]), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "Pooled 7 participant(s) (4 with lab results, 4 with quiz scores)" in printed
    assert f"WARNING {room['room']}/erin/lab02.json: not valid JSON" in printed
    assert (out / "pooled.html").exists() and (out / "pool-speed.png").exists()
    alone = tmp_path / "alone"
    assert main(["pool", str(room["room"] / "alice"), "--out", str(alone)]) == 0  # complete: no warning
    assert "WARNING" not in capsys.readouterr().out
    assert list(pd.read_csv(alone / "pooled.csv")["participant"]) == [
        "alice"
    ]  # named after the course folder
    assert len(list(alone.glob("pool-*.png"))) == 3
    assert [p.name for p in pool_results([room["room"] / "alice" / "results"]).participants] == ["alice"]
    assert main(["pool", str(tmp_path / "nowhere"), "--out", str(alone)]) == 2
    assert "Nothing to pool" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["pool", "--help"])
    assert exit_.value.code == 0 and "pooled.csv" in capsys.readouterr().out


def test_zips_over_the_limits_are_skipped_whole_and_named(room: dict[str, object], tmp_path: Path) -> None:
    many, big = tmp_path / "many.zip", tmp_path / "big.zip"
    lab01 = lab_file("01", room["room"] / "bob").read_bytes()
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(5):
            archive.writestr(f"extra-{i}.txt", "x")
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lab01.json", lab01)
        archive.writestr("padding.bin", b"\0" * 50_000)  # compresses to almost nothing
    cut = tmp_path / "cut.zip"
    cut.write_bytes(big.read_bytes()[:200])  # a copy that stopped early
    pool = pool_results([many, big, cut], limits=ZipLimits(max_members=3, max_total_bytes=40_000))
    assert f"{many}: refused, skipped whole: 5 members, more than the 3" in pool.warnings[0]
    assert f"{big}: refused, skipped whole: 0.0" in pool.warnings[1]
    assert "MiB uncompressed, more than the 0.0381 MiB" in pool.warnings[1]
    assert f"{cut}: not a readable zip (cut off while copying?); skipped" in pool.warnings[2]
    assert len(pool.warnings) == 3 and [p.name for p in pool.participants] == ["big", "cut", "many"]
    assert all(p.results is None for p in pool.participants)
    alone = pool_results([big])  # within the default limits the same zip is read
    assert alone.warnings == () and alone.table().loc[0, "decode_tokens_per_s"] == 48.5


def test_a_self_check_saves_its_score_and_reads_back(tmp_path: Path) -> None:
    path = save_check(_check("quiz-03-cost", [3, 0.5], [3, 3]), folder=tmp_path)
    assert path == tmp_path / "quiz-03-cost.json"
    (tmp_path / "quiz-04-privacy.json").write_text('{"schema": 1, "quiz_id": "quiz-04-privacy"}')
    checks, problems = read_checks(tmp_path)
    assert list(checks) == ["quiz-03-cost"]
    saved = checks["quiz-03-cost"]
    assert (saved.points, saved.max_points, saved.points_by_question) == (3.5, 6.0, {"q01": 3.0, "q02": 0.5})
    assert len(problems) == 1 and problems[0].file == "quiz-04-privacy.json"
    assert problems[0].message.startswith("checked_at_utc: Field required")
    assert str(problems[0]).startswith("quiz-04-privacy.json: checked_at_utc: Field required")


def test_the_page_escapes_whatever_a_participant_named() -> None:
    """The page is a jinja2 template with autoescape: names, sources and warnings never become markup."""
    from grader.workshop.participants import Participant, Pool, QuizScore
    from grader.workshop.pool_page import render_page

    evil = "<img src=x onerror=alert(1)>"
    pool = Pool(
        participants=(Participant(name=evil, source=f"/room/{evil}.zip"),),
        quiz_scores=(QuizScore(evil, "quiz-03-cost", 3.0, 4.0, "grades.csv"),),
        warnings=(f"{evil}/lab02.json: not valid JSON",),
    )
    page = render_page(pool, pool.table(), pngs={})
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("&lt;img") >= 3  # the row, the warning and where it came from
