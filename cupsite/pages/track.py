"""A track's page: its facts, its lap record and how the record fell, its rounds and stories."""

from __future__ import annotations

from typing import NamedTuple

from ..link import Person, Site
from ..model import Article, Event, SessionInfo
from ..records import LapRecord, LapRecords


class TrackPage(NamedTuple):
    """`track.html`: a track."""

    title: str
    """the track's name"""
    person: Person
    """the track: `slug`, `name`, `profile`"""
    profile_fields: dict
    """the profile's front matter (`location`, `country`, `length_km`, `length_miles`, `turns`, `map`), or {}"""
    lap_record: LapRecord | None
    """its lap record after all the data: `time`, `driver`, `drivers`, `team`, `team_slug`, `year`"""
    lap_record_history: tuple[tuple[LapRecord, Event, SessionInfo], ...]
    """(record, round, session) of every record set in the data, newest first"""
    events: tuple[Event, ...]
    """its rounds, newest first"""
    articles: tuple[Article, ...]
    """stories about it, newest first"""


def track_page(site: Site, track_records: LapRecords, slug: str, person: Person) -> TrackPage:
    records = track_records.track(slug)
    return TrackPage(
        title=person.name,
        person=person,
        profile_fields=person.profile.fields if person.profile else {},
        lap_record=records.current,
        lap_record_history=tuple(
            (r, site.events[r.event], next(s for s in site.events[r.event].sessions if s.slug == r.session))
            for r in reversed(records.history)),
        events=tuple(site.events[k] for k in reversed(site.track_events.get(slug, ()))),
        articles=tuple(site.article_by_slug[s] for s in site.track_articles.get(slug, ())),
    )
