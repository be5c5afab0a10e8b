"""Whether a build can be skipped. A stamp records what the last build read (cupsite's version,
the configuration, the publishing options, and each content, template and static file's path,
size and modification time) and the output it wrote. When both still match and no story held
back for its date has come due, the output is already what a build would write."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .cache import code_version, digest
from .config import SiteConfig
from .errors import ContentError
from .publishing import Publishing
from .write import COPIED_FOLDERS

FILE = "stamp.pickle"


@dataclass(frozen=True)
class Stamp:
    inputs: bytes
    output: bytes
    next_due: datetime | None
    pages: int
    files: int
    warnings: tuple[ContentError, ...]
    moment: datetime  # the build's "now": a build told an earlier one may publish fewer stories


def input_stamp(config: SiteConfig, publishing: Publishing) -> bytes:
    parts: list[bytes | str] = [code_version(), config.path.read_bytes(), repr((publishing.drafts, publishing.future))]
    for folder in (config.content_dir, config.templates_dir, config.static_dir):
        parts += sorted(_listing(folder)) or ["(none)"]
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


def _listing(folder: Path, prefix: str = "") -> list[str]:
    """Every file below `folder` as `path size time`, paths relative to `folder` after `prefix`."""
    rows, start = [], len(str(folder)) + 1
    for directory, _, files in os.walk(folder):
        inside = prefix + directory[start:] + "/" if len(directory) >= start else prefix
        for name in files:
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:  # a link to nothing: the load reports it
                info = os.lstat(path)
            rows.append(_row(inside + name, info.st_size, info.st_mtime_ns))
    return rows


def current(folder: Path, inputs: bytes, publishing: Publishing, output: Path) -> Stamp | None:
    """The last build's stamp when the inputs (`input_stamp`) are those it read and the output is
    still what it wrote, else None."""
    try:
        with open(folder / FILE, "rb") as stored:
            stamp = pickle.load(stored)  # noqa: S301 - the site's own cache folder
    except Exception:  # noqa: BLE001 - missing or unreadable: build
        return None
    if not isinstance(stamp, Stamp) or stamp.inputs != inputs:
        return None
    now = publishing.moment()
    if (stamp.next_due is not None and now >= stamp.next_due) or now < stamp.moment:
        return None
    if not output.is_dir() or stamp.output != output_stamp(output):
        return None
    return stamp


def save(folder: Path, stamp: Stamp) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{FILE}.partial"
    partial.write_bytes(pickle.dumps(stamp, protocol=5))
    os.replace(partial, folder / FILE)
