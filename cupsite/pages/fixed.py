"""The pages every site has whose templates need next to nothing: the 404 page, search, the sitemap."""

from __future__ import annotations

from dataclasses import dataclass

from . import PageContext


@dataclass(frozen=True, eq=False, repr=False)
class NotFoundPage(PageContext):
    """`404.html`: what a host serves for an address the site does not have (its links start at the site's root)."""

    title: str
    """"Page not found" """


@dataclass(frozen=True, eq=False, repr=False)
class SearchPage(PageContext):
    """`search.html`: the search page (its script asks Pagefind's engine, `pagefind/pagefind.js`)."""

    title: str
    """"Search" """


@dataclass(frozen=True, eq=False, repr=False)
class SitemapPage(PageContext):
    """`sitemap.xml`: every page a search engine should know."""

    paths: tuple[str, ...]
    """the site paths of the pages, sorted"""
