"""A recorded day replayed through article 004's migration (course/routing/migration_replay.py), and its
figure.

The day is built from routed records whose outcomes are set per item, so every gate decision below can be
checked by hand; lab 06's notebook (tests/test_notebooks.py) replays a day measured on the real models.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from course.errors import ConfigError, DataError
from course.evals.items import SCHEMAS
from course.plots.migration import plot_migration_replay
from course.routing.migration import Gate, migration_plan
from course.routing.migration_replay import (
    HOURLY_WEIGHTS,
    load_traffic,
    outcome_table,
    record_day,
    replay_migration,
    save_traffic,
)
from course.routing.router import Answer, Decision, RoutedRequest, SidePrices, routed_request

PRICES = SidePrices(local_usd_per_mtok=0.1, api_usd_per_mtok_input=0.4, api_usd_per_mtok_output=1.6)
RIGHT, WRONG, BROKEN = '{"category": "billing"}', '{"category": "account"}', '{"category": '


def _records(policy: str, outcomes: list[tuple[str, str]]) -> list[RoutedRequest]:
    """One record per item: (route, answer text); right when the text is RIGHT."""
    rows = []
    for n, (route, text) in enumerate(outcomes):
        answer = Answer(text, 0.01 if route == "local" else 0.2, 100, 8, correct=text == RIGHT)
        rows.append(
            routed_request(
                Decision(route, "kept" if route == "local" else "all API", ""),  # type: ignore[arg-type]
                request_id=f"item-{n}",
                policy=policy,
                local=answer if route == "local" else None,
                api=answer if route == "api" else None,
                schema=SCHEMAS["classify"],
                prices=PRICES,
            )
        )
    return rows


API = _records("all API", [("api", RIGHT)] * 8 + [("api", WRONG)] * 2)  # 80% right
AS_GOOD = _records("router", [("local", RIGHT)] * 4 + [("api", RIGHT)] * 4 + [("api", WRONG)] * 2)
WORSE = _records("all local", [("local", RIGHT)] * 5 + [("local", WRONG)] * 3 + [("local", BROKEN)] * 2)


def test_a_recorded_day_is_seeded_sorted_and_busier_by_day() -> None:
    day = record_day(AS_GOOD, API, n_requests=3000, seed=3)
    assert day == record_day(AS_GOOD, API, n_requests=3000, seed=3)
    assert day != record_day(AS_GOOD, API, n_requests=3000, seed=4)
    hours = [r.arrived_h for r in day]
    assert hours == sorted(hours) and hours[0] >= 0 and hours[-1] < 24
    per_hour = Counter(int(h) for h in hours)
    assert per_hour[11] > 5 * per_hour[3]  # HOURLY_WEIGHTS: 11 against 1
    assert HOURLY_WEIGHTS[11] / HOURLY_WEIGHTS[3] == 11
    assert {r.item_id for r in day} == {f"item-{n}" for n in range(10)}
    local = next(r for r in day if r.item_id == "item-0")
    assert local.open_local and local.open_api_usd == 0 and local.api_usd == pytest.approx(API[0].usd)
    malformed = record_day(WORSE, API, n_requests=500, seed=0)
    assert {r.open_malformed for r in malformed if r.item_id == "item-9"} == {True}


def test_a_day_needs_matching_scored_records() -> None:
    with pytest.raises(ConfigError, match="same requests"):
        record_day(AS_GOOD[:5], API)
    with pytest.raises(ConfigError, match="n_requests"):
        record_day(AS_GOOD, API, n_requests=0)


def test_traffic_round_trips_and_bad_files_name_the_line(tmp_path: Path) -> None:
    day = record_day(AS_GOOD, API, n_requests=200, seed=0)
    path = save_traffic(day, tmp_path / "day.jsonl")
    assert load_traffic(path) == day
    lines = path.read_text().splitlines()
    (tmp_path / "bad.jsonl").write_text(lines[0] + "\n{not json\n")
    with pytest.raises(DataError, match="line 2 is not valid JSON") as info:
        load_traffic(tmp_path / "bad.jsonl")
    assert "record_day" in info.value.fix
    row = json.loads(lines[0])
    del row["api_usd"]
    (tmp_path / "short.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(DataError, match="line 1 has the fields"):
        load_traffic(tmp_path / "short.jsonl")
    with pytest.raises(DataError, match="No traffic file"):
        load_traffic(tmp_path / "missing.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(DataError, match="no requests"):
        load_traffic(tmp_path / "empty.jsonl")


def test_an_open_path_as_good_as_the_api_reaches_full_in_a_day() -> None:
    day = record_day(AS_GOOD, API, n_requests=5000, seed=0)
    replay = replay_migration(day, open_label="router", min_judged=50)
    phases = [w.phase for w in replay.windows]
    assert len(replay.windows) == 12 and phases[:2] == ["shadow", "shadow"]
    assert replay.final_step.phase == "full" and replay.rollbacks == 0
    assert "window 1 of 2 at this step" in replay.windows[0].reasons[-1]
    canary = [w for w in replay.windows if w.phase == "canary"]
    assert any("the gate needs 50" in w.reasons[0] for w in canary)  # a 5% canary at night is too thin
    for w in replay.windows:
        if w.quality_open is not None:  # paired: both paths scored on the same requests
            assert w.quality_open == pytest.approx(w.quality_api)
    first = replay.windows[0]
    in_first = [r for r in day if r.arrived_h < 2]
    assert first.n_requests == len(in_first) and first.open_requests == 0
    assert first.api_usd == pytest.approx(sum(r.api_usd for r in in_first))  # shadow: the API answers all
    assert first.local_usd == pytest.approx(sum(r.open_local_usd for r in in_first))  # and the copy is paid
    full = [w for w in replay.windows if w.phase == "full"]
    assert all(w.open_requests == w.n_requests for w in full)
    assert all(0.3 < w.local_answered_share < 0.5 for w in full if w.n_requests > 100)  # 4 of 10 items local
    assert replay.usd_total == pytest.approx(sum(w.api_usd + w.local_usd for w in replay.windows))


def test_a_worse_open_path_never_leaves_shadow() -> None:
    replay = replay_migration(record_day(WORSE, API, n_requests=2000, seed=0), open_label="local alone")
    assert {w.phase for w in replay.windows} == {"shadow"} and replay.final_step.phase == "shadow"
    assert replay.windows[0].action == "hold"  # 2,000 a day: too few requests before 02:00 to judge
    assert replay.rollbacks == 11
    reasons = " ".join(replay.windows[-1].reasons)
    assert "below the API" in reasons and "error rate" in reasons
    lenient = replay_migration(
        record_day(WORSE, API, n_requests=2000, seed=0), gate=Gate(max_quality_drop=0.5, max_error_rate=0.5)
    )
    assert lenient.final_step.phase == "full"
    table = outcome_table([replay, lenient], traffic=record_day(WORSE, API, n_requests=2000, seed=0))
    assert list(table["roll backs"]) == [11, 0, 0]
    assert table.loc[2, "open path"] == "none: all on the API"


def test_a_rollback_moves_back_one_step_and_judges_afresh() -> None:
    """An open path that is as good as the API until noon, then broken (say, a bad prompt change)."""
    plan = migration_plan(shadow_weeks=1, canary_weeks=1, canary_share=0.1)
    good = record_day(AS_GOOD, API, n_requests=4000, seed=0)
    bad = record_day(WORSE, API, n_requests=4000, seed=0)
    day = [r for r in good if r.arrived_h < 12] + [r for r in bad if r.arrived_h >= 12]
    replay = replay_migration(day, plan=plan, window_h=3.0, min_judged=20)
    steps = [(w.phase, w.open_share, w.action) for w in replay.windows]
    assert steps == [
        ("shadow", 0.0, "advance"),
        ("canary", 0.1, "hold"),  # 10 requests on the open path: fewer than min_judged
        ("canary", 0.1, "advance"),
        ("gradual", 0.25, "advance"),
        ("gradual", 0.5, "roll back"),  # from noon the open path is broken
        ("gradual", 0.25, "roll back"),
        ("canary", 0.1, "roll back"),
        ("shadow", 0.0, "roll back"),
    ]
    assert replay.windows[5].judged_requests < replay.windows[5].n_requests  # judged afresh at 25%
    assert replay.final_step.phase == "shadow" and replay.rollbacks == 4


@pytest.mark.parametrize(
    "kwargs, match",
    [({"window_h": 0}, "window_h"), ({"window_h": 30}, "window_h"), ({"min_judged": 0}, "min_judged")],
)
def test_bad_replay_settings(kwargs: dict, match: str) -> None:
    day = record_day(AS_GOOD, API, n_requests=50, seed=0)
    with pytest.raises(ConfigError, match=match):
        replay_migration(day, **kwargs)
    with pytest.raises(ConfigError, match="No traffic"):
        replay_migration([])


def test_the_figure_has_share_quality_and_cost() -> None:
    replay = replay_migration(record_day(AS_GOOD, API, n_requests=3000, seed=0), open_label="router")
    fig = plot_migration_replay(replay)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert "router" in fig.axes[1].get_legend().get_texts()[0].get_text()
    frame = replay.frame()
    assert list(frame["window"]) == list(range(1, 13)) and isinstance(frame.loc[0, "reasons"], str)


def test_a_path_that_costs_more_at_equal_quality_does_not_advance() -> None:
    """The gate includes cost: the router here answers as well as the API on every request, but its local
    model is priced at 20 times the API per token, so each escalation pays twice; it holds, saying why."""
    dear = SidePrices(local_usd_per_mtok=20.0, api_usd_per_mtok_input=0.4, api_usd_per_mtok_output=1.6)
    outcomes = [("local", RIGHT)] * 4 + [("api", RIGHT)] * 4 + [("api", WRONG)] * 2
    router = [
        routed_request(
            Decision(route, "kept" if route == "local" else "escalated", ""),  # type: ignore[arg-type]
            request_id=f"item-{n}",
            policy="router",
            local=Answer(text, 0.01, 100, 8, correct=text == RIGHT),
            api=Answer(text, 0.2, 100, 8, correct=text == RIGHT) if route == "api" else None,
            schema=SCHEMAS["classify"],
            prices=dear,
        )
        for n, (route, text) in enumerate(outcomes)
    ]
    day = record_day(router, API, n_requests=3000, seed=0)
    replay = replay_migration(day, open_label="dear router", window_h=2.0, min_judged=50, seed=0)
    judged = [w for w in replay.windows if w.quality_open is not None]
    assert judged and all(w.quality_open == pytest.approx(w.quality_api) for w in judged)
    assert all(w.cost_ratio_open is not None and w.cost_ratio_open > 1 for w in judged)
    assert replay.final_step.phase == "shadow" and {w.action for w in judged} == {"hold"}
    assert all("does not advance" in w.reasons[-1] for w in judged)
    cheap = replay_migration(record_day(AS_GOOD, API, n_requests=3000, seed=0), window_h=2.0, min_judged=50)
    assert cheap.final_step.phase != "shadow"  # the same answers at the lower price do move on
    with pytest.raises(ConfigError, match="max_cost_ratio"):
        replay_migration(day, max_cost_ratio=0)
