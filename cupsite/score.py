"""The score stage: class positions, points, standings with countback, statistics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .config import Championship
from .link import Site
from .model import SCORING_STATUSES, Entry, Event, Season, SessionInfo
from .rules import PointsSystem
from .timing import format_gap, format_time, parse_gap, parse_time

TIMED_SESSIONS = ("practice", "qualifying", "warmup")
RACES = ("race", "sprint")
STATUS_SHORT = {"nc": "NC", "dnf": "DNF", "dns": "DNS", "dsq": "DSQ"}


@dataclass(frozen=True)
class ScoredRow:
    position: int
    class_position: int
    car: int
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


@dataclass(frozen=True)
class ScoredSession:
    event: str  # event key
    info: SessionInfo
    rows: tuple[ScoredRow, ...]  # overall order
    classes: tuple[tuple[str, tuple[ScoredRow, ...]], ...]  # (class code, rows) in config order

    @property
    def key(self) -> tuple[str, str]:
        return (self.event, self.info.slug)


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
    numbers: tuple[int, ...] = ()
    teams: tuple[str, ...] = ()
    dropped: tuple[int, ...] = ()  # indices of the races whose scores do not count


@dataclass(frozen=True)
class Standings:
    after_round: int
    drivers: tuple[tuple[str, tuple[StandingRow, ...]], ...]  # (class code, rows)
    teams: tuple[StandingRow, ...]
    rookies: tuple[StandingRow, ...]
    contenders: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (class code, drivers who can still win)

    def champion(self, code: str) -> str | None:
        """The driver who has won the class title, once nobody else can catch them."""
        alive = dict(self.contenders).get(code, ())
        rows = dict(self.drivers).get(code, ())
        return alive[0] if len(alive) == 1 and rows and rows[0].points > 0 else None


@dataclass(frozen=True)
class SeasonTables:
    championship: str
    year: str
    races: tuple[tuple[str, str], ...]  # races and sprints with results, in running order
    sessions: dict  # (event key, session slug) -> ScoredSession
    final: Standings | None  # after the last round with results
    by_round: dict  # round number -> Standings
    complete: bool  # every round has its race results


@dataclass(frozen=True)
class Stats:
    starts: int = 0
    wins: int = 0
    podiums: int = 0
    poles: int = 0
    fastest_laps: int = 0
    dnfs: int = 0
    best_finish: int | None = None
    points: float = 0
    titles: int = 0
    finishes: int = 0  # classified race finishes
    finish_total: int = 0  # their class positions added up, for the average

    @property
    def average_finish(self) -> float | None:
        return round(self.finish_total / self.finishes, 1) if self.finishes else None

    def __add__(self, other: Stats) -> Stats:
        best = [f for f in (self.best_finish, other.best_finish) if f is not None]
        return Stats(self.starts + other.starts, self.wins + other.wins, self.podiums + other.podiums,
                     self.poles + other.poles, self.fastest_laps + other.fastest_laps, self.dnfs + other.dnfs,
                     min(best) if best else None, self.points + other.points, self.titles + other.titles,
                     self.finishes + other.finishes, self.finish_total + other.finish_total)


@dataclass(frozen=True)
class SeasonRecord:
    """One driver's or team's season in one championship."""

    championship: str
    year: str
    car_class: str
    numbers: tuple[int, ...]
    teams: tuple[str, ...]
    standing: StandingRow | None
    stats: Stats
    results: tuple[tuple[str, ScoredSession, ScoredRow], ...]  # (event key, session, row) in running order


@dataclass(frozen=True)
class Tables:
    seasons: dict  # (championship, year) -> SeasonTables
    driver_seasons: dict = field(default_factory=dict)  # slug -> (SeasonRecord, ...)
    team_seasons: dict = field(default_factory=dict)
    driver_career: dict = field(default_factory=dict)  # slug -> Stats
    team_career: dict = field(default_factory=dict)

    def season(self, championship: str, year: str) -> SeasonTables | None:
        return self.seasons.get((championship, year))


def score(site: Site) -> Tables:
    seasons = {}
    for season in site.seasons:
        championship = site.config.championship(season.championship)
        seasons[(season.championship, season.year)] = score_season(season, championship, site.results)
    driver_seasons, team_seasons = _records(site, seasons)
    return Tables(
        seasons=seasons,
        driver_seasons=driver_seasons,
        team_seasons=team_seasons,
        driver_career={slug: _total(records) for slug, records in driver_seasons.items()},
        team_career={slug: _total(records) for slug, records in team_seasons.items()},
    )


def _total(records) -> Stats:
    total = Stats()
    for record in records:
        total = total + record.stats
    return total


def score_season(season: Season, championship: Championship, results: dict) -> SeasonTables:
    rules = season.points_system or championship.points
    cars = {e.number: e for e in season.entries}
    sessions, scoring = {}, []
    for event in season.events:
        for info in event.sessions:
            result = results.get((event.key, info.slug))
            if result is None:
                continue
            scored = score_session(event, info, result.rows, cars, championship, rules)
            sessions[scored.key] = scored
            if info.type in RACES or rules.scores(info.type):
                scoring.append((event, scored))
    races = [(event, session) for event, session in scoring if session.info.type in RACES]
    rounds_with_results = sorted({event.round for event, _ in scoring})
    by_round = {
        number: standings_after(number, [s for e, s in scoring if e.round <= number], season, championship,
                                _still_to_score(season, rules, number))
        for number in rounds_with_results
    }
    final = by_round[rounds_with_results[-1]] if rounds_with_results else None
    complete = bool(season.events) and all(
        any(e.round == event.round and s.info.type in RACES for e, s in races) for event in season.events
    )
    return SeasonTables(season.championship, season.year, tuple(s.key for _, s in races), sessions, final,
                        by_round, complete)


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
            scored.append(ScoredRow(
                position=row.position, class_position=class_position, car=row.car, car_class=code,
                team=entry.team, drivers=row.drivers or entry.drivers, status=row.status, laps=row.laps,
                time=row.time or _total_time(row, winner_time), gap=gap, class_gap=class_gap, best=row.best,
                best_lap=row.best_lap,
                fastest_in_class=lap is not None and lap == class_best, points=awarded.get(row.car, 0.0),
                rookie=entry.rookie, note=row.note, guest=row.car in guests, laps_led=row.laps_led,
            ))
        scored_by_class[code] = tuple(scored)
    overall = tuple(sorted((r for rows_ in scored_by_class.values() for r in rows_), key=lambda r: r.position))
    ordered = tuple((c.code, scored_by_class[c.code]) for c in championship.classes if c.code in scored_by_class)
    return ScoredSession(event.key, info, overall, ordered)


def _is_guest(row, entry: Entry, rules: PointsSystem) -> bool:
    return entry.guest or str(row.car) in rules.guests or any(d in rules.guests for d in (row.drivers or entry.drivers))


def _points_by_car(info: SessionInfo, class_rows, guests: set, rules: PointsSystem) -> dict[int, float]:
    """Points of one class in one session: the table by position among the cars that may score
    (guests make way; classified finishers only, over the minimum distance, where the rules say
    so), times the session's factor, plus the bonuses the rules award."""
    points: dict[int, float] = defaultdict(float)
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
    is_race = info.type in RACES
    laps = {r.car: parse_time(r.best) for r in scorers if r.best and r.status in SCORING_STATUSES}
    fastest = min((t for t in laps.values() if t is not None), default=None)
    most_led = max((r.laps_led or 0 for r in scorers), default=0)
    for bonus in rules.bonuses:
        for class_position, row in enumerate(class_rows, start=1):
            if row.car in guests or (bonus.top and class_position > bonus.top):
                continue
            if bonus.award == "pole":
                earned = info.type == "qualifying" and row is next((r for r in scorers if r.status != "dns"), None)
            elif not is_race:
                earned = False
            elif bonus.award == "fastest_lap":
                earned = fastest is not None and laps.get(row.car) == fastest
            elif bonus.award == "led_lap":
                earned = (row.laps_led or 0) >= 1
            elif bonus.award == "most_laps_led":
                earned = most_led > 0 and row.laps_led == most_led
            elif bonus.award == "participation":
                earned = row.status != "dns"
            else:  # "finish"
                earned = row.status in SCORING_STATUSES
            if earned:
                points[row.car] += bonus.points
    return points


