"""Points adjustments (season.yaml `adjustments:`): a team, a driver or a car gains or loses
points in the tables after a round; only its own total moves. Expected figures are worked out
by hand in each docstring, on small seasons and on the mini site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupsite.cli import main
from cupsite.rules import PointsSystem

from .conftest import SITES, copy_site
from .rules_seasons import adjustment, entry, points, season, session

F1_POINTS = PointsSystem({"race": (25, 18, 15, 12, 10, 8, 6, 4, 2, 1)})
RACING_POINT = (entry("11", "racing-point", "perez"), entry("18", "racing-point", "stroll"),
                entry("44", "mercedes", "hamilton"), entry("77", "mercedes", "bottas"))


def _five_rounds(*adjustments):
    """Five races, each finishing 44, 11, 18, 77: per race Hamilton 25, Perez 18, Stroll 15,
    Bottas 12; Racing Point 33 a race, Mercedes 37."""
    races = [[session("race", "race", "44", "11", "18", "77")] for _ in range(5)]
    return season(races, F1_POINTS, RACING_POINT, adjustments=tuple(adjustments))


def test_f1_2020_racing_point_loses_15_team_points_its_drivers_keep_theirs():
    """F1 2020: Racing Point lost 15 constructors' points over its brake ducts, counted from
    the table after round 4 on, and its drivers kept theirs (the published final figures:
    Pérez 125 + Stroll 75 + Hülkenberg 10 = 210, the team 195). The races here are
    illustrative: after round 3 the team has 3 x 33 = 99; after round 4, 4 x 33 - 15 = 117;
    after round 5, 165 - 15 = 150, while Pérez has 5 x 18 = 90 and Stroll 5 x 15 = 75 throughout
    (as without the penalty)."""
    penalty = adjustment("team", "racing-point", -15, 4, teams=["racing-point"],
                         reason="technical infringement (brake ducts)")
    tables = _five_rounds(penalty)
    team = {n: {r.key: r.points for r in t.teams}["racing-point"] for n, t in tables.by_round.items()}
    assert team == {1: 33, 2: 66, 3: 99, 4: 117, 5: 150}
    assert points(tables) == points(_five_rounds()) == {"hamilton": 125, "perez": 90, "stroll": 75, "bottas": 60}
    assert tables.by_round[3].adjustments == () and tables.by_round[4].adjustments == (penalty,)
    assert {r.key: r.points for r in tables.final.teams}["mercedes"] == 5 * 37


def test_driver_and_car_adjustments():
    """A driver's −10 after round 2 moves only Bottas (60 − 10 = 50); car 11's +3 after round 5
    moves Pérez (90 + 3 = 93) and the car's team (165 + 3 = 168), not Stroll (75)."""
    tables = _five_rounds(adjustment("driver", "bottas", -10, 2, drivers=[("A", "bottas")]),
                          adjustment("car", "11", 3, 5, drivers=[("A", "perez")], teams=["racing-point"]))
    assert points(tables) == {"hamilton": 125, "perez": 93, "stroll": 75, "bottas": 50}
    assert {r.key: r.points for r in tables.final.teams} == {"mercedes": 185, "racing-point": 168}
    assert {r.key: r.points for r in dict(tables.by_round[1].drivers)["A"]}["bottas"] == 12


def test_a_penalty_can_decide_the_title_maths():
    """Two races planned, one run: Hamilton 25, Pérez 18. A −8 penalty for Hamilton after
    round 1 leaves him 17: Pérez leads on 18, and Hamilton can still reach 17 + 25 = 42, so both
    can win; the leader is now Pérez."""
    race = [session("race", "race", "44", "11", "18", "77")]
    tables = season([race], F1_POINTS, RACING_POINT, planned=2,
                    adjustments=(adjustment("driver", "hamilton", -8, 1, drivers=[("A", "hamilton")]),))
    assert dict(tables.final.contenders)["A"][:2] == ("perez", "hamilton")


# --- in season.yaml, on the mini site ----------------------------------------------------------

