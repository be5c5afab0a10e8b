"""Checks for content that builds but may not be what its writer meant: warnings for likely
mistakes (a misspelled name, a class colour nobody can read), which `cupsite check --strict` (and
CI) turns into failures, and notes for what is normal but worth knowing (a story of no event, a
driver without a profile), listed only on request."""

from __future__ import annotations

import re

from . import steps
from .config import contrast
from .errors import Problems
from .link import Site
from .model import Content

# Two or three capitalised words in a row: the shape of a person's or a team's name.
_NAME_LIKE = re.compile(r"[A-Z][\w-]+(?:[ \t]+[A-Z][\w-]+){1,2}\b")  # must also start a word: see _name_like
MIN_CONTRAST = 4.5
SIMILARITY = 0.85  # how close to a known name a phrase must be to look like a misspelling of it


def find_warnings(content: Content, site: Site, problems: Problems) -> None:
    _stories_without_event(site, problems)
    _drivers_without_profile(content, site, problems)
    _misspelled_names(content, site, problems)
    _faint_class_colours(site, problems)


def _faint_class_colours(site: Site, problems: Problems) -> None:
    """A class colour that neither dark nor white text reads well on (WCAG AA: 4.5:1 for the
    chips' small text)."""
    for championship in site.config.championships:
        for car_class in championship.classes:
            ratio = contrast(car_class.colour, car_class.ink)
            if ratio < MIN_CONTRAST:
                problems.warn(site.config.path, None,
                              f"the {car_class.code} class colour {car_class.colour} gives its chips a text "
                              f"contrast of {ratio:.2f}:1, below {MIN_CONTRAST}:1",
                              "pick a lighter or a darker colour for the class")


def _stories_without_event(site: Site, problems: Problems) -> None:
    for article in site.articles:
        if article.slug not in site.article_event and not article.event_ref:
            problems.note(article.source.path, article.source.line, "the story belongs to no event",
                          "if it reports on a round, add `event: <season>/<round>` so that it shows on "
                          "the event's page")


def _drivers_without_profile(content: Content, site: Site, problems: Problems) -> None:
    seen = set()
    for season in content.seasons:
        for entry in season.entries:
            for slug in entry.drivers:
                if slug in seen or site.drivers[slug].profile is not None:
                    continue
                seen.add(slug)
                problems.note(entry.source.path, entry.source.line, f"{site.drivers[slug].name} has no profile",
                              f"add content/drivers/{slug}.md with a short biography")


def _misspelled_names(content: Content, site: Site, problems: Problems) -> None:
    """Phrases in the published stories that look like a misspelled name. The Markdown is read
    from the stories as loaded: the linked ones do not keep it."""
    known = {}
    for people in (site.drivers, site.teams, site.tracks):
        for person in people.values():
            for name in (person.name, *(person.profile.aliases if person.profile else ())):
                known[name.casefold()] = person.name
    loaded = {article.source.path: article for article in content.articles}
    stories = [(article.source.path, article.body_line, article.body_source)
               for article in (loaded[published.source.path] for published in site.articles)]
    steps.checked_each(check_names, stories, _NameJudge(known), problems=problems)


class _NameJudge:
    """Which known name a phrase looks like a misspelling of, if any. The same phrases (the
    drivers' and teams' own names above all) recur in story after story, so each is judged once."""

    def __init__(self, known: dict[str, str]):
        self._known = known
        self._candidates = list(known)
        self._by_trigram: dict[str, set[str]] = {}  # the names each run of three letters is part of
        for name in self._candidates:
            for start in range(len(name) - 2):
                self._by_trigram.setdefault(name[start:start + 3], set()).add(name)
        self._verdicts: dict[str, str | None] = {}
        self._of_length: dict[int, list[str]] = {}

    def __reduce__(self):
        """A judge is the names it knows (its verdicts are only remembered work)."""
        return _NameJudge, (self._known,)

    def _comparable(self, length: int) -> list[str]:
        """The names, in order, long or short enough to be that close to a phrase of this length:
        the ratio cannot exceed 2 × the shorter length / the sum of both, and leaving the others
        out makes the search three times faster. (One point of slack keeps rounding out of it.)"""
        if length not in self._of_length:
            self._of_length[length] = [name for name in self._candidates
                                       if 200 * min(length, len(name)) >= (SIMILARITY * 100 - 1) * (length + len(name))]
        return self._of_length[length]

    def __call__(self, folded: str) -> str | None:
        if folded not in self._verdicts:
            self._verdicts[folded] = self._judge(folded)
        return self._verdicts[folded]

    def _judge(self, folded: str) -> str | None:
        if self._part_of_a_name(folded) or _holds_a_name(folded, self._known):
            return None  # a known name, part of one, or one inside a longer run of capitals
        from rapidfuzz import fuzz, process  # here: a build whose stories are all checked already never needs it

        close = process.extractOne(folded, self._comparable(len(folded)), scorer=fuzz.ratio,
                                   score_cutoff=SIMILARITY * 100)
        return self._known[close[0]] if close else None

    def _part_of_a_name(self, folded: str) -> bool:
        """Whether the phrase is part of a known name: only the names that share its first three
        letters are searched."""
        names = self._by_trigram.get(folded[:3], ()) if len(folded) >= 3 else self._candidates
        return any(folded in name for name in names)


def check_names(story: tuple, looks_like: _NameJudge, problems: Problems) -> None:
    """Warn of the phrases of a story, (its path, the line its body starts on, its Markdown), that
    look like a misspelled name."""
    path, body_line, text = story
    judged = set()
    for match in _name_like(text):  # a phrase never spans lines
        phrase = match.group(0)
        folded = phrase.casefold()
        if folded in judged:
            continue  # each phrase is judged once a story, and reported at its first line
        judged.add(folded)
        name = looks_like(folded)
        if name:
            line = body_line + text.count("\n", 0, match.start())
            problems.warn(path, line, f"{phrase!r} looks like a misspelling of {name!r}",
                          f"write {name!r}, or ignore this if it is another name")


def _name_like(text: str):
    """The matches of _NAME_LIKE that start a word. (Checking the start here rather than with `\b`
    in the pattern lets the regex engine skip ahead to capitals: 2.5 times faster.)"""
    position = 0
    while match := _NAME_LIKE.search(text, position):
        before = text[match.start() - 1] if match.start() else " "
        if before.isalnum() or before in "_-":
            position = match.start() + 1  # inside a word: look again from the next letter
            continue
        yield match
        position = match.end()


def _holds_a_name(phrase: str, known: dict) -> bool:
    words = phrase.split()
    return any(" ".join(words[start:end]) in known
               for start in range(len(words)) for end in range(start + 1, len(words) + 1))
