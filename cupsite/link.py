"""The link stage: resolve every reference by slug and build the back-references."""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from . import steps
from .config import SiteConfig
from .embeds import extract_embeds
from .errors import Problems
from .mentions import NameIndex, link_mentions
from .model import Article, Content, Profile, Season
from .pictures import checked_photos
from .publishing import Publishing
from .slugs import KeysByEnding, slugify
from .weekend import next_change


@dataclass(frozen=True)
class Person:
    """A driver, team or track as the site knows it: a slug, a name, maybe a profile."""

    kind: str
    slug: str
    name: str
    profile: Profile | None = None


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # published, newest first
    seasons: tuple[Season, ...]  # by championship order, then year
    events: dict  # event key -> Event
    results: dict  # (event key, session slug) -> SessionResult
    drivers: dict  # slug -> Person
    teams: dict
    tracks: dict
    article_event: dict = field(default_factory=dict)  # article slug -> event key
    article_drivers: dict = field(default_factory=dict)  # article slug -> driver slugs
    article_teams: dict = field(default_factory=dict)
    related: dict = field(default_factory=dict)  # article slug -> related article slugs
    driver_articles: dict = field(default_factory=dict)  # driver slug -> article slugs, newest first
    team_articles: dict = field(default_factory=dict)
    event_articles: dict = field(default_factory=dict)
    track_articles: dict = field(default_factory=dict)
    track_events: dict = field(default_factory=dict)  # track slug -> event keys
    team_entries: dict = field(default_factory=dict)  # team slug -> ((season, entry), ...)
    tags: dict = field(default_factory=dict)  # tag slug -> (tag name, article slugs)
    warnings: tuple = ()  # ContentErrors of severity "warning", found after linking
    next_due: datetime | None = None  # when the site changes by itself: a story comes due, a session starts or ends
    now: datetime | None = None  # the build's moment (publishing.py): what the site says is on, or next, is as of then
    image_sizes: dict = field(default_factory=dict)  # a story's or a profile's image -> its (width, height) in pixels
    photos: dict = field(default_factory=dict)  # site path of a photo shown -> photos.PhotoFacts
    laps: dict = field(default_factory=dict)  # (event key, session slug) -> SessionLaps

    @cached_property
    def article_by_slug(self) -> dict:
        return {a.slug: a for a in self.articles}


def link(content: Content, config: SiteConfig, problems: Problems, publishing: Publishing | None = None) -> Site:
    drivers = _people("driver", content.drivers, content.names, problems)
    teams = _people("team", content.teams, content.names, problems)
    tracks = _people("track", content.tracks, content.names, problems)
    order = {c.slug: i for i, c in enumerate(config.championships)}
    seasons = tuple(sorted(content.seasons, key=lambda s: (order.get(s.championship, 0), s.year)))
    events = {e.key: e for s in seasons for e in s.events}
    results = {(f"{r.championship}/{r.season}/{r.event}", r.session): r for r in content.results}
    laps = {(f"{r.championship}/{r.season}/{r.event}", r.session): r for r in content.laps}

    publishing = publishing or Publishing()
    now = publishing.moment()  # once: the stories published and what is on are of the same moment
    publishing = replace(publishing, now=now)
    articles = publishing.select(content.articles, ZoneInfo(config.timezone))
    _unique_slugs(articles, problems)
    articles.sort(key=lambda a: (a.date, a.slug), reverse=True)

    names = _name_index(drivers, teams, tracks, events)
    article_event, image_sizes = _events_and_image_sizes(articles, content, events, config, problems)
    photos = checked_photos(articles, content.drivers + content.teams + content.tracks, config, problems)
    article_drivers, article_teams, article_mentions = _linked_stories(
        articles, article_event, events, seasons, config, names, drivers, teams, problems)
    references = _references(articles, article_event, article_drivers, article_teams, article_mentions, events)
    track_events = defaultdict(list)
    for event in sorted(events.values(), key=lambda e: (e.start, e.key)):
        track_events[event.track].append(event.key)
    team_entries = defaultdict(list)
    for season in seasons:
        for entry in season.entries:
            team_entries[entry.team].append((season, entry))

    due = [publishing.next_due(content.articles, ZoneInfo(config.timezone)), next_change(events.values(), now)]
    return Site(
        config=config,
        next_due=min((moment for moment in due if moment is not None), default=None),
        now=now,
        image_sizes=image_sizes,
        photos=photos,
        articles=tuple(articles),
        seasons=seasons,
        events=events,
        results=results,
        laps=laps,
        drivers=drivers,
        teams=teams,
        tracks=tracks,
        article_event=article_event,
        article_drivers=article_drivers,
        article_teams=article_teams,
        driver_articles=_freeze(references["driver"]),
        team_articles=_freeze(references["team"]),
        event_articles=_freeze(references["event"]),
        track_articles=_freeze(references["track"]),
        track_events=_freeze(track_events),
        team_entries=_freeze(team_entries),
        tags={slug: (name, tuple(slugs)) for slug, (name, slugs) in sorted(references["tag"].items())},
    )


