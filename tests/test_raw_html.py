"""HTML written in a story's Markdown: sanitized by default (nothing that can run script stays),
passed whole with `raw_html = "allow"` (docs/formats.md)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cupsite.build import build
from cupsite.errors import ContentErrors
from cupsite.markdown_html import _convert

from .conftest import SITES, copy_site

HOSTILE = """---
title: Hostile
date: 2024-05-01 10:00
---

Before <img src="/static/x.png" onerror="alert(1)" alt="photo"> after.

<script>alert(2)</script>

<div class="note" onclick="alert(3)" style="color: red">Kept note</div>

<a href="javascript:alert(4)">raw link</a> and <iframe src="https://example.org/"></iframe>

[a Markdown link](javascript:alert(5)), [an encoded one](java&#x73;cript:alert(6)) and
[a good one](https://example.org/ok) and <https://example.org/auto>.

| Left | Right |
|:-----|------:|
| a    | 1     |

A note.[^1]

[^1]: The footnote.
"""

PLAIN = HOSTILE.split("\n<script>")[0].replace("Before <img", "Before").split(" after.")[0] + """ after.

[a Markdown link](javascript:alert(5)) and [an encoded one](java&#x73;cript:alert(6)).
"""


def story_page(tmp_path: Path, text: str, setting: str | None = None) -> BeautifulSoup:
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "content/articles/2024-05-01-hostile.md").write_text(text, encoding="utf-8")
    (site / "static").mkdir(exist_ok=True)
    Image.new("RGB", (30, 20)).save(site / "static/x.png")  # the image the story shows (a missing one is an error)
    if setting is not None:
        config = site / "cupsite.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("[site]\n", f"[site]\nraw_html = {setting!r}\n", 1), encoding="utf-8")
    output = build(site / "cupsite.toml", tmp_path / "output").output
    page = BeautifulSoup((output / "news/hostile/index.html").read_text(encoding="utf-8"), "html.parser")
    return page.select_one(".article-body") or page.find("article") or page


def scripting(body: BeautifulSoup) -> list[str]:
    found = [str(tag) for tag in body.find_all(["script", "iframe", "object", "embed"])]
    found += [f"{tag.name}[{name}]" for tag in body.find_all(True) for name in tag.attrs if name.startswith("on")]
    found += [tag["href"] for tag in body.find_all(href=True) if tag["href"].strip().lower().startswith("javascript")]
    return found


def test_by_default_nothing_in_a_story_can_run_script_and_the_rest_is_kept(tmp_path):
    body = story_page(tmp_path, HOSTILE)
    assert scripting(body) == []
    assert "alert(2)" not in body.get_text()  # the script's text goes with it
    note = body.find("div", class_="note")
    assert note is not None and note.get_text() == "Kept note" and "style" not in note.attrs
    assert body.find("img", alt="photo") is not None  # the picture stays, without its handler
    assert body.find("a", string="a good one")["href"] == "https://example.org/ok"
    assert body.find("a", string="https://example.org/auto")["href"] == "https://example.org/auto"
    # what Markdown itself writes survives: aligned cells, footnotes, heading anchors
    assert "text-align: right" in body.find("td", string="1").get("style", "")
    reference = body.find("a", attrs={"data-footnote-ref": True})
    assert reference is not None and body.find(id=reference["href"].lstrip("#")) is not None


def test_a_story_without_html_loses_only_its_script_links(tmp_path):
    """No HTML in the text: cmark's safe mode does it all, at no cost."""
    body = story_page(tmp_path, PLAIN)
    assert scripting(body) == []
    assert body.find("a", string="a Markdown link") is not None  # the link stays, its target goes


def test_allow_keeps_the_writers_html_but_still_disarms_script_elements(tmp_path):
    body = story_page(tmp_path, HOSTILE, "allow")
    note = body.find("div", class_="note")
    assert note is not None and note.get("style") == "color: red" and note.get("onclick") == "alert(3)"
    assert body.find("script") is None  # GitHub's tagfilter: written out as text, never run
    assert body.find("iframe") is None


def test_an_unknown_setting_is_reported(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    config = site / "cupsite.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[site]\n", "[site]\nraw_html = 'trust'\n", 1),
                      encoding="utf-8")
    with pytest.raises(ContentErrors) as failure:
        build(config, tmp_path / "output")
    assert any("raw_html" in error.message and "sanitize" in error.hint for error in failure.value.errors)


# Pieces of Markdown and HTML that scripts are made of, shuffled by hypothesis into stories.
PIECES = ["<", ">", "/>", "<img src=x", "<a href=", "<svg", "<math", "<script>", "</script>", "<iframe", "<style>",
          " onerror=", " onload=", " onclick=", "\"", "'", "javascript:", "JaVaScRiPt:", "java&#x73;cript:",
          "&#106;avascript:", "vbscript:", "data:text/html,", "alert(1)", "[x](", "](", ")", "![p](", "<!--", "-->",
          "\n\n", " ", "`", "```\n", "<div ", "<form action=", "<object data=", "<base href=", "<meta ",
          "<a href=\"javascript:alert(1)\">", "<https://example.org>", "\t", "&lt;", "&"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_no_text_sanitized_keeps_anything_that_can_run_script(pieces):
    """Whatever a writer types, what "sanitize" gives holds no element, attribute or link that
    runs script (checked with the parser a browser would follow for tags and attributes)."""
    body, _ = _convert("".join(pieces), "sanitize")
    parsed = BeautifulSoup(body, "html.parser")
    assert not parsed.find_all(["script", "iframe", "object", "embed", "style", "form", "base", "meta", "svg",
                                "math"]), body
    for tag in parsed.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), body
            if name.lower() in ("href", "src", "action", "data", "formaction"):
                target = "".join(ch for ch in html.unescape(str(value)) if ch > " ").lower()
                assert not target.startswith(("javascript:", "vbscript:", "data:")), body
