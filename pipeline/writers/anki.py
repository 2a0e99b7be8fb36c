"""Model → Anki packages (.apkg): the note type, stable ids, fields, card CSS.

Everything a reader's collection uses to recognise our content again is
derived from ids that never change with the text: the note type's id from a
fixed string, deck ids from the section slug, note GUIDs from the question id.
So a re-imported deck updates its notes in place and keeps their reviews.
Decks form one tree for the whole series, `Series::Book::NN Section` (the series'
title is the caller's); Anki matches decks by name, so the names are what
places a learner's cards (docs/anki.md). The book's slug (its folder's name)
is the caller's too: it scopes the tags, and the ids of every book but the first.

A note shows one question (pipeline.leads: its lead first, the rest folded
under "Full answer"), or one part of an answer written in parts (pipeline.parts).

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
import os
import sqlite3
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import genanki

from pipeline import inputs
from pipeline.formats import ANKI_FIELDS, section_page
from pipeline.leads import Split, automatic_lead, split_answer
from pipeline.model import Handbook, Question, Section
from pipeline.parts import answer_parts
from pipeline.sanitize import clean_html, safe_url, web_url
from pipeline.writers.anki_html import ANKI_STYLE, CODE_CSS, anki_field, answer_html
from pipeline.writers.deck_names import (  # noqa: F401  (deck names are this writer's API too)
    DECK_NAME_TEXT,
    UNSCOPED_BOOKS,
    _deck_part,
    book_deck_name,
    book_key,
    deck_name,
    deck_renames,
    section_label,
    title_case,
)
from pipeline.writers.html import inlines_html, title_html
from pipeline.writers.site import SEARCH_STYLE

# (key, content digest) → modification time; key is a note's id (a question's or a part's)
# or the note type's key.
Dating = Callable[[str, str], int]


@dataclass(frozen=True)
class NoteDates:
    """When each note and the note type last changed: `time(key, digest)`, where a note's key
    is its id and the note type's is `note_type_key` (a row of the state file)."""

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

# What a card looks like, from a stylesheet of its own (its comments say why each rule
# is there), then the code colours for light and night mode.
CARD_STYLESHEET = Path(__file__).resolve().parents[1] / "card_assets" / "card.css"
CARD_CSS = inputs.read_text(CARD_STYLESHEET, inputs.STYLESHEET) + CODE_CSS

# The Browse window's columns: the question alone (not the section above it), and the answer.
BROWSER_QUESTION = "{{Question}}"
BROWSER_ANSWER = "{{Answer}}"

# Zip entry dates cannot be earlier than 1980.
_ZIP_EPOCH = 315532800


