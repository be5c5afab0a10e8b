"""`cupsite new`: start a story or a session's classification with everything known filled in."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .config import SiteConfig
from .errors import ContentErrors, Problems
from .link import Site
from .model import RACES, car_sort_key
from .publishing import Publishing
from .references import event_key, judge_names
from .slugs import slugify


def _season_file(config: SiteConfig, event) -> str:
    path = config.content_dir / "results" / event.championship / event.season / "season.yaml"
    return path.relative_to(config.root).as_posix()


class ScaffoldError(Exception):
    """The file cannot be started; the message says why and what to do."""

    exit_code = 1


class ScaffoldRefused(ScaffoldError):
    """The file is refused as asked for: it would break the build (a season with no entry list,
    a session already classified) or it names what is most likely a typo. Nothing is written;
    the command exits with 2, as for a bad option."""

    exit_code = 2


def new_article(config: SiteConfig, title: str, event: str | None, drivers: tuple[str, ...],
                now: datetime | None = None, teams: tuple[str, ...] = ()) -> Path:
    moment = (now or Publishing().moment()).astimezone(ZoneInfo(config.timezone))
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"the title {title!r} has no letters or digits to make a file name from")
    path = config.content_dir / "articles" / f"{moment:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(config.root)} already exists; choose another title or edit it")
    meta = {"title": title, "date": f"{moment:%Y-%m-%d %H:%M}", "author": "", "summary": "", "tags": []}
    if event:
        meta["event"] = event
    if drivers:
        meta["drivers"] = list(drivers)
    if teams:
        meta["teams"] = list(teams)
    meta["draft"] = True
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\nWrite the story here. Remove `draft: true` to publish it.\n",
                    encoding="utf-8")
    return path


def checked_names(site: Site, drivers=(), teams=(), event: str | None = None, new_names: bool = False) -> list[str]:
    """What a new story is given, judged against the site: the lines to tell of the names it does
    not know yet; a likely typo is refused before anything is written."""
    likely_typos, newcomers = judge_names(site, drivers, teams, event, new_names)
    if likely_typos:
        raise ScaffoldRefused("; ".join(likely_typos) + ". Nothing was written")
    return newcomers


def site_to_scaffold(config: SiteConfig) -> Site:
    """The site, to start a classification in: as `prepare` gives it, except that the other
    sessions' classifications may have problems. A results office starts the weekend's files
    together and fills each in as its session ends; one not filled in yet must not stop the next
    from being started (it still stops the build)."""
    from .link import link
    from .load import load_content

    problems = Problems(config.root)
    site = link(load_content(config, problems), config, problems, Publishing(drafts=True, future=True))
    others = [error for error in problems.items if not _is_classification(error.path) and not _is_story(error.path)]
    if others:
        raise ContentErrors(problems.items, problems.warnings)
    return site


def _is_story(path: str) -> bool:
    """A story's problem (a draft naming a driver not in the entry list yet) is not the results
    office's to wait on: a classification is started from the calendar and the entry list."""
    return path.startswith("content/articles/")


def _is_classification(path: str) -> bool:
    """content/results/<championship>/<season>/<round>/<file>, relative to the site's root."""
    parts = path.split("/")
    return len(parts) == 6 and parts[:2] == ["content", "results"]


