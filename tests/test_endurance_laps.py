"""The endurance per-lap fixture (tests/fixtures/timing/endurance-laps/, see its README): a
two-class race filed as its Analysis export alone, read lap by lap and classified from its laps.
Car "007" races beside car 7 in GT3: two cars, kept apart because car numbers are labels."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cupsite.errors import Problems
from cupsite.load.readers.alkamel import read_export
from cupsite.load.readers.alkamel_laps import lap_rows

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "timing" / "endurance-laps"
CAR_007 = "007"  # beside car 7 in GT3: two cars, as in real endurance fields


@functools.cache
def generator():
    spec = importlib.util.spec_from_file_location("make_endurance_laps", FIXTURE / "make_endurance_laps.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_generator_writes_the_committed_files_again():
    make = generator()
    assert make.laps_csv() == (FIXTURE / "race.laps.csv").read_text(encoding="utf-8")
    entries = FIXTURE / "site/content/results/lakeside-endurance/2025/entries.yaml"
    assert make.entries_yaml() == entries.read_text(encoding="utf-8")
    renumbered = [line.replace("007;", "70;", 1) if line.startswith("007;") else line
                  for line in make.laps_csv().splitlines()]
    assert sorted(make.laps_csv("70").splitlines()) == sorted(renumbered)  # the generator's number parameter


@pytest.fixture(scope="module")
def laps():
    text = generator().laps_csv(CAR_007)
    problems = Problems(FIXTURE)
    export = read_export(FIXTURE / "race.laps.csv", text.encode("utf-8"), problems)
    everyone = {number: None for number in ("7", "21", CAR_007, "33", "40", "44", "48", "61")}
    read = lap_rows(export, everyone, problems)
    assert [p.format() for p in problems.items] == []
    by_car = defaultdict(list)
    for lap in read:
        by_car[lap.car].append(lap)
    return by_car


def test_every_lap_is_read_with_its_sectors_top_speed_and_marks(laps):
    """428 laps (the README); S1 + S2 + S3 = the lap time; a top speed on every lap but the
    out-laps; one mark per car, 3 on the race's fastest lap (car 7's lap 38), never on lap 1."""
    assert sum(len(car_laps) for car_laps in laps.values()) == 428
    for car_laps in laps.values():
        for lap in car_laps:
            assert len(lap.sectors) == 3 and sum(lap.sectors) == pytest.approx(lap.time)
            assert (lap.top_speed is None) == (lap.pit_time is not None)
        marked = [(lap.number, lap.improvement) for lap in car_laps if lap.improvement]
        assert len(marked) == 1 and marked[0][0] > 1
    assert [(lap.number, lap.improvement) for lap in laps["7"] if lap.improvement] == [(38, 3)]


def test_drivers_change_on_the_out_laps_with_their_pit_times(laps):
    """Each car stops twice (car 33 once: it retires on lap 35, before its second stop): `B` on
    the in-lap, then the pit time and the next driver on the out-lap (crews of three 1, 2, 3; of
    two 1, 2, 1). Car 007's stops: in on laps 20 and 42, 1:06.400 and 1:11.200 in the pit lane;
    car 61's second, a 20-minute repair."""
    for car, car_laps in laps.items():
        stops = [lap.number for lap in car_laps if lap.pit]
        out_laps = [lap.number for lap in car_laps if lap.pit_time is not None]
        changes = [after.number for before, after in zip(car_laps, car_laps[1:], strict=False)
                   if after.driver != before.driver]
        assert len(stops) == (1 if car == "33" else 2) and out_laps == [n + 1 for n in stops] == changes, car
    assert [(lap.number, lap.pit_time, lap.driver) for lap in laps[CAR_007] if lap.pit_time] == [
        (21, pytest.approx(66.4), 2), (43, pytest.approx(71.2), 3)]
    assert [lap.driver for lap in laps["21"] if lap.pit_time] == [2, 1]
    assert laps["61"][36].pit_time == pytest.approx(1200.0)  # lap 37, the list's 37th


def test_safety_car_and_full_course_yellow_laps_are_flagged(laps):
    flags = [lap.flag for car_laps in laps.values() for lap in car_laps]
    assert (flags.count("SC"), flags.count("FCY"), flags.count("FF")) == (21, 9, 7)  # FF: the 7 cars running


@pytest.fixture(scope="module")
def race(lakeside_site):
    sessions = json.loads((lakeside_site / "data/lakeside-endurance/2025/results.json").read_text())["sessions"]
    return lakeside_site, next(s for s in sessions if s["session"] == "race")


