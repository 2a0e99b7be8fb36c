"""Last week's decks, imported and reviewed, then this version's: the same notes update in place.

The old decks are built in the test by the code and Markdown of the commit
before the books layout (ae0d8d5), so the GUIDs, note type and deck ids they
carry are the ones learners have. Their deck names are `Book::Section`, today's
`Series::Book::NN Section`: what a learner sees with and without renaming their
decks once (docs/anki.md, "Updating a deck you already studied").
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from pipeline.anki import export_anki
from pipeline.parts import is_part
from pipeline.readers.markdown import read_markdown
from pipeline.writers.anki import book_deck_name, deck_name, deck_renames
from tests.anki_export.anki_fixtures import REAL, SERIES, book_deck, import_package, section_notes
from tests.layout import BOOK, ROOT

BEFORE_BOOKS = "ae0d8d5"


@pytest.fixture(scope="module")
def old_decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """decks/ as `handbook export-anki` wrote them at the commit before the books layout."""
    try:
        archive = subprocess.run(
            ["git", "archive", BEFORE_BOOKS, "pipeline", "source", "mkdocs.yml"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"no git history with {BEFORE_BOOKS} (a source archive, not a clone)")
    old = tmp_path_factory.mktemp("before-books")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(old, filter="data")
    (old / "node_modules").symlink_to(ROOT / "node_modules")
    env = os.environ | {"PYTHONPATH": str(old), "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "export-anki"],
        cwd=old,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return old / "decks"


def studied(collection, old_decks: Path) -> list[tuple[int, int]]:
    """Last week's whole deck imported with Anki's defaults and five cards reviewed: the revlog."""
    first = import_package(collection, old_decks / "handbook.apkg")
    assert len(first.new) == 94
    for card_id in sorted(collection.find_cards(""))[:5]:
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, 3)
    history = collection.db.list("select id, cid from revlog order by id")
    assert len(history) == 5
    return history


def state_of(collection) -> tuple[set[str], list[int], dict[int, str], dict[int, int]]:
    """GUIDs, note types, decks (id → name) and each card's deck."""
    return (
        set(collection.db.list("select guid from notes")),
        collection.db.list("select distinct mid from notes"),
        {d.id: d.name for d in collection.decks.all_names_and_ids()},
        dict(collection.db.all("select id, did from cards")),
    )


def deck_of_each_question(collection) -> dict[str, str]:
    """Question id → the name of the deck its card is in."""
    return {
        collection.get_note(nid)["Id"]: collection.decks.name(collection.get_note(nid).cards()[0].did)
        for nid in collection.find_notes("")
    }


def renamed_as_documented(collection, handbook) -> None:
    """What the learner does once in Anki's deck list (gear → Rename), in the order docs/anki.md
    and the site give: `<Book>` becomes `<Series>::<Book>`, then each section deck its numbered name."""
    for old, new in deck_renames(handbook, REAL, SERIES):
        deck = collection.decks.by_name(old)
        assert deck is not None, old
        collection.decks.rename(deck, new)


def in_todays_decks(collection, handbook) -> bool:
    """Whether every card (questions' and part notes') is in today's deck for its section."""
    return deck_of_each_question(collection) == {
        note.id: deck_name(handbook, section, SERIES)
        for section in handbook.sections
        for note in section_notes(section)
    }


def import_todays(collection, tmp_path: Path):
    """Today's whole-book deck, exported from the committed Markdown and imported with the defaults:
    the questions' notes update in place, never twice; only part notes can be new."""
    report = export_anki(BOOK, tmp_path / "decks", None, state_file=tmp_path / "state.tsv")
    log = import_package(collection, book_deck(tmp_path / "decks", REAL))
    assert report.out_dir == tmp_path / "decks" / REAL
    assert all(is_part(collection.get_note(n.id.nid)["Id"]) for n in log.new) and not log.conflicting
    notes = report.notes
    assert collection.note_count() == notes and collection.card_count() == notes
    assert collection.db.scalar("select count(distinct guid) from notes") == notes
    return log


