"""The images pages show: photos as responsive pictures (the files of each width and format,
ready to list in `srcset`), and the sizes of the other images, so pages give them width and height."""

from __future__ import annotations

import html
from typing import NamedTuple

from .. import body_links
from ..link import Site, static_image_size
from ..photos import CENTRE, CROPS, renditions

FALLBACK_WIDTH = 800  # the <img src> of a picture for a browser that reads no srcset: the first this wide


class PictureSource(NamedTuple):
    """The files of one format of a picture."""

    media_type: str
    """"image/avif" or "image/webp" (the `type` of a `<source>`)"""
    files: tuple[tuple[str, int], ...]
    """(site path, width in pixels) of each file, narrowest first (a `srcset`)"""


class Picture(NamedTuple):
    """A photo ready to show as `<picture>`: the theme's `picture` macro (picture.html) writes it."""

    sources: tuple[PictureSource, ...]
    """the modern formats, the browser's first choice first"""
    jpeg: tuple[tuple[str, int], ...]
    """(site path, width) of each JPEG file, narrowest first: the `<img>`'s `srcset`"""
    src: str
    """the site path of the JPEG the `<img>` names in `src`"""
    width: int
    """the width of `src` in pixels"""
    height: int
    """the height of `src` in pixels (the picture's shape, so the page does not shift as it loads)"""
    sizes: str
    """how wide the picture is shown (the `sizes` attribute)"""
    alt: str
    """the picture described for screen readers ("" for one that only decorates)"""
    credit: str
    """who took it, as the writer gave it ("" if not given)"""


def photo_picture(site: Site, image: str, crop_name: str, focus: tuple[float, float] = CENTRE, alt: str = "",
                  credit: str = "") -> Picture | None:
    """The picture of a photo of the site (`image` as written: '/static/img/a.jpg') in one of the
    theme's crops (photos.CROPS); None for an image that is not a photo the build publishes (a
    full URL, an SVG), which is shown as it is."""
    site_path = image.lstrip("/")
    facts = site.photos.get(site_path)
    if facts is None:
        return None
    files = renditions(site_path, facts, CROPS[crop_name], focus)
    by_type: dict[str, list] = {}
    for file in files:
        by_type.setdefault(file.media_type, []).append(file)
    jpeg = by_type.pop("image/jpeg")
    fallback = next((file for file in jpeg if file.width >= FALLBACK_WIDTH), jpeg[-1])
    return Picture(
        sources=tuple(PictureSource(kind, tuple((f.path, f.width) for f in found)) for kind, found in by_type.items()),
        jpeg=tuple((f.path, f.width) for f in jpeg), src=fallback.path, width=fallback.width,
        height=fallback.height, sizes=CROPS[crop_name].sizes, alt=alt, credit=credit)


def body_pictures(site: Site, paths) -> dict[str, Picture]:
    """The picture of each photo a story's or a profile's text shows, by site path (the `links`
    filter writes the text's <img> of a photo as a <picture>)."""
    found = {}
    for link in paths:
        path = body_links.split_target(link.target)[0]
        if path in site.photos and path not in found:
            found[path] = photo_picture(site, path, "body")
    return found


def picture_html(picture: Picture, url, alt: str, attributes: str = "") -> str:
    """A text's photo as <picture>, its addresses made by `url` (relative to the page shown). The
    picture.html macro writes the same for the theme's own pictures."""
    def srcset(files) -> str:
        return html.escape(", ".join(f"{url(path)} {width}w" for path, width in files))

    sources = "".join(f'<source type="{s.media_type}" srcset="{srcset(s.files)}" sizes="{picture.sizes}">'
                      for s in picture.sources)
    return (f'<picture>{sources}<img src="{html.escape(url(picture.src))}" srcset="{srcset(picture.jpeg)}" '
            f'sizes="{picture.sizes}" alt="{html.escape(alt)}" width="{picture.width}" height="{picture.height}"'
            f'{attributes} loading="lazy" decoding="async"></picture>')


def body_image_sizes(site: Site, paths) -> dict[str, tuple[int, int]]:
    """The size of each static file a story's or a profile's text links to, by site path: the text's
    images get their width and height when the page is rendered (the page's key holds them, so an
    image changed in size renders its pages again)."""
    sizes = {}
    for link in paths:
        path = body_links.split_target(link.target)[0]
        if path.startswith("static/") and path not in sizes:
            sizes[path] = static_image_size(site.config, path)
    return {path: size for path, size in sizes.items() if size}


def profile_image_size(site: Site, person) -> tuple[int, int] | None:
    return site.image_sizes.get(person.profile.fields.get("image")) if person.profile else None


def profile_picture(site: Site, person, crop_name: str = "profile") -> Picture | None:
    """The photo of a driver's or team's profile, cropped for the profile's page."""
    fields = person.profile.fields if person.profile else {}
    image = fields.get("image")
    if not image:
        return None
    # alt="": the name is the heading beside it, which a screen reader would otherwise hear twice
    return photo_picture(site, image, crop_name, fields.get("image_focus", CENTRE), alt="",
                         credit=fields.get("image_credit", ""))


def story_pictures(site: Site) -> dict[str, Picture]:
    """The small picture of each story with a photo, by slug, for the story lists."""
    found = {}
    for article in site.articles:
        if article.image:
            picture = photo_picture(site, article.image, "card", article.image_focus, alt="")
            if picture is not None:
                found[article.slug] = picture
    return found
