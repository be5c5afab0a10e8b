"""The sizes of the images a story or a profile shows, so pages give them width and height."""

from __future__ import annotations

from .. import body_links
from ..link import Site, static_image_size


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
