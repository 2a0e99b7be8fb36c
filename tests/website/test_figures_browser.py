"""Figures on the built site, in Chromium: a figure page reads in both palettes.

That every image on every page loads, is described and fits a phone's screen is
checked by test_site_browser's walk (`test_every_page_in_one_walk`). The tab
(conftest) also fails a test whose page requested anything outside the site's origin.
"""

from __future__ import annotations

from pipeline.model import images
from tests.website.site_fixtures import RESULTS_DIR, BuiltSite
from tests.website.test_site_browser import IMAGES_LOADED as LOADED
from tests.website.test_site_browser import section_url, visit


def test_a_figure_page_in_light_and_dark(fresh_page, site_url, canonical_site: BuiltSite) -> None:
    page = fresh_page  # its init scripts stay with its context
    section = next(
        s for s in canonical_site.handbook.sections if any(next(images(q.answer), None) for q in s.questions)
    )
    question = next(q for q in section.questions if next(images(q.answer), None))
    RESULTS_DIR.mkdir(exist_ok=True)
    for scheme in ("default", "slate"):
        page.add_init_script(  # on the site's pages (`visit` may pass by about:blank, which has no storage)
            f"if (location.protocol === 'http:') localStorage.setItem('/.__palette', JSON.stringify("
            f"{{index: {0 if scheme == 'default' else 1}, color: {{scheme: '{scheme}'}}}}))"
        )
        visit(page, f"{section_url(site_url, canonical_site, section)}#{question.id}")
        page.wait_for_function(LOADED)
        page.evaluate(f"() => document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        figure = page.locator(f"#{question.id} figure.handbook-figure").first
        figure.scroll_into_view_if_needed()
        assert figure.locator("figcaption").inner_text().strip()
        assert figure.locator("a").get_attribute("href") == figure.locator("img").get_attribute("src")
        page.screenshot(path=str(RESULTS_DIR / f"figure-{scheme}.png"))
