"""Official timing's CSV exports: layouts read by column name, values as timing writes them,
names matched to the entry list, and broken files that each give a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cupsite.config import CarClass, Championship
from cupsite.errors import Problems
from cupsite.load.classifications import SessionFile, read_classification
from cupsite.load.readers import alkamel_classification
from cupsite.load.readers.alkamel import read_export
from cupsite.load.readers.alkamel_classification import classification_rows
from cupsite.load.readers.alkamel_laps import lap_rows
from cupsite.load.readers.base import Matching
from cupsite.model import Entry, Event, SessionInfo, Source
from cupsite.rules import PointsSystem
from cupsite.timing import parse_gap, parse_status, parse_time

ROOT = Path("/site")
CUP = Championship("cup", "Cup", "Cup", (CarClass("PRO", "ExxonMobil Pro", "#f28c28"),
                                         CarClass("PROAM", "Pro-Am", "#2e9e4f", ("PA",)),
                                         CarClass("MASTERS", "Solairus Aviation Masters", "#f2c500")),
                   PointsSystem({"race": (25, 20, 18)}))
CARS = {entry.number: entry for entry in (
    Entry("6", "PRO", "jdx-racing", ("zachary-vanier",), False, Source("entries.yaml")),
    Entry("22", "PRO", "topp-racing", ("ryan-yardley",), False, Source("entries.yaml")),
    Entry("41", "PRO", "jdx-racing", ("sabre-cook",), False, Source("entries.yaml")),
    Entry("14", "PROAM", "gmg-racing", ("james-sofronas",), False, Source("entries.yaml")),
    Entry("50", "MASTERS", "ruckus-racing", ("scott-blind",), False, Source("entries.yaml")),
    Entry("7", "PRO", "crew-racing", ("ana-lima", "jose-muller", "pieter-van-der-berg"), False,
          Source("entries.yaml")),
)}
NAMES = {"zachary-vanier": "Zachary Vanier", "ryan-yardley": "Ryan Yardley", "sabre-cook": "Sabré Cook",
         "james-sofronas": "James Sofronas", "scott-blind": "Scott Blind", "ana-lima": "Ana Lima",
         "jose-muller": "José Müller", "pieter-van-der-berg": "Pieter van der Berg"}
RACE = Event("cup", "2025", 6, "indianapolis", "Indianapolis", "ims", None, None, "UTC",
             (SessionInfo("race-1", "Race 1", "race", None),), Source("season.yaml"))


def read(text: str | bytes, name: str = "race-1.csv"):
    problems = Problems(ROOT)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    export = read_export(ROOT / name, data, problems)
    rows = classification_rows(export, CUP, CARS, NAMES, problems) if export and not export.is_laps else None
    return rows, problems


def messages(problems: Problems) -> list[str]:
    return [f"{p.line}: {p.message} | {p.hint}" for p in problems.items]


WEC_RACE = """\
POSITION;NUMBER;TEAM;DRIVER_1;DRIVER_2;DRIVER_3;DRIVER_4;DRIVER_5;VEHICLE;CLASS;STATUS;LAPS;TOTAL_TIME;GAP_FIRST;GAP_PREVIOUS;FL_LAPNUM;FL_TIME;FL_KPH
1;6;JDX Racing;Zachary Vanier;;;;;Porsche 911 GT3 Cup;PRO;Classified;24;40:53.280;-;-;9;1:25.832;164.6
2;22;Topp Racing;Ryan YARDLEY;;;;;Porsche 911 GT3 Cup;PRO;Classified;24;40:53.891;+0.611;+0.611;21;1'25.704;164.9
3;14;GMG Racing;SOFRONAS James;;;;;Porsche 911 GT3 Cup;PRO-AM;Classified;23;;+1 Lap;+1 Lap;5;1:27.101;162.2
4;50;Ruckus Racing;Scott Blind;;;;;Porsche;Solairus Aviation Masters;classified;21;;+3 Laps;+2 Laps;4;1:27.900;160.7
5;41;JDX Racing;Sabre Cook;;;;;Porsche 911 GT3 Cup;ExxonMobil Pro;RETIRED;10;;;;3;1:26.950;162.5
"""


def test_the_race_layout_is_read_by_column_name_into_the_result_model():
    rows, problems = read(WEC_RACE)
    assert messages(problems) == []
    assert [(r.position, r.car, r.status, r.laps) for r in rows] == [
        (1, "6", "classified", 24), (2, "22", "classified", 24), (3, "14", "classified", 23),
        (4, "50", "classified", 21), (5, "41", "dnf", 10)]
    winner, second, lapped, three_down, retired = rows
    assert (winner.time, winner.gap, winner.best, winner.best_lap, winner.speed) == (
        "40:53.280", "", "1:25.832", 9, 164.6)
    assert (second.gap, second.interval, second.best) == ("+0.611", "+0.611", "1:25.704")  # the apostrophe form too
    assert (lapped.gap, three_down.gap, three_down.interval) == ("+1 Lap", "+3 Laps", "+2 Laps")
    # each car's one driver, however written, is the entry list's crew: the row names nobody
    assert all(r.drivers == () for r in rows)
    assert retired.status == "dnf"


def test_a_layout_with_other_columns_and_split_names_reads_the_same():
    imsa = ("POSITION;NUMBER;STATUS;LAPS;TOTAL_TIME;GAP_FIRST;GAP_PREVIOUS;FL_LAPNUM;FL_TIME;FL_KPH;TEAM;CLASS;GROUP;"
            "DIVISION;VEHICLE;TIRES;IMSA_CarId;*Extra 9;DRIVER1_FIRSTNAME;DRIVER1_SECONDNAME;DRIVER1_COUNTRY;"
            "DRIVER2_FIRSTNAME;DRIVER2_SECONDNAME;DRIVER2_COUNTRY\n"
            "1;6;Classified;24;40:53.280;-;-;9;1:25.832;164.6;JDX Racing;PRO;;;Porsche;M;101;;Zachary;VANIER;USA;;;\n"
            "2;22;Classified;24;40:53.891;+0.611;+0.611;21;1:25.704;164.9;Topp Racing;PRO;;;Porsche;M;102;;Ryan;"
            "Yardley;USA;;;\n")
    rows, problems = read(imsa)
    assert messages(problems) == []
    assert [(r.car, r.time, r.gap, r.best, r.speed) for r in rows] == [
        ("6", "40:53.280", "", "1:25.832", 164.6), ("22", "40:53.891", "+0.611", "1:25.704", 164.9)]


def test_a_by_class_layout_gets_its_overall_gaps_from_laps_and_times():
    by_class = ("CLASS_TYPE;POS;PIC;NUMBER;TEAM;VEHICLE;DRIVERS;LAPS;ELAPSED;GAP_FIRST;GAP_PREVIOUS;BEST_LAP_NUM;"
                "BEST_LAP_TIME;BEST_LAP_KPH;\n"
                "PRO;1;1;6;JDX Racing;Porsche;Zachary Vanier;24;40:53.280;;;9;1:25.832;164.6;\n"
                "PRO;2;2;22;Topp Racing;Porsche;Ryan Yardley;24;40:55.000;+1.720;+1.720;21;1:25.704;164.9;\n"
                "PRO-AM;3;1;14;GMG Racing;Porsche;James Sofronas;23;40:58.000;;;5;1:27.101;162.2;\n")
    rows, problems = read(by_class)
    assert messages(problems) == []
    # the sheet's own gaps are to the class leader; the model's are to the overall leader
    assert [(r.car, r.gap, r.interval) for r in rows] == [("6", "", ""), ("22", "+1.720", "+1.720"),
                                                          ("14", "+1 Lap", "+1 Lap")]


def test_a_byte_order_mark_spaces_after_separators_trailing_separators_and_crlf_are_tolerated():
    text = ("\ufeffPOSITION; NUMBER; STATUS; LAPS; FL_TIME; CLASS;\r\n"
            "1; 6; Classified; 8; 1:26.384; PRO;\r\n"
            "2; 22; Classified; 9; 1:26.509; PRO;\r\n")
    rows, problems = read(text)
    assert messages(problems) == []
    assert [(r.position, r.car, r.laps, r.best) for r in rows] == [(1, "6", 8, "1:26.384"), (2, "22", 9, "1:26.509")]


@pytest.mark.parametrize(("written", "seconds"), [
    ("1:54.154", 114.154), ("1'58.056", 118.056), ("45:57.575", 2757.575), ("2:02:06.175", 7326.175),
    ("5:44'41.101", 20681.101), ("58.000", 58.0), ("116.119", 116.119), ("0:01:17.379", 77.379)])
def test_times_as_timing_sheets_write_them(written, seconds):
    assert parse_time(written) == pytest.approx(seconds)


@pytest.mark.parametrize(("written", "status"), [
    ("Classified", "classified"), ("CLASSIFIED", "classified"), ("Not classified", "nc"), ("NOT CLASSIFIED", "nc"),
    ("Retired", "dnf"), ("retired", "dnf"), ("DNF", "dnf"), ("DNS", "dns"), ("dsq", "dsq"), ("Disqualified", "dsq"),
    ("Not started", "dns"), ("NOT STARTED", "dns")])
def test_statuses_in_any_case(written, status):
    assert parse_status(written) == status


def test_total_times_are_shown_in_one_spelling():
    text = ("POSITION;NUMBER;LAPS;TOTAL_TIME;FL_TIME\n1;7;120;5:44'41.101;1'58.056\n2;6;119;2:02:06.175;1:54.154\n")
    rows, problems = read(text)
    assert [(r.time, r.best) for r in rows] == [("5:44:41.101", "1:58.056"), ("2:02:06.175", "1:54.154")]


def test_class_names_map_by_code_name_or_configured_timing_name():
    text = "POSITION;NUMBER;CLASS\n1;6;pro\n2;22;ExxonMobil Pro\n3;14;PA\n4;50;MASTERS\n"
    matching = Matching()
    problems = Problems(ROOT)
    rows = classification_rows(read_export(ROOT / "q.csv", text.encode(), problems), CUP, CARS, NAMES, problems,
                               matching)
    assert messages(problems) == [] and len(rows) == 4
    assert dict(matching.classes) == {("pro", "PRO"): 1, ("ExxonMobil Pro", "PRO"): 1, ("PA", "PROAM"): 1,
                                      ("MASTERS", "MASTERS"): 1}


def test_an_unknown_class_or_a_class_other_than_the_entry_lists_is_an_error():
    _, problems = read("POSITION;NUMBER;CLASS\n1;6;GT4\n2;14;PRO\n")
    found = messages(problems)
    assert len(found) == 2
    assert found[0].startswith("2: unknown class 'GT4' for car #6") and "timing_names" in found[0]
    assert found[1].startswith("3: car #14 races in 'PRO' (PRO) in the export but in PROAM in entries.yaml")


def test_driver_names_match_whatever_the_case_accents_or_order():
    text = ("POSITION;NUMBER;DRIVERS\n1;41;COOK Sabré\n2;6;vanier zachary\n"
            "3;7;LIMA Ana / José MÜLLER / VAN DER BERG Pieter\n")
    matching = Matching()
    problems = Problems(ROOT)
    rows = classification_rows(read_export(ROOT / "r.csv", text.encode(), problems), CUP, CARS, NAMES, problems,
                               matching)
    assert messages(problems) == []
    assert [r.drivers for r in rows] == [(), (), ()]
    assert matching.drivers == 5
    assert matching.spelt_differently["COOK Sabré"] == "sabre-cook"


def test_a_shared_car_whose_export_names_part_of_the_crew_credits_those_drivers():
    rows, problems = read("POSITION;NUMBER;DRIVER_1;DRIVER_2;DRIVER_3\n1;7;Pieter van der Berg;Ana Lima;\n")
    assert messages(problems) == []
    assert rows[0].drivers == ("pieter-van-der-berg", "ana-lima")


def test_an_unknown_driver_is_an_error_with_a_suggestion_never_a_new_driver():
    _, problems = read("POSITION;NUMBER;DRIVER_1\n1;6;Zachary VANNIER\n2;22;Scott Blind\n")
    found = messages(problems)
    assert found[0].startswith("2: no driver called 'Zachary VANNIER' in the entry list (car #6)")
    assert "did you mean Zachary Vanier?" in found[0]
    assert found[1].startswith("3: 'Scott Blind' drives car #50 in the entry list, not car #22")


def test_a_car_not_in_the_entry_list_is_an_error():
    _, problems = read("POSITION;NUMBER\n1;6\n2;404\n")
    assert messages(problems) == ["3: car #404 is not in the entry list | add it to entries.yaml, or check the "
                                  "number in the export"]


def test_a_class_position_that_contradicts_the_overall_order_is_an_error():
    _, problems = read("POSITION;NUMBER;PIC\n1;6;1\n2;14;1\n3;22;3\n")
    assert [m.split(" |")[0] for m in messages(problems)] == [
        "4: car #22 is P3 in class in the export, but P2 of PRO by the overall positions"]


@pytest.mark.parametrize(("data", "expected"), [
    ("POSITION,NUMBER,LAPS\n1,6,24\n", "1: the columns are separated by commas, not by semicolons"),
    ("POSITION;TEAM;LAPS\n1;JDX;24\n", "1: the classification has no NUMBER or NO or CAR column"),
    ("POSITION;NUMBER;FL_TIME\n1;6;1:6x.123\n", "2: the best lap is not valid: '1:6x.123'"),
    ("POSITION;NUMBER;GAP_FIRST\n1;6;-\n2;22;+about a second\n", "3: the gap is not valid: '+about a second'"),
    ("POSITION;NUMBER;STATUS\n1;6;Crashed\n", "2: the status is not valid: 'Crashed'"),
    ("POSITION;NUMBER\nfirst;6\n", "2: position is not valid: 'first'"),
    ("", "1: the file is empty"),
])
def test_broken_exports_give_a_clear_error_with_the_line(data, expected):
    _, problems = read(data)
    assert any(m.startswith(expected) for m in messages(problems)), messages(problems)


def test_latin_1_bytes_are_reported_with_their_line_and_how_to_convert():
    data = "POSITION;NUMBER;DRIVER_1\n1;6;Zachary Vanier\n2;41;Sabré Cook\n".encode("latin-1")
    _, problems = read(data)
    assert messages(problems) == ["3: the file is not UTF-8 text (byte 0xe9 on line 3) | export it again as UTF-8, "
                                  "or convert it, e.g. `iconv -f latin1 -t utf-8 old.csv > new.csv`"]


def test_a_duplicate_car_and_a_duplicate_position_are_errors(tmp_path):
    path = tmp_path / "race-1.csv"
    path.write_text("POSITION;NUMBER;LAPS\n1;6;24\n2;22;24\n3;6;24\n3;14;24\n", encoding="utf-8")
    problems = Problems(tmp_path)
    read_classification(SessionFile(path, RACE, "race-1", alkamel_classification.READER), CUP, CARS, NAMES, problems)
    found = [p.message for p in problems.items]
    assert any("car number" in m and "6" in m for m in found), found
    assert any("position" in m and "3" in m for m in found), found


def test_imsas_not_started_rows_without_a_position_follow_the_classified_cars():
    """As IMSA's Al Kamel export of the 2023 Long Beach race writes its two non-starters: no
    position, STATUS `Not started`."""
    rows, problems = read("POSITION;NUMBER;STATUS;LAPS\n1;6;Classified;78\n2;22;Classified;78\n;41;Not started;0\n")
    assert messages(problems) == []
    assert [(r.position, r.car, r.status) for r in rows] == [(1, "6", "classified"), (2, "22", "classified"),
                                                            (3, "41", "dns")]


def test_a_car_without_a_position_that_was_not_classified_follows_in_file_order():
    rows, problems = read("POSITION;NUMBER;STATUS\n1;6;Classified\n2;22;Classified\n;41;DNS\n")
    assert messages(problems) == []
    assert [(r.position, r.car, r.status) for r in rows] == [(1, "6", "classified"), (2, "22", "classified"),
                                                            (3, "41", "dns")]


LAPS_HEADER = ("NUMBER; DRIVER_NUMBER; LAP_NUMBER; LAP_TIME; LAP_IMPROVEMENT; CROSSING_FINISH_LINE_IN_PIT; S1; "
               "KPH; ELAPSED; HOUR;DRIVER_NAME;PIT_TIME;CLASS;FLAG_AT_FL;\n")


def read_laps(text: str):
    problems = Problems(ROOT)
    export = read_export(ROOT / "race-1.laps.csv", text.encode(), problems)
    return (lap_rows(export, CARS, problems) if export else None), problems


def test_a_per_lap_export_is_read_with_its_pit_and_flag_columns():
    laps, problems = read_laps(
        LAPS_HEADER + "6;1;1;1:31.402;0;;27.4;154.6;1:31.402;15:47:12.402;Zachary VANIER;;PRO;GF;\n"
        "6;1;2;2:05.000;0;B;27.4;120.0;3:36.402;15:49:17.402;Zachary VANIER;0:40.1;PRO;FCY;\n")
    assert messages(problems) == []
    assert [(lap.car, lap.number, lap.time, lap.elapsed, lap.driver, lap.pit, lap.flag) for lap in laps] == [
        ("6", 1, pytest.approx(91.402), pytest.approx(91.402), 1, False, "GF"),
        ("6", 2, pytest.approx(125.0), pytest.approx(216.402), 1, True, "FCY")]


# The per-lap layout of the WEC's Al Kamel "Analysis" export (23_Analysis_Race.CSV), column for
# column; the values are invented. The sectors are given three times (S1, S1_LARGE, S1_SECONDS):
# only S1, S2, S3 are read. PIT_TIME stands on the lap the car left the pits on, after the lap
# that ended in the pit lane (CROSSING_FINISH_LINE_IN_PIT "B"), with the new driver.
ANALYSIS_HEADER = ("NUMBER; DRIVER_NUMBER; LAP_NUMBER; LAP_TIME; LAP_IMPROVEMENT; CROSSING_FINISH_LINE_IN_PIT; S1; "
                   "S1_IMPROVEMENT; S2; S2_IMPROVEMENT; S3; S3_IMPROVEMENT; KPH; ELAPSED; HOUR;S1_LARGE;S2_LARGE;"
                   "S3_LARGE;TOP_SPEED;DRIVER_NAME;PIT_TIME;CLASS;GROUP;TEAM;MANUFACTURER;FLAG_AT_FL;S1_SECONDS;"
                   "S2_SECONDS;S3_SECONDS;\n")
ANALYSIS_LAPS = (
    "7;1;1;2:12.381;0;;37.526;0;1:02.835;0;32.020;0;187.1;2:12.381;14:03:04.538;0:37.526;1:02.835;0:32.020;244.6;"
    "Ana LIMA;;PRO;;Crew Racing;Porsche;GF;37.526;62.835;32.020;\n"
    "7;1;2;2:07.157;2;;35.407;2;59.531;0;32.219;0;198.3;4:19.538;14:05:11.695;0:35.407;0:59.531;0:32.219;296.1;"
    "Ana LIMA;;PRO;;Crew Racing;Porsche;GF;35.407;59.531;32.219;\n"
    "7;1;3;2:12.621;0;B;34.732;0;59.367;0;58.522;0;190.1;6:32.159;14:07:24.316;0:34.732;0:59.367;0:58.522;286.7;"
    "Ana LIMA;;PRO;;Crew Racing;Porsche;SC;34.732;59.367;58.522;\n"
    "7;2;4;3:08.024;0;;1:40.108;0;55.034;0;32.882;0;150.3;9:40.183;14:10:32.340;1:40.108;0:55.034;0:32.882;;"
    "José MÜLLER;0:01:08.633;PRO;;Crew Racing;Porsche;SC;100.108;55.034;32.882;\n")


def test_the_analysis_layout_gives_each_lap_its_mark_sectors_top_speed_and_pit_time():
    """Each value as the row writes it: lap 2 is marked 2 and its sectors 35.407 + 59.531 +
    32.219 make its 2:07.157 (127.157 s); the stop is lap 3 in (B) and lap 4 out, with 1:08.633
    (68.633 s) in the pit lane and driver 2 on board; lap 4's top speed is blank."""
    laps, problems = read_laps(ANALYSIS_HEADER + ANALYSIS_LAPS)
    assert messages(problems) == []
    assert [(lap.number, lap.improvement, lap.driver, lap.pit, lap.flag, lap.top_speed, lap.pit_time)
            for lap in laps] == [
        (1, 0, 1, False, "GF", 244.6, None), (2, 2, 1, False, "GF", 296.1, None),
        (3, 0, 1, True, "SC", 286.7, None), (4, 0, 2, False, "SC", None, pytest.approx(68.633))]
    assert laps[1].sectors == pytest.approx((35.407, 59.531, 32.219))
    assert sum(laps[1].sectors) == pytest.approx(laps[1].time)
    assert laps[3].sectors == pytest.approx((100.108, 55.034, 32.882))  # "1:40.108": a sector past a minute


