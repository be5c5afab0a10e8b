"""Unit tests of the small pieces: slugs, YAML, times and gaps, URLs, config."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupsite import urls
from cupsite.slugs import slugify
from cupsite.timing import format_time, parse_gap, parse_time
from cupsite.yamlio import YamlError, load_yaml


@pytest.mark.parametrize("name, slug", [
    ("Sabré Cook", "sabre-cook"), ("JDX Racing", "jdx-racing"), ("Pro-Am", "pro-am"),
    ("José Fábregas", "jose-fabregas"), ("  Łukasz  Żyła ", "lukasz-zyla"), ("Müller & Söhne", "muller-sohne"),
    ("Circuit of the Americas", "circuit-of-the-americas"), ("JP Martinez", "jp-martinez"),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


@given(st.text())
def test_slugs_are_always_url_safe(name):
    slug = slugify(name)
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-")


def test_yaml_keeps_lap_times_as_text_and_remembers_lines():
    data = load_yaml("results:\n  - pos: 1\n    best: 1:26.384\n  - pos: 2\n    best: 1:27.000\n")
    assert data["results"][0]["best"] == "1:26.384"  # YAML 1.1 would read 86.384
    assert data["results"][1].line == 4
    assert data.line_of("results") == 1


def test_yaml_errors_carry_the_line():
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.line == 2


def test_yaml_refuses_object_tags():
    with pytest.raises(YamlError):
        load_yaml("a: !!python/object/apply:os.system ['true']\n")


def test_yaml_impossible_date_stays_text():
    assert load_yaml("d: 2024-13-45\n")["d"] == "2024-13-45"


@pytest.mark.parametrize("text, seconds", [
    ("1:25.015", 85.015), ("1'58.056", 118.056), ("45:57.575", 2757.575), ("2:02:06.175", 7326.175),
    ("5:44'41.101", 5 * 3600 + 44 * 60 + 41.101), ("59.9", 59.9),
])
def test_parse_time(text, seconds):
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["1:75.000", "abc", "1:2:3:4", "", "1,25.015"])
def test_parse_time_rejects(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("text, gap", [
    ("-", (0, 0.0)), ("+0.179", (0, 0.179)), ("+1 Lap", (1, 0.0)), ("+3 Laps", (3, 0.0)), ("+1:02.500", (0, 62.5)),
])
def test_parse_gap(text, gap):
    assert parse_gap(text) == gap


@given(st.integers(min_value=0, max_value=10 * 3600 * 1000))
def test_time_round_trip(millis):
    seconds = millis / 1000
    assert parse_time(format_time(seconds)) == pytest.approx(seconds)


@pytest.mark.parametrize("page, target, link", [
    ("", "drivers/riley-dickinson/", "drivers/riley-dickinson/index.html"),
    ("news/some-story/", "drivers/riley-dickinson/", "../../drivers/riley-dickinson/index.html"),
    ("news/page/2/", "news/", "../../index.html"),
    ("carrera-cup/2025/indianapolis/", "feed.xml", "../../../feed.xml"),
    ("404.html", "", "index.html"),
])
def test_relative_links(page, target, link):
    assert urls.relative(page, target) == link


_SEGMENT = st.sampled_from(["news", "a", "b", "drivers", "x-y", "2025", "page"])


@given(st.lists(_SEGMENT, max_size=4), st.lists(_SEGMENT, max_size=4), st.booleans())
def test_relative_links_agree_with_posixpath(from_parts, to_parts, to_file):
    import posixpath

    from_path = "/".join(from_parts) + "/" if from_parts else ""
    to_path = "/".join(to_parts) + ("/" if to_parts else "") + ("feed.xml" if to_file else "")
    expected = posixpath.relpath(urls.output_file(to_path), posixpath.dirname(urls.output_file(from_path)) or ".")
    assert urls.relative(from_path, to_path) == expected


@pytest.mark.parametrize("start, end, text", [
    ((2025, 9, 18), (2025, 9, 20), "18–20 September 2025"),
    ((2026, 9, 30), (2026, 10, 2), "30 September – 2 October 2026"),
    ((2025, 12, 30), (2026, 1, 1), "30 December 2025 – 1 January 2026"),
    ((2025, 5, 1), (2025, 5, 1), "1 May 2025"),
])
def test_date_ranges(start, end, text):
    from datetime import date

    from cupsite.render import format_date_range

    assert format_date_range(date(*start), date(*end)) == text


# WCAG 2 figures: black on white is 21:1; #777777 on white is 4.48:1 and #767676 4.54:1 (the
# lightest grey that passes AA on white, as the W3C's and WebAIM's contrast checkers give it).
@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#000000", "#ffffff", 21.0), ("#fff", "#000", 21.0), ("#777777", "#ffffff", 4.48),
    ("#767676", "#ffffff", 4.54), ("#ffffff", "#ffffff", 1.0),
])
def test_contrast_ratio(first, second, ratio):
    from cupsite.config import contrast

    assert round(contrast(first, second), 2) == ratio


@pytest.mark.parametrize(("colour", "ink"), [
    ("#f28c28", "#111111"), ("#f2c500", "#111111"), ("#2e9e4f", "#111111"),  # the demo's classes
    ("#1a237e", "#ffffff"), ("#000000", "#ffffff"), ("#b00020", "#ffffff"),
])
def test_a_chip_writes_its_class_code_in_whichever_ink_stands_out(colour, ink):
    from cupsite.config import CarClass

    assert CarClass("X", "X", colour).ink == ink


def test_a_class_colour_no_text_reads_well_on_is_a_warning(tmp_path):
    from click.testing import CliRunner

    from cupsite.cli import main

    from .conftest import SITES, copy_site

    site = copy_site(SITES / "mini", tmp_path / "site")
    config = site / "cupsite.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"#22aa44"', '"#777777"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--no-cache", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert ("cupsite.toml: warning: the B class colour #777777 gives its chips a text contrast of 4.48:1, "
            "below 4.5:1") in result.output
    assert "class colour" not in CliRunner().invoke(main, ["build", "--no-cache", "--config",
                                                           str(SITES / "mini" / "cupsite.toml"),
                                                           "--output", str(tmp_path / "plain")]).output
