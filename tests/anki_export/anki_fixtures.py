"""Helpers for the Anki export tests: a rich small handbook, dated sources, imports."""

from __future__ import annotations

import os
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from pipeline.model import (
    Code, CodeBlock, DisplayMath, Handbook, Link, ListBlock, Math, Meta, Paragraph,
    Question, Quote, Section, Table, Text,
)
from pipeline.writers.markdown import write_markdown

# A fixed source time far from the clock and from the code files' own times.
SOURCE_TIME = 2_000_000_000


def rich_handbook() -> Handbook:
    """Everything a card must carry: TeX with Anki's template pairs, code, structure."""
    math = Question(
        "q-math",
        (Text("Why is "), Math(r"\frac{a}{b} < c"), Text(" & when?")),
        (
            Paragraph((Text("Inline "), Math(r"x_{i}^{2} < y \;\&\; z > 0"), Text(" and "),
                       Math(r"\mathbf{{W}}"), Text("."))),
            DisplayMath(r"\sum_{k=1}^{n} {{x_k}} :: \left\{ a \right\}}"),
            DisplayMath("\\begin{aligned} a &= b \\\\\n c &= d \\end{aligned}"),
        ),
    )
    code = Question(
        "q-code",
        (Text("What does "), Code("std::map"), Text(" hold?")),
        (
            CodeBlock("std::map<int, int> m{{1, 2}};\nauto x = m[1] << 2;", "cpp"),
            CodeBlock("def f(x):\n    return {'a': {'b': x}}  # }}", "python"),
            Paragraph((Text("See "), Link((Text("the docs"),), "https://example.org/a?b=1&c=2"),
                       Text(" or "), Code("a::b"), Text("."))),
        ),
    )
    structure = Question(
        "q-structure",
        (Text("Lists, tables, quotes?"),),
        (
            ListBlock(((Text("first "), Math("a_1")), (Text("second"),)), True, 3),
            ListBlock(((Text("dot"),), (Code("x::y"),))),
            Table(((Text("term"),), (Math(r"\theta"),)),
                  (((Text("one"),), (Text("1 < 2"),)), ((Text("two"),), (Math("{{2}}"),)))),
            Quote((Paragraph((Text("quoted "), Math("q"))),)),
        ),
    )
    return Handbook(
        Meta("Test Handbook", "sub", "Ada", "https://example.org/post"),
        (Paragraph((Text("Intro."),)),),
        (
            Section("basics", "Basics & Tricks", (math, code)),
            Section("structure", "Structure", (structure,)),
        ),
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
