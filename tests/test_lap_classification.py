"""A race's classification worked out from its per-lap export (cupsite/lap_classification.py),
on small races worked out by hand, and a property over random ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cupsite.lap_classification import classification_from_laps
from cupsite.laps import analyse
from cupsite.model import Lap


def car_laps(car: int | str, times: list[float]) -> list[Lap]:
    """One car's laps from its lap times; elapsed is their running sum."""
    laps, elapsed = [], 0.0
    for number, time in enumerate(times, start=1):
        elapsed += time
        laps.append(Lap(str(car), number, time, elapsed, flag="GF"))
    return laps


# Ten laps, two classes (P: 1, 2, 3; G: 4, 5). Elapsed at each car's last lap:
#   car 1: 10 x 100                                   -> 10 laps, 1000 (the flag falls here)
#   car 2: 95, 101, 101, 101, 101, 101.5, 101, 101, 101, 101.5
#          = 95, 196, 297, 398, 499, 600.5, 701.5, 802.5, 903.5, 1005  -> 10 laps, 1005, took the flag
#   car 3: 4 x 102 = 408, then stopped                -> 4 laps, dnf (408 is before 1000)
#   car 4: 9 x 120 = 1080 (8 laps = 960 were before the flag) -> 9 laps, took the flag: 1 lap down
#   car 5: 5 x 121 = 605, then a 400 s lap in the pits = 1005 -> 6 laps, running at the flag
# Laps led: car 2 is ahead of car 1 after laps 1-5 (499 < 500), car 1 after laps 6-10 (600 < 600.5).
CLASSES = {"1": "P", "2": "P", "3": "P", "4": "G", "5": "G"}
RACE = (car_laps(1, [100] * 10) + car_laps(2, [95, 101, 101, 101, 101, 101.5, 101, 101, 101, 101.5])
        + car_laps(3, [102] * 4) + car_laps(4, [120] * 9) + car_laps(5, [121] * 5 + [400]))


def rows_of(laps, min_distance=0.0, classes=CLASSES):
    return classification_from_laps(analyse(laps, classes), min_distance)


def test_order_status_gaps_and_times_worked_out_by_hand():
    """Without a minimum distance every car running at the flag is classified, by laps then by
    when it crossed the line: 1 (10 laps, 1000 s), 2 (10, 1005 s: +5.000), 4 (9: +1 Lap),
    5 (6: +4 Laps, 3 laps behind car 4); then car 3, retired after 4 laps (+6 Laps)."""
    rows = rows_of(RACE)
    assert [(r.position, r.car, r.status, r.laps) for r in rows] == [
        (1, "1", "classified", 10), (2, "2", "classified", 10), (3, "4", "classified", 9),
        (4, "5", "classified", 6), (5, "3", "dnf", 4)]
    assert [(r.gap, r.interval) for r in rows] == [
        ("", ""), ("+5.000", "+5.000"), ("+1 Lap", "+1 Lap"), ("+4 Laps", "+3 Laps"), ("+6 Laps", "")]
    # total time: the crossing at the end of its last lap (1000 s = 16:40.000, 408 s = 6:48.000)
    assert [r.time for r in rows] == ["16:40.000", "16:45.000", "18:00.000", "16:45.000", "6:48.000"]


def test_a_running_car_short_of_the_minimum_distance_is_not_classified():
    """min_distance 0.75: class G's winner (car 4) covered 9 laps, so 6.75 are needed; car 5's 6
    are not enough: it is not classified, and follows the classified cars (before car 3, which
    covered fewer laps). Class P's winner covered 10: car 3 would need 7.5, but it retired anyway."""
    rows = rows_of(RACE, min_distance=0.75)
    assert [(r.position, r.car, r.status) for r in rows] == [
        (1, "1", "classified"), (2, "2", "classified"), (3, "4", "classified"), (4, "5", "nc"), (5, "3", "dnf")]
    assert (rows[3].gap, rows[3].interval) == ("+4 Laps", "")
    # the share is of its own class winner's laps: 0.65 x 9 = 5.85 (not 0.65 x 10 = 6.5), and car 5 covered 6
    assert rows_of(RACE, min_distance=0.65)[3].status == "classified"
    # 6.3 needed at 0.7: not classified
    assert rows_of(RACE, min_distance=0.7)[3].status == "nc"


def test_best_laps_and_laps_led_worked_out_by_hand():
    """Car 2's 95 s first lap is its fastest but lap 1 never counts: its best is 101 on lap 2
    (the first of its 101 s laps). Car 1 ran 100 s laps throughout: lap 2 is the first that
    counts. Laps led as in the comment above RACE: 5 each for cars 1 and 2."""
    rows = {int(r.car): r for r in rows_of(RACE)}
    assert [(car, rows[car].best, rows[car].best_lap) for car in (1, 2, 3, 4, 5)] == [
        (1, "1:40.000", 2), (2, "1:41.000", 2), (3, "1:42.000", 2), (4, "2:00.000", 2), (5, "2:01.000", 2)]
    assert {car: row.laps_led for car, row in rows.items()} == {1: 5, 2: 5, 3: 0, 4: 0, 5: 0}


