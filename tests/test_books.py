"""A second book beside the real one: made by `scrape`, normalized, built and checked on its own,
each book's files untouched by work on the other."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from pipeline.writers.text_dump import write_text_dump
from tests.layout import BOOK_DIR, ROOT
from tests.test_untrusted_inputs import handbook, new_project
from tests.writers.test_text_dump import OWN

OTHER = "my-handbook"  # the slug of OWN's title, "My Handbook"


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout with the real book and a second one scraped from a dump the dump writer made."""
    project = new_project(tmp_path_factory.mktemp("books") / "project")
    shutil.copytree(ROOT / "source", project / "source")
    (project / "other.txt").write_text(write_text_dump(OWN), encoding="utf-8")
    real = digests(project / BOOK_DIR)
    result = handbook(project, "scrape", "other.txt")
    assert result.returncode == 0, result.stderr
    assert f"source/books/{OTHER}/raw/snapshot.txt" in result.stdout
    result = handbook(project, "normalize", "--book", OTHER)
    assert result.returncode == 0, result.stderr
    assert digests(project / BOOK_DIR) == real, "making a second book touched the first"
    return project


def test_the_second_book_builds_and_checks_beside_the_real_one(project: Path) -> None:
    other = project / "source" / "books" / OTHER
    assert sorted(p.name for p in other.iterdir()) == ["handbook", "question-ids.tsv", "raw"]
    for command in (("build-site", "--site", "site-other"), ("export-anki", "--out", "decks-other"),
                    ("check", "--site", "site-other", "--decks", "decks-other")):
        result = handbook(project, *command, "--book", OTHER)
        assert result.returncode == 0, (command, result.stderr)
    assert "snapshot + repairs + errata" in result.stdout and "Probability Basics" not in result.stderr
    assert (project / "site-other" / "index.html").is_file()
    assert sorted(p.name for p in (project / "decks-other" / OTHER).glob("*.apkg"))[-1] == "probability-basics.apkg"


def test_normalizing_one_book_leaves_the_other_byte_identical(project: Path) -> None:
    other = digests(project / "source" / "books" / OTHER)
    result = handbook(project, "normalize", "--book", BOOK_DIR.name)
    assert result.returncode == 0, result.stderr
    assert digests(project / "source" / "books" / OTHER) == other
    assert digests(project / BOOK_DIR) == digests(ROOT / BOOK_DIR)


def test_an_unknown_book_gets_one_line_listing_the_books(project: Path) -> None:
    result = handbook(project, "normalize", "--book", "part-4")
    assert result.returncode == 1
    assert result.stderr == (f"Error: no book 'part-4' in source/books/; the books: "
                             f"{BOOK_DIR.name}, {OTHER}\n")
    result = handbook(project, "build-site")
    assert result.returncode == 1 and "name one book with --book" in result.stderr


def test_both_books_decks_make_one_tree_in_one_collection(project: Path, tmp_path: Path) -> None:
    """Each book's whole deck, exported into one decks folder: one tree, Series::{Book A, Book B}::Section."""
    from anki.collection import Collection

    from tests.anki_export.anki_fixtures import SERIES, book_deck, import_package

    for book in (BOOK_DIR.name, OTHER):
        result = handbook(project, "export-anki", "--book", book, "--out", "decks-both")
        assert result.returncode == 0, result.stderr
        assert f"to decks-both/{book}/" in result.stdout
    decks = project / "decks-both"
    assert sorted(p.name for p in decks.iterdir()) == [".handbook-output", BOOK_DIR.name, OTHER]
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_package(col, book_deck(decks, BOOK_DIR.name))
        log = import_package(col, book_deck(decks, OTHER))
        others = sum(1 for _ in OWN.questions())
        assert len(log.new) == others and col.note_count() == col.card_count() == 94 + others
        assert col.db.scalar("select count(distinct guid) from notes") == 94 + others  # no note shared
        names = set(col.decks.all_names()) - {"Default"}
        assert {name.split("::")[0] for name in names} == {SERIES}
        books = {name.split("::")[1] for name in names if name.count("::") >= 1}
        assert books == {"Deep Learning Concepts every practicioner should know", "My Handbook"}
        for book in books:  # each book's deck holds no card of its own, only its sections'
            assert not col.find_cards(f'"deck:{SERIES}::{book}" -"deck:{SERIES}::{book}::*"')
        assert len(col.find_cards(f'"deck:{SERIES}::My Handbook::*"')) == others
        assert not col.find_cards(f'"deck:{SERIES}" -"deck:{SERIES}::*"')
    finally:
        col.close()
