"""What every converter shares: a car's line in a session, the entry list, the season's files."""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml


class SourceError(ValueError):
    """The source's tables say something the converter cannot turn into a site."""


@dataclass(frozen=True)
class CarRow:
    """One car's line in one session, with the entry it belongs to."""

    round: int
    number: str
    team: str
    drivers: tuple[str, ...]
    pos: int
    status: str
    laps: int
    time: str | None = None
    gap: str | None = None
    best: str | None = None

    def as_yaml(self) -> dict:
        row = {"pos": self.pos, "car": self.number}
        if self.status != "classified":
            row["status"] = self.status
        row["laps"] = self.laps
        for key in ("time", "gap", "best"):
            if getattr(self, key):
                row[key] = getattr(self, key)
        row["drivers"] = list(self.drivers)
        return row


def without_gaps_out_of_order(table: list[CarRow]) -> list[CarRow]:
    """Drops a gap smaller than one ahead of it: the source keeps the time a car crossed the line
    in, before a time penalty moved it down the order (Schumacher, Monaco 2010)."""
    kept, largest = [], 0.0
    for row in table:
        seconds = _gap_seconds(row.gap)
        if seconds is not None and seconds < largest:
            row = replace(row, gap=None)
        elif seconds is not None:
            largest = seconds
        kept.append(row)
    return kept


def _gap_seconds(gap: str | None) -> float | None:
    if not gap or "Lap" in gap:
        return None
    minutes, _, seconds = gap[1:].rpartition(":")
    return int(minutes or 0) * 60 + float(seconds)


def entries_for(cars: list[CarRow], round_count: int) -> list[dict]:
    """The entry list: one entry per car number and team, with `rounds:` where a number changed teams."""
    rounds_by_entry = defaultdict(set)
    crews = defaultdict(list)
    for car in cars:
        key = (car.number, car.team)
        rounds_by_entry[key].add(car.round)
        crews[key].extend(d for d in car.drivers if d not in crews[key])
    teams_of_number = defaultdict(int)
    for number, _team in rounds_by_entry:
        teams_of_number[number] += 1
    entries = []
    for key in sorted(rounds_by_entry, key=lambda k: ((len(k[0]), k[0]), min(rounds_by_entry[k]))):
        number, team = key
        entry = {"number": number, "class": "F1", "team": team}
        if len(crews[key]) == 1:
            entry["driver"] = crews[key][0]
        else:
            entry["drivers"] = crews[key]
        if teams_of_number[number] > 1:
            entry["rounds"] = _rounds_text(sorted(rounds_by_entry[key]))
        entries.append(entry)
    return entries


def _rounds_text(rounds: list[int]):
    """'3-7' for an unbroken run of rounds, else the list of rounds."""
    if rounds == list(range(rounds[0], rounds[-1] + 1)):
        return f"{rounds[0]}-{rounds[-1]}" if len(rounds) > 1 else [rounds[0]]
    return rounds


CHAMPIONSHIP = "f1"


@dataclass(frozen=True)
class SeasonRules:
    """A season's configuration that the source does not carry (docs/real-data.md)."""

    points: dict = field(default_factory=dict)        # season.yaml `points:` (docs/rules.md)
    race_factors: dict = field(default_factory=dict)  # round → points_factor of its race
    adjustments: tuple = ()                           # season.yaml `adjustments:`, as written
    team_names: dict = field(default_factory=dict)    # source's team key → {first round: name}


def load_rules(path: Path) -> dict[int, SeasonRules]:
    """The seasons of a rules file, by year."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {int(year): SeasonRules(points=spec.get("points", {}), race_factors=spec.get("points_factor", {}),
                                   adjustments=tuple(spec.get("adjustments", ())),
                                   team_names=spec.get("team_names", {}))
            for year, spec in raw.items()}


@dataclass(frozen=True)
class StandingRow:
    name: str
    points: float
    position: int
    wins: int | None = None  # None: the source does not say


@dataclass(frozen=True)
class PublishedStandings:
    drivers: tuple[StandingRow, ...]
    teams: tuple[StandingRow, ...]


@dataclass(frozen=True)
class SessionTable:
    """One session's classification, to be written as <round slug>/<session slug>.yaml."""

    round_slug: str
    session_slug: str
    rows: tuple[CarRow, ...]


def write_season(root: Path, year: int, rules: SeasonRules, rounds: list[dict], tables: list[SessionTable]) -> Path:
    """Writes the site: cupsite.toml, season.yaml, entries.yaml and the classifications."""
    season_dir = root / "content" / "results" / CHAMPIONSHIP / str(year)
    season = {"name": f"{year} season", "points": rules.points, "rounds": rounds}
    if rules.adjustments:
        season["adjustments"] = list(rules.adjustments)
    dump_yaml(season_dir / "season.yaml", season)
    for table in tables:
        dump_yaml(season_dir / table.round_slug / f"{table.session_slug}.yaml",
                  {"results": [row.as_yaml() for row in table.rows]})
    dump_yaml(season_dir / "entries.yaml", entries_for([row for table in tables for row in table.rows], len(rounds)))
    config = root / "cupsite.toml"
    config.write_text(_site_config(), encoding="utf-8")
    return config


def _site_config() -> str:
    return ('[site]\ntitle = "Formula 1"\nbase_url = "https://f1.example.org/"\ntimezone = "UTC"\n\n'
            f'[[championships]]\nslug = "{CHAMPIONSHIP}"\nname = "Formula 1 World Championship"\n'
            'short_name = "Formula 1"\n\n'
            '  [[championships.classes]]\n  code = "F1"\n  name = "Formula 1"\n  colour = "#e10600"\n')


def dump_yaml(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None),
                    encoding="utf-8")


def convert_main(argv: list[str] | None, description: str, data_help: str, write_site: Callable) -> int:
    """The command line every converter shares: DATA YEAR SITE [--rules FILE]; `write_site(data
    folder, year, rules, site)` writes the site and returns its cupsite.toml."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data", type=Path, help=data_help)
    parser.add_argument("year", type=int)
    parser.add_argument("site", type=Path, help="the folder to write the site into")
    parser.add_argument("--rules", type=Path, help="the seasons' rules (docs/real-data.md)")
    args = parser.parse_args(argv)
    rules = load_rules(args.rules).get(args.year, SeasonRules()) if args.rules else SeasonRules()
    try:
        config = write_site(args.data, args.year, rules, args.site)
    except SourceError as error:
        parser.exit(1, f"error: {error}\n")
    print(f"wrote {config}")
    return 0
