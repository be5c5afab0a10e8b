"""Statistics: each driver's and team's seasons (entries, results, standing) and totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .link import Site
from .model import SCORING_STATUSES, car_sort_key
from .session_scoring import RACES, ScoredRow, ScoredSession
from .standings import StandingRow, Standings
from .stints import best_lap_drivers, laps_led_by


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
    laps_led: int = 0  # in races, where a per-lap export or the classification says

    @property
    def average_finish(self) -> float | None:
        return round(self.finish_total / self.finishes, 1) if self.finishes else None

    def __add__(self, other: Stats) -> Stats:
        best = [f for f in (self.best_finish, other.best_finish) if f is not None]
        return Stats(self.starts + other.starts, self.wins + other.wins, self.podiums + other.podiums,
                     self.poles + other.poles, self.fastest_laps + other.fastest_laps, self.dnfs + other.dnfs,
                     min(best) if best else None, self.points + other.points, self.titles + other.titles,
                     self.finishes + other.finishes, self.finish_total + other.finish_total,
                     self.laps_led + other.laps_led)


@dataclass(frozen=True)
class SeasonRecord:
    """One driver's or team's season in one championship."""

    championship: str
    year: str
    car_class: str
    numbers: tuple[str, ...]
    teams: tuple[str, ...]
    standing: StandingRow | None
    stats: Stats
    results: tuple[tuple[str, ScoredSession, ScoredRow], ...]  # (event key, session, row) in running order


def season_records(site: Site, seasons: dict):
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
        wins_from = _wins_from(site, season)
        classes = defaultdict(lambda: ([], []))
        for entry in season.entries:
            for driver in entry.drivers:
                numbers, teams = classes[(driver, entry.car_class)]
                numbers.append(entry.number)
                teams.append(entry.team)
        for (driver, code), (numbers, teams) in sorted(classes.items()):
            results = driver_rows.get((driver, season.championship, season.year, code), [])
            standing = _find(tables.final, code, driver)
            stats = _stats(results, standing, tables.complete, wins_from, driver)
            numbers_shown = tuple(sorted(set(numbers), key=car_sort_key))
            driver_seasons[driver].append(SeasonRecord(season.championship, season.year, code, numbers_shown,
                                                       tuple(dict.fromkeys(teams)), standing, stats, tuple(results)))
    team_seasons = defaultdict(list)
    for season in site.seasons:
        tables = seasons[(season.championship, season.year)]
        for team in sorted({e.team for e in season.entries}):
            results = team_rows.get((team, season.championship, season.year), [])
            standing = next((r for r in tables.final.teams if r.key == team), None) if tables.final else None
            numbers = tuple(sorted({e.number for e in season.entries if e.team == team}, key=car_sort_key))
            team_seasons[team].append(SeasonRecord(season.championship, season.year, "", numbers, (team,),
                                                   standing, _stats(results, standing, tables.complete,
                                                                    _wins_from(site, season)),
                                                   tuple(results)))
    order = lambda r: (r.year, r.championship)  # noqa: E731
    return ({k: tuple(sorted(v, key=order, reverse=True)) for k, v in sorted(driver_seasons.items())},
            {k: tuple(sorted(v, key=order, reverse=True)) for k, v in sorted(team_seasons.items())})


def _wins_from(site: Site, season) -> tuple[str, ...]:
    """The session types whose results count as wins and podiums in this season (rules `wins_from`)."""
    rules = season.points_system or site.config.championship(season.championship).points
    return rules.wins_from


def _running_order(site: Site, session: ScoredSession):
    event = site.events[session.event]
    return (event.start, event.round, session.info.start, session.info.slug)


def _find(standings: Standings | None, code: str, driver: str) -> StandingRow | None:
    if standings is None:
        return None
    rows = dict(standings.drivers).get(code, ())
    return next((r for r in rows if r.key == driver), None)


def _stats(results, standing: StandingRow | None, complete: bool, wins_from: tuple[str, ...] = ("race",),
           driver: str | None = None) -> Stats:
    """A season's figures; a driver's (`driver` given) count the fastest laps they drove and the
    laps they led, where a per-lap export says who drove, rather than every lap of their car."""
    starts = wins = podiums = poles = fastest = dnfs = led = 0
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
            if kind in wins_from:
                wins += row.class_position == 1
                podiums += row.class_position <= 3
        elif row.status == "dnf":
            dnfs += 1
        if driver is None:
            fastest += row.fastest_in_class
            led += row.laps_led or 0
        else:
            fastest += row.fastest_in_class and driver in best_lap_drivers(row)
            led += laps_led_by(row, driver)
    title = int(complete and standing is not None and standing.position == 1 and standing.points > 0)
    return Stats(starts, wins, podiums, poles, fastest, dnfs, min(finishes) if finishes else None,
                 standing.points if standing else 0, title, len(finishes), sum(finishes), led)


def total_stats(records) -> Stats:
    total = Stats()
    for record in records:
        total = total + record.stats
    return total
