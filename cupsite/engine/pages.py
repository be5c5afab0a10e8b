"""Pages to bytes across the cores, each taken from the build cache while its context, the
templates and the site-wide values are those of a page rendered before; with a staging folder,
written there by the worker that renders it."""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import urls
from ..errors import ContentError, ContentErrors
from ..render import MAX_TEMPLATE_ERRORS, PageRenderer, site_values
from .cache import BuildCache, code_version, folder_digest
from .fingerprints import Fingerprints, digest
from .output import Staging
from .parallel import map_in_parallel
from .templates import cached_environment

if TYPE_CHECKING:
    from ..link import Site
    from ..plan import Page
    from ..score import Tables


def render_pages(pages: list[Page], site: Site, tables: Tables, cache: BuildCache | None = None,
                 staging: Staging | None = None) -> dict[str, bytes]:
    """Every page as bytes by output path, rendered across the machine's cores. With a cache, a
    page whose context, templates and site-wide values are those of a page rendered before is
    taken from the cache instead of rendered again.

    With `staging`, the rendered pages are written into it by the workers that render them, and
    what is returned is only the files left for the caller to write (feeds and other raw files).
    The cache then keeps each page's digest, and a page found there is taken from the staging
    folder or the current output (`Staging.held_entry`).

    The workers also work out each page's cache key and look it up, so that digesting the
    contexts is shared among the cores as well."""
    templates_digest = folder_digest(site.config.templates_dir) if cache is not None else b""
    env = cached_environment(site.config, cache, templates_digest)
    values = site_values(site, tables)
    env.globals.update(values)
    keys = _PageKeys(templates_digest, values, cache.fingerprints) if cache is not None else None
    output = {page.path: page.raw for page in pages if page.raw is not None}
    templated = [page for page in pages if page.raw is None]
    renderer = PageRenderer(env, site.config, {page.template for page in templated})
    outcomes = map_in_parallel(functools.partial(_page_outcome, renderer, keys, cache, staging), templated)
    errors = []
    for page, (key, outcome) in zip(templated, outcomes, strict=True):
        relative = urls.output_file(page.path)
        if isinstance(outcome, _InCache):  # looked up again here, so this process's cache counts the use
            output[relative] = cache.get(PAGE, key)
            continue
        if isinstance(outcome, _Held):
            cache.get(PAGE_DIGEST, key)
            staging.record(relative, outcome.entry)
            continue
        if isinstance(outcome, ContentError):
            errors.append(outcome)
            continue
        if isinstance(outcome, OSError):
            raise outcome
        if staging is None:
            output[relative] = outcome
        else:
            staging.record(relative, outcome)
        if cache is not None:  # with staging, a digest the cache had means the page was not changed
            cache.note_rendered(page.path, again=staging is not None and key is not None
                                and cache.peek(PAGE_DIGEST, key) == outcome[2])
        if key is not None:
            namespace = PAGE if staging is None else PAGE_DIGEST
            cache.get(namespace, key)  # counted as a miss
            cache.put(namespace, key, outcome if staging is None else outcome[2])  # bytes, or the entry's digest
    if errors:
        raise ContentErrors(list(dict.fromkeys(errors))[:MAX_TEMPLATE_ERRORS])
    return output


PAGE, PAGE_DIGEST = "page", "page digest"  # a page's bytes (kept in memory) or its digest (kept on disk)


@dataclass(frozen=True)
class _InCache:
    """A page whose bytes the cache holds."""


@dataclass(frozen=True)
class _Held:
    """A page the staging folder holds already, as the cache's digest says: its manifest entry."""

    entry: tuple


def _page_outcome(renderer: PageRenderer, keys: _PageKeys | None, cache: BuildCache | None,
                  staging: Staging | None, page: Page) -> tuple[bytes | None, object]:
    """(the page's cache key, what became of it): _InCache, _Held, its bytes (or, with staging,
    the manifest entry of the file written), or the ContentError why it could not be rendered.
    Runs in a worker: it only reads the cache, and the caller records what it used."""
    key = keys.key(page) if keys is not None else None
    relative = urls.output_file(page.path)
    if key is not None and staging is None and cache.peek(PAGE, key) is not None:
        return key, _InCache()
    if key is not None and staging is not None:
        fingerprint = cache.peek(PAGE_DIGEST, key)
        entry = staging.held_entry(relative, fingerprint) if fingerprint is not None else None
        if entry is not None:
            return key, _Held(entry)
    rendered = renderer.render(page)
    if isinstance(rendered, ContentError) or staging is None:
        return key, rendered
    try:
        return key, staging.write(relative, rendered)
    except OSError as error:  # the system's doing (a full disk): raised by the caller, as the CLI tells them
        return key, error


class _PageKeys:
    """What a page's bytes depend on: its context, and, shared by every page, cupsite's code and
    theme, the site's templates and the site-wide template values."""

    def __init__(self, templates_digest: bytes, site_values: dict, fingerprints: Fingerprints):
        self._fingerprints = fingerprints  # the build's: model objects digested while loading are not again
        shared = {name: value for name, value in site_values.items() if name != "urls"}  # "urls" is code
        self._shared = digest(code_version(), templates_digest, self._fingerprints.of(shared))

    def key(self, page: Page) -> bytes | None:
        try:
            # a context is a named tuple: digested as its kind's name and the values the template gets
            page_digest = self._fingerprints.of((page.path, page.template, page.in_sitemap, page.context))
        except (pickle.PicklingError, TypeError, AttributeError):  # a value that cannot be digested: render it
            return None
        return digest(self._shared, page_digest)
