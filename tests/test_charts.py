"""Points progression charts: the running totals, the geometry, and the chart on the standings page."""

from __future__ import annotations

import itertools
import math

import pytest
from bs4 import BeautifulSoup

from cupsite import charts
from cupsite.build import prepare
from cupsite.charts import LABEL_GAP, PALETTE, Series, progression_chart, progression_charts, running_totals, spread
from cupsite.config import load_config
from cupsite.pages.standings import race_columns
from cupsite.plan import plan
from cupsite.score import SeasonTables

from .conftest import SITES

# The mini site's final tables, worked out by hand: a pole point in qualifying, 10-6-4-3 per class
# in races, half points at Beta; Dee Dunn's crew-mate Eve Ernst drove car 7 alone in Alpha race 2.
FINAL = {
    "A": [("bob-baker", 20), ("ann-able", 18), ("cyd-cole", 9)],
    "B": [("jose-fabregas", 22), ("eve-ernst", 16), ("dee-dunn", 6)],
}
# Points after each race (Alpha race 1, Alpha race 2, Beta race 1); the pole point counts in race 1.
AFTER_EACH_RACE = {
    ("A", "bob-baker"): (7, 17, 20),
    ("A", "ann-able"): (10, 16, 18),
    ("A", "cyd-cole"): (0, 4, 9),
    ("B", "jose-fabregas"): (11, 17, 22),
    ("B", "eve-ernst"): (6, 16, 16),
    ("B", "dee-dunn"): (6, 6, 6),
}


@pytest.fixture(scope="module")
def mini():
    return prepare(load_config(SITES / "mini" / "cupsite.toml"))


def season_of(site, tables):
    season = site.seasons[0]
    return season, tables.season(season.championship, season.year)


def running_order(season):
    return [(e.key, s.slug) for e in season.events for s in e.sessions]


def mini_charts(site, tables):
    season, season_tables = season_of(site, tables)
    labels = [c.label for c in race_columns(site, season_tables)]
    names = {slug: person.name for slug, person in site.drivers.items()}
    return progression_charts(season_tables, running_order(season), labels, names, {"A": "Class A", "B": "Class B"})


def numbers(chart):
    """Every coordinate the chart holds."""
    yield from (chart.left, chart.right, chart.top, chart.bottom)
    for line in chart.lines:
        yield from itertools.chain.from_iterable(line.points)
        yield from (line.label_x, line.label_y)
        if line.connector:
            yield from itertools.chain.from_iterable(line.connector)
    for tick in chart.x_ticks + chart.y_ticks:
        yield from (tick.x, tick.y, tick.position)


# --- running totals ---------------------------------------------------------------------------

def test_running_totals_after_each_race(mini):
    site, tables = mini
    season, season_tables = season_of(site, tables)
    totals = running_totals(season_tables, running_order(season))
    assert {key: totals[key] for key in AFTER_EACH_RACE} == AFTER_EACH_RACE
    for code, rows in season_tables.final.drivers:  # the last total is the table's
        assert {row.key: row.points for row in rows} == {slug: totals[(code, slug)][-1] for slug, _ in FINAL[code]}


def test_running_totals_count_only_the_best_race_scores_when_told(mini):
    site, tables = mini
    season, season_tables = season_of(site, tables)
    totals = running_totals(season_tables, running_order(season), counted=2)
    # Bob Baker: races 6, 10 and 3, the pole point apart; the 3 does not count
    assert totals[("A", "bob-baker")] == (7, 17, 17)


def test_sessions_without_results_are_skipped(mini):
    site, tables = mini
    season, season_tables = season_of(site, tables)
    order = [("cup/2024/gamma", "race-1"), *running_order(season), ("nowhere", "race")]
    assert running_totals(season_tables, order) == running_totals(season_tables, running_order(season))


# --- the charts of the mini site ----------------------------------------------------------------

def test_one_chart_per_class_with_lines_in_table_order(mini):
    drawn = mini_charts(*mini)
    assert list(drawn) == ["A", "B"]
    for code, chart in drawn.items():
        assert [line.slug for line in chart.lines] == [slug for slug, _ in FINAL[code]]
        assert [line.total for line in chart.lines] == [points for _, points in FINAL[code]]
        assert [line.colour for line in chart.lines] == list(PALETTE[:3])


def test_last_point_of_each_line_is_the_final_points_on_the_y_scale(mini):
    for code, chart in mini_charts(*mini).items():
        assert chart.y_min == 0 and chart.y_max >= FINAL[code][0][1]
        for line, (slug, points) in zip(chart.lines, FINAL[code], strict=True):
            assert line.end == line.points[-1]
            assert line.end[1] == chart.y_at(points)
            assert line.end[1] == pytest.approx(
                chart.bottom - points / chart.y_max * (chart.bottom - chart.top), abs=0.051)
            assert [y for _, y in line.points] == [chart.y_at(v) for v in AFTER_EACH_RACE[(code, slug)]]


