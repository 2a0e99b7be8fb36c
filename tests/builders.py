"""Builders for model values, in the spirit of pandoc's Text.Pandoc.Builder.

Tests say what a handbook holds, not how the dataclasses nest:

    handbook(
        section("basics", "Basics",
            question("q-sum", ["What is ", math(r"\\sum_i x_i"), "?"],
                para("It is ", math("s"), "."),
                display(r"s = \\sum_i x_i"))),
        title="Sample")

Wherever inlines are expected, a `str` is prose (`Text`), an inline is itself,
and a list or tuple is several of them; text that follows text is merged, as
every reader merges it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Union

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
    list_item,
    merge_text,
)

BLOCKS = (Paragraph, Heading, DisplayMath, CodeBlock, ListBlock, Table, Quote, Image)

Inlines = Union[str, Inline, Iterable["Inlines"]]  # noqa: UP007 (a runtime alias)


def inlines(*parts: Inlines) -> tuple[Inline, ...]:
    """Strings become Text, nested sequences are flattened, adjacent Text merged."""
    flat: list[Inline] = []

    def add(part: Inlines) -> None:
        if isinstance(part, str):
            flat.append(Text(part))
        elif isinstance(part, (Text, Math, Code, Link)):
            flat.append(part)
        else:
            for item in part:
                add(item)

    for part in parts:
        add(part)
    return tuple(merge_text(flat))


# --- inlines ----------------------------------------------------------------------


def text(value: str) -> Text:
    return Text(value)


def math(tex: str) -> Math:
    return Math(tex)


def code(value: str) -> Code:
    return Code(value)


def link(label: Inlines, url: str) -> Link:
    return Link(inlines(label), url)


# --- blocks -----------------------------------------------------------------------


def para(*parts: Inlines) -> Paragraph:
    return Paragraph(inlines(*parts))


def heading(level: int, *parts: Inlines) -> Heading:
    return Heading(level, inlines(*parts))


def display(tex: str) -> DisplayMath:
    return DisplayMath(tex)


def code_block(source: str, language: str = "") -> CodeBlock:
    return CodeBlock(source, language)


def item(line: Inlines, *blocks: Block) -> tuple[Block, ...]:
    """A list item: its line, then what it holds (a list nested in it, say)."""
    return list_item(inlines(line)) + blocks


def _item(part: Inlines | tuple[Block, ...]) -> tuple[Block, ...]:
    if isinstance(part, tuple) and part and all(isinstance(b, BLOCKS) for b in part):
        return part  # made by `item`
    return list_item(inlines(part))


def bullets(*items: Inlines | tuple[Block, ...]) -> ListBlock:
    """A bulleted list; each item is a line, or what `item` makes."""
    return ListBlock(tuple(map(_item, items)))


def ordered(*items: Inlines | tuple[Block, ...], start: int = 1) -> ListBlock:
    return ListBlock(tuple(map(_item, items)), ordered=True, start=start)


def table(header: Iterable[Inlines], *rows: Iterable[Inlines]) -> Table:
    """A header row, then body rows; each cell is inlines."""
    return Table(
        tuple(inlines(cell) for cell in header), tuple(tuple(inlines(cell) for cell in row) for row in rows)
    )


def quote(*blocks: Block) -> Quote:
    return Quote(tuple(blocks))


def figure(name: str, alt: str, caption: str = "") -> Image:
    return Image(alt, f"figures/{name}.svg", caption)


# --- structure --------------------------------------------------------------------


def question(question_id: str, title: Inlines, *answer: Block) -> Question:
    return Question(question_id, inlines(title), tuple(answer))


def section(slug: str, title: str, *questions: Question) -> Section:
    return Section(slug, title, tuple(questions))


def handbook(
    *sections: Section,
    title: str = "Test Handbook",
    subtitle: str = "",
    author: str = "",
    source_url: str = "",
    intro: Iterable[Block] = (),
    references: Iterable[Block] = (),
) -> Handbook:
    return Handbook(
        Meta(title, subtitle, author, source_url), tuple(intro), tuple(sections), tuple(references)
    )


def one_answer(*blocks: Block) -> Handbook:
    """A handbook of one section holding one question with this answer (for repair tests)."""
    return handbook(section("s", "S", question("q", "Q", *blocks)), title="t")
