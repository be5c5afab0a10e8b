"""What a build may replace, and what it says when the system stops it: through the `cupsite`
command, on a copy of the mini site. A build replaces only a folder cupsite wrote (or a new or
empty one), never follows a link out of the site, leaves exactly the new site's files, and when
the disk or the permissions stop it, says so without claiming what is not true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupsite.cli import main

from .conftest import SITES, copy_site
from .test_publishing import files_of
from .test_serve import free_port, wait_for_text

STORY = "content/articles/2024-04-05-able-wins.md"


def cupsite(site: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The command as a person runs it, in the site's folder."""
    return subprocess.run([sys.executable, "-c", "from cupsite.cli import main; main()", *arguments], cwd=site,
                          capture_output=True, text=True, timeout=180)


def in_process(site: Path, *arguments: str):
    return CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), *arguments])


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(SITES / "mini", tmp_path / "site")


def everything_in(folder: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and link (where it leads) below `folder`, without following links."""
    found: dict[str, bytes | str] = {}
    for directory, folders, names in os.walk(folder):
        for name in folders + names:
            path = Path(directory, name)
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[relative] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[relative] = path.read_bytes()
    return found


def edit_story(site: Path, title: str) -> None:
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("title: Able wins the opener", f"title: {title}"),
                     encoding="utf-8")


@pytest.mark.parametrize("folder", [".git", "templates", "static", "notes", "content/articles"])
def test_a_folder_of_the_users_is_never_taken_as_the_output(site, folder):
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates" / "base.html").write_text("{% extends 'theme/base.html' %}\n", encoding="utf-8")
    (site / "static").mkdir()
    (site / "static" / "site.css").write_text("a { color: red }\n", encoding="utf-8")
    (site / "notes").mkdir()
    (site / "notes" / "plan.txt").write_text("my own notes\n", encoding="utf-8")
    before = everything_in(site)
    for _ in range(2):  # the second build is the one that used to delete what the first set aside
        result = cupsite(site, "build", "--output", folder)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "nothing was written" in result.stderr
    assert everything_in(site) == before  # not a file added, moved or removed anywhere in the site
    assert "hint: " in result.stderr


def test_a_link_as_the_output_is_refused_and_where_it_leads_is_untouched(site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    (site / "output").symlink_to(elsewhere)
    before = everything_in(site)
    for arguments in ((), ("--output", "output")):
        result = cupsite(site, "build", *arguments)
        assert result.returncode == 1, result.stderr
        assert "the output folder is a symbolic link" in result.stderr
    assert everything_in(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "site"]
    assert everything_in(elsewhere) == {"thesis.tex": b"years of work\n"}


def test_an_output_that_is_a_file_is_refused(site):
    (site / "output").write_text("not a folder\n", encoding="utf-8")
    result = cupsite(site, "build")
    assert result.returncode == 1, result.stderr
    assert "the output is a file, not a folder" in result.stderr
    assert (site / "output").read_text(encoding="utf-8") == "not a folder\n"
    assert not [p for p in site.iterdir() if p.name.startswith(".output")]


def test_a_new_an_empty_and_its_own_folder_are_used(site):
    (site / "empty").mkdir()
    for arguments in ((), ("--output", "empty"), ()):
        result = cupsite(site, "build", *arguments)
        assert result.returncode == 0, result.stderr
    assert (site / "output" / ".cupsite-output").is_file()
    assert files_of(site / "empty") == files_of(site / "output")


def test_an_output_written_by_an_earlier_cupsite_is_still_replaced(site):
    """Outputs from before the owner file are known by the theme's files."""
    assert cupsite(site, "build").returncode == 0
    (site / "output" / ".cupsite-output").unlink()
    edit_story(site, "Able storms the opener")
    result = cupsite(site, "build")
    assert result.returncode == 0, result.stderr
    assert "Able storms the opener" in (site / "output/news/able-wins/index.html").read_text(encoding="utf-8")


def test_the_next_builds_leave_exactly_the_new_sites_files(site, tmp_path):
    """A spare output is written into by the build after next: whatever it holds that the new
    site does not (here, the pages of a draft that an older `cupsite serve` left in output/, and
    a link to a folder of the user's) is removed, not only what its manifest knew of; a link is
    removed as a link, and where it leads is untouched."""
    assert cupsite(site, "build").returncode == 0
    stray = site / "output/news/draft/index.html"
    stray.parent.mkdir(parents=True)
    stray.write_text("<p>Not yet.</p>", encoding="utf-8")
    (site / "output/static/old-logo.svg").write_text("<svg/>", encoding="utf-8")
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "grid.jpg").write_bytes(b"\xff\xd8")
    (site / "output/news/photos").symlink_to(photos)
    (site / "output/news/empty/deeper").mkdir(parents=True)
    for title in ("Able storms the opener", "Able takes the opener"):  # the second build reuses the spare
        edit_story(site, title)
        result = cupsite(site, "build")
        assert result.returncode == 0, result.stderr
    assert cupsite(site, "build", "--no-cache", "--output", "clean").returncode == 0
    assert files_of(site / "output") == files_of(site / "clean")
    assert everything_in(site / "output") == everything_in(site / "clean")  # no link, no empty folder
    assert everything_in(photos) == {"grid.jpg": b"\xff\xd8"}


