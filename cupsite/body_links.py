"""Links and images a writer puts in the body of a story or a profile, by path rather than by URL.

A path is taken as the site's: `/static/img/grid.jpg` or `/drivers/ann-able/` from the site's
root, `../other-story/` from the page the text is published on. Each becomes a `cupsite:site/`
link (see `mentions.resolve_links`), made relative to whichever page shows the text, or absolute
in a feed, so it works at a domain root, under a sub-path and opened from disk. A path that climbs
above the site's root is refused; whether the rest exist is checked once the pages are planned
(`missing_targets`).

Full URLs (https:, mailto:, ...), `#anchors` within the page and `cupsite:` links are left alone."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

from .mentions import SCHEME

SITE_KIND = "site"
_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class BodyLink:
    written: str  # the URL as the writer wrote it
    target: str | None  # the site path it names: 'drivers/ann-able/', 'static/img/a.jpg'; None: it leaves the site
    line: int | None  # of the file the text came from


def localize(body_html: str, page_path: str, source: str, first_line: int) -> tuple[str, tuple[BodyLink, ...]]:
    """The body with its paths as `cupsite:site/` links, and each path found. `page_path` is where
    the text is published ('news/able-wins/'); `source` is its Markdown, whose first line is
    `first_line` of the file, to tell the line of each link."""
    if ' href="' not in body_html and ' src="' not in body_html:
        return body_html, ()
    found: list[BodyLink] = []

    def site_link(match: re.Match) -> str:
        written = html.unescape(match.group(2))
        if not written or written.startswith(("#", "//")) or _HAS_SCHEME.match(written):
            return match.group(0)
        target = site_path(written, page_path)
        found.append(BodyLink(written, target, _line_of(written, source, first_line)))
        if target is None:
            return match.group(0)
        return f"{match.group(1)}{SCHEME}{SITE_KIND}/{html.escape(target)}{match.group(3)}"

    return _ATTRIBUTE.sub(site_link, body_html), tuple(found)


def site_path(written: str, page_path: str) -> str | None:
    """The site path a link written on the page at `page_path` names, with its ?query and #anchor; None when
    it climbs above the site's root. A page is named by its folder: '/drivers/x', '/drivers/x/' and
    '/drivers/x/index.html' are all 'drivers/x/' (a last part without a dot is a folder)."""
    path, hash_mark, anchor = written.partition("#")
    path, question_mark, query = path.partition("?")
    if path.startswith("/"):
        joined = path
    else:
        joined = "/" + posixpath.join(page_path, path)
    parts: list[str] = []
    for part in joined.split("/")[1:]:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    if parts and parts[-1] == "index.html":
        parts.pop()
        joined = "/"
    folder = not parts or joined.endswith(("/", "/.", "/..")) or "." not in parts[-1]
    target = "/".join(parts) + ("/" if folder and parts else "")
    return target + question_mark + query + hash_mark + anchor


def split_target(target: str) -> tuple[str, str]:
    """('drivers/x/', '?q#a') from 'drivers/x/?q#a': the site path, and what follows it."""
    end = min((at for at in (target.find("?"), target.find("#")) if at >= 0), default=len(target))
    return target[:end], target[end:]


def missing_targets(links: tuple[BodyLink, ...], page_paths: set[str], static_file) -> list[BodyLink]:
    """The links whose path is neither a page of the site nor a file of its static folders
    (`static_file(name)` finds one under static/)."""
    missing = []
    for link in links:
        if link.target is None:
            continue
        path, _ = split_target(link.target)
        if path.startswith("static/"):
            if static_file(path.removeprefix("static/")) is None:
                missing.append(link)
        elif path not in page_paths:
            missing.append(link)
    return missing


def _line_of(written: str, source: str, first_line: int) -> int | None:
    at = source.find(written)
    return None if at < 0 else first_line + source.count("\n", 0, at)
