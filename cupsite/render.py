"""The render stage: the Jinja environment, presentation filters, and pages to bytes."""

from __future__ import annotations

import functools
import os
import pickle
import re
import sys
import traceback
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2

from . import body_links, urls
from .cache import BuildCache, Fingerprints, code_version, digest, folder_digest
from .config import THEME_DIR, SiteConfig
from .embeds import MARKER_PATTERN as EMBED_MARKERS
from .errors import ContentError, ContentErrors
from .link import Site
from .mentions import resolve_links
from .model import STATUS_LABELS
from .pages.sessions import format_laptime
from .parallel import map_in_parallel
from .plan import Page, current_season
from .score import Tables
from .timing import format_time
from .write import Staging


def make_environment(config: SiteConfig) -> jinja2.Environment:
    """The Jinja environment. The built-in theme's compiled templates are kept in the package
    (see _CompiledTemplates); the site's own are compiled in each process."""
    return _environment_for(config.templates_dir, ZoneInfo(config.timezone), config.base_url, _CompiledTemplates())


def _environment_for(templates_dir: Path | None, zone: ZoneInfo, base_url: str,
                     compiled: _CompiledTemplates) -> jinja2.Environment:
    loaders = []
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    theme = jinja2.FileSystemLoader(str(THEME_DIR / "templates"))
    # "theme/base.html" always names the built-in template, so an override can extend it
    loaders += [theme, jinja2.PrefixLoader({"theme": theme})]
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), bytecode_cache=compiled,
                             autoescape=jinja2.select_autoescape(["html", "xml"]), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update({
        "date": format_date,
        "shortdate": lambda value: f"{value.day} {value:%b}",
        "daterange": format_date_range,
        "datetime": format_datetime,
        "clock": lambda value: value.strftime("%H:%M"),
        "weekday": lambda value: value.strftime("%a"),
        "isodate": lambda value: _aware(value, zone).isoformat(),
        "points": format_points,
        "ordinal": ordinal,
        "laptime": format_laptime,
        "seconds": lambda seconds: format_time(seconds) if seconds is not None else "",  # 325.0 -> "5:25.000"
        "status": lambda status: STATUS_LABELS.get(status, status),
        "links": _relative_links,
        "without_embeds": lambda html: EMBED_MARKERS.sub("<p>(A table: see the story on the site.)</p>", html),
        "absolute_links": lambda html: resolve_links(html, lambda kind, key: _absolute_address(base_url, kind, key)),
    })
    return env


class _CompiledTemplates(jinja2.BytecodeCache):
    """Where the built-in theme's compiled templates are kept between runs: in the package's own
    theme/__pycache__/ (compiling them takes 0.2-0.3 s, on every build), where Python keeps the
    package's bytecode too. A site's own templates are never kept on disk: loading compiled
    templates runs their code, and the build cache's folder may come from somewhere less trusted
    than the site (a CI cache); `cupsite serve` keeps them in memory with its environment.

    Like Python with its bytecode, the theme's are not written where PYTHONDONTWRITEBYTECODE is
    set (compile_theme writes them regardless). Each is looked up by the template's name and file,
    cupsite's code version and Jinja's version, and checked by Jinja against its source, so a
    changed template or a new cupsite compiles again. A folder that cannot be written (a
    read-only installation) only means compiling again next time."""

    def __init__(self, keep_theme: bool | None = None):
        self._keep_theme = not sys.dont_write_bytecode if keep_theme is None else keep_theme
        self._theme_keys: set[str] = set()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        version = f"{code_version().hex()}|{jinja2.__version__}"
        return digest(super().get_cache_key(name, filename), version).hex()

    def get_bucket(self, environment, name, filename, source):
        if filename is not None and Path(filename).is_relative_to(THEME_DIR):
            self._theme_keys.add(self.get_cache_key(name, filename))
        return super().get_bucket(environment, name, filename, source)

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path | None:
        return THEME_COMPILED / f"{bucket.key}.jinja" if bucket.key in self._theme_keys else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._file(bucket)
        if path is None:
            return
        try:
            with open(path, "rb") as compiled:
                bucket.load_bytecode(compiled)
        except OSError:  # none kept yet
            pass
        except Exception:  # noqa: BLE001 - a damaged file: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._file(bucket)
        if path is None or (bucket.key in self._theme_keys and not self._keep_theme):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            with open(partial, "wb") as compiled:
                bucket.write_bytecode(compiled)
            os.replace(partial, path)
        except OSError:
            pass