def test_axes_and_ticks(mini):
    chart = mini_charts(*mini)["A"]
    assert [t.label for t in chart.x_ticks] == ["R1 1", "R1 2", "R2"]  # the results grid's column labels
    xs = [t.position for t in chart.x_ticks]
    assert xs[0] == chart.left and xs[-1] == chart.right and xs == sorted(xs)
    assert [x for x, _ in chart.lines[0].points] == xs
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10", "15", "20"]
    assert [t.position for t in chart.y_ticks] == [chart.y_at(v) for v in (0, 5, 10, 15, 20)]
    assert chart.y_ticks[0].position == chart.bottom and chart.y_ticks[-1].position == chart.top


def test_labels_are_surnames_apart_and_inside_the_chart(mini):
    for chart in mini_charts(*mini).values():
        assert_labels_apart(chart)
    assert [line.label for line in mini_charts(*mini)["B"].lines] == ["Fábregas", "Ernst", "Dunn"]


def test_numbers_are_rounded_to_one_decimal(mini):
    for chart in mini_charts(*mini).values():
        for value in numbers(chart):
            assert round(value, 1) == value
        assert all(" " not in pair and pair.count(",") == 1 for pair in chart.lines[0].path.split(" "))


def test_text_names_the_drivers_and_their_points(mini):
    chart = mini_charts(*mini)["B"]
    assert chart.aria_label == "Points after each race, top 3 of Class B: José Fábregas 22, Eve Ernst 16, Dee Dunn 6"
    assert "José Fábregas is first with 22 points, 6 ahead of Eve Ernst." in chart.description
    assert "3 races (R1 1 to R2)" in chart.description


def test_the_standings_page_is_given_the_charts(mini):
    site, tables = mini
    pages = {page.path: page for page in plan(site, tables)}
    drawn = pages["cup/2024/standings/"].context.charts
    assert list(drawn) == ["A", "B"]
    assert drawn["A"].caption == "Points after each race, top 3 of Class A"


# --- hand-made inputs: crowds, one race, no points, no results ------------------------------------

def assert_labels_apart(chart):
    ys = sorted(line.label_y for line in chart.lines)
    assert all(b - a >= LABEL_GAP - 1e-9 for a, b in itertools.pairwise(ys)), ys
    assert all(0 <= y <= chart.height for y in ys)
    for line in chart.lines:
        if line.connector is None:
            assert abs(line.label_y - line.end[1]) <= 1
        else:
            assert line.connector[0] == (pytest.approx(line.end[0] + 3), line.end[1])
            assert line.connector[1][1] == line.label_y


def test_labels_of_lines_that_end_together_are_nudged_apart():
    series = [Series(f"d{i}", f"Driver Number{i}", (10.0, 20.0 + (i % 3) * 0.1)) for i in range(10)]
    chart = progression_chart(series, ["A 1", "A 2"], "Crowd")
    assert_labels_apart(chart)
    assert len({line.end[1] for line in chart.lines}) <= 3  # the lines themselves stay where they are
    by_label = [line.slug for line in sorted(chart.lines, key=lambda line: line.label_y)]
    assert by_label == [s.slug for s in sorted(series, key=lambda s: -s.totals[-1])]  # top down, ties in table order


def test_labels_crowding_the_bottom_and_the_top_stay_inside():
    series = [Series(f"d{i}", f"D{i}", (100.0 if i < 5 else 0.0,)) for i in range(10)]
    chart = progression_chart(series, ["R1"], "Edges")
    assert_labels_apart(chart)
    ys = sorted(line.label_y for line in chart.lines)
    assert ys[0] >= chart.top - chart.font / 2 and ys[-1] <= chart.bottom + chart.font / 2


def test_spread_keeps_labels_near_their_lines():
    assert spread([50, 100, 150], 12, 0, 200) == (50, 100, 150)
    assert spread([100, 100], 12, 0, 200) == (94, 106)
    assert spread([0, 0, 0], 12, 5, 200) == (5, 17, 29)
    assert spread([200, 200], 12, 0, 200) == (188, 200)


def test_a_single_race_is_drawn_in_the_middle():
    chart = progression_chart([Series("a", "Ann Able", (10.0,)), Series("b", "Bob Baker", (6.0,))], ["R1"], "One")
    (x, y), = chart.lines[0].points
    assert x == pytest.approx((chart.left + chart.right) / 2, abs=0.1)
    assert y == chart.y_at(10)
    assert chart.x_label_angle == 0 and [t.label for t in chart.x_ticks] == ["R1"]
    assert "1 race (R1)" in chart.description


def test_no_points_yet_still_makes_a_scale():
    chart = progression_chart([Series("a", "Ann Able", (0.0, 0.0))], ["R1", "R2"], "Zero")
    assert chart.y_max > chart.y_min == 0
    assert all(y == chart.bottom for _, y in chart.lines[0].points)


def test_many_races_turn_their_labels():
    labels = [f"TRK {i}" for i in range(1, 25)]
    chart = progression_chart([Series("a", "Ann Able", tuple(float(i) for i in range(24)))], labels, "Long")
    assert chart.x_label_angle == charts.X_LABEL_ANGLE
    assert chart.bottom < chart.height - chart.tick_font * 2


