"""`cupsite init`: a new site, written from a preset and the answers to a few questions.

A preset is data: a folder of the package, `presets/<name>/`, holding the files of a small site
(and `preset.toml`, what `init` tells of it and its defaults), plus `presets/common/` for what
every site gets (README, .gitignore, the CI workflow). File names and texts are filled in with
`${name}`-style placeholders; a path part starting `dot-` is written with a leading dot (`dot-github`
is `.github`), since package data leaves hidden files out."""

from __future__ import annotations

import json
import re
import string
import tomllib
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .slugs import slugify

PRESETS = Path(__file__).resolve().parent / "presets"
COMMON = "common"
ABOUT = "preset.toml"
DOT = "dot-"
GITIGNORE = ".gitignore"
_NOT_ZONES = {"localtime", "posixrules", "Factory"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InitRefused(Exception):
    """The site cannot be written there; the message says why and what to do."""


class Preset(NamedTuple):
    name: str
    summary: str  # what kind of series it suits, in a line
    series: str  # the series name offered when none is given
    timezone: str  # the site's time zone offered
    round: str  # the first round's slug, and a race of it and a driver, for the README's examples
    race: str
    driver: str


class Answers(NamedTuple):
    name: str
    base_url: str
    timezone: str
    preset: str
    season: int


class _Placeholders(string.Template):
    """`${name}` only, in lower case: a workflow's `${{ github.sha }}` and a shell's `$PATH` are
    left as written, and a placeholder no value is given for is an error, not a blank."""

    flags = 0
    pattern = r"\$(?:(?P<escaped>(?!))|(?P<named>(?!))|\{(?P<braced>[a-z_]+)\}|(?P<invalid>(?!)))"


def preset_names() -> list[str]:
    """The presets' names, without reading them (every `cupsite` command lists them for its options)."""
    return sorted(about.parent.name for about in PRESETS.glob(f"*/{ABOUT}"))


def presets() -> dict[str, Preset]:
    """The presets of the package, by name."""
    found = {}
    for about in sorted(PRESETS.glob(f"*/{ABOUT}")):
        data = tomllib.loads(about.read_text(encoding="utf-8"))
        found[about.parent.name] = Preset(about.parent.name, **data)
    return found


def checked_name(text: str) -> str:
    name = " ".join(text.split())
    if _CONTROL.search(text.strip()) or not slugify(name):
        raise ValueError(f"{text!r} cannot name a series: write its name in letters, on one line, "
                         "such as \"Northern Sprint Cup\"")
    return name


def checked_base_url(text: str) -> str:
    """A full web address, ending in / (the site's root)."""
    url = text.strip()
    parts = urlsplit(url)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
            or re.search(r"[\s\"'\\<>]", url)):
        raise ValueError(f"{text!r} is not the full web address of the site; write it as "
                         "https://news.example.org/ (on GitHub Pages: https://USER.github.io/REPOSITORY/)")
    return url if url.endswith("/") else url + "/"


def checked_timezone(text: str) -> str:
    zone = text.strip()
    try:
        ZoneInfo(zone)
        # a name of the IANA database: not the system's files beside it (`localtime` is this machine's)
        known = zone in available_timezones() - _NOT_ZONES or zone == "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        known = False
    if not known:
        raise ValueError(f"unknown time zone {text!r}; use an IANA name such as Europe/London or "
                         "America/New_York")
    return zone


def refuse_unless_empty(folder: Path) -> None:
    """A site is written only into a new or empty folder (hidden files, such as a .git, allowed)."""
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is a file; name a new folder for the site")
    if (folder / "cupsite.toml").exists():
        raise InitRefused(f"{folder} already holds a site (its cupsite.toml); nothing was written")
    held = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
    if held:
        shown = ", ".join(held[:3]) + (", …" if len(held) > 3 else "")
        raise InitRefused(f"{folder} is not empty (it holds {shown}); nothing was written. Give a new folder, "
                          "as in `cupsite init my-series`, or an empty one")


def site_files(answers: Answers, moment: datetime, version: str) -> dict[str, str]:
    """The new site's files, path (relative, with `/`) to text."""
    preset = presets()[answers.preset]
    published = moment.astimezone(ZoneInfo(answers.timezone))
    values = {
        "name": answers.name, "name_toml": json.dumps(answers.name, ensure_ascii=False),
        "championship": slugify(answers.name), "base_url": answers.base_url, "timezone": answers.timezone,
        "year": str(answers.season), "next_year": str(answers.season + 1), "preset": preset.name,
        "published": f"{published:%Y-%m-%d %H:%M}", "day": f"{published:%Y-%m-%d}", "version": version,
        "round": preset.round, "race": preset.race, "driver": preset.driver,
    }
    files = {}
    for folder in (PRESETS / COMMON, PRESETS / preset.name):
        for source in sorted(folder.rglob("*")):
            if source.is_file() and source.relative_to(folder).as_posix() != ABOUT:
                path = "/".join("." + part[len(DOT):] if part.startswith(DOT) else part
                                for part in source.relative_to(folder).parts)
                files[_Placeholders(path).substitute(values)] = \
                    _Placeholders(source.read_text(encoding="utf-8")).substitute(values)
    return files


def write_site(folder: Path, files: dict[str, str]) -> list[str]:
    """Write the files, none over an existing one (a .gitignore already there gets the lines it
    lacks); returns the paths written. Everything is checked before the first file is written."""
    taken = [path for path in files if path != GITIGNORE and (folder / path).exists()]
    if taken:
        raise InitRefused(f"{folder / taken[0]} already exists; nothing was written")
    written = []
    for path, text in files.items():
        target = folder / path
        if path == GITIGNORE and target.exists():
            text = _merged_ignores(target.read_text(encoding="utf-8"), text)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def _merged_ignores(existing: str, ours: str) -> str:
    have = {line.strip() for line in existing.splitlines()}
    missing = [line for line in ours.splitlines() if line.strip() and line.strip() not in have]
    return existing.rstrip("\n") + ("\n" if existing.strip() else "") + "\n".join(missing) + "\n"


def cupsite_version() -> str:
    """The installed cupsite's version, which the CI workflow installs in its turn."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cupsite")
    except PackageNotFoundError:  # run from a checkout that was never installed
        from . import __version__

        return __version__
