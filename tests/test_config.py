"""cupsite.toml against its schema (cupsite/config_schema.py): unknown keys at every level are
errors with their line, their whole dotted key and the nearest known key; the schema's defaults
are the ones the site gets; docs/config.md is written from the schema."""

from __future__ import annotations

import re
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from cupsite.config import SiteConfig, load_config
from cupsite.config_schema import NESTED, POINTS, SITE, TOP, key_lines, line_of, path_of, reference
from cupsite.errors import ContentErrors
from cupsite.model import SESSION_TYPES
from cupsite.rules import PointsSystem

from .conftest import SITES

ROOT = Path(__file__).resolve().parent.parent
MINI = (SITES / "mini" / "cupsite.toml").read_text(encoding="utf-8")


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    """(line, message, hint) of each problem loading `text` as cupsite.toml (none: it loads)."""
    config = tmp_path / "cupsite.toml"
    config.write_text(text, encoding="utf-8")
    try:
        load_config(config)
    except ContentErrors as failure:
        assert all(error.path == "cupsite.toml" for error in failure.errors)
        return [(error.line, error.message, error.hint) for error in failure.errors]
    return []


def line_with(text: str, words: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if words in line)


def test_a_misspelt_site_option_is_an_error_with_its_line_and_the_option_meant(tmp_path):
    text = MINI.replace("articles_per_page = 2", "articles_per_pge = 3\nserch = false")
    assert problems(tmp_path, text) == [
        (line_with(text, "articles_per_pge"), "`articles_per_pge` is not an option of [site]",
         "did you mean `articles_per_page`?"),
        (line_with(text, "serch"), "`serch` is not an option of [site]", "did you mean `search`?"),
    ]


def test_an_unknown_key_far_from_any_known_one_lists_the_known_keys(tmp_path):
    [(line, message, hint)] = problems(tmp_path, MINI.replace('language = "en"', 'xyzzy = "en"'))
    assert (line, message) == (4, "`xyzzy` is not an option of [site]")
    assert hint == "the options of [site]: " + ", ".join(SITE.keys)


def test_an_unknown_top_level_table_is_an_error(tmp_path):
    text = MINI + '\n[sites]\ntitle = "x"\n'
    assert problems(tmp_path, text) == [
        (line_with(text, "[sites]"), "[sites] is not a table of cupsite.toml", "did you mean `site`?")]


def test_unknown_keys_in_a_championship_and_in_a_class_name_their_item(tmp_path):
    text = MINI.replace("team_cars_per_race = 1", "team_cars_per_race = 1\nshortname = \"MC\"").replace(
        '  code = "B"', '  code = "B"\n  color = "#22aa44"')
    assert problems(tmp_path, text) == [
        (line_with(text, "shortname"), "`shortname` is not an option of championship 'cup'",
         "did you mean `short_name`?"),
        (line_with(text, "color ="), "`color` is not an option of class 'B' of championship 'cup'",
         "did you mean `colour`?"),
    ]


def test_unknown_keys_in_the_rules_bonuses_and_season_parts_name_their_whole_key(tmp_path):
    text = MINI + ("  classified_onyl = false\n\n  [[championships.points.bonus]]\n  award = \"pole\"\n  points = 1\n"
                   "  tpo = 3\n\n  [[championships.points.best_of_parts]]\n  rounds = \"1-2\"\n  bets = 1\n")
    assert problems(tmp_path, text) == [
        (line_with(text, "classified_onyl"), "[championships.points] of championship 'cup': unknown "
         "points rule 'classified_onyl'", "did you mean `classified_only`?"),
        (line_with(text, "tpo"), "[championships.points] of championship 'cup': bonus[0] has an unknown key 'tpo'",
         "did you mean `top`?"),
        (line_with(text, "bets"), "[championships.points] of championship 'cup': best_of_parts[0] "
         "should hold exactly `rounds` and `best`", 'did you mean `best`? e.g. {rounds = "1-7", best = 4}'),
    ]


def test_a_key_written_in_the_table_opened_after_its_own_is_pointed_home(tmp_path):
    """TOML gives a key to the table opened last: `rookie_classes` after a class is the class's."""
    text = 'description = "Cup news"\n' + MINI.replace('  colour = "#22aa44"\n', '  colour = "#22aa44"\n'
                                                          '  rookie_classes = ["A"]\n')
    assert problems(tmp_path, text) == [
        (1, "[description] is not a table of cupsite.toml",
         "`description` is an option of [site]: write it in that table"),
        (line_with(text, "rookie_classes"), "`rookie_classes` is not an option of class 'B' of "
         "championship 'cup'", "`rookie_classes` is an option of [[championships]]: write it in that table"),
    ]


def test_a_value_of_the_wrong_type_is_an_error_on_its_line(tmp_path):
    text = MINI.replace("articles_per_page = 2", 'articles_per_page = "two"').replace(
        "team_cars_per_race = 1", "team_cars_per_race = true")
    assert problems(tmp_path, text) == [
        (6, "`articles_per_page` in [site] should be a whole number, not 'two'", ""),
        (line_with(text, "team_cars"), "`team_cars_per_race` in championship 'cup' should be a whole "
         "number, not True",
         ""),
    ]


