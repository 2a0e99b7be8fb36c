"""Helpers for the Anki export tests: a rich small handbook, dated sources, imports."""

from __future__ import annotations

import os
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from pipeline.book import read_series
from pipeline.formats import book_deck_file
from pipeline.model import Handbook, Question, Section
from pipeline.parts import answer_parts
from pipeline.writers.markdown import write_markdown
from tests.builders import (
    bullets,
    code,
    code_block,
    display,
    handbook,
    link,
    math,
    ordered,
    para,
    question,
    quote,
    section,
    table,
)
from tests.layout import BOOK

# A fixed source time far from the clock and from the code files' own times.
SOURCE_TIME = 2_000_000_000
SERIES = read_series(BOOK.folder.parent).title  # the decks' top level, as exports default to it
RICH = "test-handbook"  # the book slug of rich_handbook's title: its folder of decks
REAL = BOOK.slug  # the real book's (a copy of its Markdown elsewhere has the same title)


def book_deck(decks: Path, book: str) -> Path:
    """The whole book's deck an export wrote into `decks`: `<decks>/<book>/<book>.apkg`."""
    return decks / book / book_deck_file(book)


def section_notes(section: Section) -> list[Question]:
    """What a section's deck holds: each question, then its part notes (pipeline.parts)."""
    return [note for question in section.questions for note in (question, *answer_parts(question))]


def rich_handbook() -> Handbook:
    """Everything a card must carry: TeX with Anki's template pairs, code, structure."""
    return handbook(
        section(
            "basics",
            "Basics & Tricks",
            question(
                "q-math",
                ["Why is ", math(r"\frac{a}{b} < c"), " & when?"],
                para("Inline ", math(r"x_{i}^{2} < y \;\&\; z > 0"), " and ", math(r"\mathbf{{W}}"), "."),
                display(r"\sum_{k=1}^{n} {{x_k}} :: \left\{ a \right\}}"),
                display("\\begin{aligned} a &= b \\\\\n c &= d \\end{aligned}"),
            ),
            question(
                "q-code",
                ["What does ", code("std::map"), " hold?"],
                code_block("std::map<int, int> m{{1, 2}};\nauto x = m[1] << 2;", "cpp"),
                code_block("def f(x):\n    return {'a': {'b': x}}  # }}", "python"),
                para("See ", link("the docs", "https://example.org/a?b=1&c=2"), " or ", code("a::b"), "."),
            ),
        ),
        section(
            "structure",
            "Structure",
            question(
                "q-structure",
                "Lists, tables, quotes?",
                ordered(["first ", math("a_1")], "second", start=3),
                bullets("dot", code("x::y")),
                table(["term", math(r"\theta")], ["one", "1 < 2"], ["two", math("{{2}}")]),
                quote(para("quoted ", math("q"))),
            ),
        ),
        title="Test Handbook",
        subtitle="sub",
        author="Ada",
        source_url="https://example.org/post",
        intro=[para("Intro.")],
    )


def write_source(handbook: Handbook, directory: Path, mtime: int = SOURCE_TIME) -> Path:
    """The handbook as canonical Markdown, every file dated `mtime`."""
    write_markdown(handbook, directory)
    set_mtime(directory, mtime)
    return directory


def set_mtime(directory: Path, mtime: int) -> None:
    for path in directory.glob("*.md"):
        os.utime(path, (mtime, mtime))


def import_package(col: Collection, path: Path):
    """Import with Anki's default options (update notes and note types if newer)."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log
