"""What the site tests share: the sample handbook, hostile input, browser settings.

The canonical site is built from source/books/SLUG/handbook/ (whatever it holds today);
the sample site from a small handbook written here, which is sure to hold math
in titles, code, lists, tables, quotes and hostile HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.model import Handbook
from pipeline.site import SiteReport
from tests.builders import (
    code, code_block, display, handbook, link, math, ordered, para, question, quote, section, table,
)

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
    return handbook(
        section("first", "First section",
            question("sum-of-squares", ["What is ", math(r"\sum_i x_i^2"), "?"],
                para("It is ", math(r"\|x\|^2"), " for a vector ", math("x"), "."),
                display(r"\|x\|^2 = \sum_{i=1}^n x_i^2"),
                ordered(["one ", math(r"\alpha")], code("two"), start=3),
                code_block("def f(x):\n    return x ** 2  # $not math$", "python")),
            question("table-and-quote", "Tables and quotes",
                table(["a", math("b")], ["1", "2"]),
                quote(para("A price of $5, not math.")),
                para(link("Example", "https://example.org/"), " zebrafish"))),
        section("second", "Second section",
            question("gradient", ["Gradient of ", math(r"f(\theta)")],
                para("Take ", math(r"\nabla_\theta f"), "."))),
        title="Sample handbook", subtitle="For tests", author="Test Author",
        source_url="https://example.org/original", intro=[para("Intro.")],
    )
