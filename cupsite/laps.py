"""A race lap by lap, from its per-lap export: positions after each lap, laps led, fastest laps
and the laps run under caution.

Pure functions over `model.Lap`; everything they return is a frozen dataclass, so the results
can be cached and digested like the rest of the plan.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import Lap, car_sort_key

# Flags under which a lap counts as raced. "FF", the finish flag some Al Kamel exports give the
# last lap, is the chequered flag, not a caution.
GREEN_FLAGS = frozenset({"", "GF", "FF"})


@dataclass(frozen=True)
class CarLaps:
    car: str
    car_class: str  # "" when the car is not in the classes given to `analyse`
    completed: int  # laps completed: the number of its last lap, even if the export lacks some before it
    positions: tuple[int | None, ...]  # overall position after lap 1..N of the race; None where it has no lap
    class_positions: tuple[int | None, ...]  # position among its class, same shape
    led: int  # laps it was first across the line overall
    led_in_class: int
    fastest: float | None  # its best lap in seconds (see `best_lap`), and on which lap
    fastest_lap: int | None
    neutralised: tuple[int, ...] = ()  # laps it completed under a neutralising flag, sorted
    # It crossed the line for the last time after the overall leader had finished: it was still
    # running when the chequered flag fell (a lapped finisher does too; a car that stopped does not).
    took_chequered_flag: bool = False
    elapsed: float = 0.0  # when it crossed the line at the end of its last lap, from the start


@dataclass(frozen=True)
class RaceLaps:
    laps: int  # the most laps any car completed
    cars: tuple[CarLaps, ...]  # in the natural order of car numbers (model.car_sort_key)
    neutralised: tuple[int, ...]  # laps the overall leader completed under a neutralising flag, sorted

    def car(self, number: str) -> CarLaps | None:
        index = bisect_left(self.cars, car_sort_key(number), key=lambda car: car_sort_key(car.car))
        if index < len(self.cars) and self.cars[index].car == number:
            return self.cars[index]
        return None


def is_neutralised(flag: str) -> bool:
    """Whether a lap that ended under `flag` was run behind a safety car, full course yellow,
    local yellow or red flag: anything but green (or a blank column)."""
    return flag.strip().upper() not in GREEN_FLAGS


def best_lap(car_laps: Iterable[Lap], marked: bool) -> Lap | None:
    """A car's best lap as the timing system counts it.

    Lap 1 never is: it is timed from the start signal, so it holds the start (and often the
    whole field's first-lap bunching), not a flying lap. A lap with no time (0) never is.
    Where the export marks improvements (`marked`: some lap of the session has a LAP_IMPROVEMENT
    mark), the best lap is the car's last marked lap, even when an unmarked lap is faster: race
    control deletes laps (track limits) by taking their mark away and leaving their time, so an
    unmarked faster lap is one that does not count, and a car with no mark has no best lap.
    Without marks, it is the fastest lap (the first of equal times)."""
    counted = [lap for lap in car_laps if lap.number >= 2 and lap.time > 0]
    if marked:
        return max((lap for lap in counted if lap.improvement), key=lambda lap: lap.number, default=None)
    return min(counted, key=lambda lap: (lap.time, lap.number), default=None)


def analyse(laps: Iterable[Lap], classes: Mapping[str, str]) -> RaceLaps:
    """Positions, laps led and fastest laps of every car of one race.

    The position after lap n is the rank by elapsed time among the cars that completed lap n
    (equal times go to the car first in car-number order, so the answer never depends on the export's order).
    A lap missing from the export leaves that car out of that lap's ranking; its later laps count."""
    by_car: dict[str, dict[int, Lap]] = defaultdict(dict)
    for lap in laps:
        if lap.number >= 1:  # a lap 0 (formation or out lap) is not part of the race
            by_car[lap.car].setdefault(lap.number, lap)  # exports are checked for duplicates when read
    total = max((max(car_laps) for car_laps in by_car.values()), default=0)
    marked = any(lap.improvement for car_laps in by_car.values() for lap in car_laps.values())

    overall = {car: [None] * total for car in by_car}
    in_class = {car: [None] * total for car in by_car}
    leader_neutralised = []
    for number in range(1, total + 1):
        crossings = sorted(((car_laps[number].elapsed, car_sort_key(car), car) for car, car_laps in by_car.items()
                            if number in car_laps))
        class_counts: dict[str, int] = defaultdict(int)
        for rank, (_, _, car) in enumerate(crossings, start=1):
            overall[car][number - 1] = rank
            car_class = classes.get(car, "")
            class_counts[car_class] += 1
            in_class[car][number - 1] = class_counts[car_class]
        if crossings and is_neutralised(by_car[crossings[0][2]][number].flag):
            leader_neutralised.append(number)

    # The flag falls when the leader completes the last lap; whoever crosses after that has taken it.
    flag_falls = min((car_laps[total].elapsed for car_laps in by_car.values() if total in car_laps), default=0.0)
    cars = []
    for car in sorted(by_car, key=car_sort_key):
        car_laps = by_car[car]
        last = max(car_laps)
        best = best_lap(car_laps.values(), marked)
        cars.append(CarLaps(
            car=car,
            car_class=classes.get(car, ""),
            completed=last,
            positions=tuple(overall[car]),
            class_positions=tuple(in_class[car]),
            led=overall[car].count(1),
            led_in_class=in_class[car].count(1),
            fastest=best.time if best else None,
            fastest_lap=best.number if best else None,
            neutralised=tuple(sorted(n for n, lap in car_laps.items() if is_neutralised(lap.flag))),
            took_chequered_flag=car_laps[last].elapsed >= flag_falls,
            elapsed=car_laps[last].elapsed,
        ))
    return RaceLaps(laps=total, cars=tuple(cars), neutralised=tuple(leader_neutralised))
