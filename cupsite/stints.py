"""What a race's per-lap export tells about each car beyond its positions: who drove which laps
(its stints), its pit stops, its best sectors and its top speed.

Pure functions over `model.Lap` and `laps.CarLaps`. A stint knows its driver by the export's
index into the car's crew (DRIVER_NUMBER); `with_crew` names the driver once the crew is known,
and only then do laps led, best laps and records go to one driver rather than the whole crew.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .laps import CarLaps, RaceLaps
from .model import Lap


@dataclass(frozen=True)
class Stint:
    driver: int | None  # 1-based index in the car's crew, as the export gives it; None: not given
    first: int  # its first and last lap
    last: int
    laps: int  # laps of the stint the export lists
    time: float  # seconds at the wheel: the stint's lap times added up
    led: int = 0  # laps of the stint at the end of which the car led the race overall
    slug: str = ""  # the driver, once `with_crew` has named it; "" while unknown


@dataclass(frozen=True)
class CarTiming:
    stints: tuple[Stint, ...]  # in lap order; () when the export says nothing of who drove
    pit_stops: int
    pit_time: float | None  # seconds in the pit lane over all its stops; None when the export gives none
    best_sectors: tuple[float | None, ...]  # its best time in each sector; () without sector times
    top_speed: float | None  # km/h
    finished_at: float  # seconds from the start to its last crossing of the line
    fastest_lap: int | None = None  # the number of its fastest lap in the export
    completed: int | None = None  # the number of its last lap in the export

    @property
    def ideal_lap(self) -> float | None:
        """Its best sectors added up: the lap it could have run; None when a sector has no time."""
        if not self.best_sectors or None in self.best_sectors:
            return None
        return round(sum(self.best_sectors), 3)

    @property
    def drivers_known(self) -> bool:
        """Whether every stint names a driver of the crew: only then is anything credited to one driver."""
        return bool(self.stints) and all(stint.slug for stint in self.stints)

    @property
    def shared(self) -> bool:
        """More than one stint or driver: worth showing (a sprint car's single stint is not)."""
        return len(self.stints) > 1


def car_timings(laps: Iterable[Lap], race: RaceLaps) -> dict:
    """Each car's timing (car number -> CarTiming), from a race's laps and `laps.analyse` of them."""
    by_car: dict = defaultdict(dict)
    for lap in laps:
        if lap.number >= 1:  # as in laps.analyse: a lap 0 is not part of the race
            by_car[lap.car].setdefault(lap.number, lap)
    timings = {}
    for car, numbered in by_car.items():
        analysed = race.car(car)
        if analysed is not None:
            timings[car] = car_timing([numbered[n] for n in sorted(numbered)], analysed)
    return timings


def car_timing(laps: Sequence[Lap], analysed: CarLaps) -> CarTiming:
    """One car's timing from its laps in lap order."""
    pit_times = [lap.pit_time for lap in laps if lap.pit_time is not None]
    flagged = sum(1 for lap in laps if lap.pit)
    # an export may mark the lap into the pits, or give the time spent there, or both
    stops = flagged if flagged else sum(1 for t in pit_times if t > 0)
    speeds = [lap.top_speed for lap in laps if lap.top_speed is not None and lap.top_speed > 0]
    return CarTiming(
        stints=stints(laps, analysed.positions),
        pit_stops=stops,
        pit_time=round(sum(pit_times), 3) if pit_times else None,
        best_sectors=best_sectors(laps),
        top_speed=max(speeds) if speeds else None,
        finished_at=laps[-1].elapsed if laps else 0.0,
        fastest_lap=analysed.fastest_lap,
        completed=analysed.completed,
    )


def stints(laps: Sequence[Lap], positions: Sequence[int | None] = ()) -> tuple[Stint, ...]:
    """The runs of laps by one driver, in lap order; () when no lap says who drove it.
    `positions` (overall position after lap 1..N) counts each stint's laps in the lead."""
    if not any(lap.driver is not None or lap.driver_name for lap in laps):
        return ()
    runs: list[list[Lap]] = []
    for lap in laps:
        if runs and (runs[-1][-1].driver, runs[-1][-1].driver_name) == (lap.driver, lap.driver_name):
            runs[-1].append(lap)
        else:
            runs.append([lap])
    return tuple(Stint(
        driver=run[0].driver, slug=run[0].driver_name, first=run[0].number, last=run[-1].number, laps=len(run),
        time=round(sum(lap.time for lap in run), 3),
        led=sum(1 for lap in run if lap.number <= len(positions) and positions[lap.number - 1] == 1),
    ) for run in runs)


def best_sectors(laps: Iterable[Lap]) -> tuple[float | None, ...]:
    """The best time in each sector over the laps; a sector no lap timed is None. A zero is a
    missing time, as for laps."""
    best: list[float | None] = []
    for lap in laps:
        for index, seconds in enumerate(lap.sectors):
            if index == len(best):
                best.append(None)
            if seconds is not None and seconds > 0 and (best[index] is None or seconds < best[index]):
                best[index] = seconds
    return tuple(best)


def with_crew(timing: CarTiming | None, crew: Sequence[str]) -> CarTiming | None:
    """The timing with each stint's driver named from the crew (the slugs the row credits, in
    the order the export numbers them), unless the export named the driver (DRIVER_NAME); an
    index past the crew leaves that stint unnamed."""
    if timing is None or not timing.stints:
        return timing
    named = tuple(stint if stint.slug else replace(stint, slug=_crew_member(crew, stint.driver))
                  for stint in timing.stints)
    return replace(timing, stints=named)


def _crew_member(crew: Sequence[str], place: int | None) -> str:
    return crew[place - 1] if place and 1 <= place <= len(crew) else ""


def lap_drivers(row, lap: int | None) -> tuple[str, ...]:
    """Who is credited with lap `lap` of a scored row: its driver when the export says who drove
    every lap of the car, else the whole crew, as before per-lap exports named drivers."""
    timing = row.timing
    if lap is None or timing is None or not timing.drivers_known:
        return tuple(row.drivers)
    for stint in timing.stints:
        if stint.first <= lap <= stint.last:
            return (stint.slug,)
    return tuple(row.drivers)


def best_lap_drivers(row) -> tuple[str, ...]:
    """Who drove the row's best lap: the lap the classification numbers, else the export's fastest."""
    timing = row.timing
    lap = row.best_lap if row.best_lap is not None else (timing.fastest_lap if timing else None)
    return lap_drivers(row, lap)


def laps_led_by(row, driver: str) -> int:
    """The laps a driver of the row's crew led: those of their stints when the export says who
    drove, else every lap the car led."""
    timing = row.timing
    if timing is None or not timing.drivers_known:
        return row.laps_led or 0
    return sum(stint.led for stint in timing.stints if stint.slug == driver)


@dataclass(frozen=True)
class TimingTable:
    """What a race page shows of its per-lap export beside the classification: a row per car,
    and only the columns the export filled in."""

    rows: tuple  # session_scoring.ScoredRow with timing, in overall order
    shows_stints: bool  # some car had more than one stint (a sprint car's single stint says nothing)
    shows_pit_stops: bool
    shows_pit_time: bool
    sectors: int  # how many sector columns
    shows_ideal_lap: bool
    shows_top_speed: bool


def timing_table(rows: Iterable) -> TimingTable | None:
    """The table of a race's scored rows; None when no column would have anything to show."""
    rows = tuple(row for row in rows if row.timing is not None)
    timings = [row.timing for row in rows]
    table = TimingTable(
        rows=rows,
        shows_stints=any(t.shared for t in timings),
        shows_pit_stops=any(t.pit_stops for t in timings),
        shows_pit_time=any(t.pit_time is not None for t in timings),
        sectors=max((len(t.best_sectors) for t in timings), default=0),
        shows_ideal_lap=any(t.ideal_lap is not None for t in timings),
        shows_top_speed=any(t.top_speed is not None for t in timings),
    )
    shown = (table.shows_stints, table.shows_pit_stops, table.shows_pit_time, table.sectors, table.shows_top_speed)
    return table if any(shown) else None
