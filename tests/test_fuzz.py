"""Whatever a file holds, loading it gives values or ContentErrors, never another exception."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
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
