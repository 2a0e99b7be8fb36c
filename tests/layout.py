"""Where the checkout and its one real book are, for every test and benchmark (ROOT is defined here only)."""

from pathlib import Path

from pipeline.book import Book
from pipeline.paths import BOOKS_DIR

ROOT = Path(__file__).resolve().parents[1]
FIRST_BOOK = "deep-learning-concepts"  # the real handbook: the series' first, its site paths at the top level
BOOK = Book(FIRST_BOOK, ROOT / BOOKS_DIR / FIRST_BOOK)  # absolute paths
BOOK_DIR = BOOK.folder.relative_to(ROOT)  # the same, relative to the checkout (for copied projects)
