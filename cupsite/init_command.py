"""`cupsite init`: the command that asks for what it is not given and writes a new site
(new_site.py does the work)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from .new_site import (
    Answers,
    InitRefused,
    checked_base_url,
    checked_name,
    checked_timezone,
    cupsite_version,
    preset_names,
    presets,
    refuse_unless_empty,
    site_files,
    write_site,
)

EXIT_REFUSED, EXIT_SYSTEM = 1, 3  # as the other commands: 3 when the system refused
DEFAULT_URL = "https://example.org/"


@click.command()
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."))
@click.option("--preset", type=click.Choice(preset_names()),
              help="The kind of series: its classes, points, sessions and entries [default: cup].")
@click.option("--name", help="The series' name, the site's title.")
@click.option("--base-url", help=f"The address the site is published at [default: {DEFAULT_URL}].")
@click.option("--timezone", "zone", help="The site's IANA time zone, e.g. Europe/London: how the stories' "
                                         "dates are read and shown [default: the preset's].")
@click.option("--season", type=click.IntRange(1800, 2999), help="The first season's year [default: this year].")
@click.option("--yes", "-y", "use_defaults", is_flag=True,
              help="Ask nothing: take the default of whatever is not given.")
def init(folder: Path, preset: str | None, name: str | None, base_url: str | None, zone: str | None,
         season: int | None, use_defaults: bool) -> None:
    """Start a new site in FOLDER (default: the current folder, which must be empty): a season with a
    round at a real track, an entry list, a first story, a README and a GitHub Actions workflow that
    builds and publishes it. Asks for what the options do not give."""
    from .publishing import Publishing

    try:
        refuse_unless_empty(folder)  # before any question: an answered questionnaire is not thrown away
    except InitRefused as refusal:
        click.echo(f"error: {refusal}", err=True)
        sys.exit(EXIT_REFUSED)
    ask = _Questions(use_defaults or not _can_ask())
    preset = preset or ask.preset()
    chosen = presets()[preset]
    name = ask("Series name", name, "--name", chosen.series, checked_name)
    base_url = ask("Address of the site", base_url, "--base-url", DEFAULT_URL, checked_base_url)
    zone = ask("Time zone of the site", zone, "--timezone", chosen.timezone, checked_timezone)
    moment = Publishing().moment()
    answers = Answers(name, base_url, zone, preset, season or _this_year(moment, zone))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = write_site(folder, site_files(answers, moment, cupsite_version()))
    except InitRefused as refusal:
        click.echo(f"error: {refusal}", err=True)
        sys.exit(EXIT_REFUSED)
    except OSError as error:  # a folder that may not be written to, a full disk
        click.echo(f"error: the site could not be written into {folder}: {error.strerror or error}", err=True)
        sys.exit(EXIT_SYSTEM)
    _say_what_next(folder, answers, len(written))
    if ask.defaulted and not use_defaults:
        click.echo(f"No terminal to ask in, so these are the defaults: {', '.join(ask.defaulted)}. "
                   "Change them in cupsite.toml, or start again with the options.", err=True)


class _Questions:
    """Each value not given by an option: asked for (again until it is right), or with --yes its
    default. A wrong value given by an option ends the command, with nothing written."""

    def __init__(self, use_defaults: bool):
        self.use_defaults = use_defaults
        self.defaulted: list[str] = []  # "--name 'Endurance Series'", for each default taken

    def preset(self) -> str:
        if self.use_defaults:
            self.defaulted.append("--preset cup")
            return "cup"
        click.echo("Presets:")
        for preset in presets().values():
            click.echo(f"  {preset.name}: {preset.summary}")
        return click.prompt("Preset", default="cup", type=click.Choice(preset_names()))

    def __call__(self, question: str, given: str | None, option: str, default: str, check) -> str:
        def checked(text: str) -> str:
            try:
                return check(text)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint=option if given is not None else None) from None

        if given is None and self.use_defaults:
            self.defaulted.append(f"{option} {shlex.quote(default)}")
        if given is not None or self.use_defaults:
            return checked(given if given is not None else default)
        return click.prompt(question, default=default, value_proc=checked)


def _can_ask() -> bool:
    """Questions need someone at a terminal: run from a script or CI, with nothing to read them,
    `init` takes the defaults (and says which) rather than stopping at the first question."""
    return sys.stdin is not None and sys.stdin.isatty()


def _this_year(moment, zone: str) -> int:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).year


def _say_what_next(folder: Path, answers, count: int) -> None:
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))}\n  "
    click.echo(f"Wrote the site of {answers.name} ({count} files, the {answers.preset!r} preset) into {folder}.\n"
               f"Next:\n  {go}cupsite serve    # see it on http://127.0.0.1:8000/ as you edit\n"
               "  cupsite build    # the site, into output/\n"
               "README.md there tells how to add rounds, results and stories, and how to publish the site.")
