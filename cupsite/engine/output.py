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

from ..config import SiteConfig
from ..errors import ContentError, ContentErrors
from ..site_files import STATIC_FOLDER, static_files
from . import cachedata

# the output's folders of copied files, beside the pages (the site's and theme's static files, and
# Pagefind's index), which the write's manifest of pages does not list
SEARCH_INDEX_FOLDER = "pagefind"
COPIED_FOLDERS = (STATIC_FOLDER, SEARCH_INDEX_FOLDER)


# A file cupsite writes at the top of every folder it builds a site into. A build replaces its
# output folder whole, so it only ever replaces a folder that holds this file (or a new or empty
# one): never a folder of the user's that --output named by mistake (.git, templates/, ...).
OWNER_FILE = ".cupsite-output"
BUILT, PREVIEW = "build", "preview"  # what wrote the folder: `cupsite build`, or `cupsite serve` (drafts too)
_OWNER_TEXT = "This folder was written by `{command}`, which replaces it whole; keep nothing of yours here.\n"
_COMMANDS = {BUILT: "cupsite build", PREVIEW: "cupsite serve"}
# An output of a cupsite from before the owner file: these files of the built-in theme tell it.
_EARLIER_OUTPUT = ("index.html", "static/cupsite.css")


def owner_file(purpose: str) -> bytes:
    return _OWNER_TEXT.format(command=_COMMANDS[purpose]).encode("utf-8")


def check_output_dir(output: Path, config: SiteConfig, purpose: str = BUILT) -> Path:
    """The output folder, made absolute, if a build (or, with `purpose` PREVIEW, the preview) may
    replace it: it does not exist, is empty, or holds what cupsite wrote there for the same
    purpose. Anything else is refused with the reason, before anything is written."""
    given = Path(os.path.abspath(output))
    if given.is_symlink():  # checked on the name as given: resolving would follow it out of the site
        raise _refused(given, f"the output folder is a symbolic link (to {os.readlink(given)})",
                       "cupsite does not write through links; give the folder itself")
    output = given.resolve()
    root = config.root.resolve()
    if output == Path(output.anchor) or output == root or output in root.parents:
        raise _refused(output, "refusing to use this folder as the output",
                       "choose an output folder inside the site, e.g. output/")
    for name, folder in (("content/", config.content_dir), ("templates/", config.templates_dir),
                         ("static/", config.static_dir)):
        folder = folder.resolve()
        if output == folder or folder in output.parents or output in folder.parents:
            raise _refused(output, f"the output folder would overwrite the site's {name}",
                           "choose a folder of its own, e.g. output/")
    if (output / "content").exists() or (output / "cupsite.toml").exists():
        raise _refused(output, "the output folder holds a site's sources",
                       "choose an empty folder or the default output/")
    if output.exists() and not output.is_dir():
        raise _refused(output, "the output is a file, not a folder",
                       "cupsite does not replace it; give a folder's name, e.g. output/")
    if output.is_dir():
        if os.path.ismount(output):
            raise _refused(output, "the output folder is a mount point",
                           "a build makes the new site beside the old one and swaps the two, which a mount "
                           f"point cannot be; give a folder inside it, e.g. {output / 'site'}")
        written_by = folder_owner(output)
        if written_by != purpose and (written_by is not None or any(output.iterdir())):
            raise _refused(output, *_not_owned(written_by, purpose))
    return output


def folder_owner(folder: Path) -> str | None:
    """What wrote `folder`: BUILT, PREVIEW, or None when cupsite did not (as far as it can tell)."""
    try:
        text = (folder / OWNER_FILE).read_bytes()
    except OSError:
        text = None
    for purpose in (BUILT, PREVIEW):
        if text == owner_file(purpose):
            return purpose
    if text is None and all((folder / name).is_file() for name in _EARLIER_OUTPUT):
        return BUILT
    return None


def _not_owned(written_by: str | None, purpose: str) -> tuple[str, str]:
    if written_by == PREVIEW:
        return ("the output folder holds a preview of `cupsite serve`, with drafts",
                "give the build a folder of its own, e.g. output/ (or delete this one)")
    if written_by == BUILT:
        return ("the folder holds a site that `cupsite build` published",
                "the preview, with its drafts, needs a folder of its own: leave out --output")
    return (f"the folder is not empty and was not written by cupsite (it has no {OWNER_FILE})",
            "cupsite replaces its output folder whole, so it only uses a new or empty folder or one it "
            "wrote; choose another, e.g. output/")


def _refused(output: Path, message: str, hint: str) -> ContentErrors:
    return ContentErrors([ContentError(str(output), None, message, hint)])


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
        _remove_leftovers(self.output)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.new-{os.getpid()}-", dir=self.output.parent))
        # The spare is a site this cupsite retired; a folder of that name it did not write is left alone
        spare_is_ours = self._spare.is_dir() and not self._spare.is_symlink() and folder_owner(self._spare) == purpose
        known = self._manifests.spare if self._manifests is not None and spare_is_ours else None
        if known is not None:
            os.rmdir(self.folder)
            os.rename(self._spare, self.folder)  # from here on a failure deletes it: it is no longer a known state
        elif spare_is_ours:
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
        files = {**files, OWNER_FILE: owner_file(self.purpose)}
        for relative, data in sorted(files.items()):
            self.record(relative, self.write(relative, data))
        staging = self.folder
        count = len(self.manifest)
        static = static_files(self.config)
        count += _copy_static(static, staging / STATIC_FOLDER)
        if self._reused:
            # Exactly the new site's files: whatever else the spare holds goes, whether its manifest
            # knew of it or not (a file put there by hand, by another tool, by an older cupsite).
            shutil.rmtree(staging / SEARCH_INDEX_FOLDER, ignore_errors=True)
            _remove_strays(staging, self.manifest.keys() | {f"{STATIC_FOLDER}/{name}" for name in static})
        if self.config.search:
            count += index_for_search(staging)
        replaced = _swap(staging, self.output, self._spare if self._manifests is not None else None)
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
    for directory, folders, names in os.walk(folder, topdown=False):
        links = [name for name in folders if os.path.islink(os.path.join(directory, name))]
        for name in (*names, *links):  # a link to a folder is removed as a link, never followed
            path = os.path.join(directory, name)
            if os.path.relpath(path, folder).replace(os.sep, "/") not in wanted:
                os.unlink(path)
        for name in folders:
            path = os.path.join(directory, name)
            if not os.path.islink(path) and not os.listdir(path):
                os.rmdir(path)


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
    static = _sync_static(static_files(config), output / STATIC_FOLDER)
    return written + static


def _sync_static(static: dict[str, Path], target: Path) -> list[str]:
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
        try:
            os.rename(staging, output)  # between the two renames there is no output: a kill here leaves none
        except BaseException:
            os.rename(retired, output)  # the old site back in its place
            raise
    try:
        if spare is not None and not spare.exists():
            os.rename(retired, spare)
            return True
    except OSError:  # the new site is in place: keeping the old one as a spare is only an economy
        pass
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
