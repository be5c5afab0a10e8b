"""iCalendar files of the sessions, to subscribe to a season or add one weekend: times in the
track's own time zone (with its VTIMEZONE), so every calendar shows them at the right instant."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from . import urls
from .link import Site
from .model import Event

DEFAULT_LENGTH = timedelta(hours=1)  # for a session whose length the calendar does not give


def calendar_files(site: Site) -> dict[str, bytes]:
    files = {}
    for season in site.seasons:
        if not season.events:
            continue
        championship = site.config.championship(season.championship)
        name = f"{championship.short_name} {season.year}"
        files[urls.season_calendar_file(season.championship, season.year)] = _calendar(site, name, season.events)
        for event in season.events:
            files[urls.event_calendar_file(event.key)] = _calendar(site, f"{name}: {event.name}", (event,))
    return files


def _calendar(site: Site, name: str, events) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//cupsite//racing series calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        for component in _sessions(site, event):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _sessions(site: Site, event: Event):
    championship = site.config.championship(event.championship)
    zone = ZoneInfo(event.timezone)
    host = urlsplit(site.config.base_url).hostname or "cupsite"
    track = site.tracks[event.track].name
    page = urls.absolute(site.config.base_url, urls.event(event.key))
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
