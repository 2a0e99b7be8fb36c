"""Model → Anki packages (.apkg): the note type, stable ids, fields, card CSS.

Everything a reader's collection uses to recognise our content again is
derived from ids that never change with the text: the note type's id from a
fixed string, deck ids from the section slug, note GUIDs from the question id.
So a re-imported deck updates its notes in place and keeps their reviews.

Anki updates an existing note or note type only when the incoming one is newer
(its modification time in seconds), so the caller passes one `timestamp`,
derived from the sources, not the clock (see `pipeline.anki.build_time`); with
the same input the package is the same, byte for byte.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import sqlite3
import time
import zipfile
from typing import Sequence

import genanki

from pipeline.model import Handbook, Question, Section
from pipeline.sanitize import clean_html, safe_url, web_url
from pipeline.writers.anki_html import ANKI_STYLE, anki_field
from pipeline.writers.html import blocks_html, title_html
from pipeline.writers.markdown import section_filename

# Namespace of every id below. Changing it (or a field or template name, which
# make up the note type's schema) detaches all decks readers already have.
ID_NAMESPACE = "handbook"
MODEL_KEY = "handbook-model:v1"
MODEL_NAME = "Handbook question"
FIELDS = ("Question", "Answer", "Section", "Source", "Id")
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
# versions put it on an ancestor. Highlighted code carries inline light-theme
# colours, so it stays a light "island" in night mode to remain readable.
CARD_CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 18px; line-height: 1.5; text-align: left;
  color: #1f2328; background-color: #ffffff;
  max-width: 46em; margin: 0 auto; padding: 0 0.6em;
}
.section { font-size: 0.75em; letter-spacing: 0.02em; color: #59636e; margin-bottom: 0.4em; }
.question { font-weight: 600; font-size: 1.1em; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 1em 0; }
.answer p, .answer ul, .answer ol { margin: 0.5em 0; }
.answer blockquote { margin: 0.5em 0; padding-left: 1em; border-left: 3px solid #d0d7de; color: #59636e; }
.answer table { border-collapse: collapse; margin: 0.5em 0; display: block; overflow-x: auto; }
.answer th, .answer td { border: 1px solid #d0d7de; padding: 0.2em 0.6em; }
div.arithmatex { overflow-x: auto; overflow-y: hidden; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em;
  background: #eff1f3; padding: 0.1em 0.3em; border-radius: 4px; }
.highlight { border-radius: 6px; padding: 0 0.8em; margin: 0.6em 0; overflow-x: auto;
  border: 1px solid #d0d7de; }
.highlight pre { margin: 0.6em 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.85em; white-space: pre; }
a { color: #0969da; }
.source { margin-top: 1.5em; font-size: 0.75em; }
.source a { color: #59636e; }

.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card {
  color: #e6edf3; background-color: #1e1f22;
}
.nightMode .section, .night_mode .section,
.nightMode .source a, .night_mode .source a,
.nightMode .answer blockquote, .night_mode .answer blockquote { color: #9198a1; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #3d444d; }
.nightMode .answer th, .night_mode .answer th,
.nightMode .answer td, .night_mode .answer td { border-color: #3d444d; }
.nightMode code, .night_mode code { background: #2d333b; color: #e6edf3; }
.nightMode .highlight, .night_mode .highlight {
  background: #f6f8fa !important; color: #1f2328; border-color: #3d444d;
}
.nightMode a, .night_mode a { color: #4493f8; }
"""

# Zip entry dates cannot be earlier than 1980.
_ZIP_EPOCH = 315532800


