"""Which photos the site shows, checked when the site is linked, and the files they are published
as, made when the pages are planned (the work itself is in photos.py, as steps)."""

from __future__ import annotations

from . import body_links, steps
from .config import SiteConfig
from .errors import Problems
from .model import Article, Profile
from .photos import (
    CENTRE,
    CROPS,
    PHOTO_SUFFIXES,
    PhotoFacts,
    encode_photo,
    inspect_photo,
    original_crop,
    renditions,
)

_HINTS = {
    "decodes safely": "scale it down (8000 pixels wide is plenty for any screen) and save it again",
    "cannot be decoded": "the file is damaged or cut short: export the photo again",
}


def is_photo(site_path: str) -> bool:
    return site_path.startswith("static/") and site_path.lower().endswith(PHOTO_SUFFIXES)


def photo_uses(articles, profiles) -> dict[str, list[tuple[str, int | None]]]:
    """Each photo of static/ that a story or a profile shows or links to, by site path, with the
    places that name it: (file, line)."""
    uses: dict[str, list] = {}

    def add(image: str | None, source: str, line: int | None) -> None:
        if isinstance(image, str) and is_photo(image.lstrip("/")):
            uses.setdefault(image.lstrip("/"), []).append((source, line))

    for article in articles:
        add(article.image, article.source.path, article.lines.get("image"))
        for link in article.paths:
            add(body_links.split_target(link.target)[0], article.source.path, link.line)
    for profile in profiles:
        add(profile.fields.get("image"), profile.source.path, profile.lines.get("image"))
        for link in profile.paths:
            add(body_links.split_target(link.target)[0], profile.source.path, link.line)
    return uses


def checked_photos(articles, profiles, config: SiteConfig, problems: Problems) -> dict[str, PhotoFacts]:
    """The facts of every photo the site shows, by site path; a file that is not a photo cupsite
    can publish is an error at each place that names it. (A missing file is reported where the
    paths are checked.)"""
    uses = photo_uses(articles, profiles)
    files = {path: config.static_file(path.removeprefix("static/")) for path in sorted(uses)}
    found = {path: file for path, file in files.items() if file is not None}
    inspected = steps.each(inspect_photo, [steps.file_bytes(file) for file in found.values()], per_worker=4)
    facts = {}
    for path, result in zip(found, inspected, strict=True):
        if isinstance(result, str):
            hint = next((hint for start, hint in _HINTS.items() if start in result),
                        "use a JPEG, PNG or WebP photo, or fix the path")
            for source, line in uses[path]:
                problems.add(source, line, f"the photo /{path} {result}", hint)
        else:
            facts[path] = PhotoFacts(*result)
    return facts


def photo_jobs(articles: tuple[Article, ...], profiles: tuple[Profile, ...], photos: dict[str, PhotoFacts]
               ) -> list[tuple[str, str, tuple[float, float]]]:
    """(site path, crop, focal point) of each picture the pages show, each once, in a stable order:
    a story's photo as its page's hero and its lists' card, a profile's in its shape, a text's as
    it is; and every photo's stripped copy at its own address."""
    jobs = set()
    for article in articles:
        image = article.image.lstrip("/")
        if image in photos:
            jobs.update({(image, "hero", article.image_focus), (image, "card", article.image_focus)})
    for profile in profiles:
        image = profile.fields.get("image")
        if isinstance(image, str) and image.lstrip("/") in photos:
            jobs.add((image.lstrip("/"), "profile", profile.fields.get("image_focus", CENTRE)))
    for owner in (*articles, *profiles):
        for link in owner.paths:
            path = body_links.split_target(link.target)[0]
            if path in photos:
                jobs.add((path, "body", CENTRE))
    jobs.update((path, original_crop(path), CENTRE) for path in photos)
    return sorted(jobs)


def photo_files(config: SiteConfig, articles, profiles, photos: dict[str, PhotoFacts]) -> dict[str, bytes]:
    """Every file of every picture, by site path. Each photo is a step (all its crops at once, so it
    is decoded once), keyed by its bytes and its crops: a rebuild encodes only the photos whose
    file, crops or focal points changed, and the photos are shared among the cores."""
    uses: dict[str, list] = {}
    for path, crop, focus in photo_jobs(articles, profiles, photos):
        uses.setdefault(path, []).append((crop, focus))
    paths = sorted(uses)
    encoded = steps.each(encode_photo, [(tuple(uses[path]), steps.file_bytes(config.static_file(
        path.removeprefix("static/")))) for path in paths], per_worker=1)
    files = {}
    for path, outputs in zip(paths, encoded, strict=True):
        for (crop, focus), crop_outputs in zip(uses[path], outputs, strict=True):
            for rendition, data in zip(renditions(path, photos[path], CROPS[crop], focus), crop_outputs, strict=True):
                files[rendition.path] = data
    return files
