"""Search: a static index built with Pagefind, searched in the browser with no server-side code."""

from __future__ import annotations

import re
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


# --- what a search finds, and how it shows it ------------------------------------------------------

from .test_browser import DESKTOP, PHONE, _problems, demo_url, shared_page, tab  # noqa: E402, F401, I001  (fixtures)

#: what the demo's search found for the name before only a page's own content was indexed: every
#: team, track and driver page whose list of stories held one of his
FOUND_WHEN_LISTS_WERE_INDEXED = 59
KINDS = {"Driver", "Team", "Track", "Story", "Event", "Standings", "Calendar"}
RESULTS_JS = """() => [...document.querySelectorAll('#search-results > li')].map(li => ({
  kind: li.querySelector('.search-kind')?.textContent ?? null,
  kindShown: !!li.querySelector('.search-kind')?.checkVisibility(),
  title: li.querySelector(':scope > a').innerText,
  url: new URL(li.querySelector(':scope > a').href).pathname,
  excerpt: li.querySelector(':scope > p')?.innerText ?? '',
  marked: [...li.querySelectorAll(':scope > p mark')].map(m => m.innerText),
}))"""


def found(page) -> int:
    text = page.locator("#search-status").inner_text()
    match = re.match(r"(\d+) pages? found", text)
    assert match, text
    return int(match.group(1))


def every_result(page) -> list[dict]:
    """The results drawn, after asking for more until all are."""
    more = page.locator("#search-more")
    while more.is_visible():
        drawn = page.locator("#search-results > li").count()
        more.click()
        expect(page.locator("#search-results > li")).not_to_have_count(drawn)
    return page.evaluate(RESULTS_JS)


def test_a_name_finds_the_pages_about_it_the_drivers_own_first(demo_site, demo_url, tab):  # noqa: F811
    """Lists of other pages' titles (stories, related stories, rounds, the calendar's winners) are
    left out of the index: the name finds the driver's page first, the stories and events that tell
    of him, his team, the standings; no other driver's, team's or track's page through its list."""
    page, watch = tab
    page.goto(demo_url + "search/index.html?q=Jeansonne")
    page.locator("#search-results > li").first.wait_for()
    count = found(page)
    results = every_result(page)
    assert len(results) == count
    assert count <= FOUND_WHEN_LISTS_WERE_INDEXED // 2, (count, [r["url"] for r in results])
    first = results[0]
    assert (first["title"], first["kind"], first["url"]) == ("Aaron Jeansonne", "Driver", "/drivers/aaron-jeansonne/")
    urls = {r["url"] for r in results}
    for listing in ("/drivers/ryan-yardley/", "/teams/topp-racing/", "/tracks/indianapolis-motor-speedway/",
                    "/drivers/", "/carrera-cup/2025/", "/carrera-cup/2025/standings/after-round-6/"):
        assert listing not in urls, f"{listing} is found only through a list of other pages"
    assert {"/teams/kellymoss/", "/carrera-cup/2025/indianapolis/", "/carrera-cup/2025/standings/",
            "/news/indianapolis-race-2/"} <= urls
    assert not watch.problems, watch.problems


def test_each_result_shows_its_kind_and_its_own_words_around_the_match(demo_site, demo_url, tab):  # noqa: F811
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + "search/index.html?q=Jeansonne")
    page.locator("#search-results > li").first.wait_for()
    results = every_result(page)
    problems = [f"{r['url']}: kind {r['kind']!r}" for r in results if r["kind"] not in KINDS or not r["kindShown"]]
    problems += [f"{r['url']}: no marked match in its excerpt {r['excerpt']!r}" for r in results
                 if not any("jeansonne" in m.lower() for m in r["marked"])]
    assert {"Driver", "Team", "Story", "Event", "Standings"} <= {r["kind"] for r in results}
    # the driver's own page is shown with its own words, not the titles of the stories it lists
    stories = [r["title"] for r in results if r["kind"] == "Story"]
    driver = results[0]["excerpt"]
    problems += [f"the driver's excerpt quotes the story {title!r}: {driver!r}"
                 for title in stories if title[:20] in driver]
    box = page.locator("#search-results > li").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert not problems + watch.problems, _problems("search results:", problems + watch.problems)


def test_a_team_is_shown_by_its_own_words_not_by_the_pages_furniture(demo_site, demo_url, tab):  # noqa: F811
    """The breadcrumb, the feed link, the labels of its facts and its statistics are not what a team
    is about: the excerpt starts from its facts and biography (Kellymoss: based in Milwaukee)."""
    page, watch = tab
    page.goto(demo_url + "search/index.html?q=Kellymoss")
    page.locator("#search-results > li").first.wait_for()
    team = next(r for r in every_result(page) if r["url"] == "/teams/kellymoss/")
    for furniture in ("Teams.", "Follow these stories", "Atom feed", "BaseMilwaukee", "Starts"):
        assert furniture not in team["excerpt"], team["excerpt"]
    assert "Milwaukee" in team["excerpt"], team["excerpt"]
    assert not watch.problems, watch.problems


def test_show_more_draws_the_results_past_the_first_20(demo_site, demo_url, tab):  # noqa: F811
    page, watch = tab
    page.goto(demo_url + "search/index.html?q=Jeansonne")
    items = page.locator("#search-results > li")
    items.first.wait_for()
    count = found(page)
    assert count > 20
    expect(items).to_have_count(20)
    expect(page.locator("#search-status")).to_contain_text("the first 20 shown")
    more = page.get_by_role("button", name=re.compile(r"^Show \d+ more$"))
    expect(more).to_have_text(f"Show {min(20, count - 20)} more")
    more.click()
    expect(items).to_have_count(min(count, 40))
    expect(items.nth(20).locator(":scope > a")).to_be_focused()  # the reader carries on from the first new one
    if count <= 40:
        expect(more).to_be_hidden()
        expect(page.locator("#search-status")).to_have_text(f"{count} pages found for “Jeansonne”.")
    urls = [item["url"] for item in page.evaluate(RESULTS_JS)]
    assert len(set(urls)) == len(urls), urls
    assert not watch.problems, watch.problems


def test_opened_from_disk_the_search_page_says_to_serve_the_site(demo_site, tab):  # noqa: F811
    """From file:// the browser lets no page read the index: the search page (where the header's box
    leads too) says so and how to preview the site with search, instead of answering nothing."""
    page, watch = tab
    page.goto((Path(demo_site) / "drivers" / "index.html").as_uri())
    page.get_by_role("searchbox", name="Search the site").fill("Jeansonne")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^file://.*/search/index\.html\?q=Jeansonne$"))
    note = page.locator("#search-offline")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Search works once the site is served")
    expect(note.locator("code")).to_have_text("cupsite serve")
    expect(page.get_by_role("searchbox", name="Search the stories, drivers, teams and events")).to_be_disabled()
    expect(page.locator("#search-needs-js")).to_be_hidden()
    assert not watch.problems, watch.problems


def test_served_the_search_page_does_not_show_the_note_for_disk(demo_site, demo_url, tab):  # noqa: F811
    page, watch = tab
    page.goto(demo_url + "search/index.html?q=Jeansonne")
    page.locator("#search-results > li").first.wait_for()
    expect(page.locator("#search-offline")).to_be_hidden()
    assert not watch.problems, watch.problems
