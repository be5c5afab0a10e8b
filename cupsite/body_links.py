"""Links and images a writer puts in the body of a story or a profile, by path rather than by URL.

A path is taken as the site's: `/static/img/grid.jpg` or `/drivers/ann-able/` from the site's
root, `../other-story/` from the page the text is published on. Each becomes a `cupsite:site/`
link (see `mentions.resolve_links`), made relative to whichever page shows the text, or absolute
in a feed, so it works at a domain root, under a sub-path and opened from disk. A path that climbs
above the site's root is refused; whether the rest exist is checked once the pages are planned
(`broken_path_errors`).

Full URLs (https:, mailto:, ...) and `#anchors` within the page are left alone; a `cupsite:` link
written by the writer is refused (`written_cupsite_links`)."""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from dataclasses import dataclass

from .errors import ContentError
from .mentions import SCHEME
from .yamlio import shown

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


# An attribute of a tag whose value starts with `cupsite:`, however it is quoted or escaped
_ATTRIBUTE_VALUES = re.compile(r"""<[a-zA-Z][^<>]*>""")
_VALUE = re.compile(r"""\s[^\s"'<>/=]+\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def written_cupsite_links(body_html: str, source: str, first_line: int) -> tuple[BodyLink, ...]:
    """Each `cupsite:` address the writer put in the text (a link, an image, any attribute of raw
    HTML). The scheme is cupsite's own, for the links it makes (see mentions.resolve_links): one
    written by hand would go out unchecked, as a link above the site's root if it says so."""
    if "cupsite" not in body_html.lower() and "&#" not in body_html:
        return ()
    found = []
    for tag in _ATTRIBUTE_VALUES.finditer(body_html):
        for value in _VALUE.finditer(tag.group(0)):
            raw = next(v for v in value.groups() if v is not None)
            written = html.unescape(raw)
            if "".join(written.split()).lower().startswith(SCHEME):
                line = _line_of(written.strip(), source, first_line) or _line_of(raw.strip(), source, first_line)
                found.append(BodyLink(written, None, line))
    return tuple(found)


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
    names_a_folder = joined.endswith(("/", "/.", "/.."))
    if parts and parts[-1] == "index.html":
        parts.pop()
        names_a_folder = True
    folder = not parts or names_a_folder or "." not in parts[-1]
    target = "/".join(parts) + ("/" if folder and parts else "")
    return target + question_mark + query + hash_mark + anchor


def split_target(target: str) -> tuple[str, str]:
    """('drivers/x/', '?q#a') from 'drivers/x/?q#a': the site path, and what follows it."""
    end = min((at for at in (target.find("?"), target.find("#")) if at >= 0), default=len(target))
    return target[:end], target[end:]


def broken_path_errors(site, pages) -> list[ContentError]:
    """An error for each path a story or a biography of the `site` links to that is neither one of
    the planned `pages` nor a file of the static folders."""
    texts = [(article.source, article.paths) for article in site.articles if article.paths]
    texts += [(person.profile.source, person.profile.paths) for people in (site.drivers, site.teams, site.tracks)
              for person in people.values() if person.profile is not None and person.profile.paths]
    if not texts:
        return []
    page_paths = {page.path for page in pages}
    errors = []
    for source, paths in texts:
        for link in paths:
            path, _ = split_target(link.target)
            found = (site.config.static_file(path.removeprefix("static/")) is not None if path.startswith("static/")
                     else path in page_paths)
            if not found:
                errors.append(ContentError(source.path, link.line if link.line is not None else source.line,
                                           f"the link {shown(link.written)} leads to no page or file of the site",
                                           _hint_for(path, page_paths)))
    return errors


def _hint_for(path: str, page_paths: set[str]) -> str:
    close = difflib.get_close_matches(path, page_paths, n=1, cutoff=0.8)
    if close:
        return f"did you mean /{close[0]}?"
    return ("link to a page by its path from the site's root, such as /drivers/<slug>/, "
            "or put the file in the site's static/ folder and write /static/<name>")


def _line_of(written: str, source: str, first_line: int) -> int | None:
    at = source.find(written)
    return None if at < 0 else first_line + source.count("\n", 0, at)