def test_a_car_with_only_lap_1_has_no_best_lap():
    """Car 9 stopped after one 98 s lap: it retired (98 s is before the flag at 200 s) and has
    no best lap, since lap 1 never is one."""
    rows = rows_of(car_laps(8, [100, 100]) + car_laps(9, [98]), classes={})
    assert [(r.car, r.status, r.best, r.best_lap) for r in rows] == [("8", "classified", "1:40.000", 2),
                                                                   ("9", "dnf", "", None)]


def test_equal_crossings_go_to_the_car_first_in_number_order_whatever_the_export_order():
    """Cars 12 and 11 both end lap 2 at 200 s: 11 is ahead, and the interval is +0.000."""
    rows = rows_of(car_laps(12, [100, 100]) + car_laps(11, [99, 101]), classes={})
    assert [(r.car, r.gap) for r in rows] == [("11", ""), ("12", "+0.000")]


def test_gaps_past_a_minute_are_written_in_minutes():
    """Car 2 ends its 2 laps 116.119 s after car 1 (200 + 116.119): +1:56.119."""
    rows = rows_of(car_laps(1, [100, 100]) + car_laps(2, [100, 216.119]), classes={})
    assert rows[1].gap == "+1:56.119"


def test_no_laps_no_rows():
    assert rows_of([]) == ()


@st.composite
def races(draw):
    """Up to eight cars in two classes; each runs laps of 80-120 s until it stops or the race
    has run 600 s, a car that stops at a random lap retires."""
    laps = []
    for car in range(1, draw(st.integers(1, 8)) + 1):
        times = draw(st.lists(st.floats(80, 120).map(lambda t: round(t, 3)), min_size=1, max_size=8))
        laps += car_laps(car, times)
    return laps


@settings(max_examples=150, deadline=None)
@given(races(), st.sampled_from([0.0, 0.5, 0.75, 1.0]))
def test_worked_out_classifications_are_always_possible_ones(laps, min_distance):
    """Whatever the laps: every car is listed once, positions run 1..n, the classified cars come
    first and none has fewer laps than a classified car below it (nor among the others), and no
    car's best lap is lap 1."""
    rows = rows_of(laps, min_distance, classes={str(car): "AB"[car % 2] for car in range(1, 9)})
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    assert sorted(r.car for r in rows) == sorted({lap.car for lap in laps})
    statuses = [r.status for r in rows]
    assert statuses == sorted(statuses, key=lambda s: s != "classified")
    for group in ([r for r in rows if r.status == "classified"], [r for r in rows if r.status != "classified"]):
        assert all(above.laps >= below.laps for above, below in zip(group, group[1:], strict=False))
    assert all(r.best_lap != 1 for r in rows)
    assert rows[0].status == "classified"  # the overall leader always took the flag


def test_where_a_finish_does_not_need_the_flag_a_car_that_stopped_is_classified_on_its_laps():
    """needs_flag = false (F1's and IMSA's reading): car 3 stopped after 4 laps (408 s, before
    the flag at 1000 s). With no minimum distance it is classified, fifth on its 4 laps; with
    min_distance 0.4 it needs 0.4 x 10 = 4 laps and has them; with 0.5 it needs 5 and retired.
    Car 5 (running, 6 laps) needs 0.5 x 9 = 4.5 in class G and stays classified."""
    assert [(r.car, r.status) for r in classification_from_laps(analyse(RACE, CLASSES), 0.0, False)] == [
        ("1", "classified"), ("2", "classified"), ("4", "classified"), ("5", "classified"), ("3", "classified")]
    assert [(r.car, r.status) for r in classification_from_laps(analyse(RACE, CLASSES), 0.4, False)][-1] == \
        ("3", "classified")
    assert [(r.car, r.status) for r in classification_from_laps(analyse(RACE, CLASSES), 0.5, False)] == [
        ("1", "classified"), ("2", "classified"), ("4", "classified"), ("5", "classified"), ("3", "dnf")]


def test_a_car_that_stopped_near_the_end_goes_ahead_of_the_cars_it_had_lapped_unless_the_flag_is_needed():
    """Car 3 stops after 9 laps of 102 s (918 s, before the flag at 1000 s). Car 4 (class G) also
    has 9 laps but crossed the line later (1080 s). Without the flag needed, car 3 is third
    overall, ahead of car 4; with the flag needed (the default), it retired and comes last."""
    race = [lap for lap in RACE if lap.car != "3"] + car_laps(3, [102] * 9)
    assert [r.car for r in classification_from_laps(analyse(race, CLASSES), 0.0, False)] == ["1", "2", "3", "4", "5"]
    rows = classification_from_laps(analyse(race, CLASSES))
    assert [(r.car, r.status) for r in rows][-1] == ("3", "dnf")
    assert [r.car for r in rows] == ["1", "2", "4", "5", "3"]
