"""Photos published as responsive pictures (crops, widths, formats, no metadata), their cache, the
problems of bad photos, and the share cards of stories without one."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from cupsite import photos
from cupsite.build import build
from cupsite.engine.cache import BuildCache
from cupsite.errors import ContentErrors

from .conftest import ROOT, SITES, copy_site

GPS_PHOTO = ROOT / "static/img/photos/road-atlanta-battle.jpg"
METADATA_KEYS = ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "dpi")


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def file_of(output: Path, page_path: str, address: str) -> Path:
    """The output file a relative address of a page names."""
    return (output / page_path / address).resolve()


def srcset_files(srcset: str) -> list[tuple[str, int]]:
    return [(address, int(width[:-1])) for address, width in (part.split() for part in srcset.split(", "))]


# --- the pure parts --------------------------------------------------------------------------------

def test_the_focal_point_moves_the_crop_as_far_as_the_edges_allow():
    size = (4000, 2667)
    centred = photos.crop_box(size, (4, 5), photos.CENTRE)
    left = photos.crop_box(size, (4, 5), (0.1, 0.5))
    right = photos.crop_box(size, (4, 5), (0.9, 0.5))
    assert centred == (934, 0, 3067, 2667)  # a portrait out of a landscape: full height, centred
    assert left[0] == 0 and right[2] == 4000  # pushed against each edge, never past it
    assert left[0] < centred[0] < right[0]
    assert photos.crop_box(size, (16, 9), (0.5, 0.0))[1] == 0  # a wide crop moves up and down only
    assert photos.crop_box(size, (16, 9), (0.5, 1.0))[3] == 2667
    assert photos.crop_box(size, None, (0.1, 0.1)) == (0, 0, 4000, 2667)


def test_a_photo_is_never_published_wider_than_it_is():
    hero = photos.CROPS["hero"]
    assert photos.published_widths(hero, 4000) == (480, 800, 1200, 1600)
    assert photos.published_widths(hero, 1000) == (480, 800, 1000)
    assert photos.published_widths(hero, 300) == (300,)


def test_the_focal_point_changes_the_pixels_of_the_crop():
    data = GPS_PHOTO.read_bytes()
    left, right = (photos.encode_photo(((("profile", focus),), data))[0] for focus in ((0.0, 0.5), (1.0, 0.5)))
    assert left != right
    narrowest_jpeg = 2 * len(photos.CROPS["profile"].widths)  # after the AVIF and WebP files
    narrow = [Image.open(io.BytesIO(files[narrowest_jpeg])) for files in (left, right)]
    assert narrow[0].format == "JPEG" and narrow[0].size == narrow[1].size == (240, 300)

    def yellow(image) -> int:
        pixels = image.convert("RGB").tobytes()
        return sum(1 for at in range(0, len(pixels), 3)
                   if pixels[at] > 200 and pixels[at + 1] > 170 and pixels[at + 2] < 90)

    # the scene's yellow car is at its left: the left crop shows it, the right one does not
    assert yellow(narrow[0]) > 1000 and yellow(narrow[1]) < 50


def test_encoding_gives_the_same_bytes_every_time():
    data = GPS_PHOTO.read_bytes()
    uses = (("card", (0.3, 0.7)),)
    assert photos.encode_photo((uses, data)) == photos.encode_photo((uses, data))


# --- the demo site ---------------------------------------------------------------------------------

def test_the_demo_photo_carries_a_position_that_the_site_never_publishes(demo_site):
    assert Image.open(GPS_PHOTO).getexif().get_ifd(0x8825), "the demo photo should carry GPS data"
    published = sorted((demo_site / "photos").iterdir()) + sorted((demo_site / "static/img/photos").iterdir())
    assert len(published) > 40
    for path in published:
        with Image.open(path) as image:
            assert not image.getexif(), f"{path.name} has EXIF"
            assert not [key for key in METADATA_KEYS if key in image.info], f"{path.name}: {image.info.keys()}"
    assert max(path.stat().st_size for path in published) < 700_000  # the 1.7 MB delivered file is not there


def test_a_story_photo_is_a_picture_of_widths_that_exist_with_its_size_and_credit(demo_site):
    path = "news/road-atlanta-race-1/"
    figure = page(demo_site, path).select_one("figure.lead-image")
    assert figure.select_one("figcaption.credit").get_text() == "Photo: Marcus Ilunga"
    sources = figure.select("source")
    assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
    img = figure.select_one("img")
    original_width = Image.open(GPS_PHOTO).width
    for srcset in [s["srcset"] for s in sources] + [img["srcset"]]:
        files = srcset_files(srcset)
        assert [width for _, width in files] == [480, 800, 1200, 1600]
        for address, width in files:
            with Image.open(file_of(demo_site, path, address)) as image:
                assert image.width == width <= original_width
                assert abs(image.width / image.height - 16 / 9) < 0.01
    with Image.open(file_of(demo_site, path, img["src"])) as image:
        assert (int(img["width"]), int(img["height"])) == image.size
    assert "loading" not in img.attrs and img["fetchpriority"] == "high"  # the first thing the reader sees


def test_profile_text_and_list_photos_are_pictures_with_sizes(demo_site):
    for path, selector, ratio in (("drivers/aaron-jeansonne/", "figure.profile-image img", 4 / 5),
                                  ("news/season-review/", ".body picture img", 4000 / 2667),
                                  ("news/", ".story-photo img", 3 / 2)):
        img = page(demo_site, path).select_one(selector)
        assert img is not None, f"no {selector} on {path}"
        with Image.open(file_of(demo_site, path, img["src"])) as image:
            assert (int(img["width"]), int(img["height"])) == image.size
            assert abs(image.width / image.height - ratio) < 0.01
        if path != "drivers/aaron-jeansonne/":
            assert img["loading"] == "lazy"
    body_img = page(demo_site, "news/season-review/").select_one(".body picture img")
    assert body_img["alt"].startswith("The start of race 1 at Indianapolis")


def test_a_story_without_a_photo_shares_a_card_of_its_own(demo_site):
    soup = page(demo_site, "news/cota-race-1/")
    address = soup.select_one('meta[property="og:image"]')["content"]
    assert re.fullmatch(r"https://[^/]+/cards/cota-race-1\.png", address)
    with Image.open(demo_site / address.split("/", 3)[3]) as card:
        assert card.size == (1200, 630)
    photo_story = page(demo_site, "news/road-atlanta-race-1/").select_one('meta[property="og:image"]')["content"]
    assert "/photos/road-atlanta-battle-hero-" in photo_story


# --- builds of a small site ------------------------------------------------------------------------

def photo_site(tmp_path: Path) -> Path:
    """The mini site with a photo (GPS in its EXIF) on a story and on a driver's profile."""
    site = copy_site(SITES / "mini", tmp_path / "mini")
    (site / "static/img").mkdir(parents=True)
    image = Image.open(GPS_PHOTO)
    image.thumbnail((1500, 1000))
    image.save(site / "static/img/start.jpg", quality=85, exif=Image.open(GPS_PHOTO).getexif())
    story = site / "content/articles/2024-04-05-able-wins.md"
    story.write_text(story.read_text().replace("teams: [Red Team]\n", "teams: [Red Team]\n"
                     "image: /static/img/start.jpg\nimage_focus: 0.2, 0.8\nimage_credit: A. Lens\n"))
    driver = site / "content/drivers/ann-able.md"
    driver.write_text(driver.read_text().replace("---\n", "---\nimage: /static/img/start.jpg\n", 1))
    team = site / "content/teams/red-team.md"
    team.write_text(team.read_text().replace("---\n", "---\nimage: /static/img/start.jpg\nimage_focus: 0.9, 0.5\n"
                                             "image_credit: Team press office\n", 1))
    return site


