"""Points adjustments: penalties and awards a series' stewards or court of appeal add to the
tables after a round (season.yaml `adjustments:`). Read by load/adjustments.py, applied by
standings.py, shown on the standings page and carried in the published data."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Source

TARGET_KINDS = ("team", "driver", "car")


@dataclass(frozen=True)
class Adjustment:
    kind: str  # what it was written for: one of TARGET_KINDS
    target: str  # the team's or driver's slug, or the car number as written
    points: float  # negative: a penalty
    round: int  # counts in the tables after this round and every later one
    reason: str
    drivers: tuple[tuple[str, str], ...]  # (class code, driver slug) of every driver whose total changes
    teams: tuple[str, ...]  # slugs of the teams whose total changes
    source: Source
    # A team whose entry ended and whose points no longer stand (`withdrawn: true`): from this
    # round's table on it is not in the teams' table at all, as the published tables leave it out.
    withdrawn: bool = False

    def counts_after(self, round_number: int) -> bool:
        return self.round <= round_number

    def as_data(self) -> dict:
        """The adjustment as published in results.json and standings.json (docs/data.md)."""
        drivers = [{"class": code, "slug": slug} for code, slug in self.drivers]
        return {"kind": self.kind, "target": self.target, "points": _number(self.points), "round": self.round,
                "reason": self.reason or None, "drivers": drivers, "teams": list(self.teams),
                "withdrawn": self.withdrawn}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
