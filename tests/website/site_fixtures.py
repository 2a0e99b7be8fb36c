"""What the site tests share: the sample handbook, hostile input, browser settings.

The canonical site is built from source/books/SLUG/handbook/ (whatever it holds today);
the sample site from a small handbook written here, which is sure to hold math
in titles, code, lists, tables, quotes and hostile HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.model import (
    Code, CodeBlock, DisplayMath, Handbook, Link, ListBlock, Math, Meta, Paragraph, Question, Quote,
    Section, Table, Text,
)
from pipeline.site import SiteReport

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
RESULTS_DIR = Path("test-results")

# Hostile input a maintainer could paste into an answer; none of it may run.
HOSTILE_MARKDOWN = """# Hostile </title><script>alert(0)</script>

## Is this safe? {#hostile}

<script>alert(1)</script>

<img src=x onerror=alert(1)>

Inline <img src=y onerror="alert(2)"> and [a link](javascript:alert(3)) and <a href="javascript:alert(4)">raw</a>.
"""


@dataclass(frozen=True)
class BuiltSite:
    handbook: Handbook
    site_dir: Path
    report: SiteReport


def sample_handbook() -> Handbook:
    """Every kind of block and inline, math in titles, two sections to navigate between."""
    first = Section("first", "First section", (
        Question("sum-of-squares", (Text("What is "), Math(r"\sum_i x_i^2"), Text("?")), (
            Paragraph((Text("It is "), Math(r"\|x\|^2"), Text(" for a vector "), Math("x"), Text("."))),
            DisplayMath(r"\|x\|^2 = \sum_{i=1}^n x_i^2"),
            ListBlock(((Text("one "), Math(r"\alpha")), (Code("two"),)), ordered=True, start=3),
            CodeBlock("def f(x):\n    return x ** 2  # $not math$", "python"),
        )),
        Question("table-and-quote", (Text("Tables and quotes"),), (
            Table(((Text("a"),), (Math("b"),)), (((Text("1"),), (Text("2"),)),)),
            Quote((Paragraph((Text("A price of $5, not math."),)),)),
            Paragraph((Link((Text("Example"),), "https://example.org/"), Text(" zebrafish"))),
        )),
    ))
    second = Section("second", "Second section", (
        Question("gradient", (Text("Gradient of "), Math(r"f(\theta)")), (
            Paragraph((Text("Take "), Math(r"\nabla_\theta f"), Text("."))),
        )),
    ))
    meta = Meta("Sample handbook", "For tests", "Test Author", "https://example.org/original")
    return Handbook(meta, (Paragraph((Text("Intro."),)),), (first, second))
