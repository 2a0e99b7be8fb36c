"""The names each format shares between its reader and its writer.

Canonical Markdown: the index file, the references heading, one file per
section, the inputs stamp. Anki: a folder per book, with a deck file per section
and one for the whole book.
Readers and writers import these from here, never from each other.
"""

from __future__ import annotations

import re

from pipeline.model import Section

# --- canonical Markdown ----------------------------------------------------------

BOM = "\ufeff"  # a byte-order mark some editors and servers prepend: never content
INDEX_FILE = "index.md"
REFERENCES_HEADING = "References and Resources"
SECTION_FILE = re.compile(r"^(\d{2,})-([a-z0-9-]+)\.md$")  # NN-<slug>.md: order, then slug
# The digest of each input the Markdown was made from (see pipeline.book's staleness).
INPUTS_STAMP = ".inputs.sha256"


def section_filename(number: int, section: Section) -> str:
    return f"{number:02d}-{section.slug}.md"


def section_page(number: int, section: Section) -> str:
    """The section's page on the site (its folder, with directory URLs)."""
    return section_filename(number, section).removesuffix(".md")


# --- Anki decks --------------------------------------------------------------------
# decks/<book>/ per book: <section>.apkg per section and <book>.apkg for the whole book
# (every section as subdecks). The site copies and links them under the same names.


def book_deck_file(book: str) -> str:
    """The whole book's deck, in the book's own folder."""
    return f"{book}.apkg"


def section_deck_file(section: Section, book: str) -> str:
    """A section's deck, in the book's folder: `<slug>.apkg`, or `<slug>.section.apkg` for a
    section named like its book, so it never replaces the whole book's (a slug has no dot)."""
    name = f"{section.slug}.apkg"
    return f"{section.slug}.section.apkg" if name == book_deck_file(book) else name


# An Anki answer field: the lead, then the rest of the answer folded in
# `<details class="answer-rest"><summary>Full answer</summary>…</details>`. When the
# cut falls inside a list, the rest's first list carries CONTINUED_CLASS: it goes on
# with the lead's last list (pipeline.leads.Split).
ANSWER_REST_CLASS = "answer-rest"
ANSWER_REST_LABEL = "Full answer"
CONTINUED_CLASS = "continued"
