"""The handbook page (HTML + KaTeX) → model: our own rendering, the original's shape, hostile pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.errors import HandbookError
from pipeline.model import Handbook, Meta
from pipeline.normalize import normalize
from pipeline.readers.html_page import read_html_page
from pipeline.writers.markdown import write_markdown
from tests.builders import (
    code,
    code_block,
    display,
    handbook,
    inlines,
    link,
    math,
    ordered,
    para,
    question,
    quote,
    section,
    table,
)
from tests.generators.original_html import write_original_html
from tests.layout import BOOK

HANDBOOK_DIR = BOOK.handbook_dir


def small_handbook() -> Handbook:
    """A handbook with every kind of content, including what a page must not smuggle in."""
    answer = (
        para(
            "Use ",
            math(r"\frac{a}{b}"),
            " & ",
            code("x < y"),
            " ",
            link("a link", "https://example.com/?a=1&b=2"),
            ".",
        ),
        display("E = mc^2\n+ 1"),
        code_block("def f(x):\n    return x < 1\n", "python"),
        ordered("one", math("x_1"), start=3),
        table(["k", "v"], [math(r"\alpha"), "<script>"]),
        quote(para("quoted")),
    )
    return handbook(
        section(
            "first",
            "First & foremost",
            question("q-one", ["What is ", math("f(x)"), "?"], *answer),
            question("q-two", "Empty?"),
        ),
        section("second", "Second", question("q-three", "Three", *answer[:1])),
        title="A <Title>",
        subtitle="Sub & title",
        author="Ada Lovelace",
        source_url="https://example.com/post/",
        intro=[para("Intro ", math("x"), ".")],
        references=[para("Cited as:"), code_block('  title = "x",\n  author = "Lovelace, Ada"', "bibtex")],
    )


def test_our_page_reads_back_as_the_same_handbook() -> None:
    handbook = small_handbook()
    assert read_html_page(write_original_html(handbook), "") == handbook


def test_the_canonical_handbook_survives_byte_for_byte(canonical: Handbook, tmp_path: Path) -> None:
    page = write_original_html(canonical)
    assert page.count('class="katex"') >= sum(1 for _ in canonical.questions())  # KaTeX typeset it
    read = read_html_page(page, canonical.meta.source_url)
    assert read == canonical
    write_markdown(read, tmp_path / "handbook")
    written = {p.name: p.read_bytes() for p in (tmp_path / "handbook").iterdir() if p.suffix == ".md"}
    committed = {p.name: p.read_bytes() for p in HANDBOOK_DIR.iterdir() if p.suffix == ".md"}
    assert written == committed


def test_normalize_reads_an_html_snapshot(canonical: Handbook, tmp_path: Path) -> None:
    """The whole `normalize` over our page gives the canonical Markdown back.

    With the real errata file: its corrections were written against the text
    dump, and on a page that already has the corrected text they count as
    already applied (they change nothing) rather than failing.
    """
    snapshot = tmp_path / "page.html"
    snapshot.write_text(write_original_html(canonical), encoding="utf-8")
    ids = tmp_path / "question-ids.tsv"
    shutil.copy(BOOK.ids_file, ids)
    shutil.copytree(HANDBOOK_DIR, tmp_path / "out")  # its figures up to date: none drawn again
    report = normalize(snapshot, tmp_path / "out", BOOK.errata_file, ids, figures_dir=BOOK.figures_dir)
    assert report.questions == sum(1 for _ in canonical.questions())
    assert report.errata_applied == 0 and report.figures.drawn == ()
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.suffix == ".md"}
    committed = {p.name: p.read_bytes() for p in HANDBOOK_DIR.iterdir() if p.suffix == ".md"}
    assert written == committed


def _without_ids(page: str) -> str:
    return re.sub(r' id="[^"]*"', "", page)


def test_a_page_without_ids_leaves_them_to_normalize() -> None:
    read = read_html_page(_without_ids(write_original_html(small_handbook())), "")
    assert [s.slug for s in read.sections] == ["", ""]
    assert [q.id for _, q in read.questions()] == ["", "", ""]
    assert [q.title for _, q in read.questions()] == [q.title for _, q in small_handbook().questions()]


ORIGINAL_SHAPE = """<!DOCTYPE html><html><head><title>Tab title</title>
<meta name="description" content="not the subtitle"></head>
<body><div id="___gatsby"><header class="site"><nav><a href="/">Home</a> <a href="/blog">Blog</a></nav></header>
<main><article>
  <header>
    <h1>Deep Learning Concepts</h1>
    <h3>A deep dive</h3>
    <p>December 21, 2019</p>
  </header>
  <section>
    <p>This post is
       Part 3.</p>
    <h1>Table of Contents</h1>
    <ul><li><a href="#ml">ML in General</a></li></ul>
    <h2 id="ml"><a href="#ml" aria-hidden="true" class="anchor"><svg><path d="M0"/></svg></a>ML in General</h2>
    <details>
      <summary><b>What is <span class="math math-inline"><span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>T</mi></mrow><annotation encoding="application/x-tex">T</annotation></semantics></math></span><span class="katex-html" aria-hidden="true">T</span></span></span>?</b>
        (click the triangle to expand and reveal the full answer)</summary>
      <p>The task <span class="math math-inline"><span class="katex"><annotation encoding="application/x-tex">T</annotation></span></span>.</p>
      <div class="math math-display"><span class="katex-display"><span class="katex"><annotation encoding="application/x-tex">\\hat{y} = w^T x</annotation></span></span></div>
      <div class="gatsby-highlight" data-language="python"><pre class="language-python"><code class="language-python">print(1)
