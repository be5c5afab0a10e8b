"""The output folder: which folders a build may replace (only its own, told by an owner file),
and how a built site takes an old one's place in one step."""

from __future__ import annotations

import errno
import functools
import os
import shutil
import tempfile
from pathlib import Path

from ..config import SiteConfig
from ..errors import ContentError, ContentErrors

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


def swap(staging: Path, output: Path, spare: Path | None) -> bool:
    """Put the staging folder in place of the output; the output it replaces becomes the spare,
    or, without one, is deleted. Returns whether there was an output to replace."""
    os.chmod(staging, 0o755)
    if not output.exists():
        os.rename(staging, output)
        return False
    if _exchange(staging, output):
        retired = staging  # the name the new site had now holds the old one
    else:
        retired = set_aside(output)
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
    discard(retired)
    return True


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100  # from Linux's <linux/fs.h> and <fcntl.h>


def _exchange(one: Path, other: Path) -> bool:
    """Swap two folders' names in one step (Linux's renameat2 with RENAME_EXCHANGE), so that the
    output is at every moment either the old site or the new one, whatever stops the build.
    False where the system or the file system cannot: the caller renames twice instead."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    import ctypes  # loaded by _renameat2 already

    if renameat2(_AT_FDCWD, os.fsencode(one), _AT_FDCWD, os.fsencode(other), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):  # no such call, or not on this file system
        return False
    raise OSError(error, os.strerror(error), str(other))


@functools.cache
def _renameat2():
    import ctypes  # here: only publishing needs it, and a build with nothing to do checks the output folder too

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def remove_leftovers(output: Path) -> None:
    """Remove, in the background as retired outputs are, what builds that were stopped left beside
    the output: their staging folders (named with the process that made them, which must have
    ended: a build running beside this one keeps its own) and retired outputs whose deletion was
    stopped too (deleting one twice is harmless)."""
    if not output.parent.is_dir():
        return
    staging, retired = f".{output.name}.new-", (f".{output.name}.old-", f".{output.name}.spare.old-")
    for entry in os.scandir(output.parent):
        if entry.name.startswith(retired) or entry.name.startswith(staging) and not _running(entry.name[len(staging):]):
            discard(Path(entry.path))


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


def set_aside(folder: Path) -> Path:
    """Rename `folder` to a new name of its own beside it (so nothing later takes its place
    while it is being deleted); return that name."""
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name.lstrip('.')}.old-", dir=folder.parent))
    os.rmdir(aside)
    os.rename(folder, aside)
    return aside


def discard(folder: Path) -> None:
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
