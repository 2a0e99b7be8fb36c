"""Every card of the whole book's deck as a learner first sees it on a phone (390 × 844, light and
night): real Anki renders it, MathJax 3 typesets it in Chromium, "Full answer" still closed.

A card is meant to be graded in a few seconds: what shows after the front is the answer's lead
(pipeline/leads.py), short; nothing clips its content or widens the page, and what scrolls
sideways inside a box says so with a shadow at its edge.

Words are counted as a reader meets them: the visible text after the front (the lead, the
"Full answer" label, the links), each formula as the words of its rendered text (MathJax's
MathML; at least one). Screenshots of the three longest cards' first view and of two figure
cards, light and night, go to test-results/.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pytest

from tests.anki_export.card_pages import MATHJAX, PHONE, open_cards
from tests.website.site_fixtures import RESULTS_DIR

MEDIAN_WORDS, MAX_WORDS, TALLER_CARDS = 60, 150, 3

# The cards whose first view is taller than the phone's screen, and why each stays so.
TALLER_THAN_THE_SCREEN = {
    "discuss-state-of-the-art-adversarial-attack-techniques": (
        "the whole answer is its opening and the list of twelve attacks it announces, one name a line"
    ),
}

# What each card shows before "Full answer" is opened, measured in the page.
MEASURE = """() => {
  const folded = el => { const closed = el.closest('details:not([open])'); return closed && !el.closest('summary'); };
  const words = text => text.split(/\\s+/).filter(Boolean).length;
  return [...document.querySelectorAll('.card')].map(card => {
    const after = [];
    for (let el = card.querySelector('hr#answer').nextElementSibling; el; el = el.nextElementSibling) after.push(el);
    let shown = 0, whole = 0;
    for (const root of after) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest('mjx-container, style, script')) continue;
        whole += words(node.textContent);
        if (!folded(node.parentElement)) shown += words(node.textContent);
      }
      for (const math of root.querySelectorAll('mjx-container')) {
        const count = Math.max(1, words(math.querySelector('mjx-assistive-mml')?.textContent || ''));
        whole += count;
        if (!folded(math)) shown += count;
      }
    }
    const clipped = [], scrolling = [];
    for (const el of card.querySelectorAll('*')) {
      if (folded(el) || el.closest('mjx-container')) continue;  // MathJax clips its own glyph pieces
      const style = getComputedStyle(el);
      const tall = style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1;
      const wide = el.scrollWidth > el.clientWidth + 1;
      if (tall || (wide && /hidden|clip/.test(style.overflowX))) clipped.push(el.tagName.toLowerCase() + '.' + el.className);
      if (wide && /auto|scroll/.test(style.overflowX)) {
        const cue = (style.backgroundImage.match(/gradient/g) || []).length >= 4
          && /local/.test(style.backgroundAttachment) && /scroll/.test(style.backgroundAttachment);
        scrolling.push({element: el.tagName.toLowerCase() + '.' + el.className, cue});
      }
    }
    const box = card.getBoundingClientRect();
    const rest = card.querySelector('details.answer-rest');
    return {
      words: shown, whole, height: box.height, clipped, scrolling,
      wide: card.scrollWidth > card.clientWidth + 1 || box.right > innerWidth + 1,
      rest: rest ? {open: rest.open, label: rest.querySelector('summary').textContent} : null,
      top: box.top + scrollY,
    };
  });
}"""


@dataclass(frozen=True)
class FirstViews:
    mode: str
    ids: list[str]
    cards: list[dict]
    page_width: int

    def by_id(self) -> dict[str, dict]:
        return dict(zip(self.ids, self.cards, strict=True))


@pytest.fixture(scope="module", params=["light", "night"])
def first_views(request, browser, cards, card_media) -> FirstViews:
    """Every card typeset on one phone-sized page, one under the other; measured, then the screenshots
    of the three longest cards' first view and of two figure cards with their rest opened."""
    if not (MATHJAX / "tex-chtml-full.js").exists():
        pytest.skip("MathJax is not installed (npm ci)")
    ids = sorted(cards)
    night = request.param == "night"
    context, page, foreign = open_cards(browser, [cards[i] for i in ids], night=night, media=card_media)
    try:
        page.wait_for_function("[...document.images].every(image => image.complete)")
        measured = page.evaluate(MEASURE)
        views = FirstViews(
            request.param, ids, measured, page.evaluate("document.documentElement.scrollWidth")
        )
        _screenshots(page, views)
    finally:
        context.close()
    assert foreign == []
    return views


