"""Profiles: content/drivers/, content/teams/, content/tracks/."""

from __future__ import annotations

import re
from pathlib import Path

from .. import steps, urls
from ..errors import Problems
from ..markdown_html import markdown_to_html
from ..model import Profile, Source
from ..names import surname_in
from ..slugs import slugify
from ..steps import read_file
from ..timing import parse_time
from ..yamlio import shown
from .articles import focal_point, localize_paths, stays_in_site
from .documents import read_document
from .fields import Fields
from .files import listed

PROFILE_FIELDS = {
    "driver": ("name", "nationality", "born", "hometown", "image", "image_focus", "image_credit", "aliases",
               "number", "website", "surname"),
    "team": ("name", "base", "founded", "principal", "website", "image", "image_focus", "image_credit", "aliases"),
    "track": ("name", "location", "country", "length_miles", "length_km", "turns", "map", "image",
              "aliases", "lap_record", "timezone", "website"),
}

URL_FIELDS = {"website", "map"}  # written as links: only web addresses (never javascript: and the like)
_WEB_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.I)
PAGE_OF = {"driver": urls.driver, "team": urls.team, "track": urls.track}


def load_profiles(folder: Path, kind: str, problems: Problems, raw_html: str = "sanitize") -> list[Profile]:
    paths = [Path(entry.path) for entry in listed(folder, problems) if entry.name.endswith(".md")
             and entry.is_file()]
    loaded = steps.checked_each(load_profile_file, [(str(path), read_file(path)) for path in paths], kind, raw_html,
                                problems=problems)
    return [profile for profile in loaded if profile is not None]


def load_profile_file(file: tuple[str, bytes | OSError], kind: str, raw_html: str, problems: Problems
                      ) -> Profile | None:
    """The profile of a file read already: (its path, its bytes)."""
    return load_profile(Path(file[0]), kind, problems, raw_html, file[1])


def load_profile(path: Path, kind: str, problems: Problems, raw_html: str = "sanitize",
                 data: bytes | OSError | None = None) -> Profile | None:
    document = read_document(path, problems, data)
    if document is None:
        return None
    fields = Fields(problems, path, document.meta, f"the {kind} profile", PROFILE_FIELDS[kind])
    name = fields.text("name", required=True)
    if not name:
        return None
    if path.stem != slugify(name):
        problems.add(path, fields.line_of("name"),
                     f"the file name does not match the name {shown(name)}",
                     f"rename the file to {slugify(name)}.md")
        return None
    extra = {key: document.meta[key] for key in PROFILE_FIELDS[kind]
             if key not in ("name", "aliases") and document.meta.get(key) is not None}
    for key in URL_FIELDS & extra.keys():
        if not (isinstance(extra[key], str) and _WEB_URL.match(extra[key].strip())):
            problems.add(path, fields.line_of(key), f"'{key}' should be a web address, not {shown(extra[key])}",
                         f"write the full address: {key}: https://...")
            del extra[key]
    if "surname" in extra and not (isinstance(extra["surname"], str) and surname_in(name, extra["surname"])):
        problems.add(path, fields.line_of("surname"), f"the surname {shown(extra['surname'])} is not part of the "
                     f"name {shown(name)}", "write the words of the name that are the surname, as the name spells them")
        del extra["surname"]
    if kind == "track" and "lap_record" in extra:
        extra["lap_record"] = _lap_record(path, fields, problems)
        if extra["lap_record"] is None:
            del extra["lap_record"]
    if "image" in extra and not (isinstance(extra["image"], str) and stays_in_site(extra["image"])):
        problems.add(path, fields.line_of("image"), f"the image path {shown(extra['image'])} leaves the site",
                     "use a path under the site such as /static/img/photo.jpg, or a full https:// URL")
        del extra["image"]
    if "image_focus" in extra:
        extra["image_focus"] = focal_point(fields, "image_focus")
    if "image_credit" in extra:
        extra["image_credit"] = fields.text("image_credit")
    body_html, _ = markdown_to_html(document.body, raw_html)
    body_html, paths = localize_paths(body_html, PAGE_OF[kind](path.stem), path, document, problems)
    return Profile(kind, path.stem, name, body_html, extra, Source(problems.relative(path), 1),
                   fields.names("aliases"), paths, {"image": fields.line_of("image")} if "image" in extra else {})


def _lap_record(path: Path, profile: Fields, problems: Problems) -> dict | None:
    record = Fields(problems, path, profile.mapping["lap_record"], "lap_record", ("time", "driver", "team", "year"))
    if not record.ok:
        profile.error("lap_record", "lap_record should be a mapping",
                      'write it as lap_record: {time: "1:24.953", driver: Name, team: Team, year: 2023}')
        return None
    time = record.text("time", required=True)
    if time and parse_time(time) is None:
        record.error("time", f"the lap record {shown(time)} is not a lap time", 'write it as "1:24.953" (in quotes)')
    return {"time": time, "driver": record.text("driver", required=True), "team": record.text("team"),
            "year": record.integer("year")}
