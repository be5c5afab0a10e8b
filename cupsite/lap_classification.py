"""A race's classification worked out from its per-lap export, for a race filed with only
`<session>.laps.csv`: what official timing would publish, as far as the laps can tell it.

The order is by laps completed (most first), then by when each car crossed the line at the
end of its last lap. A car still running when the chequered flag fell is classified, unless the
rules' `min_distance` asks for a share of its class winner's laps it did not cover (then it is
not classified, "nc"). A car that stopped before the flag retired ("dnf"), unless the rules say
a finish does not need the flag (`needs_flag = false`, as F1 and IMSA classify): then it is
classified on its laps when it covered `min_distance`, and retired when it did not. The classified cars
come first, then the others in the same order. A car with no lap in the export is left out:
the laps cannot tell one that did not start from one that stopped before its first lap.
"""

from __future__ import annotations

from .laps import CarLaps, RaceLaps
from .model import ResultRow, car_sort_key
from .timing import format_gap, format_laps_behind, format_time


def classification_from_laps(race: RaceLaps, min_distance: float = 0.0, needs_flag: bool = True,
                             ) -> tuple[ResultRow, ...]:
    """The rows of a race worked out from `laps.analyse`'s account of it."""
    statuses = _statuses(race.cars, min_distance, needs_flag)
    by_distance = sorted(race.cars, key=_distance_order)
    ordered = [car for car in by_distance if statuses[car.car] == "classified"]
    ordered += [car for car in by_distance if statuses[car.car] != "classified"]
    leader = ordered[0] if ordered else None
    rows = []
    for position, car in enumerate(ordered, start=1):
        ahead = ordered[position - 2] if position > 1 else None
        classified = statuses[car.car] == "classified"
        rows.append(ResultRow(
            position=position,
            car=car.car,
            status=statuses[car.car],
            laps=car.completed,
            time=format_time(car.elapsed),
            gap=_gap(leader, car) if car is not leader else "",
            best=format_time(car.fastest),
            best_lap=car.fastest_lap,
            laps_led=car.led,
            interval=_gap(ahead, car) if ahead is not None and classified else "",
        ))
    return tuple(rows)


def _distance_order(car: CarLaps) -> tuple:
    # equal crossings go to the car first in number order, as in `laps.analyse`, so the export's order never counts
    return (-car.completed, car.elapsed, car_sort_key(car.car))


def _statuses(cars: tuple[CarLaps, ...], min_distance: float, needs_flag: bool) -> dict:
    """Each car's status: running at the flag over the minimum distance, or not (nc), or
    stopped before the flag (dnf; classified on its laps when the flag is not needed and it
    covered the minimum distance). The class winner is the class's car with the most laps
    among those that took the flag."""
    winner_laps: dict[str, int] = {}
    for car in cars:
        if car.took_chequered_flag:
            winner_laps[car.car_class] = max(winner_laps.get(car.car_class, 0), car.completed)
    statuses = {}
    for car in cars:
        far_enough = car.completed >= min_distance * winner_laps.get(car.car_class, car.completed)
        if car.took_chequered_flag:
            statuses[car.car] = "classified" if far_enough else "nc"
        else:
            statuses[car.car] = "classified" if far_enough and not needs_flag and car.completed else "dnf"
    return statuses


def _gap(ahead: CarLaps, behind: CarLaps) -> str:
    """As timing sheets write it: "+N Laps" a lap or more down, else the time between their crossings."""
    if behind.completed < ahead.completed:
        return format_laps_behind(ahead.completed - behind.completed)
    return format_gap(behind.elapsed - ahead.elapsed)
