"""End-to-end builds of the mini site: page kinds, links between stories and results,
determinism and atomic output."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from cupsite.build import build
from cupsite.publishing import Publishing

from .conftest import SITES, copy_site


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_article_page_links_drivers_teams_event_and_related(mini_site):
    soup = page(mini_site, "news/able-wins/index.html")
    assert soup.h1.get_text() == "Able wins the opener at Alpha & more"
    links = {a.get_text(): a["href"] for a in soup.select(".article-links a")}
    assert links["Ann Able"] == "../../drivers/ann-able/index.html"
    assert links["Bob Baker"] == "../../drivers/bob-baker/index.html"
    assert links["Red Team"] == "../../teams/red-team/index.html"
    assert links["Round 1, Alpha 2024"] == "../../cup/2024/alpha/index.html"
    related = [a.get_text() for a in soup.select(".related a")]
    assert related[0] == "Baker hits back in race 2"  # same event and driver
    body = soup.select_one(".body")
    assert body.find("table") is not None
    assert body.find("h2", id="the-start") is not None
    assert body.select_one("section.footnotes li") is not None  # the footnote, linked from its mark
    assert body.select_one("sup.footnote-ref a")["href"] == "#fn-1"


def test_back_references_list_stories_newest_first(mini_site):
    baker = page(mini_site, "drivers/bob-baker/index.html")
    stories = [a.get_text() for a in baker.select("#driver-stories ~ ul a")]
    assert stories == ["Baker hits back in race 2", "Able wins the opener at Alpha & more"]
    event = page(mini_site, "cup/2024/alpha/index.html")
    assert [a.get_text() for a in event.select("#event-stories ~ ul a")] == stories
    track = page(mini_site, "tracks/beta-ring/index.html")
    assert "Cole wins a shortened race at Beta" in track.get_text()


def test_drafts_are_left_out(mini_site):
    assert not (mini_site / "news" / "draft").exists()
    assert "A draft" not in (mini_site / "feed.xml").read_text(encoding="utf-8")


def test_news_is_paginated_and_tagged(mini_site):
    first = page(mini_site, "news/index.html")
    assert len(first.select(".story")) == 2
    assert first.select_one("a[rel=next]")["href"] == "page/2/index.html"
    second = page(mini_site, "news/page/2/index.html")
    assert [a.get_text() for a in second.select(".story .story-title a")] == ["Able wins the opener at Alpha & more"]
    tag = page(mini_site, "tags/race-report/index.html")
    assert len(tag.select(".story")) == 3


def test_event_page_shows_schedule_in_local_time_and_classes(mini_site):
    soup = page(mini_site, "cup/2024/beta/index.html")
    schedule = soup.select_one("table.schedule tbody tr").get_text(" ", strip=True)
    assert "15:00 CEST" in schedule  # Beta is in Europe/Berlin, in May
    race = soup.select_one("section#race-1")
    assert [h.get_text(" ", strip=True) for h in race.select(".class-title")] == ["A Class A", "B Class B"]
    assert "points × 0.5" in race.get_text()
    # Béta Ring has no profile: its record is this race's fastest lap (more in test_records.py)
    assert soup.select_one(".lap-record").get_text() == "Lap record: 1:35.000, Cyd Cole (Red Team), 2024"
    alpha = page(mini_site, "cup/2024/alpha/index.html")
    assert alpha.select_one(".lap-record").get_text() == "Lap record: 1:29.900, Ann Able, 2023"


def test_driver_page_statistics(mini_site):
    soup = page(mini_site, "drivers/bob-baker/index.html")
    terms, values = soup.select(".stats dt"), soup.select(".stats dd")
    stats = {dt.get_text(): dd.get_text() for dt, dd in zip(terms, values, strict=True)}
    assert stats["Starts"] == "3" and stats["Wins"] == "1" and stats["Poles"] == "1"
    assert stats["Points"] == "20" and stats["Best finish"] == "1st"


def test_feed_and_sitemap(mini_site):
    feed = ET.parse(mini_site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles[0] == "Cole wins a shortened race at Beta"
    assert "Able wins the opener at Alpha & more" in titles
    link = feed.find("a:entry/a:link", ns).get("href")
    assert link == "https://mini.example.org/cup/news/beta-report/"
    sitemap = ET.parse(mini_site / "sitemap.xml").getroot()
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in sitemap]
    assert "https://mini.example.org/cup/drivers/ann-able/" in locs
    assert all(loc.startswith("https://mini.example.org/cup/") for loc in locs)


def test_driver_named_only_in_the_entry_list_gets_a_page(mini_site):
    soup = page(mini_site, "drivers/dee-dunn/index.html")
    assert soup.h1.get_text() == "Dee Dunn"


def test_building_twice_gives_identical_bytes(tmp_path):
    first = build(SITES / "mini" / "cupsite.toml", tmp_path / "one").output
    second = build(SITES / "mini" / "cupsite.toml", tmp_path / "two").output
    assert digest(first) == digest(second)


def test_a_failing_build_leaves_the_previous_output_and_no_debris(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    build(site / "cupsite.toml")
    before = digest(site / "output")
    (site / "templates").mkdir()
    (site / "templates" / "driver.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope.x }}"
                                                    "{% endblock %}", encoding="utf-8")
    try:
        build(site / "cupsite.toml")
        raise AssertionError("the build should fail")
    except Exception as error:  # ContentErrors
        assert "driver.html" in str(getattr(error, "errors", error))
    assert digest(site / "output") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == []


def test_site_templates_override_the_theme(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text(
        "{% extends 'base.html' %}{% block content %}<h1>Lost in the gravel</h1>{% endblock %}", encoding="utf-8")
    output = build(site / "cupsite.toml").output
    assert page(output, "404.html").h1.get_text() == "Lost in the gravel"


def test_a_site_with_stories_only_builds(tmp_path):
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "cupsite.toml").write_text(
        '[site]\ntitle = "Paddock"\nbase_url = "https://example.org"\ntimezone = "UTC"\n'
        '[[championships]]\nname = "Cup"\n[[championships.classes]]\ncode = "A"\ncolour = "#123456"\n',
        encoding="utf-8")
    (tmp_path / "content" / "articles" / "2025-01-01-hello.md").write_text(
        "---\ntitle: Hello\ndate: 2025-01-01\n---\nFirst story.\n", encoding="utf-8")
    output = build(tmp_path / "cupsite.toml").output
    home = page(output, "index.html")
    assert [a.get_text() for a in home.select(".story .story-title a")] == ["Hello"]
    assert home.select_one(".next-event") is None
    assert (output / "news" / "hello" / "index.html").is_file()


def test_driver_statistics_per_season_and_career(mini_site):
    soup = page(mini_site, "drivers/ann-able/index.html")
    stats = {dt.get_text(): dd.get_text() for dt, dd in zip(soup.select(".stats dt"), soup.select(".stats dd"),
                                                             strict=True)}
    # Able: 1st and 2nd at Alpha, 3rd at Beta: average 2.0; no retirements; 18 points
    assert (stats["Average finish"], stats["DNFs"], stats["Points"], stats["Fastest laps"]) == ("2.0", "0", "18", "0")
    cole = page(mini_site, "drivers/cyd-cole/index.html")
    cole_stats = {dt.get_text(): dd.get_text() for dt, dd in zip(cole.select(".stats dt"), cole.select(".stats dd"),
                                                                 strict=True)}
    assert (cole_stats["DNFs"], cole_stats["Average finish"]) == ("1", "2.0")  # retired at Alpha; 3rd, 1st


def test_standings_page_says_who_can_still_win(mini_site):
    status = [p.get_text(" ", strip=True) for p in page(mini_site, "cup/2024/standings/index.html")
              .select(".title-status")]
    # one race of at most 10 points is left: Cole (9) cannot reach Baker (20); Dunn (6) cannot reach 22
    assert status == ["Can still win the title: Bob Baker , Ann Able",
                      "Can still win the title: José Fábregas , Eve Ernst"]


def test_dropped_results_are_bracketed_in_the_season_grid(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    config = site / "cupsite.toml"
    rules = config.read_text(encoding="utf-8").replace("qualifying = [1]", "qualifying = [1]\n  best_results = 2")
    config.write_text(rules,
                      encoding="utf-8")
    output = build(config).output
    rows = page(output, "cup/2024/standings/index.html").select("section#grid table.grid tbody tr")
    able = next(r for r in rows if r.th.get_text(" ", strip=True) == "Ann Able")
    # Able's 10, 6 and 2 (3rd at the half-points race): the 2 is dropped; the points come first
    assert [td.get_text() for td in able.find_all("td")] == ["16", "1", "2", "(3)"]


def test_future_stories_wait_unless_asked_for(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cupsite.cli import main

    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "content" / "articles" / "2024-06-07-gamma-preview.md").write_text(
        "---\ntitle: Gamma preview\ndate: 2024-06-06 09:00\n---\nSoon.\n", encoding="utf-8")
    # "now" is 5 June 2024 for this build (the reproducible-builds convention)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717581600")
    assert CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml")]).exit_code == 0
    assert not (site / "output" / "news" / "gamma-preview").exists()
    assert CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), "--future"]).exit_code == 0
    assert (site / "output" / "news" / "gamma-preview" / "index.html").is_file()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717754400")  # 7 June: the story's time has come
    assert CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml")]).exit_code == 0
    assert (site / "output" / "news" / "gamma-preview" / "index.html").is_file()


def test_build_date_decides_which_stories_wait_whatever_the_cache_holds(tmp_path, monkeypatch):
    """--build-date is the build's "now": in the site's time zone (Europe/London, BST in June)
    unless an offset is written; it wins over SOURCE_DATE_EPOCH, and a build told an earlier moment
    than the last one does not take the last one's output (which has the story) as up to date."""
    from click.testing import CliRunner

    from cupsite.cli import main

    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "content" / "articles" / "2024-06-06-gamma-preview.md").write_text(
        "---\ntitle: Gamma preview\ndate: 2024-06-06 09:00\n---\nSoon.\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030: overridden by every build below
    story = site / "output" / "news" / "gamma-preview" / "index.html"

    def published(build_date: str) -> bool:
        result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                           "--build-date", build_date])
        assert result.exit_code == 0, result.output
        return story.is_file()

    assert published("2024-06-07")
    assert not published("2024-06-06")  # the first minute of the day: 00:00 in London
    assert not published("2024-06-06T08:59")
    assert published("2024-06-06T09:00")
    assert not published("2024-06-06T09:00+02:00")  # 07:00 UTC, 08:00 in London
    assert published("2024-06-06T08:00+00:00")  # 09:00 in London

    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), "--build-date", "6 June"])
    assert result.exit_code == 2
    assert "'6 June' is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM" in result.output