def _total_time(row, winner_time: float | None) -> str:
    if winner_time is None or row.status not in SCORING_STATUSES:
        return ""
    behind = _seconds_behind(row)
    return format_time(winner_time + behind) if behind is not None else ""


def _best_time(rows) -> float | None:
    times = [t for t in (parse_time(r.best) for r in rows if r.best) if t is not None]
    return min(times) if times else None


def _race_class_gap(row, leader) -> str:
    """The gap to the class winner, from the gaps or times to the overall leader."""
    if row.status not in SCORING_STATUSES:
        return ""
    if row.laps is not None and leader.laps is not None and row.laps < leader.laps:
        behind = leader.laps - row.laps
        return f"+{behind} Lap" + ("s" if behind > 1 else "")
    mine, theirs = _seconds_behind(row), _seconds_behind(leader)
    if mine is None or theirs is None:
        return ""
    return format_gap(max(mine - theirs, 0.0))


def _seconds_behind(row) -> float | None:
    if row.position == 1 or row.gap == "-":
        return 0.0
    gap = parse_gap(row.gap) if row.gap else None
    if gap is None or gap[0] > 0:
        return None
    return gap[1]


def _finish_label(row: ScoredRow) -> str:
    return str(row.class_position) if row.status in SCORING_STATUSES else STATUS_SHORT.get(row.status, "")


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


