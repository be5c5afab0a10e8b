"""The write stage: build the site in a fresh sibling folder, then swap it into place,
so an error or an interrupt never leaves a half-written site behind."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import xxhash

from ..config import SiteConfig
from ..errors import ContentError, ContentErrors
from ..site_files import STATIC_FOLDER, static_files
from . import cachedata
from .output_folder import (
    BUILT,
    OWNER_FILE,
    PREVIEW,
    check_output_dir,
    discard,
    folder_owner,
    owner_file,
    remove_leftovers,
    set_aside,
    swap,
)

if TYPE_CHECKING:
    import subprocess

# the output's folders of copied files, beside the pages (the site's and theme's static files, and
# Pagefind's index), which the write's manifest of pages does not list
SEARCH_INDEX_FOLDER = "pagefind"
COPIED_FOLDERS = (STATIC_FOLDER, SEARCH_INDEX_FOLDER)


def write_site(files: dict[str, bytes], output: Path, config: SiteConfig, cache_dir: Path | None = None,
               purpose: str = BUILT) -> int:
    """Write every file, copy the static files, swap the result into `output`; return the file count."""
    staging = Staging(output, config, cache_dir, purpose)
    with staging.abandoned_on_failure():
        return staging.publish(files)


class Staging:
    """The folder the next output is built in, swapped into place by `publish` only when complete.

    With `cache_dir`, the output that is replaced is kept as a spare beside it, and the next build
    is written into that spare: only the files that differ from it are written and only those it
    should not have are deleted, instead of writing thousands of files and deleting thousands.
    A page unchanged since the last build is taken from the current output rather than rendered
    again (`held_entry`), so the build cache keeps a digest of each page, not its bytes. It is
    taken as a hard link where the file system allows, a copy where not: a link costs no inode
    and no bytes. So a file of the spare may be the very file the live output shows, and nothing
    is ever written into a file that exists: it is replaced by a new one.

    `write` is called in the render workers, so pages are written on every core."""

    def __init__(self, output: Path, config: SiteConfig, cache_dir: Path | None = None, purpose: str = BUILT):
        self.output = check_output_dir(output, config, purpose)
        self.config = config
        self.purpose = purpose
        self.published = False  # whether the new site has taken the old one's place
        self.unsaved: OSError | None = None  # why the manifests could not be kept, if they could not
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._spare = self.output.parent / f".{self.output.name}.spare"
        self._manifests = _Manifests(cache_dir) if cache_dir is not None else None
        remove_leftovers(self.output)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.new-{os.getpid()}-", dir=self.output.parent))
        # The spare is a site this cupsite retired; a folder of that name it did not write is left alone
        spare_is_ours = self._spare.is_dir() and not self._spare.is_symlink() and folder_owner(self._spare) == purpose
        known = self._manifests.spare if self._manifests is not None and spare_is_ours else None
        if known is not None:
            os.rmdir(self.folder)
            os.rename(self._spare, self.folder)  # from here on a failure deletes it: it is no longer a known state
        elif spare_is_ours:
            discard(set_aside(self._spare))
        self._reused = known is not None
        self._known: dict = known or {}  # what the folder holds: path -> (size, time, digest)
        self._previous: dict = (self._manifests.current or {}) if self._manifests is not None else {}
        self.manifest: dict = {}  # what it holds of the new site

    @contextmanager
    def abandoned_on_failure(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def held_entry(self, relative: str, fingerprint: bytes) -> tuple[int, int, bytes] | None:
        """The manifest entry of the file with this digest at `relative` if the folder now holds
        it: it had it already, or the current output has it (by its manifest, checked against size
        and time) and it was copied from there. Safe in a worker process, like `write`."""
        target = self.folder / relative
        if self._holds_already(relative, fingerprint, target):
            return self._known[relative]
        previous = self._previous.get(relative)
        source = self.output / relative
        if previous is None or previous[2] != fingerprint or _stat_of(source) != previous[:2]:
            return None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, target)
        except OSError:  # e.g. removed meanwhile: the page is rendered instead
            return None
        return (*_stat_of(target), fingerprint)

    def write(self, relative: str, data: bytes) -> tuple[int, int, bytes]:
        """Write one file unless the folder holds these bytes already; return its manifest entry.
        Safe in a worker process: it changes nothing but the file."""
        target = self.folder / relative
        fingerprint = xxhash.xxh3_128_digest(data)
        if self._holds_already(relative, fingerprint, target):
            return self._known[relative]
        if self._reused:
            target.unlink(missing_ok=True)  # it may be linked to the live output's file
        return (*_write_new(target, data), fingerprint)

    def _holds_already(self, relative: str, fingerprint: bytes, target: Path) -> bool:
        expected = self._known.get(relative)
        return expected is not None and expected[2] == fingerprint and _stat_of(target) == expected[:2]

    def record(self, relative: str, entry: tuple[int, int, bytes]) -> None:
        self.manifest[relative] = entry

    def publish(self, files: dict[str, bytes]) -> int:
        """Write `files`, copy the static files, build the search index and swap the folder into
        place; return the number of files the site has."""
        files = {**files, OWNER_FILE: owner_file(self.purpose)}
        for relative, data in sorted(files.items()):
            self.record(relative, self.write(relative, data))
        staging = self.folder
        count = len(self.manifest)
        static = _not_made(static_files(self.config), files)
        count += _copy_static(static, staging / STATIC_FOLDER)
        if self._reused:
            # Exactly the new site's files: whatever else the spare holds goes, whether its manifest
            # knew of it or not (a file put there by hand, by another tool, by an older cupsite).
            shutil.rmtree(staging / SEARCH_INDEX_FOLDER, ignore_errors=True)
            _remove_strays(staging, self.manifest.keys() | {f"{STATIC_FOLDER}/{name}" for name in static})
        if self.config.search:
            count += index_for_search(staging)
        replaced = swap(staging, self.output, self._spare if self._manifests is not None else None)
        self.published = True
        if self._manifests is not None:
            try:
                self._manifests.save(current=dict(sorted(self.manifest.items())),
                                     spare=self._manifests.current if replaced else None)
            except OSError as error:  # the site is published; the next build only has less to go on
                self.unsaved = error
        return count


class _Manifests:
    """What the output folder and its spare hold, file by file: (size, modification time, digest)."""

    FILE = "outputs.msgpack"
    OLD_FILE = "outputs.pickle"  # written by older cupsites; never read

    def __init__(self, cache_dir: Path):
        self._path = cache_dir / self.FILE
        stored = cachedata.read_file(self._path)
        if type(stored) is tuple and len(stored) == 2 and all(_is_manifest(m) or m is None for m in stored):
            self.current, self.spare = stored
        else:  # missing, unreadable or of another shape: nothing is known
            self.current, self.spare = None, None

    def save(self, current: dict, spare: dict | None) -> None:
        self._path.with_name(self.OLD_FILE).unlink(missing_ok=True)
        cachedata.write_file(self._path, (current, spare))


def _is_manifest(manifest) -> bool:
    """Whether a decoded manifest is {path: (size, time, digest)} with each path inside the folder:
    the files a spare holds and the new site does not are deleted by their manifest paths, so a
    forged "../" must never be taken for one."""
    return type(manifest) is dict and all(
        type(path) is str and _is_inside(path) and type(entry) is tuple and len(entry) == 3
        and type(entry[0]) is int and type(entry[1]) is int and type(entry[2]) is bytes
        for path, entry in manifest.items())


def _is_inside(relative: str) -> bool:
    return "\0" not in relative and all(part not in ("", ".", "..") for part in relative.split("/"))


def _write_new(target: Path, data: bytes) -> tuple[int, int]:
    """Write the file, making its folders if need be; return its (size, time) as written. With
    os calls rather than pathlib's, and the stat taken from the open file: this runs for every
    page, thousands of times a build."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        left = memoryview(data)
        while left:  # a write may take only part of the bytes
            left = left[os.write(descriptor, left):]
        info = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return info.st_size, info.st_mtime_ns


