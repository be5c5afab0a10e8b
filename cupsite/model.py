"""The content model: plain frozen data passed between the pipeline stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

SESSION_TYPES = ("practice", "qualifying", "warmup", "sprint", "race")
RACES = ("race", "sprint")  # the session types run as races: finishing order, gaps, laps led
SCORING_STATUSES = ("classified",)
STATUSES = ("classified", "nc", "dnf", "dns", "dsq")
STATUS_LABELS = {
    "classified": "Classified",
    "nc": "Not classified",
    "dnf": "Retired",
    "dns": "Did not start",
    "dsq": "Disqualified",
}


@dataclass(frozen=True)
class Source:
    """Where a piece of content came from, for error messages."""

    path: str
    line: int | None = None


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: datetime
    body_html: str
    summary: str
    source: Source
    author: str = ""
    tags: tuple[str, ...] = ()
    event_ref: str = ""
    driver_refs: tuple[str, ...] = ()
    team_refs: tuple[str, ...] = ()
    image: str = ""
    image_alt: str = ""
    image_focus: tuple[float, float] = (0.5, 0.5)  # the point of the photo its crops keep in view: (x, y) fractions
    image_credit: str = ""  # who took the photo
    draft: bool = False
    updated: datetime | None = None
    toc: tuple[tuple[int, str, str], ...] = ()  # (level, anchor, title) of each heading
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # front matter key -> line
    body_source: str = field(default="", compare=False, repr=False)  # the Markdown, for the checks; "" once linked
    body_line: int = 1
    embeds: tuple = ()  # embeds.Embed, one per marker in body_html
    paths: tuple = ()  # body_links.BodyLink: each path the body links to, checked once pages are planned


@dataclass(frozen=True)
class Profile:
    """A driver, team or track profile: its front matter and biography."""

    kind: str  # "driver" | "team" | "track"
    slug: str
    name: str
    body_html: str
    fields: dict
    source: Source
    aliases: tuple[str, ...] = ()
    paths: tuple = ()  # body_links.BodyLink: each path the biography links to
    lines: dict = field(default_factory=dict, compare=False)  # front matter key -> line, where needed


@dataclass(frozen=True)
class SessionInfo:
    slug: str
    name: str
    type: str
    start: datetime  # naive local time at the track
    duration: int | None = None
    points_factor: float = 1.0


@dataclass(frozen=True)
class Event:
    championship: str
    season: str
    round: int
    slug: str
    name: str
    track: str  # slug
    start: date
    end: date
    timezone: str
    sessions: tuple[SessionInfo, ...]
    source: Source
    broadcast: str = ""
    short_name: str = ""  # a few letters for narrow table headers, e.g. "IMS"

    @property
    def key(self) -> str:
        return f"{self.championship}/{self.season}/{self.slug}"


_DIGITS = re.compile(r"(\d+)")


def car_sort_key(number: str) -> tuple:
    """Car numbers in natural order: 0, 00, 7, 007, 10, 77. A number is a label kept as written
    ("007" and "7" are two cars), so equal values are told apart by their length, then text."""
    parts = _DIGITS.split(number)
    return tuple((int(part), len(part)) if part.isdigit() else (-1, part) for part in parts if part), number


@dataclass(frozen=True)
class Entry:
    number: str  # as written: "7", "007", "00" are three cars
    car_class: str
    team: str  # slug
    drivers: tuple[str, ...]  # slugs
    rookie: bool
    source: Source
    guest: bool = False  # takes part but never scores
    rounds: tuple[int, ...] = ()  # the rounds it is entered for; () for every round

    def enters(self, round_number: int) -> bool:
        return not self.rounds or round_number in self.rounds


@dataclass(frozen=True)
class ResultRow:
    position: int
    car: str
    status: str = "classified"
    laps: int | None = None
    time: str = ""
    gap: str = ""
    best: str = ""
    best_lap: int | None = None
    note: str = ""
    drivers: tuple[str, ...] = ()  # who drove, when the file names them; else the entry's crew
    line: int | None = None
    laps_led: int | None = None
    interval: str = ""  # to the car ahead, as timing writes it: "+0.611", "+1 Lap"
    speed: float | None = None  # km/h on the best lap
    class_laps_led: int | None = None  # laps first in its class, from a per-lap export
    timing: object = None  # stints.CarTiming: stints, pit stops, sectors, from a per-lap export


@dataclass(frozen=True)
class SessionResult:
    championship: str
    season: str
    event: str  # slug
    session: str  # slug
    rows: tuple[ResultRow, ...]
    source: Source
    # worked out from the per-lap export (laps.csv) because no classification was filed beside it
    from_laps: bool = False


@dataclass(frozen=True)
class Lap:
    """One lap of one car, from a timing system's per-lap export."""

    car: str
    number: int  # 1 = the first lap
    time: float  # seconds
    elapsed: float  # seconds from the start to the end of this lap
    driver: int | None = None  # which of the crew drove it (1 = the first named)
    pit: bool = False  # the lap ended in the pit lane
    flag: str = ""  # the flag as the car crossed the line: GF, FCY, SC, ...
    line: int | None = None
    # LAP_IMPROVEMENT as the export writes it: 0 no mark; published race exports mark one lap a car,
    # 2 its best, 3 the session's fastest (a deleted lap loses its mark); None: no such column
    improvement: int | None = None
    sectors: tuple[float | None, ...] = ()  # S1, S2, S3 ... in seconds, when the export gives them
    top_speed: float | None = None  # km/h (TOP_SPEED), when given
    pit_time: float | None = None   # seconds in the pit lane as the export gives it (PIT_TIME)
    driver_name: str = ""  # the driver's slug, from DRIVER_NAME matched to the car's crew; "" if not given


@dataclass(frozen=True)
class SessionLaps:
    """Every lap of one session, in the order of the export."""

    championship: str
    season: str
    event: str  # slug
    session: str  # slug
    laps: tuple[Lap, ...]
    source: Source


@dataclass(frozen=True)
class Season:
    championship: str
    year: str
    name: str
    events: tuple[Event, ...]
    entries: tuple[Entry, ...]
    source: Source
    points_system: object = None  # rules.PointsSystem when season.yaml overrides the championship's
    adjustments: tuple = ()  # adjustments.Adjustment: points added or taken away after a round

    def cars_at(self, round_number: int) -> dict[str, Entry]:
        """The entry behind each car number at a round: a number may pass to another team, or a
        driver to another car, between rounds (entries.yaml `rounds:`)."""
        return {entry.number: entry for entry in self.entries if entry.enters(round_number)}


@dataclass(frozen=True)
class Content:
    """Everything read from content/, before references are resolved."""

    articles: tuple[Article, ...] = ()
    seasons: tuple[Season, ...] = ()
    results: tuple[SessionResult, ...] = ()
    laps: tuple[SessionLaps, ...] = ()
    drivers: tuple[Profile, ...] = ()
    teams: tuple[Profile, ...] = ()
    tracks: tuple[Profile, ...] = ()
    names: dict = field(default_factory=dict)  # slug -> display name seen in entry lists
