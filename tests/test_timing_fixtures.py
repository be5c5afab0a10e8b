"""The timing-export fixtures of tests/fixtures/timing/ (see its README): round 6 of the demo
season in four layouts, broken files, a hand-worked lap file and a shared-car endurance race."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cupsite.build import build
from cupsite.config import load_config
from cupsite.errors import Problems
from cupsite.laps import analyse
from cupsite.load.classifications import SessionFile, read_classification, read_laps
from cupsite.load.readers import alkamel_classification, alkamel_laps
from cupsite.load.results import load_season
from cupsite.timing import format_time
from cupsite.yamlio import load_yaml

from .conftest import ROOT, SITES, copy_site

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "timing"
ROUND_6 = ROOT / "content/results/carrera-cup/2025/indianapolis"


@pytest.fixture(scope="module")
def demo_season():
    config = load_config(ROOT / "cupsite.toml")
    championship = config.championship("carrera-cup")
    names: dict = {}
    season = load_season(ROOT / "content/results/carrera-cup/2025", championship, Problems(ROOT), names)
    event = next(e for e in season.events if e.slug == "indianapolis")
    driver_names = {slug: name for (kind, slug), name in names.items() if kind == "driver"}
    return championship, {e.number: e for e in season.entries}, driver_names, event


def read_fixture(demo_season, path: Path, session: str):
    championship, cars, names, event = demo_season
    problems = Problems(FIXTURES)
    file = SessionFile(path, event, session, alkamel_classification.READER)
    result = read_classification(file, championship, cars, names, problems)
    return result, problems


@pytest.mark.parametrize("session", ["practice-1", "practice-2", "qualifying", "race-1", "race-2"])
def test_each_layout_of_round_6_gives_the_rows_of_the_hand_written_classification(demo_season, session):
    result, problems = read_fixture(demo_season, FIXTURES / "round-6" / f"{session}.csv", session)
    assert [p.format() for p in problems.items] == []
    written = load_yaml((ROUND_6 / f"{session}.yaml").read_text(encoding="utf-8"))["results"]
    by_class = session == "qualifying"  # its sheet measures gaps within each class
    expected = [(r["pos"], str(r["car"]), {"dnf": "dnf"}.get(r.get("status"), "classified"), r.get("laps"),
                 r.get("best", ""), r.get("best_lap") if session.startswith("race") else None,
                 "" if by_class else r.get("gap", "")) for r in written]
    found = [(r.position, r.car, r.status, r.laps, r.best, r.best_lap if session.startswith("race") else None,
              "" if by_class else r.gap) for r in result.rows]
    assert found == expected
    if "time" in written[0]:
        assert result.rows[0].time == written[0]["time"]


@pytest.mark.parametrize(("name", "expected"), [
    ("comma-separated.csv", "1: the columns are separated by commas, not by semicolons"),
    ("latin-1.csv", "5: the file is not UTF-8 text (byte 0xe9 on line 5)"),
    ("missing-number.csv", "1: the classification has no NUMBER or NO or CAR column"),
    ("duplicate-car.csv", "car number"),
    ("unknown-car.csv", "4: car #77 is not in the entry list"),
    ("unknown-driver.csv", "3: no driver called 'Riley DIKINSON' in the entry list (car #12)"),
    ("unknown-class.csv", "3: unknown class 'GT4' for car #12"),
    ("bad-time.csv", "4: the best lap is not valid: '1:6x.123'"),
])
def test_each_broken_export_gives_one_clear_error_naming_the_line(demo_season, name, expected):
    result, problems = read_fixture(demo_season, FIXTURES / "broken" / name, "practice-1")
    found = [f"{p.line}: {p.message}" if p.line else p.message for p in problems.items]
    assert result is None or problems.items
    assert any(expected in message for message in found), found
    assert all(p.hint for p in problems.items)


def test_a_per_lap_export_without_elapsed_times_is_refused(demo_season):
    _, cars, _, event = demo_season
    problems = Problems(FIXTURES)
    file = SessionFile(FIXTURES / "broken/laps-missing-elapsed.csv", event, "race-1", alkamel_laps.READER)
    assert read_laps(file, cars, problems) is None
    assert [p.message for p in problems.items] == ["the per-lap export has no ELAPSED column"]


def test_the_hand_worked_lap_file_gives_the_positions_and_leaders_worked_out_by_hand(demo_season):
    _, cars, _, event = demo_season
    problems = Problems(FIXTURES)
    laps = read_laps(SessionFile(FIXTURES / "laps-short.csv", event, "race-1", alkamel_laps.READER), cars, problems)
    assert problems.items == []
    race = analyse(laps.laps, {6: "PRO", 12: "PRO", 22: "PRO"})
    assert race.car("12").positions == (1, 1, 2, 2, 2)
    assert race.car("22").positions == (2, 2, 1, 1, 1)
    assert race.car("6").positions == (3, 3, 3, 3, None)
    assert (race.car("12").led, race.car("22").led, race.car("6").led) == (2, 3, 0)


def test_round_6_built_from_timing_exports_gives_the_same_standings_and_pages(tmp_path, demo_site):
    site = copy_site(ROOT, tmp_path / "site")
    folder = site / "content/results/carrera-cup/2025/indianapolis"
    for path in folder.glob("*.yaml"):
        path.unlink()
    for path in (FIXTURES / "round-6").glob("*.csv"):
        shutil.copy(path, folder / path.name)
    assert not list(folder.glob("*.yaml"))
    exported = build(site / "cupsite.toml", tmp_path / "output").output

    def files(output):
        # (the search index's file names are digests of the words indexed, and an export has other words)
        return sorted(p.relative_to(output).as_posix() for p in output.rglob("*")
                      if p.is_file() and "pagefind" not in p.parts)

    assert files(exported) == files(demo_site)
    standings = "data/carrera-cup/2025/standings.json"
    assert json.loads((exported / standings).read_text()) == json.loads((demo_site / standings).read_text())
    for page in ("carrera-cup/2025/standings/index.html", "carrera-cup/2025/standings/after-round-6/index.html"):
        assert (exported / page).read_bytes() == (demo_site / page).read_bytes(), page

    def round_6_rows(output):
        results = json.loads((output / "data/carrera-cup/2025/results.json").read_text())["sessions"]
        shared = ("position", "class", "class_position", "car", "drivers", "team", "status", "laps", "time", "gap",
                  "best_lap", "fastest_in_class", "points", "laps_led")
        # the practice and qualifying exports say on which lap each best time was set; the YAML does not
        with_lap = ("best_lap_number",)
        return {s["session"]: [{k: r[k] for k in shared + (with_lap if s["type"] == "race" else ())}
                               for r in s["rows"]] for s in results
                if s["event"] == "carrera-cup/2025/indianapolis"}

    from_exports, hand_written = round_6_rows(exported), round_6_rows(demo_site)
    assert set(from_exports) == {"practice-1", "practice-2", "qualifying", "race-1", "race-2"}
    for session in ("practice-1", "practice-2", "race-1", "race-2"):
        assert from_exports[session] == hand_written[session], session
    # qualifying's by-class sheet has no overall gaps: they are worked out from the best laps, as in the YAML
    assert [{**r, "gap": None} for r in from_exports["qualifying"]] == \
        [{**r, "gap": None} for r in hand_written["qualifying"]]


def test_the_demo_race_pages_show_lap_charts_from_the_per_lap_exports(demo_site):
    page = BeautifulSoup((demo_site / "carrera-cup/2025/indianapolis/index.html").read_text(), "html.parser")
    for race in ("race-1", "race-2"):
        section = page.find("section", id=race)
        charts = section.select("figure.lap-chart")
        assert [c.find("svg").find("title").text.split(":")[0] for c in charts] == [
            "ExxonMobil Pro", "Pro-Am", "Solairus Aviation Masters"]
        assert all(len(c.select("g.line polyline")) >= 5 for c in charts)
    race_1_pro = page.find("section", id="race-1").select_one("figure.lap-chart")
    assert "#6 led every lap" in race_1_pro.find("figcaption").text  # Vanier led from lap 1 (domain brief)
    assert len(race_1_pro.select("g.cautions rect")) == 2  # the two long cautions
    results = json.loads((demo_site / "data/carrera-cup/2025/results.json").read_text())["sessions"]
    race_1 = next(s for s in results if s["event"] == "carrera-cup/2025/indianapolis" and s["session"] == "race-1")
    assert next(r for r in race_1["rows"] if r["car"] == "6")["laps_led"] == 24
    assert sum(r["laps_led"] for r in race_1["rows"]) == 24


def test_a_shared_car_endurance_race_read_only_from_its_export_credits_each_crew(tmp_path):
    output = build(SITES / "endurance" / "cupsite.toml", tmp_path / "output").output
    results = json.loads((output / "data/endurance-cup/2025/results.json").read_text())["sessions"]
    race = next(s for s in results if s["session"] == "race")
    assert [(r["position"], r["car"], r["class"], r["class_position"], r["status"], r["laps"])
            for r in race["rows"]] == [
        (1, "7", "GT3", 1, "classified", 112), (2, "3", "GT3", 2, "classified", 112),
        (3, "44", "GT4", 1, "classified", 104), (4, "48", "GT4", 2, "classified", 103), (5, "21", "GT3", 3, "dnf", 109),
        (6, "40", "GT4", 3, "dns", 0)]
    rows = {r["car"]: r for r in race["rows"]}
    assert rows["7"]["time"] == "4:01:12.345" and rows["3"]["gap"] == "+7.812" and rows["44"]["gap"] == "+8 Laps"
    assert rows["48"]["interval"] == "+1 Lap" and rows["3"]["best_lap"] == "1:59.612"
    assert rows["3"]["best_lap_kph"] == 181.2
    assert set(rows["3"]["drivers"]) == {"jose-muller", "erik-van-der-berg", "tom-hale"}
    assert set(rows["44"]["drivers"]) == {"zoe-parker", "jonas-weiss", "dan-okoro"}
    standings = json.loads((output / "data/endurance-cup/2025/standings.json").read_text())
    points = {row["slug"]: row["points"] for car_class in standings["classes"] for row in car_class["standings"]}
    for driver in ("chloe-dubois", "marcus-reed", "ana-pereira", "zoe-parker", "jonas-weiss", "dan-okoro"):
        assert points[driver] == 35, driver
    for driver in ("erik-van-der-berg", "jose-muller", "tom-hale", "renee-laurent", "pat-kowal", "sam-ito"):
        assert points[driver] == 30, driver
    assert points["soren-lindahl"] == 0 and points.get("ingrid-hoff", 0) == 0


def test_laps_led_from_the_per_lap_exports_count_in_the_drivers_statistics(demo_site):
    def laps_led(slug):
        page = BeautifulSoup((demo_site / f"drivers/{slug}/index.html").read_text(), "html.parser")
        term = page.find("dt", string="Laps led")
        return term.find_next_sibling("dd").text if term else None

    # race 1: Vanier led all 24 laps; race 2: Jeansonne led all 28 (the fixtures' README)
    assert (laps_led("zachary-vanier"), laps_led("aaron-jeansonne")) == ("24", "28")
    assert laps_led("scott-blind") is None  # led his class, never the race


def short_laps(cars_and_times: dict[int, list[float]]) -> str:
    """A per-lap export of the given lap times (seconds) per car, all green."""
    rows = ["NUMBER; DRIVER_NUMBER; LAP_NUMBER; LAP_TIME; ELAPSED; FLAG_AT_FL;"]
    for car, times in cars_and_times.items():
        elapsed = 0.0
        for number, lap_time in enumerate(times, start=1):
            elapsed += lap_time
            rows.append(f"{car};1;{number};{format_time(lap_time)};{format_time(elapsed)};GF;")
    return "\n".join(rows) + "\n"


def test_a_per_lap_export_fills_the_fastest_laps_a_classification_leaves_out(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    folder = site / "content/results/cup/2024/beta"
    (folder / "race-1.yaml").write_text(
        "results:\n  - {pos: 1, car: 3, laps: 3}\n  - {pos: 2, car: 2, laps: 3, gap: '+1.500'}\n", encoding="utf-8")
    (folder / "race-1.laps.csv").write_text(short_laps({3: [96.0, 95.0, 95.5], 2: [96.5, 95.9, 95.1]}),
                                            encoding="utf-8")
    output = build(site / "cupsite.toml", tmp_path / "output").output
    race = next(s for s in json.loads((output / "data/cup/2024/results.json").read_text())["sessions"]
                if s["event"] == "cup/2024/beta")
    assert [(r["car"], r["best_lap"], r["best_lap_number"], r["laps_led"]) for r in race["rows"]] == [
        ("3", "1:35.000", 2, 3), ("2", "1:35.100", 3, 0)]


def test_the_laps_of_a_session_other_than_a_race_need_its_classification_but_a_broken_one_is_not_blamed_twice(
        tmp_path):
    """A qualifying is not classified by laps covered, so its laps alone are an error; a race's
    broken classification is reported once, and not replaced by one worked out from its laps."""
    from cupsite.errors import ContentErrors

    site = copy_site(SITES / "mini", tmp_path / "site")
    laps = short_laps({3: [96.0, 95.0], 2: [97.0, 95.5]})
    (site / "content/results/cup/2024/alpha/qualifying.yaml").unlink()
    (site / "content/results/cup/2024/alpha/qualifying.laps.csv").write_text(laps, encoding="utf-8")
    (site / "content/results/cup/2024/beta/race-1.laps.csv").write_text(laps, encoding="utf-8")
    (site / "content/results/cup/2024/beta/race-1.yaml").write_text("results: nothing\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as failure:
        build(site / "cupsite.toml", tmp_path / "output")
    found = [(e.path, e.message) for e in failure.value.errors]
    assert found == [
        ("content/results/cup/2024/alpha/qualifying.laps.csv", "the per-lap export of 'qualifying' has no "
         "classification beside it"),
        ("content/results/cup/2024/beta/race-1.yaml", "the classification should hold a list `results:`")]


def test_a_race_filed_with_only_its_laps_gets_a_classification_worked_out_from_them(tmp_path):
    """Gamma's race 1 as laps alone, with the season's rules asking for 75 % of the class
    winner's laps. Elapsed at each car's last lap (lap times in the test):
      3 (A): 96, 95, 95, 95           = 381 after 4 laps: the flag falls
      2 (A): 95.5, 95.2, 95.4, 95.6   = 381.7 after 4: +0.700
      7 (B): 99, 98, 98, 98           = 393 after 4: +12.000, 11.300 behind car 2
      1 (A): 97, 96, 96               = 289 after 3, before the flag: retired, +1 Lap
      8 (B): 100, 300                 = 400 after 2, running at the flag but short of 0.75 x 4 = 3
                                        laps of its class winner (car 7): not classified, +2 Laps
    Car 2 leads laps 1-2 (95.5 < 96, 190.7 < 191), car 3 laps 3-4 (286 < 286.1). Best laps from
    lap 2 on: 3 1:35.000 (lap 2, the first of three), 2 1:35.200 (lap 2; its 95.5 lap 1 does not
    count). Points (race [10, 6, 4, 3], classified cars only): A 3 10, 2 6, 1 0; B 7 10, 8 0."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    season = site / "content/results/cup/2024/season.yaml"
    season.write_text(season.read_text(encoding="utf-8") + "points:\n  min_distance: 0.75\n", encoding="utf-8")
    (site / "content/results/cup/2024/gamma").mkdir(exist_ok=True)
    (site / "content/results/cup/2024/gamma/race-1.laps.csv").write_text(short_laps({
        3: [96, 95, 95, 95], 2: [95.5, 95.2, 95.4, 95.6], 7: [99, 98, 98, 98], 1: [97, 96, 96], 8: [100, 300]}),
        encoding="utf-8")
    output = build(site / "cupsite.toml", tmp_path / "output").output
    race = next(s for s in json.loads((output / "data/cup/2024/results.json").read_text())["sessions"]
                if s["event"] == "cup/2024/gamma")
    assert [(r["position"], r["car"], r["class"], r["status"], r["laps"], r["gap"], r["interval"])
            for r in race["rows"]] == [
        (1, "3", "A", "classified", 4, None, None), (2, "2", "A", "classified", 4, "+0.700", "+0.700"),
        (3, "7", "B", "classified", 4, "+12.000", "+11.300"), (4, "1", "A", "dnf", 3, "+1 Lap", None),
        (5, "8", "B", "nc", 2, "+2 Laps", None)]
    rows = {r["car"]: r for r in race["rows"]}
    assert rows["3"]["time"] == "6:21.000"
    figures = [(car, rows[car]["best_lap"], rows[car]["best_lap_number"], rows[car]["laps_led"]) for car in ("3", "2")]
    assert figures == [("3", "1:35.000", 2, 2), ("2", "1:35.200", 2, 2)]
    assert {car: row["points"] for car, row in rows.items()} == {"3": 10, "2": 6, "7": 10, "1": 0, "8": 0}
    page = BeautifulSoup((output / "cup/2024/gamma/index.html").read_text(), "html.parser")
    assert race["from_laps"] is True
    note = page.find("section", id="race-1").select_one("p.from-laps")
    assert note.text == "Classification worked out from the per-lap timing, not the official classification."


def test_an_official_classification_beside_the_laps_wins(tmp_path):
    """Beta's race 1 has its hand-written classification (1. car 3, 2. car 2, ...); laps in which
    car 2 finishes ahead change neither the order nor the note's absence."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    folder = site / "content/results/cup/2024/beta"
    written = load_yaml((folder / "race-1.yaml").read_text(encoding="utf-8"))["results"]
    (folder / "race-1.laps.csv").write_text(short_laps({car: [96.0 + car / 10] * row["laps"] for car, row in (
        (row["car"], row) for row in written if row.get("laps"))}), encoding="utf-8")
    output = build(site / "cupsite.toml", tmp_path / "output").output
    race = next(s for s in json.loads((output / "data/cup/2024/results.json").read_text())["sessions"]
                if s["event"] == "cup/2024/beta")
    assert [r["car"] for r in race["rows"]] == [str(row["car"]) for row in written]
    assert race["from_laps"] is False
    page = BeautifulSoup((output / "cup/2024/beta/index.html").read_text(), "html.parser")
    assert page.select_one("p.from-laps") is None
