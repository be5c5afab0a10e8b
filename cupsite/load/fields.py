"""Typed reads of YAML mappings that record a problem instead of raising."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..errors import Problems
from ..yamlio import LineDict, shown

# The years a date of the content may fall in. A year such as 9999 is a typo, and one of the few
# that would break the build: a date near the end of year 9999 cannot be moved to another time
# zone or on by a year (as a calendar file needs).
FIRST_YEAR, LAST_YEAR = 1800, 2999
CAR_NUMBER = re.compile(r"^[0-9A-Za-z]{1,5}$")
YEARS_READ = f"cupsite reads the years {FIRST_YEAR} to {LAST_YEAR}"


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_datetime(value) -> datetime | None:
    """A naive local datetime from a date, a datetime or text such as '2025-09-18 10:05'."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# Control characters (but a tab), and the line and paragraph separators: a line break in quotes
# ("Indy\nGP") reads as one in YAML, which no name is meant to hold
_ONE_LINE_BREAKS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # a text of several lines: no control characters


def skipped_time(local: datetime, zone: ZoneInfo) -> str:
    """What to write instead, when the naive `local` time never showed on the clocks of `zone`
    (skipped when they went forward); "" when it did. A skipped time taken as it is would move
    the session or the story by the size of the jump, without a word."""
    shifted = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if shifted == local:
        return ""
    jump_start = local.replace(second=0, microsecond=0)
    while _skipped(jump_start - timedelta(minutes=1), zone):
        jump_start -= timedelta(minutes=1)
    instead = f"{shifted:%H:%M}" if shifted.date() == local.date() else f"{shifted:%Y-%m-%d %H:%M}"
    return (f"clocks went forward at {jump_start:%H:%M} that day: {local:%H:%M} does not exist in {zone.key}; "
            f"write {instead}")


def _skipped(local: datetime, zone: ZoneInfo) -> bool:
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local


