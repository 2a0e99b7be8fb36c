"""Drop what the page showed around its content but is not content.

Figures did not survive the scrape; their captions did, as orphan paragraphs
that no longer caption anything. They are recognized by the named patterns
below, and only when a paragraph is plain text (no formula) that matches.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.model import Block, Handbook, Paragraph, Question, Section, Text, map_questions

CAPTION_PATTERNS = {
    "figure title": re.compile(r"^Visual summary\.?$"),
    "plot axes": re.compile(r"^Plot of .*\((?:X|Y)-axis\)"),
    "left/right panels": re.compile(r"^Left: .*\bRight: "),
    "line legend": re.compile(r"^(?:[\w ]+\. )?[A-Z]\w* lines? represents? .{0,100}$"),
    "comparison title": re.compile(r"^[A-Z][\w ]{0,40} vs\.? [\w ]{0,40}$"),
    "lowercase fragment": re.compile(r"^[a-z][A-Za-z ]{0,40}$"),
}


def is_caption(block: Block) -> bool:
    if not isinstance(block, Paragraph) or len(block.inlines) != 1:
        return False
    inline = block.inlines[0]
    return isinstance(inline, Text) and any(p.search(inline.text) for p in CAPTION_PATTERNS.values())


def _question(_section: Section, question: Question) -> Question:
    return replace(question, answer=tuple(b for b in question.answer if not is_caption(b)))


def drop_captions(handbook: Handbook) -> tuple[Handbook, int]:
    """Every orphan figure caption removed from the answers."""
    before = sum(len(q.answer) for _, q in handbook.questions())
    handbook = map_questions(handbook, _question)
    return handbook, before - sum(len(q.answer) for _, q in handbook.questions())
