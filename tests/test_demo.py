"""The demo season against the facts of the domain brief (../shared/domain.md): the built
pages and the computed tables must tell the story the published coverage told."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cupsite.timing import parse_time

from .conftest import DEMO_MOMENT, ROOT

SEASON = ("carrera-cup", "2025")
INDY = "carrera-cup/2025/indianapolis"
ORANGE, GREEN, YELLOW = "#f28c28", "#2e9e4f", "#f2c500"


def soup(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def class_blocks(output: Path, session: str):
    """(class code, colour, [(class position, drivers' names, row text)]) per class, in page order."""
    section = soup(output, f"{INDY}/index.html").select_one(f"section#{session}")
    assert section is not None, f"no section for {session} on the Indianapolis page"
    blocks = []
    for block in section.select(".class-block"):
        colour = re.search(r"--class-colour:\s*(#[0-9a-fA-F]+)", block["style"]).group(1).lower()
        code = block.select_one(".class-title .chip").get_text(strip=True)
        rows = []
        for tr in block.select("tbody tr"):
            cells = tr.find_all("td")
            # a name's given name and surname are spans of their own
            crew = " / ".join(a.get_text(" ", strip=True) for a in cells[3].find_all("a"))
            rows.append((cells[0].get_text(strip=True), crew, tr))
        blocks.append((code, colour, rows))
    return blocks


def cell(row, index: int) -> str:
    """The visible text of a cell, without the words kept for screen readers."""
    td = BeautifulSoup(str(row[2].find_all("td")[index]), "html.parser")
    for hidden in td.select(".visually-hidden"):
        hidden.decompose()
    return td.get_text(strip=True)


def names(rows, count):
    return [drivers for _, drivers, _ in rows[:count]]


def standings(demo_build, after_round):
    return demo_build.tables.season(*SEASON).by_round[after_round]


def points_of(rows):
    return {row.key: row.points for row in rows}


def test_race_2_class_winners_in_class_order_and_colours(demo_site):
    blocks = class_blocks(demo_site, "race-2")
    assert [(code, colour) for code, colour, _ in blocks] == [("PRO", ORANGE), ("PROAM", GREEN), ("MASTERS", YELLOW)]
    assert [names(rows, 1)[0] for _, _, rows in blocks] == ["Aaron Jeansonne", "James Sofronas", "Scott Blind"]
    pro, proam, masters = (rows for _, _, rows in blocks)
    assert names(pro, 3) == ["Aaron Jeansonne", "Ryan Yardley", "Zachary Vanier"]
    assert names(proam, 3) == ["James Sofronas", "JP Martinez", "Marco Cirone"]
    assert names(masters, 3) == ["Scott Blind", "Richard Edge", "Michael Auriemma"]
    metni = [position for position, drivers, _ in proam if drivers == "Alan Metni"]
    assert metni == ["6"]  # the pole sitter's penalty dropped him to sixth


def test_race_1_classes(demo_site):
    pro, proam, masters = (rows for _, _, rows in class_blocks(demo_site, "race-1"))
    assert names(pro, 4) == ["Zachary Vanier", "Ryan Yardley", "Aaron Jeansonne", "Riley Dickinson"]
    assert names(proam, 3) == ["Patrick Mulcahy", "James Sofronas", "Marco Cirone"]
    assert names(masters, 3) == ["Scott Blind", "Michael Auriemma", "Chris Bellomo"]
    out = {drivers: position for position, drivers, _ in proam}
    assert out["JP Martinez"] == "DNF" and out["Alan Metni"] == "DNF"


def test_qualifying(demo_site):
    pro, proam, masters = (rows for _, _, rows in class_blocks(demo_site, "qualifying"))
    assert names(pro, 3) == ["Aaron Jeansonne", "Ryan Yardley", "Zachary Vanier"]
    best = lambda row: parse_time(cell(row, 5))  # noqa: E731
    gap = lambda row: cell(row, 6)  # noqa: E731
    assert best(pro[0]) == pytest.approx(85.015)
    assert gap(pro[1]).startswith("+0.2")
    assert sum(1 for row in pro if best(row) - 85.015 < 1.0) >= 11  # top 11 Pro within a second
    assert names(proam, 3) == ["Alan Metni", "JP Martinez", "James Sofronas"]
    assert best(proam[0]) == pytest.approx(86.364)
    assert names(masters, 3) == ["Scott Blind", "Chris Bellomo", "Richard Edge"]
    assert best(masters[0]) == pytest.approx(86.698)
    assert [gap(masters[1]), gap(masters[2])] == ["+0.179", "+0.509"]


def test_practice(demo_site):
    first = [(names(rows, 1)[0], cell(rows[0], 5))
             for _, _, rows in class_blocks(demo_site, "practice-1")]
    assert first == [("Ryan Yardley", "1:26.384"), ("Alan Metni", "1:27.786"), ("Chris Bellomo", "1:28.172")]
    second = [(names(rows, 1)[0], cell(rows[0], 5))
              for _, _, rows in class_blocks(demo_site, "practice-2")]
    assert second[0] == ("Riley Dickinson", "1:26.876")
    assert second[1] == ("Patrick Mulcahy", "1:27.792")  # 0.006 s slower than Metni's morning time
    assert second[2][0] == "Scott Blind"


def test_standings_before_indianapolis(demo_build):
    table = standings(demo_build, 5)
    drivers = dict(table.drivers)
    pro = drivers["PRO"]
    assert [r.key for r in pro[:3]] == ["riley-dickinson", "ryan-yardley", "zachary-vanier"]
    assert pro[0].points - pro[1].points == 2
    assert pro[0].points - pro[2].points == 40
    assert pro[0].wins == 4
    proam = drivers["PROAM"]
    assert [r.key for r in proam[:2]] == ["jp-martinez", "alan-metni"]
    assert proam[0].points - proam[1].points == 35 and proam[0].wins == 6
    masters = drivers["MASTERS"]
    assert [r.key for r in masters[:2]] == ["scott-blind", "todd-parriott"]
    assert masters[0].points - masters[1].points == 73
    teams = table.teams
    assert [r.key for r in teams[:2]] == ["topp-racing", "kellymoss"]
    assert teams[0].points - teams[1].points == 11


def test_pro_winners_before_indianapolis(demo_build):
    pro = dict(standings(demo_build, 5).drivers)["PRO"]
    wins = {row.key: row.wins for row in pro if row.wins}
    assert wins == {"riley-dickinson": 4, "yves-baltas": 2, "ryan-yardley": 1, "zachary-vanier": 1,
                    "jimmy-llibre": 1, "tyler-maxson": 1}


def test_yardley_leads_after_indianapolis(demo_build):
    pro = dict(standings(demo_build, 6).drivers)["PRO"]
    assert pro[0].key == "ryan-yardley"
    assert pro[0].points - pro[1].points == 10
    assert pro[1].key == "riley-dickinson"
    winners = {row.key for row in pro if row.wins}
    assert len(winners) == 7 and "aaron-jeansonne" in winners  # a record seventh different winner
    proam = {row.key: row.wins for row in dict(standings(demo_build, 6).drivers)["PROAM"]}
    assert proam["james-sofronas"] == 3
    masters = {row.key: row.wins for row in dict(standings(demo_build, 6).drivers)["MASTERS"]}
    assert masters["scott-blind"] == 9  # eight before race 2, then race 2


def test_blind_clinches_the_masters_title_in_race_2(demo_build):
    """After race 2 no other Masters driver can catch him with the points still to race for;
    after race 1 someone still could."""
    from cupsite.score import standings_after

    season = demo_build.tables.season(*SEASON)
    championship = demo_build.site.config.championship("carrera-cup")
    most_per_race = max(championship.points.tables["race"])
    races_in_season = sum(1 for e in _season(demo_build).events for s in e.sessions if s.type == "race")
    race_2 = season.races.index((INDY, "race-2"))
    for done, clinched in ((race_2, False), (race_2 + 1, True)):
        scored = [season.sessions[key] for key in season.races[:done]]
        masters = dict(standings_after(6, scored, _season(demo_build), championship).drivers)["MASTERS"]
        still_to_win = (races_in_season - done) * most_per_race
        assert masters[0].key == "scott-blind"
        assert (masters[0].points - masters[1].points > still_to_win) is clinched, (done, masters[:2])


def _season(demo_build):
    return next(s for s in demo_build.site.seasons if (s.championship, s.year) == SEASON)


def test_event_page_facts(demo_site):
    page = soup(demo_site, f"{INDY}/index.html")
    facts = page.select_one(".event-facts").get_text(" ", strip=True)
    assert "Round 6 of 8" in facts and "29 entries" in facts and "Indianapolis Motor Speedway" in facts
    assert page.select_one(".lap-record").get_text(" ", strip=True).replace(" ,", ",") == \
        "Lap record: 1:24.953, Riley Dickinson (Kellymoss), 2023"
    schedule = [tr.get_text(" ", strip=True) for tr in page.select("table.schedule tbody tr")]
    assert len(schedule) == 5 and all(" EDT " in row for row in schedule)
    assert page.select("#event-stories ~ ul li")  # stories about the weekend are listed


def test_every_page_kind_is_built(demo_site):
    for path in ["index.html", "news/index.html", "news/page/2/index.html", "tags/index.html", "404.html",
                 "feed.xml", "sitemap.xml", "carrera-cup/index.html", "carrera-cup/2025/index.html",
                 "carrera-cup/2025/standings/index.html", f"{INDY}/index.html", "carrera-cup/2026/index.html",
                 "drivers/index.html", "drivers/scott-blind/index.html", "teams/index.html",
                 "teams/kellymoss/index.html", "tracks/index.html", "tracks/indianapolis-motor-speedway/index.html",
                 "static/cupsite.css", "static/logo.svg"]:
        assert (demo_site / path).is_file(), path
    articles = list((demo_site / "news").glob("*/index.html"))
    assert len(articles) >= 12


def test_home_page(demo_site):
    page = soup(demo_site, "index.html")
    assert len(page.select(".home-news .story")) >= 5
    assert "Sebring" in page.select_one(".next-event").get_text()  # the 2026 opener follows the 2025 finale
    leaders = page.select(".leaders")
    assert len(leaders) == 3


def test_drafts_stay_out_of_the_demo(demo_site):
    drafts = [p for p in (ROOT / "content" / "articles").glob("*.md") if "draft: true" in p.read_text()]
    assert drafts, "the demo should show a draft being left out"
    feed = (demo_site / "feed.xml").read_text(encoding="utf-8")
    for draft in drafts:
        title = re.search(r"^title: (.*)$", draft.read_text(), re.M).group(1).strip("'\"")
        assert title not in feed


def test_demo_builds_byte_identical_twice(demo_site, tmp_path):
    """The second build is made as on another machine: in another process with another
    string-hash seed (an order that came from a set once showed up so: the time zones in the .ics
    files), from a copy of the site in another folder, in another time zone and locale, with
    another umask, without the cache. Every file must be the same, byte for byte."""
    copy = tmp_path / "elsewhere" / "a-different-name"
    for part in ("content", "templates", "static"):
        shutil.copytree(ROOT / part, copy / part)
    shutil.copy(ROOT / "cupsite.toml", copy)
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "0", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(["sh", "-c", 'umask 077 && exec "$@"', "sh", sys.executable, "-c",
                    "from cupsite.cli import main; main()", "build", "--no-cache", "--output", str(again),
                    "--build-date", DEMO_MOMENT.strftime("%Y-%m-%dT%H:%M")],  # the moment is an input
                   cwd=copy, env=env, check=True, capture_output=True)
    digest = lambda folder: {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
                             for p in sorted(folder.rglob("*")) if p.is_file()}
    first, second = digest(demo_site), digest(again)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def test_home_shows_the_latest_results_per_class(demo_site):
    card = soup(demo_site, "index.html").select_one("section[aria-labelledby=latest-results]")
    assert "Circuit of the Americas · Race 2" in card.get_text(" ", strip=True)
    chips = [li.select_one(".chip").get_text() for li in card.select(".winners li")]
    assert chips == ["PRO", "PROAM", "MASTERS"]


def test_standings_page_shows_classes_teams_and_rookies(demo_site):
    """The season's outcome as content/README.md states it (worked out there by a separate script)."""
    page = soup(demo_site, "carrera-cup/2025/standings/index.html")

    def first_rows(section_id, count=2):
        """The first rows of a section's table, as {column heading: cell text}."""
        table = page.select_one(f"section#{section_id} table.standings")
        headings = [th.get_text(strip=True) for th in table.select("thead th")]
        return [dict(zip(headings, (td.get_text(" ", strip=True) for td in tr.find_all("td")), strict=True))
                for tr in table.select("tbody tr")[:count]]

    pro = first_rows("class-pro")
    assert [row["Driver"] for row in pro] == ["Ryan Yardley", "Riley Dickinson"]
    assert pro[1]["Gap"] == "−3"  # Yardley won the title by three points
    assert first_rows("class-proam")[0]["Driver"] == "James Sofronas"
    assert first_rows("class-masters", 1)[0]["Driver"] == "Scott Blind"
    assert [row["Team"] for row in first_rows("teams")] == ["Kellymoss", "Topp Racing"]
    assert all(row["Class"] == "PRO" for row in first_rows("rookies", 3))  # the rookie table runs across Pro
    assert [row["Driver"] for row in first_rows("rookies")] == ["Aaron Jeansonne", "Tyler Maxson"]
    grid = page.select("section#grid table.grid")
    assert len(grid) == 3 and len(grid[0].select("thead th")) == 1 + 16 + 1  # driver, 16 races, points


def test_article_image_is_published_with_its_description(demo_site):
    page = soup(demo_site, "news/indianapolis-preview/index.html")
    image = page.select_one("img.lead-image")
    assert image["alt"].startswith("A schematic of the Indianapolis road course")
    assert (demo_site / "news" / "indianapolis-preview" / image["src"]).resolve().is_file()


def test_title_maths_after_every_round(demo_build):
    """Blind clinches the Masters title at Indianapolis (round 6), not before; the Pro and Pro-Am
    titles stay open until the final round (content/README.md)."""
    by_round = demo_build.tables.season(*SEASON).by_round
    assert by_round[5].champion("MASTERS") is None
    assert by_round[6].champion("MASTERS") == "scott-blind"
    assert by_round[7].champion("PRO") is None and by_round[7].champion("PROAM") is None
    assert "riley-dickinson" in dict(by_round[7].contenders)["PRO"]
    assert (by_round[8].champion("PRO"), by_round[8].champion("PROAM")) == ("ryan-yardley", "james-sofronas")


def test_standings_page_names_the_champions(demo_site):
    page = soup(demo_site, "carrera-cup/2025/standings/index.html")
    status = {section["id"]: section.select_one(".title-status").get_text(" ", strip=True)
              for section in page.select("section.class-block")}
    assert status == {"class-pro": "Champion: Ryan Yardley", "class-proam": "Champion: James Sofronas",
                      "class-masters": "Champion: Scott Blind , title decided after round 6"}


def table_rows(table) -> list[dict[str, str]]:
    """The rows of a table as {column heading: cell text}."""
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    return [dict(zip(headings, (td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])), strict=True))
            for tr in table.select("tbody tr")]


def standings_rows(output: Path, number: int | None, section: str = "class-pro") -> list[dict[str, str]]:
    path = "carrera-cup/2025/standings/" + (f"after-round-{number}/" if number else "") + "index.html"
    return table_rows(soup(output, path).select_one(f"section#{section} table.standings"))


def test_standings_pages_after_each_round_show_the_brief_facts(demo_site):
    def leaders(number, section="class-pro", count=2):
        return [(row["Driver"], row["Gap"]) for row in standings_rows(demo_site, number, section)[:count]]

    assert leaders(5) == [("Riley Dickinson", "—"), ("Ryan Yardley", "−2")]  # before Indianapolis
    assert leaders(6) == [("Ryan Yardley", "—"), ("Riley Dickinson", "−10")]  # after it
    assert leaders(5, "class-proam") == [("JP Martinez", "—"), ("Alan Metni", "−35")]
    assert leaders(5, "class-masters") == [("Scott Blind", "—"), ("Todd Parriott", "−73")]
    page = soup(demo_site, "carrera-cup/2025/standings/after-round-6/index.html")
    assert page.select_one("section#class-masters .title-status").get_text(" ", strip=True) == \
        "Champion: Scott Blind"
    teams = [row["Team"] for row in standings_rows(demo_site, 5, "teams")[:2]]
    assert teams == ["Topp Racing", "Kellymoss"]


def test_standings_show_who_moved_since_the_round_before(demo_site):
    """The brief: Dickinson led Yardley before Indianapolis (round 6), Yardley led after it; Blind
    led the Masters before and after."""
    moved = {row["Driver"]: row["+/−"] for row in standings_rows(demo_site, 6)}
    assert (moved["Ryan Yardley"], moved["Riley Dickinson"]) == ("▲ 1 up", "▼ 1 down")
    assert {row["Driver"]: row["+/−"] for row in standings_rows(demo_site, 6, "class-masters")}["Scott Blind"] \
        == "– no change"
    before = {row["Driver"]: int(row["Pos"].rstrip("=")) for row in standings_rows(demo_site, 5)}
    for row in standings_rows(demo_site, 6):  # each move is the difference of the two tables' places
        if row["Driver"] in before and row["+/−"] != "– no change":
            arrow, places, _ = row["+/−"].split()
            gained = int(places) if arrow == "▲" else -int(places)
            assert before[row["Driver"]] - int(row["Pos"].rstrip("=")) == gained, row
    assert all("+/−" not in row for row in standings_rows(demo_site, 1))  # nothing before round 1


def test_driver_page_header_shows_number_class_team_and_standing(demo_site):
    """Yardley: car #22 of Topp Racing in Pro (the entry list), the 2025 Pro champion (the brief)."""
    page = soup(demo_site, "drivers/ryan-yardley/index.html")
    header = page.select_one("p.driver-header")
    assert header.select_one(".car-number").get_text(strip=True) == "#22"
    assert header.select_one(".chip").get_text(strip=True) == "PRO"
    assert header.find("a", string="Topp Racing") is not None
    assert page.select_one("p.driver-standing").get_text(" ", strip=True).startswith(
        "Carrera Cup 2025: 1st in ExxonMobil Pro with")


def test_season_switchers_link_the_same_page_of_each_season(demo_site):
    for kind, path in (("standings", "carrera-cup/{}/standings/index.html"), ("calendar", "carrera-cup/{}/index.html")):
        switcher = soup(demo_site, path.format(2025)).select_one("nav.switcher")
        assert switcher.select_one("[aria-current=page]").get_text(strip=True) == "2025", kind
        link = switcher.find("a", string="2026")
        assert (Path(demo_site) / path.format(2025)).parent.joinpath(link["href"]).resolve() == \
            (Path(demo_site) / path.format(2026)).resolve(), kind


def test_a_penalty_given_after_the_flag_counts_in_the_class_gap(demo_site):
    """Indianapolis race 2: Alan Metni (#99) crossed the line first in Pro-Am, but a 10-second
    penalty classified him 21st overall, +25.590 behind the winner; the Pro-Am winner, James
    Sofronas (#14), was 13th, +16.834. The per-lap export still has Metni ahead on the road: his
    gap to the class winner is the classification's, 25.590 - 16.834 = 8.756 s, not 0."""
    table = soup(demo_site, "carrera-cup/2025/indianapolis/index.html").select_one("#race-2-proam table")
    rows = {tr.select_one("td.car").get_text(strip=True): tr for tr in table.select("tbody tr")}
    assert rows["99"].select_one("td.time-gap").get_text(strip=True) == "+8.756"
    assert rows["99"].select_one("td.pos").get_text(strip=True) == "6"


def test_a_season_line_counts_in_words_a_reader_expects(demo_site):
    """Jeansonne's 2025: 16 starts, one win, five podiums, one pole, no fastest lap."""
    line = soup(demo_site, "drivers/aaron-jeansonne/index.html").find(
        string=lambda text: text and "starts," in text).parent.get_text(" ", strip=True)
    assert "16 starts, 1 win, 5 podiums, 1 pole, 0 fastest laps" in line, line