class Fields:
    """Reads one mapping of one file; each problem names the file and the key's line."""

    def __init__(self, problems: Problems, path, mapping, what: str, known: tuple[str, ...] = ()):
        self.problems = problems
        self.path = path
        self.what = what
        self.ok = isinstance(mapping, dict)
        self.mapping = mapping if self.ok else LineDict()
        self.line = getattr(mapping, "line", None)
        if known and self.ok:
            for key in self.mapping:
                if key not in known:
                    problems.add(path, self.line_of(key), f"unknown field {shown(key)} in {what}",
                                 f"known fields: {', '.join(known)}")

    def line_of(self, key) -> int | None:
        if isinstance(self.mapping, LineDict):
            return self.mapping.line_of(key)
        return self.line

    def error(self, key, message: str, hint: str = "") -> None:
        self.problems.add(self.path, self.line_of(key), message, hint)

    def has(self, key) -> bool:
        return self.mapping.get(key) is not None

    def _missing(self, key, required: bool, hint: str) -> None:
        if required:
            self.problems.add(self.path, self.line, f"{self.what} has no {shown(key)}", hint or f"add `{key}:`")

    def text(self, key, required=False, default="", hint="", lines=False) -> str:
        """The text of the key, on one line unless `lines`: a name, a title or a time with a
        line break in it would break the line of a calendar file or a feed that holds it."""
        if not self.has(key):
            self._missing(key, required, hint)
            return default
        value = self.mapping[key]
        if isinstance(value, (dict, list)):
            self.error(key, f"{shown(key)} should be text, not a {'list' if isinstance(value, list) else 'mapping'}",
                       "write it on one line, in quotes if it contains ': ' or starts with [ or {")
            return default
        text = str(value).strip()
        breaks = _LINE_BREAKS if lines else _ONE_LINE_BREAKS
        if breaks.search(text):
            self.error(key, f"{shown(key)} holds a line break or a control character: {shown(text)}",
                       "write it on one line, without \\n in quotes" if not lines
                       else "remove the control character")
            return breaks.sub(" ", text)
        return text

    def integer(self, key, required=False, default=None, minimum=None, hint=""):
        if not self.has(key):
            self._missing(key, required, hint)
            return default
        value = self.mapping[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"{shown(key)} should be a whole number, not {shown(value)}", hint)
            return default
        if minimum is not None and value < minimum:
            self.error(key, f"{shown(key)} should be at least {minimum}, not {value}", hint)
            return default
        return value

    def car_number(self, key, required=False) -> str | None:
        """A car number as written: `7`, `"007"`, `00`. It is a label, not a quantity: "007" and
        "7" are two cars, so it is kept as text and never read as an integer."""
        if not self.has(key):
            self._missing(key, required, "")
            return None
        value = self.mapping[key]
        text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        if not CAR_NUMBER.match(text):
            self.error(key, f"{shown(key)} is not a car number: {shown(value)}",
                       "write the number as it is on the car: 1 to 5 letters or digits, e.g. 7, 007 or 88")
            return None
        return text

    def number(self, key, default=None):
        if not self.has(key):
            return default
        value = self.mapping[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            self.error(key, f"{shown(key)} should be a number such as 0.5, not {shown(value)}")
            return default
        return value

    def boolean(self, key, default=False) -> bool:
        if not self.has(key):
            return default
        value = self.mapping[key]
        if not isinstance(value, bool):
            self.error(key, f"{shown(key)} should be true or false, not {shown(value)}")
            return default
        return value

    def date(self, key, required=False):
        if not self.has(key):
            self._missing(key, required, "write it as YYYY-MM-DD")
            return None
        value = parse_date(self.mapping[key])
        if value is None:
            self.error(key, f"{shown(key)} is not a valid date: {shown(self.mapping[key])}", "write it as YYYY-MM-DD")
        return self._in_years(key, value)

    def datetime(self, key, required=False, timezone: str | None = None):
        """A date and time; with `timezone`, a local time there, which must exist (see skipped_time)."""
        if not self.has(key):
            self._missing(key, required, "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM")
            return None
        written = self.mapping[key]
        value = self._in_years(key, parse_datetime(written))
        if value is None:
            if parse_datetime(written) is None:
                self.error(key, f"{shown(key)} is not a valid date and time: {shown(written)}",
                           "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM")
            return None
        has_time = isinstance(written, datetime) or (isinstance(written, str) and len(written.strip()) > 10)
        if timezone and has_time and value.tzinfo is None:
            hint = skipped_time(value, ZoneInfo(timezone))
            if hint:
                # read on as written: the build fails on this error, and "no session 'race-1'" for its
                # results besides would mislead
                self.error(key, f"{shown(key)} is a local time that does not exist: {value:%Y-%m-%d %H:%M} in "
                           f"{timezone}", hint)
        return value

    def _in_years(self, key, value):
        """The date, or None, reported, when its year is outside the years read."""
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.error(key, f"{shown(key)} is in the year {value.year}: {YEARS_READ}", "check the year")
            return None
        return value

    def names(self, key) -> tuple[str, ...]:
        """A name or a list of names."""
        if not self.has(key):
            return ()
        value = self.mapping[key]
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.error(key, f"{shown(key)} should be a name or a list of names",
                       f"write `{key}: [First Name, Other Name]`")
            return ()
        names = tuple(str(v).strip() for v in value if str(v).strip())
        for name in names:
            if _ONE_LINE_BREAKS.search(name):
                self.error(key, f"the name {shown(name)} holds a line break or a control character",
                           "write each name on one line, without \\n in quotes")
        return tuple(_ONE_LINE_BREAKS.sub(" ", name) for name in names)


def report_duplicates(problems: Problems, path, keyed: list, what: str, show=shown) -> None:
    seen = {}
    for key, line in keyed:
        if key in seen:
            problems.add(path, line, f"duplicate {what} {show(key)}",
                         f"it is already used at line {seen[key]}" if seen[key] else "use each only once")
        else:
            seen[key] = line
