"""The home page: the latest stories, the next round, the latest results and the title fight."""

from __future__ import annotations

from typing import NamedTuple

from ..link import Person, Site
from ..model import RACES, Article, Event, Season
from ..score import ScoredRow, ScoredSession, Tables
from ..standings import StandingRow
from ..weekend import WeekendNow, latest_started, on_or_next, weekend_now
from .sessions import ScheduledSession, schedule

HOME_STORIES = 6


class HomePage(NamedTuple):
    """`home.html`: the site's front page."""

    title: str
    """the site's title"""
    stories: tuple[Article, ...]
    """the newest stories"""
    next_event: Event | None
    """the round under way at the build's moment, else the first one after it (None when every round is over)"""
    next_track: Person | None
    """its track"""
    next_sessions: tuple[ScheduledSession, ...]
    """the next round's first session and its first race (one, if they are the same); for a round under
    way, its races after the next session"""
    weekend_now: WeekendNow | None
    """for a round under way at the build's moment: the session on track and the next one"""
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
    upcoming = on_or_next(site.events.values(), site.now)
    under_way = weekend_now(upcoming, site.now) if upcoming else None
    return HomePage(
        title=site.config.title,
        stories=site.articles[:HOME_STORIES],
        next_event=upcoming,
        next_track=site.tracks[upcoming.track] if upcoming else None,
        next_sessions=_sessions_to_name(site, upcoming, under_way) if upcoming else (),
        weekend_now=under_way,
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


def calendar_season(site: Site, tables: Tables) -> Season | None:
    """The season whose calendar the menu opens: that of the round under way or next at the build's
    moment; once every round is over, that of the latest round to have started."""
    event = on_or_next(site.events.values(), site.now) or latest_started(site.events.values(), site.now)
    if event is None:
        return current_season(site, tables)
    return next(s for s in site.seasons if s.championship == event.championship and s.year == event.season)


def _sessions_to_name(site: Site, event: Event, under_way: WeekendNow | None) -> tuple[ScheduledSession, ...]:
    """The sessions the home page names for the next round: its first, and its first race; for a
    round under way, the races after the next session (which the card names already)."""
    sessions = schedule(site, event, None)
    if under_way is not None:
        up_next = under_way.up_next
        return tuple(s for s in sessions if up_next and s.info.type in RACES and s.info.start > up_next.info.start)
    first_race = next((s for s in sessions if s.info.type in RACES), None)
    if first_race is None or not sessions or first_race is sessions[0]:
        return sessions[:1]
    return (sessions[0], first_race)
