"""Content that would publish a wrong site, or break the build, through the command a writer runs:
each is refused with a message naming the file and the line, and nothing is written. (Broken and
hostile files in general: test_hostile_input.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cupsite.cli import main

from .conftest import SITES, copy_site

SEASON = "content/results/cup/2024/season.yaml"
ENTRIES = "content/results/cup/2024/entries.yaml"
QUALIFYING = "content/results/cup/2024/alpha/qualifying.yaml"
RACE_1 = "content/results/cup/2024/alpha/race-1.yaml"
STORY = "content/articles/2024-04-05-able-wins.md"


def run(site: Path, command: str = "build"):
    extra = ["--no-cache"] if command == "build" else []
    return CliRunner().invoke(main, [command, *extra, "--config", str(site / "cupsite.toml")])


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(SITES / "mini", tmp_path / "site")


def refused(site: Path, *messages: str) -> str:
    result = run(site)
    assert result.exit_code == 1, result.output
    for message in messages:
        assert message in result.output, result.output[-3000:]
    assert "Traceback" not in result.output
    assert not (site / "output").exists()
    return result.output


def edit(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Duplicate keys: YAML keeps the last one silently

def test_a_status_written_twice_in_a_result_row_is_refused_with_both_lines(site):
    edit(site, RACE_1, '{pos: 1, car: 1, laps: 20, time: "30:10.000", best: "1:30.500"}',
         '{pos: 1, car: 1, status: dsq,\n     laps: 20, time: "30:10.000", best: "1:30.500", status: classified}')
    refused(site, f"{RACE_1}:3: error: malformed YAML: the key 'status' is written twice, at lines 2 and 3")


def test_draft_written_twice_in_a_story_is_refused_with_both_lines(site):
    edit(site, STORY, "author: Test Writer\n", "author: Test Writer\ndraft: true\ndraft: false\n")
    refused(site, f"{STORY}:6: error: malformed front matter: the key 'draft' is written twice, at lines 5 and 6")


@pytest.mark.parametrize(("relative", "old", "new", "message"), [
    (SEASON, "    track: Alpha Park\n", "    track: Alpha Park\n    track: Beta Ring\n",
     f"{SEASON}:7: error: malformed YAML: the key 'track' is written twice, at lines 6 and 7"),
    (ENTRIES, "{number: 1, class: A,", "{number: 1, class: A, class: B,",
     f"{ENTRIES}:1: error: malformed YAML: the key 'class' is written twice, on line 1"),
], ids=["season", "entry list"])
def test_a_key_written_twice_in_the_calendar_or_the_entry_list_is_refused(site, relative, old, new, message):
    edit(site, relative, old, new)
    refused(site, message)


def test_cupsite_check_reports_a_key_written_twice(site):
    edit(site, STORY, "author: Test Writer\n", "author: Test Writer\ndraft: true\ndraft: false\n")
    result = run(site, "check")
    assert result.exit_code == 1, result.output
    assert f"{STORY}:6: error: malformed front matter: the key 'draft' is written twice" in result.output


# Alias bombs and long values

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi"))


def test_an_alias_bomb_is_refused_at_its_line_with_a_short_message(site):
    (site / RACE_1).write_text("results: []\n" + BILLION_LAUGHS, encoding="utf-8")
    output = refused(site, f"{RACE_1}:6: error: malformed YAML: the aliases (*name) of this file stand for "
                     "more than 10,000 values")
    assert len(output) < 2000


def test_a_long_value_is_cut_short_in_its_message(site):
    edit(site, STORY, "date: 2024-04-05 17:30", "date: " + "tomorrow " * 100_000)
    output = refused(site, f"{STORY}:3: error: 'date' is not a valid date and time: 'tomorrow tomorrow")
    assert "…" in output
    assert len(output) < 2000
