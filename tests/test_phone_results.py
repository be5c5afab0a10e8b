"""Results read on a phone (issue 23): in Debian's Chromium at 390 px, every row of a race's
classification shows its place, number, driver, gap and points inside the screen, with nothing to
scroll sideways, on the demo and on the multi-class endurance site with three-driver crews; at
1280 px the season grid fits with its points, and a session's class tables line up column by
column; an event page opens on the summary of its latest results."""

from __future__ import annotations

from pathlib import Path

import pytest

from cupsite.build import build

from .conftest import SITES
from .test_browser import (  # noqa: F401  (browser, demo_url, shared_page and tab are fixtures)
    DESKTOP,
    PHONE,
    axe_script,
    browser,
    demo_url,
    lay_everything_out,
    serve,
    shared_page,
    tab,
)

pytestmark = pytest.mark.browser

INDY = "carrera-cup/2025/indianapolis/index.html"
SEBRING = "endurance-cup/2025/sebring/index.html"

#: (place, number, driver, gap, points) of every row of the race classifications of a page, each the
#: box of what a reader sees of it, and whether it is drawn
ROW_BOXES_JS = """selector => [...document.querySelectorAll(selector)].map(tr => {
  const box = el => { if (!el) return null;
    const r = el.getBoundingClientRect(), text = el.textContent.trim();
    // a car out of the points has an empty points cell: its place in the row still shows
    return {left: r.left, right: r.right, width: r.width, shown: el.checkVisibility({visibilityProperty: true})
            && r.width > 0 && (r.height > 0 || !text), text}; };
  return {row: tr.closest('section').id + ' ' + tr.querySelector('td.car').textContent.trim(),
          cells: {place: box(tr.querySelector('td.pos')), number: box(tr.querySelector('td.car .car-number')),
                  driver: box(tr.querySelector('td.driver a')), gap: box(tr.querySelector('td.time-gap')),
                  points: box(tr.querySelector('td.pts'))}};
})"""


@pytest.fixture(scope="module")
def endurance_url(tmp_path_factory):
    """tests/sites/endurance (GT3 and GT4, three drivers a car), built and served."""
    output = build(SITES / "endurance" / "cupsite.toml", tmp_path_factory.mktemp("endurance") / "output").output
    with serve(Path(output)) as url:
        yield url


def off_screen_cells(page, url: str, width: int) -> tuple[int, list[str]]:
    """(rows checked, problems) of the race classifications of the page at `url`."""
    page.set_viewport_size({**PHONE, "width": width})
    page.goto(url, wait_until="load")
    lay_everything_out(page)
    rows = page.evaluate(ROW_BOXES_JS, "table.classification.race tbody tr")
    problems = []
    for row in rows:
        for name, cell in row["cells"].items():
            if cell is None or not cell["shown"]:
                problems.append(f"{row['row']}: no {name} shown")
            elif cell["left"] < 0 or cell["right"] > width + 0.5:
                problems.append(f"{row['row']}: {name} {cell['text']!r} at {cell['left']:.0f}-{cell['right']:.0f}px")
            elif name != "points" and not cell["text"]:
                problems.append(f"{row['row']}: {name} is empty")
    return len(rows), problems


@pytest.mark.parametrize("site", ["demo", "endurance"])
def test_a_phone_shows_place_number_driver_gap_and_points_of_every_row(site, request, tab):  # noqa: F811
    page, watch = tab
    url = request.getfixturevalue(f"{site}_url") + (INDY if site == "demo" else SEBRING)
    checked, problems = off_screen_cells(page, url, PHONE["width"])
    # the demo's two races of 29 cars in three classes; Sebring's six crews in two classes
    assert checked == (58 if site == "demo" else 6), checked
    assert not problems, "\n".join(problems[:20])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the crews: each driver by surname, the three of a car on the car's row
    if site == "endurance":
        crew = page.locator("#race-gt3 tbody tr").first.locator("td.driver a.name")
        assert [name.inner_text().strip() for name in crew.all()] == ["Dubois", "Reed", "Pereira"]
    assert not watch.problems, watch.problems


TARGET_SIZE_JS = """async () => {
  const results = await axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}});
  return results.violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary));
}"""


@pytest.mark.parametrize("path", [INDY, "carrera-cup/2025/standings/index.html"])
def test_every_link_of_a_phone_row_is_big_enough_to_tap(demo_url, tab, path):  # noqa: F811
    """WCAG 2.2's target size (24 px, or that much room around), as axe-core and Lighthouse check it:
    the team under the driver is small type, its link is not a small target."""
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + path, wait_until="load")
    lay_everything_out(page)
    page.add_script_tag(path=str(axe_script()))
    too_small = page.evaluate(TARGET_SIZE_JS)
    assert not too_small, f"{len(too_small)} links too small to tap, e.g. {too_small[:3]}"
    assert not watch.problems, watch.problems


