"""Lap records worked out from the results: the mini site by hand, variants of it, and the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cupsite.build import build, prepare
from cupsite.config import load_config
from cupsite.records import lap_records

from .conftest import SITES, copy_site

ALPHA = "content/results/cup/2024/alpha"


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def records_of(root: Path):
    site, tables = prepare(load_config(root / "cupsite.toml"))
    return lap_records(site, tables)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def mini_copy(tmp_path) -> Path:
    return copy_site(SITES / "mini", tmp_path / "mini")


# --- the mini site, worked by hand -------------------------------------------------

def test_mini_site_records():
    records = records_of(SITES / "mini")
    # Béta Ring has no profile: its only session, the beta race, sets the record with its fastest
    # lap over both classes — Cyd Cole's 1:35.000 (Bob Baker 1:35.100, Ann Able 1:35.500).
    beta = records.track("beta-ring")
    assert beta.profile is None
    assert (beta.current.time, beta.current.driver, beta.current.team, beta.current.year) == \
        ("1:35.000", "Cyd Cole", "Red Team", 2024)
    assert (beta.current.event, beta.current.session, beta.current.car) == ("cup/2024/beta", "race-1", "3")
    assert beta.current.drivers == ("cyd-cole",) and beta.history == (beta.current,)
    # Alpha Park keeps its 2023 profile record of 1:29.900: the best 2024 lap there is 1:30.100.
    alpha = records.track("alpha-park")
    assert alpha.current == alpha.profile and alpha.current.from_profile
    assert (alpha.current.time, alpha.current.driver, alpha.current.year) == ("1:29.900", "Ann Able", 2023)
    assert alpha.history == ()
    assert set(records.sessions) == {("cup/2024/beta", "race-1")}
    for slug in ("qualifying", "race-1", "race-2"):
        assert records.new_record("cup/2024/alpha", slug) is None


def test_mini_site_pages_mark_the_record(mini_site):
    beta = page(mini_site, "cup/2024/beta/index.html")
    assert beta.select_one(".lap-record").get_text() == "Lap record: 1:35.000, Cyd Cole (Red Team), 2024"
    race = beta.select_one("section#race-1")
    assert race.select_one(".new-lap-record").get_text(" ", strip=True) == \
        "New lap record: 1:35.000 — Cyd Cole ( Red Team )"
    marked = race.select("tr.sets-lap-record")
    assert len(marked) == 1 and marked[0].select_one(".car-number").get_text() == "3"
    assert marked[0].select_one(".lr-badge").get_text() == "LR"
    assert "(new lap record)" in marked[0].get_text()

    alpha = page(mini_site, "cup/2024/alpha/index.html")
    assert alpha.select_one(".lap-record").get_text() == "Lap record: 1:29.900, Ann Able, 2023"
    assert not alpha.select(".new-lap-record, .sets-lap-record, .lr-badge")
    assert "New lap record" not in alpha.get_text()

    track = page(mini_site, "tracks/beta-ring/index.html")
    assert track.select_one("dd.lap-record").get_text() == "1:35.000, Cyd Cole (Red Team), 2024"
    history = [li.get_text(" ", strip=True) for li in track.select(".lap-record-history li")]
    assert history == ["1:35.000 , Cyd Cole ( Red Team ) — 2024 Beta, Race 1"]
    assert track.select_one(".lap-record-history a[href$='#race-1']")["href"] == "../../cup/2024/beta/index.html#race-1"
    alpha_track = page(mini_site, "tracks/alpha-park/index.html")
    assert alpha_track.select_one("dd.lap-record").get_text() == "1:29.900, Ann Able, 2023"
    assert not alpha_track.select(".lap-record-history")


# --- variants ------------------------------------------------------------------------

def test_a_race_lap_below_the_profile_record_is_a_new_record(mini_copy, tmp_path):
    # Car 2 (Bob Baker, Blue Team) won alpha race 2 with a best lap of 1:30.200; make it 1:29.500.
    edit(mini_copy / ALPHA / "race-2.yaml", '{pos: 1, car: 2, laps: 20, time: "30:05.000", best: "1:30.200"}',
         '{pos: 1, car: 2, laps: 20, time: "30:05.000", best: "1:29.500"}')
    records = records_of(mini_copy)
    record = records.new_record("cup/2024/alpha", "race-2")
    assert (record.time, record.driver, record.team, record.year, record.car) == \
        ("1:29.500", "Bob Baker", "Blue Team", 2024, "2")
    assert records.track("alpha-park").current == record
    assert records.track("alpha-park").history == (record,)

    output = build(mini_copy / "cupsite.toml", tmp_path / "out").output
    event = page(output, "cup/2024/alpha/index.html")
    assert event.select_one(".lap-record").get_text() == "Lap record: 1:29.500, Bob Baker (Blue Team), 2024"
    race_2 = event.select_one("section#race-2")
    assert race_2.select_one(".new-lap-record").get_text(" ", strip=True) == \
        "New lap record: 1:29.500 — Bob Baker ( Blue Team )"
    marked = race_2.select("tr.sets-lap-record")
    assert len(marked) == 1
    cells = marked[0].find_all("td")
    assert cells[2].get_text() == "2" and cells[3].a.get_text() == "Bob Baker"
    assert marked[0].select_one(".lr-badge").get_text() == "LR"
    assert "(new lap record)" in cells[7].get_text()
    assert len(event.select(".new-lap-record")) == 1 and len(event.select(".lr-badge")) == 1  # not the others
    # a later round at the same track shows the record as it stands now
    gamma = page(output, "cup/2024/gamma/index.html")
    assert gamma.select_one(".lap-record").get_text() == "Lap record: 1:29.500, Bob Baker (Blue Team), 2024"
    assert not gamma.select(".new-lap-record")

    track = page(output, "tracks/alpha-park/index.html")
    assert track.select_one("dd.lap-record").get_text() == "1:29.500, Bob Baker (Blue Team), 2024"
    history = [li.get_text(" ", strip=True) for li in track.select(".lap-record-history li")]
    assert history == ["1:29.500 , Bob Baker ( Blue Team ) — 2024 Alpha, Race 2"]


def test_records_follow_the_running_order_newest_first_on_the_track_page(mini_copy, tmp_path):
    # Without the profile, Alpha Park's qualifying sets the first record (1:30.100, Bob Baker);
    # race 1 (best 1:30.400) does not beat it; race 2, edited to 1:30.050 for Ann Able, does.
    (mini_copy / "content/tracks/alpha-park.md").unlink()
    edit(mini_copy / ALPHA / "race-2.yaml", '{pos: 2, car: 1, laps: 20, gap: "+0.500", best: "1:30.300"}',
         '{pos: 2, car: 1, laps: 20, gap: "+0.500", best: "1:30.050"}')
    records = records_of(mini_copy)
    alpha = records.track("alpha-park")
    assert [(r.session, r.time, r.driver) for r in alpha.history] == [
        ("qualifying", "1:30.100", "Bob Baker"), ("race-2", "1:30.050", "Ann Able")]
    assert alpha.current == alpha.history[-1]
    output = build(mini_copy / "cupsite.toml", tmp_path / "out").output
    track = page(output, "tracks/alpha-park/index.html")
    assert [li.strong.get_text() for li in track.select(".lap-record-history li")] == ["1:30.050", "1:30.100"]


def test_practice_and_warmup_laps_never_set_a_record(mini_copy):
    edit(mini_copy / "content/results/cup/2024/season.yaml",
         "      - {slug: qualifying, type: qualifying, start: 2024-04-05 10:00, duration: 20}\n",
         "      - {slug: practice, type: practice, start: 2024-04-05 08:00, duration: 30}\n"
         "      - {slug: warmup, type: warmup, start: 2024-04-05 09:00, duration: 10}\n"
         "      - {slug: qualifying, type: qualifying, start: 2024-04-05 10:00, duration: 20}\n")
    for slug, best in (("practice", "1:20.000"), ("warmup", "1:21.000")):
        (mini_copy / ALPHA / f"{slug}.yaml").write_text(
            f'results:\n  - {{pos: 1, car: 3, best: "{best}"}}\n  - {{pos: 2, car: 1, best: "1:31.000"}}\n',
            encoding="utf-8")
    records = records_of(mini_copy)
    alpha = records.track("alpha-park")
    assert alpha.current.time == "1:29.900" and alpha.current.from_profile and alpha.history == ()
    assert records.new_record("cup/2024/alpha", "practice") is None
    assert records.new_record("cup/2024/alpha", "warmup") is None


def test_a_profile_record_from_a_later_year_keeps_the_faster_of_the_two(mini_copy):
    profile = mini_copy / "content/tracks/alpha-park.md"
    edit(profile, "year: 2023", "year: 2025")
    # the 2025 profile record does not stand before the 2024 sessions: qualifying sets one
    records = records_of(mini_copy).track("alpha-park")
    assert [(r.session, r.time) for r in records.history] == [("qualifying", "1:30.100")]
    assert records.current.time == "1:29.900" and records.current.from_profile  # the faster of the two
    edit(profile, '"1:29.900"', '"1:31.000"')
    records = records_of(mini_copy).track("alpha-park")
    assert records.current.time == "1:30.100" and records.current.session == "qualifying"


def test_a_disqualified_car_sets_no_record(mini_copy):
    (mini_copy / "content/results/cup/2024/beta/race-1.yaml").write_text("""results:
  - {pos: 1, car: 2, laps: 10, time: "16:02.000", best: "1:35.100"}
  - {pos: 2, car: 8, laps: 10, gap: "+28.000", best: "1:37.000"}
  - {pos: 3, car: 1, laps: 9, gap: "+1 Lap", best: "1:35.500"}
  - {pos: 4, car: 3, laps: 10, status: dsq, best: "1:34.000"}
  - {pos: 5, car: 7, laps: 0, status: dns}
""", encoding="utf-8")
    record = records_of(mini_copy).track("beta-ring").current
    assert (record.time, record.driver, record.car) == ("1:35.100", "Bob Baker", "2")


# --- the demo -------------------------------------------------------------------------

def test_the_demo_sets_no_new_lap_record(demo_build):
    # content/README.md: the profiles' records stand; no lap of the demo's results beats them.
    records = lap_records(demo_build.site, demo_build.tables)
    assert records.sessions == {}
    assert all(t.current is None or t.current.from_profile for t in records.tracks.values())
    indy = page(demo_build.output, "carrera-cup/2025/indianapolis/index.html")
    assert "1:24.953" in indy.select_one(".lap-record").get_text()
    assert "New lap record" not in indy.get_text() and not indy.select(".lr-badge")
    track = page(demo_build.output, "tracks/indianapolis-motor-speedway/index.html")
    assert "1:24.953" in track.select_one("dd.lap-record").get_text()
    assert not track.select(".lap-record-history")
