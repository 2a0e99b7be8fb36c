"""The names each format shares between its reader and its writer.

Canonical Markdown: the index file, the references heading, one file per
section, the inputs stamp, the figures' folder. HTML: how a figure is marked.
Anki: a folder per book, with a deck file per section and one for the whole
book, the note type's fields, the wrapper of multi-line formulas. The original
post (its page and its text dump): the headings, hint and footer around the
questions. Readers and writers import these from here, never from each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.model import Section

# --- canonical Markdown ----------------------------------------------------------

BOM = "\ufeff"  # a byte-order mark some editors and servers prepend: never content
INDEX_FILE = "index.md"
REFERENCES_HEADING = "References and Resources"
SECTION_FILE = re.compile(r"^(\d{2,})-([a-z0-9-]+)\.md$")  # NN-<slug>.md: order, then slug
# The digest of each input the Markdown was made from (see pipeline.book's staleness).
INPUTS_STAMP = ".inputs.sha256"
FIGURES_FOLDER = "figures"  # beside the pages: the SVGs they show (pipeline/figures.py)
FIGURE_STAMP = ".figures.sha256"  # in FIGURES_FOLDER: "<name> <digest>" per figure drawn


def section_filename(number: int, section: Section) -> str:
    return f"{number:02d}-{section.slug}.md"


def section_page(number: int, section: Section) -> str:
    """The section's page on the site (its folder, with directory URLs)."""
    return section_filename(number, section).removesuffix(".md")


# --- HTML (the site's pages, the cards' fields) ---------------------------------------

# Marks a figure; the link around its image opens the SVG full size, which is how a
# phone reader zooms into it.
FIGURE_CLASS = "handbook-figure"

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


# The note type's fields, in order: a note's fields are stored joined by U+001F in this order.
ANKI_FIELDS = ("Question", "Answer", "Section", "Source", "Id")

# Anki's MathJax ignores a `\\` at the top level of a formula, where KaTeX breaks the line, so a
# card wraps such a display formula in `gathered`, marking its div `multiline`.
MULTILINE_OPEN = '<div class="arithmatex multiline">\\[\\begin{gathered}'
MULTILINE_CLOSE = "\\end{gathered}\\]</div>"
_MULTILINE = re.compile(re.escape(MULTILINE_OPEN) + "(.*?)" + re.escape(MULTILINE_CLOSE), re.S)


def canonical_field(field_html: str) -> str:
    """A card's field as the shared HTML writer made it: `gathered` wrappers undone."""
    return _MULTILINE.sub(r'<div class="arithmatex">\\[\1\\]</div>', field_html)


# An Anki answer field: the lead, then the rest of the answer folded in
# `<details class="answer-rest"><summary>Full answer</summary>…</details>`. When the
# cut falls inside a list, the rest's first list carries CONTINUED_CLASS: it goes on
# with the lead's last list (pipeline.leads.Split).
ANSWER_REST_CLASS = "answer-rest"
ANSWER_REST_LABEL = "Full answer"
CONTINUED_CLASS = "continued"


# --- the original post: its page and the text dump of it ------------------------------

TOC_HEADING = "Table of Contents"
EXPAND_HINT = "(click the triangle to expand and reveal the full answer)"
REFERENCES_HEADINGS = ("References and Resources", "References", "Further Reading")
# Newsletter, sign-up and captcha text that the page wraps around the post. The
# footer runs from the first text holding one of them to the end of the page.
FOOTER_MARKERS = (
    "i write about ai, biotech, and a bunch of other topics",  # the newsletter box's lead
    "subscribe to get new posts",
    "subscribe to my newsletter",
    "protected by recaptcha",
    "full-screen popup",
)
# The author in the post's "Cited as" BibTeX entry.
_AUTHOR_FIELD = re.compile(r'^\s*author\s*=\s*"([^"]+)"', re.M)


def footer_start(texts: list[str]) -> int:
    """Where the page's footer begins among the closing texts (len(texts) if it has none).

    A scrape truncated inside the footer ends with a piece of it too short to
    hold a whole marker: a last text that a marker begins with is footer too.
    """
    for index, text in enumerate(texts):
        lowered = " ".join(text.lower().split())
        if any(marker in lowered for marker in FOOTER_MARKERS):
            return index
        if lowered and index == len(texts) - 1 and any(m.startswith(lowered) for m in FOOTER_MARKERS):
            return index
    return len(texts)


def bibtex_author(texts: Iterable[str]) -> str:
    """The author named in the first text holding a BibTeX `author = "Last, First"` field, as "First Last"."""
    for text in texts:
        match = _AUTHOR_FIELD.search(text)
        if match:
            last, _, first = match.group(1).partition(",")
            return f"{first.strip()} {last.strip()}".strip()
    return ""
