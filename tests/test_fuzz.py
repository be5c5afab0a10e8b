"""Whatever a file holds, loading it gives values or ContentErrors, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cupsite.errors import Problems
from cupsite.load.articles import ARTICLE_FIELDS, load_article
from cupsite.yamlio import YamlError, load_yaml

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                    st.dates(), st.datetimes())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(ARTICLE_FIELDS + ("other",)), VALUES, max_size=8), st.text(max_size=200))
def test_any_front_matter_loads_or_is_reported(tmp_path, meta, body):
    path = tmp_path / "2024-01-01-story.md"
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    problems = Problems(tmp_path)
    article = load_article(path, problems)
    assert article is not None or problems.items
    for problem in problems.items:
        assert problem.path == "2024-01-01-story.md" and problem.message


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_any_text_is_yaml_or_a_yaml_error(text):
    try:
        load_yaml(text)
    except YamlError as error:
        assert error.message


def test_deep_nesting_is_parsed_or_reported_but_never_crashes():
    try:  # a parser that copes with the depth is fine; a RecursionError escaping is not
        load_yaml("a: " + "[" * 5000 + "]" * 5000)
    except YamlError as error:
        assert error.message


def test_a_binary_file_among_articles(tmp_path):
    path = Path(tmp_path) / "2024-01-01-photo.md"
    path.write_bytes(bytes(range(256)) * 4)
    problems = Problems(tmp_path)
    assert load_article(path, problems) is None
    assert [p.message for p in problems.items] == ["is a binary file, not text"]


# --- the mention linker and the embed blocks, on any story made of names and Markdown ------------

NAMES = {"Ann Able": ("driver", "ann-able"), "Able": ("driver", "ann-able"), "Red Team": ("team", "red-team"),
         "Alpha Park": ("track", "alpha-park"), "Alpha": ("event", "Alpha"), "José Fábregas": ("driver", "jose")}
MARKDOWN_PIECES = st.sampled_from([
    "Ann Able", "ann able", "Able", "Red Team", "Alpha Park", "Alpha", "José Fábregas", "JOSÉ FÁBREGAS",
    "AnnAble", "Ann Ables", "_Able_", "**Red Team**", "`Ann Able`", "[Ann Able](https://x.org)",
    "<a href='#'>Red Team</a>", "<b title=\"Ann Able\">x</b>", "<!-- Alpha -->", "# Alpha Park\n",
    "\n## Red Team wins\n", "\n```\nAnn Able\n```\n", "\n\n", " ", ", ", "-", "&", "<", ">", "\"", "é", "x",
    "\n> Able\n", "\n| Ann Able | Red Team |\n|---|---|\n| Able | Alpha |\n",
])
STORIES = st.lists(MARKDOWN_PIECES, max_size=25).map("".join)
MENTION = __import__("re").compile(r'<a class="mention" href="cupsite:(\w+)/([^"]+)">(.*?)</a>', 16)


@settings(max_examples=300, deadline=None)
@given(STORIES, st.sampled_from(["sanitize", "allow"]))
@example("<!-- Alpha --><\n## Red Team wins\n", "allow")  # found so: a stray < swallowed the heading's tag
def test_the_mention_linker_only_wraps_names_and_never_in_headings_code_or_links(markdown, raw_html):
    from bs4 import BeautifulSoup

    from cupsite.markdown_html import markdown_to_html
    from cupsite.mentions import SKIPPED, NameIndex, link_mentions

    index = NameIndex(NAMES)
    body, _ = markdown_to_html(markdown, raw_html)
    linked, mentioned = link_mentions(body, index, lambda name: "cup/2024/alpha" if name.lower() == "alpha" else None)
    # Taking the links out gives the body back: the linker adds links and changes nothing else.
    assert MENTION.sub(r"\3", linked) == body
    targets = [(kind, key) for kind, key, _ in MENTION.findall(linked)]
    assert len(targets) == len(set(targets)), "a thing is linked once, at its first mention"
    assert set(targets) <= set(mentioned)
    for kind, key, text in MENTION.findall(linked):
        target = NAMES[next(n for n in NAMES if n.lower() == text.lower())]
        assert (kind, key) == (target if target[0] != "event" else ("event", "cup/2024/alpha")), text
    for anchor in BeautifulSoup(linked, "html.parser").select("a.mention"):
        assert not [parent.name for parent in anchor.parents if parent.name in SKIPPED], anchor


@pytest.fixture(scope="module")
def mini_events():
    from cupsite.build import prepare
    from cupsite.config import load_config

    site, _ = prepare(load_config(Path(__file__).parent / "sites" / "mini" / "cupsite.toml"))
    seasons = {f"{s.championship}/{s.year}": s for s in site.seasons}
    return site.events, seasons, {c.slug: tuple(k.code for k in c.classes) for c in site.config.championships}


EMBED_VALUES = st.one_of(VALUES, st.sampled_from(["2024/alpha race-1", "2024/alpha", "cup/2024", "2024", "alpha",
                                                  "2024/alpha qualifying", "2024/beta race-9", "A", "B", "C"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(("classification", "standings", "entries", "schedule", "class",
                                                 "top", "after_round", "other")), EMBED_VALUES, max_size=4),
                min_size=1, max_size=3),
       # a NUL makes it a binary file; a lone surrogate cannot be written as UTF-8
       st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40))
def test_any_embed_block_is_placed_or_reported_with_its_line(tmp_path, mini_events, blocks, text):
    from cupsite.embeds import KINDS, MARKER_PATTERN, extract_embeds

    events, seasons, class_codes = mini_events
    fences = ["```cupsite\n" + yaml.safe_dump(block, allow_unicode=True) + "```\n" for block in blocks]
    path = tmp_path / "2024-04-05-story.md"
    path.write_text("---\ntitle: T\ndate: 2024-04-05\n---\n" + "\n".join(f"{text}\n\n{fence}" for fence in fences),
                    encoding="utf-8")
    problems = Problems(tmp_path)
    article = load_article(path, problems)
    assert article is not None and not problems.items
    body, embeds = extract_embeds(article, events, seasons, class_codes, problems)
    assert len(embeds) == len(blocks) == len(MARKER_PATTERN.findall(body))
    fence_lines = [i + 1 for i, line in enumerate(path.read_bytes().decode("utf-8").split("\n"))
                   if line == "```cupsite"]  # (read_text would make a lone \r a line break, as cupsite does not)
    for embed, line in zip(embeds, fence_lines, strict=True):
        if embed.kind == "invalid":
            assert [p for p in problems.items if p.line == line and p.message.startswith("embedded data: ")]
        else:
            assert embed.kind in KINDS
            assert embed.target in (events if embed.kind in ("classification", "schedule") else seasons)
