"""Hypothesis strategies for the document model, for every property test.

Two vocabularies draw the text: `CANONICAL`, what canonical Markdown holds as it
is (trimmed lines of merged text, the round trip's domain), and `MARKUP`, prose
full of characters that HTML and Markdown treat specially (the HTML readers'
domain: `&<>"'\\`*_[]$|`, non-breaking spaces and tabs). One set of builders
turns either into blocks, tables, figures and whole handbooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from pipeline.model import (
    Block,
    Code,
    CodeBlock,
    DisplayMath,
    Handbook,
    Heading,
    Image,
    Inline,
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

Line = tuple[Inline, ...]

SLUG = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
FIGURE_NAME = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@dataclass(frozen=True)
class Vocabulary:
    """What a generated handbook's text is drawn from."""

    words: st.SearchStrategy[str]
    tex: st.SearchStrategy[str]  # inline formulas
    display_tex: st.SearchStrategy[str]
    code_spans: st.SearchStrategy[str]
    code: st.SearchStrategy[str]  # a code block's source
    languages: st.SearchStrategy[str]
    urls: st.SearchStrategy[str]
    captions: st.SearchStrategy[str]
    figure_names: st.SearchStrategy[str]
    list_starts: st.SearchStrategy[int]


_CANONICAL_TEX = st.sampled_from(
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
_CANONICAL_WORDS = (
    st.text(
        st.characters(
            codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029\x85"
        ),
        min_size=1,
        max_size=25,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
CANONICAL = Vocabulary(
    words=_CANONICAL_WORDS,
    tex=_CANONICAL_TEX,
    display_tex=_CANONICAL_TEX,
    code_spans=st.from_regex(r"[a-z_()=+ ]{1,12}", fullmatch=True).map(str.strip).filter(bool),
    code=st.lists(st.from_regex(r"[ a-z0-9_=():`~#*]{0,30}", fullmatch=True), min_size=1, max_size=5).map(
        lambda lines: "\n".join(line.rstrip() for line in lines).strip("\n") or "pass"
    ),
    languages=st.sampled_from(["python", "text", "bibtex"]),
    urls=st.sampled_from(["https://example.org/a", "https://example.org/b?q=1"]),
    captions=st.one_of(st.just(""), _CANONICAL_WORDS),
    figure_names=SLUG,
    list_starts=st.integers(1, 9),
)

_MARKUP_TEX = st.sampled_from(
    [
        "x",
        "a < b",
        "a & b",
        r"\frac{a}{b}",
        r"\hat{y} = \mathbf{w}^T\mathbf{x}",
        r"\sum_{i=1}^{n} x_i^2",
        r"\text{train}",
        r"\left( \frac{1}{2} \right)",
        "E = mc^2",
        r"p(x \mid y)",
        r"\alpha\beta",
        r"\{ x \}",
        "x_{t-1}",
        r"\sqrt{2}",
        "ü + 1",
    ]
)
_MARKUP_WORDS = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="&<>\"'\\`*_[]$|\u00a0\t"),
    min_size=1,
    max_size=12,
)
MARKUP = Vocabulary(
    words=_MARKUP_WORDS,
    tex=_MARKUP_TEX,
    display_tex=st.one_of(
        _MARKUP_TEX,
        st.sampled_from(
            [
                "a = b\n+ c",
                r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
                r"\frac{\partial L}{\partial w}",
            ]
        ),
    ),
    code_spans=st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=10),
    code=st.text(
        st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="\n\t<>&"), max_size=60
    ),
    languages=st.sampled_from(["python", "text", "bibtex", "c++", "js", "bash", "unknownlang"]),
    urls=st.sampled_from(
        [
            "https://example.com/a?b=1&c=2",
            "http://example.org/x_(y)",
            "mailto:a@example.com",
            "#anchor",
            "page.html",
        ]
    ),
    # a caption is trimmed text, as every reader gives it
    captions=st.one_of(st.just(""), _MARKUP_WORDS.map(str.strip).filter(bool)),
    figure_names=FIGURE_NAME,
    list_starts=st.integers(0, 20),
)


# --- lines of inlines -------------------------------------------------------------


def merged(inlines: Sequence[Inline]) -> Line:
    """Inlines as canonical Markdown reads them back: adjacent texts merged, the line trimmed,
    two touching code spans apart (Markdown would read them as one)."""
    result: list[Inline] = []
    for inline in inlines:
        if result and isinstance(inline, Code) and isinstance(result[-1], Code):
            result.append(Text(" "))
        if result and isinstance(inline, Text) and isinstance(result[-1], Text):
            result[-1] = Text(result[-1].text + inline.text)
        else:
            result.append(inline)
    if result and isinstance(result[0], Text):
        result[0] = Text(result[0].text.lstrip())
    if result and isinstance(result[-1], Text):
        result[-1] = Text(result[-1].text.rstrip())
    return tuple(i for i in result if not (isinstance(i, Text) and not i.text))


