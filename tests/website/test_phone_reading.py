"""What the site shares with the cards for reading on a phone, in Chromium at 390 px.

A derivation that breaks lines lines up at the left, as on the cards (KaTeX would centre each
line); a figure is shown inverted in the dark scheme, as in Anki's night mode, so its dark ink
reads on the dark page (tests/test_figure_style.py measures the colours).
"""

from __future__ import annotations

from pipeline.model import images
from tests.website.test_site_browser import section_url, visit

DERIVATION = "derive-the-normal-equation-for-linear-regression"
LINE_STARTS = """(id) => {
  const details = document.getElementById(id);
  details.open = true;
  return [...details.querySelectorAll('.katex-display')]
    .filter(display => display.querySelector('.katex-newline'))
    .map(display => {
      const html = display.querySelector('.katex-html');
      const firsts = [html.firstElementChild, ...[...html.querySelectorAll(':scope > .katex-newline')]
        .map(newline => newline.nextElementSibling)];
      return firsts.map(base => Math.round(base.getBoundingClientRect().left));
    });
}"""


def test_a_derivation_lines_up_at_the_left(fresh_page, site_url, canonical_site) -> None:
    page = fresh_page
    page.set_viewport_size({"width": 390, "height": 844})
    section = next(
        s for s in canonical_site.handbook.sections if any(q.id == DERIVATION for q in s.questions)
    )
    visit(page, section_url(site_url, canonical_site, section))
    derivations = page.evaluate(LINE_STARTS, DERIVATION)
    assert len(derivations) >= 3
    for starts in derivations:
        assert len(starts) >= 2 and len(set(starts)) == 1, starts


def test_a_figure_is_inverted_in_the_dark_scheme_only(fresh_page, site_url, canonical_site) -> None:
    page = fresh_page
    sections = canonical_site.handbook.sections
    section = next(s for s in sections if any(next(images(q.answer), None) for q in s.questions))
    visit(page, section_url(site_url, canonical_site, section))
    filters = {}
    for scheme in ("default", "slate"):
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        filters[scheme] = page.evaluate(
            "getComputedStyle(document.querySelector('figure.handbook-figure img')).filter"
        )
    assert filters == {"default": "none", "slate": "invert(1) hue-rotate(180deg)"}
