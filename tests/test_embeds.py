"""Results inside a story: the numbers come from the result files at build time."""

from __future__ import annotations

from bs4 import BeautifulSoup
from click.testing import CliRunner

from cupsite.build import build
from cupsite.cli import main

from .conftest import SITES, copy_site

STORY = "content/articles/2024-04-06-baker-hits-back.md"
RACE_2 = "content/results/cup/2024/alpha/race-2.yaml"


def add_to_story(site, block: str) -> None:
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + f"\n```cupsite\n{block}\n```\n\nAfter.\n", encoding="utf-8")


def embedded_rows(output):
    page = BeautifulSoup((output / "news/baker-hits-back/index.html").read_text(encoding="utf-8"), "html.parser")
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in page.select("figure.embed tbody tr")]


def test_an_embedded_classification_follows_the_result_file(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    add_to_story(site, "classification: 2024/alpha race-2\nclass: A\ntop: 2")
    rows = embedded_rows(build(site / "cupsite.toml").output)
    assert [r[:3] for r in rows] == [["1", "2", "Bob Baker"], ["2", "1", "Ann Able"]]
    race = site / RACE_2  # a correction: cars 1 and 2 swap places
    race.write_text(race.read_text(encoding="utf-8").replace("{pos: 1, car: 2,", "{pos: 9, car: 2,")
                    .replace("{pos: 2, car: 1,", "{pos: 1, car: 1,").replace("{pos: 9, car: 2,", "{pos: 2, car: 2,"),
                    encoding="utf-8")
    rows = embedded_rows(build(site / "cupsite.toml").output)
    assert [r[:3] for r in rows] == [["1", "1", "Ann Able"], ["2", "2", "Bob Baker"]]


def test_standings_entries_and_schedule(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    add_to_story(site, "standings: 2024\nafter_round: 1\nclass: B")
    rows = embedded_rows(build(site / "cupsite.toml").output)
    # after round 1, class B: Fábregas 1 + 10 + 6 = 17; Ernst 6 + 10 = 16; Dunn 6
    assert [r[1:3] for r in rows] == [["José Fábregas", "17"], ["Eve Ernst", "16"], ["Dee Dunn", "6"]]
    site2 = copy_site(SITES / "mini", tmp_path / "site2")
    add_to_story(site2, "schedule: 2024/beta")
    assert embedded_rows(build(site2 / "cupsite.toml").output) == [["Fri 10 May", "15:00 CEST", "Race 1"]]
    site3 = copy_site(SITES / "mini", tmp_path / "site3")
    add_to_story(site3, "entries: 2024\nclass: B")
    assert [r[0] for r in embedded_rows(build(site3 / "cupsite.toml").output)] == ["7", "8"]


def test_a_wrong_block_is_an_error_with_its_line(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    add_to_story(site, "classification: 2024/alpha race-9")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml")])
    assert result.exit_code == 1
    assert f"{STORY}:12: error: embedded data: Alpha has no session 'race-9'" in result.output, result.output


def test_a_marker_written_in_a_story_is_not_taken_for_an_embed(tmp_path):
    """Raw HTML passes, so a story may hold the very comment that marks an embedded table; it
    must neither crash the build nor stand for a table."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\n<!--cupsite-embed:3-->\n", encoding="utf-8")
    output = build(site / "cupsite.toml").output
    assert "cupsite-embed" not in (output / "news/baker-hits-back/index.html").read_text(encoding="utf-8")
    add_to_story(site, "classification: 2024/alpha race-2\nclass: A\ntop: 2")  # with a real one beside it
    assert len(embedded_rows(build(site / "cupsite.toml").output)) == 2
