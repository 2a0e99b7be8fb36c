"""Which books a site holds: the first at the root, the others under their slug, never two alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.book import Book, markdown_book
from pipeline.errors import HandbookError
from pipeline.site_layout import books_layout
from pipeline.writers.markdown import write_markdown
from tests.builders import handbook, question, section
from tests.layout import BOOK


def book(folder: Path, title: str) -> Book:
    write_markdown(handbook(section("s", "S", question("q", "Q")), title=title), folder)
    return markdown_book(folder)


def test_the_first_book_is_at_the_root_and_the_others_under_their_slug(tmp_path: Path) -> None:
    layout = books_layout(BOOK, [book(tmp_path / "b", "Other Book Here")], "Series")
    assert [(b.slug, b.prefix) for b in layout.books] == [
        (BOOK.slug, ""),
        ("other-book-here", "other-book-here/"),
    ]
    assert layout.several and layout.title == "Series"
    assert layout.book_of("other-book-here/01-s.md") == (layout.books[1], "01-s.md")
    assert layout.book_of("01-s.md") == (layout.books[0], "01-s.md")
    assert layout.books[1].deck("s.apkg") == "decks/other-book-here/s.apkg"
    assert not books_layout(BOOK).several


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        ("Deep Learning Concepts again", "two books of the site have the slug 'deep-learning-concepts'"),
        ("Assets", "a book's slug may not be 'assets'"),
    ],
)
def test_a_slug_taken_twice_or_by_the_site_is_refused(tmp_path: Path, title: str, problem: str) -> None:
    with pytest.raises(HandbookError, match=problem):
        books_layout(BOOK, [book(tmp_path / "b", title)], "Series")