def test_the_preview_and_the_build_never_share_a_folder(site):
    """A folder the build wrote is not the preview's, nor the preview's folder the build's (serve
    refuses output/ by name even before any build: see test_serve_safety.py)."""
    assert cupsite(site, "build", "--output", "public").returncode == 0
    before = files_of(site / "public")
    serve = cupsite(site, "serve", "--port", str(free_port()), "--output", "public")
    assert serve.returncode == 1, serve.stderr
    assert "holds a site that `cupsite build` published" in serve.stderr
    assert files_of(site / "public") == before

    port = free_port()
    with subprocess.Popen([sys.executable, "-c", "from cupsite.cli import main; main()", "serve", "--port",
                           str(port), "--output", "preview"], cwd=site, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as server:
        try:
            wait_for_text(f"http://127.0.0.1:{port}/news/draft/", "Not yet.")
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert (site / "preview" / "news" / "draft" / "index.html").is_file()
    result = cupsite(site, "build", "--output", "preview")
    assert result.returncode == 1, result.stderr
    assert "holds a preview of `cupsite serve`, with drafts" in result.stderr
    assert (site / "preview" / "news" / "draft" / "index.html").is_file()


def test_static_links_inside_the_site_are_published_and_links_out_of_it_are_refused(site, tmp_path):
    static = site / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "grid.svg").write_text("<svg/>", encoding="utf-8")
    (site / "media").mkdir()
    (site / "media" / "logo.svg").write_text("<svg>logo</svg>", encoding="utf-8")
    (static / "logo.svg").symlink_to("../media/logo.svg")  # a file kept elsewhere in the site
    (static / "photos").symlink_to("img")  # a folder, by another name
    result = cupsite(site, "build")
    assert result.returncode == 0, result.stderr
    output = site / "output" / "static"
    assert (output / "logo.svg").read_text(encoding="utf-8") == "<svg>logo</svg>"
    assert (output / "photos" / "grid.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (output / "img" / "grid.svg").is_file()
    assert not any(p.is_symlink() for p in output.rglob("*"))  # copies: the output never links out

    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "id_rsa").write_text("secret", encoding="utf-8")
    (static / "key").symlink_to(tmp_path / "private" / "id_rsa")
    (static / "home").symlink_to(tmp_path / "private")
    (static / "gone.svg").symlink_to("nowhere.svg")
    (static / "img" / "loop").symlink_to("..")
    before = files_of(site / "output")
    result = cupsite(site, "build")
    assert result.returncode == 1, result.stderr
    assert f"static/key: error: is a link out of the site (to {tmp_path / 'private' / 'id_rsa'})" in result.stderr
    assert f"static/home: error: is a link out of the site (to {tmp_path / 'private'})" in result.stderr
    assert "static/gone.svg: error: is a link to nothing" in result.stderr
    assert "static/img/loop: error: is a link to a folder it is in" in result.stderr
    assert files_of(site / "output") == before


