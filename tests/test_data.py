"""Data out: `cupsite standings` and the JSON files published under output/data/."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cupsite.cli import main

from .conftest import ROOT, SITES

MINI = str(SITES / "mini" / "cupsite.toml")


def run(*args):
    return CliRunner().invoke(main, ["standings", "--config", MINI, *args])


def test_text_table_of_one_class():
    result = run("--class", "A")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Mini Cup 2024, after round 2"
    rows = [line.split() for line in lines if line.strip()[:1].isdigit()]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows[:3]] == [
        ("1", "Bob", "Baker", "20", "-"), ("2", "Ann", "Able", "18", "-2"), ("3", "Cyd", "Cole", "9", "-11")]
    assert "Teams" not in result.output


def test_json_after_a_round():
    result = run("--after-round", "1", "--json")
    data = json.loads(result.output)
    assert data["after_round"] == 1 and data["final"] is False
    class_a = data["classes"][0]
    assert class_a["code"] == "A"
    assert [(r["slug"], r["points"]) for r in class_a["standings"]] == [("bob-baker", 17), ("ann-able", 16),
                                                                         ("cyd-cole", 4)]
    assert [r["slug"] for r in data["teams"]][0] == "blue-team"


def test_asking_for_what_does_not_exist_is_a_clear_error():
    for args, words in [(("--after-round", "7"), "rounds with results: 1, 2"),
                        (("--class", "Z"), "classes: A, B"),
                        (("--season", "1999"), "seasons with results: cup 2024")]:
        result = run(*args)
        assert result.exit_code == 2
        assert words in result.output, result.output


def test_published_data_files(demo_site):
    index = json.loads((demo_site / "data" / "index.json").read_text(encoding="utf-8"))
    seasons = {(s["championship"], s["season"]): s for s in index["seasons"]}
    assert set(seasons) == {("carrera-cup", "2025"), ("carrera-cup", "2026")}
    assert "standings" not in seasons[("carrera-cup", "2026")]  # no results yet
    standings = json.loads((demo_site / seasons[("carrera-cup", "2025")]["standings"]).read_text(encoding="utf-8"))
    assert standings["final"] is True and len(standings["races"]) == 16
    after_5 = next(t for t in standings["by_round"] if t["after_round"] == 5)
    pro = after_5["classes"][0]["standings"]
    assert (pro[0]["name"], pro[1]["name"], pro[1]["gap"]) == ("Riley Dickinson", "Ryan Yardley", 2)
    results = json.loads((demo_site / "data/carrera-cup/2025/results.json").read_text(encoding="utf-8"))
    qualifying = next(s for s in results["sessions"]
                      if (s["event"], s["session"]) == ("carrera-cup/2025/indianapolis", "qualifying"))
    assert qualifying["rows"][0]["best_lap"] == "1:25.015"
    calendar = json.loads((demo_site / "data/carrera-cup/2026/calendar.json").read_text(encoding="utf-8"))
    assert [r["start"] for r in calendar["rounds"]][:2] == ["2026-03-18", "2026-04-17"]


def test_the_cli_and_the_published_file_agree(demo_site):
    result = CliRunner().invoke(main, ["standings", "--config", str(ROOT / "cupsite.toml"), "--json"])
    printed = json.loads(result.output)
    published = json.loads((demo_site / "data/carrera-cup/2025/standings.json").read_text(encoding="utf-8"))
    published.pop("by_round")
    assert printed == published


def test_the_table_is_final_only_once_every_race_of_the_season_has_results(tmp_path):
    """The mini site without its round 3, its round 2 given a race 2 with no results yet: the table
    is after round 2's Race 1, not final (the command, the JSON and the page), and the title
    stays open, since race 2 can still pay 10 points; with race 2 off the calendar it is final."""
    from bs4 import BeautifulSoup

    from cupsite.build import build

    from .conftest import copy_site

    site = copy_site(SITES / "mini", tmp_path / "site")
    season = site / "content/results/cup/2024/season.yaml"
    calendar = season.read_text(encoding="utf-8").split("  - round: 3")[0]
    season.write_text(calendar.replace(
        "      - {slug: race-1, name: Race 1, type: race, start: 2024-05-10 15:00, points_factor: 0.5}\n",
        "      - {slug: race-1, name: Race 1, type: race, start: 2024-05-10 15:00, points_factor: 0.5}\n"
        "      - {slug: race-2, name: Race 2, type: race, start: 2024-05-11 11:00}\n"), encoding="utf-8")
    for story in (site / "content/articles").iterdir():
        story.write_text(story.read_text(encoding="utf-8").replace("event: 2024/gamma\n", ""), encoding="utf-8")
    config = str(site / "cupsite.toml")

    def told(*args):
        result = CliRunner().invoke(main, ["standings", "--config", config, *args])
        assert result.exit_code == 0, result.output
        return result.output

    def page_says(output):
        soup = BeautifulSoup((output / "cup/2024/standings/index.html").read_text(encoding="utf-8"), "html.parser")
        return [p.get_text(" ", strip=True) for p in soup.select("main p")]

    assert told().splitlines()[0] == "Mini Cup 2024, after round 2, Race 1"
    assert json.loads(told("--json"))["final"] is False
    output = build(site / "cupsite.toml", output=tmp_path / "open").output
    says = page_says(output)
    assert "After round 2, Race 1: 3 races." in says
    assert "Can still win the title: Bob Baker , Ann Able" in says  # 20 and 18 points: race 2 decides

    season.write_text(calendar, encoding="utf-8")
    assert told().splitlines()[0] == "Mini Cup 2024, after round 2 (final)"
    assert json.loads(told("--json"))["final"] is True
    final = build(site / "cupsite.toml", output=tmp_path / "final").output
    assert "After round 2 (final): 3 races." in page_says(final)
