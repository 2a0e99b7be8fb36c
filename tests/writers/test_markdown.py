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


def test_a_nested_list_is_indented_under_its_item() -> None:
    from tests.builders import bullets, code_block, display, item, ordered

    answer = [
        ordered(item("Rate:", bullets("start near $0.1$,", "scale it.")), "Momentum.", start=9),
        bullets(item("Loose:", code_block("x = 1", "python"), display("x"))),
    ]
    book = handbook(section("s", "S", question("q", "Q", *answer)), title="T")
    markdown = markdown_files(book)["01-s.md"]
    assert "9. Rate:\n   - start near \\$0.1\\$,\n   - scale it.\n10. Momentum." in markdown
    assert "- Loose:\n\n  ```python\n  x = 1\n  ```\n\n  $$\n  x\n  $$" in markdown
    assert read_files(markdown_files(book)) == book
