"""Canonical Markdown: model → Markdown → model is the identity, for generated handbooks."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from pipeline.model import Handbook
from pipeline.readers.markdown import read_files
from pipeline.writers.markdown import markdown_files
from tests.builders import handbook, heading, math, para, question, section
from tests.strategies import handbooks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(handbooks())
def test_markdown_round_trip_is_identity(handbook: Handbook) -> None:
    files = markdown_files(handbook)
    assert read_files(files) == handbook
    assert markdown_files(read_files(files)) == files


def test_sub_headings_are_atx_headings_that_read_back() -> None:
    book = handbook(
        section(
            "s",
            "S",
            question(
                "q",
                "Q",
                heading(3, "1. Mean Square Error, ", math("L_2"), " Loss"),
                para("MSE is the most commonly used regression loss."),
                heading(4, "C #"),
                heading(3, "##"),
            ),
        ),
        title="T",
        intro=[heading(3, "Intro")],
    )
    files = markdown_files(book)
    assert "### 1. Mean Square Error, $L_2$ Loss\n\nMSE" in files["01-s.md"]
    assert "#### C \\#" in files["01-s.md"] and "### \\##" in files["01-s.md"]
    assert read_files(files) == book