def test_home_names_the_next_events_first_race_in_local_time_with_a_map(tmp_path):
    """Built on 20 May 2024, the mini season's next round is Gamma: its race 1 starts at 15:00 on
    7 June 2024 at Alpha Park (Europe/London, so BST)."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    track = site / "content" / "tracks" / "alpha-park.md"
    track.write_text(track.read_text(encoding="utf-8").replace(
        "turns: 12\n", "turns: 12\nmap: https://www.openstreetmap.org/?mlat=51.5&mlon=-0.1\n"), encoding="utf-8")
    mid_season = Publishing(now=datetime(2024, 5, 20, 12, 0, tzinfo=ZoneInfo("Europe/London")))
    output = build(site / "cupsite.toml", tmp_path / "output", mid_season).output
    card = page(output, "index.html").select_one("section.next-event")
    assert card.select_one(".event-name").get_text(strip=True) == "Gamma"
    assert "Race 1: Fri 7 Jun, 15:00 BST" in card.get_text(" ", strip=True)
    assert card.find("time")["datetime"] == "2024-06-07T15:00:00"
    assert card.find("a", string="Map")["href"] == "https://www.openstreetmap.org/?mlat=51.5&mlon=-0.1"


def test_a_profile_photo_is_shown_with_its_size_and_checked_like_a_storys(tmp_path):
    from click.testing import CliRunner

    from cupsite.cli import main

    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "static" / "img").mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (300, 200), (200, 90, 30)).save(site / "static" / "img" / "ann.png")
    profile = site / "content" / "drivers" / "ann-able.md"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("name: Ann Able\n", "name: Ann Able\nimage: /static/img/ann.png\n"),
                       encoding="utf-8")
    output = build(site / "cupsite.toml", tmp_path / "output").output
    photo = page(output, "drivers/ann-able/index.html").select_one(".profile-image img")
    # a photo: cropped to a portrait (4:5, so 160x200 of it), and published no wider than that
    assert (photo["width"], photo["height"]) == ("160", "200")
    assert photo["src"].startswith("../../photos/ann-profile-") and photo["src"].endswith("-160.jpg")
    assert (output / "static" / "img" / "ann.png").is_file()

    for image, message in (("/static/img/none.png", "the image '/static/img/none.png' does not exist"),
                           ("../../etc/passwd", "the image path '../../etc/passwd' leaves the site")):
        profile.write_text(text.replace("name: Ann Able\n", f"name: Ann Able\nimage: {image}\n"), encoding="utf-8")
        result = CliRunner().invoke(main, ["build", "--no-cache", "--config", str(site / "cupsite.toml")])
        assert result.exit_code == 1
        assert f"content/drivers/ann-able.md:3: error: {message}" in result.output
