"""Details a reader sees: the charts' words at a size a phone shows, each line of a chart drawn its
own way, the header's search box in the dark scheme, statistics cards in even rows."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from .test_browser import DESKTOP, PHONE, _problems, browser, demo_url, lay_everything_out, shared_page, tab  # noqa: F401
from .test_charts import contrast, styles_problems

LEAST_TEXT_PX = 11
CHART_PAGES = {"points progression": ("carrera-cup/2025/standings/index.html", "svg.progression"),
               "lap chart": ("carrera-cup/2025/indianapolis/index.html", "svg.lapchart")}

#: each text of each chart of the selector: the height of its box on screen, and its font size as drawn
#: (the size the chart gives it, times the scale the chart is drawn at)
CHART_TEXT_JS = """(selector) => [...document.querySelectorAll(selector)].flatMap((svg, index) => {
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll('text')].map(text => ({
    chart: index, text: text.textContent,
    height: text.getBoundingClientRect().height,
    size: parseFloat(getComputedStyle(text).fontSize) * scale,
  }));
})"""


@pytest.mark.browser
@pytest.mark.parametrize("chart", sorted(CHART_PAGES))
def test_the_words_of_a_chart_read_at_11_px_or_more_on_a_phone(demo_url, tab, chart):  # noqa: F811
    page, watch = tab
    path, selector = CHART_PAGES[chart]
    page.set_viewport_size(PHONE)
    page.goto(demo_url + path)
    lay_everything_out(page)
    texts = page.evaluate(CHART_TEXT_JS, selector)
    assert len({t["chart"] for t in texts}) >= 3, texts[:3]
    small = [f"chart {t['chart'] + 1}, {t['text']!r}: {t['size']:.1f} px, box {t['height']:.1f} px high"
             for t in texts if t["size"] < LEAST_TEXT_PX or t["height"] < LEAST_TEXT_PX]
    assert not small + watch.problems, _problems(f"{chart} at {PHONE['width']} px:", small + watch.problems)
    # and a wide screen does not blow them up
    page.set_viewport_size(DESKTOP)
    assert max(t["size"] for t in page.evaluate(CHART_TEXT_JS, selector)) <= 20


def test_no_two_lines_of_a_chart_are_drawn_alike(demo_site):
    """On the demo's pages as built: every line of a lap chart or a points chart differs from the
    others of its chart in colour, or in dashes where the colours run out."""
    problems, charts = [], 0
    for path, selector in CHART_PAGES.values():
        soup = BeautifulSoup((demo_site / path).read_text("utf-8"), "html.parser")
        for svg in soup.select(selector):
            charts += 1
            styles = [(line["stroke"], line.get("stroke-dasharray", "")) for line in svg.select("g.line polyline")]
            problems += [f"{path}, {svg.title.get_text()}: {p}" for p in styles_problems(styles)]
    assert charts >= 6 and not problems, "\n".join(problems)


COLOURS_JS = """(selector) => { const s = getComputedStyle(document.querySelector(selector));
  return [s.color, s.backgroundColor]; }"""


def hex_colour(css: str) -> str:
    red, green, blue = (int(float(v)) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.mark.browser
def test_the_header_search_box_follows_the_dark_scheme(demo_url, tab):  # noqa: F811
    page, watch = tab
    page.emulate_media(color_scheme="dark")
    try:
        page.goto(demo_url + "index.html")
        ink, field = (hex_colour(c) for c in page.evaluate(COLOURS_JS, ".site-search input"))
        paper = hex_colour(page.evaluate(COLOURS_JS, "html")[1])
        assert field == paper, f"the box is {field} on a {paper} page"
        assert contrast(ink, field) >= 4.5, (ink, field)
    finally:
        page.emulate_media(color_scheme="light")
    assert not watch.problems, watch.problems


#: (cards, cards on the last row) of each block of statistics cards
STATS_ROWS_JS = """() => [...document.querySelectorAll('dl.stats')].map(list => {
  const tops = [...list.children].map(card => Math.round(card.getBoundingClientRect().top));
  return [tops.length, tops.filter(top => top === Math.max(...tops)).length];
})"""


@pytest.mark.browser
@pytest.mark.parametrize("path", [  # 11, 10, 10 and 9 cards
    "drivers/aaron-jeansonne/index.html", "drivers/chris-bellomo/index.html", "teams/kellymoss/index.html",
    "teams/gmg-racing/index.html"])
def test_no_statistics_card_is_left_alone_on_its_row(demo_url, tab, path):  # noqa: F811
    page, watch = tab
    page.goto(demo_url + path)
    problems = []
    for viewport in (PHONE, {"width": 800, "height": 800}, DESKTOP):
        page.set_viewport_size(viewport)
        for cards, last_row in page.evaluate(STATS_ROWS_JS):
            if cards > 1 and last_row < 2:
                problems.append(f"{viewport['width']} px: {cards} cards, the last alone on its row")
    assert not problems + watch.problems, _problems(path, problems + watch.problems)
