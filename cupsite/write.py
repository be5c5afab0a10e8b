"""The write stage: build the site in a fresh sibling folder, then swap it into place,
so an error or an interrupt never leaves a half-written site behind."""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import xxhash

from . import cachedata
from .config import THEME_DIR, SiteConfig
from .errors import ContentError, ContentErrors

# the output's folders of copied files, beside the pages (the site's and theme's static files, and
# Pagefind's index), which the write's manifest of pages does not list
STATIC_FOLDER, SEARCH_INDEX_FOLDER = "static", "pagefind"
COPIED_FOLDERS = (STATIC_FOLDER, SEARCH_INDEX_FOLDER)


def check_output_dir(output: Path, config: SiteConfig) -> Path:
    output = output.resolve()
    root = config.root.resolve()
    if output == Path(output.anchor) or output == root or output in root.parents:
        raise ContentErrors([ContentError(str(output), None, "refusing to use this folder as the output",
                                          "choose an output folder inside the site, e.g. output/")])
    if (output / "content").exists() or (output / "cupsite.toml").exists():
        raise ContentErrors([ContentError(str(output), None, "the output folder holds a site's sources",
                                          "choose an empty folder or the default output/")])
    if output == config.content_dir.resolve() or config.content_dir.resolve() in output.parents:
        raise ContentErrors([ContentError(str(output), None, "the output folder is inside content/",
                                          "choose a folder outside content/, e.g. output/")])
    return output


def write_site(files: dict[str, bytes], output: Path, config: SiteConfig, cache_dir: Path | None = None) -> int:
    """Write every file, copy the static files, swap the result into `output`; return the file count."""
    staging = Staging(output, config, cache_dir)
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

    def __init__(self, output: Path, config: SiteConfig, cache_dir: Path | None = None):
        self.output = check_output_dir(output, config)
        self.config = config
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._spare = self.output.parent / f".{self.output.name}.spare"
        self._manifests = _Manifests(cache_dir) if cache_dir is not None else None
        _remove_leftovers(self.output)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.new-{os.getpid()}-", dir=self.output.parent))
        known = self._manifests.spare if self._manifests is not None and self._spare.is_dir() else None
        if known is not None:
            os.rmdir(self.folder)
            os.rename(self._spare, self.folder)  # from here on a failure deletes it: it is no longer a known state
        elif self._spare.exists():
            _discard(_set_aside(self._spare))
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
        for relative, data in sorted(files.items()):
            self.record(relative, self.write(relative, data))
        staging = self.folder
        if self._reused:  # what the spare held and the new site does not
            _remove_files(staging, self._known.keys() - self.manifest.keys())
        count = len(self.manifest)
        count += _copy_static(THEME_DIR / "static", staging / STATIC_FOLDER)
        count += _copy_static(self.config.static_dir, staging / STATIC_FOLDER)
        if self._reused:
            shutil.rmtree(staging / SEARCH_INDEX_FOLDER, ignore_errors=True)
            _remove_strays(staging / STATIC_FOLDER, {name.split("/", 1)[1] for name in _static_names(self.config)})
        if self.config.search:
            count += index_for_search(staging)
        replaced = _swap(staging, self.output, self._spare if self._manifests is not None else None)
        if self._manifests is not None:
            self._manifests.save(current=dict(sorted(self.manifest.items())),
                                 spare=self._manifests.current if replaced else None)
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


def _static_names(config: SiteConfig) -> set[str]:
    names = set()
    for source in (THEME_DIR / "static", config.static_dir):
        if source.is_dir():
            names |= {(Path(STATIC_FOLDER) / p.relative_to(source)).as_posix()
                      for p in source.rglob("*") if p.is_file()}
    return names


def _remove_files(folder: Path, relatives) -> None:
    """Delete these files below `folder`, and the folders they leave empty."""
    for relative in sorted(relatives):
        path = folder / relative
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != folder and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _remove_strays(folder: Path, wanted: set[str]) -> None:
    """Delete every file and folder below `folder` that is not wanted."""
    for directory, folders, names in os.walk(folder, topdown=False):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.relpath(path, folder).replace(os.sep, "/") not in wanted:
                os.unlink(path)
        for name in folders:
            path = os.path.join(directory, name)
            if not os.listdir(path):
                os.rmdir(path)


def update_site(files: dict[str, bytes], output: Path, config: SiteConfig, previous: dict[str, bytes],
                complete: bool = True) -> list[str]:
    """The preview's write: bring `output` up to date in place, writing only the files whose bytes
    differ from the previous build's and removing those it no longer has. Each file is replaced
    whole, so the server never sends half of one. Returns the paths written. With `complete`
    false, `files` is only part of the site (the pages open in a browser): nothing is removed."""
    output = check_output_dir(output, config)
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
    static = _sync_static([THEME_DIR / "static", config.static_dir], output / STATIC_FOLDER)
    return written + static


