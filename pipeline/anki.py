"""`handbook export-anki`: canonical Markdown → one .apkg per section, and one for the book.

The decks of a book go to a folder of their own in the decks folder,
`<decks>/<book>/` (`<section>.apkg`, `<book>.apkg`; names in pipeline.formats),
and their deck names put the book under the series, `Series::Book::Section`.

Anki updates a note it already has only when the incoming copy is newer, to
the second. So each note, and the note type, carries the time its own content
last changed, kept in `question-state.tsv` next to the handbook folder
(`pipeline.note_state`): an unchanged note keeps its time (and a learner's own
edit of it survives a re-import), a changed one takes the current source time
(`build_time`), never from the clock:

1. `SOURCE_DATE_EPOCH`, if set (the reproducible-builds convention);
2. else, when the inputs (the handbook's Markdown and the modules that shape a
   card) are all tracked and unmodified in one git checkout, the date of the
   last commit touching them (the same on every clone);
3. else the newest modification time among the inputs, never older than
   their last commit (an edit in progress is newer than the commit before it).

Exporting twice from the same input and state writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import genanki

import pipeline.leads
import pipeline.parts
import pipeline.sanitize
import pipeline.writers.anki
import pipeline.writers.anki_html
import pipeline.writers.html
from pipeline import inputs
from pipeline.book import Book, read_series
from pipeline.errors import HandbookError
from pipeline.fileio import check_output_dir, write_subdir, writer_of
from pipeline.formats import FIGURES_FOLDER, book_deck_file, section_deck_file
from pipeline.leads import handbook_splits
from pipeline.model import Handbook, Section, handbook_images, images
from pipeline.note_state import NOTE_TYPE_ROW, NoteClock, read_state
from pipeline.readers.markdown import read_markdown
from pipeline.site_config import configured_site_url
from pipeline.source_time import source_time
from pipeline.tex_allowlist import check_card_html
from pipeline.writers.anki import (
    CARD_CSS,
    CARD_STYLESHEET,
    NoteDates,
    apkg_files,
    media_name,
    parent_decks,
    section_decks,
)

WRITER = "handbook export-anki"  # names the folder's owner in its marker (pipeline.fileio)

# Modules whose code decides what a card looks like: a change to any of them
# must reach readers who re-import, so their times count like the Markdown's.
CARD_MODULES = (
    pipeline.writers.anki,
    pipeline.writers.anki_html,
    pipeline.writers.html,
    pipeline.sanitize,
    pipeline.leads,
    pipeline.parts,
)
CARD_FILES = (CARD_STYLESHEET,)  # and the files they read


@dataclass(frozen=True)
class AnkiReport:
    """What `export_anki` wrote, for the CLI summary."""

    out_dir: Path  # the book's folder of decks, `<decks>/<book>`
    decks: tuple[tuple[str, int], ...]  # (file name, number of notes: questions' and part notes)
    timestamp: int  # the current source time, given to notes whose content changed
    time_source: str
    changed: tuple[str, ...] = ()  # ids of the notes (questions, parts) dated anew in this run
    state_file: Path | None = None
    note_type_changed: bool = False

    @property
    def notes(self) -> int:
        """Notes written, each counted once (the whole book's deck repeats the sections')."""
        return sum(count for name, count in self.decks if name != book_deck_file(self.out_dir.name))

    def summary(self) -> str:
        """A short summary, then one line per deck."""
        plural = "" if len(self.decks) == 1 else "s"
        since = f" since {self.state_file}" if self.state_file else ""
        if self.changed:
            when = datetime.fromtimestamp(self.timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            dates = (
                f"{len(self.changed)} changed{since}, dated {when} (from {self.time_source}); "
                f"{self.notes - len(self.changed)} unchanged keep their time"
            )
        else:
            dates = f"no note changed{since}: every note keeps its time"
        if self.note_type_changed:
            dates += "; the note type (templates, CSS) changed"
        width = max(len(name) for name, _ in self.decks)
        return "\n".join(
            [
                f"Wrote {len(self.decks)} deck{plural}, {self.notes} notes, to {self.out_dir}/",
                f"Notes: {dates}",
                *(f"  {name:<{width}}  {count:>4} notes" for name, count in self.decks),
            ]
        )


def export_anki(
    book: Book,
    out_dir: Path,
    slugs: Sequence[str] | None,
    *,
    timestamp: int | None = None,
    site_url: str | None = None,
    css: str = CARD_CSS,
    state_file: Path | None = None,
    force: bool = False,
    adopt: bool = False,
    series: str | None = None,
) -> AnkiReport:
    """Write the book's `<out_dir>/<slug>/<section>.apkg` per chosen section; with no slugs, all
    plus `<slug>.apkg`, from its canonical Markdown.

    The book's slug also makes its tags and, for every book but the first, the
    keys of its notes and decks; `series` is the deck tree's top level (default:
    the title in series.toml, `read_series`). `timestamp` overrides the current
    source time that notes whose content changed receive. The state file
    (default: the book's `question-state.tsv`) is read, and rewritten when a
    note's content changed. Each question's note is followed by its part notes
    (pipeline.parts); where each answer's lead ends comes from the rule and the
    book's reviewed `leads.toml` (pipeline.leads).
    A full export replaces the book's folder as a whole (no stale decks
    survive); a partial one adds or replaces just its own files there, and
    every other file stays. `out_dir` and the book's folder must each be
    missing, empty or one we wrote, unless `force`; `adopt` takes over an unmarked
    default decks/ from before markers (see pipeline.fileio).
    """
    check_output_dir(out_dir, WRITER, force=force, adopt=adopt)  # before the work, not only after it
    handbook = read_markdown(book.handbook_dir)
    check_output_dir(out_dir / book.slug, WRITER, force=force)
    series = read_series().title if series is None else series
    sections = chosen_sections(handbook, slugs)
    state_file = book.state_file if state_file is None else state_file
    if timestamp is None:
        timestamp, time_source = build_time(
            book.handbook_dir, [p for p in (book.leads_file,) if inputs.present(p)]
        )
    else:
        time_source = "the caller"
    clock = NoteClock(read_state(state_file), timestamp)
    url = configured_site_url() if site_url is None else site_url
    svgs = figure_media(book.handbook_dir, handbook)
    decks = section_decks(
        handbook,
        book.slug,
        sections,
        series=series,
        site_url=url,
        css=css,
        dates=NoteDates(clock.time_of, NOTE_TYPE_ROW),
        media={name: file for name, (file, _) in svgs.items()},
        splits=handbook_splits(handbook, book.leads_file),
    )
    for deck in decks:  # the finished cards, checked again
        for note in deck.notes:
            for field in note.fields:
                check_card_html(field, f"question {note.fields[-1]!r}")
    packages: dict[str, tuple[list[genanki.Deck], dict[str, bytes]]] = {
        section_deck_file(section, book.slug): ([deck], _media_of([section], svgs))
        for section, deck in zip(sections, decks, strict=True)
    }
    if not slugs:
        packages[book_deck_file(book.slug)] = (
            [*parent_decks(handbook, book.slug, series), *decks],
            _media_of(sections, svgs),
        )
    files = apkg_files(packages)
    write_subdir(
        out_dir,
        book.slug,
        files,
        WRITER,
        replace_all=not slugs,
        force=force,
        adopt=adopt,
    )
    if not slugs:
        _retire_flat_layout(out_dir)
    clock.save(state_file, keep_others=bool(slugs))
    counts = tuple((name, sum(len(deck.notes) for deck in decks)) for name, (decks, _) in packages.items())
    return AnkiReport(
        out_dir / book.slug,
        counts,
        timestamp,
        time_source,
        tuple(clock.changed),
        state_file,
        clock.note_type_changed,
    )


def figure_media(handbook_dir: Path, handbook: Handbook) -> dict[str, tuple[str, bytes]]:
    """Each figure the handbook shows: its media file name and its SVG."""
    media = {}
    for image in handbook_images(handbook):
        svg = inputs.read_bytes(handbook_dir / image.src, inputs.FIGURE)
        media[image.name] = (media_name(image.name, svg), svg)
    return media


def _media_of(sections: Sequence[Section], svgs: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
    """The media files a package's notes show (file name → bytes)."""
    shown = {image.name for section in sections for q in section.questions for image in images(q.answer)}
    return dict(svgs[name] for name in sorted(shown))


