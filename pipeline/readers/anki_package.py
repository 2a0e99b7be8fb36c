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

import io
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bs4 import Tag

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.formats import ANKI_FIELDS, ANSWER_REST_CLASS, CONTINUED_CLASS, canonical_field
from pipeline.leads import Split
from pipeline.model import Question
from pipeline.readers.html_fragment import blocks_of, fragment_inlines, parse_html

FIELD_SEPARATOR = "\x1f"


def _members(path: Path, *names: str) -> dict[str, bytes]:
    """Members of the package (read through the door, each within the package's size limit)."""
    data = inputs.read_bytes(path, inputs.DECK)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            found = {}
            for name in names:
                info = package.getinfo(name)
                if info.file_size > inputs.DECK.limit:
                    raise HandbookError(f"{path}: {name} unpacks to more than {inputs.DECK.what} may hold")
                found[name] = package.read(info)
            return found
    except (OSError, KeyError, EOFError, zipfile.BadZipFile, RuntimeError, ValueError) as error:
        raise HandbookError(f"{path} is not a readable Anki package: {inputs.one_line(str(error))}") from None


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
    collection = _members(path, "collection.anki2")["collection.anki2"]
    database = sqlite3.connect(":memory:")  # the collection's bytes, read above, never a file path
    try:
        database.deserialize(collection)
        rows = database.execute("select flds from notes order by id").fetchall()
    except (sqlite3.Error, MemoryError, OverflowError) as error:
        raise HandbookError(
            f"{path} holds no readable Anki collection: {inputs.one_line(str(error))}"
        ) from None
    finally:
        database.close()
    notes = []
    for (fields,) in rows:
        parts = fields.split(FIELD_SEPARATOR) if isinstance(fields, str) else []
        if len(parts) != len(ANKI_FIELDS):
            raise HandbookError(
                f"{path}: a note has {len(parts)} fields, not the {len(ANKI_FIELDS)} of handbook's note type"
            )
        field = dict(zip(ANKI_FIELDS, parts, strict=True))
        split = answer_split(field["Answer"])
        question = Question(field["Id"], fragment_inlines(field["Question"]), split.join())
        notes.append(DeckNote(field["Section"], question, split))
    return notes


def read_apkg_media(path: Path) -> list[tuple[str, bytes]]:
    """(file name, bytes) for every media file the package carries, in its index order."""
    index = inputs.decode_json(
        f"{path}'s media index", _members(path, "media")["media"] or b"{}", dict[str, str]
    )
    bad = next((number for number in index if not number.isascii() or not number.isdigit()), None)
    if bad is not None:
        raise HandbookError(f"{path}'s media index: {bad!r} is not a media number")
    numbers = sorted(index, key=int)
    members = _members(path, *numbers)
    return [(index[number], members[number]) for number in numbers]
