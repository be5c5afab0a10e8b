"""Classifications: content/results/<championship>/<season>/<round>/<session>.yaml, or the
timing system's export <session>.csv (with a race's laps in <session>.laps.csv), each read by
the reader of its layout (readers/), and the checks that catch a result that cannot have happened."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from .. import steps
from ..config import Championship
from ..errors import Problems
from ..lap_classification import classification_from_laps
from ..laps import analyse
from ..model import RACES, Event, ResultRow, Season, SessionLaps, SessionResult, Source
from ..steps import file_bytes, read_file
from ..stints import car_timings
from ..timing import format_time, parse_gap
from ..words import counted
from ..yamlio import shown
from .fields import report_duplicates
from .files import listed
from .readers.base import CLASSIFICATION, NO_RESULTS_HINT, FileToRead, Matching, Reader
from .readers.registry import reader_for

CLASSIFICATIONS_PER_WORKER = 8  # a file of 30 rows takes longer to read than a story: fewer pay for a worker


class SessionFile(NamedTuple):
    """One file of a round's folder to read: a classification or a per-lap export."""

    path: Path
    event: Event | None
    session: str
    reader: Reader


class SeasonFiles(NamedTuple):
    """A season's classification and per-lap files, with what reading them needs."""

    season: Season
    championship: Championship
    driver_names: dict
    calendar_read: bool
    classifications: list[SessionFile]
    laps: list[SessionFile]

    def cars_for(self, file: SessionFile) -> dict:
        """The entry behind each car number at the file's round (every entry, when the
        calendar could not be read: the rows are then only checked, not published)."""
        if file.event is None:
            return {entry.number: entry for entry in self.season.entries}
        return self.season.cars_at(file.event.round)


def find_session_files(folder: Path, season: Season, championship: Championship, driver_names: dict,
                       problems: Problems, calendar_read: bool = True) -> SeasonFiles:
    """The files of a season's round folders, each checked to belong to a round and a session."""
    events = {e.slug: e for e in season.events}
    classification_files, lap_files = [], []
    for event_dir in (Path(e.path) for e in listed(folder, problems) if e.is_dir()):
        event = events.get(event_dir.name) if calendar_read else None
        if calendar_read and event is None:
            problems.add(event_dir, None, f"no round with slug {shown(event_dir.name)} in season.yaml",
                         f"rename the folder to one of: {', '.join(sorted(events))}")
            continue
        sessions = {s.slug: s for s in event.sessions} if event else {}
        by_session: dict[str, list[Path]] = {}
        for path in (Path(e.path) for e in listed(event_dir, problems)):
            claim = reader_for(path, problems)
            if claim is None:
                continue
            session = claim.session(path)
            if event and session not in sessions:
                problems.add(path, None, f"no session {shown(session)} in round {event.round} ({event.name})",
                             f"name the file after one of: {', '.join(sessions) or 'add sessions to season.yaml'}")
                continue
            if claim.reader.kind == CLASSIFICATION:
                by_session.setdefault(session, []).append(path)
                classification_files.append(SessionFile(path, event, session, claim.reader))
            else:
                lap_files.append(SessionFile(path, event, session, claim.reader))
        for session, paths in by_session.items():
            if len(paths) > 1:
                problems.add(paths[-1], None, f"session {shown(session)} has {len(paths)} classifications: "
                             f"{', '.join(p.name for p in paths)}", "keep one: the timing export or the "
                             "hand-written file")
    return SeasonFiles(season, championship, driver_names, calendar_read, classification_files, lap_files)


def read_session_files(seasons: list[SeasonFiles], problems: Problems
                       ) -> list[tuple[list[SessionResult], list[SessionLaps]]]:
    """Each season's classifications and per-lap exports, (results, laps) by season. The files of
    all the seasons are read in one pass, each from the cache or on one of the cores: a pass per
    season cost more in starting workers than it saved."""
    # made once per season and per round, so that each is digested once for all the files it serves
    season_readings = [_SeasonReading(files.championship, files.driver_names) for files in seasons]
    readings: dict[tuple[int, int | None], _Reading] = {}

    def reading(number: int, file: SessionFile) -> _Reading:
        key = (number, file.event.round if file.event is not None else None)
        if key not in readings:
            readings[key] = _Reading(season_readings[number], seasons[number].cars_for(file))
        return readings[key]

    items = {kind: [(number, file) for number, files in enumerate(seasons) for file in getattr(files, kind)]
             for kind in ("classifications", "laps")}
    given = {kind: [(file, read_file(file.path), reading(number, file)) for number, file in numbered]
             for kind, numbered in items.items()}
    results = steps.checked_each(classification_of, given["classifications"], problems=problems,
                                 per_worker=CLASSIFICATIONS_PER_WORKER)
    laps = steps.checked_each(laps_of, given["laps"], problems=problems, per_worker=CLASSIFICATIONS_PER_WORKER)
    read = []
    for number, files in enumerate(seasons):
        if not files.calendar_read:
            read.append(([], []))
            continue
        season_results = [result for (season, _), result in zip(items["classifications"], results, strict=True)
                          if season == number and result is not None]
        season_laps = [session_laps for (season, _), session_laps in zip(items["laps"], laps, strict=True)
                       if season == number and session_laps is not None]
        classified = {(file.event.slug, file.session) for file in files.classifications if file.event}
        races = {(event.slug, info.slug) for event in files.season.events for info in event.sessions
                 if info.type in RACES}
        rules = files.season.points_system or files.championship.points
        read.append((with_laps_led(season_results, season_laps, files.season, classified, problems,
                                   races, rules.min_distance, rules.needs_flag), season_laps))
    return read


