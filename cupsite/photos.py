"""Photos published as responsive images: each photo a story, a profile or a text shows is cropped
to the shape the theme gives it (around the focal point the writer chose), scaled to a few widths
and encoded as AVIF, WebP and JPEG, with no metadata but the pixels (a camera's GPS position and
serial number never reach the site).

Inspecting and encoding are steps (see steps.py): their key is the file's bytes and the
parameters, so a rebuild encodes a photo again only when the photo, its crop or its focal point
changed. Pillow is imported inside the steps: a build whose photos are all cached never loads it."""

from __future__ import annotations

import functools
import importlib.util
import io
from typing import NamedTuple

import xxhash

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")  # SVG, GIF and the like are published as they are
READABLE_FORMATS = ("JPEG", "MPO", "PNG", "WEBP")  # MPO: the JPEG some phones write, with a second image
MAX_PIXELS = 50_000_000  # larger than any camera's photo; decoding more would take seconds and gigabytes
PHOTOS_FOLDER = "photos"
CENTRE = (0.5, 0.5)


class Crop(NamedTuple):
    """A shape the theme shows photos in."""

    name: str
    ratio: tuple[int, int] | None  # width:height, or None to keep the photo's own
    widths: tuple[int, ...]  # the widths published, those no wider than the cropped photo
    sizes: str  # the `sizes` attribute: how wide the picture is shown, for the browser's choice
    formats: tuple[str, ...] = ("avif", "webp", "jpeg")  # the browser takes the first it reads


CROPS = {crop.name: crop for crop in (
    Crop("hero", (16, 9), (480, 800, 1200, 1600), "(min-width: 52rem) 48rem, calc(100vw - 2rem)"),
    Crop("card", (3, 2), (240, 480), "7.5rem"),
    Crop("profile", (4, 5), (240, 480, 720), "(min-width: 40rem) 15rem, 40vw"),
    Crop("body", None, (480, 800, 1200, 1600), "(min-width: 52rem) 48rem, calc(100vw - 2rem)"),
    # what the photo's own address serves, in the file's own format: the file as delivered is never published
    Crop("original", None, (1600,), "", ("jpeg",)),
    Crop("original-png", None, (1600,), "", ("png",)),
    Crop("original-webp", None, (1600,), "", ("webp",)),
)}
MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
_SAVE_OPTIONS = {
    "jpeg": ("JPEG", {"quality": 80, "progressive": True, "optimize": True}),
    "webp": ("WEBP", {"quality": 78, "method": 3}),
    "png": ("PNG", {"compress_level": 6}),
    "avif": ("AVIF", {"quality": 55, "speed": 9, "max_threads": 1}),  # one thread: the same bytes every time
}


class PhotoFacts(NamedTuple):
    """What the pages need to know of a photo before it is encoded."""

    width: int  # as shown, its orientation applied
    height: int
    digest: str  # of the file's bytes: part of its published files' names


class Rendition(NamedTuple):
    """One published file of a photo."""

    path: str  # the site path
    media_type: str
    width: int
    height: int


def inspect_photo(data: bytes) -> tuple[int, int, str] | str:
    """A step: the photo's facts (width, height, digest: see PhotoFacts), or what is wrong with it
    (a sentence). It decodes a reduced copy, so that a damaged or truncated file is found here,
    with the places that name it, and not while the pages are written."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in READABLE_FORMATS:
                return f"is a {image.format} image; photos can be JPEG, PNG or WebP"
            if image.width * image.height > MAX_PIXELS:
                return (f"is {image.width}x{image.height} pixels, more than the {MAX_PIXELS // 1_000_000} "
                        f"million cupsite decodes safely")
            size = image.size[::-1] if _swaps_sides(image) else image.size
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except UnidentifiedImageError:
        return "is not an image cupsite can read"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        return f"cannot be decoded ({error})"
    return (size[0], size[1], xxhash.xxh3_64_hexdigest(data)[:12])


def _orientation(image) -> int:
    return image.getexif().get(0x0112, 1)  # EXIF Orientation


def _swaps_sides(image) -> bool:
    return _orientation(image) in (5, 6, 7, 8)


def crop_box(size: tuple[int, int], ratio: tuple[int, int] | None, focus: tuple[float, float] = CENTRE
             ) -> tuple[int, int, int, int]:
    """The part of a photo of `size` kept for `ratio`: as large as the ratio allows, centred on the
    focal point (fractions of the width and height from the top left) as far as the edges let it."""
    width, height = size
    if ratio is None:
        return (0, 0, width, height)
    across, down = ratio
    if width * down > height * across:  # wider than the ratio: the sides go
        kept_width, kept_height = max(1, height * across // down), height
    else:
        kept_width, kept_height = width, max(1, width * down // across)
    left = min(max(round(focus[0] * width - kept_width / 2), 0), width - kept_width)
    top = min(max(round(focus[1] * height - kept_height / 2), 0), height - kept_height)
    return (left, top, left + kept_width, top + kept_height)


def original_crop(site_path: str) -> str:
    """The crop of the copy a photo's own address serves: of the file's own format."""
    suffix = site_path.rsplit(".", 1)[-1].lower()
    return {"png": "original-png", "webp": "original-webp"}.get(suffix, "original")


def published_widths(crop: Crop, kept_width: int) -> tuple[int, ...]:
    """The widths of a crop's files: its widths no wider than the kept part, and the kept part's own
    width when it is narrower than the crop's largest (never scaled up)."""
    widths = [width for width in crop.widths if width <= kept_width]
    if kept_width < crop.widths[-1] and kept_width not in widths:
        widths.append(kept_width)
    return tuple(widths)