def _stat_of(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _remove_strays(folder: Path, wanted) -> None:
    """Delete every file, link and folder below `folder` that is not wanted (paths relative to
    `folder`, with /), and the folders left empty."""
    _prune(os.fspath(folder), "", wanted)


def _prune(directory: str, prefix: str, wanted) -> bool:
    """_remove_strays for one folder, whose paths start with `prefix`: whether anything is left in
    it. One pass of scandir, whose entries already say what each is: walking the output and asking
    the system of each path again took a tenth of an edit's rebuild."""
    kept = False
    with os.scandir(directory) as listing:
        entries = list(listing)
    for entry in entries:
        path = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):  # a link to a folder is a link: removed, never followed
            if _prune(entry.path, path + "/", wanted):
                kept = True
            else:
                os.rmdir(entry.path)
        elif path in wanted:
            kept = True
        else:
            os.unlink(entry.path)
    return kept


def update_site(files: dict[str, bytes], output: Path, config: SiteConfig, previous: dict[str, bytes],
                complete: bool = True, purpose: str = PREVIEW) -> list[str]:
    """The preview's write: bring `output` up to date in place, writing only the files whose bytes
    differ from the previous build's and removing those it no longer has. Each file is replaced
    whole, so the server never sends half of one. Returns the paths written. With `complete`
    false, `files` is only part of the site (the pages open in a browser): nothing is removed."""
    output = check_output_dir(output, config, purpose)
    folder = str(output)
    written = [path for path, data in sorted(files.items())
               if previous.get(path) != data or not os.path.isfile(os.path.join(folder, path))]
    for path in written:
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(files[path])
        os.replace(partial, target)
    for path in sorted(previous.keys() - files.keys()) if complete else ():
        (output / path).unlink(missing_ok=True)
    made = files.keys() | (previous.keys() if not complete else set())  # a partial write leaves the others
    static = _sync_static(_not_made(static_files(config), made), output / STATIC_FOLDER, made)
    return written + static


