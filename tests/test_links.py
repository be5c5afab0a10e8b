"""Links, page kinds, feed and sitemap of the built sites (the mini test site and the demo site).

The demo-site cases need the repository's content/ folder; they fail (at the demo_site fixture)
until it is there."""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from cupsite.config import SiteConfig, load_config

from .linkcheck import PAGE_KINDS, check_site, duplicate_ids, page_kinds

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"mini": ROOT / "tests" / "sites" / "mini" / "cupsite.toml", "demo": ROOT / "cupsite.toml"}
FIXTURES = {"mini": "mini_site", "demo": "demo_site"}
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ARTIFACTS = ROOT / "test-artifacts"
FEED_SIZE = 20  # the feed carries the newest 20 articles (cupsite/pages/stories.py)


@dataclass(frozen=True)
class BuiltSite:
    name: str
    output: Path
    config: SiteConfig

    @property
    def kinds(self) -> dict[str, list[str]]:
        return page_kinds(self.output, [c.slug for c in self.config.championships])

    def file_for_url(self, url: str) -> Path:
        """The output file an absolute URL of the site (base_url + site path) is served from."""
        base = self.config.base_url
        assert url.startswith(base), f"{url} is not under the site's base_url {base}"
        path = url[len(base):]
        return self.output / (path + "index.html" if path == "" or path.endswith("/") else path)


@pytest.fixture(scope="module", params=["mini", "demo"])
def site(request) -> BuiltSite:
    output = request.getfixturevalue(FIXTURES[request.param])
    return BuiltSite(request.param, Path(output), load_config(CONFIGS[request.param]))


@pytest.fixture(scope="module")
def report(site):
    return check_site(site.output, base_path=urlsplit(site.config.base_url).path, base_url=site.config.base_url)


def _listing(items) -> str:
    return "".join(f"\n  {item}" for item in items)


# --- links --------------------------------------------------------------------------------------

def test_no_broken_links_or_anchors(site, report):
    """Every href and src of every page, and every #anchor, resolves. The external links are not
    fetched: they are listed in test-artifacts/links-<site>.txt, with the counts."""
    assert report.pages, f"{site.name}: no pages in {site.output}"
    assert report.internal, f"{site.name}: no internal links found at all — is the checker looking at the right folder?"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    internal = report.internal
    anchors = sum(1 for link in internal + report.own if "#" in link.value)
    external = sorted({link.value for link in report.external})
    (ARTIFACTS / f"links-{site.name}.txt").write_text(
        f"{len(report.pages)} pages checked: {len(internal)} relative links and {len(report.own)} full URLs "
        f"of the site itself, {anchors} of them with an #anchor; problems: {len(report.problems)}\n"
        f"{len(external)} external links (listed, not fetched):\n"
        + "".join(f"  {value}\n" for value in external), encoding="utf-8")
    assert not report.problems, report.summary()


def test_srcset_candidates_are_checked_too(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"")
    (tmp_path / "index.html").write_text('<img src="a.jpg" srcset="a.jpg 1x, b.jpg 2x" alt="">', encoding="utf-8")
    assert check_site(tmp_path).problems == ["index.html: broken link b.jpg"]


def test_internal_links_are_relative(site, report):
    absolute = [str(link) for link in report.links if link.source != "404.html"
                and link.value.strip().startswith("/") and not link.value.strip().startswith("//")]
    file_scheme = [str(link) for link in report.links if link.value.strip().lower().startswith("file:")]
    assert not absolute, f"{site.name}: {len(absolute)} root-absolute internal link(s):{_listing(absolute)}"
    assert not file_scheme, f"{site.name}: {len(file_scheme)} file: link(s):{_listing(file_scheme)}"


def test_the_404_page_links_from_the_base_path(site, report):
    """A host serves 404.html at any missing address, so its links cannot be relative: they start
    from the path of the base URL (and resolve, which test_no_broken_links_or_anchors checks)."""
    base_path = urlsplit(site.config.base_url).path
    links = [link for link in report.internal if link.source == "404.html" and not link.value.startswith("#")]
    assert links, "the 404 page has no internal links"
    wrong = [str(link) for link in links if not link.value.startswith(base_path)]
    assert not wrong, f"{site.name}: 404 links not under {base_path}:{_listing(wrong)}"


def test_internal_links_point_at_files(site, report):
    """Pages link to …/index.html, never to a folder (covered by the checker too; this names the rule)."""
    folders = [str(link) for link in report.internal
               if link.value.split("#")[0].split("?")[0].endswith("/")
               or link.value.split("#")[0] in (".", "..")]
    assert not folders, f"{site.name}: links to folders:{_listing(folders)}"


def test_no_duplicate_ids(site):
    problems = duplicate_ids(site.output)
    assert not problems, f"{site.name}: duplicate ids (anchors to them are ambiguous):{_listing(problems)}"


