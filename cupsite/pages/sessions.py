"""Sessions as pages show them: a round's schedule in local time, and classifications whose cells'
text (a place, a time or a gap, laps led) is decided here, so a template only writes it out."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .. import steps
from ..lapcharts import lap_chart
from ..laps import analyse
from ..link import Site
from ..model import RACES, STATUS_LABELS, Event, SessionInfo
from ..names import NameParts, person_name_parts, surname
from ..records import LapRecord
from ..score import ScoredRow, ScoredSession
from ..session_scoring import TIMED_SESSIONS
from ..stints import TimingTable, timing_table
from ..timing import format_time, parse_time

# The text of a classification row's cells that depend on its status and session: (place, time or
# gap, laps led, sets the lap record, crew: (driver slug, *NameParts) per driver); see
# ResultTable.classes. A plain tuple: a build makes one per row of every session, and the page cache
# digests plain tuples fastest.
ResultLine = tuple[str, str, str, bool, tuple[tuple[str, str, str, str], ...]]


class ResultTable(NamedTuple):
    """A session's classification ready to show, class by class (the `classification` macro draws it)."""

    session: ScoredSession
    """the scored session (`info`, `rows` in overall order, `classes`)"""
    timed: bool
    """practice, qualifying or warm-up: best laps and gaps, no laps, race time or points"""
    shows_speed: bool
    """some row has the speed of its best lap"""
    shows_laps_led: bool
    """some row has laps led"""
    led_in_class: bool
    """the laps led are counted in each class (from a per-lap export), not overall"""
    classes: tuple[tuple[str, tuple[ScoredRow, ...], tuple[ResultLine, ...]], ...]
    """(class code, its rows, their lines) in the championship's order of classes. A row has `position` (overall),
    `car`, `drivers`, `team`, `laps`, `best`, `speed`, `points`, `rookie`, `note`, `fastest_in_class`, `status`,
    `timing`. `lines[i]`, the text of `rows[i]`'s cells, is (place: the class position, or the status in capitals,
    `DNF`; time or gap: in a race the status in words, the class winner's time, else the gap to the class winner,
    in practice and qualifying the gap to the class's best lap; laps led, in the class when the session counts
    those, or ""; whether its best lap is the new lap record the session set; the crew, (slug, words before the
    surname, surname, words after it) per driver, so a phone can put the surname first)"""


class ScheduledSession(NamedTuple):
    """A session of a round as the schedule shows it: local time at the track, and its result."""

    info: SessionInfo
    """the session as the calendar gives it: `slug`, `name`, `type`, `start`, `duration`, `points_factor`"""
    local_start: datetime
    """its start, local time at the track"""
    zone: str
    """the time zone's abbreviation at that time (CEST)"""
    result: ScoredSession | None
    """its scored result, if it has one"""
    lap_charts: tuple = ()
    """a lap chart per class (lapcharts.LapChart), for a race with a per-lap export (event page only)"""
    timing: TimingTable | None = None
    """stints, pit stops, sectors and top speeds, for a race with a per-lap export (event page only)"""
    from_laps: bool = False
    """its classification was worked out from the per-lap export"""
    table: ResultTable | None = None
    """its classification ready to show (event page only)"""
    new_lap_record: LapRecord | None = None
    """the lap record it set, if it set one (event page only)"""


@functools.lru_cache(maxsize=1 << 16)  # a session's times recur on its event, driver and team pages
def format_laptime(text: str) -> str:
    """A time as given in a classification, written the theme's way (1:26.384); other text as it is."""
    seconds = parse_time(text) if text else None
    return format_time(seconds) if seconds is not None else (text or "")


def place_of(row: ScoredRow) -> str:
    return str(row.class_position) if row.status == "classified" else row.status.upper()


def result_table(session: ScoredSession, new_record: LapRecord | None = None, people: dict | None = None
                 ) -> ResultTable:
    """`people`: the site's drivers by slug (link.Person), whose names the crews are cut from."""
    timed = session.info.type in TIMED_SESSIONS
    in_class = session.shows_class_laps_led
    record_car = new_record.car if new_record is not None else None
    names = crew_names(session.rows, people or {})

    def line(row: ScoredRow) -> ResultLine:
        led = row.class_laps_led if in_class else row.laps_led
        gap = row.class_gap if timed else _race_time_or_gap(row)
        sets_record = record_car is not None and row.car == record_car
        return (place_of(row), gap, str(led) if led else "", sets_record,
                tuple((slug, *names[slug]) for slug in row.drivers))

    return ResultTable(session, timed, session.shows_speed, session.shows_laps_led, in_class,
                       tuple((code, rows, tuple(line(row) for row in rows)) for code, rows in session.classes))