def test_options_read_after_the_others_are_checked_too(tmp_path):
    """title, language, description and search were once read after the check for problems, so a
    wrong value there passed without a word."""
    text = MINI.replace('title = "Mini Cup"\n', "").replace('language = "en"', "language = 5")
    text = text.replace("[site]\n", "[site]\nsearch = \"no\"\n")
    assert [message for _, message, _ in problems(tmp_path, text)] == [
        "`title` in [site] is missing", "`search` in [site] should be true or false, not 'no'",
        "`language` in [site] should be a string, not 5"]


def test_every_mistake_of_the_file_is_reported_at_once(tmp_path):
    text = (MINI.replace("articles_per_page = 2", "articles_per_pge = 2").replace('colour = "#ff8800"', 'colour = "o"')
            .replace('timezone = "Europe/London"', 'timezone = "Mars/Olympus"') + "  drop_worst = -1\n  tie = 1\n")
    found = problems(tmp_path, text)
    assert [line for line, _, _ in found] == sorted(line for line, _, _ in found)
    assert [message.split(":")[0].split(" is not")[0] for _, message, _ in found] == [
        "`timezone` in [site]", "`articles_per_pge`", "`colour` in class 'A' of championship 'cup'",
        "[championships.points] of championship 'cup'", "[championships.points] of championship 'cup'"]


def test_a_missing_table_says_what_to_add(tmp_path):
    """A configuration of only [site] (what a writer starts with) is told what a championship
    needs, in words and with the section of docs/config.md, not "[.championships] is missing"."""
    assert problems(tmp_path, MINI.split("[[championships]]")[0]) == [
        (None, "no championship is defined", "add a [[championships]] table with name and classes, each class "
         "a [[championships.classes]] table with code and colour (see docs/config.md#championships)")]
    assert problems(tmp_path, 'championships = []\n[site]\ntitle = "x"\nbase_url = "https://x.org/"\n')[0][1] == \
        "no championship is defined"
    assert (None, "there is no [site] table", "add a [site] table with title and base_url (see "
            "docs/config.md#site)") in problems(tmp_path, "")


def test_the_anchors_named_in_hints_are_headings_of_docs_config_md():
    from cupsite.config_schema import TABLES
    from cupsite.config_words import anchor

    headings = [line for line in (ROOT / "docs" / "config.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")]
    github_ids = {re.sub(r"[^a-z0-9 _-]", "", line[3:].lower()).strip().replace(" ", "-") for line in headings}
    for table in TABLES[1:]:
        assert anchor(table).split("#")[1] in github_ids


def test_a_missing_key_names_its_table_and_what_it_is_for(tmp_path):
    assert problems(tmp_path, MINI.replace('title = "Mini Cup"\n', "")) == [
        (1, "`title` in [site] is missing", "add `title = ...` to [site] (the site's name, in every page's title "
         "and header)")]
    text = MINI.replace('  code = "B"\n', "")
    assert problems(tmp_path, text) == [
        (line_with(text, "Class B") - 1, "`code` in the 2nd class of championship 'cup' is missing",
         "add `code = ...` to the 2nd class of championship 'cup' (the short code, used in entry lists and shown "
         "on the class chip)")]


def test_an_array_of_tables_written_with_one_pair_of_brackets_is_told_so(tmp_path):
    """[championships] and [championships.classes] make a table where TOML needs an array of
    tables: the message says so rather than "should be a list, not {'name': ...}"."""
    text = MINI.replace("[[championships.classes]]", "[championships.classes]", 1).split("[[championships.classes]]")[0]
    [(line, message, hint), *_] = problems(tmp_path, text)
    assert (line, message) == (line_with(text, "[championships.classes]"),
                               "[[championships.classes]] is written with one pair of brackets")
    assert hint.startswith("write [[championships.classes]], twice the brackets")
    text = MINI.replace("[[championships]]", "[championships]").split("[[championships.classes]]")[0]
    assert problems(tmp_path, text)[0][1] == "[[championships]] is written with one pair of brackets"
    text = MINI.replace("  [championships.points]", "  [[championships.points]]")
    assert problems(tmp_path, text) == [(line_with(text, "[[championships.points]]"), "[championships.points] is "
                                         "written with two pairs of brackets", "write [championships.points], with "
                                         "one: there is one such table (see docs/config.md#championshipspoints)")]
    assert problems(tmp_path, 'championships = 5\n' + MINI.split("[[championships]]")[0])[0][1:] == (
        "`championships` should be [[championships]] tables, not 5", "add a [[championships]] table with name and "
        "classes, each class a [[championships.classes]] table with code and colour (see "
        "docs/config.md#championships)")


def test_every_site_configuration_of_the_repository_still_loads():
    configs = [ROOT / "cupsite.toml", *sorted((ROOT / "tests").rglob("cupsite.toml"))]
    assert len(configs) >= 6
    for config in configs:
        assert load_config(config).championships, config


