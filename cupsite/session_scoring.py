"""Scoring one session: class positions, gaps to the class leader, fastest laps in class, and
the points the rules award (table, factor, bonuses, guests)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .config import Championship
from .model import RACES, SCORING_STATUSES, Entry, Event, SessionInfo  # noqa: F401 (RACES: imported from here)
from .rules import Bonus, PointsSystem
from .stints import CarTiming, with_crew
from .timing import format_gap, format_laps_behind, format_time, parse_gap, parse_time

TIMED_SESSIONS = ("practice", "qualifying", "warmup")
STATUS_SHORT = {"nc": "NC", "dnf": "DNF", "dns": "DNS", "dsq": "DSQ"}


@dataclass(frozen=True)
class ScoredRow:
    position: int
    class_position: int
    car: str
    car_class: str
    team: str
    drivers: tuple[str, ...]
    status: str
    laps: int | None
    time: str  # total race time: as given, or worked out from the leader's time and the gap
    gap: str
    class_gap: str
    best: str
    best_lap: int | None
    fastest_in_class: bool
    points: float
    rookie: bool
    note: str
    guest: bool = False
    laps_led: int | None = None
    interval: str = ""
    speed: float | None = None  # km/h on the best lap
    class_laps_led: int | None = None  # laps first in its class (laps_led: first overall)
    timing: CarTiming | None = None  # stints (drivers named), pit stops, sectors, from a per-lap export


@dataclass(frozen=True)
class ScoredSession:
    event: str  # event key
    info: SessionInfo
    rows: tuple[ScoredRow, ...]  # overall order
    classes: tuple[tuple[str, tuple[ScoredRow, ...]], ...]  # (class code, rows) in config order

    @property
    def key(self) -> tuple[str, str]:
        return (self.event, self.info.slug)

    @property
    def shows_laps_led(self) -> bool:
        return any(row.laps_led is not None for row in self.rows)

    @property
    def shows_speed(self) -> bool:
        return any(row.speed is not None for row in self.rows)

    @property
    def shows_class_laps_led(self) -> bool:
        """Whether its Led column counts laps led in the class (from a per-lap export) rather than overall."""
        return any(row.class_laps_led is not None for row in self.rows)


def score_session(event: Event, info: SessionInfo, rows, cars: dict, championship: Championship,
                  rules: PointsSystem | None = None) -> ScoredSession:
    rules = rules or championship.points
    by_class = defaultdict(list)
    for row in rows:
        by_class[cars[row.car].car_class].append(row)
    timed = info.type in TIMED_SESSIONS
    overall_best = _best_time(rows)
    winner_time = parse_time(rows[0].time) if rows and rows[0].time else None
    scored_by_class = {}
    for code, class_rows in by_class.items():
        class_best = _best_time(class_rows)
        leader = class_rows[0]
        guests = {row.car for row in class_rows if _is_guest(row, cars[row.car], rules)}
        awarded = _points_by_car(info, class_rows, guests, rules)
        scored = []
        for class_position, row in enumerate(class_rows, start=1):
            entry: Entry = cars[row.car]
            lap = parse_time(row.best) if row.best else None
            if timed:
                gap = row.gap or (format_gap(lap - overall_best) if lap is not None and row.position > 1 else "")
                class_gap = format_gap(lap - class_best) if lap is not None and class_position > 1 else ""
            else:
                gap = row.gap
                class_gap = _race_class_gap(row, leader) if class_position > 1 else ""
            timing = with_crew(row.timing, row.drivers or entry.drivers)
            scored.append(ScoredRow(
                position=row.position, class_position=class_position, car=row.car, car_class=code,
                team=entry.team, drivers=_credited(row.drivers or entry.drivers, timing, rules, info),
                status=row.status, laps=row.laps,
                time=row.time or _total_time(row, winner_time), gap=gap, class_gap=class_gap, best=row.best,
                best_lap=row.best_lap,
                fastest_in_class=lap is not None and lap == class_best, points=awarded.get(row.car, 0.0),
                rookie=entry.rookie, note=row.note, guest=row.car in guests, laps_led=row.laps_led,
                interval=row.interval, speed=row.speed, class_laps_led=row.class_laps_led,
                timing=timing,
            ))
        scored_by_class[code] = tuple(scored)
    overall = tuple(sorted((r for rows_ in scored_by_class.values() for r in rows_), key=lambda r: r.position))
    ordered = tuple((c.code, scored_by_class[c.code]) for c in championship.classes if c.code in scored_by_class)
    return ScoredSession(event.key, info, overall, ordered)


def _credited(crew: tuple[str, ...], timing: CarTiming | None, rules: PointsSystem, info: SessionInfo,
              ) -> tuple[str, ...]:
    """The crew members a race row credits: with `must_drive`, where the per-lap export names the
    driver of every lap, only those who drove one (IMSA and WEC score no driver who did not drive)."""
    if not rules.must_drive or info.type not in RACES or timing is None or not timing.drivers_known:
        return crew
    drove = {stint.slug for stint in timing.stints}
    return tuple(driver for driver in crew if driver in drove) or crew


def _is_guest(row, entry: Entry, rules: PointsSystem) -> bool:
    return entry.guest or row.car in rules.guests or any(d in rules.guests for d in (row.drivers or entry.drivers))


def _points_by_car(info: SessionInfo, class_rows, guests: set, rules: PointsSystem) -> dict[str, float]:
    """Points of one class in one session: the table by position among the cars that may score
    (guests make way; classified finishers only, over the minimum distance, where the rules say
    so), times the session's factor, plus the bonuses the rules award."""
    points: dict[str, float] = defaultdict(float)
    scorers = [r for r in class_rows if r.car not in guests]
    winner_laps = class_rows[0].laps if class_rows else None
    rank = 0
    for row in scorers:
        if rules.classified_only and row.status not in SCORING_STATUSES:
            continue
        if rules.min_distance and winner_laps and (row.laps or 0) < rules.min_distance * winner_laps:
            continue
        rank += 1
        points[row.car] += rules.points(info.type, rank) * info.points_factor
    for bonus in rules.bonuses:
        if bonus.applies(info.type, info.slug):
            for car, share in _bonus_awards(bonus, class_rows, guests, rules).items():
                points[car] += share
    return points