def crew_names(rows, people: dict) -> dict[str, NameParts]:
    """Driver slug -> their name cut around the surname, for every driver of `rows`."""
    return {slug: person_name_parts(people[slug]) if slug in people else ("", slug, "")
            for row in rows for slug in row.drivers}


def _race_time_or_gap(row: ScoredRow) -> str:
    if row.status != "classified":
        return STATUS_LABELS.get(row.status, row.status)
    if row.class_position == 1:
        return format_laptime(row.time) if row.time else row.gap
    return row.class_gap or row.gap


def summary_line(row: ScoredRow) -> tuple[ScoredRow, str, str]:
    """A row of a short table placed in a story, (row, place, time or gap): the winner's time, else
    the gap, whatever the status."""
    time_or_gap = (format_laptime(row.time) or row.gap) if row.class_position == 1 else (row.class_gap or row.gap)
    return (row, place_of(row), time_or_gap)


def schedule(site: Site, event: Event, season_tables, new_records: dict | None = None
             ) -> tuple[ScheduledSession, ...]:
    """The round's sessions in running order. With `new_records` (the lap records set, by session
    slug), as the event page shows them: with classifications, lap charts and car-by-car timing."""
    zone = ZoneInfo(event.timezone)
    detailed = new_records is not None
    sessions = []
    for info in event.sessions:
        result = season_tables.sessions.get((event.key, info.slug)) if season_tables else None
        filed = site.results.get((event.key, info.slug))
        local = ScheduledSession(info, info.start, info.start.replace(tzinfo=zone).tzname() or event.timezone,
                                 result, from_laps=bool(filed and filed.from_laps))
        sessions.append(_with_details(site, event, season_tables, local, new_records) if detailed else local)
    return tuple(sessions)


def _with_details(site: Site, event: Event, season_tables, scheduled: ScheduledSession, new_records: dict
                  ) -> ScheduledSession:
    info, result = scheduled.info, scheduled.result
    if result is None:
        return scheduled
    session_laps = site.laps.get((event.key, info.slug))
    record = new_records.get(info.slug)
    return ScheduledSession(
        info, scheduled.local_start, scheduled.zone, result,
        _lap_charts(site, event, season_tables, result, session_laps) if session_laps else (),
        timing_table(result.rows) if info.type in RACES else None, scheduled.from_laps,
        result_table(result, record, site.drivers), record)


def _lap_charts(site: Site, event: Event, season_tables, result: ScoredSession, session_laps) -> tuple:
    """A lap chart per class of a race, from its per-lap export; the grid is the weekend's
    qualifying order where there is one (one qualifying sets the grid for both races).
    Laying out a chart is costly and its inputs rarely change: it comes from the cache while they
    do not (a story edited under `serve` redraws none)."""
    if result.info.type not in RACES:
        return ()
    qualifying = next((season_tables.sessions.get((event.key, s.slug)) for s in event.sessions
                       if s.type == "qualifying" and (event.key, s.slug) in season_tables.sessions), None)
    grid = {row.car: row.position for row in qualifying.rows} if qualifying else None
    classes = tuple((code, tuple((row.car, f"#{row.car} {_crew_surnames(site, row.drivers)}") for row in rows))
                    for code, rows in result.classes)
    car_classes = {row.car: row.car_class for row in result.rows}
    championship = site.config.championship(event.championship)
    return steps.once(charts_of, session_laps, classes, car_classes, grid, championship)


def charts_of(session_laps, classes, car_classes: dict, grid: dict | None, championship) -> tuple:
    race = analyse(session_laps.laps, car_classes)
    charts = []
    for code, crews in classes:
        cars = [(car, label) for car, label in crews if race.car(car) is not None or (grid and car in grid)]
        if cars:
            charts.append(lap_chart(race, cars, championship.car_class(code).name, grid))
    return tuple(charts)


def _crew_surnames(site: Site, drivers) -> str:
    return " / ".join(surname(site.drivers[slug].name) if slug in site.drivers else slug for slug in drivers)
