"""Read and validate cupsite.toml into a typed, frozen SiteConfig."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ContentError, ContentErrors
from .rules import PointsSystem, parse_rules
from .slugs import slugify

THEME_DIR = Path(__file__).parent / "theme"  # the built-in theme: templates/ and static/
RAW_HTML = ("sanitize", "allow")  # what becomes of HTML written in Markdown (markdown_html.py)
RESERVED_SLUGS = {"news", "tags", "drivers", "teams", "tracks", "static", "data", "page", "search", "pagefind"}
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _letters(name: str) -> str:
    return "".join(ch for ch in slugify(name) if ch.isalnum())


DARK_INK, LIGHT_INK = "#111111", "#ffffff"


def relative_luminance(colour: str) -> float:
    """Of a #rgb or #rrggbb colour, as WCAG 2 defines it."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class CarClass:
    code: str
    name: str
    colour: str
    timing_names: tuple[str, ...] = ()  # what official timing's exports call the class, besides code and name

    @property
    def ink(self) -> str:
        """The colour of text on the class colour: near-black or white, whichever stands out more
        (by WCAG 2's contrast ratio), so a dark class colour still gets a legible chip."""
        return DARK_INK if contrast(self.colour, DARK_INK) >= contrast(self.colour, LIGHT_INK) else LIGHT_INK


@dataclass(frozen=True)
class Championship:
    slug: str
    name: str
    short_name: str
    classes: tuple[CarClass, ...]
    points: PointsSystem
    team_cars_per_race: int = 0
    rookie_classes: tuple[str, ...] = ()

    def car_class(self, code: str) -> CarClass | None:
        return next((c for c in self.classes if c.code == code), None)

    def class_for_timing_name(self, name: str) -> str | None:
        """The class code a timing export means by `name`: a class's code, its name or one of its
        `timing_names`, compared without case, spaces or punctuation ("PRO-AM" is "Pro-Am")."""
        wanted = _letters(name)
        for car_class in self.classes:
            if wanted in {_letters(n) for n in (car_class.code, car_class.name, *car_class.timing_names)}:
                return car_class.code
        return None


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    path: Path
    title: str
    base_url: str
    language: str
    timezone: str
    description: str
    articles_per_page: int
    championships: tuple[Championship, ...]
    search: bool = True  # build the Pagefind index, the search page and the header's search box
    raw_html: str = "sanitize"  # HTML written in Markdown: "sanitize" (nothing that can run script) or "allow"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    def static_file(self, name: str) -> Path | None:
        """The file published as static/<name>: the site's own, else the theme's."""
        for folder in (self.static_dir, THEME_DIR / "static"):
            if (folder / name).is_file():
                return folder / name
        return None

    def championship(self, slug: str) -> Championship | None:
        return next((c for c in self.championships if c.slug == slug), None)


class _Reader:
    """Reads typed values out of the TOML tables, recording every problem."""

    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown
        self.errors: list[ContentError] = []

    def error(self, key: str, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.shown, None, f"[{key}] {message}", hint))

    def get(self, table: dict, key: str, where: str, kind, default=None, required=False):
        if key not in table:
            if required:
                self.error(f"{where}.{key}", "is missing", f"add `{key} = ...` under [{where}]")
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.error(f"{where}.{key}", f"should be a {names}, not {value!r}")
            return default
        return value


