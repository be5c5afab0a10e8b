"""Stories: content/articles/*.md."""

from __future__ import annotations

import re
from pathlib import Path

from .. import steps, urls
from ..body_links import localize, written_cupsite_links
from ..errors import Problems
from ..markdown_html import first_paragraph_text, markdown_to_html
from ..model import Article, Source
from ..slugs import slugify
from ..steps import read_file
from ..yamlio import shown
from .documents import read_document
from .fields import Fields
from .files import listed

ARTICLE_FIELDS = ("title", "date", "author", "summary", "tags", "event", "drivers", "teams",
                  "image", "image_alt", "image_focus", "image_credit", "draft", "slug", "updated")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def load_articles(folder: Path, problems: Problems, raw_html: str = "sanitize", timezone: str | None = None
                  ) -> list[Article]:
    # paths as str: a preview's rebuild lists thousands of stories to load one, and making a Path
    # of each took a fifth of that
    paths = [entry.path for entry in listed(folder, problems) if entry.name.endswith(".md")]
    loaded = steps.checked_each(load_article_file, [(path, read_file(path)) for path in paths], raw_html, timezone,
                                problems=problems)
    return [article for article in loaded if article is not None]


def load_article_file(file: tuple[str, bytes | OSError], raw_html: str, timezone: str | None, problems: Problems
                      ) -> Article | None:
    """The story of a file read already: (its path, its bytes)."""
    return load_article(file[0], problems, raw_html, timezone, file[1])


def load_article(path: Path | str, problems: Problems, raw_html: str = "sanitize", timezone: str | None = None,
                 data: bytes | OSError | None = None) -> Article | None:
    """The story at `path`; its dates are local times of `timezone` (the site's), when given."""
    path = Path(path)
    document = read_document(path, problems, data)
    if document is None:
        return None
    fields = Fields(problems, path, document.meta, "the front matter", ARTICLE_FIELDS)
    title = fields.text("title", required=True, hint="add `title: ...` to the front matter")
    date = fields.datetime("date", required=True, timezone=timezone)
    slug = fields.text("slug") or _DATE_PREFIX.sub("", path.stem)
    if slug != slugify(slug):
        fields.error("slug" if fields.has("slug") else "title",
                     f"{shown(slug)} is not a valid slug",
                     f"use lower-case letters, digits and hyphens, e.g. {shown(slugify(slug))}")
        slug = slugify(slug)
    image = fields.text("image")
    if image and not stays_in_site(image):
        fields.error("image", f"the image path {shown(image)} leaves the site",
                     "use a path under the site such as /static/img/photo.jpg, or a full https:// URL")
        image = ""
    tags = tuple(dict.fromkeys(t for t in fields.names("tags")))
    for tag in tags:
        if not slugify(tag):
            fields.error("tags", f"the tag {shown(tag)} has no letters or digits")
    body_html, headings = markdown_to_html(document.body, raw_html)
    if title is None or date is None or not slug:
        return None
    body_html, paths = localize_paths(body_html, urls.article(slug), path, document, problems)
    return Article(
        slug=slug,
        title=title,
        date=date,
        body_html=body_html,
        summary=fields.text("summary", lines=True) or first_paragraph_text(body_html),
        source=Source(problems.relative(path), document.meta.line),
        author=fields.text("author"),
        tags=tuple(t for t in tags if slugify(t)),
        event_ref=fields.text("event"),
        driver_refs=fields.names("drivers"),
        team_refs=fields.names("teams"),
        image=image,
        image_alt=fields.text("image_alt", lines=True),
        image_focus=focal_point(fields, "image_focus"),
        image_credit=fields.text("image_credit"),
        draft=fields.boolean("draft"),
        updated=fields.datetime("updated", timezone=timezone) if fields.has("updated") else None,
        toc=headings,
        lines=dict(document.meta.key_lines),
        body_source=document.body,
        body_line=document.body_line,
        paths=paths,
    )


def localize_paths(body_html: str, page_path: str, path: Path, document, problems: Problems) -> tuple[str, tuple]:
    """The body with the paths it links to made site paths (see body_links); a path that climbs
    above the site's root is an error, and so is a `cupsite:` link the writer wrote."""
    for link in written_cupsite_links(body_html, document.body, document.body_line):
        problems.add(path, link.line, f"the link {shown(link.written)} uses cupsite's own scheme",
                     "`cupsite:` links are cupsite's own; link by path, such as /drivers/<slug>/")
    body_html, paths = localize(body_html, page_path, document.body, document.body_line)
    for link in paths:
        if link.target is None:
            problems.add(path, link.line, f"the link {shown(link.written)} leaves the site",
                         "link to a page by its path from the site's root, such as /drivers/<slug>/ "
                         "or /static/img/photo.jpg, or write a full https:// URL")
    return body_html, tuple(link for link in paths if link.target is not None)


def focal_point(fields: Fields, key: str) -> tuple[float, float]:
    """The point of a photo that its crops keep in view, written `0.3, 0.6` (or as a list): how far
    across and how far down, each from 0 to 1; the centre when not given or wrong (an error)."""
    if not fields.has(key):
        return (0.5, 0.5)
    value = fields.mapping[key]
    parts = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else [value]
    try:
        point = tuple(float(part) for part in parts)
    except (TypeError, ValueError):
        point = ()
    if len(point) != 2 or not all(0 <= number <= 1 for number in point):
        fields.error(key, f"the focal point {shown(value)} is not two numbers from 0 to 1",
                     f"write how far across and how far down the subject is, e.g. {key}: 0.3, 0.6 "
                     "(0, 0 is the top left corner, 1, 1 the bottom right)")
        return (0.5, 0.5)
    return point


def stays_in_site(link: str) -> bool:
    if link.startswith(("https://", "http://")):
        return True
    return ".." not in link.split("/") and "\\" not in link and ":" not in link
