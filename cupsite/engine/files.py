"""Each content file read once a build. A step's key is made from a file's bytes in the main
process and the step runs in a worker: the workers are forked after the keys are made, so they
find the bytes already in memory instead of reading every file a second time. Reading once also
keeps the key and the work to the same bytes when a file is saved during the build.

A process that builds again and again (`cupsite serve`) keeps the bytes between builds too, with
each file's inode, size and times: a later build reads only the files whose stat changed (or that
changed just before they were read), as the watchers of editors and preview servers do. When the
process watches the files itself and says which changed, the others are not even looked at, unless
a change it names is not a file kept (a new file, or a path spelled another way)."""

from __future__ import annotations

import os
import time

from .cache import BuildCache

# A file's times move in steps of the kernel's clock tick, so two saves of the same size within
# one tick look alike. As git does with its index, a file changed shortly before it was read is
# not trusted to be unchanged: it is read again.
_RACY_NS = 2_000_000_000


class FileReader:
    """The files one build reads, by path (a str hashes faster than a Path)."""

    def __init__(self, cache: BuildCache | None) -> None:
        self._read: dict[str, bytes | OSError] = {}
        self._kept = cache.kept_files if cache is not None else None
        self._changes = cache.watched_changes if cache is not None else None
        # the kept files a watcher did not see change are as they were
        self._trusted = (self._changes is not None and self._kept is not None
                         and all(path in self._kept for path in self._changes))

    def read(self, path: str) -> bytes | OSError:
        """The file's bytes, or the OSError that reading it raised."""
        found = self._read.get(path)
        if found is None:
            found = self._read[path] = self._read_file(path)
        return found

    def forget_unread(self) -> None:
        """Drop the kept files this build did not read: they are gone from the site."""
        if self._kept is not None:
            for path in self._kept.keys() - self._read.keys():
                del self._kept[path]

    def _read_file(self, path: str) -> bytes | OSError:
        kept = self._kept
        try:
            if kept is None:
                return _read_all(path)
            known = kept.get(path)
            if known is not None and self._trusted and path not in self._changes:
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
