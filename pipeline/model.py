"""The document model: what every reader produces and every writer consumes.

A handbook is metadata, an introduction, sections of questions, and closing
matter. Answers are blocks (paragraphs, sub-headings, math, code, lists, tables,
quotes); blocks hold inlines. Both are closed sets of small
frozen dataclasses, so a writer can dispatch on the type and nothing is mutated
on the way from the snapshot to the site and the decks.

Every dispatch over them is a `match` ending in `typing.assert_never`, so the
type checker names each one that a new variant would leave out. Passes that
rebuild a handbook go through one traversal, `map_sections`, `map_questions`
and `map_blocks` (pandoc's `walk`), instead of a loop of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar, assert_never, cast

# --- inlines ---------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plain prose."""

    text: str


@dataclass(frozen=True)
class Math:
    """An inline formula, as TeX without delimiters."""

    tex: str


@dataclass(frozen=True)
class Code:
    """Inline code."""

    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink around some inlines; `url` is already known to be safe."""

    children: tuple[Inline, ...]
    url: str


Inline = Text | Math | Code | Link

# --- blocks ----------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inlines."""

    inlines: tuple[Inline, ...]


SUBHEADING_LEVELS = range(3, 7)


def subheading_level(level: int) -> int:
    """A heading level from any source, clamped into SUBHEADING_LEVELS."""
    return min(max(level, SUBHEADING_LEVELS.start), SUBHEADING_LEVELS.stop - 1)


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside an answer or the introduction.

    `level` is 3 to 6: levels 1 and 2 are the section and the question, so a
    sub-heading is written `###` (or deeper) in the canonical Markdown.
    """

    level: int
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class DisplayMath:
    """A formula standing on its own, as TeX without delimiters."""

    tex: str


@dataclass(frozen=True)
class CodeBlock:
    """Fenced code with a language name Pygments knows (or "text")."""

    code: str
    language: str


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is blocks, as in pandoc: its line (a
    paragraph), then whatever the item holds besides, such as a list nested in it."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1


def list_item(inlines: tuple[Inline, ...]) -> tuple[Block, ...]:
    """An item that is one line (none if the line is empty)."""
    return (Paragraph(inlines),) if inlines else ()


def item_line(item: tuple[Block, ...]) -> tuple[tuple[Inline, ...], tuple[Block, ...]]:
    """A list item's line (its first paragraph; none if it begins otherwise) and what follows it."""
    if item and isinstance(item[0], Paragraph):
        return item[0].inlines, item[1:]
    return (), item


@dataclass(frozen=True)
class Table:
    """A table with a header row; every row has as many cells as the header."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


@dataclass(frozen=True)
class Quote:
    """A block quotation."""

    blocks: tuple[Block, ...]


# A figure's source: an SVG in the handbook folder's `figures/`, drawn by a
# script of the same name (pipeline/figures.py); nothing else may be shown.
FIGURE_SRC = re.compile(r"^figures/([a-z0-9][a-z0-9-]*)\.svg$")


@dataclass(frozen=True)
class Image:
    """A figure: `src` matches FIGURE_SRC; `alt` describes it, `caption` is shown under it."""

    alt: str
    src: str
    caption: str = ""

    @property
    def name(self) -> str:
        """The figure's name: its script and its SVG are named for it."""
        match = FIGURE_SRC.match(self.src)
        return match.group(1) if match else self.src


Block = Paragraph | Heading | DisplayMath | CodeBlock | ListBlock | Table | Quote | Image

# --- structure -------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One interview question: a stable id, the question, the answer."""

    id: str
    title: tuple[Inline, ...]
    answer: tuple[Block, ...]


@dataclass(frozen=True)
class Section:
    """A chapter of the handbook, in table-of-contents order."""

    slug: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Meta:
    """Who wrote the handbook and where it was published."""

    title: str
    subtitle: str = ""
    author: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Handbook:
    """The whole document."""

    meta: Meta
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    references: tuple[Block, ...] = field(default=())

    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def section(self, slug: str) -> Section:
        for section in self.sections:
            if section.slug == slug:
                return section
        raise KeyError(slug)


_Item = TypeVar("_Item")  # an inline, or a reader's own stand-in for one

# --- walking ---------------------------------------------------------------


def map_sections(handbook: Handbook, change: Callable[[Section], Section]) -> Handbook:
    """The handbook with every section changed by `change`."""
    return replace(handbook, sections=tuple(change(section) for section in handbook.sections))


