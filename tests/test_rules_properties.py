"""Properties of the standings engine that hold for any results (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cupsite.model import Entry
from cupsite.rules import PointsSystem

from .test_rules import SOURCE, season_of

CARS = (1, 2, 3, 4, 5, 6)
RULES = PointsSystem({"race": (25, 18, 15, 12, 10, 8)})
races_strategy = st.lists(st.permutations(CARS), min_size=1, max_size=6)


def entries(names: dict[int, str], order=CARS):
    return tuple(Entry(str(n), "A", f"team-{names[n]}", (names[n],), False, SOURCE) for n in order)


def final(races, names=None, order=CARS, rules=RULES):
    names = names or {n: f"d{n}" for n in CARS}
    tables = season_of([list(r) for r in races], rules, entries=entries(names, order))
    return dict(tables.final.drivers)["A"]


@settings(max_examples=60, deadline=None)
@given(races_strategy)
def test_the_table_shares_out_exactly_the_points_awarded(races):
    awarded = sum(RULES.points("race", position) for race in races for position in range(1, len(race) + 1))
    assert sum(row.points for row in final(races)) == awarded


@settings(max_examples=60, deadline=None)
@given(races_strategy, st.permutations(CARS), st.permutations([f"n{i}" for i in range(6)]))
def test_renaming_drivers_and_reordering_the_entry_list_change_nothing(races, order, new_names):
    before = [(r.position, r.key, r.points, r.tied) for r in final(races)]
    rename = dict(zip(CARS, new_names, strict=True))
    after = final(races, {n: rename[n] for n in CARS}, order)
    by_old_name = {f"d{n}": rename[n] for n in CARS}
    assert sorted((p, by_old_name[k], pts, tied) for p, k, pts, tied in before) == sorted(
        (r.position, r.key, r.points, r.tied) for r in after)


@settings(max_examples=60, deadline=None)
@given(races_strategy)
def test_countback_orders_every_pair_whose_results_differ(races):
    rows = final(races)
    for a in rows:
        for b in rows:
            if a.key >= b.key:
                continue
            same_results = a.points == b.points and sorted(a.finishes) == sorted(b.finishes)
            assert (a.position == b.position) == same_results, (a, b)
            assert a.tied == b.tied or not same_results


_MINI_RACE = "content/results/cup/2024/alpha/race-1.yaml"


@settings(max_examples=10, deadline=None)
@given(st.permutations(range(5)))
def test_the_order_of_rows_in_a_classification_file_changes_nothing(order):
    import shutil
    import tempfile
    from pathlib import Path

    from cupsite.build import prepare
    from cupsite.config import load_config

    from .conftest import SITES

    def tables_of(site: Path):
        _, tables = prepare(load_config(site / "cupsite.toml"))
        final = tables.season("cup", "2024").final
        return [(code, [(r.key, r.points, r.position) for r in rows]) for code, rows in final.drivers]

    with tempfile.TemporaryDirectory() as folder:
        site = Path(shutil.copytree(SITES / "mini", Path(folder) / "site"))
        expected = tables_of(site)
        path = site / _MINI_RACE
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join([header, *(rows[i] for i in order)]) + "\n", encoding="utf-8")
        assert tables_of(site) == expected
