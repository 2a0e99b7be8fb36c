"""No prose lost: every word of the snapshot is in the canonical Markdown.

Words are compared as a multiset, after taking out of the snapshot what is
removed on purpose: the formulas (each a rendering glued to its TeX, now `$..$`),
the expand hints, the table of contents, the figure captions, the newsletter
footer, and the text that errata entries replace.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from pipeline import katex
from pipeline.errata import NOTE_PREFIX, read_errata
from pipeline.formats import EXPAND_HINT, FOOTER_MARKERS, REFERENCES_HEADING, TOC_HEADING
from pipeline.model import (
    Block,
    Code,
    CodeBlock,
    Handbook,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    Text,
    question_formulas,
)
from pipeline.readers.text_dump import chunks, read_text_dump
from pipeline.repair.math import scraped
from pipeline.repair.noise import is_caption
from tests.layout import BOOK, BOOK_DIR

SNAPSHOT = BOOK_DIR / "raw" / "dl-concepts.txt"
# Words split at case changes too (a capital begins a word); a table's cells are glued
# in a row as the dump glues them, so `Algorithmprobabilisticcertain` counts alike.
WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def words(text: str) -> Counter[str]:
    return Counter(w for w in WORD.findall(text) if len(w) > 1)


def snapshot_prose(canonical: Handbook) -> str:
    text = SNAPSHOT.read_text(encoding="utf-8")
    parts = [c.text for c in chunks(text)]
    toc_start = parts.index(TOC_HEADING)
    toc_end = parts.index(canonical.sections[0].title, toc_start + 2)
    captions = {
        block.inlines[0].text  # type: ignore[union-attr]
        for _, q in read_text_dump(text).questions()
        for block in q.answer
        if is_caption(block)
    }
    kept = [
        p
        for n, p in enumerate(parts)
        if not (toc_start <= n < toc_end)
        and p.strip() != EXPAND_HINT
        and p.strip() not in captions
        and not any(m in p.lower() for m in FOOTER_MARKERS)
    ]
    prose = "\n\n".join(kept)
    items = [(t, False) for _, q in canonical.questions() for t, _ in question_formulas(q)]
    for correction in read_errata(BOOK.errata_file):  # formulas they replace
        items += [(t, False) for t in re.findall(r"\$([^$\n]+)\$", correction.find)]
        items += [(t, False) for t in re.findall(r"(?m)^\$\$\n(.+?)\n\$\$$", correction.find)]
    for (tex, _), rendered in sorted(
        zip(items, katex.mathml_texts(items), strict=True), key=lambda p: -len(p[0][0])
    ):
        twin = re.escape(scraped(rendered.text or "") + tex)
        prose = re.sub(rf"(?<![A-Za-z0-9]){twin}", " ", prose)
        prose = re.sub(rf"(?m)^\$?{re.escape(tex)}\\?\$?$", " ", prose)  # leaked raw
    return prose


def canonical_prose(handbook: Handbook) -> str:
    def inline_text(inlines) -> str:
        return " ".join(
            i.text if isinstance(i, (Text, Code)) else inline_text(i.children) if isinstance(i, Link) else " "
            for i in inlines
        )

    def block_text(block: Block) -> str:
        if isinstance(block, Paragraph):
            return inline_text(block.inlines)
        if isinstance(block, CodeBlock):
            return block.code
        if isinstance(block, ListBlock):
            return " ".join(block_text(b) for item in block.items for b in item)
        if isinstance(block, Table):  # cells glued, as the dump glues them
            return " ".join("".join(inline_text(c) for c in row) for row in (block.header, *block.rows))
        if isinstance(block, Quote):
            return " ".join(block_text(b) for b in block.blocks)
        return ""

    meta = handbook.meta
    parts = [
        meta.title,
        meta.subtitle,
        REFERENCES_HEADING,
        *map(block_text, handbook.intro + handbook.references),
    ]
    for section in handbook.sections:
        parts.append(section.title)
        for question in section.questions:
            parts.append(inline_text(question.title))
            parts.extend(map(block_text, question.answer))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def snapshot_words(canonical: Handbook) -> Counter[str]:
    return words(snapshot_prose(canonical))


def test_no_prose_word_is_lost(canonical: Handbook, snapshot_words: Counter[str]) -> None:
    replaced = Counter()
    for correction in read_errata(BOOK.errata_file):
        replaced += words(correction.find)
    missing = snapshot_words - words(canonical_prose(canonical)) - replaced
    assert not missing, missing


def test_no_prose_word_is_invented(canonical: Handbook, snapshot_words: Counter[str]) -> None:
    added = Counter()
    for correction in read_errata(BOOK.errata_file):
        note = f"{NOTE_PREFIX}{correction.note}" if correction.note else ""
        added += words(correction.replace) + words(note)
    # The lost heading is restored from its questions' words; it appears once more.
    restored = words("Autoencoders")
    extra = words(canonical_prose(canonical)) - snapshot_words - added - restored
    assert not extra, extra
