"""Feeds and sharing: Atom feeds per driver, team and tag; Open Graph and Twitter cards;
iCalendar files of the sessions; robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from bs4 import BeautifulSoup
from icalendar import Calendar

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def titles(feed_path) -> list[str]:
    root = ET.parse(feed_path).getroot()
    return [entry.findtext("a:title", namespaces=ATOM) for entry in root.findall("a:entry", ATOM)]


def test_driver_team_and_tag_feeds_follow_their_stories(demo_site):
    page = BeautifulSoup((demo_site / "drivers/scott-blind/index.html").read_text(encoding="utf-8"), "html.parser")
    listed = [a.get_text() for a in page.select("#driver-stories ~ ul a")]
    assert titles(demo_site / "drivers/scott-blind/feed.xml") == listed
    feed_link = page.find("link", rel="alternate", href="feed.xml")
    assert feed_link is not None and feed_link["type"] == "application/atom+xml"
    assert "Kellymoss" in ET.parse(demo_site / "teams/kellymoss/feed.xml").getroot().findtext("a:title",
                                                                                              namespaces=ATOM)
    assert len(titles(demo_site / "tags/race-report/feed.xml")) >= 6
    self_link = ET.parse(demo_site / "tags/race-report/feed.xml").getroot().find("a:link[@rel='self']", ATOM)
    assert self_link.get("href") == "https://cup.example.org/tags/race-report/feed.xml"


def test_the_site_feed_carries_whole_stories_and_topic_feeds_their_summaries(demo_site):
    def entries(feed_path):
        return ET.parse(feed_path).getroot().findall("a:entry", ATOM)

    site_entries = entries(demo_site / "feed.xml")
    assert site_entries and all(e.find("a:content", ATOM) is not None for e in site_entries)
    whole = {e.findtext("a:title", namespaces=ATOM): e.findtext("a:content", namespaces=ATOM) for e in site_entries}
    for feed in ("drivers/scott-blind/feed.xml", "teams/kellymoss/feed.xml", "tags/race-report/feed.xml"):
        topic_entries = entries(demo_site / feed)
        assert topic_entries, feed
        for entry in topic_entries:
            assert entry.find("a:content", ATOM) is None, feed
            assert entry.findtext("a:summary", namespaces=ATOM).strip(), feed
            link = entry.find("a:link[@rel='alternate']", ATOM).get("href")
            assert link.startswith("https://cup.example.org/news/"), feed
            title = entry.findtext("a:title", namespaces=ATOM)
            if title in whole:  # the same story in the site's feed is there in full
                assert len(whole[title]) > len(entry.findtext("a:summary", namespaces=ATOM))


def test_drivers_without_stories_have_no_feed(demo_site):
    assert (demo_site / "drivers/derek-okafor/index.html").is_file()
    assert not (demo_site / "drivers/derek-okafor/feed.xml").exists()  # named in no story


def test_stories_carry_sharing_metadata(demo_site):
    page = BeautifulSoup((demo_site / "news/indianapolis-preview/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in page.find_all("meta")
            if tag.get("property", "").startswith("og:") or tag.get("name", "").startswith("twitter:")}
    assert meta["og:type"] == "article"
    assert meta["og:title"].startswith("Indianapolis preview")
    assert meta["og:url"] == "https://cup.example.org/news/indianapolis-preview/"
    # its image is an SVG drawing, which social sites do not show: it shares a generated card, its
    # round's (only the newest stories get one of their own: share_cards.OWN_CARDS)
    assert meta["og:image"] == "https://cup.example.org/cards/carrera-cup-2025-indianapolis.png"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:description"].startswith("Twenty-nine cars")


def test_the_season_calendar_gives_every_session_at_the_right_instant(demo_site):
    calendar = Calendar.from_ical((demo_site / "carrera-cup/2025/sessions.ics").read_bytes())
    sessions = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert len(sessions) == 8 * 5
    race_1 = sessions["carrera-cup/2025/indianapolis/race-1"]
    # 15:45 on Friday 19 September 2025 in Indianapolis (EDT, UTC-4)
    assert race_1.decoded("dtstart").astimezone(timezone.utc) == datetime(2025, 9, 19, 19, 45, tzinfo=timezone.utc)
    assert race_1.decoded("dtend") - race_1.decoded("dtstart") == timedelta(minutes=40)
    assert "Indianapolis Motor Speedway" in str(race_1["location"])
    long_beach = [e for uid, e in sessions.items() if uid.startswith("carrera-cup/2025/long-beach/")]
    assert all(str(e.decoded("dtstart").tzinfo) == "America/Los_Angeles" for e in long_beach)


def test_each_event_has_its_own_calendar(demo_site):
    calendar = Calendar.from_ical((demo_site / "carrera-cup/2026/sebring/sessions.ics").read_bytes())
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")][0].startswith("Carrera Cup: Sebring")
    page = BeautifulSoup((demo_site / "carrera-cup/2026/sebring/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert page.find("a", href="sessions.ics") is not None


def test_robots_txt_points_at_the_sitemap(demo_site):
    assert (demo_site / "robots.txt").read_text(encoding="utf-8").splitlines() == [
        "User-agent: *", "Allow: /", "Sitemap: https://cup.example.org/sitemap.xml"]
