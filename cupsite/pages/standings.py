"""A season's standings pages: the tables after the latest round and after each earlier one, the
title fight, movement since the round before, the season's results grid and the points charts."""

from __future__ import annotations

from typing import NamedTuple

from .. import steps, urls
from ..adjustments import Adjustment
from ..charts import TOP, Chart, Counting, progression_charts
from ..config import Championship
from ..drops import counting_parts
from ..link import Person, Site
from ..model import RACES, Event, Season
from ..names import NameParts, person_name_parts
from ..rules import PointsSystem
from ..score import SeasonTables, after_label
from ..standings import Standings
from ..words import counted
from .season import Switcher, switcher


class TitleStatus(NamedTuple):
    """Where a class title stands: its champion and the round that decided it, or who can still win."""

    car_class: str
    """the class code"""
    champion: str | None
    """the champion's slug, once nobody can catch them"""
    decided_after_round: int | None
    """the round after which the title was decided"""
    contenders: tuple[str, ...]
    """the slugs of the drivers who can still win it"""


class RaceColumn(NamedTuple):
    """A race's column in the season's results grid."""

    event: Event
    """the round"""
    session: str
    """the race's session slug"""
    label: str
    """short header such as "IND 2" """
    title: str
    """"Round 5, Indianapolis, Race 2" """


class AdjustmentLine(NamedTuple):
    """A points adjustment as one table lists it, with the drivers or teams of that table it counts for."""

    adjustment: Adjustment
    """the adjustment: `kind`, `target`, `points` (negative: a penalty), `round`, `reason`, `withdrawn`"""
    people: tuple[Person, ...]
    """the table's drivers (a class's table) or teams (the teams' table) whose total it changes"""


class StandingsPage(NamedTuple):
    """`standings.html`: a season's tables, after its latest round or after an earlier one."""

    title: str
    """"Carrera Cup 2025 standings", with " after round 3" for an earlier table"""
    championship: Championship
    """the championship"""
    season: Season
    """the season"""
    season_tables: SeasonTables
    """the season's tables: `races`, `sessions`, `final`, `by_round`, `complete`"""
    standings: Standings | None
    """the tables shown: `drivers` ((class code, rows) per class), `teams`, `rookies`, `after_round`,
    `adjustments`; None before any results"""
    latest: bool
    """the tables are those after the latest round (not an earlier one)"""
    races: tuple[RaceColumn, ...]
    """the season's races with results, as the results grid's columns"""
    grids: dict[str, tuple]
    """class code -> (StandingRow, cells) per driver: each cell (text, style) of a race, in `races` order"""
    titles: dict[str, TitleStatus]
    """class code -> where its title stands"""
    moves: dict[str, dict[str, int]]
    """class code, "teams" or "rookies" -> driver or team slug -> places gained since the round before
    (negative: lost; left out: new); empty after the first round"""
    rules: PointsSystem
    """the season's points system (rules.PointsSystem)"""
    charts: dict[str, Chart]
    """class code -> points progression chart (drawn by the `points_chart` macro of `charts.html`)"""
    championship_seasons: tuple[Season, ...]
    """the championship's seasons, oldest first (for the `switchers` macro)"""
    other_championships: tuple[tuple[Championship, Season], ...]
    """(championship, its latest season) of the site's other championships (for the `switchers` macro)"""
    switcher: Switcher
    """the links to the standings of the other seasons and championships (drawn by the `switchers` macro)"""
    round_links: tuple[tuple[int, str], ...]
    """(round number, site path of the tables after it; "" for this page's own) of each round with results"""
    adjustment_lines: dict[str, tuple[AdjustmentLine, ...]]
    """class code or "teams" -> the points adjustments counted in that table"""
    after: str
    """what the tables are after, as a sentence: "After round 8 (final): 16 races." once every race has
    results, "After round 8, Race 1: 15 races." while a race of the round has none yet, "After round 3."
    for an earlier table; "" before any results"""
    drops_results: bool
    """some results may be dropped (shown in brackets in the grid)"""
    names: dict[str, NameParts]
    """driver slug -> (words before the surname, surname, words after it) of every driver in the season's tables,
    for the `person_name` macro (a phone shows the surname first)"""