def counted_puts(monkeypatch) -> dict[str, int]:
    """How many results of each photo step the cache is given: each one computed afresh."""
    counts = {"encode_photo": 0, "draw_share_card": 0, "inspect_photo": 0}
    original = BuildCache.put

    def put(self, namespace, key, value):
        for name in counts:
            if namespace.endswith(name):
                counts[name] += 1
        return original(self, namespace, key, value)

    monkeypatch.setattr(BuildCache, "put", put)
    return counts


def test_an_edit_rebuild_encodes_no_photo_and_the_output_stays_byte_identical(tmp_path, monkeypatch):
    site = photo_site(tmp_path)
    counts = counted_puts(monkeypatch)
    cache = BuildCache()
    first = build(site / "cupsite.toml", tmp_path / "out1", cache=cache).output
    for path, credit in (("teams/red-team/", "Photo: Team press office"), ("drivers/ann-able/", None)):
        figure = page(first, path).select_one("figure.profile-image")
        img = figure.select_one("img")
        with Image.open(file_of(first, path, img["src"])) as image:
            assert (int(img["width"]), int(img["height"])) == image.size and image.width * 5 == image.height * 4
        assert (figure.select_one("figcaption").get_text() if credit else figure.select_one("figcaption")) == credit
    # one photo, all its crops at once; a card for each of the two other stories
    assert counts == {"encode_photo": 1, "draw_share_card": 2, "inspect_photo": 1}
    story = site / "content/articles/2024-04-05-able-wins.md"
    story.write_text(story.read_text().replace("won the first race", "took the first race"))
    build(site / "cupsite.toml", tmp_path / "out2", cache=cache)
    assert counts["encode_photo"] == 1 and counts["inspect_photo"] == 1  # nothing encoded again
    assert counts["draw_share_card"] == 2  # the story edited has a photo: no card drawn again
    other = site / "content/articles/2024-04-06-baker-hits-back.md"
    other.write_text(other.read_text().replace("title: ", "title: Now ", 1))
    cached = build(site / "cupsite.toml", tmp_path / "out2", cache=cache)
    assert counts["draw_share_card"] == 3 and counts["encode_photo"] == 1  # its card only
    fresh = build(site / "cupsite.toml", tmp_path / "out3")
    made = sorted(p.relative_to(cached.output) for p in cached.output.rglob("*")
                  if p.suffix in (".jpg", ".png", ".webp", ".avif"))
    assert len(made) > 20
    for relative in made:  # the cached build's photos and cards are byte for byte a fresh build's
        assert (cached.output / relative).read_bytes() == (fresh.output / relative).read_bytes(), relative
    story.write_text(story.read_text().replace("image_focus: 0.2, 0.8", "image_focus: 0.8, 0.2"))
    build(site / "cupsite.toml", tmp_path / "out4", cache=cache)
    assert counts["encode_photo"] == 2  # a new focal point: the photo is cropped again


