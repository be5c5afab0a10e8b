"""Small seasons written as data for the rules tests: any sessions per round, any entries, the
rules and the adjustments of the season. Car numbers are text labels, as the entry list keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cupsite.adjustments import Adjustment
from cupsite.config import CarClass, Championship
from cupsite.model import Entry, Event, ResultRow, Season, SessionInfo, Source
from cupsite.rules import PointsSystem
from cupsite.score import score_season

SOURCE = Source("test")
CLASS_A = CarClass("A", "A", "#ffffff")


@dataclass(frozen=True)
class Car:
    """One row of a classification, in finishing order."""

    number: str
    status: str = "classified"
    best: str = ""
    laps: int = 10
    drivers: tuple[str, ...] = ()
    laps_led: int | None = None


def entry(number: str, team: str, *drivers: str, car_class: str = "A", guest: bool = False) -> Entry:
    return Entry(number, car_class, team, tuple(drivers), False, SOURCE, guest=guest)


def session(slug: str, kind: str, *cars: Car | str, factor: float = 1.0) -> tuple:
    return (SessionInfo(slug, slug, kind, datetime(2024, 1, 1), points_factor=factor),
            tuple(c if isinstance(c, Car) else Car(c) for c in cars))


def season(rounds: list[list[tuple]], rules: PointsSystem, entries: tuple[Entry, ...], planned: int = 0,
           adjustments: tuple[Adjustment, ...] = (), classes=(CLASS_A,), team_cars: int = 0,
           planned_sessions: list | None = None):
    """rounds: per round, its sessions as `session(...)` gives them; `planned` rounds in all (the
    later ones without results, with `planned_sessions` as their calendar: a race by default)."""
    events, results = [], {}
    for number in range(1, max(planned, len(rounds)) + 1):
        held = rounds[number - 1] if number <= len(rounds) else [
            (SessionInfo(slug, slug, kind, datetime(2024, 1, 1)), None)
            for slug, kind in (planned_sessions or [("race", "race")])]
        infos = tuple(SessionInfo(info.slug, info.name, info.type, datetime(2024, 1 + (number - 1) // 28,
                                                                             1 + (number - 1) % 28, 8 + index),
                                  points_factor=info.points_factor)
                      for index, (info, _) in enumerate(held))
        day = date(2024, 1 + (number - 1) // 28, 1 + (number - 1) % 28)
        event = Event("c", "2024", number, f"r{number}", f"Round {number}", "t", day, day, "UTC", infos, SOURCE)
        events.append(event)
        for info, cars in zip(infos, (cars for _, cars in held), strict=True):
            if cars is None:
                continue
            rows = tuple(ResultRow(position, car.number, car.status, car.laps, best=car.best, drivers=car.drivers,
                                   laps_led=car.laps_led) for position, car in enumerate(cars, start=1))
            results[(event.key, info.slug)] = type("Result", (), {"rows": rows})()
    cup = Championship("c", "Cup", "Cup", tuple(classes), rules, team_cars_per_race=team_cars)
    return score_season(Season("c", "2024", "", tuple(events), entries, SOURCE, None, adjustments), cup, results)


def adjustment(kind: str, target: str, points: float, round_number: int, drivers=(), teams=(),
               reason: str = "") -> Adjustment:
    return Adjustment(kind, target, points, round_number, reason, tuple(drivers), tuple(teams), SOURCE)


def points(tables, code: str = "A") -> dict[str, float]:
    return {row.key: row.points for row in dict(tables.final.drivers)[code]}


def team_points(tables) -> dict[str, float]:
    return {row.key: row.points for row in tables.final.teams}
