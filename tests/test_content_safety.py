"""Content that would publish a wrong site, or break the build, through the command a writer runs:
each is refused with a message naming the file and the line, and nothing is written. (Broken and
hostile files in general: test_hostile_input.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cupsite.cli import main

from .conftest import SITES, copy_site
from .test_hostile_input import refused

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

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(  # nine lines, each nine aliases of the last
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True))


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


# Classifications with no results: scored as they stand, they would change the champion

NO_RESULTS = "hint: this session has no results yet: remove the file, or fill it in when the results are out"


@pytest.mark.parametrize(("text", "message"), [
    ("", f"{RACE_1}:1: error: the file is empty"),
    ("# the results come after the stewards' decision\n", f"{RACE_1}:1: error: the file holds only comments"),
    ("results: []\n", f"{RACE_1}:1: error: the classification lists no cars"),
    ("results:\n  - {pos: 1, car: 3, laps: 0}\n  - {pos: 2, car: 1, laps: 0}\n",
     f"{RACE_1}:2: error: the classification is not filled in: no classified car has laps, a time or a gap"),
    ("results:\n  - {pos: 1, car: 3, laps: 4, status: dns}\n  - {pos: 2, car: 1, laps: 2, status: dnf}\n",
     f"{RACE_1}:2: error: the classification is not filled in: no classified car has laps, a time or a gap"),
], ids=["empty", "comments only", "no rows", "no laps", "no classified car"])
def test_a_race_with_no_results_is_refused(site, text, message):
    (site / RACE_1).write_text(text, encoding="utf-8")
    refused(site, message, NO_RESULTS)


def test_a_qualifying_with_no_best_lap_is_refused(site):
    (site / QUALIFYING).write_text("results:\n  - {pos: 1, car: 2, best: ''}\n  - {pos: 2, car: 1}\n",
                                   encoding="utf-8")
    refused(site, f"{QUALIFYING}:2: error: the classification is not filled in: no car has a best lap", NO_RESULTS)


def test_a_timing_export_of_a_header_alone_is_refused(site):
    (site / RACE_1).unlink()
    (site / "content/results/cup/2024/alpha/race-1.csv").write_text(
        "POSITION;NUMBER;TEAM;DRIVER_1;CLASS;STATUS;LAPS;TOTAL_TIME;GAP_FIRST;FL_TIME\n", encoding="utf-8")
    refused(site, "content/results/cup/2024/alpha/race-1.csv: error: the classification lists no cars", NO_RESULTS)


@pytest.mark.parametrize("text", ["", "[]\n"], ids=["empty", "no entries"])
def test_an_empty_entry_list_is_refused(site, text):
    (site / ENTRIES).write_text(text, encoding="utf-8")
    refused(site, f"{ENTRIES}:1: error: the", "hint: list the season's cars")


def test_an_empty_calendar_is_refused(site):
    (site / SEASON).write_text("# the 2024 calendar, to come\n", encoding="utf-8")
    refused(site, f"{SEASON}:1: error: the file holds only comments",
            "hint: write the season's `name:` and its `rounds:`")


def test_results_with_only_best_laps_or_only_laps_still_build(site):
    (site / QUALIFYING).write_text("results:\n  - {pos: 1, car: 2, best: '1:30.100'}\n  - {pos: 2, car: 1}\n",
                                   encoding="utf-8")
    (site / RACE_1).write_text("results:\n  - {pos: 1, car: 1, laps: 20}\n  - {pos: 2, car: 2, laps: 20}\n"
                               "  - {pos: 3, car: 3, laps: 0, status: dns}\n", encoding="utf-8")
    result = run(site)
    assert result.exit_code == 0, result.output


def test_the_results_skeleton_left_unfilled_does_not_build_or_pass_the_check(site):
    made = CliRunner().invoke(main, ["new", "results", "2024/gamma", "race-1", "--config", str(site / "cupsite.toml")])
    assert made.exit_code == 0, made.output
    skeleton = "content/results/cup/2024/gamma/race-1.yaml"
    refused(site, f"{skeleton}:4: error: the classification is not filled in", NO_RESULTS)
    checked = run(site, "check")
    assert checked.exit_code == 1 and f"{skeleton}:4: error: the classification is not filled in" in checked.output
    # the next session's file can be started meanwhile: a weekend's files are started together
    (site / "content/results/cup/2024/alpha/race-2.yaml").unlink()
    second = CliRunner().invoke(main, ["new", "results", "2024/alpha", "race-2",
                                       "--config", str(site / "cupsite.toml")])
    assert second.exit_code == 0, second.output


# What broke the build (exit 2) is a content error with its file and line

def test_a_line_break_in_a_round_name_is_refused(site):
    edit(site, SEASON, "    name: Alpha\n", '    name: "Alpha\\nGP"\n')
    refused(site, f"{SEASON}:5: error: 'name' holds a line break or a control character: 'Alpha\\nGP'",
            "hint: write it on one line")


def test_a_season_in_the_year_9999_is_refused(site):
    (site / "content/results/cup/2024").rename(site / "content/results/cup/9999")
    output = refused(site, "content/results/cup/9999: error: the season's year 9999 is out of range: "
                     "cupsite reads the years 1800 to 2999")
    assert "1 problem found" in output  # not an "unknown event" for each story of the season


def test_a_story_dated_in_the_year_9999_is_refused(site):
    edit(site, STORY, "date: 2024-04-05 17:30", "date: 9999-12-31 23:30")
    refused(site, f"{STORY}:3: error: 'date' is in the year 9999: cupsite reads the years 1800 to 2999")


@pytest.mark.parametrize("folder", ["content/articles", "content/drivers", "content/results/cup/2024/alpha"])
def test_a_file_name_that_is_not_utf_8_is_refused(site, folder):
    (site / folder / "caf\udce9.md").write_bytes(b"---\ntitle: Caf\n---\n")  # b'caf\xe9.md' on disk
    refused(site, f"{folder}: error: the file name b'caf\\xe9.md' is not UTF-8 text",
            "hint: rename the file with letters, digits and hyphens")


# Local times that never showed on the clocks

def test_a_session_starting_in_the_hour_skipped_by_summer_time_is_refused(site):
    edit(site, SEASON, "{slug: race-1, name: Race 1, type: race, start: 2024-05-10 15:00",
         "{slug: race-1, name: Race 1, type: race, start: 2024-03-31 02:30")
    edit(site, SEASON, "start: 2024-05-10\n", "start: 2024-03-31\n")
    output = refused(site, f"{SEASON}:22: error: 'start' is a local time that does not exist: "
                     "2024-03-31 02:30 in Europe/Berlin",
            "hint: clocks went forward at 02:00 that day: 02:30 does not exist in Europe/Berlin; write 03:30")
    assert "1 problem found" in output


def test_a_story_dated_in_the_hour_skipped_by_summer_time_is_refused(site):
    edit(site, STORY, "date: 2024-04-05 17:30", "date: 2024-03-31 01:15")
    refused(site, f"{STORY}:3: error: 'date' is a local time that does not exist: 2024-03-31 01:15 in Europe/London",
            "hint: clocks went forward at 01:00 that day: 01:15 does not exist in Europe/London; write 02:15")


def test_a_local_time_repeated_when_clocks_go_back_still_builds(site):
    edit(site, STORY, "date: 2024-04-05 17:30", "date: 2024-10-27 01:30")
    assert run(site).exit_code == 0


# Links out of the site's folder

def test_a_story_that_links_to_a_file_out_of_the_site_is_not_read(site, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\ndate: 2024-04-05\n---\nThe password is hunter2.\n", encoding="utf-8")
    (site / "content/articles/2024-04-05-secret.md").symlink_to(secret)
    refused(site, "content/articles/2024-04-05-secret.md: error: a link out of the site is not read: "
            f"2024-04-05-secret.md leads to '{secret.resolve()}'", "hint: copy the file into the site instead")


@pytest.mark.parametrize("relative", ["content/results/cup/2024/alpha", "content/results/cup/2024/entries.yaml",
                                      "content/drivers"])
def test_a_folder_or_a_file_linked_out_of_the_site_is_not_read(site, tmp_path, relative):
    moved = tmp_path / "elsewhere"
    (site / relative).rename(moved)
    (site / relative).symlink_to(moved)
    refused(site, f"{relative}: error: a link out of the site is not read: {Path(relative).name} leads to "
            f"'{moved.resolve()}'")


def test_links_that_stay_in_the_site_are_followed(site):
    (site / "shared").mkdir()
    (site / "content/drivers/ann-able.md").rename(site / "shared/ann-able.md")
    (site / "content/drivers/ann-able.md").symlink_to("../../shared/ann-able.md")
    result = run(site)
    assert result.exit_code == 0, result.output
    assert (site / "output/drivers/ann-able/index.html").is_file()


# cupsite's own link scheme, written by hand

COWN = "hint: `cupsite:` links are cupsite's own; link by path, such as /drivers/<slug>/"


@pytest.mark.parametrize("text", ["[the file](cupsite:site/../../../etc/passwd)",
                                  "![a photo](cupsite:site/../../../etc/passwd)",
                                  "[Ann](cupsite:driver/../../../etc/passwd)"], ids=["link", "image", "driver"])
def test_a_cupsite_link_in_a_story_is_refused_at_its_line(site, text):
    edit(site, STORY, "## The start\n", f"## The start\n\nSee {text}.\n")
    refused(site, f"{STORY}:15: error: the link '{text[text.index('(') + 1:-1]}' uses cupsite's own scheme", COWN)


def test_a_cupsite_link_in_a_profile_is_refused_at_its_line(site):
    profile = "content/drivers/ann-able.md"
    (site / profile).write_text((site / profile).read_text(encoding="utf-8")
                                + "\n[More](cupsite:site/../../../../etc/passwd)\n", encoding="utf-8")
    lines = (site / profile).read_text(encoding="utf-8").count("\n")
    refused(site, f"{profile}:{lines}: error: the link 'cupsite:site/../../../../etc/passwd' uses cupsite's own scheme",
            COWN)


@pytest.mark.parametrize("html", ['<a href="cupsite:team/../../x">a</a>',
                                  "<img data-src='cupsite:site/../../x' alt=''>",
                                  '<a href=" &#99;upsite:site/../../x">a</a>'], ids=["href", "data-src", "escaped"])
def test_a_cupsite_address_in_raw_html_is_refused(site, html):
    edit(site, "cupsite.toml", 'language = "en"\n', 'language = "en"\nraw_html = "allow"\n')
    edit(site, STORY, "## The start\n", f"## The start\n\n<p>{html}</p>\n")
    refused(site, f"{STORY}:15: error: the link", "uses cupsite's own scheme", COWN)


def test_cupsite_check_reports_a_cupsite_link(site):
    edit(site, STORY, "## The start\n", "## The start\n\nSee [it](cupsite:site/../../x).\n")
    result = run(site, "check")
    assert result.exit_code == 1
    assert f"{STORY}:15: error: the link 'cupsite:site/../../x' uses cupsite's own scheme" in result.output


def test_no_key_resolves_to_an_address_above_the_site_root():
    from cupsite.mentions import resolve_links

    written = ('<a href="cupsite:site/../../../etc/passwd">a</a><a href="cupsite:driver/%2e%2E/..%2f/x">b</a>'
               '<img src="cupsite:site/static/../../../../y.png"><img data-src="cupsite:site/../z">')
    resolved = resolve_links(written, lambda kind, key: f"/base/{kind}/{key}")
    assert ".." not in resolved.replace('data-src="cupsite:site/../z"', "").lower().replace("%2e", ".")
    assert 'href="/base/site/etc/passwd"' in resolved
    assert 'data-src="cupsite:site/../z"' in resolved  # only href and src are cupsite's, and data-src is neither
