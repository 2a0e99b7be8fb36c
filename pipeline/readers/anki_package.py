"""An exported .apkg → questions, to prove each note carries its question intact.

An .apkg is a zip holding an SQLite collection; each note's fields are joined
by U+001F in the order of our note type (`pipeline.formats.ANKI_FIELDS`).
Field HTML goes through the shared HTML-fragment reader, which also decodes
the entities that keep `{{`, `}}` and `::` away from Anki's templates, once
`canonical_field` has undone the `gathered` wrapper of multi-line formulas.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from pipeline.errors import HandbookError
from pipeline.formats import ANKI_FIELDS, canonical_field
from pipeline.model import Question
from pipeline.readers.html_fragment import fragment_blocks, fragment_inlines

FIELD_SEPARATOR = "\x1f"


def read_apkg(path: Path) -> list[tuple[str, Question]]:
    """(section title, question) for every note, in note id order."""
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
        question = Question(
            field["Id"],
            fragment_inlines(field["Question"]),
            fragment_blocks(canonical_field(field["Answer"])),
        )
        notes.append((field["Section"], question))
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
