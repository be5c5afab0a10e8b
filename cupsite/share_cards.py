"""Share cards: the picture a link to a story shows on social sites (Open Graph's og:image) when
the story has no photo of its own. 1200x630 pixels: the title, the series, the class colours.

Drawing one costs some milliseconds, which a site of a thousand stories would pay on every clean
build; so the newest stories (those people share) get a card of their own, and older ones the
card of their round, or of the site. Each card is a step keyed by what it shows: a rebuild draws
only the cards whose text changed. The font is the one Pillow carries (`load_default`), so the
bytes are the same on every machine with the same Pillow."""

from __future__ import annotations

import functools
import io

from . import steps, urls
from .link import Site

CARD_WIDTH, CARD_HEIGHT = 1200, 630
OWN_CARDS = 8  # the newest stories without a photo that get a card of their own
CARDS_FOLDER = "cards"
_BACKGROUND, _TEXT = (20, 24, 31), (250, 250, 250)
_RAMP_TOP = 239  # palette levels 0..239 shade the background to the text's white; the class colours follow
_MARGIN = 72
_TITLE_LINES = 4


def draw_share_card(card: tuple[str, str, str, tuple[str, ...]]) -> bytes:
    """A step: the PNG of a card of (title, the line above it, the site's name, the class colours).
    It is drawn in grey levels that a palette then colours (text shades from the background to
    white, the class colours at the top of the palette): a PNG of one byte a pixel encodes in a
    third of the time of a full-colour one."""
    from PIL import Image, ImageDraw, ImageFont

    title, kicker, site_name, colours = card
    colours = colours[:255 - _RAMP_TOP] or ("#888888",)
    image = Image.new("L", (CARD_WIDTH, CARD_HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    stripe = CARD_WIDTH / len(colours)
    for index in range(len(colours)):
        draw.rectangle((round(index * stripe), 0, round((index + 1) * stripe), 20), fill=_RAMP_TOP + 1 + index)
    kicker_font = ImageFont.load_default(size=34)
    draw.text((_MARGIN, 70), kicker, font=kicker_font, fill=_RAMP_TOP * 3 // 4)
    title_font = ImageFont.load_default(size=68)
    lines = wrapped(title, lambda text: draw.textlength(text, font=title_font), CARD_WIDTH - 2 * _MARGIN)
    draw.multiline_text((_MARGIN, 150), "\n".join(lines), font=title_font, fill=_RAMP_TOP, spacing=14)
    draw.rectangle((_MARGIN, CARD_HEIGHT - 96, _MARGIN + 10, CARD_HEIGHT - 56), fill=_RAMP_TOP + 1)
    draw.text((_MARGIN + 28, CARD_HEIGHT - 96), site_name, font=kicker_font, fill=_RAMP_TOP)
    image.putpalette(_palette(colours))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()


@functools.cache
def _ramp() -> tuple[int, ...]:
    """Palette levels 0 to _RAMP_TOP: the background shading to the text's white."""
    return tuple(round(dark + (light - dark) * level / _RAMP_TOP)
                 for level in range(_RAMP_TOP + 1) for dark, light in zip(_BACKGROUND, _TEXT, strict=True))


def _palette(colours: tuple[str, ...]) -> list[int]:
    """The ramp, then the class colours."""
    palette = list(_ramp())
    for colour in colours:
        digits = colour.lstrip("#")
        digits = "".join(digit * 2 for digit in digits) if len(digits) == 3 else digits  # #rgb
        palette += [int(digits[at:at + 2], 16) for at in (0, 2, 4)]
    return palette


def wrapped(text: str, width_of, room: float, most: int = _TITLE_LINES) -> list[str]:
    """`text` in lines no wider than `room` (by `width_of`), at most `most`, the last cut with '…'."""
    lines: list[str] = []
    for word in text.split():
        if lines and width_of(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        while lines[-1] and width_of(lines[-1] + " …") > room:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
        lines[-1] += " …"
    return lines


def share_cards(site: Site) -> tuple[dict[str, bytes], dict[str, str]]:
    """The cards' files by site path, and the card of each story without a photo (its site path,
    by the story's slug)."""
    config = site.config
    colours = {c.slug: tuple(k.colour for k in c.classes) for c in config.championships}
    every = tuple(colour for found in colours.values() for colour in found)
    wanted: dict[str, tuple] = {}
    card_of: dict[str, str] = {}
    own = 0
    for article in site.articles:  # newest first
        if article.image.lstrip("/") in site.photos or urls.is_external(article.image):
            continue  # its photo is its card
        event = site.events.get(site.article_event.get(article.slug, ""))
        series = config.championship(event.championship) if event else None
        if own < OWN_CARDS:
            own += 1
            path = f"{CARDS_FOLDER}/{article.slug}.png"
            kicker = f"{series.name} · {event.name} {event.season}" if event else config.title
            wanted[path] = (article.title, kicker, config.title, colours[series.slug] if series else every)
        elif event:
            path = f"{CARDS_FOLDER}/{event.key.replace('/', '-')}.png"
            wanted[path] = (f"{event.name} {event.season}", series.name, config.title, colours[series.slug])
        else:
            path = f"{CARDS_FOLDER}/site.png"
            wanted[path] = (config.title, config.description, config.title, every)
        card_of[article.slug] = path
    paths = sorted(wanted)
    drawn = steps.each(draw_share_card, [wanted[path] for path in paths], per_worker=16)
    return dict(zip(paths, drawn, strict=True)), card_of
