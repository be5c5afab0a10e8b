"""The site's own files beside its content: the static files it publishes under static/ (the
built-in theme's, then the site's own, which replace the theme's of the same name), and the
templates of templates/ that override the theme's.

Symbolic links in the site's static/ are followed as long as they lead to a file or a folder
inside the site's own folder: a photo kept once elsewhere in the site and linked from static/ is
published like any other file (as a copy: the output never links out). A link that leads out of
the site is not followed (nothing outside the site's folder is ever published): it is an error,
as is a name that is not UTF-8, which no address on the web can carry."""

from __future__ import annotations

import os
from pathlib import Path

from .config import THEME_DIR, SiteConfig
from .errors import ContentError

STATIC_FOLDER = "static"


def static_files(config: SiteConfig) -> dict[str, Path]:
    """Every file published under static/, by its name there ('img/logo.png'), with the file its
    bytes come from. What `site_file_problems` reports is left out."""
    files, _ = _walk(THEME_DIR / STATIC_FOLDER, None)
    own, _ = _walk(config.static_dir, config.root)
    files.update(own)
    return dict(sorted(files.items()))


def site_file_problems(config: SiteConfig) -> list[ContentError]:
    """The site's static files that cannot be published and the templates that cannot be used,
    each with what to do."""
    return _walk(config.static_dir, config.root)[1] + _template_problems(config)


def _template_problems(config: SiteConfig) -> list[ContentError]:
    """An empty template: every page made with it (or with a template that extends it) would be
    blank, and the build would not know."""
    folder = config.templates_dir
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.rglob("*")):
        if path.name.startswith("."):  # not a template: .gitkeep and the like, empty on purpose
            continue
        try:
            empty = path.is_file() and not path.read_bytes().strip()
        except OSError as error:
            problems.append(ContentError(_shown(path, config.root), None, f"cannot be read: {error.strerror}"))
            continue
        if empty:
            problems.append(ContentError(_shown(path, config.root), None,
                                         "the template is empty: every page made with it would be blank",
                                         "delete it to use the built-in theme's, or write the template "
                                         "(see docs/templates.md)"))
    return problems


def _walk(folder: Path, root: Path | None) -> tuple[dict[str, Path], list[ContentError]]:
    """The files below `folder` by their names relative to it, and the problems; with `root`, links
    are followed only while they stay inside it."""
    files: dict[str, Path] = {}
    problems: list[ContentError] = []
    if not folder.is_dir():
        return files, problems
    inside = Path(os.path.realpath(root)) if root is not None else None
    shown_from = root or folder
    # each folder to walk with the real folders it lies in: a link back into one of them would never end
    pending = [(Path(os.path.realpath(folder)), folder, "", frozenset())]
    while pending:
        real, shown, prefix, within = pending.pop()
        if real in within:
            problems.append(ContentError(_shown(shown, shown_from), None, "is a link to a folder it is in",
                                         "remove the link: it would publish the folder inside itself forever"))
            continue
        try:
            entries = sorted(os.scandir(real), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(ContentError(_shown(shown, shown_from), None, f"cannot be read: {error.strerror}"))
            continue
        for entry in entries:
            name = prefix + entry.name
            where = shown / entry.name
            if not _is_utf8(entry.name):
                problems.append(ContentError(_shown(where, shown_from), None, "the file name is not UTF-8 text",
                                             "rename it with letters that can be written in a web address"))
                continue
            target = Path(os.path.realpath(entry.path))
            if entry.is_symlink() and inside is not None and not target.is_relative_to(inside):
                problems.append(ContentError(
                    _shown(where, shown_from), None, f"is a link out of the site (to {target}), which is not published",
                    "copy the file into the site's static/ folder (links are followed only inside the site)"))
                continue
            if target.is_dir():
                pending.append((target, where, name + "/", within | {real}))
            elif target.is_file():
                files[name] = target
            elif entry.is_symlink():
                problems.append(ContentError(_shown(where, shown_from), None, "is a link to nothing",
                                             "remove the link, or make it lead to a file inside the site"))
    return files, problems


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a byte that is not UTF-8, kept as a lone surrogate
        return False
    return True


def _shown(path: Path, root: Path) -> str:
    """The path as a problem names it: relative to the site, any byte that is not UTF-8 as '?'."""
    try:
        path = path.relative_to(root)
    except ValueError:
        pass
    return os.fsencode(path).decode("utf-8", "replace").replace("\ufffd", "?")
