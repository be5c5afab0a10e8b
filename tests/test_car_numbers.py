"""Car numbers are labels kept as written ("007" is not car 7), and entries may change between
rounds: a driver moving team, a number taken by another team. Built through the real pipeline
on copies of the mini site; the expected figures are worked out by hand in each test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cupsite.cli import main
from cupsite.config import load_config
from cupsite.errors import Problems
from cupsite.load.classifications import SessionFile, read_classification
from cupsite.load.readers import alkamel_classification
from cupsite.load.results import load_season
from cupsite.model import car_sort_key
from cupsite.yamlio import load_yaml

from .conftest import SITES, copy_site

SEASON = Path("content/results/cup/2024")


def edit(site: Path, relative: Path | str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(site: Path):
    return CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), "--output",
                                     str(site / "output")])


def refused(site: Path) -> str:
    """The output of a build that must stop on the content's mistakes."""
    result = build(site)
    assert result.exit_code == 1, result.output
    return result.output


def data(site: Path, name: str) -> dict:
    return json.loads((site / "output/data/cup/2024" / name).read_text(encoding="utf-8"))


def race_rows(site: Path, event: str, session: str = "race-1") -> dict:
    sessions = data(site, "results.json")["sessions"]
    rows = next(s for s in sessions if s["event"] == f"cup/2024/{event}" and s["session"] == session)["rows"]
    return {row["car"]: row for row in rows}


def test_numbers_sort_naturally_and_keep_their_zeros():
    # By value first, then the shorter spelling: 0 before 00, 7 before 07 before 007, then 8, 10.
    written = ["10", "007", "7", "00", "77", "0", "8", "07"]
    assert sorted(written, key=car_sort_key) == ["0", "00", "7", "07", "007", "8", "10", "77"]


@given(st.lists(st.from_regex(r"[0-9]{1,4}|[0-9]{1,3}[A-Z]", fullmatch=True), min_size=2, max_size=20, unique=True))
def test_natural_order_is_total_and_follows_the_value(numbers):
    """Distinct labels never tie (so the order never depends on the input's), and a smaller
    value always comes first: 9 before 10 before 010 before 11."""
    keys = [car_sort_key(number) for number in numbers]
    assert len(set(keys)) == len(numbers)
    ordered = sorted(numbers, key=car_sort_key)
    assert ordered == sorted(reversed(numbers), key=car_sort_key)
    digits = [number for number in ordered if number.isdigit()]
    assert [int(number) for number in digits] == sorted(int(number) for number in digits)


def test_yaml_whole_numbers_are_decimal_only():
    # YAML 1.1 reads 010 as 8, 0x1A as 26 and 1_00 as 100; cupsite keeps each as written.
    assert load_yaml("a: 010\nb: 0x1A\nc: 1_00\nd: 7\ne: 1_0.5\nf: 0o17\n") == {
        "a": "010", "b": "0x1A", "c": "1_00", "d": 7, "e": "1_0.5", "f": "0o17"}


