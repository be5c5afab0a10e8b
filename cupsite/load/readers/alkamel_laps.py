"""An Al Kamel per-lap export, `<session>.laps.csv` (IMSA's "Time Cards", the WEC's
"Analysis"): one row per lap of each car, read by column name (docs/formats.md, 'Laps'). Each lap
is checked: a known car, a lap counted once, a clock that only runs forward."""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import Problems
from ...model import Lap, car_sort_key
from ...timing import format_time
from ...yamlio import shown
from .alkamel import LAP_MARK, Export, ValueReader, header_columns, missing_columns, name_key, read_export
from .base import LAPS, FileToRead, Reader

LAP_COLUMNS = {
    "car": ("NUMBER",),
    "lap": ("LAP_NUMBER",),
    "time": ("LAP_TIME",),
    "elapsed": ("ELAPSED",),
    "driver": ("DRIVER_NUMBER",),
    "driver_name": ("DRIVER_NAME",),
    "pit": ("CROSSING_FINISH_LINE_IN_PIT",),
    "flag": ("FLAG_AT_FL",),
    "improvement": ("LAP_IMPROVEMENT",),
    "top_speed": ("TOP_SPEED",),
    "pit_time": ("PIT_TIME",),
}
REQUIRED_LAPS = ("car", "lap", "time", "elapsed")
_SECTOR_COLUMNS = re.compile(r"^S(\d+)$")  # S1, S2, S3; S1_LARGE and S1_SECONDS repeat them


def recognises(data: bytes) -> bool:
    """A semicolon-separated header with a lap number column."""
    return LAP_MARK in header_columns(data)


def read(file: FileToRead, problems: Problems) -> tuple[Lap, ...] | None:
    export = read_export(file.path, file.data, problems)
    return None if export is None else lap_rows(export, file.cars, problems)


READER = Reader("alkamel-laps", "per-lap timing export", LAPS, (".laps.csv",), read, recognises, fallback=True)


def lap_rows(export: Export, cars: dict, problems: Problems) -> tuple[Lap, ...] | None:
    """Every lap of a per-lap export, each checked: a known car, a lap counted once, a clock
    that only runs forward."""
    if missing_columns(export, problems, LAP_COLUMNS, REQUIRED_LAPS, "the per-lap export"):
        return None
    columns = {key: export.column(names) for key, names in LAP_COLUMNS.items()}
    sectors = _sector_columns(export.columns)
    reader = ValueReader(export.path, problems)
    laps, unknown, seen, unmatched = [], set(), {}, set()
    for line, values in export.rows:
        reader.line = line
        value = {key: values.get(column, "") if column else "" for key, column in columns.items()}
        car = reader.car_number(value["car"])
        number = reader.integer(value["lap"], "lap number")
        lap_time = reader.seconds(value["time"], "lap time")
        elapsed = reader.seconds(value["elapsed"], "elapsed time")
        if car is not None and car not in cars:
            if car not in unknown:
                problems.add(export.path, line, f"car #{car} is not in the entry list",
                             "add it to entries.yaml, or check the number in the export")
            unknown.add(car)
            continue
        if None in (car, number, lap_time, elapsed):
            continue
        if (car, number) in seen:
            problems.add(export.path, line, f"lap {number} of car #{car} is listed twice (first on line "
                         f"{seen[(car, number)]})", "export the session's laps again")
            continue
        seen[(car, number)] = line
        driver = reader.integer(value["driver"], "driver number", allow_blank=True)
        if driver and not value["driver_name"] and driver > len(cars[car].drivers) and (car, "#") not in unmatched:
            unmatched.add((car, "#"))
            problems.warn(export.path, line, f"car #{car} is driven here by its driver {driver}, but its crew in "
                          f"entries.yaml has {len(cars[car].drivers)}: those laps are credited to the whole crew",
                          "add the driver to the car's crew, or correct DRIVER_NUMBER in the export")
        laps.append(Lap(car, number, lap_time, elapsed, driver,
                        bool(value["pit"]), value["flag"].upper(), line,
                        improvement=reader.mark(value["improvement"]) if columns["improvement"] else None,
                        sectors=tuple(reader.optional_seconds(values.get(column, ""), f"{column} time")
                                      for column in sectors),
                        top_speed=reader.speed(value["top_speed"], "top speed"),
                        pit_time=reader.optional_seconds(value["pit_time"], "pit time"),
                        driver_name=_lap_driver(value["driver_name"], cars[car], reader, unmatched)))
    _check_clock(export.path, laps, problems)
    return tuple(laps)


def _lap_driver(written: str, entry, reader: ValueReader, unmatched: set) -> str:
    """The crew member a lap's DRIVER_NAME names, by name whatever the order of the crew (the
    export's DRIVER_NUMBER counts its own list of the crew, which may not be the entry list's).
    A name outside the crew is reported once per car."""
    if not written or entry is None:
        return ""
    crew = {name_key(slug): slug for slug in entry.drivers}
    slug = crew.get(name_key(written), "")
    if not slug and (entry.number, written) not in unmatched:
        unmatched.add((entry.number, written))
        reader.problems.add(reader.path, reader.line, f"{shown(written)} drives car #{entry.number} here, but is not "
                            f"in its crew in entries.yaml", "add the driver to the car's crew, or correct the export")
    return slug


def _sector_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    """S1, S2, S3 ... in their order; a layout with S1 and S3 but no S2 keeps the ones it has."""
    numbered = sorted((int(match.group(1)), column) for column in columns if (match := _SECTOR_COLUMNS.match(column)))
    return tuple(column for _, column in numbered)


def _check_clock(path: Path, laps: list[Lap], problems: Problems) -> None:
    by_car: dict[str, list[Lap]] = {}
    for lap in laps:
        by_car.setdefault(lap.car, []).append(lap)
    for car, car_laps in sorted(by_car.items(), key=lambda item: car_sort_key(item[0])):
        car_laps.sort(key=lambda lap: lap.number)
        for before, after in zip(car_laps, car_laps[1:], strict=False):
            if after.elapsed <= before.elapsed:
                problems.add(path, after.line, f"car #{car} ends lap {after.number} at "
                             f"{format_time(after.elapsed)}, not after lap {before.number} "
                             f"({format_time(before.elapsed)})", "the ELAPSED column should only grow, lap by lap")
                break
