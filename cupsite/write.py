"""The write stage: build the site in a fresh sibling folder, then swap it into place,
so an error or an interrupt never leaves a half-written site behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .config import THEME_DIR, SiteConfig
from .errors import ContentError, ContentErrors


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


def write_site(files: dict[str, bytes], output: Path, config: SiteConfig) -> int:
    """Write every file, copy the static files, swap the result into `output`; return the file count."""
    output = check_output_dir(output, config)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        for relative, data in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        count = len(files)
        count += _copy_static(THEME_DIR / "static", staging / "static")
        count += _copy_static(config.static_dir, staging / "static")
        if config.search:
            count += index_for_search(staging)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def update_site(files: dict[str, bytes], output: Path, config: SiteConfig, previous: dict[str, bytes]) -> list[str]:
    """The preview's write: bring `output` up to date in place, writing only the files whose bytes
    differ from the previous build's and removing those it no longer has. Each file is replaced
    whole, so the server never sends half of one. Returns the paths written."""
    output = check_output_dir(output, config)
    written = [path for path, data in sorted(files.items())
               if previous.get(path) != data or not (output / path).is_file()]
    for path in written:
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(files[path])
        os.replace(partial, target)
    for path in sorted(previous.keys() - files.keys()):
        (output / path).unlink(missing_ok=True)
    static = _sync_static([THEME_DIR / "static", config.static_dir], output / "static")
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
        copied.append((Path("static") / relative).as_posix())
    if target.is_dir():
        for stale in sorted(p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted):
            stale.unlink()
    return copied


def _same_stat(one: Path, other: Path) -> bool:
    first, second = one.stat(), other.stat()
    return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)


def index_for_search(site: Path) -> int:
    """Build the static search index with Pagefind (its binary comes with the `pagefind[bin]`
    package); the search page loads it from pagefind/. Returns the number of files it wrote."""
    try:
        finished = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"],
                                  capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ContentErrors([ContentError("search index", None, f"Pagefind could not run: {error}",
                                          "reinstall cupsite: pip install cupsite")]) from None
    if finished.returncode != 0:
        detail = (finished.stderr or finished.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ContentErrors([ContentError("search index", None, f"Pagefind failed: {detail[0]}",
                                          "reinstall cupsite: pip install cupsite")])
    return sum(1 for p in (site / "pagefind").rglob("*") if p.is_file())


def _copy_static(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            count += 1
    return count


def _swap(staging: Path, output: Path) -> None:
    os.chmod(staging, 0o755)
    if not output.exists():
        os.rename(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rmdir(retired)
    os.rename(output, retired)
    os.rename(staging, output)
    _discard(retired)


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