def stable_id(*parts: str) -> int:
    """An id in the range genanki recommends for decks and note types, from fixed strings."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_guid(question: Question, key: tuple[str, ...] = ()) -> str:
    guid: str = genanki.guid_for(ID_NAMESPACE, *key, question.id)
    return guid


# Note ids are Anki's creation times in milliseconds. Ours count from a fixed
# date (the handbook's year) by handbook position, so they never move with the
# note times (Anki matches notes by GUID; fixed ids just spare it renumbering).
# A question's note and card take two ids at 2 × (position - 1); its part notes
# take theirs from PART_IDS on, a thousand pairs per question.
NOTE_ID_EPOCH_MS = 1_546_300_800_000  # 2019-01-01
PART_IDS = 1_000_000_000
PARTS_PER_QUESTION = 1000


class DatedModel(genanki.Model):
    """A note type carrying its own modification time (None: the package's)."""

    modified: int | None = None

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        note_type: dict[str, Any] = super().to_json(
            timestamp if self.modified is None else self.modified, deck_id
        )
        return note_type


class DatedNote(genanki.Note):
    """A note carrying its own modification time (None: the package's) and fixed ids
    (`part`: the how-manieth part note of its question, 0 for the question's own)."""

    modified: int | None = None
    part: int = 0

    def write_to_db(
        self, cursor: sqlite3.Cursor, timestamp: float, deck_id: int, id_gen: Iterator[int]
    ) -> None:
        first = 2 * (self.due - 1)
        if self.part:
            first = PART_IDS + 2 * (PARTS_PER_QUESTION * (self.due - 1) + self.part - 1)
        own_ids = itertools.count(NOTE_ID_EPOCH_MS + first)
        super().write_to_db(cursor, timestamp if self.modified is None else self.modified, deck_id, own_ids)


def note_model(css: str = CARD_CSS, dates: NoteDates | None = None) -> DatedModel:
    """Our note type; its name, id, fields and template names must stay fixed."""
    template = {
        "name": TEMPLATE_NAME,
        "qfmt": QUESTION_TEMPLATE,
        "afmt": ANSWER_TEMPLATE,
        "bqfmt": BROWSER_QUESTION,
        "bafmt": BROWSER_ANSWER,
    }
    model = DatedModel(
        stable_id(MODEL_KEY),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[template],
        css=css,
        sort_field_index=0,
    )
    if dates is not None:
        model.modified = dates.time(
            dates.note_type_key, digest(css, *(template[k] for k in sorted(template)))
        )
    return model


def digest(*parts: str) -> str:
    """A short fingerprint of some content, as recorded in the note state file."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def note_tag(book: str, section: Section) -> str:
    """`handbook::<book>::<section>`: a tree in Anki's browser, AnkiDroid and AnkiMobile."""
    return f"{ID_NAMESPACE}::{book}::{section.slug}"


def section_url(handbook: Handbook, section: Section, site_url: str) -> str:
    """`<site_url>/<NN-slug>/`: the section's page on the published site."""
    number = handbook.sections.index(section) + 1
    base = f"{site_url.rstrip('/')}/" if site_url else ""
    return f"{base}{section_page(number, section)}/"


def question_url(handbook: Handbook, section: Section, question: Question, site_url: str) -> str:
    """`<site_url>/<NN-slug>/#<id>`: the question on the published site."""
    return f"{section_url(handbook, section, site_url)}#{question.id}"


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


# --- notes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """What one note shows: a question, or a part of one (pipeline.parts), and its answer's split."""

    note: Question
    question: Question  # the question it is, or belongs to (its links point there)
    split: Split


def section_cards(section: Section, splits: Mapping[str, Split] | None = None) -> list[list[Card]]:
    """Per question of the section: its own card, then its part notes' cards. `splits` (by note id,
    pipeline.leads.card_splits) says where each answer's lead ends; without, the rule does."""
    chosen = splits if splits is not None else {}

    def card(note: Question, question: Question) -> Card:
        split = chosen.get(note.id) or split_answer(note.answer, automatic_lead(note.answer))
        return Card(note, question, split)

    return [
        [card(question, question), *(card(part, question) for part in answer_parts(question))]
        for question in section.questions
    ]


def note_fields(
    handbook: Handbook,
    section: Section,
    card: Card,
    site_url: str,
    media: Mapping[str, str] | None = None,
) -> list[str]:
    """The five fields, each sanitized and then guarded against Anki's template syntax.

    `media` maps a figure's name to its media file name (`media_name`).
    """
    style = replace(ANKI_STYLE, image_url=lambda name: (media or {}).get(name, f"{name}.svg"))
    raw = [
        title_html(card.note.title, ANKI_STYLE),
        answer_html(card.split, style),
        clean_html(html.escape(section.title, quote=False)),
        source_links(handbook, section, card.question, site_url),
        clean_html(html.escape(card.note.id, quote=False)),
    ]
    return [anki_field(value) for value in raw]


def content_digest(
    handbook: Handbook,
    section: Section,
    card: Card,
    fields: Sequence[str],
    tags: Sequence[str],
    site_url: str,
) -> str:
    """What a note's time follows: its fields and tags, except the site address.

    `site_url` is left out so that setting it (the Pages workflow does, on
    every deploy) does not date every note anew.
    """
    portable = list(fields)
    if site_url:
        portable[FIELDS.index("Source")] = anki_field(source_links(handbook, section, card.question, ""))
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
    splits: Mapping[str, Split] | None = None,
) -> genanki.Deck:
    """A section's notes, each question's part notes after it; `due` is the question's position
    in the whole handbook (its parts share it, so they are new right after it)."""
    deck = genanki.Deck(
        stable_id(ID_NAMESPACE, *book_key(book), section.slug),
        deck_name(handbook, section, series),
        description=section_description(handbook, section, site_url),
    )
    before = sum(len(s.questions) for s in handbook.sections[: handbook.sections.index(section)])
    tags = [note_tag(book, section)]
    for position, cards in enumerate(section_cards(section, splits), start=before + 1):
        for part, card in enumerate(cards):
            fields = note_fields(handbook, section, card, site_url, media)
            guid = note_guid(card.note, book_key(book))
            note = DatedNote(model=model, fields=fields, tags=tags, guid=guid, due=position)
            note.part = part
            if dates is not None:
                note.modified = dates.time(
                    card.note.id, content_digest(handbook, section, card, fields, tags, site_url)
                )
            deck.add_note(note)
    return deck