def build_problems(site: Path) -> list[str]:
    with pytest.raises(ContentErrors) as raised:
        build(site / "cupsite.toml", site / "output")
    return [f"{e.path}:{e.line}: {e.message} | {e.hint}" for e in raised.value.errors]


def test_bad_photos_and_focal_points_are_reported_with_file_line_and_what_to_do(tmp_path):
    site = photo_site(tmp_path)
    (site / "static/img/notes.jpg").write_text("not a photo at all")
    Image.new("1", (8000, 7000)).save(site / "static/img/huge.png")
    (site / "static/img/cut.jpg").write_bytes((site / "static/img/start.jpg").read_bytes()[:3000])
    stories = site / "content/articles"
    for name, front in (("notes", "image: /static/img/notes.jpg"), ("huge", "image: /static/img/huge.png"),
                        ("cut", "image: /static/img/cut.jpg"),
                        ("focus", "image: /static/img/start.jpg\nimage_focus: 0.3, 1.6"),
                        ("words", "image: /static/img/start.jpg\nimage_focus: left"),
                        ("outside", "image: ../../../etc/passwd.jpg"), ("gone", "image: /static/img/gone.jpg")):
        (stories / f"2024-06-01-{name}.md").write_text(f"---\ntitle: {name}\ndate: 2024-06-01\n{front}\n---\n\nText.\n")
    problems = build_problems(site)
    expected = {
        "notes": "4: the photo /static/img/notes.jpg is not an image cupsite can read | use a JPEG, PNG or WebP",
        "huge": "4: the photo /static/img/huge.png is 8000x7000 pixels, more than the 50 million cupsite "
                "decodes safely | scale it down",
        "cut": "4: the photo /static/img/cut.jpg cannot be decoded",
        "focus": "5: the focal point '0.3, 1.6' is not two numbers from 0 to 1 | write how far across",
        "words": "5: the focal point 'left' is not two numbers from 0 to 1",
        "outside": "4: the image path '../../../etc/passwd.jpg' leaves the site",
        "gone": "4: the image '/static/img/gone.jpg' does not exist",
    }
    for name, start in expected.items():
        prefix = f"content/articles/2024-06-01-{name}.md:"
        found = [p for p in problems if p.startswith(prefix)]
        assert any(p.removeprefix(prefix).startswith(start) for p in found), (name, found)


