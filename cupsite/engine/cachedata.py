"""The format of what the build cache keeps on disk (`.cupsite-cache/`): MessagePack, with the few
types MessagePack lacks written as extension types that only this module rebuilds.

The cache folder may come from somewhere less trusted than the site (a CI cache that a pull
request can write), so reading it must never run code, as reading a pickle can: decoding yields
plain values (text, numbers, bytes, tuples, dictionaries) and, through `_rebuilt`, the types
listed here. A model object is rebuilt by its class's name in `MODEL_MODULES`, never by an
import path taken from the file, and without calling its class: a new instance gets its declared
fields, as unpickling does. Anything else, a name not on the list, a wrong shape, a truncated
file, is `UnreadableData`, and the caller treats the file as absent.

Tuples are MessagePack's arrays (read back as tuples), since they far outnumber lists in the
cache; lists are an extension type. A value is lowered to that form in Python first, as
MessagePack's own hook could not tell a list from a tuple: reading, which every cached build does
for the whole cache, stays all in C but for the extension types."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import importlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import msgpack

# The modules whose frozen dataclasses the cache may hold, by the short name the files use.
MODEL_MODULES = {name: f"cupsite.{name}" for name in (
    "adjustments", "body_links", "charts", "drops", "embeds", "errors", "lapcharts", "laps", "link", "model", "plan",
    "records", "rules", "score", "session_scoring", "standings", "stints",
)}

_LIST, _SET, _FROZENSET, _OBJECT, _LINE_DICT, _DATETIME, _DATE, _TIME, _TIMEDELTA, _PATH, _SHARED = range(1, 12)
_SHAREABLE_TYPES = frozenset({list, set})
_NATIVE = frozenset({str, bytes, int, float, bool, type(None)})
_PATH_TYPE = type(Path())
_MICROSECOND = datetime.timedelta(microseconds=1)


class UnreadableData(ValueError):
    """Bytes that are not a value this module wrote: damaged, cut short, or made elsewhere."""


def encode(value) -> bytes:
    """The bytes of `value`; TypeError for a type the cache does not keep."""
    try:
        lowering = _Lowering()
        return lowering._packed(lowering.lowered(value))
    except (ValueError, OverflowError, RecursionError) as error:  # a number too large, a cycle
        raise TypeError(f"the build cache cannot keep this value: {error}") from None


def decode(data: bytes):
    try:
        return msgpack.unpackb(data, ext_hook=_Rebuilding().rebuilt, **_READING)
    except Exception as error:  # noqa: BLE001 - whatever the bytes make the decoder raise
        raise UnreadableData(str(error)) from None


def read_file(path: Path):
    """The value kept in `path`, or None if it is missing or unreadable."""
    try:
        return decode(path.read_bytes())
    except (OSError, UnreadableData):
        return None


def write_file(path: Path, value) -> None:
    """Replace `path` with the value's bytes at once, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(encode(value))
    os.replace(partial, path)


