"""A dump's tables: cells and formulas found together, one fixture case per shape."""

from __future__ import annotations

import pytest

from pipeline.repair.math import split_math
from pipeline.repair.tables import rebuild_tables
from pipeline.writers.markdown import block_markdown
from tests.builders import one_answer, para, table
from tests.fixture_cases import Case, read_cases

CASES = read_cases("dump_tables.txt")
PROSE = "The mean and the variance of a batch of data."


@pytest.mark.parametrize("case", CASES, ids=[case.title for case in CASES])
def test_a_dumps_table_is_rebuilt(case: Case) -> None:
    lines = case.input.splitlines()
    handbook = one_answer(para(PROSE), table([lines[0]], *([line] for line in lines[1:])))
    rebuilt, _ = rebuild_tables(split_math(handbook)[0])
    answer = rebuilt.sections[0].questions[0].answer
    assert block_markdown(answer[1]).splitlines() == case.expected
