"""A dump damaged the way the seed was comes back whole through read + repair."""

from __future__ import annotations

from pipeline.errata import read_errata
from pipeline.model import CodeBlock, Heading, Image, Quote, Table
from pipeline.readers.text_dump import read_text_dump
from pipeline.repair import repair
from tests.builders import (
    bullets,
    code_block,
    display,
    handbook,
    math,
    ordered,
    para,
    question,
    section,
    table,
)
from tests.generators.text_dump import write_text_dump
from tests.layout import BOOK

OWN = handbook(
    section(
        "",
        "Probability Basics",
        question(
            "",
            ["What is ", math(r"p(x \mid y)"), "?"],
            para(
                "The density ", math(r"p(x)"), " integrates to ", math("1"), " over all books and committees."
            ),
            display(r"\int_{-\infty}^{\infty} p(x)\,dx = 1"),
            bullets(["first with ", math(r"\alpha \le \beta")], "second"),
            ordered("one", "two"),
        ),
        question(
            "",
            ["Why sample ", math("n"), " times?"],
            para(
                "Because ", math(r"\hat{\mu}_n \rightarrow \mu"), " as ", math(r"n \rightarrow \infty"), "."
            ),
            code_block("def mean(xs):\n    return sum(xs) / len(xs)", "python"),
        ),
    ),
    section(
        "",
        "Kernels",
        question(
            "",
            "What is a kernel?",
            para("A function ", math(r"k(x, x') = \phi(x)^T\phi(x')"), "."),
            # Cells are glued; a boundary shows where a formula meets a capital.
            table(["Formula", "Kernel"], [math("x^Ty"), "Linear"], [math("(x^Ty+c)^d"), "Polynomial"]),
        ),
        question(
            "", "Which kernels are popular?", para("The RBF kernel, with ", math(r"\gamma = 0.5"), " often.")
        ),
    ),
    section(
        "", "Kernel Methods", question("", "Do kernel methods scale?", para("Poorly: ", math("O(n^3)"), "."))
    ),
    title="My Handbook",
    subtitle="A test of the repair",
    intro=[para("An introduction.")],
    references=[para("Thanks to everyone.")],
)


def test_own_dump_round_trips_with_a_lost_heading() -> None:
    dump = write_text_dump(OWN, lose_heading=1)
    assert "p(x∣y)" not in dump and "p(xy)p(x \\mid y)" in dump  # ∣ is lost, TeX kept
    repaired, log = repair(read_text_dump(dump))
    assert log.total > 0
    assert [s.title for s in repaired.sections] == ["Probability Basics", "Kernels", "Kernel Methods"]
    for (_, expected), (_, got) in zip(OWN.questions(), repaired.questions(), strict=True):
        assert got.title == expected.title
        assert got.answer == expected.answer
    assert repaired.intro == OWN.intro and repaired.references == OWN.references


def test_canonical_handbook_round_trips_except_hand_corrections(canonical) -> None:
    corrected = {c.question for c in read_errata(BOOK.errata_file)}
    repaired, _ = repair(read_text_dump(write_text_dump(canonical, lose_heading=3)))
    assert [s.title for s in repaired.sections] == [s.title for s in canonical.sections]
    differ = [
        expected.id
        for (_, expected), (_, got) in zip(canonical.questions(), repaired.questions(), strict=True)
        if (got.title, got.answer) != (expected.title, expected.answer)
    ]

    # Only what the errata fix by hand and a dump cannot carry may differ: a table
    # (its figure column), sub-headings and quotes (a dump prints them as prose), a
    # code block's language (a dump has no fences), a figure (a dump keeps only its caption).
    def unprintable(block) -> bool:
        return isinstance(block, (Heading, Table, Image, Quote)) or (
            isinstance(block, CodeBlock) and block.language == "text"
        )

    carried = {q.id for _, q in canonical.questions() if not any(map(unprintable, q.answer))}
    assert set(differ) <= corrected - carried, differ