def with_laps_led(results: list[SessionResult], laps: list[SessionLaps], season: Season, classified: set,
                  problems: Problems, races: set = frozenset(), min_distance: float = 0.0,
                  needs_flag: bool = True) -> list[SessionResult]:
    """Each classification with the laps each car led, from its per-lap export where there is one
    (and each car's fastest lap, where the classification does not give it); a classification and
    its laps that disagree on a car's laps are reported. A race (a (round, session) of `races`)
    filed with its laps alone gets a classification worked out from them. Each merge comes from
    the cache while its two files and the entry list stand."""
    by_session = {(r.event, r.session): r for r in results}
    pairs, laps_only = [], []
    for session_laps in laps:
        key = (session_laps.event, session_laps.session)
        result = by_session.get(key)
        if result is None:  # a classification that could not be read has been reported already
            if key in races and key not in classified:
                laps_only.append(session_laps)
            elif key not in classified:
                problems.add(session_laps.source.path, None, f"the per-lap export of {shown(session_laps.session)} has "
                             "no classification beside it", f"add {session_laps.session}.csv (or .yaml) to the round")
            continue
        pairs.append((session_laps, result))
    rounds = {event.slug: event.round for event in season.events}
    car_classes = {slug: {number: entry.car_class for number, entry in season.cars_at(number_of_round).items()}
                   for slug, number_of_round in rounds.items()}
    merged = steps.checked_each(with_laps_of, [(*pair, car_classes[pair[1].event]) for pair in pairs],
                                problems=problems)
    worked_out = steps.checked_each(classified_from_laps, [(laps, car_classes[laps.event]) for laps in laps_only],
                                    min_distance, needs_flag, problems=problems)
    merged_by_session = {(r.event, r.session): r for r in merged}
    return [merged_by_session.get((r.event, r.session), r) for r in results] + [r for r in worked_out if r]


@dataclass(frozen=True)
class _SeasonReading:
    championship: Championship
    driver_names: dict


@dataclass(frozen=True)
class _Reading:
    """What reading a round's session files needs besides each file: its season's championship and
    drivers' names, and the cars entered at the round."""

    season: _SeasonReading
    cars: dict


def classification_of(given: tuple, problems: Problems) -> SessionResult | None:
    """The classification of (a session file, its bytes, what reading its round's files needs)."""
    file, _, reading = given
    return read_classification(file, reading.season.championship, reading.cars, reading.season.driver_names,
                               problems)


def laps_of(given: tuple, problems: Problems) -> SessionLaps | None:
    """The laps of (a per-lap export, its bytes, what reading its round's files needs)."""
    file, _, reading = given
    return read_laps(file, reading.cars, problems)


def with_laps_of(given: tuple, problems: Problems) -> SessionResult:
    """_with_laps_of (session laps, the classification, the cars' classes at the round)."""
    return _with_laps_of(*given, problems)


def classified_from_laps(given: tuple, min_distance: float, needs_flag: bool, problems: Problems
                         ) -> SessionResult | None:
    session_laps, car_classes = given
    return _classified_from_laps(session_laps, car_classes, min_distance, needs_flag, problems)


def _classified_from_laps(session_laps: SessionLaps, car_classes: dict, min_distance: float, needs_flag: bool,
                          problems: Problems) -> SessionResult | None:
    rows = classification_from_laps(analyse(session_laps.laps, car_classes), min_distance, needs_flag)
    if not rows:
        problems.add(session_laps.source.path, None, f"the per-lap export of {shown(session_laps.session)} lists no "
                     "laps, and no classification is filed beside it", NO_RESULTS_HINT)
        return None
    worked_out = SessionResult(session_laps.championship, session_laps.season, session_laps.event,
                               session_laps.session, rows, session_laps.source, from_laps=True)
    return _with_laps_of(session_laps, worked_out, car_classes, problems)  # class laps led, stints, stops


