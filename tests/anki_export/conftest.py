"""Fixtures for the Anki export tests: real, empty Anki collections, and the real book's cards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection

from pipeline.readers.anki_package import read_apkg_media
from tests.anki_export.anki_fixtures import REAL, book_deck, import_package


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    folder = tmp_path / "profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="session")
def cards(tmp_path_factory: pytest.TempPathFactory, canonical_decks: Path) -> dict[str, str]:
    """Note id (a question's or a part note's) → the back of its card, as real Anki renders it
    from the whole book's deck (the note type's CSS included)."""
    root = tmp_path_factory.mktemp("cards")
    col = Collection(str(root / "collection.anki2"))
    try:
        import_package(col, book_deck(canonical_decks, REAL))
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        return {note["Id"]: note.cards()[0].answer() for note in notes}
    finally:
        col.close()


@pytest.fixture(scope="session")
def card_media(canonical_decks: Path) -> dict[str, bytes]:
    """The whole book's deck's media files (the figures), by the names the cards show them under."""
    return dict(read_apkg_media(book_deck(canonical_decks, REAL)))
