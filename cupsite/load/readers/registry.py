"""Which reader reads a session's file: found by the end of the file's name and, where several
layouts share it, by the file's first bytes (docs/readers.md).

The readers are the modules of this package that define `READER`, and those that installed
packages declare in the `cupsite.readers` entry-point group. The installed ones are looked up
only for a file that no reader of this package recognises: finding entry points costs about
25 ms (importlib.metadata reads every installed package's metadata), more than reading a
small site's classifications, and a site that uses only the built-in layouts never needs them."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from ...errors import Problems
from ...model import Lap, ResultRow
from ...steps import file_bytes
from .base import CLASSIFICATION, FileToRead, Reader

ENTRY_POINT_GROUP = "cupsite.readers"
# A file `cupsite import` recognises by no reader is read as this one, which says what is wrong
# with it as an Al Kamel export (the layout nearly every file imported is meant to be)
UNRECOGNISED_IMPORT = "alkamel-classification"
_NOT_A_SESSION_FILE_HINT = ("classifications are <session>.yaml files or timing exports <session>.csv; "
                            "move other files out of content/results/")


class Claim(NamedTuple):
    """The reader of a file, and the end of the file's name it reads it by: the session is the
    rest of the name."""

    reader: Reader
    suffix: str

    def session(self, path: Path) -> str:
        return path.name[:-len(self.suffix)]


class Installed(NamedTuple):
    """The readers installed packages declare, with what was wrong with the others."""

    readers: tuple[Reader, ...]
    failures: tuple[str, ...]


@functools.cache
def built_in() -> tuple[Reader, ...]:
    """The reader of each module of this package that has one, in the modules' name order."""
    found = []
    for module in pkgutil.iter_modules(importlib.import_module(__package__).__path__):
        reader = getattr(importlib.import_module(f"{__package__}.{module.name}"), "READER", None)
        if isinstance(reader, Reader):
            found.append(reader)
    return tuple(found)


@functools.cache
def installed() -> Installed:
    """The readers of the `cupsite.readers` entry points, by entry-point name. Each is loaded once a
    process; one that cannot be loaded, or is not a `Reader`, is left out and said why."""
    from importlib.metadata import entry_points  # here: importing it is part of the cost

    readers, failures = [], []
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda point: point.name):
        try:
            reader = point.load()
        except Exception as error:  # a third party's module: whatever it raises is a problem to report
            failures.append(f"the reader {point.name!r} ({point.value}) cannot be loaded: "
                            f"{type(error).__name__}: {error}")
            continue
        if not isinstance(reader, Reader):
            failures.append(f"the reader {point.name!r} ({point.value}) is a {type(reader).__name__}, "
                            "not a cupsite.load.readers.Reader")
            continue
        readers.append(replace(reader, read=_Guarded(reader.name, reader.kind, reader.read),
                               recognises=_Careful(reader.recognises) if reader.recognises else None,
                               origin=_origin(point, reader)))
    return Installed(tuple(readers), tuple(failures))


def looked_up_origins() -> tuple[str, ...]:
    """The origins of the installed readers, if this process has looked them up (a site whose
    files the built-in readers all read never does), else ()."""
    if installed.cache_info().currsize == 0:
        return ()
    return installed_origins()


def installed_origins() -> tuple[str, ...]:
    return tuple(reader.origin for reader in installed().readers)


def reader_for(path: Path, problems: Problems) -> Claim | None:
    """The reader of a file of a round's folder. Of the readers whose suffixes end the file's
    name, those with the longest such suffix; of these, the one that recognises the file (a
    reader without `recognises` recognises every file of its suffixes), else the one that is
    the fallback for the suffix. A built-in reader that recognises the file reads it; two that
    do, or two fallbacks, are an error. None, after reporting why, when no reader reads it."""
    data = None

    def head() -> bytes:
        nonlocal data
        data = file_bytes(path) if data is None else data
        return data

    suffix, candidates = _candidates(path.name, built_in())
    chosen = [reader for reader in candidates if _recognised(reader, head)]
    if not chosen:  # a layout of no built-in reader: perhaps an installed one's
        others = installed()
        _report_failures(path, others, problems)
        suffix, candidates = _candidates(path.name, built_in() + others.readers)
        chosen = [reader for reader in candidates if _recognised(reader, head)] or \
            [reader for reader in candidates if reader.fallback]
    if not chosen:
        problems.add(path, None, "is not a classification file", _NOT_A_SESSION_FILE_HINT)
        return None
    if len(chosen) > 1:
        _report_disagreement(path, chosen, problems)
        return None
    return Claim(chosen[0], suffix)


