"""Model → Anki packages (.apkg): the note type, stable ids, fields, card CSS.

Everything a reader's collection uses to recognise our content again is
derived from ids that never change with the text: the note type's id from a
fixed string, deck ids from the section slug, note GUIDs from the question id.
So a re-imported deck updates its notes in place and keeps their reviews.
Decks form one tree for the whole series, `Series::Book::Section` (the series'
title is the caller's); Anki matches decks by name, so the names are what
places a learner's cards (docs/anki.md). The book's slug (its folder's name)
is the caller's too: it scopes the tags, and the ids of every book but the first.

Anki updates an existing note or note type only when the incoming one is newer
(its modification time in seconds), so each note and the note type carry the
time their own content last changed: the caller passes `NoteDates`, a
`time(key, digest)` function (`pipeline.note_state.NoteClock.time_of`) that the
writer asks with a digest of each note's content, and the key it records the
note type under. With the same input and the same dates, the package is the
same, byte for byte.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import sqlite3
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import genanki

from pipeline.formats import ANKI_FIELDS, section_page
from pipeline.model import Handbook, Question, Section
from pipeline.sanitize import clean_html, safe_url, web_url
from pipeline.writers.anki_html import ANKI_STYLE, CODE_CSS, anki_field
from pipeline.writers.html import blocks_html, title_html

# (key, content digest) → modification time; key is a question id or the note type's key.
Dating = Callable[[str, str], int]


@dataclass(frozen=True)
class NoteDates:
    """When each note and the note type last changed: `time(key, digest)`, where a note's key
    is its question id and the note type's is `note_type_key` (a row of the state file)."""

    time: Dating
    note_type_key: str


# Namespace of every id below. Changing it (or a field or template name, which
# make up the note type's schema) detaches all decks readers already have.
ID_NAMESPACE = "handbook"
MODEL_KEY = "handbook-model:v1"
MODEL_NAME = "Handbook question"
FIELDS = ANKI_FIELDS  # part of the note type's schema, like the names above
TEMPLATE_NAME = "Question → Answer"

QUESTION_TEMPLATE = """\
<div class="section">{{Section}}</div>
<div class="question">{{Question}}</div>"""

