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
    assert unknown.exit_code == 2 and "sessions: race-1" in unknown.output


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


def test_new_results_for_a_round_without_sessions_says_where_to_add_them(tmp_path):
    """`new event` writes a round without sessions; its results could only be refused with an
    empty list of the sessions there are ("sessions: ")."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    added = run(site, "event", "cup/2024", "--round", "4", "--name", "Delta", "--track", "Delta Downs",
                "--start", "2024-07-05", "--end", "2024-07-06", "--timezone", "Europe/Paris")
    assert added.exit_code == 0, added.output
    result = run(site, "results", "cup/2024/delta", "race-1")
    assert result.exit_code == 2, result.output
    assert "round 4 (Delta) has no sessions yet" in result.output
    assert "`sessions:` in content/results/cup/2024/season.yaml" in result.output
    assert not (site / "content/results/cup/2024/delta").exists()


def articles(site):
    return sorted(path.name for path in (site / "content/articles").iterdir())


def test_new_results_before_the_entry_list_is_refused_and_writes_nothing(tmp_path):
    """With no entry list there are no cars to list: the file written was an empty `results:`
    that stopped every later command. Now nothing is written, with what to add."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "content/results/cup/2024/entries.yaml").unlink()
    for path in [*(site / "content/results/cup/2024").glob("*/*.yaml"), *(site / "content/articles").iterdir()]:
        path.unlink()  # what named the entry list's cars
    assert build(site / "cupsite.toml").output
    result = run(site, "results", "2024/gamma", "race-1")
    assert result.exit_code == 2, result.output
    assert "the season cup/2024 has no entry list yet" in result.output
    assert "Add content/results/cup/2024/entries.yaml" in result.output
    assert not (site / "content/results/cup/2024/gamma").exists()
    assert build(site / "cupsite.toml").output  # still builds


def test_new_results_refuses_a_second_classification_of_a_session(tmp_path):
    """An official export of the session is its classification already: a skeleton beside it
    would make two, which stops the build."""
    from .test_import import BETA_RACE

    site = copy_site(SITES / "mini", tmp_path / "site")
    export = site / "content/results/cup/2024/gamma/race-1.csv"
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_bytes(BETA_RACE.encode("utf-8"))
    result = run(site, "results", "2024/gamma", "race-1")
    assert result.exit_code == 2, result.output
    assert "content/results/cup/2024/gamma/race-1.csv is the classification of race-1 already" in result.output
    assert [path.name for path in export.parent.iterdir()] == ["race-1.csv"]


def test_new_results_checks_its_event(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    typo = run(site, "results", "2024/gamam", "race-1")
    assert typo.exit_code == 2 and "did you mean 'cup/2024/gamma'?" in typo.output
    unknown = run(site, "results", "2031/monaco", "race-1")
    assert unknown.exit_code == 2 and "no event '2031/monaco'; events: cup/2024/alpha" in unknown.output
    assert not (site / "content/results/cup/2024/gamma/race-1.yaml").exists()


def test_new_article_refuses_a_driver_name_close_to_a_known_one(tmp_path):
    """'Bob Bakker' is most likely Bob Baker mistyped: refused with the name meant, nothing
    written; --new-name takes it as a new driver."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    before = articles(site)
    result = run(site, "article", "Baker again", "--driver", "Bob Bakker", "--driver", "Cyd Cole")
    assert result.exit_code == 2, result.output
    assert "'Bob Bakker' is no driver of the site: did you mean 'Bob Baker'?" in result.output
    assert "Started" not in result.output and articles(site) == before
    taken = run(site, "article", "Baker again", "--driver", "Bob Bakker", "--new-name")
    assert taken.exit_code == 0, taken.output
    assert "'Bob Bakker' matches no driver yet" in taken.output


def test_new_article_writes_a_new_name_and_says_it_matches_nothing_yet(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    result = run(site, "article", "A new face", "--driver", "Quentin Zwolinski", "--team", "Orange Team",
                 "--driver", "bob-baker")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Started ") and lines[0].endswith("-a-new-face.md")
    assert lines[1:] == ["note: 'Quentin Zwolinski' matches no driver yet: add content/drivers/quentin-zwolinski.md, "
                         "or the driver to a season's entries.yaml; until then `cupsite check` reports it as "
                         "unknown",
                         "note: 'Orange Team' matches no team yet: add content/teams/orange-team.md, or the team "
                         "to a season's entries.yaml; until then `cupsite check` reports it as unknown"]


def test_new_article_refuses_a_team_or_an_event_close_to_a_known_one(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    before = articles(site)
    team = run(site, "article", "Red again", "--team", "Red Teem")
    assert team.exit_code == 2 and "'Red Teem' is no team of the site: did you mean 'Red Team'?" in team.output
    event = run(site, "article", "Gamma preview", "--event", "2024/gama")
    assert event.exit_code == 2 and "'2024/gama' is no event of the site: did you mean 'cup/2024/gamma'?" \
        in event.output
    assert articles(site) == before
    later = run(site, "article", "Next year", "--event", "2031/monaco")
    assert later.exit_code == 0, later.output
    assert "note: the event '2031/monaco' matches no round yet: add it with `cupsite new event`" in later.output
    known = run(site, "article", "Gamma preview", "--event", "2024/gamma", "--team", "Red Team")
    assert known.exit_code == 0 and "note:" not in known.output