def test_columns_the_export_lacks_leave_their_values_unknown():
    """No LAP_IMPROVEMENT: None (not 0, "no mark"); no sector columns: (); a blank sector: None."""
    laps, problems = read_laps("NUMBER;LAP_NUMBER;LAP_TIME;ELAPSED\n6;1;1:31.402;1:31.402\n")
    assert messages(problems) == []
    assert (laps[0].improvement, laps[0].sectors, laps[0].top_speed, laps[0].pit_time) == (None, (), None, None)
    laps, problems = read_laps("NUMBER;LAP_NUMBER;LAP_TIME;ELAPSED;S1;S2;S3;LAP_IMPROVEMENT\n"
                               "6;1;1:31.402;1:31.402;27.400;;30.100;\n")
    assert messages(problems) == []
    assert (laps[0].improvement, laps[0].sectors) == (0, (27.4, None, 30.1))  # a blank mark is no mark


def test_an_unreadable_mark_sector_top_speed_or_pit_time_is_an_error_with_its_line():
    text = ANALYSIS_HEADER + ANALYSIS_LAPS.replace("2:07.157;2;;35.407", "2:07.157;best;;35.4o7").replace(
        ";296.1;", ";fast;").replace("0:01:08.633", "soon")
    _, problems = read_laps(text)
    assert [m.split(" | ")[0] for m in messages(problems)] == [
        "3: the lap improvement mark is not valid: 'best'", "3: the S1 time is not valid: '35.4o7'",
        "3: the top speed is not valid: 'fast'", "5: the pit time is not valid: 'soon'"]


