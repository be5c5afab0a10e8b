"""Related stories: for each story, the few that share the most with it (event, drivers, teams,
tags). Worked out apart from the link stage, while the build's workers check names."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

from . import steps
from .link import Site
from .slugs import slugify

TAG_NEIGHBOURS = 100  # a shared tag relates stories at most this many stories apart in time


def related_stories(site: Site) -> dict:
    """For each story, the stories that share the most with it (see _related). Not made by `link`:
    the build works it out while the workers check names (`parallel.alongside`)."""
    return _cached_related(list(site.articles), site.article_event, site.article_drivers, site.article_teams)


def _cached_related(articles, article_event, article_drivers, article_teams) -> dict:
    """`_related`, from the build cache when no story's event, drivers, teams or tags changed (an
    edit to a story's text, the usual case, leaves them as they were)."""
    shared = tuple((a.slug, a.tags, article_event.get(a.slug), article_drivers[a.slug], article_teams[a.slug])
                   for a in articles)
    return steps.once(related_by_what_they_share, shared)


def related_by_what_they_share(stories: tuple) -> dict:
    """`_related` of stories given as (slug, tags, event, drivers, teams), newest first."""
    return _related([_Shared(*story) for story in stories], {s[0]: s[2] for s in stories if s[2] is not None},
                    {s[0]: s[3] for s in stories}, {s[0]: s[4] for s in stories})


@dataclass(frozen=True)
class _Shared:
    slug: str
    tags: tuple
    event: str | None
    drivers: tuple
    teams: tuple


def _related(articles, article_event, article_drivers, article_teams, limit: int = 3) -> dict:
    """Stories that share the event, drivers, teams or tags, best match first, then newest.
    A tag (a "race report") is shared by a large part of a big site, so it counts only between
    stories close in time; scoring every story sharing it made this step grow with the square
    of the number of stories."""
    by_driver, by_team, by_event, by_tag = (defaultdict(list) for _ in range(4))
    tag_slugs = {a.slug: [slugify(tag) for tag in a.tags] for a in articles}
    for position, a in enumerate(articles):  # newest first: every list is in rank order
        for d in article_drivers[a.slug]:
            by_driver[d].append(position)
        for t in article_teams[a.slug]:
            by_team[t].append(position)
        if a.slug in article_event:
            by_event[article_event[a.slug]].append(position)
        for tag in tag_slugs[a.slug]:
            by_tag[tag].append(position)
    related = {}
    for position, a in enumerate(articles):
        # every story sharing something, once per point it scores: counted by Counter in C
        sharers = []
        for d in article_drivers[a.slug]:
            sharers += by_driver[d]
        sharers *= 2
        for t in article_teams[a.slug]:
            sharers += by_team[t]
        if a.slug in article_event:
            sharers += by_event[article_event[a.slug]] * 3
        for tag in tag_slugs[a.slug]:
            sharing = by_tag[tag]
            sharers += sharing[bisect_left(sharing, position - TAG_NEIGHBOURS):
                               bisect_right(sharing, position + TAG_NEIGHBOURS)]
        scores = Counter(sharers)
        scores.pop(position, None)
        best = heapq.nsmallest(limit, [(-score, other) for other, score in scores.items()])
        related[a.slug] = tuple(articles[other].slug for _, other in best)
    return related
