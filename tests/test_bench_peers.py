"""The benchmark's peer projects (bench/peers.py): built by Pelican and by Hugo from the same 12 stories,
each makes the site a reader of cupsite's news would expect, and nothing more."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench.peers import PEERS, build_command, ensure_peers, make_hugo_site, make_pelican_site

VENV = Path(__file__).resolve().parent.parent / "bench" / ".peers"
STORIES = range(1, 13)
TAG_PAGES = {"race report": "race-report", "pro class": "pro-class", "wet race": "wet-race"}
BODY = """
## The race

Pole went to the fastest car by a tenth, and the start was clean.

| Pos | Driver |
|----:|--------|
| 1 | Scott Blind |
| 2 | Aaron Jeansonne |

- A caution on lap 4.
- Fastest lap on the final lap.
"""


def title(number: int) -> str:
    return f"Round {number} goes to Scott Blind"


def slug(number: int) -> str:
    return f"round-{number}-report"


def tags(number: int) -> list[str]:
    return ["race report"] + ["pro class"] * (number % 2 == 0) + ["wet race"] * (number % 5 == 0)


def write_story(folder: Path, number: int) -> None:
    lines = [f'title: "{title(number)}"', f"date: 2025-08-{number:02d} 14:30", f"tags: [{', '.join(tags(number))}]"]
    if number % 3:
        lines.append(f'summary: "Scott Blind wins round {number}."')
    if number % 4:
        lines.append("drivers: [Scott Blind, Aaron Jeansonne]")
    text = "---\n" + "\n".join(lines) + "\n---\n" + BODY
    (folder / f"2025-08-{number:02d}-{slug(number)}.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def stories(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stories")
    for number in STORIES:
        write_story(folder, number)
    return folder


@pytest.fixture(scope="module", params=PEERS)
def output(request, stories, tmp_path_factory) -> Path:
    """The site one peer built from the stories."""
    peer = request.param
    ensure_peers(VENV)
    project = tmp_path_factory.mktemp(peer)
    {"pelican": make_pelican_site, "hugo": make_hugo_site}[peer](stories, project)
    subprocess.run(build_command(peer, project, VENV), cwd=project, check=True, capture_output=True)
    return project / "output"


def linked_stories(page: Path) -> list[str]:
    return re.findall(r'href="[^"]*/news/([^/"]+)/"', page.read_text(encoding="utf-8"))


def newest_first(numbers) -> list[str]:
    return [slug(n) for n in sorted(numbers, reverse=True)]


def test_the_site_has_the_pages_cupsite_makes_and_no_others(output):
    made = {str(path.relative_to(output)) for path in output.rglob("*") if path.is_file()}
    assert made == ({f"news/{slug(n)}/index.html" for n in STORIES}
                    | {"index.html", "page/2/index.html", "tags/index.html", "feed.xml"}
                    | {f"tags/{tag_slug}/index.html" for tag_slug in TAG_PAGES.values()})


def test_each_story_has_a_page_with_its_title_tags_and_body(output):
    for number in STORIES:
        page = (output / "news" / slug(number) / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{title(number)}</h1>" in page
        assert all(f"/tags/{TAG_PAGES[tag]}/" in page for tag in tags(number))
        assert "<table>" in page and "<li>A caution on lap 4.</li>" in page


def test_the_index_lists_the_newest_ten_and_its_second_page_the_rest(output):
    first, second = output / "index.html", output / "page" / "2" / "index.html"
    assert linked_stories(first) == newest_first(STORIES)[:10]
    assert linked_stories(second) == newest_first(STORIES)[10:]
    assert "Scott Blind wins round 11." in first.read_text(encoding="utf-8")
    assert re.search(r'rel="next" href="[^"]*/page/2/"', first.read_text(encoding="utf-8"))
    assert 'rel="prev"' in second.read_text(encoding="utf-8")


def test_each_tag_has_a_page_listing_its_stories(output):
    for tag, tag_slug in TAG_PAGES.items():
        page = output / "tags" / tag_slug / "index.html"
        assert linked_stories(page) == newest_first(n for n in STORIES if tag in tags(n))
        assert tag in page.read_text(encoding="utf-8")
    tags_index = (output / "tags" / "index.html").read_text(encoding="utf-8")
    assert all(f"/tags/{tag_slug}/" in tags_index for tag_slug in TAG_PAGES.values())


def test_the_feed_names_every_story(output):
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(output / "feed.xml").getroot().findall(f"{atom}entry")
    assert [entry.findtext(f"{atom}title") for entry in entries] == [title(n) for n in sorted(STORIES, reverse=True)]
    assert all("<table>" in entry.findtext(f"{atom}content") for entry in entries)
