"""The cards as Anki draws them: rendered by real Anki, typeset by MathJax 3 in Chromium.

Anki's desktop and mobile clients typeset `\\(..\\)` and `\\[..\\]` with
MathJax 3; here the same MathJax (npm `mathjax`, from node_modules, never a
CDN) typesets every card of the real handbook, as the collection renders it,
at phone width, in light and night mode.
"""

from __future__ import annotations

import re

import pytest

from pipeline.model import DisplayMath
from pipeline.readers.markdown import read_markdown
from pipeline.writers.anki_html import has_top_level_break
from tests.anki_export.card_pages import MATHJAX, PHONE, open_cards
from tests.layout import BOOK


@pytest.fixture(autouse=True, scope="module")
def _mathjax() -> None:
    """Every test here typesets cards in the session's Chromium (`browser`, tests/conftest.py)."""
    if not (MATHJAX / "tex-chtml-full.js").exists():
        pytest.skip("MathJax is not installed (npm ci)")


def one_line(card: str) -> str:
    """The card as it was before: multi-line formulas unwrapped (marked `one-line`)."""
    opening = '<div class="arithmatex multiline">\\[\\begin{gathered}'
    assert opening in card
    return card.replace(opening, '<div class="arithmatex one-line">\\[').replace("\\end{gathered}\\]", "\\]")


def multiline_ids() -> list[str]:
    handbook = read_markdown(BOOK.handbook_dir)
    return [
        q.id
        for _, q in handbook.questions()
        if any(isinstance(b, DisplayMath) and has_top_level_break(b.tex) for b in q.answer)
    ]


@pytest.fixture(scope="module")
def typeset(browser, cards) -> dict:
    """Every card typeset on one phone-sized page, followed by the multi-line cards with their
    `gathered` wrapper undone (what MathJax did before); what each test below reads from it.

    Cards lie one under the other, so each is laid out as it would be alone.
    """
    ids = sorted(cards)
    multiline = multiline_ids()
    bodies = [cards[i] for i in ids] + [one_line(cards[i]) for i in multiline]
    context, page, foreign = open_cards(browser, bodies)
    try:
        report = page.evaluate(
            """(real) => ({
            page: document.documentElement.scrollWidth,
            errors: document.querySelectorAll('mjx-merror').length,
            wide: [...document.querySelectorAll('.card')]
                .filter(card => card.scrollWidth > card.clientWidth + 1 || card.getBoundingClientRect().right > 391)
                .map(card => [+card.dataset.card, card.scrollWidth]),
            formulas: [...document.querySelectorAll('mjx-container')]
                .filter(mjx => +mjx.closest('.card').dataset.card < real).length,
            multiline: [...document.querySelectorAll('div.multiline, div.one-line')].map(div => ({
                card: +div.closest('.card').dataset.card,
                oneLine: div.classList.contains('one-line'),
                width: div.scrollWidth,
                height: div.getBoundingClientRect().height,
                rows: div.querySelectorAll(
                    'mjx-container > mjx-math > mjx-mtable > mjx-table > mjx-itable > mjx-mtr').length,
            })),
        })""",
            len(ids),
        )
    finally:
        context.close()
    assert foreign == []
    report["cards"] = [*ids, *(f"{i} (one line)" for i in multiline)]
    report["ids"] = ids
    report["multiline_ids"] = multiline
    return report


def test_multi_line_derivations_render_on_several_lines(typeset) -> None:
    multiline = typeset["multiline_ids"]
    assert len(multiline) >= 3
    assert typeset["errors"] == 0
    cards = typeset["cards"]
    wrapped = sorted(
        (f for f in typeset["multiline"] if not f["oneLine"] and cards[f["card"]] in multiline),
        key=lambda f: multiline.index(cards[f["card"]]),
    )  # in the order of their one-line copies
    before = [f for f in typeset["multiline"] if f["oneLine"]]
    assert wrapped and len(wrapped) == len(before)
    for after, old in zip(wrapped, before, strict=True):
        assert after["rows"] >= 2 and after["height"] > 1.5 * old["height"], (
            cards[after["card"]],
            after,
            old,
        )
        assert after["width"] < old["width"], (cards[after["card"]], after, old)
    print(
        "widest multi-line formula at 390 px: "
        f"{max(f['width'] for f in before)} px on one line, {max(f['width'] for f in wrapped)} px wrapped"
    )


def test_no_card_is_wider_than_a_phone(typeset) -> None:
    """Anything wider than the phone scrolls inside its own formula, paragraph or answer box."""
    assert typeset["errors"] == 0 and typeset["formulas"] > 250
    assert [(typeset["cards"][n], width) for n, width in typeset["wide"]] == []
    assert typeset["page"] <= PHONE["width"]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two `rgb(...)` colours."""

    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


Colours = tuple[set[str], set[tuple[str, str]]]


def code_colours(browser, bodies: list[str]) -> tuple[Colours, Colours]:
    """In light and in night mode (the cards twice on one page): the code blocks' backgrounds,
    and every (text colour, background) pair in them."""
    context, page, foreign = open_cards(
        browser, bodies + bodies, night=[False] * len(bodies) + [True] * len(bodies), mathjax=False
    )
    try:
        found = page.evaluate("""() => [...document.querySelectorAll('.highlight')].map(block => {
            const background = getComputedStyle(block).backgroundColor;
            const texts = [...block.querySelectorAll('pre, pre span')]
                .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
                .map(el => getComputedStyle(el).color);
            return [block.closest('.card').classList.contains('nightMode'), background, texts];
        })""")
    finally:
        context.close()
    assert foreign == []
    return tuple(
        (
            {bg for dark, bg, _ in found if dark == night},
            {(colour, bg) for dark, bg, texts in found if dark == night for colour in texts},
        )
        for night in (False, True)
    )


def test_code_has_its_own_night_theme_and_passes_wcag_aa(browser, cards) -> None:
    bodies = [body for body in cards.values() if 'class="highlight' in body]
    assert bodies
    (light_backgrounds, light), (night_backgrounds, night) = code_colours(browser, bodies)
    assert len(light_backgrounds) == len(night_backgrounds) == 1
    assert light_backgrounds != night_backgrounds
    assert contrast(*light_backgrounds, *night_backgrounds) > 3  # a dark block, not a light island
    for pairs in (light, night):
        failing = [(fg, bg, round(contrast(fg, bg), 2)) for fg, bg in pairs if contrast(fg, bg) < 4.5]
        assert len(pairs) > 3 and failing == []
