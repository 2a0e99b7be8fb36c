"""Part notes: one per sub-heading of an answer written in parts."""

from __future__ import annotations

from pipeline.model import Question
from pipeline.parts import answer_parts, is_part, parent_id
from pipeline.readers.markdown import read_markdown
from tests.builders import display, heading, inlines, math, para, question
from tests.layout import BOOK


def test_each_sub_heading_makes_a_part_of_what_follows_it() -> None:
    q = question(
        "losses",
        "Name some losses.",
        para("Intro."),
        heading(3, "1. Mean Square Error, ", math("L_2"), " Loss"),
        para("MSE is common."),
        display("x^2"),
        heading(4, "Why?"),
        para("Because."),
    )
    assert answer_parts(q) == (
        Question(
            "losses/1-mean-square-error-l-2-loss",
            inlines("Name some losses. — 1. Mean Square Error, ", math("L_2"), " Loss"),
            (para("MSE is common."), display("x^2")),
        ),
        Question("losses/why", inlines("Name some losses. — Why?"), (para("Because."),)),
    )
    assert [parent_id(p.id) for p in answer_parts(q)] == ["losses", "losses"]
    assert all(is_part(p.id) for p in answer_parts(q)) and not is_part(q.id)


def test_one_sub_heading_is_no_parts_and_an_empty_part_is_no_note() -> None:
    assert answer_parts(question("q", "Q?", heading(3, "Only"), para("A."))) == ()
    parts = answer_parts(
        question("q", "Q?", heading(3, "Empty"), heading(3, "Full"), para("A."), heading(3, "Full"))
    )
    assert [p.id for p in parts] == ["q/full"]


def test_sub_headings_that_read_alike_get_distinct_ids() -> None:
    parts = answer_parts(
        question("q", "Q?", heading(3, "Notes"), para("A."), heading(3, "Notes!"), para("B."))
    )
    assert [p.id for p in parts] == ["q/notes", "q/notes-2"]


def test_the_book_has_part_notes_where_it_has_parts() -> None:
    handbook = read_markdown(BOOK.handbook_dir)
    counts = {q.id: len(answer_parts(q)) for _, q in handbook.questions() if answer_parts(q)}
    assert counts["name-some-typical-loss-functions-used-for-regression"] >= 9
    assert counts["what-is-the-difference-between-lstm-and-gru"] == 3
