"""Every figure reads on a phone, in light and dark mode (pipeline/figure_style.py says how).

Each SVG is measured at the width a 390 px phone shows it, on the site (the figure fills the
answer's column) and on a card (its natural width, at most the card's): every text at least
11 CSS px (a formula's sub- and superscripts at 70 % of that), every label and line at least
4.5:1 against white, and, shown inverted as dark mode shows it, against the card's night
background and the site's dark one. Sizes and colours are read from the SVG itself (matplotlib
writes each text as a group scaled to its font size, each colour in a style attribute); the
widths and the inverting filter are measured in Chromium.
"""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pipeline.figure_style import COLORS, INK
from tests.anki_export.card_pages import PHONE
from tests.layout import BOOK
from tests.website.test_site_browser import section_url

MIN_TEXT_PX = 11
SCRIPT_SCALE = 0.7  # a formula's sub- and superscripts
MIN_CONTRAST = 4.5
WHITE = (255, 255, 255)
DARK_BACKGROUNDS = {"card night mode": (0x1E, 0x1F, 0x22), "site dark scheme": (0x1E, 0x21, 0x29)}
NIGHT_FILTER = "invert(1) hue-rotate(180deg)"  # as in card.css and handbook.css
SVGS = sorted((BOOK.handbook_dir / "figures").glob("*.svg"))

_SCALE = re.compile(r"scale\(([-\d.e]+)(?:[ ,]+([-\d.e]+))?\)")
_STYLE = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
SVG_NS = "{http://www.w3.org/2000/svg}"


def text_sizes(svg: Path) -> list[float]:
    """The font size, in the SVG's own units, of every text run and every scaled glyph in one."""
    sizes = []
    for group in ElementTree.parse(svg).iter(f"{SVG_NS}g"):
        scale = _SCALE.search(group.get("transform", ""))
        if not scale or scale.group(2) is None or float(scale.group(2)) != -float(scale.group(1)):
            continue  # a text run is a group scaled (s, -s): glyph outlines flipped upright
        size = 100 * float(scale.group(1))  # matplotlib's glyphs are 100 units to the font size
        sizes.append(size)
        for glyph in group.iter(f"{SVG_NS}use"):
            if inner := _SCALE.search(glyph.get("transform", "")):
                sizes.append(size * float(inner.group(1)) / SCRIPT_SCALE)  # a script counts at 70 %
    return sizes


def colours(svg: Path) -> set[tuple[tuple[int, int, int], float]]:
    """Every (colour, opacity) an element fills or strokes with."""
    found = set()
    for element in ElementTree.parse(svg).iter():
        style = dict(_STYLE.findall(element.get("style", "")))
        for part in ("fill", "stroke"):
            value = style.get(part, "").strip()
            if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
                opacity = float(style.get(f"{part}-opacity", 1)) * float(style.get("opacity", 1))
                found.add((tuple(int(value[i : i + 2], 16) for i in (1, 3, 5)), opacity))
    return found


def width(svg: Path) -> tuple[float, float]:
    """(natural width in CSS px, width of the viewBox in its own units)."""
    root = ElementTree.parse(svg).getroot()
    return float(root.get("width", "0").removesuffix("pt")) * 4 / 3, float(root.get("viewBox").split()[2])


def luminance(rgb: tuple[float, ...]) -> float:
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(rgb: tuple[int, ...], opacity: float, ground: tuple[int, ...]) -> tuple[float, ...]:
    return tuple(opacity * c + (1 - opacity) * g for c, g in zip(rgb, ground, strict=True))


def night(rgb: tuple[float, ...]) -> tuple[float, ...]:
    """`invert(1) hue-rotate(180deg)` on sRGB values, as the Filter Effects spec defines them."""
    inverted = [255 - c for c in rgb]
    cos, sin = math.cos(math.pi), math.sin(math.pi)
    matrix = [
        [
            0.213 + cos * 0.787 - sin * 0.213,
            0.715 - cos * 0.715 - sin * 0.715,
            0.072 - cos * 0.072 + sin * 0.928,
        ],
        [
            0.213 - cos * 0.213 + sin * 0.143,
            0.715 + cos * 0.285 + sin * 0.140,
            0.072 - cos * 0.072 - sin * 0.283,
        ],
        [
            0.213 - cos * 0.213 - sin * 0.787,
            0.715 - cos * 0.715 + sin * 0.715,
            0.072 + cos * 0.928 + sin * 0.072,
        ],
    ]
    return tuple(min(255, max(0, sum(m * c for m, c in zip(row, inverted, strict=True)))) for row in matrix)


