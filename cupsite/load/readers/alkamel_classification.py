"""An Al Kamel classification export, `<session>.csv`: one row per car, read by column name
(docs/formats.md, 'Official timing exports'). Each car is checked against the entry list, its
class against the championship's classes and its drivers against the car's crew."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ...config import Championship
from ...errors import Problems
from ...model import ResultRow
from ...slugs import slugify
from ...timing import format_gap, format_laps_behind, parse_time
from ...yamlio import shown
from .alkamel import Export, ValueReader, header_columns, missing_columns, name_key, read_export
from .base import CLASSIFICATION, FileToRead, Matching, Reader

# Our name for a value -> the columns that carry it in the known layouts, in order of preference.
CLASSIFICATION_COLUMNS = {
    "position": ("POSITION", "POS"),
    "car": ("NUMBER", "NO", "CAR"),
    "class_position": ("PIC", "CLASS_POSITION", "POS_IN_CLASS"),
    "car_class": ("CLASS", "CLASS_TYPE"),
    "status": ("STATUS",),
    "laps": ("LAPS",),
    "time": ("TOTAL_TIME", "ELAPSED"),
    "gap": ("GAP_FIRST",),
    "interval": ("GAP_PREVIOUS",),
    "best_lap": ("FL_LAPNUM", "BEST_LAP_NUM"),
    "best": ("FL_TIME", "BEST_LAP_TIME"),
    "speed": ("FL_KPH", "BEST_LAP_KPH"),
}
REQUIRED_CLASSIFICATION = ("position", "car")
BY_CLASS_MARK = "CLASS_TYPE"  # by-class sheets give gaps to the class leader, not to the overall leader
_ONE_DRIVER_COLUMNS = re.compile(r"^DRIVER_(\d+)$")
_SPLIT_DRIVER_COLUMNS = re.compile(r"^DRIVER(\d*)_FIRSTNAME$")


def recognises(data: bytes) -> bool:
    """A semicolon-separated header with a position and a car number column, and no lap number."""
    columns = header_columns(data)
    return "LAP_NUMBER" not in columns and all(
        any(name in columns for name in CLASSIFICATION_COLUMNS[key]) for key in REQUIRED_CLASSIFICATION)


def read(file: FileToRead, problems: Problems) -> list[ResultRow] | None:
    export = read_export(file.path, file.data, problems)
    if export is None:
        return None
    if export.is_laps:
        problems.add(file.path, 1, "this is a per-lap export, not a classification", f"name it {file.session}.laps.csv")
        return None
    return classification_rows(export, file.championship, file.cars, file.driver_names, problems, file.matching,
                               file.race)


READER = Reader("alkamel-classification", "timing export", CLASSIFICATION, (".csv",), read, recognises,
                fallback=True)


def classification_rows(export: Export, championship: Championship, cars: dict, driver_names: dict,
                        problems: Problems, matching: Matching | None = None, race: bool = True
                        ) -> list[ResultRow] | None:
    """The export's rows as the result model's rows, each car checked against the entry list,
    its class against the championship's classes and its drivers against the car's crew.
    Outside a race, `ELAPSED` is the session clock at a car's last crossing, not a result."""
    if missing_columns(export, problems, CLASSIFICATION_COLUMNS, REQUIRED_CLASSIFICATION, "the classification"):
        return None
    matching = matching if matching is not None else Matching()
    columns = {key: export.column(names) for key, names in CLASSIFICATION_COLUMNS.items()}
    if not race and columns["time"] == "ELAPSED":
        columns["time"] = None
    by_class = BY_CLASS_MARK in export.columns
    reader = ValueReader(export.path, problems)
    rows, class_positions = [], {}
    next_position = 1
    for line, values in export.rows:
        reader.line = line
        value = {key: values.get(column, "") if column else "" for key, column in columns.items()}
        status = reader.status(value["status"])
        position = reader.integer(value["position"], "position", allow_blank=status != "classified")
        car = reader.car_number(value["car"])
        if car is None or (position is None and value["position"]):
            continue
        position = position if position is not None else next_position  # unplaced cars follow in file order
        next_position = max(next_position, position + 1)
        entry = cars.get(car)
        if entry is None:
            problems.add(export.path, line, f"car #{car} is not in the entry list",
                         "add it to entries.yaml, or check the number in the export")
            continue
        matching.cars += 1
        _check_class(value["car_class"], championship, entry, reader, matching)
        drivers = _drivers(values, export.columns, entry, cars, driver_names, reader, matching)
        class_position = reader.integer(value["class_position"], "class position", allow_blank=True)
        if class_position is not None:
            class_positions[car] = (class_position, line)
        gap, interval = ("", "") if by_class else (reader.gap(value["gap"]), reader.gap(value["interval"]))
        rows.append(ResultRow(
            position, car, status, reader.integer(value["laps"], "laps", allow_blank=True),
            reader.time(value["time"], "total time"), gap, reader.time(value["best"], "best lap"),
            reader.integer(value["best_lap"], "best lap number", allow_blank=True), "", drivers, line,
            None, interval, reader.speed(value["speed"])))
    rows.sort(key=lambda row: row.position)
    if by_class:
        rows = _overall_gaps(rows)
    _check_class_positions(export.path, rows, class_positions, cars, problems)
    return rows


