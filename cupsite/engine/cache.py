"""The build cache: the results of pure, costly steps (parsing YAML, Markdown to HTML, rendering
a page), looked up by a digest of everything the step reads. A hit is therefore exactly what a
fresh computation would give, and a cached build stays byte-identical to a clean one.

Pages are keyed by a fingerprint of their context. Contexts share large objects (a season's
results appear on dozens of pages), so each model object is digested once per build and later
pickles refer to it by that digest, a Merkle tree over the plan."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import os
import pickle
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import xxhash

from . import cachedata

CODE_DIR = Path(__file__).resolve().parent.parent  # the whole package, theme included
Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True)
class CacheReport:
    """What one build took from the cache and what it had to compute."""

    hits: int = 0
    misses: int = 0
    rendered_paths: tuple[str, ...] = ()  # the pages rendered, not taken from the cache
    # pages the cache knew unchanged but rendered again: the previous output, where they would
    # have been taken from, was missing or no longer held them (a CI run that kept only the cache)
    rendered_again: int = 0

    @property
    def rendered(self) -> int:
        return len(self.rendered_paths)


class BuildCache:
    """Memo tables kept in memory between the builds of one process (`cupsite serve`) and, with
    `open` and `save`, on disk between runs. Entries unused by a build are dropped when it ends."""

    MEMORY_ONLY = frozenset({"environment"})  # a Jinja environment holds compiled code: never written to disk
    SHARDS = 16  # files per namespace: after an edit, only the few that changed are written again
    FOLDER = "memo"
    SUFFIX = ".msgpack"

    def __init__(self, folder: Path | None = None, resident: bool = False) -> None:
        """A `resident` cache serves a process that builds again and again (`cupsite serve`): it
        also keeps each content file's bytes with the stat they were read under (see
        load/files.py), and the digests of the objects it hands out (see finish_build)."""
        self.folder = folder  # where the cache is kept between runs, if it is
        self.resident = resident
        self.kept_files: dict[str, tuple[tuple, int, bytes]] | None = {} if resident else None  # stat, read at, bytes
        # Set before a build by a caller that watches the files (serve): the paths changed since the
        # last build. The other kept files are then taken as they were, without a stat each.
        self.watched_changes: frozenset[str] | None = None
        self._fingerprint_limit: int | None = None
        self._entries: dict[tuple[str, bytes], object] = {}
        self._changed_shards: set[tuple[str, int]] = set()
        self._used: set[tuple[str, bytes]] = set()
        self.fingerprints = Fingerprints()
        self.hits = 0
        self.misses = 0
        self._rendered: list[str] = []
        self._rendered_again = 0
        self.last_build = CacheReport()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, namespace: str, key: bytes):
        entry = self._entries.get((namespace, key))
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used.add((namespace, key))
        return entry

    def peek(self, namespace: str, key: bytes):
        """The entry, or None, without counting the lookup or keeping the entry for the next build:
        for a worker process, whose counts would be lost (the caller counts with `get`)."""
        return self._entries.get((namespace, key))

    def put(self, namespace: str, key: bytes, value) -> None:
        self._entries[(namespace, key)] = value
        self._used.add((namespace, key))
        self._changed_shards.add(_shard_of(namespace, key))

    @classmethod
    def open(cls, folder: Path) -> BuildCache:
        """The cache saved in `folder`. A shard that is missing, cannot be read, is not of the
        shape this code writes, or was written by another version of cupsite or of a library
        that shapes the output (its entries may not be what this code computes) is left out, and
        replaced when the cache is saved. Shards are read as data only (see cachedata.py)."""
        cache = cls(folder)
        shards = folder / cls.FOLDER
        for old in (folder / "cache.pickle", *shards.glob("*.pickle"), *(folder / "templates").glob("*.jinja")):
            _remove_if_possible(old)  # older cupsites' files, in formats that could run code: never read
        version = code_version()
        for path in sorted(shards.glob(f"*{cls.SUFFIX}")) if shards.is_dir() else ():
            stored = cachedata.read_file(path)
            if _is_shard(stored) and stored[0] == version:
                namespace, entries = stored[1], stored[2]
                cache._entries.update(((namespace, key), value) for key, value in entries.items())
            else:
                _remove_if_possible(path)
        return cache

    def save(self, folder: Path) -> None:
        """Write (atomically) the shards the last build changed; delete those left empty."""
        changed = {shard for shard in self._changed_shards if shard[0] not in self.MEMORY_ONLY}
        if not changed:
            return
        shards = folder / self.FOLDER
        contents: dict[tuple[str, int], dict] = {shard: {} for shard in changed}
        for (namespace, key), value in self._entries.items():
            shard = _shard_of(namespace, key)
            if shard in contents:
                contents[shard][key] = value
        version = code_version()
        for (namespace, number), entries in sorted(contents.items()):
            path = shards / f"{namespace.replace(' ', '-')}.{number:02d}{self.SUFFIX}"
            if entries:
                try:
                    cachedata.write_file(path, (version, namespace, entries))
                    continue
                except TypeError:  # a value the format does not keep (an integer past 64 bits): computed next time
                    pass
            path.unlink(missing_ok=True)
        self._changed_shards = set()

    def note_rendered(self, page_path: str, again: bool = False) -> None:
        self._rendered.append(page_path)
        self._rendered_again += again

    def finish_build(self) -> None:
        """Forget what the build just finished did not use, so the cache never outgrows the site."""
        kept = {k: v for k, v in self._entries.items() if k in self._used}
        self._changed_shards |= {_shard_of(*k) for k in self._entries.keys() - kept.keys()}
        self._entries = kept
        self.last_build = CacheReport(self.hits, self.misses, tuple(self._rendered), self._rendered_again)
        self._used = set()
        self._rendered = []
        self._rendered_again = 0
        self.hits = self.misses = 0
        # A resident cache hands the same objects to the next build, and their digests stay true
        # (model objects never change, and the fingerprints keep each one alive, so its id is not
        # reused): keeping them spares the next build naming every story again. What a build
        # digests of the objects it makes afresh piles up, so they start over once doubled.
        if self.resident and self._fingerprint_limit is None:
            self._fingerprint_limit = 2 * len(self.fingerprints)
        elif not self.resident or len(self.fingerprints) > self._fingerprint_limit:
            self.fingerprints = Fingerprints()
            self._fingerprint_limit = None


def _remove_if_possible(path: Path) -> None:
    """Delete a file the cache will not read; in a cache folder that cannot be written (read-only),
    leave it: it is never read, and the build must not fail for it."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _shard_of(namespace: str, key: bytes) -> tuple[str, int]:
    return namespace, key[0] % BuildCache.SHARDS


