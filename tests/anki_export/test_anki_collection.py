"""The decks as a reader's Anki sees them: imported into real collections.

Uses the `anki` package from PyPI (the engine of the desktop app) with its
default import options, the ones the desktop import dialog starts with.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from bs4 import BeautifulSoup

from pipeline.anki import export_anki
from pipeline.book import markdown_book
from pipeline.model import Handbook
from pipeline.readers.anki_package import answer_split
from pipeline.readers.html_fragment import fragment_inlines
from pipeline.readers.markdown import read_markdown
from pipeline.writers.anki import CARD_CSS, MODEL_NAME, deck_name, note_tag, section_label
from tests.anki_export.anki_fixtures import (
    REAL,
    RICH,
    SERIES,
    SOURCE_TIME,
    book_deck,
    import_package,
    rich_handbook,
    section_notes,
    set_mtime,
    write_source,
)
from tests.builders import para
from tests.layout import BOOK
from tests.session_builds import DECKS_SITE_URL


def notes_by_id(col: Collection) -> dict[str, object]:
    """Question id → note, for every note in the collection."""
    return {note["Id"]: note for note in (col.get_note(nid) for nid in col.find_notes(""))}


def assert_round_trip(col: Collection, handbook: Handbook, book: str) -> None:
    """Every question and part note: its title, its whole answer (lead and rest), section and tag."""
    notes = notes_by_id(col)
    assert len(notes) == sum(len(section_notes(s)) for s in handbook.sections)
    for section in handbook.sections:
        for question in section_notes(section):
            note = notes[question.id]
            assert fragment_inlines(note["Question"]) == question.title, question.id
            assert answer_split(note["Answer"]).join() == question.answer, question.id
            assert note["Section"] == section.title.replace("&", "&amp;")
            assert note.tags == [note_tag(book, section)]


def deck_counts(col: Collection) -> dict[str, int]:
    return {name: len(col.find_cards(f'"deck:{name}" -"deck:{name}::*"')) for name in col.decks.all_names()}


@pytest.fixture(scope="module")
def canonical(canonical_decks: Path) -> tuple[Handbook, Path]:
    """The committed handbook, and the session's export of it (its book's folder of decks)."""
    return read_markdown(BOOK.handbook_dir), canonical_decks / REAL


def test_each_section_deck_imports_with_its_questions(canonical, tmp_path: Path) -> None:
    handbook, out = canonical
    for section in handbook.sections:
        col = Collection(str(tmp_path / f"{section.slug}.anki2"))
        try:
            log = import_package(col, out / f"{section.slug}.apkg")
            assert len(log.new) == len(section_notes(section))
            assert not log.conflicting and not log.duplicate
            assert deck_counts(col)[deck_name(handbook, section, SERIES)] == len(section_notes(section))
            assert col.note_count() == len(section_notes(section))
        finally:
            col.close()


def test_combined_deck_has_a_subdeck_per_section_and_round_trips(canonical, collection) -> None:
    handbook, out = canonical
    log = import_package(collection, out / f"{REAL}.apkg")
    total = sum(len(section_notes(section)) for section in handbook.sections)
    assert len(log.new) == collection.note_count() == total
    counts = deck_counts(collection)
    for section in handbook.sections:
        assert counts[deck_name(handbook, section, SERIES)] == len(section_notes(section))
    assert_round_trip(collection, handbook, REAL)


def test_section_and_combined_decks_share_notes(canonical, collection) -> None:
    handbook, out = canonical
    first = handbook.sections[0]
    import_package(collection, out / f"{first.slug}.apkg")
    log = import_package(collection, out / f"{REAL}.apkg")
    assert len(log.duplicate) == len(section_notes(first))
    assert collection.note_count() == sum(len(section_notes(s)) for s in handbook.sections)


def test_math_code_and_structure_round_trip(tmp_path: Path, collection) -> None:
    source = write_source(rich_handbook(), tmp_path / "handbook")
    export_anki(markdown_book(source), tmp_path / "decks", None, site_url="")
    import_package(collection, book_deck(tmp_path / "decks", RICH))
    handbook = read_markdown(source)
    assert_round_trip(collection, handbook, RICH)
    for note in notes_by_id(collection).values():
        for value in note.fields:
            assert "{{" not in value and "}}" not in value and "::" not in value
    code = notes_by_id(collection)["q-code"]["Answer"]
    assert 'class="highlight language-cpp"' in code and '<span class="o">' in code


def test_source_field_links_to_the_question_on_the_site(tmp_path: Path, collection) -> None:
    source = write_source(rich_handbook(), tmp_path / "handbook")
    export_anki(markdown_book(source), tmp_path / "decks", ["structure"], site_url="https://example.org/hb/")
    import_package(collection, tmp_path / "decks" / RICH / "structure.apkg")
    link = BeautifulSoup(notes_by_id(collection)["q-structure"]["Source"], "html.parser").a
    assert link["href"] == "https://example.org/hb/02-structure/#q-structure"


def test_update_in_place_keeps_ids_and_review_history(tmp_path: Path, collection) -> None:
    source = tmp_path / "handbook"
    shutil.copytree(BOOK.handbook_dir, source)
    set_mtime(source, SOURCE_TIME)
    decks = tmp_path / "decks"
    assert export_anki(markdown_book(source), decks, None).timestamp == SOURCE_TIME
    import_package(collection, book_deck(decks, REAL))
    before = {
        note.guid: (note.id, tuple(note.card_ids()))
        for note in map(collection.get_note, collection.find_notes(""))
    }

    handbook = read_markdown(source)
    section, question = next(handbook.questions())
    card = collection.get_card(notes_by_id(collection)[question.id].card_ids()[0])
    card.start_timer()
    collection.sched.answerCard(card, 3)
    assert collection.db.scalar("select count() from revlog where cid = ?", card.id) == 1

    edited = "Edited later: this sentence was added to the answer."
    path = next(source.glob(f"*-{section.slug}.md"))
    text = path.read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.endswith(f"{{#{question.id}}}"))
    path.write_text(text.replace(heading, f"{heading}\n\n{edited}", 1), encoding="utf-8")
    set_mtime(source, SOURCE_TIME)
    os.utime(path, (SOURCE_TIME + 60, SOURCE_TIME + 60))  # the edit comes after the export
    assert export_anki(markdown_book(source), decks, None).timestamp == SOURCE_TIME + 60

    log = import_package(collection, book_deck(decks, REAL))
    assert not log.conflicting and not log.new
    after = {
        note.guid: (note.id, tuple(note.card_ids()))
        for note in map(collection.get_note, collection.find_notes(""))
    }
    assert after == before
    note = notes_by_id(collection)[question.id]
    assert edited in note["Answer"]
    assert answer_split(note["Answer"]).join() == (para(edited),) + question.answer
    assert collection.db.scalar("select count() from revlog where cid = ?", card.id) == 1
    reviewed = collection.get_card(card.id)
    assert reviewed.reps == 1 and reviewed.type != 0


def test_unchanged_export_is_left_alone_on_reimport(tmp_path: Path, collection) -> None:
    source = write_source(rich_handbook(), tmp_path / "handbook")
    export_anki(markdown_book(source), tmp_path / "a", None)
    export_anki(markdown_book(source), tmp_path / "b", None)
    assert (book_deck(tmp_path / "a", RICH)).read_bytes() == (book_deck(tmp_path / "b", RICH)).read_bytes()
    import_package(collection, book_deck(tmp_path / "a", RICH))
    log = import_package(collection, book_deck(tmp_path / "b", RICH))
    assert len(log.duplicate) == 3 and not log.updated and not log.conflicting


def test_changed_card_css_reaches_the_note_type(tmp_path: Path) -> None:
    source = write_source(rich_handbook(), tmp_path / "handbook")
    path = str(tmp_path / "profile.anki2")
    changed = CARD_CSS + "\n.question { color: #123456; }\n"
    export_anki(markdown_book(source), tmp_path / "old", None, timestamp=SOURCE_TIME)
    export_anki(markdown_book(source), tmp_path / "new", None, timestamp=SOURCE_TIME + 1, css=changed)
    col = Collection(path)
    try:
        import_package(col, book_deck(tmp_path / "old", RICH))
        log = import_package(col, book_deck(tmp_path / "new", RICH))
        assert not log.conflicting
    finally:
        col.close()
    col = Collection(path)  # a fresh handle: the note type cache is per handle
    try:
        models = [m for m in col.models.all() if m["name"] == MODEL_NAME]
        assert len(models) == 1 and models[0]["css"] == changed
    finally:
        col.close()


def test_fields_are_sanitized(tmp_path: Path, collection) -> None:
    source = write_source(rich_handbook(), tmp_path / "handbook")
    section = next(source.glob("*-structure.md"))
    evil = (
        "\n## Evil? {#q-evil}\n\n<script>alert(1)</script>\n\n"
        "Look <img src=x onerror=alert(1)> here and [click](javascript:alert(1)) or "
        '<a href="javascript:alert(2)">this</a>.\n'
    )
    section.write_text(section.read_text(encoding="utf-8") + evil, encoding="utf-8")
    export_anki(markdown_book(source), tmp_path / "decks", ["structure"])
    import_package(collection, tmp_path / "decks" / RICH / "structure.apkg")
    for note in notes_by_id(collection).values():
        for value in note.fields:
            soup = BeautifulSoup(value, "html.parser")
            assert not soup.find_all(["script", "img", "iframe", "object"])
            for tag in soup.find_all(True):
                assert not any(name.lower().startswith("on") for name in tag.attrs), value
                for attribute in ("href", "src"):
                    target = str(tag.get(attribute, "")).strip().lower()
                    assert not target or target.startswith(("http:", "https:", "mailto:")) or "/#" in target
            assert "<script" not in value.lower() and "<img" not in value.lower()


def test_section_decks_list_in_book_order_each_with_its_description(canonical, collection) -> None:
    """Anki lists subdecks (and gathers a parent deck's new cards) by name: the numbered names keep
    the book's order. Each section deck says what it covers, how much, and where to read it."""
    handbook, out = canonical
    import_package(collection, out / f"{REAL}.apkg")
    (series,) = collection.decks.deck_tree().children
    (book,) = series.children
    names = [child.name for child in book.children]
    assert names == [section_label(handbook, s) for s in handbook.sections] == sorted(names)
    assert names[1] == "02 Optimization Procedures"  # cased like the others; the cards keep the author's
    descriptions = []
    for number, section in enumerate(handbook.sections, start=1):
        description = BeautifulSoup(
            collection.decks.by_name(deck_name(handbook, section, SERIES))["desc"], "html.parser"
        )
        descriptions.append(description.text)
        assert f"Section {number} of {len(handbook.sections)}" in description.text
        assert f"{len(section.questions)} question" in description.text
        assert len(description.select("ol li")) == len(section.questions)
        links = [a["href"] for a in description.find_all("a")]
        assert f"{DECKS_SITE_URL}{number:02d}-{section.slug}/" in links and handbook.meta.source_url in links
    assert len(set(descriptions)) == len(descriptions)


def test_the_browse_window_shows_the_question_and_the_answer(canonical, collection) -> None:
    """The note type's browser appearance: the Question column is the question (not the section
    above it on the card), the Answer column the answer, its lead first."""
    import_package(collection, canonical[1] / f"{REAL}.apkg")
    collection.set_browser_card_columns(["question", "answer"])
    for card_id in collection.find_cards("")[::9]:
        note = collection.get_card(card_id).note()
        question, answer = (cell[0] for cell in collection.browser_row_for_id(card_id)[0])
        assert question == " ".join(BeautifulSoup(note["Question"], "html.parser").get_text().split())
        lead = BeautifulSoup(note["Answer"], "html.parser").get_text()
        assert "".join(answer.split())[:30] == "".join(lead.split())[:30]
        assert not answer.startswith(note["Section"])