def test_last_weeks_decks_update_in_place_and_keep_their_reviews(
    old_decks: Path, tmp_path: Path, collection
) -> None:
    """Without the renames, the notes update in place and the cards stay where the learner has them:
    Anki finds decks by name, so today's tree is made beside the old one, holding only the new part
    notes. The late fix (docs/anki.md): move each old deck's cards to its new deck, delete the old."""
    history = studied(collection, old_decks)
    guids, note_types, decks, card_decks = state_of(collection)
    where = deck_of_each_question(collection)
    assert all(not name.startswith(f"{SERIES}::") for name in where.values())

    log = import_todays(collection, tmp_path)
    after_guids, after_types, after_decks, after_card_decks = state_of(collection)
    assert after_guids >= guids and after_types == note_types
    assert {c: d for c, d in after_card_decks.items() if c in card_decks} == card_decks
    assert {q: d for q, d in deck_of_each_question(collection).items() if q in where} == where
    assert {i: n for i, n in after_decks.items() if i in decks} == decks
    handbook = read_markdown(BOOK.handbook_dir)
    assert sorted(n for i, n in after_decks.items() if i not in decks) == sorted(
        [
            SERIES,
            book_deck_name(handbook, SERIES),
            *(deck_name(handbook, s, SERIES) for s in handbook.sections),
        ]
    )
    assert len(log.new) == sum(len(section_notes(s)) - len(s.questions) for s in handbook.sections)
    assert collection.db.list("select id, cid from revlog order by id") == history

    # The fix, late: each old section deck's cards move to the section's new deck (Browse, Change
    # Deck), the emptied old decks go; importing again then changes nothing.
    for section in handbook.sections:
        old = collection.decks.by_name(f"{handbook.meta.title}::{section.title}")
        new = collection.decks.by_name(deck_name(handbook, section, SERIES))
        collection.set_deck(collection.decks.cids(old["id"]), new["id"])
    collection.decks.remove([collection.decks.by_name(handbook.meta.title)["id"]])
    moved = state_of(collection)
    again = import_todays(collection, tmp_path)
    assert not again.new and state_of(collection) == moved and in_todays_decks(collection, handbook)
    assert collection.db.list("select id, cid from revlog order by id") == history


def test_after_renaming_the_decks_once_the_new_decks_are_the_old_ones(
    old_decks: Path, tmp_path: Path, collection
) -> None:
    """The documented fix: rename `<Book>` to `<Series>::<Book>`, and each section deck to its numbered
    name (Anki's deck list, Rename), then import: no new deck, no duplicate note, no card moved."""
    history = studied(collection, old_decks)
    handbook = read_markdown(BOOK.handbook_dir)
    renamed_as_documented(collection, handbook)
    guids, note_types, decks, card_decks = state_of(collection)

    import_todays(collection, tmp_path)
    after_guids, after_types, after_decks, after_card_decks = state_of(collection)
    assert after_decks == decks  # no new deck: the part notes land in the renamed ones
    assert after_types == note_types and after_guids >= guids
    assert {c: d for c, d in after_card_decks.items() if c in card_decks} == card_decks
    assert in_todays_decks(collection, handbook)
    assert collection.db.list("select id, cid from revlog order by id") == history


def test_docs_give_the_renames_the_code_makes() -> None:
    """docs/anki.md's table of renames is `deck_renames`' list, in its order (the site shows the same)."""
    handbook = read_markdown(BOOK.handbook_dir)
    book = book_deck_name(handbook, SERIES)
    text = (ROOT / "docs" / "anki.md").read_text(encoding="utf-8")
    rows = re.findall(r"^ *\| `([^`]+)` \| `([^`]+)` \|$", text, re.M)
    assert [(old.replace("…", book), new.replace("…", book)) for old, new in rows] == deck_renames(
        handbook, REAL, SERIES
    )
