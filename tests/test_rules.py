"""The rules engine, option by option, on small hand-made seasons whose tables are worked out
by hand in the comments. Each option is data (cupsite.rules.PointsSystem), as a season would
configure it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cupsite.config import CarClass, Championship
from cupsite.model import Entry, Event, ResultRow, Season, SessionInfo, Source
from cupsite.rules import Bonus, PointsSystem, parse_rules
from cupsite.score import score_season

SOURCE = Source("test")
CLASS_A = CarClass("A", "A", "#ffffff")


def season_of(races, rules: PointsSystem, entries=None, rounds_planned=None, factors=None):
    """races: one list of rows per race (each its own round); a row is (car, status, laps, extra)
    in finishing order, or just a car number. Cars 1..4 are drivers d1..d4 of team t1/t2."""
    entries = entries or tuple(Entry(str(n), "A", f"t{(n + 1) // 2}", (f"d{n}",), False, SOURCE) for n in (1, 2, 3, 4))
    events, results = [], {}
    planned = rounds_planned or len(races)
    for number in range(1, planned + 1):
        sessions = (SessionInfo("qualifying", "Q", "qualifying", datetime(2024, 1, number, 9)),
                    SessionInfo("race", "Race", "race", datetime(2024, 1, number, 15),
                                points_factor=(factors or {}).get(number, 1.0)))
        event = Event("c", "2024", number, f"r{number}", f"Round {number}", "t", date(2024, 1, number),
                      date(2024, 1, number), "UTC", sessions, SOURCE)
        events.append(event)
        if number <= len(races):
            rows = []
            for position, spec in enumerate(races[number - 1], start=1):
                car, status, laps, extra = (spec, "classified", 10, {}) if isinstance(spec, int) else spec
                rows.append(ResultRow(position, str(car), status, laps, best=extra.get("best", f"1:0{position}.000"),
                                      laps_led=extra.get("led")))
            results[(event.key, "race")] = type("R", (), {"rows": tuple(rows)})()
            qualifying = tuple(ResultRow(p, r.car, "classified", best=f"1:0{p}.000") for p, r in enumerate(rows, 1))
            results[(event.key, "qualifying")] = type("R", (), {"rows": qualifying})()
    cup = Championship("c", "Cup", "Cup", (CLASS_A,), rules)
    season = Season("c", "2024", "", tuple(events), entries, SOURCE)
    return score_season(season, cup, results)


def table(season_tables):
    return [(r.key, r.points) for r in dict(season_tables.final.drivers)["A"]]


BASIC = PointsSystem({"race": (10, 6, 4, 3)})


def test_points_by_class_position_and_factor():
    # race 2 pays half: d2 10 + 3 = 13; d1 6 + 5 = 11
    tables = season_of([[2, 1, 3, 4], [1, 2, 3, 4]], BASIC, factors={2: 0.5})
    assert table(tables)[:2] == [("d2", 13), ("d1", 11)]


def test_only_classified_finishers_score_unless_the_rules_say_otherwise():
    race = [[1, 2, (3, "dnf", 4, {}), (4, "dnf", 2, {})]]
    assert table(season_of(race, BASIC)) == [("d1", 10), ("d2", 6), ("d3", 0), ("d4", 0)]
    everyone = PointsSystem({"race": (10, 6, 4, 3)}, classified_only=False)
    assert table(season_of(race, everyone)) == [("d1", 10), ("d2", 6), ("d3", 4), ("d4", 3)]


def test_minimum_distance():
    # 75 % of the winner's 10 laps: car 3 with 7 laps is classified but scores nothing; car 4 moves up
    rules = PointsSystem({"race": (10, 6, 4, 3)}, classified_only=False, min_distance=0.75)
    race = [[1, 2, (3, "classified", 7, {}), (4, "classified", 8, {})]]
    assert dict(table(season_of(race, rules))) == {"d1": 10, "d2": 6, "d3": 0, "d4": 4}


@pytest.mark.parametrize("bonus, expected", [
    (Bonus("pole", 1), {"d1": 11, "d2": 6}),  # qualifying order = race order: d1 on pole
    (Bonus("fastest_lap", 2), {"d1": 10, "d2": 6, "d3": 6}),  # car 3 set the fastest lap
    (Bonus("fastest_lap", 2, top=2), {"d1": 10, "d2": 6, "d3": 4}),  # ... but only the top 2 qualify
    (Bonus("led_lap", 1), {"d1": 11, "d2": 7, "d3": 4}),
    (Bonus("most_laps_led", 3), {"d1": 10, "d2": 9}),
    (Bonus("participation", 1), {"d1": 11, "d2": 7, "d3": 5, "d4": 1}),  # car 4 retired after starting
    (Bonus("finish", 1), {"d1": 11, "d2": 7, "d3": 5, "d4": 0}),
])
def test_bonus_points(bonus, expected):
    race = [[(1, "classified", 10, {"best": "1:02.000", "led": 2}), (2, "classified", 10, {"best": "1:03.000",
                                                                                           "led": 8}),
             (3, "classified", 10, {"best": "1:01.000"}), (4, "dnf", 3, {"best": "1:05.000"})]]
    points = dict(table(season_of(race, PointsSystem({"race": (10, 6, 4, 3)}, bonuses=(bonus,)))))
    assert {k: v for k, v in points.items() if k in expected} == expected


def test_drop_worst_and_best_results():
    races = [[1, 2, 3, 4], [2, 1, 3, 4], [3, 2, 1, 4]]
    # all count: d1 10+6+4 = 20, d2 6+10+6 = 22, d3 4+4+10 = 18
    assert dict(table(season_of(races, BASIC))) == {"d2": 22, "d1": 20, "d3": 18, "d4": 9}
    # drop the worst of three: d1 10+6 = 16, d2 10+6 = 16, d3 10+4 = 14, d4 3+3 = 6
    dropped = season_of(races, PointsSystem({"race": (10, 6, 4, 3)}, drop_worst=1))
    assert dict(table(dropped)) == {"d1": 16, "d2": 16, "d3": 14, "d4": 6}
    rows = {r.key: r for r in dict(dropped.final.drivers)["A"]}
    assert rows["d1"].dropped == (2,) and rows["d2"].dropped == (0,)  # the earlier of d2's two sixes goes
    best_two = season_of(races, PointsSystem({"race": (10, 6, 4, 3)}, best_results=2))
    assert dict(table(best_two)) == dict(table(dropped))


def test_drops_wait_for_the_season_to_need_them():
    # 4 races planned, worst 1 dropped: after 3 races every result still counts (best 3 of 3)
    tables = season_of([[1, 2, 3, 4]] * 3, PointsSystem({"race": (10, 6, 4, 3)}, drop_worst=1), rounds_planned=4)
    assert dict(table(tables))["d1"] == 30


def test_guests_score_nothing_and_make_way():
    entries = (Entry("1", "A", "t1", ("d1",), False, SOURCE, guest=True),
               *(Entry(str(n), "A", "t2", (f"d{n}",), False, SOURCE) for n in (2, 3, 4)))
    tables = season_of([[1, 2, 3, 4]], BASIC, entries=entries)
    assert table(tables) == [("d2", 10), ("d3", 6), ("d4", 4)]  # d1 is not in the table
    by_name = season_of([[1, 2, 3, 4]], PointsSystem({"race": (10, 6, 4, 3)}, guests=("d1",)))
    assert table(by_name)[:3] == [("d2", 10), ("d3", 6), ("d4", 4)]
    by_number = season_of([[1, 2, 3, 4]], PointsSystem({"race": (10, 6, 4, 3)}, guests=("1",)))
    assert table(by_number)[:3] == [("d2", 10), ("d3", 6), ("d4", 4)]


def test_last_resort_tie_break():
    # d1 and d2: a win and a second each (16 points); d1 won the latest race
    races = [[2, 1, 3, 4], [1, 2, 3, 4]]
    shared = {r.key: (r.position, r.tied) for r in dict(season_of(races, BASIC).final.drivers)["A"]}
    assert shared["d1"] == shared["d2"] == (1, True)
    latest = season_of(races, PointsSystem({"race": (10, 6, 4, 3)}, tie_break="latest_result"))
    assert [(r.key, r.position, r.tied) for r in dict(latest.final.drivers)["A"]][:2] == [("d1", 1, False),
                                                                                           ("d2", 2, False)]


def test_title_maths():
    # 3 rounds at most 10 points each. After round 1 (d1 10, d2 6, d3 4, d4 3) 20 points are left:
    # everyone can still reach 10. After round 2 (d1 20, d2 12, d3 8, d4 6) 10 are left: only d2
    # (12 + 10 = 22) can still reach 20. After round 3 d1 is champion.
    tables = season_of([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], BASIC)
    assert dict(tables.by_round[1].contenders)["A"] == ("d1", "d2", "d3", "d4")
    assert dict(tables.by_round[2].contenders)["A"] == ("d1", "d2")
    assert tables.by_round[2].champion("A") is None
    assert tables.by_round[3].champion("A") == "d1"


def test_rules_are_read_from_data_with_clear_errors():
    problems = []
    rules = parse_rules({"race": [25, 18], "bonus": [{"award": "pole", "points": 1}, {"award": "podium"}],
                         "drop_worst": -1, "tie_break": "coin", "colour": "red"},
                        lambda key, message, hint: problems.append((key, message)))
    assert rules.tables["race"] == (25, 18) and rules.bonuses == (Bonus("pole", 1),)
    assert [key for key, _ in problems] == ["bonus", "drop_worst", "tie_break", "colour"]


def test_a_season_overrides_the_championship_rules(tmp_path):
    from cupsite.build import prepare
    from cupsite.config import load_config

    from .conftest import SITES, copy_site

    site = copy_site(SITES / "mini", tmp_path / "site")
    season = site / "content/results/cup/2024/season.yaml"
    season.write_text(season.read_text(encoding="utf-8").replace(
        "name: 2024 season\n", "name: 2024 season\npoints:\n  race: [20, 12, 8, 6]\n  qualifying: []\n"),
        encoding="utf-8")
    _, scored = prepare(load_config(site / "cupsite.toml"))
    # the mini site's class A, with every race worth double and no pole point: Baker 2 x 19 = 38
    assert [(r.key, r.points) for r in dict(scored.season("cup", "2024").final.drivers)["A"]] == [
        ("bob-baker", 38), ("ann-able", 36), ("cyd-cole", 18)]
