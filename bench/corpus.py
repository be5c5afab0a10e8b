"""Synthetic sites for the benchmark, the same bytes every time (a seeded random generator).

- `news_site(folder, stories)`: a news desk: N stories of about 8 KB of Markdown (headings,
  paragraphs, a table, a list), with tags and drivers named in the front matter and the text,
  60 driver profiles and 12 teams, no results.
- `archive_site(folder)`: a series' history: 20 seasons x 8 rounds x 5 sessions x 30 cars,
  5,000 stories, 600 drivers, 40 teams, 8 tracks.
"""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

WORDS = ("the car pace tyre lap stint pit wall gap lead class podium corner brake rain track "
         "strategy crew engineer start restart caution flag points title round grid front rear "
         "balance setup traffic kerb apex straight chicane hairpin fuel window final sector "
         "qualifying race driver team season weekend result margin push defend attack clean").split()
FIRST_NAMES = ("Alex Blake Casey Dana Eli Frankie Gray Harper Indy Jordan Kai Logan Morgan Noel Owen Parker "
               "Quinn Riley Sasha Taylor Umar Val Wren Xan Yael Zion").split()
LAST_NAMES = ("Abbott Barros Castell Duarte Ekdahl Fontaine Garrow Hallett Ibarra Jansen Kowal Lindqvist "
              "Moreau Nakamura Okafor Petrov Quist Romano Sallis Tanaka Ulloa Vasquez Whitlock Xiong Yilmaz "
              "Zeller").split()
TAGS = [f"{topic} {n}" for topic in ("race report", "feature", "interview", "analysis", "preview") for n in range(8)]
TRACKS = [("Northfield Park", "America/New_York"), ("Lakeside Circuit", "America/Chicago"),
          ("Mesa Raceway", "America/Denver"), ("Bayshore Speedway", "America/Los_Angeles"),
          ("Pine Ridge", "America/New_York"), ("Red Hills Circuit", "America/Chicago"),
          ("Harbor Street Circuit", "America/Los_Angeles"), ("Summit Point Road", "America/New_York")]
CLASSES = ("PRO", "PROAM", "MASTERS")
SESSIONS = (("practice-1", "Practice 1", "practice", 0, "10:00"), ("practice-2", "Practice 2", "practice", 0, "15:00"),
            ("qualifying", "Qualifying", "qualifying", 1, "09:30"), ("race-1", "Race 1", "race", 1, "15:30"),
            ("race-2", "Race 2", "race", 2, "11:00"))

CONFIG = """[site]
title = "Bench Cup News"
base_url = "https://bench.example.org/"
language = "en"
timezone = "America/New_York"
articles_per_page = 10
search = false

[[championships]]
slug = "bench-cup"
name = "Bench Cup"
short_name = "Bench Cup"

  [[championships.classes]]
  code = "PRO"
  name = "Pro"
  colour = "#f28c28"

  [[championships.classes]]
  code = "PROAM"
  name = "Pro-Am"
  colour = "#2e9e4f"

  [[championships.classes]]
  code = "MASTERS"
  name = "Masters"
  colour = "#f2c500"

  [championships.points]
  race = [25, 20, 18, 16, 14, 12, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
"""
SITE_ZONE = ZoneInfo(tomllib.loads(CONFIG)["site"]["timezone"])  # the stories' times are read in it


def people(count: int, seed: str) -> list[str]:
    """`count` distinct full names."""
    rng = random.Random(seed)
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    if count > len(names):  # more than 26 x 26: add a second family name
        names += [f"{name}-{last}" for name in names for last in LAST_NAMES][: count - len(names)]
    return names[:count]


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def sentence(rng: random.Random, mention: str | None = None) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 18))]
    if mention:
        words.insert(rng.randint(1, len(words) - 1), mention)
    return " ".join(words).capitalize() + "."


def story_body(rng: random.Random, drivers: list[str], size: int = 8000) -> str:
    """About `size` bytes: sections with a heading and paragraphs, one table, one list."""
    parts = [" ".join(sentence(rng, drivers[0] if i == 0 else None) for i in range(5))]
    section = 0
    while sum(len(p) for p in parts) < size:
        section += 1
        parts.append(f"## {sentence(rng)[:-1].title()[:48]}")
        if section == 2:
            rows = [f"| {i} | {rng.choice(drivers)} | 1:{rng.randint(20, 29)}.{rng.randint(0, 999):03d} | "
                    f"{rng.randint(10, 30)} |" for i in range(1, 7)]
            parts.append("| Pos | Driver | Best lap | Laps |\n|---:|---|---:|---:|\n" + "\n".join(rows))
        elif section == 3:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(5)))
        for _ in range(3):
            parts.append(" ".join(sentence(rng, rng.choice(drivers) if rng.random() < 0.3 else None)
                                  for _ in range(rng.randint(4, 7))))
    return "\n\n".join(parts) + "\n"


def existing(when: datetime) -> datetime:
    """A time the site's clocks show: one in the hour skipped when they go forward in spring is
    moved an hour on (cupsite refuses a local time that does not exist, as it should)."""
    shown = when.replace(tzinfo=SITE_ZONE).astimezone(UTC).astimezone(SITE_ZONE).replace(tzinfo=None)
    return when if shown == when else when + timedelta(hours=1)


def story(rng: random.Random, when: datetime, title: str, drivers: list[str], tags: list[str],
          event: str | None = None) -> str:
    front = [f'title: "{title}"', f"date: {when:%Y-%m-%d %H:%M}", f"tags: [{', '.join(tags)}]",
             f"drivers: [{', '.join(drivers)}]"]
    if event:
        front.append(f"event: {event}")
    return "---\n" + "\n".join(front) + "\n---\n\n" + story_body(rng, drivers)


