"""Atomic publishing: the output is at every moment the last complete site, whatever stops a
build; what a stopped build leaves beside it is cleaned up by the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cupsite.engine import output_folder

from .conftest import ROOT, copy_site


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cupsite(site: Path, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from cupsite.cli import main; main()", *arguments], cwd=site,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def leftovers(site: Path) -> list[str]:
    return sorted(entry.name for entry in site.iterdir() if entry.name.startswith(".output.") and
                  entry.name != ".output.spare")


def test_a_build_killed_while_writing_leaves_the_last_site_and_the_next_build_cleans_up(tmp_path):
    site = copy_site(ROOT, tmp_path / "demo")
    assert cupsite(site, "build").wait(timeout=120) == 0
    before = files_of(site / "output")
    story = site / "content/articles/2025-09-19-indianapolis-race-1.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Vanier wins a stop-start race 1",
                                                               "Vanier wins a chaotic race 1"), encoding="utf-8")
    build = cupsite(site, "build")
    deadline = time.monotonic() + 60
    while True:  # kill it once it has written part of the new site
        staging = [path for path in site.glob(f".output.new-{build.pid}-*") if path.is_dir()]
        if staging and sum(1 for _ in staging[0].rglob("*.html")) >= 20:
            break
        assert build.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.005)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=10)

    assert files_of(site / "output") == before  # the last complete site, untouched
    assert [name for name in leftovers(site) if name.startswith(f".output.new-{build.pid}-")]  # what it left

    assert cupsite(site, "build").wait(timeout=120) == 0
    clean = site / "clean"
    assert cupsite(site, "build", "--no-cache", "--output", str(clean)).wait(timeout=120) == 0
    assert files_of(site / "output") == files_of(clean)
    deadline = time.monotonic() + 30
    while [name for name in leftovers(site) if name.startswith(f".output.new-{build.pid}-")]:
        assert time.monotonic() < deadline, f"the killed build's folder is still there: {leftovers(site)}"
        time.sleep(0.1)


def test_the_new_site_takes_the_place_of_the_old_in_one_step(tmp_path):
    """Where the system can (Linux), the two folders' names are exchanged: there is no moment
    without an output."""
    old, new = tmp_path / "output", tmp_path / ".output.new-1-x"
    old.mkdir()
    new.mkdir()
    (old / "index.html").write_text("old", encoding="utf-8")
    (new / "index.html").write_text("new", encoding="utf-8")
    if not output_folder._exchange(new, old):
        pytest.skip("this system cannot exchange two names in one step")
    assert (old / "index.html").read_text(encoding="utf-8") == "new"
    assert (new / "index.html").read_text(encoding="utf-8") == "old"


def test_a_running_build_keeps_its_staging_folder(tmp_path):
    """A build beside another (two terminals, say) leaves the other's staging folder alone."""
    site = tmp_path / "site"
    site.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        running, ended = site / f".output.new-{sleeper.pid}-abc", site / f".output.new-{_ended_pid()}-def"
        running.mkdir()
        ended.mkdir()
        output_folder.remove_leftovers(site / "output")
        deadline = time.monotonic() + 30
        while ended.exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert running.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()


def _ended_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert not _alive(process.pid)
    return process.pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("where", ["/", "the site", "above the site", "a folder with content/",
                                   "a folder with cupsite.toml", "inside content/"])
def test_an_output_folder_that_would_overwrite_sources_is_refused(tmp_path, where):
    """Checked before anything is written (the function every build and preview calls first)."""
    from cupsite.config import load_config
    from cupsite.errors import ContentErrors

    from .conftest import SITES

    site = copy_site(SITES / "mini", tmp_path / "site")
    (tmp_path / "other" / "content").mkdir(parents=True)
    (tmp_path / "another").mkdir()
    (tmp_path / "another" / "cupsite.toml").write_text("", encoding="utf-8")
    output = {"/": Path("/"), "the site": site, "above the site": tmp_path,
              "a folder with content/": tmp_path / "other", "a folder with cupsite.toml": tmp_path / "another",
              "inside content/": site / "content" / "out"}[where]
    with pytest.raises(ContentErrors) as failure:
        output_folder.check_output_dir(output, load_config(site / "cupsite.toml"))
    assert failure.value.errors[0].hint  # it says what to do
    config = load_config(site / "cupsite.toml")
    assert output_folder.check_output_dir(site / "output", config) == (site / "output").resolve()


def test_a_build_writes_only_its_output_and_its_cache(tmp_path):
    """Everything beside the site and in it, before and after two builds (the second one over a
    previous output, with a stale staging folder of a dead build to clean up): the sources are
    byte for byte as they were, and the only new entries are output/ and .cupsite-cache/."""
    from .conftest import SITES

    site = copy_site(SITES / "mini", tmp_path / "projects" / "site")
    neighbour = tmp_path / "projects" / "neighbour"
    neighbour.mkdir()
    (neighbour / "notes.txt").write_text("not cupsite's", encoding="utf-8")
    before = files_of(tmp_path)
    for _ in range(2):
        process = cupsite(site, "build")
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    after = files_of(tmp_path)
    assert {path: data for path, data in after.items() if path in before} == before
    new = {path.split("/")[2] for path in after if path not in before}
    assert new == {"output", ".cupsite-cache"}, new
    assert sorted(entry.name for entry in (tmp_path / "projects").iterdir()) == ["neighbour", "site"]
