"""A championship's scoring rules, as data: points tables, bonuses, eligibility, dropped
results, guests and the last tie-break. Read from cupsite.toml and, per season, from
season.yaml (`points:`), never written as special cases in code. docs/rules.md shows each."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .config_schema import BONUS, BONUS_AWARDS, GOES_TO, POINTS, SEASON_PART, TIES, did_you_mean
from .model import RACES, SESSION_TYPES
from .slugs import slugify

BONUS_KEYS = BONUS.keys
CHOICES = {o.key: o.choices for o in POINTS.options if o.choices}  # keys that take one of a few words
RULE_KEYS = POINTS.keys


def award_session_types(award: str) -> tuple[str, ...]:
    """The kinds of session an award can come from: a pole from qualifying, the rest from races."""
    return ("qualifying",) if award == "pole" else RACES


@dataclass(frozen=True)
class Bonus:
    award: str  # one of BONUS_AWARDS
    points: float
    top: int = 0  # only when classified in the top N of the class (0: no such condition)
    goes_to: str = "holder"  # fastest_lap: "holder" (the holder or nobody) or "fastest_eligible"
    ties: str = "each"  # equal best laps: "each" holder gets the points, or they are "divided"
    session_types: tuple[str, ...] = ()  # only in these kinds of session (): every kind the award has
    sessions: tuple[str, ...] = ()  # only in the sessions with these slugs (): every one

    def applies(self, session_type: str, slug: str | None = None) -> bool:
        """Is this bonus awarded in a session of this type (and, when given, this slug)?"""
        kinds = self.session_types or award_session_types(self.award)
        return session_type in kinds and (slug is None or not self.sessions or slug in self.sessions)


@dataclass(frozen=True)
class RoundSet:
    """Rounds written as a list [1, 2, 5] or as ranges "1-7", "8-" (to the end of the season)."""

    ranges: tuple[tuple[int, int | None], ...]  # (first, last or None: no end)

    def __contains__(self, round_number: int) -> bool:
        return any(first <= round_number and (last is None or round_number <= last) for first, last in self.ranges)

    def overlaps(self, other: RoundSet) -> bool:
        def end(last):
            return float("inf") if last is None else last
        return any(a <= end(d) and c <= end(b) for a, b in self.ranges for c, d in other.ranges)


@dataclass(frozen=True)
class SeasonPart:
    """Split-season drops: only the best `best` race scores of these rounds count."""

    rounds: RoundSet
    best: int


@dataclass(frozen=True)
class PointsSystem:
    tables: dict = field(default_factory=dict)  # session type -> points by class position
    bonuses: tuple[Bonus, ...] = ()
    classified_only: bool = True  # only classified finishers score
    min_distance: float = 0.0  # share of the class winner's laps a car must cover to score
    needs_flag: bool = True  # a race classified from its laps: a car that stopped before the flag retired
    must_drive: bool = False  # a race's per-lap export naming every lap's driver: only those who drove are credited
    drop_worst: int = 0  # a driver's N worst race scores do not count
    best_results: int = 0  # only a driver's N best race scores count (0: all)
    guests: tuple[str, ...] = ()  # car numbers or driver slugs that never score
    tie_break: str = "shared"  # after countback: "shared" (a tie) or "latest_result"
    wins_from: tuple[str, ...] = ("race",)  # session types whose results count as wins, podiums, countback
    shared_car: str = "each"  # a shared car's points: "each" driver gets them all, or they are "divided"
    best_of_parts: tuple[SeasonPart, ...] = ()  # split-season drops, in place of drop_worst/best_results

    def points(self, session_type: str, scoring_position: int) -> float:
        table = self.tables.get(session_type, ())
        return table[scoring_position - 1] if 0 < scoring_position <= len(table) else 0

    def scores(self, session_type: str, slug: str | None = None) -> bool:
        """Does this session (or, without a slug, some session of this type) award points, from a
        table or a bonus?"""
        return bool(self.tables.get(session_type)) or any(b.applies(session_type, slug) for b in self.bonuses)

    def counted(self, race_count: int) -> int | None:
        """How many race scores count for a season of race_count races (None: all)."""
        limits = [n for n in (self.best_results, race_count - self.drop_worst if self.drop_worst else 0) if n > 0]
        return min(limits) if limits else None

    def max_points(self, session_type: str, factor: float = 1.0, slug: str | None = None) -> float:
        """The most one car can score in one session of this type and slug (for the title maths)."""
        most = max(self.tables.get(session_type, ()), default=0) * factor
        return most + sum(b.points for b in self.bonuses if b.applies(session_type, slug))


Report = Callable[[str, str, str], None]  # (key, message, hint)


class RuleKey(str):
    """The rule a problem is about ("bonus"), carrying the path of the very key inside it
    ("bonus[0].tpo"): a report that knows the lines of the rules only (YAML) places it by the rule,
    one that knows the line of every key (TOML) by `rule_path`."""

    path: str

    def __new__(cls, rule: str, path: str) -> RuleKey:
        key = super().__new__(cls, rule)
        key.path = path
        return key


def rule_path(key: str) -> str:
    return getattr(key, "path", key)


def parse_rules(mapping: dict, report: Report, base: PointsSystem | None = None) -> PointsSystem:
    """Read rules from a mapping (a TOML table or a YAML mapping); keys not given keep `base`."""
    rules = base or PointsSystem()
    changes: dict = {}
    tables = dict(rules.tables)
    for key, value in mapping.items():
        if key not in RULE_KEYS:
            report(key, f"unknown points rule {key!r}",
                   did_you_mean(str(key), RULE_KEYS) or f"known rules: {', '.join(RULE_KEYS)}")
        elif key in SESSION_TYPES:
            if _is_number_list(value):
                tables[key] = tuple(value)
            else:
                report(key, f"{key!r} should be a list of points by position", "e.g. [25, 20, 18, 16]")
        elif key == "bonus":
            changes["bonuses"] = tuple(b for b in (_bonus(item, index, report)
                                                   for index, item in enumerate(_as_list(value))) if b)
        elif key in ("classified_only", "needs_flag", "must_drive"):
            if isinstance(value, bool):
                changes[key] = value
            else:
                report(key, f"{key!r} should be true or false", "")
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
        elif key in CHOICES:
            if value in CHOICES[key]:
                changes[key] = value
            else:
                report(key, f"unknown {key} {value!r}", f"use one of: {', '.join(CHOICES[key])}")
        elif key == "wins_from":
            if isinstance(value, list) and value and all(v in RACES for v in value):
                changes[key] = tuple(dict.fromkeys(value))
            else:
                report(key, "'wins_from' should be a list of the race session types whose results count as wins",
                       f"e.g. [\"race\"] or [\"race\", \"sprint\"]; types: {', '.join(RACES)}")
        elif key == "best_of_parts":
            changes[key] = _season_parts(value, report)
    merged = replace(rules, tables=tables, **changes)
    if merged.best_of_parts and (merged.drop_worst or merged.best_results):
        report("best_of_parts", "'best_of_parts' cannot be combined with 'drop_worst' or 'best_results'",
               "set drop_worst and best_results to 0, or leave best_of_parts out")
        merged = replace(merged, best_of_parts=())
    return merged


def _season_parts(value, report: Report) -> tuple[SeasonPart, ...]:
    parts: list[SeasonPart] = []
    for index, item in enumerate(_as_list(value)):
        where = f"best_of_parts[{index}]"
        if not isinstance(item, dict) or set(item) != set(SEASON_PART.keys):
            unknown = SEASON_PART.unknown(item) if isinstance(item, dict) else []
            meant = did_you_mean(str(unknown[0]), SEASON_PART.keys) if unknown else ""
            report(RuleKey("best_of_parts", f"{where}.{unknown[0]}" if unknown else where),
                   f"{where} should hold exactly `rounds` and `best`",
                   f'{meant} e.g. {{rounds = "1-7", best = 4}}'.lstrip())
            continue
        rounds, best = parse_round_set(item["rounds"]), item["best"]
        if rounds is None:
            report("best_of_parts", f"{where}: 'rounds' should be a list of round numbers or ranges",
                   'e.g. "1-7", "8-" (to the end) or [1, 2, 5]')
        elif not isinstance(best, int) or isinstance(best, bool) or best < 1:
            report("best_of_parts", f"{where}: 'best' should be a whole number, 1 or more", "e.g. best = 4")
        elif any(rounds.overlaps(part.rounds) for part in parts):
            report("best_of_parts", f"{where}: its rounds overlap an earlier part's", "a round belongs to one part")
        else:
            parts.append(SeasonPart(rounds, best))
    return tuple(parts)


def parse_round_set(value) -> RoundSet | None:
    """Rounds from `[1, 2, 5]`, `"1-7"`, `"8-"` (to the end), `"1-3, 6"` or `4`; None when they
    cannot be read."""
    if isinstance(value, bool):
        return None
    items = value if isinstance(value, list) else [value] if isinstance(value, int) else str(value).split(",")
    ranges = []
    for item in items:
        match = _ROUND_RANGE.fullmatch(str(item).strip()) if not isinstance(item, bool) else None
        if match is None:
            return None
        first, dash, last = match.groups()
        start, end = int(first), (int(last) if last else None) if dash else int(first)
        if start < 1 or (end is not None and end < start):
            return None
        ranges.append((start, end))
    return RoundSet(tuple(ranges)) if ranges else None


_ROUND_RANGE = re.compile(r"(\d+)(?:\s*(-)\s*(\d+)?)?")


def _bonus(item, index: int, report: Report) -> Bonus | None:
    where = f"bonus[{index}]"
    if not isinstance(item, dict):
        report("bonus", f"{where} should be a mapping such as {{award: pole, points: 1}}", "")
        return None
    for key in BONUS.unknown(item):
        report(RuleKey("bonus", f"{where}.{key}"), f"{where} has an unknown key {str(key)!r}",
               did_you_mean(str(key), BONUS_KEYS) or f"use {', '.join(BONUS_KEYS)}")
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
    goes_to, ties = item.get("goes_to", "holder"), item.get("ties", "each")
    if goes_to not in GOES_TO or (award != "fastest_lap" and "goes_to" in item):
        report("bonus", f"{where}: 'goes_to' is {', '.join(GOES_TO)} and only for award fastest_lap",
               'default "holder": the holder of the fastest lap, or nobody')
        return None
    if ties not in TIES or (award not in ("fastest_lap", "most_laps_led") and "ties" in item):
        report("bonus", f"{where}: 'ties' is {', '.join(TIES)} and only for fastest_lap or most_laps_led", "")
        return None
    kinds = award_session_types(award)
    session_types = item.get("session_types", [])
    if not isinstance(session_types, list) or not all(t in kinds for t in session_types):
        report("bonus", f"{where}: 'session_types' should be a list of {', '.join(kinds)} for award {award}",
               f"e.g. session_types = [\"{kinds[0]}\"]")
        return None
    sessions = item.get("sessions", [])
    if not isinstance(sessions, list) or not all(isinstance(s, str) and s and s == slugify(s) for s in sessions):
        report("bonus", f"{where}: 'sessions' should be a list of session slugs", 'e.g. sessions = ["race-2"]')
        return None
    return Bonus(award, points, top, goes_to, ties, tuple(dict.fromkeys(session_types)), tuple(sessions))


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
