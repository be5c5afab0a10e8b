"""Bonuses of issue 21: the fastest-lap point goes to its holder or to nobody; a bonus limited
to kinds of session or to named sessions; equal fastest laps dividing the point. Each expected
figure is worked out by hand in the docstring, from the rules or from published results."""

from __future__ import annotations

import pytest

from cupsite.rules import Bonus, PointsSystem, parse_rules

from .rules_seasons import Car, entry, points, season, session

F1_2019 = (25, 18, 15, 12, 10, 8, 6, 4, 2, 1)


def _singapore_2019(goes_to: str):
    """The 2019 Singapore GP: the top ten as published (Vettel, Leclerc, Verstappen, Hamilton,
    Bottas, Albon, Norris, Gasly, Hülkenberg, Giovinazzi), then six cars left anonymous, then
    Kevin Magnussen 17th with the race's fastest lap, 1:42.301. The other best laps are
    illustrative: all slower than his, Leclerc's the fastest of the top ten."""
    top_ten = [("5", "vettel"), ("16", "leclerc"), ("33", "verstappen"), ("44", "hamilton"), ("77", "bottas"),
               ("23", "albon"), ("4", "norris"), ("10", "gasly"), ("27", "hulkenberg"), ("99", "giovinazzi")]
    others = [(f"9{i}", f"other-{i}") for i in range(6)]
    field = [*top_ten, *others, ("20", "magnussen")]
    entries = tuple(entry(number, f"team-{driver}", driver) for number, driver in field)
    laps = {"16": "1:42.900", "20": "1:42.301"}
    cars = [Car(number, best=laps.get(number, f"1:44.{index:03d}")) for index, (number, _) in enumerate(field)]
    rules = PointsSystem({"race": F1_2019}, bonuses=(Bonus("fastest_lap", 1, top=10, goes_to=goes_to),))
    return points(season([[session("race", "race", *cars)]], rules, entries))


def test_f1_2019_singapore_the_fastest_lap_point_goes_to_nobody():
    """F1 2019 rules: 1 point for the fastest lap, only if its holder finishes in the top 10.
    Magnussen held it and was 17th, so nobody scored it: the race paid exactly the table,
    25 + 18 + 15 + 12 + 10 + 8 + 6 + 4 + 2 + 1 = 101 points, Vettel 25, Leclerc 18, Magnussen 0."""
    table = _singapore_2019("holder")
    assert sum(table.values()) == 101
    assert (table["vettel"], table["leclerc"], table["magnussen"]) == (25, 18, 0)


def test_the_old_reading_gives_the_point_to_the_fastest_car_in_the_top_ten():
    """goes_to = "fastest_eligible": the fastest lap among the cars that meet the conditions,
    Leclerc's 1:42.900 (illustrative) in the top ten: 18 + 1 = 19; the race pays 101 + 1."""
    table = _singapore_2019("fastest_eligible")
    assert (table["leclerc"], table["magnussen"], sum(table.values())) == (19, 0, 102)


RACE = (10, 6, 4, 3)
CARS = tuple(entry(str(n), f"t{n}", f"d{n}") for n in (1, 2, 3, 4))


@pytest.mark.parametrize("holder_row, classified_only, expected", [
    # car 4 retired with the fastest lap: it cannot score, nobody gets the 2 points
    (Car("4", "dnf", "1:01.000", laps=3), True, {"d1": 10, "d2": 6, "d3": 4, "d4": 0}),
    # where cars that are not classified may score, the retired holder gets them (and 3 table points)
    (Car("4", "dnf", "1:01.000", laps=3), False, {"d1": 10, "d2": 6, "d3": 4, "d4": 3 + 2}),
    # a classified holder in fourth gets them
    (Car("4", "classified", "1:01.000"), True, {"d1": 10, "d2": 6, "d3": 4, "d4": 3 + 2}),
])
def test_the_fastest_lap_goes_to_its_holder_or_to_nobody(holder_row, classified_only, expected):
    """Cars 1-3 finish 1-2-3 with slower laps (1:02-1:04); car 4 has the class's fastest lap."""
    rules = PointsSystem({"race": RACE}, bonuses=(Bonus("fastest_lap", 2),), classified_only=classified_only)
    race = session("race", "race", Car("1", best="1:02.000"), Car("2", best="1:03.000"), Car("3", best="1:04.000"),
                   holder_row)
    assert points(season([[race]], rules, CARS)) == expected


