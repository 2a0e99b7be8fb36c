"""The names each format shares between its reader and its writer.

Canonical Markdown: the index file, the references heading, one file per
section, the inputs stamp. Anki: a deck file per section and the combined one.
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

COMBINED_DECK = "handbook.apkg"  # every section as subdecks; the site links to it by this name


def section_deck_file(section: Section) -> str:
    return f"{section.slug}.apkg"
