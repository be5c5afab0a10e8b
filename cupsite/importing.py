"""`cupsite import`: file an official timing export where the build reads it.

The export is checked against the season (cars, classes, crews) exactly as the build will
check it, and stored only when nothing is wrong, byte for byte as published, so the next
official revision can simply replace it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .errors import Problems
from .load.classifications import SessionFile, read_classification, read_laps
from .load.readers.base import CLASSIFICATION, Matching, Reader
from .load.readers.registry import classification_readers, reader_recognising
from .load.results import load_season
from .model import RACES, Event, Season
from .slugs import one_key_ending_with
from .words import counted

SHOWN_NAMES = 3  # examples of names matched though written otherwise; a whole field would bury the report


class ImportRefused(Exception):
    """The export cannot be filed; the message says why and what to do."""


@dataclass
class ImportReport:
    stored: Path
    replaced: bool
    removed: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # what was matched, for the person importing
    warnings: list = field(default_factory=list)


def import_export(config: SiteConfig, source: Path, event_ref: str, session: str,
                  replace_hand_written: bool = False) -> ImportReport:
    seasons, known_names = _seasons(config)
    events = {event.key: (event, read) for read in seasons if read.season for event in read.season.events}
    key, problem = one_key_ending_with(event_ref, events, "event")
    if key is None:
        raise ImportRefused(problem + _unread_seasons(seasons))
    event, read = events[key]
    read.problems.raise_if_any()  # the season the export goes to must be right; the others may wait
    season, problems = read.season, read.problems  # its warnings go in the report
    if session not in {s.slug for s in event.sessions}:
        raise ImportRefused(f"round {event.round} ({event.name}) has no session {session!r}; sessions: "
                            f"{', '.join(s.slug for s in event.sessions)}")
    if not source.is_file():
        raise ImportRefused(f"{source} is not a file")
    data = source.read_bytes()
    reader = reader_recognising(source, data, problems)
    problems.raise_if_any()
    championship = config.championship(event.championship)
    cars = season.cars_at(event.round)
    folder = config.content_dir / "results" / event.championship / event.season / event.slug
    file = SessionFile(source, event, session, reader)
    target = folder / f"{session}{reader.suffixes[0]}"
    classifications = _classification_files(folder, session)
    report_lines = []
    if reader.kind == CLASSIFICATION:
        names = {slug: known_names.get(("driver", slug), slug) for entry in season.entries for slug in entry.drivers}
        matching = Matching()
        read_classification(file, championship, cars, names, problems, matching)
        problems.raise_if_any()
        report_lines += _matching_lines(matching, names)
        others = [(path, other) for path, other in classifications if path != target]
        if others and not replace_hand_written:
            path, other = others[0]
            raise ImportRefused(f"{path.relative_to(config.root)} already holds the {other.title} of {session}; "
                                "pass --replace to remove it in favour of the export, or remove it yourself")
        hand_written = [path for path, _ in others]
    else:
        laps = read_laps(file, cars, problems)
        problems.raise_if_any()
        cars_lapping = {lap.car for lap in laps.laps}
        report_lines.append(f"{counted(len(laps.laps), 'lap')} of {counted(len(cars_lapping), 'car')}, every car in "
                            "the entry list")
        hand_written = []
        if not classifications:
            report_lines.append(_no_classification_note(event, session))
    replaced = target.is_file()
    _write_atomically(target, data)
    for path in hand_written:
        path.unlink()
    return ImportReport(target, replaced, hand_written, report_lines, problems.warnings)


def _classification_files(folder: Path, session: str) -> list[tuple[Path, Reader]]:
    """The session's classification files in the round's folder, each with its reader."""
    return [(folder / f"{session}{suffix}", reader) for reader in classification_readers()
            for suffix in reader.suffixes if (folder / f"{session}{suffix}").is_file()]


def _no_classification_note(event: Event, session: str) -> str:
    if next(s.type for s in event.sessions if s.slug == session) in RACES:
        return (f"note: {session} has no classification yet; until the official one is imported, the build works "
                "one out from these laps and says so on the event page")
    return f"note: {session} has no classification yet; import it too, or the build will report the laps alone"


@dataclass(frozen=True)
class _SeasonRead:
    """A season's calendar and entry list as read, with the problems found in them."""

    folder: Path
    season: Season | None
    problems: Problems


def _seasons(config: SiteConfig) -> tuple[list[_SeasonRead], dict]:
    """Every season's calendar and entry list (the classifications are not needed to file one),
    each with its own problems: a mistake in one season must not stop filing into another."""
    seasons, names = [], {}
    results = config.content_dir / "results"
    for championship in config.championships:
        folder = results / championship.slug
        if not folder.is_dir():
            continue
        for season_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()):
            problems = Problems(config.root)
            seasons.append(_SeasonRead(season_dir, load_season(season_dir, championship, problems, names), problems))
    return seasons, names


def _unread_seasons(seasons: list[_SeasonRead]) -> str:
    """For an event not found: the seasons whose calendars could not be read, where it may be."""
    unread = [f"{read.folder.parent.name}/{read.folder.name}" for read in seasons if read.season is None]
    return f" (the calendar of {', '.join(unread)} could not be read: run `cupsite build` to see why)" if unread \
        else ""


def _matching_lines(matching: Matching, names: dict) -> list[str]:
    lines = [f"{counted(matching.cars, 'car')} matched to the entry list, {counted(matching.drivers, 'driver name')} "
             "to their crews"]
    for (written, code), count in sorted(matching.classes.items()):
        lines.append(f"class {written!r} read as {code} ({counted(count, 'car')})")
    different = sorted(matching.spelt_differently.items())
    if different:
        shown = ", ".join(f"{written!r} as {names.get(slug, slug)}" for written, slug in different[:SHOWN_NAMES])
        more = f" and {len(different) - SHOWN_NAMES} more" if len(different) > SHOWN_NAMES else ""
        lines.append(f"{counted(len(different), 'driver name')} written otherwise than in "
                     f"the entry list (case, accents or order) read as the entry list's: {shown}{more}")
    return lines


def _write_atomically(target: Path, data: bytes) -> None:
    """Write by renaming a finished file into place. The file is created as any file the user
    saves is, 0o666 less their umask (`tempfile.mkstemp` would make it 0o600, unreadable to the
    web server or the colleague who builds the site)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{secrets.token_hex(6)}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
