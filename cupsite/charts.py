"""Charts as plain geometry: the points progression of a season, ready to draw as inline SVG.

Everything a template needs — coordinates, ticks, label positions, colours, the text that
describes the chart — is worked out here; the template only writes it out. Coordinates are
in the chart's own units (its `viewBox`), rounded to one decimal so the output is
deterministic and compact. Text widths are estimated (no font metrics at build time), on the
generous side so labels keep clear of the edges.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .adjustments import Adjustment
from .drops import CountingPart, best_total
from .names import surname
from .score import SeasonTables

TOP = 10  # drivers per chart
# The chart is as wide as a phone's column (342 px at 390 px), so that its words show there at
# the size they are given here, not scaled down; the stylesheet keeps it from growing past 28rem.
WIDTH = 340
HEIGHT = 320
FONT = 13  # end-of-line labels
TICK_FONT = 12  # axis tick labels
LABEL_GAP = 14  # least vertical distance between two end-of-line labels
NARROW, SLIM = set("ijlI.,:;'|!"), set("frt -()")  # characters narrower than most
BOLD = 1.12  # how much wider a bold label is
PAD = 6  # top padding, and the space between a line's end and its label
X_LABEL_ANGLE = -45  # when the race labels do not fit side by side

# Seven colours no two closer than 40 in CIELAB (ten held two greens and two blues), each at 3:1 or
# more on the theme's light and dark backgrounds (#fff / #f4f5f7, #121417 / #1d2025); then again
# dashed, dotted, dash-dotted (round caps lengthen each dash by the width): 28 lines, each its own.
PALETTE = ("#2f7fd0", "#e8590c", "#2b9e44", "#d6336c", "#8259d6", "#b5820b", "#0f9b9b")
DASHES = ("", "8 5", "1 4", "10 5 1 5")


def line_style(index: int) -> tuple[str, str]:
    """(colour, SVG stroke-dasharray: "" for a solid line) of a chart's line number `index`."""
    return PALETTE[index % len(PALETTE)], DASHES[index // len(PALETTE) % len(DASHES)]



@dataclass(frozen=True)
class Tick:
    x: float  # where the tick label is anchored
    y: float
    label: str
    position: float  # the tick's place on its axis: x for a race, y for a points value


@dataclass(frozen=True)
class Line:
    slug: str
    name: str  # full name, for the tooltip
    label: str  # shown at the end of the line: the surname
    colour: str
    dash: str  # the SVG stroke-dasharray, "" for a solid line (line_style)
    total: float  # points after the last race
    points: tuple[tuple[float, float], ...]  # (x, y) after each race
    label_x: float
    label_y: float  # the label's vertical centre, nudged clear of the other labels
    connector: tuple[tuple[float, float], tuple[float, float]] | None  # end of line -> moved label

    @property
    def path(self) -> str:
        """The `points` attribute of an SVG polyline."""
        return " ".join(f"{_text(x)},{_text(y)}" for x, y in self.points)

    @property
    def end(self) -> tuple[float, float]:
        return self.points[-1]


@dataclass(frozen=True)
class SvgChart:
    """What every inline chart has: its size, its plot area, its ticks and the text that
    describes it to readers who do not see it."""

    width: float
    height: float
    left: float  # the plot area, inside the axes
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    font: int
    tick_font: int
    title: str
    description: str
    aria_label: str
    caption: str


@dataclass(frozen=True)
class Chart(SvgChart):
    """The points progression of one class: x_ticks are the races."""

    y_min: float  # the points at `bottom` and at `top`
    y_max: float
    lines: tuple[Line, ...]  # in the order of the table
    x_label_angle: int  # 0, or X_LABEL_ANGLE when the race labels are turned

    def y_at(self, value: float) -> float:
        """Where a points value goes on the y axis (rounded as the output is)."""
        return _round(self.bottom - (value - self.y_min) / (self.y_max - self.y_min) * (self.bottom - self.top))


@dataclass(frozen=True)
class Series:
    """One driver's running total after each race: the input of `progression_chart`."""

    slug: str
    name: str
    totals: tuple[float, ...]


# --- from the season's tables -----------------------------------------------------------------

def progression_charts(tables: SeasonTables, running_order: Iterable[tuple[str, str]],
                       race_labels: Sequence[str], names: Mapping[str, str],
                       class_names: Mapping[str, str], top: int = TOP, counted: int | None = None,
                       counting: Counting | None = None) -> dict:
    """Class code -> Chart of the points after each race of the top drivers of the final table.

    `running_order` lists the season's sessions, (event key, session slug), in the order they
    ran (sessions without results are skipped); `race_labels` names the races of `tables.races`;
    `counted`, where only a driver's best race scores count, how many; `counting`, when the
    season is split in parts or has points adjustments, what counts instead. A season without
    races with results gets no charts."""
    if tables.final is None or not tables.races:
        return {}
    totals = running_totals(tables, running_order, counted, counting)
    charts = {}
    for code, rows in tables.final.drivers:
        leaders = rows[:top]
        if not leaders:
            continue
        series = [Series(row.key, names.get(row.key, row.key), totals.get((code, row.key), (0.0,) * len(tables.races)))
                  for row in leaders]
        charts[code] = progression_chart(series, race_labels, class_names.get(code, code))
    return charts


@dataclass(frozen=True)
class Counting:
    """What counts in a running total beyond the best `counted` scores of the season."""

    parts: tuple[CountingPart, ...]  # the best scores of each part of the season count
    race_rounds: Mapping[tuple[str, str], int]  # race (event key, session slug) -> its round
    adjustments: tuple[Adjustment, ...] = ()  # counted from the last race of their round on
    divided: bool = False  # a shared car's points are divided among its drivers (shared_car = "divided")


def running_totals(tables: SeasonTables, running_order: Iterable[tuple[str, str]],
                   counted: int | None = None, counting: Counting | None = None) -> dict:
    """(class code, driver slug) -> the driver's points after each race of `tables.races`.

    Points of every session count (sessions that award none add nothing), so a pole point
    belongs to the race that follows its qualifying. With `counted`, only the best `counted`
    race scores so far count, as in the standings after each round; with `counting`, the best
    of each part of the season, the points adjustments of the rounds run, and a shared car's
    points divided among its drivers where the rules say so."""
    races = set(tables.races)
    other: dict = defaultdict(float)  # points from sessions that are not races
    scores: dict = defaultdict(dict)  # (class, driver) -> {race: points}
    samples: dict = {}
    count = 0
    last_race_of_round = {counting.race_rounds[key]: key for key in tables.races} if counting else {}
    pending = list(counting.adjustments) if counting else []
    adjusted: dict = defaultdict(float)
    for key in running_order:
        session = tables.sessions.get(key)
        if session is None:
            continue
        for row in session.rows:
            share = row.points / len(row.drivers) if counting and counting.divided and row.drivers else row.points
            for driver in row.drivers:
                who = (row.car_class, driver)
                if key in races:
                    scores[who][key] = scores[who].get(key, 0.0) + share
                else:
                    other[who] += share
        if key not in races:
            continue
        count += 1
        for adjustment in [a for a in pending if _counts_at(a, key, counting.race_rounds, last_race_of_round)]:
            pending.remove(adjustment)
            for who in adjustment.drivers:
                adjusted[who] += adjustment.points
        for who in set(other) | set(scores) | set(adjusted):
            if counting is not None:
                kept = best_total(((counting.race_rounds[k], p) for k, p in scores[who].items()), counting.parts)
            else:
                best = sorted(scores[who].values(), reverse=True)
                kept = sum(best[:counted] if counted is not None else best)
            samples.setdefault(who, [0.0] * (count - 1)).append(other[who] + adjusted[who] + kept)
    return {who: tuple(values) for who, values in samples.items()}


def _counts_at(adjustment: Adjustment, race: tuple[str, str], race_rounds: Mapping, last_race_of_round: dict) -> bool:
    """Does the adjustment count in the total after this race: after the last race of its round?"""
    round_number = race_rounds[race]
    return round_number > adjustment.round or (round_number == adjustment.round
                                               and last_race_of_round[round_number] == race)


# --- geometry ---------------------------------------------------------------------------------

def progression_chart(series: Sequence[Series], race_labels: Sequence[str], class_name: str) -> Chart:
    """Lay out one chart: x = the races, y = the points after each race, one line per series."""
    races = len(race_labels)
    if races == 0 or not series:
        raise ValueError("a chart needs at least one race and one driver")
    values = [v for s in series for v in s.totals]
    y_min, y_max, step = _scale(min(values, default=0.0), max(values, default=0.0))
    y_values = [y_min + i * step for i in range(round((y_max - y_min) / step) + 1)]
    y_labels = [_points(v) for v in y_values]

    labels = _surnames([s.name for s in series])
    turn = math.cos(math.radians(X_LABEL_ANGLE))  # how much of a turned label's width is across, and down
    left = max(_width(label, TICK_FONT) for label in y_labels) + 8
    right = _round(WIDTH - (max(_width(label, FONT, bold=True) for label in labels) + 14 + PAD))
    widest = max(_width(label, TICK_FONT) for label in race_labels)
    turned = races > 1 and widest + 6 > (right - left) / (races - 1)
    if races > 1:  # the first race's label reaches to the left of its tick (down and left when turned)
        left = max(left, _width(race_labels[0], TICK_FONT) * turn + TICK_FONT * 0.6 if turned
                   else _width(race_labels[0], TICK_FONT) * 0.5 + 2)
    left = _round(left)
    step_x = (right - left) / (races - 1) if races > 1 else 0.0
    below = (widest * turn + TICK_FONT + 8) if turned else TICK_FONT + 12
    top, bottom = _round(PAD + FONT / 2), _round(HEIGHT - below)

    def x_at(index: int) -> float:
        return _round(left + index * step_x if races > 1 else (left + right) / 2)

    def y_at(value: float) -> float:
        return _round(bottom - (value - y_min) / (y_max - y_min) * (bottom - top))

    x_ticks = _race_ticks(race_labels, [x_at(i) for i in range(races)], bottom, turned)
    y_ticks = tuple(Tick(_round(left - 6), y_at(v), label, y_at(v))
                    for v, label in zip(y_values, y_labels, strict=True))

    ends = [y_at(s.totals[-1]) for s in series]
    label_ys = spread(ends, LABEL_GAP, top - FONT / 2 + 1, bottom + FONT / 2)
    end_x = x_at(races - 1)
    label_x = _round(end_x + PAD + 8)
    lines = []
    for index, (s, label, label_y) in enumerate(zip(series, labels, label_ys, strict=True)):
        points = tuple((x_at(i), y_at(v)) for i, v in enumerate(s.totals))
        end_y = points[-1][1]
        connector = ((_round(end_x + 3), end_y), (_round(label_x - 2), label_y)) if abs(label_y - end_y) > 1 else None
        lines.append(Line(s.slug, s.name, label, *line_style(index), s.totals[-1], points, label_x, label_y, connector))

    finals = ", ".join(f"{s.name} {_points(s.totals[-1])}" for s in series)
    span = f"{race_labels[0]} to {race_labels[-1]}" if races > 1 else race_labels[0]
    return Chart(
        width=WIDTH, height=HEIGHT, left=left, top=top, right=right, bottom=bottom,
        y_min=y_min, y_max=y_max, lines=tuple(lines), x_ticks=x_ticks, y_ticks=y_ticks,
        x_label_angle=X_LABEL_ANGLE if turned else 0, font=FONT, tick_font=TICK_FONT,
        title=f"{class_name}: points after each race",
        description=(f"Championship points of the top {len(series)} of {class_name} after each of "
                     f"{races} race{'s' if races != 1 else ''} ({span}). {_summary(series)}"),
        aria_label=f"Points after each race, top {len(series)} of {class_name}: {finals}",
        caption=f"Points after each race, top {len(series)} of {class_name}",
    )


def _race_ticks(labels: Sequence[str], xs: Sequence[float], bottom: float, turned: bool) -> tuple[Tick, ...]:
    """A tick for each race at `xs`. Turned labels closer than a line of text would overlap: then
    every few races are named, counted back from the last (the race the table is after)."""
    step = xs[1] - xs[0] if len(xs) > 1 else 0.0
    every = math.ceil(TICK_FONT * 1.5 / step) if turned else 1
    named = [label if (len(labels) - 1 - i) % every == 0 else "" for i, label in enumerate(labels)]
    if turned:
        return tuple(Tick(_round(x + TICK_FONT * 0.3), _round(bottom + TICK_FONT - 1), label, x)
                     for x, label in zip(xs, named, strict=True))
    return tuple(Tick(x, _round(bottom + TICK_FONT + 5), label, x) for x, label in zip(xs, named, strict=True))


def spread(wanted: Sequence[float], gap: float, low: float, high: float) -> tuple[float, ...]:
    """Label positions as close as possible to `wanted`, at least `gap` apart, kept within
    [low, high] where they fit: overlapping labels form a block centred on their wishes."""
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    blocks: list[list] = []  # [first position, members in order]
    for i in order:
        blocks.append([wanted[i], [i]])
        while True:
            block = blocks[-1]
            size = (len(block[1]) - 1) * gap
            block[0] = max(low, min(block[0], high - size)) if high - low >= size else low
            if len(blocks) > 1 and blocks[-2][0] + len(blocks[-2][1]) * gap > block[0]:
                previous = blocks.pop(-2)
                members = previous[1] + block[1]
                block[0] = sum(wanted[m] - k * gap for k, m in enumerate(members)) / len(members)
                block[1] = members
                continue
            break
    placed = {}
    last = None
    for first, members in blocks:
        for k, m in enumerate(members):
            y = _round(first + k * gap)
            if last is not None and y < last + gap:  # rounding must not bring two labels closer
                y = _round(last + gap)
            placed[m] = last = y
    return tuple(placed[i] for i in range(len(wanted)))


def _scale(low: float, high: float) -> tuple[float, float, float]:
    """Round axis ends and a tick step (1, 2, 2.5 or 5 times a power of ten) giving 4 to 8
    intervals, the one that wastes the least room above the highest value (then the fewest)."""
    low, high = min(low, 0.0), max(high, 0.0)
    span = max(high - low, 5.0)
    magnitude = 10 ** math.floor(math.log10(span / 8))
    choices = []
    for tens in (1, 10):
        for m in (1, 2, 2.5, 5):
            step = m * magnitude * tens
            if step < 10 and not float(step).is_integer() and step != 0.5:
                continue  # ticks of 2.5 points or 0.25 points read badly
            bottom = math.floor(low / step) * step
            top = math.ceil(max(high, low + span) / step) * step
            intervals = round((top - bottom) / step)
            if 4 <= intervals <= 8:  # least room wasted, then steps of 1, 2 or 5 before 2.5, then fewest ticks
                choices.append((top - high, m == 2.5, intervals, bottom, top, step))
    if not choices:  # cannot happen for a span of 5 or more; a fallback all the same
        return low, low + span, span / 5
    *_, bottom, top, step = min(choices)
    return bottom, top, step


def _surnames(names: Sequence[str]) -> list[str]:
    """The surname of each driver; an initial in front where two share one."""
    short = [surname(n) for n in names]
    shared = {s for s in short if short.count(s) > 1}
    return [f"{name.split()[0][0]}. {surname}" if surname in shared and len(name.split()) > 1 else surname
            for name, surname in zip(names, short, strict=True)]


def _summary(series: Sequence[Series]) -> str:
    first = series[0]
    text = f"{first.name} is first with {_points(first.totals[-1])} points"
    if len(series) > 1:
        second = series[1]
        gap = first.totals[-1] - second.totals[-1]
        text += f", {_points(gap)} ahead of {second.name}" if gap else f", level with {second.name}"
    return text + "."


def _width(text: str, font: float, bold: bool = False) -> float:
    """An estimate of the width of `text`, on the wide side (DejaVu Sans, the common fallback,
    is wider than most system fonts)."""
    return sum(_char_width(c) for c in text) * font * (BOLD if bold else 1.0)


def _char_width(char: str) -> float:
    if char in NARROW:
        return 0.3
    if char in SLIM:
        return 0.42
    if char in "mwMW":
        return 1.0
    return 0.74 if char.isupper() else 0.63


def _round(value: float) -> float:
    """One decimal; whole numbers as int, so they print as 12 rather than 12.0."""
    rounded = round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    return int(rounded) if rounded.is_integer() else rounded


def _text(value: float) -> str:
    return str(_round(value))


def _points(value: float) -> str:
    value = round(value, 2)
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
