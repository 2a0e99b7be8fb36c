"""A dump's tables: cells and formulas found together, one fixture case per shape."""

from __future__ import annotations

import pytest

from pipeline.repair.math import split_math
from pipeline.repair.tables import rebuild_tables
from pipeline.writers.markdown import block_markdown
from tests.builders import one_answer, para, table
from tests.layout import ROOT
from tests.test_audit import fixture_cases

CASES = fixture_cases(ROOT / "tests" / "fixtures" / "dump_tables.txt")
PROSE = "The mean and the variance of a batch of data."


@pytest.mark.parametrize(("title", "dump", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_dumps_table_is_rebuilt(title: str, dump: str, expected: list[str]) -> None:
    lines = dump.splitlines()
    handbook = one_answer(para(PROSE), table([lines[0]], *([line] for line in lines[1:])))
    rebuilt, _ = rebuild_tables(split_math(handbook)[0])
    answer = rebuilt.sections[0].questions[0].answer
    assert block_markdown(answer[1]).splitlines() == expected