def test_a_gap_written_in_seconds_past_99_999_is_read():
    """Al Kamel writes a gap over a minute as seconds, "+116.119": 116.119 s, shown "+1:56.119"."""
    assert parse_gap("+116.119") == (0, pytest.approx(116.119))
    assert parse_gap("+1116.119") == (0, pytest.approx(1116.119))
    rows, problems = read(WEC_RACE.replace("40:53.891;+0.611;+0.611", "42:49.399;+116.119;+116.119"))
    assert messages(problems) == []
    assert (rows[1].gap, rows[1].interval) == ("+1:56.119", "+1:56.119")


def test_per_lap_exports_with_a_missing_column_a_repeated_lap_or_a_clock_running_back_are_errors():
    _, problems = read_laps("NUMBER;LAP_NUMBER;LAP_TIME\n6;1;1:31.402\n")
    assert messages(problems)[0].startswith("1: the per-lap export has no ELAPSED column")
    first_lap = "6;1;1;1:31.402;0;;;;1:31.402;;;;;GF;\n"
    _, problems = read_laps(LAPS_HEADER + first_lap + first_lap)
    assert messages(problems)[0].startswith("3: lap 1 of car #6 is listed twice (first on line 2)")
    _, problems = read_laps(LAPS_HEADER + first_lap + "6;1;2;1:31.402;0;;;;1:30.000;;;;;GF;\n")
    assert messages(problems)[0].startswith("3: car #6 ends lap 2 at 1:30.000, not after lap 1 (1:31.402)")
    _, problems = read_laps(LAPS_HEADER + "404;1;1;1:31.402;0;;;;1:31.402;;;;;GF;\n")
    assert messages(problems)[0].startswith("2: car #404 is not in the entry list")