def test_the_race_is_classified_from_its_laps_as_worked_out_in_the_readme(race):
    """The README's table: GT3 7, 21, 007 on 60 laps; GT4 40 (57), 48 and 44 (56); car 61, running
    but with 44 of its class winner's 57 laps (45.6 needed at min_distance 0.8), not classified;
    car 33, stopped after 35, retired. Intervals by hand: 007 is 9.814 - 5.973 = 3.841 behind 21;
    44 crossed 1:31:15.984 - 1:30:43.461 = 32.523 after 48 on the same lap."""
    _, session = race
    assert [(r["position"], r["car"], r["class"], r["class_position"], r["status"], r["laps"], r["gap"],
             r["interval"]) for r in session["rows"]] == [
        (1, "7", "GT3", 1, "classified", 60, None, None),
        (2, "21", "GT3", 2, "classified", 60, "+5.973", "+5.973"),
        (3, CAR_007, "GT3", 3, "classified", 60, "+9.814", "+3.841"),
        (4, "40", "GT4", 1, "classified", 57, "+3 Laps", "+3 Laps"),
        (5, "48", "GT4", 2, "classified", 56, "+4 Laps", "+1 Lap"),
        (6, "44", "GT4", 3, "classified", 56, "+4 Laps", "+32.523"),
        (7, "61", "GT4", 4, "nc", 44, "+16 Laps", None),
        (8, "33", "GT3", 4, "dnf", 35, "+25 Laps", None)]
    rows = {r["car"]: r for r in session["rows"]}
    assert (rows["7"]["time"], rows["33"]["time"]) == ("1:30:35.646", "53:35.339")


def test_best_laps_follow_the_marks_never_a_deleted_lap_or_lap_1(race):
    """Car 21's deleted lap 28 (1:24.700, the fastest time of the race) does not count: its best
    is lap 47, 1:25.313, and the class's fastest lap is car 7's 1:24.708. Car 48's lap 1
    (1:30.800) is faster than any other it ran, but its best is lap 45, 1:32.014."""
    _, session = race
    rows = {r["car"]: r for r in session["rows"]}
    assert [(car, rows[car]["best_lap"], rows[car]["best_lap_number"]) for car in ("7", "21", CAR_007, "48", "44")] == [
        ("7", "1:24.708", 38), ("21", "1:25.313", 47), (CAR_007, "1:24.819", 56), ("48", "1:32.014", 45),
        ("44", "1:31.200", 2)]
    assert [car for car, row in rows.items() if row["fastest_in_class"]] == ["7", "44"]


def test_laps_led_points_and_the_note_on_the_event_page(race):
    """Laps led (README): 7 45, 007 8, 21 6, 33 1. Points [25, 18, 15, ...] per class, classified
    cars only: GT3 7 25, 21 18, 007 15, 33 (retired) 0; GT4 40 25, 48 18, 44 15, 61 (nc) 0."""
    output, session = race
    rows = {r["car"]: r for r in session["rows"]}
    assert {car: row["laps_led"] for car, row in rows.items()} == {"7": 45, "21": 6, CAR_007: 8, "40": 0, "48": 0,
                                                                    "44": 0, "61": 0, "33": 1}
    assert {car: row["points"] for car, row in rows.items()} == {"7": 25, "21": 18, CAR_007: 15, "40": 25, "48": 18,
                                                                  "44": 15, "61": 0, "33": 0}
    page = BeautifulSoup((output / "lakeside-endurance/2025/lakeside/index.html").read_text(), "html.parser")
    assert page.find("section", id="race").select_one("p.from-laps").text.startswith(
        "Classification worked out from the per-lap timing")


@pytest.mark.parametrize("must_drive", [False, True])
def test_with_must_drive_a_crew_member_who_never_drove_scores_nothing(tmp_path, must_drive):
    """Car 21's export names two drivers (Soren Lindahl laps 1-19 and 41-60, Ben Carter 20-40:
    the fixture's README). A third crew member, Nina Reserve, is added to its entry and never drives:
    by default the whole crew is credited, so she scores what Soren scores; with `must_drive`
    she is not credited at all (not on the race row, no points)."""
    import shutil

    from click.testing import CliRunner

    from cupsite.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE / "site", site)
    base = site / "content/results/lakeside-endurance/2025"
    entries = base / "entries.yaml"
    entries.write_text(entries.read_text(encoding="utf-8").replace(
        "drivers: [Soren Lindahl, Ben Carter]", "drivers: [Soren Lindahl, Ben Carter, Nina Reserve]"),
        encoding="utf-8")
    (base / "lakeside").mkdir()
    shutil.copyfile(FIXTURE / "race.laps.csv", base / "lakeside/race.laps.csv")
    config = site / "cupsite.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "min_distance = 0.8", f"min_distance = 0.8\n  must_drive = {str(must_drive).lower()}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = tmp_path / "out/data/lakeside-endurance/2025"
    race = json.loads((data / "results.json").read_text(encoding="utf-8"))["sessions"][0]
    car_21 = next(row for row in race["rows"] if row["car"] == "21")
    standings = json.loads((data / "standings.json").read_text(encoding="utf-8"))
    points = {row["slug"]: row["points"] for c in standings["classes"] for row in c["standings"]}
    assert points["soren-lindahl"] == points["ben-carter"] == car_21["points"] > 0
    if must_drive:
        assert car_21["drivers"] == ["soren-lindahl", "ben-carter"]
        assert points["nina-reserve"] == 0
    else:
        assert car_21["drivers"] == ["soren-lindahl", "ben-carter", "nina-reserve"]
        assert points["nina-reserve"] == car_21["points"]
