"""Seasons: content/results/<championship>/<season>/ — calendar, entry list, classifications."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..config import Championship, SiteConfig
from ..errors import Problems
from ..model import SESSION_TYPES, STATUSES, Entry, Event, ResultRow, Season, SessionInfo, SessionResult, Source
from ..slugs import slugify
from ..timing import parse_gap, parse_time
from ..yamlio import YamlError, load_yaml
from .documents import read_text
from .fields import Fields

ROUND_FIELDS = ("round", "slug", "name", "short_name", "track", "start", "end", "timezone", "broadcast",
                "sessions")
SESSION_FIELDS = ("slug", "name", "type", "start", "duration", "points_factor")
ENTRY_FIELDS = ("number", "class", "team", "driver", "drivers", "rookie")
ROW_FIELDS = ("pos", "car", "status", "laps", "time", "gap", "best", "best_lap", "note", "drivers")
_STATUS_ALIASES = {"retired": "dnf", "not classified": "nc", "disqualified": "dsq", "did not start": "dns",
                   "finished": "classified", "running": "classified"}
_YEAR = re.compile(r"^\d{4}$")
RESERVED_ROUND_SLUGS = {"standings"}


def read_yaml_file(path: Path, problems: Problems):
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        return load_yaml(text)
    except YamlError as error:
        problems.add(path, error.line, f"malformed YAML: {error.message}",
                     "check indentation, colons and quotes (quote times such as \"1:26.384\")")
        return None


def load_results(config: SiteConfig, problems: Problems, names: dict) -> tuple[list[Season], list[SessionResult]]:
    seasons, results = [], []
    folder = config.content_dir / "results"
    if not folder.is_dir():
        return seasons, results
    for championship_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        championship = config.championship(championship_dir.name)
        if championship is None:
            known = ", ".join(c.slug for c in config.championships)
            problems.add(championship_dir, None, f"no championship {championship_dir.name!r} in cupsite.toml",
                         f"rename the folder to one of: {known}, or add it to cupsite.toml")
            continue
        for season_dir in sorted(p for p in championship_dir.iterdir() if p.is_dir()):
            if not _YEAR.match(season_dir.name):
                problems.add(season_dir, None, "a season folder must be named by its year, e.g. 2025")
                continue
            season = _load_season(season_dir, championship, problems, names)
            if season is not None:
                seasons.append(season)
                results.extend(_load_classifications(season_dir, season, championship, problems, names))
    return seasons, results


def _load_season(folder: Path, championship: Championship, problems: Problems, names: dict) -> Season | None:
    path = folder / "season.yaml"
    if not path.is_file():
        problems.add(folder, None, "the season has no season.yaml", "add season.yaml with its rounds")
        return None
    data = read_yaml_file(path, problems)
    if data is None:
        return None
    fields = Fields(problems, path, data, "the season", ("name", "rounds"))
    if not fields.ok:
        problems.add(path, 1, "season.yaml should hold `name:` and a list `rounds:`")
        return None
    events = []
    rounds = data.get("rounds") or []
    if not isinstance(rounds, list):
        fields.error("rounds", "`rounds:` should be a list of rounds")
        rounds = []
    for item in rounds:
        event = _load_event(path, item, championship.slug, folder.name, problems, names)
        if event is not None:
            events.append(event)
    _no_duplicates(problems, path, [(e.slug, e.source.line) for e in events], "round slug")
    _no_duplicates(problems, path, [(e.round, e.source.line) for e in events], "round number")
    entries = _load_entries(folder / "entries.yaml", championship, problems, names)
    return Season(championship.slug, folder.name, fields.text("name") or f"{folder.name} season",
                  tuple(sorted(events, key=lambda e: e.round)), tuple(entries), Source(problems.relative(path)))


def _load_event(path, item, championship, year, problems, names) -> Event | None:
    fields = Fields(problems, path, item, "a round", ROUND_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each round should be a mapping with round, slug, name, track, dates")
        return None
    number = fields.integer("round", required=True, minimum=1)
    name = fields.text("name", required=True)
    slug = fields.text("slug") or slugify(name or "")
    if slug and slug != slugify(slug):
        fields.error("slug", f"{slug!r} is not a valid slug", f"use {slugify(slug)!r}")
    if slug in RESERVED_ROUND_SLUGS:
        fields.error("slug" if fields.has("slug") else "name", f"a round cannot be called {slug!r}",
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
        fields.error("timezone", f"unknown time zone {timezone!r}", "use an IANA name such as America/New_York")
        timezone = "UTC"
    sessions = []
    raw_sessions = item.get("sessions") or []
    if not isinstance(raw_sessions, list):
        fields.error("sessions", "`sessions:` should be a list")
        raw_sessions = []
    for raw in raw_sessions:
        session = _load_session_info(path, raw, problems)
        if session is not None:
            if start and end and not start <= session.start.date() <= end:
                problems.add(path, getattr(raw, "line_of", lambda k: None)("start"),
                             f"session {session.slug!r} starts on {session.start.date()}, outside the round "
                             f"({start} to {end})", "fix the session's date or the round's dates")
            sessions.append(session)
    _no_duplicates(problems, path, [(s.slug, None) for s in sessions], f"session slug in round {number}")
    if None in (number, name, track, start, end) or not slug:
        return None
    return Event(championship, year, number, slug, name, slugify(track), start, end, timezone,
                 tuple(sessions), Source(problems.relative(path), fields.line), fields.text("broadcast"),
                 fields.text("short_name"))


def _load_session_info(path, raw, problems) -> SessionInfo | None:
    fields = Fields(problems, path, raw, "a session", SESSION_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each session should be a mapping with slug, type and start")
        return None
    slug = fields.text("slug", required=True)
    if slug and slug != slugify(slug):
        fields.error("slug", f"{slug!r} is not a valid slug", f"use {slugify(slug)!r}")
    session_type = fields.text("type", required=True).lower()
    if session_type and session_type not in SESSION_TYPES:
        fields.error("type", f"unknown session type {session_type!r}", f"use one of: {', '.join(SESSION_TYPES)}")
        return None
    start = fields.datetime("start", required=True)
    duration = fields.integer("duration", minimum=1)
    factor = fields.number("points_factor", default=1.0)
    if not slug or not session_type or start is None:
        return None
    name = fields.text("name") or slug.replace("-", " ").capitalize()
    return SessionInfo(slug, name, session_type, start, duration, float(factor))


def _load_entries(path: Path, championship: Championship, problems: Problems, names: dict) -> list[Entry]:
    if not path.is_file():
        return []
    data = read_yaml_file(path, problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add(path, 1, "entries.yaml should be a list of entries (`- number: 1 ...`)")
        return []
    entries = []
    codes = [c.code for c in championship.classes]
    for item in data:
        fields = Fields(problems, path, item, "an entry", ENTRY_FIELDS)
        if not fields.ok:
            problems.add(path, None, "each entry should be a mapping with number, class, team and driver")
            continue
        number = fields.integer("number", required=True, minimum=0)
        car_class = fields.text("class", required=True)
        if car_class and car_class not in codes:
            fields.error("class", f"unknown class {car_class!r} for {championship.name}",
                         f"use one of: {', '.join(codes)}")
        team = fields.text("team", required=True)
        drivers = fields.names("drivers") or fields.names("driver")
        if not drivers:
            problems.add(path, fields.line, "the entry has no driver", "add `driver: Name` or `drivers: [A, B]`")
        for name in drivers + ((team,) if team else ()):
            if not slugify(name):
                fields.error("driver", f"the name {name!r} has no letters or digits")
        for name in drivers:
            _remember(names, "driver", name, problems, path, fields.line)
        if team:
            _remember(names, "team", team, problems, path, fields.line)
        if number is not None and car_class and team and drivers:
            entries.append(Entry(number, car_class, slugify(team), tuple(slugify(d) for d in drivers),
                                 fields.boolean("rookie"), Source(problems.relative(path), fields.line)))
    _no_duplicates(problems, path, [(e.number, e.source.line) for e in entries], "car number")
    return entries


def _remember(names: dict, kind: str, name: str, problems: Problems, path, line) -> None:
    """One slug, one name: 'José Pérez' and 'Jose Perez' in two places would be two people or a typo."""
    key = (kind, slugify(name))
    seen = names.setdefault(key, name)
    if seen != name:
        problems.add(path, line, f"the {kind} name {name!r} gives the same slug as {seen!r}",
                     f"write the {kind}'s name the same way everywhere, or tell the two apart")


def _no_duplicates(problems: Problems, path, keyed: list, what: str) -> None:
    seen = {}
    for key, line in keyed:
        if key in seen:
            problems.add(path, line, f"duplicate {what} {key!r}",
                         f"it is already used at line {seen[key]}" if seen[key] else "use each only once")
        else:
            seen[key] = line


def _load_classifications(folder: Path, season: Season, championship: Championship, problems: Problems,
                          names: dict) -> list[SessionResult]:
    events = {e.slug: e for e in season.events}
    cars = {e.number: e for e in season.entries}
    results = []
    for event_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        event = events.get(event_dir.name)
        if event is None:
            problems.add(event_dir, None, f"no round with slug {event_dir.name!r} in season.yaml",
                         f"rename the folder to one of: {', '.join(sorted(events))}")
            continue
        sessions = {s.slug: s for s in event.sessions}
        for path in sorted(event_dir.iterdir()):
            if path.suffix not in (".yaml", ".yml"):
                problems.add(path, None, "is not a classification file",
                             "classifications are <session>.yaml files; move other files out of content/results/")
                continue
            if path.stem not in sessions:
                problems.add(path, None, f"no session {path.stem!r} in round {event.round} ({event.name})",
                             f"name the file after one of: {', '.join(sessions) or 'add sessions to season.yaml'}")
                continue
            result = _load_classification(path, event, path.stem, cars, problems, names)
            if result is not None:
                results.append(result)
    return results


def _load_classification(path, event: Event, session: str, cars: dict, problems: Problems,
                         names: dict) -> SessionResult | None:
    data = read_yaml_file(path, problems)
    if data is None:
        return None
    fields = Fields(problems, path, data, "the classification", ("results",))
    rows_data = data.get("results") if fields.ok else None
    if not isinstance(rows_data, list):
        problems.add(path, 1, "the classification should hold a list `results:`",
                     "see docs/formats.md, 'A session's classification'")
        return None
    rows = [row for row in (_load_row(path, item, cars, problems, names) for item in rows_data) if row]
    _no_duplicates(problems, path, [(r.position, r.line) for r in rows], "position")
    _no_duplicates(problems, path, [(r.car, r.line) for r in rows], "car number")
    positions = {r.position for r in rows}
    missing = sorted(set(range(1, len(rows) + 1)) - positions)
    if missing and len(positions) == len(rows):
        problems.add(path, None, f"positions are missing: {', '.join(map(str, missing))}",
                     f"number the {len(rows)} rows 1 to {len(rows)} without gaps")
    ordered = tuple(sorted(rows, key=lambda r: r.position))
    session_type = next(s.type for s in event.sessions if s.slug == session)
    if session_type in ("race", "sprint"):
        _check_race_order(path, ordered, problems)
    _check_drivers_once(path, ordered, cars, problems)
    return SessionResult(event.championship, event.season, event.slug, session, ordered,
                         Source(problems.relative(path)))


def _check_race_order(path, rows, problems: Problems) -> None:
    """A race classification that cannot have happened: finishers below retirements, a car
    ahead on the road with fewer laps, or gaps that shrink down the order."""
    for above, below in zip(rows, rows[1:], strict=False):
        if above.status != "classified" and below.status == "classified":
            problems.add(path, below.line, f"car #{below.car} is classified at P{below.position} below "
                         f"car #{above.car}, which is not ({above.status})",
                         "list every classified car first, then the cars that were not classified")
        elif above.status == below.status == "classified":
            if above.laps is not None and below.laps is not None and below.laps > above.laps:
                problems.add(path, below.line, f"car #{below.car} at P{below.position} has more laps "
                             f"({below.laps}) than car #{above.car} ahead of it ({above.laps})",
                             "check the positions and the laps")
            gaps = [parse_gap(r.gap) if r.gap else None for r in (above, below)]
            if None not in gaps and gaps[0][0] == gaps[1][0] == 0 and gaps[1][1] < gaps[0][1]:
                problems.add(path, below.line, f"car #{below.car} at P{below.position} has a smaller gap "
                             f"({below.gap}) than car #{above.car} ahead of it ({above.gap})",
                             "check the positions and the gaps")


def _check_drivers_once(path, rows, cars: dict, problems: Problems) -> None:
    seen = {}
    for row in rows:
        crew = row.drivers or (cars[row.car].drivers if row.car in cars else ())
        for driver in crew:
            if driver in seen:
                problems.add(path, row.line, f"{driver} drives car #{row.car} and car #{seen[driver]} "
                             "in the same session", "name who drove each car with `drivers:` on the row")
            seen[driver] = row.car


def _load_row(path, item, cars: dict, problems: Problems, names: dict) -> ResultRow | None:
    fields = Fields(problems, path, item, "a result row", ROW_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each result should be a mapping such as `- pos: 1` / `car: 23`")
        return None
    position = fields.integer("pos", required=True, minimum=1)
    car = fields.integer("car", required=True, minimum=0)
    if car is not None and car not in cars:
        fields.error("car", f"car #{car} is not in the entry list", "add it to entries.yaml or fix the number")
    status = fields.text("status", default="classified").lower()
    status = _STATUS_ALIASES.get(status, status)
    if status not in STATUSES:
        fields.error("status", f"unknown status {status!r}", f"use one of: {', '.join(STATUSES)}")
        status = "classified"
    texts = {key: fields.text(key) for key in ("time", "best")}
    for key, text in texts.items():
        if text and parse_time(text) is None:
            fields.error(key, f"{key!r} is not a time: {text!r}", 'write it as "1:26.384" (in quotes)')
            texts[key] = ""
    gap = fields.text("gap")
    if gap and parse_gap(gap) is None:
        fields.error("gap", f"'gap' is not a gap: {gap!r}", 'write it as "+0.512", "+1 Lap" or "+3 Laps"')
        gap = ""
    drivers = fields.names("drivers")
    if drivers and car in cars:
        crew = cars[car].drivers
        for name in drivers:
            if slugify(name) not in crew:
                fields.error("drivers", f"{name!r} is not in the crew of car #{car}",
                             f"the entry list names: {', '.join(crew)}")
    if position is None or car is None:
        return None
    return ResultRow(position, car, status, fields.integer("laps", minimum=0), texts["time"], gap,
                     texts["best"], fields.integer("best_lap", minimum=1), fields.text("note"),
                     tuple(slugify(d) for d in drivers), fields.line)
