"""The entry list: content/results/<championship>/<season>/entries.yaml."""

from __future__ import annotations

from pathlib import Path

from ..config import Championship
from ..errors import Problems
from ..model import Entry, Source
from ..slugs import slugify
from ..yamlio import shown
from .documents import read_yaml_file
from .fields import Fields, report_duplicates
from .files import may_read

_NO_ENTRIES_HINT = "list the season's cars (`- {number: 1, class: ..., team: ..., driver: ...}`), or remove the file"
ENTRY_FIELDS = ("number", "class", "team", "driver", "drivers", "rookie", "guest")


def load_entries(path: Path, championship: Championship, problems: Problems, names: dict) -> list[Entry]:
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
        number = fields.integer("number", required=True, minimum=0)
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
                                 fields.boolean("guest")))
    report_duplicates(problems, path, [(e.number, e.source.line) for e in entries], "car number")
    return entries


def remember_name(names: dict, kind: str, name: str, problems: Problems, path, line) -> None:
    """One slug, one name: 'José Pérez' and 'Jose Perez' in two places would be two people or a typo."""
    key = (kind, slugify(name))
    seen = names.setdefault(key, name)
    if seen != name:
        problems.add(path, line, f"the {kind} name {shown(name)} gives the same slug as {shown(seen)}",
                     f"write the {kind}'s name the same way everywhere, or tell the two apart")
