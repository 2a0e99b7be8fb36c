"""Which books one site holds, and where each one lives in it.

The first book keeps the paths the site always had (`/`, `/NN-section/#id`:
permalinks published before the series stay valid, and its Markdown folder is
MkDocs' docs_dir); every later book lives under `/<slug>/` (`/<slug>/`,
`/<slug>/NN-section/`, `/<slug>/figures/`). Each book's decks are under
`decks/<slug>/`. With one book the site is that book's; with several it is the
series' (its title names the site, each book is a tab).

`build_site` writes the site's source by this layout (pipeline/site_source.py);
`handbook check` reads the built site by the same layout.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.book import Book, read_series
from pipeline.errors import HandbookError
from pipeline.model import Handbook
from pipeline.readers.markdown import read_markdown

# Top-level folders of the site that are not a book's (a later book may not take their name).
RESERVED = frozenset({"assets", "decks", "figures", "search"})


@dataclass(frozen=True)
class SiteBook:
    """One book of the site, and its folder in the site ("" or "<slug>/")."""

    book: Book
    prefix: str

    @property
    def slug(self) -> str:
        return self.book.slug

    @property
    def handbook_dir(self) -> Path:
        return self.book.handbook_dir

    def deck(self, name: str) -> str:
        """A deck file of this book, relative to the site's root (and to the checkout's decks/ parent)."""
        return f"decks/{self.slug}/{name}"


@dataclass(frozen=True)
class SiteLayout:
    """The series' title and the site's books, the first at the root."""

    title: str
    books: tuple[SiteBook, ...]

    @property
    def several(self) -> bool:
        return len(self.books) > 1

    def book_of(self, src_uri: str) -> tuple[SiteBook, str]:
        """The book a site file belongs to, and its path inside that book's folder."""
        for book in self.books[1:]:
            if src_uri.startswith(book.prefix):
                return book, src_uri.removeprefix(book.prefix)
        return self.books[0], src_uri


def site_layout(books: Sequence[Book], title: str) -> SiteLayout:
    """The layout of a site of these books (the first at the root), under the series' title."""
    site_books: list[SiteBook] = []
    for number, book in enumerate(books):
        if book.slug in {b.slug for b in site_books}:
            raise HandbookError(f"two books of the site have the slug {book.slug!r} ({book.handbook_dir})")
        if number and book.slug in RESERVED:
            raise HandbookError(
                f"a book's slug may not be {book.slug!r}: the site keeps that folder for itself"
            )
        site_books.append(SiteBook(book, f"{book.slug}/" if number else ""))
    return SiteLayout(title, tuple(site_books))


def books_layout(book: Book, more_books: Sequence[Book] = (), series_title: str | None = None) -> SiteLayout:
    """The layout `build_site` and `check` share: `book` at the root, `more_books` after it, under
    `series_title` (by default source/books/series.toml's, when there are more books)."""
    if series_title is None:
        series_title = read_series().title if more_books else ""
    return site_layout([book, *more_books], series_title)


def read_handbook(handbook_dir: Path) -> Handbook:
    """`read_markdown`, remembered while the files stay the same.

    build_site reads each handbook for its report and the hook reads it for the
    pages; with this they parse it once per build (and `mkdocs serve` re-reads
    only after an edit).
    """
    stats = (
        tuple(  # every entry, so that a stray file added later is seen (and refused)
            (p.name, p.lstat().st_mtime_ns, p.lstat().st_size) for p in sorted(handbook_dir.iterdir())
        )
        if handbook_dir.is_dir()
        else ()
    )
    return _read_once(handbook_dir.resolve(), stats)


@functools.lru_cache(maxsize=16)
def _read_once(handbook_dir: Path, stats: tuple[tuple[str, int, int], ...]) -> Handbook:
    return read_markdown(handbook_dir)