class _Lowering:
    """One value lowered to MessagePack's types. An object met twice (a model object, a list, a set,
    a mapping from YAML) is written the second time as a reference to the first, as pickle does:
    code tells objects apart by identity (the table after the last round *is* the final one), and
    a YAML alias is one mapping. Objects are numbered as they are finished, children first, which is
    the order in which reading finishes them."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}
        self._packed = msgpack.Packer(use_bin_type=True).pack  # one per value: a save runs beside the build

    def lowered(self, value):
        kind = type(value)
        if kind in _NATIVE:
            return value
        if kind is tuple:  # most hold only text and numbers, and are written as they are
            return value if _all_native(value) else tuple(self._each(value))
        if kind is dict:
            return value if _all_native(value) and _all_native(value.values()) else self._mapping(value)
        if kind in _SHAREABLE_TYPES or dataclasses.is_dataclass(kind) or kind is _line_dict():
            number = self._numbers.get(id(value))
            if number is not None:
                return msgpack.ExtType(_SHARED, self._packed(number))
            lowered = self._shareable(kind, value)
            self._numbers[id(value)] = len(self._numbers)  # `value` outlives the lowering: its id stays its own
            return lowered
        if kind is datetime.datetime:
            parts = [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond,
                     value.fold, _zone_lowered(value.tzinfo)]
            return msgpack.ExtType(_DATETIME, self._packed(parts))
        if kind is datetime.date:
            return msgpack.ExtType(_DATE, self._packed([value.year, value.month, value.day]))
        if kind is frozenset:
            return msgpack.ExtType(_FROZENSET, self._packed(self._each(value)))
        if kind is datetime.time:
            parts = [value.hour, value.minute, value.second, value.microsecond, value.fold, _zone_lowered(value.tzinfo)]
            return msgpack.ExtType(_TIME, self._packed(parts))
        if kind is datetime.timedelta:
            return msgpack.ExtType(_TIMEDELTA, self._packed([value.days, value.seconds, value.microseconds]))
        if kind is _PATH_TYPE:
            return msgpack.ExtType(_PATH, self._packed(str(value)))
        raise TypeError(f"the build cache does not keep a {kind.__module__}.{kind.__qualname__}")

    # Most items are text or numbers: they are passed as they are without a call each.
    def _each(self, items) -> list:
        return [item if type(item) in _NATIVE else self.lowered(item) for item in items]

    def _mapping(self, mapping) -> dict:
        native, lowered = _NATIVE, self.lowered
        return {key if type(key) in native else lowered(key): item if type(item) in native else lowered(item)
                for key, item in mapping.items()}

    def _shareable(self, kind: type, value) -> msgpack.ExtType:
        if kind is list:
            return msgpack.ExtType(_LIST, self._packed(self._each(value)))
        if kind is set:
            return msgpack.ExtType(_SET, self._packed(self._each(value)))
        if kind is _line_dict():
            key_lines = getattr(value, "key_lines", None)
            parts = [self._mapping(value), value.line, self.lowered(key_lines)]
            return msgpack.ExtType(_LINE_DICT, self._packed(parts))
        fields = [getattr(value, name) for name in _field_names(kind)]
        return msgpack.ExtType(_OBJECT, self._packed([_model_name(kind), *self._each(fields)]))


class _Rebuilding:
    """The extension types of one decoded value, with the objects met so far for references."""

    def __init__(self) -> None:
        self._finished: list = []
        self._unpacked = functools.partial(msgpack.unpackb, ext_hook=self.rebuilt, **_READING)

    def rebuilt(self, code: int, data: bytes):
        parts = self._unpacked(data)
        # The three commonest types first, in line: reading a large cache makes tens of thousands.
        if code == _OBJECT:
            value = _model_object(parts)
        elif code == _LIST and type(parts) is tuple:
            value = list(parts)
        elif code == _SET and type(parts) is tuple:
            value = set(parts)
        elif code == _SHARED:
            if type(parts) is not int or not 0 <= parts < len(self._finished):
                raise UnreadableData("a reference to no object")
            return self._finished[parts]
        else:
            value = _rebuilt(code, parts)
            if code != _LINE_DICT:
                return value
        self._finished.append(value)
        return value


def _all_native(items) -> bool:
    native = _NATIVE
    for item in items:
        if type(item) not in native:
            return False
    return True


def _zone_lowered(zone):
    """A time zone as its IANA name, or a fixed offset as [microseconds, name if not the usual one]."""
    if zone is None:
        return None
    if type(zone) is ZoneInfo and zone.key is not None:
        return zone.key
    if type(zone) is datetime.timezone:
        offset = zone.utcoffset(None)
        name = zone.tzname(None)
        return [offset // _MICROSECOND, None if name == datetime.timezone(offset).tzname(None) else name]
    raise TypeError(f"the build cache does not keep the time zone {zone!r}")


def _rebuilt(code: int, parts):
    if code == _LIST:
        return list(_tuple(parts))
    if code == _DATETIME:
        *moment, fold = _whole_numbers(parts[:8], 8)
        return datetime.datetime(*moment, tzinfo=_zone(parts[8]), fold=fold)
    if code == _DATE:
        return datetime.date(*_whole_numbers(parts, 3))
    if code == _SET:
        return set(_tuple(parts))
    if code == _FROZENSET:
        return frozenset(_tuple(parts))
    if code == _LINE_DICT:
        items, line, key_lines = _tuple(parts, 3)
        if type(items) is not dict or not (line is None or type(line) is int):
            raise UnreadableData("a mapping from YAML of the wrong shape")
        mapping = _line_dict()(items)
        mapping.line = line
        if key_lines is not None:
            if type(key_lines) is not dict:
                raise UnreadableData("a mapping's lines of the wrong shape")
            mapping.key_lines = key_lines
        return mapping
    if code == _TIME:
        *moment, fold = _whole_numbers(parts[:5], 5)
        return datetime.time(*moment, tzinfo=_zone(parts[5]), fold=fold)
    if code == _TIMEDELTA:
        return datetime.timedelta(*_whole_numbers(parts, 3))
    if code == _PATH and type(parts) is str:
        return Path(parts)
    raise UnreadableData(f"no type of the build cache is written as {code}")


def _model_object(parts):
    """A model object from [its class's name, its fields' values], made as unpickling makes one:
    a bare instance given its fields, no method of its class run."""
    if type(parts) is not tuple or not parts or type(parts[0]) is not str:
        raise UnreadableData("a model object of the wrong shape")
    kind, names = _MODELS.get(parts[0]) or _model(parts[0])
    if len(parts) != len(names) + 1:
        raise UnreadableData(f"{parts[0]} with {len(parts) - 1} fields, not {len(names)}")
    instance = object.__new__(kind)
    instance.__dict__.update(zip(names, parts[1:], strict=True))
    return instance


_MODELS: dict[str, tuple[type, tuple[str, ...]]] = {}  # name -> (class, its fields' names), as met


def _model(name: str) -> tuple[type, tuple[str, ...]]:
    """The class a file names, if it is a dataclass of one of MODEL_MODULES, with its fields."""
    module_name, _, class_name = name.partition(".")
    module = MODEL_MODULES.get(module_name)
    kind = vars(importlib.import_module(module)).get(class_name) if module is not None else None
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == module):
        raise UnreadableData(f"the build cache keeps no {name}")
    _MODELS[name] = kind, _field_names(kind)
    return _MODELS[name]


@functools.cache
def _model_name(kind: type) -> str:
    short = kind.__module__.removeprefix("cupsite.")
    if MODEL_MODULES.get(short) != kind.__module__ or vars(importlib.import_module(kind.__module__)).get(
            kind.__qualname__) is not kind:
        raise TypeError(f"the build cache does not keep a {kind.__module__}.{kind.__qualname__}")
    return f"{short}.{kind.__qualname__}"


@functools.cache
def _line_dict() -> type:
    from ..yamlio import LineDict  # not at the top: yamlio memoizes through the steps, which the engine serves

    return LineDict


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def _tuple(parts, length: int | None = None) -> tuple:
    if type(parts) is not tuple or (length is not None and len(parts) != length):
        raise UnreadableData("a value of the wrong shape")
    return parts


def _whole_numbers(parts, length: int) -> tuple:
    if type(parts) is not tuple or len(parts) != length or any(type(part) is not int for part in parts):
        raise UnreadableData("a date or time of the wrong shape")
    return parts


def _zone(lowered):
    if lowered is None:
        return None
    if type(lowered) is str:
        return ZoneInfo(lowered)  # reads the named zone from the time zone database, nothing else
    offset, name = _tuple(lowered, 2)
    if type(offset) is not int or not (name is None or type(name) is str):
        raise UnreadableData("a time zone of the wrong shape")
    offset = datetime.timedelta(microseconds=offset)
    return datetime.timezone(offset) if name is None else datetime.timezone(offset, name)


_READING = {"use_list": False, "raw": False, "strict_map_key": False, "timestamp": 3}
