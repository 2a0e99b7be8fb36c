"""A second book beside the real one: made by `scrape`, normalized, built and checked on its own,
each book's files untouched by work on the other."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.generators.text_dump import write_text_dump
from tests.layout import BOOK_DIR, ROOT
from tests.test_untrusted_inputs import handbook, new_project
from tests.writers.test_text_dump import OWN

OTHER = "my-handbook"  # the slug of OWN's title, "My Handbook"


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout with the real book and a second one scraped from a dump the dump writer made."""
    project = new_project(tmp_path_factory.mktemp("books") / "project")
    shutil.copytree(ROOT / "source", project / "source")
    (project / "other.txt").write_text(write_text_dump(OWN), encoding="utf-8")
    real = digests(project / BOOK_DIR)
    result = handbook(project, "scrape", "other.txt")
    result.assert_ok()
    assert f"source/books/{OTHER}/raw/snapshot.txt" in result.stdout
    assert f'add "{OTHER}" to books in source/books/series.toml' in result.stdout
    result = handbook(project, "normalize", "--book", OTHER)
    result.assert_ok()
    assert digests(project / BOOK_DIR) == real, "making a second book touched the first"
    return project


def test_the_second_book_builds_and_checks_beside_the_real_one(project: Path) -> None:
    """`build` and `check` with no --book: one site and one deck tree of both books, both checked."""
    other = project / "source" / "books" / OTHER
    assert sorted(p.name for p in other.iterdir()) == ["handbook", "question-ids.tsv", "raw"]
    result = handbook(project, "build")
    result.assert_ok()
    assert (
        f"{BOOK_DIR.name}: 8 decks in decks/{BOOK_DIR.name}/" in result.stdout
        and f"{OTHER}: " in result.stdout
    )
    result = handbook(project, "check")
    result.assert_ok()
    questions = sum(1 for _ in OWN.questions())
    for slug, count in ((BOOK_DIR.name, 94), (OTHER, questions)):
        row = next(
            line for line in result.stdout.splitlines() if line.startswith(f"canonical Markdown [{slug}]")
        )
        assert row.split()[-4:-2] == [str(count), str(count)], row
        assert f"deck {slug}/{slug}.apkg [{slug}]" in result.stdout
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Books in this series" in home and "My Handbook" in home
    assert (project / "site" / OTHER / "01-probability-basics" / "index.html").is_file()
    assert (project / "site" / "decks" / OTHER / f"{OTHER}.apkg").is_file()


def test_normalizing_one_book_leaves_the_other_byte_identical(project: Path) -> None:
    other = digests(project / "source" / "books" / OTHER)
    result = handbook(project, "normalize", "--book", BOOK_DIR.name)
    result.assert_ok()
    assert digests(project / "source" / "books" / OTHER) == other
    assert digests(project / BOOK_DIR) == digests(ROOT / BOOK_DIR)


def test_an_unknown_book_gets_one_line_listing_the_books(project: Path) -> None:
    result = handbook(project, "normalize", "--book", "part-4")
    result.assert_refused()
    assert result.stderr == (
        f"Error: no book 'part-4' in source/books/; the books: {BOOK_DIR.name}, {OTHER}\n"
    )
    result = handbook(project, "export-anki", "--section", "kernels")
    result.assert_refused("choose the book with --book")


def test_both_books_decks_make_one_tree_in_one_collection(project: Path, tmp_path: Path) -> None:
    from anki.collection import Collection

    from pipeline.book import read_series
    from tests.anki_export.anki_fixtures import import_package

    result = handbook(project, "export-anki", "--out", "decks-both")
    result.assert_ok()
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        first = import_package(col, project / "decks-both" / BOOK_DIR.name / f"{BOOK_DIR.name}.apkg")
        log = import_package(col, project / "decks-both" / OTHER / f"{OTHER}.apkg")
        others = sum(1 for _ in OWN.questions())
        assert len(log.new) == others and col.note_count() == len(first.new) + others
        series = read_series(project / "source" / "books").title
        books = {tuple(name.split("::")[:2]) for name in col.decks.all_names() if "::" in name}
        assert books == {
            (series, "Deep Learning Concepts every practicioner should know"),
            (series, "My Handbook"),
        }
    finally:
        col.close()