def chosen_sections(handbook: Handbook, slugs: Sequence[str] | None) -> list[Section]:
    if not slugs:
        return list(handbook.sections)
    known = [section.slug for section in handbook.sections]
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise HandbookError(
            f"unknown section {', '.join(map(repr, unknown))}; choose from: {', '.join(known)}"
        )
    return [handbook.section(slug) for slug in dict.fromkeys(slugs)]


def _retire_flat_layout(out_dir: Path) -> None:
    """Remove the decks an export wrote straight into `out_dir` before each book had its folder
    (`handbook.apkg`, `<section>.apkg`): only from a folder marked as ours, only files."""
    if writer_of(out_dir) != WRITER:
        return
    for path in sorted(out_dir.glob("*.apkg")):
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
        except OSError as error:
            raise HandbookError(f"cannot remove the old deck {path}: {error.strerror or error}") from None


# --- the modification time ---------------------------------------------------


def build_time(handbook_dir: Path, extra_inputs: Sequence[Path] = ()) -> tuple[int, str]:
    """The current source time in seconds, and where it came from (see module doc)."""
    modules = [Path(m.__file__) for m in CARD_MODULES if m.__file__]
    figures = sorted((handbook_dir / FIGURES_FOLDER).glob("*.svg"))
    files = sorted(handbook_dir.glob("*.md")) + figures + modules + list(CARD_FILES)
    return source_time(files + list(extra_inputs))
