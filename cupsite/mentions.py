"""Mentions: the first time a story's text names a known driver, team, track or event, the name
becomes a link to its page (never inside a heading, code or an existing link).

Links are written as `cupsite:<kind>/<key>` and turned into real addresses when a page or a
feed is rendered, since only then is it known where the story is shown."""

from __future__ import annotations

import re

SCHEME = "cupsite:"
SKIPPED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}
_LINK = re.compile(r'href="cupsite:(driver|team|track|event)/([^"]+)"')


class NameIndex:
    """Every name (and alias) a story may use, to the thing it names, as (kind, key); one
    pattern for all. An event is named by its round name, ("event", name), and resolved per
    story."""

    def __init__(self, names: dict[str, tuple[str, str]]):
        self.names = {name.casefold(): target for name, target in names.items() if name.strip()}
        self.pattern = re.compile(
            r"(?<![\w])(" + _alternatives(self.names) + r")(?![\w])", re.IGNORECASE
        ) if self.names else None

    def target(self, text: str) -> tuple[str, str]:
        return self.names[text.casefold()]


def _alternatives(names) -> str:
    """One pattern for many names, factored as a tree of their letters: with hundreds of drivers a
    plain `a|b|c...` tries every name at every position, twenty times slower. Longer names are
    tried first ("Indianapolis Motor Speedway" before "Indianapolis")."""
    tree: dict = {}
    for name in names:
        node = tree
        for letter in name:
            node = node.setdefault(letter, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(letter) + pattern(child) for letter, child in sorted(node.items()) if letter]
        if not branches:
            return ""
        inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{inner})?" if "" in node else inner

    return pattern(tree)


def link_mentions(body_html: str, index: NameIndex, event_named) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The body with each thing's first mention linked, and every (kind, key) mentioned.
    `event_named(name)` gives the key of the event a story means by a round's name (the same
    name recurs every season), or None."""
    if index.pattern is None:
        return body_html, ()
    linker = _MentionLinker(index, event_named)
    out, skipped = [], []  # skipped: the open elements whose text is never linked
    for position, piece in enumerate(_MARKUP.split(body_html)):
        if position % 2 == 0:  # text between tags
            out.append(piece if skipped or not piece else index.pattern.sub(linker.link, piece))
            continue
        out.append(piece)
        tag = _TAG_NAME.match(piece)
        if tag is None:  # a comment or a declaration
            continue
        name = tag.group(2).lower()
        if name not in SKIPPED:
            continue
        if tag.group(1):
            if name in skipped:
                del skipped[len(skipped) - 1 - skipped[::-1].index(name):]
        elif not piece.endswith("/>"):
            skipped.append(name)
    return "".join(out), tuple(linker.mentioned)


# Markdown's HTML is well formed, so a tag is `<` up to the next `>` outside quotes; a tokenizer
# this simple is several times faster than html.parser, which was the costliest step of linking.
_MARKUP = re.compile(r"(<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")


class _MentionLinker:
    def __init__(self, index: NameIndex, event_named):
        self.index = index
        self.event_named = event_named
        self.mentioned: list[tuple[str, str]] = []
        self.linked: set[tuple[str, str]] = set()

    def link(self, match: re.Match) -> str:
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


def resolve_links(body_html: str, address) -> str:
    """Replace the `cupsite:` links with real addresses: `address(kind, key)` gives one."""
    return _LINK.sub(lambda m: f'href="{address(m.group(1), m.group(2))}"', body_html)
