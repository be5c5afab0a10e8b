"""Historic rules of issue 21: split-season drops (`best_of_parts`, F1 1979), a shared car's
points divided among its drivers (`shared_car = "divided"`, F1 1955), and wins, podiums and
countback from the session types of `wins_from`. Expected figures are the published ones or
worked out by hand in each docstring."""

from __future__ import annotations

import pytest

from cupsite.rules import PointsSystem, RoundSet, SeasonPart, parse_rules

from .rules_seasons import Car, entry, points, season, session, team_points

# F1 1979, as published: each of the four title contenders' finish in each of the 15 rounds
# ("R": retired). Only the top six scored, 9-6-4-3-2-1; best 4 of rounds 1-7 and best 4 of 8-15.
F1_1979 = [
    {"laffite": 1, "scheckter": "R", "villeneuve": "R", "jones": 9},  # Argentina
    {"laffite": 1, "villeneuve": 5, "scheckter": 6, "jones": "R"},  # Brazil
    {"villeneuve": 1, "scheckter": 2, "jones": "R", "laffite": "R"},  # South Africa
    {"villeneuve": 1, "scheckter": 2, "jones": 3, "laffite": "R"},  # United States West
    {"scheckter": 4, "villeneuve": 7, "laffite": "R", "jones": "R"},  # Spain
    {"scheckter": 1, "laffite": 2, "villeneuve": 7, "jones": "R"},  # Belgium
    {"scheckter": 1, "villeneuve": "R", "jones": "R", "laffite": "R"},  # Monaco
    {"villeneuve": 2, "jones": 4, "scheckter": 7, "laffite": 8},  # France
    {"scheckter": 5, "jones": "R", "villeneuve": "R", "laffite": "R"},  # Britain
    {"jones": 1, "laffite": 3, "scheckter": 4, "villeneuve": 8},  # Germany
    {"jones": 1, "villeneuve": 2, "laffite": 3, "scheckter": 4},  # Austria
    {"jones": 1, "scheckter": 2, "laffite": 3, "villeneuve": "R"},  # Netherlands
    {"scheckter": 1, "villeneuve": 2, "jones": 9, "laffite": "R"},  # Italy
    {"jones": 1, "villeneuve": 2, "scheckter": 4, "laffite": "R"},  # Canada
    {"villeneuve": 1, "scheckter": "R", "jones": "R", "laffite": "R"},  # United States East
]
CONTENDERS = {"scheckter": "11", "villeneuve": "12", "jones": "27", "laffite": "26"}
RULES_1979 = PointsSystem({"race": (9, 6, 4, 3, 2, 1)},
                          best_of_parts=(SeasonPart(RoundSet(((1, 7),)), 4), SeasonPart(RoundSet(((8, None),)), 4)))


def _season_1979(rounds_run: int, adjustments=()):
    """The other points places go to a different stand-in driver in every race (each scores in
    one race only, so that none of them is ever near the title); the four follow as published."""
    entries, rounds = [entry(number, f"team-{name}", name) for name, number in CONTENDERS.items()], []
    for index, finishes in enumerate(F1_1979[:rounds_run], start=1):
        placed = {position: name for name, position in finishes.items() if position != "R"}
        cars = []
        for position in range(1, 7):
            if position not in placed:
                number = f"{index}0{position}"
                entries.append(entry(number, f"team-{number}", f"stand-in-{number}"))
                cars.append(Car(number))
            else:
                cars.append(Car(CONTENDERS[placed[position]]))
        cars += [Car(CONTENDERS[name]) for position, name in sorted(placed.items()) if position > 6]
        cars += [Car(CONTENDERS[name], "dnf", laps=1) for name, position in finishes.items() if position == "R"]
        rounds.append([session("race", "race", *cars)])
    return season(rounds, RULES_1979, tuple(entries), planned=15, adjustments=adjustments)


def test_f1_1979_best_four_of_each_half():
    """Published 1979 final table: Scheckter 51 (60 scored), Villeneuve 47 (53), Jones 40 (43),
    Laffite 36 (36). Scheckter by hand: rounds 1-7 scored 0, 1, 6, 6, 3, 9, 9, best four 30;
    rounds 8-15 scored 0, 2, 3, 3, 6, 9, 3, 0, best four 21. Of his three 3s in the second half
    the earliest (Germany, race index 9) is dropped."""
    tables = _season_1979(15)
    table = points(tables)
    assert {name: table[name] for name in CONTENDERS} == {"scheckter": 51, "villeneuve": 47, "jones": 40,
                                                          "laffite": 36}
    assert [row.key for row in dict(tables.final.drivers)["A"][:4]] == ["scheckter", "villeneuve", "jones",
                                                                        "laffite"]
    scheckter = next(row for row in dict(tables.final.drivers)["A"] if row.key == "scheckter")
    assert scheckter.dropped == (0, 1, 4, 7, 8, 9, 14)


