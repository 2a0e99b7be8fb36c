"""Model → a plain-text scrape damaged the way the seed was (for tests and benchmarks).

It prints a handbook as a scrape of its KaTeX page would: each formula as its
MathML text (less the characters the scrape lost) glued to its TeX, lists as
`  •` / `  1.` lines, code without fences, tables with their cells glued, an
expand hint after every question, optionally one section heading lost (an
empty slot in the table of contents), and the newsletter footer. Reading the
output back and repairing it must give the handbook again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

from pipeline import katex
from pipeline.formats import EXPAND_HINT, TOC_HEADING
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
    Paragraph,
    Quote,
    Table,
    Text,
    item_line,
    question_formulas,
)
from pipeline.repair.math import scraped

FOOTER = "Subscribe to get new posts by email.\n\nThis site is protected by reCAPTCHA."


class _Renderings:
    def __init__(self, handbook: Handbook) -> None:
        items = [(tex, False) for _, q in handbook.questions() for tex, _ in question_formulas(q)]
        texts = katex.mathml_texts(items)
        self._text = {tex: scraped(r.text or "") for (tex, _), r in zip(items, texts, strict=True)}

    def __call__(self, tex: str) -> str:
        return self._text[tex] + tex


def _inlines(inlines: tuple[Inline, ...], render: _Renderings) -> str:
    return "".join(_inline(inline, render) for inline in inlines)


def _inline(inline: Inline, render: _Renderings) -> str:
    match inline:
        case Math():
            return render(inline.tex)
        case Link():
            return _inlines(inline.children, render)
        case Text() | Code():
            return inline.text
        case _:
            assert_never(inline)


def list_lines(
    block: ListBlock,
    line: Callable[[tuple[Inline, ...]], str],
    other: Callable[[Block], str],
    bullet: str,
    indent: str,
    step: str,
) -> str:
    """A list as lines of text, each item's line after its marker; a list nested in an
    item `step` deeper under its line, any other block it holds after it as `other` writes it."""
    lines = []
    for number, item in enumerate(block.items, start=block.start):
        marker = f"{number}." if block.ordered else bullet
        first, rest = item_line(item)
        lines.append(f"{indent}{marker} {line(first)}")
        for inner in rest:
            if isinstance(inner, ListBlock):
                lines.append(list_lines(inner, line, other, bullet, indent + step, step))
            else:
                lines.append(other(inner))
    return "\n".join(line for line in lines if line)


def _list(block: ListBlock, render: _Renderings) -> str:
    """`  •` / `  1.` lines, a nested list two spaces deeper; a dump keeps no other block
    in an item: it follows as text."""
    return list_lines(block, lambda i: _inlines(i, render), lambda b: _block(b, render), "•", "  ", "  ")


def _block(block: Block, render: _Renderings) -> str:
    match block:
        case Paragraph() | Heading():  # a sub-heading is a line of its own
            return _inlines(block.inlines, render)
        case DisplayMath():
            return render(block.tex)
        case CodeBlock():
            return block.code
        case ListBlock():
            return _list(block, render)
        case Table():
            rows = (block.header, *block.rows)
            return "\n".join("".join(_inlines(cell, render) for cell in row) for row in rows)
        case Image():  # the picture is lost in a dump; its caption stays
            return block.caption
        case Quote():
            return "\n\n".join(_block(b, render) for b in block.blocks)
        case _:
            assert_never(block)


def write_text_dump(handbook: Handbook, lose_heading: int | None = None) -> str:
    """The handbook as a damaged scrape; `lose_heading` drops that section's heading."""
    render = _Renderings(handbook)
    meta = handbook.meta
    out = [meta.title, meta.subtitle, *(_block(b, render) for b in handbook.intro), TOC_HEADING]
    toc = "\n\n".join("" if n == lose_heading else s.title for n, s in enumerate(handbook.sections))
    out.append(toc.replace("\n\n\n\n", "\n\n\n"))
    for number, section in enumerate(handbook.sections):
        if number != lose_heading:
            out.append(section.title)
        for question in section.questions:
            prefix = "\n" if number == lose_heading and question is section.questions[0] else ""
            out.append(prefix + _inlines(question.title, render))
            out.append(EXPAND_HINT)
            out.extend(_block(b, render) for b in question.answer)
    out.append("References and Resources")
    out.extend(_block(b, render) for b in handbook.references)
    out.append(FOOTER)
    return "\n\n".join(out) + "\n"