def test_the_preview_serves_the_photo_copy_at_its_address_not_the_file_as_delivered(tmp_path):
    from cupsite.build import Mode, Pipeline
    from cupsite.config import load_config

    site = photo_site(tmp_path)
    config = dataclasses.replace(load_config(site / "cupsite.toml"), search=False)  # the pages here are not HTML
    pipeline = Pipeline(config, Mode.SERVE)
    output = tmp_path / "preview"
    clean = {"static/img/start.jpg": b"the copy without metadata", "index.html": b"home"}
    pipeline.write_whole(clean, output)  # the preview's first write: the whole site
    assert (output / "static/img/start.jpg").read_bytes() == clean["static/img/start.jpg"]
    pipeline.write_changes({**clean, "index.html": b"home, edited"}, output, clean)
    assert (output / "static/img/start.jpg").read_bytes() == clean["static/img/start.jpg"]
    pipeline.write_changes({"index.html": b"home again"}, output, clean, complete=False)  # the page open only
    assert (output / "static/img/start.jpg").read_bytes() == clean["static/img/start.jpg"]


def test_a_png_photo_keeps_its_format_at_its_own_address(tmp_path):
    site = photo_site(tmp_path)
    Image.open(site / "static/img/start.jpg").save(site / "static/img/start.png",
                                                   exif=Image.open(GPS_PHOTO).getexif())
    story = site / "content/articles/2024-04-05-able-wins.md"
    story.write_text(story.read_text().replace("image: /static/img/start.jpg", "image: /static/img/start.png"))
    output = build(site / "cupsite.toml", tmp_path / "out").output
    assert Image.open(site / "static/img/start.png").getexif().get_ifd(0x8825)
    with Image.open(output / "static/img/start.png") as copy:
        assert copy.format == "PNG" and copy.width == 1500
        assert not copy.getexif() and "exif" not in copy.info


def test_a_pillow_without_avif_publishes_webp_and_jpeg_without_a_word_of_avif(tmp_path, monkeypatch):
    """A Pillow built without libavif (from source, say) cannot write AVIF: the photos are
    published in WebP and JPEG, and no page offers an AVIF source."""
    monkeypatch.setattr(photos, "avif_available", lambda: False)
    site = photo_site(tmp_path)
    output = build(site / "cupsite.toml", tmp_path / "out").output
    assert not list(output.rglob("*.avif"))
    assert list(output.rglob("*.webp")) and list(output.rglob("*.jpg"))
    html = "\n".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    assert "image/avif" not in html and "image/webp" in html
