"""Typed page contexts (cupsite/pages/): every page's template receives one documented named tuple,
the reference in docs/templates.md is the one generated from them, theme templates use nothing
their page does not receive, and the cells of a classification are decided in Python."""

from __future__ import annotations

from typing import NamedTuple

import jinja2
import pytest
from jinja2 import meta

from cupsite import render
from cupsite.build import prepare
from cupsite.config import load_config
from cupsite.model import SessionInfo
from cupsite.pages import reference
from cupsite.pages import variables as pages_variables
from cupsite.pages.season import Switcher
from cupsite.pages.sessions import result_table, summary_line
from cupsite.plan import plan
from cupsite.score import ScoredRow, ScoredSession

from .conftest import ROOT, SITES

CONTEXT_OF = {template: kind for templates, kind in reference.CONTEXTS for template in templates}
THEME = render.make_environment(load_config(SITES / "mini" / "cupsite.toml"))  # the mini site overrides none
RECEIVED_BY_ALL = {name for name, _ in reference.GLOBALS + reference.PER_PAGE}


@pytest.fixture(scope="module", params=["demo", "mini"])
def planned(request):
    config = ROOT / "cupsite.toml" if request.param == "demo" else SITES / "mini" / "cupsite.toml"
    site, tables = prepare(load_config(config))
    return site, tables, plan(site, tables)


def test_the_reference_in_docs_templates_md_is_the_generated_one():
    document = reference.DOC.read_text(encoding="utf-8")
    assert reference.with_reference(document) == document, "run scripts/template-docs"


def test_a_field_without_a_docstring_stops_the_reference():
    class Careless(NamedTuple):
        shown: str
        """what it shows"""
        forgotten: int

    with pytest.raises(ValueError, match="no docstring under forgotten"):
        reference.field_docs(Careless)
    assert reference.field_docs(reference.CONTEXTS[0][1])["title"] == ("str", "the site's title")


def test_every_page_gets_the_context_its_template_is_documented_with(planned):
    _, _, pages = planned
    templated = [page for page in pages if page.raw is None]
    assert {page.template for page in templated} <= set(CONTEXT_OF)
    for page in templated:
        assert type(page.context) is CONTEXT_OF[page.template], page.path


def test_the_documented_globals_are_those_render_gives(planned):
    site, tables, _ = planned
    assert set(render.site_values(site, tables)) == {name for name, _ in reference.GLOBALS}


def test_variables_are_the_fields_themselves(planned):
    _, _, pages = planned
    event = next(page for page in pages if page.template == "event.html").context
    variables = pages_variables(event)
    assert list(variables) == list(event._fields)
    assert variables["schedule"] is event.schedule  # shared, not copied


def used(name: str) -> set[str]:
    """The variables a template reads from its context: not the macros it imports or defines, nor
    the names it sets itself (Jinja counts a name set in an `if` as read from the context too)."""
    tree = THEME.parse(THEME.loader.get_source(THEME, name)[0])
    own = {alias if isinstance(alias, str) else alias[-1]
           for statement in tree.find_all(jinja2.nodes.FromImport) for alias in statement.names}
    own |= {macro.name for macro in tree.find_all(jinja2.nodes.Macro)}
    own |= {node.name for node in tree.find_all(jinja2.nodes.Name) if node.ctx == "store"}
    return meta.find_undeclared_variables(tree) - own


@pytest.mark.parametrize("template", sorted(CONTEXT_OF))
def test_a_theme_template_uses_only_what_its_page_receives(template):
    fields = set(CONTEXT_OF[template]._fields)
    assert used(template) - fields - RECEIVED_BY_ALL == set()


def test_base_and_the_macros_use_only_documented_variables():
    every_field = {name for kind in CONTEXT_OF.values() for name in kind._fields}
    assert used("base.html") - RECEIVED_BY_ALL - {"title", *reference.BASE_OPTIONAL} == set()
    for name in ("macros.html", "embeds.html", "charts.html", "lapchart.html"):
        assert used(name) - RECEIVED_BY_ALL - every_field == set(), name


def test_an_undocumented_variable_is_caught():
    """The check above can fail: a template reading a variable no page receives."""
    THEME.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"news.html": "{{ articles }}{{ page_title }}"}),
                                        THEME.loader])
    try:
        assert used("news.html") - RECEIVED_BY_ALL - set(CONTEXT_OF["news.html"]._fields) \
            == {"page_title"}
    finally:
        THEME.loader = THEME.loader.loaders[1]


# --- the cells of a classification -------------------------------------------------------------

