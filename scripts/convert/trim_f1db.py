"""Copies what the F1DB converter reads for some seasons out of a copy of the F1DB repository.

    python -m scripts.convert.trim_f1db F1DB_DIR TARGET_DIR 1954 ...

Files are copied unchanged, in the same layout, so the converter reads the trimmed copy exactly
as it reads the whole repository."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import yaml

RACE_FILES = ("race.yml", "race-results.yml", "sprint-race-results.yml", "fastest-laps.yml",
              "driver-standings.yml", "constructor-standings.yml")
SEASON_FILES = ("driver-standings.yml", "constructor-standings.yml")
NAMED = {"driverId": "drivers", "constructorId": "constructors", "circuitId": "circuits", "grandPrixId": "grands-prix"}


def trim(source: Path, target: Path, years: set[int]) -> None:
    names: set[tuple[str, str]] = set()
    for year in sorted(years):
        season = Path("src/data/seasons") / str(year)
        for name in SEASON_FILES:
            names |= _copy(source, target, season / name)
        for race in sorted((source / season / "races").iterdir()):
            for name in RACE_FILES:
                names |= _copy(source, target, race.relative_to(source) / name)
    for kind, key in sorted(names):
        _copy(source, target, Path("src/data") / kind / f"{key}.yml")


def _copy(source: Path, target: Path, relative: Path) -> set[tuple[str, str]]:
    """Copies one file if it exists; returns the (folder, key) of every record it names."""
    if not (source / relative).is_file():
        return set()
    (target / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / relative, target / relative)
    content = yaml.safe_load((source / relative).read_text(encoding="utf-8"))
    records = content if isinstance(content, list) else [content]
    return {(NAMED[key], value) for record in records if isinstance(record, dict)
            for key, value in record.items() if key in NAMED and value}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Keep only some seasons of F1DB's YAML sources.")
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("years", type=int, nargs="+")
    args = parser.parse_args(argv)
    trim(args.source, args.target, set(args.years))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
