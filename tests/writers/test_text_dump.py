"""A dump damaged the way the seed was comes back whole through read + repair."""

from __future__ import annotations


from pipeline.errata import read_errata
from pipeline.model import (
    CodeBlock, DisplayMath, Handbook, Heading, Image, ListBlock, Math, Meta, Paragraph, Question, Section, Table, Text,
)
from pipeline.readers.text_dump import read_text_dump
from pipeline.repair import repair
from pipeline.writers.text_dump import write_text_dump
from tests.layout import BOOK


def q(title: tuple, *answer) -> Question:
    return Question("", title, tuple(answer))


OWN = Handbook(
    Meta("My Handbook", "A test of the repair"),
    (Paragraph((Text("An introduction."),)),),
    (
        Section("", "Probability Basics", (
            q((Text("What is "), Math(r"p(x \mid y)"), Text("?")),
              Paragraph((Text("The density "), Math(r"p(x)"), Text(" integrates to "), Math("1"),
                         Text(" over all books and committees."))),
              DisplayMath(r"\int_{-\infty}^{\infty} p(x)\,dx = 1"),
              ListBlock(((Text("first with "), Math(r"\alpha \le \beta")), (Text("second"),))),
              ListBlock(((Text("one"),), (Text("two"),)), ordered=True)),
            q((Text("Why sample "), Math("n"), Text(" times?")),
              Paragraph((Text("Because "), Math(r"\hat{\mu}_n \rightarrow \mu"), Text(" as "),
                         Math(r"n \rightarrow \infty"), Text("."))),
              CodeBlock("def mean(xs):\n    return sum(xs) / len(xs)", "python")),
        )),
        Section("", "Kernels", (
            q((Text("What is a kernel?"),),
              Paragraph((Text("A function "), Math(r"k(x, x') = \phi(x)^T\phi(x')"), Text("."))),
              # Cells are glued; a boundary shows where a formula meets a capital.
              Table(((Text("Formula"),), (Text("Kernel"),)),
                    (((Math("x^Ty"),), (Text("Linear"),)), ((Math("(x^Ty+c)^d"),), (Text("Polynomial"),))))),
            q((Text("Which kernels are popular?"),),
              Paragraph((Text("The RBF kernel, with "), Math(r"\gamma = 0.5"), Text(" often."))),),
        )),
        Section("", "Kernel Methods", (
            q((Text("Do kernel methods scale?"),), Paragraph((Text("Poorly: "), Math("O(n^3)"), Text("."))),),
        )),
    ),
    (Paragraph((Text("Thanks to everyone."),)),),
)


def test_own_dump_round_trips_with_a_lost_heading() -> None:
    dump = write_text_dump(OWN, lose_heading=1)
    assert "p(x∣y)" not in dump and "p(xy)p(x \\mid y)" in dump  # ∣ is lost, TeX kept
    repaired, log = repair(read_text_dump(dump))
    assert log.total > 0
    assert [s.title for s in repaired.sections] == ["Probability Basics", "Kernels", "Kernel Methods"]
    for (_, expected), (_, got) in zip(OWN.questions(), repaired.questions()):
        assert got.title == expected.title
        assert got.answer == expected.answer
    assert repaired.intro == OWN.intro and repaired.references == OWN.references


def test_canonical_handbook_round_trips_except_hand_corrections(canonical) -> None:
    corrected = {c.question for c in read_errata(BOOK.errata_file)}
    repaired, _ = repair(read_text_dump(write_text_dump(canonical, lose_heading=3)))
    assert [s.title for s in repaired.sections] == [s.title for s in canonical.sections]
    differ = [
        expected.id for (_, expected), (_, got) in zip(canonical.questions(), repaired.questions())
        if (got.title, got.answer) != (expected.title, expected.answer)
    ]
    # Only what the errata fix by hand and a dump cannot carry may differ: the
    # table no rule can split, sub-headings (a dump prints them as prose) and a
    # code block's language (a dump has no fences), a figure (a dump keeps only its caption).
    def unprintable(block) -> bool:
        return isinstance(block, (Heading, Table, Image)) or (
            isinstance(block, CodeBlock) and block.language == "text")

    carried = {q.id for _, q in canonical.questions() if not any(map(unprintable, q.answer))}
    assert set(differ) <= corrected - carried, differ
