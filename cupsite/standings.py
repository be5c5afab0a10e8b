"""The tables after a round: drivers per class, teams, rookies; countback and the last
tie-break; dropped results; who can still win each class."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import drops
from .adjustments import Adjustment
from .config import Championship
from .drops import counting_parts
from .model import SCORING_STATUSES, Season, car_sort_key
from .rules import PointsSystem
from .session_scoring import RACES, ScoredSession, finish_label


@dataclass(frozen=True)
class StandingRow:
    position: int
    tied: bool
    key: str  # driver or team slug
    car_class: str
    points: float
    gap: float  # points behind the leader
    wins: int
    podiums: int
    finishes: tuple[str, ...]  # per scoring session: class position, DNF..., or "" (not entered)
    numbers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    dropped: tuple[int, ...] = ()  # indices of the races whose scores do not count


@dataclass(frozen=True)
class Standings:
    after_round: int
    drivers: tuple[tuple[str, tuple[StandingRow, ...]], ...]  # (class code, rows)
    teams: tuple[StandingRow, ...]
    rookies: tuple[StandingRow, ...]
    contenders: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (class code, drivers who can still win)
    adjustments: tuple[Adjustment, ...] = ()  # the points adjustments counted in these tables

    def champion(self, code: str) -> str | None:
        """The driver who has won the class title, once nobody else can catch them."""
        alive = dict(self.contenders).get(code, ())
        rows = dict(self.drivers).get(code, ())
        return alive[0] if len(alive) == 1 and rows and rows[0].points > 0 else None

    def class_adjustments(self, code: str) -> tuple[Adjustment, ...]:
        """The points adjustments counted in the table of this class."""
        return tuple(a for a in self.adjustments if any(c == code for c, _ in a.drivers))

    def team_adjustments(self) -> tuple[Adjustment, ...]:
        """The points adjustments counted in the teams' table."""
        return tuple(a for a in self.adjustments if a.teams)


def _ranked(rows_by_key: dict, make_row, latest_first: dict | None = None) -> tuple[StandingRow, ...]:
    """Order by points, then countback (most wins, then most second places, ...), then, when
    `latest_first` is given, the better result in the latest race where two differ; keys still
    equal share a position and are marked tied. rows_by_key: key -> (points, class positions)."""
    depth = max((max(positions, default=0) for _, positions in rows_by_key.values()), default=0)

    def sort_key(key):
        points, positions = rows_by_key[key]
        countback = tuple(-positions.count(p) for p in range(1, depth + 1))
        return (-points, countback, latest_first[key] if latest_first is not None else ())

    keys = {key: sort_key(key) for key in rows_by_key}
    ordered = sorted(rows_by_key, key=lambda k: (keys[k], k))
    leader_points = rows_by_key[ordered[0]][0] if ordered else 0
    ranked = []
    for index, key in enumerate(ordered):
        same_as_previous = index > 0 and keys[key] == keys[ordered[index - 1]]
        position = ranked[-1].position if same_as_previous else index + 1
        tied = same_as_previous or (index + 1 < len(ordered) and keys[key] == keys[ordered[index + 1]])
        ranked.append(make_row(key, position, tied, leader_points - rows_by_key[key][0]))
    return tuple(ranked)


_NO_RESULT = 10_000  # ranks behind any class position in the latest-result tie-break


def standings_after(number: int, scoring: list[ScoredSession], season: Season, championship: Championship,
                    still_to_score: tuple[tuple[bool, float, int], ...] = ()) -> Standings:
    """The tables after round `number`, from its scoring sessions: points from every one (a
    driver's worst race scores dropped where the rules say so), plus the points adjustments of
    the rounds so far; wins, podiums and countback from the session types of `wins_from`; the
    results grid from races; who can still win each class with what is left to score
    (`still_to_score`: (is a race, the most one car can score, round) of each session to come)."""
    rules = season.points_system or championship.points
    races = [s for s in scoring if s.info.type in RACES]
    race_index = {id(s): i for i, s in enumerate(races)}
    round_of_event = {event.key: event.round for event in season.events}
    race_rounds = {i: round_of_event.get(s.event, 0) for i, s in enumerate(races)}
    parts = counting_parts(rules, sum(1 for e in season.events for s in e.sessions if s.type in RACES))
    tally = _Tally()
    for session in scoring:
        tally.add_session(session, race_index.get(id(session)), rules, championship)
    tally.add_entries(season.entries, number, championship)
    adjustments = tuple(a for a in season.adjustments if a.counts_after(number))
    tally.add_adjustments(adjustments)
    return _tables(number, tally, _Season(len(races), race_rounds, parts, rules, championship, still_to_score),
                   adjustments)


