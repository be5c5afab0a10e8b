"""The score stage: every season's sessions scored, its tables after each round, and the
statistics of drivers and teams. The work is done by session_scoring, standings and stats."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import steps
from .config import Championship
from .link import Site
from .model import Season
from .rules import PointsSystem
from .session_scoring import RACES, TIMED_SESSIONS, ScoredRow, ScoredSession, score_session
from .standings import StandingRow, Standings, standings_after
from .stats import SeasonRecord, Stats, season_records, total_stats

__all__ = ["RACES", "TIMED_SESSIONS", "ScoredRow", "ScoredSession", "Standings", "StandingRow", "SeasonRecord",
           "SeasonTables", "Stats", "Tables", "after_label", "score", "score_season", "score_session",
           "standings_after"]


@dataclass(frozen=True)
class SeasonTables:
    championship: str
    year: str
    races: tuple[tuple[str, str], ...]  # races and sprints with results, in running order
    sessions: dict  # (event key, session slug) -> ScoredSession
    final: Standings | None  # after the last round with results
    by_round: dict  # round number -> Standings
    complete: bool  # every race of every round has its results


@dataclass(frozen=True)
class Tables:
    seasons: dict  # (championship, year) -> SeasonTables
    driver_seasons: dict = field(default_factory=dict)  # slug -> (SeasonRecord, ...)
    team_seasons: dict = field(default_factory=dict)
    driver_career: dict = field(default_factory=dict)  # slug -> Stats
    team_career: dict = field(default_factory=dict)

    def season(self, championship: str, year: str) -> SeasonTables | None:
        return self.seasons.get((championship, year))


SEASONS_PER_WORKER = 4  # a season is hundreds of sessions' rows: few make a worker worth starting


def score(site: Site) -> Tables:
    """The tables. Each season is scored on its own, across the cores, and taken from the build
    cache while none of its results, entries, rounds or rules has changed."""
    by_event: dict[str, dict] = {}
    for key, result in site.results.items():
        by_event.setdefault(key[0], {})[key] = result
    scored = steps.each(score_season_of, [
        (season, site.config.championship(season.championship),
         {key: result for event in season.events for key, result in by_event.get(event.key, {}).items()})
        for season in site.seasons], per_worker=SEASONS_PER_WORKER)
    seasons = {(season.championship, season.year): tables for season, tables in zip(site.seasons, scored, strict=True)}
    driver_seasons, team_seasons = season_records(site, seasons)
    return Tables(
        seasons=seasons,
        driver_seasons=driver_seasons,
        team_seasons=team_seasons,
        driver_career={slug: total_stats(records) for slug, records in driver_seasons.items()},
        team_career={slug: total_stats(records) for slug, records in team_seasons.items()},
    )


def score_season_of(season_championship_results: tuple) -> SeasonTables:
    """score_season of (a season, its championship, the results of its events)."""
    return score_season(*season_championship_results)


def score_season(season: Season, championship: Championship, results: dict) -> SeasonTables:
    rules = season.points_system or championship.points
    sessions, scoring = {}, []
    for event in season.events:
        for info in event.sessions:
            result = results.get((event.key, info.slug))
            if result is None:
                continue
            scored = score_session(event, info, result.rows, season.cars_at(event.round), championship, rules)
            sessions[scored.key] = scored
            if info.type in RACES or rules.scores(info.type, info.slug):
                scoring.append((event, scored))
    races = [(event, session) for event, session in scoring if session.info.type in RACES]
    rounds_with_results = sorted({event.round for event, _ in scoring})
    by_round = {
        number: standings_after(number, [s for e, s in scoring if e.round <= number], season, championship,
                                _still_to_score(season, rules, number, sessions))
        for number in rounds_with_results
    }
    final = by_round[rounds_with_results[-1]] if rounds_with_results else None
    # every race of the calendar has its results: a round whose race 2 is still to come is not the end
    complete = bool(season.events) and all(
        any(e.round == event.round and s.info.type in RACES for e, s in races) for event in season.events
    ) and all((event.key, info.slug) in sessions for event in season.events for info in event.sessions
              if info.type in RACES)
    return SeasonTables(season.championship, season.year, tuple(s.key for _, s in races), sessions, final,
                        by_round, complete)


def after_label(season: Season, season_tables: SeasonTables, table: Standings) -> str:
    """What a table is after: "after round 8 (final)" once every race of the season has results;
    "after round 8, Race 1" while a race of its round has none yet; else "after round 8"."""
    if table is season_tables.final and season_tables.complete:
        return f"after round {table.after_round} (final)"
    event = next((e for e in season.events if e.round == table.after_round), None)
    races = [info for info in event.sessions if info.type in RACES] if event is not None else []
    run = [info.name for info in races if (event.key, info.slug) in season_tables.sessions]
    if run and len(run) < len(races):
        return f"after round {table.after_round}, {' and '.join(run)}"
    return f"after round {table.after_round}"


def _still_to_score(season: Season, rules: PointsSystem, after_round: int, scored: dict
                    ) -> tuple[tuple[bool, float, int], ...]:
    """The most one car can still score in each session after a round: (is a race, points, round).
    The round's own sessions without results count too: its race 2 may still be to come."""
    return tuple((info.type in RACES, rules.max_points(info.type, info.points_factor, info.slug), event.round)
                 for event in season.events if event.round >= after_round for info in event.sessions
                 if (event.round > after_round or (event.key, info.slug) not in scored)
                 and (info.type in RACES or rules.scores(info.type, info.slug)))
