"""Digests of plain data for one build, with the model objects among it digested once: a Merkle
tree over the plan, so a page's key costs little more than its own values."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import pickle
import types
import typing

from xxhash import xxh3_128_digest as _xxh3_128


def digest(*parts: bytes | str) -> bytes:
    """The digest of the parts, each after its length: joined and hashed in one call, which costs
    less than a call per part (the digest is the same: xxh3 of the whole sequence)."""
    chunks = []
    for part in parts:
        # a file name that is not UTF-8 holds lone surrogates: digested as its bytes (the load reports it)
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        chunks.append(len(data).to_bytes(8, "little"))
        chunks.append(data)
    return _xxh3_128(b"".join(chunks))


class Fingerprints:
    """Digests of plain data for one build. Model objects (frozen dataclasses) are digested once
    and referred to by digest afterwards; they must not change while the build runs."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[object, bytes | tuple]] = {}  # id -> (the object, kept alive; its digest or place)
        self._places: dict[int, tuple[tuple, bytes]] = {}  # id of a place -> (the place, its digest)

    def __len__(self) -> int:
        return len(self._known)

    def name_by_key(self, namespace: str, key: bytes, result) -> None:
        """Let the model object a memoized step returned (its result, or the first item of a result
        tuple, as Problems.remembered_each gives them) be digested by the step's key: the key is a
        digest of everything the step read, so equal keys mean equal objects, and a story's 20 KB
        need not be pickled and hashed again."""
        if type(result) is tuple and result:
            result = result[0]
            if type(result) is tuple and result:  # a value of remembered_each that is a tuple itself
                result = result[0]
        if _is_model(result) and id(result) not in self._known:
            self._name_within(result, digest(namespace, key))

    def _name_within(self, value, name: bytes) -> None:
        """Name `value` and every model object inside it by its place in it: in two results under
        the same key, the objects at the same place are equal. (Places are field names, positions
        in tuples and lists, and plain dictionary keys; what sits under any other key, or in a
        set, whose order is not part of its value, is left to be digested whole.)

        A place is kept as (name of the parent, step) and made a digest only when a page key asks
        for it: most inner objects (a story's source, a row of a table) never are."""
        pending = [(value, name)]
        while pending:
            item, item_name = pending.pop()
            kind = type(item)
            if kind is tuple or kind is list:
                pending += [(part, (item_name, number)) for number, part in enumerate(item)
                            if type(part) in _CONTAINERS or _is_model(part)]
            elif kind is dict:
                pending += [(part, (item_name, repr(key))) for key, part in item.items()
                            if _plain_key(key) and (type(part) in _CONTAINERS or _is_model(part))]
            elif id(item) not in self._known and _is_model(item):
                self._known[id(item)] = (item, item_name)
                for field_name in _fields_that_may_hold_models(kind):
                    part = getattr(item, field_name)
                    if type(part) in _CONTAINERS or _is_model(part):
                        pending.append((part, (item_name, field_name)))

    def of(self, value) -> bytes:
        return self._of_object(value) if _is_model(value) else self._pickled(value)

    def of_parts(self, parts: tuple, *before: bytes) -> bytes | None:
        """A digest of `before` and a tuple of text, numbers and model objects (a file's path and
        bytes, a story and its season: what most steps are given), made from the parts themselves,
        without pickling the tuple; None for a tuple with any other part (`of` digests it)."""
        kinds, digested = [], [*before, _PARTS]
        for part in parts:
            kind = type(part)
            if kind is str or kind is bytes:
                kinds.append("s" if kind is str else "b")
                digested.append(part)
            elif kind is int:
                kinds.append("i")
                digested.append(str(part))
            elif _is_model(part):
                kinds.append("m")
                digested.append(self._of_object(part))
            else:
                return None
        digested.append("".join(kinds))
        return digest(*digested)

    def _pickled(self, value) -> bytes:
        buffer = io.BytesIO()
        _DigestingPickler(buffer, self, value).dump(value)
        return digest(buffer.getvalue())

    def _of_object(self, value) -> bytes:
        known = self._known.get(id(value))
        if known is None:
            known = self._known[id(value)] = (value, self._pickled(value))
        elif type(known[1]) is tuple:
            known = self._known[id(value)] = (value, self._place_digest(known[1]))
        return known[1]

    def _place_digest(self, place: tuple) -> bytes:
        """The digest of a place, (parent, step), where the parent is a digest or a place itself
        and a step is a field name, a dictionary key's repr or a position. Places share their
        parents (the rows of one table), so each place is digested once."""
        unnamed = []
        while type(place) is tuple:
            known = self._places.get(id(place))
            if known is not None:
                place = known[1]
                break
            unnamed.append(place)
            place = place[0]
        name = place
        for step in reversed(unnamed):
            name = digest(name, str(step[1]))
            self._places[id(step)] = (step, name)  # the place is kept, so its id stays its own
        return name


_PARTS = b"\0parts"  # keeps the digests of `of_parts` apart from those of pickled values


class _Digested(bytes):
    """A model object as it stands in a pickle that is only hashed: its digest, under a type of
    its own (so it can never read like a plain bytes value)."""


_MODEL_TYPES: dict[type, bool] = {}


class _DigestingPickler(pickle.Pickler):
    def __init__(self, file, fingerprints: Fingerprints, top) -> None:
        super().__init__(file, protocol=5)
        self._fingerprints = fingerprints
        self._top = top

    def reducer_override(self, obj):
        if obj is not self._top and _is_model(obj):
            return _Digested, (self._fingerprints._of_object(obj),)
        return NotImplemented


_CONTAINERS = (tuple, list, dict)


_PLAIN_TYPES = (str, int, float, bool, bytes, type(None), datetime.date, datetime.datetime)


@functools.cache
def _fields_that_may_hold_models(kind: type) -> tuple[str, ...]:
    """The fields whose declared type leaves room for a model object: a `tuple[str, ...]` has
    none to name, a bare `tuple` may."""
    try:
        hints = typing.get_type_hints(kind)
    except Exception:  # noqa: BLE001 - an annotation that cannot be resolved: look in every field
        hints = {}
    return tuple(field.name for field in dataclasses.fields(kind)
                 if field.name not in hints or not _plain_type(hints[field.name]))


def _plain_type(hint) -> bool:
    if hint in _PLAIN_TYPES or hint is Ellipsis:  # the ... of tuple[str, ...]
        return True
    arguments = typing.get_args(hint)
    return (typing.get_origin(hint) in (tuple, list, dict, set, frozenset, typing.Union, types.UnionType)
            and bool(arguments) and all(_plain_type(argument) for argument in arguments))


def _plain_key(key) -> bool:
    return type(key) in (str, int) or (type(key) is tuple and all(type(part) in (str, int) for part in key))


def _is_model(obj) -> bool:
    kind = type(obj)
    is_model = _MODEL_TYPES.get(kind)
    if is_model is None:
        is_model = _MODEL_TYPES[kind] = dataclasses.is_dataclass(kind) and not isinstance(obj, type)
    return is_model
