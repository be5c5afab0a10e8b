"""The one place that knows URLs. Pages live at site paths such as 'drivers/riley-dickinson/';
links between pages are written relative to the linking page and point at the file itself
(…/index.html), so the site works at a domain root, under a sub-path and opened from disk."""

from __future__ import annotations

from .link import Person
from .model import Article, Event, Season
from .slugs import slugify

HOME = ""
NEWS = "news/"
TAGS = "tags/"
DRIVERS = "drivers/"
TEAMS = "teams/"
TRACKS = "tracks/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
SEARCH = "search/"
NOT_FOUND = "404.html"


def news_page(number: int) -> str:
    return NEWS if number == 1 else f"{NEWS}page/{number}/"


def article(slug: str) -> str:
    return f"{NEWS}{slug}/"


def tag(name: str) -> str:
    return f"{TAGS}{slugify(name)}/"


def driver(slug: str) -> str:
    return f"{DRIVERS}{slug}/"


def team(slug: str) -> str:
    return f"{TEAMS}{slug}/"


def track(slug: str) -> str:
    return f"{TRACKS}{slug}/"


def feed_of(page_path: str) -> str:
    """The Atom feed of a driver's, team's or tag's page."""
    return page_path + "feed.xml"


def championship(slug: str) -> str:
    return f"{slug}/"


def season(championship_slug: str, year: str) -> str:
    return f"{championship_slug}/{year}/"


def standings(championship_slug: str, year: str) -> str:
    return f"{championship_slug}/{year}/standings/"


def standings_after_round(championship_slug: str, year: str, number: int) -> str:
    return f"{championship_slug}/{year}/standings/after-round-{number}/"


def season_calendar_file(championship_slug: str, year: str) -> str:
    return f"{championship_slug}/{year}/sessions.ics"


def event_calendar_file(key: str) -> str:
    return f"{key}/sessions.ics"


def event(key: str) -> str:
    return f"{key}/"


def session_anchor(session_slug: str, class_code: str = "") -> str:
    return f"{session_slug}-{slugify(class_code)}" if class_code else session_slug


def static(path: str) -> str:
    return "static/" + path.lstrip("/").removeprefix("static/")


_PEOPLE = {"driver": driver, "team": team, "track": track}


def path_for(thing) -> str:
    """The site path of a model object."""
    if isinstance(thing, Article):
        return article(thing.slug)
    if isinstance(thing, Person):
        return _PEOPLE[thing.kind](thing.slug)
    if isinstance(thing, Event):
        return event(thing.key)
    if isinstance(thing, Season):
        return season(thing.championship, thing.year)
    raise TypeError(f"no URL for {type(thing).__name__}")


def output_file(path: str) -> str:
    """The file a site path is written to: 'news/' -> 'news/index.html'."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(from_path: str, to_path: str, anchor: str = "") -> str:
    """A link from the page at from_path to to_path, relative, pointing at the file.
    (posixpath.relpath gives the same answer but consults the working directory on every
    call, which made it the costliest step of rendering.)"""
    return relative_from(folders_of(from_path), to_path, anchor)


def folders_of(page_path: str) -> list[str]:
    """The folders a page's file lies in, for `relative_from`."""
    return output_file(page_path).split("/")[:-1]


def relative_from(folders: list[str], to_path: str, anchor: str = "") -> str:
    """`relative` for a page whose folders are known (a page makes hundreds of links)."""
    target = output_file(to_path).split("/")
    shared, most = 0, min(len(folders), len(target) - 1)
    while shared < most and folders[shared] == target[shared]:
        shared += 1
    link = "../" * (len(folders) - shared) + "/".join(target[shared:])
    return link + "#" + anchor if anchor else link


def absolute(base_url: str, path: str) -> str:
    return base_url + path


def is_external(link: str) -> bool:
    return link.startswith(("http://", "https://", "mailto:", "//"))