def _book_credit(handbook: Handbook) -> str:
    """“Title” by Author, as escaped HTML."""
    meta = handbook.meta
    by = f" by {html.escape(meta.author)}" if meta.author else ""
    return f"“{html.escape(meta.title)}”{by}"


def _description(handbook: Handbook) -> str:
    url = original_url(handbook)
    link = f' (<a href="{html.escape(url)}">original</a>)' if url else ""
    return anki_field(clean_html(f"Questions from {_book_credit(handbook)}{link}."))


def section_description(handbook: Handbook, section: Section, site_url: str) -> str:
    """What a section deck covers (its questions, as text), how many questions and part notes it
    holds, and where to read it (the section's page, when `site_url` is known; the original post)."""
    number, total = handbook.sections.index(section) + 1, len(handbook.sections)
    questions = len(section.questions)
    parts = sum(len(answer_parts(q)) for q in section.questions)
    counted = f"{questions} question{'' if questions == 1 else 's'}"
    if parts:
        counted += f" and {parts} part note{'' if parts == 1 else 's'} (one per sub-heading of a long answer)"
    titles = "".join(f"<li>{inlines_html(q.title, SEARCH_STYLE)}</li>" for q in section.questions)
    links = []
    if site_url and (url := safe_url(section_url(handbook, section, site_url))):
        links.append(f'<a href="{html.escape(url)}">This section on the website</a>')
    if original := original_url(handbook):
        links.append(f'<a href="{html.escape(original)}">The original post</a>')
    where = f"<p>{' · '.join(links)}</p>" if links else ""
    return anki_field(
        clean_html(
            f"<p>Section {number} of {total} of {_book_credit(handbook)}: {counted}.</p>"
            f"<p>It asks:</p><ol>{titles}</ol>{where}"
        )
    )


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
    splits: Mapping[str, Split] | None = None,
) -> list[genanki.Deck]:
    """One deck per section of the book `book` (its slug), `Series::Book::NN Section`, sharing one
    note type; reusable in several packages. With `dates`, every note and the note type carry their
    own time; without, they take the package's. `splits`: where each answer's lead ends (by note id;
    default: the rule's)."""
    model = note_model(css, dates)
    return [
        section_deck(handbook, book, section, model, site_url, series, dates, media, splits)
        for section in sections
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
    return _zip(*_package_entries(decks, timestamp, media))


def apkg_files(
    packages: Mapping[str, tuple[Sequence[genanki.Deck], Mapping[str, bytes]]],
) -> dict[str, bytes]:
    """Several packages (name → decks and media), as `apkg_bytes` makes each: the collections
    one after another, the zips side by side (zlib lets go of the interpreter while it
    compresses, and the figures are most of every package's bytes)."""
    entries = [_package_entries(decks, None, media) for decks, media in packages.values()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return dict(zip(packages, pool.map(lambda args: _zip(*args), entries), strict=True))


def _package_entries(
    decks: Sequence[genanki.Deck], timestamp: int | None, media: Mapping[str, bytes] | None
) -> tuple[dict[str, bytes], int]:
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
    return entries, when


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
