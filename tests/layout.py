"""Where the checkout and its one real book are, for every test (ROOT is defined here only)."""

from pathlib import Path

from pipeline.book import Book
from pipeline.paths import BOOKS_DIR, DEFAULT_BOOK

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(DEFAULT_BOOK, ROOT / BOOKS_DIR / DEFAULT_BOOK)  # the real handbook, absolute paths
BOOK_DIR = BOOK.folder.relative_to(ROOT)  # the same, relative to the checkout (for copied projects)
