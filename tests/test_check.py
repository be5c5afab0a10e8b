"""`cupsite check`: every check of a build, nothing written; warnings, --strict and CI formats."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cupsite.cli import main

from .conftest import ROOT, SITES, copy_site

STORY = "content/articles/2024-04-06-baker-hits-back.md"


def check(site, *args):
    return CliRunner().invoke(main, ["check", "--config", str(site / "cupsite.toml"), *args])


def test_a_misspelt_driver_in_a_story_is_a_warning_that_strict_makes_fatal(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\nAnn Abel was second and Cyd Cole third.\n",
                     encoding="utf-8")
    relaxed = check(site)
    assert relaxed.exit_code == 0, relaxed.output
    assert f"{STORY}:12: warning: 'Ann Abel' looks like a misspelling of 'Ann Able'" in relaxed.output
    assert "'Cyd Cole' looks like" not in relaxed.output  # spelt right
    assert check(site, "--strict").exit_code == 1
    assert not (site / "output").exists()  # check writes nothing


def test_github_annotations_and_json(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("drivers: [Bob Baker]", "drivers: [Bob Bakker]"),
                     encoding="utf-8")
    github = check(site, "--format", "github")
    assert github.exit_code == 1
    assert (f"::error file={STORY},line=7::unknown driver 'Bob Bakker' (did you mean 'Bob Baker'?)"
            in github.output.splitlines())
    problems = json.loads(check(site, "--format", "json").output)
    assert {"file": STORY, "line": 7, "severity": "error", "message": "unknown driver 'Bob Bakker'",
            "hint": "did you mean 'Bob Baker'?"} in problems


def test_template_errors_are_found_without_writing(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block content %}{{ x.y }}"
                                                 "{% endblock %}", encoding="utf-8")
    result = check(site)
    assert result.exit_code == 1 and "404.html" in result.output


def test_the_demo_site_has_no_errors():
    result = CliRunner().invoke(main, ["check", "--config", str(ROOT / "cupsite.toml")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("0 errors")
