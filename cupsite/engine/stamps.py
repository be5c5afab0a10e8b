"""Whether a build can be skipped. A stamp records what the last build read (cupsite's version,
the configuration, the publishing options, and each content, template and static file's path,
size, modification time, inode and change time) and the output it wrote. When both still match
and no story held back for its date has come due, the output is already what a build would write.

The modification time alone is not enough: `cp -p`, `rsync -t`, some editors and a checkout of an
older file set it back, so a same-size edit would look unchanged. The change time (ctime) is set
by the system to the moment of any write or change of metadata, `utime` included, and no call
sets it back; a file replaced by renaming a new one over it (as editors and git do) also gets
another inode. Both come from the same stat call, so the check costs nothing more."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from ..config import SiteConfig
from ..errors import ContentError
from ..publishing import Publishing
from . import cachedata
from .cache import code_version
from .fingerprints import digest
from .output import COPIED_FOLDERS

FILE = "stamp.msgpack"
OLD_FILES = ("stamp.pickle",)  # written by older cupsites; never read


class Stamp(NamedTuple):
    inputs: bytes
    output: bytes
    next_due: datetime | None
    pages: int
    files: int
    warnings: tuple[ContentError, ...]
    moment: datetime  # the build's "now": a build told an earlier one may publish fewer stories
    # the installed readers the build looked up (their origins): read again, the site is built
    # again, since a reader that changed may read the same files otherwise
    readers: tuple[str, ...] = ()


def input_stamp(config: SiteConfig, publishing: Publishing) -> bytes:
    parts: list[bytes | str] = [code_version(), config.path.read_bytes(), repr((publishing.drafts, publishing.future))]
    for folder in (config.content_dir, config.templates_dir, config.static_dir):
        parts += sorted(_listing(folder, with_identity=True)) or ["(none)"]
    return digest(*parts)


def output_stamp(output: Path, written: dict | None = None) -> bytes:
    """A digest of every file in `output` with its size and time. A build passes the manifest of
    the pages it wrote (path -> (size, time, digest)), and only the folders of copied files
    (static files, the search index) are listed: the same digest as a listing of everything."""
    if written is None:
        return digest(*sorted(_listing(output)))
    rows = [_row(path, size, time) for path, (size, time, _) in written.items()]
    for folder in COPIED_FOLDERS:
        rows += _listing(output / folder, f"{folder}/")
    return digest(*sorted(rows))


def _row(path: str, size: int, time: int) -> str:
    return f"{path} {size} {time}"


def _listing(folder: Path, prefix: str = "", with_identity: bool = False) -> list[str]:
    """Every file below `folder` as `path size time`, paths relative to `folder` after `prefix`;
    `with_identity` adds each file's inode and change time (see above). The output's listing has
    neither: unchanged pages are hard links shared with the spare output, and linking changes a
    file's change time, so the written manifest records size and modification time only."""
    rows: list[str] = []
    _list_into(rows, os.fspath(folder), prefix, with_identity)
    return rows


def _list_into(rows: list[str], directory: str, inside: str, with_identity: bool) -> None:
    """_listing of one folder, whose paths start with `inside`. With scandir, whose entries say
    which are folders: a no-change build lists the whole output, and os.walk's per-path calls
    took half of its time. Links to folders are not followed, as os.walk does not; a folder that
    cannot be read is left out, as os.walk leaves it."""
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink():
                _list_into(rows, entry.path, f"{inside}{entry.name}/", with_identity)
            continue
        try:
            info = entry.stat()
        except FileNotFoundError:  # a link to nothing: the load reports it
            info = entry.stat(follow_symlinks=False)
        row = _row(inside + entry.name, info.st_size, info.st_mtime_ns)
        rows.append(f"{row} {info.st_ino} {info.st_ctime_ns}" if with_identity else row)


def current(folder: Path, inputs: bytes, publishing: Publishing, output: Path,
            readers_now: Callable[[], tuple[str, ...]] = tuple) -> Stamp | None:
    """The last build's stamp when the inputs (`input_stamp`) are those it read and the output is
    still what it wrote, else None. `readers_now` gives the origins of the installed readers as
    they are now; it is asked only when the last build used some."""
    stamp = _stamp(cachedata.read_file(folder / FILE))
    if stamp is None or stamp.inputs != inputs:
        return None
    if stamp.readers and stamp.readers != readers_now():
        return None
    now = publishing.moment()
    if (stamp.next_due is not None and now >= stamp.next_due) or now < stamp.moment:
        return None
    if not output.is_dir() or stamp.output != output_stamp(output):
        return None
    return stamp


def save(folder: Path, stamp: Stamp) -> None:
    for old in OLD_FILES:
        (folder / old).unlink(missing_ok=True)
    cachedata.write_file(folder / FILE, tuple(getattr(stamp, name) for name in _FIELDS))


_FIELDS = Stamp._fields


def _stamp(stored) -> Stamp | None:
    """The stamp a decoded file holds, if it is of the shape `save` writes."""
    if type(stored) is not tuple or len(stored) != len(_FIELDS):
        return None
    stamp = Stamp(*stored)
    if (type(stamp.inputs) is bytes and type(stamp.output) is bytes and type(stamp.pages) is int
            and type(stamp.files) is int and _aware(stamp.moment)
            and (stamp.next_due is None or _aware(stamp.next_due))
            and type(stamp.warnings) is tuple and all(type(w) is ContentError for w in stamp.warnings)
            and type(stamp.readers) is tuple and all(type(r) is str for r in stamp.readers)):
        return stamp
    return None


def _aware(moment) -> bool:
    """A datetime that can be compared with the build's "now", which has a time zone."""
    return type(moment) is datetime and moment.utcoffset() is not None
