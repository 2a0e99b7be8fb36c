"""Study mode and reading features in real Chromium, desktop- and phone-sized.

Self-test (reveal, grade, reload, review the missed ones), open/close all, the
code copy button, search ranking, printing. Every tab also checks that no
request left the site's origin, no script failed and no dialog opened (conftest's
`Tab`); tabs are shared within the module, except where grades must start empty.
Screenshots of self-test mode, light and dark, go to test-results/.
"""

from __future__ import annotations

import re

from pipeline.model import CodeBlock, Section, plain_text
from tests.website.axe import SCHEMES, set_scheme, violations
from tests.website.site_fixtures import RESULTS_DIR, BuiltSite
from tests.website.test_site_browser import RENDERED, navigate_instantly, search, section_url, visit

QUIZ = ".study-quiz"


def quiz_question(page) -> str:
    return page.locator(f"{QUIZ}[data-question]").get_attribute("data-question")


def reveal(page) -> None:
    """Space on a desktop, a tap on a phone."""
    if page.viewport_name == "phone":
        page.locator(f"{QUIZ} [data-quiz=reveal]").tap()
    else:
        page.keyboard.press("Space")
    page.locator(f"{QUIZ} .study-quiz__answer").wait_for(state="visible")


def grade(page, knew: bool) -> None:
    if page.viewport_name == "phone":
        page.locator(f"{QUIZ} [data-quiz={'grade-known' if knew else 'grade-missed'}]").tap()
    else:
        page.keyboard.press("1" if knew else "2")


def progress(page) -> str:
    return page.locator(".study-bar .study-progress").inner_text()


def test_self_test_keeps_progress_and_reviews_exactly_the_missed_ones(
    fresh_any_page, site_url, canonical_site
) -> None:
    page = fresh_any_page  # a context of its own: nothing graded yet
    section = canonical_site.handbook.sections[2]
    url = section_url(site_url, canonical_site, section)
    visit(page, url)
    assert progress(page) == f"0 of {len(section.questions)} known"

    page.locator("[data-study=start]").click()
    answer = page.locator(f"{QUIZ} .study-quiz__answer")
    seen, missed = [], []
    for number in range(5):
        question = quiz_question(page)
        seen.append(question)
        assert not answer.is_visible()
        page.locator(f"{QUIZ} textarea").fill("my own answer first")
        page.keyboard.press("Escape")  # leaves the text box: keys grade only outside it
        reveal(page)
        expected = next(q for q in section.questions if q.id == question)
        assert plain_text(expected.title)[:20] in page.locator(f"{QUIZ} .study-quiz__question").inner_text()
        knew = number % 2 == 0
        if not knew:
            missed.append(question)
        grade(page, knew)
        page.wait_for_function(
            f"() => document.querySelector('{QUIZ}').getAttribute('data-question') !== '{question}'"
        )
    assert seen == [q.id for q in section.questions[:5]]
    if page.viewport_name == "desktop":
        _screenshots(page)

    page.reload()
    page.wait_for_function(RENDERED)
    assert progress(page) == f"3 of {len(section.questions)} known"
    review = page.locator("[data-study=missed]")
    assert review.is_visible() and review.inner_text() == "Review the ones I missed (2)"
    review.click()
    reviewed = []
    while page.locator(f"{QUIZ}[data-question]").count():
        reviewed.append(quiz_question(page))
        reveal(page)
        grade(page, True)
    assert reviewed == missed
    assert "You knew 2 of 2" in page.locator(QUIZ).inner_text()
    if page.viewport_name == "desktop":  # keys do nothing once the round is over
        page.keyboard.press("Space")
        page.keyboard.press("2")
        assert "You knew 2 of 2" in page.locator(QUIZ).inner_text()
    assert progress(page) == f"5 of {len(section.questions)} known"

    visit(page, site_url)
    total = sum(1 for _ in canonical_site.handbook.questions())
    assert page.locator(".study-summary .study-progress").inner_text() == f"5 of {total} known"
    page.locator(".study-summary [data-study=reset]").click()
    assert page.locator(".study-summary .study-progress").inner_text() == f"0 of {total} known"


