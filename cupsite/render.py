"""The render stage: the Jinja environment, presentation filters, and pages to bytes."""

from __future__ import annotations

import functools
import re
import traceback
from datetime import date, datetime
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2

from . import body_links, urls
from .config import THEME_DIR, SiteConfig
from .embeds import MARKER_PATTERN as EMBED_MARKERS
from .errors import ContentError
from .link import Site
from .mentions import resolve_links
from .model import STATUS_LABELS
from .pages import variables
from .pages.home import calendar_season
from .pages.images import picture_html, story_pictures
from .pages.sessions import format_laptime, result_table
from .plan import Page, current_season
from .score import Tables
from .timing import format_time
from .words import counted, ordinal


def make_environment(config: SiteConfig, compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The Jinja environment; `compiled`, if given, keeps compiled templates between runs."""
    return environment_for(config.templates_dir, ZoneInfo(config.timezone), config.base_url, compiled)


def environment_for(templates_dir: Path | None, zone: ZoneInfo, base_url: str,
                    compiled: jinja2.BytecodeCache | None) -> jinja2.Environment:
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
        "counted": counted,
        "laptime": format_laptime,
        "result_table": result_table,  # for templates that pass a session's result to `classification`
        "seconds": lambda seconds: format_time(seconds) if seconds is not None else "",  # 325.0 -> "5:25.000"
        "status": lambda status: STATUS_LABELS.get(status, status),
        "links": _relative_links,
        "without_embeds": lambda html: EMBED_MARKERS.sub("<p>(A table: see the story on the site.)</p>", html),
        "absolute_links": lambda html: resolve_links(html, lambda kind, key: _absolute_address(base_url, kind, key)),
    })
    return env


_MENTION_PATHS = {"driver": urls.driver, "team": urls.team, "track": urls.track, "event": urls.event}


@jinja2.pass_context
def _relative_links(context, html: str) -> str:
    """A story's or a profile's `cupsite:` links as links relative to the page being rendered."""
    url = context["url"]
    sizes, pictures = context.get("body_image_sizes"), context.get("body_pictures")
    if (sizes or pictures) and "<img" in html:
        html = _IMAGE.sub(lambda match: _sized(match, sizes or {}, pictures or {}, url), html)

    def address(kind: str, key: str) -> str:
        if kind == body_links.SITE_KIND:  # a path the writer wrote: the site path, then any ?query#anchor
            path, rest = body_links.split_target(key)
            return url(path) + rest
        return url(_MENTION_PATHS[kind](key))

    return resolve_links(html, address)


_IMAGE = re.compile(r'<img\b([^>]*?)\s?/?>')
_SITE_SOURCE = re.compile(r'\ssrc="cupsite:site/([^"?#]+)')
_ALT = re.compile(r'\salt="([^"]*)"')
_TITLE = re.compile(r'\stitle="[^"]*"')


def _sized(match: re.Match, sizes: dict, pictures: dict, url) -> str:
    """An <img> of the text with its file's width and height, unless the writer gave some; a photo's
    as a responsive <picture>."""
    attributes = match.group(1)
    source = _SITE_SOURCE.search(attributes)
    picture = pictures.get(html_unescape(source.group(1))) if source else None
    if picture is not None:
        alt, title = _ALT.search(attributes), _TITLE.search(attributes)
        return picture_html(picture, url, html_unescape(alt.group(1)) if alt else "", title.group(0) if title else "")
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


MAX_TEMPLATE_ERRORS = 20  # one broken template fails every page that uses it: show a few


class PageRenderer:
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
            html = template.render(variables(page.context), page=page, url=Linker(page.path, root),
                                   canonical=urls.absolute(self._base_url, page.path))
            return html.encode("utf-8")
        except Exception as error:  # a template bug must not become a traceback
            return _template_error(error, page)


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


def site_values(site: Site, tables: Tables) -> dict:
    """The values every template is given besides its page's."""
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
        "nav_calendar": calendar_season(site, tables),
        "article_event": site.article_event,
        "story_pictures": story_pictures(site),
    }
