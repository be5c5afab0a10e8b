"""The drivers' and teams' pages, and the indexes of drivers, teams and tracks."""

from __future__ import annotations

from typing import NamedTuple

from .. import urls
from ..link import Person, Site
from ..model import Article, Entry, Event, Season
from ..score import ScoredRow, ScoredSession, Tables
from ..stats import SeasonRecord, Stats
from . import PageContext
from .images import Picture, body_image_sizes, body_pictures, profile_image_size, profile_picture
from .sessions import place_of


class PeopleIndexPage(NamedTuple):
    """`drivers.html`, `teams.html`: every driver or every team."""

    title: str
    """"Drivers" or "Teams" """
    people: tuple[Person, ...]
    """each driver or team: `slug`, `name`, `profile`"""
    latest: dict[str, SeasonRecord]
    """slug -> their latest season's record (numbers, class, teams, standing)"""


class TracksIndexPage(NamedTuple):
    """`tracks.html`: every track."""

    title: str
    """"Tracks" """
    people: tuple[Person, ...]
    """each track: `slug`, `name`, `profile`"""


class Weekend(NamedTuple):
    """One driver's round: each session's result and the points it brought."""

    event: Event
    """the round"""
    sessions: tuple[tuple[ScoredSession, ScoredRow], ...]
    """(session, the driver's row) in running order"""
    points: float
    """the points of the round"""
    places: tuple[str, ...]
    """each session's class position, or the status in capitals (DNF), in the order of `sessions`"""


class DriverPage(NamedTuple):
    """`driver.html`: a driver."""

    title: str
    """the driver's name"""
    person: Person
    """the driver: `slug`, `name`, `profile` (`fields`, `body_html`) or None"""
    profile_fields: dict
    """the profile's front matter (`image`, `nationality`, `hometown`, `born`, ...), or {} without a profile"""
    image_size: tuple[int, int] | None
    """(width, height) of the profile's image, when its file tells"""
    body_image_sizes: dict[str, tuple[int, int]]
    """(width, height) of each image of the site the biography shows, by site path (used by the `links` filter)"""
    photo: Picture | None
    """the profile's photo cropped to a portrait, with its credit (None for an image that is not a photo)"""
    body_pictures: dict[str, Picture]
    """the picture of each photo the biography shows, by site path (used by the `links` filter)"""
    records: tuple[tuple[SeasonRecord, tuple[Weekend, ...]], ...]
    """per season, newest first: (record: `championship`, `year`, `car_class`, `numbers`, `teams`, `standing`,
    `stats`; the rounds)"""
    latest_record: SeasonRecord | None
    """the record of their latest season"""
    career: Stats | None
    """career statistics (`starts`, `wins`, `podiums`, `poles`, `fastest_laps`, `laps_led`,
    `best_finish`, `average_finish`, `dnfs`, `points`, `titles`), or None"""
    articles: tuple[Article, ...]
    """stories about the driver, newest first"""
    page_feed: str | None
    """the site path of the driver's Atom feed, if they have stories"""


class TeamSeason(NamedTuple):
    """A team's season: its cars and its place in the teams' table."""

    season: Season
    """the season"""
    entries: tuple[Entry, ...]
    """its entries: `number`, `car_class`, `drivers`, `rookie`"""
    records: tuple[SeasonRecord, ...]
    """its records of the season that have a place in the teams' table (`standing`)"""


class TeamPage(NamedTuple):
    """`team.html`: a team."""

    title: str
    """the team's name"""
    image_size: tuple[int, int] | None
    """(width, height) of the profile's image, when its file tells"""
    body_image_sizes: dict[str, tuple[int, int]]
    """(width, height) of each image of the site the biography shows, by site path (used by the `links` filter)"""
    photo: Picture | None
    """the profile's photo cropped to a portrait, with its credit (None for an image that is not a photo)"""
    body_pictures: dict[str, Picture]
    """the picture of each photo the biography shows, by site path (used by the `links` filter)"""
    person: Person
    """the team: `slug`, `name`, `profile`"""
    profile_fields: dict
    """the profile's front matter (`image`, `base`, `founded`, `principal`, ...), or {}"""
    records: tuple[SeasonRecord, ...]
    """per season, newest first: its record (standing in the teams' table, stats)"""
    career: Stats | None
    """statistics over every season, or None"""
    line_ups: tuple[tuple[Season, tuple[Entry, ...]], ...]
    """(season, its entries) per season, newest first"""
    team_seasons: tuple[TeamSeason, ...]
    """the same seasons with their places in the teams' table"""
    articles: tuple[Article, ...]
    """stories about the team, newest first"""
    page_feed: str | None
    """the site path of the team's Atom feed, if it has stories"""