def _still_to_score(season: Season, rules: PointsSystem, after_round: int) -> tuple[tuple[bool, float], ...]:
    """The most one car can still score in each session after a round: (is a race, points)."""
    return tuple((info.type in RACES, rules.max_points(info.type, info.points_factor))
                 for event in season.events if event.round > after_round for info in event.sessions
                 if info.type in RACES or rules.scores(info.type))


_NO_RESULT = 10_000  # ranks behind any class position in the latest-result tie-break


def standings_after(number: int, scoring: list[ScoredSession], season: Season, championship: Championship,
                    still_to_score: tuple[tuple[bool, float], ...] = ()) -> Standings:
    """The tables after round `number`, from its scoring sessions: points from every one (a
    driver's worst race scores dropped where the rules say so); wins, podiums, countback and the
    results grid from races only; who can still win each class with what is left to score."""
    rules = season.points_system or championship.points
    races = [s for s in scoring if s.info.type in RACES]
    race_index = {id(s): i for i, s in enumerate(races)}
    race_total = sum(1 for e in season.events for s in e.sessions if s.type in RACES)
    other_points = defaultdict(float)  # points from sessions that are not races: never dropped
    race_points = defaultdict(dict)  # key -> {race index: points}
    driver_positions = defaultdict(list)
    driver_finishes = defaultdict(dict)
    driver_numbers, driver_teams = defaultdict(set), defaultdict(set)
    team_points, team_positions = defaultdict(float), defaultdict(list)
    rookies = set()
    for session in scoring:
        index = race_index.get(id(session))
        by_team = defaultdict(list)
        for row in session.rows:
            if row.guest:
                continue
            by_team[row.team].append(row)
            for driver in row.drivers:
                key = (row.car_class, driver)
                driver_numbers[key].add(row.car)
                driver_teams[key].add(row.team)
                if row.rookie and row.car_class in championship.rookie_classes:
                    rookies.add(key)
                if index is None:
                    other_points[key] += row.points
                    continue
                race_points[key][index] = race_points[key].get(index, 0) + row.points
                if row.status in SCORING_STATUSES:
                    driver_positions[key].append(row.class_position)
                driver_finishes[key][index] = _finish_label(row)
        for team, rows in by_team.items():
            counted = sorted(rows, key=lambda r: (-r.points, r.position))
            if championship.team_cars_per_race:
                counted = counted[: championship.team_cars_per_race]
            team_points[team] += sum(r.points for r in counted)
            if index is not None:
                team_positions[team].extend(r.class_position for r in counted if r.status in SCORING_STATUSES)
    for entry in season.entries:  # entered cars appear in the tables before they score
        if entry.guest:
            continue
        for driver in entry.drivers:
            other_points[(entry.car_class, driver)] += 0
            if entry.rookie and entry.car_class in championship.rookie_classes:
                rookies.add((entry.car_class, driver))
        team_points[entry.team] += 0

    counted = rules.counted(race_total)
    keys = set(other_points) | set(race_points)
    dropped = {key: _dropped(race_points[key], counted) for key in keys}
    totals = {key: other_points[key] + sum(p for i, p in race_points[key].items() if i not in dropped[key])
              for key in keys}
    latest_first = None
    if rules.tie_break == "latest_result":
        latest_first = {key: tuple(_latest_rank(driver_finishes[key].get(i, "")) for i in reversed(range(len(races))))
                        for key in keys}

    def driver_row(key, position, tied, gap):
        code, slug = key
        positions = driver_positions[key]
        return StandingRow(position, tied, slug, code, totals[key], gap, positions.count(1),
                           sum(1 for p in positions if p <= 3),
                           tuple(driver_finishes[key].get(i, "") for i in range(len(races))),
                           tuple(sorted(driver_numbers[key])), tuple(sorted(driver_teams[key])),
                           tuple(sorted(dropped[key])))

    tables, contenders = [], []
    for car_class in championship.classes:
        class_keys = {k: (totals[k], driver_positions[k]) for k in keys if k[0] == car_class.code}
        rows = _ranked(class_keys, driver_row, latest_first)
        tables.append((car_class.code, rows))
        contenders.append((car_class.code, _contenders(rows, race_points, other_points, counted, still_to_score)))
    rookie_keys = {k: (totals[k], driver_positions[k]) for k in rookies}

    def team_row(team, position, tied, gap):
        positions = team_positions[team]
        return StandingRow(position, tied, team, "", team_points[team], gap, positions.count(1),
                           sum(1 for p in positions if p <= 3), ())

    teams = _ranked({t: (team_points[t], team_positions[t]) for t in team_points}, team_row)
    return Standings(number, tuple(tables), teams, _ranked(rookie_keys, driver_row, latest_first),
                     tuple(contenders))


