"""The self-test and the Anki cards agree: "Show answer" shows the card's lead, "Full answer" the rest.

The section page marks how many pieces of each answer the lead holds (`data-lead`, from
pipeline.leads, the cards' own split); the page script shows those first and folds the others.
Read back from the page, lead and rest are the card's, block for block.
"""

from __future__ import annotations

import json

from pipeline.leads import handbook_splits
from pipeline.readers.html_fragment import fragment_blocks
from tests.layout import BOOK
from tests.website.test_site_browser import RENDERED, section_url, visit

QUIZ = ".study-quiz"
SHOWN = """() => {
  const answer = document.querySelector('.study-quiz .study-quiz__answer');
  const rest = answer.querySelector(':scope > details.study-quiz__rest');
  const html = nodes => nodes.map(node => node.outerHTML).join('\\n');
  return {
    lead: html([...answer.children].filter(child => child !== rest)),
    rest: rest && html([...rest.children].filter(child => child.tagName !== 'SUMMARY')),
    label: rest && rest.querySelector('summary').textContent,
    open: rest && rest.open,
  };
}"""


def reveal_each(page, ids: list[str]) -> dict[str, dict]:
    """What "Show answer" shows for each question, in order, graded as known to go on."""
    shown = {}
    for question in ids:
        page.locator(f"{QUIZ}[data-question='{question}']").wait_for()
        page.locator(f"{QUIZ} [data-quiz=reveal]").click()
        shown[question] = page.evaluate(SHOWN)
        page.locator(f"{QUIZ} [data-quiz=grade-known]").click()
    return shown


def test_show_answer_gives_the_cards_lead_and_full_answer_the_rest(
    fresh_page, site_url, canonical_site
) -> None:
    page = fresh_page
    handbook = canonical_site.handbook
    splits = handbook_splits(handbook, BOOK.leads_file)
    # Optimization procedures: leads chosen in leads.toml, an answer opening with a sub-heading;
    # then, reviewed alone, the answer whose lead ends inside a list.
    section = handbook.sections[1]
    visit(page, section_url(site_url, canonical_site, section))
    page.locator("[data-study=start]").click()
    shown = reveal_each(page, [q.id for q in section.questions])

    first = handbook.sections[0]
    cut = next(q.id for q in first.questions if splits[q.id].continued)
    visit(page, section_url(site_url, canonical_site, first))
    page.evaluate(f"localStorage.setItem('handbook-study-v1', {json.dumps(json.dumps({cut: 'missed'}))})")
    visit(page, section_url(site_url, canonical_site, first))
    page.wait_for_function(RENDERED)
    page.locator("[data-study=missed]").click()
    shown |= reveal_each(page, [cut])

    for question, seen in shown.items():
        split = splits[question]
        assert fragment_blocks(seen["lead"]) == split.lead, question
        if split.rest:
            assert fragment_blocks(seen["rest"]) == split.rest, question
            assert (seen["label"], seen["open"]) == ("Full answer", False), question
        else:
            assert seen["rest"] is None, question
    assert any(splits[q].rest for q in shown) and splits[cut].continued
