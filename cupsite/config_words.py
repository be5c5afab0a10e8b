"""Where in cupsite.toml a problem is, in a writer's words: "`colour` in class 'PRO' of
championship 'carrera-cup'" rather than the path "championships[0].classes[1].colour", and what to
write to start a table that is missing."""

from __future__ import annotations

import re

from .config_schema import CAR_CLASS, CHAMPIONSHIP, NESTED, Table
from .words import ordinal

DOCS = "docs/config.md"


def place(path: tuple, data: dict) -> str:
    """A table of the file, by its path of keys and indexes ("championships", 0, "classes", 1),
    named as its writer knows it; `data` (the file as read) gives the championships' and classes'
    own names."""
    if not path:
        return "cupsite.toml"
    if path == ("site",):
        return "[site]"
    if len(path) == 1:
        return header(path)
    if path[0] != "championships" or not isinstance(path[1], int):
        return f"[{'.'.join(str(part) for part in path)}]"
    championship = _item(data.get("championships"), path[1])
    named = _named("championship", championship, ("slug", "name"), path[1])
    rest = path[2:]
    if not rest:
        return named
    if rest[0] == "classes" and len(rest) > 1 and isinstance(rest[1], int):
        return f"{_named('class', _item(championship.get('classes'), rest[1]), ('code',), rest[1])} of {named}"
    if rest == ("points",):
        return f"[championships.points] of {named}"
    return f"the {rest[0]} of {named}"


def subject(path: tuple, data: dict) -> str:
    """A key, or a whole table, as the subject of a sentence: "`title` in [site]", "[site]"."""
    if len(path) == 1:
        return header(path)
    if isinstance(path[-1], str):
        return f"`{path[-1]}` in {place(path[:-1], data)}"
    return place(path, data)


def header(path: tuple) -> str:
    """How TOML opens the table at the end of `path`: "[site]", "[[championships]]"."""
    names = tuple(part for part in path if isinstance(part, str))
    table = NESTED.get(names)
    return table.header if table is not None else f"[{'.'.join(names)}]"


def anchor(table: Table) -> str:
    """The table's section of docs/config.md, as GitHub names its heading."""
    return f"{DOCS}#{re.sub(r'[^a-z0-9 _-]', '', table.header.lower())}"


def how_to_start(table: Table) -> str:
    """'add a [[championships]] table with name and classes, each class a [[championships.classes]]
    table with code and colour (see docs/config.md#championships)': from the schema."""
    text = f"add a {table.header} table with {_and(_required(table))}"
    if table is CHAMPIONSHIP:
        text += f", each class a {CAR_CLASS.header} table with {_and(_required(CAR_CLASS))}"
    return f"{text} (see {anchor(table)})"


def _required(table: Table) -> list[str]:
    return [option.key for option in table.options if option.required]


def _and(words: list[str]) -> str:
    return f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else "".join(words)


def _item(items, index: int) -> dict:
    return items[index] if isinstance(items, list) and index < len(items) and isinstance(items[index], dict) else {}


def _named(noun: str, table: dict, keys: tuple[str, ...], index: int) -> str:
    """"championship 'carrera-cup'" by its own words, else "the 2nd championship"."""
    name = next((table[key] for key in keys if isinstance(table.get(key), str) and table[key].strip()), None)
    if name is not None:
        return f"{noun} {name!r}"
    return f"the {ordinal(index + 1)} {noun}"