ANSWER_TEMPLATE = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
<div class="source">{{Source}}</div>"""

# Desktop puts `.nightMode` on the card, AnkiDroid `.night_mode`; some
# versions put it on an ancestor. Code colours for both modes come from
# Pygments classes (CODE_CSS); the answer keeps a readable measure, and wide
# formulas, tables and code scroll inside the card instead of widening it.
CARD_CSS = (
    """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 18px; line-height: 1.5; text-align: left;
  color: #1f2328; background-color: #ffffff;
  max-width: 46em; margin: 0 auto; padding: 0 0.6em;
}
.section { font-size: 0.75em; letter-spacing: 0.02em; color: #59636e; margin-bottom: 0.4em; }
.question { font-weight: 600; font-size: 1.1em; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 1em 0; }
.question, .answer, .answer p { overflow-x: auto; overflow-y: hidden; }
.answer { overflow-wrap: break-word; padding-bottom: 2px; }
.answer p, .answer ul, .answer ol { margin: 0.5em 0; }
.answer ul, .answer ol { padding-left: 1.4em; }
.answer li { margin: 0.2em 0; }
.answer h2, .answer h3, .answer h4 { font-size: 1em; font-weight: 700; margin: 1.1em 0 0.3em; }
.answer blockquote { margin: 0.5em 0; padding-left: 1em; border-left: 3px solid #d0d7de; color: #59636e; }
.answer table { border-collapse: collapse; margin: 0.5em 0; display: block; overflow-x: auto; max-width: 100%; }
.answer th, .answer td { border: 1px solid #d0d7de; padding: 0.2em 0.6em; }
.answer img { max-width: 100%; height: auto; }
.answer figure { margin: 0.8em 0; }
.answer figcaption { font-size: 0.85em; color: #59636e; text-align: center; }
div.arithmatex { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em;
  background: #eff1f3; padding: 0.1em 0.3em; border-radius: 4px; }
.highlight { border-radius: 6px; padding: 0 0.8em; margin: 0.6em 0; overflow-x: auto; max-width: 100%;
  border: 1px solid #d0d7de; }
.highlight pre { margin: 0.6em 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.85em; line-height: 1.4; white-space: pre; }
.highlight code { background: none; padding: 0; }
a { color: #0969da; }
.source { margin-top: 1.5em; font-size: 0.75em; color: #59636e; }
.source a { color: #59636e; }

.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card {
  color: #e6edf3; background-color: #1e1f22;
}
.nightMode .section, .night_mode .section, .nightMode .source, .night_mode .source,
.nightMode .source a, .night_mode .source a,
.nightMode .answer blockquote, .night_mode .answer blockquote,
.nightMode .answer figcaption, .night_mode .answer figcaption { color: #9198a1; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #3d444d; }
.nightMode .answer th, .night_mode .answer th,
.nightMode .answer td, .night_mode .answer td { border-color: #3d444d; }
.nightMode code, .night_mode code { background: #2d333b; color: #e6edf3; }
.nightMode .highlight, .night_mode .highlight { border-color: #3d444d; }
.nightMode a, .night_mode a { color: #4493f8; }
"""
    + CODE_CSS
)

# Zip entry dates cannot be earlier than 1980.
_ZIP_EPOCH = 315532800


def stable_id(*parts: str) -> int:
    """An id in the range genanki recommends for decks and note types, from fixed strings."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


# Books whose decks were published before there were several books: their notes
# and decks keep the keys they had then (question id, section slug alone), so
# learners' imports still update in place. Every other book's keys start with its
# slug, so two books never share a note or deck, whatever their question ids.
UNSCOPED_BOOKS = frozenset({"deep-learning-concepts"})


def book_key(book: str) -> tuple[str, ...]:
    """What scopes the ids of the book `book` (its slug): nothing for a book from before books."""
    return () if book in UNSCOPED_BOOKS else (book,)


def note_guid(question: Question, key: tuple[str, ...] = ()) -> str:
    guid: str = genanki.guid_for(ID_NAMESPACE, *key, question.id)
    return guid


# Note ids are Anki's creation times in milliseconds. Ours count from a fixed
# date (the handbook's year) by handbook position, so they never move with the
# note times (Anki matches notes by GUID; fixed ids just spare it renumbering).
NOTE_ID_EPOCH_MS = 1_546_300_800_000  # 2019-01-01


class DatedModel(genanki.Model):
    """A note type carrying its own modification time (None: the package's)."""

    modified: int | None = None

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        note_type: dict[str, Any] = super().to_json(
            timestamp if self.modified is None else self.modified, deck_id
        )
        return note_type


class DatedNote(genanki.Note):
    """A note carrying its own modification time (None: the package's) and fixed ids."""

    modified: int | None = None

    def write_to_db(
        self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Iterator[int]
    ) -> None:
        own_ids = itertools.count(NOTE_ID_EPOCH_MS + 2 * (self.due - 1))
        super().write_to_db(cursor, timestamp if self.modified is None else self.modified, deck_id, own_ids)


def note_model(css: str = CARD_CSS, dates: NoteDates | None = None) -> DatedModel:
    """Our note type; its name, id, fields and template names must stay fixed."""
    model = DatedModel(
        stable_id(MODEL_KEY),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": TEMPLATE_NAME, "qfmt": QUESTION_TEMPLATE, "afmt": ANSWER_TEMPLATE}],
        css=css,
        sort_field_index=0,
    )
    if dates is not None:
        model.modified = dates.time(dates.note_type_key, digest(css, QUESTION_TEMPLATE, ANSWER_TEMPLATE))
    return model


def digest(*parts: str) -> str:
    """A short fingerprint of some content, as recorded in the note state file."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def book_deck_name(handbook: Handbook, series: str) -> str:
    """`<Series title>::<Handbook title>`: the book's deck, holding its sections' decks."""
    return f"{_deck_part(series)}::{_deck_part(handbook.meta.title)}"


def deck_rename(handbook: Handbook, book: str, series: str) -> tuple[str, str] | None:
    """For a book whose decks were published before the series level (`Book::Section`): the old
    top deck's name and the one a learner renames it to once, so imports land in their cards'
    decks (Anki matches decks by name; see docs/anki.md). None for a later book."""
    return None if book_key(book) else (_deck_part(handbook.meta.title), book_deck_name(handbook, series))


def deck_name(handbook: Handbook, section: Section, series: str) -> str:
    """`<Series title>::<Handbook title>::<Section title>`, in a section's package and the book's alike."""
    return f"{book_deck_name(handbook, series)}::{_deck_part(section.title)}"


# A deck name is plain text that Anki's screens put into HTML, not every version
# escaping it; look-alike angle quotes keep a title's `<` `>` from ever being markup.
DECK_NAME_TEXT = str.maketrans({"<": "‹", ">": "›"})


def _deck_part(title: str) -> str:
    # `::` separates deck levels; the title itself must not add one.
    return " ".join(title.replace("::", ":").translate(DECK_NAME_TEXT).split()) or "Untitled"


def note_tag(book: str, section: Section) -> str:
    """`handbook::<book>::<section>`: a tree in Anki's browser, AnkiDroid and AnkiMobile."""
    return f"{ID_NAMESPACE}::{book}::{section.slug}"


def question_url(handbook: Handbook, section: Section, question: Question, site_url: str) -> str:
    """`<site_url>/<NN-slug>/#<id>`: the question on the published site."""
    number = handbook.sections.index(section) + 1
    page = section_page(number, section)
    base = f"{site_url.rstrip('/')}/" if site_url else ""
    return f"{base}{page}/#{question.id}"


def original_url(handbook: Handbook) -> str | None:
    """The original post (`source_url`), if it is a web address."""
    return web_url(handbook.meta.source_url or "")


def source_links(handbook: Handbook, section: Section, question: Question, site_url: str) -> str:
    """The back's links: the question on the site (only when `site_url` is known,
    a site-relative link opens nothing from Anki) and the original post."""
    links = []
    if site_url and (url := safe_url(question_url(handbook, section, question, site_url))):
        links.append(f'<a href="{html.escape(url)}">This question on the website</a>')
    if original := original_url(handbook):
        links.append(f'<a href="{html.escape(original)}">The original post</a>')
    return clean_html(" · ".join(links))


def media_name(name: str, svg: bytes) -> str:
    """A figure's file in Anki's media folder: named for its content, since Anki keeps
    a file it already has under the same name, and an updated figure must replace it."""
    return f"{name}.{hashlib.sha256(svg).hexdigest()[:12]}.svg"


def note_fields(
    handbook: Handbook,
    section: Section,
    question: Question,
    site_url: str,
    media: Mapping[str, str] | None = None,
) -> list[str]:
    """The five fields, each sanitized and then guarded against Anki's template syntax.

    `media` maps a figure's name to its media file name (`media_name`).
    """
    style = replace(ANKI_STYLE, image_url=lambda name: (media or {}).get(name, f"{name}.svg"))
    raw = [
        title_html(question.title, ANKI_STYLE),
        blocks_html(question.answer, style),
        clean_html(html.escape(section.title, quote=False)),
        source_links(handbook, section, question, site_url),
        clean_html(html.escape(question.id, quote=False)),
    ]
    return [anki_field(value) for value in raw]


def content_digest(
    handbook: Handbook,
    section: Section,
    question: Question,
    fields: Sequence[str],
    tags: Sequence[str],
) -> str:
    """What a note's time follows: its fields and tags, except the site address.

    `site_url` is left out so that setting it (the Pages workflow does, on
    every deploy) does not date every note anew.
    """
    source = FIELDS.index("Source")
    portable = list(fields)
    portable[source] = anki_field(source_links(handbook, section, question, ""))
    return digest(*portable, *tags)


def section_deck(
    handbook: Handbook,
    book: str,
    section: Section,
    model: genanki.Model,
    site_url: str,
    series: str,
    dates: NoteDates | None = None,
    media: Mapping[str, str] | None = None,
) -> genanki.Deck:
    """A section's notes; `due` is each question's position in the whole handbook."""
    deck = genanki.Deck(
        stable_id(ID_NAMESPACE, *book_key(book), section.slug),
        deck_name(handbook, section, series),
        description=_description(handbook),
    )
    before = sum(len(s.questions) for s in handbook.sections[: handbook.sections.index(section)])
    tags = [note_tag(book, section)]
    for position, question in enumerate(section.questions, start=before + 1):
        fields = note_fields(handbook, section, question, site_url, media)
        guid = note_guid(question, book_key(book))
        note = DatedNote(model=model, fields=fields, tags=tags, guid=guid, due=position)
        if dates is not None:
            note.modified = dates.time(question.id, content_digest(handbook, section, question, fields, tags))
        deck.add_note(note)
    return deck


def _description(handbook: Handbook) -> str:
    meta = handbook.meta
    by = f" by {html.escape(meta.author)}" if meta.author else ""
    url = original_url(handbook)
    link = f' (<a href="{html.escape(url)}">original</a>)' if url else ""
    return anki_field(clean_html(f"Questions from “{html.escape(meta.title)}”{by}{link}."))


def section_decks(
    handbook: Handbook,
    book: str,
    sections: Sequence[Section],
    *,
    series: str,
    site_url: str,
    css: str = CARD_CSS,
    dates: NoteDates | None = None,
    media: Mapping[str, str] | None = None,
) -> list[genanki.Deck]:
    """One deck per section of the book `book` (its slug), `Series::Book::Section`, sharing one
    note type; reusable in several packages.

    With `dates`, every note and the note type carry their own time; without,
    they take the package's.
    """
    model = note_model(css, dates)
    return [
        section_deck(handbook, book, section, model, site_url, series, dates, media) for section in sections
    ]


# The series' deck id: a key no book slug can be (slugs have no colon), and not the
# title's, since the deck is found by its name anyway and one project has one series.
SERIES_KEY = "::series"


def parent_decks(handbook: Handbook, book: str, series: str) -> list[genanki.Deck]:
    """The whole book's package's upper decks, holding no notes: the series', then the book's
    (whose id is the one the book's top deck always had)."""
    return [
        genanki.Deck(
            stable_id(ID_NAMESPACE, SERIES_KEY),
            _deck_part(series),
            description=anki_field(clean_html(f"The books of “{html.escape(series)}”.")),
        ),
        genanki.Deck(
            stable_id(ID_NAMESPACE, *book_key(book)),
            book_deck_name(handbook, series),
            description=_description(handbook),
        ),
    ]


def newest_time(decks: Sequence[genanki.Deck]) -> int:
    """The latest time among the decks' dated notes and note types (0 if none)."""
    notes = [note for deck in decks for note in deck.notes]
    times = [n.modified for n in notes if getattr(n, "modified", None) is not None]
    times += [
        m.modified
        for m in {id(n.model): n.model for n in notes}.values()
        if getattr(m, "modified", None) is not None
    ]
    return max(times, default=0)


def apkg_bytes(
    decks: Sequence[genanki.Deck], timestamp: int | None = None, media: Mapping[str, bytes] | None = None
) -> bytes:
    """The .apkg for some decks; the same decks and times give the same bytes.

    `timestamp` dates the package itself (collection, decks, zip entries) and
    any note without its own time; by default, the newest note's time.
    genanki's own `write_to_file` stamps the zip entries with the clock, so
    the SQLite collection is built here, in memory (no disk syncs), and zipped
    with fixed entry dates. `media` (file name → bytes) become the package's
    numbered media entries, in name order, as `Package.media_files` would.
    """
    when = newest_time(decks) if timestamp is None else timestamp
    connection = sqlite3.connect(":memory:")
    try:
        genanki.Package(list(decks)).write_to_db(connection.cursor(), when, itertools.count(when * 1000))
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    names = sorted(media or {})
    index = json.dumps({str(number): name for number, name in enumerate(names)}).encode("utf-8")
    entries = {"collection.anki2": collection, "media": index}
    entries.update({str(number): (media or {})[name] for number, name in enumerate(names)})
    return _zip(entries, when)


def _zip(entries: dict[str, bytes], timestamp: int) -> bytes:
    date_time = time.gmtime(max(timestamp, _ZIP_EPOCH))[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