def load_config(path: Path) -> SiteConfig:
    path = Path(path)
    shown = path.name
    if not path.is_file():
        raise ContentErrors([ContentError(shown, None, "configuration file not found",
                                          "run cupsite in the site's folder or pass --config PATH")])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ContentErrors([ContentError(shown, None, "is not UTF-8 text", "save the file as UTF-8")]) from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        raise ContentErrors([ContentError(shown, line, f"invalid TOML: {error}",
                                          "check quotes, brackets and `key = value` syntax")]) from None
    read = _Reader(path, shown)
    site = read.get(data, "site", "", dict, {}, required=True)
    timezone = read.get(site, "timezone", "site", str, "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        read.error("site.timezone", f"unknown time zone {timezone!r}", "use an IANA name such as America/New_York")
        timezone = "UTC"
    base_url = read.get(site, "base_url", "site", str, "https://example.org/", required=True)
    if not base_url.endswith("/"):
        base_url += "/"
    raw_html = read.get(site, "raw_html", "site", str, "sanitize")
    if raw_html not in RAW_HTML:
        read.error("site.raw_html", f"unknown setting {raw_html!r}", f"write one of: {', '.join(RAW_HTML)}")
        raw_html = "sanitize"
    per_page = read.get(site, "articles_per_page", "site", int, 10)
    if per_page < 1:
        read.error("site.articles_per_page", "must be at least 1")
        per_page = 10
    championships = tuple(
        _championship(read, table, index)
        for index, table in enumerate(read.get(data, "championships", "", list, [], required=True))
    )
    slugs = [c.slug for c in championships]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        read.error("championships", f"the slug {slug!r} is used twice", "give each championship its own slug")
    if read.errors:
        raise ContentErrors(read.errors)
    return SiteConfig(
        root=path.parent.resolve(),
        path=path.resolve(),  # one cache key for the site however its path is spelled
        title=read.get(site, "title", "site", str, "", required=True),
        base_url=base_url,
        language=read.get(site, "language", "site", str, "en"),
        timezone=timezone,
        description=read.get(site, "description", "site", str, ""),
        articles_per_page=per_page,
        championships=championships,
        search=read.get(site, "search", "site", bool, True),
        raw_html=raw_html,
    )


def _championship(read: _Reader, table, index: int) -> Championship:
    where = f"championships[{index}]"
    if not isinstance(table, dict):
        read.error(where, "should be a table", "write it as [[championships]]")
        table = {}
    name = read.get(table, "name", where, str, f"Championship {index + 1}", required=True)
    slug = read.get(table, "slug", where, str, slugify(name))
    if slug != slugify(slug):
        read.error(f"{where}.slug", f"{slug!r} is not a slug", f"use {slugify(slug)!r}")
    if slug in RESERVED_SLUGS:
        read.error(f"{where}.slug", f"{slug!r} is the name of a section of the site", "choose another slug")
    classes = []
    for class_index, item in enumerate(read.get(table, "classes", where, list, [], required=True)):
        class_where = f"{where}.classes[{class_index}]"
        if not isinstance(item, dict):
            read.error(class_where, "should be a table", "write it as [[championships.classes]]")
            continue
        code = read.get(item, "code", class_where, str, "?", required=True)
        colour = read.get(item, "colour", class_where, str, "#888888", required=True)
        if not _COLOUR.match(colour):
            read.error(f"{class_where}.colour", f"{colour!r} is not a colour", "write it as #rrggbb")
            colour = "#888888"
        timing_names = read.get(item, "timing_names", class_where, list, [])
        if not all(isinstance(name, str) for name in timing_names):
            read.error(f"{class_where}.timing_names", "should be a list of names", 'write it as ["PRO AM", "PA"]')
            timing_names = []
        classes.append(CarClass(code, read.get(item, "name", class_where, str, code), colour, tuple(timing_names)))
    codes = [c.code for c in classes]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        read.error(f"{where}.classes", f"the class code {code!r} is used twice")
    if not classes:
        read.error(f"{where}.classes", "no classes are defined", "add at least one [[championships.classes]]")
    points = parse_rules(read.get(table, "points", where, dict, {}),
                         lambda key, message, hint: read.error(f"{where}.points.{key}", message, hint))
    rookie_classes = tuple(read.get(table, "rookie_classes", where, list, codes))
    for code in rookie_classes:
        if code not in codes:
            read.error(f"{where}.rookie_classes", f"unknown class code {code!r}", f"use one of: {', '.join(codes)}")
    cars = read.get(table, "team_cars_per_race", where, int, 0)
    if cars < 0:
        read.error(f"{where}.team_cars_per_race", "cannot be negative", "use 0 to count every car")
    return Championship(
        slug=slug,
        name=name,
        short_name=read.get(table, "short_name", where, str, name),
        classes=tuple(classes),
        points=points,
        team_cars_per_race=max(cars, 0),
        rookie_classes=rookie_classes,
    )
