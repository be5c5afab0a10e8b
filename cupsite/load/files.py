"""Each content file read once a build. The load stage keys its cache by a file's bytes in the
main process and parses the file in a worker; the workers are forked after the keys are made, so
they find the bytes already in memory instead of reading every file a second time. Reading once
also keeps the key and the parse to the same bytes when a file is saved during the build.

A process that builds again and again (`cupsite serve`) keeps the bytes between builds too, with
each file's inode, size and times: a later build reads only the files whose stat changed (or that
changed just before they were read), as the watchers of editors and preview servers do. When the
process watches the files itself and says which changed, the others are not even looked at, unless
a change it names is not a file kept (a new file, or a path spelled another way).

The folders of content/ are listed through `listed`, which leaves out (and reports) the names
that are not UTF-8 and the links that lead out of the site's folder (`inside_site`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.cache import active
from ..yamlio import shown

if TYPE_CHECKING:
    from ..errors import Problems

_read: dict[str, bytes | OSError] | None = None  # by path: a str hashes faster than a Path
_trusted: bool = False  # the kept files a watcher did not see change are as they were


@contextmanager
def reading_once() -> Iterator[None]:
    """Keep what is read until the block ends (the load stage), so each file is read once."""
    global _read, _trusted
    outer, _read = _read, {} if _read is None else _read
    outer_trusted, _trusted = _trusted, _trusted or _watched_changes_known()
    try:
        yield
        kept = _kept()
        if kept is not None and outer is None:  # forget the files that are gone
            for path in kept.keys() - _read.keys():
                del kept[path]
    finally:
        _read, _trusted = outer, outer_trusted


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or the OSError that reading it raised."""
    name = os.fspath(path)
    found = _read.get(name) if _read is not None else None
    if found is None:
        found = _read_file(name)
        if _read is not None:
            _read[name] = found
    if isinstance(found, OSError):
        raise found
    return found


def file_bytes(path: Path) -> bytes:
    """The file's bytes for a cache key; an unreadable file gets a key that differs from any
    content, and the loader reports it."""
    try:
        return read_bytes(path)
    except OSError as error:
        return f"\0unreadable: {error}".encode()


# A file's times move in steps of the kernel's clock tick, so two saves of the same size within
# one tick look alike. As git does with its index, a file changed shortly before it was read is
# not trusted to be unchanged: it is read again.
_RACY_NS = 2_000_000_000


def _read_file(path: str) -> bytes | OSError:
    kept = _kept()
    try:
        if kept is None:
            return _read_all(path)
        known = kept.get(path)
        if known is not None and _trusted and path not in active().watched_changes:
            return known[2]
        info = os.stat(path)  # before reading: a save in between is seen by the next build
        stat = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        if known is not None and known[0] == stat and max(stat[2:]) < known[1] - _RACY_NS:
            return known[2]
        read_at = time.time_ns()
        data = _read_all(path)
        kept[path] = (stat, read_at, data)
        return data
    except OSError as error:
        return error


def _read_all(path: str) -> bytes:
    """The file's bytes, with bare os calls: the main process reads every content file before
    the work is shared out, and pathlib's buffered file objects took half that time."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _kept() -> dict | None:
    cache = active()
    return cache.kept_files if cache is not None else None


def _watched_changes_known() -> bool:
    """Whether the files can be taken as the caller's watcher says: every change it saw is to a
    file kept from the last build, so no file is new and none is named in another spelling."""
    cache = active()
    changes = cache.watched_changes if cache is not None else None
    return changes is not None and cache.kept_files is not None and all(path in cache.kept_files for path in changes)


def inside_site(path: Path | str, root: Path | str) -> bool:
    """Whether `path`, its links followed, is in the folder `root` (its own links followed too)."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def listed(folder: Path | str, problems: Problems) -> list[os.DirEntry]:
    """The entries of a folder of content/ in name order, but those that are not read, each
    reported: a name that is not UTF-8 (it could not be shown in a message, a URL or a page), and
    a link, or a folder's link, that leads out of the site's folder (a story linked to
    ~/.ssh/id_rsa would be published). Links that stay in the site are followed."""
    if not os.path.isdir(folder) or not may_read(folder, problems):
        return []
    kept = []
    for entry in os.scandir(folder):
        if not _is_utf8(entry.name):
            problems.add(folder, None, f"the file name {shown(os.fsencode(entry.name))} is not UTF-8 text",
                         "rename the file with letters, digits and hyphens")
        elif not entry.is_symlink() or may_read(entry.path, problems):
            kept.append(entry)
    kept.sort(key=lambda entry: entry.name)
    return kept


def may_read(path: Path | str, problems: Problems) -> bool:
    """Whether the file at `path` may be read: it is no link, or it leads to a file of the site;
    a link out of the site is reported."""
    if inside_site(path, problems.root):
        return True
    problems.add(path, None, f"a link out of the site is not read: {os.path.basename(path)} leads to "
                 f"{shown(os.path.realpath(path), 120)}", "copy the file into the site instead")
    return False

def _is_utf8(name: str) -> bool:
    """A name the file system gave in bytes that are not UTF-8 holds lone surrogates (PEP 383)."""
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
