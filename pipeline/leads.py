"""An answer's lead, what a card shows first, and its rest, one tap away.

A card that can be graded in a few seconds shows the author's opening and keeps
the rest of the answer folded ("Full answer"), on the Anki card and in the
site's self-test alike. Nothing is cut or rewritten: the lead is a prefix of
the answer's pieces and the rest is everything after it, so `join` gives the
whole answer back (`handbook check` proves it for every deck).

A *piece* is a block, or one item of a list, so that an answer made of one
long list can open with its first item.

The rule, `automatic_lead`, takes the author's opening:

1. any sub-headings at the start (a heading alone says nothing), then
2. the first piece: a paragraph, the first item of a list, or the one block
   (formula, table, code, figure) the answer opens with;
3. a paragraph that only announces what follows (it ends in ":", or its
   sentence goes on in the next block: "… by either adding" before a list)
   runs on through the piece it announces, the whole of an announced list,
   and on again while what it took in announces in turn; never into a
   sub-heading, which opens the next part.

Why this rule: the first paragraph is where these answers define their term or
state their claim (the rest derives, lists, qualifies), and it keeps a card's
first view to a phone screen. The opening up to the first display formula or
list was tried first: too long for a card (answers of four paragraphs without
a formula stayed whole).

Where the opening is not the point ("Here is one strategy…", "There are two
conditions:" before two paragraphs), the book's reviewed `leads.toml` chooses
the split for that question (or part note), each entry with its reason:

    [[lead]]
    question = "under-what-conditions-do-the-maximal-likelihood-estimator"
    through = "Condition #2"
    reason = "The opening announces two conditions, the next two paragraphs."

`through` is the start of the last piece of the lead (its text, a formula's
TeX, a figure's alt text). An entry whose question is gone, or whose `through`
no longer starts any piece, stops the export with its number and reason, so a
stale choice is never applied silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import msgspec

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.model import (
    Block,
    CodeBlock,
    DisplayMath,
    Handbook,
    Heading,
    Image,
    ListBlock,
    Math,
    Paragraph,
    Question,
    block_inlines,
    plain_text,
)
from pipeline.parts import answer_parts

FIELDS = ("question", "through", "reason")

# A sentence ends in . ! ? or …, maybe followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


class LeadChoice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A reviewed split: the lead of `question` runs through the piece starting with `through`."""

    question: str
    through: str
    reason: str

    def label(self, number: int) -> str:
        return f"leads entry #{number} ({self.question}: {self.reason})"


class LeadsFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    lead: list[LeadChoice] = []


@dataclass(frozen=True)
class Split:
    """An answer as a card shows it: the lead, then the rest. `continued`: the cut fell inside a
    list, so the lead ends with its first items and the rest starts with the others."""

    lead: tuple[Block, ...]
    rest: tuple[Block, ...] = ()
    continued: bool = False

    @property
    def pieces(self) -> int:
        """How many pieces the lead holds (the site's self-test counts them to show it)."""
        return sum(_size(block) for block in self.lead)

    def join(self) -> tuple[Block, ...]:
        """The whole answer again (a cut list joined; a deck claiming a cut where there is none
        gives lead and rest side by side, which `check` then finds unlike the answer)."""
        head, tail = self.lead[-1:], self.rest[:1]
        if (
            self.continued
            and head
            and tail
            and isinstance(head[0], ListBlock)
            and isinstance(tail[0], ListBlock)
        ):
            joined = replace(head[0], items=head[0].items + tail[0].items)
            return (*self.lead[:-1], joined, *self.rest[1:])
        return self.lead + self.rest


# --- pieces ---------------------------------------------------------------------


def _size(block: Block) -> int:
    return len(block.items) if isinstance(block, ListBlock) else 1


def split_answer(answer: tuple[Block, ...], pieces: int) -> Split:
    """The first `pieces` pieces as the lead, the others as the rest (a list may be cut in two)."""
    lead: list[Block] = []
    for index, block in enumerate(answer):
        if pieces <= 0:
            return Split(tuple(lead), answer[index:])
        if pieces < _size(block):
            assert isinstance(block, ListBlock)
            first = replace(block, items=block.items[:pieces])
            start = block.start + pieces if block.ordered else block.start
            others = replace(block, items=block.items[pieces:], start=start)
            return Split((*lead, first), (others, *answer[index + 1 :]), continued=True)
        lead.append(block)
        pieces -= _size(block)
    return Split(tuple(lead))


