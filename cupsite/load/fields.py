"""Typed reads of YAML mappings that record a problem instead of raising."""

from __future__ import annotations

from datetime import date, datetime

from ..errors import Problems
from ..yamlio import LineDict, shown


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

    def text(self, key, required=False, default="", hint="") -> str:
        if not self.has(key):
            self._missing(key, required, hint)
            return default
        value = self.mapping[key]
        if isinstance(value, (dict, list)):
            self.error(key, f"{shown(key)} should be text, not a {'list' if isinstance(value, list) else 'mapping'}",
                       "write it on one line, in quotes if it contains ': ' or starts with [ or {")
            return default
        return str(value).strip()

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
        return value

    def datetime(self, key, required=False):
        if not self.has(key):
            self._missing(key, required, "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM")
            return None
        value = parse_datetime(self.mapping[key])
        if value is None:
            self.error(key, f"{shown(key)} is not a valid date and time: {shown(self.mapping[key])}",
                       "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM")
        return value

    def names(self, key) -> tuple[str, ...]:
        """A name or a list of names."""
        if not self.has(key):
            return ()
        value = self.mapping[key]
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.error(key, f"{shown(key)} should be a name or a list of names", f"write `{key}: [First Name, Other Name]`")
            return ()
        return tuple(str(v).strip() for v in value if str(v).strip())


def report_duplicates(problems: Problems, path, keyed: list, what: str) -> None:
    seen = {}
    for key, line in keyed:
        if key in seen:
            problems.add(path, line, f"duplicate {what} {shown(key)}",
                         f"it is already used at line {seen[key]}" if seen[key] else "use each only once")
        else:
            seen[key] = line
