"""Classifications: content/results/<championship>/<season>/<round>/<session>.yaml,
with the checks that catch a result that cannot have happened."""

from __future__ import annotations

from pathlib import Path

from ..cache import active, file_bytes, fingerprint
from ..errors import Problems
from ..model import STATUSES, Event, ResultRow, Season, SessionResult, Source
from ..slugs import slugify
from ..timing import parse_gap, parse_time
from .documents import read_yaml_file
from .fields import Fields, report_duplicates

ROW_FIELDS = ("pos", "car", "status", "laps", "time", "gap", "best", "best_lap", "note", "drivers", "laps_led")
_STATUS_ALIASES = {"retired": "dnf", "not classified": "nc", "disqualified": "dsq", "did not start": "dns",
                   "finished": "classified", "running": "classified"}


CLASSIFICATIONS_PER_WORKER = 8  # a file of 30 rows takes longer to read than a story: fewer pay for a worker


def load_classifications(folder: Path, season: Season, problems: Problems,
                         calendar_read: bool = True) -> list[SessionResult]:
    """Every classification of a season. When its calendar could not be read, each file is
    still checked on its own (positions, cars, times) so that its mistakes show up now too."""
    events = {e.slug: e for e in season.events}
    cars = {e.number: e for e in season.entries}
    files = []  # (path, event, session): each read on its own, from the cache or on one of the cores
    for event_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        event = events.get(event_dir.name)
        if not calendar_read:
            files += [(path, None, path.stem) for path in sorted(event_dir.glob("*.y*ml"))]
            continue
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
            files.append((path, event, path.stem))
    entry_list = fingerprint(cars) if active() is not None else b""
    results = problems.remembered_each(
        "classification", files,
        lambda file: (str(file[0]), file_bytes(file[0]), fingerprint((file[1], file[2])), entry_list),
        lambda file, found: _read_classification(file[0], file[1], file[2], cars, found),
        per_worker=CLASSIFICATIONS_PER_WORKER)
    return [result for result in results if result is not None and calendar_read]


def _read_classification(path, event: Event | None, session: str, cars: dict,
                         problems: Problems) -> SessionResult | None:
    data = read_yaml_file(path, problems)
    if data is None:
        return None
    fields = Fields(problems, path, data, "the classification", ("results",))
    rows_data = data.get("results") if fields.ok else None
    if not isinstance(rows_data, list):
        problems.add(path, 1, "the classification should hold a list `results:`",
                     "see docs/formats.md, 'A session's classification'")
        return None
    rows = [row for row in (_load_row(path, item, cars, problems) for item in rows_data) if row]
    report_duplicates(problems, path, [(r.position, r.line) for r in rows], "position")
    report_duplicates(problems, path, [(r.car, r.line) for r in rows], "car number")
    positions = {r.position for r in rows}
    missing = sorted(set(range(1, len(rows) + 1)) - positions)
    if missing and len(positions) == len(rows):
        problems.add(path, None, f"positions are missing: {', '.join(map(str, missing))}",
                     f"number the {len(rows)} rows 1 to {len(rows)} without gaps")
    ordered = tuple(sorted(rows, key=lambda r: r.position))
    _check_drivers_once(path, ordered, cars, problems)
    if event is None:
        return None
    session_type = next(s.type for s in event.sessions if s.slug == session)
    if session_type in ("race", "sprint"):
        _check_race_order(path, ordered, problems)
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


def _load_row(path, item, cars: dict, problems: Problems) -> ResultRow | None:
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
                     tuple(slugify(d) for d in drivers), fields.line, fields.integer("laps_led", minimum=0))