def canonical_lines(v: Vocabulary = CANONICAL) -> st.SearchStrategy[Line]:
    """Non-empty lines as canonical Markdown holds them (see `merged`); links hold one text."""
    inline = st.one_of(
        v.words.map(lambda w: Text(f" {w} ")),
        v.words.map(Text),
        v.tex.map(Math),
        v.code_spans.map(Code),
        st.tuples(v.words, v.urls).map(lambda p: Link((Text(p[0]),), p[1])),
    )
    return st.lists(inline, min_size=1, max_size=6).map(merged).filter(bool)


def lines(v: Vocabulary = MARKUP, depth: int = 1) -> st.SearchStrategy[Line]:
    """Lines of any inlines, as drawn (links nested `depth` deep)."""
    leaf = st.one_of(v.words.map(Text), v.tex.map(Math), v.code_spans.map(Code))
    if depth:
        leaf = st.one_of(leaf, st.builds(Link, lines(v, depth - 1), v.urls))
    return st.lists(leaf, min_size=1, max_size=6).map(tuple)


# --- blocks -----------------------------------------------------------------------


def tables(cell: st.SearchStrategy[Line], max_width: int = 4) -> st.SearchStrategy[Table]:
    """Tables of 1 to `max_width` columns and up to three body rows, every row as wide as the header."""
    return st.integers(1, max_width).flatmap(
        lambda width: st.builds(
            Table,
            st.lists(cell, min_size=width, max_size=width).map(tuple),
            st.lists(st.lists(cell, min_size=width, max_size=width).map(tuple), max_size=3).map(tuple),
        )
    )


def figures(v: Vocabulary) -> st.SearchStrategy[Image]:
    return st.builds(Image, v.words, v.figure_names.map(lambda name: f"figures/{name}.svg"), v.captions)


def lists(
    line: st.SearchStrategy[Line],
    starts: st.SearchStrategy[int],
    inner: st.SearchStrategy[Block] | None = None,
) -> st.SearchStrategy[ListBlock]:
    """Lists of 1 to 4 items, each its line and, with `inner`, up to two blocks more
    (a list nested in it, code, a second paragraph: pandoc's list item)."""
    rest = st.lists(inner, max_size=2).map(tuple) if inner is not None else st.just(())
    item = st.builds(lambda first, more: (Paragraph(first), *more), line, rest)
    return st.builds(ListBlock, st.lists(item, min_size=1, max_size=4).map(tuple), st.booleans(), starts)


def canonical_blocks(v: Vocabulary = CANONICAL, depth: int = 2) -> st.SearchStrategy[Block]:
    """One block as canonical Markdown holds it: an unordered list starts at 1, a quote holds a
    paragraph, a list item holds blocks (lists nested `depth` deep)."""
    line = canonical_lines(v)
    inner = canonical_blocks(v, depth - 1) if depth else None
    return st.one_of(
        line.map(Paragraph),
        v.display_tex.map(DisplayMath),
        st.builds(Heading, st.integers(3, 6), line),
        st.builds(CodeBlock, v.code, v.languages),
        lists(line, v.list_starts, inner).map(lambda b: b if b.ordered else ListBlock(b.items)),
        tables(st.lists(st.one_of(v.words.map(Text), v.tex.map(Math)), max_size=3).map(merged)),
        line.map(lambda inlines: Quote((Paragraph(inlines),))),
        figures(v),
    )


def blocks(v: Vocabulary = MARKUP, depth: int = 1) -> st.SearchStrategy[tuple[Block, ...]]:
    """Runs of any blocks, as drawn (quotes and lists nested `depth` deep)."""
    leaf = st.one_of(
        lines(v).map(Paragraph),
        st.builds(Heading, st.integers(3, 6), lines(v)),
        v.display_tex.map(DisplayMath),
        st.builds(CodeBlock, v.code, v.languages),
        tables(lines(v), max_width=3),
        figures(v),
    )
    block = st.one_of(leaf, lists(lines(v), v.list_starts))
    if depth:
        inner = blocks(v, depth - 1)
        block = st.one_of(block, inner.map(Quote), lists(lines(v), v.list_starts, inner.map(lambda b: b[0])))
    return st.lists(block, min_size=1, max_size=5).map(tuple)


# --- handbooks --------------------------------------------------------------------


@st.composite
def handbooks(draw: st.DrawFn, v: Vocabulary = CANONICAL) -> Handbook:
    """Whole handbooks of canonical blocks: 1 to 3 sections of 1 to 4 questions, unique slugs and ids."""
    block, line = canonical_blocks(v), canonical_lines(v)
    slugs = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    ids = iter(draw(st.lists(SLUG, min_size=12, max_size=12, unique=True)))
    sections = tuple(
        Section(
            slug,
            draw(v.words),
            tuple(
                Question(next(ids), draw(line), tuple(draw(st.lists(block, max_size=5))))
                for _ in range(draw(st.integers(1, 4)))
            ),
        )
        for slug in slugs
    )
    meta = Meta(draw(v.words), draw(v.words), draw(v.words), "https://example.org/post")
    return Handbook(
        meta, tuple(draw(st.lists(block, max_size=3))), sections, tuple(draw(st.lists(block, max_size=2)))
    )
