"""Markdown to HTML, with tables, footnotes and heading anchors."""

from __future__ import annotations

import html
import re

import markdown

from .cache import memoized

_EXTENSIONS = ["tables", "footnotes", "toc", "fenced_code", "sane_lists", "smarty", "attr_list"]
_EXTENSION_CONFIG = {"toc": {"permalink": False}}
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)


class MarkdownRenderer:
    """One Markdown instance reused across documents (building it is the costly part)."""

    def __init__(self):
        self._md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIG,
                                     output_format="html")

    def convert(self, text: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
        """Return the HTML and the headings as (level, anchor, title)."""
        return memoized("markdown", (text,), lambda: self._convert(text))

    def _convert(self, text: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
        self._md.reset()
        body = self._md.convert(text)
        headings = tuple(_flatten(self._md.toc_tokens))
        return body, headings


def _flatten(tokens):
    for token in tokens:
        yield token["level"], token["id"], html.unescape(_TAG.sub("", token["name"]))
        yield from _flatten(token["children"])


def first_paragraph_text(body_html: str, limit: int = 280) -> str:
    match = _FIRST_PARAGRAPH.search(body_html)
    if not match:
        return ""
    text = html.unescape(_TAG.sub("", _FOOTNOTE_REF.sub("", match.group(1)))).strip()
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text