def test_a_static_file_name_that_is_not_utf_8_is_a_content_error(site):
    (site / "static").mkdir()
    with open(os.path.join(os.fsencode(site / "static"), b"caf\xe9.jpg"), "wb") as photo:
        photo.write(b"\xff\xd8")
    for arguments in ((), ("--no-cache",)):
        result = cupsite(site, "build", *arguments)
        assert result.returncode == 1, result.stderr
        assert "static/caf?.jpg: error: the file name is not UTF-8 text" in result.stderr
        assert "Traceback" not in result.stderr


def test_an_empty_template_override_is_an_error(site):
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_bytes(b"")
    (site / "templates" / ".gitkeep").write_bytes(b"")  # not a template
    result = in_process(site)
    assert result.exit_code == 1, result.output
    assert "templates/article.html: error: the template is empty" in result.output
    assert ".gitkeep" not in result.output
    assert not (site / "output").exists()


# The system's faults: a mount point, a full disk, a read-only site or cache. A test file system
# is mounted for each (root only; CI runs as root).

@contextmanager
def mounted(folder: Path, source: str, *options: str):
    """`folder` with `source` mounted on it: a new tmpfs, or itself read-only (a bind mount)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a test file system needs root")
    command = ["mount", *options, source, str(folder)]
    if subprocess.run(command, capture_output=True).returncode != 0:
        pytest.skip(f"cannot mount here: {' '.join(command)}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_mount_point_as_the_output_is_refused(site, tmp_path):
    with mounted(tmp_path / "disk", "tmpfs", "-t", "tmpfs", "-o", "size=4m") as disk:
        result = cupsite(site, "build", "--output", str(disk))
        assert result.returncode == 1, result.stderr
        assert "the output folder is a mount point" in result.stderr
        assert f"e.g. {disk / 'site'}" in result.stderr
        assert cupsite(site, "build", "--output", str(disk / "site")).returncode == 0


def test_a_full_disk_is_said_to_be_one_and_the_last_site_stays(site, tmp_path):
    size = sum(len(data) for data in files_of(_built_once(site, tmp_path)).values())
    # room for one site and a half: the next build, written beside the last, runs out
    with mounted(tmp_path / "disk", "tmpfs", "-t", "tmpfs", "-o", f"size={size * 3 // 2}") as disk:
        output = disk / "site"
        assert cupsite(site, "build", "--no-cache", "--output", str(output)).returncode == 0
        before = files_of(output)
        edit_story(site, "Able storms the opener")
        result = cupsite(site, "build", "--no-cache", "--output", str(output))
        assert result.returncode == 3, result.stderr
        assert "No space left on device" in result.stderr
        assert "the output folder is as it was" in result.stderr
        assert "bug" not in result.stderr and "Traceback" not in result.stderr
        assert files_of(output) == before
        assert sorted(p.name for p in disk.iterdir()) == ["site"]  # the unfinished build cleaned away


def _built_once(site: Path, tmp_path: Path) -> Path:
    assert cupsite(site, "build", "--no-cache", "--output", str(tmp_path / "measure")).returncode == 0
    return tmp_path / "measure"


def test_a_read_only_site_is_said_to_be_one(site):
    assert cupsite(site, "build").returncode == 0
    before = files_of(site / "output")
    edit_story(site, "Able storms the opener")
    with mounted(site, str(site), "--bind", "-o", "ro"):
        result = cupsite(site, "build")
    assert result.returncode == 3, result.stderr
    assert "Read-only file system" in result.stderr
    assert "the output folder is as it was" in result.stderr
    assert "bug" not in result.stderr and "Traceback" not in result.stderr
    assert files_of(site / "output") == before


def test_a_read_only_cache_only_warns_and_the_site_is_built(site):
    assert cupsite(site, "build").returncode == 0
    edit_story(site, "Able storms the opener")
    with mounted(site / ".cupsite-cache", str(site / ".cupsite-cache"), "--bind", "-o", "ro"):
        result = cupsite(site, "build")
    assert result.returncode == 0, result.stderr
    assert "the build cache could not be saved: Read-only file system" in result.stderr
    assert "Able storms the opener" in (site / "output/news/able-wins/index.html").read_text(encoding="utf-8")
    assert cupsite(site, "build", "--no-cache", "--output", "clean").returncode == 0
    assert files_of(site / "output") == files_of(site / "clean")
