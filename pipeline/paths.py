"""Where things live in a checkout (relative to the working directory).

The checkout's default folders are for the CLI and the build defaults; a book's own
files are found through its folder (pipeline.book), by the names given here once.
"""

from pathlib import Path

SOURCE_DIR = Path("source")
BOOKS_DIR = SOURCE_DIR / "books"  # one folder per book, see pipeline/book.py
SITE_DIR = Path("site")
DECKS_DIR = Path("decks")
MKDOCS_CONFIG = Path("mkdocs.yml")
SERVE_SOURCE_DIR = Path("build") / "site-source"  # the site's source a live preview serves
# A book's folder (BOOKS_DIR/<slug>/), by the names of what it holds: pipeline.book gives
# each its path, and the write guard (pipeline.fileio) keeps every one of them an input.
BOOK_RAW = "raw"  # the snapshot and its manifest
BOOK_ERRATA = "errata.toml"
BOOK_LEADS = "leads.toml"
BOOK_IDS = "question-ids.tsv"
BOOK_STATE = "question-state.tsv"
BOOK_ACCEPTED = "audit-accepted.toml"
BOOK_FIGURES = "figures"  # the figure scripts
BOOK_MARKDOWN = "handbook"  # the canonical Markdown, written by that book's `normalize` only
BOOK_INPUTS = (
    BOOK_RAW,
    BOOK_FIGURES,
    BOOK_ERRATA,
    BOOK_LEADS,
    BOOK_IDS,
    BOOK_STATE,
    BOOK_ACCEPTED,
    BOOK_MARKDOWN,
)
# The engines that build the site from its source (pipeline.site); MkDocs by default.
SITE_ENGINES = ("mkdocs", "zensical")
DEFAULT_SITE_ENGINE = "mkdocs"
