"""What the commands tell the person at the terminal: problems by file (and as JSON or GitHub
annotations), what the system stopped a build with, and what `serve` did after each change."""

from __future__ import annotations

import errno
import sys
from collections import Counter
from contextlib import contextmanager

import click

from .build import BuildProgress
from .errors import NOTE, ContentErrors, warnings_and_notes
from .words import counted

EXIT_OK, EXIT_CONTENT, EXIT_BUG, EXIT_USAGE, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 2, 3, 130
MAX_WARNINGS_AT_START = 20  # `serve` lists at most this many at its first build; later, only new ones


# What the system, not cupsite or the content, can stop a build with: the disk, the permissions.
SYSTEM_ERRORS = {
    errno.ENOSPC: "free some space on that disk, then build again",
    errno.EDQUOT: "the disk quota is used up: free some space, then build again",
    errno.EFBIG: "a file is larger than this system lets the build write (ulimit -f)",
    errno.EROFS: "the file system is mounted read-only: build on a writable one, or give --output a folder there",
    errno.EACCES: "make the folder writable for this user, or give --output a folder that is",
    errno.EPERM: "make the folder writable for this user, or give --output a folder that is",
    errno.EBUSY: "the folder is in use (a mount point, or open elsewhere): give --output another folder",
    errno.EXDEV: "the output and the folder beside it are on different file systems: give --output "
                 "a folder inside the mounted one",
    errno.EIO: "the disk reported an input/output error: check it before building again",
}


def system_failure(error: OSError, progress: BuildProgress) -> str:
    """What the system stopped the build with, on which file, and what became of the output."""
    where = error.filename or progress.output
    where = f" ({where})" if where else ""
    return (f"the system stopped the build: {error.strerror or error}{where}; {what_became_of_the_output(progress)}\n"
            f"    hint: {SYSTEM_ERRORS[error.errno]}")


def what_became_of_the_output(progress: BuildProgress) -> str:
    if progress.published:
        return "the new site had been published, but the build cache was not saved."
    return "the output folder is as it was."


def report(failure: ContentErrors) -> None:
    for line in shown_by_file(failure.errors):
        click.echo(line, err=True)
    click.echo(f"\n{counted(len(failure.errors), 'problem')} found; nothing was written.", err=True)


#: problems shown of one file, in the text a person reads (the JSON and GitHub formats list all):
#: a damaged export can make hundreds of thousands, and the first ones are what helps
MAX_SHOWN_PER_FILE = 25


def shown_by_file(problems) -> list[str]:
    """Each problem formatted, at most MAX_SHOWN_PER_FILE of a file, then a line counting the rest."""
    lines, shown, left = [], Counter(), Counter()
    for problem in problems:
        if shown[problem.path] < MAX_SHOWN_PER_FILE:
            shown[problem.path] += 1
            lines.append(problem.format())
        else:
            left[problem.path] += 1
    lines += [f"{path}: {counted(count, 'more problem')} like these, not shown" for path, count in sorted(left.items())]
    return lines


def notes_line(notes) -> str:
    """The one line that stands for the notes a report leaves out."""
    return f"{counted(len(notes), 'note')}; `cupsite check --verbose` lists them."


def format_problems(errors, found, output_format: str, verbose: bool = False) -> str:
    """The errors and what else a check `found` (warnings and notes): every one in JSON and as
    GitHub annotations; in text, the notes only when `verbose`, else a line counting them."""
    warnings, notes = warnings_and_notes(found)
    problems = sorted(errors + found, key=lambda p: p.sort_key())
    if output_format == "json":
        from .data import dumps

        return dumps([{"file": p.path, "line": p.line, "severity": p.severity, "message": p.message,
                       "hint": p.hint} for p in problems], pretty=True).decode("utf-8")
    if output_format == "github":
        return "".join(_annotation(p) for p in problems)
    lines = shown_by_file(problems if verbose else [p for p in problems if p.severity != NOTE])
    summary = f"{counted(len(errors), 'error')}, {counted(len(warnings), 'warning')}"
    if verbose or not notes:
        lines.append(f"{summary}, {counted(len(notes), 'note')}.")
    else:
        lines.append(f"{summary}, {notes_line(notes)}")
    return "\n".join(lines) + "\n"


#: the GitHub Actions workflow command of each severity (a note is a "notice" there)
ANNOTATION_COMMANDS = {"error": "error", "warning": "warning", NOTE: "notice"}


def _annotation(problem) -> str:
    def escape(text: str) -> str:  # the workflow-command escaping of GitHub Actions
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    where = f"file={escape(problem.path).replace(',', '%2C').replace(':', '%3A')}"
    if problem.line:
        where += f",line={problem.line}"
    message = problem.message + (f" ({problem.hint})" if problem.hint else "")
    return f"::{ANNOTATION_COMMANDS[problem.severity]} {where}::{escape(message)}\n"


class PreviewConsole:
    """What `serve` prints after each rebuild: the pages rebuilt, the problems, and the warnings
    new since the last build (a name just misspelled)."""

    def __init__(self) -> None:
        self.shown_warnings: set = set()

    def tell_warnings(self, found) -> None:
        """The new warnings; all of them at first, unless there are so many that a count says more.
        The notes are left to `cupsite check --verbose`: an edit makes none worth interrupting for."""
        warnings, _ = warnings_and_notes(found)
        new = [warning for warning in warnings if warning not in self.shown_warnings]
        if self.shown_warnings or len(new) <= MAX_WARNINGS_AT_START:
            for warning in new:
                click.echo(warning.format(), err=True)
        if warnings:
            click.echo(f"{counted(len(warnings), 'warning')} ({len(new)} new); "
                       "`cupsite check` lists them all.", err=True)
        self.shown_warnings.clear()
        self.shown_warnings.update(warnings)

    def rebuilt(self, outcome) -> None:
        """After a change: the open pages (the rest follows), or the whole site."""
        if outcome.problems:
            report(ContentErrors(list(outcome.problems)))
        elif outcome.left:
            click.echo(f"Rebuilt the {counted(outcome.pages, 'open page')} in {outcome.seconds:.2f} s; "
                       f"{_files_changed(outcome)}.")
        else:
            click.echo(f"Rebuilt {counted(outcome.pages, 'page')} in {outcome.seconds:.2f} s; "
                       f"{_files_changed(outcome)}.")
            self.tell_warnings(outcome.warnings)

    def finished(self, outcome) -> bool:
        """After the pages left to the end; True when they had problems (reported here)."""
        if outcome.problems:
            report(ContentErrors(list(outcome.problems)))
            return True
        click.echo(f"Rebuilt the other {counted(outcome.pages, 'page')} in {outcome.seconds:.2f} s; "
                   f"{_files_changed(outcome)}.")
        self.tell_warnings(outcome.warnings)
        return False


def _files_changed(outcome) -> str:
    return f"{counted(len(outcome.written), 'file')} changed"


@contextmanager
def ended_cleanly(request_error: type[Exception], exit_code: int):
    """End a command cleanly on content problems or on a request that cannot be met."""
    try:
        yield
    except ContentErrors as failure:
        report(failure)
        sys.exit(EXIT_CONTENT)
    except request_error as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(getattr(error, "exit_code", exit_code))  # a refusal may carry its own status
