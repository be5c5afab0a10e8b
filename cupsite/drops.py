"""Which of a driver's race scores count: the best N of the season (`drop_worst`, `best_results`)
or the best N of each part of it (`best_of_parts`), and the most a driver could count with the
races still to run (the title maths)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .rules import PointsSystem, RoundSet


@dataclass(frozen=True)
class CountingPart:
    rounds: RoundSet | None  # None: every round that no other part holds
    counted: int | None  # how many of its race scores count; None: all of them


def counting_parts(rules: PointsSystem, race_count: int) -> tuple[CountingPart, ...]:
    """The parts of a season of `race_count` races; the last one always takes the rounds the
    others leave (with `best_of_parts`, their scores all count)."""
    if rules.best_of_parts:
        return (*(CountingPart(p.rounds, p.best) for p in rules.best_of_parts), CountingPart(None, None))
    return (CountingPart(None, rules.counted(race_count)),)


def _part_of(parts: tuple[CountingPart, ...], round_number: int) -> int:
    return next((i for i, part in enumerate(parts) if part.rounds is not None and round_number in part.rounds),
                len(parts) - 1)


def dropped(scores: Mapping[int, float], round_of: Mapping[int, int],
            parts: tuple[CountingPart, ...]) -> frozenset[int]:
    """The race indices whose scores do not count: in each part, all but its best `counted`
    (earlier races dropped first among equal scores, so that a later result is the one that
    stands). `round_of` gives the round of each race index."""
    groups: dict[int, dict[int, float]] = defaultdict(dict)
    for index, points in scores.items():
        groups[_part_of(parts, round_of[index])][index] = points
    out: set[int] = set()
    for part, group in groups.items():
        counted = parts[part].counted
        if counted is not None and len(group) > counted:
            best = sorted(group, key=lambda i: (-group[i], -i))[:counted]
            out |= set(group) - set(best)
    return frozenset(out)


def best_total(scores: Iterable[tuple[int, float]], parts: tuple[CountingPart, ...]) -> float:
    """The total of the scores that would count, from (round, points) pairs: the best
    `counted` of each part."""
    groups: dict[int, list[float]] = defaultdict(list)
    for round_number, points in scores:
        groups[_part_of(parts, round_number)].append(points)
    total = 0.0
    for part, points in groups.items():
        counted = parts[part].counted
        best = sorted(points, reverse=True)
        total += sum(best[:counted] if counted is not None else best)
    return total
