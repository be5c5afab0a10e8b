"""Lap charts as plain geometry: each car's position in its class after every lap of a race,
ready to draw as inline SVG (theme/templates/lapchart.html).

As in charts.py, everything the template needs is worked out here and coordinates are rounded
to one decimal. One row per position keeps the car numbers at the ends of the lines apart; a
label that would still touch another (two cars stopping on neighbouring laps in the same place)
is moved by half a row, or to the other side of its line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .charts import SvgChart, Tick, _round, _text, _width, line_style
from .laps import CarLaps, RaceLaps
from .words import ordinal

WIDTH = 340  # a phone's column, as charts.py's: the words are drawn at their size there
ROW = 22  # vertical distance between two positions
FONT = 12  # car numbers
TICK_FONT = 12
PAD = 5  # between a line's end and its label
MARK = 3  # half the size of the end-of-line dot and of the cross where a car stopped
LABEL_HEIGHT = FONT  # with the halo the theme draws around labels
TICK_GAP = 8  # least room between two lap labels
LEADERS_LISTED = 3  # in the caption; the description tells every car's laps led
LAP_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # vertical centre
    text: str
    anchor: str  # the SVG text-anchor: "start", "middle" or "end"

    def box(self, font: float = FONT, bold: bool = True) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the text as drawn, estimated like charts.py does."""
        width = _width(self.text, font, bold=bold)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        return left, self.y - LABEL_HEIGHT / 2, left + width, self.y + LABEL_HEIGHT / 2


@dataclass(frozen=True)
class LapLine:
    car: str
    name: str  # as given, e.g. "#6 Vanier"
    number: str  # "#6", the label at both ends
    colour: str
    dash: str  # the SVG stroke-dasharray, "" for a solid line (charts.line_style)
    laps: tuple[int, ...]  # the lap of each point (0 = the grid)
    positions: tuple[int, ...]  # the position in class at each point
    points: tuple[tuple[float, float], ...]
    finished: bool  # still running when the chequered flag fell; otherwise the end is a cross
    start_label: Label | None  # None when the line is a single point (the end label names it)
    end_label: Label
    mark: str  # SVG path data of the cross where the car stopped; "" for a finisher
    summary: str  # one sentence on the car's race, for the tooltip and the description

    @property
    def path(self) -> str:
        """The `points` attribute of an SVG polyline. A point between two others on the same row
        is left out: a car that holds its place for a whole stint costs two points, not a hundred."""
        last = len(self.points) - 1
        kept = [point for i, point in enumerate(self.points)
                if i in (0, last) or not self.points[i - 1][1] == point[1] == self.points[i + 1][1]]
        return " ".join(f"{_text(x)},{_text(y)}" for x, y in kept)

    @property
    def end(self) -> tuple[float, float]:
        return self.points[-1]


@dataclass(frozen=True)
class Band:
    first: int  # the first and last lap run under caution
    last: int
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class LapChart(SvgChart):
    """One class's positions lap by lap. The plot area runs from the first lap to the last,
    half a row around the positions."""

    first_lap: int  # 0 when the chart starts from the grid, else 1
    laps: int  # the class leader's laps, the last lap on the chart
    rows: int  # positions on the y axis
    lines: tuple[LapLine, ...]  # in classification order; the template draws them in reverse, the winner on top
    bands: tuple[Band, ...]  # laps under caution
    neutralised: tuple[int, ...]  # the laps the bands cover, lap by lap
    x_title: Label

    def x_at(self, lap: int) -> float:
        if self.laps == self.first_lap:
            return _round((self.left + self.right) / 2)
        return _round(self.left + (lap - self.first_lap) * (self.right - self.left) / (self.laps - self.first_lap))

    def y_at(self, position: int) -> float:
        return _round(self.top + ROW / 2 + (position - 1) * ROW)

    @property
    def labels(self) -> tuple[Label, ...]:
        """Every car label, for checks that none overlaps another."""
        return tuple(label for line in self.lines for label in (line.start_label, line.end_label) if label)