def reader_recognising(path: Path, data: bytes, problems: Problems) -> Reader | None:
    """The reader of a file to import, whatever its name: the one reader that recognises its
    bytes, a built-in one first; the Al Kamel classification reader when none does (it then says
    what is wrong). None, after reporting it, when two readers recognise the file."""
    chosen = [reader for reader in built_in() if reader.recognises and reader.recognises(data)]
    if not chosen:
        others = installed()
        _report_failures(path, others, problems)
        chosen = [reader for reader in others.readers if reader.recognises and reader.recognises(data)]
    if len(chosen) > 1:
        _report_disagreement(path, chosen, problems)
        return None
    return chosen[0] if chosen else next(reader for reader in built_in() if reader.name == UNRECOGNISED_IMPORT)


def classification_readers() -> tuple[Reader, ...]:
    """Every reader of classifications, the installed ones too."""
    return tuple(reader for reader in built_in() + installed().readers if reader.kind == CLASSIFICATION)


def _candidates(name: str, readers: tuple[Reader, ...]) -> tuple[str, list[Reader]]:
    claimed = [(suffix, reader) for reader in readers if (suffix := reader.claims_name(name))]
    longest = max((suffix for suffix, _ in claimed), key=len, default="")
    return longest, [reader for suffix, reader in claimed if suffix == longest]


def _recognised(reader: Reader, head: Callable[[], bytes]) -> bool:
    return reader.recognises is None or reader.recognises(head())


def _report_failures(path: Path, others: Installed, problems: Problems) -> None:
    for failure in others.failures:
        problems.add(path, None, failure, "reinstall the package that provides it, or uninstall it")


def _report_disagreement(path: Path, readers: list[Reader], problems: Problems) -> None:
    names = " and ".join(f"{reader.name!r}" for reader in readers)
    problems.add(path, None, f"the readers {names} both read this file, and cupsite cannot choose",
                 "uninstall the package of one of them, or ask its authors to recognise only their own layout "
                 "(docs/readers.md)")


class _Guarded:
    """An installed reader's `read`, with what it raises or returns amiss reported as a problem of
    the file: its bugs must not stop a build with a traceback, nor reach the rest of the load. A
    value, not a closure, so that a step's key can digest it. (A plain class: a dataclass costs
    every build a little time to make, and this one only serves sites with installed readers.)"""

    __slots__ = ("name", "kind", "read")

    def __init__(self, name: str, kind: str, read: Callable) -> None:
        self.name, self.kind, self.read = name, kind, read

    def __reduce__(self):
        return _Guarded, (self.name, self.kind, self.read)

    def __call__(self, file: FileToRead, problems: Problems):
        wanted = ResultRow if self.kind == CLASSIFICATION else Lap
        try:
            rows = self.read(file, problems)
        except Exception as error:
            problems.add(file.path, None, f"the reader {self.name!r} failed on this file: "
                         f"{type(error).__name__}: {error}", "tell the authors of the reader, with the file")
            return None
        if rows is not None and not all(isinstance(row, wanted) for row in rows):
            problems.add(file.path, None, f"the reader {self.name!r} gave something other than "
                         f"{wanted.__name__}s for this file", "tell the authors of the reader, with the file")
            return None
        return rows if rows is None else list(rows) if self.kind == CLASSIFICATION else tuple(rows)


class _Careful:
    """An installed reader's `recognises`, where raising means not recognising the file."""

    __slots__ = ("recognises",)

    def __init__(self, recognises: Callable[[bytes], bool]) -> None:
        self.recognises = recognises

    def __reduce__(self):
        return _Careful, (self.recognises,)

    def __call__(self, data: bytes) -> bool:
        try:
            return bool(self.recognises(data))
        except Exception:
            return False


def _origin(point, reader: Reader) -> str:
    """Where an installed reader comes from: its distribution and version, and a digest of its
    module's source. It is part of every cache key the reader's files are read under, so a
    reader upgraded, edited or replaced reads them again."""
    import hashlib  # here: its C library takes a few milliseconds to load, and most sites never need it

    module = sys.modules.get(getattr(reader.read, "__module__", "") or "")
    source = getattr(module, "__file__", None)
    try:
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest() if source else ""
    except OSError:
        digest = ""
    dist = getattr(point, "dist", None)
    return f"{dist.name if dist else point.value} {dist.version if dist else ''} {digest}".strip()
