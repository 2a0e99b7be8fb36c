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
from pipeline.writers.markdown import write_markdown
from tests.builders import (
    code,
    code_block,
    display,
    figure,
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

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
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
        section(
            "first",
            "First section",
            question(
                "sum-of-squares",
                ["What is ", math(r"\sum_i x_i^2"), "?"],
                para("It is ", math(r"\|x\|^2"), " for a vector ", math("x"), "."),
                display(r"\|x\|^2 = \sum_{i=1}^n x_i^2"),
                ordered(["one ", math(r"\alpha")], code("two"), start=3),
                code_block("def f(x):\n    return x ** 2  # $not math$", "python"),
            ),
            question(
                "table-and-quote",
                "Tables and quotes",
                table(["a", math("b")], ["1", "2"]),
                quote(para("A price of $5, not math.")),
                para(link("Example", "https://example.org/"), " zebrafish"),
            ),
        ),
        section(
            "second",
            "Second section",
            question(
                "gradient", ["Gradient of ", math(r"f(\theta)")], para("Take ", math(r"\nabla_\theta f"), ".")
            ),
        ),
        title="Sample handbook",
        subtitle="For tests",
        author="Test Author",
        source_url="https://example.org/original",
        intro=[para("Intro.")],
    )


@dataclass(frozen=True)
class SeriesSite:
    """A site of several books: where it is, each book's Markdown folder (the first at the root), its report."""

    site_dir: Path
    handbook_dirs: tuple[Path, ...]
    report: SiteReport


SERIES_TITLE = "Interview <b>Handbooks</b> & Co"  # the series' title is untrusted too

# A second book of the series, for the two-book site: its title is hostile, and
# "quokka" is a word no page of the real book holds (search must find it).
SECOND_TITLE = "Second Book <img src=x onerror=alert(1)>"
SECOND_SLUG = "second-book-img"  # its title's slug: the folder is no book's under source/books/
SECOND_ONLY_WORD = "quokka"
SECOND_FIGURE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
    '<path d="M0 60 Q60 -40 120 60" fill="none" stroke="black"/></svg>\n'
)


def second_book() -> Handbook:
    """Two sections, math in a title, a display formula and a figure."""
    return handbook(
        section(
            "priors",
            "Priors and posteriors",
            question(
                "what-is-a-prior",
                ["What is a prior ", math(r"p(\theta)"), "?"],
                para(
                    "A belief about ",
                    math(r"\theta"),
                    f" before the data, as a {SECOND_ONLY_WORD} would hold it.",
                ),
                display(r"p(\theta \mid x) \propto p(x \mid \theta)\, p(\theta)"),
                figure("second-curve", "A bell-shaped curve", "The prior"),
            ),
        ),
        section(
            "sampling",
            "Sampling",
            question(
                "why-sample",
                "Why sample?",
                para("Because ", math(r"\int f(x)\, dx"), " rarely has a closed form."),
            ),
        ),
        title=SECOND_TITLE,
        subtitle="A tiny <b>second</b> part",
        author="Second <i>Author</i>",
        source_url="https://example.org/second",
        intro=[para("The second book of the series.")],
    )


def write_second_book(handbook_dir: Path) -> Path:
    """The second book as canonical Markdown, with its figure; returns the folder."""
    write_markdown(second_book(), handbook_dir)
    (handbook_dir / "figures").mkdir(exist_ok=True)
    (handbook_dir / "figures" / "second-curve.svg").write_text(SECOND_FIGURE, encoding="utf-8")
    return handbook_dir
