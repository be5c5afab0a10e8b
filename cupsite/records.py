"""Lap records per track, worked out from the results.

A track's record starts from its profile's `lap_record` (if any); then every qualifying, race and
sprint session held there, in the order they ran, sets a new record when its fastest lap (over all
classes) is strictly faster than the record standing before it. Practice and warm-up never count.
"""

from __future__ import annotations

from dataclasses import dataclass

from .link import Site
from .score import Tables
from .stints import best_lap_drivers
from .timing import parse_time

RECORD_SESSIONS = ("qualifying", "race", "sprint")
NO_RECORD_STATUSES = ("dsq",)  # a disqualified car's laps are struck from the record books


@dataclass(frozen=True)
class LapRecord:
    track: str  # track slug
    time: str  # as published, e.g. "1:24.953"
    seconds: float
    driver: str  # display name(s), "Dee Dunn / Eve Ernst" for a crew
    team: str  # display name, may be ""
    year: int | None
    drivers: tuple[str, ...] = ()  # driver slugs, for a record set in the data
    team_slug: str = ""  # team slug, for a record set in the data
    event: str = ""  # event key; "" for a record from the track profile
    session: str = ""  # session slug; "" for a record from the track profile
    car: int | None = None  # the car that set it, for marking the classification row

    @property
    def from_profile(self) -> bool:
        return not self.event


@dataclass(frozen=True)
class TrackRecords:
    track: str
    current: LapRecord | None  # the record after all sessions of the data
    profile: LapRecord | None  # the profile's record, as written
    history: tuple[LapRecord, ...]  # every record set in the data, oldest first


@dataclass(frozen=True)
class LapRecords:
    tracks: dict  # track slug -> TrackRecords
    sessions: dict  # (event key, session slug) -> LapRecord set in that session

    def track(self, slug: str) -> TrackRecords:
        return self.tracks.get(slug) or TrackRecords(slug, None, None, ())

    def new_record(self, event_key: str, session_slug: str) -> LapRecord | None:
        return self.sessions.get((event_key, session_slug))


def lap_records(site: Site, tables: Tables) -> LapRecords:
    """The lap record of every track of the site, and the sessions that set a new one."""
    tracks, sessions = {}, {}
    for slug in site.tracks:
        records = track_records(site, tables, slug)
        tracks[slug] = records
        for record in records.history:
            sessions[(record.event, record.session)] = record
    return LapRecords(tracks, sessions)


def track_records(site: Site, tables: Tables, track: str) -> TrackRecords:
    """One track's records, from its profile and the sessions held there."""
    profile = _profile_record(site, track)
    standing, history = None, []
    profile_pending = profile is not None
    for year, event, scored in _sessions_at(site, tables, track):
        if profile_pending and (profile.year is None or profile.year <= year):
            standing, profile_pending = _faster(standing, profile), False
        fastest = _fastest_lap(site, track, year, event, scored)
        if fastest is not None and (standing is None or fastest.seconds < standing.seconds):
            history.append(fastest)
            standing = fastest
    if profile_pending:  # the profile's record is newer than all the data: keep the faster of the two
        standing = _faster(standing, profile)
    return TrackRecords(track, standing, profile, tuple(history))


def _faster(standing: LapRecord | None, other: LapRecord | None) -> LapRecord | None:
    if standing is None:
        return other
    if other is None or other.seconds >= standing.seconds:
        return standing
    return other


def _sessions_at(site: Site, tables: Tables, track: str):
    """(year, event, scored session) of every record session held at the track, in the order they ran."""
    found = []
    for key in site.track_events.get(track, ()):
        event = site.events[key]
        season_tables = tables.season(event.championship, event.season)
        if season_tables is None:
            continue
        for info in event.sessions:
            scored = season_tables.sessions.get((key, info.slug))
            if scored is not None and info.type in RECORD_SESSIONS:
                found.append((info.start, event.start, key, info.slug, event, scored))
    found.sort(key=lambda item: item[:4])
    return [(start.year, event, scored) for start, _, _, _, event, scored in found]


def _fastest_lap(site: Site, track: str, year: int, event, scored) -> LapRecord | None:
    """The session's fastest lap over all classes; on a tie, the car placed higher."""
    best = None
    for row in scored.rows:
        seconds = parse_time(row.best) if row.best and row.status not in NO_RECORD_STATUSES else None
        if seconds is not None and (best is None or seconds < best[0]):
            best = (seconds, row)
    if best is None:
        return None
    seconds, row = best
    team = site.teams.get(row.team)
    drivers = best_lap_drivers(row)  # the one who drove it, when a per-lap export says so
    return LapRecord(
        track=track, time=row.best, seconds=seconds,
        driver=" / ".join(site.drivers[d].name if d in site.drivers else d for d in drivers),
        team=team.name if team else row.team, year=year, drivers=drivers,
        team_slug=row.team if team else "", event=event.key, session=scored.info.slug, car=row.car,
    )


def _profile_record(site: Site, track: str) -> LapRecord | None:
    person = site.tracks.get(track)
    fields = person.profile.fields.get("lap_record") if person and person.profile else None
    seconds = parse_time(fields.get("time", "")) if fields else None
    if seconds is None:
        return None
    return LapRecord(track=track, time=fields["time"], seconds=seconds, driver=fields.get("driver") or "",
                     team=fields.get("team") or "", year=fields.get("year"))