def standings_pages(site: Site, championship: Championship, season: Season, season_tables, switchers: dict
                    ) -> list[tuple[str, StandingsPage]]:
    """(site path, context) of the standings after the latest round, then after each earlier one."""
    latest = _latest_standings(site, championship, season, season_tables, switchers)
    pages = [(urls.standings(season.championship, season.year), latest)]
    for number, table in season_tables.by_round.items():
        if table is not season_tables.final:
            pages.append((urls.standings_after_round(season.championship, season.year, number), latest._replace(
                standings=table, latest=False, title=f"{latest.title} after round {number}",
                titles=_title_status(season_tables, number), moves=_moves(season_tables, table),
                round_links=_round_links(season, season_tables, table), adjustment_lines=_adjustment_lines(site, table),
                after=_after(season, season_tables, table, None),
            )))
    return pages


def _latest_standings(site: Site, championship: Championship, season: Season, season_tables, switchers: dict
                      ) -> StandingsPage:
    rules = season.points_system or championship.points
    columns = race_columns(site, season_tables)
    race_total = sum(1 for e in season.events for s in e.sessions if s.type in RACES)
    return StandingsPage(
        title=f"{championship.short_name} {season.year} standings",
        championship=championship, season=season, season_tables=season_tables,
        standings=season_tables.final, latest=True, races=columns,
        grids=_results_grids(season_tables, championship),
        titles=_title_status(season_tables),
        moves=_moves(season_tables, season_tables.final),
        rules=rules,
        charts=steps.once(
            progression_charts,
            season_tables, tuple((e.key, s.slug) for e in season.events for s in e.sessions),
            tuple(c.label for c in columns), _names_in(site, season_tables.final),
            {k.code: k.name for k in championship.classes}, TOP, rules.counted(race_total),
            _chart_counting(site, season, season_tables, rules, race_total)),
        **switchers,
        switcher=switcher(season, switchers["championship_seasons"], switchers["other_championships"],
                          urls.standings),
        round_links=_round_links(season, season_tables, season_tables.final),
        adjustment_lines=_adjustment_lines(site, season_tables.final),
        drops_results=bool(rules.drop_worst or rules.best_results or rules.best_of_parts),
        names=_name_parts_in(site, season_tables.final),
        after=_after(season, season_tables, season_tables.final, columns),
    )


def _after(season: Season, season_tables: SeasonTables, table: Standings | None, races) -> str:
    """The sentence of what a table is after; with `races` (the latest table), how many it counts."""
    if table is None:
        return ""
    label = after_label(season, season_tables, table)
    return label[0].upper() + label[1:] + (f": {counted(len(races), 'race')}." if races is not None else ".")


def _names_in(site: Site, table: Standings | None) -> dict[str, str]:
    """The names of the drivers of a table, by slug: all a season's charts show of the drivers."""
    if table is None:
        return {}
    return {row.key: site.drivers[row.key].name for _, rows in table.drivers for row in rows if row.key in site.drivers}


def _name_parts_in(site: Site, table: Standings | None) -> dict[str, NameParts]:
    if table is None:
        return {}
    rows = [row for _, rows in table.drivers for row in rows] + list(table.rookies)
    return {row.key: person_name_parts(site.drivers[row.key]) for row in rows if row.key in site.drivers}


def _round_links(season: Season, season_tables, shown: Standings | None) -> tuple[tuple[int, str], ...]:
    def path(number: int, table: Standings) -> str:
        if table is shown:
            return ""
        if table is season_tables.final:
            return urls.standings(season.championship, season.year)
        return urls.standings_after_round(season.championship, season.year, number)

    return tuple((number, path(number, table)) for number, table in season_tables.by_round.items())


