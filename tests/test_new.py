"""`cupsite new`: stories and classifications started with what is known, never overwriting."""

from __future__ import annotations

from click.testing import CliRunner

from cupsite.build import build
from cupsite.cli import main
from cupsite.yamlio import load_yaml

from .conftest import SITES, copy_site


def run(site, *args):
    return CliRunner().invoke(main, ["new", *args, "--config", str(site / "cupsite.toml")])


def test_new_article_fills_the_front_matter_and_refuses_to_overwrite(tmp_path, monkeypatch):
    site = copy_site(SITES / "mini", tmp_path / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717754400")  # 7 June 2024, 10:00 UTC = 11:00 in London
    result = run(site, "article", "Cole takes Gamma pole", "--event", "2024/gamma", "--driver", "Cyd Cole")
    assert result.exit_code == 0, result.output
    path = site / "content/articles/2024-06-07-cole-takes-gamma-pole.md"
    front = load_yaml(path.read_text(encoding="utf-8").split("---\n")[1])
    assert front["date"] == "2024-06-07 11:00" and front["event"] == "2024/gamma"
    assert front["drivers"] == ["Cyd Cole"] and front["draft"] is True
    again = run(site, "article", "Cole takes Gamma pole")
    assert again.exit_code == 1 and "already exists" in again.output
    assert build(site / "cupsite.toml").output  # the new draft builds (and is left out)


def test_new_results_lists_the_entry_list_in_car_number_order(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    result = run(site, "results", "2024/gamma", "race-1")
    assert result.exit_code == 0, result.output
    path = site / "content/results/cup/2024/gamma/race-1.yaml"
    rows = load_yaml(path.read_text(encoding="utf-8"))["results"]
    assert [(r["pos"], r["car"]) for r in rows] == [(1, 1), (2, 2), (3, 3), (4, 7), (5, 8)]
    assert "# Dee Dunn / Eve Ernst, B" in path.read_text(encoding="utf-8")
    assert run(site, "results", "2024/gamma", "race-1").exit_code == 1  # never overwritten
    unknown = run(site, "results", "2024/gamma", "race-9")
    assert unknown.exit_code == 1 and "sessions: race-1" in unknown.output


def test_new_event_adds_a_round_that_builds(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    result = run(site, "event", "cup/2024", "--round", "4", "--name", "Delta", "--track", "Delta Downs",
                 "--start", "2024-07-05", "--end", "2024-07-06", "--timezone", "Europe/Paris")
    assert result.exit_code == 0, result.output
    output = build(site / "cupsite.toml").output
    page = (output / "cup/2024/delta/index.html").read_text(encoding="utf-8")
    assert "Delta 2024" in page and "Round 4 of 4" in page
    assert (output / "tracks/delta-downs/index.html").is_file()
    again = run(site, "event", "cup/2024", "--round", "4", "--name", "Delta", "--track", "Delta Downs",
                "--start", "2024-07-05", "--end", "2024-07-06", "--timezone", "Europe/Paris")
    assert again.exit_code == 1 and "already has round 4" in again.output
    bad = run(site, "event", "cup/2024", "--round", "5", "--name", "Echo", "--track", "E", "--start", "5 July",
              "--end", "2024-07-06", "--timezone", "Europe/Paris")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output
