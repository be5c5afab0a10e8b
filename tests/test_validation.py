"""Every kind of content mistake gives a clear message with file and line, exit status 1,
and leaves the previous output untouched."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupsite.cli import main

from .conftest import SITES, copy_site

ENTRIES = "content/results/cup/2024/entries.yaml"
RACE_1 = "content/results/cup/2024/alpha/race-1.yaml"
SEASON = "content/results/cup/2024/season.yaml"
ARTICLE = "content/articles/2024-04-05-able-wins.md"
EXTRA_ENTRY_WITH_NUMBER_2 = "- {number: 2, class: B, team: Green Team, driver: Extra Person}\n"


def replace(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(site: Path, relative: str, text: str) -> None:
    (site / relative).parent.mkdir(parents=True, exist_ok=True)
    (site / relative).write_text(text, encoding="utf-8")


# (name, mutation, file the message names, line or None, words the message must contain)
MISTAKES = [
    ("malformed YAML", lambda s: replace(s, RACE_1, "{pos: 2, car: 2,", "{pos: 2, car: [2,"),
     RACE_1, 3, "malformed YAML"),
    ("malformed front matter", lambda s: replace(s, ARTICLE, "author: Test Writer", "author: [Test Writer"),
     ARTICLE, 4, "malformed front matter"),
    ("missing required field", lambda s: replace(s, ARTICLE, "title: Able wins the opener at Alpha & more\n", ""),
     ARTICLE, None, "has no 'title'"),
    ("bad date", lambda s: replace(s, ARTICLE, "date: 2024-04-05 17:30", "date: 2024-13-45"),
     ARTICLE, 3, "not a valid date"),
    ("unknown driver",
     lambda s: replace(s, ARTICLE, "drivers: [Ann Able, bob-baker]", "drivers: [Ann Abel, bob-baker]"),
     ARTICLE, 7, "unknown driver 'Ann Abel'"),
    ("unknown team", lambda s: replace(s, ARTICLE, "teams: [Red Team]", "teams: [Read Team]"),
     ARTICLE, 8, "unknown team 'Read Team'"),
    ("unknown event", lambda s: replace(s, ARTICLE, "event: 2024/alpha", "event: 2024/alfa"),
     ARTICLE, 6, "unknown event '2024/alfa'"),
    ("unknown class", lambda s: replace(s, ENTRIES, "{number: 3, class: A,", "{number: 3, class: C,"),
     ENTRIES, 3, "unknown class 'C'"),
    ("duplicate article slug", lambda s: write(s, "content/articles/2024-06-01-able-wins.md",
                                               "---\ntitle: Again\ndate: 2024-06-01\n---\nText.\n"),
     "content/articles/2024-06-01-able-wins.md", None, "duplicate article slug 'able-wins'"),
    ("duplicate car number",
     lambda s: write(s, ENTRIES, (s / ENTRIES).read_text() + EXTRA_ENTRY_WITH_NUMBER_2),
     ENTRIES, 6, "duplicate car number 2"),
    ("duplicate position", lambda s: replace(s, RACE_1, "{pos: 3, car: 8,", "{pos: 2, car: 8,"),
     RACE_1, 4, "duplicate position 2"),
    ("missing position", lambda s: replace(s, RACE_1, "{pos: 5, car: 3,", "{pos: 6, car: 3,"),
     RACE_1, None, "positions are missing: 5"),
    ("car not in entry list", lambda s: replace(s, RACE_1, "{pos: 4, car: 7,", "{pos: 4, car: 77,"),
     RACE_1, 5, "car #77 is not in the entry list"),
    ("unknown round folder", lambda s: write(s, "content/results/cup/2024/delta/race-1.yaml", "results: []\n"),
     "content/results/cup/2024/delta", None, "no round with slug 'delta'"),
    ("bad lap time", lambda s: replace(s, RACE_1, 'best: "1:30.500"', 'best: "1:30,500"'),
     RACE_1, 2, "'best' is not a time"),
]


def run_build(site: Path, *args):
    return CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), *args])


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_site(SITES / "mini", tmp_path / "site")


def test_the_mini_site_builds_cleanly(site):
    result = run_build(site)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name, mutate, path, line, words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_reported_with_file_and_line(site, name, mutate, path, line, words):
    mutate(site)
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    where = f"{path}:{line}:" if line else f"{path}:"
    matching = [text for text in result.output.splitlines() if text.startswith(where) and words in text]
    assert matching, f"expected a message at {where} containing {words!r}, got:\n{result.output}"
    assert "hint:" in result.output


def test_all_mistakes_of_a_build_are_reported_together_and_output_is_untouched(site):
    assert run_build(site).exit_code == 0
    before = snapshot(site / "output")
    chosen = [m for m in MISTAKES if m[0] in {
        "malformed front matter", "bad date", "unknown driver", "unknown class", "duplicate car number",
        "duplicate position", "car not in entry list", "bad lap time"}]
    assert len(chosen) == 8
    articles = site / "content" / "articles"
    # mistakes that would hide each other in one file go into separate stories
    for index, (name, mutate, path, _line, _words) in enumerate(chosen):
        if path == ARTICLE:
            copy = articles / f"2024-04-0{index}-copy-{index}.md"
            copy.write_text((site / ARTICLE).read_text(encoding="utf-8"), encoding="utf-8")
            replace(site, copy.relative_to(site).as_posix(), *_article_change(name))
        else:
            mutate(site)
    result = run_build(site)
    assert result.exit_code == 1
    problems = [text for text in result.output.splitlines() if re.match(r"^\S+:(\d+:)? error:", text)]
    assert len(problems) == 8, result.output
    assert "8 problems found; nothing was written." in result.output
    assert snapshot(site / "output") == before


def _article_change(name: str) -> tuple[str, str]:
    return {
        "malformed front matter": ("author: Test Writer", "author: [Test Writer"),
        "bad date": ("date: 2024-04-05 17:30", "date: 2024-13-45"),
        "unknown driver": ("drivers: [Ann Able, bob-baker]", "drivers: [Ann Abel, bob-baker]"),
    }[name]


def test_a_misspelt_driver_gets_a_suggestion(site):
    MISTAKES[4][1](site)
    result = run_build(site)
    assert "did you mean 'Ann Able'?" in result.output


def test_output_folder_that_holds_the_sources_is_refused(site):
    result = run_build(site, "--output", str(site))
    assert result.exit_code == 1
    assert "refusing" in result.output
    assert (site / "content").is_dir()


def test_missing_config_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "cupsite.toml")])
    assert result.exit_code == 1
    assert "configuration file not found" in result.output


def test_bad_config_names_the_key(site):
    replace(site, "cupsite.toml", 'colour = "#ff8800"', 'colour = "orange"')
    result = run_build(site)
    assert result.exit_code == 1
    assert "`colour` in class 'A' of championship 'cup': 'orange' is not a colour" in result.output


def test_binary_and_non_utf8_files_are_reported(site):
    (site / "content" / "articles" / "2024-01-01-latin.md").write_bytes(
        b"---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\nText\n")
    (site / "content" / "articles" / "2024-01-02-binary.md").write_bytes(b"\x89PNG\x00\x00")
    result = run_build(site)
    assert result.exit_code == 1
    assert "2024-01-01-latin.md:2: error: is not UTF-8 text" in result.output
    assert "2024-01-02-binary.md: error: is a binary file" in result.output


def test_object_constructing_yaml_tags_are_refused(site):
    replace(site, ARTICLE, "author: Test Writer", "author: !!python/object/apply:os.system ['echo hi']")
    result = run_build(site)
    assert result.exit_code == 1
    assert "malformed front matter" in result.output


@pytest.mark.parametrize("old, new, words", [
    ("{pos: 4, car: 7, laps: 19,", "{pos: 4, car: 7, laps: 21,", "has more laps (21) than car #8"),
    ('{pos: 3, car: 8, laps: 20, gap: "+20.000"', '{pos: 3, car: 8, laps: 20, gap: "+0.100"',
     "has a smaller gap (+0.100) than car #2"),
    ("{pos: 4, car: 7, laps: 19, gap: \"+1 Lap\"", "{pos: 4, car: 7, laps: 19, gap: \"+1 Lap\", status: dnf",
     "car #3 is classified at P5 below car #7"),
], ids=["more laps behind", "shrinking gap", "finisher below a retirement"])
def test_impossible_race_results_are_caught(site, old, new, words):
    replace(site, RACE_1, old, new)
    if "status: dnf" in new:  # make car 3 a finisher so it sits below a retirement
        replace(site, RACE_1, "status: dnf, note: Gearbox", "note: Gearbox")
    result = run_build(site)
    assert result.exit_code == 1
    assert words in result.output, result.output


def test_one_driver_in_two_cars_of_a_session_is_caught(site):
    replace(site, "content/results/cup/2024/alpha/race-2.yaml", "drivers: [Eve Ernst]", "drivers: [Eve Ernst]")
    replace(site, ENTRIES, "{number: 8, class: B, team: Green Team, driver: José Fábregas}",
            "{number: 8, class: B, team: Green Team, drivers: [José Fábregas, Eve Ernst]}")
    result = run_build(site)
    assert result.exit_code == 1
    assert "eve-ernst drives car #8 and car #7 in the same session" in result.output or \
           "eve-ernst drives car #7 and car #8 in the same session" in result.output, result.output


def test_one_driver_in_two_cars_stands_when_both_rows_name_the_driver(site):
    """A 1950s take-over at Beta: Eve Ernst is in car 7's row (`drivers: [Eve Ernst]`) and shares
    car 8, whose row names its two drivers too: the two rows say it on purpose."""
    replace(site, ENTRIES, "{number: 8, class: B, team: Green Team, driver: José Fábregas}",
            "{number: 8, class: B, team: Green Team, driver: José Fábregas, rounds: 1}\n"
            "- {number: 8, class: B, team: Green Team, drivers: [José Fábregas, Eve Ernst], rounds: 2-}")
    beta = "content/results/cup/2024/beta/race-1.yaml"
    replace(site, beta, "{pos: 3, car: 8,", "{pos: 3, car: 8, drivers: [José Fábregas, Eve Ernst],")
    replace(site, beta, "{pos: 5, car: 7,", "{pos: 5, car: 7, drivers: [Eve Ernst],")
    assert run_build(site).exit_code == 0
    replace(site, beta, "{pos: 3, car: 8, drivers: [José Fábregas, Eve Ernst],", "{pos: 3, car: 8,")
    result = run_build(site)
    assert result.exit_code == 1 and "eve-ernst drives car #7 and car #8 in the same session" in result.output
