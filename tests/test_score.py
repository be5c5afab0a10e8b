"""Scoring on the mini site, against tables worked out by hand from its results and rules:
race points [10, 6, 4, 3] by class position, a pole point, half points at Beta,
teams counting their best car per race, crews credited per race."""

from __future__ import annotations

from cupsite.build import prepare
from cupsite.config import load_config

from .conftest import SITES


def tables():
    site, scored = prepare(load_config(SITES / "mini" / "cupsite.toml"))
    return scored.season("cup", "2024")


def table(rows):
    return [(r.position, r.key, r.points) for r in rows]


def test_class_standings():
    final = dict(tables().final.drivers)
    assert table(final["A"]) == [(1, "bob-baker", 20), (2, "ann-able", 18), (3, "cyd-cole", 9)]
    # Eve Ernst drove car 7 alone in race 2 (10 points); Dee Dunn shared only race 1 (6).
    assert table(final["B"]) == [(1, "jose-fabregas", 22), (2, "eve-ernst", 16), (3, "dee-dunn", 6)]


def test_team_standings_count_the_best_car_per_race():
    assert table(tables().final.teams) == [(1, "green-team", 22), (2, "red-team", 21), (3, "blue-team", 20)]


def test_rookies_and_wins_come_from_races_only():
    season = tables()
    assert table(season.final.rookies) == [(1, "bob-baker", 20)]
    baker = dict(season.final.drivers)["A"][0]
    assert (baker.wins, baker.podiums) == (1, 3)  # his pole is not a win
    assert baker.finishes == ("2", "1", "2")


def test_standings_after_each_round():
    season = tables()
    after_1 = dict(season.by_round[1].drivers)["A"]
    assert table(after_1) == [(1, "bob-baker", 17), (2, "ann-able", 16), (3, "cyd-cole", 4)]


def test_retired_cars_score_nothing_but_keep_their_class_position():
    race = tables().sessions[("cup/2024/alpha", "race-1")]
    cole = next(r for r in race.rows if r.car == "3")
    assert (cole.status, cole.class_position, cole.points) == ("dnf", 3, 0)


def test_class_gaps_in_a_race_and_in_qualifying():
    season = tables()
    race = dict(season.sessions[("cup/2024/alpha", "race-1")].classes)
    # car 7 is a lap down on the class B winner; car 2 is 1.250 s behind car 1
    assert [r.class_gap for r in race["B"]] == ["", "+1 Lap"]
    assert [r.class_gap for r in race["A"]][:2] == ["", "+1.250"]
    qualifying = dict(season.sessions[("cup/2024/alpha", "qualifying")].classes)
    assert [r.class_gap for r in qualifying["A"]] == ["", "+0.200", "+0.900"]
    assert [r.fastest_in_class for r in race["A"]] == [False, True, False]


def test_countback_breaks_ties_and_full_ties_are_shown(tmp_path):
    from datetime import date, datetime

    from cupsite.config import CarClass, Championship
    from cupsite.model import Entry, Event, ResultRow, Season, SessionInfo, Source
    from cupsite.rules import PointsSystem
    from cupsite.score import score_session, standings_after

    cup = Championship("c", "C", "C", (CarClass("A", "A", "#fff"),), PointsSystem({"race": (10, 6, 4)}))
    entries = tuple(Entry(str(n), "A", "t", (f"d{n}",), False, Source("x")) for n in (1, 2, 3))
    info = SessionInfo("r", "R", "race", datetime(2024, 1, 1))
    event = Event("c", "2024", 1, "e", "E", "t", date(2024, 1, 1), date(2024, 1, 1), "UTC", (info,), Source("x"))
    season = Season("c", "2024", "", (event,), entries, Source("x"))
    cars = {e.number: e for e in entries}

    def rows_of(order):
        return tuple(ResultRow(position, str(car)) for position, car in enumerate(order, 1))
    order = [(1, 2, 3), (2, 1, 3), (3, 1, 2)]  # cars by position; d1: 10+6+6, d2: 6+10+4, d3: 4+4+10
    races = [score_session(event, info, rows_of(o), cars, cup) for o in order]
    rows = dict(standings_after(1, races, season, cup).drivers)["A"]
    assert table(rows) == [(1, "d1", 22), (2, "d2", 20), (3, "d3", 18)]
    # two drivers level on points and on every countback step share the position
    same = [(1, 2, 3), (2, 1, 3)]
    races = [score_session(event, info, rows_of(o), cars, cup) for o in same]
    rows = dict(standings_after(1, races, season, cup).drivers)["A"]
    assert [(r.position, r.tied, r.points) for r in rows] == [(1, True, 16), (1, True, 16), (3, False, 8)]
    # level on points, split by countback: d2 has a win, d1 three second places
    races = [score_session(event, info, rows_of(o), cars, cup)
             for o in [(2, 1, 3), (3, 1, 2), (3, 1, 2)]]
    rows = dict(standings_after(1, races, season, cup).drivers)["A"]
    assert [(r.key, r.points, r.position, r.tied) for r in rows] == [
        ("d3", 24, 1, False), ("d2", 18, 2, False), ("d1", 18, 3, False)]


def test_class_winner_total_time_is_worked_out_from_the_gap():
    race = dict(tables().sessions[("cup/2024/alpha", "race-1")].classes)
    assert race["B"][0].time == "30:30.000"  # the winner's 30:10.000 plus the gap of 20.000
    assert race["A"][2].time == ""  # retired: no time