def _pieces(answer: tuple[Block, ...]) -> list[Block]:
    """Each piece as a block of its own (a list item as a one-item list)."""
    pieces: list[Block] = []
    for block in answer:
        if isinstance(block, ListBlock):
            pieces.extend(replace(block, items=(item,)) for item in block.items)
        else:
            pieces.append(block)
    return pieces


def piece_text(piece: Block) -> str:
    """What a `through` is matched against: the text, a formula's TeX, the code, a figure's alt."""
    if isinstance(piece, DisplayMath):
        text = piece.tex
    elif isinstance(piece, CodeBlock):
        text = piece.code
    elif isinstance(piece, Image):
        text = piece.alt
    else:
        text = plain_text(tuple(block_inlines(piece)))
    return " ".join(text.split())


# --- the rule ---------------------------------------------------------------------


def announces(block: Block) -> bool:
    """A paragraph that only announces what follows: it ends in ":", or its sentence runs on
    (no full stop, question or exclamation mark at its end, and no formula closing it)."""
    if not isinstance(block, Paragraph) or not block.inlines:
        return False
    if isinstance(block.inlines[-1], Math):
        return False  # "… related via the equation: y = θx + ε" ends with what it announced
    text = plain_text(block.inlines).rstrip()
    return text.endswith(":") or not _SENTENCE_END.search(text)


def automatic_lead(answer: tuple[Block, ...]) -> int:
    """How many pieces the rule gives the lead (see the module's docstring)."""
    index = 0
    while index < len(answer) and isinstance(answer[index], Heading):
        index += 1
    if index == len(answer):
        return index
    if isinstance(answer[index], ListBlock):
        return index + 1  # an answer that opens with a list opens with its first item
    pieces, last = index + 1, answer[index]
    index += 1
    while announces(last) and index < len(answer) and not isinstance(answer[index], Heading):
        last = answer[index]
        pieces += _size(last)
        index += 1
    return pieces


def chosen_lead(answer: tuple[Block, ...], choice: LeadChoice, label: str) -> int:
    """How many pieces a reviewed choice gives the lead: through the first piece starting with `through`."""
    wanted = " ".join(choice.through.split())
    for number, piece in enumerate(_pieces(answer), start=1):
        if piece_text(piece).startswith(wanted):
            return number
    raise HandbookError(f"{label} no longer matches: no piece starts with {choice.through!r}")


# --- the reviewed choices -------------------------------------------------------


def read_leads(path: Path) -> list[LeadChoice]:
    """The book's reviewed lead choices, in file order (none when the file is absent)."""
    if not inputs.present(path):
        return []
    choices: list[LeadChoice] = []
    for number, entry in enumerate(inputs.read_toml(path, inputs.LEADS, LeadsFile).lead, start=1):
        missing = [f for f in FIELDS if not getattr(entry, f).strip()]
        if missing:
            raise HandbookError(f"{path}: leads entry #{number} lacks {', '.join(missing)}")
        choice = LeadChoice(*(getattr(entry, f).strip() for f in FIELDS))
        if any(c.question == choice.question for c in choices):
            raise HandbookError(f"{path}: {choice.label(number)} chooses a lead chosen before")
        choices.append(choice)
    return choices


def card_splits(notes: Iterable[Question], choices: Iterable[LeadChoice] = ()) -> dict[str, Split]:
    """Each note's split (question or part note, by id): the reviewed choice where there is one,
    else the rule. A choice naming no note, or matching no piece, is an error."""
    by_id: Mapping[str, Question] = {note.id: note for note in notes}
    pieces = {note_id: automatic_lead(note.answer) for note_id, note in by_id.items()}
    for number, choice in enumerate(choices, start=1):
        label = choice.label(number)
        if choice.question not in by_id:
            raise HandbookError(f"{label} names a question or part that does not exist")
        pieces[choice.question] = chosen_lead(by_id[choice.question].answer, choice, label)
    return {note_id: split_answer(by_id[note_id].answer, count) for note_id, count in pieces.items()}


def handbook_splits(handbook: Handbook, leads_file: Path) -> dict[str, Split]:
    """Every note's split, by id: each question's and each of its part notes' (pipeline.parts),
    with the reviewed choices of `leads_file` (absent: none)."""
    notes = [note for _, question in handbook.questions() for note in (question, *answer_parts(question))]
    return card_splits(notes, read_leads(leads_file))
