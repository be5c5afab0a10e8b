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
from cmarkgfm.cmark import Options

from .cache import memoized
from .slugs import slugify

# raw HTML passes, as writers expect of Markdown; the tagfilter extension still disarms
# <script>, <style>, <iframe> and the like
_OPTIONS = Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_UNSAFE
_EXTENSIONS = ["table", "autolink", "strikethrough", "tagfilter"]
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_ALIGN = re.compile(r'<(th|td) align="(left|right|center)">')
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.S)


def markdown_to_html(text: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
    """Return the HTML and the headings as (level, anchor, title)."""
    return memoized("markdown", (text,), lambda: _convert(text))


def _convert(text: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
    body = cmarkgfm.markdown_to_html_with_extensions(text, options=_OPTIONS, extensions=_EXTENSIONS)
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
