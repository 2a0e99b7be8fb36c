"""Last week's decks, imported and reviewed, then this version's: the same notes update in place.

The old decks are built in the test by the code and Markdown of the commit
before the books layout (ae0d8d5), so the GUIDs, note type and deck ids they
carry are the ones learners have. Their deck names are `Book::Section`, today's
`Series::Book::Section`: what a learner sees with and without renaming their top
deck once (docs/anki.md, "Updating a deck you already studied").
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from pipeline.anki import export_anki
from pipeline.readers.markdown import read_markdown
from pipeline.writers.anki import book_deck_name, deck_name
from tests.anki_export.anki_fixtures import REAL, SERIES, book_deck, import_package
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


def rename_the_top_deck(collection, handbook) -> None:
    """What the learner does once in Anki's deck list (gear → Rename): `<Book>` becomes `<Series>::<Book>`."""
    old_top = collection.decks.by_name(handbook.meta.title)
    assert old_top is not None
    collection.decks.rename(old_top, f"{SERIES}::{handbook.meta.title}")


def in_todays_decks(collection, handbook) -> bool:
    """Whether every card is in today's deck for its section, `Series::Book::Section`."""
    return deck_of_each_question(collection) == {
        question.id: deck_name(handbook, section, SERIES) for section, question in handbook.questions()
    }


def import_todays(collection, tmp_path: Path):
    """Today's whole-book deck, exported from the committed Markdown and imported with the defaults."""
    report = export_anki(BOOK, tmp_path / "decks", None, state_file=tmp_path / "state.tsv")
    log = import_package(collection, book_deck(tmp_path / "decks", REAL))
    assert report.out_dir == tmp_path / "decks" / REAL
    assert not log.new and not log.conflicting
    assert collection.note_count() == 94 and collection.card_count() == 94
    return log


def test_last_weeks_decks_update_in_place_and_keep_their_reviews(
    old_decks: Path, tmp_path: Path, collection
) -> None:
    """Without the rename, the notes update in place and the cards stay where the learner has them:
    Anki finds decks by name, so today's tree is made beside the old one, empty."""
    history = studied(collection, old_decks)
    guids, note_types, decks, card_decks = state_of(collection)
    where = deck_of_each_question(collection)
    assert all(not name.startswith(f"{SERIES}::") for name in where.values())

    import_todays(collection, tmp_path)
    after_guids, after_types, after_decks, after_card_decks = state_of(collection)
    assert (after_guids, after_types, after_card_decks) == (guids, note_types, card_decks)
    assert deck_of_each_question(collection) == where  # every card still in last week's deck
    assert {i: n for i, n in after_decks.items() if i in decks} == decks
    handbook = read_markdown(BOOK.handbook_dir)
    assert sorted(n for i, n in after_decks.items() if i not in decks) == sorted(
        [
            SERIES,
            book_deck_name(handbook, SERIES),
            *(deck_name(handbook, s, SERIES) for s in handbook.sections),
        ]
    )
    assert all(not collection.decks.cids(i, children=True) for i in after_decks if i not in decks)
    assert collection.db.list("select id, cid from revlog order by id") == history

    # The fix, late: Anki would rename onto the empty `Series::Book` as `Series::Book+`, so
    # that empty deck goes first (with its empty subdecks); then rename, import again.
    new_book = collection.decks.by_name(book_deck_name(handbook, SERIES))
    collection.decks.remove([new_book["id"]])
    rename_the_top_deck(collection, handbook)
    renamed = state_of(collection)
    import_todays(collection, tmp_path)
    assert state_of(collection) == renamed and in_todays_decks(collection, handbook)
    assert collection.db.list("select id, cid from revlog order by id") == history


def test_after_renaming_the_top_deck_once_the_new_decks_are_the_old_ones(
    old_decks: Path, tmp_path: Path, collection
) -> None:
    """The documented fix: rename `<Book>` to `<Series>::<Book>` (Anki's deck list, Rename), then import."""
    history = studied(collection, old_decks)
    handbook = read_markdown(BOOK.handbook_dir)
    rename_the_top_deck(collection, handbook)
    renamed = state_of(collection)

    import_todays(collection, tmp_path)
    assert state_of(collection) == renamed  # no new deck, no new note, no card moved
    assert in_todays_decks(collection, handbook)
    assert collection.db.scalar("select count(distinct guid) from notes") == 94
    assert collection.db.list("select id, cid from revlog order by id") == history