def _screenshots(page, views: FirstViews) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    longest = sorted(range(len(views.ids)), key=lambda n: -views.cards[n]["whole"])[:3]
    for n in longest:
        card = views.cards[n]
        clip = {
            "x": 0,
            "y": card["top"],
            "width": PHONE["width"],
            "height": min(card["height"], PHONE["height"]),
        }
        page.screenshot(
            path=RESULTS_DIR / f"card-first-view-{views.ids[n]}-{views.mode}.png", clip=clip, full_page=True
        )
    for note_id in FIGURE_CARDS:
        n = views.ids.index(note_id)
        figure = page.locator(f'.card[data-card="{n}"] figure').first
        page.evaluate(f"document.querySelector('.card[data-card=\"{n}\"] details.answer-rest').open = true")
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=RESULTS_DIR / f"card-figure-{note_id.replace('/', '--')}-{views.mode}.png")
        page.evaluate(f"document.querySelector('.card[data-card=\"{n}\"] details.answer-rest').open = false")


FIGURE_CARDS = (
    "name-some-typical-loss-functions-used-for-regression/1-mean-square-error-quadratic-loss-l-2-loss",
    "discuss-some-examples-of-important-design-patterns-of",
)


def test_the_first_view_is_the_lead_a_few_seconds_long(first_views: FirstViews) -> None:
    words = [card["words"] for card in first_views.cards]
    longest = max(range(len(words)), key=words.__getitem__)
    print(
        f"{first_views.mode}: {len(words)} cards; words in the first view: median {statistics.median(words)}, "
        f"90th percentile {sorted(words)[int(0.9 * len(words))]}, max {words[longest]} "
        f"({first_views.ids[longest]})"
    )
    assert statistics.median(words) <= MEDIAN_WORDS
    assert [(i, c["words"]) for i, c in first_views.by_id().items() if c["words"] > MAX_WORDS] == []


def test_at_most_three_first_views_are_taller_than_the_screen(first_views: FirstViews) -> None:
    taller = {i: round(c["height"]) for i, c in first_views.by_id().items() if c["height"] > PHONE["height"]}
    print(f"{first_views.mode}: taller than {PHONE['height']} px: {taller}")
    assert len(taller) <= TALLER_CARDS and set(taller) <= set(TALLER_THAN_THE_SCREEN), taller


def test_nothing_clips_and_nothing_widens_the_page(first_views: FirstViews) -> None:
    assert {i: c["clipped"] for i, c in first_views.by_id().items() if c["clipped"]} == {}
    assert [i for i, c in first_views.by_id().items() if c["wide"]] == []
    assert first_views.page_width <= PHONE["width"]


def test_what_scrolls_sideways_says_so(first_views: FirstViews) -> None:
    scrolling = {i: c["scrolling"] for i, c in first_views.by_id().items() if c["scrolling"]}
    print(f"{first_views.mode}: boxes scrolling sideways: {scrolling}")
    assert [(i, box) for i, boxes in scrolling.items() for box in boxes if not box["cue"]] == []


def test_the_rest_waits_folded_under_full_answer(first_views: FirstViews, cards) -> None:
    folded = {i: c["rest"] for i, c in first_views.by_id().items() if c["rest"]}
    assert len(folded) > len(cards) / 2
    assert all(rest == {"open": False, "label": "Full answer"} for rest in folded.values())