def compile_theme() -> int:
    """Compile the built-in theme's templates into the package, as `compileall` does for modules
    (for an image or an installation that builds many sites); return how many there are."""
    env = _environment_for(None, ZoneInfo("UTC"), "", _CompiledTemplates(keep_theme=True))
    names = jinja2.FileSystemLoader(str(THEME_DIR / "templates")).list_templates()
    for name in names:
        env.get_template(name)
    return len(names)


THEME_COMPILED = THEME_DIR / "__pycache__"


def _environment(config: SiteConfig, cache: BuildCache | None, templates_digest: bytes) -> jinja2.Environment:
    """With a cache, the environment of the last build, with its compiled templates, as long as no
    template has changed (a new file in templates/ may override one the theme had compiled)."""
    if cache is None:
        return make_environment(config)
    key = digest(templates_digest, repr((config.templates_dir, config.timezone, config.base_url)))
    env = cache.get("environment", key)
    if env is None:
        env = make_environment(config)
        cache.put("environment", key, env)
    return env


_MENTION_PATHS = {"driver": urls.driver, "team": urls.team, "track": urls.track, "event": urls.event}


@jinja2.pass_context
def _relative_links(context, html: str) -> str:
    """A story's or a profile's `cupsite:` links as links relative to the page being rendered."""
    url = context["url"]
    sizes = context.get("body_image_sizes")
    if sizes and "<img" in html:
        html = _IMAGE.sub(lambda match: _sized(match, sizes), html)

    def address(kind: str, key: str) -> str:
        if kind == body_links.SITE_KIND:  # a path the writer wrote: the site path, then any ?query#anchor
            path, rest = body_links.split_target(key)
            return url(path) + rest
        return url(_MENTION_PATHS[kind](key))

    return resolve_links(html, address)


_IMAGE = re.compile(r'<img\b([^>]*?)\s?/?>')
_SITE_SOURCE = re.compile(r'\ssrc="cupsite:site/([^"?#]+)')


def _sized(match: re.Match, sizes: dict) -> str:
    """An <img> of the text with its file's width and height, unless the writer gave some."""
    attributes = match.group(1)
    source = _SITE_SOURCE.search(attributes)
    size = sizes.get(html_unescape(source.group(1))) if source else None
    if size is None or " width=" in attributes or " height=" in attributes:
        return match.group(0)
    return f'<img{attributes} width="{size[0]}" height="{size[1]}">'


def _absolute_address(base_url: str, kind: str, key: str) -> str:
    if kind == body_links.SITE_KIND:
        return urls.absolute(base_url, key)
    return urls.absolute(base_url, _MENTION_PATHS[kind](key))


def _aware(value, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=zone)


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return _day(value.year, value.month, value.day)
    return str(value)


@functools.lru_cache(maxsize=1 << 14)  # the same days recur on page after page, and strftime is slow
def _day(year: int, month: int, day: int) -> str:
    return f"{day} {date(year, month, day):%B %Y}"


def format_date_range(start: date, end: date) -> str:
    """18–20 September 2025; 30 September – 2 October 2025; 30 December 2025 – 1 January 2026."""
    if start == end:
        return format_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {format_date(end)}"
    return f"{format_date(start)} – {format_date(end)}"


def format_datetime(value: datetime) -> str:
    return f"{format_date(value)}, {value:%H:%M}"


