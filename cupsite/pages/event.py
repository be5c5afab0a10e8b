"""A round's page: a summary of its results, its schedule, every session's classification (the
latest first), lap charts and stories."""

from __future__ import annotations

from typing import NamedTuple

from .. import urls
from ..config import CarClass, Championship
from ..link import Person, Site
from ..model import RACES, Article, Event, Season
from ..records import LapRecord, LapRecords
from ..score import ScoredRow, Tables
from ..weekend import WeekendNow, weekend_now
from .sessions import ScheduledSession, format_laptime, schedule

# (driver slug, words before the surname, surname, words after it) per driver of a car
Crew = tuple[tuple[str, str, str, str], ...]


class SummaryLine(NamedTuple):
    """A class's line in the summary of a race or a qualifying at the top of an event page."""

    car_class: str
    """the class code"""
    first: ScoredRow
    """the class winner of a race, the pole sitter of a qualifying"""
    first_crew: Crew
    """its drivers: (slug, words before the surname, surname, words after it) each"""
    first_time: str
    """the winner's race time, or the pole lap ("1:25.015")"""
    fastest: ScoredRow | None
    """in a race, the car that set the class's fastest lap (its `best` is the lap); None in a qualifying"""
    fastest_crew: Crew
    """its drivers, as `first_crew`"""


class SessionSummary(NamedTuple):
    """A race or a qualifying with results, as the event page's summary shows it."""

    session: ScheduledSession
    """the session (`info`: `slug`, `name`, `type`; `local_start`, `zone`)"""
    race: bool
    """a race (its lines give winners and fastest laps), else a qualifying (pole positions)"""
    lines: tuple[SummaryLine, ...]
    """one per class, in the championship's order of classes"""


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
    latest_first: tuple[ScheduledSession, ...]
    """the sessions with results, the latest first: the order the page shows their classifications in"""
    summary: tuple[SessionSummary, ...]
    """the races and qualifyings with results, the latest first: class winners, fastest laps, pole positions"""


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
        latest_first=tuple(reversed(results)),
        summary=event_summary(results),
    )


def _entries_label(count: int) -> str:
    if count == 0:
        return "entry list not published yet"
    return f"{count} {'entry' if count == 1 else 'entries'}"


def event_summary(results: tuple[ScheduledSession, ...]) -> tuple[SessionSummary, ...]:
    """What the top of an event page says of its races and qualifyings, the latest first."""
    summaries = []
    for scheduled in reversed(results):
        race = scheduled.info.type in RACES
        if scheduled.table is None or not (race or scheduled.info.type == "qualifying"):
            continue
        lines = []
        for code, rows, texts in scheduled.table.classes:
            if not rows:
                continue
            fastest = next((i for i, row in enumerate(rows) if row.fastest_in_class), None) if race else None
            lines.append(SummaryLine(
                code, rows[0], texts[0][4], texts[0][1] if race else format_laptime(rows[0].best),
                rows[fastest] if fastest is not None else None, texts[fastest][4] if fastest is not None else ()))
        summaries.append(SessionSummary(scheduled, race, tuple(lines)))
    return tuple(summaries)
