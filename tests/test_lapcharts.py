"""Lap charts (cupsite/lapcharts.py): the geometry, and the SVG the theme's macro writes out."""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest

from cupsite import lapcharts, model
from cupsite.charts import PALETTE, line_style
from cupsite.lapcharts import ROW
from cupsite.laps import analyse

from . import test_laps
from .test_charts import styles_problems
from .test_laps import CLASSES, RACE

# The charts below write car numbers as small ints for brevity; cupsite's are labels ("7").


def Lap(car, *args, **kwargs):  # noqa: N802 - stands in for the model's class
    return model.Lap(str(car), *args, **kwargs)


def car_laps(car, *args):
    return test_laps.car_laps(str(car), *args)


def lap_chart(race, cars, class_name, start_positions=None):
    return lapcharts.lap_chart(race, [(str(car), label) for car, label in cars], class_name,
                               {str(car): place for car, place in (start_positions or {}).items()})

TEMPLATES = Path(__file__).resolve().parent.parent / "cupsite" / "theme" / "templates"

# The race of test_laps: class P is car 8 (winner) and car 7, class G car 10 (winner) and car 9,
# which stopped after lap 3. In class P the leader ran lap 2 (car 7, FCY) and lap 3 (car 8, SC)
# under caution; in class G only lap 3 (car 9, FCY).
P_CARS = [(8, "#8 Ash"), (7, "#7 Birch")]
G_CARS = [(10, "#10 Cedar"), (9, "#9 Dune")]


@pytest.fixture(scope="module")
def race():
    return analyse(RACE, CLASSES)


def line_of(chart, car):
    return next(line for line in chart.lines if line.car == str(car))


def numbers(chart):
    """Every coordinate the chart holds."""
    yield from (chart.width, chart.height, chart.left, chart.top, chart.right, chart.bottom)
    for line in chart.lines:
        yield from itertools.chain.from_iterable(line.points)
    for label in chart.labels:
        yield from (label.x, label.y)
    for band in chart.bands:
        yield from (band.x, band.y, band.width, band.height)
    for tick in chart.x_ticks + chart.y_ticks:
        yield from (tick.x, tick.y, tick.position)