def test_a_guest_with_the_fastest_lap_takes_the_point_with_it():
    """Guest car 1 wins with the fastest lap: it scores nothing, the others move up (10, 6, 4)
    and nobody gets the fastest-lap point, since its holder is a guest."""
    entries = (entry("1", "t1", "d1", guest=True), *CARS[1:])
    rules = PointsSystem({"race": RACE}, bonuses=(Bonus("fastest_lap", 1),))
    race = session("race", "race", Car("1", best="1:01.000"), Car("2", best="1:02.000"), Car("3", best="1:03.000"),
                   Car("4", best="1:04.000"))
    assert points(season([[race]], rules, entries)) == {"d2": 10, "d3": 6, "d4": 4}


def test_equal_fastest_laps_each_score_unless_divided():
    """Cars 2 and 3 share the fastest lap, 1:01.000. "each": both get the 3 points
    (6 + 3, 4 + 3); "divided": 1.5 each (7.5, 5.5)."""
    race = session("race", "race", Car("1", best="1:02.000"), Car("2", best="1:01.000"), Car("3", best="1:01.000"),
                   Car("4", best="1:05.000"))
    each = PointsSystem({"race": RACE}, bonuses=(Bonus("fastest_lap", 3),))
    divided = PointsSystem({"race": RACE}, bonuses=(Bonus("fastest_lap", 3, ties="divided"),))
    assert points(season([[race]], each, CARS)) == {"d1": 10, "d2": 9, "d3": 7, "d4": 3}
    assert points(season([[race]], divided, CARS)) == {"d1": 10, "d2": 7.5, "d3": 5.5, "d4": 3}


def test_f1_1954_british_gp_seven_drivers_share_the_fastest_lap_point():
    """1954 British GP: laps timed to the second, and seven drivers (González, Hawthorn,
    Marimón, Fangio, Behra, Ascari, Moss) set the same fastest lap, 1:50; each got 1/7 of the
    point. Points 8-6-4-3-2 to the first five (González, Hawthorn, Marimón, Fangio,
    Trintignant). The point went to holders who retired too (Ascari, Moss): the rules here score
    cars that are not classified, which changes nothing else, the five points places all going
    to finishers. Behra's place and Trintignant's best lap are illustrative.
    So: González 8 1/7, Hawthorn 6 1/7, Marimón 4 1/7, Fangio 3 1/7, Trintignant 2, Behra,
    Ascari and Moss 1/7 each; 23 + 1 points in all."""
    names = ["gonzalez", "hawthorn", "marimon", "fangio", "trintignant", "behra", "ascari", "moss"]
    entries = tuple(entry(str(n), f"team-{name}", name) for n, name in enumerate(names, start=1))
    cars = [Car(str(n), "dnf" if name in ("ascari", "moss") else "classified",
                "1:52.000" if name == "trintignant" else "1:50.000") for n, name in enumerate(names, start=1)]
    rules = PointsSystem({"race": (8, 6, 4, 3, 2)}, bonuses=(Bonus("fastest_lap", 1, ties="divided"),),
                         classified_only=False)
    table = points(season([[session("race", "race", *cars)]], rules, entries))
    seventh = 1 / 7
    assert table == pytest.approx({"gonzalez": 8 + seventh, "hawthorn": 6 + seventh, "marimon": 4 + seventh,
                                   "fangio": 3 + seventh, "trintignant": 2, "behra": seventh, "ascari": seventh,
                                   "moss": seventh})
    assert sum(table.values()) == pytest.approx(24)


SPRINT_WEEKEND = [session("sprint", "sprint", Car("2", best="1:01.000"), Car("1", best="1:02.000"), "3", "4"),
                  session("race", "race", Car("1", best="1:02.000"), Car("2", best="1:01.500"), "3", "4")]


def test_a_fastest_lap_point_in_races_but_not_in_sprints():
    """Sprint 3-2-1 (car 2 wins with the fastest lap), race 10-6-4-3 (car 2 second with the
    fastest lap). The point only in races: d1 2 + 10 = 12, d2 3 + 6 + 1 = 10. Without the limit
    d2 would also have the sprint's: 11."""
    limited = PointsSystem({"race": RACE, "sprint": (3, 2, 1)},
                           bonuses=(Bonus("fastest_lap", 1, session_types=("race",)),))
    assert points(season([SPRINT_WEEKEND], limited, CARS))["d2"] == 10
    assert points(season([SPRINT_WEEKEND], limited, CARS))["d1"] == 12
    everywhere = PointsSystem({"race": RACE, "sprint": (3, 2, 1)}, bonuses=(Bonus("fastest_lap", 1),))
    assert points(season([SPRINT_WEEKEND], everywhere, CARS))["d2"] == 11