def _events_and_image_sizes(articles: list, content: Content, events: dict, config: SiteConfig,
                            problems: Problems) -> tuple[dict, dict]:
    """The event each story names (by slug), and the size of every image the stories and profiles show."""
    article_event, image_sizes = {}, {}
    event_keys = KeysByEnding(events)
    for article in articles:
        if article.event_ref:
            key = _resolve_event(article, events, event_keys, problems)
            if key:
                article_event[article.slug] = key
        size = _checked_image_size(article.image, article.source.path, article.lines.get("image"), config, problems)
        if size:
            image_sizes[article.image] = size
    for profile in content.drivers + content.teams + content.tracks:
        image = profile.fields.get("image")
        size = _checked_image_size(image, profile.source.path, profile.lines.get("image"), config, problems)
        if size:
            image_sizes[image] = size
    return article_event, image_sizes


def _linked_stories(articles: list, article_event: dict, events: dict, seasons: tuple, config: SiteConfig,
                    names: NameIndex, drivers: dict, teams: dict, problems: Problems) -> tuple[dict, dict, dict]:
    """Each story's body linked (replacing it in `articles`), and by story slug: its drivers, its
    teams (named in the front matter or mentioned), and all it mentions."""
    season_keys = {f"{s.championship}/{s.year}": s for s in seasons}
    class_codes = {c.slug: tuple(k.code for k in c.classes) for c in config.championships}

    def season_of(article) -> str:
        return events[article_event[article.slug]].season if article.slug in article_event else str(article.date.year)

    linked = steps.checked_each(link_story, [(article, season_of(article)) for article in articles],
                                events, season_keys, class_codes, names, _events_by_name(events),
                                problems=problems, finish=_linked_story)
    article_drivers, article_teams, article_mentions = {}, {}, {}
    for position, (article, mentioned) in enumerate(linked):
        articles[position] = article
        article_mentions[article.slug] = mentioned
        article_drivers[article.slug] = _with_mentions(
            _resolve_all(article, "drivers", article.driver_refs, drivers, problems), mentioned, "driver")
        article_teams[article.slug] = _with_mentions(
            _resolve_all(article, "teams", article.team_refs, teams, problems), mentioned, "team")
    return article_drivers, article_teams, article_mentions


