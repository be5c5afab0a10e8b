"""The folders of content/, listed through `listed`, which leaves out (and reports) the names
that are not UTF-8 and the links that lead out of the site's folder (`inside_site`). Files are
read through the steps (cupsite/steps.py), each once a build."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..yamlio import shown

if TYPE_CHECKING:
    from ..errors import Problems


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
