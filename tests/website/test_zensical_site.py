"""The same site built by Zensical (`build-site --engine zensical`): a focused walk in Chromium.

The full browser suite runs on the default engine's site (MkDocs); here the site
built by Zensical from the same source folder goes through the tests that cover
what a reader does: every page walked (94 question blocks, every formula rendered,
images, footers; each tab checks 0 script errors and 0 requests to other origins),
a permalink, search by a title's words and by a word of a closed answer, the
search separator, dark mode, self-test with saved progress, open/close all, copy
buttons, print, the home page's title; and `check`'s site stages on the built files. The tests are the default engine's own, imported: this module's
`site_url` and `canonical_site` fixtures point them at Zensical's site.

What Zensical does differently is named in the expected failures at the end,
with its version, so the day it changes is seen.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version

import pytest

from pipeline.check import site_stages
from pipeline.model import plain_text
from pipeline.site_layout import books_layout
from tests.conftest import canonical_built_site, canonical_site_build
from tests.layout import BOOK
from tests.website.axe import COLOUR_RULES, SCHEMES, SEVERE, set_scheme, violations
from tests.website.site_fixtures import BuiltSite
from tests.website.test_site_browser import (  # noqa: F401  (collected here, run on this module's site)
    answer_only_word,
    section_url,
    test_a_permalink_opens_its_question,
    test_every_page_in_one_walk,
    test_math_still_renders_after_following_a_link_to_another_section,
    test_the_palette_toggle_switches_to_dark,
    visit,
    wait_until_open,
)
from tests.website.test_study_browser import (  # noqa: F401
    test_a_permalink_highlights_its_own_question_in_the_contents,
    test_open_all_and_close_all,
    test_printing_opens_every_answer_and_shows_every_formula,
    test_self_test_keeps_progress_and_reviews_exactly_the_missed_ones,
    test_the_copy_button_copies_the_code,
    test_the_home_tab_title_is_the_site_name_once,
)

ZENSICAL = version("zensical")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The address of the canonical book's site as Zensical built it."""
    return canonical_site_build(tmp_path_factory, "zensical")[1][0]


@pytest.fixture(scope="module")
def canonical_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return canonical_built_site(tmp_path_factory, "zensical")


def test_the_search_index_splits_on_punctuation_and_has_one_entry_per_question(canonical_site) -> None:
    index = json.loads((canonical_site.site_dir / "search.json").read_text(encoding="utf-8"))
    words = re.split(index["config"]["separator"], "vanishing/exploding (GLUP), layer-wise: 0.5")
    assert [word for word in words if word] == ["vanishing", "exploding", "GLUP", "layer", "wise", "0.5"]
    anchors = {item["location"].partition("#")[2] for item in index["items"]}
    assert {q.id for _, q in canonical_site.handbook.questions()} <= anchors
    assert not [item for item in index["items"] if "\\(" in item["text"] or "\\[" in item["text"]]


# --- search: Zensical's own search dialog ------------------------------------------

HITS = "dialog[aria-label='Search'] ol[role='listbox'] a[href]"


def search_hits(page, words: str) -> list[str]:
    """Open Zensical's search dialog (its key, "/"), type the words, and read the hits' links."""
    page.keyboard.press("/")
    field = page.locator("dialog[aria-label='Search'] input")
    field.fill(words)
    page.locator(HITS).first.wait_for()
    return page.locator(HITS).evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_search_finds_a_question_by_the_words_of_its_title(page, site_url, canonical_site) -> None:
    _, question = next(iter(canonical_site.handbook.questions()))
    words = " ".join(re.findall(r"[A-Za-z]{4,}", plain_text(question.title))[:4])
    visit(page, site_url)
    assert [hit for hit in search_hits(page, words) if hit.endswith(f"#{question.id}")]


def test_a_search_hit_inside_a_closed_answer_opens_that_answer(page, site_url, canonical_site) -> None:
    question, word = answer_only_word(canonical_site.handbook)
    visit(page, site_url)
    assert [hit for hit in search_hits(page, word) if hit.endswith(f"#{question.id}")]
    page.locator(f"{HITS}[href$='#{question.id}']").first.click()
    page.wait_for_url(re.compile(f"#{re.escape(question.id)}$"))
    wait_until_open(page, question.id)
    assert page.locator(f"details#{question.id} .answer").is_visible()


def test_checks_site_stages_pass_on_zensicals_site(canonical_site) -> None:
    layout = books_layout(BOOK)
    problems = [
        stage.first_problem for stage in site_stages(layout, layout.books[0], canonical_site.site_dir)
    ]
    assert problems == [""] * len(problems) and problems


# --- what differs -------------------------------------------------------------------

CONTRAST_GAP = (
    f"Zensical {ZENSICAL}'s theme colours the active line of the contents, and in the dark palette "
    "our study buttons, below 4.5:1 (the site's contrast CSS is fitted to Material's colours)"
)


@pytest.fixture
def engine_axe_gaps() -> dict[str, str]:
    """The walk's axe-core pass tolerates this one known gap on Zensical's site (named below)."""
    return {"color-contrast": CONTRAST_GAP}


@pytest.mark.xfail(strict=True, reason=CONTRAST_GAP)
def test_no_serious_contrast_finding_on_a_section_page(page, site_url, canonical_site) -> None:
    visit(page, section_url(site_url, canonical_site, canonical_site.handbook.sections[0]))
    found = []
    for scheme in SCHEMES:
        set_scheme(page, scheme)
        found += [v.line() for v in violations(page, "01", scheme, COLOUR_RULES) if v.impact in SEVERE]
    assert found == []


test_a_permalink_highlights_its_own_question_in_the_contents = pytest.mark.xfail(  # noqa: F811
    strict=False,  # it passes now and then, so it cannot be strict
    reason=f"Zensical {ZENSICAL}: toc.follow does not reliably mark the question a permalink opens "
    "(a <details>, not a heading): on a fresh load the contents often mark no line",
)(test_a_permalink_highlights_its_own_question_in_the_contents)
