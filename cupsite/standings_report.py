"""`cupsite standings`: choose a table and print it as text for the results office."""

from __future__ import annotations

from .link import Site
from .render import format_points
from .score import SeasonTables, StandingRow, Standings, Tables, after_label


class StandingsRequestError(Exception):
    """The table asked for does not exist; the message says what does."""


def select_standings(site: Site, tables: Tables, championship: str | None, season: str | None,
                     car_class: str | None, after_round: int | None) -> tuple[SeasonTables, Standings]:
    candidates = [s for s in site.seasons
                  if championship in (None, s.championship) and season in (None, s.year)]
    with_results = [s for s in candidates if tables.season(s.championship, s.year).final is not None]
    if not with_results:
        known = ", ".join(f"{s.championship} {s.year}" for s in site.seasons
                          if tables.season(s.championship, s.year).final is not None) or "none"
        raise StandingsRequestError(f"no results for {championship or 'any championship'} "
                                    f"{season or ''}".rstrip() + f"; seasons with results: {known}")
    chosen = max(with_results, key=lambda s: (s.year, s.championship))
    season_tables = tables.season(chosen.championship, chosen.year)
    if after_round is None:
        table = season_tables.final
    elif after_round in season_tables.by_round:
        table = season_tables.by_round[after_round]
    else:
        rounds = ", ".join(map(str, sorted(season_tables.by_round)))
        raise StandingsRequestError(f"no results after round {after_round}; rounds with results: {rounds}")
    codes = [code for code, _ in table.drivers]
    if car_class is not None and car_class not in codes:
        raise StandingsRequestError(f"no class {car_class!r}; classes: {', '.join(codes)}")
    return season_tables, table


def text_report(site: Site, season_tables: SeasonTables, table: Standings, car_class: str | None) -> str:
    championship = site.config.championship(season_tables.championship)
    season = next(s for s in site.seasons if (s.championship, s.year) == (season_tables.championship,
                                                                         season_tables.year))
    lines = [f"{championship.name} {season_tables.year}, {after_label(season, season_tables, table)}"]
    for code, rows in table.drivers:
        if car_class in (None, code):
            lines += ["", f"{championship.car_class(code).name} ({code})", *_driver_lines(site, rows)]
    if car_class is None:
        lines += ["", "Teams", *_team_lines(site, table.teams)]
    rookies = [r for r in table.rookies if car_class in (None, r.car_class)]
    if rookies:
        lines += ["", "Rookies", *_driver_lines(site, rookies)]
    adjustments = table.adjustments if car_class is None else table.class_adjustments(car_class)
    if adjustments:
        lines += ["", "Points adjustments", *(_adjustment_line(site, a) for a in adjustments)]
    return "\n".join(lines)


def _adjustment_line(site: Site, adjustment) -> str:
    names = [site.drivers[slug].name for _, slug in adjustment.drivers] + [site.teams[t].name for t in adjustment.teams]
    sign = "−" if adjustment.points < 0 else "+"
    reason = f": {adjustment.reason}" if adjustment.reason else ""
    change = "withdrawn, its points no longer count" if adjustment.withdrawn \
        else f"{sign}{format_points(abs(adjustment.points))}"
    return f"  {', '.join(names)}, after round {adjustment.round}: {change}{reason}"


def _position(row: StandingRow) -> str:
    return f"{row.position}{'=' if row.tied else ''}"


def _gap(row: StandingRow) -> str:
    return f"-{format_points(row.gap)}" if row.gap else "-"


def _driver_lines(site: Site, rows) -> list[str]:
    width = max((len(site.drivers[r.key].name) for r in rows), default=6)
    lines = [f"{'Pos':>4}  {'No.':>4}  {'Driver':<{width}}  {'Points':>6}  {'Gap':>5}  {'Wins':>4}  {'Podiums':>7}"]
    for r in rows:
        numbers = ",".join(map(str, r.numbers))
        lines.append(f"{_position(r):>4}  {numbers:>4}  {site.drivers[r.key].name:<{width}}  "
                     f"{format_points(r.points):>6}  {_gap(r):>5}  {r.wins:>4}  {r.podiums:>7}")
    return lines


def _team_lines(site: Site, rows) -> list[str]:
    width = max((len(site.teams[r.key].name) for r in rows), default=4)
    lines = [f"{'Pos':>4}  {'Team':<{width}}  {'Points':>6}  {'Gap':>5}  {'Wins':>4}"]
    for r in rows:
        lines.append(f"{_position(r):>4}  {site.teams[r.key].name:<{width}}  {format_points(r.points):>6}  "
                     f"{_gap(r):>5}  {r.wins:>4}")
    return lines
