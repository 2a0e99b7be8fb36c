"""The built site in a real browser (Debian chromium, headless, driven by Playwright).

Served from 127.0.0.1; every test's tab also checks that no request left that
origin (see the `page` fixture). Expected numbers come from the canonical
Markdown, never from this file.
"""

from __future__ import annotations

import re

from pipeline.model import (
    CodeBlock, Code, Handbook, Question, Quote, Section, Text, block_inlines, flat_inlines,
    plain_text, question_formulas,
)
from tests.website.site_fixtures import RESULTS_DIR, BuiltSite


RENDERED = "() => document.querySelectorAll('.arithmatex:not([data-rendered])').length === 0"
# Counts over the page's article (the table of contents repeats question titles).
ARTICLE_COUNTS = """() => {
  const article = document.querySelector("article");
  const text = article.cloneNode(true);
  text.querySelectorAll(".katex, .katex-error").forEach((e) => e.remove());
  return {
    questions: article.querySelectorAll("details.question").length,
    open: article.querySelectorAll("details.question[open]").length,
    katex: article.querySelectorAll(".katex").length,
    display: article.querySelectorAll(".katex-display").length,
    errors: article.querySelectorAll(".katex-error").length,
    dollars: (text.textContent.match(/\\$/g) || []).length,
  };
}"""


def section_url(site_url: str, site: BuiltSite, section: Section) -> str:
    number = site.handbook.sections.index(section) + 1
    return f"{site_url}{number:02d}-{section.slug}/"


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(RENDERED)


def formulas(section: Section) -> list[tuple[str, bool]]:
    return [f for q in section.questions for f in question_formulas(q)]


def dollar_signs(section: Section) -> int:
    """`$` characters that are text, not math delimiters: in prose, code and the title."""
    count = section.title.count("$")
    for question in section.questions:
        count += _dollars_in(question.title) + sum(_block_dollars(b) for b in question.answer)
    return count


def _dollars_in(inlines) -> int:
    return sum(i.text.count("$") for i in flat_inlines(tuple(inlines)) if isinstance(i, (Text, Code)))


def _block_dollars(block) -> int:
    if isinstance(block, CodeBlock):
        return block.code.count("$")
    if isinstance(block, Quote):
        return sum(_block_dollars(b) for b in block.blocks)
    return _dollars_in(block_inlines(block))


def answer_only_word(handbook: Handbook) -> tuple[Question, str]:
    """A question and a word found in its answer and nowhere else (its stem neither)."""
    texts = {
        q.id: (plain_text(q.title).lower(), " ".join(plain_text(tuple(block_inlines(b))) for b in q.answer).lower())
        for _, q in handbook.questions()
    }
    everything = " ".join(t + " " + a for t, a in texts.values())
    candidates = []
    for _, question in handbook.questions():
        title, answer = texts[question.id]
        for word in set(re.findall(r"\b[a-z]{8,12}\b", answer)):
            stem = word[:6]
            if everything.count(stem) == answer.count(stem) and stem not in title:
                candidates.append((len(word), word, question))
    assert candidates, "no word is unique to one answer"
    _, word, question = min(candidates, key=lambda c: (c[0], c[1]))
    return question, word


def wait_until_open(page, question_id: str) -> None:
    """Wait for a question's block to be open; the locator re-queries while instant
    navigation swaps the page, where reading `getElementById(id).open` can hit null."""
    page.locator(f"details#{question_id}[open]").wait_for(state="attached")


def navigate_instantly(page, site_url: str, site: BuiltSite, first: Section, second: Section) -> None:
    """Open `first`, then follow the sidebar link to `second`: Material swaps the page in place."""
    visit(page, section_url(site_url, site, first))
    page.evaluate("() => { window.samePage = true; }")
    target = section_url(site_url, site, second)
    page.locator(f".md-sidebar--primary a[href$='{target.removeprefix(site_url)}']").first.click()
    page.wait_for_url(target)
    # The address changes before the article is swapped: wait for the new one's title.
    page.wait_for_function("(title) => document.querySelector('article h1')?.textContent.trim() === title",
                           arg=second.title)
    page.wait_for_function(RENDERED)
    assert page.evaluate("() => window.samePage === true"), "instant navigation was expected"