</code></pre></div>
    </details>
    <p>A note after the question.</p>
    <h2>References and Resources</h2>
    <p>Thanks.</p>
    <pre><code class="language-bibtex">  author  = "McAteer, Matthew",</code></pre>
    <p>Subscribe to get new posts by email!</p>
  </section>
</article></main>
<footer>This site is protected by reCAPTCHA</footer></div></body></html>
"""


def test_the_original_posts_shape() -> None:
    read = read_html_page(ORIGINAL_SHAPE, "https://example.com/post")
    assert read.meta == Meta(
        "Deep Learning Concepts", "A deep dive", "Matthew McAteer", "https://example.com/post"
    )
    assert read.intro == (para("This post is Part 3."),)
    assert read.sections == (
        section(
            "ml",
            "ML in General",
            question(
                "",
                ["What is ", math("T"), "?"],
                para("The task ", math("T"), "."),
                display(r"\hat{y} = w^T x"),
                code_block("print(1)", "python"),
                para("A note after the question."),
            ),
        ),
    )
    assert read.references == (para("Thanks."), code_block('  author  = "McAteer, Matthew",', "bibtex"))


# --- hostile and broken pages --------------------------------------------------


EVIL = (
    '<script>alert("script text")</script><img src=x onerror="alert(\'onerror\')">'
    '<a href="javascript:alert(\'js\')">click</a><iframe src="https://evil.example">frame</iframe>'
    '<style>body{display:none}</style><p onmouseover="alert(1)">hover</p>'
)


def test_hostile_markup_never_reaches_the_model() -> None:
    page = write_original_html(small_handbook())
    page = page.replace("<summary>", f"<summary>{EVIL}", 1).replace("</details>", f"{EVIL}</details>")
    page = page.replace("<h1>", f"{EVIL}<h1 onclick=\"alert('h1')\">")
    read = read_html_page(page, "")
    for gone in ("script text", "alert", "javascript", "frame", "display:none", "onerror", "mouseover"):
        assert gone not in repr(read)
    clean = small_handbook()
    extra = (para("click"), para("hover"))
    assert [q.answer for _, q in read.questions()] == [q.answer + extra for _, q in clean.questions()]
    assert read.sections[0].questions[0].title == inlines("click hover What is ", math("f(x)"), "?")
    assert read.meta == clean.meta


def test_a_question_nested_30000_deep_is_read() -> None:
    depth = 30_000  # far past Python's recursion limit; the fragment tests go to 100000
    page = (
        "<article><h2 id='s'>S</h2>"
        + "<div>" * depth
        + "<details id='q'><summary>Deep?</summary><p>Yes.</p></details>"
        + "</div>" * depth
        + "</article>"
    )
    read = read_html_page(page, "")
    assert read.sections == (section("s", "S", question("q", "Deep?", para("Yes."))),)


def test_a_truncated_page_keeps_what_arrived() -> None:
    page = write_original_html(small_handbook())
    cut = page[: page.index("q-three") + 60]
    read = read_html_page(cut, "")
    assert [q.id for _, q in read.questions()] == ["q-one", "q-two", "q-three"]


@pytest.mark.parametrize(
    "page",
    [
        "",
        "<html><body><p>Just a blog post.</p></body></html>",
        "<h2>Section</h2><p>no questions</p>",
        "<details><summary>" * 1000,
        "\x00\x01 binary-ish",
    ],
)
def test_a_page_without_questions_is_refused_in_one_line(page: str) -> None:
    with pytest.raises(HandbookError) as error:
        read_html_page(page, "")
    assert "\n" not in str(error.value)
    assert "no questions" in str(error.value)


def test_details_outside_sections_still_count() -> None:
    page = "<body><details><summary>Q?</summary>A.</details></body>"
    read = read_html_page(page, "")
    assert read.sections == (section("", "", question("", "Q?", para("A."))),)
