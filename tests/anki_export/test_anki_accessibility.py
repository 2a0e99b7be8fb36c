"""The cards pass axe-core (the engine behind Lighthouse's accessibility audit), light and night.

A sample of the whole book's deck (a card of every kind of content: figures, code, tables,
lists, multi-line formulas, links; a part note; every eighth card besides), rendered by real
Anki and typeset by MathJax 3 as Anki does, with "Full answer" opened so that the rest is
checked too, in light and in night mode;
axe-core 4 (npm dev dependency, from node_modules) finds no violation of impact serious or
critical: links are underlined (not told apart by colour alone), every text passes its contrast,
each figure has alt text, and no interactive control holds another. Lesser findings are printed,
to be named where the decks are described.
"""

from __future__ import annotations

import pytest

from pipeline.parts import is_part
from tests.anki_export.card_pages import MATHJAX, open_cards
from tests.layout import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
# Markup a card may hold; the sample has the first card with each.
KINDS = (
    "<figure",
    'class="highlight',
    "<table",
    "<ol",
    "<ul",
    "multiline",
    'class="continued"',
    "<p><a href",
)


def sample(cards: dict[str, str]) -> list[str]:
    """Note ids: the first card of each kind, the first part note, and every eighth card."""
    ids = sorted(cards)
    chosen = {
        next(i for i in ids if kind in cards[i]) for kind in KINDS if any(kind in cards[i] for i in ids)
    }
    parts = [i for i in ids if is_part(i)]
    return sorted(chosen | set(parts[:1]) | set(ids[::8]))


@pytest.mark.parametrize("mode", ["light", "night"])
def test_no_serious_or_critical_axe_violation_on_any_card(browser, cards, card_media, mode: str) -> None:
    if not AXE.exists() or not (MATHJAX / "tex-chtml-full.js").exists():
        pytest.skip("axe-core or MathJax is not installed (npm ci)")
    ids = sample(cards)
    context, page, foreign = open_cards(
        browser, [cards[i] for i in ids], night=mode == "night", media=card_media
    )
    try:
        page.wait_for_function("[...document.images].every(image => image.complete)")
        page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
                id: v.id, impact: v.impact, nodes: v.nodes.length,
                where: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }))"""
        )
    finally:
        context.close()
    assert foreign == []
    print(
        f"{mode}: axe-core on {len(ids)} cards: {[(v['id'], v['impact'], v['nodes']) for v in violations] or 'none'}"
    )
    assert [v for v in violations if v["impact"] in SERIOUS] == []
