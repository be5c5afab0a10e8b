"""Seasons: content/results/<championship>/<season>/ — the calendar (season.yaml), then the
entry list and the classifications through their own modules."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..config import Championship, SiteConfig
from ..errors import Problems
from ..model import SESSION_TYPES, Event, Season, SessionInfo, SessionLaps, SessionResult, Source
from ..rules import parse_rules
from ..slugs import slugify
from ..yamlio import shown
from .adjustments import load_adjustments
from .classifications import find_session_files, read_session_files
from .documents import read_yaml_file
from .entries import load_entries
from .fields import FIRST_YEAR, LAST_YEAR, YEARS_READ, Fields, report_duplicates
from .files import listed, may_read

ROUND_FIELDS = ("round", "slug", "name", "short_name", "track", "start", "end", "timezone", "broadcast",
                "sessions")
SESSION_FIELDS = ("slug", "name", "type", "start", "duration", "points_factor")
_YEAR = re.compile(r"^\d{4}$")
RESERVED_ROUND_SLUGS = {"standings"}


def load_results(config: SiteConfig, problems: Problems, names: dict
                 ) -> tuple[list[Season], list[SessionResult], list[SessionLaps]]:
    seasons, results, laps, files = [], [], [], []
    folder = config.content_dir / "results"
    if not folder.is_dir():
        return seasons, results, laps
    for championship_dir in (Path(e.path) for e in listed(folder, problems) if e.is_dir()):
        championship = config.championship(championship_dir.name)
        if championship is None:
            known = ", ".join(c.slug for c in config.championships)
            problems.add(championship_dir, None, f"no championship {shown(championship_dir.name)} in cupsite.toml",
                         f"rename the folder to one of: {known}, or add it to cupsite.toml")
            continue
        for season_dir in (Path(e.path) for e in listed(championship_dir, problems) if e.is_dir()):
            if not _YEAR.match(season_dir.name):
                problems.add(season_dir, None, "a season folder must be named by its year, e.g. 2025")
                continue
            if not FIRST_YEAR <= int(season_dir.name) <= LAST_YEAR:
                problems.add(season_dir, None, f"the season's year {season_dir.name} is out of range: {YEARS_READ}",
                             "name the folder by the season's year, e.g. 2025")
                # its events and entries are not known: references to them are not judged
                problems.mark_unreadable(Problems.CALENDAR, season_dir)
                problems.mark_unreadable(Problems.ENTRY_LIST, season_dir)
                continue
            season = load_season(season_dir, championship, problems, names)
            if season is None:
                continue
            seasons.append(season)
            if not problems.unreadable(Problems.ENTRY_LIST, season_dir):
                # without the entry list every row would fail as "car not in the entry list",
                # burying the one error that matters
                calendar_read = not problems.unreadable(Problems.CALENDAR, season_dir)
                driver_names = {slug: names.get(("driver", slug), slug) for entry in season.entries
                                for slug in entry.drivers}
                files.append(find_session_files(season_dir, season, championship, driver_names, problems,
                                                calendar_read))
    for season_results, season_laps in read_session_files(files, problems):
        results.extend(season_results)
        laps.extend(season_laps)
    return seasons, results, laps


def load_season(folder: Path, championship: Championship, problems: Problems, names: dict) -> Season | None:
    path = folder / "season.yaml"
    if path.is_symlink() and not may_read(path, problems):
        problems.mark_unreadable(Problems.CALENDAR, folder)
        return None
    if not path.is_file():
        problems.add(folder, None, "the season has no season.yaml", "add season.yaml with its rounds")
        return None
    data = read_yaml_file(path, problems, "write the season's `name:` and its `rounds:` (docs/formats.md), "
                          "or remove the season's folder")
    fields = Fields(problems, path, data, "the season", ("name", "rounds", "points", "adjustments"))
    if data is not None and not fields.ok:
        problems.add(path, 1, "season.yaml should hold `name:` and a list `rounds:`")
    if not fields.ok:
        problems.mark_unreadable(Problems.CALENDAR, folder)
    events = []
    rounds = fields.mapping.get("rounds") or []
    if not isinstance(rounds, list):
        fields.error("rounds", "`rounds:` should be a list of rounds")
        rounds = []
    for item in rounds:
        event = _load_event(path, item, championship.slug, folder.name, problems, names)
        if event is not None:
            events.append(event)
    report_duplicates(problems, path, [(e.slug, e.source.line) for e in events], "round slug")
    report_duplicates(problems, path, [(e.round, e.source.line) for e in events], "round number")
    entries = load_entries(folder / "entries.yaml", championship, problems, names,
                           tuple(sorted(e.round for e in events)))
    points_system = None
    if fields.has("points"):
        if isinstance(data["points"], dict):
            points_system = parse_rules(data["points"], _rule_reporter(problems, path, data["points"]),
                                        base=championship.points)
        else:
            fields.error("points", "`points:` should be a mapping of rules", "see docs/rules.md")
    events = sorted(events, key=lambda e: e.round)
    if points_system is not None and "bonus" in data["points"]:
        _check_bonus_sessions(problems, path, data["points"], points_system, events)
    adjustments = load_adjustments(path, fields.mapping.get("adjustments"), tuple(events), tuple(entries), problems,
                                   fields.line_of("adjustments"),
                                   entries_read=not problems.unreadable(Problems.ENTRY_LIST, folder))
    return Season(championship.slug, folder.name, fields.text("name") or f"{folder.name} season",
                  tuple(events), tuple(entries), Source(problems.relative(path)), points_system, adjustments)


def _check_bonus_sessions(problems: Problems, path: Path, mapping, rules, events) -> None:
    """A season's bonus limited to sessions (`sessions:`) must name sessions of its calendar."""
    slugs = {info.slug for event in events for info in event.sessions}
    line = mapping.line_of("bonus") if hasattr(mapping, "line_of") else None
    for bonus in rules.bonuses:
        for slug in bonus.sessions:
            if slug not in slugs:
                problems.add(path, line, f"points: the {bonus.award} bonus names session {shown(slug)}, which no "
                             "round of the season has",
                             f"use a session slug of the calendar: {', '.join(sorted(slugs))}")


