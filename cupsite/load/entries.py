"""The entry list: content/results/<championship>/<season>/entries.yaml."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Championship
from ..errors import Problems
from ..model import Entry, Source
from ..slugs import slugify
from ..yamlio import shown
from .documents import read_yaml_file
from .fields import Fields
from .files import may_read

_NO_ENTRIES_HINT = "list the season's cars (`- {number: 1, class: ..., team: ..., driver: ...}`), or remove the file"
ENTRY_FIELDS = ("number", "class", "team", "driver", "drivers", "rookie", "guest", "rounds")
_ROUNDS_HINT = 'write the rounds as a list [1, 2, 5], or as ranges such as "1-12" or "13-" (to the last round)'
_RANGE = re.compile(r"^(\d+)\s*(?:(-)\s*(\d*))?$")


def load_entries(path: Path, championship: Championship, problems: Problems, names: dict,
                 calendar: tuple[int, ...] = ()) -> list[Entry]:
    """The season's entries; `calendar` holds the season's round numbers, which `rounds:` must name."""
    if path.is_symlink() and not may_read(path, problems):
        problems.mark_unreadable(Problems.ENTRY_LIST, path.parent)
        return []
    if not path.is_file():
        return []
    data = read_yaml_file(path, problems, _NO_ENTRIES_HINT)
    if not isinstance(data, list) or not data:
        if data == []:
            problems.add(path, 1, "the entry list lists no entries", _NO_ENTRIES_HINT)
        elif data is not None:
            problems.add(path, 1, "entries.yaml should be a list of entries (`- number: 1 ...`)")
        problems.mark_unreadable(Problems.ENTRY_LIST, path.parent)
        return []
    entries = []
    codes = [c.code for c in championship.classes]
    for item in data:
        fields = Fields(problems, path, item, "an entry", ENTRY_FIELDS)
        if not fields.ok:
            problems.add(path, None, "each entry should be a mapping with number, class, team and driver")
            continue
        number = fields.car_number("number", required=True)
        car_class = fields.text("class", required=True)
        if car_class and car_class not in codes:
            fields.error("class", f"unknown class {shown(car_class)} for {championship.name}",
                         f"use one of: {', '.join(codes)}")
        team = fields.text("team", required=True)
        drivers = fields.names("drivers") or fields.names("driver")
        if not drivers:
            problems.add(path, fields.line, "the entry has no driver", "add `driver: Name` or `drivers: [A, B]`")
        for name in drivers + ((team,) if team else ()):
            if not slugify(name):
                fields.error("driver", f"the name {shown(name)} has no letters or digits")
        for name in drivers:
            remember_name(names, "driver", name, problems, path, fields.line)
        if team:
            remember_name(names, "team", team, problems, path, fields.line)
        if number is not None and car_class and team and drivers:
            entries.append(Entry(number, car_class, slugify(team), tuple(slugify(d) for d in drivers),
                                 fields.boolean("rookie"), Source(problems.relative(path), fields.line),
                                 fields.boolean("guest"), _rounds(fields, calendar)))
    _report_shared_numbers(problems, path, entries, calendar)
    return entries


def _rounds(fields: Fields, calendar: tuple[int, ...]) -> tuple[int, ...]:
    """The rounds named by `rounds:`: 5, [1, 2, 5], "1-12", "13-" or "1-3, 7"; () for all."""
    if not fields.has("rounds"):
        return ()
    value = fields.mapping["rounds"]
    parts = value if isinstance(value, list) else str(value).split(",")
    if not parts:
        fields.error("rounds", "'rounds' names no round", _ROUNDS_HINT + "; or remove the entry")
        return ()
    rounds: set[int] = set()
    for part in parts:
        match = None if isinstance(part, (bool, dict, list)) else _RANGE.match(str(part).strip())
        if match is None:
            fields.error("rounds", f"'rounds' is not a list of rounds: {shown(value)}", _ROUNDS_HINT)
            return ()
        first, dash, last = match.groups()
        last = int(last) if last else max(calendar, default=int(first))
        if dash and last < int(first):
            fields.error("rounds", f"'rounds' runs backwards: {shown(str(part).strip())}",
                         f"write the first round first, e.g. \"{last}-{first}\"")
            return ()
        rounds.update(range(int(first), last + 1) if dash else (int(first),))
    unknown = sorted(rounds - set(calendar)) if calendar else []
    if unknown:
        fields.error("rounds", f"no round {', '.join(map(str, unknown))} in season.yaml",
                     f"the season's rounds are {', '.join(map(str, calendar))}")
    return tuple(sorted(rounds))


def _report_shared_numbers(problems: Problems, path: Path, entries: list[Entry], calendar: tuple[int, ...]) -> None:
    """A number may pass from one entry to another between rounds, never within one: a result
    row's `car:` must name one entry at its round."""
    first_seen: dict[tuple[str, int], Entry] = {}
    for entry in entries:
        for round_number in entry.rounds or calendar or (0,):
            earlier = first_seen.setdefault((entry.number, round_number), entry)
            if earlier is not entry:
                where = f"round {round_number}" if round_number else "the season"
                problems.add(path, entry.source.line, f"duplicate car number {entry.number}: entered twice for "
                             f"{where} (first at line {earlier.source.line})",
                             "give each entry of the number its own `rounds:`, e.g. rounds: 1-4 and rounds: 5-")
                break


def remember_name(names: dict, kind: str, name: str, problems: Problems, path, line) -> None:
    """One slug, one name: 'José Pérez' and 'Jose Perez' in two places would be two people or a typo."""
    key = (kind, slugify(name))
    seen = names.setdefault(key, name)
    if seen != name:
        problems.add(path, line, f"the {kind} name {shown(name)} gives the same slug as {shown(seen)}",
                     f"write the {kind}'s name the same way everywhere, or tell the two apart")
