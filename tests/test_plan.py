"""The plan stage on the mini site: which pages exist, and what the home page is told."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cupsite.build import prepare
from cupsite.config import load_config
from cupsite.plan import plan
from cupsite.publishing import Publishing

from .conftest import SITES

# between the mini season's round 2 (Beta, 10 May 2024) and round 3 (Gamma, 7 June)
MID_SEASON = datetime(2024, 5, 20, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def planned():
    site, tables = prepare(load_config(SITES / "mini" / "cupsite.toml"), Publishing(now=MID_SEASON))
    return {page.path: page for page in plan(site, tables)}


def test_every_page_has_one_path_and_a_template():
    pages = planned()
    assert {"", "news/", "news/page/2/", "tags/", "tags/race-report/", "news/able-wins/", "cup/", "cup/2024/",
            "cup/2024/standings/", "cup/2024/alpha/", "cup/2024/gamma/", "drivers/", "drivers/dee-dunn/",
            "teams/green-team/", "tracks/beta-ring/", "404.html", "feed.xml", "sitemap.xml"} <= set(pages)
    assert "news/draft/" not in pages


def test_next_event_is_the_first_round_after_the_builds_moment():
    home = planned()[""].context
    assert home.next_event.slug == "gamma"  # built on 20 May: beta (10 May) is over, gamma (7 June) to come
    assert home.latest_result.key == ("cup/2024/beta", "race-1")
    assert [code for code, _ in home.leaders] == ["A", "B"]


def test_sitemap_lists_pages_but_not_the_feed_or_404():
    paths = planned()["sitemap.xml"].context.paths
    assert "drivers/ann-able/" in paths
    assert "404.html" not in paths and "feed.xml" not in paths


def test_event_schedule_is_in_the_tracks_time_zone():
    beta = planned()["cup/2024/beta/"].context
    assert [(s.info.slug, s.zone) for s in beta.schedule] == [("race-1", "CEST")]
    assert beta.entry_count == 5
