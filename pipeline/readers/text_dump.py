"""Plain-text scrape of a rendered handbook page → model (still damaged).

The scrape is a list of "chunks": runs of non-blank lines, separated by blank
lines. This reader recovers the *structure* from them: title and intro, the
table of contents (with an empty slot where a heading was lost), sections,
questions (each followed by the page's expand hint), lists, code runs and
flattened tables. Content damage (doubled math, glued table cells, captions,
the lost heading's text) is left to the passes in `pipeline.repair`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.code_lines import is_code_line, language, looks_like_code
from pipeline.errors import HandbookError
from pipeline.formats import EXPAND_HINT, REFERENCES_HEADINGS, TOC_HEADING, bibtex_author, footer_start
from pipeline.model import (
    Block,
    CodeBlock,
    Handbook,
    ListBlock,
    Meta,
    Paragraph,
    Question,
    Section,
    Table,
    Text,
    list_item,
)

# What a line's text is trimmed of: a space KaTeX wrote (`\\forall\\, x` scrapes as a thin
# space and `x`) may begin a formula.
SPACES = " \t\n"
LIST_LINE = re.compile(r"^(\s{1,16})(•|\d{1,3}\.)\s+(.*)$")


@dataclass(frozen=True)
class Chunk:
    """A run of non-blank lines, and how many blank lines came before it."""

    lines: tuple[str, ...]
    gap: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def chunks(text: str) -> list[Chunk]:
    found, lines, blanks = [], [], 0
    for line in text.splitlines():
        if line.strip():
            lines.append(line.rstrip())
            continue
        if lines:
            found.append(Chunk(tuple(lines), blanks))
            lines, blanks = [], 0
        blanks += 1
    if lines:
        found.append(Chunk(tuple(lines), blanks))
    return _split_hints(found)


def _split_hints(found: list[Chunk]) -> list[Chunk]:
    """Give the expand hint a chunk of its own (the scrape glues it to what follows)."""
    result = []
    for chunk in found:
        if chunk.lines[0].strip() == EXPAND_HINT and len(chunk.lines) > 1:
            result.append(Chunk(chunk.lines[:1], chunk.gap))
            result.append(Chunk(chunk.lines[1:], 0))
        else:
            result.append(chunk)
    return result


def is_hint(chunk: Chunk) -> bool:
    return chunk.text.strip() == EXPAND_HINT


# --- blocks ----------------------------------------------------------------


def _strongly_code(chunk: Chunk) -> bool:
    return looks_like_code(chunk.lines)


def _list_block(chunk: Chunk) -> ListBlock | None:
    """A chunk of `  •` or `  1.` lines. A line indented deeper than the first, or of the
    other kind (the dump kept no indentation: `1.` lines among `•` ones), belongs to a
    list nested in the item above it."""
    found = [LIST_LINE.match(line) for line in chunk.lines]
    entries = [(len(m.group(1)), m.group(2), m.group(3).strip(SPACES)) for m in found if m]
    return _nested_list(entries) if len(entries) == len(found) else None


ListLine = tuple[int, str, str]  # indentation, marker, text


def _nested_list(entries: list[ListLine]) -> ListBlock | None:
    indent = entries[0][0]
    if any(depth < indent for depth, _, _ in entries):
        return None
    bulleted = entries[0][1] == "•"
    items: list[tuple[ListLine, list[ListLine]]] = []
    for entry in entries:
        if entry[0] == indent and (entry[1] == "•") == bulleted:
            items.append((entry, []))
        else:
            items[-1][1].append(entry)
    blocks: list[tuple[Block, ...]] = []
    for (_, _, text), nested in items:
        inner = _nested_list(nested) if nested else None
        if nested and inner is None:
            return None
        blocks.append(list_item((Text(text),)) + ((inner,) if inner else ()))
    if bulleted:
        return ListBlock(tuple(blocks))
    return ListBlock(tuple(blocks), True, int(items[0][0][1].rstrip(".")))


def _code_runs(found: list[Chunk]) -> list[tuple[int, int]]:
    """(start, end) chunk ranges that form one code block each (a list is never code)."""

    def code(chunk: Chunk) -> bool:
        return _list_block(chunk) is None and (all(map(is_code_line, chunk.lines)) or _strongly_code(chunk))

    runs, index = [], 0
    while index < len(found):
        end = index
        while end < len(found) and code(found[end]):
            end += 1
        if end > index and any(_strongly_code(c) for c in found[index:end]):
            runs.append((index, end))
            index = end
        else:
            index += 1
    return runs


def blocks(found: list[Chunk]) -> tuple[Block, ...]:
    """An answer's chunks as blocks: code runs, lists, flattened tables, paragraphs."""
    code_at = {start: end for start, end in _code_runs(found)}
    result: list[Block] = []
    index = 0
    while index < len(found):
        if index in code_at:
            end = code_at[index]
            code = "\n".join(
                "\n" * min(c.gap, 1) + c.text if n else c.text for n, c in enumerate(found[index:end])
            )
            result.append(CodeBlock(code, language(code)))
            index = end
            continue
        chunk = found[index]
        listed = _list_block(chunk)
        if listed is not None:
            result.append(listed)
        elif len(chunk.lines) > 1:
            # A flattened table: one line a row, cells glued; repair.tables splits them.
            result.append(
                Table(
                    ((Text(chunk.lines[0].strip(SPACES)),),),
                    tuple(((Text(line.strip(SPACES)),),) for line in chunk.lines[1:]),
                )
            )
        else:
            result.append(Paragraph((Text(chunk.text.strip(SPACES)),)))
        index += 1
    return tuple(result)


