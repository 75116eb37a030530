"""course.io: the one atomic writer, the JSON Lines reader and appender, output folders, PATH for nbgrader."""

from __future__ import annotations

import json
import os
import stat
import sys
import warnings
from pathlib import Path

import pytest

from course.errors import ConfigError, DataError
from course.io import (
    append_jsonl,
    atomic_path,
    make_folder,
    read_jsonl,
    scripts_on_path,
    write_text_atomically,
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the atomic writer ------------------------------------------------------------------------------------


def test_writes_creates_the_folder_and_gives_a_shared_file_its_usual_mode(tmp_path: Path) -> None:
    path = write_text_atomically(tmp_path / "new" / "lab04.json", "{}\n")
    assert path.read_text() == "{}\n"
    assert _mode(path) == 0o666 & ~_umask()  # not the 0600 of a private temporary file
    assert [p.name for p in path.parent.iterdir()] == ["lab04.json"]


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("old")
    path.chmod(0o640)
    write_text_atomically(path, "new ünïcode")
    assert path.read_text(encoding="utf-8") == "new ünïcode" and _mode(path) == 0o640


def test_a_failing_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "lab04.json"
    path.write_text("the old file")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomically(path, "half \ud800 written")  # a lone surrogate cannot be encoded as UTF-8
    assert path.read_text() == "the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["lab04.json"]


def test_a_check_that_fails_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text("the old file")
    with pytest.raises(DataError), atomic_path(path) as tmp:
        tmp.write_text("a new file that fails its check")
        assert tmp.parent == path.parent and tmp.name.endswith(".partial")
        raise DataError("the new file does not load", fix="-")
    assert path.read_text() == "the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["prices.json"]


def test_a_failing_replace_removes_the_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x")  # a non-empty folder where the file should go: replace fails
    with pytest.raises(OSError):
        write_text_atomically(target, "text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"] and (target / "inside").exists()


# --- JSON Lines -------------------------------------------------------------------------------------------


def test_rows_round_trip_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    append_jsonl(path, [{"a": 1}, {"a": "ü"}])
    append_jsonl(path, [{"a": 3}], fsync=False)
    path.write_text(path.read_text() + "\n")  # a blank line is skipped, not an error
    append_jsonl(path, [{"a": 4}])
    rows = read_jsonl(path)
    assert [(r.line, r.data["a"]) for r in rows] == [(1, 1), (2, "ü"), (3, 3), (5, 4)]


def test_a_torn_last_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    append_jsonl(path, [{"a": 1}])
    with path.open("a") as fh:
        fh.write('{"a": 2, "b')  # what a writer killed mid-line leaves: no newline after it
    with pytest.warns(UserWarning, match="line 2 is an incomplete last line"):
        assert [r.data for r in read_jsonl(path)] == [{"a": 1}]
    told: list[str] = []
    assert len(read_jsonl(path, on_torn_tail=told.append)) == 1 and "line 2" in told[0]
    with pytest.raises(DataError, match="line 2 is not valid JSON") as info:
        read_jsonl(path, on_torn_tail="error", fix="Record it again.")
    assert info.value.fix == "Record it again."


def test_appending_after_a_torn_line_cuts_it_off_first(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    append_jsonl(path, [{"learner": "a"}])
    with path.open("a") as fh:
        fh.write('{"learner": "b", "sco')
    with pytest.warns(UserWarning, match="cut off an incomplete last line"):
        append_jsonl(path, [{"learner": "c"}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing torn is left to warn about
        assert [r.data["learner"] for r in read_jsonl(path)] == ["a", "c"]
    path.write_text('{"learner": "only a fragment')
    with pytest.warns(UserWarning, match="cut off"):
        append_jsonl(path, [{"learner": "d"}])
    assert path.read_text() == '{"learner": "d"}\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1}\nnot json\n{"a": 3}\n', "r.jsonl line 2 is not valid JSON"),
        ('{"a": 1}\n{"a": oops}\n', "r.jsonl line 2 is not valid JSON"),  # ends in a newline: not torn
        ("[1, 2]\n", "r.jsonl line 1 is a JSON list, not an object"),
        ('{"a": 1}\n7', "r.jsonl line 2 is a JSON number, not an object"),
    ],
)
def test_a_bad_line_is_an_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(text)
    with pytest.raises(DataError, match=message) as info:
        read_jsonl(path)
    assert info.value.fix
    with pytest.raises(ConfigError, match=message):
        read_jsonl(path, error=ConfigError)


def test_a_missing_jsonl_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nope\.jsonl does not exist"):
        read_jsonl(tmp_path / "nope.jsonl")


# --- folders and PATH -------------------------------------------------------------------------------------


def test_make_folder_names_the_folder_it_cannot_create(tmp_path: Path) -> None:
    assert make_folder(tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(ConfigError, match=r"Cannot create the memo folder .*file/memo") as info:
        make_folder(tmp_path / "file" / "memo", what="memo folder", error=ConfigError)
    assert "--out" in info.value.fix


def test_scripts_on_path_puts_this_interpreters_folder_first_and_restores_path() -> None:
    scripts = str(Path(sys.executable).parent)
    env = {"PATH": "/usr/bin"}
    with scripts_on_path(env):
        assert env["PATH"] == scripts + os.pathsep + "/usr/bin"
        with scripts_on_path(env):  # already first: not added twice
            assert env["PATH"].count(scripts) == 1
    assert env == {"PATH": "/usr/bin"}
    empty: dict[str, str] = {}
    with scripts_on_path(empty):
        assert empty["PATH"] == scripts
    assert empty == {}
    before = os.environ.get("PATH")
    with scripts_on_path():
        assert os.environ["PATH"].split(os.pathsep)[0] == scripts
    assert os.environ.get("PATH") == before


def test_jsonl_written_by_append_is_plain_json_lines(tmp_path: Path) -> None:
    path = append_jsonl(tmp_path / "deep" / "r.jsonl", [{"x": [1, 2]}, {"y": None}])
    assert [json.loads(line) for line in path.read_text().splitlines()] == [{"x": [1, 2]}, {"y": None}]