def stable_id(*parts: str) -> int:
    """An id in the range genanki recommends for decks and note types, from fixed strings."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_guid(question: Question) -> str:
    return genanki.guid_for(ID_NAMESPACE, question.id)


def note_model(css: str = CARD_CSS) -> genanki.Model:
    """Our note type; its name, id, fields and template names must stay fixed."""
    return genanki.Model(
        stable_id(MODEL_KEY),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": TEMPLATE_NAME, "qfmt": QUESTION_TEMPLATE, "afmt": ANSWER_TEMPLATE}],
        css=css,
        sort_field_index=0,
    )


def deck_name(handbook: Handbook, section: Section) -> str:
    """`<Handbook title>::<Section title>`, for section decks and the combined one alike."""
    return f"{_deck_part(handbook.meta.title)}::{_deck_part(section.title)}"


# A deck name is plain text that Anki's screens put into HTML, not every version
# escaping it; look-alike angle quotes keep a title's `<` `>` from ever being markup.
DECK_NAME_TEXT = str.maketrans({"<": "‹", ">": "›"})


def _deck_part(title: str) -> str:
    # `::` separates deck levels; the title itself must not add one.
    return " ".join(title.replace("::", ":").translate(DECK_NAME_TEXT).split()) or "Untitled"


def question_url(handbook: Handbook, section: Section, question: Question, site_url: str) -> str:
    """`<site_url>/<NN-slug>/#<id>`: the question on the published site."""
    number = handbook.sections.index(section) + 1
    page = section_filename(number, section).removesuffix(".md")
    base = f"{site_url.rstrip('/')}/" if site_url else ""
    return f"{base}{page}/#{question.id}"


def note_fields(handbook: Handbook, section: Section, question: Question, site_url: str) -> list[str]:
    """The five fields, each sanitized and then guarded against Anki's template syntax."""
    url = safe_url(question_url(handbook, section, question, site_url))
    source = f'<a href="{html.escape(url)}">{html.escape(section.title)}</a>' if url else ""
    raw = [
        title_html(question.title, ANKI_STYLE),
        blocks_html(question.answer, ANKI_STYLE),
        clean_html(html.escape(section.title, quote=False)),
        clean_html(source),
        clean_html(html.escape(question.id, quote=False)),
    ]
    return [anki_field(value) for value in raw]


def section_deck(handbook: Handbook, section: Section, model: genanki.Model, site_url: str) -> genanki.Deck:
    """A section's notes; `due` is each question's position in the whole handbook."""
    deck = genanki.Deck(
        stable_id(ID_NAMESPACE, section.slug),
        deck_name(handbook, section),
        description=_description(handbook),
    )
    before = sum(len(s.questions) for s in handbook.sections[:handbook.sections.index(section)])
    for position, question in enumerate(section.questions, start=before + 1):
        deck.add_note(genanki.Note(
            model=model,
            fields=note_fields(handbook, section, question, site_url),
            tags=[section.slug],
            guid=note_guid(question),
            due=position,
        ))
    return deck


def _description(handbook: Handbook) -> str:
    meta = handbook.meta
    by = f" by {html.escape(meta.author)}" if meta.author else ""
    url = web_url(meta.source_url)
    link = f' (<a href="{html.escape(url)}">original</a>)' if url else ""
    return anki_field(clean_html(f"Questions from “{html.escape(meta.title)}”{by}{link}."))


def section_decks(
    handbook: Handbook, sections: Sequence[Section], *, site_url: str, css: str = CARD_CSS,
) -> list[genanki.Deck]:
    """One deck per section, sharing one note type; reusable in several packages."""
    model = note_model(css)
    return [section_deck(handbook, section, model, site_url) for section in sections]


def parent_deck(handbook: Handbook) -> genanki.Deck:
    """The combined package's top deck, named for the handbook, holding no notes itself."""
    return genanki.Deck(
        stable_id(ID_NAMESPACE), _deck_part(handbook.meta.title), description=_description(handbook),
    )


def apkg_bytes(decks: Sequence[genanki.Deck], timestamp: int) -> bytes:
    """The .apkg for some decks; the same decks and timestamp give the same bytes.

    genanki's own `write_to_file` stamps the zip entries with the clock, so
    the SQLite collection is built here, in memory (no disk syncs), and zipped
    with fixed entry dates. Note and card ids count up from the timestamp in
    milliseconds, as genanki's do, offset by the first note's handbook position
    so a note gets the same id in its section's package and the combined one
    (Anki matches notes by GUID; distinct ids just spare it renumbering).
    """
    first = min((note.due for deck in decks for note in deck.notes), default=1)
    connection = sqlite3.connect(":memory:")
    try:
        id_gen = itertools.count(timestamp * 1000 + 2 * (first - 1))
        genanki.Package(list(decks)).write_to_db(connection.cursor(), timestamp, id_gen)
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    return _zip({"collection.anki2": collection, "media": b"{}"}, timestamp)


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