def _not_made(static: dict[str, Path], files) -> dict[str, Path]:
    """The static files the build does not make itself: a photo's address serves the copy the
    build made without its metadata, never the file as delivered."""
    return {name: path for name, path in static.items() if f"{STATIC_FOLDER}/{name}" not in files}


def _sync_static(static: dict[str, Path], target: Path, made=frozenset()) -> list[str]:
    """Copy the static files that are new or changed and remove those that are gone. A copy keeps
    its source's time, so size and time tell a change without reading every photo again."""
    wanted = {Path(name): path for name, path in static.items()}
    copied = []
    for relative, path in sorted(wanted.items()):
        destination = target / relative
        if destination.is_file() and _same_stat(path, destination):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied.append((Path(STATIC_FOLDER) / relative).as_posix())
    if target.is_dir():
        for stale in sorted(p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted
                            and (Path(STATIC_FOLDER) / p.relative_to(target)).as_posix() not in made):
            stale.unlink()
    return copied


def _same_stat(one: Path, other: Path) -> bool:
    first, second = one.stat(), other.stat()
    return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)


def index_for_search(site: Path, started: Callable[[subprocess.Popen], None] | None = None) -> int:
    """Build the static search index with Pagefind (its binary comes with the `pagefind[bin]`
    package); the search page loads it from pagefind/. Returns the number of files it wrote.
    `started` is given the Pagefind process, for a caller that may have to stop it."""
    import subprocess  # here: a site without search, or a build with nothing to do, never needs it

    try:
        with subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
            if started is not None:
                started(process)
            try:
                stdout, stderr = process.communicate(timeout=600)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ContentErrors([ContentError("search index", None, f"Pagefind could not run: {error}",
                                          "reinstall cupsite: pip install cupsite")]) from None
    if process.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()[-1:] or ["no output"]
        raise ContentErrors([ContentError("search index", None, f"Pagefind failed: {detail[0]}",
                                          "reinstall cupsite: pip install cupsite")])
    return sum(1 for p in (site / SEARCH_INDEX_FOLDER).rglob("*") if p.is_file())


def _copy_static(static: dict[str, Path], target: Path) -> int:
    for name, path in static.items():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)  # never written into: see Staging
        shutil.copyfile(path, destination)
    return len(static)


def _link_or_copy(source: Path, target: Path) -> None:
    """Make `target` the file `source` is (a hard link), or a copy of it where links are not to be
    had (another file system, one without links)."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