def format_points(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def ordinal(number: int) -> str:
    if number is None:
        return ""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class Linker:
    """`url(thing)` in templates: a relative link from the page being rendered, or, with
    `root` set, a link from the site's root path (for the 404 page, which a host serves at
    any address, so relative links could not know where they start)."""

    def __init__(self, page_path: str, root: str | None = None):
        self.page_path = page_path
        self.root = root
        self._folders = urls.folders_of(page_path)

    def __call__(self, target, anchor: str = "") -> str:
        if isinstance(target, str):
            if urls.is_external(target):
                return target
            path = target.lstrip("/")
        else:
            path = urls.path_for(target)
        if self.root is not None:
            return self.root + urls.output_file(path) + (f"#{anchor}" if anchor else "")
        return urls.relative_from(self._folders, path, anchor)


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
    env = _environment(site.config, cache, templates_digest)
    site_values = _globals(site, tables)
    env.globals.update(site_values)
    keys = _PageKeys(templates_digest, site_values, cache.fingerprints) if cache is not None else None
    output = {page.path: page.raw for page in pages if page.raw is not None}
    templated = [page for page in pages if page.raw is None]
    renderer = _PageRenderer(env, site.config, {page.template for page in templated})
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


def _page_outcome(renderer: _PageRenderer, keys: _PageKeys | None, cache: BuildCache | None,
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


MAX_TEMPLATE_ERRORS = 20  # one broken template fails every page that uses it: show a few


class _PageRenderer:
    """Renders one page to bytes, or to the ContentError that explains why it cannot. The
    templates are compiled before the work is shared out, so the workers inherit them."""

    def __init__(self, env: jinja2.Environment, config: SiteConfig, template_names: set[str]):
        self._env = env
        self._base_url = config.base_url
        self._templates = {}
        for name in sorted(template_names):
            try:
                self._templates[name] = env.get_template(name)
            except Exception:  # noqa: BLE001 - reported by render(), page by page
                pass

    def render(self, page: Page) -> bytes | ContentError:
        try:
            template = self._templates.get(page.template) or self._env.get_template(page.template)
            root = urlsplit(self._base_url).path if page.path == urls.NOT_FOUND else None
            html = template.render(page.context.variables(), page=page, url=Linker(page.path, root),
                                   canonical=urls.absolute(self._base_url, page.path))
            return html.encode("utf-8")
        except Exception as error:  # a template bug must not become a traceback
            return _template_error(error, page)


class _PageKeys:
    """What a page's bytes depend on: its context, and, shared by every page, cupsite's code and
    theme, the site's templates and the site-wide template values."""

    def __init__(self, templates_digest: bytes, site_values: dict, fingerprints: Fingerprints):
        self._fingerprints = fingerprints  # the build's: model objects digested while loading are not again
        shared = {name: value for name, value in site_values.items() if name != "urls"}  # "urls" is code
        self._shared = digest(code_version(), templates_digest, self._fingerprints.of(shared))

    def key(self, page: Page) -> bytes | None:
        try:
            page_digest = self._fingerprints.of((page.path, page.template, page.in_sitemap, page.context))
        except (pickle.PicklingError, TypeError, AttributeError):  # a value that cannot be digested: render it
            return None
        return digest(self._shared, page_digest)


def _template_error(error: Exception, page: Page) -> ContentError:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return ContentError(error.filename or error.name or page.template, error.lineno,
                            f"template syntax error: {error.message}", "fix the template")
    if isinstance(error, jinja2.TemplateNotFound):
        return ContentError(page.template, None, f"template not found: {error.name}",
                            "add it to templates/ or remove the reference")
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((".html", ".xml"))]
    where = frames[-1] if frames else None
    return ContentError(where.filename if where else page.template, where.lineno if where else None,
                        f"template error while rendering {page.path or 'the home page'}: "
                        f"{type(error).__name__}: {error}",
                        "check the variables the template uses (docs/templates.md)")


def _globals(site: Site, tables: Tables) -> dict:
    config = site.config
    classes = {(c.slug, k.code): k for c in config.championships for k in c.classes}
    return {
        "site": config,
        "drivers": site.drivers,
        "teams": site.teams,
        "tracks": site.tracks,
        "events": site.events,
        "classes": classes,
        "championships": {c.slug: c for c in config.championships},
        "urls": urls,
        "nav_season": current_season(site, tables),
        "article_event": site.article_event,
    }
