"""Points adjustments in season.yaml (`adjustments:`), checked against the season's calendar and
entry list: every one names a known team, driver or car and a round of the calendar."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..adjustments import TARGET_KINDS, Adjustment
from ..errors import Problems
from ..model import Entry, Event, Source
from ..slugs import slugify
from ..yamlio import shown
from .fields import Fields

ADJUSTMENT_FIELDS = ("team", "driver", "car", "class", "points", "round", "reason", "withdrawn")
_EXAMPLE = "e.g. `- {team: Racing Point, points: -15, round: 4, reason: brake ducts}`"


def load_adjustments(path: Path, raw, events: tuple[Event, ...], entries: tuple[Entry, ...], problems: Problems,
                     line: int | None, entries_read: bool = True) -> tuple[Adjustment, ...]:
    """The adjustments of a season, each checked; one that cannot be applied as written is
    reported and left out. With the entry list unreadable, targets are not judged (nor kept)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(path, line, "`adjustments:` should be a list of points adjustments", _EXAMPLE)
        return ()
    found = (_adjustment(path, item, events, entries, problems, entries_read) for item in raw)
    return tuple(adjustment for adjustment in found if adjustment is not None)


def _adjustment(path, item, events, entries, problems, entries_read) -> Adjustment | None:
    fields = Fields(problems, path, item, "an adjustment", ADJUSTMENT_FIELDS)
    if not fields.ok:
        problems.add(path, None, "each adjustment should be a mapping with a team, driver or car, points and round",
                     _EXAMPLE)
        return None
    named = [kind for kind in TARGET_KINDS if fields.has(kind)]
    if len(named) != 1:
        problems.add(path, fields.line, "an adjustment should name one of `team:`, `driver:` or `car:`"
                     + (f", not {' and '.join(named)}" if named else ""), _EXAMPLE)
    withdrawn = _withdrawn(fields, named)
    points = 0 if withdrawn else _points(fields)
    round_number = _round(fields, events)
    reason = fields.text("reason")
    if fields.has("class") and named != ["driver"]:
        fields.error("class", "`class:` goes with `driver:` only (a team's or car's class is known)",
                     "remove `class:`")
    if len(named) != 1 or points is None or round_number is None or not entries_read:
        return None
    kind = named[0]
    targets = {"team": _team, "driver": _driver, "car": _car}[kind](fields, entries, round_number)
    if targets is None:
        return None
    target, drivers, teams = targets
    if withdrawn and not _entry_ended(fields, entries, target, events, round_number):
        return None
    return Adjustment(kind, target, points, round_number, reason, drivers, teams,
                      Source(problems.relative(path), fields.line), withdrawn)


def _entry_ended(fields: Fields, entries, team: str, events, round_number: int) -> bool:
    """A withdrawn team must have no car entered from its round on: its points would vanish
    while it still races."""
    still = sorted({event.round for event in events if event.round >= round_number
                    for e in entries if e.team == team and e.enters(event.round)})
    if still:
        fields.error("withdrawn", f"the team is withdrawn from round {round_number} but still has cars entered for "
                     f"round {still[0]}", "limit its entries with `rounds:` in entries.yaml, or name a later round")
    return not still


def _withdrawn(fields: Fields, named: list[str]) -> bool:
    """`withdrawn: true` takes a team's entry out of the teams' table from a round on, in place of points."""
    if not fields.has("withdrawn"):
        return False
    value = fields.mapping["withdrawn"]
    if value is not True and value is not False:
        fields.error("withdrawn", f"`withdrawn:` should be true or false, not {shown(value)}",
                     "write `withdrawn: true` to take the team out of the teams' table")
        return False
    if value and named != ["team"]:
        fields.error("withdrawn", "`withdrawn:` goes with `team:` only (a driver or car loses points with `points:`)",
                     "name the team, or write `points:` instead")
    if value and fields.has("points"):
        fields.error("points", "a withdrawn team's adjustment has no `points:`: its points no longer count at all",
                     "remove `points:` or `withdrawn:`")
    return value


def _points(fields: Fields) -> float | None:
    if not fields.has("points"):
        fields.problems.add(fields.path, fields.line, "the adjustment has no `points:`",
                            "add `points: -15` for a penalty, `points: 5` for an award")
        return None
    value = fields.mapping["points"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        fields.error("points", f"`points:` should be a number of points, not {shown(value)}",
                     "e.g. -15 for a penalty, 5 for an award")
        return None
    return value


def _round(fields: Fields, events) -> int | None:
    if not fields.has("round"):
        fields.problems.add(fields.path, fields.line, "the adjustment has no `round:`",
                            "add `round: 4` (a round number or slug): it counts in the tables after that round")
        return None
    value = fields.mapping["round"]
    text = str(value).strip()
    found = None
    if not isinstance(value, bool):
        if isinstance(value, int) or text.isdigit():
            found = next((e.round for e in events if e.round == int(text)), None)
        else:
            found = next((e.round for e in events if e.slug == text), None)
    if found is None:
        known = ", ".join(str(e.round) for e in events) or "none"
        fields.error("round", f"round {shown(value)} is not in the season's calendar",
                     f"use a round number ({known}) or a round's slug")
    return found


def _closest(slug: str, known) -> str:
    close = difflib.get_close_matches(slug, sorted(set(known)), n=1, cutoff=0.7)
    return f" (did you mean {shown(close[0])}?)" if close else ""


def _team(fields: Fields, entries, round_number: int):
    slug = slugify(fields.text("team"))
    if not any(e.team == slug and not e.guest for e in entries):
        fields.error("team", f"no team {shown(fields.text('team'))} in the season's entry list (guests excepted)",
                     "write the team as the entry list does" + _closest(slug, (e.team for e in entries)))
        return None
    return slug, (), (slug,)


def _driver(fields: Fields, entries, round_number: int):
    slug = slugify(fields.text("driver"))
    classes = sorted({e.car_class for e in entries if slug in e.drivers and not e.guest})
    if not classes:
        fields.error("driver", f"no driver {shown(fields.text('driver'))} in the season's entry list (guests excepted)",
                     "write the driver as the entry list does"
                     + _closest(slug, (d for e in entries for d in e.drivers)))
        return None
    code = fields.text("class")
    if code and code not in classes:
        fields.error("class", f"the driver is not entered in class {shown(code)}", f"use one of: {', '.join(classes)}")
        return None
    if not code and len(classes) > 1:
        fields.error("driver", f"the driver is entered in several classes ({', '.join(classes)})",
                     "add `class:` to say whose table changes")
        return None
    return slug, ((code or classes[0], slug),), ()


def _car(fields: Fields, entries, round_number: int):
    label = fields.car_number("car")
    if label is None:
        return None
    cars = [e for e in entries if e.number == label and e.enters(round_number) and not e.guest]
    if not cars:
        fields.error("car", f"no car {shown(label)} in the season's entry list at round {round_number} "
                     "(guests excepted)", "write the car number as the entry list does")
        return None
    drivers = tuple(dict.fromkeys((e.car_class, d) for e in cars for d in e.drivers))
    return label, drivers, tuple(dict.fromkeys(e.team for e in cars))