def _sync_static(sources: list[Path], target: Path) -> list[str]:
    """Copy the static files that are new or changed (a later folder overrides an earlier one) and
    remove those that are gone. A copy keeps its source's time, so size and time tell a change
    without reading every photo again."""
    wanted: dict[Path, Path] = {}
    for source in sources:
        if source.is_dir():
            wanted.update({path.relative_to(source): path for path in source.rglob("*")
                           if path.is_file() and not path.is_symlink()})
    copied = []
    for relative, path in sorted(wanted.items()):
        destination = target / relative
        if destination.is_file() and _same_stat(path, destination):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied.append((Path(STATIC_FOLDER) / relative).as_posix())
    if target.is_dir():
        for stale in sorted(p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted):
            stale.unlink()
    return copied


def _same_stat(one: Path, other: Path) -> bool:
    first, second = one.stat(), other.stat()
    return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)


def index_for_search(site: Path, started: Callable[[subprocess.Popen], None] | None = None) -> int:
    """Build the static search index with Pagefind (its binary comes with the `pagefind[bin]`
    package); the search page loads it from pagefind/. Returns the number of files it wrote.
    `started` is given the Pagefind process, for a caller that may have to stop it."""
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


def _copy_static(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.unlink(missing_ok=True)  # never written into: see Staging
            shutil.copyfile(path, destination)
            count += 1
    return count


def _link_or_copy(source: Path, target: Path) -> None:
    """Make `target` the file `source` is (a hard link), or a copy of it where links are not to be
    had (another file system, one without links)."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _swap(staging: Path, output: Path, spare: Path | None) -> bool:
    """Put the staging folder in place of the output; the output it replaces becomes the spare,
    or, without one, is deleted. Returns whether there was an output to replace."""
    os.chmod(staging, 0o755)
    if not output.exists():
        os.rename(staging, output)
        return False
    if _exchange(staging, output):
        retired = staging  # the name the new site had now holds the old one
    else:
        retired = _set_aside(output)
        os.rename(staging, output)  # between the two renames there is no output: a kill here leaves none
    if spare is not None and not spare.exists():
        os.rename(retired, spare)
    else:
        _discard(retired)
    return True


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100  # from Linux's <linux/fs.h> and <fcntl.h>


def _exchange(one: Path, other: Path) -> bool:
    """Swap two folders' names in one step (Linux's renameat2 with RENAME_EXCHANGE), so that the
    output is at every moment either the old site or the new one, whatever stops the build.
    False where the system or the file system cannot: the caller renames twice instead."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(one), _AT_FDCWD, os.fsencode(other), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):  # no such call, or not on this file system
        return False
    raise OSError(error, os.strerror(error), str(other))


@functools.cache
def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _remove_leftovers(output: Path) -> None:
    """Remove, in the background as retired outputs are, what builds that were stopped left beside
    the output: their staging folders (named with the process that made them, which must have
    ended: a build running beside this one keeps its own) and retired outputs whose deletion was
    stopped too (deleting one twice is harmless)."""
    if not output.parent.is_dir():
        return
    staging, retired = f".{output.name}.new-", (f".{output.name}.old-", f".{output.name}.spare.old-")
    for entry in os.scandir(output.parent):
        if entry.name.startswith(retired) or entry.name.startswith(staging) and not _running(entry.name[len(staging):]):
            _discard(Path(entry.path))


def _running(name: str) -> bool:
    """Whether the process whose number starts `name` (as in "123-abcd") is running."""
    number = name.split("-", 1)[0]
    if not number.isdigit():
        return False  # made by a cupsite that did not name its folders so
    if int(number) == os.getpid():
        return True
    try:
        os.kill(int(number), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _set_aside(folder: Path) -> Path:
    """Rename `folder` to a new name of its own beside it (so nothing later takes its place
    while it is being deleted); return that name."""
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name.lstrip('.')}.old-", dir=folder.parent))
    os.rmdir(aside)
    os.rename(folder, aside)
    return aside


def _discard(folder: Path) -> None:
    """Delete a retired output folder. Thousands of files take a while to unlink, and the new
    site is already in place, so `rm` does it on its own while cupsite finishes."""
    for pid in list(_removers):  # reap the ones that have finished
        if os.waitpid(pid, os.WNOHANG)[0]:
            _removers.remove(pid)
    remover = shutil.which("rm")
    if remover is None or not hasattr(os, "posix_spawn"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    _removers.append(os.posix_spawn(remover, [remover, "-rf", "--", str(folder)], os.environ, setsid=True))


_removers: list[int] = []
