"""Broken and hostile content files, through the command a writer runs: each gives a clear message
naming the file (and the line where there is one) and writes nothing, or builds safe output.
(Names and titles with markup: test_hostile_names.py; paths in links: test_story_links.py; raw
HTML: test_raw_html.py; the parsers under hypothesis: test_fuzz.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupsite.cli import main
from cupsite.console import MAX_SHOWN_PER_FILE

from .conftest import SITES, copy_site

RACE_1 = "content/results/cup/2024/alpha/race-1.yaml"
TEN_MB = 10 * 1024 * 1024


def run_build(site: Path, *args: str):
    return CliRunner().invoke(main, ["build", "--no-cache", "--config", str(site / "cupsite.toml"), *args])


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(SITES / "mini", tmp_path / "site")


def refused(site: Path, *messages: str) -> str:
    result = run_build(site)
    assert result.exit_code == 1, result.output
    for message in messages:
        assert message in result.output, result.output[-2000:]
    assert "Traceback" not in result.output
    assert not (site / "output").exists()
    return result.output


def test_a_10_mb_story_builds_into_a_page_of_text(site):
    paragraph = "The safety car came out on lap 12 & the gaps fell to 3 < 4 seconds. " * 10 + "\n\n"
    body = paragraph * (TEN_MB // len(paragraph) + 1)
    (site / "content/articles/2024-04-07-long-read.md").write_text(
        f"---\ntitle: A long read\ndate: 2024-04-07\n---\n{body}", encoding="utf-8")
    assert (site / "content/articles/2024-04-07-long-read.md").stat().st_size > TEN_MB
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/news/long-read/index.html").read_text(encoding="utf-8")
    # every sentence of the body is on the page, escaped (and a few more in the page's summary)
    assert page.count("12 &amp; the gaps fell to 3 &lt; 4 seconds.") >= body.count("3 < 4")
    assert "3 < 4" not in page


def test_a_10_mb_binary_file_among_the_stories_is_refused(site):
    (site / "content/articles/2024-04-07-photo.md").write_bytes(os.urandom(TEN_MB))
    refused(site, "content/articles/2024-04-07-photo.md: error: is a binary file, not text",
            "hint: move it out of content/ (images go in static/)")


def test_a_10_mb_classification_of_comments_is_refused(site):
    (site / RACE_1).write_text("results:\n" + "# exported twice\n" * (TEN_MB // 17 + 1), encoding="utf-8")
    refused(site, f"{RACE_1}:1: error: the classification should hold a list `results:`")


@pytest.mark.parametrize(("relative", "data", "message"), [
    (RACE_1, b"# caf\xe9\nresults: []\n", f"{RACE_1}:1: error: is not UTF-8 text"),
    ("content/results/cup/2024/alpha/qualifying.csv", "Pos;No;Name\n1;1;Café\n".encode("latin-1"),
     "qualifying.csv:2: error: the file is not UTF-8 text (byte 0xe9 on line 2)"),
    ("content/drivers/ann-able.md", "---\nname: Ann Able\n---\nBorn in Bogot\xe1.\n".encode("latin-1"),
     "content/drivers/ann-able.md:4: error: is not UTF-8 text"),
], ids=["results YAML", "timing export", "profile"])
def test_latin_1_bytes_are_reported_with_their_line(site, relative, data, message):
    (site / relative).write_bytes(data)
    refused(site, message)


@pytest.mark.parametrize(("text", "message"), [
    ("results: " + "[" * 5000 + "]" * 5000 + "\n", "exceeded maximum nesting depth"),
    ("results: &a [*a, *a]\n", "malformed YAML"),
    ("results: !!python/object/apply:os.system ['touch /tmp/cupsite-pwned']\n",
     "the YAML tag !!python/object/apply:os.system is not read here"),
    ("results:\n  - !!python/name:os.system {pos: 1}\n", "the YAML tag !!python/name:os.system is not read here"),
    ("results:\n  - {pos: 1, car: [1,\n", "malformed YAML"),
], ids=["deeply nested", "recursive alias", "object tag", "name tag", "unclosed"])
def test_malformed_and_hostile_yaml_is_reported_and_runs_nothing(site, text, message):
    (site / RACE_1).write_text(text, encoding="utf-8")
    refused(site, f"{RACE_1}:", message)
    assert not Path("/tmp/cupsite-pwned").exists()


def test_a_flood_of_mistakes_in_one_file_is_shown_in_part_and_counted_in_full(site):
    rows = "".join(f"  - {{pos: {n}, car: 1}}\n" for n in range(1, 301))
    (site / RACE_1).write_text("results:\n" + rows, encoding="utf-8")
    output = refused(site, f"{RACE_1}:3: error: duplicate car number 1")
    shown = [line for line in output.splitlines() if line.startswith(f"{RACE_1}:") and ": error: " in line]
    assert len(shown) == MAX_SHOWN_PER_FILE
    total = int(output.rsplit("\n", 3)[-2].split()[0].replace(",", ""))  # "N problems found; ..."
    assert f"{RACE_1}: {total - MAX_SHOWN_PER_FILE:,} more problems like these, not shown" in output
    assert total > 300


@pytest.mark.parametrize("slug", ["../../escape", "/tmp/escape", "..", "news/../../x"])
def test_a_slug_that_is_a_path_is_refused(site, slug):
    story = "content/articles/2024-04-05-able-wins.md"
    text = (site / story).read_text(encoding="utf-8")
    (site / story).write_text(text.replace("author: Test Writer", f"author: Test Writer\nslug: '{slug}'"),
                              encoding="utf-8")
    refused(site, f"{story}:5: error: '{slug}' is not a valid slug", "hint: use lower-case letters, digits and hyphens")


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                                     "/etc/passwd", "www.example.org", "https://"])
def test_a_profile_link_that_is_not_a_web_address_is_refused(site, address):
    track = "content/tracks/alpha-park.md"
    text = (site / track).read_text(encoding="utf-8")
    (site / track).write_text(text.replace("---\n", f"---\nmap: '{address}'\n", 1), encoding="utf-8")
    refused(site, f"{track}:2: error: 'map' should be a web address, not {address!r}",
            "hint: write the full address: map: https://...")


def test_a_round_slug_that_is_a_path_is_one_mistake_not_three(site):
    season = "content/results/cup/2024/season.yaml"
    text = (site / season).read_text(encoding="utf-8")
    (site / season).write_text(text.replace("slug: beta", "slug: ../../beta"), encoding="utf-8")
    output = refused(site, f"{season}:15: error: '../../beta' is not a valid slug", "hint: use 'beta'")
    assert "1 problem found" in output
