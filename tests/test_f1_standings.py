"""The standings engine against published tables: four real Formula 1 seasons (2009-2012).

The shared data (Ergast CSV tables) is turned into a cupsite site by scripts/convert/ergast.py,
with each season's rules from tests/fixtures/realdata/ergast/rules.yaml, and built through the
real CLI; the final tables must match the published ones, which come with the data."""

from __future__ import annotations

import pytest

from scripts.convert.ergast import ErgastData, published_standings

from .conftest import SHARED_DATA
from .real_standings import RULES, assert_drivers_match, assert_teams_match, converted_tables

F1 = SHARED_DATA / "f1-2009-2012"

pytestmark = pytest.mark.skipif(not F1.is_dir(), reason="shared/data is not beside the repository")


@pytest.mark.parametrize("year", [2009, 2010, 2011, 2012])
def test_final_tables_match_the_published_ones(tmp_path, year):
    """Expected: driver_standings_final.csv and constructor_standings_final.csv of the shared data
    (points, wins, positions as published); cupsite sees only finishing orders and the rules."""
    data = ErgastData(F1)
    tables = converted_tables(data, year, tmp_path)
    assert tables["final"] is True
    published = published_standings(data, year, RULES[year])
    assert_drivers_match(tables, published)
    assert_teams_match(tables, published)