def _bonus_awards(bonus: Bonus, class_rows, guests: set, rules: PointsSystem) -> dict:
    """Car -> the points one bonus gives in one class of one session. A car must meet the bonus's
    conditions: not a guest, and in the class top N when `top` is set."""
    eligible = {row.car for position, row in enumerate(class_rows, start=1)
                if row.car not in guests and not (bonus.top and position > bonus.top)}
    scorers = [row for row in class_rows if row.car not in guests]
    if bonus.award == "fastest_lap":
        return _fastest_lap_awards(bonus, class_rows, eligible, rules)
    if bonus.award == "pole":
        sitter = next((row for row in scorers if row.status != "dns"), None)
        earners = [sitter] if sitter is not None else []
    elif bonus.award == "most_laps_led":
        most_led = max((row.laps_led or 0 for row in scorers), default=0)
        earners = [row for row in scorers if most_led > 0 and row.laps_led == most_led]
    elif bonus.award == "led_lap":
        earners = [row for row in scorers if (row.laps_led or 0) >= 1]
    elif bonus.award == "participation":
        earners = [row for row in scorers if row.status != "dns"]
    else:  # "finish"
        earners = [row for row in scorers if row.status in SCORING_STATUSES]
    share = bonus.points / len(earners) if earners and bonus.ties == "divided" else bonus.points
    return {row.car: share for row in earners if row.car in eligible}


def _fastest_lap_awards(bonus: Bonus, class_rows, eligible: set, rules: PointsSystem) -> dict:
    """The class's fastest lap goes to its holder when the holder meets the conditions (and is
    classified, where only classified cars score), else to nobody; with goes_to =
    "fastest_eligible", to the fastest car that meets them. Cars with equal best laps each get
    the points, or share them (ties = "divided": a holder who does not qualify loses its share)."""
    def qualifies(row) -> bool:
        return row.car in eligible and (not rules.classified_only or row.status in SCORING_STATUSES)

    timed = [(lap, row) for lap, row in ((parse_time(r.best) if r.best else None, r) for r in class_rows)
             if lap is not None]
    if bonus.goes_to == "fastest_eligible":
        timed = [(lap, row) for lap, row in timed if qualifies(row)]
    fastest = min((lap for lap, _ in timed), default=None)
    holders = [row for lap, row in timed if lap == fastest]
    share = bonus.points / len(holders) if holders and bonus.ties == "divided" else bonus.points
    return {row.car: share for row in holders if qualifies(row)}


def _total_time(row, winner_time: float | None) -> str:
    if winner_time is None or row.status not in SCORING_STATUSES:
        return ""
    behind = _seconds_behind(row)
    return format_time(winner_time + behind) if behind is not None else ""


def _best_time(rows) -> float | None:
    times = [t for t in (parse_time(r.best) for r in rows if r.best) if t is not None]
    return min(times) if times else None


def _race_class_gap(row, leader) -> str:
    """The gap to the class winner: in laps when the car has fewer, else in seconds: from the
    classification's own times first (their total times, or else their gaps to the overall
    leader), which hold the time penalties given after the flag; then, for a class running laps
    behind the overall leader (its gaps in laps), from the moments both last crossed the line in
    a per-lap export."""
    if row.status not in SCORING_STATUSES:
        return ""
    if row.laps is not None and leader.laps is not None and row.laps < leader.laps:
        return format_laps_behind(leader.laps - row.laps)
    for seconds in (_total_seconds, _seconds_behind, _finished_at):
        mine, theirs = seconds(row), seconds(leader)
        if mine is not None and theirs is not None:
            return format_gap(max(mine - theirs, 0.0))
    return ""


def _finished_at(row) -> float | None:
    """When the car last crossed the line, if the export's laps end where the classification's do."""
    timing = row.timing
    if timing is None or (row.laps is not None and timing.completed not in (None, row.laps)):
        return None
    return timing.finished_at


def _total_seconds(row) -> float | None:
    return parse_time(row.time) if row.time else None


def _seconds_behind(row) -> float | None:
    if row.position == 1 or row.gap == "-":
        return 0.0
    gap = parse_gap(row.gap) if row.gap else None
    if gap is None or gap[0] > 0:
        return None
    return gap[1]


def finish_label(row: ScoredRow) -> str:
    return str(row.class_position) if row.status in SCORING_STATUSES else STATUS_SHORT.get(row.status, "")
