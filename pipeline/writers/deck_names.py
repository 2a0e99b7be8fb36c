"""The names of a book's Anki decks and keys, without the Anki writer (and genanki) behind them.

The site's home page tells learners how to rename decks imported before the series
level; it needs these names and nothing else of the Anki writer, whose import of
genanki would cost every site build.
"""

from __future__ import annotations

from pipeline.model import Handbook, Section

# Books whose decks were published before there were several books: their notes
# and decks keep the keys they had then (question id, section slug alone), so
# learners' imports still update in place. Every other book's keys start with its
# slug, so two books never share a note or deck, whatever their question ids.
UNSCOPED_BOOKS = frozenset({"deep-learning-concepts"})


def book_key(book: str) -> tuple[str, ...]:
    """What scopes the ids of the book `book` (its slug): nothing for a book from before books."""
    return () if book in UNSCOPED_BOOKS else (book,)


# --- deck names: the series, the book, its sections in book order ------------------


def book_deck_name(handbook: Handbook, series: str) -> str:
    """`<Series title>::<Handbook title>`: the book's deck, holding its sections' decks."""
    return f"{_deck_part(series)}::{_deck_part(handbook.meta.title)}"


def deck_name(handbook: Handbook, section: Section, series: str) -> str:
    """`<Series>::<Book>::<NN Section>`, in a section's package and the book's alike."""
    return f"{book_deck_name(handbook, series)}::{section_label(handbook, section)}"


def section_label(handbook: Handbook, section: Section) -> str:
    """A section deck's own name, `01 Machine Learning in General`: Anki lists decks (and, studying
    the book's deck, gathers their new cards) by name, so the number keeps the book's order, and
    the titles are cased alike (`title_case`); the cards keep the author's title."""
    number = handbook.sections.index(section) + 1
    width = max(2, len(str(len(handbook.sections))))
    return f"{number:0{width}d} {title_case(_deck_part(section.title))}"


# Words a title keeps in lower case unless they open it (the common English title-case rule).
_SMALL_WORDS = frozenset(
    "a an and as at but by en for if in nor of on or per the to v v. vs vs. via with".split()
)


def title_case(title: str) -> str:
    """`Optimization procedures` → `Optimization Procedures`: each lower-case word capitalised, except
    small words after the first; a word with a capital, a digit or a symbol first stays as written."""
    words = title.split(" ")
    return " ".join(
        word[:1].upper() + word[1:]
        if word[:1].islower() and word == word.lower() and (n == 0 or word not in _SMALL_WORDS)
        else word
        for n, word in enumerate(words)
    )


def deck_renames(handbook: Handbook, book: str, series: str) -> list[tuple[str, str]]:
    """For a book whose decks were published before the series level (`Book::Section`): the renames
    a learner makes once, in this order, so imports land in their cards' decks (Anki matches decks
    by name; see docs/anki.md): the top deck under the series, then each section deck to its
    numbered name. Empty for a later book."""
    if book_key(book):
        return []
    top = book_deck_name(handbook, series)
    return [(_deck_part(handbook.meta.title), top)] + [
        (f"{top}::{_deck_part(section.title)}", deck_name(handbook, section, series))
        for section in handbook.sections
        if _deck_part(section.title) != section_label(handbook, section)
    ]


# A deck name is plain text that Anki's screens put into HTML, not every version
# escaping it; look-alike angle quotes keep a title's `<` `>` from ever being markup.
DECK_NAME_TEXT = str.maketrans({"<": "‹", ">": "›"})


def _deck_part(title: str) -> str:
    # `::` separates deck levels; the title itself must not add one.
    return " ".join(title.replace("::", ":").translate(DECK_NAME_TEXT).split()) or "Untitled"
