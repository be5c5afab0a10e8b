"""iCalendar files of the sessions, to subscribe to a season or add one weekend: times in the
track's own time zone (with its VTIMEZONE), so every calendar shows them at the right instant."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import steps, urls
from .config import SiteConfig
from .link import Site
from .model import Event

if TYPE_CHECKING:
    from icalendar import Timezone

# icalendar is imported where a calendar is written: a build that finds every calendar in its
# cache does not pay for importing it
DEFAULT_LENGTH = timedelta(hours=1)  # for a session whose length the calendar does not give
CALENDARS_PER_WORKER = 8  # writing a calendar takes ten times as long as reading a story


def calendar_files(site: Site) -> dict[str, bytes]:
    """The season's and each event's calendar by output path. Each is taken from the build cache
    when nothing it shows has changed (writing iCalendar is slow), or made across the cores."""
    wanted = []  # (file, calendar name, events)
    for season in site.seasons:
        if not season.events:
            continue
        championship = site.config.championship(season.championship)
        name = f"{championship.short_name} {season.year}"
        wanted.append((urls.season_calendar_file(season.championship, season.year), name, season.events))
        wanted += [(urls.event_calendar_file(event.key), f"{name}: {event.name}", (event,)) for event in season.events]
    track_names = {slug: track.name for slug, track in site.tracks.items()}
    made = steps.each(calendar_file, [(name, events, {event.track: track_names[event.track] for event in events})
                                      for _, name, events in wanted],
                      site.config, per_worker=CALENDARS_PER_WORKER)
    return {file: body for (file, _, _), body in zip(wanted, made, strict=True)}


@functools.lru_cache(maxsize=256)
def _zone_definition(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of a zone, only for the years the sessions fall in (the library's default
    spans 1970–2038, a slow and large block in every file)."""
    from icalendar import Timezone

    return Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1))


def calendar_file(calendar: tuple, config: SiteConfig) -> bytes:
    """The iCalendar file of (its name, its events, the names of their tracks by slug)."""
    from icalendar import Calendar

    name, events, track_names = calendar
    calendar = Calendar()
    calendar.add("prodid", "-//cupsite//racing series calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    years = [info.start.year for event in events for info in event.sessions] or [events[0].start.year]
    # sorted, so the file is the same whatever order a set of zone names comes in
    for tzid in sorted({event.timezone for event in events}):
        calendar.add_component(_zone_definition(tzid, min(years), max(years)))
    for event in events:
        for component in _sessions(config, event, track_names[event.track]):
            calendar.add_component(component)
    return calendar.to_ical()


def _sessions(config: SiteConfig, event: Event, track: str):
    from icalendar import Event as CalendarEvent

    championship = config.championship(event.championship)
    zone = ZoneInfo(event.timezone)
    host = urlsplit(config.base_url).hostname or "cupsite"
    page = urls.absolute(config.base_url, urls.event(event.key))
    for info in event.sessions:
        start = info.start.replace(tzinfo=zone)
        component = CalendarEvent()
        component.add("uid", f"{event.key}/{info.slug}@{host}")
        # DTSTAMP is required; the session's own start keeps the file the same from build to build
        component.add("dtstamp", start.astimezone(ZoneInfo("UTC")))
        component.add("dtstart", start)
        component.add("dtend", start + (timedelta(minutes=info.duration) if info.duration else DEFAULT_LENGTH))
        component.add("summary", f"{championship.short_name}: {event.name}, {info.name}")
        component.add("location", track)
        component.add("url", page)
        component.add("description", f"Round {event.round}, {event.name} {event.season}. {event.broadcast}".strip())
        yield component