def test_site_works_under_a_sub_path(site, report, tmp_path):
    """Published at https://example.org/sub/path/ (or opened from any folder) the links still resolve."""
    sub = tmp_path / "sub" / "path"
    shutil.copytree(site.output, sub)
    moved = check_site(sub, web_root=tmp_path, base_path=urlsplit(site.config.base_url).path)
    assert len(moved.links) == len(report.links), "the copy should have the same links as the original"
    assert not moved.problems, moved.summary()


def test_pages_declare_an_icon(site):
    """Without <link rel="icon"> browsers fetch /favicon.ico on their own: a 404 and a console error on
    every page view (and, under a sub-path, a request outside the site). The link checker checks the href."""
    missing = []
    for path in sorted(site.output.rglob("*.html")):
        soup = BeautifulSoup(path.read_bytes(), "html.parser")
        if not any("icon" in (link.get("rel") or []) for link in soup.find_all("link")):
            missing.append(path.relative_to(site.output).as_posix())
    more = f"\n  … and {len(missing) - 10} more" if len(missing) > 10 else ""
    assert not missing, (f"{site.name}: {len(missing)} page(s) declare no icon (<link rel=\"icon\">):"
                         f"{_listing(missing[:10])}{more}")


# --- the pages the build produced ---------------------------------------------------------------

def test_every_page_kind_exists(site):
    kinds = site.kinds
    missing = [kind for kind in PAGE_KINDS if kind != "news-page" and not kinds[kind]]
    assert not missing, f"{site.name}: the build produced no page of kind(s) {missing} in {site.output}"


MINI_PAGES = [
    "index.html", "news/index.html", "news/page/2/index.html", "tags/index.html", "tags/race-report/index.html",
    "news/able-wins/index.html", "cup/index.html", "cup/2024/index.html", "cup/2024/standings/index.html",
    "cup/2024/alpha/index.html", "drivers/index.html", "drivers/ann-able/index.html", "teams/index.html",
    "teams/red-team/index.html", "tracks/index.html", "tracks/alpha-park/index.html", "404.html", "feed.xml",
    "sitemap.xml", "static/cupsite.css",
]


def test_mini_site_pages(mini_site):
    missing = [path for path in MINI_PAGES if not (Path(mini_site) / path).is_file()]
    assert not missing, f"mini site: missing files:{_listing(missing)}"
    assert not (Path(mini_site) / "news/a-draft/index.html").exists(), "a draft article was published"


def test_news_is_paginated(site):
    kinds = site.kinds
    articles = len(kinds["article"])
    per_page = site.config.articles_per_page
    pages = max(1, math.ceil(articles / per_page))
    expected = [f"news/page/{n}/index.html" for n in range(2, pages + 1)]
    assert kinds["news-page"] == sorted(expected), (
        f"{site.name}: {articles} articles at {per_page} a page should give news pages {expected}, "
        f"found {kinds['news-page']}")
    if site.name == "mini":
        assert expected == ["news/page/2/index.html"], "the mini site (3 articles, 2 a page) should have 2 news pages"


# --- feed and sitemap ---------------------------------------------------------------------------

def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as error:
        pytest.fail(f"{path} is not well-formed XML: {error}")


def test_feed_is_atom_with_absolute_links(site):
    base = site.config.base_url
    root = _parse_xml(site.output / "feed.xml")
    assert root.tag == f"{ATOM}feed", f"feed.xml's root is {root.tag}, not an Atom <feed>"
    assert base.startswith("https://"), f"the config's base_url {base} should be https"
    problems = []
    links = {link.get("rel", "alternate"): link.get("href") for link in root.findall(f"{ATOM}link")}
    if links.get("self") != base + "feed.xml":
        problems.append(f"feed: rel=self link is {links.get('self')!r}, expected {base + 'feed.xml'!r}")
    if links.get("alternate") != base:
        problems.append(f"feed: rel=alternate link is {links.get('alternate')!r}, expected {base!r}")
    for name in ("title", "id", "updated"):
        if not (root.findtext(f"{ATOM}{name}") or "").strip():
            problems.append(f"feed: empty or missing <{name}>")

    entries = root.findall(f"{ATOM}entry")
    articles = len(site.kinds["article"])
    if len(entries) != min(FEED_SIZE, articles):
        problems.append(f"feed: {len(entries)} entries for {articles} published articles "
                        f"(expected {min(FEED_SIZE, articles)})")
    for number, entry in enumerate(entries, start=1):
        title = entry.findtext(f"{ATOM}title") or f"entry {number}"
        hrefs = [link.get("href") or "" for link in entry.findall(f"{ATOM}link")
                 if link.get("rel", "alternate") == "alternate"]
        if len(hrefs) != 1:
            problems.append(f"feed: {title!r} has {len(hrefs)} alternate links")
            continue
        href = hrefs[0]
        if not href.startswith(base):
            problems.append(f"feed: {title!r} links to {href!r}, not an absolute URL under {base}")
        elif not site.file_for_url(href).is_file():
            problems.append(f"feed: {title!r} links to {href!r}, which has no page in the output")
        if (entry.findtext(f"{ATOM}id") or "") != href:
            problems.append(f"feed: {title!r} has id {entry.findtext(f'{ATOM}id')!r}, expected its URL {href!r}")
        for name in ("title", "published", "updated"):
            if not (entry.findtext(f"{ATOM}{name}") or "").strip():
                problems.append(f"feed: {title!r} has an empty or missing <{name}>")
    assert not problems, f"{site.name}:{_listing(problems)}"


