"""The plan stage: decide every page — its path, its template and what the template receives
(a context of cupsite.pages, made there page kind by page kind)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from . import urls
from .calendars import calendar_files
from .data import data_files
from .link import Site
from .pages import PageContext
from .pages.article import article_page
from .pages.event import event_page
from .pages.fixed import NotFoundPage, SearchPage, SitemapPage
from .pages.home import current_season, home_page
from .pages.people import driver_page, index_pages, team_page
from .pages.season import CalendarPage, ChampionshipPage, round_summary, switcher
from .pages.standings import standings_pages
from .pages.stories import feed, news_pages, tag_pages, tags_page, topic_feeds
from .pages.track import track_page
from .pictures import photo_files
from .records import LapRecords, lap_records
from .score import Tables
from .share_cards import share_cards

__all__ = ["Page", "current_season", "plan"]


@dataclass(frozen=True)
class Page:
    """A page to render. Its context is made when it is first asked for, if `context_of` is given:
    a preview renders the page being written first and the story pages only after it, and a build
    makes them in the workers that render them."""

    path: str
    template: str  # "" for a file made without a template
    given_context: PageContext | None = None
    in_sitemap: bool = True
    raw: bytes | None = None  # the bytes of a file made without a template (JSON, iCalendar, robots.txt)
    context_of: Callable[[], PageContext] | None = field(default=None, repr=False)

    @cached_property  # not a field: frozen dataclasses leave an instance's __dict__ open to it
    def context(self) -> PageContext | None:
        return self.context_of() if self.context_of is not None else self.given_context


def plan(site: Site, tables: Tables) -> list[Page]:
    pages = [Page(urls.HOME, "home.html", home_page(site, tables))]
    pages += [Page(path, "news.html", context) for path, context in news_pages(site)]
    pages.append(Page(urls.TAGS, "tags.html", tags_page(site)))
    pages += [Page(path, "tag.html", context) for path, context in tag_pages(site)]
    cards, card_of = share_cards(site)
    pages += [Page(urls.article(a.slug), "article.html",
                   context_of=functools.partial(article_page, site, tables, a, card_of.get(a.slug)))
              for a in site.articles]
    track_records = lap_records(site, tables)
    pages += _results(site, tables, track_records)
    pages += _people(site, tables, track_records)
    pages.append(Page(urls.NOT_FOUND, "404.html", NotFoundPage("Page not found"), in_sitemap=False))
    if site.config.search:
        pages.append(Page(urls.SEARCH, "search.html", SearchPage("Search")))
    pages += [Page(path, "", in_sitemap=False, raw=body) for path, body in data_files(site, tables).items()]
    pages += [Page(path, "", in_sitemap=False, raw=body) for path, body in calendar_files(site).items()]
    pages += [Page(path, "", in_sitemap=False, raw=body) for path, body in {**_photos(site), **cards}.items()]
    pages.append(Page(urls.ROBOTS, "", in_sitemap=False, raw=(
        f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(site.config.base_url, urls.SITEMAP)}\n").encode("utf-8")))
    pages.append(Page(urls.FEED, "feed.xml", feed(site.config.title, urls.HOME, site.articles, full_content=True),
                      in_sitemap=False))
    pages += [Page(path, "feed.xml", context, in_sitemap=False) for path, context in topic_feeds(site)]
    sitemap = [p.path for p in pages if p.in_sitemap]
    pages.append(Page(urls.SITEMAP, "sitemap.xml", SitemapPage(tuple(sorted(sitemap))), in_sitemap=False))
    return pages


def _photos(site: Site) -> dict[str, bytes]:
    """The files of every photo the pages show; a photo's own address (static/...) serves a copy
    without its metadata, in place of the file as delivered."""
    profiles = [p.profile for p in (*site.drivers.values(), *site.teams.values(), *site.tracks.values()) if p.profile]
    return photo_files(site.config, site.articles, profiles, site.photos)


def _results(site: Site, tables: Tables, track_records: LapRecords) -> list[Page]:
    """Each championship's page, and each of its seasons' calendar, standings and rounds."""
    pages = []
    by_championship = {}
    for season in site.seasons:
        by_championship.setdefault(season.championship, []).append(season)
    for championship in site.config.championships:
        seasons = by_championship.get(championship.slug, [])
        pages.append(Page(urls.championship(championship.slug), "championship.html",
                          ChampionshipPage(championship.name, championship, tuple(reversed(seasons)))))
        # what the season pages' switchers offer: this championship's seasons, and the others' latest
        switchers = {
            "championship_seasons": tuple(seasons),
            "other_championships": tuple((other, by_championship[other.slug][-1])
                                         for other in site.config.championships
                                         if other.slug != championship.slug and by_championship.get(other.slug)),
        }
        for season in seasons:
            season_tables = tables.season(season.championship, season.year)
            pages.append(Page(urls.season(season.championship, season.year), "calendar.html", CalendarPage(
                title=f"{championship.short_name} {season.year} calendar", championship=championship, season=season,
                season_tables=season_tables,
                rounds=tuple(round_summary(site, season_tables, e) for e in season.events), **switchers,
                switcher=switcher(season, switchers["championship_seasons"], switchers["other_championships"],
                                  urls.season))))
            pages += [Page(path, "standings.html", context)
                      for path, context in standings_pages(site, championship, season, season_tables, switchers)]
            events = season.events
            for index, event in enumerate(events):
                pages.append(Page(urls.event(event.key), "event.html", event_page(
                    site, tables, track_records, championship, season, event,
                    events[index - 1] if index > 0 else None,
                    events[index + 1] if index + 1 < len(events) else None)))
    return pages


def _people(site: Site, tables: Tables, track_records: LapRecords) -> list[Page]:
    pages = [Page(path, template, context) for path, template, context in index_pages(site, tables)]
    pages += [Page(urls.driver(slug), "driver.html", driver_page(site, tables, slug, person))
              for slug, person in site.drivers.items()]
    pages += [Page(urls.team(slug), "team.html", team_page(site, tables, slug, person))
              for slug, person in site.teams.items()]
    pages += [Page(urls.track(slug), "track.html", track_page(site, track_records, slug, person))
              for slug, person in site.tracks.items()]
    return pages
