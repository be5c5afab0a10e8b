"""The built sites in a real browser: Debian's Chromium driven by Playwright (sync API).

The sites are served over HTTP from 127.0.0.1 (a ThreadingHTTPServer on a free port that, like
static hosts do, answers a missing file with 404.html and status 404), and the mini site is also
opened from disk (file://). One browser per module.

Without Chromium (or Playwright) the module is skipped — except in CI (the environment variable CI
is set), where a missing browser is a failure: the browser tests must not silently vanish there.

Full-page screenshots go to test-artifacts/screenshots/<site>-<kind>-<width>[-dark].png (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cupsite.config import load_config

from .linkcheck import page_kinds

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # handled by the `browser` fixture: skip locally, fail in CI
    expect = sync_playwright = None

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"mini": ROOT / "tests" / "sites" / "mini" / "cupsite.toml", "demo": ROOT / "cupsite.toml"}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
#: the event each site's journey opens from the calendar
JOURNEY_EVENT = {"mini": "Alpha", "demo": "Indianapolis"}
#: a URL that does not exist, deep in the site: the server answers with 404.html, whose links start
#: from the site's base path, so it must still find its stylesheet and links from here
MISSING_PAGE = "news/no-such-story/index.html"


def in_ci() -> bool:
    value = os.environ.get("CI")
    return value is not None and value.strip().lower() not in ("", "0", "false", "no")


def find_chromium() -> str | None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason}. Browser tests may not be skipped in CI (CI={os.environ.get('CI')!r}); "
                    "install it: apt-get install chromium", pytrace=False)
    pytest.skip(reason)


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        unavailable(f"Debian's chromium is not installed (neither {CHROMIUM} nor `chromium` on PATH)")
    if sync_playwright is None:
        unavailable("the Python package playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a folder at a path prefix (the path of the site's base URL, as a host would publish
    it); a missing file gets the site's 404.html with status 404, like static hosts."""

    prefix = "/"

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "no such file outside the prefix")
        return super().translate_path("/" + clean[len(self.prefix):])

    def log_message(self, format, *args):  # keep the test output clean
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(folder: Path, prefix: str = "/"):
    """Serve `folder` at `prefix` on 127.0.0.1 (a free port); yields the site's URL, ending in '/'."""
    handler = type("PrefixedSiteHandler", (SiteHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def mini_url(mini_site):
    with serve(Path(mini_site), urlsplit(load_config(CONFIGS["mini"]).base_url).path) as url:
        yield url


@pytest.fixture(scope="module")
def demo_url(demo_site):
    with serve(Path(demo_site), urlsplit(load_config(CONFIGS["demo"]).base_url).path) as url:
        yield url


@dataclass(frozen=True)
class Served:
    name: str  # "mini" or "demo"
    output: Path  # the built site
    url: str  # where it is served, ending in "/"


@pytest.fixture
def served(request) -> Served:
    """A built site and its HTTP address; parametrize with indirect=True and "mini" or "demo".
    (A site that does not build makes its tests error here, in set-up.)"""
    name = request.param
    return Served(name, Path(request.getfixturevalue(f"{name}_site")), request.getfixturevalue(f"{name}_url"))


SITES = pytest.mark.parametrize("served", ["mini", "demo"], indirect=True)


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def shared_page(browser):
    """One browser tab for the whole module (a new context costs ~0.5 s); each test resets it."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def tab(shared_page):
    """(page, watch) for one test: the shared tab at desktop size, watched for errors during the test."""
    shared_page.set_viewport_size(DESKTOP)
    watch = Watch(shared_page)
    yield shared_page, watch
    watch.detach()
    shared_page.goto("about:blank")


class Watch:
    """Collects what went wrong while a page was open: console errors, uncaught exceptions,
    failed requests (but those the browser itself called off) and HTTP errors (except the one 404
    page a test asks for on purpose).

    /favicon.ico is left out: Chromium asks for it on its own (at some point after a page loads) when a
    page declares no icon, so whether its 404 shows up here is a race. test_links.py checks for the
    icon declaration instead, deterministically."""

    def __init__(self, page, allowed_404: str | None = None):
        self.page = page
        self.allowed_404 = allowed_404
        self.problems: list[str] = []
        self._handlers = {
            "console": self._console,
            "pageerror": lambda error: self.problems.append(f"uncaught exception on {page.url}: {error}"),
            "requestfailed": self._request_failed,
            "response": self._response,
        }
        for event, handler in self._handlers.items():
            page.on(event, handler)

    def detach(self) -> None:
        for event, handler in self._handlers.items():
            self.page.remove_listener(event, handler)

    @staticmethod
    def _is_favicon(url: str) -> bool:
        return urlsplit(url).path == "/favicon.ico"

    def _request_failed(self, request):
        # ERR_ABORTED is the browser calling a request off, not the site failing it: the icon's, say,
        # when a click leaves the page before Chromium fetched it (a missing file is a 404, below)
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if self._is_favicon(where):
            return
        if self.allowed_404 and where == self.allowed_404 and "404" in message.text:
            return  # Chromium logs the deliberately requested 404 page as a failed resource
        self.problems.append(f"console error: {message.text} (at {where or '?'})")

    def _response(self, response):
        if response.status < 400 or self._is_favicon(response.url):
            return
        if not (response.status == 404 and response.url == self.allowed_404):
            self.problems.append(f"HTTP {response.status}: {response.url}")


def _problems(title: str, problems: list[str]) -> str:
    return title + "".join(f"\n  {p}" for p in problems)


def site_classes(name: str, championship: str | None = None):
    """[(code, name)] of the championship's classes, in display order."""
    config = load_config(CONFIGS[name])
    chosen = config.championship(championship) if championship else config.championships[0]
    assert chosen is not None, f"{name}: no championship {championship!r} in {CONFIGS[name]}"
    return [(c.code, c.name) for c in chosen.classes]


# --- a reader's journey ---------------------------------------------------------------------------

def class_table_problems(container, prefix: str, classes, heading_level: int, table: str) -> list[str]:
    """Each class has its section #<prefix>-<code>, headed by the class name, with a non-empty table."""
    problems = []
    for code, name in classes:
        anchor = f"{prefix}-{code.lower()}"
        block = container.locator(f"section#{anchor}")
        if block.count() != 1:
            problems.append(f"no section #{anchor} for class {code} ({name})")
            continue
        # text_content, not inner_text: a block off screen is not laid out (content-visibility: auto),
        # and inner_text gives only what is rendered
        if name not in block.get_by_role("heading", level=heading_level).text_content():
            problems.append(f"the #{anchor} heading does not name the class {name!r}")
        if block.locator(f"{table} tbody tr").count() == 0:
            problems.append(f"class {code}: no table at #{anchor}, or an empty one")
    return problems


def reader_journey(page, base_url: str, site: str, event_name: str) -> None:
    """home → the latest race report → a driver it names → their team → standings → the event →
    a session's classification → search for the driver."""
    heading = page.get_by_role("heading", level=1)
    main_nav = page.get_by_role("navigation", name="Main")

    # Home: the newest story under "Latest stories" that is tagged a race report (others come
    # first in the demo: a calendar story, a season review), each opened and checked in turn.
    page.goto(base_url + "index.html")
    latest = page.get_by_role("region", name="Latest stories")
    stories = latest.get_by_role("heading", level=3).get_by_role("link")
    expect(stories.first, f"{site}: no stories under 'Latest stories'").to_be_visible()
    passed_over = []
    for index in range(stories.count()):
        story = stories.nth(index)
        title = story.inner_text().strip()
        assert title, f"{site}: story {index + 1} under 'Latest stories' has no title"
        story.click()
        expect(page).to_have_url(re.compile(r"/news/[^/]+/index\.html$"))
        expect(heading).to_have_text(title)
        if page.locator("a.tag").filter(has_text=re.compile(r"^race report$")).count() == 1:
            break
        passed_over.append(title)
        page.go_back()
        expect(latest).to_be_visible()
    else:
        pytest.fail(f"{site}: no story under 'Latest stories' is tagged 'race report': {passed_over}")
    drivers_line = page.locator("footer.article-links p").filter(has_text="Drivers:")
    expect(drivers_line, f"{site}: the race report {title!r} names no driver").to_have_count(1)

    # Article: a driver of its "Drivers:" line.
    driver = drivers_line.get_by_role("link").first
    driver_name = driver.inner_text().strip()
    driver.click()
    expect(page).to_have_url(re.compile(r"/drivers/[^/]+/index\.html$"))
    expect(heading).to_have_text(driver_name)

    # Driver page: one of the driver's teams.
    team = page.locator("main section.season-record a[href*='teams/']").first
    expect(team, f"{site}: the driver page of {driver_name} links to no team").to_have_count(1)
    team_name = team.inner_text().strip()
    team.click()
    expect(page).to_have_url(re.compile(r"/teams/[^/]+/index\.html$"))
    expect(heading).to_have_text(team_name)

    # Standings, from the main navigation: a table per class.
    main_nav.get_by_role("link", name="Standings", exact=True).click()
    expect(page).to_have_url(re.compile(r"/([a-z0-9-]+)/(\d{4})/standings/index\.html$"))
    expect(heading).to_contain_text("standings")
    championship = re.search(r"/([a-z0-9-]+)/\d{4}/standings/index\.html$", page.url).group(1)
    classes = site_classes(site, championship)
    problems = class_table_problems(page, "class", classes, heading_level=2, table="table.standings")
    assert not problems, _problems(f"{site}: standings page {page.url}:", problems)
    # The in-page class navigation jumps to the last class's table.
    code, name = classes[-1]
    page.get_by_role("navigation", name="Tables").get_by_role("link", name=re.compile(re.escape(name))).click()
    expect(page).to_have_url(re.compile(rf"#class-{re.escape(code.lower())}$"))
    expect(page.locator(f"section#class-{code.lower()}")).to_be_in_viewport()

    # Calendar, from the main navigation: the season on or next at the build's moment (the demo's
    # 2026, whose results are not in yet), then the standings' season through its switcher, then the event.
    results_year = re.search(r"/(\d{4})/standings/index\.html", page.url).group(1)
    main_nav.get_by_role("link", name="Calendar", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{championship}/\d{{4}}/index\.html$"))
    if not page.url.endswith(f"/{results_year}/index.html"):
        page.get_by_role("navigation", name="Seasons and championships").get_by_role(
            "link", name=results_year, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/{championship}/{results_year}/index\.html$"))
    page.locator("ol.rounds").get_by_role("link", name=event_name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{championship}/\d{{4}}/[a-z0-9-]+/index\.html$"))
    expect(heading).to_contain_text(event_name)

    # The event's "Race 2" section shows a classification table per class.
    race2 = page.get_by_role("region", name="Race 2", exact=True)
    expect(race2, f"{site}: the {event_name} page has no 'Race 2' section").to_have_count(1)
    problems = class_table_problems(race2, "race-2", classes, heading_level=3, table="table.results")
    assert not problems, _problems(f"{site}: event page {page.url}, Race 2:", problems)
    # The schedule's "Classification" link of Race 2 jumps to that section.
    page.get_by_role("row", name=re.compile(r"\bRace 2\b")).get_by_role("link", name="Classification").click()
    expect(page).to_have_url(re.compile(r"#race-2$"))
    expect(race2).to_be_in_viewport()

    # Search, from the box in the header: the driver of the story, by name, finds their page.
    page.get_by_role("searchbox", name="Search the site").fill(driver_name)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/index\.html\?q="))
    found = page.locator("#search-results li > a").filter(has_text=re.compile(rf"^{re.escape(driver_name)}$"))
    expect(found, f"{site}: searching for {driver_name!r} does not find their page").to_have_count(1)
    found.click()
    expect(page).to_have_url(re.compile(r"/drivers/[^/]+/(index\.html)?$"))  # Pagefind links to the folder
    expect(heading).to_have_text(driver_name)


@SITES
def test_reader_journey(served, tab):
    page, watch = tab
    reader_journey(page, served.url, served.name, JOURNEY_EVENT[served.name])
    assert not watch.problems, _problems(f"{served.name}: problems during the journey:", watch.problems)


# --- every page kind: no errors, no overflow on a phone, screenshots --------------------------------

#: the pages Lighthouse scores (bench/lighthouse.py): screenshots in the dark scheme too
READERS_FIRST_PAGES = ("home", "article", "event", "standings", "driver")
KINDS = ("home", "news", "news-page", "article", "tags", "tag", "championship", "calendar", "event", "standings",
         "standings-after-round", "drivers", "driver", "teams", "team", "tracks", "track", "search", "404")

OVERFLOW_JS = """() => {
  const width = window.innerWidth, scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  // Diagnostics only (the test fails on the widths above): what sticks out past the right edge.
  const style = el => getComputedStyle(el);
  const escapes = el => ['absolute', 'fixed'].includes(style(el).position);
  const insideScroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (style(p).overflowX !== 'visible') return true; return false; };
  const sticksOut = el => el.getBoundingClientRect().right > width + 0.5;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!sticksOut(el)) continue;
    const parent = el.parentElement;
    // Positioned elements may escape a scrolling ancestor (when none of their ancestors is positioned).
    if (escapes(el)) culprits.push(name(el) + ' (position: ' + style(el).position + ')');
    else if (!insideScroller(el)
             && !(parent && sticksOut(parent) && !insideScroller(parent) && parent !== document.body))
      culprits.push(name(el));
    else continue;
    culprits[culprits.length - 1] += ' right edge at ' + Math.round(el.getBoundingClientRect().right) + 'px: "' +
      (el.textContent || '').trim().slice(0, 50) + '"';
  }
  return {scrollWidth, width, culprits: culprits.slice(0, 10)};
}"""


def overflow_problems(page, when: str) -> list[str]:
    overflow = page.evaluate(OVERFLOW_JS)
    if not overflow:
        return []
    return [f"{PHONE['width']}px, {when}: the page is {overflow['scrollWidth']}px wide, wider than the "
            f"{overflow['width']}px viewport; sticking out:" + "".join(f"\n      {c}" for c in overflow["culprits"])]


def lay_everything_out(page) -> None:
    """Lay out the blocks the theme leaves for when they are scrolled to (content-visibility: auto),
    so that the checks after this (overflow, axe's contrast, screenshots) see the whole page."""
    page.add_style_tag(content="* { content-visibility: visible !important; }")


def sample_path(output: Path, site: str, kind: str) -> str:
    """The page to open for a kind: a fixed one, or the largest of its kind (the most content to fit)."""
    fixed = {"home": "index.html", "news": "news/index.html", "tags": "tags/index.html", "search": "search/index.html",
             "404": MISSING_PAGE}
    if kind in fixed:
        return fixed[kind]
    slugs = [c.slug for c in load_config(CONFIGS[site]).championships]
    files = page_kinds(output, slugs)[kind]
    assert files, f"{site}: the build produced no {kind} page"
    return max(files, key=lambda f: ((output / f).stat().st_size, f))


@pytest.mark.parametrize("kind", KINDS)
@SITES
def test_page_kind_in_browser(served, kind, tab, screenshots):
    """Loaded once at phone size (390x844): no errors, no sideways scrolling (as loaded, and with the
    blocks left for later laid out), axe light and dark; screenshots at both sizes (and dark too
    for the pages readers open first)."""
    site = served.name
    url = served.url + sample_path(served.output, site, kind)
    page, watch = tab
    watch.allowed_404 = url if kind == "404" else None
    problems = []
    page.set_viewport_size(PHONE)
    response = page.goto(url, wait_until="load")
    expected_status = 404 if kind == "404" else 200
    if response is None or response.status != expected_status:
        problems.append(f"{url} answered {response.status if response else 'nothing'}, expected {expected_status}")
    problems += overflow_problems(page, "as loaded")
    lay_everything_out(page)
    problems += overflow_problems(page, "laid out whole")
    if kind == "404":
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        if page.evaluate("() => getComputedStyle(document.body).marginTop") != "0px":
            problems.append("the 404 page's stylesheet did not load")
    for scheme in ("light", "dark"):  # the colours change with the scheme: contrast is checked in both
        page.emulate_media(color_scheme=scheme)
        problems += [f"axe ({scheme}): {line}" for line in accessibility_problems(page)]
    for scheme in ("light", "dark") if kind in READERS_FIRST_PAGES else ("light",):
        page.emulate_media(color_scheme=scheme)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            name = f"{site}-{kind}-{viewport['width']}" + ("-dark" if scheme == "dark" else "")
            page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    problems += watch.problems
    assert not problems, _problems(f"{site} {kind} page {url}:", problems)


# --- accessibility: axe-core -------------------------------------------------------------------------

AXE = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"  # where scripts/test puts it


def axe_script() -> Path:
    """axe-core's script, from the npm package (scripts/test installs it)."""
    if not AXE.is_file():
        unavailable(f"axe-core is not installed at {AXE} (scripts/test installs it with npm)")
    return AXE


AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
    `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')})`);
}"""


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    return page.evaluate(AXE_RUN)


@SITES
def test_the_search_page_is_accessible_with_its_results_drawn(served, tab):
    page, watch = tab
    page.goto(served.url + "search/index.html?q=race", wait_until="load")
    page.locator("#search-results li").first.wait_for()  # with its results drawn
    problems = accessibility_problems(page) + watch.problems
    assert not problems, _problems(f"{served.name} search page:", problems)


# --- class colours: legible, and never the only cue --------------------------------------------------

CLASS_COLOURS_JS = """() => {
  const luminance = rgb => {
    const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(v => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [l, d] = [luminance(a), luminance(b)].sort((x, y) => y - x);
                            return (l + 0.05) / (d + 0.05); };
  const coloured = [...document.querySelectorAll('[style*="--class-colour"]')];
  return coloured.map(el => ({
    tag: el.tagName.toLowerCase() + '.' + [...el.classList].join('.'),
    text: el.textContent.trim(),  // blocks off screen are not laid out (content-visibility): no innerText
    chip: el.classList.contains('chip'),
    contrast: el.classList.contains('chip')
      ? ratio(getComputedStyle(el).color, getComputedStyle(el).backgroundColor) : null,
  }));
}"""


def class_colour_problems(page, codes: set[str]) -> list[str]:
    """Each element coloured by its class writes the class code; each chip's text has a contrast
    of 4.5:1 or more (WCAG AA) on the class colour, as the browser draws them."""
    problems = []
    lay_everything_out(page)  # for the drawn colours of the chips off screen
    coloured = page.evaluate(CLASS_COLOURS_JS)
    if not coloured:
        return ["no element is coloured by its class"]
    for element in coloured:
        named = set(re.findall(r"[\w-]+", element["text"])) & codes
        if element["chip"] and element["text"] not in codes:
            problems.append(f"a chip reads {element['text']!r}, not a class code")
        elif not named:
            problems.append(f"{element['tag']} is coloured by a class but names none: {element['text'][:60]!r}")
        if element["contrast"] is not None and element["contrast"] < 4.5:
            problems.append(f"chip {element['text']!r}: contrast {element['contrast']:.2f}:1")
    return problems


@pytest.fixture(scope="module")
def dark_class_site(tmp_path_factory):
    """The mini site with a navy class B, for which dark text on the chip would not do."""
    from cupsite.build import build

    from .conftest import SITES, copy_site

    site = copy_site(SITES / "mini", tmp_path_factory.mktemp("dark-class") / "site")
    config = site / "cupsite.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"#22aa44"', '"#1a237e"'), encoding="utf-8")
    build(config, site / "output")
    with serve(site / "output", urlsplit(load_config(config).base_url).path) as url:
        yield url


@pytest.mark.parametrize("kind", ["home", "calendar", "event", "standings", "driver"])
def test_class_colours_are_legible_and_never_the_only_cue(demo_site, demo_url, dark_class_site, kind, tab):
    page, watch = tab
    problems = []
    for name, url, output in (("demo", demo_url, Path(demo_site)), ("mini, navy class B", dark_class_site, None)):
        codes = {code for code, _ in site_classes("demo" if output else "mini")}
        path = sample_path(output, "demo", kind) if output else {
            "home": "index.html", "calendar": "cup/2024/index.html", "event": "cup/2024/alpha/index.html",
            "standings": "cup/2024/standings/index.html", "driver": "drivers/ann-able/index.html"}[kind]
        page.goto(url + path, wait_until="load")
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            problems += [f"{name} {path} ({scheme}): {p}" for p in class_colour_problems(page, codes)]
    page.emulate_media(color_scheme="light")
    assert not problems + watch.problems, _problems(f"{kind} pages:", problems + watch.problems)


# --- opened from disk -------------------------------------------------------------------------------

def test_mini_site_works_from_disk(mini_site, tab):
    """file:// URLs: relative links to files work without a server (and the stylesheet loads)."""
    page, watch = tab
    heading = page.get_by_role("heading", level=1)
    main_nav = page.get_by_role("navigation", name="Main")
    stylesheet_applied = "() => getComputedStyle(document.body).marginTop === '0px'"  # the browser default is 8px

    page.goto((Path(mini_site) / "index.html").as_uri())
    assert page.evaluate(stylesheet_applied), "the stylesheet did not load on the home page opened from disk"

    main_nav.get_by_role("link", name="Drivers", exact=True).click()
    expect(page).to_have_url(re.compile(r"^file://.*/drivers/index\.html$"))
    page.locator("main").get_by_role("link", name="Ann Able", exact=True).click()
    expect(page).to_have_url(re.compile(r"^file://.*/drivers/ann-able/index\.html$"))
    expect(heading).to_have_text("Ann Able")
    assert page.evaluate(stylesheet_applied), "the stylesheet did not load on the driver page opened from disk"

    main_nav.get_by_role("link", name="Standings", exact=True).click()
    expect(page).to_have_url(re.compile(r"^file://.*/cup/2024/standings/index\.html$"))
    expect(heading).to_have_text("Mini Cup 2024 standings")
    expect(page.locator("section#class-a table.standings tbody tr").first).to_be_visible()
    assert page.evaluate(stylesheet_applied), "the stylesheet did not load on the standings page opened from disk"

    assert not watch.problems, _problems("mini site from disk:", watch.problems)


def test_the_lap_chart_of_a_race_is_drawn_and_fits_a_phone(demo_site, demo_url, tab):
    """Indianapolis race 1 has a per-lap export: each class's chart is drawn in the race's section,
    as wide as the screen allows and no wider."""
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + "carrera-cup/2025/indianapolis/index.html#race-1-lap-chart", wait_until="load")
    charts = page.locator("#race-1 figure.lap-chart")
    expect(charts).to_have_count(3)
    for index in range(3):
        svg = charts.nth(index).locator("svg")
        svg.scroll_into_view_if_needed()
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert 0 < box["x"] and box["x"] + box["width"] <= PHONE["width"], box
        assert box["height"] > 100, box
    pro = charts.nth(0)
    expect(pro.locator("figcaption")).to_contain_text("#6 led every lap")
    drawn = pro.locator("g.line polyline").evaluate_all("lines => lines.map(l => l.getBBox().width)")
    assert len(drawn) >= 10 and min(drawn) > 0, drawn  # every Pro car's line has length on screen
    assert not watch.problems, watch.problems


def test_a_phone_shows_each_drivers_points_and_gap_without_scrolling_the_table(demo_site, demo_url, tab):
    """The standings put points and the gap to the leader right after the name: at 390 px they are
    inside the table's visible part for every class."""
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + "carrera-cup/2025/standings/after-round-6/index.html", wait_until="load")
    lay_everything_out(page)
    cut = page.evaluate("""() => [...document.querySelectorAll('section.class-block table.standings')].map(t => {
        const visible = t.parentElement.getBoundingClientRect().right;
        const gap = [...t.querySelectorAll('thead th')].find(th => th.textContent === 'Gap');
        return gap.getBoundingClientRect().right - visible; })""")
    assert len(cut) == 3 and max(cut) <= 0, cut
    assert not watch.problems, watch.problems


@pytest.mark.parametrize("path", ["carrera-cup/2025/indianapolis/index.html", "carrera-cup/2025/standings/index.html"])
def test_the_class_filter_shows_one_class_then_all_again(demo_site, demo_url, tab, path):
    """With JavaScript, buttons beside the class links show one class's tables at a time."""
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + path, wait_until="load")
    blocks = page.locator("section.class-block")
    shown = "() => [...document.querySelectorAll('section.class-block')].filter(b => !b.hidden).map(b => b.id)"
    everything = page.evaluate(shown)
    assert len(everything) >= 3
    filters = page.locator("p.class-filter")
    filters.get_by_role("button", name=re.compile(r"Pro-Am$")).click()
    expect(filters.get_by_role("button", name=re.compile(r"Pro-Am$"))).to_have_attribute("aria-pressed", "true")
    only = page.evaluate(shown)
    assert only and all(block_id.endswith("proam") for block_id in only), only
    assert len(only) == sum(1 for block_id in everything if block_id.endswith("proam"))
    filters.get_by_role("button", name="All classes").click()
    assert page.evaluate(shown) == everything
    assert blocks.count() == len(everything)
    assert not watch.problems, watch.problems


@pytest.fixture(scope="module")
def relay_url(relay_site):
    """tests/sites/relay (a six-lap race of two-driver crews with its per-lap export), served."""
    with serve(Path(relay_site)) as url:
        yield url


def test_a_race_page_shows_stints_pit_stops_and_a_lapped_class_gap_in_seconds(relay_url, tab):
    """The relay site's race, worked out by hand in tests/sites/relay/README.md: #3 was driven by
    Nora Lind on laps 1-3 (99.9 + 99.6 + 131 = 330.5 s) and Omar Haddad on laps 4-6
    (124 + 100.8 + 100.2 = 325.0 s), with one stop; in GT4, a lap down on the winner, #40 is
    727.775 - 724.000 = 3.775 s behind #44, and #44 led its class for all 5 laps."""
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(relay_url + "relay-cup/2025/harbour/index.html", wait_until="load")
    timing = page.locator("#race section.car-timing")
    expect(timing.get_by_role("heading", name="Stints and pit stops")).to_be_visible()
    car = timing.locator("tbody tr").filter(has=page.locator("td .car-number", has_text=re.compile(r"^3$")))
    expect(car).to_have_count(1)
    car.scroll_into_view_if_needed()
    expect(car.locator("ol.stints li")).to_have_text(["Nora Lind 1–3 (3 laps, 5:30.500)",
                                                      "Omar Haddad 4–6 (3 laps, 5:25.000)"])
    stops = timing.locator("thead th").all_text_contents().index("Stops")
    expect(car.locator("td").nth(stops)).to_have_text("1")
    gt4 = page.locator("#race-gt4 table.results tbody tr")
    second = gt4.nth(1)
    expect(second.locator("td").nth(2)).to_have_text("40")
    expect(second.locator("td").nth(6)).to_have_text("+3.775")  # Pos, Ovr, No., Driver, Team, Laps, Time / gap
    led = page.locator("#race-gt4 table.results thead th").all_text_contents().index("Led")
    expect(gt4.nth(0).locator("td").nth(led)).to_have_text("5")
    assert not watch.problems, watch.problems


@pytest.fixture(scope="module")
def lakeside_url(lakeside_site):
    """The endurance per-lap fixture (tests/fixtures/timing/endurance-laps), its race filed as the
    per-lap export alone, built and served."""
    with serve(Path(lakeside_site)) as url:
        yield url


def test_an_endurance_race_from_its_laps_alone_reads_right_on_its_page(lakeside_url, tab):
    """The figures are the generator's own book-keeping (endurance-laps/README.md), not cupsite's:
    GT3 finishes 7, 21, 007 (+5.973, +9.814), 33 retired; GT4 40, then 48 and 44 a lap down, 61
    not classified. Car 48's best lap is lap 45, 1:32.014, not its faster lap 1 (1:30.800).
    Car 007's stints: Harriet Voss laps 1-20 (30:13.922), Tomas Gamble 21-42 (33:56.291), Marco
    Sorensen 43-60 (26:35.247), two stops. Car 7's 45 laps in the lead: Kenji Hirakawa 13,
    Sebastien Buemi-Lang 21, Brendon Hart 11; car 007's 8: Harriet Voss."""
    page, watch = tab
    page.goto(lakeside_url + "lakeside-endurance/2025/lakeside/index.html", wait_until="load")
    expect(page.locator("#race p.from-laps")).to_contain_text("worked out from the per-lap timing")

    def column(table, name):
        return table.locator("thead th").all_text_contents().index(name)

    gt3 = page.locator("#race-gt3 table.results")
    number, gap = column(gt3, "No."), column(gt3, "Time / gap")
    rows = gt3.locator("tbody tr")
    expect(rows.locator(f"td:nth-child({number + 1})")).to_have_text(["7", "21", "007", "33"])
    expect(rows.nth(1).locator("td").nth(gap)).to_have_text("+5.973")
    expect(rows.nth(2).locator("td").nth(gap)).to_have_text("+9.814")
    gt4 = page.locator("#race-gt4 table.results")
    rows = gt4.locator("tbody tr")
    expect(rows.locator(f"td:nth-child({column(gt4, 'No.') + 1})")).to_have_text(["40", "48", "44", "61"])
    expect(rows.nth(1).locator("td").nth(column(gt4, "Best lap"))).to_contain_text("1:32.014")
    timing = page.locator("#race section.car-timing")
    page.evaluate("document.querySelectorAll('#race details').forEach(d => d.open = true)")
    car = timing.locator("tbody tr").filter(has=page.locator("td .car-number", has_text=re.compile(r"^007$")))
    expect(car).to_have_count(1)
    expect(car.locator("ol.stints li")).to_have_text(["Harriet Voss 1–20 (20 laps, 30:13.922)",
                                                      "Tomas Gamble 21–42 (22 laps, 33:56.291)",
                                                      "Marco Sorensen 43–60 (18 laps, 26:35.247)"])
    expect(car.locator("td").nth(timing.locator("thead th").all_text_contents().index("Stops"))).to_have_text("2")
    led = {}
    for driver in ("kenji-hirakawa", "sebastien-buemi-lang", "brendon-hart", "harriet-voss", "marco-sorensen"):
        page.goto(lakeside_url + f"drivers/{driver}/index.html", wait_until="load")
        shown = page.locator("dt", has_text=re.compile(r"^Laps led$")).locator("+ dd")
        led[driver] = shown.first.inner_text() if shown.count() else "none shown"
    assert led == {"kenji-hirakawa": "13", "sebastien-buemi-lang": "21", "brendon-hart": "11",
                   "harriet-voss": "8", "marco-sorensen": "none shown"}
    assert not watch.problems, watch.problems