def test_f1_1979_title_maths_with_two_halves():
    """After round 12 (Zandvoort): Scheckter 30 + 14 = 44, Laffite 24 + 12 = 36, Jones 4 + 30 =
    34, Villeneuve 20 + 12 = 32, three races (9 each) to run, all in the second half. Best
    possible: Laffite 24 + (9 + 9 + 9 + 4) = 55, Villeneuve 20 + (9 + 9 + 9 + 6) = 53, both still
    in it; Jones 4 + (9 + 9 + 9 + 9) = 40 < 44, out, as his second-half scores of 9 can only
    replace one another. After round 13 (Monza, Scheckter's win: 51): Villeneuve can reach at
    most 20 + 30 = 50, Laffite 24 + 26 = 50: Scheckter is champion. A count of the points
    still to score without the halves (Villeneuve 38 + 18 = 56) would have kept him in it."""
    after_12, after_13 = _season_1979(12), _season_1979(13)
    assert dict(after_12.final.contenders)["A"] == ("scheckter", "laffite", "villeneuve")
    assert after_12.final.champion("A") is None
    assert after_13.final.champion("A") == "scheckter"


def test_best_of_parts_is_read_from_data_with_clear_errors():
    problems = []
    rules = parse_rules({"best_of_parts": [{"rounds": "1-7", "best": 4}, {"rounds": "8-", "best": 4}]},
                        lambda key, message, hint: problems.append(message))
    assert rules.best_of_parts == RULES_1979.best_of_parts and not problems
    parse_rules({"best_of_parts": [{"rounds": "1-7", "best": 4}, {"rounds": "7-", "best": 4},
                                   {"rounds": "x", "best": 1}, {"rounds": "9", "best": 0}, {"rounds": "9"}],
                 "drop_worst": 2}, lambda key, message, hint: problems.append(message))
    assert ["overlap" in p for p in problems] == [True, False, False, False, False]
    assert "'rounds'" in problems[1] and "'best'" in problems[2] and "exactly" in problems[3]
    assert "cannot be combined" in problems[4]


def test_f1_1955_argentine_gp_shared_cars_divide_their_points():
    """1955 Argentine GP, points 8-6-4-3-2 (the fastest-lap point left out). Second: the Ferrari
    shared by González, Farina and Trintignant, 6 / 3 = 2 each; third: the Ferrari of Farina,
    Maglioli and Trintignant, 4 / 3 each; fourth: the Mercedes of Herrmann, Kling and Moss,
    3 / 3 = 1 each; Fangio won alone (8), Mieres fifth (2). Farina and Trintignant: 2 + 4/3 =
    10/3 each, as the published 1955 tables count them. Car numbers are illustrative. The team
    scores the car's points: Ferrari 6 + 4 = 10."""
    entries = (entry("2", "mercedes", "fangio"), entry("12", "ferrari", "gonzalez", "farina", "trintignant"),
               entry("10", "ferrari", "farina", "maglioli", "trintignant"),
               entry("8", "mercedes", "herrmann", "kling", "moss"), entry("16", "maserati", "mieres"))
    race = session("race", "race", "2", "12", "10", "8", "16")
    rules = PointsSystem({"race": (8, 6, 4, 3, 2)}, shared_car="divided")
    tables = season([[race]], rules, entries)
    assert points(tables) == pytest.approx({"fangio": 8, "gonzalez": 2, "farina": 10 / 3, "trintignant": 10 / 3,
                                            "maglioli": 4 / 3, "herrmann": 1, "kling": 1, "moss": 1, "mieres": 2})
    assert team_points(tables)["ferrari"] == 10
    each = season([[race]], PointsSystem({"race": (8, 6, 4, 3, 2)}), entries)
    assert points(each)["farina"] == 6 + 4  # the default: every driver gets the car's points


SPRINT_AND_RACE = [session("sprint", "sprint", "2", "1", "3", "4"), session("race", "race", "1", "2", "3", "4")]
CARS = tuple(entry(str(n), f"t{n}", f"d{n}") for n in (1, 2, 3, 4))