def lap_chart(race: RaceLaps, cars: Sequence[tuple[str, str]], class_name: str,
              start_positions: Mapping[str, int] | None = None) -> LapChart:
    """Lay out the lap chart of one class.

    `cars` are the class's cars in classification order, (car number, label such as
    "#6 Vanier"); positions are ranked among them, so a car left out leaves no gap.
    `start_positions` (car -> grid position, overall or in class) adds the grid as lap 0.
    The x axis runs to the class leader's last lap, and the shaded laps are those the class
    leader ran under caution. Raises ValueError when no car of `cars` has a lap or a grid slot."""
    numbers = [number for number, _ in cars]
    records = {number: race.car(number) for number in numbers}
    grid = _grid(numbers, start_positions or {})
    laps = max((record.completed for record in records.values() if record), default=0)
    if laps == 0:
        raise ValueError(f"no laps to chart for {class_name}")
    ranks = _ranks(records, grid, laps)
    rows = max((rank for by_lap in ranks.values() for rank in by_lap.values()), default=1)
    frame, tick_x = _frame(numbers, rows, laps, first_lap=0 if grid else 1)
    y_ticks = tuple(Tick(tick_x, frame.y_at(p), str(p), frame.y_at(p)) for p in range(1, rows + 1))
    x_ticks = tuple(Tick(frame.x_at(lap), _round(frame.bottom + TICK_FONT + 4), "Grid" if lap == 0 else str(lap),
                         frame.x_at(lap)) for lap in _lap_ticks(frame))
    x_title = Label(_round((frame.left + frame.right) / 2), _round(frame.bottom + 2 * TICK_FONT + 6), "Lap", "middle")
    lines = [_line(frame, index, number, name, ranks[number], records[number])
             for index, (number, name) in enumerate(cars) if ranks[number]]
    lines = _place_labels(lines, frame, y_ticks)
    neutralised = _class_neutralised(records, ranks, laps)
    description, aria, caption = _words(class_name, cars, ranks, lines, laps, bool(grid), neutralised)
    return replace(
        frame, lines=tuple(lines), bands=_bands(frame, neutralised), neutralised=neutralised, x_ticks=x_ticks,
        y_ticks=y_ticks, x_title=x_title, title=f"{class_name}: position in class lap by lap",
        description=description, aria_label=aria + ".", caption=caption,
    )


def _frame(numbers: Sequence[str], rows: int, laps: int, first_lap: int) -> tuple[LapChart, float]:
    """The chart's frame, which places laps and positions (x_at, y_at), with the x of the
    position ticks; the lines and words are filled in later."""
    tick_x = _round(2 + _width(str(rows), TICK_FONT))
    widest = max(_width(f"#{number}", FONT, bold=True) for number in numbers)
    left = _round(tick_x + TICK_GAP + widest + PAD)
    right = _round(WIDTH - (widest + PAD + MARK + 2))
    top = 4
    bottom = _round(top + rows * ROW)
    height = _round(bottom + 2 * TICK_FONT + 14)
    frame = LapChart(width=WIDTH, height=height, left=left, top=top, right=right, bottom=bottom,
                     first_lap=first_lap, laps=laps, rows=rows, lines=(), bands=(), neutralised=(), x_ticks=(),
                     y_ticks=(), x_title=Label(0, 0, "", "middle"), font=FONT, tick_font=TICK_FONT,
                     title="", description="", aria_label="", caption="")
    return frame, tick_x


def _line(frame: LapChart, index: int, number: str, name: str, by_lap: dict[int, int],
          record: CarLaps | None) -> LapLine:
    """One car's line (its labels are placed later), a × where it stopped before the flag."""
    lap_numbers = tuple(sorted(by_lap))
    positions = tuple(by_lap[lap] for lap in lap_numbers)
    points = tuple((frame.x_at(lap), frame.y_at(p)) for lap, p in zip(lap_numbers, positions, strict=True))
    finished = bool(record and record.took_chequered_flag and lap_numbers[-1] > 0)
    end_x, end_y = points[-1]
    mark = "" if finished else (f"M{_text(end_x - MARK)} {_text(end_y - MARK)}L{_text(end_x + MARK)} "
                                f"{_text(end_y + MARK)}M{_text(end_x - MARK)} {_text(end_y + MARK)}"
                                f"L{_text(end_x + MARK)} {_text(end_y - MARK)}")
    colour, dash = line_style(index)
    return LapLine(
        car=number, name=name, number=f"#{number}", colour=colour, dash=dash,
        laps=lap_numbers, positions=positions, points=points, finished=finished,
        start_label=None, end_label=Label(0, 0, "", "start"), mark=mark,
        summary=_summary(name, lap_numbers, positions, finished, frame.laps, _led(by_lap)))


def _words(class_name: str, cars, ranks, lines: list[LapLine], laps: int, from_grid: bool,
           neutralised) -> tuple[str, str, str]:
    """The chart's description, its aria label (without the final full stop) and its caption."""
    absent = [name for number, name in cars if not ranks[number]]
    leaders = _leaders(cars, ranks, laps)
    cautions = _cautions(neutralised)
    stopped = [line for line in lines if not line.finished]
    span = f"each of {laps} laps" if laps > 1 else "the only lap"
    description = " ".join([
        f"Position in class of the {len(lines)} car{'s' if len(lines) != 1 else ''} of {class_name}"
        f" {'from the grid and ' if from_grid else ''}after {span}.",
        _caution_sentence(neutralised),
        *(line.summary for line in lines),
        *(f"{name} completed no lap." for name in absent),
    ])
    finishing = ", ".join(line.number for line in lines if line.finished)
    aria = f"Lap chart of {class_name}: {leaders}; {cautions}"
    if finishing:
        aria += f". At the flag: {finishing}"
    if stopped:
        aria += ". Stopped: " + ", ".join(f"{line.number} after lap {line.laps[-1]}" if line.laps[-1] else
                                          f"{line.number} on lap 1" for line in stopped)
    shaded = " (shaded)" if neutralised else ""
    caption = f"{leaders[0].upper()}{leaders[1:]}; {cautions}{shaded}."
    if stopped:
        caption += " × marks where a car stopped."
    return description, aria, caption