def _references(articles: list, article_event: dict, article_drivers: dict, article_teams: dict,
                article_mentions: dict, events: dict) -> dict[str, dict]:
    """The stories of each driver, team, event and track, and each tag's (name, stories), newest first."""
    references = {kind: defaultdict(list) for kind in ("driver", "team", "event", "track")}
    tags: dict = {}
    for article in articles:  # newest first, so every back-reference list is newest first
        for slug in article_drivers[article.slug]:
            references["driver"][slug].append(article.slug)
        for slug in article_teams[article.slug]:
            references["team"][slug].append(article.slug)
        mentioned = article_mentions[article.slug]
        event_keys = list(dict.fromkeys(([article_event[article.slug]] if article.slug in article_event else [])
                                        + [key for kind, key in mentioned if kind == "event"]))
        for key in event_keys:
            references["event"][key].append(article.slug)
        for slug in dict.fromkeys([events[k].track for k in event_keys]
                                  + [key for kind, key in mentioned if kind == "track"]):
            references["track"][slug].append(article.slug)
        for tag in article.tags:
            name, slugs = tags.setdefault(slugify(tag), (tag, []))
            slugs.append(article.slug)
    return {**references, "tag": tags}


def _name_index(drivers: dict, teams: dict, tracks: dict, events: dict) -> NameIndex:
    """Names and aliases; where two things share a name, a driver wins over a team, a team over
    a track, a track over a round."""
    names: dict[str, tuple[str, str]] = {}
    for event in events.values():
        names[event.name] = ("event", event.name)
    for kind, people in (("track", tracks), ("team", teams), ("driver", drivers)):
        for slug, person in people.items():
            aliases = person.profile.aliases if person.profile else ()
            for name in (person.name, *aliases):
                names[name] = (kind, slug)
    return NameIndex(names)


def link_story(story: tuple, events, season_keys, class_codes, names, events_by_name, problems):
    """The HTML of a story, (the story, its season), with its embedded tables marked and its
    mentions linked: (HTML, embeds, mentioned)."""
    article, season = story
    event_named = functools.partial(_event_named, events_by_name.get(season, {}))
    body_html, embeds = extract_embeds(article, events, season_keys, class_codes, problems)
    body_html, mentioned = link_mentions(body_html, names, event_named)
    return body_html, embeds, mentioned


def _linked_story(story: tuple, linked: tuple) -> tuple:
    """The story with its linked HTML, and what it mentions. The whole story is what the cache
    keeps, so a later build gets the very same object back, digested by its key (see
    Fingerprints.name_by_key); the workers send back only the HTML. It leaves out the Markdown,
    which only the checks read, from the story as loaded: the cache holds each story's text once."""
    article, _ = story
    body_html, embeds, mentioned = linked
    return replace(article, body_html=body_html, embeds=embeds, body_source=""), mentioned


def _events_by_name(events: dict) -> dict[str, dict[str, str]]:
    """By season, the key of the event each round's name (casefolded) means."""
    by_season: dict = defaultdict(dict)
    for key, event in events.items():
        by_season[event.season][event.name.casefold()] = key
    return dict(by_season)


def _event_named(season_events: dict[str, str], name: str) -> str | None:
    return season_events.get(name.casefold())


def _with_mentions(slugs: tuple[str, ...], mentioned, kind: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(slugs + tuple(key for k, key in mentioned if k == kind)))


def _checked_image_size(image: str, source: str, line: int | None, config: SiteConfig,
                        problems: Problems) -> tuple[int, int] | None:
    """The (width, height) of a story's or a profile's image, read from the file's header, so that
    its page can hold the image's place before it loads (None for a full URL, or a size the header
    does not tell); a missing file or one outside static/ is an error."""
    if not image or image.startswith(("http://", "https://")):
        return None
    name = image.lstrip("/")
    if not name.startswith("static/"):
        problems.add(source, line, f"the image {image!r} is not under static/",
                     "put the file in the site's static/ folder and write /static/<name>")
        return None
    path = config.static_file(name.removeprefix("static/"))
    if path is None:
        problems.add(source, line, f"the image {image!r} does not exist",
                     f"add the file {name} to the site, or fix the path")
        return None
    return _file_image_size(path)


def static_image_size(config: SiteConfig, site_path: str) -> tuple[int, int] | None:
    """The (width, height) of an image of the static folders by its site path ('static/img/a.png'),
    if there is such a file and its header tells."""
    path = config.static_file(site_path.removeprefix("static/"))
    return _file_image_size(path) if path is not None else None


