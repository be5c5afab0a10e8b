"""Lists of stories: the news index in pages, the tags, and the Atom feeds."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from .. import urls
from ..link import Site
from ..model import Article

FEED_LENGTH = 20


class NewsPage(NamedTuple):
    """`news.html`: one page of the news index, newest stories first."""

    title: str
    """"News", or "News, page 2" and so on"""
    articles: tuple[Article, ...]
    """the stories on this page"""
    page_number: int
    """this page's number, from 1"""
    page_count: int
    """how many pages the index has"""
    previous_page: str | None
    """the site path of the page of newer stories, if any"""
    next_page: str | None
    """the site path of the page of older stories, if any"""


class TagsPage(NamedTuple):
    """`tags.html`: every tag."""

    title: str
    """"Tags" """
    tags: tuple[tuple[str, str, int], ...]
    """(name, site path of its page, how many stories) per tag"""


class TagPage(NamedTuple):
    """`tag.html`: the stories of one tag."""

    title: str
    """Stories tagged “name”"""
    page_feed: str
    """the site path of the tag's Atom feed"""
    tag: str
    """the tag"""
    articles: tuple[Article, ...]
    """its stories, newest first"""


class FeedPage(NamedTuple):
    """`feed.xml`: an Atom feed, of the site or of a driver, team or tag."""

    articles: tuple[Article, ...]
    """its newest stories"""
    feed_title: str
    """the feed's title"""
    feed_page: str
    """the site path of the page the feed follows"""
    full_content: bool
    """entries carry the whole story (the site's feed), not only its summary and link"""
    updated: datetime | None
    """when its newest story was written or last updated; None without stories"""


def news_pages(site: Site) -> list[tuple[str, NewsPage]]:
    """(site path, context) of each page of the news index."""
    per_page = site.config.articles_per_page
    chunks = [site.articles[i:i + per_page] for i in range(0, len(site.articles), per_page)] or [()]
    return [(urls.news_page(number), NewsPage(
        title="News" if number == 1 else f"News, page {number}",
        articles=chunk,
        page_number=number,
        page_count=len(chunks),
        previous_page=urls.news_page(number - 1) if number > 1 else None,
        next_page=urls.news_page(number + 1) if number < len(chunks) else None,
    )) for number, chunk in enumerate(chunks, start=1)]


def tags_page(site: Site) -> TagsPage:
    return TagsPage("Tags", tuple((name, urls.tag(name), len(slugs)) for name, slugs in site.tags.values()))


def tag_pages(site: Site) -> list[tuple[str, TagPage]]:
    """(site path, context) of each tag's page."""
    by_slug = site.article_by_slug
    return [(urls.tag(name), TagPage(f"Stories tagged “{name}”", urls.feed_of(urls.tag(name)), name,
                                     tuple(by_slug[s] for s in slugs)))
            for name, slugs in site.tags.values()]


def feed(title: str, page_path: str, articles, full_content: bool) -> FeedPage:
    newest = tuple(articles[:FEED_LENGTH])
    return FeedPage(newest, title, page_path, full_content, (newest[0].updated or newest[0].date) if newest else None)


def topic_feeds(site: Site) -> list[tuple[str, FeedPage]]:
    """(site path, context) of a feed for every driver, team and tag that has stories. Their entries
    carry each story's summary and link, not its whole text: the site's feed has that, and a story
    about five drivers would otherwise be written out six times (on an archive of 5,000 stories,
    the topic feeds came to 95 MB)."""
    by_slug = site.article_by_slug
    feeds = []
    for people, back_references, page_of in ((site.drivers, site.driver_articles, urls.driver),
                                             (site.teams, site.team_articles, urls.team)):
        for slug, slugs in back_references.items():
            feeds.append((urls.feed_of(page_of(slug)), feed(f"{site.config.title}: {people[slug].name}",
                                                           page_of(slug), [by_slug[s] for s in slugs], False)))
    for name, slugs in site.tags.values():
        feeds.append((urls.feed_of(urls.tag(name)), feed(f"{site.config.title}: {name}", urls.tag(name),
                                                        [by_slug[s] for s in slugs], False)))
    return feeds