# --- structure -------------------------------------------------------------


def _table_of_contents(found: list[Chunk], start: int) -> tuple[list[str | None], int]:
    """Section titles (None for an empty slot) and the index of the first body chunk."""
    entries: list[str | None] = []
    index = start
    while index < len(found):
        chunk = found[index]
        if entries and chunk.text.strip() == entries[0]:
            return entries, index
        if entries and chunk.gap >= 2:
            entries.append(None)
        entries.append(chunk.text.strip())
        index += 1
    raise HandbookError("the table of contents never ends: is the scrape truncated?")


def _find(found: list[Chunk], text: str, start: int) -> int:
    for index in range(start, len(found)):
        if found[index].text.strip() == text:
            return index
    return -1


def _question_starts(found: list[Chunk], start: int, end: int) -> list[int]:
    return [i for i in range(start, end - 1) if is_hint(found[i + 1]) and not is_hint(found[i])]


def _lost_heading_start(found: list[Chunk], start: int, end: int, after: str) -> int:
    """Where a section whose heading was lost begins: the question after an empty slot."""
    candidates = [i for i in _question_starts(found, start, end)[1:] if found[i].gap >= 2]
    if len(candidates) != 1:
        raise HandbookError(
            f"a section heading is missing after {after!r} but its start cannot be told "
            f"({len(candidates)} candidates): add it to the snapshot by hand"
        )
    return candidates[0]


def _section_spans(
    found: list[Chunk], toc: list[str | None], body: int, end: int
) -> list[tuple[str, int, int]]:
    """(title or "", first chunk, end chunk) per section; a lost title is ""."""
    starts: list[tuple[str, int, int]] = []  # title, where the section begins, its first content
    cursor = body
    for position, title in enumerate(toc):
        if title is None:
            continue
        index = _find(found, title, cursor)
        if index < 0 or index >= end:
            raise HandbookError(
                f"section {title!r} from the table of contents never starts: is the scrape truncated?"
            )
        if position and toc[position - 1] is None:
            lost = _lost_heading_start(found, starts[-1][2], index, starts[-1][0])
            starts.append(("", lost, lost))
        starts.append((title, index, index + 1))
        cursor = index + 1
    bounds = [begin for _, begin, _ in starts[1:]] + [end]
    return [(title, first, stop) for (title, _, first), stop in zip(starts, bounds, strict=True)]


def _questions(found: list[Chunk], start: int, end: int, section: str) -> tuple[Question, ...]:
    starts = _question_starts(found, start, end)
    if not starts:
        raise HandbookError(f"section {section or '(untitled)'!r} has no questions")
    bounds = starts[1:] + [end]
    questions = []
    for first, stop in zip(starts, bounds, strict=True):
        answer = blocks(found[first + 2 : stop])
        if not answer:
            title = found[first].text.strip()
            raise HandbookError(f"question {title!r} has no answer: is the scrape truncated?")
        questions.append(Question("", (Text(found[first].text.strip(SPACES)),), answer))
    return tuple(questions)


def read_text_dump(text: str, source_url: str = "") -> Handbook:
    """Read a text scrape of the page into the model, structure recovered."""
    found = chunks(text)
    if not found:
        raise HandbookError("the snapshot is empty")
    toc_at = _find(found, TOC_HEADING, 0)
    if toc_at < 2:
        raise HandbookError(f"no {TOC_HEADING!r} found: this does not look like a handbook scrape")
    if not any(map(is_hint, found)):
        raise HandbookError("the snapshot has no questions (no expand hints found)")
    toc, body = _table_of_contents(found, toc_at + 1)
    references = next(
        (i for i in range(body, len(found)) if found[i].text.strip() in REFERENCES_HEADINGS),
        len(found),
    )
    sections = tuple(
        Section("", title, _questions(found, start, stop, title))
        for title, start, stop in _section_spans(found, toc, body, references)
    )
    closing = found[references + 1 :]
    closing = closing[: footer_start([c.text for c in closing])]
    meta = Meta(
        title=found[0].text.strip(),
        subtitle=found[1].text.strip() if toc_at > 1 else "",
        author=bibtex_author(c.text for c in closing),
        source_url=source_url,
    )
    return Handbook(meta, blocks(found[2:toc_at]), sections, blocks(closing))
