"""An answer's lead and rest: the rule (cases in tests/fixtures/leads.toml), the reviewed choices,
and the promise that lead and rest are always the whole answer."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import HandbookError
from pipeline.leads import (
    LeadChoice,
    Split,
    automatic_lead,
    card_splits,
    handbook_splits,
    read_leads,
    split_answer,
)
from pipeline.model import Block, ListBlock
from pipeline.readers.anki_package import answer_split
from pipeline.readers.markdown import read_markdown, read_section
from pipeline.writers.anki_html import ANKI_STYLE, answer_html
from tests.builders import bullets, display, heading, ordered, para, question
from tests.layout import BOOK, ROOT
from tests.strategies import canonical_blocks

CASES = tomllib.loads((ROOT / "tests" / "fixtures" / "leads.toml").read_text(encoding="utf-8"))["case"]


def blocks(markdown: str) -> tuple[Block, ...]:
    return read_section(f"# S\n\n## Q {{#q}}\n\n{markdown}", "s").questions[0].answer


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_rule_takes_the_authors_opening(case: dict) -> None:
    answer = blocks(case["answer"])
    split = split_answer(answer, automatic_lead(answer))
    assert split.lead == blocks(case["lead"])
    assert split.join() == answer


@settings(max_examples=100, deadline=None)
@given(st.lists(canonical_blocks(), max_size=6).map(tuple), st.integers(0, 25))
def test_lead_and_rest_are_the_whole_answer_wherever_the_cut_falls(answer: tuple, pieces: int) -> None:
    split = split_answer(answer, pieces)
    assert split.join() == answer
    total = sum(len(b.items) if isinstance(b, ListBlock) else 1 for b in answer)
    assert split.pieces == min(pieces, total)
    assert len(split.lead) + len(split.rest) == len(answer) + split.continued  # a cut list is two


@settings(max_examples=60, deadline=None)
@given(st.lists(canonical_blocks(), min_size=1, max_size=6).map(tuple), st.integers(1, 25))
def test_an_answer_field_reads_back_as_its_lead_and_its_rest(answer: tuple, pieces: int) -> None:
    split = split_answer(answer, pieces)
    assert answer_split(answer_html(split, ANKI_STYLE)) == split


def test_a_cut_list_goes_on_with_its_own_numbers() -> None:
    split = split_answer((para("Kinds:"), ordered("a", "b", "c", start=4), para("End.")), 2)
    assert split == Split(
        (para("Kinds:"), ordered("a", start=4)), (ordered("b", "c", start=5), para("End.")), True
    )
    field = answer_html(split, ANKI_STYLE)
    assert '<ol class="continued" start="5">' in field and "<summary>Full answer</summary>" in field
    assert answer_html(split_answer((para("All."),), 1), ANKI_STYLE) == "<p>All.</p>"  # nothing folded


def test_a_reviewed_choice_moves_the_end_of_the_lead(tmp_path: Path) -> None:
    q = question(
        "q", "Q?", para("There are two conditions:"), para("Condition #1: one."), para("Condition #2.")
    )
    path = tmp_path / "leads.toml"
    path.write_text(
        '[[lead]]\nquestion = "q"\nthrough = "Condition  #2"\nreason = "two conditions are announced"\n',
        encoding="utf-8",
    )
    choices = read_leads(path)
    assert choices == [LeadChoice("q", "Condition  #2", "two conditions are announced")]
    assert card_splits([q], choices)["q"] == Split(q.answer)
    assert card_splits([q])["q"] == Split(q.answer[:2], q.answer[2:])


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[lead]]\nquestion = "q"\nthrough = "x"\nreason = " "\n', r"leads entry #1 lacks reason"),
        ('[[lead]]\nquestion = "q"\nthrough = "x"\n', r"lead\[0\]: object missing required field `reason`"),
        (
            '[[lead]]\nquestion = "q"\nthrough = "x"\nreason = "r"\nwhy = "?"\n',
            r"lead\[0\]: object contains unknown field `why`",
        ),
        ("[[lead]\n", r"is not valid TOML"),
        (
            '[[lead]]\nquestion = "q"\nthrough = "A"\nreason = "r"\n' * 2,
            r"leads entry #2 \(q: r\) chooses a lead chosen before",
        ),
    ],
)
def test_a_leads_file_that_cannot_be_read_is_refused_in_one_line(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "leads.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(HandbookError, match=message):
        read_leads(path)


def test_a_stale_choice_stops_naming_its_entry() -> None:
    q = question("q", "Q?", para("One."), para("Two."))
    with pytest.raises(
        HandbookError, match=r"leads entry #1 \(q: why\) no longer matches: no piece starts with 'Three'"
    ):
        card_splits([q], [LeadChoice("q", "Three", "why")])
    with pytest.raises(
        HandbookError, match=r"leads entry #1 \(gone: why\) names a question or part that does not"
    ):
        card_splits([q], [LeadChoice("gone", "One", "why")])


def test_a_formula_is_chosen_by_its_tex() -> None:
    q = question("q", "Q?", para("In general."), para("So:"), display(r"L(i, j) = 0"), para("Then."))
    assert card_splits([q], [LeadChoice("q", "L(i, j)", "r")])["q"].rest == (para("Then."),)


def test_every_choice_of_the_book_applies_and_every_lead_is_shorter_than_its_answer() -> None:
    handbook = read_markdown(BOOK.handbook_dir)
    splits = handbook_splits(handbook, BOOK.leads_file)
    assert len(read_leads(BOOK.leads_file)) >= 3
    questions = {q.id: q for _, q in handbook.questions()}
    assert all(splits[qid].join() == q.answer for qid, q in questions.items())
    assert sum(1 for qid in questions if splits[qid].rest) > len(questions) / 2


def test_headings_open_a_lead_but_never_end_one() -> None:
    answer = (heading(3, "Part"), bullets("a", "b"), para("After."))
    assert split_answer(answer, automatic_lead(answer)).lead == (heading(3, "Part"), bullets("a"))
