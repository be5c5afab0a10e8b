"""Ergast-style CSV tables (the community Formula 1 database) → a cupsite site of one season.

    python -m scripts.convert.ergast DATA_DIR YEAR SITE_DIR [--rules RULES.yaml]

DATA_DIR holds the source's tables: races.csv, results.csv, drivers.csv, constructors.csv,
circuits.csv, status.csv, and where the season had them sprint_results.csv. The site gets a
cupsite.toml, and under content/results/f1/YEAR/ a season.yaml, an entries.yaml and one
classification per race and sprint. Only finishing order, status, laps, times and best laps are
carried over: the source's points columns are never read, so cupsite has to work the points out.

What the tables do not say (the points system, a race given half points, a penalty, a team that
entered under a new name) comes from RULES.yaml, as a results office would configure it; see
docs/real-data.md. The published standings (driver_standings.csv, constructor_standings.csv, or
the *_final.csv variants) are read by `published_standings`, for tests to compare against.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from .common import (
    PublishedStandings,
    SeasonRules,
    SessionTable,
    SourceError,
    StandingRow,
    convert_main,
    write_season,
)
from .ergast_rows import classification_rows

DEFAULT_RACE_TIME = "12:00"  # the source gives no start time for older races

class ErgastData:
    """The tables of one Ergast-style folder, read once each."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._tables: dict[str, list[dict]] = {}

    def has(self, name: str) -> bool:
        return (self.folder / f"{name}.csv").is_file()

    def rows(self, name: str) -> list[dict]:
        if name not in self._tables:
            if not self.has(name):
                self._tables[name] = []
            else:
                with open(self.folder / f"{name}.csv", newline="", encoding="utf-8") as handle:
                    self._tables[name] = [{key: _value(text) for key, text in row.items()}
                                          for row in csv.DictReader(handle)]
        return self._tables[name]

    def races(self, year: int) -> list[dict]:
        races = [r for r in self.rows("races") if int(r["year"]) == year]
        if not races:
            raise SourceError(f"{self.folder / 'races.csv'}: no race in {year}")
        return sorted(races, key=lambda r: int(r["round"]))

    def by_id(self, name: str, key: str) -> dict[str, dict]:
        return {row[key]: row for row in self.rows(name)}

    def driver_names(self) -> dict[str, str]:
        return {d: f"{r['forename']} {r['surname']}" for d, r in self.by_id("drivers", "driverId").items()}


def _value(text: str | None) -> str | None:
    """The source writes a missing value as \\N (the full dump) or leaves it empty (trimmed copies)."""
    return None if text in (None, "", r"\N") else text


def team_name_by_round(data: ErgastData, year: int, rules: SeasonRules):
    """A function (constructorId, round) → the team's name in that round, renames applied."""
    constructors = data.by_id("constructors", "constructorId")

    def name(constructor_id: str, round_number: int) -> str:
        row = constructors[constructor_id]
        renames = rules.team_names.get(row.get("constructorRef") or "", {})
        current = row["name"]
        for first_round, new_name in sorted(renames.items()):
            if round_number >= int(first_round):
                current = new_name
        return current

    return name


def write_site(data: ErgastData, year: int, rules: SeasonRules, root: Path) -> Path:
    """Writes the season as a cupsite site under root; returns its cupsite.toml."""
    races = data.races(year)
    drivers = data.driver_names()
    team_name = team_name_by_round(data, year, rules)
    circuits = data.by_id("circuits", "circuitId")
    statuses = {r["statusId"]: r["status"] for r in data.rows("status")}
    results, sprints = _by_race(data.rows("results")), _by_race(data.rows("sprint_results"))
    rounds, tables = [], []
    for race in races:
        number = int(race["round"])
        slug = f"round-{number:02d}"
        sessions = []
        for session_type, rows in (("sprint", sprints.get(race["raceId"], [])),
                                   ("race", results.get(race["raceId"], []))):
            if rows:
                sessions.append(_session(race, session_type, rules))
                table = classification_rows(rows, number, drivers, team_name, statuses)
                tables.append(SessionTable(slug, session_type, tuple(table)))
        rounds.append({"round": number, "slug": slug, "name": race["name"],
                       "track": circuits[race["circuitId"]]["name"], "start": _first_day(race),
                       "end": race["date"], "timezone": "UTC", "sessions": sessions})
    return write_season(root, year, rules, rounds, tables)


def _by_race(rows: list[dict]) -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["raceId"]].append(row)
    return grouped


def _session(race: dict, session_type: str, rules: SeasonRules) -> dict:
    if session_type == "sprint":
        day, time = race.get("sprint_date") or race["date"], race.get("sprint_time")
    else:
        day, time = race["date"], race.get("time")
    session = {"slug": session_type, "type": session_type, "start": f"{day} {(time or DEFAULT_RACE_TIME)[:5]}"}
    factor = rules.race_factors.get(int(race["round"]))
    if session_type == "race" and factor is not None:
        session["points_factor"] = factor
    return session


def _first_day(race: dict) -> str:
    return race.get("sprint_date") or race["date"]


def published_standings(data: ErgastData, year: int, rules: SeasonRules,
                        after_round: int | None = None) -> PublishedStandings:
    """The source's own tables after a round (default: the last), with cupsite's names."""
    races = data.races(year)
    last = races[-1] if after_round is None else next(r for r in races if int(r["round"]) == after_round)
    drivers = data.driver_names()
    team_name = team_name_by_round(data, year, rules)
    last_round = int(last["round"])
    return PublishedStandings(
        drivers=_standing_rows(_standings_after(data, "driver", year, last), "driverId", drivers.__getitem__),
        teams=_standing_rows(_standings_after(data, "constructor", year, last), "constructorId",
                             lambda constructor: team_name(constructor, last_round)))


def _standings_after(data: ErgastData, kind: str, year: int, race: dict) -> list[dict]:
    if data.has(f"{kind}_standings"):
        return [r for r in data.rows(f"{kind}_standings") if r["raceId"] == race["raceId"]]
    if race is not data.races(year)[-1]:
        raise SourceError(f"{data.folder}: only the final {kind} standings are given")
    return [r for r in data.rows(f"{kind}_standings_final") if int(r["year"]) == year]


def _standing_rows(rows: list[dict], key: str, name) -> tuple[StandingRow, ...]:
    return tuple(sorted((StandingRow(name(r[key]), float(r["points"]), int(r["position"]), int(r["wins"]))
                         for r in rows), key=lambda row: row.position))


def main(argv: list[str] | None = None) -> int:
    return convert_main(
        argv, "Convert one season of Ergast-style CSV tables to a cupsite site.",
        "the folder of the source's CSV tables",
        lambda folder, year, rules, site: write_site(ErgastData(folder), year, rules, site))


if __name__ == "__main__":
    raise SystemExit(main())