def _is_shard(stored) -> bool:
    """Whether a decoded file is (version, namespace, {key: entry}), as `BuildCache.save` writes."""
    return (type(stored) is tuple and len(stored) == 3 and type(stored[0]) is bytes and type(stored[1]) is str
            and type(stored[2]) is dict and all(type(key) is bytes for key in stored[2]))


_ACTIVE: ContextVar[BuildCache | None] = ContextVar("cupsite_build_cache", default=None)


@contextmanager
def using(cache: BuildCache | None) -> Iterator[None]:
    """Let the parsers deep inside the load stage consult `cache` without every loader passing it."""
    token = _ACTIVE.set(cache)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active() -> BuildCache | None:
    """The cache of the build running now, if it has one."""
    return _ACTIVE.get()


def memoized(namespace: str, key_parts: tuple[bytes | str, ...] | Callable[[], tuple],
             compute: Callable[[], object], mutable: bool = False):
    """compute(), or its result from the active cache. The key parts may be given as a function,
    so they cost nothing when no cache is active. A mutable result is kept encoded and handed out
    as a fresh copy, so a caller that changes it cannot change the cached value."""
    cache = _ACTIVE.get()
    if cache is None:
        return compute()
    key = digest(*(key_parts() if callable(key_parts) else key_parts))
    stored = cache.get(namespace, key)
    if stored is None:
        value = compute()
        if mutable:
            try:
                stored = cachedata.encode(value)
            except TypeError:  # a value the format does not keep (an integer past 64 bits): not cached
                return value
        cache.put(namespace, key, stored if mutable else value)
    else:
        value = cachedata.decode(stored) if mutable else stored
    if not mutable:
        cache.fingerprints.name_by_key(namespace, key, value)
    return value