SEASON = "content/results/cup/2024/season.yaml"
ADJUSTMENTS = """adjustments:
  - {team: Red Team, points: -3, round: beta, reason: technical infringement (brake ducts)}
  - {driver: Bob Baker, points: -2, round: 1, reason: dangerous driving}
  - {car: 7, points: 5, round: 2}
"""


@pytest.fixture
def adjusted_site(tmp_path) -> Path:
    site = copy_site(SITES / "mini", tmp_path / "site")
    path = site / SEASON
    path.write_text(path.read_text(encoding="utf-8") + ADJUSTMENTS, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(site / "output")])
    assert result.exit_code == 0, result.output
    return site


def test_adjustments_in_the_tables_page_and_data(adjusted_site):
    """The mini site after round 2 (beta) has Bob Baker 20, Ann Able 18, Eve Ernst 16, Dee Dunn 6;
    teams Green 22, Red 21, Blue 20. With the adjustments: Baker 20 − 2 = 18; car 7 (Dunn and
    Ernst, Blue Team) + 5: Dunn 11, Ernst 21, Blue 25; Red 21 − 3 = 18. After round 1 only
    Baker's counts: 17 − 2 = 15."""
    data = json.loads((adjusted_site / "output/data/cup/2024/standings.json").read_text(encoding="utf-8"))
    drivers = {row["slug"]: row["points"] for c in data["classes"] for row in c["standings"]}
    assert drivers == {"bob-baker": 18, "ann-able": 18, "cyd-cole": 9, "jose-fabregas": 22, "eve-ernst": 21,
                       "dee-dunn": 11}
    assert {row["slug"]: row["points"] for row in data["teams"]} == {"blue-team": 25, "green-team": 22,
                                                                     "red-team": 18}
    assert [a["points"] for a in data["adjustments"]] == [-3, -2, 5]
    assert data["adjustments"][0] == {"kind": "team", "target": "red-team", "points": -3, "round": 2,
                                      "reason": "technical infringement (brake ducts)", "drivers": [],
                                      "teams": ["red-team"], "withdrawn": False}
    after_1 = data["by_round"][0]
    assert [a["target"] for a in after_1["adjustments"]] == ["bob-baker"]
    assert {row["slug"]: row["points"] for row in after_1["classes"][0]["standings"]}["bob-baker"] == 15
    results = json.loads((adjusted_site / "output/data/cup/2024/results.json").read_text(encoding="utf-8"))
    assert [a["target"] for a in results["adjustments"]] == ["red-team", "bob-baker", "7"]
    page = (adjusted_site / "output/cup/2024/standings/index.html").read_text(encoding="utf-8")
    assert "−3</strong>: technical infringement (brake ducts)" in page  # a real minus sign
    assert "+5</strong>" in page and "−2</strong>: dangerous driving" in page
    report = CliRunner().invoke(main, ["standings", "--config", str(adjusted_site / "cupsite.toml")]).output
    assert "Red Team, after round 2: −3: technical infringement (brake ducts)" in report


