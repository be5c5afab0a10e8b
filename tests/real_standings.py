"""Helpers for the tests that hold cupsite's tables against real published ones.

A season is converted by scripts/convert/ergast.py, built through the real CLI (`cupsite standings
--json`), and compared with the source's own standings files: never with figures from cupsite."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cupsite.cli import main
from scripts.convert.common import PublishedStandings, SeasonRules, load_rules
from scripts.convert.ergast import ErgastData, write_site

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT / "tests" / "fixtures" / "realdata"
ERGAST_FIXTURES = REALDATA / "ergast"
RULES = load_rules(ERGAST_FIXTURES / "rules.yaml")


def standings_json(config: Path, year: int, after_round: int | None = None) -> dict:
    """The tables exactly as `cupsite standings --json` prints them."""
    arguments = ["standings", "--config", str(config), "--season", str(year), "--json"]
    if after_round is not None:
        arguments += ["--after-round", str(after_round)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def converted_tables(data: ErgastData, year: int, site: Path, after_round: int | None = None) -> dict:
    config = write_site(data, year, RULES.get(year, SeasonRules()), site)
    return standings_json(config, year, after_round)


def assert_drivers_match(tables: dict, published: PublishedStandings) -> None:
    """Points and wins for every driver; the position of every driver who scored. Those who scored
    nothing must come after all who did (their order among themselves follows rules the data lacks)."""
    (only_class,) = tables["classes"]
    computed = {row["name"]: row for row in only_class["standings"]}
    assert sorted(computed) == sorted(row.name for row in published.drivers)
    scorers = sum(1 for row in published.drivers if row.points > 0)
    for row in published.drivers:
        mine = computed[row.name]
        assert (mine["points"], mine["wins"]) == (row.points, row.wins), row.name
        if row.points > 0:
            assert (mine["position"], mine["tied"]) == (row.position, False), row.name
        else:
            assert mine["position"] > scorers, row.name


def assert_teams_match(tables: dict, published: PublishedStandings, unpublished: tuple[str, ...] = ()) -> None:
    """Points for every team in the published table, and the position of every team that scored.
    `unpublished` names teams cupsite shows that the published table leaves out."""
    computed = {row["name"]: row for row in tables["teams"]}
    assert sorted(computed) == sorted([row.name for row in published.teams] + list(unpublished))
    for row in published.teams:
        assert computed[row.name]["points"] == row.points, row.name
        if row.points > 0:
            assert computed[row.name]["position"] == row.position, row.name
