"""Paths a writer links to in a story's or a profile's body: made relative to every page that shows
them (absolute in feeds); a path that leaves the site, or names no page or file, stops the build
with the file and line."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from cupsite.body_links import site_path
from cupsite.cli import main
from cupsite.config import load_config

from .conftest import SITES, copy_site
from .linkcheck import check_site

STORY = "content/articles/2024-04-05-able-wins.md"
PROFILE = "content/drivers/ann-able.md"


def append(site: Path, relative: str, text: str) -> int:
    """Add a paragraph at the end of the file; the line it is on."""
    path = site / relative
    before = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{before}\n\n{text}\n", encoding="utf-8")
    return before.count("\n") + 3


def run_build(site: Path):
    return CliRunner().invoke(main, ["build", "--no-cache", "--config", str(site / "cupsite.toml")])


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(SITES / "mini", tmp_path / "site")


@pytest.mark.parametrize(("written", "page", "expected"), [
    ("/drivers/ann-able/", "news/x/", "drivers/ann-able/"),
    ("/drivers/ann-able", "news/x/", "drivers/ann-able/"),
    ("/drivers/ann-able/index.html#bio", "news/x/", "drivers/ann-able/#bio"),
    ("../other-story/", "news/x/", "news/other-story/"),
    ("../../static/img/a.jpg", "news/x/", "static/img/a.jpg"),
    ("photo.jpg", "drivers/ann-able/", "drivers/ann-able/photo.jpg"),
    ("/", "news/x/", ""),
    ("../../", "news/x/", ""),
    ("/news/?page=2", "news/x/", "news/?page=2"),
    ("../../../etc/passwd", "news/x/", None),
    ("/../etc/passwd", "news/x/", None),
    ("/static/../../secret", "news/x/", None),
])
def test_a_written_path_is_read_as_a_browser_would_from_the_page(written, page, expected):
    assert site_path(written, page) == expected


def test_paths_in_a_story_and_a_profile_become_links_that_resolve_everywhere(site):
    append(site, STORY, "See [Baker's story](../baker-hits-back/), [Able's page](/drivers/ann-able/), "
                        "[the table](/cup/2024/standings/#class-a), "
                        "[the opener](/cup/2024/alpha), [home](/), [the feed](/feed.xml), "
                        "[the start](#the-start) and [elsewhere](https://example.org/a?b=1&c=2).")
    append(site, PROFILE, "Her [first win](/news/able-wins/) and [the team](../../teams/red-team/).")
    result = run_build(site)
    assert result.exit_code == 0, result.output
    output = site / "output"

    story = (output / "news/able-wins/index.html").read_text(encoding="utf-8")
    for href in ('href="../baker-hits-back/index.html"', 'href="../../drivers/ann-able/index.html"',
                 'href="../../cup/2024/standings/index.html#class-a"',
                 'href="../../cup/2024/alpha/index.html"', 'href="../../index.html"', 'href="../../feed.xml"',
                 'href="#the-start"', 'href="https://example.org/a?b=1&amp;c=2"'):
        assert href in story, href
    profile = (output / "drivers/ann-able/index.html").read_text(encoding="utf-8")
    assert 'href="../../news/able-wins/index.html"' in profile
    assert 'href="../../teams/red-team/index.html"' in profile

    # In the feed the story is read away from the site: its links are absolute.
    base_url = load_config(site / "cupsite.toml").base_url
    feed = (output / "feed.xml").read_text(encoding="utf-8")
    assert f"href=&#34;{base_url}news/baker-hits-back/&#34;" in feed
    assert f"href=&#34;{base_url}cup/2024/standings/#class-a&#34;" in feed
    assert "cupsite:" not in feed + story + profile

    report = check_site(output, base_path=urlsplit(base_url).path)
    assert not report.problems, report.summary()


@pytest.mark.parametrize("written", ["../../../../etc/passwd", "/../secret.txt"])
def test_a_path_that_leaves_the_site_is_refused_with_its_line(site, written):
    line = append(site, STORY, f"A [link]({written}) and an ![image]({written}).")
    result = run_build(site)
    assert result.exit_code == 1
    assert f"{STORY}:{line}: error: the link {written!r} leaves the site" in result.output
    assert "nothing was written" in result.output
    assert not (site / "output").exists()


def test_a_path_to_nothing_is_refused_with_a_suggestion(site):
    line = append(site, STORY, "[Able](/drivers/ann-ablle/) and ![the grid](/static/img/no-such-grid.jpg)")
    profile_line = append(site, PROFILE, "Her [page](/news/no-such-story/).")
    result = run_build(site)
    assert result.exit_code == 1, result.output
    output = result.output
    assert f"{STORY}:{line}: error: the link '/drivers/ann-ablle/' leads to no page or file of the site" in output
    assert "did you mean /drivers/ann-able/?" in output
    assert f"{STORY}:{line}: error: the link '/static/img/no-such-grid.jpg' leads to no page or file" in output
    assert f"{PROFILE}:{profile_line}: error: the link '/news/no-such-story/' leads to no page" in output
    assert re.search(r"3 problems found; nothing was written", output), output


def png(width: int, height: int) -> bytes:
    """A PNG of that size, of one colour."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_an_image_in_a_storys_text_gets_its_files_size_even_after_the_file_changes(site):
    (site / "static" / "img").mkdir(parents=True)
    (site / "static" / "img" / "grid.png").write_bytes(png(30, 20))
    append(site, STORY, "![The grid](/static/img/grid.png) and ![sized](/static/img/grid.png \"t\")")
    append(site, PROFILE, "![Ann](../../static/img/grid.png)")

    def built_images(path: str) -> list[tuple]:
        result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml")])  # with the cache
        assert result.exit_code == 0, result.output
        page = (site / "output" / path).read_text(encoding="utf-8")
        return re.findall(r'<img [^>]*src="([^"]+)"[^>]*width="(\d+)" height="(\d+)"', page)

    # a photo: shown as a picture whose files are made from it (here one width: it is that narrow)
    photo = re.compile(r"\.\./\.\./photos/grid-body-\w+-(\d+)\.jpg")

    def shown(path: str) -> list[tuple]:
        return [(photo.fullmatch(src).group(1), width, height) for src, width, height in built_images(path)]

    assert shown("news/able-wins/index.html") == [("30", "30", "20")] * 2
    assert shown("drivers/ann-able/index.html") == [("30", "30", "20")]
    (site / "static" / "img" / "grid.png").write_bytes(png(40, 50))  # same name, another size
    assert shown("news/able-wins/index.html") == [("40", "40", "50")] * 2