def memoized_each(namespace: str, items: Sequence[Item], key_parts: Callable[[Item], tuple],
                  compute: Callable[[Item], Result], per_worker: int,
                  finish: Callable[[Item, Result], Result] | None = None) -> list[Result]:
    """[compute(item) for item in items], taking what it can from the active cache and sharing
    the rest among the cores (`compute` must not raise, and its results travel between
    processes). Without an active cache, everything is computed. `finish(item, result)`, if
    given, runs in this process on what was computed, before it is cached: what is costly is
    computed by the workers, and only the little that differs travels back."""
    from .parallel import map_in_parallel  # not at the top: a build with nothing to do never needs it

    cache = _ACTIVE.get()
    results: list = [None] * len(items)
    keys: list = [None] * len(items)
    missing = []
    for number, item in enumerate(items):
        if cache is not None:
            keys[number] = digest(*key_parts(item))
            results[number] = cache.get(namespace, keys[number])
        if results[number] is None:
            missing.append(number)
    computed = map_in_parallel(compute, [items[n] for n in missing], per_worker=per_worker)
    for number, result in zip(missing, computed, strict=True):
        results[number] = result = finish(items[number], result) if finish is not None else result
        if cache is not None:
            cache.put(namespace, keys[number], result)
    if cache is not None:
        for key, result in zip(keys, results, strict=True):
            cache.fingerprints.name_by_key(namespace, key, result)
    return results


def fingerprint(value) -> bytes:
    """A digest of plain data, sharing the digests of model objects within the active build."""
    cache = _ACTIVE.get()
    return (cache.fingerprints if cache is not None else Fingerprints()).of(value)


def digest(*parts: bytes | str) -> bytes:
    hasher = xxhash.xxh3_128()
    for part in parts:
        # a file name that is not UTF-8 holds lone surrogates: digested as its bytes (the load reports it)
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


@functools.cache
def code_version() -> bytes:
    """A digest of cupsite's own code and theme, of Python's version and of the versions of the
    libraries whose results the cache keeps, so a new version of any of them never reuses an old
    page: an upgraded sanitizer must reach every cached story."""
    files = sorted(p for p in CODE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest(*(part for path in files for part in (str(path.relative_to(CODE_DIR)), path.read_bytes())),
                  sys.version, *(f"{name} {version}" for name, version in dependency_versions()))


# The distributions whose behaviour shapes what the cache keeps: the output (Markdown, sanitizer,
# templates, YAML, front matter, calendars and their time zones, mentions, the name check, image
# sizes), the keys (xxhash) and the cache's own format (msgpack).
OUTPUT_SHAPING = ("cmarkgfm", "nh3", "jinja2", "markupsafe", "PyYAML", "python-frontmatter", "icalendar",
                  "python-dateutil", "tzdata", "pyahocorasick", "rapidfuzz", "imagesize", "xxhash", "msgpack")


def dependency_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of each of OUTPUT_SHAPING as installed, "absent" for one that is not
    (tzdata, where the system's time zone database serves)."""
    installed = _installed_versions()
    return tuple((name, installed.get(_normalized(name), "absent")) for name in OUTPUT_SHAPING)


def _installed_versions() -> dict[str, str]:
    """The version of each distribution installed on sys.path, the first found for a name, as
    importlib.metadata finds them: read from the names of their `name-version.dist-info` (or
    `.egg-info`) folders, which installers make from the version in the metadata. Importing
    importlib.metadata and asking it cost 0.025 s of every build, "nothing changed" included."""
    installed: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a folder gone
            continue
        for folder in names:
            stem, dot, suffix = folder.rpartition(".")
            if dot and suffix in ("dist-info", "egg-info"):
                name, _, rest = stem.partition("-")
                installed.setdefault(_normalized(name), rest.split("-")[0] or "unknown")
    return installed


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def folder_digest(*folders: Path) -> bytes:
    parts: list[bytes | str] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts += [str(path.relative_to(folder)), path.read_bytes()]
        parts.append("/")
    return digest(*parts)


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
