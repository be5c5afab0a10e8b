"""The built-in theme's budget: under 60 KB of CSS and JavaScript in all (no framework), images
that hold their place and load late, and every page usable with JavaScript off."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from cupsite.config import THEME_DIR, load_config

from .linkcheck import html_files, page_kinds
from .test_browser import CONFIGS, DESKTOP, browser, expect, sample_path  # noqa: F401  (browser is a fixture)

BUDGET = 60 * 1024
#: what Pagefind writes with the index: the search engine and its data, loaded by the search page's
#: script; not part of the theme (its ready-made UI, pagefind-ui.js and .css, is not used)
SEARCH_ENGINE = re.compile(r"^pagefind/")


def theme_bytes(output: Path) -> tuple[int, dict[str, int]]:
    """The CSS and JS the theme ships: its static .css and .js files, and every distinct inline
    <script> and <style> of the built pages (the site's own static files and Pagefind's engine
    are not the theme's)."""
    files = {p.relative_to(THEME_DIR).as_posix(): p.stat().st_size for p in (THEME_DIR / "static").rglob("*")
             if p.suffix in (".css", ".js")}
    inline = set()
    for page in html_files(output):
        soup = BeautifulSoup(page.read_bytes(), "html.parser")
        inline |= {tag.string or "" for tag in soup.find_all(["script", "style"]) if not tag.get("src")}
    files["inline <script> and <style>"] = sum(len(text.encode("utf-8")) for text in inline)
    return sum(files.values()), files


@pytest.mark.parametrize("site", ["mini", "demo"])
def test_the_theme_ships_under_60_kb_of_css_and_js(site, request):
    output = Path(request.getfixturevalue(f"{site}_site"))
    total, parts = theme_bytes(output)
    assert total < BUDGET, f"{total:,} bytes of CSS and JS: {parts}"
    # and no page asks for a script or stylesheet outside the theme, the site's static/ and search
    base_path = urlsplit(load_config(CONFIGS[site]).base_url).path
    for page in html_files(output):
        soup = BeautifulSoup(page.read_bytes(), "html.parser")
        for tag in soup.find_all(["script", "link"]):
            address = tag.get("src") or (tag.get("href") if "stylesheet" in (tag.get("rel") or []) else None)
            if address:
                if address.startswith(base_path):  # the 404 page's links start from the base URL's path
                    address = str(output / address[len(base_path):])
                target = (page.parent / address).resolve().relative_to(output.resolve()).as_posix()
                assert target.startswith("static/") and not SEARCH_ENGINE.match(target), (page, address)


@pytest.mark.parametrize("site", ["mini", "demo"])
def test_images_hold_their_place_and_load_late(site, request):
    """Every image has its width and height (no layout shift while it loads); all but the logo in
    the header and a page's one lead photo load lazily (both are in the first screen: a lazy lead
    photo would be fetched late, and it is what the reader looks at first)."""
    output = Path(request.getfixturevalue(f"{site}_site"))
    problems = []
    for page in html_files(output):
        for img in BeautifulSoup(page.read_bytes(), "html.parser").find_all("img"):
            where = f"{page.relative_to(output)}: {img}"
            if not (img.get("width") and img.get("height")):
                problems.append(f"no width and height: {where}")
            lead = img.get("fetchpriority") == "high" and img.find_parent("figure", class_="photo") is not None
            if img.find_parent("header", class_="site-header") is None and img.get("loading") != "lazy" and not lead:
                problems.append(f"not lazy: {where}")
        leads = BeautifulSoup(page.read_bytes(), "html.parser").select('img[fetchpriority="high"]')
        if len(leads) > 1:
            problems.append(f"{len(leads)} lead photos: {page.relative_to(output)}")
    assert not problems, "\n".join(problems[:20])


#: an A4 sheet less the stylesheet's 12 mm margins, in CSS pixels (96 to the inch)
A4_PRINTABLE = {"width": round((210 - 24) / 25.4 * 96), "height": round((297 - 24) / 25.4 * 96)}

JS_OFF_KINDS = ("home", "article", "calendar", "event", "standings", "standings-after-round", "driver", "team",
                "news-page", "search")


@pytest.mark.parametrize("kind", JS_OFF_KINDS)
def test_every_page_kind_works_with_javascript_off(browser, demo_site, kind):  # noqa: F811
    """Opened from disk with JavaScript disabled: the page and its main navigation are there, and
    its class links (anchors) and the next page work; the search page says where to go instead."""
    output = Path(demo_site)
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto((output / sample_path(output, "demo", kind)).as_uri())
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        assert len(page.locator("main").text_content().split()) > 20
        if kind == "search":
            expect(page.get_by_text("Searching needs JavaScript")).to_be_visible()
        elif kind == "standings":
            page.get_by_role("navigation", name="Tables").get_by_role("link").last.click()
            assert page.url.endswith(("#teams", "#rookies")), page.url
        elif kind == "event":  # the class links jump to the class's table of the latest session
            page.get_by_role("navigation", name="Classes").get_by_role("link").last.click()
            assert re.search(r"#[a-z0-9-]+-masters$", page.url), page.url
            assert page.locator("p.class-filter").count() == 0  # the filter's buttons need JavaScript
        main_nav = page.get_by_role("navigation", name="Main")
        main_nav.get_by_role("link", name="Drivers", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Drivers")
    finally:
        context.close()


def test_the_demo_has_every_page_kind_the_javascript_test_opens(demo_site):
    kinds = page_kinds(Path(demo_site), ["carrera-cup"])
    assert all(kinds[kind] for kind in JS_OFF_KINDS if kind != "search")


def test_a_printed_table_is_black_on_white_without_the_sites_navigation(browser, demo_site):  # noqa: F811
    """Printed from a phone in the dark scheme: black on white, no menus, round links or search, no
    class's table split between two sheets, and the three classes' standings on the first sheet."""
    page = browser.new_page(color_scheme="dark", viewport=A4_PRINTABLE)
    try:
        page.goto((Path(demo_site) / "carrera-cup/2025/standings/after-round-6/index.html").as_uri())
        page.emulate_media(media="print", color_scheme="dark")
        ends = page.evaluate("() => [...document.querySelectorAll('section.class-block')]"
                             ".map(s => s.getBoundingClientRect().bottom + scrollY)")
        assert len(ends) == 3 and max(ends) <= A4_PRINTABLE["height"], ends  # the drivers' tables: one sheet
        style = page.evaluate("""() => {
          const css = s => document.querySelector(s) && getComputedStyle(document.querySelector(s));
          return {ink: css('body').color, paper: css('html').backgroundColor,
                  hidden: ['.site-header nav', '.site-search', '.round-nav', '.switcher', '.breadcrumbs']
                          .map(s => css(s) ? css(s).display : 'none'),
                  block: css('section.class-block').breakInside, table: css('table.standings').breakInside};
        }""")
        assert (style["ink"], style["paper"]) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)")
        assert style["hidden"] == ["none"] * 5
        assert (style["block"], style["table"]) == ("avoid", "avoid")
    finally:
        page.close()
