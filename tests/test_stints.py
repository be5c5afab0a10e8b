"""Stints, pit stops, sectors and class gaps from a race's per-lap export (cupsite/stints.py,
session_scoring._race_class_gap), on laps built by hand, the hand-worked lap file and the relay
test site (tests/sites/relay, every figure worked out in its README.md)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from cupsite.errors import Problems
from cupsite.laps import analyse
from cupsite.load.classifications import SessionFile, read_laps
from cupsite.load.readers import alkamel_laps
from cupsite.model import Lap, ResultRow
from cupsite.session_scoring import _race_class_gap
from cupsite.stints import (
    CarTiming,
    Stint,
    best_lap_drivers,
    best_sectors,
    car_timing,
    car_timings,
    lap_drivers,
    laps_led_by,
    stints,
    timing_table,
    with_crew,
)

from .test_timing_fixtures import FIXTURES, demo_season  # noqa: F401  (demo_season is a fixture)


def laps_of(car: int | str, times: list[float], drivers: list[int | None], **columns) -> list[Lap]:
    """A car's laps from lap times and who drove each; elapsed is their running sum. `columns`
    gives per-lap lists of the other fields (pit, pit_time, sectors, top_speed)."""
    laps, elapsed = [], 0.0
    for index, (time, driver) in enumerate(zip(times, drivers, strict=True)):
        elapsed += time
        laps.append(Lap(str(car), index + 1, time, elapsed, driver,
                        **{name: values[index] for name, values in columns.items()}))
    return laps


def test_a_stint_ends_where_the_driver_changes():
    """Drivers 1, 1, 2, 2, 2, 1: three stints. Times at the wheel: 100 + 101 = 201;
    130 + 99 + 100 = 329; 98. The car led after laps 2, 3 and 6 (positions 2, 1, 1, 3, 2, 1):
    1 lap in the first stint, 1 in the second, 1 in the third."""
    laps = laps_of(5, [100, 101, 130, 99, 100, 98], [1, 1, 2, 2, 2, 1])
    assert stints(laps, (2, 1, 1, 3, 2, 1)) == (
        Stint(1, 1, 2, 2, 201.0, led=1),
        Stint(2, 3, 5, 3, 329.0, led=1),
        Stint(1, 6, 6, 1, 98.0, led=1),
    )


def test_no_stints_when_the_export_does_not_say_who_drove():
    assert stints(laps_of(5, [100, 101], [None, None])) == ()


def test_pit_stops_are_the_laps_into_the_pits_and_the_pit_time_their_sum():
    """Laps 3 and 7 end in the pit lane: 2 stops; the export times them on the out laps,
    58.3 s and 61.2 s: 119.5 s in all."""
    pit = [False, False, True, False, False, False, True, False]
    pit_time = [None, None, None, 58.3, None, None, None, 61.2]
    laps = laps_of(8, [100] * 8, [1] * 8, pit=pit, pit_time=pit_time)
    timing = car_timing(laps, analyse(laps, {}).car("8"))
    assert (timing.pit_stops, timing.pit_time) == (2, 119.5)


def test_pit_stops_are_counted_from_the_pit_times_when_no_lap_is_marked_in_the_pits():
    """No CROSSING_FINISH_LINE_IN_PIT marks, PIT_TIME on laps 2 and 4 (a zero is no stop): 2 stops, 90 s."""
    laps = laps_of(8, [100] * 5, [1] * 5, pit_time=[None, 45.0, 0.0, 45.0, None])
    timing = car_timing(laps, analyse(laps, {}).car("8"))
    assert (timing.pit_stops, timing.pit_time) == (2, 90.0)


def test_no_pit_stop_and_no_pit_time_without_the_columns():
    laps = laps_of(8, [100] * 3, [1] * 3)
    timing = car_timing(laps, analyse(laps, {}).car("8"))
    assert (timing.pit_stops, timing.pit_time, timing.best_sectors, timing.ideal_lap, timing.top_speed) == \
        (0, None, (), None, None)


def test_best_sectors_ideal_lap_and_top_speed():
    """S1 best 26.1 (lap 2), S2 best 34.2 (lap 1; lap 3's 0 is a missing time), S3 best 25.5
    (lap 3; lap 2 has none): ideal 26.1 + 34.2 + 25.5 = 85.8. Top speed: the highest, 241.3."""
    sectors = [(26.4, 34.2, 25.9), (26.1, 34.5, None), (26.3, 0.0, 25.5)]
    laps = laps_of(3, [86.5, 86.9, 86.7], [1, 1, 1], sectors=sectors, top_speed=[239.0, 241.3, None])
    timing = car_timing(laps, analyse(laps, {}).car("3"))
    assert timing.best_sectors == (26.1, 34.2, 25.5)
    assert timing.ideal_lap == 85.8
    assert timing.top_speed == 241.3


def test_no_ideal_lap_when_a_sector_was_never_timed():
    """S2 is missing on both laps: the best sectors are (26.0, None) and there is no ideal lap."""
    assert best_sectors(laps_of(3, [86, 87], [1, 1], sectors=[(26.0, None), (26.2, None)])) == (26.0, None)
    assert CarTiming((), 0, None, (26.0, None), None, 0.0).ideal_lap is None


def test_the_crew_names_each_stint_and_an_unknown_number_names_nobody():
    timing = CarTiming((Stint(1, 1, 3, 3, 300.0), Stint(2, 4, 6, 3, 290.0)), 1, None, (), None, 590.0)
    named = with_crew(timing, ("ann-ash", "bo-birch"))
    assert [s.slug for s in named.stints] == ["ann-ash", "bo-birch"] and named.drivers_known
    past = with_crew(timing, ("ann-ash",))  # driver 2 of a crew of one
    assert [s.slug for s in past.stints] == ["ann-ash", ""] and not past.drivers_known
    odd = CarTiming((Stint(0, 1, 3, 3, 300.0), Stint(-1, 4, 6, 3, 290.0)), 1, None, (), None, 590.0)
    assert [s.slug for s in with_crew(odd, ("ann-ash", "bo-birch")).stints] == ["", ""]  # no driver 0 or -1


def row_with(timing, laps_led=3, best_lap=5):
    return SimpleNamespace(drivers=("ann-ash", "bo-birch"), timing=timing, laps_led=laps_led, best_lap=best_lap)


def test_laps_led_and_the_best_lap_go_to_the_driver_of_those_laps():
    """Ann drove laps 1-3 and led 2 of them, Bo laps 4-6 and led 1; the best lap, lap 5, is Bo's."""
    timing = with_crew(CarTiming((Stint(1, 1, 3, 3, 300.0, led=2), Stint(2, 4, 6, 3, 290.0, led=1)),
                                 1, None, (), None, 590.0, fastest_lap=5), ("ann-ash", "bo-birch"))
    row = row_with(timing)
    assert (laps_led_by(row, "ann-ash"), laps_led_by(row, "bo-birch")) == (2, 1)
    assert best_lap_drivers(row) == ("bo-birch",)
    assert lap_drivers(row, 2) == ("ann-ash",)
    # the classification's best lap number comes first; without it, the export's fastest lap
    assert best_lap_drivers(row_with(timing, best_lap=None)) == ("bo-birch",)
    assert best_lap_drivers(row_with(timing, best_lap=1)) == ("ann-ash",)


def test_without_drivers_in_the_export_the_whole_crew_is_credited():
    for timing in (None, CarTiming((), 0, None, (), None, 590.0),
                   with_crew(CarTiming((Stint(3, 1, 6, 6, 590.0, led=3),), 0, None, (), None, 590.0), ("ann-ash",))):
        row = row_with(timing)
        assert best_lap_drivers(row) == ("ann-ash", "bo-birch")
        assert laps_led_by(row, "ann-ash") == laps_led_by(row, "bo-birch") == 3


# --- class gaps ---------------------------------------------------------------------------------

def test_a_lapped_class_is_timed_from_its_total_times():
    """Both GT4 cars are a lap down on the overall winner ("+1 Lap") but on the same lap:
    12:07.775 − 12:04.000 = 3.775 s."""
    leader = ResultRow(3, "44", laps=5, time="12:04.000", gap="+1 Lap")
    second = ResultRow(4, "40", laps=5, time="12:07.775", gap="+1 Lap")
    assert _race_class_gap(second, leader) == "+3.775"


def test_a_lapped_class_is_timed_from_the_last_crossings_of_the_per_lap_export():
    """No total times: the per-lap export's elapsed at the last crossing, 727.775 − 724.000."""
    leader = ResultRow(3, "44", laps=5, gap="+1 Lap", timing=CarTiming((), 1, None, (), None, 724.0))
    second = ResultRow(4, "40", laps=5, gap="+1 Lap", timing=CarTiming((), 1, None, (), None, 727.775))
    assert _race_class_gap(second, leader) == "+3.775"


def test_an_export_that_ends_before_the_classification_does_not_time_the_gap():
    """#40's export stops after lap 4 (its elapsed then, 588.5, is no finishing time) while the
    classification gives 5 laps: its total times decide, 12:07.775 − 12:04.000."""
    leader = ResultRow(3, "44", laps=5, time="12:04.000", gap="+1 Lap",
                       timing=CarTiming((), 1, None, (), None, 724.0, completed=5))
    second = ResultRow(4, "40", laps=5, time="12:07.775", gap="+1 Lap",
                       timing=CarTiming((), 1, None, (), None, 588.5, completed=4))
    assert _race_class_gap(second, leader) == "+3.775"


def test_class_gaps_in_laps_and_on_the_lead_lap_are_as_before():
    """A lap fewer than the class leader: "+1 Lap". On the overall lead lap: 2.000 − 0.500 = 1.500.
    Lapped, with nothing to time it by: no class gap (the page shows the overall gap)."""
    def gap(position, laps, written, leader_laps, leader_gap):
        return _race_class_gap(ResultRow(position, "40", laps=laps, gap=written),
                               ResultRow(3, "44", laps=leader_laps, gap=leader_gap))

    assert gap(4, 4, "+2 Laps", 5, "+1 Lap") == "+1 Lap"
    assert gap(5, 6, "+2.000", 6, "+0.500") == "+1.500"
    assert gap(4, 5, "+1 Lap", 5, "+1 Lap") == ""


# --- the hand-worked lap file -------------------------------------------------------------------

def test_the_hand_worked_lap_file_gives_one_stint_per_car_and_its_finish(demo_season):  # noqa: F811
    """tests/fixtures/timing/laps-short.csv: every lap is driver 1's. Car 22: laps 1-5,
    88.4 + 86.3 + 85.7 + 86.2 + 86.3 = 432.9 s (its ELAPSED 7:12.900), led laps 3-5.
    Car 6 stopped after lap 4: 89.1 + 86.8 + 86.9 + 87.3 = 350.1 s (5:50.100)."""
    _, cars, _, event = demo_season
    file = SessionFile(FIXTURES / "laps-short.csv", event, "race-1", alkamel_laps.READER)
    laps = read_laps(file, cars, Problems(FIXTURES)).laps
    timings = car_timings(laps, analyse(laps, {"6": "PRO", "12": "PRO", "22": "PRO"}))
    assert timings["22"].stints == (Stint(1, 1, 5, 5, 432.9, led=3, slug="ryan-yardley"),)  # DRIVER_NAME names him
    assert timings["6"].stints == (Stint(1, 1, 4, 4, 350.1, led=0, slug="zachary-vanier"),)
    assert (timings["22"].finished_at, timings["6"].finished_at) == (432.9, 350.1)
    assert timings["22"].pit_stops == 0


def test_the_hand_worked_lap_file_gives_best_sectors_and_top_speeds(demo_season):  # noqa: F811
    """Columns S1-S3 and TOP_SPEED of laps-short.csv. Car 22: S1 best 25.7 (lap 3), S2 34.3 (lap 3),
    S3 25.7 (lap 3): ideal 85.7 = 1:25.700; top speed 242.6 (lap 3). Car 12: 25.8 (lap 3),
    34.5 (lap 3), 25.6 (lap 1): ideal 85.9; top 241.8."""
    _, cars, _, event = demo_season
    file = SessionFile(FIXTURES / "laps-short.csv", event, "race-1", alkamel_laps.READER)
    laps = read_laps(file, cars, Problems(FIXTURES)).laps
    if not any(lap.sectors for lap in laps):
        pytest.skip("the per-lap reader does not read sector times yet (load/readers/alkamel_laps.py, issue 21)")
    timings = car_timings(laps, analyse(laps, {"6": "PRO", "12": "PRO", "22": "PRO"}))
    figures = {car: (timings[car].best_sectors, timings[car].ideal_lap, timings[car].top_speed) for car in ("22", "12")}
    assert figures == {"22": ((25.7, 34.3, 25.7), 85.7, 242.6), "12": ((25.8, 34.5, 25.6), 85.9, 241.8)}


# --- the relay site -----------------------------------------------------------------------------

def test_results_json_carries_class_laps_led_stints_and_pit_stops(relay_site):
    """tests/sites/relay/README.md: #3 led 3 laps overall and in GT3; Nora Lind drove laps 1-3
    (5:30.500, led 2), Omar Haddad laps 4-6 (5:25.000, led 1); one stop. #44 led GT4 all 5 laps
    but no lap overall; #40 is 3.775 s behind it."""
    session = json.loads((relay_site / "data/relay-cup/2025/results.json").read_text())["sessions"][0]
    rows = {str(row["car"]): row for row in session["rows"]}  # car numbers are becoming text labels
    three = rows["3"]
    assert (three["laps_led"], three["class_laps_led"], three["pit_stops"]) == (3, 3, 1)
    assert three["stints"] == [
        {"driver": "nora-lind", "driver_number": 1, "first_lap": 1, "last_lap": 3, "laps": 3, "time": "5:30.500",
         "laps_led": 2},
        {"driver": "omar-haddad", "driver_number": 2, "first_lap": 4, "last_lap": 6, "laps": 3, "time": "5:25.000",
         "laps_led": 1},
    ]
    assert (rows["44"]["laps_led"], rows["44"]["class_laps_led"]) == (0, 5)
    assert (rows["40"]["gap"], rows["40"]["class_gap"]) == ("+1 Lap", "+3.775")
    no_columns = (three["pit_time"], three["best_sectors"], three["ideal_lap"], three["top_speed_kph"])
    assert no_columns == (None, [], None, None)  # the export has no PIT_TIME, sector or speed column


def test_the_lap_record_and_the_statistics_go_to_the_driver_of_the_lap(relay_site):
    """The fastest lap, 1:39.600, is #3's lap 2, driven by Nora Lind: the track's record is
    hers alone. Laps led: Nora Lind 2, Omar Haddad 1, Pia Moreau 1, Ravi Menon 2; fastest laps in
    class: Nora Lind (GT3) and Uma Reyes (#44's lap 1, the first of its three 2:18.000 laps)."""
    track = BeautifulSoup((relay_site / "tracks/harbour-park/index.html").read_text(), "html.parser")
    record = track.select_one(".lap-record").get_text(" ", strip=True)
    assert "1:39.600" in record and "Nora Lind" in record and "Omar Haddad" not in record

    def stat(driver: str, label: str) -> str:
        page = BeautifulSoup((relay_site / f"drivers/{driver}/index.html").read_text(), "html.parser")
        term = next(dt for dt in page.find_all("dt") if dt.get_text() == label)
        return term.find_next_sibling("dd").get_text()

    assert [stat(d, "Laps led") for d in ("nora-lind", "omar-haddad", "pia-moreau", "ravi-menon")] == \
        ["2", "1", "1", "2"]
    assert [stat(d, "Fastest laps") for d in ("nora-lind", "omar-haddad", "uma-reyes", "vic-stone")] == \
        ["1", "0", "1", "0"]


def test_the_race_page_shows_class_laps_led_and_the_timing_table(relay_site):
    """The GT4 table's Led column: #44 5 (class laps), #40 nothing; the timing table has a row
    per car, with stints and one stop each, and no sector or speed column (the export has none)."""
    page = BeautifulSoup((relay_site / "relay-cup/2025/harbour/index.html").read_text(), "html.parser")
    gt4 = page.select_one("#race-gt4 table.results")
    headers = [th.get_text(" ", strip=True) for th in gt4.select("thead th")]
    led = headers.index("Led")
    cells = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in gt4.select("tbody tr")]
    assert [(row[2], row[led]) for row in cells] == [("44", "5"), ("40", "")]
    timing = page.select_one("#race section.car-timing table")
    headers = [th.get_text(" ", strip=True) for th in timing.select("thead th")]
    assert headers == ["Ovr", "No.", "Class", "Stints", "Stops"]
    first = timing.select("tbody tr")[0]
    assert [li.get_text(" ", strip=True) for li in first.select("ol.stints li")] == \
        ["Pia Moreau 1–3 (3 laps, 5:30.000)", "Ravi Menon 4–6 (3 laps, 5:25.000)"]


def test_a_race_with_single_stints_and_no_pit_stops_has_no_timing_table():
    row = SimpleNamespace(timing=CarTiming((Stint(1, 1, 5, 5, 432.9),), 0, None, (), None, 432.9))
    assert timing_table([row, SimpleNamespace(timing=None)]) is None
    with_stop = SimpleNamespace(timing=CarTiming((Stint(1, 1, 5, 5, 432.9),), 1, None, (), None, 432.9))
    table = timing_table([row, with_stop])
    assert (table.shows_pit_stops, table.shows_stints, table.rows) == (True, False, (row, with_stop))