def assert_labels_apart(chart):
    boxes = [label.box() for label in chart.labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    for left, top, right, bottom in boxes:
        assert 0 <= left and right <= chart.width and 0 <= top and bottom <= chart.height


# --- geometry ---------------------------------------------------------------------------------

def test_the_leader_is_on_the_top_row_lap_by_lap(race):
    chart = lap_chart(race, P_CARS, "Pro")
    assert chart.first_lap == 1 and chart.laps == 4 and chart.rows == 2
    eight, seven = line_of(chart, 8), line_of(chart, 7)
    assert seven.laps == eight.laps == (1, 2, 3, 4)
    assert seven.positions == (1, 1, 2, 2) and eight.positions == (2, 2, 1, 1)  # car 8 passes on lap 3
    top = chart.y_at(1)
    assert [y == top for _, y in seven.points] == [True, True, False, False]
    assert [y == top for _, y in eight.points] == [False, False, True, True]
    assert [x for x, _ in eight.points] == [chart.x_at(lap) for lap in (1, 2, 3, 4)]
    assert chart.x_at(1) == chart.left and chart.x_at(4) == chart.right
    assert chart.y_at(2) - chart.y_at(1) == ROW


def test_lines_end_where_the_car_stopped(race):
    chart = lap_chart(race, G_CARS, "GT")
    ten, nine = line_of(chart, 10), line_of(chart, 9)
    assert ten.finished and ten.end == (chart.right, chart.y_at(1)) and ten.mark == ""
    assert not nine.finished and nine.end == (chart.x_at(3), chart.y_at(1))
    # The cross is centred on the end of the line.
    x, y = nine.end
    assert nine.mark.startswith(f"M{round(x - 3, 1):g} {round(y - 3, 1):g}L{round(x + 3, 1):g} {round(y + 3, 1):g}")
    assert nine.end_label.x > x and nine.end_label.y == y and nine.end_label.text == "#9"
    assert "stopped after lap 3" in nine.summary and "× marks where a car stopped" in chart.caption


def test_the_grid_is_lap_zero(race):
    # Grid positions counted over the whole field: 10th, 7th -> 2nd and 1st in the class.
    chart = lap_chart(race, P_CARS, "Pro", start_positions={8: 10, 7: 7, 9: 1})
    assert chart.first_lap == 0 and chart.x_at(0) == chart.left
    assert line_of(chart, 7).laps[0] == 0 and line_of(chart, 7).positions[:2] == (1, 1)
    assert line_of(chart, 8).positions[:2] == (2, 2)
    assert chart.x_ticks[0].label == "Grid" and chart.x_ticks[0].position == chart.left
    start = line_of(chart, 8).start_label
    assert start.anchor == "end" and start.x < chart.left and start.y == chart.y_at(2)
    assert "#8 Ash started 2nd, finished 1st, led 2 laps." in chart.description


def test_bands_cover_the_laps_under_caution(race):
    pro = lap_chart(race, P_CARS, "Pro", start_positions={8: 2, 7: 1})
    assert pro.neutralised == (2, 3)
    (band,) = pro.bands  # laps 2 and 3 make one run
    assert (band.first, band.last) == (2, 3)
    # From the line where lap 2 starts (the end of lap 1) to the end of lap 3, top to bottom.
    assert band.x == pro.x_at(1) and round(band.x + band.width, 1) == pro.x_at(3)
    assert band.y == pro.top and round(band.y + band.height, 1) == pro.bottom
    assert "2 laps under caution" in pro.caption
    assert "Laps 2–3 were run under caution." in pro.description
    gt = lap_chart(race, G_CARS, "GT")  # the class leader's own flags: car 9's FCY on lap 3
    assert gt.neutralised == (3,) and [(b.first, b.last) for b in gt.bands] == [(3, 3)]
    assert gt.bands[0].x == gt.x_at(2) and round(gt.bands[0].x + gt.bands[0].width, 1) == gt.x_at(3)


def test_a_caution_on_lap_one_without_a_grid_still_shows():
    race = analyse(car_laps(1, [100, 90, 90], ["SC", "GF", "GF"]) + car_laps(2, [101, 90, 90]), {})
    chart = lap_chart(race, [(1, "#1"), (2, "#2")], "All")
    (band,) = chart.bands
    assert band.x == chart.left and band.width > 0


def test_each_car_is_drawn_its_own_way_colours_then_dashes():
    cars = range(1, 13)
    race = analyse([lap for car in cars for lap in car_laps(car, [100 + car] * 3)], {})
    chart = lap_chart(race, [(car, f"#{car}") for car in cars], "All")
    assert [(line.colour, line.dash) for line in chart.lines] == [line_style(i) for i in range(12)]
    assert not styles_problems([(line.colour, line.dash) for line in chart.lines])
    assert {line.dash for line in chart.lines[:len(PALETTE)]} == {""}
    assert chart.rows == 12 and chart.height > 12 * ROW  # one row per position


def test_the_path_leaves_out_points_in_the_middle_of_a_row():
    # Car 2 runs second for five laps, then passes car 1 on lap 6.
    laps = car_laps(1, [100] * 5 + [110]) + car_laps(2, [101] * 6)
    chart = lap_chart(analyse(laps, {}), [(2, "#2"), (1, "#1")], "All")
    two = line_of(chart, 2)
    assert two.positions == (2, 2, 2, 2, 2, 1) and len(two.points) == 6
    ends = [two.points[0], two.points[4], two.points[5]]
    assert two.path == " ".join(f"{x:g},{y:g}" for x, y in ends)


def test_caption_and_leaders(race):
    chart = lap_chart(race, G_CARS, "GT")
    assert chart.caption.startswith("Laps led: #9 3, #10 1; 1 lap under caution")
    assert chart.title == "GT: position in class lap by lap"
    assert chart.aria_label.startswith("Lap chart of GT:") and "Stopped: #9 after lap 3" in chart.aria_label
    chart = lap_chart(analyse(car_laps(3, [90, 90]), {}), [(3, "#3 Solo")], "One")
    assert chart.caption == "#3 led every lap; no laps under caution."


def test_positions_close_up_when_a_class_car_is_left_out(race):
    chart = lap_chart(race, [(8, "#8 Ash")], "Pro")
    assert line_of(chart, 8).positions == (1, 1, 1, 1) and chart.rows == 1


def test_output_is_deterministic_and_rounded(race):
    shuffled = list(RACE)
    random.Random(7).shuffle(shuffled)
    first = lap_chart(race, P_CARS, "Pro", {8: 2, 7: 1})
    second = lap_chart(analyse(shuffled, CLASSES), P_CARS, "Pro", {8: 2, 7: 1})
    assert first == second
    for value in numbers(first):
        assert round(value, 1) == value


def test_nothing_to_chart_is_an_error(race):
    with pytest.raises(ValueError):
        lap_chart(race, [(99, "#99 Ghost")], "Empty")


def test_a_car_that_never_completed_a_lap():
    race = analyse(car_laps(1, [90, 90]), {})
    chart = lap_chart(race, [(1, "#1 A"), (2, "#2 B"), (3, "#3 C")], "All", start_positions={2: 1, 1: 2})
    two = line_of(chart, 2)  # on the grid, then no lap: a cross at the grid slot
    assert two.points == ((chart.left, chart.y_at(1)),) and not two.finished and two.start_label is None
    assert "#2 B started 1st, stopped on the first lap." in chart.description
    assert "#3 C completed no lap." in chart.description
    assert [line.car for line in chart.lines] == ["1", "2"]


def test_labels_do_not_overlap_when_cars_stop_side_by_side():
    # Eight cars in a line for 60 laps; car 5 stops after lap 30 in 5th, car 6 (now 5th) after 31,
    # car 7 after 32: three crosses a few pixels apart on the same row.
    stops = {5: 30, 6: 31, 7: 32}
    laps = [Lap(car, n, 100, 100 * n + car) for car in range(1, 9) for n in range(1, stops.get(car, 60) + 1)]
    chart = lap_chart(analyse(laps, {}), [(car, f"#{car}") for car in (1, 2, 3, 4, 8, 7, 6, 5)], "All",
                      start_positions={car: car for car in range(1, 9)})
    ends = {int(line.car): line.end for line in chart.lines}
    assert ends[5][1] == ends[6][1] == ends[7][1] == chart.y_at(5)
    assert ends[6][0] - ends[5][0] < 10  # too close for the labels to sit side by side
    assert_labels_apart(chart)
    for line in chart.lines:  # and each label stays next to its end
        x, y = line.end
        assert abs(line.end_label.y - y) <= ROW and abs(line.end_label.x - x) <= 12


def test_labels_of_the_round_6_style_field_do_not_overlap():
    # A random but seeded race of 14 cars with four retirements.
    rng = random.Random(6)
    laps = []
    for car in range(1, 15):
        elapsed, last = 0.0, rng.choice([30, 30, 30, rng.randrange(1, 30)])
        for n in range(1, last + 1):
            time = 90 + rng.random() * 4
            elapsed += time
            laps.append(Lap(car, n, round(time, 3), round(elapsed, 3)))
    race = analyse(laps, {})
    order = sorted(race.cars, key=lambda c: (-c.completed, c.positions[c.completed - 1]))
    chart = lap_chart(race, [(c.car, f"#{c.car}") for c in order], "All", {car: car for car in range(1, 15)})
    assert_labels_apart(chart)
    assert len(chart.labels) == 2 * 14


# --- the template -----------------------------------------------------------------------------

def render(chart) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html", "xml"]))
    return env.from_string('{% from "lapchart.html" import lap_chart %}{{ lap_chart(chart) }}').render(chart=chart)


def test_the_macro_writes_every_line_label_and_band(race):
    chart = lap_chart(race, G_CARS, "GT & Cup <B>", start_positions={10: 1, 9: 2})
    html = render(chart)
    figure = ET.fromstring(html)  # escaped and closed well enough for an XML parser
    assert figure.tag == "figure" and figure.get("class") == "chart lap-chart"
    svg = figure.find("svg")
    assert svg.get("role") == "img" and svg.get("aria-label") == chart.aria_label
    assert svg.get("viewBox") == f"0 0 {chart.width} {chart.height}"
    assert svg.find("title").text == "GT & Cup <B>: position in class lap by lap"
    assert svg.find("desc").text == chart.description
    polylines = svg.findall(".//polyline")
    # Drawn in reverse classification order, so the class winner's line is on top.
    assert [p.get("points") for p in polylines] == [line.path for line in reversed(chart.lines)]
    assert [p.get("stroke") for p in polylines] == [line.colour for line in reversed(chart.lines)]
    assert [p.get("stroke-dasharray") for p in polylines] == [line.dash or None for line in reversed(chart.lines)]
    texts = [t.text for t in svg.findall(".//g[@class='series']//text")]
    assert sorted(texts) == ["#10", "#10", "#9", "#9"]
    assert len(svg.findall(".//path[@class='out']")) == 1 and len(svg.findall(".//circle")) == 1
    rects = svg.findall(".//g[@class='cautions']/rect")
    assert len(rects) == len(chart.bands) == 1 and rects[0].find("title").text == "Lap 3 under caution"
    ticks = [t.text for t in svg.findall(".//g[@class='ticks']//text")]
    assert ticks[:2] == ["1", "2"] and "Grid" in ticks and "Lap" in ticks
    assert "".join(figure.find("figcaption").itertext()) == f"{chart.title}. {chart.caption}"


def test_the_rendered_chart_is_the_same_every_time(race):
    assert render(lap_chart(race, P_CARS, "Pro")) == render(lap_chart(analyse(RACE, CLASSES), P_CARS, "Pro"))