def test_a_phone_puts_the_surname_first_and_the_team_under_the_driver(demo_url, tab):  # noqa: F811
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + INDY + "#race-2", wait_until="load")
    winner = page.locator("#race-2-pro tbody tr").first
    name = winner.locator("td.driver a.name")
    surname, given = name.locator(".surname").bounding_box(), name.locator(".given").bounding_box()
    assert name.locator(".surname").inner_text() == "Jeansonne" and surname["x"] < given["x"], (surname, given)
    driver, team = winner.locator("td.driver").bounding_box(), winner.locator("td.team").bounding_box()
    assert abs(team["x"] - driver["x"]) < 1 and team["y"] >= driver["y"] + driver["height"] - 1, (driver, team)
    font = winner.locator("td.team").evaluate("td => parseFloat(getComputedStyle(td).fontSize)")
    assert font < name.evaluate("a => parseFloat(getComputedStyle(a).fontSize)")
    # a wide screen keeps the whole table, names in their own order
    page.set_viewport_size(DESKTOP)
    surname, given = name.locator(".surname").bounding_box(), name.locator(".given").bounding_box()
    assert given["x"] < surname["x"]
    assert winner.locator("td.team").bounding_box()["y"] == winner.locator("td.driver").bounding_box()["y"]
    assert not watch.problems, watch.problems


def test_the_season_grid_fits_a_wide_screen_with_its_points(demo_url, tab):  # noqa: F811
    page, watch = tab
    page.goto(demo_url + "carrera-cup/2025/standings/index.html", wait_until="load")
    lay_everything_out(page)
    grids = page.evaluate("""() => [...document.querySelectorAll('#grid table.grid')].map(t => ({
        table: t.getBoundingClientRect().right, scroller: t.parentElement.getBoundingClientRect().right,
        points: [...t.querySelectorAll('thead th')].find(th => th.textContent.trim() === 'Pts')
                .getBoundingClientRect().right }))""")
    assert len(grids) == 3
    for grid in grids:
        assert grid["table"] <= grid["scroller"] + 0.5 and grid["points"] <= DESKTOP["width"], grid
    # on a phone the driver and their points stay in view while the races scroll under them
    page.set_viewport_size(PHONE)
    points = page.locator("#grid table.grid").first.locator("tbody tr").first.locator("td.pts")
    points.scroll_into_view_if_needed()
    page.locator("#grid .table-scroll").first.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    box = points.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
    assert not watch.problems, watch.problems


@pytest.mark.parametrize("session", ["race-2", "qualifying"])
def test_the_class_tables_of_a_session_line_up_column_by_column(demo_url, tab, session):  # noqa: F811
    page, watch = tab
    page.goto(demo_url + INDY, wait_until="load")
    lay_everything_out(page)
    columns = page.evaluate("""session => [...document.querySelectorAll('#' + session + ' table.classification')]
        .map(t => [...t.querySelectorAll('thead th')].map(th => [th.className,
                                                                  Math.round(th.getBoundingClientRect().left)]))""",
                            session)
    assert len(columns) == 3 and all(c == columns[0] for c in columns), columns
    assert any("team" in name for name, _ in columns[0])
    assert not watch.problems, watch.problems


def test_an_event_opens_on_its_results_summary_then_the_latest_session(demo_url, tab):  # noqa: F811
    page, watch = tab
    page.goto(demo_url + INDY, wait_until="load")
    first = page.locator("main section").first
    assert first.get_attribute("class") == "event-summary"
    assert first.locator("h2").inner_text() == "Results at a glance"
    races = first.locator(".summary-session h3").all_inner_texts()
    assert races == ["Race 2", "Race 1", "Qualifying"], races
    race_2 = first.locator(".summary-session").first.locator("li")
    assert "Aaron Jeansonne" in race_2.nth(0).inner_text() and "40:23.541" in race_2.nth(0).inner_text()
    assert "Fastest lap 1:25.401, Ryan Yardley" in race_2.nth(0).inner_text()
    assert "Pole 19 Aaron Jeansonne 1:25.015" in first.locator(".summary-session").nth(2).inner_text()
    sessions = page.locator("main section.session").evaluate_all("s => s.map(e => e.id)")
    assert sessions == ["race-2", "race-1", "qualifying", "practice-2", "practice-1"], sessions
    assert not watch.problems, watch.problems


SCREENSHOTS = {"home": "index.html", "event": INDY, "race-report": "news/indianapolis-race-2/index.html",
               "standings": "carrera-cup/2025/standings/index.html", "driver": "drivers/aaron-jeansonne/index.html"}


@pytest.mark.parametrize("kind", SCREENSHOTS)
def test_screenshots_of_the_pages_a_fan_opens(demo_url, tab, kind):  # noqa: F811
    """test-artifacts/screenshots/demo-fan-<kind>-<width>[-dark].png, whole pages, to look at."""
    from .test_browser import SCREENSHOTS as FOLDER

    page, watch = tab
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.goto(demo_url + SCREENSHOTS[kind], wait_until="load")
    lay_everything_out(page)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            name = f"demo-fan-{kind}-{viewport['width']}" + ("-dark" if scheme == "dark" else "")
            page.screenshot(path=str(FOLDER / f"{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
    page.emulate_media(color_scheme="light")
    assert not watch.problems, watch.problems
