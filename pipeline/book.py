"""One book: the folder under source/books/ that holds everything it is made from.

    source/books/<slug>/
      raw/                 the snapshot and manifest.json (`handbook scrape`)
      errata.toml          reviewed hand corrections (pipeline.errata)
      leads.toml           reviewed ends of the cards' leads (pipeline.leads)
      question-ids.tsv     stable question ids (pipeline.ids)
      question-state.tsv   when each Anki note last changed (pipeline.note_state)
      audit-accepted.toml  reviewed residue (pipeline.audit)
      handbook/            canonical Markdown (`handbook normalize`)
      figures/             figure scripts (pipeline.figures)

    source/books/series.toml   the series' title and its books' reading order


A book is its slug, and its slug is its folder's name: the one identity that
names its folder of decks (`decks/<slug>/`), its place in the site (`/<slug>/`),
its Anki tags (`handbook::<slug>::<section>`), the keys of its notes and decks,
and its self-test grades. Its title only proposes the folder's name, when
`scrape` makes the book (`proposed_slug`). The commands resolve each `Book` once
and hand it down. This module finds books, reads a book's manifest (the one model
of manifest.json), reads its snapshot, decides whether its Markdown is stale, and
goes from snapshot to model (`canonical_handbook`), the chain both `normalize`
and `check` run.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import msgspec

from pipeline import inputs, paths
from pipeline.errata import apply_errata, read_errata
from pipeline.errors import HandbookError
from pipeline.formats import BOM, INPUTS_STAMP
from pipeline.ids import Assignment, assign_ids, read_ids
from pipeline.model import Handbook, Paragraph, Text, all_blocks, block_inlines, flat_inlines, plain_text
from pipeline.paths import BOOKS_DIR
from pipeline.readers import READERS, reader_for
from pipeline.readers.markdown import read_markdown
from pipeline.repair import RepairLog, repair
from pipeline.sanitize import web_url
from pipeline.slugs import slugify

MANIFEST_NAME = "manifest.json"
# A book's folder name: it becomes a path, a site folder, a deck file and an Anki tag.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


def check_slug(slug: str, where: str = "a book's name") -> str:
    """`slug` if it is a book slug (lower-case letters, digits, single hyphens inside), else one
    line naming it and `where` it came from."""
    if not SLUG.fullmatch(slug) or len(slug) > 100:
        raise HandbookError(
            f"{inputs.shown(slug)} ({where}) is not a book slug: use lower-case letters, digits and "
            "hyphens (e.g. deep-learning-concepts)"
        )
    return slug


class Manifest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """manifest.json: the snapshot's file name, its reader, where and when it came from, its sha256."""

    snapshot: str
    reader: str
    source: str = ""
    retrieved_at: str = ""
    sha256: str = ""  # "" when unknown; scrape writes the manifest last, so a torn pair is refused

    @property
    def source_url(self) -> str:
        """The page's address when it is a web one (a file's path is no link)."""
        return self.source if web_url(self.source) else ""

    def to_json(self) -> str:
        return json.dumps(msgspec.structs.asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at `path`; its snapshot must be a file beside it (a bare name, never a path)."""
        manifest = inputs.read_json(path, inputs.MANIFEST, cls)
        if manifest.reader not in READERS:
            raise HandbookError(
                f"{path}: reader must be one of {', '.join(sorted(READERS))}, not {inputs.shown(manifest.reader)}"
            )
        name = manifest.snapshot
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
            raise HandbookError(
                f"{path}: snapshot must name a file in the same folder, not {inputs.shown(name)}"
            )
        return manifest


class _Part:
    """A file or folder of a book, by its name in the book's folder."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, book: None, owner: type[Book]) -> _Part: ...
    @overload
    def __get__(self, book: Book, owner: type[Book] | None = None) -> Path: ...
    def __get__(self, book: Book | None, owner: type[Book] | None = None) -> Path | _Part:
        return self if book is None else book.folder / self.name


@dataclass(frozen=True)
class Book:
    """A book's folder (see the module's docstring) and the paths of what it holds.

    `markdown` is its canonical Markdown when that is not the folder's `handbook/`
    (a folder named with `--handbook`, see `markdown_book`).
    """

    slug: str
    folder: Path
    markdown: Path | None = None

    raw_dir = _Part(paths.BOOK_RAW)
    errata_file = _Part(paths.BOOK_ERRATA)
    leads_file = _Part(paths.BOOK_LEADS)
    ids_file = _Part(paths.BOOK_IDS)
    state_file = _Part(paths.BOOK_STATE)
    audit_file = _Part(paths.BOOK_ACCEPTED)
    figures_dir = _Part(paths.BOOK_FIGURES)

    @property
    def handbook_dir(self) -> Path:
        """The book's canonical Markdown."""
        return self.markdown or self.folder / paths.BOOK_MARKDOWN

    @property
    def manifest_file(self) -> Path:
        return self.raw_dir / MANIFEST_NAME

    def manifest(self) -> Manifest:
        if not inputs.present(self.manifest_file):
            raise HandbookError(f"{self.manifest_file} is missing: run `handbook scrape URL|FILE` first")
        return Manifest.read(self.manifest_file)

    def snapshot_file(self) -> Path:
        return self.raw_dir / self.manifest().snapshot


def proposed_slug(title: str) -> str:
    """The folder name `scrape` proposes for a new book: its title's first three words, slugged."""
    return slugify(title, max_words=3)


def book_at(folder: Path) -> Book:
    return Book(check_slug(folder.name, f"a book's folder in {folder.parent}/"), folder)


def all_books(books_dir: Path = BOOKS_DIR) -> list[Book]:
    """Every book, by slug (a folder under `books_dir` with a manifest or Markdown); a folder
    whose name is no slug is refused in one line (its name would become paths, tags and URLs)."""
    if not books_dir.is_dir():
        return []
    return [
        book_at(p)
        for p in sorted(books_dir.iterdir())
        if p.is_dir()
        and ((p / paths.BOOK_RAW / MANIFEST_NAME).exists() or (p / paths.BOOK_MARKDOWN).is_dir())
    ]


def select_books(slugs: tuple[str, ...] | list[str], books_dir: Path = BOOKS_DIR) -> list[Book]:
    """The named books (every book when none is named), in the series' reading order (so a
    site's first book, which keeps the top-level paths, does not depend on the order named);
    an unknown name lists the books."""
    for slug in slugs:
        check_slug(slug, "a book named")
    books = list(read_series(books_dir).books)
    if not slugs:
        return books
    known = {b.slug for b in books}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        names = ", ".join(sorted(known)) or "none yet (run `handbook scrape URL|FILE`)"
        raise HandbookError(f"no book {unknown[0]!r} in {books_dir}/; the books: {names}")
    return [b for b in books if b.slug in slugs]


# --- the series ----------------------------------------------------------------

SERIES_FILE = "series.toml"
DEFAULT_SERIES_TITLE = "Handbook"  # a project without series.toml (its decks are `Handbook::Book::Section`)


@dataclass(frozen=True)
class Series:
    """Every book, in reading order, under the series' title (the site's name, the decks' top level)."""

    title: str
    books: tuple[Book, ...]


def read_series(books_dir: Path = BOOKS_DIR) -> Series:
    """series.toml's title and order; books it does not list follow, by slug. Without the file:
    DEFAULT_SERIES_TITLE and every book by slug."""
    title, order = _series_file(books_dir)
    rank = {slug: index for index, slug in enumerate(order)}
    books = sorted(all_books(books_dir), key=lambda b: (rank.get(b.slug, len(rank)), b.slug))
    return Series(title, tuple(books))


def series_order(books_dir: Path = BOOKS_DIR) -> list[str]:
    """The book slugs series.toml lists, in reading order."""
    return _series_file(books_dir)[1]


class SeriesFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """series.toml's schema."""

    title: str = ""
    books: list[str] = []


def _series_file(books_dir: Path) -> tuple[str, list[str]]:
    path = books_dir / SERIES_FILE
    if not inputs.present(path):
        return DEFAULT_SERIES_TITLE, []
    data = inputs.read_toml(path, inputs.SERIES, SeriesFile)
    if not data.title.strip() or "\n" in data.title.strip():
        raise HandbookError(f'{path} must give the series a title (title = "...", one line)')
    for slug in data.books:
        check_slug(slug, f"in {path}'s books")
    return data.title.strip(), data.books


def book_of(handbook_dir: Path, books_dir: Path = BOOKS_DIR) -> Book | None:
    """The book whose canonical Markdown folder `handbook_dir` is, if any."""
    target = handbook_dir.resolve()
    return next((b for b in all_books(books_dir) if b.handbook_dir.resolve() == target), None)


def markdown_book(handbook_dir: Path, books_dir: Path = BOOKS_DIR) -> Book:
    """The book whose canonical Markdown `handbook_dir` is. A folder of Markdown that is no
    book's (`--handbook`, a trial) is read as a book of its own, named as `scrape` would
    name it from its title, its other files (state, audit) beside the folder."""
    book = book_of(handbook_dir, books_dir)
    if book is not None:
        return book
    title = read_markdown(handbook_dir, figures=False).meta.title
    return Book(proposed_slug(title), handbook_dir.parent, handbook_dir)


# --- the snapshot --------------------------------------------------------------


def read_snapshot_text(path: Path) -> str:
    """The snapshot as text, refusing what cannot be a handbook page."""
    data = inputs.read_bytes(path, inputs.SNAPSHOT)
    if not data.removeprefix(BOM.encode("utf-8")).strip():
        raise HandbookError(f"{path} is empty")
    if b"\x00" in data:
        raise HandbookError(f"{path} is a binary file, not a text or HTML snapshot")
    return inputs.utf8(path, data)


def read_snapshot(path: Path, manifest: Manifest) -> Handbook:
    text = read_snapshot_text(path)
    if manifest.sha256 and hashlib.sha256(text.encode("utf-8")).hexdigest() != manifest.sha256:
        raise HandbookError(
            f"{path} no longer matches the sha256 its manifest recorded at scrape time "
            "(an interrupted scrape, or an edit or truncation since): restore it, or run `handbook scrape` again"
        )
    handbook = reader_for(manifest.reader)(text.removeprefix(BOM), manifest.source_url)
    check_text_lengths(path, handbook)
    return handbook


# The seed's longest run of text (a paragraph, an item, a cell, a title) is about 1,000
# characters; twenty times that is still prose. A longer one is not, and the search for
# doubled formulas grows faster than the text it searches: refused before the repairs start.
MAX_TEXT = 20_000


def check_text_lengths(path: Path | str, handbook: Handbook) -> None:
    """Refuse, in one line naming the place, a run of text longer than MAX_TEXT."""
    places = [("the introduction", handbook.intro), ("the references", handbook.references)]
    for _, question in handbook.questions():
        where = f"the question {plain_text(question.title)[:40]!r}"
        places += [(where, (Paragraph(question.title),)), (where, question.answer)]
    for where, blocks in places:
        for block in all_blocks(blocks):
            for inline in flat_inlines(tuple(block_inlines(block))):
                if isinstance(inline, Text) and len(inline.text) > MAX_TEXT:
                    raise HandbookError(
                        f"{path}: {where} holds a run of text of {len(inline.text):,} characters, over the "
                        f"{MAX_TEXT:,} a paragraph may have: is it the right file?"
                    )


def corrected_handbook(
    path: Path,
    manifest: Manifest,
    known: list[Assignment],
    errata_file: Path | None,
    *,
    allow_dropped: bool = False,
) -> tuple[Handbook, RepairLog, list[Assignment], int]:
    """Snapshot → model: read, repair, ids, errata. Returns the new assignments and errata count too."""
    corrections = read_errata(errata_file) if errata_file else []  # refuse bad files before the slow repair
    handbook, log = repair(read_snapshot(path, manifest))
    handbook, assignments = assign_ids(handbook, known, allow_dropped=allow_dropped)
    handbook, applied = apply_errata(handbook, corrections)
    return handbook, log, assignments, applied


def canonical_handbook(
    book: Book,
    *,
    errata_file: Path | None = None,
    ids_file: Path | None = None,
    allow_dropped: bool = False,
) -> tuple[Handbook, RepairLog, list[Assignment], int]:
    """The book's snapshot as the model its canonical Markdown must hold.

    Uses the book's errata and ids unless other files are named (a trial run).
    """
    errata_file = errata_file or book.errata_file
    check_errata_present(book.handbook_dir, errata_file)
    return corrected_handbook(
        book.snapshot_file(),
        book.manifest(),
        read_ids(ids_file or book.ids_file),
        errata_file,
        allow_dropped=allow_dropped,
    )


# --- staleness -----------------------------------------------------------------
# The Markdown folder's INPUTS_STAMP holds the digest of each input it was made
# from, so a build re-normalizes only after the snapshot or the errata change,
# never over a maintainer's edit of the Markdown itself; and so that an errata
# file deleted since is noticed instead of its corrections silently dropped.


def inputs_stamp(snapshot: Path, errata_file: Path | None) -> str:
    """The stamp's text: one line per input, its name and sha256 (`-` when it is absent)."""
    lines = []
    for role, path in (("snapshot", snapshot), ("errata", errata_file)):
        kind = inputs.SNAPSHOT if role == "snapshot" else inputs.ERRATA
        digest = (
            hashlib.sha256(inputs.read_bytes(path, kind)).hexdigest()
            if path is not None and inputs.present(path)
            else "-"
        )
        lines.append(f"{role} {path.name if path is not None else '-'} {digest}\n")
    return "".join(lines)


def _stamped_errata(out_dir: Path) -> str | None:
    """The errata file name the Markdown in `out_dir` was made with, if any."""
    text = inputs.read_optional_text(out_dir / INPUTS_STAMP, inputs.STAMP)
    lines = text.splitlines() if text is not None else []
    fields = next((line.split() for line in lines if line.startswith("errata ")), [])
    return fields[1] if len(fields) == 3 and fields[2] != "-" else None


def check_errata_present(out_dir: Path, errata_file: Path | None) -> None:
    """A missing errata file is an error when the Markdown was made with one."""
    name = _stamped_errata(out_dir)
    if name is not None and (errata_file is None or not inputs.present(errata_file)):
        raise HandbookError(
            f"{errata_file or name} is missing, but {out_dir}/ was made with {name} "
            f"(see {out_dir / INPUTS_STAMP}): restore it, or leave an empty file to drop every correction"
        )


def is_stale(book: Book) -> bool:
    """Whether the book's snapshot or errata changed since its Markdown was normalized."""
    if not book.manifest_file.exists():
        return False  # nothing to normalize from: the Markdown is all there is
    current = inputs_stamp(book.snapshot_file(), book.errata_file)
    return inputs.read_optional_text(book.handbook_dir / INPUTS_STAMP, inputs.STAMP) != current
