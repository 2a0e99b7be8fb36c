"""Figures on the built site, in Chromium: every image loads, is described, and reads in both palettes.

The `page`/`any_page` tabs (conftest) also fail a test whose page requested
anything outside the site's origin.
"""

from __future__ import annotations

from pipeline.model import handbook_images, images

from tests.website.site_fixtures import RESULTS_DIR, BuiltSite
from tests.website.test_site_browser import section_url, visit

IMAGES = """() => Array.from(document.querySelectorAll("img")).map((img) => ({
  src: img.currentSrc, alt: img.getAttribute("alt") || "", complete: img.complete,
  width: img.naturalWidth, height: img.naturalHeight, shown: img.getBoundingClientRect().width,
}))"""
LOADED = "() => Array.from(document.querySelectorAll('img')).every((img) => img.complete)"


def test_every_image_on_every_page_loads_with_alt_text(any_page, site_url, canonical_site: BuiltSite) -> None:
    handbook = canonical_site.handbook
    urls = [site_url] + [section_url(site_url, canonical_site, s) for s in handbook.sections]
    seen = 0
    for url, section in zip(urls, (None, *handbook.sections)):
        visit(any_page, url)
        any_page.evaluate("() => document.querySelectorAll('details.question').forEach((d) => d.open = true)")
        any_page.wait_for_function(LOADED)
        found = any_page.evaluate(IMAGES)
        expected = sum(1 for q in section.questions for _ in images(q.answer)) if section else 0
        assert len(found) >= expected, url
        for image in found:
            assert image["width"] > 0 and image["height"] > 0, image
            assert image["alt"].strip(), image
            assert 0 < image["shown"] <= any_page.viewport_size["width"], image  # fits a phone's screen
        seen += len(found)
    assert seen >= len(handbook_images(handbook)) > 0


def test_a_figure_page_in_light_and_dark(page, site_url, canonical_site: BuiltSite) -> None:
    section = next(s for s in canonical_site.handbook.sections
                   if any(next(images(q.answer), None) for q in s.questions))
    question = next(q for q in section.questions if next(images(q.answer), None))
    RESULTS_DIR.mkdir(exist_ok=True)
    for scheme in ("default", "slate"):
        page.add_init_script(
            f"localStorage.setItem('/.__palette', JSON.stringify({{index: {0 if scheme == 'default' else 1}, "
            f"color: {{scheme: '{scheme}'}}}}))"
        )
        visit(page, f"{section_url(site_url, canonical_site, section)}#{question.id}")
        page.wait_for_function(LOADED)
        page.evaluate(f"() => document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        figure = page.locator(f"#{question.id} figure.handbook-figure").first
        figure.scroll_into_view_if_needed()
        assert figure.locator("figcaption").inner_text().strip()
        assert figure.locator("a").get_attribute("href") == figure.locator("img").get_attribute("src")
        page.screenshot(path=str(RESULTS_DIR / f"figure-{scheme}.png"))