def _file_image_size(path) -> tuple[int, int] | None:
    return _image_size(str(path), path.stat().st_mtime_ns)  # read again only when the file changed


@functools.lru_cache(maxsize=4096)
def _image_size(path: str, modified: int) -> tuple[int, int] | None:
    import imagesize  # the header reader Sphinx uses: PNG, JPEG, GIF, WebP, AVIF, SVG and more

    try:
        width, height = imagesize.get(path)
    except (OSError, ValueError):
        return None
    return (int(width), int(height)) if width > 0 and height > 0 else None


def _freeze(mapping: dict) -> dict:
    return {key: tuple(values) for key, values in sorted(mapping.items())}


def _people(kind: str, profiles: tuple[Profile, ...], names: dict, problems: Problems) -> dict:
    people = {slug: Person(kind, slug, name) for (k, slug), name in names.items() if k == kind}
    for profile in profiles:
        known = people.get(profile.slug)
        if known is not None and known.name != profile.name:
            problems.add(profile.source.path, profile.source.line,
                         f"the profile names {profile.name!r}, the results name {known.name!r}",
                         "two spellings give the same slug: write the name the same way in both")
        people[profile.slug] = Person(kind, profile.slug, profile.name, profile)
    return dict(sorted(people.items()))


def _unique_slugs(articles: list[Article], problems: Problems) -> None:
    seen: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: a.source.path):
        if article.slug in seen:
            problems.add(article.source.path, None, f"duplicate article slug {article.slug!r}",
                         f"{seen[article.slug].source.path} has the same slug; rename one file or set `slug:`")
        else:
            seen[article.slug] = article


def _suggest(name: str, known: dict) -> str:
    close = closest_name(name, known)
    return f"did you mean {close!r}?" if close else ""


def closest_name(name: str, known: dict) -> str | None:
    """The known name or slug (of `known`, slug -> Person) that an unknown one is most likely a
    misspelling of: what a story's `drivers:` or `teams:` is told, and `cupsite new` refuses."""
    names = {person.name: slug for slug, person in known.items()}
    close = difflib.get_close_matches(name, list(names) + list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def closest_event(reference: str, events) -> str | None:
    """The event key an unknown `event:` is most likely a misspelling of."""
    close = difflib.get_close_matches(reference, list(events), n=1, cutoff=0.5)
    return close[0] if close else None


def _resolve_all(article: Article, what: str, refs: tuple[str, ...], known: dict, problems: Problems):
    slugs = []
    for ref in refs:
        slug = slugify(ref)
        if slug in known:
            if slug not in slugs:
                slugs.append(slug)
            continue
        hint = _suggest(ref, known) or f"add a profile in content/{what}/ or check the spelling"
        if not problems.unreadable(Problems.ENTRY_LIST):
            problems.add(article.source.path, _line(article, what), f"unknown {what[:-1]} {ref!r}", hint)
    return tuple(slugs)


def _line(article: Article, key: str):
    return article.lines.get(key, article.source.line)


def _resolve_event(article: Article, events: dict, event_keys: KeysByEnding, problems: Problems) -> str | None:
    matches = event_keys.ending_with(article.event_ref)
    if len(matches) == 1:
        return matches[0]
    if not matches and problems.unreadable(Problems.CALENDAR):
        return None  # the calendar that may hold it could not be read; that error is reported
    if not matches:
        close = closest_event(article.event_ref, events)
        hint = f"did you mean {close!r}?" if close else "write it as <season>/<round slug>, e.g. 2025/indianapolis"
        problems.add(article.source.path, _line(article, "event"), f"unknown event {article.event_ref!r}", hint)
    else:
        problems.add(article.source.path, _line(article, "event"), f"the event {article.event_ref!r} is ambiguous",
                     f"write one of: {', '.join(sorted(matches))}")
    return None