CELLS = st.one_of(st.sampled_from(["", "-", "1", "12", "1:25.015", "1'58.056", "+1 Lap", "+0.611", "Retired",
                                   "PRO", "Pro-Am", "Zachary Vanier", "COOK Sabré", "GF", "FCY", "B"]),
                  st.text(max_size=12))
COLUMNS = st.sampled_from(["POSITION", "POS", "NUMBER", "PIC", "CLASS", "CLASS_TYPE", "STATUS", "LAPS", "TOTAL_TIME",
                           "ELAPSED", "GAP_FIRST", "GAP_PREVIOUS", "FL_LAPNUM", "FL_TIME", "FL_KPH", "DRIVER_1",
                           "DRIVER1_FIRSTNAME", "DRIVER1_SECONDNAME", "DRIVERS", "LAP_NUMBER", "LAP_TIME",
                           "DRIVER_NUMBER", "FLAG_AT_FL", "LAP_IMPROVEMENT", "S1", "S2", "S1_SECONDS", "TOP_SPEED",
                           "PIT_TIME", "OTHER"])


@settings(max_examples=200, deadline=None)
@given(st.lists(COLUMNS, min_size=1, max_size=8, unique=True),
       st.lists(st.lists(CELLS, max_size=9), max_size=6), st.sampled_from([";", "; ", ","]))
