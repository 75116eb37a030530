"""StopScanner: stop strings cut streamed text exactly, even when one is split across chunks."""

from __future__ import annotations

from course.backends.base import StopScanner


def run(pieces: list[str], stops: tuple[str, ...]) -> tuple[list[str], bool]:
    scanner = StopScanner(stops)
    shown = [scanner.feed(piece) for piece in pieces]
    if not scanner.stopped:
        shown.append(scanner.flush())
    return [s for s in shown if s], scanner.stopped


def test_the_issue_example_does_not_leak_the_first_half() -> None:
    assert run(["Hello wor", "ld, bye"], ("world",)) == (["Hello "], True)


def test_held_text_is_released_when_the_next_piece_rules_a_stop_out() -> None:
    scanner = StopScanner(("world",))
    assert scanner.feed("Hello wor") == "Hello "  # "wor" could begin "world": held
    assert scanner.feed("k, bye") == "work, bye"
    assert scanner.flush() == "" and not scanner.stopped


def test_held_text_at_the_end_of_the_stream_is_flushed() -> None:
    assert run(["Hello wor"], ("world",)) == (["Hello ", "wor"], False)


def test_a_stop_spread_over_three_pieces() -> None:
    assert run(["ab", "c<", "|en", "d|>", "tail"], ("<|end|>",)) == (["ab", "c"], True)


def test_the_earliest_stop_wins_and_nothing_after_it_is_shown() -> None:
    assert run(["one. two\n", "three"], ("\n", ".")) == (["one"], True)
    scanner = StopScanner(("x",))
    assert scanner.feed("axb") == "a" and scanner.feed("more") == "" and scanner.flush() == ""


def test_no_stops_passes_everything_through() -> None:
    assert run(["a", "b", ""], ()) == (["a", "b"], False)
    assert run(["a"], ("",)) == (["a"], False)  # an empty stop string is ignored, not a stop everywhere


def test_a_piece_that_starts_with_the_stop_shows_nothing() -> None:
    assert run(["Hi", "STOP now"], ("STOP",)) == (["Hi"], True)
