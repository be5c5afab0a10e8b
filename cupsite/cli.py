"""The `cupsite` command: thin wrappers that parse options and call the pipeline."""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

import click

from .build import BuildProgress
from .build import build as build_site
from .console import (
    EXIT_BUG,
    EXIT_CONTENT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SYSTEM,
    EXIT_USAGE,
    SYSTEM_ERRORS,
    PreviewConsole,
    ended_cleanly,
    format_problems,
    notes_line,
    report,
    system_failure,
    what_became_of_the_output,
)
from .errors import ContentErrors, warnings_and_notes
from .init_command import init
from .new_commands import new
from .publishing import Publishing, parse_build_date
from .words import counted

CACHE_FOLDER = ".cupsite-cache"
# After a change, `serve` renders the pages open in a browser, has them reload, and renders the
# rest this long after: by then the reloaded pages have been asked for, with what they load.
FINISH_AFTER_RELOAD = 0.4


@click.group()
@click.version_option(package_name="cupsite")
def main() -> None:
    """cupsite: the newsroom and the results office of a racing series, as one static site."""


main.add_command(init)
main.add_command(new)


def _date_option(context, parameter, text: str | None):
    try:
        return parse_build_date(text) if text is not None else None
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
                                 "such as 2025-10-12 or 2025-10-12T14:30") from None


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True, help="The site's configuration file.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site [default: output/ beside the configuration].")
@click.option("--drafts", is_flag=True, help="Include stories marked `draft: true`.")
@click.option("--future", is_flag=True,
              help="Include stories dated after the moment of the build (see --build-date).")
@click.option("--build-date", metavar="DATE", callback=_date_option,
              help="The moment the build is made at, which decides the stories dated after it that wait: "
                   "YYYY-MM-DD (its first minute) or YYYY-MM-DDTHH:MM, in the site's time zone unless an "
                   "offset follows [default: SOURCE_DATE_EPOCH when set, else the clock].")
@click.option("--no-cache", is_flag=True,
              help=f"Build everything afresh, without reading or writing the cache in {CACHE_FOLDER}/.")
@click.option("--verbose", is_flag=True, help="List the notes too (a story of no event, a driver without a profile).")
def build(config_path: Path, output: Path | None, drafts: bool, future: bool, build_date: datetime | None,
          no_cache: bool, verbose: bool) -> None:
    """Build the site of the current folder into output/.

    What earlier builds computed is kept in .cupsite-cache/ beside the configuration, so a build
    parses and renders again only what changed (the output is the same as without the cache)."""
    started = time.perf_counter()
    # A build makes millions of small objects and frees few of them before it ends, so the cyclic
    # collector's passes find little: without them the build is 10-15% faster.
    gc.disable()
    cache_dir = None if no_cache else config_path.resolve().parent / CACHE_FOLDER
    progress = BuildProgress()
    try:
        result = build_site(config_path, output, Publishing(drafts=drafts, future=future, now=build_date),
                            cache_dir=cache_dir, progress=progress)
    except ContentErrors as failure:
        report(failure)
        sys.exit(EXIT_CONTENT)
    except KeyboardInterrupt:
        click.echo(f"Interrupted; {what_became_of_the_output(progress)}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        if os.environ.get("CUPSITE_DEBUG"):
            raise
        if isinstance(error, OSError) and error.errno in SYSTEM_ERRORS:
            click.echo(system_failure(error, progress), err=True)
            sys.exit(EXIT_SYSTEM)
        # a bug in cupsite, not in the content: say so plainly
        click.echo(f"cupsite failed unexpectedly: {type(error).__name__}: {error}\n"
                   "    hint: this is a bug in cupsite; run again with CUPSITE_DEBUG=1 for details and "
                   f"report it. {what_became_of_the_output(progress).capitalize()}", err=True)
        sys.exit(EXIT_BUG)
    elapsed = time.perf_counter() - started
    warnings, notes = warnings_and_notes(result.warnings)
    for finding in result.warnings if verbose else warnings:
        click.echo(finding.format(), err=True)
    if result.up_to_date:
        summary = f"Nothing changed since the last build: {result.output} is up to date (checked in {elapsed:.2f} s)"
    else:
        summary = (f"Built {counted(result.pages, 'page')} ({counted(result.files, 'file')}) into {result.output} "
                   f"in {elapsed:.2f} s")
    click.echo(summary + (f", with {counted(len(warnings), 'warning')}." if warnings else "."))
    if notes and not verbose:
        click.echo(notes_line(notes), err=True)
    again = result.cache.last_build.rendered_again if result.cache is not None else 0
    if again:
        click.echo(f"{counted(again, 'page')} unchanged since the last build {'was' if again == 1 else 'were'} "
                   "rendered again, since the previous output was not there to take them from.\n    hint: in CI, "
                   f"keep {result.output.name}/ between runs as well as .cupsite-cache/", err=True)
    _end_now(result)


def _end_now(*kept) -> None:
    """End the process without freeing what the build made (what it keeps is passed in, so it is
    not freed on the way here): a large site leaves hundreds of megabytes of objects, and freeing
    them one by one took 0.2-0.4 s of a build and changes nothing. Only when this process is the
    `cupsite` program itself, not a caller that captured its output (the tests, a script)."""
    if sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True, help="The site's configuration file.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the preview, drafts included, in this folder (not the build's output/) "
                   "[default: a temporary folder, removed when the server stops].")
