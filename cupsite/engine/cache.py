"""The build cache: the results of pure, costly steps (parsing YAML, Markdown to HTML, rendering
a page), looked up by a digest of everything the step reads. A hit is therefore exactly what a
fresh computation would give, and a cached build stays byte-identical to a clean one.

Pages are keyed by a fingerprint of their context. Contexts share large objects (a season's
results appear on dozens of pages), so each model object is digested once per build and later
pickles refer to it by that digest, a Merkle tree over the plan."""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple, TypeVar

from . import cachedata
from .fingerprints import Fingerprints, digest

CODE_DIR = Path(__file__).resolve().parent.parent  # the whole package, theme included
Item = TypeVar("Item")
Result = TypeVar("Result")


class CacheReport(NamedTuple):
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


@functools.cache
def code_version() -> bytes:
    """A digest of cupsite's own code and theme, of Python's version and of the versions of the
    libraries whose results the cache keeps, so a new version of any of them never reuses an old
    page: an upgraded sanitizer must reach every cached story."""
    files = _package_files()
    return digest(*(part for relative, path in files for part in (relative, Path(path).read_bytes())),
                  sys.version, *(f"{name} {version}" for name, version in dependency_versions()))


def _package_files() -> list[tuple[str, str]]:
    """(path within the package, full path) of each of the package's files, bytecode left out, in
    the order of their paths' parts. Walked with the bytecode folders pruned: globbing every path,
    theirs included, took 5 ms of every build, one with nothing to do too."""
    found = []
    for folder, subfolders, names in os.walk(CODE_DIR):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append((os.path.relpath(path, CODE_DIR), path))
    return sorted(found, key=lambda file: file[0].split(os.sep))


# The distributions whose behaviour shapes what the cache keeps: the output (Markdown, sanitizer,
# templates, YAML, front matter, calendars and their time zones, mentions, the name check, image
# sizes, photos and share cards), the keys (xxhash) and the cache's own format (msgpack).
OUTPUT_SHAPING = ("cmarkgfm", "nh3", "jinja2", "markupsafe", "PyYAML", "python-frontmatter", "icalendar",
                  "python-dateutil", "tzdata", "pyahocorasick", "rapidfuzz", "imagesize", "pillow", "xxhash", "msgpack")


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