def test_a_pole_point_from_one_qualifying_session_only():
    """Two qualifying sessions, one grid each: car 1 on pole in the first, car 2 in the second;
    the pole point only from "qualifying-2": d2 1 + the race's 6 = 7, d1 only the race's 10."""
    weekend = [session("qualifying-1", "qualifying", "1", "2", "3", "4"),
               session("qualifying-2", "qualifying", "2", "1", "3", "4"),
               session("race", "race", "1", "2", "3", "4")]
    rules = PointsSystem({"race": RACE}, bonuses=(Bonus("pole", 1, sessions=("qualifying-2",)),))
    table = points(season([weekend], rules, CARS))
    assert (table["d1"], table["d2"]) == (10, 7)


def test_what_a_session_can_award_follows_the_limits():
    """The title maths see the limits: a sprint pays 3 at most without the race-only fastest-lap
    point; a race 10 + 1; the pole point only in qualifying-2."""
    rules = PointsSystem({"race": RACE, "sprint": (3, 2, 1)},
                         bonuses=(Bonus("fastest_lap", 1, session_types=("race",)),
                                  Bonus("pole", 1, sessions=("qualifying-2",))))
    assert rules.max_points("sprint", 1.0, "sprint") == 3
    assert rules.max_points("race", 1.0, "race") == 11
    assert rules.max_points("qualifying", 1.0, "qualifying-2") == 1
    assert rules.max_points("qualifying", 1.0, "qualifying-1") == 0
    assert rules.scores("qualifying", "qualifying-2") and not rules.scores("qualifying", "qualifying-1")


def test_title_maths_leave_out_a_bonus_the_last_sprint_cannot_pay():
    """Round 1: a race, d1 10, d2 6. Round 2 still to run: one sprint paying 3-2-1; the
    fastest-lap point is for races only. d2 can reach 6 + 3 = 9 < 10: only d1 can win. Were the
    point paid in sprints too, d2 could reach 10 and tie."""
    race = [session("race", "race", "1", "2", "3", "4")]
    limited = PointsSystem({"race": RACE, "sprint": (3, 2, 1)},
                           bonuses=(Bonus("fastest_lap", 1, session_types=("race",)),))
    tables = season([race], limited, CARS, planned=2, planned_sessions=[("sprint", "sprint")])
    assert dict(tables.final.contenders)["A"] == ("d1",)
    everywhere = PointsSystem({"race": RACE, "sprint": (3, 2, 1)}, bonuses=(Bonus("fastest_lap", 1),))
    tables = season([race], everywhere, CARS, planned=2, planned_sessions=[("sprint", "sprint")])
    assert dict(tables.final.contenders)["A"] == ("d1", "d2")


def test_new_bonus_keys_are_read_with_clear_errors():
    problems = []
    rules = parse_rules({"bonus": [
        {"award": "fastest_lap", "points": 1, "top": 10, "goes_to": "fastest_eligible", "ties": "divided",
         "session_types": ["race"], "sessions": ["race-2"]},
        {"award": "fastest_lap", "points": 1, "goes_to": "anyone"},
        {"award": "pole", "points": 1, "goes_to": "holder"},
        {"award": "pole", "points": 1, "session_types": ["race"]},
        {"award": "finish", "points": 1, "sessions": ["Race 2"]},
    ]}, lambda key, message, hint: problems.append(message))
    assert rules.bonuses == (Bonus("fastest_lap", 1, 10, "fastest_eligible", "divided", ("race",), ("race-2",)),)
    assert len(problems) == 4
    assert "goes_to" in problems[0] and "goes_to" in problems[1]
    assert "session_types" in problems[2] and "sessions" in problems[3]


def test_a_season_bonus_must_name_sessions_of_its_calendar(tmp_path):
    from click.testing import CliRunner

    from cupsite.cli import main

    from .conftest import SITES, copy_site

    site = copy_site(SITES / "mini", tmp_path / "site")
    season_file = site / "content/results/cup/2024/season.yaml"
    bonus = "points:\n  bonus:\n    - {award: pole, points: 1, sessions: [q2]}\n"
    season_file.write_text(season_file.read_text(encoding="utf-8").replace(
        "name: 2024 season\n", "name: 2024 season\n" + bonus), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(site / "output")])
    assert result.exit_code == 1
    assert "content/results/cup/2024/season.yaml:3:" in result.output and "session 'q2'" in result.output
