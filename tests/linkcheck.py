"""A small link checker for a built site (used by the tests; no tests in here).

Every .html file under a site folder is parsed; every `href` and `src` of the usual elements
(a, area, link, img, script, source, iframe, audio, video) is collected. External links
(http:, https:, mailto:, //…) are listed separately and not followed. Internal links are resolved
with file-system semantics, relative to the file they are in, the way a browser resolves them when
the site is opened from disk: the target must be an existing *file* (a link to a folder, even one
holding an index.html, is a problem), and a `#fragment` must be the `id` of an element of the target
page (of the same page for `#x`).

    report = check_site(output)
    report.problems   # ["news/x/index.html: broken link ../y/index.html", ...]
    report.external   # [Link(...), ...]

A link starting with "/" is resolved against `web_root` (the folder a web server would serve as
"/"; by default the site folder itself), so a root-absolute link "works" at the domain root but
breaks when the same site is checked under a sub-path. Such links are also listed in
`report.absolute`; the tests reject them outright.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

#: element -> the attributes holding a URL
LINK_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "script": ("src",),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
}

EXTERNAL_PREFIXES = ("http://", "https://", "mailto:", "//")
#: schemes that are not links into the site and not worth following (kept with the external links)
OTHER_HARMLESS_SCHEMES = ("tel:", "data:")
#: schemes that must never appear in a published page
BAD_SCHEMES = ("file:", "javascript:")


@dataclass(frozen=True)
class Link:
    source: str  # the page, relative to the site folder, POSIX style: "news/x/index.html"
    tag: str  # "a", "img", …
    attribute: str  # "href" or "src"
    value: str  # the attribute as written

    def __str__(self) -> str:
        return f"{self.source}: <{self.tag} {self.attribute}={self.value!r}>"


@dataclass
class Report:
    site: Path
    pages: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # every link found, internal and external
    external: list[Link] = field(default_factory=list)
    own: list[Link] = field(default_factory=list)  # full URLs under the site's base URL (canonical links, say)
    absolute: list[Link] = field(default_factory=list)  # internal links starting with "/"
    problems: list[str] = field(default_factory=list)

    @property
    def internal(self) -> list[Link]:
        elsewhere = set(self.external) | set(self.own)
        return [link for link in self.links if link not in elsewhere]

    def summary(self) -> str:
        """Every problem on its own line, for assertion messages."""
        head = (f"{len(self.problems)} link problem(s) in {self.site} "
                f"({len(self.pages)} pages, {len(self.links)} links):")
        return "\n  ".join([head, *self.problems])


def is_external(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered.startswith(EXTERNAL_PREFIXES) or lowered.startswith(OTHER_HARMLESS_SCHEMES)


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in Path(site).rglob("*.html") if p.is_file())


def _parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "html.parser")


def links_in(soup: BeautifulSoup, source: str) -> list[Link]:
    found = []
    for tag, attributes in LINK_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if value is None:
                    continue
                # srcset: "a.jpg 1x, b.jpg 2x" or "a.jpg 480w, ...": each candidate's URL is a link
                values = [c.split()[0] for c in value.split(",") if c.strip()] if attribute == "srcset" else [value]
                found += [Link(source, tag, attribute, v) for v in values]
    return found


def ids_in(soup: BeautifulSoup) -> list[str]:
    return [element["id"] for element in soup.find_all(id=True)]


@lru_cache(maxsize=None)
def _ids_of_file(path: Path, mtime_ns: int) -> frozenset[str]:
    return frozenset(ids_in(_parse(path)))


def page_ids(path: Path) -> frozenset[str]:
    """The ids of the elements of an HTML file (cached per file and modification time)."""
    return _ids_of_file(path, path.stat().st_mtime_ns)


def duplicate_ids(site: Path) -> list[str]:
    """Pages where one id is used by more than one element (a `#fragment` to it is ambiguous)."""
    problems = []
    site = Path(site)
    for path in html_files(site):
        ids = ids_in(_parse(path))
        for name in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"{path.relative_to(site).as_posix()}: id {name!r} is used {ids.count(name)} times")
    return problems


def _fragment_found(fragment: str, ids: frozenset[str]) -> bool:
    # Browsers try the fragment as written, then percent-decoded.
    return fragment in ids or unquote(fragment) in ids


def check_link(link: Link, site: Path, web_root: Path, own_ids: frozenset[str],
               base_path: str | None = None) -> str | None:
    """The problem with one internal link, or None if it is fine. With `base_path` (the path of
    the site's base URL, e.g. "/cup/"), root-absolute links under it resolve inside `site`."""
    value = link.value.strip()
    where = f"{link.source}: "
    if value == "":
        return f"{where}empty {link.attribute} on <{link.tag}>"
    if value.lower().startswith(BAD_SCHEMES):
        return f"{where}link with a {value.split(':', 1)[0]}: scheme {link.value}"
    parts = urlsplit(value)
    if parts.scheme:
        return f"{where}link with an unexpected scheme {link.value}"
    if parts.path == "":
        # "#x" (or "?q#x"): the same page
        if parts.fragment and not _fragment_found(parts.fragment, own_ids):
            return f"{where}broken anchor {link.value} (no id {parts.fragment!r} in this page)"
        return None
    path = unquote(parts.path)
    if base_path and path.startswith(base_path):
        base, relative = site, path[len(base_path):]
    elif path.startswith("/"):
        base, relative = web_root, path.lstrip("/")
    else:
        base, relative = site / posixpath.dirname(link.source), path
    target = Path(posixpath.normpath(posixpath.join(base.as_posix(), relative)))
    try:
        target.relative_to(web_root)
    except ValueError:
        return f"{where}broken link {link.value} (points outside the site, at {target})"
    if path.endswith("/") or target.is_dir():
        return f"{where}broken link {link.value} (points at a folder, not a file)"
    if not target.is_file():
        return f"{where}broken link {link.value}"
    if parts.fragment:
        if target.suffix.lower() not in (".html", ".htm"):
            return f"{where}broken anchor {link.value} (#{parts.fragment} in a file that is not HTML)"
        if not _fragment_found(parts.fragment, page_ids(target)):
            try:
                shown = target.relative_to(site).as_posix()
            except ValueError:
                shown = str(target)
            return f"{where}broken anchor {link.value} (no id {parts.fragment!r} in {shown})"
    return None


def check_own_url(link: Link, site: Path, base_url: str) -> str | None:
    """A full URL of the site itself (https://example.org/cup/drivers/x/): the file it is served
    from must be in `site` (a folder's index.html), with the #anchor's id."""
    parts = urlsplit(link.value.strip()[len(base_url):])
    target = site / unquote(parts.path)
    if parts.path == "" or parts.path.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return f"{link.source}: broken link {link.value} (no {target.relative_to(site).as_posix()} in the site)"
    if parts.fragment and not _fragment_found(parts.fragment, page_ids(target)):
        return f"{link.source}: broken anchor {link.value}"
    return None


def check_site(site: Path, web_root: Path | None = None, base_path: str | None = None,
               base_url: str | None = None) -> Report:
    """Check every link of every HTML page under `site`.

    `base_path` is the path the site is published at (from its base URL); see check_link.
    `web_root` is the folder "/" stands for (default: `site`); it must be `site` or one of its parents.
    With `base_url`, full URLs under it are the site's own, and checked like the internal links.
    """
    site = Path(site).resolve()
    web_root = Path(web_root).resolve() if web_root is not None else site
    if web_root != site and web_root not in site.parents:
        raise ValueError(f"web_root {web_root} does not contain the site {site}")
    report = Report(site)
    if not site.is_dir():
        report.problems.append(f"{site}: the site folder does not exist")
        return report
    for path in html_files(site):
        source = path.relative_to(site).as_posix()
        report.pages.append(source)
        soup = _parse(path)
        own_ids = frozenset(ids_in(soup))
        for link in links_in(soup, source):
            report.links.append(link)
            if base_url and link.value.strip().startswith(base_url):
                report.own.append(link)
                problem = check_own_url(link, site, base_url)
                if problem:
                    report.problems.append(problem)
                continue
            if is_external(link.value):
                report.external.append(link)
                continue
            if link.value.strip().startswith("/"):
                report.absolute.append(link)
            problem = check_link(link, site, web_root, own_ids, base_path)
            if problem:
                report.problems.append(problem)
    if not report.pages:
        report.problems.append(f"{site}: no .html files found")
    return report


def check(site: Path, web_root: Path | None = None) -> list[str]:
    """The problems only: ["news/x/index.html: broken link ../y/index.html", ...]."""
    return check_site(site, web_root).problems


# --- the page kinds of a built cupsite site ----------------------------------------------------

PAGE_KINDS = ("home", "news", "news-page", "tags", "tag", "article", "championship", "calendar", "standings",
              "standings-after-round", "event", "drivers", "driver", "teams", "team", "tracks", "track", "404", "feed",
              "sitemap")


def page_kinds(site: Path, championships: tuple[str, ...] | list[str]) -> dict[str, list[str]]:
    """kind -> the files of that kind the build produced (POSIX paths relative to `site`, sorted).

    `championships` are the championship slugs of the site's config (their folders hold the results)."""
    site = Path(site)

    def files(pattern: str) -> list[str]:
        return sorted(p.relative_to(site).as_posix() for p in site.glob(pattern) if p.is_file())

    def one(path: str) -> list[str]:
        return [path] if (site / path).is_file() else []

    kinds = {
        "home": one("index.html"),
        "news": one("news/index.html"),
        "news-page": files("news/page/*/index.html"),
        "tags": one("tags/index.html"),
        "tag": files("tags/*/index.html"),
        "article": [p for p in files("news/*/index.html") if p != "news/page/index.html"],
        "championship": [], "calendar": [], "standings": [], "standings-after-round": [], "event": [],
        "drivers": one("drivers/index.html"),
        "driver": files("drivers/*/index.html"),
        "teams": one("teams/index.html"),
        "team": files("teams/*/index.html"),
        "tracks": one("tracks/index.html"),
        "track": files("tracks/*/index.html"),
        "404": one("404.html"),
        "feed": one("feed.xml"),
        "sitemap": one("sitemap.xml"),
    }
    for slug in championships:
        kinds["championship"] += one(f"{slug}/index.html")
        kinds["calendar"] += files(f"{slug}/*/index.html")
        kinds["standings"] += files(f"{slug}/*/standings/index.html")
        kinds["standings-after-round"] += files(f"{slug}/*/standings/after-round-*/index.html")
        kinds["event"] += [p for p in files(f"{slug}/*/*/index.html") if not p.endswith("/standings/index.html")]
    return kinds