def _screenshots(page) -> None:
    """Self-test mode with an answer shown, in the light and the dark palette."""
    page.locator(f"{QUIZ} [data-quiz=reveal]").click()
    RESULTS_DIR.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.evaluate(
            """(scheme) => {
          const wanted = scheme === "dark" ? "slate" : "default";
          if (document.body.getAttribute("data-md-color-scheme") !== wanted) {
            document.querySelector("form[data-md-component=palette] label:not([hidden])").click();
          }
        }""",
            scheme,
        )
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(RESULTS_DIR / f"self-test-{scheme}.png"), animations="disabled")
    page.locator(f"{QUIZ} [data-quiz=stop]").click()


def test_a_quiz_survives_instant_navigation(page, site_url, canonical_site) -> None:
    first, second = canonical_site.handbook.sections[:2]
    navigate_instantly(page, site_url, canonical_site, first, second)
    page.locator(
        f".study-bar[data-study-section='{second.slug}'] [data-study=start]"
    ).click()  # the new page's
    assert quiz_question(page) == second.questions[0].id
    page.keyboard.press("Space")
    assert page.locator(f"{QUIZ} .study-quiz__answer").is_visible()
    third = second.questions[2].id
    page.locator(f".md-sidebar--secondary a[href$='#{third}']").click()  # the contents leave the quiz
    page.locator(f"details#{third}[open]").wait_for(state="visible")
    assert page.locator(QUIZ).count() == 0


def test_open_all_and_close_all(any_page, site_url, canonical_site) -> None:
    section = canonical_site.handbook.sections[0]
    visit(any_page, section_url(site_url, canonical_site, section))
    count = "() => document.querySelectorAll('details.question[open]').length"
    any_page.locator("[data-study=open-all]").click()
    assert any_page.evaluate(count) == len(section.questions)
    assert any_page.locator("details.question .answer").last.is_visible()
    any_page.locator("[data-study=close-all]").click()
    assert any_page.evaluate(count) == 0


def _with_code(site: BuiltSite) -> tuple[Section, str, str]:
    for section in site.handbook.sections:
        for question in section.questions:
            for block in question.answer:
                if isinstance(block, CodeBlock):
                    return section, question.id, block.code
    raise AssertionError("the handbook has no code block")


def test_the_copy_button_copies_the_code(any_page, site_url, canonical_site) -> None:
    section, question_id, code = _with_code(canonical_site)
    visit(any_page, section_url(site_url, canonical_site, section) + f"#{question_id}")
    details = any_page.locator(f"details#{question_id}")
    details.locator("summary").wait_for()
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    button = details.locator("button.md-code__button[data-md-type=copy], button.md-clipboard").first
    button.click()
    target = button.get_attribute("data-clipboard-target")
    assert (
        any_page.evaluate("(selector) => document.querySelector(selector).textContent", target).rstrip("\n")
        == code
    )
    copied = any_page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == code


def test_search_lists_both_vanishing_gradient_questions_first(page, site_url, canonical_site) -> None:
    vanishing = {
        q.id for _, q in canonical_site.handbook.questions() if "vanishing/exploding" in plain_text(q.title)
    }
    assert len(vanishing) == 2
    visit(page, site_url)
    search(page, "vanishing gradient")  # the whole query at once: the results shown are its own
    page.wait_for_selector(".md-search-result a[href*='vanishing-exploding']")
    hrefs = page.eval_on_selector_all(
        ".md-search-result a.md-search-result__link", "links => links.map(a => a.href)"
    )
    ids = [href.rpartition("#")[2] for href in hrefs if "#" in href]
    assert set(ids[:2]) == vanishing, ids[:5]
    for question_id in vanishing:  # shown, not folded under "N more on this page"
        assert page.locator(
            f".md-search-result a.md-search-result__link[href$='#{question_id}']"
        ).is_visible()
    first_preview = page.locator(".md-search-result__article").first.inner_text()
    assert "\\(" not in first_preview and "\\frac" not in first_preview


