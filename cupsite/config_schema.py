"""What cupsite.toml may hold: every table and option, declared once with its type, default and
meaning. config.py and rules.py read values by these declarations, a key that no table declares
is an error with the nearest known key, and docs/config.md is written from them
(`python -m cupsite.config_schema > docs/config.md`; a test keeps the two equal)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import NamedTuple

from .model import SESSION_TYPES

_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false", list: "a list",
               dict: "a table"}


class Option(NamedTuple):
    key: str
    kind: type | tuple[type, ...]  # what the value must be (an int is never a bool)
    default: object
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()  # the only words it accepts, when it takes one of a few
    default_doc: str = ""  # the default in words, when it follows from other values

    @property
    def type_name(self) -> str:
        """In TOML's words: "a whole number", "a number", "a list or a string"."""
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return " or ".join(_TYPE_NAMES[k] for k in kinds if not (k is int and float in kinds))

    def accepts(self, value) -> bool:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return isinstance(value, self.kind) and not (isinstance(value, bool) and bool not in kinds)


@dataclass(frozen=True)
class Table:
    """One table of the file: `header` is how TOML opens it ("[site]", "[[championships]]")."""

    header: str
    what: str  # what its keys are called in messages: "option", "rule", "key"
    options: tuple[Option, ...]
    doc: str

    def __getitem__(self, key: str) -> Option:
        return next(option for option in self.options if option.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def unknown(self, mapping: dict) -> list[str]:
        return [key for key in mapping if key not in self.keys]

    def hint_for(self, key: str, nearby: tuple[Table, ...] = ()) -> str:
        """Where a key of a table nearby belongs (TOML gives a key to the table opened last, so
        an option written after [[championships.classes]] lands in the class), else "did you
        mean `x`?" for the known key nearest to a mistyped one, else the known keys."""
        home = next((table for table in nearby if key in table.keys), None)
        if home is not None:
            return f"`{key}` is {article(home.what)} {home.what} of {home.header}: write it in that table"
        return did_you_mean(str(key), self.keys) or f"the {self.what}s of {self.header}: {', '.join(self.keys)}"


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def did_you_mean(key: str, known) -> str:
    import difflib  # here: only a mistyped key needs it, and every build, even one with nothing to do, reads the config

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


RAW_HTML = ("sanitize", "allow")  # what becomes of HTML written in Markdown (markdown_html.py)
BONUS_AWARDS = ("pole", "fastest_lap", "led_lap", "most_laps_led", "participation", "finish")
GOES_TO = ("holder", "fastest_eligible")
TIES = ("each", "divided")
SHARED_CAR = ("each", "divided")
TIE_BREAKS = ("shared", "latest_result")

TOP = Table("cupsite.toml", "table", (
    Option("site", dict, {}, "the site as a whole", required=True),
    Option("championships", list, [], "the championships, one [[championships]] table each", required=True),
), "The file holds one [site] table and one [[championships]] table per championship.")

SITE = Table("[site]", "option", (
    Option("title", str, "", "the site's name, in every page's title and header", required=True),
    Option("base_url", str, "https://example.org/", "the address the site is published at; used only for the "
           "feed, sitemap and canonical links", required=True),
    Option("language", str, "en", "the language of the pages (`lang`), e.g. en or de-CH"),
    Option("timezone", str, "UTC", "an IANA time zone: how dates without a zone are read, and shown"),
    Option("description", str, "", "one sentence about the site, for the home page and the feed"),
    Option("articles_per_page", int, 10, "stories on each page of the news list (1 or more)"),
    Option("search", bool, True, "build the Pagefind search index, the search page and the header's search box"),
    Option("raw_html", str, "sanitize", "HTML written in stories and profiles: \"sanitize\" keeps what cannot "
           "run script, \"allow\" keeps it as written", choices=RAW_HTML),
), "The site as a whole.")

CHAMPIONSHIP = Table("[[championships]]", "option", (
    Option("name", str, "", "the championship's full name", required=True, default_doc="\"Championship N\""),
    Option("slug", str, "", "its folder under content/results/ and its part of the URLs",
           default_doc="the name as a slug"),
    Option("short_name", str, "", "the name where space is short", default_doc="the name"),
    Option("classes", list, [], "its classes, one [[championships.classes]] table each, in display order",
           required=True),
    Option("points", dict, {}, "its scoring rules: the [championships.points] table",
           default_doc="each rule's default"),
    Option("rookie_classes", list, [], "the classes whose rookies form the rookie table",
           default_doc="every class"),
    Option("team_cars_per_race", int, 0, "a team scores its best N cars per race; 0: every car"),
), "One per championship.")

CAR_CLASS = Table("[[championships.classes]]", "option", (
    Option("code", str, "?", "the short code, used in entry lists and shown on the class chip", required=True),
    Option("name", str, "", "the display name (it may carry a sponsor)", default_doc="the code"),
    Option("colour", str, "#888888", "the class colour, written #rgb or #rrggbb", required=True),
    Option("timing_names", list, [], "what official timing exports call the class, besides its code and name"),
), "One per class of a championship, in display order.")

POINTS = Table("[championships.points]", "rule", (
    *(Option(kind, list, [], f"points by class position in a {kind} session") for kind in SESSION_TYPES),
    Option("bonus", list, [], "bonus points: one [[championships.points.bonus]] table each"),
    Option("classified_only", bool, True, "only classified finishers score"),
    Option("min_distance", (int, float), 0.0, "the share of its class winner's laps a car must cover to score"),
    Option("needs_flag", bool, True, "in a race worked out from its laps, a car that stopped before the flag "
           "retired"),
    Option("must_drive", bool, False, "where a race's per-lap export names every lap's driver, only the crew "
           "who drove score"),
    Option("drop_worst", int, 0, "a driver's N worst race scores do not count"),
    Option("best_results", int, 0, "only a driver's N best race scores count; 0: all"),
    Option("guests", list, [], "car numbers or driver names that never score"),
    Option("tie_break", str, "shared", "after countback: a tie is \"shared\" or goes to the \"latest_result\"",
           choices=TIE_BREAKS),
    Option("wins_from", list, ["race"], "the race session types whose results count as wins, podiums, countback"),
    Option("shared_car", str, "each", "a shared car's points: \"each\" driver gets them all, or they are "
           "\"divided\"", choices=SHARED_CAR),
    Option("best_of_parts", list, [], "split-season drops: one [[championships.points.best_of_parts]] table each"),
), "A championship's scoring rules (docs/rules.md); a season's `points:` in season.yaml takes the same keys.")

BONUS = Table("[[championships.points.bonus]]", "key", (
    Option("award", str, "", "what earns the bonus", required=True, choices=BONUS_AWARDS),
    Option("points", (int, float), 0, "how many points it pays", required=True),
    Option("top", int, 0, "only when classified in the class top N; 0: no such condition"),
    Option("goes_to", str, "holder", "fastest_lap only: its \"holder\" or nobody, or the \"fastest_eligible\" car",
           choices=GOES_TO),
    Option("ties", str, "each", "fastest_lap and most_laps_led: on a tie \"each\" gets the points, or they are "
           "\"divided\"", choices=TIES),
    Option("session_types", list, [], "only in these kinds of session", default_doc="every kind the award has"),
    Option("sessions", list, [], "only in the sessions with these slugs", default_doc="every session"),
), "One per bonus.")

SEASON_PART = Table("[[championships.points.best_of_parts]]", "key", (
    Option("rounds", (list, str, int), [], "the part's rounds: [1, 2, 5], \"1-7\", \"1-3, 6\" or \"8-\" (to the end)",
           required=True),
    Option("best", int, 0, "only the best N race scores of these rounds count", required=True),
), "One per part of a split season.")

NEARBY = {"cupsite.toml": (SITE,), "[site]": (), "[[championships]]": (SITE,),
          "[[championships.classes]]": (CHAMPIONSHIP, POINTS)}  # the tables a stray key may have been meant for
TABLES = (TOP, SITE, CHAMPIONSHIP, CAR_CLASS, POINTS, BONUS, SEASON_PART)
NESTED = {("championships",): CHAMPIONSHIP, ("site",): SITE, ("championships", "classes"): CAR_CLASS,
          ("championships", "points"): POINTS, ("championships", "points", "bonus"): BONUS,
          ("championships", "points", "best_of_parts"): SEASON_PART}  # the table at each path of keys


def path_of(dotted: str) -> tuple:
    """("championships", 0, "classes", 1, "colour") from "championships[0].classes[1].colour"."""
    return tuple(int(index) if index else name for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", dotted))


_HEADER = re.compile(r"(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _names(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", dotted))


def key_lines(text: str) -> dict[tuple, int]:
    """The line of each table header and key of a TOML text, by its path (as path_of gives it).
    tomllib keeps no lines, so the text is scanned: headers open tables, an array of tables
    counts its items, `key =` lines belong to the open table (keys inside inline tables are
    found at their parent's line by line_of)."""
    lines: dict[tuple, int] = {}
    items: dict[tuple, int] = {}  # an array of tables -> how many items it has so far
    table: tuple = ()
    quote = None  # the open multi-line string's quotes
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if quote:
            quote = None if stripped.count(quote) % 2 else quote
            continue
        header = _HEADER.match(stripped) if stripped.startswith("[") else None
        if header:
            table = _open_table(_names(header.group(2)), header.group(1) == "[[", items)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(stripped)
        if key:
            lines.setdefault(table + _names(key.group(1)), number)
        quote = next((q for q in ('"""', "'''") if stripped.count(q) % 2), None)
    return lines


def _open_table(names: tuple[str, ...], is_item: bool, items: dict[tuple, int]) -> tuple:
    path: tuple = ()
    for name in names[:-1]:
        path += (name,)
        if path in items:  # a table inside the latest item of an array of tables
            path += (items[path] - 1,)
    path += names[-1:]
    if is_item:
        items[path] = items.get(path, 0) + 1
        path += (items[path] - 1,)
    return path


def line_of(lines: dict[tuple, int], dotted: str) -> int | None:
    """The line of a key, else of the nearest table or key that holds it."""
    path = path_of(dotted)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def reference() -> str:
    """docs/config.md: every table and option of cupsite.toml."""
    out = ["# `cupsite.toml`: every option", "",
           "Written from `cupsite/config_schema.py` (`python -m cupsite.config_schema > docs/config.md`); "
           "docs/formats.md shows a whole file and docs/rules.md what each scoring rule does. A key that is not "
           "here is an error that names its line and the nearest known key.", ""]
    for table in TABLES:
        out += [f"## `{table.header}`", "", table.doc, "", "| key | type | default | meaning |", "|---|---|---|---|"]
        for option in table.options:
            default = "required" if option.required else option.default_doc or _toml(option.default)
            meaning = option.doc + (f" (one of: {', '.join(option.choices)})" if option.choices else "")
            out.append(f"| `{option.key}` | {option.type_name} | {default} | {meaning} |")
        out.append("")
    return "\n".join(out[:-1]) + "\n"


def _toml(value) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, list):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    if isinstance(value, dict):
        return "none"
    return f"`{value}`"


if __name__ == "__main__":
    sys.stdout.write(reference())
