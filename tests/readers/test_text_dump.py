"""The text-dump reader: structure recovered from a scrape, and clean errors otherwise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import HandbookError
from pipeline.formats import EXPAND_HINT, TOC_HEADING
from pipeline.model import Block, CodeBlock
from pipeline.readers.text_dump import blocks, chunks, read_text_dump
from tests.fixture_cases import Case, read_cases
from tests.layout import BOOK

SNAPSHOT = BOOK.raw_dir / "dl-concepts.txt"

FRAGMENTS = st.sampled_from(
    [
        "Title",
        "Subtitle",
        TOC_HEADING,
        EXPAND_HINT,
        "Section A",
        "Section B",
        "",
        "\n",
        "\n\n",
        "  • item",
        "  1. first",
        "def f(x):",
        "    return x",
        "What is X?",
        "References and Resources",
        "θ\\theta",
        "\x00",
        "\ufeff",
        "TT",
        "|",
        "\t",
        "   ",
        "A",
        "B",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=40))
def test_arbitrary_input_raises_only_handbook_errors(parts: list[str]) -> None:
    text = "\n\n".join(parts)
    try:
        read_text_dump(text)
    except HandbookError as error:
        assert "\n" not in str(error)


def test_lost_heading_keeps_the_previous_answer() -> None:
    dump = "\n\n".join(
        [
            "T",
            "S",
            TOC_HEADING,
            "One",
            "\nTwo",
            "One",
            "Q1?",
            EXPAND_HINT,
            "A1.",
            "Last paragraph of A1.",
            "\nQ2?",
            EXPAND_HINT,
            "A2.",
            "Two",
            "Q3?",
            EXPAND_HINT,
            "A3.",
            "References and Resources",
            "R.",
        ]
    )
    handbook = read_text_dump(dump)
    assert [s.title for s in handbook.sections] == ["One", "", "Two"]
    assert len(handbook.sections[0].questions[0].answer) == 2


@pytest.mark.parametrize(
    "cut_after",
    [
        "I write about AI, Bi",
        "I write about AI, Biotech, and a bunch of other topics. Subscribe to g",
        "At least t",
        "That'd be more annoying. Anywa",
    ],
)
def test_a_scrape_truncated_in_the_footer_keeps_none_of_it(cut_after: str) -> None:
    text = SNAPSHOT.read_text(encoding="utf-8")
    whole = read_text_dump(text)
    cut = text.index(cut_after) + len(cut_after)
    assert read_text_dump(text[:cut]).references == whole.references


CODE_CASES = read_cases("dump_code.txt")


@pytest.mark.parametrize("case", CODE_CASES, ids=[case.title for case in CODE_CASES])
def test_code_in_any_language_is_told_from_prose_tables_and_lists(case: Case) -> None:
    def kind(block: Block) -> str:
        return f"code {block.language}" if isinstance(block, CodeBlock) else type(block).__name__.lower()

    read = [kind(b) for b in blocks(chunks(case.input))]
    assert [k.replace("listblock", "list") for k in read] == case.expected
