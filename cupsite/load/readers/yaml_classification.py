"""A hand-written classification, `<session>.yaml` (docs/formats.md, 'A session's
classification'): a list `results:` of rows, each checked against the entry list of the round."""

from __future__ import annotations

from ...errors import Problems
from ...model import STATUSES, ResultRow
from ...slugs import slugify
from ...timing import parse_gap, parse_status, parse_time
from ...yamlio import shown
from ..documents import read_yaml_file
from ..fields import Fields
from .base import CLASSIFICATION, NO_RESULTS_HINT, FileToRead, Reader

ROW_FIELDS = ("pos", "car", "status", "laps", "time", "gap", "interval", "best", "best_lap", "speed", "note",
              "drivers", "laps_led")


def read(file: FileToRead, problems: Problems) -> list[ResultRow] | None:
    # The file's own path is read, not `file.data`: the same bytes, from the build's read-once
    # store, which also says why a file cannot be read (`file.data` only stands for that in a key).
    path, cars = file.path, file.cars
    data = read_yaml_file(path, problems, NO_RESULTS_HINT)
    if data is None:
        return None
    fields = Fields(problems, path, data, "the classification", ("results",))
    rows_data = data.get("results") if fields.ok else None
    if not isinstance(rows_data, list):
        problems.add(path, 1, "the classification should hold a list `results:`",
                     "see docs/formats.md, 'A session's classification'")
        return None
    if not rows_data:
        problems.add(path, fields.line_of("results"), "the classification lists no cars", NO_RESULTS_HINT)
        return None
    return [row for row in (_load_row(path, item, cars, problems) for item in rows_data) if row]


def _load_row(path, item, cars: dict, problems: Problems) -> ResultRow | None:
    fields = Fields(problems, path, item, "a result row", ROW_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each result should be a mapping such as `- pos: 1` / `car: 23`")
        return None
    position = fields.integer("pos", required=True, minimum=1)
    car = fields.car_number("car", required=True)
    if car is not None and car not in cars:
        fields.error("car", f"car #{car} is not in the entry list for this round",
                     "add it to entries.yaml (or to the `rounds:` of its entry), or fix the number")
    written_status = fields.text("status", default="classified")
    status = parse_status(written_status)
    if status is None:
        fields.error("status", f"unknown status {shown(written_status)}", f"use one of: {', '.join(STATUSES)}")
        status = "classified"
    texts = {key: fields.text(key) for key in ("time", "best")}
    for key, text in texts.items():
        if text and parse_time(text) is None:
            fields.error(key, f"{shown(key)} is not a time: {shown(text)}", 'write it as "1:26.384" (in quotes)')
            texts[key] = ""
    gaps = {key: fields.text(key) for key in ("gap", "interval")}
    for key, gap in gaps.items():
        if gap and parse_gap(gap) is None:
            fields.error(key, f"{shown(key)} is not a gap: {shown(gap)}", 'write it as "+0.512", "+1 Lap" or "+3 Laps"')
            gaps[key] = ""
    drivers = fields.names("drivers")
    if drivers and car in cars:
        crew = cars[car].drivers
        for name in drivers:
            if slugify(name) not in crew:
                fields.error("drivers", f"{shown(name)} is not in the crew of car #{car}",
                             f"the entry list names: {', '.join(crew)}")
    if position is None or car is None:
        return None
    return ResultRow(position, car, status, fields.integer("laps", minimum=0), texts["time"], gaps["gap"],
                     texts["best"], fields.integer("best_lap", minimum=1), fields.text("note", lines=True),
                     tuple(slugify(d) for d in drivers), fields.line, fields.integer("laps_led", minimum=0),
                     gaps["interval"], fields.number("speed"))


READER = Reader("yaml", "hand-written classification", CLASSIFICATION, (".yaml", ".yml"), read)
