"""The CSV layout of Al Kamel Systems' timing exports (IMSA, WEC and their support series),
shared by the classification and the per-lap reader: the semicolon-separated file, its header,
and the reading of one value of a row.

Al Kamel lay the exports out differently by series and by session, so every column is found by
its name and unknown columns are ignored. The values are kept as the timing sheet writes them,
only brought to one spelling ("1'58.056" becomes "1:58.056"), so a page shows what official
timing published.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ...errors import Problems
from ...slugs import slugify
from ...timing import format_gap, format_laps_behind, format_time, parse_gap, parse_status, parse_time
from ...yamlio import shown
from ..fields import CAR_NUMBER

FORMAT_HINT = "see docs/formats.md, 'Official timing exports'"
LAP_MARK = "LAP_NUMBER"  # the column that makes an export a per-lap one
_HEAD = 64 * 1024  # a header line is far shorter; a file of no line breaks is not an export


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
        return LAP_MARK in self.columns


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


def header_columns(data: bytes) -> tuple[str, ...]:
    """The columns of the file's first line that is not blank, when it is UTF-8 text separated by
    semicolons; () for anything else (then no Al Kamel reader recognises the file)."""
    for line in data[:_HEAD].split(b"\n"):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ()
        if ";" not in text or "\x00" in text:
            return ()
        return _header(next(csv.reader([text], delimiter=";", skipinitialspace=True)))
    return ()


def _header(values: list[str]) -> tuple[str, ...]:
    names = [value.strip().upper() for value in values]
    while names and not names[-1]:  # a trailing separator
        names.pop()
    return tuple(names)


def missing_columns(export: Export, problems: Problems, wanted: dict, required: tuple[str, ...], what: str) -> bool:
    missing = [wanted[key] for key in required if export.column(wanted[key]) is None]
    for names in missing:
        problems.add(export.path, 1, f"{what} has no {' or '.join(names)} column",
                     f"the columns found are: {', '.join(export.columns)}; {FORMAT_HINT}")
    return bool(missing)


def name_key(name: str) -> frozenset[str]:
    """A name as a set of words: 'DICKINSON Riley', 'Riley Dickinson' and 'riley-dickinson' are one."""
    return frozenset(slugify(name).split("-"))


class ValueReader:
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
