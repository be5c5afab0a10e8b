"""The demo's photos in Chromium: at phone width a story's photo loads, from a file of the width the
phone needs rather than the widest, inside the viewport, with its credit shown."""

from __future__ import annotations

import pytest

from .test_browser import PHONE, browser, demo_url, shared_page, tab  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser


def test_a_story_photo_at_phone_width_loads_a_phone_sized_file(demo_url, tab):  # noqa: F811
    page, watch = tab
    page.set_viewport_size(PHONE)
    page.goto(demo_url + "news/road-atlanta-race-1/index.html")
    image = page.locator("figure.lead-image img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    shown = image.evaluate("img => ({natural: img.naturalWidth, current: img.currentSrc, "
                           "srcset: img.parentElement.querySelector('source').srcset, dpr: devicePixelRatio})")
    widest = shown["srcset"].split(", ")[-1].split()[0].rsplit("/", 1)[-1]
    assert shown["natural"] > 0
    assert shown["current"].rsplit("/", 1)[-1] != widest  # not the 1600 px file on a 390 px screen
    assert shown["current"].endswith(".avif")  # Chromium reads AVIF: the first source wins
    assert shown["natural"] <= 800 * shown["dpr"]
    box = image.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.locator("figure.lead-image figcaption").inner_text() == "Photo: Marcus Ilunga"
    assert watch.problems == []
