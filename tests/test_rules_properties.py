"""Properties of the standings engine that hold for any results (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cupsite.model import Entry
from cupsite.rules import Bonus, PointsSystem

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


# --- issue 21: the fastest lap's holder, adjustments, divided shares ----------------------------

def _laps_and_statuses():
    """Six cars with distinct best laps in any order, each classified or retired."""
    return st.tuples(st.permutations(range(6)), st.lists(st.sampled_from(["classified", "dnf"]), min_size=6,
                                                         max_size=6), st.integers(min_value=0, max_value=6))


@settings(max_examples=80, deadline=None)
@given(_laps_and_statuses())
def test_the_fastest_lap_bonus_is_all_or_nothing_and_goes_to_its_holder(case):
    from .rules_seasons import Car, entry, points, season, session

    order, statuses, top = case
    cars = [Car(str(n), statuses[n], f"1:0{order[n]}.000") for n in range(6)]
    entries = tuple(entry(str(n), f"t{n}", f"d{n}") for n in range(6))
    race = [session("race", "race", *cars)]
    plain = points(season([race], PointsSystem({"race": (25, 18, 15, 12, 10, 8)}), entries))
    bonus = points(season([race], PointsSystem({"race": (25, 18, 15, 12, 10, 8)},
                                               bonuses=(Bonus("fastest_lap", 7, top=top),)), entries))
    extra = {driver: bonus[driver] - plain[driver] for driver in plain}
    holder = f"d{order.index(0)}"
    assert sum(extra.values()) in (0, 7)
    assert all(value == 0 for driver, value in extra.items() if driver != holder)
    holder_position = order.index(0) + 1
    earns = statuses[order.index(0)] == "classified" and (not top or holder_position <= top)
    assert extra[holder] == (7 if earns else 0)


@settings(max_examples=60, deadline=None)
@given(races_strategy, st.lists(st.tuples(st.sampled_from(["team", "driver"]), st.sampled_from(CARS),
                                          st.integers(min_value=-30, max_value=30),
                                          st.integers(min_value=1, max_value=6)), max_size=4))
def test_adjustments_move_only_their_targets_by_exactly_their_points(races, items):
    from .rules_seasons import adjustment, entry, session
    from .rules_seasons import season as make_season

    rounds = [[session("race", "race", *(str(car) for car in race))] for race in races]
    cars = tuple(entry(str(n), f"team-d{n}", f"d{n}") for n in CARS)
    before = make_season(rounds, RULES, cars)
    adjustments = tuple(adjustment("team", f"team-d{car}", points, rnd, teams=[f"team-d{car}"]) if kind == "team"
                        else adjustment("driver", f"d{car}", points, rnd, drivers=[("A", f"d{car}")])
                        for kind, car, points, rnd in items)
    after = make_season(rounds, RULES, cars, adjustments=adjustments)
    for number, table in after.by_round.items():
        counted = [a for a in adjustments if a.round <= number]
        old = before.by_round[number]
        for code, rows in table.drivers:
            old_rows = {r.key: r.points for r in dict(old.drivers)[code]}
            for row in rows:
                moved = sum(a.points for a in counted if ("A", row.key) in a.drivers)
                assert row.points == old_rows[row.key] + moved
        old_teams = {r.key: r.points for r in old.teams}
        for row in table.teams:
            assert row.points == old_teams[row.key] + sum(a.points for a in counted if row.key in a.teams)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=3, max_size=3), st.permutations([0, 1, 2]))
def test_divided_shares_add_up_to_the_cars_points(crew_sizes, order):
    import pytest

    from .rules_seasons import Car, entry, season, session

    crews = {str(car): tuple(f"c{car}-{i}" for i in range(size)) for car, size in enumerate(crew_sizes)}
    entries = tuple(entry(car, f"t{car}", *crew) for car, crew in crews.items())
    race = [session("race", "race", *(Car(str(car)) for car in order))]
    tables = season([race], PointsSystem({"race": (7, 5, 3)}, shared_car="divided"), entries)
    by_driver = {row.key: row.points for row in dict(tables.final.drivers)["A"]}
    for position, car in enumerate(order):
        assert sum(by_driver[d] for d in crews[str(car)]) == pytest.approx((7, 5, 3)[position])
