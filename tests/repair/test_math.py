"""Formula splitting: proved splits only, prose that merely looks doubled stays prose.

Each case is data in tests/fixtures/repair_math.txt: damaged prose, and the paragraph the
repair must make of it, as canonical Markdown.
"""

from __future__ import annotations

import pytest

from pipeline.model import Block
from pipeline.readers.markdown import read_section
from pipeline.repair.math import split_math
from tests.builders import math, one_answer, para, table
from tests.fixture_cases import Case, read_cases

CASES = read_cases("repair_math.txt")


def repaired(text: str) -> Block:
    fixed, _ = split_math(one_answer(para(text)))
    return fixed.sections[0].questions[0].answer[0]


def markdown_block(markdown: str) -> Block:
    (block,) = read_section(f"# S\n\n## Q {{#q}}\n\n{markdown}\n", "s").questions[0].answer
    return block


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fixture_case(case: Case) -> None:
    assert repaired(case.input) == markdown_block("\n".join(case.expected))


def test_a_table_with_math_in_its_cells_is_rebuilt() -> None:
    from pipeline.repair.tables import rebuild_table

    header = "KernelFormulaNote"
    rows = ["Linearxyx^\\top yFast", "Rbfexp(γxy2)\\exp(-\\gamma \\lVert x-y \\rVert^2)Smooth"]
    split, _ = split_math(one_answer(table([header], *([r] for r in rows))))
    rebuilt = rebuild_table(split.sections[0].questions[0].answer[0])
    assert rebuilt == table(
        ["Kernel", "Formula", "Note"],
        ["Linear", math("x^\\top y"), "Fast"],
        ["Rbf", math("\\exp(-\\gamma \\lVert x-y \\rVert^2)"), "Smooth"],
    )