def index_pages(site: Site, tables: Tables) -> list[tuple[str, str, PageContext]]:
    """(site path, template, context) of the indexes of drivers, teams and tracks."""
    return [
        (urls.DRIVERS, "drivers.html", PeopleIndexPage("Drivers", tuple(site.drivers.values()),
                                                       _latest_records(tables.driver_seasons))),
        (urls.TEAMS, "teams.html", PeopleIndexPage("Teams", tuple(site.teams.values()),
                                                   _latest_records(tables.team_seasons))),
        (urls.TRACKS, "tracks.html", TracksIndexPage("Tracks", tuple(site.tracks.values()))),
    ]


def driver_page(site: Site, tables: Tables, slug: str, person: Person) -> DriverPage:
    records = tuple((record, _weekends(site, record)) for record in tables.driver_seasons.get(slug, ()))
    return DriverPage(
        title=person.name,
        person=person,
        profile_fields=person.profile.fields if person.profile else {},
        image_size=profile_image_size(site, person),
        body_image_sizes=body_image_sizes(site, person.profile.paths) if person.profile else {},
        photo=profile_picture(site, person),
        body_pictures=body_pictures(site, person.profile.paths) if person.profile else {},
        records=records,
        latest_record=records[0][0] if records else None,
        career=tables.driver_career.get(slug),
        articles=tuple(site.article_by_slug[s] for s in site.driver_articles.get(slug, ())),
        page_feed=urls.feed_of(urls.driver(slug)) if slug in site.driver_articles else None,
    )


def team_page(site: Site, tables: Tables, slug: str, person: Person) -> TeamPage:
    records = tables.team_seasons.get(slug, ())
    line_ups = tuple((season, tuple(e for _, e in entries))
                     for season, entries in _entries_by_season(site.team_entries.get(slug, ())))
    return TeamPage(
        title=person.name,
        image_size=profile_image_size(site, person),
        body_image_sizes=body_image_sizes(site, person.profile.paths) if person.profile else {},
        photo=profile_picture(site, person),
        body_pictures=body_pictures(site, person.profile.paths) if person.profile else {},
        person=person,
        profile_fields=person.profile.fields if person.profile else {},
        records=records,
        career=tables.team_career.get(slug),
        line_ups=line_ups,
        team_seasons=tuple(TeamSeason(season, entries, tuple(
            r for r in records if r.year == season.year and r.championship == season.championship and r.standing))
            for season, entries in line_ups),
        articles=tuple(site.article_by_slug[s] for s in site.team_articles.get(slug, ())),
        page_feed=urls.feed_of(urls.team(slug)) if slug in site.team_articles else None,
    )


def _weekends(site: Site, record: SeasonRecord) -> tuple[Weekend, ...]:
    grouped: dict[str, list] = {}
    for event_key, session, row in record.results:
        grouped.setdefault(event_key, []).append((session, row))
    return tuple(Weekend(site.events[key], tuple(rows), sum(row.points for _, row in rows),
                         tuple(place_of(row) for _, row in rows))
                 for key, rows in grouped.items())


def _latest_records(records_by_slug: dict) -> dict:
    return {slug: records[0] for slug, records in records_by_slug.items() if records}


def _entries_by_season(pairs):
    grouped = {}
    for season, entry in pairs:
        grouped.setdefault((season.year, season.championship), (season, []))[1].append((season, entry))
    return [grouped[k] for k in sorted(grouped, reverse=True)]