def test_a_sprint_win_is_not_a_win_unless_wins_from_says_so():
    """Sprint 10-6 (d2 wins), race 10-6 (d1 wins): 16 points each. By default only the race
    counts: d1 1 win, d2 0 wins (but 1 podium, the race's second); countback puts d1 ahead (a
    win against none). With wins_from = ["race", "sprint"]: a win and a second each, a tie."""
    rules = PointsSystem({"race": (10, 6, 4, 3), "sprint": (10, 6, 4, 3)})
    rows = dict(season([SPRINT_AND_RACE], rules, CARS).final.drivers)["A"]
    assert [(r.key, r.position, r.tied, r.wins, r.podiums) for r in rows[:2]] == [
        ("d1", 1, False, 1, 1), ("d2", 2, False, 0, 1)]
    both = PointsSystem({"race": (10, 6, 4, 3), "sprint": (10, 6, 4, 3)}, wins_from=("race", "sprint"))
    rows = dict(season([SPRINT_AND_RACE], both, CARS).final.drivers)["A"]
    assert [(r.key, r.position, r.tied, r.wins, r.podiums) for r in rows[:2]] == [
        ("d1", 1, True, 1, 2), ("d2", 1, True, 1, 2)]


def test_wins_from_and_shared_car_are_read_with_clear_errors():
    problems = []
    rules = parse_rules({"wins_from": ["race", "sprint"], "shared_car": "divided"},
                        lambda key, message, hint: problems.append(key))
    assert (rules.wins_from, rules.shared_car, problems) == (("race", "sprint"), "divided", [])
    parse_rules({"wins_from": ["qualifying"], "shared_car": "half"}, lambda key, message, hint: problems.append(key))
    assert problems == ["wins_from", "shared_car"]


def test_driver_and_team_statistics_count_wins_from_the_same_session_types(tmp_path):
    """The mini site with its Alpha race 2 run as a sprint (paying as the race did). Class A
    finishes: Alpha race 1 Able 1st, Baker 2nd; the sprint Baker 1st, Able 2nd; Beta's race
    Baker 2nd, Able 3rd. Races only (the default): Baker 0 wins, 2 podiums; Able 1 win, 2
    podiums. With wins_from = ["race", "sprint"]: Baker 1 win, 3 podiums; Able 1 win, 3."""
    from cupsite.build import prepare
    from cupsite.config import load_config

    from .conftest import SITES, copy_site

    site = copy_site(SITES / "mini", tmp_path / "site")
    season_file = site / "content/results/cup/2024/season.yaml"
    text = season_file.read_text(encoding="utf-8").replace(
        "{slug: race-2, name: Race 2, type: race,", "{slug: race-2, name: Race 2, type: sprint,")
    season_file.write_text(text.replace("name: 2024 season\n", "name: 2024 season\npoints:\n  sprint: [10, 6, 4, 3]\n"),
                           encoding="utf-8")

    def stats(slug, kind="driver_seasons"):
        _, tables = prepare(load_config(site / "cupsite.toml"))
        record = getattr(tables, kind)[slug][0]
        return record.stats.wins, record.stats.podiums

    assert (stats("bob-baker"), stats("ann-able")) == ((0, 2), (1, 2))
    season_file.write_text(season_file.read_text(encoding="utf-8").replace(
        "  sprint: [10, 6, 4, 3]\n", "  sprint: [10, 6, 4, 3]\n  wins_from: [race, sprint]\n"), encoding="utf-8")
    assert (stats("bob-baker"), stats("ann-able")) == ((1, 3), (1, 3))


def test_the_points_charts_end_on_the_tables_totals():
    """The running totals of the charts follow the same rules as the tables: after the last
    race, every driver's total is the table's. F1 1979's halves, with an illustrative −5 for
    Laffite after round 14 (36 − 5 = 31); the 1955 race's divided shares."""
    from cupsite.charts import Counting, running_totals
    from cupsite.drops import counting_parts

    from .rules_seasons import adjustment

    def check(tables, rules, adjustments=()):
        race_rounds = {key: int(key[0].rsplit("/r", 1)[1]) for key in tables.races}
        counting = Counting(counting_parts(rules, 15), race_rounds, adjustments, rules.shared_car == "divided")
        totals = running_totals(tables, list(tables.sessions), counting=counting)
        for code, rows in tables.final.drivers:
            for row in rows:
                assert totals[(code, row.key)][-1] == pytest.approx(row.points), row.key
        return totals

    penalty = (adjustment("driver", "laffite", -5, 14, drivers=[("A", "laffite")]),)
    totals = check(_season_1979(15, penalty), RULES_1979, penalty)
    assert totals[("A", "laffite")][-3:] == (36, 31, 31)  # after rounds 13, 14 (the penalty) and 15
    entries = (entry("2", "mercedes", "fangio"), entry("12", "ferrari", "gonzalez", "farina", "trintignant"))
    divided = PointsSystem({"race": (8, 6, 4, 3, 2)}, shared_car="divided")
    check(season([[session("race", "race", "2", "12")]], divided, entries), divided)
