"""Official timing's CSV exports, read where the results office drops them.

`<session>.csv` beside the hand-written classifications is a session's classification,
`<session>.laps.csv` a race's per-lap export. Al Kamel Systems (IMSA, WEC and their support
series) lay these out differently by series and by session, so every column is found by its
name and unknown columns are ignored. The values are kept as the timing sheet writes them,
only brought to one spelling ("1'58.056" becomes "1:58.056"), so a page shows what official
timing published.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import process

from ..config import Championship
from ..errors import Problems
from ..model import Lap, ResultRow, car_sort_key
from ..slugs import slugify
from ..timing import format_gap, format_laps_behind, format_time, parse_gap, parse_status, parse_time
from ..yamlio import shown
from .fields import CAR_NUMBER

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
REQUIRED_CLASSIFICATION = ("position", "car")
REQUIRED_LAPS = ("car", "lap", "time", "elapsed")
BY_CLASS_MARK = "CLASS_TYPE"  # by-class sheets give gaps to the class leader, not to the overall leader
_SECTOR_COLUMNS = re.compile(r"^S(\d+)$")  # S1, S2, S3; S1_LARGE and S1_SECONDS repeat them
_ONE_DRIVER_COLUMNS = re.compile(r"^DRIVER_(\d+)$")
_SPLIT_DRIVER_COLUMNS = re.compile(r"^DRIVER(\d*)_FIRSTNAME$")
FORMAT_HINT = "see docs/formats.md, 'Official timing exports'"


@dataclass
class Export:
    """The rows of one export, each as {COLUMN: text} with the line it starts on."""

    path: Path
    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]

    def column(self, names: tuple[str, ...]) -> str | None:
        return next((name for name in names if name in self.columns), None)

    @property
    def is_laps(self) -> bool:
        return "LAP_NUMBER" in self.columns


@dataclass
class Matching:
    """What an export's names were matched to, for `cupsite import` to report."""

    cars: int = 0
    drivers: int = 0
    spelt_differently: dict[str, str] = field(default_factory=dict)  # as written -> driver slug
    classes: Counter = field(default_factory=Counter)  # (as written, class code) -> cars


def read_export(path: Path, data: bytes, problems: Problems) -> Export | None:
    """The export's header and rows, or None after reporting why it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problems.add(path, line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line})",
                     "export it again as UTF-8, or convert it, e.g. `iconv -f latin1 -t utf-8 old.csv > new.csv`")
        return None
    if "\x00" in text:
        problems.add(path, None, "the file is binary, not a timing export", "move it out of content/results/")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", skipinitialspace=True)
    columns: tuple[str, ...] = ()
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if not columns:
                columns = _header(values)
                continue
            rows.append((reader.line_num, dict(zip(columns, (value.strip() for value in values), strict=False))))
    except csv.Error as error:
        problems.add(path, reader.line_num, f"the file cannot be read as CSV: {error}", FORMAT_HINT)
        return None
    if not columns:
        problems.add(path, 1, "the file is empty", "export the session again, or remove the file")
        return None
    if len(columns) == 1 and ("," in columns[0] or "\t" in columns[0]):
        separator = "commas" if "," in columns[0] else "tabs"
        problems.add(path, 1, f"the columns are separated by {separator}, not by semicolons",
                     "use the timing system's own CSV export, which separates columns with ';'")
        return None
    return Export(path, columns, rows)


def _header(values: list[str]) -> tuple[str, ...]:
    names = [value.strip().upper() for value in values]
    while names and not names[-1]:  # a trailing separator
        names.pop()
    return tuple(names)


def _missing(export: Export, problems: Problems, wanted: dict, required: tuple[str, ...], what: str) -> bool:
    missing = [wanted[key] for key in required if export.column(wanted[key]) is None]
    for names in missing:
        problems.add(export.path, 1, f"{what} has no {' or '.join(names)} column",
                     f"the columns found are: {', '.join(export.columns)}; {FORMAT_HINT}")
    return bool(missing)


def classification_rows(export: Export, championship: Championship, cars: dict, driver_names: dict,
                        problems: Problems, matching: Matching | None = None, race: bool = True
                        ) -> list[ResultRow] | None:
    """The export's rows as the result model's rows, each car checked against the entry list,
    its class against the championship's classes and its drivers against the car's crew.
    Outside a race, `ELAPSED` is the session clock at a car's last crossing, not a result."""
    if _missing(export, problems, CLASSIFICATION_COLUMNS, REQUIRED_CLASSIFICATION, "the classification"):
        return None
    matching = matching if matching is not None else Matching()
    columns = {key: export.column(names) for key, names in CLASSIFICATION_COLUMNS.items()}
    if not race and columns["time"] == "ELAPSED":
        columns["time"] = None
    by_class = BY_CLASS_MARK in export.columns
    reader = _ValueReader(export.path, problems)
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


