"""`python -m grader`: help on every command, the course folder, collect's name checks, clear errors."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grader import autograde, course_dir
from grader.cli import build_parser, main
from grader.kernel import sandbox

COMMANDS = ["init", "release", "collect", "autograde", "feedback", "export", "report", "status"]
WORKSHOP = ["kit", "pool", "hub"]


@pytest.mark.parametrize("argv", [["--help"], *([c, "--help"] for c in COMMANDS + WORKSHOP)])
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0 and "usage:" in capsys.readouterr().out


def test_autograde_defaults_are_the_graders_own(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["autograde", "quiz-03-cost"])
    limits, options = sandbox.Limits(), autograde.Options()
    assert (args.cell_timeout, args.wall) == (limits.cell_timeout_s, limits.wall_s)
    assert args.memory_mb == limits.memory_mb and options.limits == limits
    assert args.jobs == options.jobs == (os.cpu_count() or 1)  # one worker per CPU, from the CLI or not
    with pytest.raises(SystemExit):
        main(["autograde", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    assert f"seconds a cell may run (default: {limits.cell_timeout_s})" in shown
    assert f"parallel workers (default: {options.jobs})" in shown


def test_init_writes_an_nbgrader_course_wired_to_quizzes(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "c")]) == 0
    folder = course_dir.open_course(tmp_path / "c")
    config = course_dir.load_config(folder)
    assert Path(config.CourseDirectory.source_directory) == Path(__file__).resolve().parents[1] / "quizzes"
    assert config.CourseDirectory.root == str(folder.root)
    assert "quiz-03-cost" in folder.quiz_ids()
    for sub in ("release", "submitted", "autograded", "feedback"):
        assert (folder.root / sub).is_dir()


def test_commands_outside_a_course_folder_say_how_to_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--course", str(tmp_path), "autograde", "quiz-03-cost"]) == 2
    err = capsys.readouterr().err
    assert "not a course folder" in err and "python -m grader init" in err


def test_unknown_quiz_and_unreleased_quiz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course_dir.init(tmp_path / "c")
    assert main(["--course", str(tmp_path / "c"), "release", "quiz-99-nope"]) == 2
    assert "no quiz 'quiz-99-nope'" in capsys.readouterr().err
    assert main(["--course", str(tmp_path / "c"), "autograde", "quiz-01-open", "--no-progress"]) == 2
    assert "has not been released" in capsys.readouterr().err


def test_collect_validates_learner_ids_and_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = course_dir.init(tmp_path / "c")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "alice.ipynb").write_text("{}")
    (inbox / "bad name!.ipynb").write_text("{}")
    (inbox / "notes.txt").write_text("not a notebook")
    (inbox / "bob").mkdir()
    (inbox / "bob" / "my copy.ipynb").write_text("{}")
    assert main(["--course", str(folder.root), "collect", "quiz-01-open", str(inbox)]) == 1
    out = capsys.readouterr().out
    assert "Collected 2 learner(s)" in out and "alice, bob" in out
    assert "REFUSED bad name!.ipynb" in out and "REFUSED notes.txt" in out
    assert (folder.submitted("alice", "quiz-01-open") / "quiz-01-open.ipynb").read_text() == "{}"
    assert (folder.submitted("bob", "quiz-01-open") / "my copy.ipynb").exists(), (
        "renamed files keep their name"
    )
    archive = tmp_path / "inbox.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("carol/quiz-01-open/quiz-01-open.ipynb", "{}")
        zf.writestr("../escape.ipynb", "{}")
        zf.writestr("dave/../../escape.ipynb", "{}")
    result = course_dir.collect(folder, "quiz-01-open", archive)
    assert result.learners == ("carol",)
    assert len(result.refused) == 2 and all("leaves the folder" in why for _rel, why in result.refused)
    assert not (tmp_path / "escape.ipynb").exists() and not (folder.root / "escape.ipynb").exists()


def test_status_lists_quizzes_and_the_sandbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = course_dir.init(tmp_path / "c")
    assert main(["--course", str(folder.root), "status"]) == 0
    out = capsys.readouterr().out
    assert "quiz-01-open" in out and "Sandbox:" in out
