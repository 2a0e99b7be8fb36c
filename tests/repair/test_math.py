"""Formula splitting: proved splits only, prose that merely looks doubled stays prose.

Each case is data in tests/fixtures/repair_math.txt: damaged prose, and the paragraph the
repair must make of it, as canonical Markdown.
"""

from __future__ import annotations

import pytest

from pipeline.model import Block
from pipeline.readers.markdown import read_section
from pipeline.repair.math import split_math
from tests.builders import one_answer, para
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
