"""The weekend as it happens: what the site says is on, or next, follows the build's moment (an
input of the build, like the content), not which rounds have results.

The demo's 2026 calendar (content/results/carrera-cup/2026/season.yaml, times local at the track)
has no results yet: Sebring 18-20 March (Race 1 on 19 March at 15:45 for 40 minutes, Race 2 on
20 March at 10:30), Long Beach 17-19 April, Miami 1-3 May (Practice 1 at 09:20, Practice 2 at
14:05)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from cupsite.build import render_site
from cupsite.cli import main
from cupsite.config import load_config
from cupsite.model import Event, SessionInfo, Source
from cupsite.publishing import Publishing
from cupsite.weekend import event_span, latest_started, next_change, on_or_next, session_times, weekend_now

from .conftest import DEMO_MOMENT, ROOT, SITES, copy_site

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def demo_config():
    return load_config(ROOT / "cupsite.toml")


def demo_at(config, moment: str) -> dict[str, BeautifulSoup]:
    """The demo's home page and its 2026 Sebring and Miami pages, built at `moment` (New York time)."""
    files = render_site(config, Publishing(now=datetime.fromisoformat(moment).replace(tzinfo=NEW_YORK))).files
    wanted = {"home": "index.html", "sebring": "carrera-cup/2026/sebring/index.html",
              "miami": "carrera-cup/2026/miami/index.html"}
    return {name: BeautifulSoup(files[path], "html.parser") for name, path in wanted.items()}


def text(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    return " ".join(found.get_text(" ").split()) if found else ""


def test_built_on_1_may_2026_the_next_event_is_miami_not_the_round_after_the_last_results(demo_config):
    pages = demo_at(demo_config, "2026-05-01T12:00")
    card = text(pages["home"], ".next-event")
    assert card.startswith("This weekend Miami")  # practice 1 ran this morning
    assert "No session on track right now." in card
    assert "Next: Practice 2, Fri 14:05 EDT" in card
    calendar = pages["home"].find("nav", attrs={"aria-label": "Main"}).find("a", string="Calendar")
    assert calendar["href"] == "carrera-cup/2026/index.html"


def test_during_a_race_the_home_and_event_pages_say_what_is_on_track_and_what_is_next(demo_config):
    pages = demo_at(demo_config, "2026-03-19T16:00")
    for page in (pages["home"], pages["sebring"]):
        line = text(page, ".on-track")
        assert line == "On track now: Race 1, until 16:25 EDT Next: Race 2, Fri 10:30 EDT", line
    assert text(pages["home"], ".next-event").count("Race 2") == 1  # named once, as what is next
    assert not pages["miami"].select(".on-track")  # another round says nothing of it


def test_before_the_season_the_next_event_is_the_opener_and_no_round_is_on(demo_config):
    pages = demo_at(demo_config, "2026-01-10T09:00")
    card = text(pages["home"], ".next-event")
    assert card.startswith("Next event Sebring")
    assert not pages["home"].select(".on-track")


def test_once_every_round_is_over_no_next_event_is_named_and_the_calendar_is_the_latest(demo_config):
    pages = demo_at(demo_config, "2026-12-06T12:00")
    assert not pages["home"].select(".next-event")
    calendar = pages["home"].find("nav", attrs={"aria-label": "Main"}).find("a", string="Calendar")
    assert calendar["href"] == "carrera-cup/2026/index.html"


def test_a_round_without_entries_says_its_entry_list_is_not_published(demo_config):
    pages = demo_at(demo_config, "2026-01-10T09:00")
    facts = text(pages["miami"], ".event-facts")
    assert facts.endswith("entry list not published yet"), facts
    assert "0 entries" not in facts


def event(*sessions: SessionInfo) -> Event:
    return Event("cup", "2024", 1, "alpha", "Alpha", "alpha-park", sessions[0].start.date(),
                 sessions[-1].start.date(), "Europe/London", sessions, Source("season.yaml", 1))


def test_a_session_without_a_length_ends_when_the_next_starts_or_after_an_hour():
    qualifying = SessionInfo("qualifying", "Qualifying", "qualifying", datetime(2024, 4, 5, 10, 0))
    race = SessionInfo("race-1", "Race 1", "race", datetime(2024, 4, 5, 10, 40))
    last = SessionInfo("race-2", "Race 2", "race", datetime(2024, 4, 6, 11, 0))
    times = session_times(event(race, qualifying, last))  # in running order, whatever the file's order
    assert [t.info.slug for t in times] == ["qualifying", "race-1", "race-2"]
    assert times[0].end.strftime("%H:%M") == "10:40"  # the race started: qualifying is over
    assert times[1].end.strftime("%H:%M") == "11:40"
    assert times[2].end - times[2].start == timedelta(hours=1)
    assert times[0].zone == "BST"


def test_what_is_on_and_when_that_changes():
    london = ZoneInfo("Europe/London")
    race = SessionInfo("race-1", "Race 1", "race", datetime(2024, 4, 5, 15, 0), duration=30)
    second = SessionInfo("race-2", "Race 2", "race", datetime(2024, 4, 6, 11, 0), duration=30)
    alpha = event(race, second)
    during = datetime(2024, 4, 5, 15, 10, tzinfo=london)
    now = weekend_now(alpha, during)
    assert now.on_now.info.slug == "race-1" and now.up_next.info.slug == "race-2"
    overnight = weekend_now(alpha, datetime(2024, 4, 5, 20, 0, tzinfo=london))
    assert overnight.on_now is None and overnight.up_next.info.slug == "race-2"
    assert weekend_now(alpha, datetime(2024, 4, 6, 11, 31, tzinfo=london)) is None  # over
    assert next_change([alpha], during) == datetime(2024, 4, 5, 15, 30, tzinfo=london)
    assert event_span(alpha) == (datetime(2024, 4, 5, 15, 0, tzinfo=london),
                                 datetime(2024, 4, 6, 11, 30, tzinfo=london))
    assert on_or_next([alpha], datetime(2024, 4, 6, 11, 31, tzinfo=london)) is None


def build_at(site: Path, moment: str):
    return CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), "--build-date", moment])


