"""A race lap by lap (cupsite/laps.py), on small lap lists worked out by hand."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from cupsite.laps import analyse, is_neutralised
from cupsite.model import Lap


def car_laps(car: str, times: list[float], flags: list[str] | None = None) -> list[Lap]:
    """One car's laps from its lap times; elapsed is their running sum."""
    laps, elapsed = [], 0.0
    for number, time in enumerate(times, start=1):
        elapsed += time
        laps.append(Lap(car, number, time, elapsed, flag=flags[number - 1] if flags else "GF"))
    return laps


# Four laps, two classes. Elapsed at the end of each lap:
#   car 7 (P): 90, 181, 276, 368        car 9 (G): 95, 189, 283 (stops after lap 3)
#   car 8 (P): 91, 181, 274, 364        car 10 (G): 96, 191, 284, 378
# Lap 1: 7, 8, 9, 10.  Lap 2: 7 and 8 level on 181, the lower number first: 7, 8, 9, 10.
# Lap 3: 8 passes 7 (274 against 276): 8, 7, 9, 10.  Lap 4: 8, 7, 10; 9 has stopped.
# The leader's flags: lap 1 car 7 GF, lap 2 car 7 FCY, lap 3 car 8 SC, lap 4 car 8 FF (the
# chequered flag), so laps 2 and 3 were neutralised. Car 7's own YF on lap 4 is not the leader's.
CLASSES = {"7": "P", "8": "P", "9": "G", "10": "G"}
RACE = (car_laps("7", [90, 91, 95, 92], ["GF", "FCY", "FCY", "YF"])
        + car_laps("8", [91, 90, 93, 90], ["GF", "GF", "SC", "FF"])
        + car_laps("9", [95, 94, 94], ["GF", "GF", "FCY"])
        + car_laps("10", [96, 95, 93, 94]))


def test_positions_after_an_overtake_on_lap_3():
    race = analyse(RACE, CLASSES)
    assert race.laps == 4
    assert [car.car for car in race.cars] == ["7", "8", "9", "10"]
    assert race.car("7").positions == (1, 1, 2, 2)
    assert race.car("8").positions == (2, 2, 1, 1)
    assert race.car("10").positions == (4, 4, 4, 3)


def test_equal_elapsed_times_go_to_the_car_first_in_number_order():
    race = analyse(RACE, CLASSES)
    assert race.car("7").positions[1] == 1 and race.car("8").positions[1] == 2  # both 181 s after lap 2


def test_a_retired_car_has_no_position_after_it_stopped():
    race = analyse(RACE, CLASSES)
    nine = race.car("9")
    assert nine.completed == 3
    assert nine.positions == (3, 3, 3, None)
    assert nine.class_positions == (1, 1, 1, None)
    assert not nine.took_chequered_flag
    # The flag fell at 364 s (car 8's fourth lap); cars 7 and 10 crossed after it.
    assert [car.took_chequered_flag for car in race.cars] == [True, True, False, True]


def test_class_positions_rank_each_class_on_its_own():
    race = analyse(RACE, CLASSES)
    assert race.car("7").class_positions == (1, 1, 2, 2)
    assert race.car("8").class_positions == (2, 2, 1, 1)
    assert race.car("10").class_positions == (2, 2, 2, 1)  # first in G once car 9 has stopped
    assert [car.car_class for car in race.cars] == ["P", "P", "G", "G"]


def test_laps_led_overall_and_in_class():
    race = analyse(RACE, CLASSES)
    assert {car.car: car.led for car in race.cars} == {"7": 2, "8": 2, "9": 0, "10": 0}
    assert {car.car: car.led_in_class for car in race.cars} == {"7": 2, "8": 2, "9": 3, "10": 1}


def test_fastest_lap_is_the_first_of_equal_best_times():
    race = analyse(RACE, CLASSES)
    assert (race.car("7").fastest, race.car("7").fastest_lap) == (91, 2)  # its 90 on lap 1 is never a best lap
    assert (race.car("8").fastest, race.car("8").fastest_lap) == (90, 2)  # 90 on laps 2 and 4
    assert (race.car("9").fastest, race.car("9").fastest_lap) == (94, 2)  # 94 on laps 2 and 3
    assert (race.car("10").fastest, race.car("10").fastest_lap) == (93, 3)


def test_a_zero_lap_time_is_no_fastest_lap():
    race = analyse([Lap("1", 1, 0.0, 100.0), Lap("1", 2, 99.5, 199.5)], {})
    assert (race.car("1").fastest, race.car("1").fastest_lap) == (99.5, 2)


def test_neutralised_laps_follow_the_leaders_flag():
    race = analyse(RACE, CLASSES)
    assert race.neutralised == (2, 3)
    assert race.car("7").neutralised == (2, 3, 4)  # its own flags, the local yellow included
    assert race.car("8").neutralised == (3,)


def test_which_flags_neutralise_a_lap():
    assert not is_neutralised("GF")
    assert not is_neutralised("")
    assert not is_neutralised(" gf ")
    assert not is_neutralised("FF")
    assert all(is_neutralised(flag) for flag in ("FCY", "SC", "YF", "RF", "sc", "VSC"))


