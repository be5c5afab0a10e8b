"""The content model: plain frozen data passed between the pipeline stages."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Entry:
    number: int
    car_class: str
    team: str  # slug
    drivers: tuple[str, ...]  # slugs
    rookie: bool
    source: Source
    guest: bool = False  # takes part but never scores


@dataclass(frozen=True)
class ResultRow:
    position: int
    car: int
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


@dataclass(frozen=True)
class SessionResult:
    championship: str
    season: str
    event: str  # slug
    session: str  # slug
    rows: tuple[ResultRow, ...]
    source: Source


@dataclass(frozen=True)
class Lap:
    """One lap of one car, from a timing system's per-lap export."""

    car: int
    number: int  # 1 = the first lap
    time: float  # seconds
    elapsed: float  # seconds from the start to the end of this lap
    driver: int | None = None  # which of the crew drove it (1 = the first named)
    pit: bool = False  # the lap ended in the pit lane
    flag: str = ""  # the flag as the car crossed the line: GF, FCY, SC, ...
    line: int | None = None


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
