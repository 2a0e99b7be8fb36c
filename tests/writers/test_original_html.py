"""Model → a page shaped like the original post, every formula typeset by KaTeX."""

from __future__ import annotations

from bs4 import BeautifulSoup

from pipeline.formats import EXPAND_HINT
from pipeline.model import formulas, question_formulas
from tests.builders import code_block, display, handbook, link, math, para, question, section
from tests.generators.original_html import katex_blocks_html, write_original_html

HANDBOOK = handbook(
    section(
        "alpha",
        "Alpha",
        question(
            "q1",
            ["Is ", math(r"\alpha"), " <script>alert(1)</script>?"],
            para(link("bad", "javascript:alert(2)"), " ", math("a<b")),
            display(r"\sum_i x_i"),
            code_block("print('<b>')", "python"),
        ),
    ),
    section("beta", "Beta", question("q2", "Two?", para("Yes."))),
    title="Title & <more>",
    subtitle="Sub",
    author="Ada",
    source_url="https://example.com/post",
    intro=[para("Intro with ", math("x^2"))],
    references=[para("Refs ", math(r"\beta"))],
)


def _page() -> BeautifulSoup:
    return BeautifulSoup(write_original_html(HANDBOOK), "html.parser")


def test_the_page_has_the_posts_shape() -> None:
    page = _page()
    assert page.find("h1").get_text() == "Title & <more>"
    assert page.find(class_="subtitle").get_text() == "Sub"
    assert [a["href"] for a in page.select("nav.toc a")] == ["#alpha", "#beta"]
    assert [h.get("id") for h in page.find_all("h2")] == [None, "alpha", "beta", "references"]
    details = page.find_all("details")
    assert [d["id"] for d in details] == ["q1", "q2"]
    assert all(d.find("summary") is d.contents[1] for d in details)  # summary first (after a newline)
    assert all(d.find(class_="expand-hint").get_text() == EXPAND_HINT for d in details)
    assert page.find("link", rel="canonical")["href"] == "https://example.com/post"
    assert page.find("meta", attrs={"name": "author"})["content"] == "Ada"


def test_every_formula_is_typeset_by_katex_with_its_tex() -> None:
    page = _page()
    expected = (
        list(formulas(HANDBOOK.intro))
        + [f for _, q in HANDBOOK.questions() for f in question_formulas(q)]
        + list(formulas(HANDBOOK.references))
    )
    annotations = page.find_all("annotation", attrs={"encoding": "application/x-tex"})
    assert [a.get_text() for a in annotations] == [tex for tex, _ in expected]
    assert len(page.select(".katex-display")) == sum(1 for _, display in expected if display)
    html = str(page)
    assert "arithmatex" not in html and "katex-slot" not in html and "\\(" not in html


def test_model_text_cannot_become_markup() -> None:
    page = _page()
    assert page.find("script") is None
    assert not any(a.get("href", "").startswith("javascript") for a in page.find_all("a"))
    assert "<script>alert(1)</script>" in page.find("summary").get_text()


def test_code_keeps_its_language_and_inline_styles() -> None:
    fragment = BeautifulSoup(katex_blocks_html((code_block("x = 1", "python"),)), "html.parser")
    block = fragment.find("div")
    assert "language-python" in block["class"] and "style" in block.attrs
