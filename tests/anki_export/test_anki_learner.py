"""A learner's collection across deck updates, in real Anki: only changed notes move.

The scenario: import, review, edit one note locally, then an
upstream change to a different answer; re-importing with Anki's default
options must update exactly that note and leave the learner's edit alone.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from anki.consts import QUEUE_TYPE_SUSPENDED
from bs4 import BeautifulSoup

from pipeline.anki import export_anki
from pipeline.book import markdown_book
from pipeline.note_state import read_state
from pipeline.readers.markdown import read_markdown
from tests.anki_export.anki_fixtures import REAL, book_deck, import_package, section_notes
from tests.layout import BOOK

# Both in the past, so a learner's edit (dated by the clock) is newer than either.
FIRST_EXPORT, SECOND_EXPORT = 1_700_000_000, 1_700_100_000
LEARNER_NOTE = "<p>My own mnemonic: this is the one I always forget.</p>"


def add_paragraph(source: Path, question_id: str, text: str) -> None:
    """Append a paragraph to a question's answer in the canonical Markdown."""
    for path in source.glob("*.md"):
        lines = path.read_text(encoding="utf-8").split("\n")
        heading = next((n for n, line in enumerate(lines) if line.endswith(f"{{#{question_id}}}")), None)
        if heading is not None:
            lines.insert(heading + 1, f"\n{text}")
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise AssertionError(f"no question {question_id}")


def test_only_the_changed_note_updates_and_the_learners_edit_survives(tmp_path: Path, collection) -> None:
    source = tmp_path / "handbook"
    shutil.copytree(BOOK.handbook_dir, source)
    state, decks = tmp_path / "question-state.tsv", tmp_path / "decks"
    first = export_anki(markdown_book(source), decks, None, timestamp=FIRST_EXPORT, state_file=state)
    count = sum(len(section_notes(s)) for s in read_markdown(source).sections)
    assert first.notes == count and len(first.changed) == count
    assert {s.time for s in read_state(state).values()} == {FIRST_EXPORT}
    import_package(collection, book_deck(decks, REAL))

    # 1. Review a few cards.
    reviewed = []
    for card_id in sorted(collection.find_cards(""))[:3]:
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, 3)
        reviewed.append(card_id)
    history = collection.db.scalar("select count() from revlog")
    assert history == 3

    # 2. The learner edits note X.
    questions = [q for _, q in read_markdown(source).questions()]
    x_id, y_id = questions[1].id, questions[5].id
    notes = {collection.get_note(n)["Id"]: n for n in collection.find_notes("")}
    x = collection.get_note(notes[x_id])
    x["Answer"] += LEARNER_NOTE
    collection.update_note(x)

    # 3. Upstream changes the answer of Y; re-export and re-import with the defaults.
    add_paragraph(source, y_id, "A sentence the author added later.")
    second = export_anki(markdown_book(source), decks, None, timestamp=SECOND_EXPORT, state_file=state)
    assert second.changed == (y_id,)
    times = {key: s.time for key, s in read_state(state).items()}
    assert times[y_id] == SECOND_EXPORT
    assert [key for key, t in times.items() if t != FIRST_EXPORT] == [y_id]

    log = import_package(collection, book_deck(decks, REAL))
    assert [collection.get_note(n.id.nid)["Id"] for n in log.updated] == [y_id]
    assert not log.new and not log.conflicting
    assert "A sentence the author added later." in collection.get_note(notes[y_id])["Answer"]
    assert collection.get_note(notes[x_id])["Answer"].endswith(LEARNER_NOTE)
    assert collection.note_count() == count
    assert collection.db.scalar("select count() from revlog") == history
    assert all(collection.get_card(card_id).reps == 1 for card_id in reviewed)


def test_front_shows_the_section_and_back_links_the_site_and_the_post(tmp_path: Path, collection) -> None:
    source = tmp_path / "handbook"
    shutil.copytree(BOOK.handbook_dir, source)
    handbook = read_markdown(source)
    export_anki(
        markdown_book(source),
        tmp_path / "decks",
        None,
        site_url="https://example.org/hb/",
        state_file=tmp_path / "state.tsv",
        timestamp=FIRST_EXPORT,
    )
    import_package(collection, book_deck(tmp_path / "decks", REAL))
    by_id = {collection.get_note(n)["Id"]: collection.get_note(n) for n in collection.find_notes("")}
    for number, section in enumerate(handbook.sections, start=1):
        question = section.questions[0]
        card = by_id[question.id].cards()[0]
        front = BeautifulSoup(card.question(), "html.parser")
        assert front.select_one(".section").get_text() == section.title
        links = {
            a.get_text(): a["href"] for a in BeautifulSoup(card.answer(), "html.parser").select(".source a")
        }
        assert links["This question on the website"] == (
            f"https://example.org/hb/{number:02d}-{section.slug}/#{question.id}"
        )
        assert links["The original post"] == handbook.meta.source_url


def test_flags_and_suspensions_survive_an_update_but_a_learners_own_tags_do_not(
    tmp_path: Path, collection
) -> None:
    """docs/anki.md, "Your own marks": a flag and a suspension belong to the card, which an update
    keeps; tags belong to the note, and Anki's importer replaces the tags of a note it updates."""
    source = tmp_path / "handbook"
    shutil.copytree(BOOK.handbook_dir, source)
    book, state, decks = markdown_book(source), tmp_path / "question-state.tsv", tmp_path / "decks"
    export_anki(book, decks, None, timestamp=FIRST_EXPORT, state_file=state)
    import_package(collection, book_deck(decks, REAL))
    notes = {collection.get_note(n)["Id"]: collection.get_note(n) for n in collection.find_notes("")}
    flagged, suspended, tagged = (q.id for _, q in list(read_markdown(source).questions())[2:5])
    flagged_card, suspended_card = notes[flagged].card_ids()[0], notes[suspended].card_ids()[0]
    collection.set_user_flag_for_cards(2, [flagged_card])
    collection.sched.suspend_cards([suspended_card])
    notes[tagged].add_tag("my-own")
    collection.update_note(notes[tagged])

    for question in (flagged, suspended, tagged):
        add_paragraph(source, question, "A sentence the author added later.")
    later = int(time.time()) + 3600  # changed upstream after the learner tagged it
    export_anki(book, decks, None, timestamp=later, state_file=state)
    log = import_package(collection, book_deck(decks, REAL))
    assert sorted(collection.get_note(n.id.nid)["Id"] for n in log.updated) == sorted(
        [flagged, suspended, tagged]
    )
    assert collection.get_card(flagged_card).user_flag() == 2
    assert collection.get_card(suspended_card).queue == QUEUE_TYPE_SUSPENDED
    assert "my-own" not in collection.get_note(notes[tagged].id).tags
