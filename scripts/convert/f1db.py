"""F1DB (the open Formula 1 database, YAML sources) → a cupsite site of one season.

    python -m scripts.convert.f1db F1DB_DIR YEAR SITE_DIR [--rules RULES.yaml]

F1DB_DIR is a copy of the F1DB repository, or a trimmed copy with the same layout: it needs
src/data/seasons/YEAR/races/NN-*/{race.yml, race-results.yml, fastest-laps.yml} (and
sprint-race-results.yml where there were sprints) and the names in src/data/drivers/,
src/data/constructors/, src/data/circuits/ and src/data/grands-prix/. Unlike the Ergast tables
it records who shared a car (`sharedCar: true`) and every holder of a shared fastest lap.

The source's `points` are never read. Its published tables (src/data/seasons/YEAR/
driver-standings.yml, constructor-standings.yml, and the same per race) are read by
`published_standings`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from .common import (
    CarRow,
    PublishedStandings,
    SeasonRules,
    SessionTable,
    SourceError,
    StandingRow,
    convert_main,
    without_gaps_out_of_order,
    write_season,
)

STATUS = {"DNF": "dnf", "DNS": "dns", "DSQ": "dsq", "NC": "nc", "EX": "dsq", "DNQ": "dns", "DNPQ": "dns"}
NON_STARTERS = {"DNS", "DNQ", "DNPQ"}
SESSIONS = (("sprint", "sprint-race-results.yml"), ("race", "race-results.yml"))


class F1dbData:
    """The YAML files of one F1DB copy, read as needed."""

    def __init__(self, root: Path):
        self.data = Path(root) / "src" / "data"

    def race_folders(self, year: int) -> list[Path]:
        folder = self.data / "seasons" / str(year) / "races"
        if not folder.is_dir():
            raise SourceError(f"{folder}: no season {year}")
        return sorted(path for path in folder.iterdir() if path.is_dir())

    def read(self, path: Path):
        return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None

    @cache  # noqa: B019 - one copy of the data per converter run
    def name(self, kind: str, key: str, field: str = "name") -> str:
        record = self.read(self.data / kind / f"{key}.yml")
        if not record:
            raise SourceError(f"{self.data / kind}: no {key}.yml")
        return record[field]


def write_site(data: F1dbData, year: int, rules: SeasonRules, root: Path) -> Path:
    """Writes the season as a cupsite site under root; returns its cupsite.toml."""
    rounds, tables = [], []
    for folder in data.race_folders(year):
        race = data.read(folder / "race.yml")
        number = int(race["round"])
        slug = f"round-{number:02d}"
        sessions = []
        for session_type, file_name in SESSIONS:
            rows = data.read(folder / file_name)
            if not rows:
                continue
            session = {"slug": session_type, "type": session_type, "start": f"{race['date']} 12:00"}
            if session_type == "race" and number in rules.race_factors:
                session["points_factor"] = rules.race_factors[number]
            sessions.append(session)
            laps = data.read(folder / "fastest-laps.yml") if session_type == "race" else None
            tables.append(SessionTable(slug, session_type, tuple(classification_rows(data, rows, laps or [], number))))
        rounds.append({"round": number, "slug": slug, "name": data.name("grands-prix", race["grandPrixId"], "fullName"),
                       "track": data.name("circuits", race["circuitId"], "fullName"), "start": str(race["date"]),
                       "end": str(race["date"]), "timezone": "UTC", "sessions": sessions})
    return write_season(root, year, rules, rounds, tables)


def classification_rows(data: F1dbData, rows: list[dict], fastest_laps: list[dict], round_number: int) -> list[CarRow]:
    """One row per car in finishing order; a shared car is one row naming every driver who drove it."""
    best_by_car = {}
    for lap in fastest_laps:
        number = str(lap["driverNumber"])
        best_by_car.setdefault(number, lap["time"])
    cars: dict[str, list[dict]] = {}
    for row in rows:
        number = str(row["driverNumber"])
        earlier = cars.get(number)
        if earlier is None:
            cars[number] = [row]
        elif row.get("sharedCar") and row["position"] == earlier[0]["position"]:
            earlier.append(row)
        elif str(row["position"]) in NON_STARTERS:
            continue  # a driver who did not start gives way to the one who raced the car
        elif str(earlier[0]["position"]) in NON_STARTERS:
            cars[number] = [row]
        else:
            raise SourceError(f"round {round_number}: car {number} appears twice with different results")
    table = []
    for pos, (number, car_rows) in enumerate(sorted(cars.items(), key=lambda item: rows.index(item[1][0])), 1):
        first = car_rows[0]
        classified = isinstance(first["position"], int)
        table.append(CarRow(
            round=round_number, number=number, team=data.name("constructors", first["constructorId"]),
            drivers=tuple(data.name("drivers", r["driverId"]) for r in car_rows), pos=pos,
            status="classified" if classified else STATUS.get(str(first["position"]), "dnf"),
            laps=int(first.get("laps") or 0), time=first.get("time") if pos == 1 else None,
            gap=_gap(first.get("gap")) if classified and pos > 1 else None, best=best_by_car.get(number)))
    return without_gaps_out_of_order(table)


def _gap(gap: str | None) -> str | None:
    """F1DB writes "+1 lap", "+3 laps"; cupsite reads "+1 Lap", "+3 Laps"."""
    if not gap:
        return None
    return gap.replace(" laps", " Laps").replace(" lap", " Lap")


def published_standings(data: F1dbData, year: int, after_round: int | None = None) -> PublishedStandings:
    """The source's drivers' (and, where there was one, constructors') table after a round."""
    folder = data.data / "seasons" / str(year)
    if after_round is not None:
        folder = next(path for path in data.race_folders(year) if int(path.name[:2]) == after_round)
    drivers = data.read(folder / "driver-standings.yml") or []
    teams = data.read(folder / "constructor-standings.yml") or []
    return PublishedStandings(
        drivers=tuple(StandingRow(data.name("drivers", r["driverId"]), float(r["points"]), int(r["position"]))
                      for r in drivers),
        teams=tuple(StandingRow(data.name("constructors", r["constructorId"]), float(r["points"]), int(r["position"]))
                    for r in teams))


def main(argv: list[str] | None = None) -> int:
    return convert_main(
        argv, "Convert one season of F1DB's YAML sources to a cupsite site.",
        "a copy of the F1DB repository (or a trimmed one)",
        lambda folder, year, rules, site: write_site(F1dbData(folder), year, rules, site))


if __name__ == "__main__":
    raise SystemExit(main())
