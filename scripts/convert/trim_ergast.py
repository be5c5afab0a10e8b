"""Copies the seasons a test needs out of a full Ergast-style CSV dump, unchanged but for the rows kept.

    python -m scripts.convert.trim_ergast FULL_DUMP_DIR TARGET_DIR 1979 2018 ...

Rows are kept verbatim (the source's columns, quoting of names aside, and its \\N for a missing
value), so the trimmed tables read exactly like the full ones."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

BY_RACE = ("results", "sprint_results", "driver_standings", "constructor_standings")


def trim(source: Path, target: Path, years: set[int]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    races = _copy(source, target, "races", lambda row: int(row["year"]) in years)
    race_ids = {row["raceId"] for row in races}
    kept = [row for name in BY_RACE for row in _copy(source, target, name, lambda row: row["raceId"] in race_ids)]
    driver_ids = {row["driverId"] for row in kept if "driverId" in row}
    constructor_ids = {row["constructorId"] for row in kept if "constructorId" in row}
    _copy(source, target, "drivers", lambda row: row["driverId"] in driver_ids)
    _copy(source, target, "constructors", lambda row: row["constructorId"] in constructor_ids)
    circuit_ids = {row["circuitId"] for row in races}
    _copy(source, target, "circuits", lambda row: row["circuitId"] in circuit_ids)
    _copy(source, target, "status", lambda row: True)


def _copy(source: Path, target: Path, name: str, keep) -> list[dict]:
    path = source / f"{name}.csv"
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if keep(row)]
        columns = reader.fieldnames
    with open(target / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Keep only some seasons of an Ergast-style CSV dump.")
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("years", type=int, nargs="+")
    args = parser.parse_args(argv)
    trim(args.source, args.target, set(args.years))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
