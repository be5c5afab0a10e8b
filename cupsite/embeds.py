"""Data placed inside a story at build time: a fenced block of kind `cupsite` whose YAML names
a session's classification, a standings table, an entry list or an event schedule. The numbers
come from the result files, so a correction there corrects every story (docs/formats.md)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .errors import Problems
from .model import Article
from .slugs import keys_ending_with
from .yamlio import LineDict, YamlError, load_yaml

KINDS = ("classification", "standings", "entries", "schedule")
OPTIONS = KINDS + ("class", "top", "after_round")
_BLOCK = re.compile(r'<pre><code class="language-cupsite">(.*?)</code></pre>', re.S)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*cupsite[ \t]*$", re.M)
MARKER_PREFIX = "<!--cupsite-embed:"
MARKER = MARKER_PREFIX + "{}-->"
MARKER_PATTERN = re.compile(re.escape(MARKER_PREFIX) + r"(\d+)-->")


@dataclass(frozen=True)
class Embed:
    kind: str  # one of KINDS
    target: str  # an event key (classification, schedule) or "<championship>/<season>"
    session: str = ""  # for a classification
    car_class: str = ""  # only this class
    top: int = 0  # only the first N rows (per class)
    after_round: int = 0  # for standings: after this round (0: the latest)


def extract_embeds(article: Article, events: dict, seasons: dict, class_codes: dict, problems: Problems):
    """The body with each block replaced by a marker, and the embeds in order. A marker written
    in the story itself (raw HTML passes) is dropped: markers stand only for the story's blocks."""
    body_html = article.body_html
    if MARKER_PREFIX in body_html:
        body_html = MARKER_PATTERN.sub("", body_html)
    if "language-cupsite" not in body_html:  # most stories embed nothing: skip the scans
        return body_html, ()
    fence_lines = [article.body_line + article.body_source.count("\n", 0, m.start())
                   for m in _FENCE.finditer(article.body_source)]
    embeds: list[Embed] = []

    def replace_block(match: re.Match) -> str:
        line = fence_lines[len(embeds)] if len(embeds) < len(fence_lines) else article.body_line
        embed = _read(html.unescape(match.group(1)), line, article, events, seasons, problems)
        championship = embed.target.split("/")[0]
        if embed.car_class and embed.car_class not in class_codes.get(championship, ()):
            problems.add(article.source.path, line, f"embedded data: unknown class {embed.car_class!r}",
                         f"use one of: {', '.join(class_codes.get(championship, ()))}")
        embeds.append(embed)
        return MARKER.format(len(embeds) - 1)

    body = _BLOCK.sub(replace_block, body_html)
    return body, tuple(embeds)


def split_body(body_html: str) -> list[tuple[str, int | None]]:
    """The body as (html, embed index or None) parts, in order."""
    parts, start = [], 0
    for match in MARKER_PATTERN.finditer(body_html):
        parts.append((body_html[start:match.start()], int(match.group(1))))
        start = match.end()
    parts.append((body_html[start:], None))
    return parts


def _read(text: str, line: int, article: Article, events: dict, seasons: dict, problems: Problems) -> Embed:
    def error(message: str, hint: str = "") -> Embed:
        problems.add(article.source.path, line, f"embedded data: {message}",
                     hint or "see docs/formats.md, 'Results inside a story'")
        return Embed("invalid", "")

    try:
        data = load_yaml(text)
    except YamlError as failure:
        return error(f"malformed YAML: {failure.message}")
    if not isinstance(data, LineDict) or len([k for k in data if k in KINDS]) != 1:
        return error(f"start with one of: {', '.join(k + ':' for k in KINDS)}")
    unknown = [str(k) for k in data if k not in OPTIONS]
    if unknown:
        return error(f"unknown option {unknown[0]!r}", f"options: {', '.join(OPTIONS[len(KINDS):])}")
    kind = next(k for k in data if k in KINDS)
    words = str(data[kind]).split()
    top, after_round = data.get("top", 0), data.get("after_round", 0)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (top, after_round)):
        return error("'top' and 'after_round' should be whole numbers")
    car_class = str(data.get("class", ""))
    if kind in ("classification", "schedule"):
        key = _match(words[0] if words else "", events)
        if key is None:
            return error(f"unknown event {words[0] if words else ''!r}", "write it as <season>/<round>")
        session = words[1] if len(words) > 1 else ""
        if kind == "classification" and session not in {s.slug for s in events[key].sessions}:
            return error(f"{events[key].name} has no session {session!r}",
                         f"write `classification: {'/'.join(key.split('/')[1:])} <session>`, sessions: "
                         f"{', '.join(s.slug for s in events[key].sessions)}")
        return Embed(kind, key, session, car_class, top, after_round)
    key = _match(words[0] if words else "", seasons)
    if key is None:
        return error(f"unknown season {words[0] if words else ''!r}", "write it as <season>, e.g. 2025")
    return Embed(kind, key, "", car_class, top, after_round)


def _match(reference: str, keys) -> str | None:
    found = keys_ending_with(reference, keys)
    return found[0] if len(found) == 1 else None
