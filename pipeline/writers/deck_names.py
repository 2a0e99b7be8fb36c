"""The names of a book's Anki decks and keys, without the Anki writer (and genanki) behind them.

The site's home page tells learners how to rename decks imported before the series
level; it needs these names and nothing else of the Anki writer, whose import of
genanki would cost every site build.
"""

from __future__ import annotations

from pipeline.model import Handbook

# Books whose decks were published before there were several books: their notes
# and decks keep the keys they had then (question id, section slug alone), so
# learners' imports still update in place. Every other book's keys start with its
# slug, so two books never share a note or deck, whatever their question ids.
UNSCOPED_BOOKS = frozenset({"deep-learning-concepts"})


def book_key(book: str) -> tuple[str, ...]:
    """What scopes the ids of the book `book` (its slug): nothing for a book from before books."""
    return () if book in UNSCOPED_BOOKS else (book,)


def book_deck_name(handbook: Handbook, series: str) -> str:
    """`<Series title>::<Handbook title>`: the book's deck, holding its sections' decks."""
    return f"{_deck_part(series)}::{_deck_part(handbook.meta.title)}"


def deck_rename(handbook: Handbook, book: str, series: str) -> tuple[str, str] | None:
    """For a book whose decks were published before the series level (`Book::Section`): the old
    top deck's name and the one a learner renames it to once, so imports land in their cards'
    decks (Anki matches decks by name; see docs/anki.md). None for a later book."""
    return None if book_key(book) else (_deck_part(handbook.meta.title), book_deck_name(handbook, series))


# A deck name is plain text that Anki's screens put into HTML, not every version
# escaping it; look-alike angle quotes keep a title's `<` `>` from ever being markup.
DECK_NAME_TEXT = str.maketrans({"<": "‹", ">": "›"})


def _deck_part(title: str) -> str:
    # `::` separates deck levels; the title itself must not add one.
    return " ".join(title.replace("::", ":").translate(DECK_NAME_TEXT).split()) or "Untitled"