def search(page, words: str) -> None:
    field = page.locator("input.md-search__input")
    field.click()
    field.press_sequentially(words, delay=10)
    page.wait_for_selector(".md-search-result__item")


# --- the tests -------------------------------------------------------------------


def test_every_question_is_a_closed_block_and_every_formula_renders(page, site_url, canonical_site) -> None:
    questions = 0
    for section in canonical_site.handbook.sections:
        visit(page, section_url(site_url, canonical_site, section))
        counts = page.evaluate(ARTICLE_COUNTS)
        expected = formulas(section)
        where = section.slug
        assert counts["questions"] == len(section.questions), where
        assert counts["open"] == 0, where
        assert counts["katex"] == len(expected), where
        assert counts["display"] == sum(display for _, display in expected), where
        assert counts["errors"] == 0, where
        assert counts["dollars"] == dollar_signs(section), where
        questions += counts["questions"]
    assert questions == 94


def test_opening_a_question_shows_its_answer(page, site_url, canonical_site) -> None:
    section = canonical_site.handbook.sections[0]
    visit(page, section_url(site_url, canonical_site, section))
    question = page.locator("details.question").first
    answer = question.locator(".answer")
    assert not answer.is_visible()
    question.locator("summary").click()
    assert answer.is_visible()
    assert question.get_attribute("open") is not None


def test_math_still_renders_after_following_a_link_to_another_section(page, site_url, canonical_site) -> None:
    with_math = [s for s in canonical_site.handbook.sections if formulas(s)]
    first, second = with_math[0], with_math[1]
    navigate_instantly(page, site_url, canonical_site, first, second)
    counts = page.evaluate(ARTICLE_COUNTS)
    assert counts["katex"] == len(formulas(second)) and counts["errors"] == 0
    with_formulas = next(q for q in second.questions if question_formulas(q))
    details = page.locator(f"details#{with_formulas.id}")
    details.locator("summary").click()
    details.scroll_into_view_if_needed()
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "site-section.png"), animations="disabled")


def test_search_finds_a_question_by_the_words_of_its_title(page, site_url, canonical_site) -> None:
    _, question = next(iter(canonical_site.handbook.questions()))
    words = " ".join(re.findall(r"[A-Za-z]{4,}", plain_text(question.title))[:4])
    visit(page, site_url)
    search(page, words)
    assert page.locator(f".md-search-result a[href$='#{question.id}']").count() >= 1


def test_a_search_hit_inside_a_closed_answer_opens_that_answer(page, site_url, canonical_site) -> None:
    question, word = answer_only_word(canonical_site.handbook)
    visit(page, site_url)
    search(page, word)
    page.locator(f".md-search-result a[href$='#{question.id}']").first.click()
    page.wait_for_url(re.compile(f"#{re.escape(question.id)}$"))
    details = page.locator(f"details#{question.id}")
    wait_until_open(page, question.id)
    mark = details.locator(".answer mark").first
    assert mark.is_visible() and mark.inner_text().lower().startswith(word[:6])
    assert details.locator(".answer").is_visible()


def test_a_permalink_opens_its_question(page, site_url, canonical_site) -> None:
    section = canonical_site.handbook.sections[-1]
    question = section.questions[-1]
    visit(page, section_url(site_url, canonical_site, section) + f"#{question.id}")
    wait_until_open(page, question.id)
    opened = page.evaluate("() => [...document.querySelectorAll('details.question[open]')].map(d => d.id)")
    assert opened == [question.id]
    assert page.locator(f"details#{question.id} .answer").is_visible()
    assert page.locator(f"details#{question.id} summary a.headerlink").get_attribute("href").endswith(f"#{question.id}")


def test_the_palette_toggle_switches_to_dark(page, site_url) -> None:
    visit(page, site_url)
    before = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert {before, after} == {"default", "slate"}