def write_profiles(folder: Path, kind: str, names: list[str], extra=lambda name: "") -> None:
    target = folder / "content" / kind
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        (target / f"{slug(name)}.md").write_text(f"---\nname: {name}\n{extra(name)}---\n\nA {kind[:-1]} of the "
                                                 f"benchmark series.\n", encoding="utf-8")


def news_site(folder: Path, stories: int) -> Path:
    rng = random.Random(f"news-{stories}")
    folder.mkdir(parents=True)
    (folder / "cupsite.toml").write_text(CONFIG, encoding="utf-8")
    drivers = people(60, "news-drivers")
    write_profiles(folder, "drivers", drivers)
    articles = folder / "content" / "articles"
    articles.mkdir(parents=True)
    start = datetime(2015, 1, 1, 9, 0)
    for number in range(stories):
        when = existing(start + timedelta(hours=number * 24 * 3650 // stories, minutes=number % 60))
        named = rng.sample(drivers, rng.randint(1, 3))
        title = f"{named[0]} {rng.choice(('wins', 'leads', 'fights back', 'sets the pace'))} in story {number}"
        (articles / f"{when:%Y-%m-%d}-story-{number}.md").write_text(
            story(rng, when, title, named, rng.sample(TAGS, 2)), encoding="utf-8")
    return folder


def archive_site(folder: Path, seasons: int = 20, stories: int = 5000, drivers: int = 600, teams: int = 40,
                 cars: int = 30) -> Path:
    rng = random.Random("archive")
    folder.mkdir(parents=True)
    (folder / "cupsite.toml").write_text(CONFIG, encoding="utf-8")
    driver_names, team_names = people(drivers, "archive-drivers"), [f"{n} Racing" for n in people(teams, "teams")]
    write_profiles(folder, "drivers", driver_names)
    write_profiles(folder, "teams", team_names)
    write_profiles(folder, "tracks", [name for name, _ in TRACKS],
                   lambda name: f"timezone: {dict(TRACKS)[name]}\n")
    events = []
    for year in range(2026 - seasons, 2026):
        season_dir = folder / "content" / "results" / "bench-cup" / str(year)
        season_dir.mkdir(parents=True)
        entries = [(number, rng.choice(driver_names), rng.choice(team_names), CLASSES[number % 3])
                   for number in rng.sample(range(2, 100), cars)]
        entries = _unique_drivers(entries, driver_names, rng)
        (season_dir / "entries.yaml").write_text("".join(
            f"- number: {n}\n  class: {k}\n  team: {t}\n  driver: {d}\n" for n, d, t, k in entries), encoding="utf-8")
        rounds = []
        for number, (track, zone) in enumerate(TRACKS, start=1):
            first_day = date(year, 3, 1) + timedelta(weeks=3 * number)
            event_slug = slug(track)
            rounds.append(_round(number, event_slug, track, zone, first_day))
            events.append((f"bench-cup/{year}/{event_slug}", first_day, [d for _, d, _, _ in entries]))
            for session, *_ in SESSIONS:
                (season_dir / event_slug).mkdir(exist_ok=True)
                (season_dir / event_slug / f"{session}.yaml").write_text(
                    _classification(rng, [n for n, *_ in entries], session.startswith("race")), encoding="utf-8")
        (season_dir / "season.yaml").write_text(f"name: {year} season\nrounds:\n" + "".join(rounds), encoding="utf-8")
    articles = folder / "content" / "articles"
    articles.mkdir(parents=True)
    for number in range(stories):
        key, first_day, field = events[number * len(events) // stories]
        named = rng.sample(field, 2)
        evening = datetime(first_day.year, first_day.month, first_day.day, 18, 0)
        when = existing(evening + timedelta(minutes=number % 600))
        (articles / f"{when:%Y-%m-%d}-story-{number}.md").write_text(
            story(rng, when, f"{named[0]} and {named[1]} in story {number}", named, rng.sample(TAGS, 2), key),
            encoding="utf-8")
    return folder


def _unique_drivers(entries, names, rng):
    """One car per driver in a season."""
    seen, unique = set(), []
    for number, driver, team, car_class in entries:
        while driver in seen:
            driver = rng.choice(names)
        seen.add(driver)
        unique.append((number, driver, team, car_class))
    return unique


def _round(number: int, event_slug: str, track: str, zone: str, first_day: date) -> str:
    sessions = "".join(f"      - slug: {s}\n        name: {name}\n        type: {kind}\n"
                       f"        start: {first_day + timedelta(days=day)} {clock}\n        duration: 40\n"
                       for s, name, kind, day, clock in SESSIONS)
    return (f"  - round: {number}\n    slug: {event_slug}\n    name: {track}\n    track: {track}\n"
            f"    start: {first_day}\n    end: {first_day + timedelta(days=2)}\n    timezone: {zone}\n"
            f"    sessions:\n{sessions}")


def _classification(rng: random.Random, numbers: list[int], race: bool) -> str:
    order = rng.sample(numbers, len(numbers))
    lines = ["results:"]
    for position, car in enumerate(order, start=1):
        best = f"1:{rng.randint(20, 29)}.{rng.randint(0, 999):03d}"
        if position == 1:
            timing = '"40:12.345"' if race else None
            lines.append(f"  - {{pos: 1, car: {car}, laps: 24, {'time: ' + timing + ', ' if timing else ''}"
                         f'best: "{best}"}}')
        else:
            lines.append(f'  - {{pos: {position}, car: {car}, laps: 24, gap: "+{position * 1.234:.3f}", '
                         f'best: "{best}"}}')
    return "\n".join(lines) + "\n"
