"""Stable question ids, kept in a reviewable TSV in each book's folder.

Site permalinks and Anki note identities hang on these ids, so once a question
has one it keeps it when its text is edited: a question is matched to its old
assignment by exact text, else by the most similar unused text in its section
(difflib ratio ≥ MIN_SIMILARITY), and only then gets a new slug, made of the
words a reader sees: a formula's rendering where it reads as a word, never the
names of its TeX commands (`when-is-x-in-mathbb-r-d-mid` was a slug of TeX).

The file records every question ever seen. One that the snapshot no longer
has is a question lost (a truncated scrape, say): `assign_ids` refuses unless
asked to accept it, and then keeps its row with an empty section, so its id is
never given to another question and comes back if the question does.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import inputs, katex
from pipeline.errors import ALLOW_DROPPED, HandbookError
from pipeline.fileio import tsv_text
from pipeline.model import (
    Code,
    Handbook,
    Inline,
    Math,
    Question,
    Section,
    Text,
    flat_inlines,
    map_questions,
    plain_text,
)
from pipeline.slugs import slugify

MIN_SIMILARITY = 0.6
ID = re.compile(r"^[A-Za-z0-9_-]+$", re.ASCII)  # what a `{#id}` in the canonical Markdown may hold
COLUMNS = (
    inputs.Column("id", re.compile(r".+"), "an id"),  # _check_ids says what an id may hold
    inputs.Column("section", inputs.ANY_TEXT, "one line of text"),
    inputs.Column("question", inputs.ANY_TEXT, "one line of text"),
)
HEADER = tuple(column.name for column in COLUMNS)
DROPPED = ""  # the section of a question no longer in the snapshot


@dataclass(frozen=True)
class Assignment:
    id: str
    section: str
    question: str


def read_ids(path: Path) -> list[Assignment]:
    if not inputs.present(path):
        return []
    assignments = [Assignment(*row) for row in inputs.read_tsv(path, inputs.IDS, COLUMNS)]
    _check_ids(path, assignments)
    return assignments


def _check_ids(path: Path, assignments: list[Assignment]) -> None:
    """Each id a slug, given to one question only (permalinks and notes hang on it)."""
    lines: dict[str, int] = {}
    for line, assignment in enumerate(assignments, start=2):
        if not ID.match(assignment.id):
            raise HandbookError(f"{path}:{line}: {assignment.id!r} is not an id (letters, digits, - and _)")
        if assignment.id in lines:
            first = assignments[lines[assignment.id] - 2]
            raise HandbookError(
                f"{path}:{line}: id {assignment.id!r} is given to two questions: "
                f"{first.question!r} (line {lines[assignment.id]}) and {assignment.question!r} (line {line})"
            )
        lines[assignment.id] = line


def ids_tsv(assignments: list[Assignment]) -> str:
    return tsv_text(HEADER, ((a.id, a.section, a.question) for a in assignments))


def _new_id(words: str, taken: set[str]) -> str:
    base = slugify(words, max_words=8, max_length=60)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def seen_words(title: tuple[Inline, ...], renderings: dict[str, str]) -> str:
    """A title as a reader sees it: each formula as its rendering when that reads as a
    word (`$\\sqrt{d_k}$` is `dk`, `$k$`-NN is `k-NN`), else left out (a set, a sum);
    never its TeX's command names."""
    parts = []
    for inline in flat_inlines(title):
        if isinstance(inline, Math):
            seen = "".join(renderings.get(inline.tex, "").split())
            parts.append(seen if seen.isalnum() else " ")
        elif isinstance(inline, (Text, Code)):
            parts.append(inline.text)
    return "".join(parts)


def _renderings(handbook: Handbook) -> dict[str, str]:
    """What KaTeX shows for each formula in a question's title."""
    formulas = list(
        dict.fromkeys(
            i.tex for _, q in handbook.questions() for i in flat_inlines(q.title) if isinstance(i, Math)
        )
    )
    rendered = katex.mathml_texts((tex, False) for tex in formulas)
    return {tex: r.text or "" for tex, r in zip(formulas, rendered, strict=True)}


def _match(text: str, section: str, unused: list[Assignment]) -> Assignment | None:
    exact = next((a for a in unused if a.question == text), None)
    if exact:
        return exact
    scored = [
        (difflib.SequenceMatcher(None, a.question, text).ratio(), a) for a in unused if a.section == section
    ]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best and best[0] >= MIN_SIMILARITY else None


def assign_ids(
    handbook: Handbook,
    known: list[Assignment],
    *,
    allow_dropped: bool = False,
) -> tuple[Handbook, list[Assignment]]:
    """Give every question its stable id; returns the handbook and the new assignment list.

    A known question the handbook no longer has is an error unless `allow_dropped`;
    the list keeps it either way (after the current questions, with no section).
    """
    unused = list(known)
    taken = {a.id for a in known}
    renderings = _renderings(handbook)
    result: list[Assignment] = []

    def identified(section: Section, question: Question) -> Question:
        text = plain_text(question.title)
        found = _match(text, section.slug, unused)
        if found:
            unused.remove(found)
            qid = found.id
        else:
            qid = _new_id(seen_words(question.title, renderings), taken)
            taken.add(qid)
        result.append(Assignment(qid, section.slug, text))
        return replace(question, id=qid)

    handbook = map_questions(handbook, identified)
    dropped = [a for a in unused if a.section != DROPPED]
    if dropped and not allow_dropped:
        first = dropped[0]
        raise HandbookError(
            f"the snapshot lacks {len(dropped)} question(s) the ids file knows, first {first.id!r} "
            f"({first.question!r}, section {first.section!r}): is it truncated?",
            remedy=ALLOW_DROPPED,
        )
    result += [replace(a, section=DROPPED) for a in unused]
    return handbook, result
