"""Canonical Markdown: model → Markdown → model is the identity, for generated handbooks."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import (
    Code,
    CodeBlock,
    DisplayMath,
    Handbook,
    Heading,
    Image,
    Link,
    ListBlock,
    Math,
    Meta,
    Paragraph,
    Question,
    Quote,
    Section,
    Table,
    Text,
)
from pipeline.readers.markdown import read_files
from pipeline.writers.markdown import markdown_files
from tests.builders import handbook, heading, math, para, question, section

ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\u2028\u2029\x85",
)
WORDS = st.text(ALPHABET, min_size=1, max_size=25).map(lambda s: " ".join(s.split())).filter(bool)
TEX = st.sampled_from(
    [
        "x",
        r"\theta",
        "k-1",
        r"\frac{1}{2}",
        r"\sum_{i=1}^n x_i",
        r"p(y \mid x)",
        r"\text{a b}",
        "10",
        r"\{a\}",
        r"x^{2} + y^{2} \leq 1",
        r"a \\ b",
    ]
)
SLUG = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


def merge(inlines: list) -> tuple:
    """The model's invariants: adjacent texts merged, texts trimmed at the ends."""
    merged: list = []
    for inline in inlines:
        if merged and isinstance(inline, Code) and isinstance(merged[-1], Code):
            merged.append(Text(" "))  # two code spans touching are one span in Markdown
        if merged and isinstance(inline, Text) and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + inline.text)
        else:
            merged.append(inline)
    if merged and isinstance(merged[0], Text):
        merged[0] = Text(merged[0].text.lstrip())
    if merged and isinstance(merged[-1], Text):
        merged[-1] = Text(merged[-1].text.rstrip())
    return tuple(i for i in merged if not (isinstance(i, Text) and not i.text))


INLINE = st.one_of(
    WORDS.map(lambda w: Text(f" {w} ")),
    WORDS.map(Text),
    TEX.map(Math),
    st.from_regex(r"[a-z_()=+ ]{1,12}", fullmatch=True).map(str.strip).filter(bool).map(Code),
    st.tuples(WORDS, st.sampled_from(["https://example.org/a", "https://example.org/b?q=1"])).map(
        lambda p: Link((Text(p[0]),), p[1])
    ),
)
LINE = st.lists(INLINE, min_size=1, max_size=6).map(merge).filter(bool)
CELL = st.lists(st.one_of(WORDS.map(Text), TEX.map(Math)), max_size=3).map(merge)
CODE = st.lists(st.from_regex(r"[ a-z0-9_=():`~#*]{0,30}", fullmatch=True), min_size=1, max_size=5).map(
    lambda lines: "\n".join(line.rstrip() for line in lines).strip("\n") or "pass"
)


@st.composite
def tables(draw) -> Table:
    width = draw(st.integers(1, 4))
    row = st.lists(CELL, min_size=width, max_size=width).map(tuple)
    return Table(draw(row), tuple(draw(st.lists(row, max_size=3))))


BLOCK = st.one_of(
    LINE.map(Paragraph),
    TEX.map(DisplayMath),
    st.builds(Heading, st.integers(3, 6), LINE),
    st.tuples(CODE, st.sampled_from(["python", "text", "bibtex"])).map(lambda p: CodeBlock(*p)),
    st.builds(
        ListBlock, st.lists(LINE, min_size=1, max_size=4).map(tuple), st.booleans(), st.integers(1, 9)
    ).map(lambda b: b if b.ordered else ListBlock(b.items)),
    tables(),
    LINE.map(lambda line: Quote((Paragraph(line),))),
    st.builds(Image, WORDS, SLUG.map(lambda name: f"figures/{name}.svg"), st.one_of(st.just(""), WORDS)),
)


@st.composite
def handbooks(draw) -> Handbook:
    slugs = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    ids = iter(draw(st.lists(SLUG, min_size=12, max_size=12, unique=True)))
    sections = tuple(
        Section(
            slug,
            draw(WORDS),
            tuple(
                Question(next(ids), draw(LINE), tuple(draw(st.lists(BLOCK, max_size=5))))
                for _ in range(draw(st.integers(1, 4)))
            ),
        )
        for slug in slugs
    )
    meta = Meta(draw(WORDS), draw(WORDS), draw(WORDS), "https://example.org/post")
    return Handbook(
        meta, tuple(draw(st.lists(BLOCK, max_size=3))), sections, tuple(draw(st.lists(BLOCK, max_size=2)))
    )


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