def test_any_export_is_read_or_reported_never_a_crash(columns, rows, separator):
    text = "\n".join(separator.join(cells) for cells in [columns, *rows]) + "\n"
    problems = Problems(ROOT)
    export = read_export(ROOT / "race-1.csv", text.encode("utf-8"), problems)
    if export is None:
        assert problems.items
        return
    result = lap_rows(export, CARS, problems) if export.is_laps else \
        classification_rows(export, CUP, CARS, NAMES, problems)
    assert result is not None or problems.items
    assert all(problem.hint for problem in problems.items)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_reported_never_a_crash(data):
    problems = Problems(ROOT)
    export = read_export(ROOT / "race-1.csv", data, problems)
    assert export is not None or problems.items


def test_a_laps_driver_name_names_the_driver_whatever_the_order_of_the_crew():
    """Car 7's crew in entries.yaml is Ana Lima, José Müller, Pieter van der Berg; the export
    numbers its own list, in which Müller is driver 1. DRIVER_NAME settles who drove: lap 1 is
    Müller's, lap 2 Lima's, whatever DRIVER_NUMBER's place in the entry list would say."""
    laps, problems = read_laps(
        LAPS_HEADER + "7;1;1;1:31.402;0;;27.4;154.6;1:31.402;15:47:12.402;José MÜLLER;;PRO;GF;\n"
        "7;2;2;1:31.000;0;;27.4;154.6;3:02.402;15:48:43.402;LIMA Ana;;PRO;GF;\n")
    assert messages(problems) == []
    assert [(lap.driver, lap.driver_name) for lap in laps] == [(1, "jose-muller"), (2, "ana-lima")]