def test_printing_opens_every_answer_and_shows_every_formula(any_page, site_url, canonical_site) -> None:
    section = max(canonical_site.handbook.sections, key=lambda s: len(s.questions))
    visit(any_page, section_url(site_url, canonical_site, section))
    any_page.emulate_media(media="print")
    any_page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    state = any_page.evaluate("""() => ({
      closed: document.querySelectorAll('details.question:not([open])').length,
      katex: document.querySelectorAll('article .katex').length,
      empty: [...document.querySelectorAll('article .katex')].filter((k) => {
        const box = k.getBoundingClientRect();
        return box.width === 0 || box.height === 0;
      }).length,
    })""")
    assert state["closed"] == 0 and state["katex"] > 0 and state["empty"] == 0, state
    any_page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    any_page.emulate_media(media="screen")
    assert any_page.evaluate("() => document.querySelectorAll('details.question[open]').length") == 0


def test_a_permalink_highlights_its_own_question_in_the_contents(page, site_url, canonical_site) -> None:
    section = canonical_site.handbook.sections[2]
    question = section.questions[len(section.questions) // 2]
    visit(page, section_url(site_url, canonical_site, section) + f"#{question.id}")
    page.locator(f"details#{question.id}[open]").wait_for(state="attached")
    # The contents follow the scroll position: wait until they mark this question, then that it is the only one.
    page.locator(f".md-sidebar--secondary a.md-nav__link--active[href$='#{question.id}']").wait_for(
        state="attached"
    )
    active = page.locator(".md-sidebar--secondary a.md-nav__link--active")
    assert active.count() == 1 and active.get_attribute("href").endswith(f"#{question.id}")


def test_the_home_tab_title_is_the_site_name_once(page, site_url, canonical_site) -> None:
    visit(page, site_url)
    title = canonical_site.handbook.meta.title
    assert page.title() == title
    assert len(re.findall(re.escape(title), page.locator(".md-sidebar--primary").inner_text())) == 0


def test_permalinks_stay_beside_titles_and_table_formulas_stay_whole(
    any_page, site_url, canonical_site
) -> None:
    """The ¶ sits on the title's row, clear of its words; a formula in a table cell never wraps apart."""
    with_table = next(
        s
        for s in canonical_site.handbook.sections
        if any(type(b).__name__ == "Table" for q in s.questions for b in q.answer)
    )
    visit(any_page, section_url(site_url, canonical_site, with_table))
    any_page.locator("[data-study=open-all]").click()
    layout = any_page.evaluate("""() => ({
      misplaced: [...document.querySelectorAll('details.question')].filter((details) => {
        const title = details.querySelector('summary .question-title').getBoundingClientRect();
        const link = details.nextElementSibling.getBoundingClientRect();
        return link.top >= title.bottom - 1 || link.left < title.right;
      }).map((details) => details.id),
      cells: document.querySelectorAll('article td .katex').length,
      broken: [...document.querySelectorAll('article td .katex')].filter(
        (k) => new Set([...k.querySelector('.katex-html').getClientRects()].map((r) => Math.round(r.top))).size > 1,
      ).length,
    })""")
    assert layout["misplaced"] == []
    assert layout["cells"] > 0 and layout["broken"] == 0, layout


# Where the keyboard is, and whether a reader can see it: the focused element's ring (our
# controls draw an outline at :focus-visible) and whether it lies in the window.
FOCUS = """(selector) => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    on: element.matches(selector),
    element: element.outerHTML.slice(0, 120),
    ringed: element.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1,
    inView: box.bottom > 0 && box.top < window.innerHeight && box.width > 0 && box.height > 0,
  };
}"""


def assert_focus(page, selector: str) -> None:
    focus = page.evaluate(FOCUS, selector)
    assert focus["on"], f"focus is not on {selector}: {focus['element']}"
    assert focus["ringed"] and focus["inView"], f"focus on {selector} is not visible: {focus}"
    # The reader asked for reduced motion: a focus, a reveal or a grade starts no transition or animation.
    assert page.evaluate("() => document.getAnimations().length") == 0


def tab_to(page, selector: str, limit: int = 30) -> None:
    """Tab until `selector` has the focus; every stop on the way inside the article must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS, selector)["on"]:
            return assert_focus(page, selector)
        if page.evaluate("() => !!document.activeElement.closest('.study-bar, .study-quiz')"):
            assert_focus(page, "*")
    raise AssertionError(f"{limit} tabs did not reach {selector}")


def assert_status(page, text: str) -> None:
    """The live region (role=status, in the page from its load) says `text`."""
    page.wait_for_function(
        "(text) => document.querySelector('.study-bar [role=status]').textContent === text", arg=text
    )


def _check_quiz_with_axe(page) -> None:
    """axe-core on the self-test's panel (the walk sees the pages without it), light and dark; then
    the palette and the focus as they were (switching the palette focuses its toggle)."""
    page.evaluate("() => { window.focusBeforeAxe = document.activeElement; }")
    found = [v for scheme in SCHEMES for v in _in_scheme(page, scheme)]
    assert [v.line() for v in found] == []
    set_scheme(page, "light")
    page.evaluate("() => window.focusBeforeAxe.focus()")


def _in_scheme(page, scheme: str) -> list:
    set_scheme(page, scheme)
    return violations(page, "self-test", scheme, within=QUIZ)


def test_the_self_test_by_keyboard_alone(fresh_page, site_url, canonical_site) -> None:
    """The whole self-test of a section with Tab, Enter, Space and the shortcuts: every step takes a
    visible focus and the status line says it (what a screen reader announces). With reduced
    motion asked for, as a reader who needs the keyboard may well do: nothing moves."""
    page = fresh_page
    page.emulate_media(reduced_motion="reduce")
    section = min(canonical_site.handbook.sections, key=lambda s: len(s.questions))
    count = len(section.questions)
    visit(page, section_url(site_url, canonical_site, section))
    page.keyboard.press("Tab")  # Material's "Skip to content", then into the page
    page.keyboard.press("Enter")
    tab_to(page, "[data-study=start]")
    page.keyboard.press("Enter")
    assert_status(page, f"Question 1 of {count}")
    assert_focus(page, f"{QUIZ} .study-quiz__question")

    tab_to(page, f"{QUIZ} textarea")  # write an answer
    page.keyboard.type("A first try")
    tab_to(page, f"{QUIZ} [data-quiz=reveal]")
    page.keyboard.press("Enter")
    assert_status(page, "Answer shown")
    assert_focus(page, f"{QUIZ} .study-quiz__answer")
    _check_quiz_with_axe(page)
    page.keyboard.press("2")
    assert_status(page, f"Marked not yet. Question 2 of {count}")
    assert_focus(page, f"{QUIZ} .study-quiz__question")

    page.keyboard.press("Space")  # the shortcut, then the button
    assert_status(page, "Answer shown")
    tab_to(page, f"{QUIZ} [data-quiz=grade-known]", limit=60)  # past any links in the answer
    page.keyboard.press("Space")
    assert_status(page, f"Marked known. Question 3 of {count}")

    missed = [section.questions[0].id]
    for number in range(3, count + 1):
        question = quiz_question(page)
        page.keyboard.press("Space")
        assert_status(page, "Answer shown")
        page.keyboard.press("1" if number % 2 else "2")
        graded = "Marked known. " if number % 2 else "Marked not yet. "
        if not number % 2:
            missed.append(question)
        assert_status(
            page, graded + (f"Question {number + 1} of {count}" if number < count else "Round done")
        )
    assert_focus(page, f"{QUIZ} .study-quiz__summary")
    assert page.locator(f"{QUIZ} .study-quiz__summary").inner_text() == (
        f"You knew {count - len(missed)} of {count} this round."
    )

    tab_to(page, f"{QUIZ} [data-quiz=again-missed]")  # review the missed ones
    page.keyboard.press("Enter")
    assert_status(page, f"Question 1 of {len(missed)}")
    assert quiz_question(page) == missed[0]
    assert_focus(page, f"{QUIZ} .study-quiz__question")
    page.keyboard.press("Escape")  # stop: back where the test began
    assert_status(page, "Test stopped")
    assert page.locator(QUIZ).count() == 0
    assert_focus(page, "[data-study=start]")
    assert page.locator(".study-bar [role=status]").get_attribute("role") == "status"
    assert progress(page) == f"{count - len(missed)} of {count} known"
