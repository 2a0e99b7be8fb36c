"""Where things live in a checkout (relative to the working directory).

Only the CLI and the build defaults use these; a book's own files are found
through its folder (pipeline.book).
"""

from pathlib import Path

SOURCE_DIR = Path("source")
BOOKS_DIR = SOURCE_DIR / "books"  # one folder per book, see pipeline/book.py
SITE_DIR = Path("site")
DECKS_DIR = Path("decks")
MKDOCS_CONFIG = Path("mkdocs.yml")
SERVE_SOURCE_DIR = Path("build") / "site-source"  # the site's source a live preview serves
# The engines that build the site from its source (pipeline.site); MkDocs by default.
SITE_ENGINES = ("mkdocs", "zensical")
DEFAULT_SITE_ENGINE = "mkdocs"
