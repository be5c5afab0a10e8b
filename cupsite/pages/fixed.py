"""The pages every site has whose templates need next to nothing: the 404 page, search, the sitemap."""

from __future__ import annotations

from typing import NamedTuple


class NotFoundPage(NamedTuple):
    """`404.html`: what a host serves for an address the site does not have (its links start at the site's root)."""

    title: str
    """"Page not found" """


class SearchPage(NamedTuple):
    """`search.html`: the search page (its script asks Pagefind's engine, `pagefind/pagefind.js`)."""

    title: str
    """"Search" """


class SitemapPage(NamedTuple):
    """`sitemap.xml`: every page a search engine should know."""

    paths: tuple[str, ...]
    """the site paths of the pages, sorted"""
