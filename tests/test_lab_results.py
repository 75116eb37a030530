"""course.labs.results: each lab's figures saved as results/labNN.json and read back without raising."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.errors import ConfigError
from course.labs.results import (
    ConcurrencyLevel,
    Lab01Headline,
    Lab03Headline,
    lab_file,
    read_headlines,
    save_headline,
)

MACHINE = {"cpu": "test CPU", "logical_cores": 2}


def test_a_saved_lab_reads_back_typed_with_its_machine_and_mode(tmp_path: Path) -> None:
    figures = Lab01Headline(model="tinychat", quant="Q8_0", decode_tokens_per_s=812.5, ttft_s=0.004)
    path = save_headline("01", figures, mode="offline", machine=MACHINE, folder=tmp_path)
    assert path == tmp_path / "lab01.json"
    loaded = read_headlines(tmp_path)
    assert loaded.problems == []
    assert loaded.headline("01") == figures
    assert loaded.labs["01"].machine == MACHINE and loaded.labs["01"].mode == "offline"
    assert loaded.missing == ["02", "03", "04", "05", "06"]
    assert loaded.headline("02") is None


def test_saving_takes_a_plain_dict_and_the_real_machine_info_by_default(tmp_path: Path) -> None:
    levels = [{"concurrency": 1, "output_tokens_per_s": 90.0, "ttft_p50_s": 0.2, "tpot_p50_s": 0.01}]
    save_headline("03", {"server": "llama-server", "levels": levels}, mode="offline", folder=tmp_path)
    loaded = read_headlines(tmp_path)
    assert loaded.headline("03") == Lab03Headline(
        server="llama-server", levels=[ConcurrencyLevel(**levels[0])]
    )
    assert loaded.labs["03"].machine["logical_cores"] >= 1  # machine_info() of this machine


def test_figures_that_break_the_schema_are_refused_with_the_field_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="decode_tokens_per_s") as err:
        save_headline("01", {"model": "m", "quant": "Q8_0", "decode_tokens_per_s": -1}, mode="offline",
                         machine=MACHINE, folder=tmp_path)  # fmt: skip
    assert "Lab01Headline" in str(err.value)
    with pytest.raises(ConfigError, match="lab '09'"):
        save_headline("09", {}, mode="offline", machine=MACHINE, folder=tmp_path)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_broken_files_become_named_problems_and_the_good_ones_still_load(tmp_path: Path) -> None:
    save_headline("01", Lab01Headline(model="m", quant="Q8_0", decode_tokens_per_s=10.0), mode="offline",
                     machine=MACHINE, folder=tmp_path)  # fmt: skip
    good = json.loads(lab_file("01", tmp_path).read_text())
    lab_file("02", tmp_path).write_text('{"schema": 1, "lab": "02", "saved_at')  # a run killed mid-write
    lab_file("03", tmp_path).write_text(json.dumps({**good, "lab": "03"}))  # lab 01's figures under lab 03
    lab_file("04", tmp_path).write_text(json.dumps({**good, "schema": 99}))
    lab_file("05", tmp_path).write_bytes(b"\xff\xfe\x00garbage")
    lab_file("06", tmp_path).write_text("[1, 2]")
    loaded = read_headlines(tmp_path)
    assert list(loaded.labs) == ["01"]
    problems = "\n".join(map(str, loaded.problems))
    assert "lab02.json: not valid JSON" in problems
    assert "lab03.json: server: Field required (and 1 more); run lab 03 again" in problems
    assert "lab04.json: schema 99" in problems
    assert "lab05.json: not text" in problems
    assert "lab06.json: not a JSON object" in problems
    assert len(loaded.problems) == 5
    assert [p.file for p in loaded.problems] == [f"lab0{n}.json" for n in range(2, 7)]
    assert loaded.problem_for("02").message.startswith("not valid JSON") and loaded.problem_for("01") is None


def test_a_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    loaded = read_headlines(tmp_path / "nowhere")
    assert loaded.labs == {} and loaded.problems[0].file == str(tmp_path / "nowhere")
    assert loaded.problems[0].message.startswith("no such folder")