def _dropped(scores: dict[int, float], counted: int | None) -> frozenset[int]:
    """The race indices whose scores do not count: all but the best `counted` (earlier races
    dropped first among equal scores, so that a later result is the one that stands)."""
    if counted is None or len(scores) <= counted:
        return frozenset()
    best = sorted(scores, key=lambda i: (-scores[i], -i))[:counted]
    return frozenset(scores) - frozenset(best)


def _latest_rank(label: str) -> int:
    return int(label) if label.isdigit() else _NO_RESULT


def _contenders(rows, race_points, other_points, counted, still_to_score) -> tuple[str, ...]:
    """Drivers who can still reach the leader's total with the points still to score (a tie
    counts: countback may go their way). Where results are dropped, a future result can only
    replace a weaker one, which the best-of computation accounts for."""
    if not rows:
        return ()
    leader_points = rows[0].points
    future_races = [points for is_race, points in still_to_score if is_race]
    future_other = sum(points for is_race, points in still_to_score if not is_race)
    alive = []
    for row in rows:
        key = (row.car_class, row.key)
        scores = sorted(list(race_points[key].values()) + future_races, reverse=True)
        best = scores[:counted] if counted is not None else scores
        if other_points[key] + future_other + sum(best) >= leader_points:
            alive.append(row.key)
    return tuple(alive)


def _records(site: Site, seasons: dict):
    """Each driver's and team's seasons: what they entered, scored and achieved."""
    driver_rows, team_rows = defaultdict(list), defaultdict(list)
    for (championship, year), tables in seasons.items():
        for session in sorted(tables.sessions.values(), key=lambda s: _running_order(site, s)):
            for row in session.rows:
                for driver in row.drivers:
                    driver_rows[(driver, championship, year, row.car_class)].append((session.event, session, row))
                team_rows[(row.team, championship, year)].append((session.event, session, row))
    driver_seasons = defaultdict(list)
    for season in site.seasons:
        tables = seasons[(season.championship, season.year)]
        classes = defaultdict(lambda: ([], []))
        for entry in season.entries:
            for driver in entry.drivers:
                numbers, teams = classes[(driver, entry.car_class)]
                numbers.append(entry.number)
                teams.append(entry.team)
        for (driver, code), (numbers, teams) in sorted(classes.items()):
            results = driver_rows.get((driver, season.championship, season.year, code), [])
            standing = _find(tables.final, code, driver)
            stats = _stats(results, standing, tables.complete)
            driver_seasons[driver].append(SeasonRecord(season.championship, season.year, code,
                                                       tuple(sorted(set(numbers))), tuple(dict.fromkeys(teams)),
                                                       standing, stats, tuple(results)))
    team_seasons = defaultdict(list)
    for season in site.seasons:
        tables = seasons[(season.championship, season.year)]
        for team in sorted({e.team for e in season.entries}):
            results = team_rows.get((team, season.championship, season.year), [])
            standing = next((r for r in tables.final.teams if r.key == team), None) if tables.final else None
            numbers = tuple(sorted(e.number for e in season.entries if e.team == team))
            team_seasons[team].append(SeasonRecord(season.championship, season.year, "", numbers, (team,),
                                                   standing, _stats(results, standing, tables.complete),
                                                   tuple(results)))
    order = lambda r: (r.year, r.championship)  # noqa: E731
    return ({k: tuple(sorted(v, key=order, reverse=True)) for k, v in sorted(driver_seasons.items())},
            {k: tuple(sorted(v, key=order, reverse=True)) for k, v in sorted(team_seasons.items())})


def _running_order(site: Site, session: ScoredSession):
    event = site.events[session.event]
    return (event.start, event.round, session.info.start, session.info.slug)


def _find(standings: Standings | None, code: str, driver: str) -> StandingRow | None:
    if standings is None:
        return None
    rows = dict(standings.drivers).get(code, ())
    return next((r for r in rows if r.key == driver), None)


def _stats(results, standing: StandingRow | None, complete: bool) -> Stats:
    starts = wins = podiums = poles = fastest = dnfs = 0
    finishes = []
    for _, session, row in results:
        kind = session.info.type
        if kind == "qualifying" and row.class_position == 1 and row.status != "dns":
            poles += 1
        if kind not in RACES or row.status == "dns":
            continue
        starts += 1
        if row.status in SCORING_STATUSES:
            finishes.append(row.class_position)
            wins += row.class_position == 1
            podiums += row.class_position <= 3
        elif row.status == "dnf":
            dnfs += 1
        fastest += row.fastest_in_class
    title = int(complete and standing is not None and standing.position == 1 and standing.points > 0)
    return Stats(starts, wins, podiums, poles, fastest, dnfs, min(finishes) if finishes else None,
                 standing.points if standing else 0, title, len(finishes), sum(finishes))