@dataclass
class _Tally:
    """What the tables after a round are counted from, gathered session by session. Drivers are
    keyed by (class code, slug), teams by name."""

    other_points: dict = field(default_factory=lambda: defaultdict(float))  # not from races, so never dropped
    race_points: dict = field(default_factory=lambda: defaultdict(dict))  # driver -> {race index: points}
    driver_positions: dict = field(default_factory=lambda: defaultdict(list))
    driver_finishes: dict = field(default_factory=lambda: defaultdict(dict))
    driver_numbers: dict = field(default_factory=lambda: defaultdict(set))
    driver_teams: dict = field(default_factory=lambda: defaultdict(set))
    team_points: dict = field(default_factory=lambda: defaultdict(float))
    team_positions: dict = field(default_factory=lambda: defaultdict(list))
    rookies: set = field(default_factory=set)

    def add_session(self, session: ScoredSession, race: int | None, rules, championship: Championship) -> None:
        """One scoring session's rows; `race`: its index among the races, None if it is not one."""
        counts_wins = session.info.type in rules.wins_from
        by_team = defaultdict(list)
        for row in session.rows:
            if row.guest:
                continue
            by_team[row.team].append(row)
            share = row.points / len(row.drivers) if rules.shared_car == "divided" and row.drivers else row.points
            for driver in row.drivers:
                key = (row.car_class, driver)
                self.driver_numbers[key].add(row.car)
                self.driver_teams[key].add(row.team)
                if row.rookie and row.car_class in championship.rookie_classes:
                    self.rookies.add(key)
                if race is None:
                    self.other_points[key] += share
                    continue
                self.race_points[key][race] = self.race_points[key].get(race, 0) + share
                if counts_wins and row.status in SCORING_STATUSES:
                    self.driver_positions[key].append(row.class_position)
                self.driver_finishes[key][race] = finish_label(row)
        for team, rows in by_team.items():
            counted = sorted(rows, key=lambda r: (-r.points, r.position))
            if championship.team_cars_per_race:
                counted = counted[: championship.team_cars_per_race]
            self.team_points[team] += sum(r.points for r in counted)
            if counts_wins:
                self.team_positions[team].extend(r.class_position for r in counted if r.status in SCORING_STATUSES)

    def add_entries(self, entries, number: int, championship: Championship) -> None:
        """Entered cars appear in the tables before they score, once their entry starts."""
        for entry in entries:
            if entry.guest or (entry.rounds and min(entry.rounds) > number):
                continue
            for driver in entry.drivers:
                self.other_points[(entry.car_class, driver)] += 0
                if entry.rookie and entry.car_class in championship.rookie_classes:
                    self.rookies.add((entry.car_class, driver))
            self.team_points[entry.team] += 0

    def add_adjustments(self, adjustments: tuple[Adjustment, ...]) -> None:
        for adjustment in adjustments:
            for key in adjustment.drivers:
                self.other_points[key] += adjustment.points
            for team in adjustment.teams:
                self.team_points[team] += adjustment.points
        for adjustment in adjustments:
            if adjustment.withdrawn:
                for team in adjustment.teams:
                    self.team_points.pop(team, None)


@dataclass(frozen=True)
class _Season:
    """What ranks a round's tally: the season's races so far, its rules, what is still to score."""

    race_count: int
    race_rounds: dict  # race index -> round number
    parts: tuple
    rules: PointsSystem
    championship: Championship
    still_to_score: tuple[tuple[bool, float, int], ...]

    def most_possible(self, tally: _Tally, key) -> float:
        """The most a driver could still total, keeping only the results the rules count."""
        scores = [(self.race_rounds[i], p) for i, p in tally.race_points[key].items()]
        future = [(round_number, p) for is_race, p, round_number in self.still_to_score if is_race]
        future_other = sum(p for is_race, p, _ in self.still_to_score if not is_race)
        return tally.other_points[key] + future_other + drops.best_total(scores + future, self.parts)


def _tables(number: int, tally: _Tally, season: _Season, adjustments: tuple[Adjustment, ...]) -> Standings:
    keys = set(tally.other_points) | set(tally.race_points)
    dropped = {key: drops.dropped(tally.race_points[key], season.race_rounds, season.parts) for key in keys}
    totals = {key: tally.other_points[key] + sum(p for i, p in tally.race_points[key].items() if i not in dropped[key])
              for key in keys}
    latest_first = None
    if season.rules.tie_break == "latest_result":
        latest_first = {key: tuple(_latest_rank(tally.driver_finishes[key].get(i, ""))
                                   for i in reversed(range(season.race_count))) for key in keys}

    def driver_row(key, position, tied, gap):
        code, slug = key
        positions = tally.driver_positions[key]
        return StandingRow(position, tied, slug, code, totals[key], gap, positions.count(1),
                           sum(1 for p in positions if p <= 3),
                           tuple(tally.driver_finishes[key].get(i, "") for i in range(season.race_count)),
                           tuple(sorted(tally.driver_numbers[key], key=car_sort_key)),
                           tuple(sorted(tally.driver_teams[key])), tuple(sorted(dropped[key])))

    tables, contenders = [], []
    for car_class in season.championship.classes:
        class_keys = {k: (totals[k], tally.driver_positions[k]) for k in keys if k[0] == car_class.code}
        rows = _ranked(class_keys, driver_row, latest_first)
        tables.append((car_class.code, rows))
        contenders.append((car_class.code, _contenders(rows, lambda key: season.most_possible(tally, key))))
    rookie_keys = {k: (totals[k], tally.driver_positions[k]) for k in tally.rookies}

    def team_row(team, position, tied, gap):
        positions = tally.team_positions[team]
        return StandingRow(position, tied, team, "", tally.team_points[team], gap, positions.count(1),
                           sum(1 for p in positions if p <= 3), ())

    teams = _ranked({t: (tally.team_points[t], tally.team_positions[t]) for t in tally.team_points}, team_row)
    return Standings(number, tuple(tables), teams, _ranked(rookie_keys, driver_row, latest_first),
                     tuple(contenders), adjustments)


def _latest_rank(label: str) -> int:
    return int(label) if label.isdigit() else _NO_RESULT


def _contenders(rows, most_possible) -> tuple[str, ...]:
    """Drivers who can still reach the leader's total with the points still to score (a tie
    counts: countback may go their way). Where results are dropped, a future result can only
    replace a weaker one of its part of the season, which `most_possible` accounts for."""
    if not rows:
        return ()
    leader_points = rows[0].points
    return tuple(row.key for row in rows if most_possible((row.car_class, row.key)) >= leader_points)
