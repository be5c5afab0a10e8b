"""A championship's page of seasons, and each season's calendar."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..config import Championship
from ..link import Person, Site
from ..model import RACES, Event, Season
from ..score import ScoredRow, ScoredSession, SeasonTables


class ChampionshipPage(NamedTuple):
    """`championship.html`: a championship's seasons."""

    title: str
    """the championship's name"""
    championship: Championship
    """the championship: `slug`, `name`, `short_name`, `classes`, `points`, `team_cars_per_race`"""
    seasons: tuple[Season, ...]
    """its seasons, newest first"""


class RoundSummary(NamedTuple):
    """A round as the season's calendar shows it."""

    event: Event
    """the round: `key`, `round`, `name`, `start`, `end`, `track`, `sessions`"""
    track: Person | None
    """its track"""
    races: tuple[ScoredSession, ...]
    """its races with results, in running order"""
    winners: tuple[tuple[ScoredSession, tuple[tuple[str, ScoredRow], ...]], ...]
    """(race, (class code, its winner's row) per class) of each race with results"""
    first_start: datetime | None
    """when its first session starts (local time at the track), if it has sessions"""


class Switcher(NamedTuple):
    """The links of a season's page to the same page of the championship's other seasons and of the
    other championships' latest season."""

    seasons: tuple[tuple[str, str], ...]
    """(year, site path of that season's page; "" for this season's own) of each of the championship's seasons,
    oldest first; empty when it has only one"""
    others: tuple[tuple[str, str], ...]
    """("<short name> <year>", site path) of each other championship's latest season"""


class CalendarPage(NamedTuple):
    """`calendar.html`: a season's rounds and their winners."""

    title: str
    """the championship's short name, the year and "calendar" ("Carrera Cup 2025 calendar")"""
    championship: Championship
    """the championship"""
    season: Season
    """the season: `championship` (slug), `year`, `name`, `events`, `entries`"""
    season_tables: SeasonTables
    """the season's tables: `races`, `sessions`, `final`, `by_round`, `complete`"""
    rounds: tuple[RoundSummary, ...]
    """the season's rounds"""
    championship_seasons: tuple[Season, ...]
    """the championship's seasons, oldest first (for the `switchers` macro, as on the standings pages)"""
    other_championships: tuple[tuple[Championship, Season], ...]
    """(championship, its latest season) of the site's other championships (for the `switchers` macro)"""
    switcher: Switcher
    """the links to the calendars of the other seasons and championships (drawn by the `switchers` macro)"""


def switcher(season: Season, seasons: tuple[Season, ...], others: tuple[tuple[Championship, Season], ...],
             page_of) -> Switcher:
    """The switcher of a season's page, `page_of(championship slug, year)` giving the path of each page."""
    return Switcher(
        tuple((s.year, "" if s is season else page_of(s.championship, s.year)) for s in seasons)
        if len(seasons) > 1 else (),
        tuple((f"{other.short_name} {s.year}", page_of(s.championship, s.year)) for other, s in others))


def round_summary(site: Site, season_tables, event: Event) -> RoundSummary:
    races = tuple(season_tables.sessions[(event.key, s.slug)] for s in event.sessions
                  if s.type in RACES and (event.key, s.slug) in season_tables.sessions)
    winners = tuple((race, tuple((code, rows[0]) for code, rows in race.classes)) for race in races)
    first_start = event.sessions[0].start if event.sessions else None
    return RoundSummary(event, site.tracks.get(event.track), races, winners, first_start)
