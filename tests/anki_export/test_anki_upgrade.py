"""Last week's decks, imported and reviewed, then this version's: the same notes update in place.

The old decks are built in the test by the code and Markdown of the commit
before the books layout (ae0d8d5), so the GUIDs, note type and deck ids they
carry are the ones learners have.
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
from tests.layout import BOOK, ROOT
from tests.anki_export.anki_fixtures import import_package

BEFORE_BOOKS = "ae0d8d5"


@pytest.fixture(scope="module")
def old_decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """decks/ as `handbook export-anki` wrote them at the commit before the books layout."""
    try:
        archive = subprocess.run(["git", "archive", BEFORE_BOOKS, "pipeline", "source", "mkdocs.yml"],
                                 cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"no git history with {BEFORE_BOOKS} (a source archive, not a clone)")
    old = tmp_path_factory.mktemp("before-books")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(old, filter="data")
    (old / "node_modules").symlink_to(ROOT / "node_modules")
    env = os.environ | {"PYTHONPATH": str(old), "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main()", "export-anki"],
                            cwd=old, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return old / "decks"


def test_last_weeks_decks_update_in_place_and_keep_their_reviews(old_decks: Path, tmp_path: Path,
                                                                 collection) -> None:
    first = import_package(collection, old_decks / "handbook.apkg")
    assert len(first.new) == 94
    guids = set(collection.db.list("select guid from notes"))
    note_types = collection.db.list("select distinct mid from notes")
    decks = {d.id: d.name for d in collection.decks.all_names_and_ids()}
    for card_id in sorted(collection.find_cards(""))[:5]:
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, 3)
    history = collection.db.list("select id, cid from revlog order by id")
    assert len(history) == 5

    export_anki(BOOK.handbook_dir, tmp_path / "decks", None, state_file=tmp_path / "state.tsv")
    log = import_package(collection, tmp_path / "decks" / "handbook.apkg")
    assert not log.new and not log.conflicting
    assert collection.note_count() == 94 and collection.card_count() == 94
    assert set(collection.db.list("select guid from notes")) == guids
    assert collection.db.list("select distinct mid from notes") == note_types
    assert {d.id: d.name for d in collection.decks.all_names_and_ids()} == decks
    assert collection.db.list("select id, cid from revlog order by id") == history
