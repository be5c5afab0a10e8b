"""Markup, quotes and ampersands in titles and in driver, team, track and event names are text everywhere they
are written: pages (text and attributes), feeds, JSON, calendars; and nothing runs in a browser."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest

from cupsite.build import build
from cupsite.config import load_config

from .conftest import SITES, copy_site
from .test_browser import browser, serve  # noqa: F401  (a fixture)

DRIVER = """Cyd "Bolt" O'Cole & <b>Co</b>"""
TEAM = """Green & "Sons" <script>alert(1)</script>"""
TITLE = """<script>alert("t")</script> & "Quotes" 'here'"""
TRACK = """<script>alert("track")</script> & 'Ring'"""
EVENT = """<img src=x onerror=alert(2)> "Beta" & Co"""
RAW = [DRIVER, TEAM, TITLE, TRACK, EVENT, "<b>Co</b>", "<script>alert", "<img src=x"]


def yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    site = copy_site(SITES / "mini", tmp_path_factory.mktemp("hostile") / "site")
    content = site / "content"
    replace(content / "results/cup/2024/entries.yaml", "driver: Cyd Cole", f"driver: {yaml_quoted(DRIVER)}")
    replace(content / "results/cup/2024/entries.yaml", "team: Green Team", f"team: {yaml_quoted(TEAM)}")
    replace(content / "articles/2024-05-10-beta-report.md", "drivers: [Cyd Cole,", f"drivers: [{yaml_quoted(DRIVER)},")
    replace(content / "articles/2024-05-10-beta-report.md", "teams: [Green Team]", f"teams: [{yaml_quoted(TEAM)}]")
    replace(content / "articles/2024-04-05-able-wins.md", "title: Able wins the opener at Alpha & more",
            f"title: {yaml_quoted(TITLE)}")
    replace(content / "results/cup/2024/season.yaml", "track: Béta Ring", f"track: {yaml_quoted(TRACK)}")
    replace(content / "results/cup/2024/season.yaml", "name: Beta\n", f"name: {yaml_quoted(EVENT)}\n")
    build(site / "cupsite.toml", site / "output")
    return site


def written(site: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in (site / "output").rglob("*") if p.suffix in suffixes and "pagefind" not in p.parts)


def test_no_name_or_title_is_written_as_markup(hostile_site):
    files = written(hostile_site, ".html", ".xml")
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    assert {path.name for path in files} >= {"index.html", "feed.xml", "sitemap.xml"}
    for raw in RAW:
        assert not [str(path) for path, text in texts.items() if raw in text], raw
    escaped = "Green &amp; &#34;Sons&#34; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert any(escaped in text for text in texts.values())  # the team is there, as text


def test_feeds_and_the_sitemap_parse_and_carry_the_title_as_text(hostile_site):
    titles = set()
    for path in written(hostile_site, ".xml"):
        root = ET.parse(path).getroot()  # raises on markup that breaks the XML
        titles |= {element.text for element in root.iter() if element.tag.endswith("title")}
    assert TITLE in titles


def test_json_data_and_calendars_parse_and_carry_the_names(hostile_site):
    strings = set()

    def collect(value):
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    data = written(hostile_site, ".json")
    assert data
    for path in data:
        collect(json.loads(path.read_text(encoding="utf-8")))
    assert {DRIVER, TEAM} <= strings
    calendars = written(hostile_site, ".ics")
    assert calendars
    texts = set()
    for path in calendars:
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            texts |= {str(event.get("summary")), str(event.get("location"))}
    assert any(EVENT in text for text in texts), texts
    assert any(TRACK in text for text in texts), texts


@pytest.mark.parametrize("page", ["news/able-wins/", "news/beta-report/", "drivers/", "teams/", "news/page/2/",
                                  "cup/2024/standings/", "cup/2024/beta/", "tracks/", "cup/2024/"])
def test_nothing_runs_in_the_browser_and_the_names_read_as_written(hostile_site, browser, page):  # noqa: F811
    prefix = urlsplit(load_config(hostile_site / "cupsite.toml").base_url).path
    with serve(hostile_site / "output", prefix) as url:
        tab = browser.new_page()
        dialogs = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        try:
            tab.goto(url + page)
            text = tab.locator("body").inner_text()
        finally:
            tab.close()
    assert dialogs == []
    assert any(name in text for name in (TITLE, DRIVER, TEAM, EVENT, TRACK))