def test_a_build_after_a_session_started_builds_again_though_nothing_was_edited(tmp_path):
    """The stamp of a build expires when a session starts or ends: the home page changes then."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    home = site / "output" / "index.html"
    assert build_at(site, "2024-04-05T09:00").exit_code == 0  # before qualifying (10:00, 20 minutes)
    before = home.read_text(encoding="utf-8")
    quiet = build_at(site, "2024-04-05T09:30")
    assert quiet.exit_code == 0 and "Nothing changed" in quiet.output, quiet.output
    started = build_at(site, "2024-04-05T10:05")
    assert started.exit_code == 0 and "Nothing changed" not in started.output, started.output
    after = home.read_text(encoding="utf-8")
    assert "On track now:" not in before
    assert re.search(r"On track now:</strong> Qualifying, until <time[^>]*>10:20 BST", after)


def test_the_demo_is_built_as_of_the_moment_the_tests_build_it_at():
    script = (ROOT / "scripts" / "build-demo").read_text(encoding="utf-8")
    given = re.search(r"--build-date (\d\S+)", script).group(1)
    assert datetime.fromisoformat(given).replace(tzinfo=NEW_YORK) == DEMO_MOMENT  # the site's zone: New York


def test_the_shortcuts_by_date_give_what_working_out_every_round_gives(demo_config):
    """on_or_next, latest_started and next_change skip the rounds that are over by date; every 5
    hours through the demo's two seasons (tracks in four time zones), they agree with the plain
    definitions over every round."""
    from cupsite.build import prepare

    site, _ = prepare(demo_config, Publishing(now=datetime(2025, 1, 1, tzinfo=NEW_YORK)))
    events = list(site.events.values())
    moment = datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))
    while moment < datetime(2027, 1, 1, tzinfo=ZoneInfo("UTC")):
        spans = {event.key: event_span(event) for event in events}
        coming = [e for e in events if spans[e.key][1] > moment]
        started = [e for e in events if spans[e.key][0] <= moment]
        boundaries = [m for e in events for t in session_times(e) for m in (t.start, t.end)] + \
            [m for e in events for m in spans[e.key]]
        assert on_or_next(events, moment) == min(coming, key=lambda e: (spans[e.key][0], e.key), default=None)
        assert latest_started(events, moment) == max(started, key=lambda e: (spans[e.key][0], e.key), default=None)
        assert next_change(events, moment) == min((m for m in boundaries if m > moment), default=None)
        moment += timedelta(hours=5)
