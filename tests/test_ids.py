"""Question ids: assigned once, kept when a question's text changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ALLOW_DROPPED, HandbookError
from pipeline.ids import Assignment, assign_ids, ids_tsv, read_ids
from pipeline.model import Handbook, plain_text
from tests.builders import handbook, math, question, section


def book(*titles: str) -> Handbook:
    return handbook(section("s", "S", *(question("", title) for title in titles)), title="t")


def ids(handbook: Handbook) -> list[str]:
    return [q.id for _, q in handbook.questions()]


def test_new_questions_get_unique_slugs() -> None:
    assigned, _ = assign_ids(book("What is VC dimension?", "What is VC dimension?"), [])
    assert ids(assigned) == ["what-is-vc-dimension", "what-is-vc-dimension-2"]


def test_an_edited_question_keeps_its_id() -> None:
    first, known = assign_ids(book("What is VC dimension?", "Why is a validation set necessary?"), [])
    edited, _ = assign_ids(
        book("What is the VC dimension of a classifier?", "Why is a validation set necessary?"), known
    )
    assert ids(edited) == ids(first)


def test_a_different_question_gets_a_new_id() -> None:
    _, known = assign_ids(book("What is VC dimension?"), [])
    other, _ = assign_ids(book("Explain dropout in recurrent networks."), known, allow_dropped=True)
    assert ids(other) == ["explain-dropout-in-recurrent-networks"]


def test_a_dropped_question_is_refused_unless_allowed_and_keeps_its_id() -> None:
    _, known = assign_ids(book("What is VC dimension?", "Why dropout?"), [])
    with pytest.raises(HandbookError, match="lacks 1 question.*'why-dropout'.*truncated") as refused:
        assign_ids(book("What is VC dimension?"), known)
    assert refused.value.remedy == ALLOW_DROPPED  # the CLI names --allow-dropped
    _, kept = assign_ids(book("What is VC dimension?"), known, allow_dropped=True)
    assert kept[-1] == Assignment("why-dropout", "", "Why dropout?")
    assign_ids(book("What is VC dimension?"), kept)  # accepted once, not asked again
    back, _ = assign_ids(book("What is VC dimension?", "Why dropout?"), kept)
    assert ids(back) == ["what-is-vc-dimension", "why-dropout"]


def test_the_tsv_round_trips(tmp_path: Path) -> None:
    rows = [Assignment("a-b", "s", 'A\tquoted "question"?')]
    (tmp_path / "ids.tsv").write_text(ids_tsv(rows), encoding="utf-8")
    assert read_ids(tmp_path / "ids.tsv") == rows


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            [
                "When is ",
                math("\\{ x \\in \\mathbb{R}^d \\mid \\lVert x \\rVert_2 \\leq r \\}"),
                " a convex set?",
            ],
            "when-is-a-convex-set",
        ),
        (
            ["Why does ", math("\\sqrt{d_k}"), " appear in scaled dot-product attention?"],
            "why-does-dk-appear-in-scaled-dot-product",
        ),
        (["What is ", math("k"), "-NN?"], "what-is-k-nn"),
        (["Why is ", math("\\hat{\\theta}"), " biased?"], "why-is-biased"),
    ],
)
def test_a_new_id_is_made_of_the_words_a_reader_sees(title: list, slug: str) -> None:
    assigned, known = assign_ids(handbook(section("s", "S", question("", title)), title="t"), [])
    assert ids(assigned) == [slug]
    assert known[0].question == plain_text(assigned.sections[0].questions[0].title)  # matched by its TeX


def test_an_id_already_given_never_changes() -> None:
    title = ["When is ", math("x \\in \\mathbb{R}^d"), "?"]
    known = [Assignment("when-is-x-in-mathbb-r-d", "s", "When is $x \\in \\mathbb{R}^d$?")]
    assigned, _ = assign_ids(handbook(section("s", "S", question("", title)), title="t"), known)
    assert ids(assigned) == ["when-is-x-in-mathbb-r-d"]
