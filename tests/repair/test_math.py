"""Formula splitting: proved splits only, prose that merely looks doubled stays prose."""

from __future__ import annotations

import pytest

from pipeline.model import DisplayMath, Math, Paragraph, Text
from pipeline.repair.math import split_math
from tests.builders import one_answer, para


def repaired(text: str) -> tuple:
    fixed, _ = split_math(one_answer(para(text)))
    return fixed.sections[0].questions[0].answer[0]


@pytest.mark.parametrize(
    "prose",
    [
        "all books of the committee",
        "a summary that has less variance",
        "it will mimic the identity",
        "a dataset of 30 objects",
        "the error is 10 percent",
        "(see above) and so on",
        "a one-to-one re-run of the x-axis",
    ],
)
def test_prose_that_looks_doubled_is_kept(prose: str) -> None:
    assert repaired(prose) == Paragraph((Text(prose),))


@pytest.mark.parametrize(
    "damaged, expected",
    [
        ("tasks TT and PP", (Text("tasks "), Math("T"), Text(" and "), Math("P"))),
        ("k is 1010 or 55.", (Text("k is "), Math("10"), Text(" or "), Math("5"), Text("."))),
        ("kk-fold validation", (Math("k"), Text("-fold validation"))),
        ("the ddth power", (Text("the "), Math("d"), Text("th power"))),
        ("as mm \\rightarrow \\infty, it", (Text("as "), Math("m \\rightarrow \\infty"), Text(", it"))),
        (
            "of L(θ)L(\\theta) \\rightarrow log",
            (Text("of "), Math("L(\\theta)"), Text(" "), Math("\\rightarrow"), Text(" log")),
        ),
        ("about 30%30 \\% of", (Text("about "), Math("30 \\%"), Text(" of"))),
        (
            "w=model\u00a0parametersw=\\text{model parameter}s and",
            (Math("w=\\text{model parameter}s"), Text(" and")),
        ),
        ("time ’tt‘, s", (Text("time ’"), Math("t"), Text("‘, s"))),
    ],
)
def test_doubled_formulas_are_split(damaged: str, expected: tuple) -> None:
    assert repaired(damaged) == Paragraph(expected)


def test_a_formula_alone_is_display_math() -> None:
    assert repaired(
        "J(θ)=12i=1n(hθ(x(i))y(i))2J(\\theta)=\\frac{1}{2}\\sum_{i=1}^n(h_\\theta(x^{(i)})-y^{(i)})^2"
    ) == DisplayMath("J(\\theta)=\\frac{1}{2}\\sum_{i=1}^n(h_\\theta(x^{(i)})-y^{(i)})^2")


def test_raw_dollar_tex_becomes_display_math() -> None:
    assert repaired("$\\frac{a}{b} \\\\ c\\$") == DisplayMath("\\frac{a}{b} \\\\ c")


def test_broken_raw_tex_is_left_for_the_errata() -> None:
    broken = "L = \\right \\begin{Bmatrix} 0 \\qquad i \\ne j \\end{matrix}"
    assert repaired(broken) == Paragraph((Text(broken),))


# --- one test per class of failure seen on handbooks the repair had never met ---


@pytest.mark.parametrize(
    "damaged, tex",
    [
        ("mean xˉ\\bar{x} of", "\\bar{x}"),  # ˉ is a modifier letter: not a letter to match
        ("scale σ~\\tilde{\\sigma} of", "\\tilde{\\sigma}"),
        ("vector v⃗\\vec{v} of", "\\vec{v}"),  # ⃗ is a combining mark
        ("estimate θ^\\hat{\\theta} of", "\\hat{\\theta}"),
        ("speed x˙\\dot{x} of", "\\dot{x}"),
    ],
)
def test_accents_are_split(damaged: str, tex: str) -> None:
    before, _, after = damaged.partition(damaged.split()[1])
    assert repaired(damaged) == Paragraph((Text(before), Math(tex), Text(after)))


@pytest.mark.parametrize(
    "damaged, expected",
    [
        ("from -\\infty to", (Text("from "), Math("-\\infty"), Text(" to"))),
        ("the norm |\\cdot| is", (Text("the norm "), Math("|\\cdot|"), Text(" is"))),
        (
            "as nn \\to \\infty, and -\\infty.",
            (Text("as "), Math("n \\to \\infty"), Text(", and "), Math("-\\infty"), Text(".")),
        ),
        (  # a rendering that begins with the thin space after a lost symbol
            "for \u2009x,y\\forall\\, x, y in",
            (Text("for "), Math("\\forall\\, x, y"), Text(" in")),
        ),
        (
            "and \\emptyset is; if \u2009zS\\exists\\, z \\notin S on",
            (
                Text("and "),
                Math("\\emptyset"),
                Text(" is; if "),
                Math("\\exists\\, z \\notin S"),
                Text(" on"),
            ),
        ),
        ("often, QQQ \\to Q^*.", (Text("often, "), Math("Q \\to Q^*"), Text("."))),  # a script is no operator
        ("the best rank-kk fit", (Text("the best rank-"), Math("k"), Text(" fit"))),  # joined by a hyphen
    ],
)
def test_renderings_lost_entirely_are_split(damaged: str, expected: tuple) -> None:
    assert repaired(damaged) == Paragraph(expected)


@pytest.mark.parametrize(
    "prose",
    [
        "distributed IID (independently)",
        "Proceedings AAAI (1987)",
        "we’ll be comparing",
        "an eel or a llama will ooze",
    ],
)
def test_words_and_acronyms_are_never_cut(prose: str) -> None:
    assert repaired(prose) == Paragraph((Text(prose),))