def _with_laps_of(session_laps: SessionLaps, result: SessionResult, car_classes: dict,
                  problems: Problems) -> SessionResult:
    race = analyse(session_laps.laps, car_classes)
    timings = car_timings(session_laps.laps, race)
    rows = []
    for row in result.rows:
        car_laps = race.car(row.car)
        completed = car_laps.completed if car_laps else 0
        if row.laps is not None and completed != row.laps:
            problems.warn(session_laps.source.path, None, f"car #{row.car} has {completed} laps here but "
                          f"{row.laps} in the classification ({result.source.path})",
                          "export both files again after the session is final")
        if row.laps_led is None:
            row = replace(row, laps_led=car_laps.led if car_laps else 0)
        if not row.best and car_laps and car_laps.fastest is not None:
            row = replace(row, best=format_time(car_laps.fastest), best_lap=car_laps.fastest_lap)
        row = replace(row, class_laps_led=car_laps.led_in_class if car_laps else 0, timing=timings.get(row.car))
        rows.append(row)
    return replace(result, rows=tuple(rows))


def read_laps(file: SessionFile, cars: dict, problems: Problems) -> SessionLaps | None:
    laps = file.reader.read(FileToRead(file.path, file_bytes(file.path), file.session, cars), problems)
    if laps is None or file.event is None:
        return None
    return SessionLaps(file.event.championship, file.event.season, file.event.slug, file.session, laps,
                       Source(problems.relative(file.path)))


def read_classification(file: SessionFile, championship: Championship, cars: dict, driver_names: dict,
                        problems: Problems, matching: Matching | None = None) -> SessionResult | None:
    path, event, session = file.path, file.event, file.session
    reported_before = len(problems.items)
    race = event is None or _session_type(event, session) in RACES
    rows = file.reader.read(FileToRead(path, file_bytes(path), session, cars, championship, driver_names, race,
                                       matching if matching is not None else Matching()), problems)
    if rows is None:
        return None
    report_duplicates(problems, path, [(r.position, r.line) for r in rows], "position")
    report_duplicates(problems, path, [(r.car, r.line) for r in rows], "car number", show=str)
    positions = {r.position for r in rows}
    missing = sorted(set(range(1, len(rows) + 1)) - positions)
    if missing and len(positions) == len(rows):
        problems.add(path, None, f"positions are missing: {', '.join(map(str, missing))}",
                     f"number the {counted(len(rows), 'row')} 1 to {len(rows)} without gaps")
    ordered = tuple(sorted(rows, key=lambda r: r.position))
    _check_drivers_once(path, ordered, cars, problems)
    if event is None:
        return None
    race = _session_type(event, session) in RACES
    if not ordered:
        if len(problems.items) == reported_before:  # a timing export of a header alone
            problems.add(path, None, "the classification lists no cars", NO_RESULTS_HINT)
        return None
    if len(problems.items) == reported_before and not any(_measured(row, race) for row in ordered):
        problems.add(path, ordered[0].line, "the classification is not filled in: "
                     + ("no classified car has laps, a time or a gap" if race
                        else "no car has a best lap, a time, a gap or laps"), NO_RESULTS_HINT)
        return None
    if race:
        _check_race_order(path, ordered, problems)
    return SessionResult(event.championship, event.season, event.slug, session, ordered,
                         Source(problems.relative(path)))


def _measured(row: ResultRow, race: bool) -> bool:
    """Whether timing measured something for the row. A classification with no such row is one
    not filled in yet (`cupsite new results` writes one): scored as it stands, it would give
    points by car number. A race is measured by its classified cars, since one where every car
    retired or did not start did not happen; practice and qualifying by any car, which may give
    only a best lap."""
    if race and row.status != "classified":
        return False
    return bool((row.laps or 0) > 0 or row.time or row.gap or (not race and row.best))


def _session_type(event: Event, session: str) -> str:
    return next(s.type for s in event.sessions if s.slug == session)


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
    """A driver credited in two cars of one session is most often a crew copied onto the wrong
    car. It did happen (a driver taking over a team-mate's car, in the 1950s), so it stands when
    both rows name the driver in `drivers:`."""
    seen = {}
    for row in rows:
        crew = row.drivers or (cars[row.car].drivers if row.car in cars else ())
        for driver in crew:
            if driver in seen and not (row.drivers and seen[driver][1]):
                problems.add(path, row.line, f"{driver} drives car #{row.car} and car #{seen[driver][0]} "
                             "in the same session", "if so, name the driver in `drivers:` on both rows; "
                             "else name who drove each car with `drivers:`")
            seen[driver] = (row.car, bool(row.drivers))
