"""Mentions: the first time a story's text names a known driver, team, track or event, the name
becomes a link to its page (never inside a heading, code or an existing link).

Links are written as `cupsite:<kind>/<key>` and turned into real addresses when a page or a
feed is rendered, since only then is it known where the story is shown."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from urllib.parse import unquote

import ahocorasick

SCHEME = "cupsite:"
SKIPPED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}
# a mention's link (href), or a path in the text (href or src; see body_links); a path to the home
# page has an empty key
_LINK = re.compile(r'(\s)(href|src)="cupsite:(driver|team|track|event|site)/([^"]*)"')


class NameIndex:
    """Every name (and alias) a story may use, to the thing it names, as (kind, key). An event is
    named by its round name, ("event", name), and resolved per story. All names are searched at
    once with an Aho-Corasick automaton (`pyahocorasick`): one pass over the text whatever the
    number of drivers, five times faster than one regular expression of every name."""

    def __init__(self, names: dict[str, tuple[str, str]]):
        self.names = {_lower(name): target for name, target in names.items() if name.strip()}
        self._automaton = ahocorasick.Automaton()
        for name in self.names:
            self._automaton.add_word(name, len(name))
        if self.names:
            self._automaton.make_automaton()

    def __reduce__(self):
        """An index is its names: what a step's key digests, and all a copy needs to rebuild it."""
        return NameIndex, (self.names,)

    def target(self, text: str) -> tuple[str, str]:
        return self.names[_lower(text)]

    def find(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of each name in `text` that stands as whole words, leftmost first and,
        of names starting at the same place, the longest ("Indianapolis Motor Speedway", not
        "Indianapolis"); never overlapping."""
        if not self.names:
            return []
        lowered = _lower(text)
        found = sorted(((last + 1 - length, last + 1) for last, length in self._automaton.iter(lowered)
                        if _edge(lowered, last + 1 - length - 1) and _edge(lowered, last + 1)),
                       key=lambda span: (span[0], -span[1]))
        chosen, reached = [], 0
        for start, end in found:
            if start >= reached:
                chosen.append((start, end))
                reached = end
        return chosen


def _lower(text: str) -> str:
    """Lower case, one character for one (so positions in it are positions in the text)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _edge(text: str, index: int) -> bool:
    """Whether text[index] is outside the text or not part of a word."""
    return index < 0 or index >= len(text) or not (text[index].isalnum() or text[index] == "_")


def link_mentions(body_html: str, index: NameIndex, event_named) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The body with each thing's first mention linked, and every (kind, key) mentioned.
    `event_named(name)` gives the key of the event a story means by a round's name (the same
    name recurs every season), or None."""
    if not index.names:
        return body_html, ()
    # Tags, and elements whose text is never linked, are found first; a name found in one of
    # them is passed over. (A name cannot run into or out of one: each starts with `<`.)
    skipped = [(match.start(), match.end()) for match in _NOT_LINKED.finditer(body_html)]
    skipped_starts = [start for start, _ in skipped]
    linker = _MentionLinker(index, event_named)
    out, done = [], 0
    for start, end in index.find(body_html):
        before = bisect_right(skipped_starts, start) - 1
        if before >= 0 and start < skipped[before][1]:
            continue
        out += [body_html[done:start], linker.link(body_html[start:end])]
        done = end
    out.append(body_html[done:])
    return "".join(out), tuple(linker.mentioned)


# Markdown's HTML is well formed: a skipped element runs to its first closing tag (the elements
# skipped do not nest in themselves), and a tag is `<` up to the next `>` outside quotes, with no
# `<` in between: a stray `<` that a story's raw HTML lets through (raw_html = "allow") must not
# swallow the tag after it, and with it a heading's or a link's start.
_NOT_LINKED = re.compile(r"<(%s)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>"
                         % "|".join(sorted(SKIPPED)), re.S | re.I)


class _MentionLinker:
    def __init__(self, index: NameIndex, event_named):
        self.index = index
        self.event_named = event_named
        self.mentioned: list[tuple[str, str]] = []
        self.linked: set[tuple[str, str]] = set()

    def link(self, name: str) -> str:
        target = self.index.target(name)
        if target[0] == "event":
            key = self.event_named(target[1])
            if key is None:
                return name
            target = ("event", key)
        if target not in self.mentioned:
            self.mentioned.append(target)
        if target in self.linked:
            return name
        self.linked.add(target)
        kind, key = target
        return f'<a class="mention" href="{SCHEME}{kind}/{key}">{name}</a>'


def resolve_links(body_html: str, address) -> str:
    """Replace the `cupsite:` links with real addresses: `address(kind, key)` gives one, of a key
    that cannot climb above the site's root whatever the text held."""
    if SCHEME not in body_html:
        return body_html
    return _LINK.sub(lambda m: f'{m.group(1)}{m.group(2)}="'
                               f'{html.escape(address(m.group(3), within_site(html.unescape(m.group(4)))))}"',
                     body_html)


def within_site(key: str) -> str:
    """The key without the parts that could lead out of the site: '..', '.', empty parts, and
    parts holding a backslash, also when written %-escaped (browsers read %2e%2e as ..). The load
    stage refuses such keys written by hand (body_links.written_cupsite_links); this keeps any that
    slip through inside the site."""
    end = min((at for at in (key.find("?"), key.find("#")) if at >= 0), default=len(key))
    path, rest = key[:end], key[end:]
    parts = [part for part in path.split("/") if _plain_part(unquote(part))]
    return "/".join(parts) + ("/" if path.endswith("/") and parts else "") + rest


def _plain_part(part: str) -> bool:
    return part not in ("", ".", "..") and "\\" not in part and "/" not in part
