"""Each content file read once a build. The load stage keys its cache by a file's bytes in the
main process and parses the file in a worker; the workers are forked after the keys are made, so
they find the bytes already in memory instead of reading every file a second time. Reading once
also keeps the key and the parse to the same bytes when a file is saved during the build."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_read: dict[Path, bytes | OSError] | None = None


@contextmanager
def reading_once() -> Iterator[None]:
    """Keep what is read until the block ends (the load stage), so each file is read once."""
    global _read
    outer, _read = _read, {} if _read is None else _read
    try:
        yield
    finally:
        _read = outer


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or the OSError that reading it raised."""
    found = _read.get(path) if _read is not None else None
    if found is None:
        try:
            found = path.read_bytes()
        except OSError as error:
            found = error
        if _read is not None:
            _read[path] = found
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