def _adjustment_lines(site: Site, table: Standings | None) -> dict[str, tuple[AdjustmentLine, ...]]:
    if table is None:
        return {}
    lines = {code: tuple(AdjustmentLine(a, tuple(site.drivers[d] for c, d in a.drivers if c == code))
                         for a in table.class_adjustments(code))
             for code, _ in table.drivers}
    lines["teams"] = tuple(AdjustmentLine(a, tuple(site.teams[t] for t in a.teams)) for a in table.team_adjustments())
    return lines


def _chart_counting(site: Site, season: Season, season_tables, rules, race_total: int) -> Counting | None:
    """What the points charts count beyond the best N scores: parts of the season, adjustments,
    divided points of shared cars."""
    if not rules.best_of_parts and not season.adjustments and rules.shared_car != "divided":
        return None
    race_rounds = {key: site.events[key[0]].round for key in season_tables.races}
    return Counting(counting_parts(rules, race_total), race_rounds, season.adjustments, rules.shared_car == "divided")


def _moves(season_tables, table: Standings | None) -> dict:
    """Places gained since the table after the round before (negative: lost), per table: the class
    code, "teams" or "rookies" -> {driver or team: places}; one not in the earlier table is left
    out (new). Empty after the first round with results."""
    if table is None:
        return {}
    earlier = [number for number in season_tables.by_round if number < table.after_round]
    if not earlier:
        return {}
    before = season_tables.by_round[max(earlier)]

    def places(now_rows, then_rows) -> dict:
        then = {row.key: row.position for row in then_rows}
        return {row.key: then[row.key] - row.position for row in now_rows if row.key in then}

    moves = {code: places(rows, dict(before.drivers).get(code, ())) for code, rows in table.drivers}
    moves["teams"] = places(table.teams, before.teams)
    moves["rookies"] = places(table.rookies, before.rookies)
    return moves


def _title_status(season_tables, after_round: int | None = None) -> dict:
    """Per class, the title as it stood after a round (default: the latest)."""
    table = season_tables.by_round[after_round] if after_round else season_tables.final
    if table is None:
        return {}
    status = {}
    for code, _ in table.drivers:
        decided = next((number for number, earlier in sorted(season_tables.by_round.items())
                        if number <= table.after_round and earlier.champion(code)), None)
        status[code] = TitleStatus(code, table.champion(code), decided, dict(table.contenders).get(code, ()))
    return status


def race_columns(site: Site, season_tables) -> tuple[RaceColumn, ...]:
    columns = []
    for key, slug in season_tables.races:
        event = site.events[key]
        session = season_tables.sessions[(key, slug)].info
        races_of_event = [s for s in event.sessions if s.type in RACES]
        number = races_of_event.index(session) + 1 if len(races_of_event) > 1 else ""
        columns.append(RaceColumn(event, slug, f"{event.short_name or f'R{event.round}'} {number}".strip(),
                                  f"Round {event.round}, {event.name}, {session.name}"))
    return tuple(columns)


def _results_grids(season_tables, championship: Championship) -> dict:
    """Per class: each driver's finishes as (label, style) cells for the season grid."""
    if season_tables.final is None:
        return {}
    scoring_places = len(championship.points.tables.get("race", ()))
    grids = {}
    for code, rows in season_tables.final.drivers:
        grids[code] = tuple((row, tuple(_cell(label, scoring_places, index in row.dropped)
                                        for index, label in enumerate(row.finishes)))
                            for row in rows)
    return grids


def _cell(label: str, scoring_places: int, dropped: bool) -> tuple[str, str]:
    """A grid cell: its text, and its style; a dropped result is shown in brackets."""
    style = _cell_style(label, scoring_places)
    return (f"({label})", style + " dropped") if dropped else (label, style)


def _cell_style(label: str, scoring_places: int) -> str:
    if label in ("1", "2", "3"):
        return f"p{label}"
    if label.isdigit():
        return "points" if int(label) <= scoring_places else "finish"
    return "out" if label else "absent"

