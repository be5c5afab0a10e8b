"""Real championships, converted from published results, against their published tables.

Every expected figure is the source's own: the standings files of the public Ergast-derived dump
kept in tests/fixtures/realdata/ergast/, and the F1DB sources kept in tests/fixtures/realdata/f1db/
(see their READMEs). cupsite sees only finishing orders, statuses, laps, best laps and who drove
which car, plus each season's rules (rules.yaml beside the data); it never sees a points column.
What each season puts to the test:

- 1954 (F1DB): drivers who shared a car divide its points (González and Hawthorn, 2nd in
  Germany: 3 each); seven drivers set the same fastest lap at Silverstone and share its point
  (1/7 each); the fastest lap scores even when its car retired (Ascari in Spain); one driver in
  two cars of the same race (Ascari at Silverstone, Carter at Indianapolis); only the best 5 race
  scores count (Fangio scored 57 1/7 and is champion on 42).

- 1979: drivers count their best 4 results of rounds 1-7 and their best 4 of rounds 8-15
  (best_of_parts); constructors count everything; Brabham changed engines, and so names, for
  the last two rounds with the same car numbers (entries `rounds:`).
- 2018: Force India's cars ran for a new entrant, Racing Point Force India, from round 13: the
  new team starts on zero, its drivers keep their points (entries `rounds:`).
- 2019: the fastest-lap point only when its holder finishes in the top 10 (Magnussen, 17th at
  Singapore; Bottas, retired in Brazil: nobody gets it); Gasly and Albon swapped teams with
  their car numbers after round 12.
- 2020: Racing Point −15 constructors' points (its drivers keep theirs); Russell drove car 63
  for Mercedes at Sakhir and for Williams elsewhere.
- 2021: sprints scoring 3-2-1 whose wins are not wins; half points at Belgium; the fastest-lap
  point only to a top-10 holder (Pérez 16th in France... and others), never in a sprint.
- 2022: sprints scoring 8..1; the fastest-lap point refused twice (Russell 14th at Singapore,
  Zhou 16th at Suzuka); three ties in the final tables settled by countback.
"""

from __future__ import annotations

import pytest

from scripts.convert import f1db
from scripts.convert.common import load_rules
from scripts.convert.ergast import ErgastData, published_standings

from .real_standings import (
    ERGAST_FIXTURES,
    REALDATA,
    RULES,
    assert_drivers_match,
    assert_teams_match,
    converted_tables,
    standings_json,
)

DATA = ErgastData(ERGAST_FIXTURES)
F1DB = f1db.F1dbData(REALDATA / "f1db")
F1DB_RULES = load_rules(REALDATA / "f1db" / "rules.yaml")


@pytest.mark.parametrize("year", [1979, 2018, 2019, 2020, 2021, 2022])
def test_final_tables_match_the_published_ones(tmp_path, year):
    """Expected: the source's driver_standings.csv and constructor_standings.csv after the last
    round of the season (points, wins and positions as published)."""
    tables = converted_tables(DATA, year, tmp_path)
    assert tables["final"] is True
    published = published_standings(DATA, year, RULES[year])
    assert_drivers_match(tables, published)
    assert_teams_match(tables, published)


@pytest.mark.parametrize("after_round", [12, 13])
def test_force_india_stands_until_its_last_round_and_then_leaves_the_table(tmp_path, after_round):
    """Expected: the source's constructors' tables after round 12 (Force India's last round: 59
    points, the new entrant not yet entered) and round 13 (Force India gone, the new entrant on the
    points of its first round), team for team and place for place; the drivers keep theirs."""
    tables = converted_tables(DATA, 2018, tmp_path, after_round=after_round)
    published = published_standings(DATA, 2018, RULES[2018], after_round=after_round)
    teams = {row.name: row.points for row in published.teams}
    assert ("Force India" in teams, "Racing Point Force India" in teams) == {12: (True, False),
                                                                          13: (False, True)}[after_round]
    assert teams.get("Force India", 59) == 59
    assert_drivers_match(tables, published)
    assert_teams_match(tables, published)


@pytest.mark.parametrize("after_round", [4, 5])
def test_a_team_penalty_counts_from_the_round_it_is_published(tmp_path, after_round):
    """Expected: Racing Point's constructors' points after rounds 4 and 5 of 2020 as the source
    publishes them (42, then 41 = 42 + 14 scored at round 5 − 15), and every other team's and
    driver's points after that round."""
    tables = converted_tables(DATA, 2020, tmp_path, after_round=after_round)
    published = published_standings(DATA, 2020, RULES[2020], after_round=after_round)
    assert {row.name: row.points for row in published.teams}["Racing Point"] == {4: 42, 5: 41}[after_round]
    computed_teams = {row["name"]: row["points"] for row in tables["teams"]}
    assert computed_teams == {row.name: row.points for row in published.teams}
    (only_class,) = tables["classes"]
    computed_drivers = {row["name"]: row["points"] for row in only_class["standings"]}
    for row in published.drivers:
        assert computed_drivers[row.name] == row.points, row.name


def test_1954_shared_cars_and_shared_fastest_laps(tmp_path):
    """Expected: F1DB's final drivers' table of 1954 (src/data/seasons/1954/driver-standings.yml),
    which lists the 26 drivers who scored and rounds shares to hundredths (González 25.14 for
    25 1/7). Positions: drivers the source ranks alone must have its position; drivers level on
    points share a position in the source (Farina, Bryan and Musso are all 8th), so cupsite's
    countback may order them, but only within the places they share (8th to 10th)."""
    config = f1db.write_site(F1DB, 1954, F1DB_RULES[1954], tmp_path)
    tables = standings_json(config, 1954)
    (only_class,) = tables["classes"]
    computed = {row["name"]: row for row in only_class["standings"]}
    published = f1db.published_standings(F1DB, 1954).drivers
    assert len(published) == 26
    for row in published:
        level = [other for other in published if other.points == row.points]
        mine = computed[row.name]
        assert round(mine["points"], 2) == row.points, row.name
        assert row.position <= mine["position"] <= row.position + len(level) - 1, row.name
    unpublished = [row for name, row in computed.items() if name not in {r.name for r in published}]
    assert all(row["points"] == 0 and row["position"] > len(published) for row in unpublished)