def test_turned_race_labels_never_overlap_and_the_last_race_is_named():
    """Sixteen races on a chart a phone's column wide: a turned label needs a line of text between
    it and the next, so only some races are named, counted back from the last."""
    labels = [f"TRK {i}" for i in range(1, 17)]
    chart = progression_chart([Series("a", "Ann Able", tuple(float(i) for i in range(16)))], labels, "Long")
    named = [t for t in chart.x_ticks if t.label]
    assert len(chart.x_ticks) == 16 and 1 < len(named) < 16  # every race keeps its gridline
    assert named[-1].label == "TRK 16"
    assert min(b.position - a.position for a, b in itertools.pairwise(named)) >= chart.tick_font * 1.5
    assert "TRK 1 to TRK 16" in chart.description


def srgb_to_lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of a #rrggbb colour."""
    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    x, y, z = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
               (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def colour_distance(one: str, other: str) -> float:
    """CIE76 difference: about 2 is just noticeable; the old palette's two greens were 34 apart."""
    return math.dist(srgb_to_lab(one), srgb_to_lab(other))


def contrast(one: str, other: str) -> float:
    def luminance(colour):
        lab_free = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in lab_free)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


#: the theme's backgrounds a chart is drawn on, light and dark (--paper and --panel)
BACKGROUNDS = ("#ffffff", "#f4f5f7", "#121417", "#1d2025")


def styles_problems(styles) -> list[str]:
    """Lines of one chart drawn alike: the same (colour, dashes), or colours closer than 40 in
    CIELAB with the same dashes."""
    problems = [f"line {i + 1} is drawn as line {styles.index(style) + 1}: {style}"
                for i, style in enumerate(styles) if styles.index(style) != i]
    for (i, (colour, dash)), (j, (other, other_dash)) in itertools.combinations(enumerate(styles), 2):
        if dash == other_dash and colour != other and colour_distance(colour, other) < 40:
            problems.append(f"lines {i + 1} and {j + 1}: {colour} and {other} are "
                            f"{colour_distance(colour, other):.0f} apart, both dashed {dash!r}")
    return problems


def test_every_line_of_a_chart_is_drawn_its_own_way():
    styles = [charts.line_style(i) for i in range(len(charts.PALETTE) * len(charts.DASHES))]
    assert len(styles) >= 28 and not styles_problems(styles)
    assert styles[0] == (PALETTE[0], "")  # the leader's line is solid
    for colour in PALETTE:
        assert min(contrast(colour, background) for background in BACKGROUNDS) >= 3, colour
    # the ten colours used before failed this: two greens and two blues in one chart
    assert styles_problems([(c, "") for c in ("#2f7fd0", "#e8590c", "#2b9e44", "#d6336c", "#8259d6",
                                                "#b5820b", "#0f9b9b", "#a05a2c", "#768390", "#7c8f12")])


def test_a_season_without_results_has_no_charts():
    empty = SeasonTables("cup", "2030", (), {}, None, {}, False)
    assert progression_charts(empty, [], [], {}, {}) == {}


def test_surnames():
    assert charts._surnames(["Ryan Yardley", "Giedo van der Garde", "Juan Pablo Montoya Jr.", "Prince"]) == [
        "Yardley", "van der Garde", "Montoya Jr.", "Prince"]
    assert charts._surnames(["Ann Smith", "Bob Smith", "Cyd Cole"]) == ["A. Smith", "B. Smith", "Cole"]


# --- the demo's standings page --------------------------------------------------------------------

def test_demo_standings_page_has_a_chart_per_class(demo_site):
    soup = BeautifulSoup((demo_site / "carrera-cup" / "2025" / "standings" / "index.html").read_text("utf-8"),
                         "html.parser")
    sections = soup.select("section.class-block")
    assert [s["id"] for s in sections] == ["class-pro", "class-proam", "class-masters"]
    for section in sections:
        svgs = section.find_all("svg")
        assert len(svgs) == 1
        svg = svgs[0]
        assert svg.find_parent("figure") is not None and svg.find_parent("figure").figcaption is not None
        assert section.select_one("table.standings") is not None
        assert svg["role"] == "img" and svg["viewbox"].startswith("0 0 ")
        assert svg.title.get_text() and svg.desc.get_text()
        rows = section.select("table.standings tbody tr")
        polylines = svg.find_all("polyline")
        assert len(polylines) == min(10, len(rows))
        for polyline in polylines:
            assert len(polyline["points"].split()) == 16  # the 16 races of the season
        leader = rows[0].find("a").get_text()
        assert svg["aria-label"].startswith("Points after each race, top ")
        assert f": {leader} " in svg["aria-label"]
        assert leader in svg.desc.get_text()
    pro = sections[0].svg
    assert len(pro.find_all("polyline")) == 10
    assert "Ryan Yardley 311" in pro["aria-label"]
    assert soup.find("script") is None or not soup.select("figure.chart script")


def test_a_season_without_results_builds_without_a_chart(demo_site):
    page = (demo_site / "carrera-cup" / "2026" / "standings" / "index.html").read_text("utf-8")
    assert "<svg" not in page