def test_the_configurations_written_by_code_still_load(tmp_path):
    from bench.corpus import CONFIG
    from scripts.convert.alkamel import site_config
    from scripts.convert.common import _site_config

    for index, text in enumerate([CONFIG, site_config(2023, ["GTP", "LMP2", "GTDPRO"]), _site_config()]):
        (tmp_path / str(index)).mkdir()
        assert problems(tmp_path / str(index), text) == [], index


def test_the_schema_defaults_are_the_values_a_site_gets():
    site = load_config(SITES / "mini" / "cupsite.toml")
    for option in SITE.options:
        if not option.required and option.key not in MINI:
            assert getattr(site, option.key) == option.default, option.key
    assert {f.name: f.default for f in fields(SiteConfig) if f.default is not MISSING} == {
        "search": SITE["search"].default, "raw_html": SITE["raw_html"].default}
    rules = PointsSystem()
    for option in POINTS.options:
        if option.key in SESSION_TYPES:
            value = rules.tables.get(option.key, ())
        else:
            value = getattr(rules, "bonuses" if option.key == "bonus" else option.key)
        default = option.default
        assert value == (tuple(default) if isinstance(default, list) else default), option.key


def test_a_season_yaml_reports_a_bonus_key_at_the_line_of_its_rule(tmp_path):
    """season.yaml's reader knows the line of each rule, not of the keys inside one: a bonus's
    unknown key is reported at the line of `bonus:`, with the key meant."""
    from cupsite.build import prepare

    from .conftest import copy_site

    site = copy_site(SITES / "mini", tmp_path / "site")
    season = site / "content/results/cup/2024/season.yaml"
    season.write_text(season.read_text(encoding="utf-8").replace(
        "name: 2024 season\n", "name: 2024 season\npoints:\n  race: [9, 5]\n  bonus:\n"
        "    - {award: pole, points: 1, pionts: 2}\n  drop_wrost: 1\n"), encoding="utf-8")
    with pytest.raises(ContentErrors) as failure:
        prepare(load_config(site / "cupsite.toml"))
    assert [(e.path, e.line, e.message, e.hint) for e in failure.value.errors] == [
        ("content/results/cup/2024/season.yaml", 4, "points: bonus[0] has an unknown key 'pionts'",
         "did you mean `points`?"),
        ("content/results/cup/2024/season.yaml", 6, "points: unknown points rule 'drop_wrost'",
         "did you mean `drop_worst`?")]


def test_key_lines_follow_tables_arrays_of_tables_and_dotted_keys():
    text = ('title = "x"\n[site]\n"base_url" = "u"\ndescription = """\nnot = a key\n"""\n[[a]]\nb.c = 1\n'
            "[[a]]\n  [[a.d]]\n  e = 2 # note\n  [a.f]\n  g = [\n    1,\n  ]\n")
    lines = key_lines(text)
    assert lines == {("title",): 1, ("site",): 2, ("site", "base_url"): 3, ("site", "description"): 4,
                     ("a", 0): 7, ("a", 0, "b", "c"): 8, ("a", 1): 9, ("a", 1, "d", 0): 10, ("a", 1, "d", 0, "e"): 11,
                     ("a", 1, "f"): 12, ("a", 1, "f", "g"): 13}
    assert path_of("a[1].d[0].e") == ("a", 1, "d", 0, "e")
    assert line_of(lines, "a[1].d[0].zzz") == 10 and line_of(lines, "nowhere") is None


def test_docs_config_md_is_written_from_the_schema():
    assert (ROOT / "docs" / "config.md").read_text(encoding="utf-8") == reference(), \
        "run: python -m cupsite.config_schema > docs/config.md"


def test_the_examples_in_the_docs_use_only_keys_of_the_schema():
    """Each ```toml example of README.md and docs/*.md: every key it writes is one the schema
    declares in that table, so the docs cannot show an option that does not exist. (An example of
    another file, a reader package's pyproject.toml, says so on its first line.)"""
    examples = [block for doc in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
                for block in re.findall(r"```toml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
                if not block.startswith("# pyproject.toml")]
    assert len(examples) >= 4
    documented = set()
    for example in examples:
        for path in key_lines(example):
            names = tuple(part for part in path if isinstance(part, str))
            table = NESTED.get(names[:-1], TOP if len(names) == 1 else None)
            assert table is not None and names[-1] in table.keys, (names, example)
            documented.add(names)
    every_option = {(*parents, option.key) for parents, table in NESTED.items() for option in table.options}
    # the examples show every option but the tables of two session types, which the prose names
    assert every_option - documented == {("championships", "points", kind) for kind in ("practice", "warmup")}


@pytest.mark.parametrize("text", ["[site]\ntitle = 1\n[site.x]\n", "championships = 5\n", "site = []\n"])
def test_tables_of_the_wrong_shape_are_errors_not_tracebacks(tmp_path, text):
    assert problems(tmp_path, text)
