"""Results, standings and calendars as plain JSON-ready data: what `cupsite standings --json`
prints and what the build publishes under output/data/ (schema: docs/data.md)."""

from __future__ import annotations

import json
from typing import NamedTuple

from . import steps
from .config import SiteConfig
from .link import Site
from .score import SEASONS_PER_WORKER, SeasonTables, StandingRow, Standings, Tables
from .timing import format_time

SCHEMA_VERSION = 2  # 2: car numbers are text as written ("007"), no longer integers


def dumps(value, pretty: bool = False) -> bytes:
    """Deterministic JSON: sorted keys, fixed separators, UTF-8; compact unless pretty."""
    if pretty:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def standing_row(row: StandingRow, names: dict) -> dict:
    data = {
        "position": row.position,
        "tied": row.tied,
        "slug": row.key,
        "name": names[row.key].name,
        "points": _number(row.points),
        "gap": _number(row.gap),
        "wins": row.wins,
        "podiums": row.podiums,
    }
    if row.car_class:
        data.update({"class": row.car_class, "numbers": list(row.numbers), "teams": list(row.teams),
                     "results": list(row.finishes), "dropped": list(row.dropped)})
    return data


def standings_data(site: Site, season_tables: SeasonTables, standings: Standings,
                   only_class: str | None = None) -> dict:
    championship = site.config.championship(season_tables.championship)
    return {
        "schema": SCHEMA_VERSION,
        "championship": championship.slug,
        "season": season_tables.year,
        "after_round": standings.after_round,
        "final": season_tables.complete and standings is season_tables.final,
        "races": [{"event": event, "session": session} for event, session in season_tables.races
                  if site.events[event].round <= standings.after_round],
        "classes": [
            {"code": code, "name": championship.car_class(code).name,
             "standings": [standing_row(r, site.drivers) for r in rows],
             "contenders": list(dict(standings.contenders).get(code, ())),
             "champion": standings.champion(code)}
            for code, rows in standings.drivers if only_class in (None, code)
        ],
        "teams": [] if only_class else [standing_row(r, site.teams) for r in standings.teams],
        "rookies": [standing_row(r, site.drivers) for r in standings.rookies
                    if only_class in (None, r.car_class)],
        "adjustments": [a.as_data() for a in standings.adjustments
                        if only_class is None or any(code == only_class for code, _ in a.drivers)],
    }


def results_data(site: Site, season_tables: SeasonTables, adjustments: tuple = ()) -> dict:
    sessions = []
    for (event_key, slug), session in season_tables.sessions.items():
        sessions.append({
            "event": event_key,
            "session": slug,
            "name": session.info.name,
            "type": session.info.type,
            "start_local": session.info.start.isoformat(),
            "points_factor": _number(session.info.points_factor),
            "from_laps": (event_key, slug) in site.from_laps,
            "rows": [{
                "position": r.position, "class": r.car_class, "class_position": r.class_position,
                "car": r.car, "drivers": list(r.drivers), "team": r.team, "status": r.status,
                "laps": r.laps, "time": r.time or None, "gap": r.gap or None, "class_gap": r.class_gap or None,
                "best_lap": r.best or None, "best_lap_number": r.best_lap, "fastest_in_class": r.fastest_in_class,
                "points": _number(r.points), "interval": r.interval or None, "best_lap_kph": r.speed,
                "laps_led": r.laps_led, "class_laps_led": r.class_laps_led, **_timing_data(r.timing),
            } for r in session.rows],
        })
    return {"schema": SCHEMA_VERSION, "championship": season_tables.championship, "season": season_tables.year,
            "sessions": sessions, "adjustments": [a.as_data() for a in adjustments]}


def _timing_data(timing) -> dict:
    """A row's keys from a per-lap export: null (or []) when the race has none or it lacks the column."""
    if timing is None:
        return {"stints": [], "pit_stops": None, "pit_time": None, "best_sectors": [], "ideal_lap": None,
                "top_speed_kph": None}
    return {
        "stints": [{"driver": stint.slug or None, "driver_number": stint.driver, "first_lap": stint.first,
                    "last_lap": stint.last, "laps": stint.laps, "time": format_time(stint.time),
                    "laps_led": stint.led} for stint in timing.stints],
        "pit_stops": timing.pit_stops,
        "pit_time": format_time(timing.pit_time) or None,
        "best_sectors": [format_time(seconds) or None for seconds in timing.best_sectors],
        "ideal_lap": format_time(timing.ideal_lap) or None,
        "top_speed_kph": timing.top_speed,
    }


def calendar_data(site: Site, season) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "championship": season.championship,
        "season": season.year,
        "rounds": [{
            "round": e.round, "slug": e.slug, "name": e.name, "track": e.track,
            "track_name": site.tracks[e.track].name, "start": e.start.isoformat(), "end": e.end.isoformat(),
            "timezone": e.timezone, "broadcast": e.broadcast or None,
            "sessions": [{"slug": s.slug, "name": s.name, "type": s.type, "start_local": s.start.isoformat(),
                          "duration_minutes": s.duration} for s in e.sessions],
        } for e in season.events],
    }


def data_files(site: Site, tables: Tables) -> dict[str, bytes]:
    """Every JSON file the site publishes under data/, by path, as bytes. Each season's files are
    made on their own, across the cores, and taken from the build cache while the season, its
    tables and the names they show are unchanged."""
    shown = _Shown(site.config, *({slug: Named(person.name) for slug, person in people.items()}
                                  for people in (site.drivers, site.teams, site.tracks)),
                   site.events, frozenset(key for key, result in site.results.items()
                                          if getattr(result, "from_laps", False)))
    per_season = steps.each(season_data_files, [(season, tables.season(season.championship, season.year))
                                           for season in site.seasons],
                            shown, per_worker=SEASONS_PER_WORKER)
    files: dict[str, bytes] = {}
    index = []
    for season, season_files in zip(site.seasons, per_season, strict=True):
        files.update(season_files)
        base = _season_folder(season)
        entry = {"championship": season.championship, "season": season.year, "calendar": base + "calendar.json"}
        if base + "results.json" in season_files:
            entry.update({"results": base + "results.json", "standings": base + "standings.json"})
        index.append(entry)
    files["data/index.json"] = dumps({"schema": SCHEMA_VERSION, "site": site.config.title, "seasons": index})
    return files


def _season_folder(season) -> str:
    return f"data/{season.championship}/{season.year}/"


class Named(NamedTuple):
    name: str


class _Shown(NamedTuple):
    """What a season's data files show of the site besides the season: all they are given, so
    that they are made again when, and only when, one of these changes."""

    config: SiteConfig
    drivers: dict
    teams: dict
    tracks: dict
    events: dict
    from_laps: frozenset  # the (event, session) whose classification was worked out from the laps


def season_data_files(season_and_tables: tuple, site: _Shown) -> dict[str, bytes]:
    """The data files of (a season, its tables)."""
    season, season_tables = season_and_tables
    base = _season_folder(season)
    files = {base + "calendar.json": dumps(calendar_data(site, season))}
    if season_tables.final is not None:
        files[base + "results.json"] = dumps(results_data(site, season_tables, season.adjustments))
        files[base + "standings.json"] = dumps({
            **standings_data(site, season_tables, season_tables.final),
            "by_round": [standings_data(site, season_tables, standings)
                         for _, standings in sorted(season_tables.by_round.items())],
        })
    return files