def lap_rows(export: Export, cars: dict, problems: Problems) -> tuple[Lap, ...] | None:
    """Every lap of a per-lap export, each checked: a known car, a lap counted once, a clock
    that only runs forward."""
    if _missing(export, problems, LAP_COLUMNS, REQUIRED_LAPS, "the per-lap export"):
        return None
    columns = {key: export.column(names) for key, names in LAP_COLUMNS.items()}
    sectors = _sector_columns(export.columns)
    reader = _ValueReader(export.path, problems)
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


def _lap_driver(written: str, entry, reader: _ValueReader, unmatched: set) -> str:
    """The crew member a lap's DRIVER_NAME names, by name whatever the order of the crew (the
    export's DRIVER_NUMBER counts its own list of the crew, which may not be the entry list's).
    A name outside the crew is reported once per car."""
    if not written or entry is None:
        return ""
    crew = {_name_key(slug): slug for slug in entry.drivers}
    slug = crew.get(_name_key(written), "")
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


def _check_class(written: str, championship: Championship, entry, reader: _ValueReader, matching: Matching) -> None:
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
             reader: _ValueReader, matching: Matching) -> tuple[str, ...]:
    """The slugs of the crew the export names for the car: () when it names the entry list's
    crew (or nobody), so an export and a hand-written file give the same row."""
    written = _written_drivers(values, columns)
    if not written:
        return ()
    crew = {_name_key(slug): slug for slug in entry.drivers}
    everyone = {_name_key(slug): (slug, car.number) for car in cars.values() for slug in car.drivers}
    matched = []
    for name in written:
        key = _name_key(name)
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


def _name_key(name: str) -> frozenset[str]:
    """A name as a set of words: 'DICKINSON Riley', 'Riley Dickinson' and 'riley-dickinson' are one."""
    return frozenset(slugify(name).split("-"))


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


class _ValueReader:
    """Reads one value of one row, reporting a value that is not what its column holds."""

    def __init__(self, path: Path, problems: Problems):
        self.path, self.problems, self.line = path, problems, None

    def _bad(self, what: str, text: str, hint: str) -> None:
        self.problems.add(self.path, self.line, f"{what} is not valid: {shown(text)}", hint)

    def integer(self, text: str, what: str, allow_blank: bool = False) -> int | None:
        if not text:
            if not allow_blank:
                self.problems.add(self.path, self.line, f"the row has no {what}", "fill it in, or remove the row")
            return None
        if text.isdigit():
            return int(text)
        self._bad(what, text, "write a whole number")
        return None

    def car_number(self, text: str) -> str | None:
        """The number as the export writes it: "007" and "7" are two cars."""
        if not text:
            self.problems.add(self.path, self.line, "the row has no car number", "fill it in, or remove the row")
            return None
        if CAR_NUMBER.match(text):
            return text
        self._bad("the car number", text, "write the number as it is on the car, e.g. 7 or 007")
        return None

    def status(self, text: str) -> str:
        if not text:
            return "classified"
        status = parse_status(text)
        if status is None:
            self._bad("the status", text,
                      "use Classified, Not classified, Retired, Not started (DNS) or Disqualified (DSQ)")
            return "classified"
        return status

    def seconds(self, text: str, what: str) -> float | None:
        seconds = parse_time(text) if text else None
        if seconds is None:
            self._bad(f"the {what}", text, 'write it as timing does, e.g. "1:25.015" or "1\'25.015"')
        return seconds

    def time(self, text: str, what: str) -> str:
        if not text or text == "-":
            return ""
        seconds = self.seconds(text, what)
        return format_time(seconds) if seconds is not None else ""

    def gap(self, text: str) -> str:
        if not text or text == "-":
            return ""
        gap = parse_gap(text)
        if gap is None:
            self._bad("the gap", text, 'write it as "+0.512", "+1 Lap" or "+3 Laps"')
            return ""
        laps, seconds = gap
        if laps:
            return format_laps_behind(laps)
        return format_gap(seconds)

    def optional_seconds(self, text: str, what: str) -> float | None:
        """A time that may be left blank, as sectors and pit times are on most laps."""
        return self.seconds(text, what) if text else None

    def mark(self, text: str) -> int:
        """LAP_IMPROVEMENT: a blank is no mark, as 0 is."""
        if not text:
            return 0
        if text.isdigit():
            return int(text)
        self._bad("the lap improvement mark", text, "the timing system writes 0 (none) or a small whole number")
        return 0

    def speed(self, text: str, what: str = "speed") -> float | None:
        if not text:
            return None
        try:
            return float(text.replace(",", "."))
        except ValueError:
            self._bad(f"the {what}", text, "write km/h as a number, e.g. 166.2")
            return None
