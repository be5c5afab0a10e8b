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

FILE = "stamp.pickle"


@dataclass(frozen=True)
class Stamp:
    inputs: bytes
    output: bytes
    next_due: datetime | None
    pages: int
    files: int
    warnings: tuple[ContentError, ...]


def input_stamp(config: SiteConfig, publishing: Publishing) -> bytes:
    parts: list[bytes | str] = [code_version(), config.path.read_bytes(), repr((publishing.drafts, publishing.future))]
    for folder in (config.content_dir, config.templates_dir, config.static_dir):
        parts += _listing(folder)
    return digest(*parts)


def output_stamp(output: Path) -> bytes:
    return digest(*_listing(output))


def _listing(folder: Path) -> list[str]:
    """Every file below `folder` as `path size mtime`, in a fixed order."""
    rows, start = [], len(str(folder)) + 1
    for directory, folders, files in os.walk(folder):
        folders.sort()
        inside = directory[start:]  # cheaper than os.path.relpath, which resolves both paths each time
        for name in sorted(files):
            info = os.stat(os.path.join(directory, name))
            rows.append(f"{inside}/{name} {info.st_size} {info.st_mtime_ns}")
    return rows or ["(none)"]


def current(folder: Path, config: SiteConfig, publishing: Publishing, output: Path) -> Stamp | None:
    """The last build's stamp when the output is still what a build would write, else None."""
    try:
        with open(folder / FILE, "rb") as stored:
            stamp = pickle.load(stored)  # noqa: S301 - the site's own cache folder
    except Exception:  # noqa: BLE001 - missing or unreadable: build
        return None
    if not isinstance(stamp, Stamp) or stamp.inputs != input_stamp(config, publishing):
        return None
    if stamp.next_due is not None and publishing.moment() >= stamp.next_due:
        return None
    if not output.is_dir() or stamp.output != output_stamp(output):
        return None
    return stamp


def save(folder: Path, stamp: Stamp) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{FILE}.partial"
    partial.write_bytes(pickle.dumps(stamp, protocol=5))
    os.replace(partial, folder / FILE)
