"""Read and validate cupsite.toml into a typed, frozen SiteConfig."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config_schema import (
    CAR_CLASS,
    CHAMPIONSHIP,
    NEARBY,
    NESTED,
    RAW_HTML,
    SITE,
    TOP,
    Option,
    Table,
    article,
    key_lines,
    line_of,
    path_of,
)
from .config_words import anchor, header, how_to_start, place, subject
from .errors import ContentError, ContentErrors
from .rules import PointsSystem, parse_rules, rule_path
from .slugs import slugify

THEME_DIR = Path(__file__).parent / "theme"  # the built-in theme: templates/ and static/
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
    """Reads typed values out of the TOML tables by their declarations, recording every problem
    with the line of its key, and the key and its table in the words of the file's writer."""

    def __init__(self, shown: str, text: str, data: dict):
        self.shown = shown
        self.lines = key_lines(text)
        self.data = data
        self.errors: list[ContentError] = []

    def error(self, key: str, message: str, hint: str = "", table: str | None = None) -> None:
        """A problem of `key` (a dotted path): "`timezone` in [site]: unknown time zone 'X'"; with
        `table`, of that table as a whole (a points rule's message names its own key)."""
        where = place(path_of(table), self.data) if table is not None else subject(path_of(key), self.data)
        self.say(key, f"{where}: {message}", hint)

    def fault(self, key: str, predicate: str, hint: str = "") -> None:
        """`key` as the subject of `predicate`: "`title` in [site] is missing"."""
        self.say(key, f"{subject(path_of(key), self.data)} {predicate}", hint)

    def say(self, key: str, sentence: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.shown, line_of(self.lines, key), sentence, hint))

    def get(self, mapping: dict, option: Option, where: str, default=None):
        """The option's value in `mapping`, else `default` (when given: one that follows from other
        values), else the declared default."""
        default = option.default if default is None else default
        key = f"{where}.{option.key}" if where else option.key
        if option.key not in mapping:
            if option.required:
                self._missing(key, option, where)
            return default
        value = mapping[option.key]
        if not option.accepts(value):
            self._wrong_type(key, option, value)
            return default
        return value

    def _missing(self, key: str, option: Option, where: str) -> None:
        if option.key == "site":
            self.say(key, "there is no [site] table", how_to_start(SITE))
        elif option.key == "championships":
            self.say(key, "no championship is defined", how_to_start(CHAMPIONSHIP))
        elif option.key == "classes":
            self.say(key, f"{place(path_of(where), self.data)} has no classes", how_to_start(CAR_CLASS))
        else:
            self.fault(key, "is missing", f"add `{option.key} = ...` to {place(path_of(where), self.data)} "
                       f"({option.doc})")

    def _wrong_type(self, key: str, option: Option, value) -> None:
        path = path_of(key)
        items = NESTED.get(tuple(part for part in path if isinstance(part, str)))
        if items is not None and option.kind is dict and isinstance(value, list):  # [[site]] for [site]
            self.say(f"{key}[0]", f"{items.header} is written with two pairs of brackets",
                     f"write {items.header}, with one: there is one such table (see {anchor(items)})")
        elif items is None or not items.header.startswith("[["):
            self.fault(key, f"should be {option.type_name}, not {value!r}")
        elif isinstance(value, dict):  # [championships] written for [[championships]]
            self.say(key, f"{header(path)} is written with one pair of brackets", f"write {items.header}, twice "
                     "the brackets: a table of its own for each one (see " + anchor(items) + ")")
        else:
            named = f"`{key}`" if len(path) == 1 else subject(path, self.data)
            self.say(key, f"{named} should be {items.header} tables, not {value!r}", how_to_start(items))

    def table(self, mapping, schema: Table, where: str, hint: str) -> dict:
        """`mapping` as a table of `schema`, each key it does not declare reported."""
        if not isinstance(mapping, dict):
            self.fault(where, "should be a table", hint)
            return {}
        for key in schema.unknown(mapping):
            named = header((key,)) if not where else f"`{key}`"
            self.say(f"{where}.{key}" if where else key, f"{named} is not {article(schema.what)} {schema.what} of "
                     f"{place(path_of(where), self.data)}", schema.hint_for(key, NEARBY[schema.header]))
        return mapping


def load_config(path: Path) -> SiteConfig:
    path = Path(path)
    shown = path.name
    text = _read_text(path, shown)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        raise ContentErrors([ContentError(shown, line, f"invalid TOML: {error}",
                                          "check quotes, brackets and `key = value` syntax")]) from None
    read = _Reader(shown, text, data)
    read.table(data, TOP, "", "")
    site = read.table(read.get(data, TOP["site"], ""), SITE, "site", "")
    championships = tuple(
        _championship(read, table, index)
        for index, table in enumerate(read.get(data, TOP["championships"], ""))
    )
    if not championships and "championships" in data and isinstance(data["championships"], list):
        read.say("championships", "no championship is defined", how_to_start(CHAMPIONSHIP))
    slugs = [c.slug for c in championships]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        read.error("championships", f"the slug {slug!r} is used twice", "give each championship its own slug")
    config = _site(read, site, path, championships)
    if read.errors:
        raise ContentErrors(read.errors)
    return config


