"""Checks shared by tests/test_notebooks.py and tests/test_browser.py."""

from __future__ import annotations

from pathlib import Path


def check_memo_after_all_labs(results: Path) -> None:
    """When labs 01-06 all saved into ``results`` before lab 07 ran, its memo names nothing as missing."""
    if all((results / f"lab0{n}.json").exists() for n in range(1, 7)):
        memo = (results / "memo" / "decision-memo.md").read_text(encoding="utf-8")
        assert "not run" not in memo, "every lab ran before lab 07 in this session: the memo misses nothing"