def new_results(config: SiteConfig, site: Site, event_ref: str, session: str) -> Path:
    """A classification for a session, pre-filled with the entry list in car-number order."""
    key, refusal = event_key(site, event_ref)
    if refusal:
        raise ScaffoldRefused(refusal)
    if key is None:
        raise ScaffoldRefused(f"no event {event_ref!r}; events: {', '.join(sorted(site.events)) or 'none'} (a round "
                              "is added with `cupsite new event`)")
    event = site.events[key]
    if not event.sessions:
        raise ScaffoldRefused(f"round {event.round} ({event.name}) has no sessions yet: add them under its "
                              f"`sessions:` in {_season_file(config, event)} (docs/formats.md, season.yaml)")
    if session not in {s.slug for s in event.sessions}:
        raise ScaffoldRefused(f"round {event.round} ({event.name}) has no session {session!r}; sessions: "
                              f"{', '.join(s.slug for s in event.sessions)}")
    folder = config.content_dir / "results" / event.championship / event.season
    path = folder / event.slug / f"{session}.yaml"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(config.root)} already exists; edit it instead")
    season = next(s for s in site.seasons if (s.championship, s.year) == (event.championship, event.season))
    if not season.entries:
        # with no cars the file would hold an empty `results:`, which stops every later build
        raise ScaffoldRefused(
            f"the season {event.championship}/{event.season} has no entry list yet, so there are no cars to "
            f"classify; nothing was written. Add {(folder / 'entries.yaml').relative_to(config.root)} with each "
            "car's number, class, team and drivers (docs/formats.md, 'The entry list'), then run this again")
    existing = _classifications_of(path.parent, session)
    if existing:
        raise ScaffoldRefused(f"{existing[0].relative_to(config.root)} is the classification of {session} already; "
                              "a second one would stop the build. Nothing was written")
    race = next(s.type for s in event.sessions if s.slug == session) in RACES
    # The measurements are left blank, not 0 or "": the file builds only once timing's figures are
    # in (see load/classifications.py, _measured), so a skeleton in car-number order is never scored.
    blanks = "laps: , time: , gap: , best: " if race else "best: , laps: "
    lines = [f"# {event.name} {event.season}, {session}: put the rows in finishing order and renumber pos,",
             "# then fill in " + ("laps and time or gap" if race else "best laps") + " from the official "
             "classification; until then the site does not build",
             "results:"]
    for position, entry in enumerate(sorted(season.entries, key=lambda e: car_sort_key(e.number)), start=1):
        names = " / ".join(site.drivers[d].name for d in entry.drivers)
        lines.append(f"  - {{pos: {position}, car: {entry.number}, {blanks}}}  # {names}, {entry.car_class}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _classifications_of(folder: Path, session: str) -> list[Path]:
    """The files of a round's folder that the build reads as the session's classification (an
    official timing export, say), whatever their suffix."""
    from .load.readers.base import CLASSIFICATION
    from .load.readers.registry import reader_for

    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        claim = reader_for(path, Problems(folder)) if path.is_file() else None
        if claim is not None and claim.reader.kind == CLASSIFICATION and claim.session(path) == session:
            found.append(path)
    return found


def new_event(config: SiteConfig, season_ref: str, number: int, name: str, track: str, start: str, end: str,
              timezone: str) -> Path:
    """Add a round to a season's calendar, at the end of its `rounds:` list."""
    parts = [p for p in season_ref.strip("/").split("/") if p]
    if len(parts) == 1 and len(config.championships) == 1:
        parts = [config.championships[0].slug, parts[0]]
    if len(parts) != 2:
        raise ScaffoldError(f"write the season as <championship>/<year>, not {season_ref!r}")
    path = config.content_dir / "results" / parts[0] / parts[1] / "season.yaml"
    if not path.is_file():
        raise ScaffoldError(f"{path.relative_to(config.root)} does not exist; start the season with "
                            f"`cupsite new season {parts[0]}/{parts[1]}`")
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if list(data)[-1:] != ["rounds"]:
        raise ScaffoldError(f"{path.relative_to(config.root)} does not end with its `rounds:` list; "
                            "add the round by hand")
    rounds = data.get("rounds") or []
    slug = slugify(name)
    if any(r.get("round") == number or r.get("slug", slugify(str(r.get("name", "")))) == slug for r in rounds):
        raise ScaffoldError(f"the season already has round {number} or a round called {slug!r}")
    for value, what in ((start, "start"), (end, "end")):
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise ScaffoldError(f"the {what} date {value!r} should be written YYYY-MM-DD") from None
    try:
        ZoneInfo(timezone)
    except (ValueError, KeyError):
        raise ScaffoldError(f"unknown time zone {timezone!r}; use an IANA name such as America/New_York") from None
    indent = next((line[: len(line) - len(line.lstrip())] for line in text.splitlines()
                   if line.lstrip().startswith("- round:")), "  ")
    block = yaml.safe_dump([{"round": number, "slug": slug, "name": name, "track": track, "start": start,
                             "end": end, "timezone": timezone, "sessions": []}],
                           allow_unicode=True, sort_keys=False)
    block = "".join(indent + line if line.strip() else line for line in block.splitlines(keepends=True))
    if "rounds: []" in text:
        text = text.replace("rounds: []", "rounds:", 1)
    path.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
    return path


def new_season(config: SiteConfig, season_ref: str, entries_from: str | None = None) -> list[Path]:
    """Start a season: its calendar with no rounds yet (`new event` adds them) and, when asked,
    the entry list of an earlier season of the championship to start from."""
    championship, year = _season_parts(config, season_ref)
    folder = config.content_dir / "results" / championship / year
    if (folder / "season.yaml").exists():
        raise ScaffoldError(f"{(folder / 'season.yaml').relative_to(config.root)} already exists; "
                            "add rounds with `cupsite new event`")
    source = None
    if entries_from is not None:
        source = config.content_dir / "results" / championship / _year(entries_from) / "entries.yaml"
        if not source.is_file():
            raise ScaffoldError(f"there is no entry list to copy: {source.relative_to(config.root)} does not exist")
    folder.mkdir(parents=True, exist_ok=True)
    calendar = folder / "season.yaml"
    calendar.write_text(f"# The {year} calendar: add each round with `cupsite new event {championship}/{year} ...`,\n"
                        "# then write its sessions under it (docs/formats.md)\n"
                        f"name: {year} season\nrounds: []\n", encoding="utf-8")
    written = [calendar]
    if source is not None:
        copy = folder / "entries.yaml"
        text = source.read_text(encoding="utf-8")
        # an entry's `rounds:` names rounds of the earlier calendar, which this one may not have
        rounds = f"; its `rounds:` are those of {entries_from}" if re.search(r"^\s*-?\s*rounds\s*:", text, re.M) else ""
        copy.write_text(f"# Copied from the {entries_from} entry list: change it to this season's{rounds}\n" + text,
                        encoding="utf-8")
        written.append(copy)
    return written


def _season_parts(config: SiteConfig, season_ref: str) -> tuple[str, str]:
    """<championship>/<year> (or only <year> on a site of one championship), checked."""
    from .config_schema import did_you_mean

    parts = [p for p in season_ref.strip("/").split("/") if p]
    if len(parts) == 1 and len(config.championships) == 1:
        parts = [config.championships[0].slug, parts[0]]
    if len(parts) != 2:
        raise ScaffoldError(f"write the season as <championship>/<year>, such as "
                            f"{config.championships[0].slug}/2026, not {season_ref!r}")
    slugs = [c.slug for c in config.championships]
    if parts[0] not in slugs:
        raise ScaffoldError(f"cupsite.toml has no championship {parts[0]!r}; "
                            + (did_you_mean(parts[0], slugs) or f"its championships: {', '.join(slugs)}"))
    return parts[0], _year(parts[1])


def _year(text: str) -> str:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 1800 <= int(text) <= 2999):
        raise ScaffoldError(f"{text!r} is not a season's year; write the year, such as 2026")
    return text