def _read_text(path: Path, shown: str) -> str:
    if not path.is_file():
        raise ContentErrors([ContentError(shown, None, "configuration file not found",
                                          "run cupsite in the site's folder or pass --config PATH")])
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentErrors([ContentError(shown, None, "is not UTF-8 text", "save the file as UTF-8")]) from None


def _site(read: _Reader, site: dict, path: Path, championships: tuple[Championship, ...]) -> SiteConfig:
    def value(key: str):
        return read.get(site, SITE[key], "site")

    timezone = value("timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        read.error("site.timezone", f"unknown time zone {timezone!r}", "use an IANA name such as America/New_York")
        timezone = SITE["timezone"].default
    base_url = value("base_url")
    raw_html = value("raw_html")
    if raw_html not in RAW_HTML:
        read.error("site.raw_html", f"unknown setting {raw_html!r}", f"write one of: {', '.join(RAW_HTML)}")
        raw_html = SITE["raw_html"].default
    per_page = value("articles_per_page")
    if per_page < 1:
        read.fault("site.articles_per_page", "must be at least 1")
        per_page = SITE["articles_per_page"].default
    return SiteConfig(
        root=path.parent.resolve(),
        path=path.resolve(),  # one cache key for the site however its path is spelled
        title=value("title"),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=value("language"),
        timezone=timezone,
        description=value("description"),
        articles_per_page=per_page,
        championships=championships,
        search=value("search"),
        raw_html=raw_html,
    )


def _championship(read: _Reader, table, index: int) -> Championship:
    where = f"championships[{index}]"
    table = read.table(table, CHAMPIONSHIP, where, "write it as [[championships]]")
    name = read.get(table, CHAMPIONSHIP["name"], where, f"Championship {index + 1}")
    slug = read.get(table, CHAMPIONSHIP["slug"], where, slugify(name))
    if slug != slugify(slug):
        read.error(f"{where}.slug", f"{slug!r} is not a slug", f"use {slugify(slug)!r}")
    if slug in RESERVED_SLUGS:
        read.error(f"{where}.slug", f"{slug!r} is the name of a section of the site", "choose another slug")
    classes = [car_class for class_index, item in enumerate(read.get(table, CHAMPIONSHIP["classes"], where))
               if (car_class := _car_class(read, item, f"{where}.classes[{class_index}]"))]
    codes = [c.code for c in classes]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        read.error(f"{where}.classes", f"the class code {code!r} is used twice")
    if not classes and "classes" in table:
        read.say(f"{where}.classes", f"{place(path_of(where), read.data)} has no classes", how_to_start(CAR_CLASS))
    points = parse_rules(read.get(table, CHAMPIONSHIP["points"], where),
                         lambda key, message, hint: read.error(f"{where}.points.{rule_path(key)}", message, hint,
                                                             table=f"{where}.points"))
    rookie_classes = tuple(read.get(table, CHAMPIONSHIP["rookie_classes"], where, codes))
    for code in rookie_classes:
        if code not in codes:
            read.error(f"{where}.rookie_classes", f"unknown class code {code!r}", f"use one of: {', '.join(codes)}")
    cars = read.get(table, CHAMPIONSHIP["team_cars_per_race"], where)
    if cars < 0:
        read.fault(f"{where}.team_cars_per_race", "cannot be negative", "use 0 to count every car")
    return Championship(
        slug=slug,
        name=name,
        short_name=read.get(table, CHAMPIONSHIP["short_name"], where, name),
        classes=tuple(classes),
        points=points,
        team_cars_per_race=max(cars, 0),
        rookie_classes=rookie_classes,
    )


def _car_class(read: _Reader, item, where: str) -> CarClass | None:
    if not isinstance(item, dict):
        read.fault(where, "should be a table", "write it as [[championships.classes]]")
        return None
    read.table(item, CAR_CLASS, where, "")
    code = read.get(item, CAR_CLASS["code"], where)
    colour = read.get(item, CAR_CLASS["colour"], where)
    if not _COLOUR.match(colour):
        read.error(f"{where}.colour", f"{colour!r} is not a colour", "write it as #rrggbb")
        colour = CAR_CLASS["colour"].default
    timing_names = read.get(item, CAR_CLASS["timing_names"], where)
    if not all(isinstance(name, str) for name in timing_names):
        read.fault(f"{where}.timing_names", "should be a list of names", 'write it as ["PRO AM", "PA"]')
        timing_names = []
    return CarClass(code, read.get(item, CAR_CLASS["name"], where, code), colour, tuple(timing_names))
