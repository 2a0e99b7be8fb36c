"""Part notes: one more Anki note per sub-heading, where the author wrote an answer in parts.

An answer with two or more sub-headings (the nine losses of "Name some typical
loss functions…", LSTM vs GRU's structure, speed and performance) is several
ideas; besides the question's own note, each part becomes a note of its own,
so each idea is reviewed (and forgotten, and relearnt) on its own. A part is a
`Question`, so every writer and `check` treat it like one:

- its id is the question's id and the sub-heading's slug, `<question id>/<slug>`
  (a question id never holds "/"), the same across rebuilds; its note's GUID
  comes from it, and its row in question-state.tsv dates it;
- its title is the author's words only: "‹question› — ‹sub-heading›";
- its answer is what follows the sub-heading, up to the next one (of any level).

A sub-heading followed directly by another has nothing of its own and makes no note.
"""

from __future__ import annotations

from pipeline.model import Heading, Question, Text, merge_text, plain_text
from pipeline.slugs import slugify

PART_SEPARATOR = "/"  # between the question's id and the part's slug
TITLE_SEPARATOR = " — "  # between the question and the sub-heading on the part's front
MIN_HEADINGS = 2


def answer_parts(question: Question) -> tuple[Question, ...]:
    """The question's part notes, in answer order (none for fewer than two sub-headings)."""
    starts = [n for n, block in enumerate(question.answer) if isinstance(block, Heading)]
    if len(starts) < MIN_HEADINGS:
        return ()
    parts = []
    slugs: set[str] = set()
    for start, end in zip(starts, [*starts[1:], len(question.answer)], strict=True):
        heading = question.answer[start]
        assert isinstance(heading, Heading)
        body = question.answer[start + 1 : end]
        if not body:
            continue
        slug = _unique(slugify(plain_text(heading.inlines)), slugs)
        title = tuple(merge_text([*question.title, Text(TITLE_SEPARATOR), *heading.inlines]))
        parts.append(Question(f"{question.id}{PART_SEPARATOR}{slug}", title, body))
    return tuple(parts)


def _unique(slug: str, taken: set[str]) -> str:
    """The slug, or the slug with the first free `-2`, `-3`… (two sub-headings may read alike)."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate)
    return candidate


def parent_id(note_id: str) -> str:
    """The question a note belongs to: its own id for a question, the part's question for a part."""
    return note_id.split(PART_SEPARATOR, 1)[0]


def is_part(note_id: str) -> bool:
    return PART_SEPARATOR in note_id