def test_a_lap_missing_from_the_export_leaves_a_gap():
    # Elapsed: car 1 100, 200, 300, 400; car 2 101, 202, (lap 3 missing), 398; car 3 105, 210, 315, 420.
    # Lap 3 ranks only cars 1 and 3; on lap 4 car 2 is ahead (398 against 400).
    laps = [Lap("1", n, 100, 100 * n) for n in (1, 2, 3, 4)]
    laps += [Lap("2", 1, 101, 101), Lap("2", 2, 101, 202), Lap("2", 4, 98, 398)]
    laps += [Lap("3", n, 105, 105 * n) for n in (1, 2, 3, 4)]
    race = analyse(laps, {})
    assert race.car("2").positions == (2, 2, None, 1)
    assert race.car("2").completed == 4
    assert race.car("2").led == 1
    assert race.car("3").positions == (3, 3, 2, 3)
    assert race.car("1").positions == (1, 1, 1, 2)


def test_cars_without_a_class_are_ranked_together():
    race = analyse(RACE, {"7": "P"})
    assert [car.car_class for car in race.cars] == ["P", "", "", ""]
    assert race.car("7").class_positions == (1, 1, 1, 1)
    assert race.car("8").class_positions == (1, 1, 1, 1)  # first of the cars without a class
    assert race.car("9").class_positions == (2, 2, 2, None)


def test_the_order_of_the_export_does_not_matter():
    shuffled = list(RACE)
    random.Random(4).shuffle(shuffled)
    assert analyse(shuffled, CLASSES) == analyse(RACE, CLASSES)


def test_lap_zero_is_not_a_race_lap():
    race = analyse([Lap("5", 0, 120, 120), *car_laps("5", [90, 91])], {})
    assert race.laps == 2
    assert race.car("5").positions == (1, 1)


def test_lookup_and_an_empty_race():
    race = analyse(RACE, CLASSES)
    assert race.car("11") is None and race.car("1") is None
    empty = analyse([], {})
    assert (empty.laps, empty.cars, empty.neutralised) == (0, (), ())
    assert empty.car("7") is None


def marked_laps(car: str, times: list[float], marks: list[int]) -> list[Lap]:
    """car_laps with a LAP_IMPROVEMENT mark on each lap."""
    return [replace(lap, improvement=mark) for lap, mark in zip(car_laps(car, times), marks, strict=True)]


def test_the_timing_marks_say_which_lap_is_the_best():
    """Car 3's laps: 92 (lap 1), 90.5 marked, 90.8, 90.2 unmarked (deleted for track limits, its
    time kept), 90.4 marked. The marks win: lap 5, 90.4, though lap 4 was faster. Car 4: marks
    on laps 2 and 3 (personal bests so far: 91, then 90.9): the last mark, lap 3, is the best."""
    race = analyse(marked_laps("3", [92, 90.5, 90.8, 90.2, 90.4], [0, 2, 0, 0, 2])
                   + marked_laps("4", [93, 91, 90.9, 91.2, 91.5], [0, 1, 1, 0, 0]), {})
    assert (race.car("3").fastest, race.car("3").fastest_lap) == (90.4, 5)
    assert (race.car("4").fastest, race.car("4").fastest_lap) == (90.9, 3)


def test_a_mark_on_lap_1_or_on_a_lap_without_a_time_does_not_count():
    """Car 5's marks: lap 1 (89, the fastest) and lap 4 (time 0, not measured): neither counts,
    so the mark on lap 2 (91) does. Car 6 has only a mark on lap 1: no best lap at all, since
    the session has marks and none of car 6's counts (the timing system gives it none)."""
    race = analyse(marked_laps("5", [89, 91, 90.5, 0], [2, 1, 0, 2]) + marked_laps("6", [88, 92, 93], [2, 0, 0]), {})
    assert (race.car("5").fastest, race.car("5").fastest_lap) == (91, 2)
    assert (race.car("6").fastest, race.car("6").fastest_lap) == (None, None)


def test_an_export_whose_marks_are_all_zero_is_read_by_the_times():
    """Every mark 0 (a system that does not fill the column): the fastest lap from lap 2, 90.1 on lap 3."""
    race = analyse(marked_laps("7", [89, 90.6, 90.1, 90.3], [0, 0, 0, 0]), {})
    assert (race.car("7").fastest, race.car("7").fastest_lap) == (90.1, 3)


def test_lap_1_is_never_a_best_lap_even_when_it_is_the_fastest():
    """Without marks, car 8's 85.0 on lap 1 (faster than any other lap) is passed over: 90.0 on lap 3."""
    race = analyse(car_laps("8", [85.0, 90.2, 90.0, 90.0]), {})
    assert (race.car("8").fastest, race.car("8").fastest_lap) == (90.0, 3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 200).map(lambda t: round(t, 3)), st.sampled_from([0, 0, 0, 1, 2, 3])),
                min_size=1, max_size=12))
def test_a_best_lap_is_never_lap_1_and_always_a_timed_lap(laps):
    """With or without marks, whatever the times: the best lap, if any, is a lap from 2 on with a
    time, and without marks no counted lap is faster."""
    times, marks = [t for t, _ in laps], [m for _, m in laps]
    for car in (marked_laps("1", times, marks), car_laps("1", times)):
        best = analyse(car, {}).car("1")
        if best.fastest_lap is not None:
            assert best.fastest_lap >= 2 and best.fastest == times[best.fastest_lap - 1] > 0
    plain = analyse(car_laps("1", times), {}).car("1")
    assert plain.fastest is None or plain.fastest == min(t for t in times[1:] if t > 0)
