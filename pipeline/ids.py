"""Stable question ids, kept in a reviewable TSV under source/.

Site permalinks and Anki note identities hang on these ids, so once a question
has one it keeps it when its text is edited: a question is matched to its old
assignment by exact text, else by the most similar unused text in its section
(difflib ratio ≥ MIN_SIMILARITY), and only then gets a new slug.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import HandbookError
from pipeline.fileio import read_text_input
from pipeline.model import Handbook, plain_text
from pipeline.repair.headings import slugify

MIN_SIMILARITY = 0.6
HEADER = ("id", "section", "question")


@dataclass(frozen=True)
class Assignment:
    id: str
    section: str
    question: str


def read_ids(path: Path) -> list[Assignment]:
    if not path.exists():
        return []
    rows = list(csv.reader(io.StringIO(read_text_input(path, "a question-id file")), delimiter="\t"))
    if not rows or tuple(rows[0]) != HEADER:
        raise HandbookError(f"{path}: expected a header line {chr(9).join(HEADER)!r}")
    bad = [n for n, row in enumerate(rows[1:], start=2) if len(row) != 3]
    if bad:
        raise HandbookError(f"{path}:{bad[0]}: expected 3 tab-separated columns")
    return [Assignment(*row) for row in rows[1:]]


def ids_tsv(assignments: list[Assignment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows((a.id, a.section, a.question) for a in assignments)
    return out.getvalue()


def _new_id(text: str, taken: set[str]) -> str:
    base = slugify(text.replace("$", " "), max_words=8, max_length=60)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _match(text: str, section: str, unused: list[Assignment]) -> Assignment | None:
    exact = next((a for a in unused if a.question == text), None)
    if exact:
        return exact
    scored = [
        (difflib.SequenceMatcher(None, a.question, text).ratio(), a)
        for a in unused if a.section == section
    ]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best and best[0] >= MIN_SIMILARITY else None


def assign_ids(handbook: Handbook, known: list[Assignment]) -> tuple[Handbook, list[Assignment]]:
    """Give every question its stable id; returns the handbook and the new assignment list."""
    unused = list(known)
    taken = {a.id for a in known}
    result: list[Assignment] = []
    sections = []
    for section in handbook.sections:
        questions = []
        for question in section.questions:
            text = plain_text(question.title)
            found = _match(text, section.slug, unused)
            if found:
                unused.remove(found)
                qid = found.id
            else:
                qid = _new_id(text, taken)
                taken.add(qid)
            result.append(Assignment(qid, section.slug, text))
            questions.append(replace(question, id=qid))
        sections.append(replace(section, questions=tuple(questions)))
    return replace(handbook, sections=tuple(sections)), result