def test_a_laps_driver_outside_the_crew_is_reported_once():
    laps, problems = read_laps(
        LAPS_HEADER + "7;1;1;1:31.402;0;;27.4;154.6;1:31.402;15:47:12.402;Sam STRANGER;;PRO;GF;\n"
        "7;1;2;1:31.000;0;;27.4;154.6;3:02.402;15:48:43.402;Sam STRANGER;;PRO;GF;\n")
    assert messages(problems) == ["2: 'Sam STRANGER' drives car #7 here, but is not in its crew in entries.yaml | "
                                  "add the driver to the car's crew, or correct the export"]


def test_a_classification_naming_the_whole_crew_in_its_own_order_keeps_that_order():
    """The per-lap DRIVER_NUMBER counts the classification's list of the crew, so a crew written
    in another order than the entry list's is kept as written (the same order gives ())."""
    header = "POSITION;NUMBER;STATUS;LAPS;CLASS;DRIVER_1;DRIVER_2;DRIVER_3\n"
    rows, problems = read(header + "1;7;Classified;20;PRO;Pieter van der Berg;Ana Lima;José Müller\n")
    assert messages(problems) == []
    assert rows[0].drivers == ("pieter-van-der-berg", "ana-lima", "jose-muller")
    rows, _ = read(header + "1;7;Classified;20;PRO;Ana Lima;José Müller;Pieter van der Berg\n")
    assert rows[0].drivers == ()


def test_a_driver_number_past_the_crew_without_a_driver_name_is_warned_once():
    """Car 6's crew is one driver; laps driven by its DRIVER_NUMBER 3 (no DRIVER_NAME to say who)
    cannot be credited to one driver: one warning, with the line of the first such lap."""
    laps, problems = read_laps(
        LAPS_HEADER + "6;3;1;1:31.402;0;;27.4;154.6;1:31.402;15:47:12.402;;;PRO;GF;\n"
        "6;3;2;1:31.000;0;;27.4;154.6;3:02.402;15:48:43.402;;;PRO;GF;\n")
    assert [lap.driver for lap in laps] == [3, 3]
    assert messages(problems) == []
    assert [f"{w.line}: {w.message}" for w in problems.warnings] == [
        "2: car #6 is driven here by its driver 3, but its crew in entries.yaml has 1: those laps are credited "
        "to the whole crew"]
