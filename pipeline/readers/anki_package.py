"""An exported .apkg → questions, to prove each note carries its question intact.

An .apkg is a zip holding an SQLite collection; each note's fields are joined
by U+001F in the order of our note type (`pipeline.formats.ANKI_FIELDS`).
Field HTML goes through the shared HTML-fragment reader, which also decodes
the entities that keep `{{`, `}}` and `::` away from Anki's templates, once
`canonical_field` has undone the `gathered` wrapper of multi-line formulas.
The Answer field is read as its two parts, the lead and the rest folded under
"Full answer" (names in pipeline.formats), so `check` can prove that together
they are the whole answer, and that the lead is the one chosen.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bs4 import Tag

from pipeline.errors import HandbookError
from pipeline.formats import ANKI_FIELDS, ANSWER_REST_CLASS, CONTINUED_CLASS, canonical_field
from pipeline.leads import Split
from pipeline.model import Question
from pipeline.readers.html_fragment import blocks_of, fragment_inlines, parse_html

FIELD_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class DeckNote:
    """One note of a deck: its section's title, its question (or part) with the whole answer, and
    the answer as the card splits it."""

    section: str
    question: Question
    split: Split


def answer_split(field_html: str) -> Split:
    """An Answer field's lead (everything before the folded rest) and its rest."""
    soup = parse_html(canonical_field(field_html))
    folded = soup.find("details", class_=ANSWER_REST_CLASS, recursive=False)
    if not isinstance(folded, Tag):
        return Split(blocks_of(soup.contents))
    folded.extract()
    summary = folded.find("summary", recursive=False)
    if isinstance(summary, Tag):
        summary.extract()
    first = folded.find(True, recursive=False)
    continued = (
        isinstance(first, Tag)
        and first.name in ("ul", "ol")
        and CONTINUED_CLASS in first.get_attribute_list("class")
    )
    return Split(blocks_of(soup.contents), blocks_of(folded.contents), continued)


def read_apkg(path: Path) -> list[DeckNote]:
    """Every note (question or part note), in note id order."""
    try:
        with zipfile.ZipFile(path) as package:
            collection = package.read("collection.anki2")
    except (OSError, KeyError, zipfile.BadZipFile) as error:
        raise HandbookError(f"{path} is not a readable Anki package: {error}") from None
    database = sqlite3.connect(":memory:")
    try:
        database.deserialize(collection)
        rows = database.execute("select flds from notes order by id").fetchall()
    finally:
        database.close()
    notes = []
    for (fields,) in rows:
        field = dict(zip(ANKI_FIELDS, fields.split(FIELD_SEPARATOR), strict=True))
        split = answer_split(field["Answer"])
        question = Question(field["Id"], fragment_inlines(field["Question"]), split.join())
        notes.append(DeckNote(field["Section"], question, split))
    return notes


def read_apkg_media(path: Path) -> list[tuple[str, bytes]]:
    """(file name, bytes) for every media file the package carries, in its index order."""
    try:
        with zipfile.ZipFile(path) as package:
            index = json.loads(package.read("media") or b"{}")
            return [
                (name, package.read(number))
                for number, name in sorted(index.items(), key=lambda i: int(i[0]))
            ]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise HandbookError(f"{path} has no readable media: {error}") from None