def test_007_7_and_010_are_three_cars_on_the_pages_and_in_the_data(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    edit(site, SEASON / "entries.yaml", "- {number: 8,",
         '- {number: "007", class: B, team: Green Team, driver: Jay Bond}\n'
         "- {number: 010, class: B, team: Green Team, driver: Ten Tenner}\n- {number: 8,")
    edit(site, SEASON / "alpha/race-1.yaml", '  - {pos: 5, car: 3,',
         '  - {pos: 5, car: 007, laps: 18, gap: "+2 Laps", best: "1:33.000"}\n'
         '  - {pos: 6, car: 010, laps: 17, gap: "+3 Laps", best: "1:33.500"}\n  - {pos: 7, car: 3,')
    result = build(site)
    assert result.exit_code == 0, result.output
    rows = race_rows(site, "alpha")
    # Class B in finishing order: 8, 7, 007, 010; the race table is [10, 6, 4, 3].
    assert {car: (rows[car]["class_position"], rows[car]["points"]) for car in ("8", "7", "007", "010")} == {
        "8": (1, 10), "7": (2, 6), "007": (3, 4), "010": (4, 3)}
    standings = {row["slug"]: row for car_class in data(site, "standings.json")["classes"]
                 for row in car_class["standings"]}
    assert standings["jay-bond"]["numbers"] == ["007"] and standings["ten-tenner"]["numbers"] == ["010"]
    page = BeautifulSoup((site / "output/cup/2024/alpha/index.html").read_text(encoding="utf-8"), "html.parser")
    shown = [cell.get_text(strip=True) for cell in page.select("#race-1 .car-number")]
    assert {"#007", "#7", "#010"} <= {text if text.startswith("#") else f"#{text}" for text in shown}, shown


def test_a_timing_export_keeps_007_apart_from_7(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    edit(site, SEASON / "entries.yaml", "- {number: 8,",
         '- {number: "007", class: B, team: Green Team, driver: Jay Bond}\n- {number: 8,')
    config = load_config(site / "cupsite.toml")
    problems = Problems(site)
    season = load_season(site / SEASON, config.championships[0], problems, {})
    export = tmp_path / "race-1.csv"
    export.write_text("POSITION;NUMBER;STATUS;LAPS;TOTAL_TIME;GAP_FIRST\n1;7;Classified;20;30:00.000;\n"
                      "2;007;Classified;20;30:01.500;+1.500\n", encoding="utf-8")
    file = SessionFile(export, season.events[0], "race-1", alkamel_classification.READER)
    result = read_classification(file, config.championships[0],
                                 season.cars_at(1), {}, problems)
    assert not problems.items, problems.items
    assert [(row.position, row.car, row.gap) for row in result.rows] == [(1, "7", ""), (2, "007", "+1.500")]


@pytest.mark.parametrize(("written", "message"), [
    ("number: 1_00", "'number' is not a car number: '1_00'"),
    ("number: '#7'", "'number' is not a car number: '#7'"),
    ("number: -7", "'number' is not a car number: -7"),
])
def test_a_number_that_is_no_car_number_is_an_error(tmp_path, written, message):
    site = copy_site(SITES / "mini", tmp_path / "site")
    edit(site, SEASON / "entries.yaml", "- {number: 8,", "- {" + written + ", class: B, team: Green Team, "
         "driver: Jay Bond}\n- {number: 8,")
    output = refused(site)
    assert message in output, output


def test_laps_written_with_a_leading_zero_are_an_error_not_octal(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    edit(site, SEASON / "alpha/race-1.yaml", "{pos: 1, car: 1, laps: 20,", "{pos: 1, car: 1, laps: 020,")
    output = refused(site)
    assert "'laps' should be a whole number, not '020'" in output, output


MOVES = ("- {number: 3, class: A, team: Red Team, driver: Cyd Cole, rounds: 1}\n"
         "- {number: 33, class: A, team: Purple Team, driver: Cyd Cole, rounds: 2-}\n"
         "- {number: 3, class: A, team: Orange Team, driver: Kim Kerr, rounds: '2-'}\n")


def test_a_driver_moves_team_and_his_number_goes_to_another_team(tmp_path):
    """Cyd Cole drives #3 for Red Team in round 1, then #33 for Purple Team; #3 passes to Kim
    Kerr of Orange Team. By hand, with the race table [10, 6, 4, 3], qualifying [1], half
    points at Beta and each team's best car per race:
    - Alpha race 1 (class A): #1 Ann 10, #2 Bob 6, #3 Cyd retired 0. Race 2: Bob 10, Ann 6, Cyd 4.
    - Beta race 1 (half points), class A order: #3 Kim 5, #2 Bob 3, #1 Ann 2, #33 Cyd 1.5.
    - Cyd 4 + 1.5 = 5.5 (he keeps his points across teams); Kim 5.
    - Red Team: alpha 10 + 6 (Ann), beta 2 (Ann; #3 is no longer theirs) = 18; Purple 1.5;
      Orange 5 (a new entrant starts on zero)."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    edit(site, SEASON / "entries.yaml", "- {number: 3, class: A, team: Red Team, driver: Cyd Cole}\n", MOVES)
    edit(site, SEASON / "beta/race-1.yaml", "  - {pos: 5, car: 7, laps: 0, status: dns}",
         '  - {pos: 5, car: 33, laps: 9, gap: "+1 Lap"}\n  - {pos: 6, car: 7, laps: 0, status: dns}')
    result = build(site)
    assert result.exit_code == 0, result.output
    beta = race_rows(site, "beta")
    assert (beta["3"]["drivers"], beta["3"]["team"], beta["3"]["points"]) == (["kim-kerr"], "orange-team", 5)
    assert (beta["33"]["drivers"], beta["33"]["team"], beta["33"]["points"]) == (["cyd-cole"], "purple-team", 1.5)
    standings = data(site, "standings.json")
    drivers = {row["slug"]: row for row in dict((c["code"], c["standings"]) for c in standings["classes"])["A"]}
    assert (drivers["cyd-cole"]["points"], drivers["cyd-cole"]["numbers"]) == (5.5, ["3", "33"])
    assert drivers["cyd-cole"]["teams"] == ["purple-team", "red-team"]
    assert drivers["kim-kerr"]["points"] == 5
    teams = {row["slug"]: row["points"] for row in standings["teams"]}
    assert (teams["red-team"], teams["purple-team"], teams["orange-team"]) == (18, 1.5, 5)


@pytest.mark.parametrize(("entries", "message"), [
    ("- {number: 3, class: A, team: Orange Team, driver: Kim Kerr, rounds: 1-2}\n",
     "entries.yaml:6: error: duplicate car number 3: entered twice for round 1 (first at line 3)"),
    ("- {number: 9, class: A, team: Orange Team, driver: Kim Kerr, rounds: 2-5}\n",
     "entries.yaml:6: error: no round 4, 5 in season.yaml"),
    ("- {number: 9, class: A, team: Orange Team, driver: Kim Kerr, rounds: [1, two]}\n",
     "entries.yaml:6: error: 'rounds' is not a list of rounds"),
    ("- {number: 9, class: A, team: Orange Team, driver: Kim Kerr, rounds: []}\n",
     "entries.yaml:6: error: 'rounds' names no round"),
    ("- {number: 9, class: A, team: Orange Team, driver: Kim Kerr, rounds: 3-1}\n",
     "entries.yaml:6: error: 'rounds' runs backwards: '3-1'"),
])
def test_entries_by_round_that_cannot_be_are_errors(tmp_path, entries, message):
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / SEASON / "entries.yaml").write_text((site / SEASON / "entries.yaml").read_text(encoding="utf-8")
                                                + entries, encoding="utf-8")
    output = refused(site)
    assert message in output, output


def test_a_car_in_a_round_it_is_not_entered_for_is_an_error(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    edit(site, SEASON / "entries.yaml", "driver: Cyd Cole}", "driver: Cyd Cole, rounds: 2-}")
    result = build(site)
    assert result.exit_code == 1
    assert "alpha/race-1.yaml:6: error: car #3 is not in the entry list for this round" in result.output, \
        result.output