def test_a_withdrawn_team_leaves_the_teams_table_from_its_round(tmp_path):
    """The mini site after round 2 (beta) has teams Green 22, Red 21, Blue 20 and Red Team's Ann
    Able on 18, Cyd Cole on 9 (as in the test above). Red Team's entries end after round 2 and
    the team is withdrawn from round 3 (gamma, run by the other cars): the table after round 2
    keeps it; after round 3 it is gone, and its drivers keep their 18 and 9."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    entries = site / "content/results/cup/2024/entries.yaml"
    entries.write_text(entries.read_text(encoding="utf-8").replace("team: Red Team,", "team: Red Team, rounds: 1-2,"),
                       encoding="utf-8")
    (site / "content/results/cup/2024/gamma").mkdir()
    (site / "content/results/cup/2024/gamma/race-1.yaml").write_text(
        "results:\n  - {pos: 1, car: 2, laps: 10, time: \"16:00.000\"}\n"
        "  - {pos: 2, car: 8, laps: 10, gap: \"+1.000\"}\n  - {pos: 3, car: 7, laps: 10, gap: \"+2.000\"}\n",
        encoding="utf-8")
    path = site / SEASON
    path.write_text(path.read_text(encoding="utf-8") + "adjustments:\n  - {team: Red Team, withdrawn: true, round: 3,"
                    " reason: entry ended}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(site / "output")])
    assert result.exit_code == 0, result.output
    data = json.loads((site / "output/data/cup/2024/standings.json").read_text(encoding="utf-8"))
    assert data["after_round"] == 3
    assert sorted(row["slug"] for row in data["teams"]) == ["blue-team", "green-team"]
    assert [row["position"] for row in data["teams"]] == [1, 2]
    drivers = {row["slug"]: row["points"] for c in data["classes"] for row in c["standings"]}
    assert (drivers["ann-able"], drivers["cyd-cole"]) == (18, 9)
    after_2 = {row["slug"]: row["points"] for row in data["by_round"][1]["teams"]}
    assert after_2 == {"green-team": 22, "red-team": 21, "blue-team": 20}
    assert data["adjustments"][0]["withdrawn"] is True
    page = (site / "output/cup/2024/standings/index.html").read_text(encoding="utf-8")
    assert "withdrawn, its points no longer count</strong>: entry ended" in page


@pytest.mark.parametrize("item, line_offset, words", [
    ("{team: Read Team, points: -3, round: 1}", 1, "no team 'Read Team'"),
    ("{driver: Bob Bakr, points: -3, round: 1}", 1, "no driver 'Bob Bakr'"),
    ("{driver: Bob Baker, points: -2, round: 9}", 1, "round 9 is not in the season's calendar"),
    ("{driver: Bob Baker, round: 1}", 1, "has no `points:`"),
    ("{car: 99, points: 1, round: 1}", 1, "no car '99'"),
    ("{car: '007', points: 1, round: 1}", 1, "no car '007'"),  # a label: 007 is not car 7
    ("{car: 0x7, points: 1, round: 1}", 1, "no car '0x7'"),
    ("{car: [7], points: 1, round: 1}", 1, "is not a car number"),
    ("{team: Red Team, class: A, points: 1, round: 1}", 1, "`class:` goes with `driver:` only"),
    ("{team: Red Team, driver: Bob Baker, points: 1, round: 1}", 1, "one of `team:`, `driver:` or `car:`"),
    ("{driver: Bob Baker, points: lots, round: 1}", 1, "should be a number of points"),
    ("{driver: Bob Baker, withdrawn: true, round: 1}", 1, "`withdrawn:` goes with `team:` only"),
    ("{team: Red Team, withdrawn: true, points: -3, round: 1}", 1, "a withdrawn team's adjustment has no"),
    ("{team: Red Team, withdrawn: 1, round: 1}", 1, "`withdrawn:` should be true or false"),
    ("{team: Red Team, withdrawn: true, round: 1}", 1, "still has cars entered for round 1"),
])
def test_adjustment_mistakes_are_reported_with_file_and_line(tmp_path, item, line_offset, words):
    site = copy_site(SITES / "mini", tmp_path / "site")
    path = site / SEASON
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"adjustments:\n  - {item}\n", encoding="utf-8")
    line = text.count("\n") + 1 + line_offset
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(site / "output")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert any(text.startswith(f"{SEASON}:{line}:") and words in text for text in result.output.splitlines()), \
        result.output
    suggested = {"Bob Bakr": "bob-baker", "Read Team": "red-team"}
    for typo, slug in suggested.items():
        assert (f"did you mean '{slug}'?" in result.output) == (typo in item)


def test_a_driver_in_two_classes_needs_a_class(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    entries = site / "content/results/cup/2024/entries.yaml"
    entries.write_text(entries.read_text(encoding="utf-8") + "- {number: 9, class: B, team: Red Team, "
                       "driver: Bob Baker}\n", encoding="utf-8")
    path = site / SEASON
    path.write_text(path.read_text(encoding="utf-8") + "adjustments:\n  - {driver: Bob Baker, points: -2, round: 1}\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(site / "output")])
    assert result.exit_code == 1 and "several classes (A, B)" in result.output and "add `class:`" in result.output
    path.write_text(path.read_text(encoding="utf-8").replace("round: 1}", "round: 1, class: B}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(site / "output")])
    assert "several classes" not in result.output