def row(position, class_position, status="classified", time="", gap="", class_gap="", **rest) -> ScoredRow:
    values = dict(position=position, class_position=class_position, car=str(position), car_class="A", team="t",
                  drivers=("d",), status=status, laps=10, time=time, gap=gap, class_gap=class_gap, best="1:30.0",
                  best_lap=3, fastest_in_class=False, points=0.0, rookie=False, note="")
    return ScoredRow(**{**values, **rest})


def session(kind: str, rows) -> ScoredSession:
    info = SessionInfo.__new__(SessionInfo)
    object.__setattr__(info, "type", kind)
    return ScoredSession("cup/2024/alpha", info, tuple(rows), (("A", tuple(rows)),))


def cells(table):
    """Each row's (place, time or gap, laps led, sets the lap record): its crew left out."""
    return [line[:4] for _, _, lines in table.classes for line in lines]


def test_a_race_shows_the_winners_time_the_gaps_and_the_status_in_words():
    race = session("race", [row(1, 1, time="45:01.5", laps_led=7), row(2, 2, gap="+3.2", class_gap="+3.200"),
                            row(3, 3, gap="+9.9"), row(4, 4, status="dnf", gap="5 laps", class_gap="5 laps")])
    record = type("Record", (), {"car": "2"})()
    table = result_table(race, record)
    assert not table.timed and table.shows_laps_led and not table.led_in_class
    assert cells(table) == [("1", "45:01.500", "7", False), ("2", "+3.200", "", True), ("3", "+9.9", "", False),
                            ("DNF", "Retired", "", False)]


def test_qualifying_shows_the_gap_to_the_class_best_and_laps_led_in_class_when_counted():
    qualifying = session("qualifying", [row(1, 1, gap="", class_gap=""), row(2, 2, gap="+0.5", class_gap="+0.500")])
    assert result_table(qualifying).timed
    assert cells(result_table(qualifying)) == [("1", "", "", False), ("2", "+0.500", "", False)]
    race = session("race", [row(1, 1, time="1:00:00", laps_led=9, class_laps_led=4)])
    assert result_table(race).led_in_class and cells(result_table(race))[0][2] == "4"


def test_a_table_in_a_story_shows_the_winners_time_else_the_gap_whatever_the_status():
    assert summary_line(row(1, 1, time="45:01.5"))[1:] == ("1", "45:01.500")
    assert summary_line(row(1, 1, gap="1 lap"))[1:] == ("1", "1 lap")
    assert summary_line(row(4, 4, status="dnf", gap="5 laps"))[1:] == ("DNF", "5 laps")


def test_the_switchers_macro_draws_the_ready_links_and_still_takes_the_old_argument():
    switcher = Switcher((("2023", "cup/2023/"), ("2024", "")), (("Trophy 2024", "trophy/2024/"),))
    for call in ("switchers()", 'switchers("calendar")'):
        html = THEME.from_string('{% from "macros.html" import switchers with context %}{{ ' + call + ' }}').render(
            switcher=switcher, url=lambda path: f"/{path}")
        assert '<a href="/cup/2023/">2023</a>' in html and '<strong aria-current="page">2024</strong>' in html
        assert '<a href="/trophy/2024/">Trophy 2024</a>' in html
    lonely = Switcher((), ())
    assert "<nav" not in THEME.from_string('{% from "macros.html" import switchers with context %}{{ switchers() }}'
                                           ).render(switcher=lonely, url=str)


def test_an_event_template_written_for_the_earlier_classification_macro_still_builds(tmp_path):
    """Before the typed contexts, event.html called `classification(s.result, championship, slug,
    new_record)`; a site that overrides event.html that way gets the same page as the theme's."""
    from cupsite.build import build

    from .conftest import ROOT, copy_site

    site = copy_site(ROOT, tmp_path / "demo")
    theme_event = (ROOT / "cupsite/theme/templates/event.html").read_text(encoding="utf-8")
    new_call = "classification(s.table, event.championship, s.info.slug)"
    assert new_call in theme_event
    old_call = "classification(s.result, event.championship, s.info.slug, new_lap_records.get(s.info.slug))"
    old_style = theme_event.replace(new_call, old_call)
    (site / "templates/event.html").write_text(old_style, encoding="utf-8")
    theirs = build(site / "cupsite.toml", tmp_path / "theirs").output
    (site / "templates/event.html").unlink()
    ours = build(site / "cupsite.toml", tmp_path / "ours").output
    page = "carrera-cup/2025/indianapolis/index.html"
    assert (theirs / page).read_bytes() == (ours / page).read_bytes()
