"""Random handbooks from the construct catalogue survive dump → read → repair exactly."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.audit import audit_blocks
from pipeline.model import Handbook
from pipeline.readers.text_dump import read_text_dump
from pipeline.repair import repair
from tests.generators.math_catalogue import CONSTRUCTS, random_handbook
from tests.generators.text_dump import write_text_dump

# What the catalogue must hold (each kind of formula a KaTeX page has), by the names CONSTRUCTS gives them.
REQUIRED = (
    "accent",
    "accent in expression",
    "sum",
    "prod",
    "int",
    "partial",
    "nabla",
    "infinity",
    "minus",
    "frac",
    "sqrt",
    "prime",
    "left right",
    "norm",
    "cases",
    "matrix",
    "text",
    "operatorname",
    "font",
    "lost entirely",
)


FORMULA_RESIDUE = ("tex-in-prose", "doubled-formula", "glued-formula")


def _round_trips(handbook: Handbook) -> None:
    repaired, _ = repair(read_text_dump(write_text_dump(handbook)))
    for (_, want), (_, got) in zip(handbook.questions(), repaired.questions(), strict=True):
        assert got.title == want.title
        assert got.answer == want.answer
        assert not [f for f in audit_blocks(got.id, got.answer) if f.kind in FORMULA_RESIDUE]


def test_the_catalogue_holds_every_construct_the_issue_names() -> None:
    assert set(REQUIRED) <= set(CONSTRUCTS)


@pytest.mark.parametrize("kind", sorted(CONSTRUCTS))
def test_each_construct_round_trips_in_every_context(kind: str) -> None:
    _round_trips(random_handbook(random.Random(kind), questions=6, blocks=4, kinds=[kind]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_random_handbooks_round_trip(seed: int) -> None:
    _round_trips(random_handbook(random.Random(seed), questions=3, blocks=3))
