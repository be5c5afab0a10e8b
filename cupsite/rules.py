"""A championship's scoring rules, as data: points tables, bonuses, eligibility, dropped
results, guests and the last tie-break. Read from cupsite.toml and, per season, from
season.yaml (`points:`), never written as special cases in code. docs/rules.md shows each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .model import SESSION_TYPES
from .slugs import slugify

BONUS_AWARDS = ("pole", "fastest_lap", "led_lap", "most_laps_led", "participation", "finish")
TIE_BREAKS = ("shared", "latest_result")
RULE_KEYS = SESSION_TYPES + ("bonus", "classified_only", "min_distance", "drop_worst", "best_results", "guests",
                             "tie_break")


@dataclass(frozen=True)
class Bonus:
    award: str  # one of BONUS_AWARDS
    points: float
    top: int = 0  # only when classified in the top N of the class (0: no such condition)


@dataclass(frozen=True)
class PointsSystem:
    tables: dict = field(default_factory=dict)  # session type -> points by class position
    bonuses: tuple[Bonus, ...] = ()
    classified_only: bool = True  # only classified finishers score
    min_distance: float = 0.0  # share of the class winner's laps a car must cover to score
    drop_worst: int = 0  # a driver's N worst race scores do not count
    best_results: int = 0  # only a driver's N best race scores count (0: all)
    guests: tuple[str, ...] = ()  # car numbers or driver slugs that never score
    tie_break: str = "shared"  # after countback: "shared" (a tie) or "latest_result"

    def points(self, session_type: str, scoring_position: int) -> float:
        table = self.tables.get(session_type, ())
        return table[scoring_position - 1] if 0 < scoring_position <= len(table) else 0

    def scores(self, session_type: str) -> bool:
        """Does this kind of session award points (from a table or a bonus)?"""
        awards = {b.award for b in self.bonuses}
        return (bool(self.tables.get(session_type))
                or (session_type == "qualifying" and "pole" in awards)
                or (session_type in ("race", "sprint") and bool(awards - {"pole"})))

    def counted(self, race_count: int) -> int | None:
        """How many race scores count for a season of race_count races (None: all)."""
        limits = [n for n in (self.best_results, race_count - self.drop_worst if self.drop_worst else 0) if n > 0]
        return min(limits) if limits else None

    def max_points(self, session_type: str, factor: float = 1.0) -> float:
        """The most one car can score in one session of this type (for the title maths)."""
        most = max(self.tables.get(session_type, ()), default=0) * factor
        for bonus in self.bonuses:
            if bonus.award == "pole" and session_type == "qualifying":
                most += bonus.points
            elif bonus.award != "pole" and session_type in ("race", "sprint"):
                most += bonus.points
        return most


Report = Callable[[str, str, str], None]  # (key, message, hint)


def parse_rules(mapping: dict, report: Report, base: PointsSystem | None = None) -> PointsSystem:
    """Read rules from a mapping (a TOML table or a YAML mapping); keys not given keep `base`."""
    rules = base or PointsSystem()
    changes: dict = {}
    tables = dict(rules.tables)
    for key, value in mapping.items():
        if key not in RULE_KEYS:
            report(key, f"unknown points rule {key!r}", f"known rules: {', '.join(RULE_KEYS)}")
        elif key in SESSION_TYPES:
            if _is_number_list(value):
                tables[key] = tuple(value)
            else:
                report(key, f"{key!r} should be a list of points by position", "e.g. [25, 20, 18, 16]")
        elif key == "bonus":
            changes["bonuses"] = tuple(b for b in (_bonus(item, index, report)
                                                   for index, item in enumerate(_as_list(value))) if b)
        elif key == "classified_only":
            if isinstance(value, bool):
                changes[key] = value
            else:
                report(key, "'classified_only' should be true or false", "")
        elif key == "min_distance":
            if _is_number(value) and 0 <= value <= 1:
                changes[key] = float(value)
            else:
                report(key, "'min_distance' should be a share of the winner's laps from 0 to 1", "e.g. 0.75")
        elif key in ("drop_worst", "best_results"):
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                changes[key] = value
            else:
                report(key, f"{key!r} should be a whole number, 0 or more", "")
        elif key == "guests":
            if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
                changes[key] = tuple(_guest(v) for v in value)
            else:
                report(key, "'guests' should be a list of car numbers or driver names", "e.g. [88, Sam Sample]")
        elif key == "tie_break":
            if value in TIE_BREAKS:
                changes[key] = value
            else:
                report(key, f"unknown tie_break {value!r}", f"use one of: {', '.join(TIE_BREAKS)}")
    return replace(rules, tables=tables, **changes)


def _bonus(item, index: int, report: Report) -> Bonus | None:
    where = f"bonus[{index}]"
    if not isinstance(item, dict):
        report("bonus", f"{where} should be a mapping such as {{award: pole, points: 1}}", "")
        return None
    unknown = set(item) - {"award", "points", "top"}
    if unknown:
        report("bonus", f"{where} has unknown keys: {', '.join(sorted(map(str, unknown)))}", "use award, points, top")
    award, points, top = item.get("award"), item.get("points"), item.get("top", 0)
    if award not in BONUS_AWARDS:
        report("bonus", f"{where}: unknown award {award!r}", f"use one of: {', '.join(BONUS_AWARDS)}")
        return None
    if not _is_number(points) or points < 0:
        report("bonus", f"{where}: 'points' should be a number of points", "e.g. points = 1")
        return None
    if not isinstance(top, int) or isinstance(top, bool) or top < 0:
        report("bonus", f"{where}: 'top' should be a whole number", "e.g. top = 10")
        return None
    return Bonus(award, points, top)


def _guest(value) -> str:
    """A car number, kept as written ("007" is not car 7), or a driver's slug."""
    text = str(value).strip()
    return text if text.isalnum() and any(c.isdigit() for c in text) else slugify(text)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_number_list(value) -> bool:
    return isinstance(value, list) and all(_is_number(v) and v >= 0 for v in value)