# --- positions ---------------------------------------------------------------------------------

def _grid(numbers: Sequence[str], start_positions: Mapping[str, int]) -> dict[str, int]:
    """Car -> place on the class's grid, from grid positions that may count every class."""
    starters = sorted((start_positions[n], n) for n in numbers if start_positions.get(n) is not None)
    return {car: place for place, (_, car) in enumerate(starters, start=1)}


def _ranks(records: Mapping[str, CarLaps | None], grid: Mapping[str, int], laps: int) -> dict[str, dict[int, int]]:
    """Car -> {lap: position among the charted cars}; lap 0 is the grid.

    Ranking the class positions again among the charted cars keeps the rows 1..n without gaps
    when the caller charts fewer cars than the export has in the class."""
    ranks: dict[str, dict[int, int]] = {car: {} for car in records}
    for car, place in grid.items():
        ranks[car][0] = place
    for lap in range(1, laps + 1):
        running = sorted((record.class_positions[lap - 1], car) for car, record in records.items()
                         if record and lap <= record.completed and record.class_positions[lap - 1] is not None)
        for place, (_, car) in enumerate(running, start=1):
            ranks[car][lap] = place
    return ranks


def _led(by_lap: Mapping[int, int]) -> int:
    return sum(1 for lap, place in by_lap.items() if lap > 0 and place == 1)


def _class_neutralised(records: Mapping[int, CarLaps | None], ranks: Mapping[int, Mapping[int, int]],
                       laps: int) -> tuple[int, ...]:
    """The laps the class leader completed under caution: a class laps behind the overall
    leader meets a caution on its own lap numbers."""
    leader_by_lap = {lap: car for car, by_lap in ranks.items() for lap, place in by_lap.items() if place == 1}
    neutralised = []
    for lap in range(1, laps + 1):
        record = records.get(leader_by_lap.get(lap))
        if record and lap in record.neutralised:
            neutralised.append(lap)
    return tuple(neutralised)


# --- geometry ----------------------------------------------------------------------------------

def _lap_ticks(frame: LapChart) -> list[int]:
    """The first lap, the last, and every `step` laps between, the step the smallest that keeps
    the labels apart."""
    first, last = frame.first_lap, frame.laps
    if last == first:
        return [first]
    per_lap = (frame.right - frame.left) / (last - first)
    room = _width(str(last), TICK_FONT) + TICK_GAP
    step = next((s for s in LAP_STEPS if s * per_lap >= room), LAP_STEPS[-1])
    ticks = [lap for lap in range(step, last, step) if lap > first]

    def apart(a: int, b: int) -> bool:
        label_a, label_b = ("Grid" if a == 0 else str(a)), ("Grid" if b == 0 else str(b))
        needed = (_width(label_a, TICK_FONT) + _width(label_b, TICK_FONT)) / 2 + TICK_GAP
        return abs(b - a) * per_lap >= needed

    # A first or last lap within half a step of its neighbour reads as a misprint (1, 2, 4, 6 ...).
    if ticks and (2 * (ticks[0] - first) <= step or not apart(first, ticks[0])):
        ticks.pop(0)
    if ticks and (2 * (last - ticks[-1]) <= step or not apart(ticks[-1], last)):
        ticks.pop()
    return [first, *ticks, last]


def _bands(frame: LapChart, neutralised: Sequence[int]) -> tuple[Band, ...]:
    """One band for each run of laps under caution, from the line the run starts at (the end of
    the lap before) to the end of its last lap."""
    bands = []
    for first, last in _runs(neutralised):
        start = frame.x_at(first - 1) if first - 1 >= frame.first_lap else frame.left
        end = frame.x_at(last)
        if end - start < 2 * MARK:  # lap 1 without a grid on the chart: nothing to its left to start from
            end = _round(start + 2 * MARK)
        text = f"Lap {first} under caution" if first == last else f"Laps {first}–{last} under caution"
        bands.append(Band(first, last, start, frame.top, _round(end - start), _round(frame.bottom - frame.top), text))
    return tuple(bands)