def renditions(site_path: str, facts: PhotoFacts, crop: Crop, focus: tuple[float, float]) -> tuple[Rendition, ...]:
    """Every file a photo gets for a crop, in the order `encode_photo` makes them: by format, then
    by width. The names hold the photo's digest, the crop and the focal point, so a changed photo
    gets new addresses (no browser keeps showing the old one)."""
    box = crop_box((facts.width, facts.height), crop.ratio, focus)
    kept_width, kept_height = box[2] - box[0], box[3] - box[1]
    stem = site_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    tag = xxhash.xxh3_64_hexdigest(f"{facts.digest}/{crop.name}/{focus[0]}/{focus[1]}".encode())[:10]
    files = []
    for kind in formats_of(crop):
        for width in published_widths(crop, kept_width):
            height = max(1, round(width * kept_height / kept_width))
            path = site_path if crop.name.startswith("original") else \
                f"{PHOTOS_FOLDER}/{stem}-{crop.name}-{tag}-{width}.{'jpg' if kind == 'jpeg' else kind}"
            files.append(Rendition(path, MEDIA_TYPES[kind], width, height))
    return tuple(files)


def encode_photo(job: tuple[tuple[tuple[str, tuple[float, float]], ...], bytes]) -> tuple[tuple[bytes, ...], ...]:
    """A step: for each use of a photo, (crop name, focal point), the bytes of its files (see
    `renditions`), from (the uses, the photo's bytes). The photo is decoded once for all its uses,
    at the smallest scale that still covers the largest width any needs (JPEG decodes at 1/2, 1/4
    or 1/8), turned upright; each crop is scaled to each width with Lanczos and encoded in each
    format, with nothing of the file's metadata."""
    from PIL import Image, ImageOps

    uses, data = job
    with Image.open(io.BytesIO(data)) as image:
        full = image.size[::-1] if _swaps_sides(image) else image.size
        boxes = [crop_box(full, CROPS[name].ratio, focus) for name, focus in uses]
        reduction = max(published_widths(CROPS[name], box[2] - box[0])[-1] / (box[2] - box[0])
                        for (name, _), box in zip(uses, boxes, strict=True))
        image.draft("RGB", (round(image.width * reduction) + 1, round(image.height * reduction) + 1))
        upright = ImageOps.exif_transpose(image).convert("RGB")
    scale = upright.width / full[0]
    return tuple(_cropped_files(upright, CROPS[name], box, scale) for (name, _), box in zip(uses, boxes, strict=True))


def _cropped_files(upright, crop: Crop, box: tuple[int, int, int, int], scale: float) -> tuple[bytes, ...]:
    from PIL import Image

    kept_width, kept_height = box[2] - box[0], box[3] - box[1]
    widths = published_widths(crop, kept_width)
    resized: dict[int, object] = {}
    source, source_box = upright, tuple(edge * scale for edge in box)
    for width in reversed(widths):  # each width scaled from the next wider: a fraction of the work
        resized[width] = source.resize((width, max(1, round(width * kept_height / kept_width))),
                                       Image.Resampling.LANCZOS, box=source_box)
        resized[width].info = {}  # no EXIF, XMP, ICC profile or comment carried over
        source, source_box = resized[width], None
    return tuple(_encoded(resized[width], kind) for kind in formats_of(crop) for width in widths)


def formats_of(crop: Crop) -> tuple[str, ...]:
    """The crop's formats this Pillow can write: AVIF only where it was built with libavif (PyPI's
    wheels are; a Pillow built from source may not be), the others always."""
    return crop.formats if avif_available() else tuple(kind for kind in crop.formats if kind != "avif")


@functools.cache
def avif_available() -> bool:
    """Whether Pillow's AVIF plugin is installed, found without importing Pillow (a build whose
    photos are all cached never needs it)."""
    return importlib.util.find_spec("PIL._avif") is not None


def _encoded(image, kind: str) -> bytes:
    file_format, options = _SAVE_OPTIONS[kind]
    out = io.BytesIO()
    image.save(out, file_format, **options)
    return out.getvalue()