def serve(config_path: Path, port: int, output: Path | None) -> None:
    """Preview the site on http://127.0.0.1:PORT/, rebuilding and reloading on every change.

    Drafts and stories dated in the future are shown. After a change, the pages open in a
    browser are rebuilt and reloaded first, and the rest of the site just after. When a change
    breaks the content, the problems are printed here and shown in the browser. The preview is
    written to a temporary folder (or the one --output names), never to the build's output/."""
    import shutil
    import tempfile

    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    from .preview import Preview
    from .preview_server import ChangeWatcher, PortUnavailable, PreviewServer

    console = PreviewConsole()

    def rebuild(changed: list[str] | None = None) -> None:
        console.rebuilt(preview.rebuild(changed))

    def finished(outcome) -> None:
        if console.finished(outcome):  # a page left to the end cannot be rendered: show the problems in the browser
            LiveReloadHandler.reload_waiters()

    root = config_path.resolve().parent
    if output is not None:
        _check_preview_output(config_path, output)
    # A terminate ends the preview as Ctrl+C does, through the cleanup below (Python's default
    # would leave a Pagefind run writing into the output, and the temporary folder behind).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(0))
    scratch = Path(tempfile.mkdtemp(prefix="cupsite-preview-")) if output is None else None
    preview = Preview(config_path, output.resolve() if output is not None else scratch / "site",
                      on_finished=finished)

    def changed(paths: list[str]) -> None:
        rebuild(paths)
        LiveReloadHandler.reload_waiters(paths[0] if paths else None)
        if preview.unfinished:  # the rest once the open pages have reloaded
            IOLoop.current().call_later(FINISH_AFTER_RELOAD, preview.finish)

    try:
        watcher = ChangeWatcher([root / "content", root / "templates", root / "static"], config_path, changed)
        try:
            server = PreviewServer(preview.app, watcher, port)
        except PortUnavailable as error:
            click.echo(str(error), err=True)
            sys.exit(EXIT_USAGE)
        click.echo(f"The preview is written to {preview.output}"
                   f"{' (removed when the server stops)' if scratch is not None else ''}.")
        rebuild()
        server.run()
    finally:
        preview.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _check_preview_output(config_path: Path, output: Path) -> None:
    """A folder of the user's is refused before the server starts, as a build refuses it."""
    if output.resolve() == config_path.resolve().parent / "output":
        # a later `cupsite build` would take the preview's files, drafts and all, for its own
        raise click.BadParameter("output/ is where `cupsite build` writes the site: choose another folder, "
                                 "or leave --output out for a temporary one", param_hint="--output")
    from .build import Mode, Pipeline
    from .config import load_config

    with ended_cleanly(ContentErrors, EXIT_CONTENT):
        Pipeline(load_config(config_path), Mode.SERVE).output_folder(output)


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True, help="The site's configuration file.")
@click.option("--championship", help="Championship slug [default: the one with the newest results].")
@click.option("--season", help="Season year [default: the newest with results].")
@click.option("--class", "car_class", help="Only this class (a class code, e.g. PRO).")
@click.option("--after-round", type=int, help="The table after this round [default: the latest].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the schema of docs/data.md) instead of text.")
def standings(config_path: Path, championship: str | None, season: str | None, car_class: str | None,
              after_round: int | None, as_json: bool) -> None:
    """Print a championship table, to check it before publishing."""
    from .build import prepare
    from .config import load_config
    from .standings_report import StandingsRequestError, select_standings, text_report

    with ended_cleanly(StandingsRequestError, EXIT_USAGE):
        site, tables = prepare(load_config(config_path))
        season_tables, table = select_standings(site, tables, championship, season, car_class, after_round)
    if as_json:
        from .data import dumps, standings_data

        click.echo(dumps(standings_data(site, season_tables, table, car_class), pretty=True).decode("utf-8"),
                   nl=False)
    else:
        click.echo(text_report(site, season_tables, table, car_class))


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True, help="The site's configuration file.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (never on notes).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="github prints workflow annotations that mark the lines in a CI run.")
@click.option("--drafts/--no-drafts", default=True, show_default=True, help="Check drafts too.")
@click.option("--verbose", is_flag=True, help="List the notes too (the json and github formats always do).")
def check(config_path: Path, strict: bool, output_format: str, drafts: bool, verbose: bool) -> None:
    """Run every check of a build without writing anything.

    Problems are errors (the site does not build), warnings (likely mistakes, such as a misspelled
    name) and notes (normal but worth knowing, such as a driver without a profile).

    Exit status: 0 nothing wrong; 1 errors (or, with --strict, warnings); 2 a bug or bad usage."""
    from .build import check_site

    errors, found = check_site(config_path, Publishing(drafts=drafts, future=True))
    click.echo(format_problems(errors, found, output_format, verbose), nl=False)
    warnings, _ = warnings_and_notes(found)
    sys.exit(EXIT_CONTENT if errors or (strict and warnings) else EXIT_OK)


@main.command("import")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--event", "event_ref", required=True, help="The event, e.g. 2025/indianapolis.")
@click.option("--session", required=True, help="The session's slug, e.g. race-1.")
@click.option("--replace", "replace_hand_written", is_flag=True,
              help="Remove the session's hand-written classification in favour of the export.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cupsite.toml"), show_default=True)
def import_command(export: Path, event_ref: str, session: str, replace_hand_written: bool,
                   config_path: Path) -> None:
    """File official timing's CSV EXPORT (a classification or a race's per-lap export) as SESSION
    of EVENT, after checking it against the entry list."""
    from .config import load_config
    from .importing import ImportRefused, import_export

    with ended_cleanly(ImportRefused, EXIT_CONTENT):
        config = load_config(config_path)
        result = import_export(config, export, event_ref, session, replace_hand_written)
    for warning in result.warnings:
        click.echo(warning.format(), err=True)
    for line in result.lines:
        click.echo(f"  {line}")
    for path in result.removed:
        click.echo(f"Removed {path.relative_to(config.root)}")
    verb = "Replaced" if result.replaced else "Stored"
    click.echo(f"{verb} {result.stored.relative_to(config.root)}")