def _rule_reporter(problems: Problems, path: Path, mapping):
    def report(key: str, message: str, hint: str) -> None:
        line = mapping.line_of(key) if hasattr(mapping, "line_of") else None
        problems.add(path, line, f"points: {message}", hint)

    return report


def _load_event(path, item, championship, year, problems, names) -> Event | None:
    fields = Fields(problems, path, item, "a round", ROUND_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each round should be a mapping with round, slug, name, track, dates")
        return None
    number = fields.integer("round", required=True, minimum=1)
    name = fields.text("name", required=True)
    slug = fields.text("slug") or slugify(name or "")
    if slug and slug != slugify(slug):
        fields.error("slug", f"{shown(slug)} is not a valid slug", f"use {shown(slugify(slug))}")
        slug = slugify(slug)  # read on as meant, so that what names it is not reported wrong too
    if slug in RESERVED_ROUND_SLUGS:
        fields.error("slug" if fields.has("slug") else "name", f"a round cannot be called {shown(slug)}",
                     "that name is taken by a page of the season; choose another slug")
    track = fields.text("track", required=True)
    if track:
        names.setdefault(("track", slugify(track)), track)
    start, end = fields.date("start", required=True), fields.date("end", required=True)
    if start and end and end < start:
        fields.error("end", f"the round ends ({end}) before it starts ({start})", "swap start and end")
    timezone = fields.text("timezone", default="UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fields.error("timezone", f"unknown time zone {shown(timezone)}", "use an IANA name such as America/New_York")
        timezone = "UTC"
    sessions = []
    raw_sessions = item.get("sessions") or []
    if not isinstance(raw_sessions, list):
        fields.error("sessions", "`sessions:` should be a list")
        raw_sessions = []
    for raw in raw_sessions:
        session = _load_session_info(path, raw, problems, timezone)
        if session is not None:
            if start and end and not start <= session.start.date() <= end:
                problems.add(path, getattr(raw, "line_of", lambda k: None)("start"),
                             f"session {shown(session.slug)} starts on {session.start.date()}, outside the round "
                             f"({start} to {end})", "fix the session's date or the round's dates")
            sessions.append(session)
    report_duplicates(problems, path, [(s.slug, None) for s in sessions], f"session slug in round {number}")
    if None in (number, name, track, start, end) or not slug:
        return None
    return Event(championship, year, number, slug, name, slugify(track), start, end, timezone,
                 tuple(sessions), Source(problems.relative(path), fields.line), fields.text("broadcast", lines=True),
                 fields.text("short_name"))


def _load_session_info(path, raw, problems, timezone: str) -> SessionInfo | None:
    fields = Fields(problems, path, raw, "a session", SESSION_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each session should be a mapping with slug, type and start")
        return None
    slug = fields.text("slug", required=True)
    if slug and slug != slugify(slug):
        fields.error("slug", f"{shown(slug)} is not a valid slug", f"use {shown(slugify(slug))}")
        slug = slugify(slug)  # read on as meant, so that what names it is not reported wrong too
    session_type = fields.text("type", required=True).lower()
    if session_type and session_type not in SESSION_TYPES:
        fields.error("type", f"unknown session type {shown(session_type)}", f"use one of: {', '.join(SESSION_TYPES)}")
        return None
    start = fields.datetime("start", required=True, timezone=timezone)
    duration = fields.integer("duration", minimum=1)
    factor = fields.number("points_factor", default=1.0)
    if not slug or not session_type or start is None:
        return None
    name = fields.text("name") or slug.replace("-", " ").capitalize()
    return SessionInfo(slug, name, session_type, start, duration, float(factor))


