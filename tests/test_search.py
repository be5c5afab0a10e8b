"""Search: a static index built with Pagefind, searched in the browser with no server-side code."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from cupsite.build import build
from cupsite.config import load_config

from .conftest import SITES, copy_site
from .test_browser import CONFIGS, browser, expect, serve  # noqa: F401  (browser is a fixture)


def test_typing_a_name_finds_the_story(browser, demo_site):  # noqa: F811
    assert (Path(demo_site) / "pagefind" / "pagefind.js").is_file()
    prefix = urlsplit(load_config(CONFIGS["demo"]).base_url).path
    with serve(Path(demo_site), prefix) as url:
        page = browser.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        try:
            page.goto(url + "index.html")
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
            page.get_by_role("searchbox", name="Search the stories, drivers, teams and events").fill("Jeansonne")
            results = page.locator("#search-results li > a")
            results.first.wait_for(timeout=10_000)
            titles = results.all_inner_texts()
            assert "Jeansonne's first win makes history; Yardley stretches his lead" in titles, titles
            assert not errors, errors
        finally:
            page.close()


def test_the_search_box_in_the_header_searches(browser, demo_site):  # noqa: F811
    prefix = urlsplit(load_config(CONFIGS["demo"]).base_url).path
    with serve(Path(demo_site), prefix) as url:
        page = browser.new_page()
        try:
            page.goto(url + "drivers/index.html")
            page.get_by_role("searchbox", name="Search the site").fill("Sofronas")
            page.keyboard.press("Enter")
            results = page.locator("#search-results li > a")
            results.first.wait_for(timeout=10_000)
            assert "James Sofronas" in results.all_inner_texts()
            expect(page.get_by_role("status")).to_contain_text("found for “Sofronas”")
        finally:
            page.close()


def test_a_site_can_do_without_search(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    config = site / "cupsite.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('language = "en"', 'language = "en"\nsearch = false'),
                      encoding="utf-8")
    output = build(config).output
    assert not (output / "pagefind").exists() and not (output / "search").exists()
    assert 'role="search"' not in (output / "index.html").read_text(encoding="utf-8")
    assert 'role="search"' in (build(SITES / "mini" / "cupsite.toml", tmp_path / "with").output
                               / "index.html").read_text(encoding="utf-8")
