"""docs/templates.md's reference of template variables, written from the page contexts themselves:
each class's fields, their types and the docstring under each (`scripts/template-docs` rewrites
the section; a test fails when the committed text differs)."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import sys
import textwrap
from pathlib import Path

from .. import weekend
from . import article, event, fixed, home, images, people, season, sessions, standings, stories, track

# (templates, the context they receive), in the order the reference lists them
CONTEXTS = (
    (("home.html",), home.HomePage),
    (("news.html",), stories.NewsPage),
    (("tags.html",), stories.TagsPage),
    (("tag.html",), stories.TagPage),
    (("article.html",), article.ArticlePage),
    (("search.html",), fixed.SearchPage),
    (("championship.html",), season.ChampionshipPage),
    (("calendar.html",), season.CalendarPage),
    (("standings.html",), standings.StandingsPage),
    (("event.html",), event.EventPage),
    (("drivers.html", "teams.html"), people.PeopleIndexPage),
    (("tracks.html",), people.TracksIndexPage),
    (("driver.html",), people.DriverPage),
    (("team.html",), people.TeamPage),
    (("track.html",), track.TrackPage),
    (("404.html",), fixed.NotFoundPage),
    (("feed.xml",), stories.FeedPage),
    (("sitemap.xml",), fixed.SitemapPage),
)

# the values the contexts hold that are made for the pages (the model's own are described where they are used)
VALUES = (
    sessions.ScheduledSession, sessions.ResultTable, article.EmbedView, season.RoundSummary,
    season.Switcher, standings.TitleStatus, standings.RaceColumn, standings.AdjustmentLine, people.Weekend,
    people.TeamSeason, weekend.WeekendNow, weekend.SessionTimes, images.Picture, images.PictureSource,
)

# what render.py gives every template besides its page's context: (name, meaning)
GLOBALS = (
    ("site", "the configuration: `title`, `base_url`, `language`, `timezone`, `description`, `search`, "
             "`championships`"),
    ("drivers", "driver slug → driver (`.name`, `.slug`, `.profile` with `.fields` and `.body_html`, or None)"),
    ("teams", "team slug → team, as drivers"),
    ("tracks", "track slug → track, as drivers"),
    ("events", "event key (`carrera-cup/2025/indianapolis`) → round"),
    ("classes", "(championship slug, class code) → class (`.code`, `.name`, `.colour`, `.ink`: the text colour on it)"),
    ("championships", "championship slug → championship"),
    ("urls", "the URL helpers (`urls.NEWS`, `urls.TAGS`, `urls.DRIVERS`, `urls.TEAMS`, `urls.TRACKS`, `urls.FEED`, "
             "`urls.season(c, y)`, `urls.standings(c, y)`, `urls.tag(name)`, `urls.static(path)`, ...)"),
    ("nav_season", "the newest season with results (the main menu's standings), or None"),
    ("nav_calendar", "the season of the round under way or next at the build's moment, else of the latest round "
                     "(the main menu's calendar), or None"),
    ("article_event", "story slug → the key of the round it is about"),
    ("story_pictures", "story slug → the small `Picture` of its photo, for the story lists (stories with a "
                       "photo only)"),
)
PER_PAGE = (
    ("page", "the page's plan entry (`path`, `template`)"),
    ("url", "`url(thing, anchor=\"\")`: a relative link from this page to a story, driver, team, track, round, "
            "season, or a site path such as `urls.NEWS`"),
    ("canonical", "the page's absolute address"),
)
# what base.html shows when a page's context has it
BASE_OPTIONAL = ("description", "page_feed", "share_image", "article")

BEGIN = "<!-- generated from cupsite/pages/ by scripts/template-docs: edit the classes, then run it -->"
END = "<!-- end of the generated section -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def reference() -> str:
    """The generated section, from BEGIN to END."""
    parts = [BEGIN, "", "## What every template receives", "", "| name | what |", "|---|---|"]
    parts += [f"| `{name}` | {what} |" for name, what in GLOBALS + PER_PAGE]
    parts += ["", "A page whose template extends `base.html` also has `title`; `base.html` uses "
              + ", ".join(f"`{name}`" for name in BASE_OPTIONAL) + " when the page's context has them.", "",
              "## Templates and their own variables", ""]
    for templates, kind in CONTEXTS:
        parts += [f"### {', '.join(f'`{name}`' for name in templates)}", "", _docstring(kind), ""]
        parts += _table(kind)
    parts += ["## Values inside the variables", ""]
    for kind in VALUES:
        parts += [f"### `{kind.__name__}`", "", _docstring(kind), ""]
        parts += _table(kind)
    return "\n".join(parts + [END])


def field_docs(kind: type) -> dict[str, tuple[str, str]]:
    """Field name -> (its annotation, the docstring under it), for every field of a dataclass or a named tuple."""
    found = {}
    for owner in reversed(kind.__mro__):
        if owner is not kind and not dataclasses.is_dataclass(owner):
            continue
        node = ast.parse(textwrap.dedent(inspect.getsource(owner))).body[0]
        for statement, following in zip(node.body, node.body[1:] + [None], strict=True):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                text = following.value.value if isinstance(following, ast.Expr) and isinstance(
                    following.value, ast.Constant) and isinstance(following.value.value, str) else ""
                found[statement.target.id] = (ast.unparse(statement.annotation), " ".join(text.split()))
    names = field_names(kind)
    missing = [name for name in names if not found.get(name, ("", ""))[1]]
    if missing:
        raise ValueError(f"{kind.__module__}.{kind.__name__}: no docstring under {', '.join(missing)}")
    return {name: found[name] for name in names}


def field_names(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass or a named tuple."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else kind._fields


def _table(kind: type) -> list[str]:
    rows = [f"| `{name}` | `{_cell(annotation)}` | {_cell(text)} |"
            for name, (annotation, text) in field_docs(kind).items()]
    return ["| name | type | what |", "|---|---|---|", *rows, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _docstring(kind: type) -> str:
    """The class's docstring as a paragraph, without the template names it starts with (the heading has them)."""
    text = _TEMPLATE_NAMES.sub("", " ".join(inspect.getdoc(kind).split()))
    return text[:1].upper() + text[1:]


_TEMPLATE_NAMES = re.compile(r"^`[\w.]+`(, `[\w.]+`)*: ")


def with_reference(document: str) -> str:
    """The document with its generated section replaced by the current one."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(document):
        raise ValueError(f"{DOC}: no generated section ({BEGIN} ... {END})")
    return pattern.sub(lambda _: reference(), document)


def main() -> int:
    """Rewrite docs/templates.md's generated section; with --check, only say whether it is current."""
    current = DOC.read_text(encoding="utf-8")
    wanted = with_reference(current)
    if "--check" in sys.argv[1:]:
        print("docs/templates.md is current" if wanted == current else "docs/templates.md is out of date")
        return 0 if wanted == current else 1
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