def map_questions(handbook: Handbook, change: Callable[[Section, Question], Question]) -> Handbook:
    """The handbook with every question changed by `change(its section, it)`, in reading order."""

    def section(old: Section) -> Section:
        return replace(old, questions=tuple(change(old, question) for question in old.questions))

    return map_sections(handbook, section)


def map_blocks(blocks: tuple[Block, ...], change: Callable[[Block], Block]) -> tuple[Block, ...]:
    """Every block changed by `change`, a quote's own blocks first (bottom-up, as pandoc's walk)."""
    return tuple(change(_map_inner(block, change)) for block in blocks)


def _map_inner(block: Block, change: Callable[[Block], Block]) -> Block:
    """The blocks a block holds, changed (a quote's, and a list's items')."""
    match block:
        case Quote():
            return replace(block, blocks=map_blocks(block.blocks, change))
        case ListBlock():
            return replace(block, items=tuple(map_blocks(item, change) for item in block.items))
        case Paragraph() | Heading() | DisplayMath() | CodeBlock() | Table() | Image():
            return block
        case _:
            assert_never(block)


def all_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block, in reading order, the blocks a quote or a list holds after it (pandoc's `query`)."""
    for block in blocks:
        yield block
        match block:
            case Quote():
                yield from all_blocks(block.blocks)
            case ListBlock():
                for item in block.items:
                    yield from all_blocks(item)
            case Paragraph() | Heading() | DisplayMath() | CodeBlock() | Table() | Image():
                pass
            case _:
                assert_never(block)


def block_inlines(block: Block) -> Iterator[Inline]:
    """Every inline a block holds, a quote's and a list's blocks' too (not descending into links)."""
    match block:
        case Paragraph() | Heading():
            yield from block.inlines
        case ListBlock():
            for item in block.items:
                for inner in item:
                    yield from block_inlines(inner)
        case Table():
            for cell in block.header:
                yield from cell
            for row in block.rows:
                for cell in row:
                    yield from cell
        case Quote():
            for inner in block.blocks:
                yield from block_inlines(inner)
        case DisplayMath() | CodeBlock() | Image():
            pass
        case _:
            assert_never(block)


def flat_inlines(inlines: tuple[Inline, ...]) -> Iterator[Inline]:
    """Inlines with links opened up, so math inside a link is seen too."""
    for inline in inlines:
        if isinstance(inline, Link):
            yield from flat_inlines(inline.children)
        else:
            yield inline


def formulas(blocks: tuple[Block, ...]) -> Iterator[tuple[str, bool]]:
    """Every formula in some blocks, as (tex, is_display)."""
    for block in blocks:
        match block:
            case DisplayMath():
                yield block.tex, True
            case Quote():
                yield from formulas(block.blocks)
            case ListBlock():
                for item in block.items:
                    yield from formulas(item)
            case Paragraph() | Heading() | CodeBlock() | Table() | Image():
                for inline in flat_inlines(tuple(block_inlines(block))):
                    if isinstance(inline, Math):
                        yield inline.tex, False
            case _:
                assert_never(block)


def images(blocks: tuple[Block, ...]) -> Iterator[Image]:
    """Every figure in some blocks, in reading order."""
    return (block for block in all_blocks(blocks) if isinstance(block, Image))


def handbook_images(handbook: Handbook) -> list[Image]:
    """Every figure in the handbook: introduction, answers, references."""
    found = list(images(handbook.intro))
    for _, question in handbook.questions():
        found.extend(images(question.answer))
    return found + list(images(handbook.references))


def question_formulas(question: Question) -> list[tuple[str, bool]]:
    title = [(i.tex, False) for i in flat_inlines(question.title) if isinstance(i, Math)]
    return title + list(formulas(question.answer))


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """Inlines as text, math kept as $tex$ (for ids, search, messages)."""
    return "".join(_plain_text(inline) for inline in inlines)


def _plain_text(inline: Inline) -> str:
    match inline:
        case Text() | Code():
            return inline.text
        case Math():
            return f"${inline.tex}$"
        case Link():
            return plain_text(inline.children)
        case _:
            assert_never(inline)


def merge_text(items: Iterable[_Item]) -> list[_Item]:
    """Adjacent Text items joined into one (other items kept as they are)."""
    merged: list[_Item] = []
    for item in items:
        if isinstance(item, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = cast(_Item, Text(merged[-1].text + item.text))  # a Text is one of the items
        else:
            merged.append(item)
    return merged