def _check_class(written: str, championship: Championship, entry, reader: ValueReader, matching: Matching) -> None:
    if not written:
        return
    code = championship.class_for_timing_name(written)
    if code is None:
        known = ", ".join(c.code for c in championship.classes)
        reader.problems.add(reader.path, reader.line, f"unknown class {shown(written)} for car #{entry.number}",
                            f"the classes are {known}; add `timing_names = [{shown(written)}]` to the class in "
                            "cupsite.toml if the export means one of them")
    elif code != entry.car_class:
        reader.problems.add(reader.path, reader.line, f"car #{entry.number} races in {shown(written)} ({code}) in the "
                            f"export but in {entry.car_class} in entries.yaml",
                            "correct the class in entries.yaml or the car number in the export")
    else:
        matching.classes[(written, code)] += 1


def _drivers(values: dict, columns: tuple[str, ...], entry, cars: dict, driver_names: dict,
             reader: ValueReader, matching: Matching) -> tuple[str, ...]:
    """The slugs of the crew the export names for the car: () when it names the entry list's
    crew (or nobody), so an export and a hand-written file give the same row."""
    written = _written_drivers(values, columns)
    if not written:
        return ()
    crew = {name_key(slug): slug for slug in entry.drivers}
    everyone = {name_key(slug): (slug, car.number) for car in cars.values() for slug in car.drivers}
    matched = []
    for name in written:
        key = name_key(name)
        if key in crew:
            matched.append(crew[key])
            matching.drivers += 1
            if name != driver_names.get(crew[key]):
                matching.spelt_differently[name] = crew[key]
            continue
        if key in everyone:
            slug, number = everyone[key]
            reader.problems.add(reader.path, reader.line, f"{shown(name)} drives car #{number} in the entry list, not "
                                f"car #{entry.number}", "check the car number in the export, or the crews in "
                                "entries.yaml")
            continue
        from rapidfuzz import process  # here: only a name that matches nobody needs it, and it takes 10 ms to load

        crew_names = [driver_names.get(slug, slug) for slug in entry.drivers]
        guess = process.extractOne(slugify(name), list(entry.drivers), score_cutoff=70)
        hint = (f"did you mean {driver_names.get(guess[0], guess[0])}? " if guess else "") + \
            f"car #{entry.number}'s crew in entries.yaml: {', '.join(crew_names)}"
        reader.problems.add(reader.path, reader.line, f"no driver called {shown(name)} in the entry list (car "
                            f"#{entry.number})", hint + "; a new driver must be added to entries.yaml first")
    # The export's order counts: a per-lap DRIVER_NUMBER is a place in this list
    if tuple(matched) == entry.drivers:
        return ()
    return tuple(dict.fromkeys(matched))


def _written_drivers(values: dict, columns: tuple[str, ...]) -> list[str]:
    numbered = []
    for column in columns:
        if match := _ONE_DRIVER_COLUMNS.match(column):
            numbered.append((int(match.group(1)), values.get(column, "")))
        elif match := _SPLIT_DRIVER_COLUMNS.match(column):
            number = match.group(1)
            first = values.get(column, "")
            second = values.get(f"DRIVER{number}_SECONDNAME", "") or values.get(f"DRIVER{number}_LASTNAME", "")
            numbered.append((int(number or 1), f"{first} {second}".strip()))
    names = [name for _, name in sorted(numbered) if name]
    if not names and values.get("DRIVERS"):
        names = [name.strip() for name in values["DRIVERS"].split("/") if name.strip()]
    return names


def _overall_gaps(rows: list[ResultRow]) -> list[ResultRow]:
    """Gaps to the overall leader and to the car ahead, from laps and total times, for a sheet
    whose own gaps are measured within each class."""
    leader = rows[0] if rows else None
    out = []
    for index, row in enumerate(rows):
        if index == 0 or row.status != "classified":
            out.append(row)
            continue
        out.append(replace(row, gap=_gap_between(leader, row), interval=_gap_between(rows[index - 1], row)))
    return out


def _gap_between(ahead: ResultRow, behind: ResultRow) -> str:
    if ahead.laps is not None and behind.laps is not None and behind.laps < ahead.laps:
        return format_laps_behind(ahead.laps - behind.laps)
    times = [parse_time(r.time) if r.time else None for r in (ahead, behind)]
    return "" if None in times else format_gap(times[1] - times[0])


def _check_class_positions(path: Path, rows: list[ResultRow], given: dict, cars: dict, problems: Problems) -> None:
    counted: Counter = Counter()
    for row in rows:
        car_class = cars[row.car].car_class
        counted[car_class] += 1
        if row.car in given and row.status == "classified" and given[row.car][0] != counted[car_class]:
            problems.add(path, given[row.car][1], f"car #{row.car} is P{given[row.car][0]} in class in the export, "
                         f"but P{counted[car_class]} of {car_class} by the overall positions",
                         "check the positions and classes in the export")
