"""The note state file: digests and times per question, read strictly, kept stable."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import HandbookError
from pipeline.note_state import NOTE_TYPE_ROW, NoteClock, NoteState, read_state, state_tsv

A, B, C = "a" * 16, "b" * 16, "c" * 16


def test_unchanged_keeps_its_time_and_changed_moves_forward() -> None:
    clock = NoteClock({"x": NoteState("x", A, 100), "y": NoteState("y", B, 100)}, now=500)
    assert clock.time_of("x", A) == 100
    assert clock.time_of("y", C) == 500
    assert clock.time_of("new", A) == 500
    assert clock.changed == ["y", "new"] and not clock.note_type_changed
    clock.time_of(NOTE_TYPE_ROW, A)
    assert clock.note_type_changed


def test_a_changed_note_never_goes_back_in_time() -> None:
    clock = NoteClock({"x": NoteState("x", A, 900)}, now=500)
    assert clock.time_of("x", B) == 901


def test_a_full_export_records_exactly_what_it_dated(tmp_path: Path) -> None:
    path = tmp_path / "state.tsv"
    clock = NoteClock({"gone": NoteState("gone", A, 1)}, now=7)
    clock.time_of("q", A)
    clock.time_of(NOTE_TYPE_ROW, B)
    assert clock.save(path, keep_others=False)
    assert path.read_text() == f"id\tdigest\ttime\n{NOTE_TYPE_ROW}\t{B}\t7\nq\t{A}\t7\n"
    assert not NoteClock(read_state(path), now=9).save(path, keep_others=True)


def test_a_partial_export_keeps_the_other_rows_in_place(tmp_path: Path) -> None:
    old = {k: NoteState(k, A, 1) for k in ("p", "q", "r")}
    clock = NoteClock(old, now=5)
    clock.time_of("q", B)
    assert [(s.id, s.time) for s in clock.states(keep_others=True)] == [("p", 1), ("q", 5), ("r", 1)]
    assert state_tsv(clock.states(keep_others=False)) == f"id\tdigest\ttime\nq\t{B}\t5\n"


def test_no_file_is_an_empty_state(tmp_path: Path) -> None:
    assert read_state(tmp_path / "missing.tsv") == {}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "id\ttime\n",
        f"id\tdigest\ttime\nq\t{A}\n",
        "id\tdigest\ttime\nq\tnothex\t1\n",
        f"id\tdigest\ttime\nq\t{A}\t-1\n",
        f"id\tdigest\ttime\nq\t{A}\t1\nq\t{B}\t2\n",
    ],
)
def test_malformed_state_is_a_one_line_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "state.tsv"
    path.write_text(text)
    with pytest.raises(HandbookError, match=r"state\.tsv"):
        read_state(path)


def test_committed_state_covers_every_question() -> None:
    """The book's question-state.tsv has a row per question id, per part note (pipeline.parts) and
    for the note type."""
    from pipeline.ids import read_ids
    from pipeline.parts import answer_parts
    from pipeline.readers.markdown import read_markdown
    from tests.layout import BOOK

    state = read_state(BOOK.state_file)
    parts = {p.id for _, q in read_markdown(BOOK.handbook_dir).questions() for p in answer_parts(q)}
    assert parts and set(state) == {a.id for a in read_ids(BOOK.ids_file)} | parts | {NOTE_TYPE_ROW}
