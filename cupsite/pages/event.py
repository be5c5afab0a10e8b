"""A round's page: its schedule, every session's classification, lap charts and stories."""

from __future__ import annotations

from typing import NamedTuple

from .. import urls
from ..config import CarClass, Championship
from ..link import Person, Site
from ..model import Article, Event, Season
from ..records import LapRecord, LapRecords
from ..score import Tables
from ..weekend import WeekendNow, weekend_now
from .sessions import ScheduledSession, schedule


class EventPage(NamedTuple):
    """`event.html`: a round."""

    title: str
    """the round's name and year ("Indianapolis 2025")"""
    championship: Championship
    """the championship"""
    season: Season
    """the season"""
    event: Event
    """the round: `key`, `round`, `name`, `start`, `end`, `timezone`, `broadcast`, `championship`"""
    track: Person | None
    """its track"""
    lap_record: LapRecord | None
    """the track's lap record after all the data"""
    new_lap_records: dict[str, LapRecord]
    """session slug -> the lap record it set"""
    schedule: tuple[ScheduledSession, ...]
    """the round's sessions in running order, with classifications, lap charts and car-by-car timing"""
    entry_count: int
    """how many cars took part (or are entered, before any results)"""
    entries_label: str
    """that count in words ("24 entries", "1 entry"), or "entry list not published yet" when there is none"""
    weekend_now: WeekendNow | None
    """while the round is under way at the build's moment: the session on track and the next one"""
    articles: tuple[Article, ...]
    """its stories, newest first"""
    previous_event: Event | None
    """the season's round before"""
    next_event: Event | None
    """the season's round after"""
    results: tuple[ScheduledSession, ...]
    """the sessions of `schedule` that have results"""
    class_links: tuple[tuple[CarClass, str], ...]
    """(class, anchor of its table in the latest session with results) per class of the championship; empty
    without results"""


def event_page(site: Site, tables: Tables, track_records: LapRecords, championship: Championship, season: Season,
               event: Event, previous: Event | None, following: Event | None) -> EventPage:
    season_tables = tables.season(season.championship, season.year)
    records = track_records.track(event.track)
    new_records = {r.session: r for r in records.history if r.event == event.key}
    sessions = schedule(site, event, season_tables, new_records)
    cars = {row.car for s in sessions if s.result for row in s.result.rows}
    by_slug = site.article_by_slug
    results = tuple(s for s in sessions if s.result)
    return EventPage(
        title=f"{event.name} {season.year}",
        championship=championship,
        season=season,
        event=event,
        track=site.tracks.get(event.track),
        lap_record=records.current,
        new_lap_records=new_records,
        schedule=sessions,
        entry_count=len(cars) or len(season.entries),
        entries_label=_entries_label(len(cars) or len(season.entries)),
        weekend_now=weekend_now(event, site.now),
        articles=tuple(by_slug[s] for s in site.event_articles.get(event.key, ())),
        previous_event=previous,
        next_event=following,
        results=results,
        class_links=tuple((k, urls.session_anchor(results[-1].info.slug, k.code)) for k in championship.classes)
        if results else (),
    )


def _entries_label(count: int) -> str:
    if count == 0:
        return "entry list not published yet"
    return f"{count} {'entry' if count == 1 else 'entries'}"
