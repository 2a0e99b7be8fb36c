"""Part notes in a real Anki collection: stable across exports, updated one by one.

An answer with sub-headings gives one note per part (pipeline.parts) besides its own. Exporting
again without a change keeps every GUID and every byte; changing the text of one part updates
that part's note and its question's (whose full answer holds the part), and nothing else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.anki import export_anki
from pipeline.book import markdown_book
from pipeline.parts import answer_parts, is_part, parent_id
from pipeline.readers.anki_package import read_apkg
from pipeline.readers.markdown import read_markdown
from tests.anki_export.anki_fixtures import REAL, book_deck, import_package
from tests.layout import BOOK

FIRST, SECOND = 1_700_000_000, 1_700_100_000
LOSSES = "name-some-typical-loss-functions-used-for-regression"
EDITED_PART = f"{LOSSES}/4-log-cosh-loss"
ADDED = "A sentence the author added to the log-cosh part later."


def test_part_notes_keep_their_guids_and_only_a_changed_part_updates(tmp_path: Path, collection) -> None:
    source = tmp_path / "handbook"
    shutil.copytree(BOOK.handbook_dir, source)
    book, state = markdown_book(source), tmp_path / "question-state.tsv"
    export_anki(book, tmp_path / "a", None, timestamp=FIRST, state_file=state)
    again = export_anki(book, tmp_path / "b", None, timestamp=SECOND, state_file=state)
    assert again.changed == ()
    for deck in sorted((tmp_path / "a" / REAL).glob("*.apkg")):
        assert deck.read_bytes() == (tmp_path / "b" / REAL / deck.name).read_bytes(), deck.name

    parts = [p for _, q in read_markdown(source).questions() for p in answer_parts(q)]
    assert sum(1 for p in parts if parent_id(p.id) == LOSSES) >= 9
    import_package(collection, book_deck(tmp_path / "a", REAL))
    guids = {collection.get_note(n)["Id"]: collection.get_note(n).guid for n in collection.find_notes("")}
    assert {p.id for p in parts} <= set(guids) and len(set(guids.values())) == len(guids)
    assert {n.question.id for n in read_apkg(book_deck(tmp_path / "b", REAL))} == set(guids)

    path = next(source.glob("02-*.md"))
    text = path.read_text(encoding="utf-8")
    opening = "Log-cosh is another function used in regression tasks"
    assert text.count(opening) == 1
    path.write_text(text.replace(opening, f"{ADDED} {opening}"), encoding="utf-8")
    changed = export_anki(book, tmp_path / "c", None, timestamp=SECOND, state_file=state)
    assert sorted(changed.changed) == sorted([LOSSES, EDITED_PART])

    log = import_package(collection, book_deck(tmp_path / "c", REAL))
    assert sorted(collection.get_note(n.id.nid)["Id"] for n in log.updated) == sorted([LOSSES, EDITED_PART])
    assert not log.new and not log.conflicting
    notes = {collection.get_note(n)["Id"]: collection.get_note(n) for n in collection.find_notes("")}
    assert ADDED in notes[EDITED_PART]["Answer"] and ADDED in notes[LOSSES]["Answer"]
    assert {note_id: note.guid for note_id, note in notes.items()} == guids
    assert all(is_part(p.id) for p in parts)
