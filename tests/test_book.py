"""The book folder: its layout, finding books by slug, its manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.book import (
    DEFAULT_SERIES_TITLE,
    MANIFEST_NAME,
    Manifest,
    all_books,
    book_of,
    read_series,
    select_books,
)
from pipeline.errors import HandbookError
from pipeline.paths import BOOKS_DIR
from tests.layout import BOOK, ROOT

# What a book folder may hold (README "Books: one folder each"); figures/ is reserved.
LAYOUT = {
    "raw",
    "errata.toml",
    "leads.toml",
    "question-ids.tsv",
    "question-state.tsv",
    "audit-accepted.toml",
    "handbook",
    "figures",
}


def test_every_committed_book_follows_the_layout() -> None:
    books = all_books(ROOT / BOOKS_DIR)
    assert [b.slug for b in books] == [BOOK.slug]
    for book in books:
        assert {p.name for p in book.folder.iterdir()} <= LAYOUT
        assert book.manifest_file.is_file() and book.snapshot_file().is_file()
        assert (book.handbook_dir / "index.md").is_file()
    assert sorted(p.name for p in (ROOT / "source").iterdir() if p.name != "figures") == ["books"]


def test_an_unknown_book_is_refused_naming_the_books() -> None:
    with pytest.raises(HandbookError, match=r"no book 'part-4' in .*; the books: deep-learning-concepts$"):
        select_books(("part-4",), ROOT / BOOKS_DIR)
    assert select_books((), ROOT / BOOKS_DIR) == all_books(ROOT / BOOKS_DIR)


def test_a_book_is_known_by_its_markdown_folder(tmp_path: Path) -> None:
    assert book_of(BOOK.handbook_dir, ROOT / BOOKS_DIR) == BOOK
    assert book_of(tmp_path, ROOT / BOOKS_DIR) is None


def test_the_manifest_reads_back_what_it_writes(tmp_path: Path) -> None:
    manifest = Manifest("snapshot.html", "html", "https://example.org/p", "2026-01-01T00:00:00Z", "ab" * 32)
    path = tmp_path / MANIFEST_NAME
    path.write_text(manifest.to_json(), encoding="utf-8")
    assert Manifest.read(path) == manifest
    assert Manifest("a.txt", "text-dump", "notes/a.txt").source_url == ""
    path.write_text(json.dumps({"snapshot": "a.txt"}), encoding="utf-8")
    with pytest.raises(
        HandbookError, match="manifest.json: the whole file: object missing required field `reader`"
    ):
        Manifest.read(path)
    for name in ("/etc/passwd", "../other/dump.txt", ".."):
        path.write_text(json.dumps({"snapshot": name, "reader": "text-dump"}), encoding="utf-8")
        with pytest.raises(HandbookError, match="snapshot must name a file in the same folder"):
            Manifest.read(path)


def _books(folder: Path, *slugs: str) -> Path:
    for slug in slugs:
        (folder / slug / "handbook").mkdir(parents=True)
    return folder


def test_the_series_orders_its_books_listed_first_then_by_name(tmp_path: Path) -> None:
    books_dir = _books(tmp_path, "alpha", "beta", "gamma")
    (books_dir / "series.toml").write_text(
        'title = "A Series"\nbooks = ["gamma", "alpha"]\n', encoding="utf-8"
    )
    series = read_series(books_dir)
    assert series.title == "A Series"
    assert [b.slug for b in series.books] == ["gamma", "alpha", "beta"]


def test_a_project_without_a_series_file_has_a_default_title(tmp_path: Path) -> None:
    series = read_series(_books(tmp_path, "beta", "alpha"))
    assert (series.title, [b.slug for b in series.books]) == (DEFAULT_SERIES_TITLE, ["alpha", "beta"])


@pytest.mark.parametrize(
    "text, message",
    [
        ('books = ["a"]\n', "must give the series a title"),
        ('title = "T"\nbooks = "a"\n', "books: expected `array`, got `str`"),
        ("title = \n", "not valid TOML"),
    ],
)
def test_a_bad_series_file_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "series.toml").write_text(text, encoding="utf-8")
    with pytest.raises(HandbookError, match=message):
        read_series(tmp_path)


def test_the_committed_series_lists_every_book() -> None:
    series = read_series(ROOT / BOOKS_DIR)
    assert {b.slug for b in series.books} == {b.slug for b in all_books(ROOT / BOOKS_DIR)}
    assert series.books[0].slug == BOOK.slug