def _runs(laps: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted lap numbers as (first, last) of each run of consecutive laps."""
    runs: list[list[int]] = []
    for lap in laps:
        if runs and runs[-1][1] == lap - 1:
            runs[-1][1] = lap
        else:
            runs.append([lap, lap])
    return [(first, last) for first, last in runs]


def _place_labels(lines: list[LapLine], frame: LapChart, y_ticks: Sequence[Tick]) -> list[LapLine]:
    """Put each car number at both ends of its line, where it overlaps nothing already placed.

    Labels at the chart's edges go first (they are in rows of their own, one position each);
    labels inside the plot (a car that stopped, a lapped finisher) then take the nearest free
    spot: beside the end, half a row up or down, further, then on the other side."""
    taken = [Label(t.x, t.y, t.label, "end").box(TICK_FONT, bold=False) for t in y_ticks]
    bounds = (0, 0, frame.width, frame.bottom)
    jobs = []  # (inside the plot, a start label, line index, which end): ends before starts, winner first
    for index, line in enumerate(lines):
        if len(line.points) > 1:
            jobs.append((line.laps[0] != frame.first_lap, True, index, "start"))
        jobs.append((line.laps[-1] != frame.laps, False, index, "end"))
    starts: dict[int, Label] = {}
    ends: dict[int, Label] = {}
    for _, _, index, which in sorted(jobs):
        line = lines[index]
        x, y = line.points[0] if which == "start" else line.end
        sides = ("end",) if which == "start" else ("start", "end")
        label = _free_spot(line.number, x, y, sides, which == "end", taken, bounds, frame.rows)
        taken.append(label.box())
        (starts if which == "start" else ends)[index] = label
    return [replace(line, start_label=starts.get(index), end_label=ends[index]) for index, line in enumerate(lines)]


def _free_spot(text: str, x: float, y: float, anchors: Sequence[str], marked: bool,
               taken: Sequence[tuple[float, float, float, float]], bounds: tuple[float, float, float, float],
               rows: int) -> Label:
    offset = PAD + (MARK if marked else 0)
    shifts = [0] + [sign * k for k in range(1, 2 * rows + 2) for sign in (-1, 1)]
    candidates = [Label(_round(x + offset if anchor == "start" else x - offset), _round(y + shift * ROW / 2),
                        text, anchor) for anchor in anchors for shift in shifts]
    for label in candidates:
        box = label.box()
        inside = (bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3])
        if inside and not any(_overlap(box, other) for other in taken):
            return label
    return candidates[0]  # cannot happen with one row per position; a label beside its line all the same


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --- words -------------------------------------------------------------------------------------

def _summary(name: str, laps: Sequence[int], positions: Sequence[int], finished: bool, class_laps: int,
             led: int) -> str:
    first_lap, last_lap = laps[0], laps[-1]
    start = (f"started {ordinal(positions[0])}" if first_lap == 0 else
             f"was {ordinal(positions[0])} after lap {first_lap}")
    if finished:
        down = class_laps - last_lap
        end = f"finished {ordinal(positions[-1])}" + (f", {down} lap{'s' if down > 1 else ''} down" if down else "")
    elif last_lap == 0:
        end = "stopped on the first lap"
    else:
        end = f"stopped after lap {last_lap}, running {ordinal(positions[-1])}"
    text = f"{name} {start}, {end}"
    if led:
        text += ", led every lap" if led == class_laps else f", led {led} lap{'s' if led > 1 else ''}"
    return text + "."


def _leaders(cars: Sequence[tuple[int, str]], ranks: Mapping[int, Mapping[int, int]], laps: int) -> str:
    led = [(number, _led(ranks[number])) for number, _ in cars]
    led = sorted((item for item in led if item[1]), key=lambda item: -item[1])  # stable: classification order
    if len(led) == 1 and led[0][1] == laps:
        return f"#{led[0][0]} led every lap"
    if not led:  # only when the export lacks the laps that would tell
        return "no leader on record"
    listed = ", ".join(f"#{number} {count}" for number, count in led[:LEADERS_LISTED])
    others = len(led) - LEADERS_LISTED
    return f"laps led: {listed}" + (f" and {others} other{'s' if others > 1 else ''}" if others > 0 else "")


def _cautions(neutralised: Sequence[int]) -> str:
    count = len(neutralised)
    if not count:
        return "no laps under caution"
    return f"{count} lap{'s' if count > 1 else ''} under caution"


def _caution_sentence(neutralised: Sequence[int]) -> str:
    if not neutralised:
        return "No lap was run under caution."
    spans = [str(a) if a == b else f"{a}–{b}" for a, b in _runs(neutralised)]
    listed = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]
    plural = len(neutralised) > 1
    return f"Lap{'s' if plural else ''} {listed} {'were' if plural else 'was'} run under caution."

