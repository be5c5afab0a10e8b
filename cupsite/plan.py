"""The plan stage: decide every page — its path, template and ready-made context."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from . import body_links, steps, urls
from .calendars import calendar_files
from .charts import Counting, progression_charts, surname
from .data import data_files
from .drops import counting_parts
from .embeds import split_body
from .lapcharts import lap_chart
from .laps import analyse
from .link import Site, static_image_size
from .model import Event, car_sort_key
from .records import LapRecords, lap_records
from .score import RACES, ScoredSession, Tables
from .stints import TimingTable, timing_table

HOME_STORIES = 6


@dataclass(frozen=True)
class Page:
    """A page to render. Its context is made when it is first asked for, if `context_of` is given:
    a preview renders the page being written first and the story pages only after it, and a build
    makes them in the workers that render them."""

    path: str
    template: str  # "" for a file made without a template
    given_context: dict = field(default_factory=dict)
    in_sitemap: bool = True
    raw: bytes | None = None  # the bytes of a file made without a template (JSON, iCalendar, robots.txt)
    context_of: Callable[[], dict] | None = field(default=None, repr=False)

    @cached_property  # not a field: frozen dataclasses leave an instance's __dict__ open to it
    def context(self) -> dict:
        return self.context_of() if self.context_of is not None else self.given_context


@dataclass(frozen=True)
class ScheduledSession:
    """A session of an event as the schedule shows it: local time at the track, and its result."""

    info: object
    local_start: datetime
    zone: str
    result: ScoredSession | None
    lap_charts: tuple = ()  # lapcharts.LapChart per class, for a race with a per-lap export
    timing: TimingTable | None = None  # stints, pit stops, sectors, top speeds, for a race with a per-lap export
    from_laps: bool = False  # its classification was worked out from the per-lap export


def plan(site: Site, tables: Tables) -> list[Page]:
    pages = [_home(site, tables)]
    pages += _news(site)
    pages += _tags(site)
    pages += [Page(urls.article(a.slug), "article.html",
                   context_of=functools.partial(_article_context, site, tables, a)) for a in site.articles]
    track_records = lap_records(site, tables)
    pages += _results(site, tables, track_records)
    pages += _people(site, tables, track_records)
    pages.append(Page(urls.NOT_FOUND, "404.html", {"title": "Page not found"}, in_sitemap=False))
    if site.config.search:
        pages.append(Page(urls.SEARCH, "search.html", {"title": "Search"}))
    pages += [Page(path, "", in_sitemap=False, raw=body) for path, body in data_files(site, tables).items()]
    pages += [Page(path, "", in_sitemap=False, raw=body) for path, body in calendar_files(site).items()]
    pages.append(Page(urls.ROBOTS, "", in_sitemap=False, raw=(
        f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(site.config.base_url, urls.SITEMAP)}\n").encode("utf-8")))
    pages.append(_feed(urls.FEED, site.config.title, urls.HOME, site.articles, full_content=True))
    pages += _topic_feeds(site)
    sitemap = [p.path for p in pages if p.in_sitemap]
    pages.append(Page(urls.SITEMAP, "sitemap.xml", {"paths": sorted(sitemap)}, in_sitemap=False))
    return pages


# --- feeds ---------------------------------------------------------------------

FEED_LENGTH = 20


def _feed(path: str, title: str, page_path: str, articles, full_content: bool) -> Page:
    return Page(path, "feed.xml", {"articles": tuple(articles[:FEED_LENGTH]), "feed_title": title,
                                   "feed_page": page_path, "full_content": full_content}, in_sitemap=False)


def _topic_feeds(site: Site) -> list[Page]:
    """A feed for every driver, team and tag that has stories. Their entries carry each story's
    summary and link, not its whole text: the site's feed has that, and a story about five drivers
    would otherwise be written out six times (on an archive of 5,000 stories, the topic feeds
    came to 95 MB)."""
    by_slug = site.article_by_slug
    feeds = []
    for people, back_references, page_of in ((site.drivers, site.driver_articles, urls.driver),
                                             (site.teams, site.team_articles, urls.team)):
        for slug, slugs in back_references.items():
            feeds.append(_feed(urls.feed_of(page_of(slug)), f"{site.config.title}: {people[slug].name}",
                               page_of(slug), [by_slug[s] for s in slugs], full_content=False))
    for name, slugs in site.tags.values():
        feeds.append(_feed(urls.feed_of(urls.tag(name)), f"{site.config.title}: {name}", urls.tag(name),
                           [by_slug[s] for s in slugs], full_content=False))
    return feeds


# --- home and news -------------------------------------------------------

def _home(site: Site, tables: Tables) -> Page:
    current = current_season(site, tables)
    leaders, latest = (), None
    if current is not None:
        season_tables = tables.season(current.championship, current.year)
        if season_tables.final:
            leaders = tuple((code, rows[:3]) for code, rows in season_tables.final.drivers if rows)
        if season_tables.races:
            latest = season_tables.sessions[season_tables.races[-1]]
    upcoming = _next_event(site, tables)
    return Page(urls.HOME, "home.html", {
        "title": site.config.title,
        "stories": site.articles[:HOME_STORIES],
        "next_event": upcoming,
        "next_sessions": _first_session_and_race(site, upcoming) if upcoming else (),
        "current_season": current,
        "season_complete": bool(current) and tables.season(current.championship, current.year).complete,
        "leaders": leaders,
        "latest_result": latest,
        "latest_event": site.events[latest.event] if latest else None,
    })


def current_season(site: Site, tables: Tables):
    """The newest season that has results (the one the title fight is about), else the newest."""
    return max(site.seasons, default=None,
               key=lambda s: (bool(tables.season(s.championship, s.year).races), s.year, s.championship))


def _first_session_and_race(site: Site, event: Event) -> tuple:
    """The sessions the home page names for the next event: its first, and its first race."""
    schedule = _schedule(site, event, None)
    first_race = next((s for s in schedule if s.info.type in RACES), None)
    if first_race is None or not schedule or first_race is schedule[0]:
        return schedule[:1]
    return (schedule[0], first_race)


def _next_event(site: Site, tables: Tables) -> Event | None:
    """The first round after the latest round with results. Decided from the content, not the
    clock, so that building the same content always gives the same site."""
    done = [site.events[key] for t in tables.seasons.values() for key, _ in t.sessions]
    if not done:
        upcoming = sorted(site.events.values(), key=lambda e: (e.start, e.key))
        return upcoming[0] if upcoming else None
    last = max(e.end for e in done)
    upcoming = sorted((e for e in site.events.values() if e.start > last), key=lambda e: (e.start, e.key))
    return upcoming[0] if upcoming else None


def _news(site: Site) -> list[Page]:
    per_page = site.config.articles_per_page
    chunks = [site.articles[i:i + per_page] for i in range(0, len(site.articles), per_page)] or [()]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        pages.append(Page(urls.news_page(number), "news.html", {
            "title": "News" if number == 1 else f"News, page {number}",
            "articles": chunk,
            "page_number": number,
            "page_count": len(chunks),
            "previous_page": urls.news_page(number - 1) if number > 1 else None,
            "next_page": urls.news_page(number + 1) if number < len(chunks) else None,
        }))
    return pages


def _tags(site: Site) -> list[Page]:
    by_slug = site.article_by_slug
    pages = [Page(urls.TAGS, "tags.html", {
        "title": "Tags",
        "tags": tuple((name, urls.tag(name), len(slugs)) for name, slugs in site.tags.values()),
    })]
    for name, slugs in site.tags.values():
        pages.append(Page(urls.tag(name), "tag.html", {
            "title": f"Stories tagged “{name}”",
            "page_feed": urls.feed_of(urls.tag(name)),
            "tag": name,
            "articles": tuple(by_slug[s] for s in slugs),
        }))
    return pages


@dataclass(frozen=True)
class EmbedView:
    """A table placed in a story, ready to show: rows per class, or a schedule."""

    kind: str
    title: str
    championship: str
    classes: tuple = ()  # ((class code, rows), ...): ScoredRow, StandingRow or Entry rows
    schedule: tuple = ()  # ScheduledSession, for a schedule
    link: str = ""  # the page with the whole table
    anchor: str = ""


def _embed_view(site: Site, tables: Tables, embed) -> EmbedView:
    def keep(rows):
        return rows[: embed.top] if embed.top else rows

    def classes(pairs):
        return tuple((code, keep(rows)) for code, rows in pairs if embed.car_class in ("", code) and rows)

    if embed.kind in ("classification", "schedule"):
        event = site.events[embed.target]
        season_tables = tables.season(event.championship, event.season)
        if embed.kind == "schedule":
            return EmbedView("schedule", f"{event.name} {event.season}: schedule", event.championship,
                             schedule=_schedule(site, event, season_tables), link=urls.event(event.key),
                             anchor="schedule")
        session = season_tables.sessions.get((event.key, embed.session))
        name = next(s.name for s in event.sessions if s.slug == embed.session)
        return EmbedView("classification", f"{event.name} {event.season}, {name}", event.championship,
                         classes(session.classes) if session else (), link=urls.event(event.key),
                         anchor=embed.session)
    championship, year = embed.target.split("/")
    season_tables = tables.season(championship, year)
    season = next(s for s in site.seasons if (s.championship, s.year) == (championship, year))
    if embed.kind == "entries":
        by_class = [(k.code, tuple(sorted((e for e in season.entries if e.car_class == k.code),
                                          key=lambda e: car_sort_key(e.number))))
                    for k in site.config.championship(championship).classes]
        return EmbedView("entries", f"{year} entry list", championship, classes(by_class),
                         link=urls.season(championship, year))
    table = season_tables.by_round.get(embed.after_round) if embed.after_round else season_tables.final
    title = f"Standings {year}" + (f" after round {table.after_round}" if table else "")
    return EmbedView("standings", title, championship, classes(table.drivers) if table else (),
                     link=urls.standings(championship, year))


def _article_context(site: Site, tables: Tables, article) -> dict:
    by_slug = site.article_by_slug
    event_key = site.article_event.get(article.slug)
    return {
        "title": article.title,
        "article": article,
        "body_parts": tuple((part, _embed_view(site, tables, article.embeds[index]) if index is not None else None)
                            for part, index in split_body(article.body_html)) if article.embeds
        else ((article.body_html, None),),
        "event": site.events[event_key] if event_key else None,
        "article_drivers": tuple(site.drivers[d] for d in site.article_drivers[article.slug]),
        "article_teams": tuple(site.teams[t] for t in site.article_teams[article.slug]),
        "related": tuple(by_slug[s] for s in site.related[article.slug]),
        "description": article.summary,
        "image_size": site.image_sizes.get(article.image),
        "body_image_sizes": _body_image_sizes(site, article.paths),
        "share_image": (article.image if urls.is_external(article.image)
                        else urls.absolute(site.config.base_url, article.image.lstrip("/"))) if article.image else None,
    }


# --- results ----------------------------------------------------------------

def _results(site: Site, tables: Tables, track_records: LapRecords) -> list[Page]:
    pages = []
    by_championship = {}
    for season in site.seasons:
        by_championship.setdefault(season.championship, []).append(season)
    for championship in site.config.championships:
        seasons = by_championship.get(championship.slug, [])
        pages.append(Page(urls.championship(championship.slug), "championship.html", {
            "title": championship.name,
            "championship": championship,
            "seasons": tuple(reversed(seasons)),
        }))
        # what the season pages' switchers offer: this championship's seasons, and the others' latest
        switchers = {
            "championship_seasons": tuple(seasons),
            "other_championships": tuple((other, by_championship[other.slug][-1])
                                         for other in site.config.championships
                                         if other.slug != championship.slug and by_championship.get(other.slug)),
        }
        for season in seasons:
            season_tables = tables.season(season.championship, season.year)
            pages.append(Page(urls.season(season.championship, season.year), "calendar.html", {
                "title": f"{championship.short_name} {season.year} calendar",
                "championship": championship,
                "season": season,
                "season_tables": season_tables,
                "rounds": tuple(_round_summary(site, season_tables, e) for e in season.events),
                **switchers,
            }))
            context = {**_standings_context(site, championship, season, season_tables), **switchers}
            pages.append(Page(urls.standings(season.championship, season.year), "standings.html", context))
            for number, table in season_tables.by_round.items():
                if table is not season_tables.final:
                    pages.append(Page(urls.standings_after_round(season.championship, season.year, number),
                                      "standings.html", {**context, "standings": table, "latest": False,
                                                         "title": f"{context['title']} after round {number}",
                                                         "titles": _title_status(season_tables, number),
                                                         "moves": _moves(season_tables, table)}))
            events = season.events
            for index, event in enumerate(events):
                pages.append(Page(urls.event(event.key), "event.html", _event_context(
                    site, tables, track_records, championship, season, event,
                    events[index - 1] if index > 0 else None,
                    events[index + 1] if index + 1 < len(events) else None)))
    return pages


@dataclass(frozen=True)
class TitleStatus:
    """Where a class title stands: its champion and the round that decided it, or who can still win."""

    car_class: str
    champion: str | None
    decided_after_round: int | None
    contenders: tuple[str, ...]


def _standings_context(site: Site, championship, season, season_tables) -> dict:
    rules = season.points_system or championship.points
    columns = _race_columns(site, season_tables)
    race_total = sum(1 for e in season.events for s in e.sessions if s.type in RACES)
    return {
        "title": f"{championship.short_name} {season.year} standings",
        "championship": championship,
        "season": season,
        "season_tables": season_tables,
        "standings": season_tables.final,
        "latest": True,  # the table after the latest round, not an earlier one
        "races": columns,
        "grids": _results_grids(season_tables, championship),
        "titles": _title_status(season_tables),
        "moves": _moves(season_tables, season_tables.final),
        "rules": rules,
        "charts": progression_charts(
            season_tables, ((e.key, s.slug) for e in season.events for s in e.sessions), [c.label for c in columns],
            {slug: person.name for slug, person in site.drivers.items()},
            {k.code: k.name for k in championship.classes}, counted=rules.counted(race_total),
            counting=_chart_counting(site, season, season_tables, rules, race_total)),
    }


def _chart_counting(site: Site, season, season_tables, rules, race_total: int) -> Counting | None:
    """What the points charts count beyond the best N scores: parts of the season, adjustments,
    divided points of shared cars."""
    if not rules.best_of_parts and not season.adjustments and rules.shared_car != "divided":
        return None
    race_rounds = {key: site.events[key[0]].round for key in season_tables.races}
    return Counting(counting_parts(rules, race_total), race_rounds, season.adjustments, rules.shared_car == "divided")


def _moves(season_tables, table) -> dict:
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


@dataclass(frozen=True)
class RaceColumn:
    event: Event
    session: str
    label: str  # short header such as "IND 2"
    title: str  # "Indianapolis, Race 2"


def _race_columns(site: Site, season_tables) -> tuple[RaceColumn, ...]:
    columns = []
    for key, slug in season_tables.races:
        event = site.events[key]
        session = season_tables.sessions[(key, slug)].info
        races_of_event = [s for s in event.sessions if s.type in RACES]
        number = races_of_event.index(session) + 1 if len(races_of_event) > 1 else ""
        columns.append(RaceColumn(event, slug, f"{event.short_name or f'R{event.round}'} {number}".strip(),
                                  f"Round {event.round}, {event.name}, {session.name}"))
    return tuple(columns)


def _results_grids(season_tables, championship) -> dict:
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


def _round_summary(site: Site, season_tables, event: Event) -> dict:
    races = tuple(season_tables.sessions[(event.key, s.slug)] for s in event.sessions
                  if s.type in RACES and (event.key, s.slug) in season_tables.sessions)
    return {"event": event, "track": site.tracks.get(event.track), "races": races}


def _schedule(site: Site, event: Event, season_tables, with_lap_charts: bool = False
              ) -> tuple[ScheduledSession, ...]:
    zone = ZoneInfo(event.timezone)
    sessions = []
    for info in event.sessions:
        result = season_tables.sessions.get((event.key, info.slug)) if season_tables else None
        session_laps = site.laps.get((event.key, info.slug)) if with_lap_charts else None
        charts = _lap_charts(site, event, season_tables, result, session_laps) if result and session_laps else ()
        timing = timing_table(result.rows) if with_lap_charts and result and info.type in RACES else None
        filed = site.results.get((event.key, info.slug))
        sessions.append(ScheduledSession(info, info.start, info.start.replace(tzinfo=zone).tzname() or event.timezone,
                                         result, charts, timing, bool(filed and filed.from_laps)))
    return tuple(sessions)


def _lap_charts(site: Site, event: Event, season_tables, result: ScoredSession, session_laps) -> tuple:
    """A lap chart per class of a race, from its per-lap export; the grid is the weekend's
    qualifying order where there is one (one qualifying sets the grid for both races).
    Laying out a chart is costly and its inputs rarely change: it comes from the cache while they
    do not (a story edited under `serve` redraws none)."""
    if result.info.type not in RACES:
        return ()
    qualifying = next((season_tables.sessions.get((event.key, s.slug)) for s in event.sessions
                       if s.type == "qualifying" and (event.key, s.slug) in season_tables.sessions), None)
    grid = {row.car: row.position for row in qualifying.rows} if qualifying else None
    classes = tuple((code, tuple((row.car, f"#{row.car} {_crew_surnames(site, row.drivers)}") for row in rows))
                    for code, rows in result.classes)
    car_classes = {row.car: row.car_class for row in result.rows}
    championship = site.config.championship(event.championship)
    return steps.once(charts_of, session_laps, classes, car_classes, grid, championship)


def charts_of(session_laps, classes, car_classes: dict, grid: dict | None, championship) -> tuple:
    race = analyse(session_laps.laps, car_classes)
    charts = []
    for code, crews in classes:
        cars = [(car, label) for car, label in crews if race.car(car) is not None or (grid and car in grid)]
        if cars:
            charts.append(lap_chart(race, cars, championship.car_class(code).name, grid))
    return tuple(charts)


def _crew_surnames(site: Site, drivers) -> str:
    return " / ".join(surname(site.drivers[slug].name) if slug in site.drivers else slug for slug in drivers)


def _event_context(site: Site, tables: Tables, track_records: LapRecords, championship, season, event: Event,
                   previous, following) -> dict:
    season_tables = tables.season(season.championship, season.year)
    schedule = _schedule(site, event, season_tables, with_lap_charts=True)
    cars = {row.car for s in schedule if s.result for row in s.result.rows}
    by_slug = site.article_by_slug
    track = site.tracks.get(event.track)
    records = track_records.track(event.track)
    return {
        "title": f"{event.name} {season.year}",
        "championship": championship,
        "season": season,
        "event": event,
        "track": track,
        "lap_record": records.current,  # the track's record after all the data
        "new_lap_records": {r.session: r for r in records.history if r.event == event.key},  # by session slug
        "schedule": schedule,
        "entry_count": len(cars) or len(season.entries),
        "articles": tuple(by_slug[s] for s in site.event_articles.get(event.key, ())),
        "previous_event": previous,
        "next_event": following,
    }


# --- drivers, teams, tracks ---------------------------------------------------

def _people(site: Site, tables: Tables, track_records: LapRecords) -> list[Page]:
    by_slug = site.article_by_slug
    pages = [
        Page(urls.DRIVERS, "drivers.html", {"title": "Drivers", "people": tuple(site.drivers.values()),
                                            "latest": _latest_records(tables.driver_seasons)}),
        Page(urls.TEAMS, "teams.html", {"title": "Teams", "people": tuple(site.teams.values()),
                                        "latest": _latest_records(tables.team_seasons)}),
        Page(urls.TRACKS, "tracks.html", {"title": "Tracks", "people": tuple(site.tracks.values())}),
    ]
    for slug, person in site.drivers.items():
        pages.append(Page(urls.driver(slug), "driver.html", {
            "title": person.name,
            "person": person,
            "image_size": _profile_image_size(site, person),
            "body_image_sizes": _body_image_sizes(site, person.profile.paths) if person.profile else {},
            "records": tuple((record, _weekends(site, record)) for record in tables.driver_seasons.get(slug, ())),
            "career": tables.driver_career.get(slug),
            "articles": tuple(by_slug[s] for s in site.driver_articles.get(slug, ())),
            "page_feed": urls.feed_of(urls.driver(slug)) if slug in site.driver_articles else None,
        }))
    for slug, person in site.teams.items():
        records = tables.team_seasons.get(slug, ())
        pages.append(Page(urls.team(slug), "team.html", {
            "title": person.name,
            "image_size": _profile_image_size(site, person),
            "body_image_sizes": _body_image_sizes(site, person.profile.paths) if person.profile else {},
            "person": person,
            "records": records,
            "career": tables.team_career.get(slug),
            "line_ups": tuple((season, tuple(e for _, e in entries))
                              for season, entries in _entries_by_season(site.team_entries.get(slug, ()))),
            "articles": tuple(by_slug[s] for s in site.team_articles.get(slug, ())),
            "page_feed": urls.feed_of(urls.team(slug)) if slug in site.team_articles else None,
        }))
    for slug, person in site.tracks.items():
        records = track_records.track(slug)
        pages.append(Page(urls.track(slug), "track.html", {
            "title": person.name,
            "person": person,
            "lap_record": records.current,
            "lap_record_history": tuple(  # (record, event, session info), newest first
                (r, site.events[r.event], next(s for s in site.events[r.event].sessions if s.slug == r.session))
                for r in reversed(records.history)),
            "events": tuple(site.events[k] for k in reversed(site.track_events.get(slug, ()))),
            "articles": tuple(by_slug[s] for s in site.track_articles.get(slug, ())),
        }))
    return pages


@dataclass(frozen=True)
class Weekend:
    """One driver's round: each session's result and the points it brought."""

    event: Event
    sessions: tuple  # (ScoredSession, ScoredRow) in running order
    points: float


def _weekends(site: Site, record) -> tuple[Weekend, ...]:
    grouped: dict[str, list] = {}
    for event_key, session, row in record.results:
        grouped.setdefault(event_key, []).append((session, row))
    return tuple(Weekend(site.events[key], tuple(rows), sum(row.points for _, row in rows))
                 for key, rows in grouped.items())


def _body_image_sizes(site: Site, paths) -> dict:
    """The size of each static file a story's or a profile's text links to, by site path: the text's
    images get their width and height when the page is rendered (the page's key holds them, so an
    image changed in size renders its pages again)."""
    sizes = {}
    for link in paths:
        path = body_links.split_target(link.target)[0]
        if path.startswith("static/") and path not in sizes:
            sizes[path] = static_image_size(site.config, path)
    return {path: size for path, size in sizes.items() if size}


def _profile_image_size(site: Site, person) -> tuple[int, int] | None:
    return site.image_sizes.get(person.profile.fields.get("image")) if person.profile else None


def _latest_records(records_by_slug: dict) -> dict:
    return {slug: records[0] for slug, records in records_by_slug.items() if records}


def _entries_by_season(pairs):
    grouped = {}
    for season, entry in pairs:
        grouped.setdefault((season.year, season.championship), (season, []))[1].append((season, entry))
    return [grouped[k] for k in sorted(grouped, reverse=True)]
