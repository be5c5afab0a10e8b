"""Mentions: the first time a story's text names a known driver, team, track or event, the name
becomes a link to its page (never inside a heading, code or an existing link).

Links are written as `cupsite:<kind>/<key>` and turned into real addresses when a page or a
feed is rendered, since only then is it known where the story is shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SCHEME = "cupsite:"
SKIPPED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}
_LINK = re.compile(r'href="cupsite:(driver|team|track|event)/([^"]+)"')


class NameIndex:
    """Every name (and alias) a story may use, to the thing it names, as (kind, key); one
    pattern for all. An event is named by its round name, ("event", name), and resolved per
    story."""

    def __init__(self, names: dict[str, tuple[str, str]]):
        self.names = {name.casefold(): target for name, target in names.items() if name.strip()}
        ordered = sorted(self.names, key=len, reverse=True)  # "Indianapolis Motor Speedway" before "Indianapolis"
        self.pattern = re.compile(
            r"(?<![\w])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w])", re.IGNORECASE
        ) if ordered else None

    def target(self, text: str) -> tuple[str, str]:
        return self.names[text.casefold()]


def link_mentions(body_html: str, index: NameIndex, event_named) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The body with each thing's first mention linked, and every (kind, key) mentioned.
    `event_named(name)` gives the key of the event a story means by a round's name (the same
    name recurs every season), or None."""
    if index.pattern is None:
        return body_html, ()
    linker = _MentionLinker(index, event_named)
    linker.feed(body_html)
    linker.close()
    return "".join(linker.out), tuple(linker.mentioned)


class _MentionLinker(HTMLParser):
    def __init__(self, index: NameIndex, event_named):
        super().__init__(convert_charrefs=False)
        self.index = index
        self.event_named = event_named
        self.out: list[str] = []
        self.open: list[str] = []
        self.mentioned: list[tuple[str, str]] = []
        self.linked: set[tuple[str, str]] = set()

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag not in ("br", "hr", "img", "input", "meta", "link", "col", "source", "wbr"):
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        skip = any(tag in SKIPPED for tag in self.open)
        self.out.append(data if skip else self.index.pattern.sub(self._link, data))

    def _link(self, match: re.Match) -> str:
        target = self.index.target(match.group(1))
        if target[0] == "event":
            key = self.event_named(target[1])
            if key is None:
                return match.group(0)
            target = ("event", key)
        if target not in self.mentioned:
            self.mentioned.append(target)
        if target in self.linked:
            return match.group(0)
        self.linked.add(target)
        kind, key = target
        return f'<a class="mention" href="{SCHEME}{kind}/{key}">{match.group(0)}</a>'

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def resolve_links(body_html: str, address) -> str:
    """Replace the `cupsite:` links with real addresses: `address(kind, key)` gives one."""
    return _LINK.sub(lambda m: f'href="{address(m.group(1), m.group(2))}"', body_html)