@pytest.fixture(scope="module")
def phone_widths(browser, site_url, canonical_site) -> dict[str, float]:
    """How wide a 390 px phone shows a figure: the site's answer column (a figure fills it) and the
    card's (a figure shows at its natural width up to it), measured in Chromium."""
    from pipeline.model import images

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        section, question = next(
            (s, q)
            for s in canonical_site.handbook.sections
            for q in s.questions
            if next(images(q.answer), None)
        )
        page.goto(f"{section_url(site_url, canonical_site, section)}#{question.id}")
        page.evaluate(f"document.getElementById('{question.id}').open = true")
        site = page.evaluate(
            "document.querySelector('figure.handbook-figure img').getBoundingClientRect().width"
        )
        page.set_content(
            '<html><body style="margin:0"><div class="card"><div class="answer"></div></div>'
            f"<style>{_card_css()}</style></body></html>"
        )
        card = page.evaluate("document.querySelector('.answer').getBoundingClientRect().width")
    finally:
        context.close()
    return {"site": site, "card": card}


def _card_css() -> str:
    from pipeline.writers.anki import CARD_CSS

    return CARD_CSS


@pytest.mark.parametrize("svg", SVGS, ids=[p.stem for p in SVGS])
def test_every_text_is_at_least_11_css_px_on_a_phone(svg: Path, phone_widths: dict[str, float]) -> None:
    natural, units = width(svg)
    shown = {"site": phone_widths["site"], "card": min(natural, phone_widths["card"])}
    smallest = min(text_sizes(svg))
    for where, pixels in shown.items():
        assert smallest * pixels / units >= MIN_TEXT_PX - 0.05, (where, pixels, smallest * pixels / units)


@pytest.mark.parametrize("svg", SVGS, ids=[p.stem for p in SVGS])
def test_every_label_and_line_stands_out_in_light_and_dark(svg: Path) -> None:
    found = colours(svg)
    assert found
    for rgb, opacity in found:
        assert contrast(blend(rgb, opacity, WHITE), WHITE) >= MIN_CONTRAST, (rgb, opacity, "light")
        for where, ground in DARK_BACKGROUNDS.items():
            shown = blend(night(rgb), opacity, ground)
            assert contrast(shown, ground) >= MIN_CONTRAST, (rgb, opacity, where)


def test_the_night_filter_is_what_chromium_draws(browser) -> None:
    """The inverting filter computed here matches the pixels Chromium paints with it (read back from
    its own screenshot, drawn on a canvas)."""
    swatches = [INK, *COLORS]
    context = browser.new_context(viewport={"width": 40 * len(swatches), "height": 40})
    page = context.new_page()
    try:
        cells = "".join(
            f'<div style="width:40px;height:40px;background:{c};filter:{NIGHT_FILTER}"></div>'
            for c in swatches
        )
        page.set_content(f'<html><body style="margin:0;display:flex">{cells}</body></html>')
        shot = base64.b64encode(page.screenshot()).decode()
        page.set_content("<html><body></body></html>")
        painted = page.evaluate(
            """async ([shot, count]) => {
                const image = new Image();
                image.src = 'data:image/png;base64,' + shot;
                await image.decode();
                const canvas = Object.assign(document.createElement('canvas'), {width: image.width, height: image.height});
                const context = canvas.getContext('2d');
                context.drawImage(image, 0, 0);
                return [...Array(count).keys()].map(n => [...context.getImageData(40 * n + 20, 20, 1, 1).data.slice(0, 3)]);
            }""",
            [shot, len(swatches)],
        )
    finally:
        context.close()
    for colour, pixel in zip(swatches, painted, strict=True):
        expected = night(tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)))
        assert all(abs(p - e) <= 3 for p, e in zip(pixel, expected, strict=True)), (colour, pixel, expected)
