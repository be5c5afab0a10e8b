"""The home page: the latest stories, the next round, the latest results and the title fight."""

from __future__ import annotations

from typing import NamedTuple

from ..link import Person, Site
from ..model import RACES, Article, Event, Season
from ..score import ScoredRow, ScoredSession, Tables
from ..standings import StandingRow
from .sessions import ScheduledSession, schedule

HOME_STORIES = 6


class HomePage(NamedTuple):
    """`home.html`: the site's front page."""

    title: str
    """the site's title"""
    stories: tuple[Article, ...]
    """the newest stories"""
    next_event: Event | None
    """the first round after the latest round with results (decided from the content, not the clock)"""
    next_track: Person | None
    """its track"""
    next_sessions: tuple[ScheduledSession, ...]
    """the next round's first session and its first race (one, if they are the same)"""
    current_season: Season | None
    """the newest season with results, else the newest"""
    season_complete: bool
    """every round of the current season has its race results"""
    leaders: tuple[tuple[str, tuple[StandingRow, ...]], ...]
    """(class code, its top three) of the current season's table"""
    latest_result: ScoredSession | None
    """the latest race with results"""
    latest_event: Event | None
    """its round"""
    latest_winners: tuple[tuple[str, ScoredRow], ...]
    """(class code, its winner's row) of the latest race"""


def home_page(site: Site, tables: Tables) -> HomePage:
    current = current_season(site, tables)
    leaders, latest = (), None
    if current is not None:
        season_tables = tables.season(current.championship, current.year)
        if season_tables.final:
            leaders = tuple((code, rows[:3]) for code, rows in season_tables.final.drivers if rows)
        if season_tables.races:
            latest = season_tables.sessions[season_tables.races[-1]]
    upcoming = _next_event(site, tables)
    return HomePage(
        title=site.config.title,
        stories=site.articles[:HOME_STORIES],
        next_event=upcoming,
        next_track=site.tracks[upcoming.track] if upcoming else None,
        next_sessions=_first_session_and_race(site, upcoming) if upcoming else (),
        current_season=current,
        season_complete=bool(current) and tables.season(current.championship, current.year).complete,
        leaders=leaders,
        latest_result=latest,
        latest_event=site.events[latest.event] if latest else None,
        latest_winners=tuple((code, rows[0]) for code, rows in latest.classes) if latest else (),
    )


def current_season(site: Site, tables: Tables) -> Season | None:
    """The newest season that has results (the one the title fight is about), else the newest."""
    return max(site.seasons, default=None,
               key=lambda s: (bool(tables.season(s.championship, s.year).races), s.year, s.championship))


def _first_session_and_race(site: Site, event: Event) -> tuple[ScheduledSession, ...]:
    """The sessions the home page names for the next event: its first, and its first race."""
    sessions = schedule(site, event, None)
    first_race = next((s for s in sessions if s.info.type in RACES), None)
    if first_race is None or not sessions or first_race is sessions[0]:
        return sessions[:1]
    return (sessions[0], first_race)


def _next_event(site: Site, tables: Tables) -> Event | None:
    """The first round after the latest round with results. Decided from the content, not the
    clock, so that building the same content always gives the same site."""
    done = [site.events[key] for t in tables.seasons.values() for key, _ in t.sessions]
    if not done:
        upcoming = sorted(site.events.values(), key=lambda e: (e.start, e.key))
        return upcoming[0] if upcoming else None
    last = max(e.end for e in done)
    upcoming = sorted((e for e in site.events.values() if e.start > last), key=lambda e: (e.start, e.key))
    return upcoming[0] if upcoming else None
