"""When each Anki note last changed: a reviewable TSV next to the question ids.

Anki's default import updates a note only when the incoming copy is newer
than the one in the collection. One time for every note would make one edited
answer overwrite all of them, learners' own edits included. So each question
keeps a digest of its note's content and the time that content last changed
(`source/books/SLUG/question-state.tsv`: id, digest, time); so does each part note
(`<question id>/<sub-heading slug>`, pipeline.parts), and the note type has its own
row, `@note-type`, for the card templates and CSS.

`export-anki` (and so `build`) rewrites the file when a digest changes: an
unchanged note keeps its time, a changed one takes the current source time
(`pipeline.source_time`), and never one older than its last. With the same
Markdown and the same state file, the decks come out byte-identical.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.fileio import tsv_text, write_atomic

NOTE_TYPE_ROW = "@note-type"
COLUMNS = (
    inputs.Column(
        "id",
        re.compile(r"@note-type|[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?", re.ASCII),
        "a question id, a part note's id (pipeline.parts) or @note-type",
    ),
    inputs.Column("digest", re.compile(r"[0-9a-f]{16}", re.ASCII), "a 16-digit hex digest"),
    # Whole seconds: ASCII digits only (str.isdigit takes "²"), and few enough to stay a time.
    inputs.Column("time", re.compile(r"[0-9]{1,12}", re.ASCII), "whole seconds (up to 12 digits)"),
)
HEADER = tuple(column.name for column in COLUMNS)


@dataclass(frozen=True)
class NoteState:
    id: str
    digest: str
    time: int


def read_state(path: Path) -> dict[str, NoteState]:
    """The recorded rows by id; an absent file means nothing recorded yet."""
    if not os.path.lexists(path):
        return {}
    states: dict[str, NoteState] = {}
    for number, (key, digest, time) in enumerate(inputs.read_tsv(path, inputs.NOTE_STATE, COLUMNS), start=2):
        if key in states:
            raise HandbookError(f"{path}:{number}: {key!r} has a row already")
        states[key] = NoteState(key, digest, int(time))
    return states


def state_tsv(states: Iterable[NoteState]) -> str:
    return tsv_text(HEADER, ((s.id, s.digest, s.time) for s in states))


@dataclass
class NoteClock:
    """Dates notes from the recorded state; remembers what it dated, and what changed."""

    previous: dict[str, NoteState]
    now: int
    dated: dict[str, NoteState] = field(default_factory=dict)

    def time_of(self, key: str, digest: str) -> int:
        old = self.previous.get(key)
        if old is not None and old.digest == digest:
            state = old
        else:
            # Strictly newer than before, even if the source clock went back.
            state = NoteState(key, digest, self.now if old is None else max(self.now, old.time + 1))
        self.dated[key] = state
        return state.time

    @property
    def changed(self) -> list[str]:
        """Question ids (not the note type) whose time moved in this run."""
        return [
            key
            for key, state in self.dated.items()
            if key != NOTE_TYPE_ROW and self.previous.get(key) != state
        ]

    @property
    def note_type_changed(self) -> bool:
        """Whether the note type (templates, CSS) was dated anew in this run."""
        state = self.dated.get(NOTE_TYPE_ROW)
        return state is not None and self.previous.get(NOTE_TYPE_ROW) != state

    def states(self, *, keep_others: bool) -> list[NoteState]:
        """The rows to record: the note type first, then questions in the order dated.

        A partial export keeps the rows of questions it did not date.
        """
        rows = dict(self.previous) if keep_others else {}
        rows.update(self.dated)  # keeps each recorded row where it was
        return sorted(rows.values(), key=lambda state: state.id != NOTE_TYPE_ROW)

    def save(self, path: Path, *, keep_others: bool) -> bool:
        """Write the state file if it changed; whether it did."""
        text = state_tsv(self.states(keep_others=keep_others))
        if inputs.read_optional_text(path, inputs.NOTE_STATE) == text:
            return False
        write_atomic(path, text.encode("utf-8"))
        return True