def test_sitemap_lists_every_page(site):
    base = site.config.base_url
    root = _parse_xml(site.output / "sitemap.xml")
    assert root.tag == f"{SITEMAP}urlset", f"sitemap.xml's root is {root.tag}, not a sitemap <urlset>"
    locs = [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP}loc")]
    assert locs, f"{site.name}: the sitemap is empty"
    problems = []
    for loc in locs:
        if not loc.startswith(base):
            problems.append(f"sitemap: <loc>{loc}</loc> is not under the base_url {base}")
        elif not site.file_for_url(loc).is_file():
            problems.append(f"sitemap: <loc>{loc}</loc> has no file in the output")
    duplicates = sorted({loc for loc in locs if locs.count(loc) > 1})
    problems += [f"sitemap: {loc} is listed twice" for loc in duplicates]

    def url_of(page: str) -> str:
        return base + (page.removesuffix("index.html") if page.endswith("index.html") else page)

    pages = {url_of(p.relative_to(site.output).as_posix()) for p in site.output.rglob("*.html")
             if p.relative_to(site.output).as_posix() != "404.html"}
    problems += [f"sitemap: page {url} is not listed" for url in sorted(pages - set(locs))]
    if url_of("404.html") in locs:
        problems.append("sitemap: the 404 page is listed")
    assert not problems, f"{site.name}:{_listing(problems)}"


# --- the checker itself -------------------------------------------------------------------------

def test_linkcheck_finds_every_kind_of_problem(tmp_path):
    """A made-up site with one of each mistake: the checker must report each, and nothing else."""
    site = tmp_path / "www" / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<h1 id="there">A</h1><a href="../index.html#top">up</a>')
    (site / "index.html").write_text("""<!DOCTYPE html><html><head>
<link rel="stylesheet" href="style.css"><script src="//cdn.example.org/x.js"></script></head>
<body id="top">
<a href="a/index.html">fine</a> <a href="a/index.html#there">fine anchor</a> <a href="#top">fine</a>
<a href="https://example.org/">external</a> <a href="mailto:x@example.org">mail</a>
<a href="a/">folder with slash</a> <a href="a">folder</a> <a href="missing.html">missing</a>
<a href="a/index.html#nowhere">bad anchor</a> <a href="#gone">bad own anchor</a>
<a href="file:///etc/hosts">file</a> <img src="img/x.png" alt=""> <a href="../../outside.html">outside</a>
<a href="/a/index.html">root-absolute</a>
</body></html>""")
    (site / "style.css").write_text("")
    report = check_site(site)
    assert sorted(report.problems) == sorted([
        "index.html: broken link a/ (points at a folder, not a file)",
        "index.html: broken link a (points at a folder, not a file)",
        "index.html: broken link missing.html",
        "index.html: broken anchor a/index.html#nowhere (no id 'nowhere' in a/index.html)",
        "index.html: broken anchor #gone (no id 'gone' in this page)",
        "index.html: link with a file: scheme file:///etc/hosts",
        "index.html: broken link img/x.png",
        "index.html: broken link ../../outside.html (points outside the site, at "
        f"{tmp_path.resolve() / 'outside.html'})",
    ]), report.summary()
    assert sorted(link.value for link in report.external) == [
        "//cdn.example.org/x.js", "https://example.org/", "mailto:x@example.org"]
    assert [link.value for link in report.absolute] == ["/a/index.html"]
    # Under a sub-path "/" is the server's root, not the site's: the root-absolute link breaks.
    moved = check_site(site, web_root=tmp_path / "www")
    assert "index.html: broken link /a/index.html" in moved.problems, moved.summary()


def test_full_urls_of_the_site_itself_are_checked_too(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="x">A</p>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<link rel="canonical" href="https://example.org/cup/">'
        '<a href="https://example.org/cup/a/#x">fine</a> <a href="https://example.org/cup/b/">no page</a> '
        '<a href="https://example.org/cup/a/#y">no anchor</a> <a href="https://example.org/other/">elsewhere</a>',
        encoding="utf-8")
    report = check_site(tmp_path, base_url="https://example.org/cup/")
    assert report.problems == ["index.html: broken link https://example.org/cup/b/ (no b/index.html in the site)",
                               "index.html: broken anchor https://example.org/cup/a/#y"]
    assert [link.value for link in report.external] == ["https://example.org/other/"]
    assert len(report.own) == 4
