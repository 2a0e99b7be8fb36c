"""Model → a handbook's Markdown in the shape the corpus's make_dump.py reads.

tests/fixtures/corpus/make_dump.py damages a handbook written as the corpus's truths
are: `#` title, subtitle and introduction, `##` sections, `###` questions, `$…$` and
one-line `$$…$$` math, fenced code, `|` tables, `-` and `1.` lists nested four spaces
deeper, `####` sub-headings, `>` quotes. This writes any model handbook so, to run the
maintainers' own damage over generated handbooks.
"""

from __future__ import annotations

from typing import assert_never

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
)
from tests.generators.text_dump import list_lines


def _inlines(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for inline in inlines:
        match inline:
            case Text():
                parts.append(inline.text)
            case Math():
                parts.append(f"${inline.tex}$")
            case Code():
                parts.append(f"`{inline.text}`")
            case Link():
                parts.append(f"[{_inlines(inline.children)}]({inline.url})")
            case _:
                assert_never(inline)
    return "".join(parts)


def _block(block: Block) -> str:
    match block:
        case Paragraph():
            return _inlines(block.inlines)
        case Heading():
            return f"#### {_inlines(block.inlines)}"
        case DisplayMath():
            return f"$${block.tex}$$"
        case CodeBlock():
            return f"```{block.language}\n{block.code}\n```"
        case ListBlock():
            return list_lines(block, _inlines, lambda _: "", "-", "", "    ")  # only lists nest
        case Table():
            rows = [block.header, *block.rows]
            lines = ["| " + " | ".join(_inlines(cell) for cell in row) + " |" for row in rows]
            return "\n".join([lines[0], "| " + " | ".join("---" for _ in block.header) + " |", *lines[1:]])
        case Quote():
            return "\n\n".join(f"> {_block(b)}" for b in block.blocks)
        case Image():
            return ""
        case _:
            assert_never(block)


def write_corpus_markdown(handbook: Handbook) -> str:
    meta = handbook.meta
    parts = [f"# {meta.title}", meta.subtitle, *map(_block, handbook.intro)]
    for section in handbook.sections:
        parts.append(f"## {section.title}")
        for question in section.questions:
            parts.append(f"### {_inlines(question.title)}")
            parts += map(_block, question.answer)
    return "\n\n".join(part for part in parts if part) + "\n"
