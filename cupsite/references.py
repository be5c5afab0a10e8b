"""The drivers, teams and events a `cupsite new` command is given, judged against the site as the
build will judge them once the file is written: a name the site knows is taken; one close to a
known name is most likely a typo, and refused before anything is written; one close to nothing
is a newcomer, written with a line that says what the site still lacks for it."""

from __future__ import annotations

from typing import NamedTuple

from .config import SiteConfig
from .errors import ContentErrors, Problems
from .link import Site, closest_event, closest_name
from .publishing import Publishing
from .slugs import KeysByEnding, slugify

#: what a newcomer needs before a published story may name it, by kind
_WHAT_TO_ADD = {
    "driver": "add content/drivers/{slug}.md, or the driver to a season's entries.yaml",
    "team": "add content/teams/{slug}.md, or the team to a season's entries.yaml",
}


def linked_site(config: SiteConfig) -> Site | None:
    """The site as the build links it, drafts included, to judge names by; None when even that
    cannot be made (its problems are for `cupsite check` to report, not for a new story to wait on)."""
    from .link import link
    from .load import load_content

    try:
        return link(load_content(config, Problems(config.root)), config, Problems(config.root),
                    Publishing(drafts=True, future=True))
    except ContentErrors:
        return None


class Judged(NamedTuple):
    likely_typos: list[str]  # a sentence for each name or event to refuse
    newcomers: list[str]  # a line to tell for each name or event the site does not know yet


class EventFound(NamedTuple):
    key: str | None  # the event's key; None when the reference names none
    refusal: str = ""  # why it is refused: ambiguous, or close to a known event


def judge_names(site: Site, drivers=(), teams=(), event: str | None = None, new_names: bool = False) -> Judged:
    """The names (and the event) the site does not know yet: a name close to a known one, an
    event close to a known one or ambiguous, is a likely typo, unless `new_names` takes the
    close names as newcomers."""
    typos, newcomers = [], []
    for kind, names, known in (("driver", drivers, site.drivers), ("team", teams, site.teams)):
        for name in names:
            if slugify(name) in known:
                continue
            close = closest_name(name, known)
            if close is not None and not new_names:
                typos.append(f"{name!r} is no {kind} of the site: did you mean {close!r}? (--new-name writes it "
                             "as a new one)")
            else:
                newcomers.append(f"{name!r} matches no {kind} yet: {_WHAT_TO_ADD[kind].format(slug=slugify(name))}; "
                                 "until then `cupsite check` reports it as unknown")
    if event is not None:
        found = event_key(site, event)
        if found.refusal:
            typos.append(found.refusal)
        elif found.key is None:
            newcomers.append(f"the event {event!r} matches no round yet: add it with `cupsite new event`; until "
                             "then `cupsite check` reports it as unknown")
    return Judged(typos, newcomers)


def event_key(site: Site, reference: str) -> EventFound:
    """The event a reference names, as a story's `event:` finds it: an ambiguous one, or one
    close to a known event, is refused; one close to none is no event (key None)."""
    matches = sorted(KeysByEnding(site.events).ending_with(reference))
    if len(matches) == 1:
        return EventFound(matches[0])
    if matches:
        return EventFound(None, f"the event {reference!r} is ambiguous: write one of {', '.join(matches)}")
    close = closest_event(reference, site.events)
    if close is not None:
        return EventFound(None, f"{reference!r} is no event of the site: did you mean {close!r}? (a round not in "
                                "the calendar yet is added with `cupsite new event`)")
    return EventFound(None)
