"""Mentions: names in a story's text become links to their pages, and the pages list the story."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from cupsite.build import build
from cupsite.mentions import NameIndex, link_mentions

from .conftest import SITES, copy_site

INDEX = NameIndex({"Ann Able": ("driver", "ann-able"), "Red Team": ("team", "red-team"),
                   "Alpha": ("event", "Alpha"), "Able": ("driver", "ann-able")})
ALPHA = {"alpha": "cup/2024/alpha"}


def linked(html: str):
    body, mentioned = link_mentions(html, INDEX, lambda name: ALPHA.get(name.casefold()))
    return body, mentioned


def test_the_first_mention_becomes_a_link():
    body, mentioned = linked("<p>Ann Able won for Red Team. Ann Able again.</p>")
    assert body == ('<p><a class="mention" href="cupsite:driver/ann-able">Ann Able</a> won for '
                    '<a class="mention" href="cupsite:team/red-team">Red Team</a>. Ann Able again.</p>')
    assert mentioned == (("driver", "ann-able"), ("team", "red-team"))


def test_headings_code_and_links_are_left_alone():
    html = ('<h2 id="x">Ann Able</h2><p><code>Red Team</code> <a href="https://x.org">Ann Able</a>'
            '</p><pre>Red Team</pre><p>Red Team &amp; Ann Able&#39;s car</p>')
    body, _ = linked(html)
    assert body.startswith('<h2 id="x">Ann Able</h2><p><code>Red Team</code> <a href="https://x.org">Ann Able</a>')
    assert body.endswith('<p><a class="mention" href="cupsite:team/red-team">Red Team</a> &amp; '
                         '<a class="mention" href="cupsite:driver/ann-able">Ann Able</a>&#39;s car</p>')


def test_whole_words_only_and_aliases():
    body, mentioned = linked("<p>Tableau. Able, then Alpha and Alphaville.</p>")
    assert 'Tableau' in body and 'href="cupsite:driver/ann-able">Able<' in body
    assert 'href="cupsite:event/cup/2024/alpha">Alpha<' in body and "Alphaville" in body
    assert mentioned == (("driver", "ann-able"), ("event", "cup/2024/alpha"))


def test_stories_link_names_and_pages_list_them_back(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "content/articles/2024-05-11-column.md").write_text(
        "---\ntitle: Column\ndate: 2024-05-11\n---\n\n## Cyd Cole\n\nCyd Cole and the Green Team were the story at "
        "Beta; Cyd Cole won it.\n", encoding="utf-8")
    output = build(site / "cupsite.toml").output
    page = BeautifulSoup((output / "news/column/index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in page.select(".body a.mention")}
    assert links == {"Cyd Cole": "../../drivers/cyd-cole/index.html",
                     "Green Team": "../../teams/green-team/index.html",
                     "Beta": "../../cup/2024/beta/index.html"}
    assert page.select_one(".body h2").get_text() == "Cyd Cole"  # not linked in a heading
    for path in ("drivers/cyd-cole/index.html", "teams/green-team/index.html", "cup/2024/beta/index.html",
                 "tracks/beta-ring/index.html"):
        listed = BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser").get_text()
        assert "Column" in listed, path
    feed = ET.parse(output / "feed.xml").getroot()
    content = next(e.findtext("{http://www.w3.org/2005/Atom}content") for e in feed
                   if e.findtext("{http://www.w3.org/2005/Atom}title") == "Column")
    assert 'href="https://mini.example.org/cup/drivers/cyd-cole/"' in content  # absolute in the feed


def test_demo_story_naming_blind_and_kellymoss(demo_site):
    page = BeautifulSoup((demo_site / "news/indianapolis-race-2/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    links = {a.get_text(): a["href"] for a in page.select(".body a.mention")}
    assert links["Scott Blind"] == "../../drivers/scott-blind/index.html"
    assert links["Kellymoss"] == "../../teams/kellymoss/index.html"
    for path in ("drivers/scott-blind/index.html", "teams/kellymoss/index.html"):
        stories = [a.get_text() for a in BeautifulSoup((demo_site / path).read_text(encoding="utf-8"),
                                                       "html.parser").select("section a")]
        assert "Jeansonne's first win makes history; Yardley stretches his lead" in stories, path
