"""A story's page, with the tables a writer placed in it (```cupsite blocks) made ready to show."""

from __future__ import annotations

from typing import NamedTuple

from .. import urls
from ..embeds import split_body
from ..link import Person, Site
from ..model import Article, Event, car_sort_key
from ..score import Tables
from .images import Picture, body_image_sizes, body_pictures, photo_picture
from .sessions import ScheduledSession, schedule, summary_line


class EmbedView(NamedTuple):
    """A table placed in a story, ready to show: rows per class, or a schedule."""

    kind: str
    """"classification", "standings", "entries" or "schedule" """
    title: str
    """its caption"""
    championship: str
    """the championship's slug"""
    classes: tuple = ()
    """(class code, rows) per class shown: for a classification (ScoredRow, place, time or gap) (as in
    `ResultTable`, but the winner's time else the gap whatever the status), StandingRow for standings, Entry for an
    entry list"""
    schedule: tuple[ScheduledSession, ...] = ()
    """the sessions, for a schedule"""
    link: str = ""
    """the site path of the page with the whole table"""
    anchor: str = ""
    """the anchor of the table on that page"""


class ArticlePage(NamedTuple):
    """`article.html`: a story."""

    title: str
    """the story's title"""
    article: Article
    """the story: `title`, `date`, `updated`, `author`, `summary`, `image`, `image_alt`, `tags`, `body_html`"""
    body_parts: tuple[tuple[str, EmbedView | None], ...]
    """the story's text in parts: (HTML, the table placed after it or None)"""
    event: Event | None
    """the round the story is about"""
    article_drivers: tuple[Person, ...]
    """the drivers it is about"""
    article_teams: tuple[Person, ...]
    """the teams it is about"""
    related: tuple[Article, ...]
    """related stories"""
    description: str
    """the story's summary (the page's description)"""
    image_size: tuple[int, int] | None
    """(width, height) of `article.image`, when its file tells"""
    body_image_sizes: dict[str, tuple[int, int]]
    """(width, height) of each image of the site the text shows, by site path (used by the `links` filter)"""
    share_image: str | None
    """the absolute address of the story's image, for social cards (its share card when it has no image)"""
    hero: Picture | None
    """the story's photo, cropped wide, with its credit (None for an image that is not a photo: `article.image`)"""
    body_pictures: dict[str, Picture]
    """the picture of each photo the text shows, by site path (used by the `links` filter)"""


def article_page(site: Site, tables: Tables, article: Article, share_card: str | None = None) -> ArticlePage:
    by_slug = site.article_by_slug
    event_key = site.article_event.get(article.slug)
    return ArticlePage(
        title=article.title,
        article=article,
        body_parts=tuple((part, _embed_view(site, tables, article.embeds[index]) if index is not None else None)
                         for part, index in split_body(article.body_html)) if article.embeds
        else ((article.body_html, None),),
        event=site.events[event_key] if event_key else None,
        article_drivers=tuple(site.drivers[d] for d in site.article_drivers[article.slug]),
        article_teams=tuple(site.teams[t] for t in site.article_teams[article.slug]),
        related=tuple(by_slug[s] for s in site.related[article.slug]),
        description=article.summary,
        image_size=site.image_sizes.get(article.image),
        body_image_sizes=body_image_sizes(site, article.paths),
        share_image=_share_image(site, article, share_card),
        hero=photo_picture(site, article.image, "hero", article.image_focus, article.image_alt,
                           article.image_credit) if article.image else None,
        body_pictures=body_pictures(site, article.paths),
    )


def _share_image(site: Site, article: Article, share_card: str | None) -> str | None:
    """The absolute address of the picture a link to the story shows: its photo's largest hero file
    (a wide picture is what social sites show), the image as given, or its share card."""
    base = site.config.base_url
    if share_card:  # no photo: an SVG or other drawing is not an image social sites show
        return urls.absolute(base, share_card)
    if not article.image:
        return None
    if urls.is_external(article.image):
        return article.image
    hero = photo_picture(site, article.image, "hero", article.image_focus)
    return urls.absolute(base, hero.jpeg[-1][0] if hero else article.image.lstrip("/"))


def _embed_view(site: Site, tables: Tables, embed) -> EmbedView:
    def keep(rows):
        return rows[: embed.top] if embed.top else rows

    def classes(pairs):
        return tuple((code, keep(rows)) for code, rows in pairs if embed.car_class in ("", code) and rows)

    if embed.kind in ("classification", "schedule"):
        return _event_embed(site, tables, embed, classes)
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


def _event_embed(site: Site, tables: Tables, embed, classes) -> EmbedView:
    event = site.events[embed.target]
    season_tables = tables.season(event.championship, event.season)
    if embed.kind == "schedule":
        return EmbedView("schedule", f"{event.name} {event.season}: schedule", event.championship,
                         schedule=schedule(site, event, season_tables), link=urls.event(event.key),
                         anchor="schedule")
    session = season_tables.sessions.get((event.key, embed.session))
    name = next(s.name for s in event.sessions if s.slug == embed.session)
    shown = tuple((code, tuple(summary_line(row) for row in rows))
                  for code, rows in classes(session.classes)) if session else ()
    return EmbedView("classification", f"{event.name} {event.season}, {name}", event.championship, shown,
                     link=urls.event(event.key), anchor=embed.session)
