"""Markdown to HTML: CommonMark with GitHub's tables, autolinks, strikethrough and footnotes,
smart punctuation, and an anchor on every heading.

The engine is cmark-gfm, GitHub's own C implementation, through the `cmarkgfm` bindings kept by
the Python Packaging Authority: about 60 times faster than Python-Markdown with the same
features (see docs/design-notes.md), which is what lets a site of thousands of stories build in
seconds."""

from __future__ import annotations

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from . import steps
from .slugs import slugify

# cmark's safe mode drops raw HTML and empties links to javascript:, vbscript:, file: and data:
# URLs; with UNSAFE both pass, and the tagfilter extension still disarms <script>, <style>,
# <iframe> and the like, but not an onerror= or a javascript: link: hence the sanitizer below.
_SAFE = Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES
_UNSAFE = _SAFE | Options.CMARK_OPT_UNSAFE
_EXTENSIONS = ["table", "autolink", "strikethrough", "tagfilter"]
_SANITIZED_EXTENSIONS = ["table", "autolink", "strikethrough"]  # the sanitizer drops <script> with its text

# What HTML written in a story keeps when `raw_html = "sanitize"`: ammonia's (nh3's) list of
# harmless elements and attributes, the attributes cmark-gfm writes itself (footnotes, table
# alignment, the code block's language that marks a `cupsite` block), ids and classes for the
# writer's own anchors and styling. No script, style, frame, form or event attribute, and only
# http, https, mailto and tel links (relative links pass).
_SANITIZED_TAGS = nh3.ALLOWED_TAGS | {"section"}
_SANITIZED_ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang", "dir"},
}
for _tag, _names in {"a": {"data-footnote-ref", "data-footnote-backref", "data-footnote-backref-idx", "aria-label"},
                     "section": {"data-footnotes"}, "th": {"align"}, "td": {"align"}, "img": {"loading"},
                     "ol": {"start"}}.items():
    _SANITIZED_ATTRIBUTES[_tag] = _SANITIZED_ATTRIBUTES.get(_tag, set()) | _names
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_IMG_WITHOUT_LOADING = re.compile(r"<img(?![^>]*\sloading=)")
_ALIGN = re.compile(r'<(th|td) align="(left|right|center)">')
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.S)


def markdown_to_html(text: str, raw_html: str = "sanitize") -> tuple[str, tuple[tuple[int, str, str], ...]]:
    """Return the HTML and the headings as (level, anchor, title). `raw_html` (the site's setting)
    says what becomes of HTML written in the Markdown: "sanitize" keeps what cannot run script,
    "allow" keeps it all but <script>, <style>, <iframe> and the like."""
    return steps.once(_convert, text, raw_html)


def _convert(text: str, raw_html: str = "sanitize") -> tuple[str, tuple[tuple[int, str, str], ...]]:
    if raw_html == "allow":
        body = cmarkgfm.markdown_to_html_with_extensions(text, options=_UNSAFE, extensions=_EXTENSIONS)
    elif "<" not in text:  # no HTML in it (most stories): cmark's safe mode is all it needs, and costs nothing
        body = cmarkgfm.markdown_to_html_with_extensions(text, options=_SAFE, extensions=_EXTENSIONS)
    else:  # sanitizing costs about 20 µs a KB, so only where the writer wrote HTML (or an <autolink>)
        body = nh3.clean(cmarkgfm.markdown_to_html_with_extensions(text, options=_UNSAFE,
                                                                    extensions=_SANITIZED_EXTENSIONS),
                         tags=_SANITIZED_TAGS, attributes=_SANITIZED_ATTRIBUTES, link_rel=None,
                         url_schemes={"http", "https", "mailto", "tel"}, strip_comments=True)
    if "<img" in body:  # images in the text load as they are scrolled to (the writer's own loading= stands)
        body = _IMG_WITHOUT_LOADING.sub('<img loading="lazy" decoding="async"', body)
    # HTML5 has no align attribute; the table's alignment becomes a style
    if ' align="' in body:  # a plain search first: most stories have no aligned column
        body = _ALIGN.sub(lambda m: f'<{m.group(1)} style="text-align: {m.group(2)}">', body)
    headings, used = [], set()

    def anchor(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(2)
        title = html.unescape(_TAG.sub("", inner)).strip()
        base = slugify(title) or "section"
        name, number = base, 1
        while name in used:
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        headings.append((level, name, title))
        return f'<h{level} id="{name}">{inner}</h{level}>'

    return _HEADING.sub(anchor, body), tuple(headings)


def first_paragraph_text(body_html: str, limit: int = 280) -> str:
    match = _FIRST_PARAGRAPH.search(body_html)
    if not match:
        return ""
    text = html.unescape(_TAG.sub("", _FOOTNOTE_REF.sub("", match.group(1)))).strip()
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text
