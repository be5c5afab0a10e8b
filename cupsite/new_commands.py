"""`cupsite new`: start a story, a season, a round or a session's classification, with what the
site already knows filled in and the names given checked as the build will check them."""

from __future__ import annotations

from pathlib import Path

import click

from .console import EXIT_CONTENT, ended_cleanly


@click.group()
def new() -> None:
    """Start a new story, season, round or session's classification."""


def _scaffolding():
    """Content problems and files that cannot be started end the command with a clear message."""
    from .scaffold import ScaffoldError

    return ended_cleanly(ScaffoldError, EXIT_CONTENT)


@new.command("article")
@click.argument("title")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True)
@click.option("--event", help="The event, e.g. 2025/indianapolis.")
@click.option("--driver", "drivers", multiple=True, help="A driver the story is about (repeatable).")
@click.option("--team", "teams", multiple=True, help="A team the story is about (repeatable).")
@click.option("--new-name", "new_names", is_flag=True,
              help="Write a driver or team the site does not know as a new one, even when its name is close "
                   "to a known one (which is otherwise refused as a likely typo).")
def new_article_command(title: str, config_path: Path, event: str | None, drivers: tuple[str, ...],
                        teams: tuple[str, ...], new_names: bool) -> None:
    """Write content/articles/<date>-<slug>.md with its front matter filled in, as a draft.

    The drivers, teams and event are checked against the site first: one close to a known name
    is refused as a likely typo (exit 2, nothing written); one the site does not know at all is
    written, and you are told what to add before the story is published."""
    from .config import load_config
    from .references import linked_site
    from .scaffold import checked_names, new_article

    with _scaffolding():
        config = load_config(config_path)
        site = linked_site(config) if drivers or teams or event else None
        told = checked_names(site, drivers, teams, event, new_names) if site is not None else []
        path = new_article(config, title, event, drivers, teams=teams)
    click.echo(f"Started {path}")
    for line in told:
        click.echo(f"note: {line}")


@new.command("results")
@click.argument("event")
@click.argument("session")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True)
def new_results_command(event: str, session: str, config_path: Path) -> None:
    """Write a classification for SESSION of EVENT, pre-filled from the entry list.

    Refused (exit 2, nothing written) when the season has no entry list yet, when the session
    has a classification already (an official export, say), or when EVENT is not one of the site's."""
    from .config import load_config
    from .scaffold import new_results, site_to_scaffold

    with _scaffolding():
        config = load_config(config_path)
        path = new_results(config, site_to_scaffold(config), event, session)
    click.echo(f"Started {path}")


@new.command("event")
@click.argument("season")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True)
@click.option("--round", "number", type=int, required=True)
@click.option("--name", required=True)
@click.option("--track", required=True, help="The track's name or slug.")
@click.option("--start", required=True, help="YYYY-MM-DD")
@click.option("--end", required=True, help="YYYY-MM-DD")
@click.option("--timezone", "zone", required=True, help="The track's IANA time zone, e.g. America/Chicago.")
def new_event_command(season: str, config_path: Path, number: int, name: str, track: str, start: str, end: str,
                      zone: str) -> None:
    """Add a round to SEASON's calendar (e.g. carrera-cup/2026); its sessions are then added by hand."""
    from .config import load_config
    from .scaffold import new_event

    with _scaffolding():
        path = new_event(load_config(config_path), season, number, name, track, start, end, zone)
    click.echo(f"Added round {number} to {path}; add its sessions there.")


@new.command("season")
@click.argument("season")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True)
@click.option("--from", "entries_from", metavar="YEAR", help="Start from this earlier season's entry list.")
def new_season_command(season: str, config_path: Path, entries_from: str | None) -> None:
    """Start SEASON (e.g. carrera-cup/2026): its calendar, with no rounds yet, for `new event` to add to."""
    from .config import load_config
    from .scaffold import new_season

    with _scaffolding():
        config = load_config(config_path)
        written = new_season(config, season, entries_from)
    for path in written:
        click.echo(f"Started {path.relative_to(config.root)}")
    if len(written) == 1:
        click.echo("Add its rounds with `cupsite new event`, and its entry list as entries.yaml (docs/formats.md).")
